// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The forecast: the paper's model as a special case, the batching law, deferral, caps. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include "forecast.h"
#include "model.h"

#define assert_near(a, b, tol) assert_true(fabs((double)(a) - (double)(b)) <= (tol))
#define assert_rel(a, b, rel) assert_near(a, b, fabs((double)(b)) * (rel))

/* Figure 4: 1/r 95 us (no DMA) or 40 us (DMA), 1/c 55 us, 1/mu 150 us, B 1000. */
static struct fc_costs paper(bool dma)
{
	struct fc_costs c = {
		.cpus = 1, .buffer = 1000, .app_dgram_ns = 150000, .app_wakeup_ns = 0,
		.app_share = 1, .irq_cap_pps = INFINITY, .defer_ns = INFINITY,
	};

	c.irq_pkt_ns = dma ? 0 : 55000;
	c.irq_fixed_ns = dma ? 40000 : 95000 - 55000;
	c.setup_ns = c.irq_fixed_ns;
	return c;
}

static void test_paper_special_case(void **state)
{
	struct model_params mp = { .isr_s = 95e-6, .copy_s = 55e-6, .proto_s = 150e-6, .buffer = 1000 };
	struct fc_costs nodma = paper(false), dma = paper(true);
	struct fc_point p;
	(void)state;
	fc_at(&nodma, 10000, &p);
	assert_near(p.gamma_pps, 2142.86, 0.01);	/* the paper's Figure 4 values */
	assert_near(1 - p.cpu_irq, model_p00(MODEL_NODMA, &mp, 10000), 1e-12);
	fc_at(&dma, 10000, &p);
	assert_near(p.gamma_pps, 4761.90, 0.01);
	/* equal to the model at every rate, both NICs */
	for (double l = 500; l < 40000; l *= 1.3) {
		mp.isr_s = 95e-6;
		mp.copy_s = 55e-6;
		fc_at(&nodma, l, &p);
		assert_rel(p.gamma_pps, model_throughput(MODEL_NODMA, &mp, l), 1e-9);
		mp.isr_s = 40e-6;
		mp.copy_s = 0;
		fc_at(&dma, l, &p);
		assert_rel(p.gamma_pps, model_throughput(MODEL_DMA, &mp, l), 1e-9);
	}
}

static void test_paper_peak_and_livelock(void **state)
{
	struct model_params mp = { .isr_s = 95e-6, .copy_s = 55e-6, .proto_s = 150e-6, .buffer = 1000 };
	struct fc_costs nodma = paper(false), dma = paper(true);
	struct fc_summary s = fc_summarize(&nodma);
	struct model_peak pk = model_mlfrr(MODEL_NODMA, &mp);
	(void)state;
	assert_rel(s.capacity_pps, pk.gamma_pps, 1e-4);
	assert_true(s.mlfrr_pps <= pk.lambda_pps + 1 && s.mlfrr_pps > 0.9 * pk.lambda_pps);
	assert_rel(s.livelock_pps, 1 / 55e-6, 1e-6);	/* lambda = c, exactly */
	s = fc_summarize(&dma);
	mp.isr_s = 40e-6;
	mp.copy_s = 0;
	pk = model_mlfrr(MODEL_DMA, &mp);
	assert_rel(s.capacity_pps, pk.gamma_pps, 1e-4);
	assert_false(isfinite(s.livelock_pps));	/* decays slowly, never under 10% in range */
}

