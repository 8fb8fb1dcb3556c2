// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The estimator recovers known r, c, mu from synthetic samples: mappings, models, lambda, CPUs, windows, states (its costs: test_estimator_costs.c). */
#include "estimator_synth.h"

static void test_fit_exact_and_degenerate(void **state)
{
	struct lt_fit_sums f = { 0 };
	struct est_fit r;
	(void)state;
	for (int i = 0; i < 50; i++)
		fit_add(&f, i % 10, 100 + 7 * (i % 10));
	est_fit_solve(&f, &r);
	assert_true(r.valid && r.grows);
	assert_near(r.slope_ns, 7, 1e-9);
	assert_near(r.intercept_ns, 100, 1e-9);
	assert_near(r.r2, 1, 1e-12);
	assert_near(r.n, 50, 0);
	memset(&f, 0, sizeof(f));
	for (int i = 0; i < 50; i++)
		fit_add(&f, 3, 100 + i);	/* x never varies */
	est_fit_solve(&f, &r);
	assert_false(r.valid);
	assert_false(isfinite(r.slope_ns));
	memset(&f, 0, sizeof(f));
	for (int i = 0; i < EST_MIN_FIT_N - 1; i++)
		fit_add(&f, i, i);
	est_fit_solve(&f, &r);
	assert_false(r.valid);
}

static void test_softirq_mapping_recovers_napi(void **state)
{
	struct est_opts o = { .mapping = EST_MAP_SOFTIRQ, .no_calibrate = true };
	struct estimate e;
	(void)state;
	run(&napi, &o, &e);
	assert_int_equal(e.kind, MODEL_NODMA);
	assert_int_equal(e.win.nic_class, MODEL_DMA);
	assert_rel(e.win.copy_ns, 2000, 0.02);
	/* 1/r: intercept 5 us + hard IRQ 2 us per 2 runs + one packet 2 us */
	assert_rel(e.win.isr_ns, 8000, 0.03);
	assert_rel(e.win.proto_ns, 8000, 1e-6);
	assert_string_equal(e.win.proto_source, "app");
	assert_true(e.win.sirq_fit.r2 > 0.99);
	assert_true(e.win.sirq_fit.n > 2900 && e.win.sirq_fit.n < 3100);
	assert_rel(e.win.hardirq_ns, 2000, 0.05);
	assert_rel(e.win.batch_per_poll, 16.5, 0.01);
	assert_near(e.win.scv_arrival, 1, 1e-6);
	assert_near(e.win.scv_service, 1, 1e-6);
	assert_non_null(strstr(e.win.reason, "grows"));
	assert_non_null(strstr(e.win.reason, "napi polls"));
	/* the prediction is the model's with those parameters */
	assert_true(e.valid & EST_V_PREDICT);
	assert_near(e.predicted_pps, model_throughput(MODEL_NODMA, &e.mp, e.lambda_pps), 1e-6);
	/* the forecast: its costs recovered, its capacity from them (forecast.h) */
	assert_true(e.valid & EST_V_FORECAST);
	/* the stack's own time per packet, measured directly, before the regression */
	assert_rel(e.win.costs.rx_pkt_ns, 1500, 1e-6);
	assert_int_equal(e.win.rx_pkt_how, EST_COST_STACK);
	assert_rel(e.win.costs.irq_fixed_ns, 2000, 0.05);
	assert_rel(e.win.costs.app_dgram_ns, 8000, 1e-6);
	assert_near(e.capacity_pps, fc_summarize(&e.win.costs).capacity_pps, 1e-6);
	assert_near(e.mlfrr_gamma_pps, e.capacity_pps, 0);
	assert_rel(e.load_pct, 100 * e.lambda_pps / e.mlfrr_pps, 1e-9);
	assert_rel(e.mp.buffer, 256, 0);
	assert_string_equal(e.buffer_source, "rx ring");
}

static void test_calibration_matches_measured_share(void **state)
{
	struct est_opts o = { .mapping = EST_MAP_SOFTIRQ };
	struct estimate e;
	(void)state;
	run(&napi, &o, &e);
	assert_true(e.win.isr_ns < e.win.isr_struct_ns);	/* fewer busy periods than arrivals */
	assert_near(e.cpu_avail_model, 1 - e.win.share_measured, 1e-9);
	assert_rel(e.win.copy_ns, 2000, 0.02);	/* the livelock point is untouched */
	o.mapping = EST_MAP_PAPER;
	run(&napi, &o, &e);
	assert_int_equal(e.kind, MODEL_DMA);
	assert_near(e.cpu_avail_model, 1 - e.win.share_measured, 1e-9);
}

