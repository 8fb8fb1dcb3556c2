/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Recorded runs (record.h) read back and compared: per run the settings and
 * each metric's mean and spread over its steady intervals (state != idle,
 * less the ramps at either end: compare_steady_range()); per metric a
 * verdict against the first run.  Pure except compare_load(), which streams:
 * accumulators, and CMP_EDGE_KEEP intervals at each end for the steady rule.
 */
#ifndef LT_COMPARE_H
#define LT_COMPARE_H
#include <stdbool.h>
#include <stdio.h>

#define CMP_MAX_RUNS 8
#define CMP_MAX_LINE (1 << 20)	/* bytes of one record line; a longer one is refused */
#define CMP_EDGE_KEEP 32	/* busy intervals held at each end of a run for the steady rule */
/* A number of a record beyond this is no measurement (no rate, time or share is) */
#define CMP_MAX_VALUE 1e15
/* The steady rule: a robust sd is 1.4826 MADs; an edge is out beyond this many, */
#define CMP_STEADY_ROBUST_SDS 4
/* or beyond this share of the median, whichever is wider (a flat run has MAD 0;
 * a paced sender that falls behind for 10 ms moves 1% of a second's packets
 * into the next interval, which is no ramp). */
#define CMP_STEADY_MIN_SHARE 0.03

enum cmp_metric {
	CMP_LAMBDA, CMP_OBSERVED, CMP_PREDICTED, CMP_ERROR, CMP_IRQS_PS, CMP_IRQS_PKT,
	CMP_ISR_US, CMP_BATCH, CMP_IRQ_SHARE, CMP_CPU_PER_PKT, CMP_DROP_NIC, CMP_DROP_BACKLOG,
	CMP_DROP_SOCKET, CMP_DROP_OTHER, CMP_COPY_US, CMP_PROTO_US, CMP_MLFRR, CMP_LIVELOCK,
	CMP_LAT_STACK_P99, CMP_LAT_READ_P99,	/* --latency records only */
	CMP_LAT_RUN_P99,			/* the readers' waits for a CPU (--latency) */
	CMP_APP_WAKEUPS,			/* the readers' wakeups a second */
	CMP_KSOFTIRQD,				/* NAPI polls run by ksoftirqd, % */
	CMP_NAPI_POLLS,				/* the device's NAPI polls a second, empty ones too */
	CMP_EMPTY_POLL_CPU,			/* % of a CPU in NET_RX runs that polled and found nothing */
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
	unsigned int edges;		/* ramp intervals at either end left out (steady rule) */
	unsigned int steady_first, steady_last;	/* the steady ones: first and last interval line, from 0 (busy > 0) */
	bool complete;			/* ended with its summary */
	struct cmp_stat m[CMP_METRICS];
	/* fitted parameters for the predicted curve (means over busy intervals) */
	double isr_us, copy_us, proto_us, buffer, cpus;
};

enum cmp_verdict { CMP_SAME, CMP_BETTER, CMP_WORSE, CMP_DIFFERENT, CMP_UNKNOWN };

/*
 * The steady intervals [*from, *to) of n busy ones in time order: the first
 * and last are left out while lambda or observed differs from its median by
 * more than the steady spread allows (CMP_STEADY_ROBUST_SDS robust sds, at
 * least CMP_STEADY_MIN_SHARE of the median), keeping a majority.  Holds for
 * ramps of several intervals.  Returns how many were left out.
 */
unsigned int compare_steady_range(const double *lambda, const double *observed, unsigned int n,
				  unsigned int *from, unsigned int *to);
/*
 * Load one recorded file (a regular file, lines up to CMP_MAX_LINE);
 * returns 0, or -1 after writing one line to err.
 */
int compare_load(const char *path, struct cmp_run *run, FILE *err);
/* The same from an open stream (f is left open); `path` names it in messages. */
int compare_load_stream(FILE *f, const char *path, struct cmp_run *run, FILE *err);
/* Verdict of b against a for metric m: a difference within the two runs' spreads is noise. */
enum cmp_verdict compare_verdict(const struct cmp_run *a, const struct cmp_run *b, enum cmp_metric m,
				 double *diff_pct);
const char *compare_verdict_name(enum cmp_verdict v);
/* Index of the best run: most delivered, then least CPU per delivered packet. */
int compare_best(const struct cmp_run *runs, int n);

#endif
