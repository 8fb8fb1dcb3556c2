// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include "model.h"

/* Relative tolerance of the MLFRR search. */
#define MLFRR_REL_TOL 1e-10
/* Points per decade of the coarse log-spaced scan that brackets the peak. */
#define MLFRR_SCAN_PER_DECADE 20
#define MLFRR_SCAN_MIN 400
/* The highest rate searched: lambda times any time of a second or less stays finite. */
#define MLFRR_RATE_CEIL (DBL_MAX / 16)

const char *model_kind_name(enum model_kind kind)
{
	switch (kind) {
	case MODEL_IDEAL: return "ideal";
	case MODEL_NODMA: return "nodma";
	case MODEL_DMA:   return "dma";
	default:          return "?";
	}
}

/*
 * p0 = (1 - rho)/(1 - rho^(B+1)) = expm1(L)/expm1((B+1)L) with L = ln rho,
 * L = ln lambda - ln mu so that no ratio overflows.  For rho > 1 divide
 * through by rho^(B+1): p0 = e^{-BL} (-expm1(-L)) / (-expm1(-(B+1)L)), every
 * factor in [0, 1].
 */
static double log_rho(double lambda, double mu)
{
	return log(lambda) - log(mu);
}

double model_mm1b_p0(double lambda, double mu, double buffer)
{
	double L, n = buffer + 1;

	if (lambda <= 0)
		return 1;
	if (mu <= 0 || isinf(lambda))
		return 0;
	if (isinf(mu))
		return 1;
	L = log_rho(lambda, mu);
	if (L == 0)
		return 1 / n;
	if (L < 0)
		return expm1(L) / expm1(n * L);
	return exp(-buffer * L) * -expm1(-L) / -expm1(-n * L);
}

double model_mm1b_throughput(double lambda, double mu, double buffer)
{
	double L, n = buffer + 1, pb;

	if (lambda <= 0 || mu <= 0)
		return 0;
	if (isinf(mu))
		return lambda;
	if (isinf(lambda))
		return mu;
	L = log_rho(lambda, mu);
	if (L > 0)	/* p0 is small here: mu(1 - p0) keeps its precision */
		return mu * (1 - model_mm1b_p0(lambda, mu, buffer));
	/* rho <= 1: lambda(1 - P_B), P_B = rho^B p0, is exact for small rho */
	pb = L == 0 ? 1 / n : exp(buffer * L) * expm1(L) / expm1(n * L);
	return lambda * (1 - pb);
}

double model_log_poisson(double k, double mean)
{
	return k * log(mean) - mean - lgamma(k + 1);
}

double model_p00(enum model_kind kind, const struct model_params *p, double lambda)
{
	double lc, lr;

	if (lambda <= 0)
		return 1;
	switch (kind) {
	case MODEL_NODMA:
		/* (rc - r.lambda)/(rc - r.lambda + c.lambda), divided by rc */
		lc = lambda * p->copy_s;
		lr = lambda * p->isr_s;
		if (lc >= 1)
			return 0;
		return (1 - lc) / (1 - lc + lr);
	case MODEL_DMA:
		return 1 / (1 + lambda * p->isr_s);
	default:
		return 1;
	}
}

double model_mu_eff(enum model_kind kind, const struct model_params *p, double lambda)
{
	double mu = p->proto_s > 0 ? 1 / p->proto_s : INFINITY;
	double p00 = model_p00(kind, p, lambda);

	if (p00 <= 0)
		return 0;
	return mu * p00;
}

double model_throughput(enum model_kind kind, const struct model_params *p, double lambda)
{
	return model_mm1b_throughput(lambda, model_mu_eff(kind, p, lambda), p->buffer);
}

double model_livelock_pps(const struct model_params *p)
{
	return p->copy_s > 0 ? 1 / p->copy_s : INFINITY;
}

/* 1/x, with x = 0 standing for a rate -> infinity. */
static double rate_of(double seconds)
{
	return seconds > 0 ? 1 / seconds : INFINITY;
}

/*
 * Golden-section search for the maximum of a unimodal gamma on [a, b], to a
 * relative MLFRR_REL_TOL, in at most MODEL_MLFRR_GOLDEN_MAX steps: the
 * bound holds even where the doubles cannot resolve the tolerance.
 */
static struct model_peak golden_max(enum model_kind kind, const struct model_params *p,
				    double a, double b, unsigned int evals)
{
	const double g = (sqrt(5.0) - 1) / 2;
	double x1 = b - g * (b - a), x2 = a + g * (b - a);
	double f1 = model_throughput(kind, p, x1), f2 = model_throughput(kind, p, x2);
	struct model_peak pk;

	evals += 2;
	for (int i = 0; i < MODEL_MLFRR_GOLDEN_MAX && b - a > MLFRR_REL_TOL * b; i++) {
		if (f1 < f2) {
			a = x1; x1 = x2; f1 = f2;
			x2 = a + g * (b - a);
			f2 = model_throughput(kind, p, x2);
		} else {
			b = x2; x2 = x1; f2 = f1;
			x1 = b - g * (b - a);
			f1 = model_throughput(kind, p, x1);
		}
		evals++;
	}
	pk.lambda_pps = a + (b - a) / 2;
	pk.gamma_pps = model_throughput(kind, p, pk.lambda_pps);
	pk.evaluations = evals + 1;
	return pk;
}

/*
 * Where to look.  Without DMA gamma is 0 from lambda = c on.  Otherwise
 * gamma <= mu' = mu/(1 + lambda/r) < lambda beyond ~sqrt(mu r), so the peak
 * is below 100 (mu + r); capped where lambda.x stays finite.  Below a
 * millionth of the smallest rate gamma = lambda still rises.
 */
static bool search_range(enum model_kind kind, const struct model_params *p,
			 double *lo, double *hi)
{
	double mu = rate_of(p->proto_s), r = rate_of(p->isr_s), c = rate_of(p->copy_s);

	if (kind == MODEL_IDEAL || isinf(mu))
		return false;
	if (kind == MODEL_NODMA && isfinite(c))
		*hi = c;
	else if (isfinite(r))
		*hi = fmin(100 * (mu + r), MLFRR_RATE_CEIL);
	else
		return false;	/* r, c -> inf: the ideal system */
	*lo = 1e-6 * fmin(fmin(mu, r), *hi);
	return *lo > 0 && *lo < *hi;
}

struct model_peak model_mlfrr(enum model_kind kind, const struct model_params *p)
{
	struct model_peak pk = { INFINITY, rate_of(p->proto_s), 0 };
	double lo, hi, llo, step, best_y = -1, prev, next;
	int n, best_i = 0;

	if (!search_range(kind, p, &lo, &hi))
		return pk;
	llo = log(lo);
	n = (int)ceil((log(hi) - llo) / M_LN10 * MLFRR_SCAN_PER_DECADE);
	n = n < MLFRR_SCAN_MIN ? MLFRR_SCAN_MIN : n > MODEL_MLFRR_SCAN_MAX ? MODEL_MLFRR_SCAN_MAX : n;
	step = (log(hi) - llo) / n;
	for (int i = 0; i <= n; i++) {
		double x = i == n ? hi : exp(llo + i * step);
		double y = model_throughput(kind, p, x);

		if (y > best_y) {
			best_y = y;
			best_i = i;
		}
	}
	prev = best_i > 0 ? exp(llo + (best_i - 1) * step) : lo;
	next = best_i < n ? exp(llo + (best_i + 1) * step) : hi;
	return golden_max(kind, p, prev, fmin(next, hi), (unsigned int)n + 1);
}
