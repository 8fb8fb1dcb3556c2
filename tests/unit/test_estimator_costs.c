// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The estimator's costs: fixed and marginal parts from regression, enqueues and
 * wakeups, the throttle's setup, the probes' own cost, the fit's guards. */
#include "estimator_synth.h"

/* The same estimator on a device with NAPI's deferral on (N 2, T 50 us). */
static const struct est_opts deferral_opts = { .mapping = EST_MAP_SOFTIRQ, .no_calibrate = true,
					       .napi_defer_irqs = 2, .gro_flush_ns = 50000 };

/* The NAPI scenario's sample in *s, and an estimator (softirq mapping, raw 1/r) to feed it to. */
static struct estimator *napi_estimator(struct lt_sample *s)
{
	static const struct est_opts o = { .mapping = EST_MAP_SOFTIRQ, .no_calibrate = true };

	synth(s, &napi);
	return estimator_new(&o, 256);
}

/* Without stack timing nor in-run gaps, the slope of run time against its packets. */
static void test_costs_from_regression(void **state)
{
	struct lt_sample s;
	struct estimator *est = napi_estimator(&s);
	struct estimate e;
	(void)state;
	s.stack_timed = s.stack_ns = 0;
	s.stack_ns_sq = 0;
	estimator_update(est, &s, &e);
	assert_rel(e.win.costs.rx_pkt_ns, 2000, 0.02);
	assert_int_equal(e.win.rx_pkt_how, EST_COST_FIT);
	assert_rel(e.win.costs.rx_fixed_ns, 10000, 0.05);	/* 5 us a run, two runs an interrupt */
	/* in-run gaps, when runs hold two packets or more, come first */
	s.sirq_gap_n = 1000;
	s.sirq_gap_ns = 1000 * 1800;
	estimator_update(est, &s, &e);
	assert_int_equal(e.cur.rx_pkt_how, EST_COST_GAPS);
	assert_rel(e.cur.costs.rx_pkt_ns, 1800, 1e-9);
	estimator_free(est);
}

/*
 * Where the socket enqueues are seen: a packet's marginal NET_RX cost is the
 * span from one enqueue to the next (packets passed up one by one), plus a
 * list's pass through the core and the IP layer's over it when packets go up
 * as lists; first, before the packets' own gaps.  Too few spans: the gaps.
 */
static void test_costs_from_enqueues(void **state)
{
	struct lt_sample s;
	struct estimator *est = napi_estimator(&s);
	struct estimate e;
	(void)state;
	s.sirq_gap_n = 1000;
	s.sirq_gap_ns = 1000 * 1800;
	s.sirq_enq_gap_n = 1000;
	s.sirq_enq_gap_ns = 1000 * 1700;
	estimator_update(est, &s, &e);
	assert_int_equal(e.cur.rx_pkt_how, EST_COST_ENQUEUE);
	assert_rel(e.cur.costs.rx_pkt_ns, 1700, 1e-9);
	assert_string_equal(est_cost_how_name(e.cur.rx_pkt_how), "enqueues");
	/* a list: 300 ns through the core, 1700 through the protocols, per packet */
	s.sirq_list_gap_n = 1000;
	s.sirq_list_gap_ns = 1000 * 300;
	estimator_update(est, &s, &e);
	assert_rel(e.cur.costs.rx_pkt_ns, 2000, 1e-9);
	/* and the IP layer's pass over the list between them: 200 ns a packet */
	for (int i = 0; i < 600; i++)	/* lists of 2..7: 3 us a list + 200 ns a packet */
		fit_add(&s.list_ip_fit, 2 + i % 6, 3000 + 200.0 * (2 + i % 6));
	estimator_update(est, &s, &e);
	assert_rel(e.cur.costs.rx_pkt_ns, 2200, 1e-9);
	/* half the enqueue spans had no list pass before them: half its cost */
	s.sirq_list_gap_n = 500;
	s.sirq_list_gap_ns = 500 * 300;
	estimator_update(est, &s, &e);
	assert_rel(e.cur.costs.rx_pkt_ns, 1700 + 0.5 * (300 + 200), 1e-9);
	/* the fixed part is what the runs leave: never below 0 */
	assert_true(e.cur.costs.rx_fixed_ns >= 0);
	/* lists all of one length: no slope, no IP pass counted */
	memset(&s.list_ip_fit, 0, sizeof(s.list_ip_fit));
	for (int i = 0; i < 600; i++)
		fit_add(&s.list_ip_fit, 2, 3400);
	estimator_update(est, &s, &e);
	assert_rel(e.cur.costs.rx_pkt_ns, 1700 + 0.5 * 300, 1e-9);
	s.sirq_enq_gap_n = EST_MIN_FIT_N - 1;
	estimator_update(est, &s, &e);
	assert_int_equal(e.cur.rx_pkt_how, EST_COST_GAPS);
	assert_rel(e.cur.costs.rx_pkt_ns, 1800, 1e-9);
	estimator_free(est);
}

