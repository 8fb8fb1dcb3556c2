// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Coalescing what-if: each setting forecast from one observation (see whatif.h). */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "json.h"
#include "whatif.h"

#define US	1e6
#define MAX_SPREAD	256	/* per-interval forecasts the spread looks at */
#define DYNAMIC_HELD	1.05	/* the law's interrupts over the observed beyond this: a throttle held them */

/*
 * The costs under a setting: a throttle caps interrupts at 1e6/U a second;
 * a delay timer holds each interrupt U after its first packet, which adds
 * U to the busy period's setup (the batching law then gives 1 + lambda.U
 * more packets per interrupt); a frame count caps the interrupts at one per F.
 */
static void costs_under(const struct fc_costs *obs, enum coal_timer t, double u, double f,
			const struct whatif_result *r, struct fc_costs *c)
{
	*c = *obs;
	c->defer_irqs = r->defer_hard_irqs;
	c->gro_flush_ns = r->gro_flush_ns;
	if (r->napi_only)	/* the interrupt cap stays what was observed */
		return;
	c->irq_cap_pps = INFINITY;
	c->frames_per_irq = f > 1 ? f : 0;
	if (u > 0 && t == COAL_TIMER_THROTTLE)
		c->irq_cap_pps = US / u;
	else if (u > 0)
		c->setup_ns += u * 1e3;
}

/*
 * NAPI's deferral over a driver's dynamic throttle: the throttle's rate at
 * this load is what the observation, made with deferral off, saw.  Where the batching law alone
 * gives more interrupts than were observed, the throttle held them there:
 * that rate stays the cap (off, the forecast is then the observation).
 */
static void dynamic_cap(const struct whatif_obs *ob, const struct whatif_result *r, struct fc_costs *c)
{
	struct fc_costs off = *c;
	struct fc_point p;
	double cur = c->irq_cap_pps > 0 ? c->irq_cap_pps : INFINITY;	/* NAN or 0: none */

	if (!r->napi_only || !ob->dynamic || !(ob->irqs_pps > 0) || !(ob->lambda_pps > 0))
		return;
	/* observed under deferral, the interrupts were the episodes', not the throttle's */
	if (ob->costs.defer_irqs >= 1 && ob->costs.gro_flush_ns > 0)
		return;
	off.defer_irqs = ob->costs.defer_irqs;
	off.gro_flush_ns = ob->costs.gro_flush_ns;
	fc_at(&off, ob->lambda_pps, &p);
	if (p.irqs_pps > DYNAMIC_HELD * ob->irqs_pps)
		c->irq_cap_pps = fmin(cur, ob->irqs_pps);
}

/*
 * Observed under NAPI's deferral, the polls a second say how long the
 * timer's cycle really was: the lateness (beyond gro_flush_timeout) that
 * makes the model give the observed polls at the observed load, by
 * bisection on [0, TIMER_LATE_MAX_NS].  0 when the model already gives no
 * more polls than observed, or nothing tells.
 */
#define TIMER_LATE_MAX_NS	10e6
static double timer_lateness(const struct whatif_obs *ob)
{
	struct fc_costs c = ob->costs;
	struct fc_point p;
	double lo = 0, hi = TIMER_LATE_MAX_NS;

	if (!(c.defer_irqs >= 1 && c.gro_flush_ns > 0) || !(ob->polls_pps > 0) || !(ob->lambda_pps > 0) ||
	    !fc_costs_valid(&c))
		return 0;
	c.timer_late_ns = 0;
	fc_at(&c, ob->lambda_pps, &p);
	if (!(p.polls_pps > ob->polls_pps))
		return 0;
	for (int i = 0; i < 60; i++) {
		c.timer_late_ns = (lo + hi) / 2;
		fc_at(&c, ob->lambda_pps, &p);
		if (p.polls_pps > ob->polls_pps)
			lo = c.timer_late_ns;
		else
			hi = c.timer_late_ns;
	}
	return (lo + hi) / 2;
}

