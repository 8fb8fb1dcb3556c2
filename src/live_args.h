/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The live command's options (`livelock-trace [options] [IFACE] [INTERVAL
 * [COUNT]]`): what they hold, and the parser that fills them from argv and
 * the LIVELOCK_TRACE_* environment.  cmd_live.c runs what they ask for.
 */
#ifndef LT_LIVE_ARGS_H
#define LT_LIVE_ARGS_H
#include <stdbool.h>
#include <stdint.h>
#include "estimator.h"
#include "probe.h"

struct live_opts {
	const char *ifname;
	double interval_s;
	uint64_t count;		/* 0: until interrupted */
	bool json, raw, verbose, exit_after_attach, per_cpu, per_queue, stack_time, stack_time_off, latency;
	unsigned int sample;	/* --sample N: probes attached 1/N of each interval; 0, 1 = always */
	enum probe_xdp xdp;
	enum probe_attach attach;	/* --attach, else LIVELOCK_TRACE_ATTACH */
	const char *btf;	/* --btf FILE, else LIVELOCK_TRACE_BTF */
	const char *record;	/* --record FILE */
	const char *ready_file;	/* --ready-file FILE: created once the first interval is under way */
	struct est_opts est;
};

/* CLI_CONTINUE to run, else an exit code (LT_EXIT_OK after --help) with one line on stderr. */
int live_parse_args(int argc, char **argv, struct live_opts *o);
/* "off", "native", "generic" */
const char *live_xdp_word(enum probe_xdp x);

#endif