/* Exhaustive service with setup S and marginal b: N = (1 + lambda S) / (1 - lambda b). */
static void test_batching_law(void **state)
{
	struct fc_costs c = { .cpus = 1, .buffer = 1000, .rx_pkt_ns = 5000, .rx_fixed_ns = 3000,
			      .setup_ns = 20000, .app_dgram_ns = NAN, .irq_cap_pps = INFINITY,
			      .napi = true, .defer_ns = INFINITY };
	struct fc_point p;
	(void)state;
	for (double l = 1000; l < 190000; l *= 1.7) {
		double n = (1 + l * 20e-6) / (1 - l * 5e-6);

		fc_at(&c, l, &p);
		assert_rel(p.batch, n, 1e-9);
		assert_rel(p.irqs_pps, l / n, 1e-9);
		/* the cost per packet falls with the load: (b + S') / (1 + lambda S) */
		assert_rel(p.cpu_rx, l / n * 3000e-9 + l * 5000e-9, 1e-9);
	}
	fc_at(&c, 250000, &p);	/* past 1/b the poll never finishes */
	assert_false(isfinite(p.batch));
	assert_near(p.irqs_pps, 0, 0);
	/* S is recovered from a batch measured at one load */
	fc_at(&c, 40000, &p);
	assert_rel(fc_setup_from_batch(40000, p.batch, 5000, 0, false), 20000, 1e-9);
	assert_near(fc_setup_from_batch(40000, p.batch, 5000, 0, true), 0, 0);	/* capped: no news */
	assert_near(fc_setup_from_batch(40000, 1.0, 5000, 7000, false), 7000, 0);	/* floor */
}

/*
 * NAPI deferral (napi_defer_hard_irqs N, gro_flush_timeout T): against the
 * event simulation of tests/unit/napi_defer_mc.py, which follows
 * napi_complete_done() and shares no code with fc_napi_defer().
 */
