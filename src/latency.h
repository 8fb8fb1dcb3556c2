/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Per-packet latency (--latency) from the probes' log2 histograms: the
 * stack part (entry into the stack -> socket enqueue) and the read part
 * (enqueue -> the application's read), each with its count, exact mean,
 * and beside them the reader's waits for a CPU (woken or preempted to its
 * switch-in: where a read waits behind interrupt work and other tasks),
 * percentiles and the entries the bounded stores lost (bpf/latency.bpf.h).
 * Percentiles are interpolated linearly inside a bucket; a bucket i holds
 * [2^i, 2^(i+1)) ns (bucket 0: 0 and 1 ns), so they are good to a factor 2
 * at worst, and the max is the top of the highest non-empty bucket.
 */
#ifndef LT_LATENCY_H
#define LT_LATENCY_H
#include <stdio.h>
#include "json.h"
#include "sample.h"

/* One part, added up over intervals. */
struct lat_part {
	uint64_t hist[LT_HIST_SLOTS];
	uint64_t n, ns;		/* timed, their total ns */
	uint64_t lost;		/* times the bounded store overwrote */
	uint64_t other;		/* stack: entered but not queued; read: reads without our enqueue time */
};

struct lat_run {
	struct lat_part stack, read;
	struct lat_part run;	/* the readers' waits for a CPU (lost, other: 0) */
	uint64_t stack_from_xdp;	/* stack entries that started at the XDP stamp (--xdp) */
};

/* What one part says. */
struct lat_stats {
	double n, mean_ns, p50_ns, p90_ns, p99_ns, max_ns;	/* NAN without timed packets */
	double lost, other;
};

/* The q-quantile (0..1) of a log2 histogram of ns, NAN when it is empty. */
double lat_percentile(const uint64_t *hist, int slots, double q);
/* The top of its highest non-empty bucket (an upper bound of the max), NAN when empty. */
double lat_hist_max(const uint64_t *hist, int slots);
/* Adds the sample's latency counters and histograms to r. */
void lat_run_add(struct lat_run *r, const struct lt_sample *s);
void lat_stats_of(const struct lat_part *p, struct lat_stats *o);
/* "key": {"stack": {..., "from_xdp": N}, "read": {...}, "run": {...}} in microseconds. */
void lat_json(struct json *j, const char *key, const struct lat_run *r);
/* The summary's lines and histograms. */
void lat_print(FILE *f, const struct lat_run *r);

#endif
