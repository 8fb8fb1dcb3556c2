/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Recorded runs (record.h) read back and compared: per run the settings and
 * each metric's mean and spread over the busy intervals (state != idle, less
 * a first or last one with lambda under half the median: partly idle);
 * per metric a verdict against the first run.  Pure except compare_load().
 */
#ifndef LT_COMPARE_H
#define LT_COMPARE_H
#include <stdbool.h>
#include <stdio.h>

#define CMP_MAX_RUNS 8

enum cmp_metric {
	CMP_LAMBDA, CMP_OBSERVED, CMP_PREDICTED, CMP_ERROR, CMP_IRQS_PS, CMP_IRQS_PKT,
	CMP_ISR_US, CMP_BATCH, CMP_IRQ_SHARE, CMP_CPU_PER_PKT, CMP_DROP_NIC, CMP_DROP_BACKLOG,
	CMP_DROP_SOCKET, CMP_DROP_OTHER, CMP_COPY_US, CMP_PROTO_US, CMP_MLFRR, CMP_LIVELOCK,
	CMP_METRICS,
};

/* Which way is better: +1 higher, -1 lower, 0 neither (load, descriptive). */
struct cmp_metric_info {
	const char *name, *unit;
	int better;
};
extern const struct cmp_metric_info cmp_metrics[CMP_METRICS];

struct cmp_stat {
	double n, mean, sd, min, max;
};

struct cmp_run {
	char path[256];
	char device[32], driver[32], kernel[64], host[64], mapping[16], model[16];
	double interval_s, rx_ring;
	bool coalesce_supported;
	double rx_usecs, rx_frames, adaptive_rx, defer_hard_irqs, gro_flush_timeout_ns;
	unsigned int intervals, busy;	/* all; with traffic, used */
	unsigned int edges;		/* partly busy first/last intervals left out */
	bool complete;			/* ended with its summary */
	struct cmp_stat m[CMP_METRICS];
	/* fitted parameters for the predicted curve (means over busy intervals) */
	double isr_us, copy_us, proto_us, buffer, cpus;
};

enum cmp_verdict { CMP_SAME, CMP_BETTER, CMP_WORSE, CMP_DIFFERENT, CMP_UNKNOWN };

/* Load one recorded file; returns 0, or -1 after writing one line to err. */
int compare_load(const char *path, struct cmp_run *run, FILE *err);
/* Verdict of b against a for metric m: a difference within the two runs' spreads is noise. */
enum cmp_verdict compare_verdict(const struct cmp_run *a, const struct cmp_run *b, enum cmp_metric m,
				 double *diff_pct);
const char *compare_verdict_name(enum cmp_verdict v);
/* Index of the best run: most delivered, then least CPU per delivered packet. */
int compare_best(const struct cmp_run *runs, int n);

#endif
