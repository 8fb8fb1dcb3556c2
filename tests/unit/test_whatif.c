// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Coalescing what-if (src/whatif.c) and the forecast's latency
 * (src/forecast_latency.c) against hand-computed cases: the M/M/1/B queue,
 * the interrupt cap and the batch a setting gives, what is not forecast,
 * and which setting each goal picks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>
#include "forecast.h"
#include "whatif.h"

#define assert_near(a, b, tol) assert_true(fabs((double)(a) - (double)(b)) <= (tol))
#define assert_rel(a, b, rel) assert_near(a, b, fabs((double)(b)) * (rel))

static void test_mm1b(void **state)
{
	(void)state;
	/* a long buffer is the M/M/1: L = rho/(1 - rho), P(T > t) = exp(-(mu - lambda) t) */
	assert_rel(fc_mm1b_mean(500, 1000, 10000), 1.0, 1e-9);
	assert_rel(fc_mm1b_mean(900, 1000, 10000), 9.0, 1e-9);
	assert_rel(fc_mm1b_sojourn_tail(500, 1000, 10000, 2e-3), exp(-1.0), 1e-6);
	assert_rel(fc_mm1b_sojourn_tail(900, 1000, 10000, 10e-3), exp(-1.0), 1e-6);
	/* B = 1: never anyone ahead, the sojourn is one read */
	assert_rel(fc_mm1b_sojourn_tail(5000, 1000, 1, 1e-3), exp(-1.0), 1e-9);
	/* rho = 1: uniform over 0..B; B - N at 1/rho is the same queue */
	assert_rel(fc_mm1b_mean(1000, 1000, 10), 5.0, 1e-6);
	assert_rel(fc_mm1b_mean(2000, 1000, 10) + fc_mm1b_mean(1000, 2000, 10), 10.0, 1e-9);
	/* B = 2 at rho = 2: p ~ 1, 2, 4 -> L = (2 + 8)/7 */
	assert_rel(fc_mm1b_mean(2000, 1000, 2), 10.0 / 7, 1e-9);
	/* overload: a full buffer of 256, so an admitted packet waits about 256 reads */
	assert_rel(fc_mm1b_mean(1e6, 1000, 256), 256, 1e-3);
	assert_true(fc_mm1b_sojourn_tail(1e6, 1000, 256, 0.2) > 0.95);
	assert_true(fc_mm1b_sojourn_tail(1e6, 1000, 256, 0.35) < 0.01);
	assert_near(fc_mm1b_mean(0, 1000, 256), 0, 0);
	assert_near(fc_mm1b_mean(10, 0, 256), 256, 0);
}

/* A DMA NIC with NAPI: 5 us a interrupt, 4 us a packet in NET_RX, 10 us a read; one CPU. */
static struct fc_costs nic(void)
{
	return (struct fc_costs){
		.cpus = 1, .buffer = 256, .irq_fixed_ns = 5000, .irq_pkt_ns = 0, .rx_fixed_ns = 3000,
		.rx_pkt_ns = 4000, .app_wakeup_ns = 0, .app_dgram_ns = 10000, .app_share = 1,
		.setup_ns = 8000, .irq_cap_pps = INFINITY, .frames_per_irq = 0, .napi = true,
		.defer_ns = 2e6,
	};
}

static void test_latency_light(void **state)
{
	struct fc_costs c = nic();
	struct fc_point p;
	struct fc_latency l;
	(void)state;
	fc_at(&c, 100, &p);
	assert_true(fc_latency_at(&c, &p, &l));
	assert_rel(l.stack_s, 4e-6, 1e-12);
	/* at 1% load the socket time is one read, 1/mu (mu about 1e5/s), its p99 ln(100)/mu */
	assert_rel(l.socket_mean_s, 1 / (p.app_mu_pps - 100), 0.02);
	assert_rel(l.socket_p99_s, log(100) / (p.app_mu_pps - 100), 0.02);
	c.app_dgram_ns = NAN;	/* no application measured: no socket time */
	fc_at(&c, 100, &p);
	assert_false(fc_latency_at(&c, &p, &l));
}

/*
 * The wait for the rest of the batch, by hand: 11 packets an interrupt at 4
 * us each in the stack, reads of 10 us, 1,000 interrupts/s of which half
 * find the reader asleep (a 20 us wakeup, 10 us on average).
 */
