// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <math.h>
#include "model.h"

/* Tolerance of the MLFRR search, in packets per second. */
#define MLFRR_TOL_PPS 0.25
/* Points of the coarse log-spaced scan that brackets the peak. */
#define MLFRR_SCAN_POINTS 400

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
 * p0 = (1 - rho)/(1 - rho^(B+1)) = expm1(L)/expm1((B+1)L) with L = ln rho.
 * For rho > 1 divide through by rho^(B+1) so nothing overflows:
 * p0 = expm1(L) e^{-(B+1)L} / -expm1(-(B+1)L).
 */
double model_mm1b_p0(double lambda, double mu, double buffer)
{
	double L, n = buffer + 1;

	if (lambda <= 0)
		return 1;
	if (mu <= 0 || isinf(lambda))
		return 0;
	L = log(lambda / mu);
	if (L == 0)
		return 1 / n;
	if (L < 0)
		return expm1(L) / expm1(n * L);
	return expm1(L) * exp(-n * L) / -expm1(-n * L);
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
	L = log(lambda / mu);
	if (L > 0)	/* p0 is small here: mu(1 - p0) keeps its precision */
		return mu * (1 - model_mm1b_p0(lambda, mu, buffer));
	/* rho <= 1: lambda(1 - P_B), P_B = rho^B p0, is exact for small rho */
	pb = L == 0 ? 1 / n : exp(buffer * L) * expm1(L) / expm1(n * L);
	return lambda * (1 - pb);
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

/* Golden-section search for the maximum of a unimodal gamma on [a, b]. */
static struct model_peak golden_max(enum model_kind kind, const struct model_params *p,
				    double a, double b)
{
	const double g = (sqrt(5.0) - 1) / 2;
	double x1 = b - g * (b - a), x2 = a + g * (b - a);
	double f1 = model_throughput(kind, p, x1), f2 = model_throughput(kind, p, x2);
	struct model_peak pk;

	while (b - a > MLFRR_TOL_PPS) {
		if (f1 < f2) {
			a = x1; x1 = x2; f1 = f2;
			x2 = a + g * (b - a);
			f2 = model_throughput(kind, p, x2);
		} else {
			b = x2; x2 = x1; f2 = f1;
			x1 = b - g * (b - a);
			f1 = model_throughput(kind, p, x1);
		}
	}
	pk.lambda_pps = (a + b) / 2;
	pk.gamma_pps = model_throughput(kind, p, pk.lambda_pps);
	return pk;
}

struct model_peak model_mlfrr(enum model_kind kind, const struct model_params *p)
{
	double mu = p->proto_s > 0 ? 1 / p->proto_s : INFINITY;
	double hi, lo, best_x = 0, best_y = -1, prev, next;
	struct model_peak pk = { INFINITY, mu };
	int i, best_i = 0;

	if (kind == MODEL_NODMA && p->copy_s > 0)
		hi = 1 / p->copy_s;
	else if (kind == MODEL_DMA && p->isr_s > 0)
		/* gamma <= mu' = mu/(1 + lambda/r) < lambda beyond ~sqrt(mu r) */
		hi = 100 * (mu + 1 / p->isr_s);
	else
		return pk;	/* ideal, or r/c -> inf: rises towards mu */
	if (!isfinite(hi))
		return pk;
	lo = hi * 1e-6;
	for (i = 0; i <= MLFRR_SCAN_POINTS; i++) {
		double x = lo * pow(hi / lo, (double)i / MLFRR_SCAN_POINTS);
		double y = model_throughput(kind, p, x);

		if (y > best_y) {
			best_y = y;
			best_x = x;
			best_i = i;
		}
	}
	(void)best_x;
	prev = best_i > 0 ? lo * pow(hi / lo, (double)(best_i - 1) / MLFRR_SCAN_POINTS) : 0;
	next = best_i < MLFRR_SCAN_POINTS ?
		lo * pow(hi / lo, (double)(best_i + 1) / MLFRR_SCAN_POINTS) : hi;
	return golden_max(kind, p, prev, next);
}