/* The numbers of a whatif_load, in the order of its JSON object ("limit" goes before LOAD_LIMIT_AT). */
static const struct {
	const char *key;
	size_t off;
} load_fields[] = {
#define F(key, field) { key, offsetof(struct whatif_load, field) }
	F("lambda_pps", lambda_pps), F("irqs_per_s", irqs_pps), F("pkts_per_irq", pkts_per_irq),
	F("hardirq_share_pct", cpu_irq_pct), F("irq_share_pct", cpu_intr_pct), F("gamma_pps", gamma_pps),
	F("app_wakeups_per_s", app_wakeups_pps), F("coalesce_delay_mean_us", coal_mean_us), F("coalesce_delay_p99_us", coal_p99_us),
	F("stack_us", stack_us), F("socket_mean_us", socket_mean_us), F("socket_p99_us", socket_p99_us),
	F("batch_wait_mean_us", batch_wait_mean_us), F("batch_wait_p99_us", batch_wait_p99_us),
	F("seen_p99_us", seen_p99_us),
	F("latency_mean_us", latency_mean_us), F("latency_p99_us", latency_p99_us),
	F("polls_per_s", polls_pps), F("empty_polls_per_s", empty_polls_pps),
#undef F
};
#define LOAD_LIMIT_AT	6	/* "limit" follows gamma_pps */

static void load_at(const struct fc_costs *c, enum coal_timer t, double u, double f, double lambda,
		    struct whatif_load *w)
{
	struct fc_point p;
	struct fc_latency lat;
	double cm, cp, di, dp, dm, d99;

	memset(w, 0, sizeof(*w));
	w->lambda_pps = lambda;
	w->limit = "-";
	if (!(lambda > 0)) {	/* no load: every number unknown but the load itself */
		for (size_t i = 1; i < sizeof(load_fields) / sizeof(load_fields[0]); i++)
			*(double *)((char *)w + load_fields[i].off) = NAN;
		return;
	}
	fc_at(c, lambda, &p);
	w->irqs_pps = p.irqs_pps;
	w->polls_pps = p.polls_pps;
	w->empty_polls_pps = p.empty_polls_pps;
	w->pkts_per_irq = p.irqs_pps > 0 ? lambda / p.irqs_pps : INFINITY;
	w->cpu_irq_pct = 100 * p.cpu_irq;
	w->cpu_intr_pct = 100 * fmin(1, p.cpu_irq + p.cpu_rx);
	w->gamma_pps = p.gamma_pps;
	w->app_wakeups_pps = p.app_wakeups_pps;
	w->limit = p.limit;
	coal_added_delay(t, u, f, lambda / c->cpus, &cm, &cp);
	/* NAPI's deferral: packets inside an episode wait for its timer's poll, the first for the NIC's */
	if (fc_napi_defer(c, lambda / c->cpus, &di, &dp, NULL, &dm, &d99)) {
		cm = dm + fmin(1, di / (lambda / c->cpus)) * cm;
		cp = fmax(d99, cp);
	}
	w->coal_mean_us = cm * US;
	w->coal_p99_us = cp * US;
	fc_latency_at(c, &p, &lat);
	w->stack_us = lat.stack_s * US;
	w->socket_mean_us = lat.socket_mean_s * US;
	w->socket_p99_us = lat.socket_p99_s * US;
	w->batch_wait_mean_us = lat.batch_mean_s * US;
	w->batch_wait_p99_us = lat.batch_p99_s * US;
	w->seen_p99_us = w->stack_us + w->socket_p99_us;
	w->latency_mean_us = w->coal_mean_us + w->stack_us + w->socket_mean_us;
	w->latency_p99_us = w->coal_p99_us + w->seen_p99_us;
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* 10th and 90th percentile of the finite values in v[0..n). */
static void spread(double *v, unsigned int n, double *lo, double *hi)
{
	unsigned int m = 0;

	for (unsigned int i = 0; i < n; i++)
		if (isfinite(v[i]))
			v[m++] = v[i];
	*lo = *hi = NAN;
	if (!m)
		return;
	qsort(v, m, sizeof(double), cmp_dbl);
	*lo = v[(m - 1) / 10];
	*hi = v[(m - 1) - (m - 1) / 10];
}

static void spread_of(const struct whatif_obs *ob, enum coal_timer t, double u, double f, double lambda,
		      struct whatif_result *r)
{
	static double g[MAX_SPREAD], cpu[MAX_SPREAD], p99[MAX_SPREAD], cap[MAX_SPREAD];
	unsigned int n = 0, first = ob->n_samples > MAX_SPREAD ? ob->n_samples - MAX_SPREAD : 0;

