/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The live prediction view: a device header, one aligned line per interval
 * (the header repeating like vmstat) and an exit summary, as text; "-"
 * stands for "not enough data".  It keeps the run's statistics (parameters,
 * histograms, the busy intervals) for its summary and for the JSON one
 * (record_write_summary).  With --json it prints nothing: record.c writes
 * the JSON Lines.
 */
#ifndef LT_LIVE_VIEW_H
#define LT_LIVE_VIEW_H
#include <stdbool.h>
#include <stdio.h>
#include <time.h>
#include "estimator.h"
#include "latency.h"
#include "nic.h"
#include "queue_view.h"
#include "sample.h"

#define LIVE_VIEW_HEADER_EVERY	20	/* lines between repeated column headers */

struct live_view_opts {
	bool json;
	bool per_cpu;			/* -C: NET_RX softirq per CPU under each line */
	unsigned int header_every;	/* 0: LIVE_VIEW_HEADER_EVERY */
	unsigned int sample;		/* --sample N: lines are 1/N windows (0, 1: whole intervals) */
	double interval_s;		/* under 1 s: timestamps with decimals (0: whole seconds) */
	bool latency;			/* --latency measured: "latency" in the JSON, its summary */
	struct est_opts est;		/* what the estimator was told, for the header */
	const char *probes;		/* the header's line on the programs (attach type, BTF), or NULL */
	const char *rx_priority;	/* the header's line on what runs at strict priority, or NULL */
	struct queue_view *queues;	/* the per-queue view (queue_view.h), or NULL */
};

/* Running statistics of one per-interval value. */
struct live_stat {
	double n, sum, sq, min, max;
};

/* One interval with traffic, kept for the summary's steady-interval rule. */
struct live_busy {
	double lambda, observed, predicted, error, fit_error;
	long time;
	enum est_state state;
};
#define LIVE_VIEW_MAX_BUSY	(1u << 20)	/* intervals kept; a longer run keeps its first ones */

struct live_view {
	struct live_view_opts o;
	bool color;			/* stdout a tty and NO_COLOR unset */
	unsigned long line;
	int shown_kind;			/* model kind last announced, -1 none */
	unsigned long intervals, busy;
	struct live_stat isr, copy, proto, batch;
#define X(field, slots, key, doc) uint64_t field[slots];	/* over every interval */
	LT_HISTS(X)
#undef X
	struct lat_run lat;		/* --latency, over every interval */
	uint64_t napi_packets, napi_packets_busy;	/* polled, and of those by busy polling */
	struct live_busy *busy_iv;	/* the busy intervals, in order */
	unsigned int n_busy_iv, cap_busy_iv;
	struct estimate last;
	time_t now;			/* when the last interval was added */
};

/* The steady intervals: the busy ones less the ramps at either end (compare's rule). */
struct live_steady {
	unsigned int from, to, left_out;
	struct live_stat error, fit_error;
	const struct live_busy *worst;
};

double live_stat_mean(const struct live_stat *st);	/* NAN without values */
double live_stat_sd(const struct live_stat *st);
/* The steady intervals, their error statistics and the worst of them. */
void live_view_steady(const struct live_view *v, struct live_steady *st);

/* Colour is decided here from f (isatty) and NO_COLOR. */
void live_view_init(struct live_view *v, FILE *f, const struct live_view_opts *o);
/* Device header, once before the first interval (nothing with --json). */
void live_view_header(FILE *f, struct live_view *v, const struct nic_info *nic);
/* One interval into the statistics, and its table line (and the model line when the choice changes). */
void live_view_interval(FILE *f, struct live_view *v, const struct lt_sample *s,
			const struct estimate *e);
/*
 * --sample auto, an interval without a window (sampling.h): the line of the
 * device's own packet rate, the last window's parameters and forecast, and
 * the state they give at that rate (text only: --json has one object per
 * window).
 */
void live_view_between(FILE *f, struct live_view *v, double dev_pps, double interval_s);
/* The run's pooled forecast (estimator_run_forecast), for the summary. */
struct live_run {
	bool valid;
	struct est_params p;
	struct fc_summary fs;
};

/* Frees what the view keeps (live_view_init again to reuse). */
void live_view_done(struct live_view *v);
/* At exit: parameters with spread, histograms, the forecast, the worst steady interval. */
void live_view_summary(FILE *f, struct live_view *v, const struct nic_info *nic,
		       const struct live_run *run);

#endif