static void test_paper_mapping_nodma_nic(void **state)
{
	struct est_opts o = { .mapping = EST_MAP_PAPER, .no_calibrate = true };
	struct estimate e;
	(void)state;
	run(&pio, &o, &e);
	assert_int_equal(e.win.nic_class, MODEL_NODMA);
	assert_int_equal(e.kind, MODEL_NODMA);
	assert_rel(e.win.copy_ns, 5000, 0.02);
	assert_rel(e.win.isr_ns, 15000, 0.02);
	assert_true(e.win.isr_fit.r2 > 0.99);
	assert_non_null(strstr(e.win.reason, "inside the ISR, ISR time grows"));
	/* 1/mu = NET_RX time per packet: 3 us / 4.5 + 1 us */
	assert_rel(e.win.proto_ns, 3000 / 4.5 + 1000, 0.02);
	assert_string_equal(e.win.proto_source, "softirq");
	/* the softirq mapping adds the ISR's and the backlog's per-packet costs */
	o.mapping = EST_MAP_SOFTIRQ;
	run(&pio, &o, &e);
	assert_int_equal(e.kind, MODEL_NODMA);
	assert_rel(e.win.copy_ns, 6000, 0.02);
	assert_string_equal(e.win.proto_source, "stack");
}

static void test_paper_mapping_dma_nic(void **state)
{
	struct est_opts o = { .mapping = EST_MAP_PAPER, .no_calibrate = true };
	struct estimate e;
	(void)state;
	run(&napi, &o, &e);
	assert_int_equal(e.kind, MODEL_DMA);
	assert_rel(e.win.isr_ns, 2000, 0.05);
	assert_near(e.mp.copy_s, 0, 0);
	assert_non_null(strstr(e.win.reason, "napi polls"));
	assert_rel(e.win.proto_ns, 38000.0 / 16.5 + 8000, 0.03);	/* softirq per packet + copy */
	assert_string_equal(e.win.proto_source, "softirq+app");
	/* the forecast does not depend on the mapping: NET_RX deferred to ksoftirqd, no livelock */
	assert_false(isfinite(e.livelock_pps));
	assert_true(isfinite(e.mlfrr_pps) && e.mlfrr_pps > 0);
}

static void test_model_override(void **state)
{
	struct est_opts o = { .mapping = EST_MAP_PAPER, .model = EST_MODEL_DMA, .no_calibrate = true };
	struct estimate e;
	(void)state;
	run(&pio, &o, &e);
	assert_int_equal(e.kind, MODEL_DMA);
	assert_non_null(strstr(e.win.reason, "--model"));
	o.model = EST_MODEL_NODMA;
	run(&napi, &o, &e);	/* no slope to read in a NAPI ISR: no c, no prediction */
	assert_int_equal(e.kind, MODEL_NODMA);
	assert_false(e.valid & EST_V_PREDICT);
	assert_false(isfinite(e.predicted_pps));
}

/* Light load: every run one packet; 1/c is then an upper bound, said so. */
static void test_batches_never_vary(void **state)
{
	struct est_opts o = { .mapping = EST_MAP_SOFTIRQ, .no_calibrate = true };
	struct synth p = napi;
	struct estimate e;
	(void)state;
	p.xmax = 1;
	p.lambda = 5000;
	run(&p, &o, &e);
	assert_false(e.win.sirq_fit.valid);
	assert_true(e.win.copy_bound);
	assert_int_equal(e.kind, MODEL_NODMA);
	/* 5 us + 2 us per run, + a 2 us hard IRQ every other run */
	assert_rel(e.win.copy_ns, 8000, 0.03);
	assert_rel(e.win.isr_ns, e.win.copy_ns, 1e-12);
	assert_true(e.valid & EST_V_PREDICT);
	assert_non_null(strstr(e.win.reason, "upper bound"));
}

/* No application-side time, but the socket overflowed: 1/mu from the CPU time left. */
static void test_mu_from_saturation(void **state)
{
	struct est_opts o = { .mapping = EST_MAP_SOFTIRQ, .no_calibrate = true };
	struct synth p = napi;
	struct estimator *est = estimator_new(&o, 256);
	struct lt_sample s;
	struct estimate e;
	double left;
	(void)state;
	p.app_ns = 0;
	synth(&s, &p);
	estimator_update(est, &s, &e);
	assert_string_equal(e.win.proto_source, "stack");
	assert_rel(e.win.proto_ns, 1500, 1e-6);
	s.delivered_packets = 30000;	/* the reader got 30000 of 50000: the rest overflowed */
	s.drops_socket = 20000;
	estimator_update(est, &s, &e);
	left = 1 - ((double)s.isr_ns + (double)s.softirq_ns) * 1e-9;
	assert_string_equal(e.win.proto_source, "saturation");
	assert_rel(e.win.proto_ns, left / 30000 * 1e9, 1e-9);
	assert_string_equal(e.cur.proto_source, "saturation");
	estimator_free(est);
}