	for (unsigned int i = first; ob->samples && i < ob->n_samples; i++) {
		struct fc_costs c;
		struct whatif_load w;

		if (!fc_costs_valid(&ob->samples[i]))
			continue;
		costs_under(&ob->samples[i], t, u, f, r, &c);
		dynamic_cap(ob, r, &c);
		c.timer_late_ns = r->timer_late_ns;
		load_at(&c, t, u, f, lambda, &w);
		g[n] = w.gamma_pps;
		cpu[n] = w.cpu_intr_pct;
		p99[n] = w.latency_p99_us;
		cap[n] = fc_summarize(&c).capacity_pps;
		n++;
	}
	spread(g, n, &r->gamma_lo, &r->gamma_hi);
	spread(cpu, n, &r->cpu_lo, &r->cpu_hi);
	spread(p99, n, &r->p99_lo, &r->p99_hi);
	spread(cap, n, &r->capacity_lo, &r->capacity_hi);
}

void whatif_forecast(const struct whatif_obs *ob, const struct ethtool_coalesce *orig,
		     const struct coal_setting *s, struct whatif_result *r)
{
	struct ethtool_coalesce ec = *orig;
	enum coal_timer t = coal_timer_of(ob->driver);
	struct fc_costs c;
	double judged;
	/* NAPI's deferral alone leaves the driver's own throttle as it was observed */
	bool napi_only = !s->has_usecs && !s->has_frames && !s->has_adaptive && (s->has_defer || s->has_gro_flush);

	memset(r, 0, sizeof(*r));
	r->napi_only = napi_only;
	r->sum = (struct fc_summary){ NAN, NAN, NAN };
	coal_setting_to(s, &ec);
	r->usecs = ec.rx_coalesce_usecs;
	r->frames = ec.rx_max_coalesced_frames;
	r->defer_hard_irqs = s->has_defer ? s->defer_hard_irqs : ob->costs.defer_irqs;
	r->gro_flush_ns = s->has_gro_flush ? s->gro_flush_ns : ob->costs.gro_flush_ns;
	if (ec.use_adaptive_rx_coalesce && !napi_only) {
		r->why = "adaptive coalescing follows the load: not forecast";
		return;
	}
	if (coal_usecs_note(ob->driver, ec.rx_coalesce_usecs) && !napi_only) {
		r->why = "a dynamic interrupt-throttling mode of the driver: not forecast";
		return;
	}
	if (!fc_costs_valid(&ob->costs)) {
		r->why = "the observation has no complete costs (too little traffic?)";
		return;
	}
	costs_under(&ob->costs, t, r->usecs, r->frames, r, &c);
	dynamic_cap(ob, r, &c);
	r->timer_late_ns = timer_lateness(ob);
	c.timer_late_ns = r->timer_late_ns;
	r->predicted = true;
	load_at(&c, t, r->usecs, r->frames, ob->lambda_pps, &r->now);
	load_at(&c, t, r->usecs, r->frames, ob->rate_pps, &r->at_rate);
	r->sum = fc_summarize(&c);
	judged = ob->rate_pps > 0 ? ob->rate_pps : ob->lambda_pps;
	spread_of(ob, t, r->usecs, r->frames, judged, r);
}

const char *whatif_goal_name(enum whatif_goal g)
{
	static const char *const names[] = { "none", "throughput", "cpu", "latency" };

	return g >= 0 && g <= WHATIF_GOAL_LATENCY ? names[g] : "none";
}

const struct whatif_load *whatif_judged(const struct whatif_result *r)
{
	return r->at_rate.lambda_pps > 0 ? &r->at_rate : &r->now;
}

int whatif_recommend(const struct whatif_result *r, int n, enum whatif_goal g, double bound_us,
		     const char **why)
{
	double best_gamma = -1;
	int pick = -1;

	*why = NULL;
	for (int i = 0; i < n; i++)
		if (r[i].predicted && whatif_judged(&r[i])->gamma_pps > best_gamma)
			best_gamma = whatif_judged(&r[i])->gamma_pps;
	if (best_gamma < 0) {
		*why = "no setting could be forecast";
		return -1;
	}
	for (int i = 0; i < n; i++) {
		const struct whatif_load *w, *b;

		if (!r[i].predicted)
			continue;
		w = whatif_judged(&r[i]);
		if (g != WHATIF_GOAL_THROUGHPUT && w->gamma_pps < (1 - WHATIF_SAME_GAMMA) * best_gamma)
			continue;
		if (g == WHATIF_GOAL_CPU && !(w->latency_p99_us <= bound_us))
			continue;
		if (pick < 0) {
			pick = i;
			continue;
		}
		b = whatif_judged(&r[pick]);
		switch (g) {
		case WHATIF_GOAL_THROUGHPUT:
			if (r[i].sum.capacity_pps > r[pick].sum.capacity_pps * (1 + WHATIF_SAME_GAMMA) ||
			    (r[i].sum.capacity_pps >= r[pick].sum.capacity_pps * (1 - WHATIF_SAME_GAMMA) &&
			     w->cpu_intr_pct < b->cpu_intr_pct))
				pick = i;
			break;
		case WHATIF_GOAL_CPU:
			if (w->cpu_intr_pct < b->cpu_intr_pct)
				pick = i;
			break;
		default:
			if (w->latency_p99_us < b->latency_p99_us)
				pick = i;
			break;
		}
	}
	if (pick < 0)
		*why = g == WHATIF_GOAL_CPU ? "no setting keeps p99 latency within the bound at the best delivered rate"
					    : "no setting qualifies";
	return pick;
}

static void json_load(struct json *j, const char *key, const struct whatif_load *w)
{
	json_obj(j, key);
	for (size_t i = 0; i < sizeof(load_fields) / sizeof(load_fields[0]); i++) {
		if (i == LOAD_LIMIT_AT)
			json_str(j, "limit", w->limit);
		json_dbl(j, load_fields[i].key, *(const double *)((const char *)w + load_fields[i].off));
	}
	json_obj_end(j);
}

void whatif_json(struct json *j, const char *key, const struct whatif_result *r)
{
	json_obj(j, key);
	json_bool(j, "predicted", r->predicted);
	json_str(j, "why", r->predicted ? NULL : r->why);
	json_dbl(j, "rx_usecs", r->usecs);
	json_dbl(j, "rx_frames", r->frames);
	json_dbl(j, "defer_hard_irqs", r->defer_hard_irqs);
	json_dbl(j, "gro_flush_timeout_ns", r->gro_flush_ns);
	json_dbl(j, "timer_late_us", r->timer_late_ns / 1e3);
	if (r->predicted) {
		json_load(j, "now", &r->now);
		if (r->at_rate.lambda_pps > 0)
			json_load(j, "at_rate", &r->at_rate);
		json_dbl(j, "capacity_pps", r->sum.capacity_pps);
		json_dbl(j, "mlfrr_pps", r->sum.mlfrr_pps);
		json_dbl(j, "livelock_pps", isfinite(r->sum.livelock_pps) ? r->sum.livelock_pps : NAN);
		json_obj(j, "spread");
		json_dbl(j, "gamma_p10_pps", r->gamma_lo);
		json_dbl(j, "gamma_p90_pps", r->gamma_hi);
		json_dbl(j, "irq_share_p10_pct", r->cpu_lo);
		json_dbl(j, "irq_share_p90_pct", r->cpu_hi);
		json_dbl(j, "latency_p99_p10_us", r->p99_lo);
		json_dbl(j, "latency_p99_p90_us", r->p99_hi);
		json_dbl(j, "capacity_p10_pps", r->capacity_lo);
		json_dbl(j, "capacity_p90_pps", r->capacity_hi);
		json_obj_end(j);
	}
	json_obj_end(j);
}
