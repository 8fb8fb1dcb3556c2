/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Recorded runs (`--record FILE.jsonl`): a file that describes itself.
 *
 *   line 1      the header: {"record":"livelock-trace","format":1, "version",
 *               "time", "host", "kernel", "device":{name, ifindex, driver,
 *               bus_info, rx_queues, rx_ring, rx_ring_max, irqs:[{irq,name}]},
 *               "coalesce":{supported, rx_usecs, ...} (null fields when not
 *               supported), "napi_settings":{defer_hard_irqs, gro_flush_timeout_ns}
 *               (the device-wide sysfs values; null where absent),
 *               "options":{argv:[...], interval_s, mapping, model, deliver,
 *               buffer, window, xdp}}, "probes":{attach, attach_reason, btf,
 *               btf_external}, "rx_threads":{preempt_rt, threaded_napi,
 *               thread, policy, fair}
 *   lines 2..   one interval each: exactly the objects `--json` prints
 *   last line   the summary object ({"summary":true, ...}) when the run ended
 *               cleanly; a file without it was cut short.
 */
#ifndef LT_RECORD_H
#define LT_RECORD_H
#include <stdio.h>
#include "estimator.h"
#include "nic.h"

#define RECORD_FORMAT 1

struct record_opts {
	int argc;
	char **argv;		/* the command line, as given */
	double interval_s;
	const struct est_opts *est;
	const char *xdp;	/* "off", "native", "generic" */
	unsigned int sample;	/* --sample N (1: probes always attached) */
	const char *attach, *attach_reason;	/* "tp_btf" or "raw_tp", and why */
	const char *btf;	/* the BTF file the programs were relocated against */
	bool btf_external;	/* not the kernel's own */
	bool preempt_rt, threaded_napi;	/* receive work in kernel threads */
	const char *rx_thread;	/* the thread running NET_RX (irq/N-NAME, napi/NAME-ID), or NULL */
	int rx_thread_policy;	/* its SCHED_* policy, -1 unknown */
	bool rx_fair;		/* NET_RX shares the CPU with applications (forecast: threaded) */
};

/* Write the header line; returns 0 or -errno. */
int record_write_header(FILE *f, const struct nic_info *nic, const struct record_opts *o);

#endif
