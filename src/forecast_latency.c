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

bool fc_latency_at(const struct fc_costs *c, const struct fc_point *p, struct fc_latency *o)
{
	double k = c->cpus, in = p->kernel_pps / k, mu = p->app_mu_pps, got, lo = 0, hi, behind = 0;
	double stack = (c->irq_pkt_ns + c->rx_pkt_ns) * NS;

	o->stack_s = stack;
	o->socket_mean_s = o->socket_p99_s = NAN;
	if (!isfinite(mu) || !(in > 0))
		return false;
	if (!(mu > 0)) {
		o->socket_mean_s = o->socket_p99_s = INFINITY;
		return true;
	}
	got = p->gamma_pps / k;
	o->socket_mean_s = got > 0 ? fc_mm1b_mean(in, mu, c->buffer) / got : 1 / mu;
	/* a batch lands at the stack's pace; the application reads it at its own */
	if (isfinite(p->batch) && p->batch > 1 && 1 / mu > stack)
		behind = (fmin(p->batch, c->buffer) - 1) * (1 / mu - stack);
	o->socket_mean_s += behind / 2;
	/* p99: the sojourn tail, searched up to where it is surely under 1% */
	hi = (c->buffer + 10 * sqrt(c->buffer) + 10) / mu;
	for (int i = 0; i < STEPS; i++) {
		double mid = (lo + hi) / 2;

		if (fc_mm1b_sojourn_tail(in, mu, c->buffer, mid) > TAIL)
			lo = mid;
		else
			hi = mid;
	}
	o->socket_p99_s = hi + behind;
	return true;
}
