// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The forecast: gamma(lambda) from fixed and marginal costs (see forecast.h). */
#include <math.h>
#include <string.h>
#include "forecast.h"
#include "model.h"

#define NS		1e-9
#define SCAN_POINTS	512	/* log-spaced loads scanned for the peak and the livelock point */
#define SCAN_LO		1e-3	/* ... from this share of the bottleneck rate */
#define SCAN_HI		32.0	/* ... to this multiple of it */
#define REFINE_STEPS	48	/* bisection steps: 2^-48 of a grid step */

static bool finite_ge0(double x)
{
	return isfinite(x) && x >= 0;
}

bool fc_costs_valid(const struct fc_costs *c)
{
	return c->cpus >= 1 && isfinite(c->cpus) && c->buffer >= 1 && isfinite(c->buffer) &&
	       finite_ge0(c->irq_fixed_ns) && finite_ge0(c->irq_pkt_ns) &&
	       finite_ge0(c->rx_fixed_ns) && finite_ge0(c->rx_pkt_ns) &&
	       (isnan(c->app_dgram_ns) || (finite_ge0(c->app_dgram_ns) && finite_ge0(c->app_wakeup_ns))) &&
	       c->app_share >= 0 && c->app_share <= 1 && finite_ge0(c->setup_ns) &&
	       c->irq_cap_pps > 0 && !isnan(c->irq_cap_pps) && !isnan(c->frames_per_irq) &&
	       c->defer_ns > 0 && !isnan(c->defer_ns) && finite_ge0(c->defer_irqs) &&
	       finite_ge0(c->gro_flush_ns);
}

double fc_busy_marginal_ns(const struct fc_costs *c)
{
	return c->napi ? c->rx_pkt_ns + c->irq_pkt_ns : c->irq_pkt_ns;
}

double fc_setup_from_batch(double lambda_pps, double n_pkts, double b_ns, double floor_ns, bool capped)
{
	double lb = lambda_pps * b_ns * NS, s;

	if (capped || !(n_pkts > 1) || !(lambda_pps > 0) || !(lb < 1) || !isfinite(n_pkts))
		return floor_ns;
	s = (n_pkts * (1 - lb) - 1) / lambda_pps / NS;
	return s > floor_ns ? s : floor_ns;
}

/*
 * NAPI deferral (forecast.h).  While an episode lasts, a poll comes T + S
 * after the last one began (the timer, then the poll's setup), and takes the
 * packets of that cycle: n = l (T + S) / (1 - l b).  A poll finds nothing
 * with probability exp(-l x), x the time it collected over (Poisson
 * arrivals); the episode ends at N empty polls in a row, and the next
 * arrival opens the next one with an interrupt.  Kernel: napi_complete_done() in net/core/dev.c
 * re-arms defer_hard_irqs_count after a poll with work and keeps the IRQ
 * masked while it is above 0.
 */
double fc_empty_poll_ns(const struct fc_costs *c)
{
	return c->rx_empty_ns > 0 ? c->rx_empty_ns : c->setup_ns;
}

