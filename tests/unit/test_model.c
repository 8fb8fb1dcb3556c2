// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The model against the paper's numbers, its special case and its properties. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include "model.h"

/* Figure 4 (copy to user space) and Figure 5 (no copy) parameters. */
static const struct model_params fig4_nodma = { 95e-6, 55e-6, 150e-6, 1000 };
static const struct model_params fig4_dma = { 40e-6, 0, 150e-6, 1000 };
static const struct model_params fig5_nodma = { 95e-6, 55e-6, 100e-6, 1000 };
static const struct model_params fig5_dma = { 40e-6, 0, 100e-6, 1000 };

#define assert_near(a, b, tol) \
	assert_true(fabs((double)(a) - (double)(b)) <= (tol))

/* Equations 1-2 and 5-8 written out directly, for moderate rho only. */
static double closed_form(double lambda, double mu, double B)
{
	double rho = lambda / mu;
	double p0 = rho == 1 ? 1 / (B + 1) : (1 - rho) / (1 - pow(rho, B + 1));

	return mu * (1 - p0);
}

static void test_paper_figure4_at_10000(void **state)
{
	(void)state;
	assert_near(model_throughput(MODEL_IDEAL, &fig4_nodma, 10000), 6666.67, 0.01);
	assert_near(model_throughput(MODEL_NODMA, &fig4_nodma, 10000), 2142.86, 0.01);
	assert_near(model_throughput(MODEL_DMA, &fig4_dma, 10000), 4761.90, 0.01);
}

static void test_paper_figure5_closed_form(void **state)
{
	const double r = 1 / 95e-6, c = 1 / 55e-6, rd = 1 / 40e-6, mu = 1e4;
	(void)state;
	for (double l = 500; l < 18000; l += 1750) {
		double p00 = (r * c - r * l) / (r * c - r * l + c * l);
		double mu_d = mu * rd / (l + rd);

		assert_near(model_throughput(MODEL_NODMA, &fig5_nodma, l),
			    closed_form(l, mu * p00, 1000), 1e-6 * l);
		assert_near(model_throughput(MODEL_DMA, &fig5_dma, l),
			    closed_form(l, mu_d, 1000), 1e-6 * l);
		assert_near(model_p00(MODEL_NODMA, &fig5_nodma, l), p00, 1e-12);
	}
}

static void test_livelock_point(void **state)
{
	(void)state;
	assert_near(model_livelock_pps(&fig4_nodma), 18181.82, 0.01);
	/* the same point whatever mu is (section 4) */
	assert_near(model_livelock_pps(&fig5_nodma), model_livelock_pps(&fig4_nodma), 0);
	assert_true(model_throughput(MODEL_NODMA, &fig4_nodma, 18182) == 0);
	assert_true(model_throughput(MODEL_NODMA, &fig5_nodma, 1e6) == 0);
	assert_true(model_throughput(MODEL_NODMA, &fig4_nodma, 18181) > 0);
	assert_true(isinf(model_livelock_pps(&fig4_dma)));
}

static void test_section_3_4_special_case(void **state)
{
	struct model_params zero = { 0, 0, 150e-6, 1000 };
	(void)state;
	for (double l = 1; l < 1e7; l *= 1.37) {
		double ideal = model_throughput(MODEL_IDEAL, &zero, l);

		assert_true(model_throughput(MODEL_NODMA, &zero, l) == ideal);
		assert_true(model_throughput(MODEL_DMA, &zero, l) == ideal);
	}
}