static void test_latency_batch_wait(void **state)
{
	struct fc_costs c = nic();
	struct fc_point p = { .lambda_pps = 11000, .gamma_pps = 11000, .kernel_pps = 11000,
			      .irqs_pps = 1000, .polls_pps = 1000, .batch = 11, .app_mu_pps = 1e5,
			      .app_wakeups_pps = 500 };
	struct fc_latency shared, apart;
	(void)state;
	c.app_wakeup_ns = 20000;
	/* on the RX CPU: the k-th waits (11 - k) x 4 + 10 + (k - 1) x 10 us */
	assert_true(fc_latency_at(&c, &p, &shared));
	assert_rel(shared.batch_p99_s, 10e-6 + 10 * 10e-6, 1e-9);	/* k = 11 */
	assert_rel(shared.batch_mean_s, 10e-6 + 10 * (4e-6 + 10e-6) / 2, 1e-9);
	/* on another CPU: it reads as they land, 10 - 4 us behind a datagram */
	c.app_share = 0;
	assert_true(fc_latency_at(&c, &p, &apart));
	assert_rel(apart.batch_p99_s, 10 * 6e-6, 1e-9);
	assert_rel(apart.batch_mean_s, 10 * 6e-6 / 2, 1e-9);
	/* the socket's own M/M/1/B part does not depend on where the reader runs */
	assert_rel(shared.socket_p99_s - shared.batch_p99_s, apart.socket_p99_s - apart.batch_p99_s, 1e-9);
	/* a reader faster than the stack on another CPU keeps up: no wait */
	p.app_mu_pps = 5e5;
	assert_true(fc_latency_at(&c, &p, &apart));
	assert_near(apart.batch_p99_s, 0, 1e-15);
}

static struct ethtool_coalesce none;

static void test_throttle_cap(void **state)
{
	struct whatif_obs ob = { .costs = nic(), .driver = "e1000", .lambda_pps = 50000, .rate_pps = NAN };
	struct coal_setting s = { .has_usecs = true, .rx_usecs = 100 };
	struct whatif_result r0, r;
	(void)state;
	whatif_forecast(&ob, &none, &(struct coal_setting){ .has_usecs = true, .rx_usecs = 0 }, &r0);
	whatif_forecast(&ob, &none, &s, &r);
	assert_true(r0.predicted && r.predicted);
	/* capacity rises when interrupts cost less */
	assert_true(r.sum.capacity_pps > r0.sum.capacity_pps);
	/* 50 kpps: without a cap the batching law gives (1 + l.S)/(1 - l.b) = 1.4/0.8 = 1.75 a poll */
	assert_rel(r0.now.pkts_per_irq, 1.75, 1e-9);
	/* a throttle of 100 us: 10,000 interrupts/s at most, 5 packets each */
	assert_rel(r.now.irqs_pps, 10000, 1e-9);
	assert_rel(r.now.pkts_per_irq, 5, 1e-9);
	/* hard-IRQ work 5 us x 10,000/s = 5%; NET_RX 3 us x 10,000 + 4 us x 50,000 = 23% */
	assert_rel(r.now.cpu_irq_pct, 5, 1e-9);
	assert_rel(r.now.cpu_intr_pct, 28, 1e-9);
	assert_true(r.now.cpu_intr_pct < r0.now.cpu_intr_pct);
	assert_true(r.now.coal_mean_us > 0 && r.now.coal_mean_us <= 50);
	assert_true(isnan(r.at_rate.lambda_pps));
	/* at 2 kpps the CPU is idle enough that the throttle's wait shows in p99; at 50 kpps freeing
	 * the CPU shortens the socket queue more than the throttle adds */
	assert_true(r.now.latency_p99_us < r0.now.latency_p99_us);
	ob.lambda_pps = 2000;
	whatif_forecast(&ob, &none, &(struct coal_setting){ .has_usecs = true, .rx_usecs = 0 }, &r0);
	whatif_forecast(&ob, &none, &(struct coal_setting){ .has_usecs = true, .rx_usecs = 500 }, &r);
	assert_true(r.now.latency_p99_us > r0.now.latency_p99_us + 100);
}