bool fc_napi_defer(const struct fc_costs *c, double l, double *irqs, double *polls, double *empties,
		   double *delay_mean_s, double *delay_p99_s)
{
	double t = (c->gro_flush_ns + fmax(0, c->timer_late_ns)) * NS, s = c->setup_ns * NS;
	double b = fc_busy_marginal_ns(c) * NS, se = fc_empty_poll_ns(c) * NS, nd = floor(c->defer_irqs), cyc, q0, q1, qn, e, ep, w, ww;
	double work, empty, dummy;

	if (!empties)
		empties = &dummy;
	*irqs = *polls = *empties = *delay_mean_s = *delay_p99_s = NAN;
	if (!c->napi || !(nd >= 1) || !(c->gro_flush_ns > 0) || !(l > 0))
		return false;
	/* a cycle: the timer, the poll's setup, and its packets' work (n = l . cycle) */
	cyc = l * b < 1 ? (t + s) / (1 - l * b) : INFINITY;
	if (!isfinite(cyc)) {	/* the polls never catch up: never re-enabled */
		*irqs = 0;
		*polls = 0;
		*empties = 0;
		*delay_mean_s = *delay_p99_s = 0;
		return true;
	}
	/*
	 * A poll looks for packets after an empty poll's time SE (a poll with
	 * some goes on to its setup S and their work).  The first poll after
	 * one with work collects over T + SE + b.n, the next ones over T + SE
	 * each.  From "just had work", the expected polls to N empty in a row:
	 * E = (1/q1 + (1 - q0^(N-1)) / (1 - q0)) / q0^(N-1) (the chain over the
	 * empties so far); 1/p of them have work, p = q1 q0^(N-1) the chance of
	 * going from work to the end without another.
	 */
	q1 = exp(-l * (cyc - s + se));
	q0 = exp(-l * (t + se));
	qn = pow(q0, nd - 1);
	/* past 1e15 polls the episode never ends at any sane horizon */
	e = q1 > 0 && qn > 0 ? (1 / q1 + (q0 < 1 ? (1 - qn) / (1 - q0) : nd - 1)) / qn : INFINITY;
	if (!isfinite(e) || e > 1e15) {
		*irqs = 0;
		*polls = 1 / cyc;
		*empties = 0;
	} else {
		work = 1 / (q1 * qn);		/* the interrupt's poll and the 1/p - 1 after it */
		empty = fmax(0, 1 + e - work);
		/* an episode and the wait for the arrival that opens the next (a cycle a poll: checked
		 * against the simulation in test_forecast.c) */
		ep = e * cyc + 1 / l;
		*irqs = 1 / ep;
		*polls = (1 + e) / ep;
		*empties = empty / ep;
	}
	/*
	 * Packets after an episode's first (share w) wait for the next poll's
	 * start: those arriving in the W = T + b.n of a cycle outside a poll's
	 * setup, uniformly over it; those in the setup are taken by that poll.
	 */
	w = fmax(0, 1 - *irqs / l);
	ww = t + b * l * cyc;
	*delay_mean_s = w * ww * ww / (2 * cyc);
	*delay_p99_s = w * ww / cyc > 0.01 ? ww - 0.01 * cyc / w : 0;
	return true;
}

/* Interrupts and busy periods per second and packets in each, per copy at l packets/s. */
static double interrupts_per_s(const struct fc_costs *c, double l, double *batch, double *polls,
			       double *empties)
{
	double b = fc_busy_marginal_ns(c) * NS, s = c->setup_ns * NS, n, irqs, dm, dp;
	bool defer = fc_napi_defer(c, l, &irqs, polls, empties, &dm, &dp);

	if (!defer) {	/* the batching law: a poll per interrupt */
		n = l * b < 1 ? (1 + l * s) / (1 - l * b) : INFINITY;
		irqs = isfinite(n) ? l / n : 0;
	}
	/* the caps; under deferral on what the timer's polls leave to the interrupt */
	if (c->frames_per_irq > 1)
		irqs = fmin(irqs, l / c->frames_per_irq);
	irqs = fmin(irqs, c->irq_cap_pps);
	if (!defer) {
		*polls = irqs;
		*empties = 0;
	}
	*batch = *polls > 0 ? l / *polls : INFINITY;
	return irqs;
}

/*
 * The share of NET_RX work ksoftirqd does: the part of each busy period
 * beyond the softirq time limit T.  With busy periods of mean L spread
 * about exponentially, that part is exp(-T/L) of the work, so deferral
 * sets in smoothly as L approaches T (threaded NET_RX: all of it).
 */
static double deferred_share(const struct fc_costs *c, double l)
{
	double b = (c->rx_pkt_ns + (c->napi ? c->irq_pkt_ns : 0)) * NS, s = c->setup_ns * NS, len;

	if (c->threaded || !(l * b < 1))
		return 1;
	len = (s + b) / (1 - l * b);
	return len > 0 ? exp(-c->defer_ns * NS / len) : 0;
}

/*
 * Datagrams that reach the socket together: a NET_RX busy period's, while
 * the application cannot run during it (app_share of its CPU time is on the
 * RX CPU); an application on other CPUs may read as they come (1).
 */
static double app_batch(const struct fc_costs *c, double batch, double kern, double l)
{
	double b = isfinite(batch) ? batch * (l > 0 ? kern / l : 1) : INFINITY;

	if (!(b > 1))
		return 1;
	return isfinite(b) ? 1 + c->app_share * (b - 1) : (c->app_share > 0 ? INFINITY : 1);
}