static void test_napi_defer_against_simulation(void **state)
{
	/*
	 * lambda pps, T us, S us, b us, N, SE us (a poll that finds nothing);
	 * simulated irqs/s, polls/s, delay mean and p99 us, empty polls/s
	 */
	static const double mc[][11] = {
		{ 2000, 50, 10, 2, 1, 10, 1722.8, 3672.9, 2.64, 47.06, 1722.8 },
		{ 2000, 50, 10, 2, 2, 10, 1517.9, 5175.2, 4.80, 48.45, 3233.2 },
		{ 20000, 50, 10, 2, 2, 10, 990.5, 15999.3, 20.82, 53.24, 4298.6 },
		{ 20000, 200, 10, 2, 1, 10, 56.7, 4612.0, 99.09, 207.70, 56.6 },
		{ 100000, 20, 5, 1, 2, 5, 166.2, 36066.7, 9.36, 23.90, 2234.3 },
		{ 500, 1000, 10, 2, 1, 10, 271.1, 720.3, 225.58, 979.71, 271.1 },
		/* the lab's e1000 under TCG: 48 us a poll with packets, 15 us one without */
		{ 5000, 20, 48, 11, 2, 15, 2627.7, 9737.3, 2.94, 32.23, 5755.1 },
		{ 20000, 50, 48, 11, 2, 15, 290.3, 8418.5, 25.50, 101.28, 1365.4 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(mc) / sizeof(mc[0]); i++) {
		struct fc_costs c = { .napi = true, .gro_flush_ns = mc[i][1] * 1e3, .setup_ns = mc[i][2] * 1e3,
				      .rx_pkt_ns = mc[i][3] * 1e3, .defer_irqs = mc[i][4],
				      .rx_empty_ns = mc[i][5] * 1e3 };
		double irqs, polls, empties, mean, p99;

		assert_true(fc_napi_defer(&c, mc[i][0], &irqs, &polls, &empties, &mean, &p99));
		assert_rel(irqs, mc[i][6], 0.05);
		assert_rel(polls, mc[i][7], 0.05);
		assert_rel(empties, mc[i][10], 0.05);
		if (mc[i][5] != mc[i][2])	/* the delay follows a poll's cycle: a cheaper empty poll is not in it */
			continue;
		assert_rel(mean * 1e6, mc[i][8], 0.06);
		assert_rel(p99 * 1e6, mc[i][9], 0.08);
	}
}

/* Deferral in the forecast: interrupts fall, NET_RX pays its fixed cost per poll; off is off. */
static void test_napi_defer_in_forecast(void **state)
{
	struct fc_costs c = { .cpus = 1, .buffer = 1000, .rx_pkt_ns = 2000, .rx_fixed_ns = 3000,
			      .irq_fixed_ns = 4000, .setup_ns = 10000, .app_dgram_ns = NAN,
			      .irq_cap_pps = INFINITY, .napi = true, .defer_ns = INFINITY };
	struct fc_point off, on;
	double irqs, polls, empties, mean, p99;
	(void)state;
	fc_at(&c, 20000, &off);
	assert_false(fc_napi_defer(&c, 20000, &irqs, &polls, NULL, &mean, &p99));	/* N = 0 */
	c.defer_irqs = 2;
	assert_false(fc_napi_defer(&c, 20000, &irqs, &polls, NULL, &mean, &p99));	/* T = 0 */
	c.gro_flush_ns = 50000;
	assert_true(fc_costs_valid(&c));
	fc_at(&c, 20000, &on);
	assert_true(fc_napi_defer(&c, 20000, &irqs, &polls, NULL, &mean, &p99));
	assert_rel(on.irqs_pps, irqs, 1e-12);
	assert_rel(on.polls_pps, polls, 1e-12);
	assert_true(on.irqs_pps < off.irqs_pps / 10);
	assert_rel(on.batch, 20000 / polls, 1e-12);
	assert_rel(on.cpu_irq, irqs * 4000e-9, 1e-12);
	assert_rel(on.cpu_rx, polls * 3000e-9 + 20000 * 2000e-9, 1e-12);
	assert_rel(off.polls_pps, off.irqs_pps, 1e-12);	/* without deferral a poll per interrupt */
	c.defer_irqs = -1;
	assert_false(fc_costs_valid(&c));
	/* the poll never catches up: never re-enabled */
	c.defer_irqs = 2;
	assert_true(fc_napi_defer(&c, 600000, &irqs, &polls, NULL, &mean, &p99));
	assert_near(irqs, 0, 0);
	/* an empty poll measured at 1 us: NET_RX pays it for the polls that find nothing */
	c.rx_empty_ns = 1000;
	fc_at(&c, 20000, &on);
	assert_true(fc_napi_defer(&c, 20000, &irqs, &polls, &empties, &mean, &p99));
	assert_true(empties > 0 && empties < polls);
	assert_rel(on.empty_polls_pps, empties, 1e-12);
	assert_rel(on.cpu_rx, (polls - empties) * 3000e-9 + empties * 1000e-9 + 20000 * 2000e-9, 1e-12);
	/* not measured (0 or NAN): priced as a poll with packets, as before */
	c.rx_empty_ns = NAN;
	fc_at(&c, 20000, &on);
	assert_true(fc_napi_defer(&c, 20000, &irqs, &polls, &empties, &mean, &p99));
	assert_rel(on.cpu_rx, polls * 3000e-9 + 20000 * 2000e-9, 1e-12);
}

/* Coalescing caps the interrupt rate; rx-frames F one interrupt per F packets. */
static void test_coalescing_cap(void **state)
{
	struct fc_costs c = { .cpus = 2, .buffer = 1000, .irq_fixed_ns = 4000, .rx_pkt_ns = 2000,
			      .setup_ns = 4000, .app_dgram_ns = NAN, .irq_cap_pps = 1000,
			      .napi = true, .defer_ns = INFINITY };
	struct fc_point p;
	(void)state;
	fc_at(&c, 100000, &p);
	assert_rel(p.irqs_pps, 2 * 1000, 1e-12);	/* per copy */
	assert_rel(p.batch, 50, 1e-12);
	assert_rel(p.cpu_irq, 1000 * 4000e-9, 1e-12);
	c.irq_cap_pps = INFINITY;
	c.frames_per_irq = 64;
	fc_at(&c, 100000, &p);
	assert_true(p.batch >= 64);
}

/*
 * An application sharing the CPU with NET_RX at interrupt priority starves
 * as the load grows; threaded NET_RX shares fairly and never livelocks.
 */
static void test_priority_and_deferral(void **state)
{
	struct fc_costs c = { .cpus = 1, .buffer = 500, .irq_fixed_ns = 3000, .rx_fixed_ns = 5000,
			      .rx_pkt_ns = 4000, .app_dgram_ns = 10000, .app_wakeup_ns = 15000,
			      .app_share = 1, .setup_ns = 8000, .irq_cap_pps = INFINITY, .napi = true,
			      .defer_ns = FC_DEFER_NS_DEFAULT };
	struct fc_summary s = fc_summarize(&c), t;
	struct fc_point p;
	(void)state;
	/* the peak: below 1 / (b_rx + b_app), above every cost paid per packet */
	assert_true(s.capacity_pps > 1e9 / (3000 + 5000 + 4000 + 10000 + 15000) &&
		    s.capacity_pps < 1e9 / (4000 + 10000));
	assert_true(isfinite(s.livelock_pps) && s.livelock_pps > s.mlfrr_pps);
	fc_at(&c, s.livelock_pps * 1.01, &p);
	assert_true(p.gamma_pps < 0.1 * s.capacity_pps);
	assert_string_equal(p.limit, "application");
	c.threaded = true;
	t = fc_summarize(&c);
	assert_false(isfinite(t.livelock_pps));
	fc_at(&c, 4 * t.mlfrr_pps, &p);
	assert_true(p.deferred && p.gamma_pps > 0.4 * t.capacity_pps);
	/* an application on other CPUs: its own capacity, 1 / b_app */
	c.threaded = false;
	c.app_share = 0;
	s = fc_summarize(&c);
	assert_rel(s.capacity_pps, 1e9 / 10000, 0.01);
	/* the wakeup cost lowers throughput at light load only: capacity is 1 / b */
	c.app_wakeup_ns = 0;
	t = fc_summarize(&c);
	assert_rel(t.capacity_pps, s.capacity_pps, 0.01);
}

/*
 * The application woken once per batch: on the RX CPU it cannot run while
 * NET_RX delivers an interrupt's 20 packets, so a wakeup serves
 * N = (20 + lambda.Sa)/(1 - lambda.ba) datagrams; on other CPUs it reads as
 * they come (N from a batch of 1).  Wakeups then cost less a datagram.
 */
static void test_app_woken_per_batch(void **state)
{
	struct fc_costs c = { .cpus = 1, .buffer = 1000, .irq_fixed_ns = 3000, .rx_fixed_ns = 5000,
			      .rx_pkt_ns = 2000, .app_dgram_ns = 10000, .app_wakeup_ns = 50000,
			      .app_share = 1, .setup_ns = 8000, .irq_cap_pps = 1000, .napi = true,
			      .defer_ns = FC_DEFER_NS_DEFAULT };
	struct fc_point p, q;
	double avail, ba, sa, n, lam = 20000;
	(void)state;
	fc_at(&c, lam, &p);
	assert_rel(p.batch, 20, 1e-9);
	avail = 1 - (p.cpu_irq + p.cpu_rx);
	ba = 10000e-9 / avail;
	sa = 50000e-9 / avail;
	n = (20 + lam * sa) / (1 - lam * ba);
	assert_rel(p.app_mu_pps, n / (sa + n * ba), 1e-9);
	c.app_share = 0;	/* elsewhere: batches of one, all the CPU */
	fc_at(&c, lam, &q);
	n = (1 + lam * 50000e-9) / (1 - lam * 10000e-9);
	assert_rel(q.app_mu_pps, n / (50000e-9 + n * 10000e-9), 1e-9);
	assert_true(p.app_mu_pps > q.app_mu_pps);	/* the batch amortises the wakeup more */
}

static void test_invalid_costs(void **state)
{
	struct fc_costs c = paper(false);
	struct fc_summary s;
	struct fc_point p;
	(void)state;
	c.rx_pkt_ns = -1;
	assert_false(fc_costs_valid(&c));
	s = fc_summarize(&c);
	assert_true(isnan(s.capacity_pps) && isnan(s.mlfrr_pps));
	fc_at(&c, 1000, &p);
	assert_near(p.gamma_pps, 0, 0);
	c = paper(false);
	c.cpus = 0;
	assert_false(fc_costs_valid(&c));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paper_special_case),
		cmocka_unit_test(test_paper_peak_and_livelock),
		cmocka_unit_test(test_batching_law),
		cmocka_unit_test(test_napi_defer_against_simulation),
		cmocka_unit_test(test_napi_defer_in_forecast),
		cmocka_unit_test(test_coalescing_cap),
		cmocka_unit_test(test_priority_and_deferral),
		cmocka_unit_test(test_app_woken_per_batch),
		cmocka_unit_test(test_invalid_costs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
