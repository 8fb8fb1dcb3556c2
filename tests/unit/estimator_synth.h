/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Synthetic samples with known costs, for the estimator's unit tests. */
#ifndef LT_TEST_ESTIMATOR_SYNTH_H
#define LT_TEST_ESTIMATOR_SYNTH_H
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>
#include "estimator.h"

#define assert_near(a, b, tol) \
	assert_true(fabs((double)(a) - (double)(b)) <= (tol))
#define assert_rel(a, b, rel) assert_near(a, b, fabs((double)(b)) * (rel))

/* A synthetic interval: runs of x = 1..xmax packets costing a + b x + noise ns. */
struct synth {
	double lambda, a, b, noise;
	int xmax;
	double hardirq_ns, irqs_per_run;	/* NAPI: hard IRQs with no packets */
	double isr_a, isr_b;			/* > 0: packets passed up in the ISR (ne2k) */
	double stack_ns, app_ns;
	double probe_irq, probe_pkt;		/* < 0 unknown; else added to what we time */
	double drops_nic;
	bool xdp;
};

static uint32_t lcg __attribute__((unused)) = 12345;
static inline double noise(double amp)	/* deterministic, uniform in [-amp, amp] */
{
	lcg = lcg * 1664525u + 1013904223u;
	return amp * ((double)(lcg >> 8) / (1 << 24) * 2 - 1);
}

static inline void fit_add(struct lt_fit_sums *f, double x, double y)
{
	f->n++; f->sx += x; f->sy += y; f->sxx += x * x; f->sxy += x * y; f->syy += y * y;
}

static inline void synth(struct lt_sample *s, const struct synth *p)
{
	double target = p->lambda, pkt = 0, pp = p->probe_pkt > 0 ? p->probe_pkt : 0;
	double pi = p->probe_irq > 0 ? p->probe_irq : 0, m;
	uint64_t runs = 0;

	memset(s, 0, sizeof(*s));
	s->interval_s = 1;
	for (int i = 0; pkt < target; i++) {
		double x = 1 + i % p->xmax, y;

		if (p->isr_a > 0) {	/* copy in the ISR, then the backlog in the softirq */
			y = round(p->isr_a + p->isr_b * x + noise(p->noise) + pi + pp * x);
			fit_add(&s->isr_fit, x, y);
			s->irqs++;
			s->isr_ns += (uint64_t)y;
			s->isr_ns_sq += y * y;
			s->irq_packets += (uint64_t)x;
		}
		y = round(p->a + p->b * x + noise(p->noise) + pp * x);
		fit_add(&s->softirq_fit, x, y);
		s->softirq_ns += (uint64_t)y;
		s->softirq_packets += (uint64_t)x;
		s->batch_hist[(int)x]++;
		runs++;
		pkt += x;
	}
	s->softirqs = runs;
	if (p->isr_a <= 0) {
		s->napi_polls = runs;
		s->napi_packets = (uint64_t)pkt;
		for (uint64_t i = 0; i < (uint64_t)(runs * p->irqs_per_run); i++) {
			double y = round(p->hardirq_ns + noise(p->hardirq_ns / 4) + pi);	/* whole ns, as BPF */

			fit_add(&s->isr_fit, 0, y);
			s->irqs++;
			s->isr_ns += (uint64_t)y;
			s->isr_ns_sq += y * y;
		}
	}
	s->stack_packets = s->stack_timed = (uint64_t)pkt;
	m = p->stack_ns + pp;
	s->stack_ns = (uint64_t)(pkt * m);
	s->stack_ns_sq = pkt * 2 * m * m;	/* exponential: E[y^2] = 2 m^2 */
	if (p->app_ns > 0) {
		s->app_timed = (uint64_t)pkt;
		s->app_ns = (uint64_t)(pkt * p->app_ns);
		s->app_ns_sq = pkt * 2 * p->app_ns * p->app_ns;
	}
	s->delivered_packets = (uint64_t)pkt;
	m = 1e9 / p->lambda;
	s->iat_n = pkt - 1;
	s->iat_ns = s->iat_n * m;
	s->iat_ns_sq = s->iat_n * 2 * m * m;	/* Poisson: SCV 1 */
	s->drops_nic = (uint64_t)p->drops_nic;
	s->xdp_valid = p->xdp;
	if (p->xdp)
		s->xdp_packets = (uint64_t)pkt;
	s->probe_ns_per_irq = p->probe_irq;
	s->probe_ns_per_packet = p->probe_pkt;
}

/* A NAPI NIC: softirq runs of 1..32 packets at 5 us + 2 us/pkt, 2 us hard IRQs every other run. */
static const struct synth napi __attribute__((unused)) = {
	.lambda = 50000, .a = 5000, .b = 2000, .noise = 500, .xmax = 32,
	.hardirq_ns = 2000, .irqs_per_run = 0.5, .stack_ns = 1500, .app_ns = 8000,
	.probe_irq = -1, .probe_pkt = -1,
};
/* A no-DMA NIC (ne2k): 10 us + 5 us/pkt in the ISR, backlog at 3 us + 1 us/pkt. */
static const struct synth pio __attribute__((unused)) = {
	.lambda = 4000, .a = 3000, .b = 1000, .noise = 300, .xmax = 8,
	.isr_a = 10000, .isr_b = 5000, .stack_ns = 1000, .probe_irq = -1, .probe_pkt = -1,
};

static inline void run(const struct synth *p, const struct est_opts *o, struct estimate *e)
{
	struct estimator *est = estimator_new(o, 256);
	struct lt_sample s;

	assert_non_null(est);
	synth(&s, p);
	estimator_update(est, &s, e);
	estimator_free(est);
}

#endif
