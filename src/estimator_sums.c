// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The estimator's arithmetic on raw samples: probe-cost correction, window sums, fits, lambda. */
#include <math.h>
#include <string.h>
#include "estimator_sums.h"

#define T_CAP	1e9	/* a slope t-statistic of an exact fit */

void est_fit_solve(const struct lt_fit_sums *f, struct est_fit *o)
{
	double n = f->n, sxx, sxy, syy, rss, se;

	memset(o, 0, sizeof(*o));
	o->n = n;
	o->slope_ns = o->intercept_ns = o->r2 = o->t = o->resid_sd_ns = NAN;
	o->mean_x = n > 0 ? f->sx / n : NAN;
	o->mean_y = n > 0 ? f->sy / n : NAN;
	if (n < EST_MIN_FIT_N)
		return;
	sxx = f->sxx - f->sx * f->sx / n;
	sxy = f->sxy - f->sx * f->sy / n;
	syy = f->syy - f->sy * f->sy / n;
	/*
	 * Every event had the same batch, or a handful differ: no slope.  The
	 * sum of squared deviations counts, roughly, the events off the mean
	 * batch; a slope resting on fewer than EST_MIN_FIT_N of them is noise.
	 */
	if (!(sxx >= EST_MIN_FIT_N) || !(sxx > 1e-9 * (f->sxx > 1 ? f->sxx : 1)))
		return;
	o->valid = true;
	o->slope_ns = sxy / sxx;
	o->intercept_ns = o->mean_y - o->slope_ns * o->mean_x;
	o->r2 = syy > 0 ? sxy * sxy / (sxx * syy) : 0;
	if (o->r2 > 1)
		o->r2 = 1;
	rss = syy - o->slope_ns * sxy;
	o->resid_sd_ns = rss > 0 ? sqrt(rss / (n - 2)) : 0;
	se = o->resid_sd_ns / sqrt(sxx);
	o->t = se > 0 ? o->slope_ns / se : (o->slope_ns > 0 ? T_CAP : 0);
	if (o->t > T_CAP)
		o->t = T_CAP;
	o->grows = o->slope_ns > 0 && o->t >= EST_SLOPE_T_MIN &&
		   o->slope_ns * o->mean_x >= EST_SLOPE_SHARE_MIN * o->mean_y;
}

/* The fit sums of y' = y - a - b x; returns the total subtracted. */
static double fit_shift(struct lt_fit_sums *f, double a, double b)
{
	double sub = a * f->n + b * f->sx;

	f->syy += a * a * f->n + b * b * f->sxx - 2 * a * f->sy - 2 * b * f->sxy +
		  2 * a * b * f->sx;
	f->sxy -= a * f->sx + b * f->sxx;
	f->sy -= sub;
	if (f->syy < 0)
		f->syy = 0;
	return sub;
}

static void total_shift(uint64_t *tot, double *sq, double n, double per)
{
	double t = (double)*tot, s2 = *sq - 2 * per * t + n * per * per;

	t -= n * per;
	*tot = t > 0 ? (uint64_t)llround(t) : 0;
	*sq = s2 > 0 ? s2 : 0;
}

/*
 * Subtract our own probes' cost from the times they inflate: each hard-IRQ
 * handler by probe_ns_per_irq, and each packet inside a timed span (ISR,
 * softirq run, stack entry -> exit) by probe_ns_per_packet.  The fit sums
 * cover every handler and every run, so their corrected sy/syy are the
 * corrected totals.  Marks the sample as corrected; returns ns subtracted.
 */
