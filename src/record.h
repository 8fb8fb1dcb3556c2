/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The JSON of the live command, written here alone: `--json` prints the
 * interval and summary objects, and a recorded run (`--record FILE.jsonl`)
 * is a file that describes itself.
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
 *               thread, policy, fair}, "busy_poll":{read_us, poll_us}
 *               (net.core.busy_read and busy_poll; SO_BUSY_POLL is per socket)
 *   lines 2..   one interval each: exactly the objects `--json` prints
 *   last line   the summary object ({"summary":true, ...}) when the run ended
 *               cleanly; a file without it was cut short.
 */
#ifndef LT_RECORD_H
#define LT_RECORD_H
#include <stdio.h>
#include "estimator.h"
#include "live_view.h"
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
	long busy_read_us, busy_poll_us;	/* net.core.busy_read, busy_poll (0: off) */
	bool latency;		/* --latency measured */
};

/* Write the header line; returns 0 or -errno. */
int record_write_header(FILE *f, const struct nic_info *nic, const struct record_opts *o);
/*
 * One interval's object (the estimate, the raw sample under "raw", per CPU
 * with the view's per_cpu), after live_view_interval added it to v.
 */
void record_write_interval(FILE *f, const struct live_view *v, const struct lt_sample *s,
			   const struct estimate *e);
/* The summary object from the run's statistics in v and its pooled forecast. */
void record_write_summary(FILE *f, const struct live_view *v, const struct nic_info *nic,
			  const struct live_run *run);

#endif
