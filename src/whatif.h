/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Coalescing what-if: what each interrupt-coalescing setting would give,
 * forecast from one observation, without touching the NIC.  Pure: the
 * costs measured at one load (forecast.h) with the setting's interrupt cap
 * in place of the observed one, at the current load and at a chosen rate,
 * the delay the setting adds (coalesce.h) and the socket's queueing delay
 * (forecast_latency.c).  Also: which setting a goal picks.
 */
#ifndef LT_WHATIF_H
#define LT_WHATIF_H
#include <stdbool.h>
#include <linux/ethtool.h>
#include "coalesce.h"
#include "forecast.h"

/* One setting's forecast at one offered load. */
struct whatif_load {
	double lambda_pps;
	double irqs_pps, pkts_per_irq;
	double polls_pps;		/* NET_RX busy periods: a poll per interrupt, or NAPI deferral's timer polls */
	double empty_polls_pps;		/* of those, the timer's polls that find nothing */
	double cpu_irq_pct;		/* hard-IRQ work, % of one RX CPU */
	double cpu_intr_pct;		/* hard IRQ + NET_RX (the measured "CPU at interrupt priority") */
	double gamma_pps;
	double app_wakeups_pps;		/* the application's wakeups a second */
	double coal_mean_us, coal_p99_us;	/* added before the stack by the setting */
	double stack_us;		/* per packet, at interrupt priority */
	double socket_mean_us, socket_p99_us;	/* enqueue to read */
	double batch_wait_mean_us, batch_wait_p99_us;	/* the part of it spent on the rest of the batch */
	double seen_p99_us;		/* stack + socket: from the stack entry on, what --latency sees */
	double latency_mean_us, latency_p99_us;	/* all three (p99: coalescing's plus the rest's, an upper bound) */
	const char *limit;
};

struct whatif_result {
	bool predicted;
	const char *why;		/* when not predicted */
	double usecs, frames;		/* the setting in effect */
	double defer_hard_irqs, gro_flush_ns;	/* NAPI's deferral in effect (0, 0: off) */
	bool napi_only;			/* only NAPI's deferral changes: the observed interrupt cap stays */
	double timer_late_ns;		/* the deferral timer's lateness the observation showed (0: none) */
	struct whatif_load now, at_rate;	/* at_rate.lambda_pps NAN: no --rate */
	struct fc_summary sum;		/* capacity, MLFRR, livelock point under the setting */
	/* the spread over the observation's intervals: 10th and 90th percentile */
	double gamma_lo, gamma_hi, cpu_lo, cpu_hi, p99_lo, p99_hi, capacity_lo, capacity_hi;
};

/* The observation: its costs (and per-interval ones for the spread), device and load. */
struct whatif_obs {
	struct fc_costs costs;
	const struct fc_costs *samples;	/* per-interval costs, may be NULL */
	unsigned int n_samples;
	const char *driver;
	double lambda_pps;		/* the load now */
	double irqs_pps;		/* interrupts a second observed at it, NAN if unknown */
	double polls_pps;		/* NAPI polls a second observed at it, NAN if unknown */
	bool dynamic;			/* observed in one of the driver's dynamic throttling modes */
	double rate_pps;		/* --rate, NAN if none */
};

/*
 * The setting s applied over the original orig (fields s leaves keep
 * orig's; NAPI's deferral, when s leaves it, the observation's).  Adaptive
 * modes and the drivers' dynamic modes are not predicted (predicted false,
 * why says so).
 */
void whatif_forecast(const struct whatif_obs *ob, const struct ethtool_coalesce *orig,
		     const struct coal_setting *s, struct whatif_result *out);

/* The load a result is judged at: --rate when given, else the load now. */
const struct whatif_load *whatif_judged(const struct whatif_result *r);

enum whatif_goal { WHATIF_GOAL_NONE, WHATIF_GOAL_THROUGHPUT, WHATIF_GOAL_CPU, WHATIF_GOAL_LATENCY };
#define WHATIF_SAME_GAMMA	0.01	/* delivered rates this close count as equal */

/*
 * The setting a goal picks, judged at the rate (or the current load):
 * throughput: the highest capacity, then the lowest CPU;
 * cpu: the lowest CPU share whose p99 latency is within bound_us and whose
 *      delivered rate is within WHATIF_SAME_GAMMA of the best;
 * latency: the lowest p99 latency delivering within WHATIF_SAME_GAMMA of the best.
 * The index, or -1 with why set.
 */
int whatif_recommend(const struct whatif_result *r, int n, enum whatif_goal g, double bound_us,
		     const char **why);
const char *whatif_goal_name(enum whatif_goal g);

struct json;
/* One result as a JSON object under key: the load now, at --rate, the curve's points, the spread. */
void whatif_json(struct json *j, const char *key, const struct whatif_result *r);

#endif
