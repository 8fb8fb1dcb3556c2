// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The forecast's latency: stack time and the socket's M/M/1/B sojourn (see forecast.h). */
#include <math.h>
#include "forecast.h"
#include "model.h"

#define NS		1e-9
#define TAIL		0.01	/* p99 */
#define WINDOW_LOG	36.0	/* queue lengths whose weight is within e^-36 of the largest */
#define MAX_TERMS	200000	/* queue lengths summed at most (the rest is under e^-36) */
#define STEPS		60	/* bisection steps for p99 */

/* Queue lengths n = lo..hi that carry the distribution p_n ~ rho^n, n = 0..B-1 (admitted packets). */
static void window(double lr, double b, double *lo, double *hi)
{
	*lo = 0;
	*hi = b - 1;
	if (lr < 0)
		*hi = fmin(*hi, ceil(WINDOW_LOG / -lr));
	else if (lr > 0)
		*lo = fmax(0, b - 1 - ceil(WINDOW_LOG / lr));
	if (*hi - *lo > MAX_TERMS)
		*hi = *lo + MAX_TERMS;
}

double fc_mm1b_mean(double lambda, double mu, double b)
{
	double r, n = b + 1, lr;

	if (!(lambda > 0) || !(b >= 1))
		return 0;
	if (!(mu > 0))
		return b;
	r = lambda / mu;
	lr = log(r);
	if (fabs(lr) * n < 1e-6)
		return b / 2;
	if (lr > 0)	/* p_n ~ rho^n: B - N is the same queue at 1/rho */
		return b - fc_mm1b_mean(mu, lambda, b);
	/* rho/(1-rho) - (B+1) rho^(B+1) / (1 - rho^(B+1)) */
	return r / -expm1(lr) - n * exp(n * lr) / -expm1(n * lr);
}

double fc_mm1b_sojourn_tail(double lambda, double mu, double b, double t)
{
	double lr, lo, hi, wmax, z = 0, tail = 0, m, w, cdf = 0;

	if (!(t > 0))
		return 1;
	if (!(mu > 0))
		return 1;
	if (!(lambda > 0) || !(b >= 1))
		return exp(-mu * t);	/* alone: its own read */
	lr = log(lambda / mu);
	window(lr, b, &lo, &hi);
	wmax = lr > 0 ? hi * lr : lo * lr;
	m = mu * t;
	/*
	 * A packet admitted behind n others leaves after n + 1 reads, an
	 * Erlang(n + 1, mu): P(T > t) = P(Poisson(mu t) <= n).
	 */
	/* P(Poisson(m) <= lo) from its largest terms (those below m - 40 sd are nothing) */
	for (double k = fmax(0, fmin(lo, floor(m)) - 40 * sqrt(m + 1) - 40); k <= lo; k++)
		cdf += exp(model_log_poisson(k, m));
	for (double n = lo; n <= hi; n++) {
		if (n > lo)
			cdf += exp(model_log_poisson(n, m));
		w = exp(n * lr - wmax);
		z += w;
		tail += w * fmin(cdf, 1);
	}
	return z > 0 ? tail / z : 0;
}

/*
 * The wait for the rest of a datagram's batch.  A batch of n lands at the
 * stack's pace m a packet.  A reader on another CPU reads it at its own pace
 * a = 1/mu as it lands, and falls behind by a - m a datagram when slower.  A
 * reader that shares the RX CPU (app_share) cannot run before the batch's
 * busy period is over: the k-th datagram waits for the n - k after it, then
 * for the reader's wakeup w when the batch finds it asleep (the share of
 * batches that wake it), then for the k - 1 reads before its own at the
 * marginal cost d: (n - k) m + w + (k - 1) d, w + (n - 1)(m + d)/2 on average
 * and at most w + (n - 1) max(m, d) (the p99 taken at that bound).
 */
static void batch_wait(const struct fc_costs *c, const struct fc_point *p, double mu, double m,
		       double *mean, double *p99)
{
	double n = isfinite(p->batch) && p->batch > 1 ? fmin(p->batch, c->buffer) : 1;
	double a = 1 / mu, f = c->app_share, w = 0, wakes = 0, par = 0, shr, d;

	if (isfinite(p->app_wakeups_pps) && p->polls_pps > 0)	/* the batches: busy periods */
		wakes = fmin(1, p->app_wakeups_pps / p->polls_pps);
	if (isfinite(c->app_wakeup_ns))
		w = wakes * c->app_wakeup_ns * NS;
	if (a > m)
		par = (n - 1) * (a - m);
	/* on the shared CPU the wakeup is apart: a read costs its marginal part */
	d = isfinite(c->app_dgram_ns) ? c->app_dgram_ns * NS : a;
	shr = w + (n - 1) * fmax(m, d);
	*mean = (1 - f) * par / 2 + f * (w + (n - 1) * (m + d) / 2);
	*p99 = f > 0.01 ? fmax(shr, f < 0.99 ? par : 0) : par;
}

bool fc_latency_at(const struct fc_costs *c, const struct fc_point *p, struct fc_latency *o)
{
	double k = c->cpus, in = p->kernel_pps / k, mu = p->app_mu_pps, got, lo = 0, hi;
	double stack = (c->irq_pkt_ns + c->rx_pkt_ns) * NS;

	o->stack_s = stack;
	o->socket_mean_s = o->socket_p99_s = o->batch_mean_s = o->batch_p99_s = NAN;
	if (!isfinite(mu) || !(in > 0))
		return false;
	if (!(mu > 0)) {
		o->socket_mean_s = o->socket_p99_s = INFINITY;
		return true;
	}
	got = p->gamma_pps / k;
	o->socket_mean_s = got > 0 ? fc_mm1b_mean(in, mu, c->buffer) / got : 1 / mu;
	batch_wait(c, p, mu, stack, &o->batch_mean_s, &o->batch_p99_s);
	o->socket_mean_s += o->batch_mean_s;
	/* p99: the sojourn tail, searched up to where it is surely under 1% */
	hi = (c->buffer + 10 * sqrt(c->buffer) + 10) / mu;
	for (int i = 0; i < STEPS; i++) {
		double mid = (lo + hi) / 2;

		if (fc_mm1b_sojourn_tail(in, mu, c->buffer, mid) > TAIL)
			lo = mid;
		else
			hi = mid;
	}
	o->socket_p99_s = hi + o->batch_p99_s;
	return true;
}