static void test_idle_not_enough_data(void **state)
{
	struct est_opts o = { 0 };
	struct estimator *est = estimator_new(&o, 0);
	struct lt_sample s = { .interval_s = 1, .probe_ns_per_irq = -1, .probe_ns_per_packet = -1 };
	struct estimate e;
	(void)state;
	estimator_update(est, &s, &e);
	assert_int_equal(e.state, EST_IDLE);
	assert_false(e.valid & EST_V_PREDICT);
	assert_false(e.win.valid & (EST_V_ISR | EST_V_COPY | EST_V_PROTO | EST_V_MODEL));
	assert_false(isfinite(e.predicted_pps));
	assert_false(isfinite(e.win.isr_ns));
	assert_false(isfinite(e.win.copy_ns));
	assert_false(isfinite(e.win.proto_ns));
	assert_false(isfinite(e.win.scv_arrival));
	assert_int_equal(e.kind, MODEL_IDEAL);
	assert_near(e.lambda_pps, 0, 0);
	assert_near(e.buffer, EST_DEFAULT_BUFFER, 0);
	estimator_free(est);
}

static void test_lambda_sources(void **state)
{
	struct lt_sample s = { .interval_s = 2, .stack_packets = 1000, .drops_nic = 100,
			       .drops_backlog = 50, .drops_socket = 70, .xdp_packets = 1040 };
	const char *src;
	(void)state;
	assert_near(est_lambda_pps(&s, &src), 575, 1e-9);
	assert_string_equal(src, "stack+nic+backlog");
	s.xdp_valid = true;	/* XDP counts after the ring: ring drops still add */
	assert_near(est_lambda_pps(&s, &src), 570, 1e-9);
	assert_string_equal(src, "xdp+nic");
	s.interval_s = 0;
	assert_false(isfinite(est_lambda_pps(&s, NULL)));
}

/* k RX CPUs: k copies of the model at lambda/k (RSS). */
static void test_rx_cpus_scale(void **state)
{
	struct est_opts o = { .mapping = EST_MAP_SOFTIRQ, .no_calibrate = true };
	struct synth p = napi;
	struct estimate e;
	struct lt_sample s;
	struct estimator *est = estimator_new(&o, 256);
	(void)state;
	p.lambda = 400000;
	synth(&s, &p);
	s.rx_cpus = 4;
	estimator_update(est, &s, &e);
	assert_near(e.win.cpus, 4, 0);
	assert_rel(e.predicted_pps, 4 * model_throughput(MODEL_NODMA, &e.mp, e.lambda_pps / 4), 1e-9);
	/* four copies: four times one copy's capacity */
	struct fc_costs one = e.win.costs;
	one.cpus = 1;
	assert_rel(e.capacity_pps, 4 * fc_summarize(&one).capacity_pps, 1e-6);
	estimator_free(est);
}

/* One reader thread fed by softirqs on three CPUs: one model copy, not three. */
static void test_reader_threads_cap_copies(void **state)
{
	struct lt_sample s;
	(void)state;
	memset(&s, 0, sizeof(s));
	s.n_cpu = 3;
	for (int c = 0; c < 3; c++)
		s.cpu[c].softirq_packets = 100 * (c + 1);
	assert_int_equal(est_rx_cpus(&s), 3);
	s.app_threads = 1;
	assert_int_equal(est_rx_cpus(&s), 1);
	s.app_threads = 8;	/* more readers than RX CPUs: the CPUs bound it */
	assert_int_equal(est_rx_cpus(&s), 3);
}

static void test_window_smoothing(void **state)
{
	struct est_opts o = { .mapping = EST_MAP_SOFTIRQ, .no_calibrate = true, .window = 3 };
	struct estimator *est = estimator_new(&o, 256);
	struct synth p = napi;
	struct lt_sample s;
	struct estimate e;
	(void)state;
	for (int i = 0; i < 3; i++) {
		synth(&s, &p);
		estimator_update(est, &s, &e);
	}
	assert_int_equal(e.window_n, 3);
	assert_rel(e.win.copy_ns, 2000, 0.02);
	p.b = 4000;
	synth(&s, &p);
	estimator_update(est, &s, &e);
	assert_rel(e.cur.copy_ns, 4000, 0.02);	/* this interval alone */
	assert_true(e.win.copy_ns > 2300 && e.win.copy_ns < 3700);	/* pooled */
	assert_near(e.win.interval_s, 3, 1e-12);
	for (int i = 0; i < 2; i++) {
		synth(&s, &p);
		estimator_update(est, &s, &e);
	}
	assert_int_equal(e.window_n, 3);
	assert_rel(e.win.copy_ns, 4000, 0.02);	/* the old intervals have left */
	estimator_free(est);
	o.window = EST_MAX_WINDOW + 1;
	assert_null(estimator_new(&o, 0));
}