/*
 * Under NAPI's deferral a busy period is a poll's, not an interrupt's: the
 * interrupts only open episodes, and the fixed cost a period is spread over
 * the NET_RX runs that handled packets.
 */
static void test_deferral_periods_are_polls(void **state)
{
	struct lt_sample s;
	struct estimator *est;
	struct estimate e;
	double pk;
	(void)state;
	synth(&s, &napi);
	s.irqs = s.softirqs / 20;	/* one interrupt in twenty polls: the rest are the timer's */
	est = estimator_new(&deferral_opts, 256);
	estimator_update(est, &s, &e);
	pk = (double)s.softirq_packets;
	assert_rel(e.cur.costs.rx_fixed_ns, ((double)s.softirq_ns - e.cur.costs.rx_pkt_ns * pk) / (double)s.softirqs,
		   1e-9);
	estimator_free(est);
}

/*
 * The runs that polled the device and found nothing: their mean, under
 * deferral (the timer's polls) and once there are a few; without deferral
 * they are TX-only polls and price nothing.
 */
static void test_empty_poll_cost(void **state)
{
	struct lt_sample s;
	struct estimator *est = napi_estimator(&s);
	struct estimate e;
	(void)state;
	s.sirq_empty_n = 100;
	s.sirq_empty_ns = 100 * 15000;
	estimator_update(est, &s, &e);
	assert_true(isnan(e.cur.costs.rx_empty_ns));
	estimator_free(est);
	est = estimator_new(&deferral_opts, 256);
	estimator_update(est, &s, &e);
	assert_rel(e.cur.costs.rx_empty_ns, 15000, 1e-9);
	s.sirq_empty_n = EST_MIN_MEAN_N - 1;	/* too few to say: priced as a poll with packets */
	s.sirq_empty_ns = (EST_MIN_MEAN_N - 1) * 15000;
	estimator_update(est, &s, &e);
	assert_true(isnan(e.cur.costs.rx_empty_ns));
	estimator_free(est);
}

/*
 * The application's marginal cost per datagram: from the spans between reads
 * when there are enough of them (12 us here), else from its wakeups' fit of
 * on-CPU time against datagrams read (20 us a wakeup + 3 us a datagram,
 * mostly one a wakeup), else the bound.
 */
static void test_app_costs_from_wakeups(void **state)
{
	struct lt_sample s;
	struct estimator *est = napi_estimator(&s);
	struct estimate e;
	(void)state;
	memset(&s.app_wake_fit, 0, sizeof(s.app_wake_fit));
	s.app_reads = s.app_sleeps = 0;
	s.app_ns = 0;
	for (int i = 0; i < 1000; i++) {
		int x = i % 20 == 0 ? 3 : i % 20 < 4 ? 2 : 1;
		double y = 20000 + 3000.0 * x;

		fit_add(&s.app_wake_fit, x, y);
		s.app_reads += x;
		s.app_sleeps++;
		s.app_ns += (uint64_t)y;
	}
	s.app_timed = s.app_reads;
	s.app_gap_n = 1000;
	s.app_gap_ns = 1000 * 12000;
	s.app_tail_n = 0;
	estimator_update(est, &s, &e);
	assert_int_equal(e.cur.app_dgram_how, EST_COST_GAPS);
	assert_rel(e.cur.costs.app_dgram_ns, 12000, 1e-9);
	/* too few spans: the wakeups' slope, and what is left a wakeup */
	s.app_gap_n = EST_MIN_MEAN_N - 1;
	s.app_gap_ns = (EST_MIN_MEAN_N - 1) * 12000;
	estimator_update(est, &s, &e);
	assert_int_equal(e.cur.app_dgram_how, EST_COST_FIT);
	assert_rel(e.cur.costs.app_dgram_ns, 3000, 1e-6);
	assert_rel(e.cur.costs.app_wakeup_ns, 20000, 1e-6);
	/* and wakeups of one datagram each have no slope: the bound */
	memset(&s.app_wake_fit, 0, sizeof(s.app_wake_fit));
	for (int i = 0; i < 1000; i++)
		fit_add(&s.app_wake_fit, 1, 23000);
	estimator_update(est, &s, &e);
	assert_int_equal(e.cur.app_dgram_how, EST_COST_BOUND);
	estimator_free(est);
}

/*
 * A driver's dynamic throttle: the batch says something of the setup S only
 * while the interrupts stay below the lowest rate that rule holds to.
 */
