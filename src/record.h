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
 *               buffer, window, xdp}}
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
	bool latency;		/* --latency measured */
};

/* Write the header line; returns 0 or -errno. */
int record_write_header(FILE *f, const struct nic_info *nic, const struct record_opts *o);

#endif