double est_probe_correct(struct lt_sample *s)
{
	double a = s->probe_ns_per_irq >= 0 ? s->probe_ns_per_irq : 0;
	double b = s->probe_ns_per_packet >= 0 ? s->probe_ns_per_packet : 0;
	double before = (double)s->isr_ns + (double)s->softirq_ns + (double)s->stack_ns;

	s->probe_ns_per_irq = s->probe_ns_per_packet = -1;
	if (a == 0 && b == 0)
		return 0;
	fit_shift(&s->isr_fit, a, b);
	if (s->isr_fit.n == (double)s->irqs) {
		s->isr_ns = s->isr_fit.sy > 0 ? (uint64_t)llround(s->isr_fit.sy) : 0;
		s->isr_ns_sq = s->isr_fit.syy;
	} else {
		total_shift(&s->isr_ns, &s->isr_ns_sq, (double)s->irqs, a);
	}
	fit_shift(&s->softirq_fit, 0, b);
	if (s->softirq_fit.n == (double)s->softirqs)
		s->softirq_ns = s->softirq_fit.sy > 0 ? (uint64_t)llround(s->softirq_fit.sy) : 0;
	total_shift(&s->stack_ns, &s->stack_ns_sq, (double)s->stack_timed, b);
	return before - ((double)s->isr_ns + (double)s->softirq_ns + (double)s->stack_ns);
}

double est_lambda_pps(const struct lt_sample *s, const char **source)
{
	double pk;

	/* XDP sees what the driver took off the ring: ring drops come before it */
	if (s->xdp_valid)
		pk = (double)s->xdp_packets + (double)s->drops_nic;
	else
		pk = (double)s->stack_packets + (double)s->drops_nic + (double)s->drops_backlog;
	if (source)
		*source = s->xdp_valid ? "xdp+nic" : "stack+nic+backlog";
	return s->interval_s > 0 ? pk / s->interval_s : NAN;
}

static void add_fit(struct lt_fit_sums *a, const struct lt_fit_sums *b)
{
	a->n += b->n; a->sx += b->sx; a->sy += b->sy;
	a->sxx += b->sxx; a->sxy += b->sxy; a->syy += b->syy;
}

void est_sample_add(struct lt_sample *a, const struct lt_sample *b)
{
	a->xdp_valid = a->interval_s > 0 ? a->xdp_valid && b->xdp_valid : b->xdp_valid;
	a->interval_s += b->interval_s;
#define X(field, type, key, doc) a->field += b->field;
	LT_COUNTERS(X)
#undef X
#define X(field, doc) add_fit(&a->field, &b->field);
	LT_FITS(X)
#undef X
#define X(field, slots, key, doc) for (int i = 0; i < (slots); i++) a->field[i] += b->field[i];
	LT_HISTS(X)
#undef X
	a->irqs += b->irqs;
	a->irqs_none += b->irqs_none;
	a->isr_ns += b->isr_ns;
	a->isr_ns_sq += b->isr_ns_sq;
	a->softirqs += b->softirqs;
	a->softirq_ns += b->softirq_ns;
	a->softirq_packets += b->softirq_packets;
	a->xdp_packets += b->xdp_packets;
	a->drops_nic += b->drops_nic;
	a->drops_backlog += b->drops_backlog;
	a->drops_socket += b->drops_socket;
	a->drops_other += b->drops_other;
	a->probe_ns_per_irq = a->probe_ns_per_packet = -1;	/* sums of corrected samples */
	if (b->rx_cpus > a->rx_cpus)
		a->rx_cpus = b->rx_cpus;
	if (b->app_threads > a->app_threads)
		a->app_threads = b->app_threads;
	a->app_timed += b->app_timed;
	a->app_ns += b->app_ns;
	a->app_ns_sq += b->app_ns_sq;
	a->app_oncpu_ns += b->app_oncpu_ns;
	a->app_oncpu_rx_ns += b->app_oncpu_rx_ns;
	a->app_oncpu_other_ns += b->app_oncpu_other_ns;
}

unsigned int est_rx_cpus(const struct lt_sample *s)
{
	unsigned int n = 0;

	if (s->rx_cpus)
		return s->rx_cpus;
	for (int i = 0; i < s->n_cpu; i++)
		n += s->cpu[i].softirq_packets > 0;
	/*
	 * The model runs one copy per CPU, each with its own application
	 * server: with fewer reader threads than RX CPUs, only that many
	 * servers exist (one thread reading a socket fed from two CPUs).
	 */
	if (s->app_threads && s->app_threads < n)
		n = s->app_threads;
	return n;
}
