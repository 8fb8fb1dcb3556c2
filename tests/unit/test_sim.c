// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The simulator: reproducible, conserving, and in accord with the analysis (section 5). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "model.h"
#include "sim.h"

static const struct model_params fig4_nodma = { 95e-6, 55e-6, 150e-6, 1000 };
static const struct model_params fig4_dma = { 40e-6, 0, 150e-6, 1000 };
#define MU (1 / 150e-6)
#define AGREE_PCT 2.0		/* the bound: CI or 2% */
#define VALIDATION_PACKETS 2000000

static struct sim_config cfg(enum model_kind k, double lambda, uint64_t seed)
{
	struct sim_config c = {
		.kind = k, .p = k == MODEL_DMA ? fig4_dma : fig4_nodma,
		.lambda = lambda, .service = SIM_EXP, .arrivals = SIM_POISSON,
		.burst = 1, .packets = 200000, .seed = seed,
	};
	return c;
}

static void test_reproducible(void **state)
{
	struct sim_config c = cfg(MODEL_NODMA, 8000, 42);
	struct sim_result a, b, d;
	(void)state;
	assert_int_equal(sim_run(&c, &a), 0);
	assert_int_equal(sim_run(&c, &b), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	c.seed = 43;
	assert_int_equal(sim_run(&c, &d), 0);
	assert_true(a.delivered != d.delivered || a.events != d.events);
}

static void test_conservation(void **state)
{
	const double rates[] = { 1000, 7000, 15000, 30000 };
	(void)state;
	for (int k = 0; k < MODEL_KINDS; k++)
		for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
			struct sim_config c = cfg(k, rates[i], 7);
			struct sim_result r;

			c.arrivals = i % 2 ? SIM_BURSTY : SIM_POISSON;
			c.burst = 4;
			assert_int_equal(sim_run(&c, &r), 0);
			assert_true(r.arrivals == r.delivered + r.dropped + r.in_system);
			assert_true(r.in_system <= fig4_nodma.buffer);
			assert_true(r.isr_share >= 0 && r.isr_share <= 1 + 1e-9);
		}
}

static void test_bad_config(void **state)
{
	struct sim_config c = cfg(MODEL_DMA, 0, 1);
	struct sim_result r;
	(void)state;
	assert_int_equal(sim_run(&c, &r), -22);
	c = cfg(MODEL_DMA, 1000, 1);
	c.p.buffer = 0;
	assert_int_equal(sim_run(&c, &r), -22);
}

/* Poisson arrivals, exponential times: the paper found "perfect accordance". */
static void test_agrees_with_analysis(void **state)
{
	const double mult[] = { 0.1, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 3, 5 };
	(void)state;
	for (int k = MODEL_NODMA; k <= MODEL_DMA; k++)
		for (size_t i = 0; i < sizeof(mult) / sizeof(mult[0]); i++) {
			struct sim_config c = cfg(k, mult[i] * MU, 1000 + i);
			double ana = model_throughput(k, &c.p, c.lambda), tol;
			struct sim_result r;

			c.packets = VALIDATION_PACKETS;
			assert_int_equal(sim_run(&c, &r), 0);
			tol = fmax(r.ci_pps, AGREE_PCT / 100 * ana) + 0.5;
			if (fabs(r.throughput_pps - ana) > tol)
				fprintf(stderr, "%s at %.0f pps: sim %.1f +- %.1f, analysis %.1f\n",
					model_kind_name(k), c.lambda, r.throughput_pps, r.ci_pps, ana);
			assert_true(fabs(r.throughput_pps - ana) <= tol);
			/* the CPU share in ISRs is the analysis' 1 - p00 */
			assert_true(fabs(r.isr_share - (1 - model_p00(k, &c.p, c.lambda))) < 0.02);
		}
}

/* Constant times: the shape survives — no-DMA collapses at lambda = c, DMA does not. */
static void test_constant_service_shape(void **state)
{
	struct sim_config c;
	struct sim_result below, near, beyond, dma;
	(void)state;
	c = cfg(MODEL_NODMA, 5000, 3);
	c.service = SIM_CONST;
	assert_int_equal(sim_run(&c, &below), 0);
	c.lambda = 17000;
	assert_int_equal(sim_run(&c, &near), 0);
	c.lambda = 20000;
	assert_int_equal(sim_run(&c, &beyond), 0);
	assert_true(below.throughput_pps > 5 * near.throughput_pps);
	assert_true(beyond.throughput_pps == 0);
	c = cfg(MODEL_DMA, 20000, 3);
	c.service = SIM_CONST;
	assert_int_equal(sim_run(&c, &dma), 0);
	assert_true(dma.throughput_pps > 0.5 * below.throughput_pps);
}

struct seen {
	int calls;
	double last;
	bool rising;
	volatile sig_atomic_t *stop;
	int stop_after;
};

static void on_progress(void *arg, double done)
{
	struct seen *s = arg;

	s->rising &= done >= s->last && done >= 0 && done <= 1;
	s->last = done;
	if (++s->calls == s->stop_after)
		*s->stop = 1;
}

/* Progress is reported as the run goes; a stop request ends it with what it has. */
static void test_progress_and_stop(void **state)
{
	volatile sig_atomic_t stop = 0;
	struct seen seen = { .rising = true, .stop = &stop, .stop_after = -1 };
	struct sim_config c = cfg(MODEL_NODMA, 8000, 7);
	struct sim_result r;
	(void)state;
	c.packets = 2000000;
	c.progress = on_progress;
	c.progress_arg = &seen;
	c.stop = &stop;
	assert_int_equal(sim_run(&c, &r), 0);
	assert_false(r.partial);
	assert_true(seen.calls >= (int)(r.events / SIM_CHECK_EVENTS) - 1 && seen.rising);
	assert_true(seen.last > 0.9);
	/* stopped after the warm-up: a partial result, conserving packets */
	seen = (struct seen){ .rising = true, .stop = &stop, .stop_after = 40 };
	assert_int_equal(sim_run(&c, &r), 0);
	assert_true(r.partial);
	assert_int_equal(r.events, 41ull * SIM_CHECK_EVENTS);
	assert_true(r.arrivals == r.delivered + r.dropped + r.in_system);
	assert_true(fabs(r.throughput_pps - 8000 * 0.5) < 0.5 * 8000);	/* a number, in range */
	/* stopped in the warm-up: measured from the start, still partial */
	stop = 0;
	seen = (struct seen){ .rising = true, .stop = &stop, .stop_after = 1 };
	assert_int_equal(sim_run(&c, &r), 0);
	assert_true(r.partial && r.sim_seconds > 0 && isfinite(r.throughput_pps));
	assert_int_equal(r.events, 2ull * SIM_CHECK_EVENTS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reproducible),
		cmocka_unit_test(test_conservation),
		cmocka_unit_test(test_bad_config),
		cmocka_unit_test(test_agrees_with_analysis),
		cmocka_unit_test(test_constant_service_shape),
		cmocka_unit_test(test_progress_and_stop),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