static struct estimate busy(double lambda, enum model_kind kind)
{
	struct estimate e = { 0 };

	e.valid = EST_V_LAMBDA | EST_V_OBSERVED | EST_V_PREDICT | EST_V_FORECAST;
	e.interval_s = 1;
	e.lambda_pps = lambda;
	e.observed_pps = lambda;
	e.kind = kind;
	e.mlfrr_pps = 10000;
	e.capacity_pps = e.mlfrr_gamma_pps = 9000;
	e.livelock_pps = kind == MODEL_NODMA ? 20000 : INFINITY;
	return e;
}

static void test_state_thresholds(void **state)
{
	struct estimate e;
	(void)state;
	e = busy(0.99, MODEL_DMA);
	assert_int_equal(est_state_of(&e), EST_IDLE);
	e = busy(5, MODEL_DMA);	/* 5 packets in one second */
	assert_int_equal(est_state_of(&e), EST_IDLE);
	e = busy(EST_IDLE_MIN_PACKETS, MODEL_DMA);
	assert_int_equal(est_state_of(&e), EST_OK);
	e = busy(7999, MODEL_DMA);
	assert_int_equal(est_state_of(&e), EST_OK);
	e = busy(8000, MODEL_DMA);
	assert_int_equal(est_state_of(&e), EST_NEAR_PEAK);
	e = busy(10000, MODEL_DMA);
	assert_int_equal(est_state_of(&e), EST_NEAR_PEAK);
	e = busy(10001, MODEL_DMA);
	e.observed_pps = 5000;
	assert_int_equal(est_state_of(&e), EST_SATURATED);
	e.observed_pps = 899;	/* < 10% of the 9000 pps peak */
	assert_int_equal(est_state_of(&e), EST_LIVELOCK);
	e = busy(5000, MODEL_DMA);
	e.drop_frac = EST_SATURATED_DROP_FRAC;
	assert_int_equal(est_state_of(&e), EST_OK);
	e.drop_frac = 0.0101;
	assert_int_equal(est_state_of(&e), EST_SATURATED);
	e = busy(19999, MODEL_NODMA);
	assert_int_equal(est_state_of(&e), EST_SATURATED);
	e = busy(20000, MODEL_NODMA);	/* lambda = c */
	assert_int_equal(est_state_of(&e), EST_LIVELOCK);
	e = busy(50000, MODEL_DMA);	/* no forecast: drops alone decide */
	e.valid &= ~EST_V_FORECAST;
	assert_int_equal(est_state_of(&e), EST_OK);
	assert_string_equal(est_state_name(EST_NEAR_PEAK), "near-peak");
}

static void test_option_words(void **state)
{
	enum est_mapping m;
	enum est_model_choice c;
	enum est_deliver d;
	(void)state;
	assert_true(est_parse_mapping("paper", &m) && m == EST_MAP_PAPER);
	assert_true(est_parse_mapping("softirq", &m) && m == EST_MAP_SOFTIRQ);
	assert_false(est_parse_mapping("hardirq", &m));
	assert_true(est_parse_model("nodma", &c) && c == EST_MODEL_NODMA);
	assert_false(est_parse_model("DMA", &c));
	assert_true(est_parse_deliver("forward", &d) && d == EST_DELIVER_FORWARD);
	assert_false(est_parse_deliver("", &d));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fit_exact_and_degenerate),
		cmocka_unit_test(test_softirq_mapping_recovers_napi),
		cmocka_unit_test(test_calibration_matches_measured_share),
		cmocka_unit_test(test_paper_mapping_nodma_nic),
		cmocka_unit_test(test_paper_mapping_dma_nic),
		cmocka_unit_test(test_model_override),
		cmocka_unit_test(test_batches_never_vary),
		cmocka_unit_test(test_mu_from_saturation),
		cmocka_unit_test(test_idle_not_enough_data),
		cmocka_unit_test(test_lambda_sources),
		cmocka_unit_test(test_rx_cpus_scale),
		cmocka_unit_test(test_reader_threads_cap_copies),
		cmocka_unit_test(test_window_smoothing),
		cmocka_unit_test(test_state_thresholds),
		cmocka_unit_test(test_option_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