void fc_at(const struct fc_costs *c, double lambda, struct fc_point *o)
{
	double k = c->cpus, l = lambda / k, f = c->app_share;
	double batch, irqs, polls, empties, cpu_irq, cap, rx_dem, rx_strict, rx_shared, rx_eff, per_polls;
	double kern, avail, g, app_need, d;
	bool app = isfinite(c->app_dgram_ns);

	memset(o, 0, sizeof(*o));
	o->lambda_pps = lambda;
	o->limit = "offered";
	o->batch = NAN;
	o->app_mu_pps = o->app_wakeups_pps = NAN;
	if (!(l > 0) || !fc_costs_valid(c))
		return;
	irqs = interrupts_per_s(c, l, &batch, &polls, &empties);
	/* NAPI keeps the interrupt masked while ksoftirqd has the poll pending */
	d = deferred_share(c, l);
	if (c->napi && d > 0) {
		irqs *= 1 - d;
		polls *= 1 - d;
		empties *= 1 - d;
		batch = polls > 0 ? l / polls : INFINITY;
	}
	o->irqs_pps = k * irqs;
	o->polls_pps = k * polls;
	o->empty_polls_pps = k * empties;
	o->batch = batch;
	cpu_irq = irqs * c->irq_fixed_ns * NS + l * c->irq_pkt_ns * NS;
	if (cpu_irq >= 1) {	/* interrupt work alone fills the CPU: the paper's livelock */
		o->cpu_irq = 1;
		o->limit = "interrupts";
		return;
	}
	cap = 1 - cpu_irq;
	/* NET_RX's fixed cost a poll with packets; a poll that found nothing at its own cost where measured */
	per_polls = (polls - empties) * c->rx_fixed_ns * NS +
		    empties * (c->rx_empty_ns > 0 ? c->rx_empty_ns : c->rx_fixed_ns) * NS;
	rx_dem = per_polls + l * c->rx_pkt_ns * NS;
	rx_strict = fmin(rx_dem, cap);
	o->deferred = d >= 0.5;
	rx_shared = rx_strict;
	if (d > 0 && rx_dem > cap / 2) {	/* ksoftirqd and the application share fairly */
		app_need = app ? fmin(cap, l * c->app_dgram_ns * NS) : 0;
		rx_shared = (1 - d) * rx_strict + d * fmin(rx_dem, fmax(cap / 2, cap - app_need));
	}
	rx_eff = f * rx_shared + (1 - f) * rx_strict;
	kern = l;
	if (rx_eff < rx_dem)
		kern = c->rx_pkt_ns > 0 ? fmax(0, (rx_eff - per_polls) /
					       (c->rx_pkt_ns * NS)) : l;
	kern = fmin(kern, l);
	o->cpu_irq = cpu_irq;
	o->cpu_rx = rx_eff;
	o->kernel_pps = k * kern;
	avail = 1 - f * (cpu_irq + rx_shared);
	if (!app) {
		g = kern;
	} else if (!(avail > 0)) {
		g = 0;
		o->app_mu_pps = 0;
	} else {
		double ba = c->app_dgram_ns * NS / avail, sa = c->app_wakeup_ns * NS / avail, mu;
		double bb = app_batch(c, batch, kern, l), n = INFINITY;	/* datagrams a wakeup */

		if (ba + sa <= 0) {
			mu = INFINITY;
		} else if (kern * ba >= 1 || !isfinite(bb)) {	/* it never drains: no wakeups */
			mu = 1 / ba;
		} else {	/* a wakeup's datagrams, batches of bb arriving (forecast.h) */
			n = (bb + kern * sa) / (1 - kern * ba);
			mu = n / (sa + n * ba);
		}
		o->app_mu_pps = mu;
		g = isfinite(mu) ? model_mm1b_throughput(kern, mu, c->buffer) : kern;
		o->app_wakeups_pps = k * g / n;
		o->cpu_app = isfinite(mu) ? fmin(avail, g * avail / mu) : 0;
	}
	o->gamma_pps = k * g;
	if (g >= 0.99 * l)
		o->limit = "offered";
	else if (kern < 0.99 * l && (!app || g >= 0.99 * kern))
		o->limit = "kernel";
	else
		o->limit = "application";
}

