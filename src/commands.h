/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Entry points of the sub-commands; main.c only dispatches. */
#ifndef LT_COMMANDS_H
#define LT_COMMANDS_H
#include "cli.h"	/* enum lt_exit */

int cmd_live(int argc, char **argv);	  /* livelock-trace [opts] [IFACE] ... */
int cmd_model(int argc, char **argv);	  /* livelock-trace model ...           */
int cmd_simulate(int argc, char **argv);  /* livelock-trace simulate ...        */
int cmd_compare(int argc, char **argv);	  /* livelock-trace compare A B ...     */
int cmd_sweep(int argc, char **argv);	  /* livelock-trace sweep IFACE ...     */
int cmd_forecast(int argc, char **argv);  /* livelock-trace forecast RECORD ... */
int cmd_exporter(int argc, char **argv);  /* livelock-trace exporter [IFACE...] */
int cmd_plot(int argc, char **argv);	  /* livelock-trace plot FILE.jsonl ...  */

#endif
