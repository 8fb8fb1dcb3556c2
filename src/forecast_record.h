/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Reading a `--record` file for `livelock-trace forecast`: the costs the
 * forecast starts from (the summary's, pooled over the run; else the median
 * of the intervals' window costs for a run cut short) and the run's
 * measured point (mean offered and delivered rate over its steady busy
 * intervals).
 */
#ifndef LT_FORECAST_RECORD_H
#define LT_FORECAST_RECORD_H
#include <stdbool.h>
#include <stdio.h>
#include "forecast.h"

#define FCR_MAX_LINE	(1 << 20)	/* a longer line is not ours */
#define FCR_SAMPLES	64		/* busy intervals' own costs kept (the last ones), for spreads */

struct fc_record {
	char device[64], driver[32];
	struct fc_costs costs;
	bool have_costs;
	const char *costs_from;		/* "summary" or "intervals (median)" */
	unsigned int intervals, busy;	/* all, and steady busy ones (first and last busy left out) */
	double lambda_pps, observed_pps;	/* means over the steady busy intervals */
	double irqs_pps;		/* the device's interrupts a second, the same way; NAN if none */
	double polls_pps;		/* its NAPI polls a second (raw counters), the same way; NAN if none */
	double capacity_pps;		/* what the live tool said (the summary's), NAN if none */
	struct fc_costs samples[FCR_SAMPLES];	/* busy intervals' costs, complete ones only */
	unsigned int n_samples;
	/* the coalescing settings the record was made under (header) */
	bool coalesce_known, adaptive_rx;
	double rx_usecs, rx_frames;
};

/* 0, or 1 after one line on err saying what is wrong with the file. */
int fc_record_load(const char *path, struct fc_record *r, FILE *err);
/* The same from an open stream (f is left open); `path` names it in messages. */
int fc_record_read(FILE *f, const char *path, struct fc_record *r, FILE *err);

#endif