static void test_delay_timer_batch(void **state)
{
	struct whatif_obs ob = { .costs = nic(), .driver = "mlx5_core", .lambda_pps = 20000, .rate_pps = 40000 };
	struct coal_setting s = { .has_usecs = true, .rx_usecs = 50 };
	struct whatif_result r;
	(void)state;
	whatif_forecast(&ob, &none, &s, &r);
	assert_true(r.predicted);
	/* a delay timer of 50 us adds it to the setup: (1 + l(S + U))/(1 - l.b) = (1 + 1.16)/0.92 at 20 kpps */
	assert_rel(r.now.pkts_per_irq, 2.16 / 0.92, 1e-9);
	assert_rel(r.at_rate.lambda_pps, 40000, 0);
	assert_rel(r.at_rate.pkts_per_irq, (1 + 40000 * 58e-6) / (1 - 40000 * 4e-6), 1e-9);
	assert_true(r.now.coal_mean_us > 25 && r.now.coal_mean_us < 50);
}

/*
 * NAPI's deferral over e1000's dynamic throttle (rx-usecs 3): at 50 kpps the
 * batching law gives 28,571 interrupts/s (1.75 a poll), the throttle held
 * 4,000.  Deferral off is then forecast at 4,000, and the CPU at interrupt
 * priority follows (5 us x 4,000 + 3 us x 4,000 + 4 us x 50,000 = 23.2%);
 * deferral on (N 2, T 200 us) is capped at the same rate or fewer.  Without
 * the dynamic mode, or where the law gives no more than observed, no cap.
 */
static void test_dynamic_throttle_held(void **state)
{
	struct ethtool_coalesce dyn = { .rx_coalesce_usecs = 3 };
	struct whatif_obs ob = { .costs = nic(), .driver = "e1000", .lambda_pps = 50000, .rate_pps = NAN,
				 .irqs_pps = 4000, .dynamic = true };
	struct coal_setting off = { .has_defer = true, .defer_hard_irqs = 0 };
	struct coal_setting on = { .has_defer = true, .defer_hard_irqs = 2, .has_gro_flush = true, .gro_flush_ns = 200000 };
	struct whatif_result r, r_on;
	(void)state;
	whatif_forecast(&ob, &dyn, &off, &r);
	assert_true(r.predicted);
	assert_rel(r.now.irqs_pps, 4000, 1e-9);
	assert_rel(r.now.cpu_intr_pct, 23.2, 1e-9);
	whatif_forecast(&ob, &dyn, &on, &r_on);
	assert_true(r_on.predicted && r_on.now.irqs_pps <= 4000 * (1 + 1e-9));
	ob.dynamic = false;
	whatif_forecast(&ob, &dyn, &off, &r);
	assert_rel(r.now.pkts_per_irq, 1.75, 1e-9);
	ob.dynamic = true;
	ob.irqs_pps = 30000;	/* the law gives no more than was seen: the throttle did not bind */
	whatif_forecast(&ob, &dyn, &off, &r);
	assert_rel(r.now.pkts_per_irq, 1.75, 1e-9);
	/* observed under deferral, the interrupts were the episodes': no throttle to keep */
	ob.irqs_pps = 100;
	ob.costs.defer_irqs = 2;
	ob.costs.gro_flush_ns = 200000;
	whatif_forecast(&ob, &dyn, &off, &r);
	assert_rel(r.now.pkts_per_irq, 1.75, 1e-9);
}

/*
 * Observed under deferral (N 2, T 50 us) with fewer polls than the model
 * gives: its timer came late.  Polls that a lateness of 80 us would give are
 * recovered as 80 us, the setting observed is then forecast at the observed
 * polls, and another timer (200 us) keeps the same lateness.
 */