static void test_numerically_safe(void **state)
{
	const double buffers[] = { 1, 2, 10, 1000, 1e5, 1e6 };
	(void)state;
	for (size_t b = 0; b < sizeof(buffers) / sizeof(buffers[0]); b++) {
		double B = buffers[b], mu = 1000;

		for (double rho = 1e-9; rho <= 1e6; rho *= 1.9) {
			double g = model_mm1b_throughput(rho * mu, mu, B);
			double p0 = model_mm1b_p0(rho * mu, mu, B);

			assert_true(isfinite(g) && isfinite(p0));
			assert_true(g >= 0 && g <= fmin(rho * mu, mu) * (1 + 1e-12));
			assert_true(p0 >= 0 && p0 <= 1);
		}
		assert_true(model_mm1b_throughput(0, mu, B) == 0);
		assert_near(model_mm1b_p0(mu, mu, B), 1 / (B + 1), 1e-15);
		/* continuous through rho = 1 from both sides */
		/* near rho = 1, p0 moves by about B.eps/2 relative: no jump */
		assert_near(model_mm1b_p0(mu * (1 + 1e-12), mu, B), 1 / (B + 1), 1e-6 / (B + 1));
		assert_near(model_mm1b_p0(mu * (1 - 1e-12), mu, B), 1 / (B + 1), 1e-6 / (B + 1));
		assert_near(model_mm1b_throughput(mu * (1 + 1e-12), mu, B),
			    model_mm1b_throughput(mu, mu, B), 1e-6 * mu);
	}
	/* mu' = 0 (lambda >= c) gives exactly zero, never NaN */
	assert_true(model_mm1b_throughput(5000, 0, 1000) == 0);
	/* tiny load: gamma = lambda to full relative precision */
	assert_near(model_mm1b_throughput(1e-6, 1e4, 1000) / 1e-6, 1, 1e-12);
}

static void test_properties(void **state)
{
	(void)state;
	for (double l = 100; l < 40000; l += 373) {
		double mu = 1 / fig4_nodma.proto_s;
		double gn = model_throughput(MODEL_NODMA, &fig4_nodma, l);
		struct model_params same_r = fig4_dma;

		same_r.isr_s = fig4_nodma.isr_s;
		for (int k = 0; k < MODEL_KINDS; k++) {
			const struct model_params *p = k == MODEL_DMA ? &fig4_dma : &fig4_nodma;
			struct model_params faster = *p;
			double g = model_throughput(k, p, l);

			faster.proto_s = 100e-6;
			assert_true(g <= fmin(l, mu) * (1 + 1e-12));
			assert_true(model_throughput(k, &faster, l) >= g);
		}
		/* at equal r, DMA is never worse than no DMA */
		assert_true(model_throughput(MODEL_DMA, &same_r, l) >= gn);
	}
	/* gamma -> 0 as lambda -> c without DMA */
	assert_true(model_throughput(MODEL_NODMA, &fig4_nodma, 18181.8 * 0.999) < 20);
	assert_true(model_throughput(MODEL_NODMA, &fig4_nodma, 18181.8 * 0.9999) < 2);
}

static void test_mlfrr(void **state)
{
	const struct model_params *ps[] = { &fig4_nodma, &fig4_dma, &fig5_nodma, &fig5_dma };
	const enum model_kind ks[] = { MODEL_NODMA, MODEL_DMA, MODEL_NODMA, MODEL_DMA };
	(void)state;
	for (int i = 0; i < 4; i++) {
		struct model_peak pk = model_mlfrr(ks[i], ps[i]);

		assert_true(isfinite(pk.lambda_pps) && pk.lambda_pps > 0);
		/* the peak within 1 pps: a wide scan finds nothing higher */
		for (double l = 100; l < 100000; l += 7)
			assert_true(model_throughput(ks[i], ps[i], l) <= pk.gamma_pps + 1e-6);
		assert_true(model_throughput(ks[i], ps[i], pk.lambda_pps - 1) <= pk.gamma_pps + 1e-9);
		assert_true(model_throughput(ks[i], ps[i], pk.lambda_pps + 1) <= pk.gamma_pps + 1e-9);
	}
	assert_true(isinf(model_mlfrr(MODEL_IDEAL, &fig4_nodma).lambda_pps));
	assert_near(model_mlfrr(MODEL_IDEAL, &fig4_nodma).gamma_pps, 6666.67, 0.01);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paper_figure4_at_10000),
		cmocka_unit_test(test_paper_figure5_closed_form),
		cmocka_unit_test(test_livelock_point),
		cmocka_unit_test(test_section_3_4_special_case),
		cmocka_unit_test(test_numerically_safe),
		cmocka_unit_test(test_properties),
		cmocka_unit_test(test_mlfrr),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
