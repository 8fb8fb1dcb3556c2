// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The model over the whole range the command line accepts (model_cli.h):
 * every MLFRR search ends within its bound of evaluations and every answer is
 * finite, or infinite only where the model says there is no peak.  Random
 * log-uniform parameters from a fixed seed; an alarm turns a hang into a
 * failure of this binary.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <unistd.h>
#include "model.h"
#include "model_cli.h"

#define CASES		3000
#define RATES_PER_CASE	20
#define HANG_S		120	/* far beyond what CASES take; only a hang gets here */

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static double unit(void)	/* xorshift64*: (0, 1) */
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return ((double)((rng * 0x2545f4914f6cdd1dULL) >> 11) + 0.5) * 0x1.0p-53;
}

static double log_uniform(double lo, double hi)
{
	return exp(log(lo) + unit() * (log(hi) - log(lo)));
}

/* A time in microseconds: 0 (r or c -> inf) now and then, else log-uniform. */
static double time_us(bool zero_ok)
{
	if (zero_ok && unit() < 0.1)
		return 0;
	return log_uniform(MODEL_CLI_MIN_US, MODEL_CLI_MAX_US);
}

static void check_peak(enum model_kind k, const struct model_params *p)
{
	struct model_peak pk = model_mlfrr(k, p);

	assert_true(pk.evaluations <= MODEL_MLFRR_MAX_EVALS);
	assert_true(isfinite(pk.gamma_pps) && pk.gamma_pps >= 0);
	if (isinf(pk.lambda_pps))	/* no interior peak: the ideal system, r -> inf */
		assert_true(p->isr_s == 0);
	else
		assert_true(pk.lambda_pps > 0 && pk.gamma_pps <= pk.lambda_pps * (1 + 1e-9));
}

static void test_whole_accepted_range(void **state)
{
	(void)state;
	alarm(HANG_S);
	for (int i = 0; i < CASES; i++) {
		struct model_cli m;

		model_cli_defaults(&m);
		m.isr_us = time_us(true);
		m.isr_dma_us = time_us(true);
		m.copy_us = time_us(true);
		m.proto_us = time_us(false);
		m.buffer = (uint64_t)log_uniform(1, MODEL_MAX_BUFFER);
		for (int k = MODEL_NODMA; k < MODEL_KINDS; k++) {
			struct model_params p = model_cli_params(&m, k);

			check_peak(k, &p);
			for (int j = 0; j < RATES_PER_CASE; j++) {
				double l = log_uniform(1e-3, MODEL_CLI_MAX_RATE), g = model_throughput(k, &p, l);

				assert_true(isfinite(g) && g >= 0 && g <= l * (1 + 1e-9));
				assert_true(isfinite(model_p00(k, &p, l)));
			}
		}
	}
	alarm(0);
}

/* The three commands of the report that hung or printed nan. */
static void test_reported_cases(void **state)
{
	const struct model_params dma_tiny = { 1e-16, 0, 1e-16, 1000 };
	const struct model_params nodma_tiny = { 1e-18, 1e-18, 1e-18, 1000 };
	const struct model_params copy_tiny = { 95e-6, 1e-306, 150e-6, 1000 };
	struct model_peak pk;
	(void)state;
	alarm(HANG_S);
	check_peak(MODEL_DMA, &dma_tiny);
	check_peak(MODEL_NODMA, &nodma_tiny);
	/* 1/c -> 0: the no-DMA NIC behaves as one with DMA and the same r */
	pk = model_mlfrr(MODEL_NODMA, &copy_tiny);
	assert_true(isfinite(pk.lambda_pps) && isfinite(pk.gamma_pps));
	{
		const struct model_params as_dma = { 95e-6, 0, 150e-6, 1000 };
		struct model_peak d = model_mlfrr(MODEL_DMA, &as_dma);

		assert_true(fabs(pk.gamma_pps - d.gamma_pps) <= 1e-6 * d.gamma_pps);
		assert_true(fabs(pk.lambda_pps - d.lambda_pps) <= 1);
	}
	alarm(0);
}

/* Scale: times k-fold shorter give rates k-fold higher, and the same peak shape. */
static void test_time_scale(void **state)
{
	const struct model_params base = { 95e-6, 55e-6, 150e-6, 1000 };
	(void)state;
	for (double k = 1e-6; k <= 1e6; k *= 1e3) {
		struct model_params s = { base.isr_s * k, base.copy_s * k, base.proto_s * k, 1000 };
		struct model_peak a = model_mlfrr(MODEL_NODMA, &base), b = model_mlfrr(MODEL_NODMA, &s);

		assert_true(fabs(b.lambda_pps * k - a.lambda_pps) <= 1e-6 * a.lambda_pps + 0.5);
		assert_true(fabs(b.gamma_pps * k - a.gamma_pps) <= 1e-6 * a.gamma_pps);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_accepted_range),
		cmocka_unit_test(test_reported_cases),
		cmocka_unit_test(test_time_scale),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