static void test_timer_lateness(void **state)
{
	struct fc_costs c = nic();
	struct fc_point p;
	struct whatif_obs ob;
	struct coal_setting same = { .has_defer = true, .defer_hard_irqs = 2, .has_gro_flush = true, .gro_flush_ns = 50000 };
	struct coal_setting t200 = same;
	struct whatif_result r;
	(void)state;
	c.defer_irqs = 2;
	c.gro_flush_ns = 50000;
	c.timer_late_ns = 80000;
	fc_at(&c, 20000, &p);
	c.timer_late_ns = 0;
	ob = (struct whatif_obs){ .costs = c, .driver = "e1000", .lambda_pps = 20000, .rate_pps = NAN,
				  .irqs_pps = NAN, .polls_pps = p.polls_pps };
	whatif_forecast(&ob, &none, &same, &r);
	assert_true(r.predicted);
	assert_rel(r.timer_late_ns, 80000, 1e-6);
	assert_rel(r.now.polls_pps, p.polls_pps, 1e-6);
	t200.gro_flush_ns = 200000;
	whatif_forecast(&ob, &none, &t200, &r);
	assert_rel(r.timer_late_ns, 80000, 1e-6);
	c.gro_flush_ns = 200000;
	c.timer_late_ns = 80000;
	fc_at(&c, 20000, &p);
	assert_rel(r.now.polls_pps, p.polls_pps, 1e-9);
	/* as many polls as the model gives, or more: on time */
	ob.polls_pps *= 10;
	whatif_forecast(&ob, &none, &same, &r);
	assert_near(r.timer_late_ns, 0, 0);
	/* observed with deferral off: nothing to tell */
	ob.costs.defer_irqs = 0;
	whatif_forecast(&ob, &none, &same, &r);
	assert_near(r.timer_late_ns, 0, 0);
}

static void test_not_forecast(void **state)
{
	struct whatif_obs ob = { .costs = nic(), .driver = "e1000", .lambda_pps = 5000, .rate_pps = NAN };
	struct whatif_result r;
	(void)state;
	whatif_forecast(&ob, &none, &(struct coal_setting){ .has_usecs = true, .rx_usecs = 3 }, &r);
	assert_false(r.predicted);
	assert_non_null(strstr(r.why, "dynamic"));
	whatif_forecast(&ob, &none, &(struct coal_setting){ .has_adaptive = true, .adaptive_rx = true }, &r);
	assert_false(r.predicted);
	ob.costs.buffer = 0;	/* incomplete costs */
	whatif_forecast(&ob, &none, &(struct coal_setting){ .has_usecs = true, .rx_usecs = 100 }, &r);
	assert_false(r.predicted);
}

static void test_recommend(void **state)
{
	struct whatif_result r[3];
	const char *why;
	(void)state;
	memset(r, 0, sizeof(r));
	for (int i = 0; i < 3; i++) {
		r[i].predicted = true;
		r[i].at_rate.lambda_pps = NAN;
		r[i].now.gamma_pps = 10000;
	}
	/* 0: most CPU, lowest latency; 1: middle; 2: least CPU, highest latency, highest capacity */
	r[0].now.cpu_intr_pct = 40, r[0].now.latency_p99_us = 100, r[0].sum.capacity_pps = 50000;
	r[1].now.cpu_intr_pct = 25, r[1].now.latency_p99_us = 600, r[1].sum.capacity_pps = 60000;
	r[2].now.cpu_intr_pct = 20, r[2].now.latency_p99_us = 5000, r[2].sum.capacity_pps = 70000;
	assert_int_equal(whatif_recommend(r, 3, WHATIF_GOAL_LATENCY, 0, &why), 0);
	assert_int_equal(whatif_recommend(r, 3, WHATIF_GOAL_THROUGHPUT, 0, &why), 2);
	assert_int_equal(whatif_recommend(r, 3, WHATIF_GOAL_CPU, 1000, &why), 1);
	assert_int_equal(whatif_recommend(r, 3, WHATIF_GOAL_CPU, 10000, &why), 2);
	assert_int_equal(whatif_recommend(r, 3, WHATIF_GOAL_CPU, 50, &why), -1);
	assert_non_null(why);
	/* a setting delivering less is no answer to cpu or latency */
	r[1].now.gamma_pps = 9000;
	assert_int_equal(whatif_recommend(r, 3, WHATIF_GOAL_CPU, 1000, &why), 0);
	r[0].predicted = false;
	assert_int_equal(whatif_recommend(r, 3, WHATIF_GOAL_LATENCY, 0, &why), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mm1b),
		cmocka_unit_test(test_latency_light),
		cmocka_unit_test(test_latency_batch_wait),
		cmocka_unit_test(test_throttle_cap),
		cmocka_unit_test(test_delay_timer_batch),
		cmocka_unit_test(test_dynamic_throttle_held),
		cmocka_unit_test(test_timer_lateness),
		cmocka_unit_test(test_not_forecast),
		cmocka_unit_test(test_recommend),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
