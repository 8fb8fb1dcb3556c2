/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Entry points of the sub-commands; main.c only dispatches. */
#ifndef LT_COMMANDS_H
#define LT_COMMANDS_H

/* Exit codes shared by every command (README "Exit codes"). */
enum lt_exit {
	LT_EXIT_OK    = 0,
	LT_EXIT_ENV   = 1,	/* environment: no root, no BTF, interface gone ... */
	LT_EXIT_USAGE = 2,	/* bad command line */
};

int cmd_live(int argc, char **argv);	  /* livelock-trace [opts] [IFACE] ... */
int cmd_model(int argc, char **argv);	  /* livelock-trace model ...           */
int cmd_simulate(int argc, char **argv);  /* livelock-trace simulate ...        */
int cmd_compare(int argc, char **argv);	  /* livelock-trace compare A B ...     */
int cmd_sweep(int argc, char **argv);	  /* livelock-trace sweep IFACE ...     */
int cmd_exporter(int argc, char **argv);  /* livelock-trace exporter [IFACE...] */

/* compare's report of loaded runs (compare.h), shared with sweep: text or JSON, optional SVG. */
struct cmp_run;
int compare_report(const struct cmp_run *runs, int n, int json, const char *plot_path);

#endif
