/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The estimator's arithmetic on raw samples (estimator_sums.c), below the
 * estimator: least-squares fits, window sums, the probe-cost correction,
 * lambda and the RX CPUs.  Pure; exposed for tests and the views.
 */
#ifndef LT_ESTIMATOR_SUMS_H
#define LT_ESTIMATOR_SUMS_H
#include <stdbool.h>
#include "sample.h"

#define EST_MIN_FIT_N		20	/* events behind a regression           */

/* A per-packet slope counts ("time grows with the batch") when both hold. */
#define EST_SLOPE_T_MIN		3.0	/* slope / its standard error           */
#define EST_SLOPE_SHARE_MIN	0.10	/* slope x mean batch / mean time       */

/* A least-squares fit y = a + b x, ns against packets. */
struct est_fit {
	double n, slope_ns, intercept_ns, r2, t;	/* t: slope / standard error */
	double mean_x, mean_y;
	double resid_sd_ns;	/* spread of y around the line */
	bool valid;		/* n >= EST_MIN_FIT_N and x varies */
	bool grows;		/* significant positive slope (EST_SLOPE_*) */
};

void est_fit_solve(const struct lt_fit_sums *f, struct est_fit *out);
void est_sample_add(struct lt_sample *sum, const struct lt_sample *s);
/* Subtract our probes' cost from the times they inflate; returns ns subtracted. */
double est_probe_correct(struct lt_sample *s);
double est_lambda_pps(const struct lt_sample *s, const char **source);
/* CPUs doing this NIC's NET_RX work: rx_cpus, else CPUs with softirq packets; 0 unknown. */
unsigned int est_rx_cpus(const struct lt_sample *s);

#endif