static double gamma_at(const struct fc_costs *c, double lambda)
{
	struct fc_point p;

	fc_at(c, lambda, &p);
	return p.gamma_pps;
}

enum edge { EDGE_RISE, EDGE_FALL, EDGE_IRQ_FULL };

static bool past_edge(const struct fc_costs *c, double lambda, double level, enum edge e)
{
	struct fc_point p;

	fc_at(c, lambda, &p);
	switch (e) {
	case EDGE_RISE: return p.gamma_pps >= level;
	case EDGE_FALL: return p.gamma_pps <= level;
	default: return p.cpu_irq >= 1;
	}
}

/* The lowest lambda in (lo, hi] past the edge (bisection; lo is before it, hi past it). */
static double refine(const struct fc_costs *c, double lo, double hi, double level, enum edge e)
{
	for (int i = 0; i < REFINE_STEPS; i++) {
		double mid = (lo + hi) / 2;

		if (past_edge(c, mid, level, e))
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

/* The highest gamma in [lo, hi], around a grid maximum (golden section, bounded). */
static double peak_between(const struct fc_costs *c, double lo, double hi)
{
	const double k = (sqrt(5) - 1) / 2;
	double a = hi - k * (hi - lo), b = lo + k * (hi - lo), ga = gamma_at(c, a), gb = gamma_at(c, b);

	for (int i = 0; i < REFINE_STEPS; i++) {
		if (ga < gb) {
			lo = a;
			a = b;
			ga = gb;
			b = lo + k * (hi - lo);
			gb = gamma_at(c, b);
		} else {
			hi = b;
			b = a;
			gb = ga;
			a = hi - k * (hi - lo);
			ga = gamma_at(c, a);
		}
	}
	return fmax(ga, gb);
}

struct fc_summary fc_summarize(const struct fc_costs *c)
{
	struct fc_summary s = { NAN, NAN, NAN };
	double worst = fmax(c->rx_pkt_ns + c->irq_pkt_ns, 1), top, lo, ratio, best = -1, g[SCAN_POINTS];
	double lam[SCAN_POINTS];
	int ib = -1;

	if (!fc_costs_valid(c))
		return s;
	if (isfinite(c->app_dgram_ns))
		worst = fmax(worst, c->app_dgram_ns);
	top = c->cpus / (worst * NS);	/* no stage every packet passes can go faster */
	lo = top * SCAN_LO;
	ratio = pow(SCAN_HI / SCAN_LO, 1.0 / (SCAN_POINTS - 1));
	for (int i = 0; i < SCAN_POINTS; i++) {
		lam[i] = lo * pow(ratio, i);
		g[i] = gamma_at(c, lam[i]);
		if (g[i] > best) {
			best = g[i];
			ib = i;
		}
	}
	if (!(best > 0))
		return s;
	best = fmax(best, peak_between(c, lam[ib > 0 ? ib - 1 : 0], lam[ib < SCAN_POINTS - 1 ? ib + 1 : ib]));
	s.capacity_pps = best;
	s.mlfrr_pps = lam[ib];
	for (int i = 0; i <= ib; i++)
		if (g[i] >= FC_PEAK_FRAC * best) {
			s.mlfrr_pps = i ? refine(c, lam[i - 1], lam[i], FC_PEAK_FRAC * best, EDGE_RISE) : lam[i];
			ib = i;	/* a collapse past the first peak counts, even if ksoftirqd lifts it later */
			break;
		}
	s.livelock_pps = INFINITY;
	/*
	 * Livelock: delivery all but gone past the peak.  Where interrupt work
	 * alone fills the CPU (the paper's lambda = c), that point is exact.
	 */
	for (int i = ib + 1; i < SCAN_POINTS; i++) {
		if (g[i] > FC_LIVELOCK_FRAC * best)
			continue;
		s.livelock_pps = refine(c, lam[i - 1], lam[i], FC_LIVELOCK_FRAC * best, EDGE_FALL);
		for (int j = i; j < SCAN_POINTS; j++)
			if (past_edge(c, lam[j], 0, EDGE_IRQ_FULL)) {
				s.livelock_pps = refine(c, lam[j - 1], lam[j], 0, EDGE_IRQ_FULL);
				break;
			}
		break;
	}
	return s;
}