static void test_dynamic_throttle_setup(void **state)
{
	struct est_opts o = { .mapping = EST_MAP_SOFTIRQ, .no_calibrate = true };
	struct estimate free_run, below, unknown;
	double floor_ns;
	(void)state;
	run(&napi, &o, &free_run);
	floor_ns = free_run.win.costs.irq_fixed_ns + (free_run.win.costs.napi ? free_run.win.costs.rx_fixed_ns : 0);
	assert_true(free_run.win.costs.setup_ns > floor_ns);	/* the batch set S */
	o.irq_dynamic = true;
	o.irq_dynamic_floor_pps = 1e9;			/* far above what ran: the rule did not bind */
	run(&napi, &o, &below);
	assert_rel(below.win.costs.setup_ns, free_run.win.costs.setup_ns, 1e-12);
	o.irq_dynamic_floor_pps = 0;			/* a rule of unknown reach: S at its floor */
	run(&napi, &o, &unknown);
	assert_rel(unknown.win.costs.setup_ns, floor_ns, 1e-3);
	assert_true(unknown.win.costs.setup_ns < free_run.win.costs.setup_ns / 10);
}

static void test_probe_cost_subtracted(void **state)
{
	struct est_opts o = { .mapping = EST_MAP_SOFTIRQ, .no_calibrate = true };
	struct synth p = napi;
	struct estimate e, clean;
	struct lt_sample s;
	(void)state;
	lcg = 777;
	run(&p, &o, &clean);
	p.probe_irq = 400;
	p.probe_pkt = 300;
	lcg = 777;
	synth(&s, &p);
	lcg = 777;
	run(&p, &o, &e);
	assert_rel(e.win.copy_ns, clean.win.copy_ns, 1e-6);
	assert_rel(e.win.isr_ns, clean.win.isr_ns, 1e-9);
	assert_rel(e.win.hardirq_ns, clean.win.hardirq_ns, 1e-9);
	assert_rel(e.win.hardirq_sd_ns, clean.win.hardirq_sd_ns, 1e-6);
	/* 400 per IRQ + 300 per packet in the softirq runs and the stack spans */
	assert_rel(e.win.probe_subtracted_ns,
		   400.0 * s.irqs + 300.0 * s.softirq_packets + 300.0 * s.stack_timed, 1e-6);
	assert_near(clean.win.probe_subtracted_ns, 0, 0);
}

/* A slope that rests on a handful of odd-sized runs is no slope. */
static void test_fit_needs_size_variation(void **state)
{
	struct lt_fit_sums f = { 0 };
	struct est_fit r;
	(void)state;
	for (int i = 0; i < 10000; i++)	/* 10 runs of 2 packets among 10,000 */
		fit_add(&f, i % 1000 ? 1 : 2, i % 1000 ? 5000 : 90000);
	est_fit_solve(&f, &r);
	assert_false(r.valid);
	for (int i = 0; i < 10000; i++)	/* 40 more: now it is a slope */
		fit_add(&f, i % 250 ? 1 : 2, i % 250 ? 5000 : 9000);
	est_fit_solve(&f, &r);
	assert_true(r.valid);
}

/* Runs whose size follows their length: slope above the mean time per packet, capped. */
static void test_copy_capped_at_mean(void **state)
{
	struct est_opts o = { .mapping = EST_MAP_SOFTIRQ, .no_calibrate = true };
	struct est_params p;
	struct lt_sample s;
	(void)state;
	memset(&s, 0, sizeof(s));
	s.interval_s = 1;
	for (int i = 0; i < 200; i++) {	/* 1 packet: 10 us; 2 packets: 60 us */
		double x = i % 2 ? 2 : 1, y = i % 2 ? 60000 : 10000;

		fit_add(&s.softirq_fit, x, y);
		s.softirqs++;
		s.softirq_packets += (uint64_t)x;
		s.softirq_ns += (uint64_t)y;
	}
	s.napi_polls = s.softirqs;
	s.napi_packets = s.stack_packets = s.delivered_packets = s.softirq_packets;
	est_params_from(&s, &o, &p);
	assert_true(p.sirq_fit.valid);
	assert_near(p.sirq_fit.slope_ns, 50000, 1e-6);
	assert_true(p.copy_capped);
	assert_int_equal(p.kind, MODEL_NODMA);
	assert_near(p.copy_ns, 7000000.0 / 300, 1e-6);	/* 7 ms over 300 packets */
	assert_true(p.isr_struct_ns >= p.copy_ns);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_costs_from_regression),
		cmocka_unit_test(test_costs_from_enqueues),
		cmocka_unit_test(test_empty_poll_cost),
		cmocka_unit_test(test_deferral_periods_are_polls),
		cmocka_unit_test(test_app_costs_from_wakeups),
		cmocka_unit_test(test_dynamic_throttle_setup),
		cmocka_unit_test(test_probe_cost_subtracted),
		cmocka_unit_test(test_fit_needs_size_variation),
		cmocka_unit_test(test_copy_capped_at_mean),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
