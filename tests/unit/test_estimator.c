// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The estimator recovers known r, c, mu from synthetic samples; states, windows, probe cost. */
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

static uint32_t lcg = 12345;
static double noise(double amp)	/* deterministic, uniform in [-amp, amp] */
{
	lcg = lcg * 1664525u + 1013904223u;
	return amp * ((double)(lcg >> 8) / (1 << 24) * 2 - 1);
}

static void fit_add(struct lt_fit_sums *f, double x, double y)
{
	f->n++; f->sx += x; f->sy += y; f->sxx += x * x; f->sxy += x * y; f->syy += y * y;
}

static void synth(struct lt_sample *s, const struct synth *p)
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
static const struct synth napi = {
	.lambda = 50000, .a = 5000, .b = 2000, .noise = 500, .xmax = 32,
	.hardirq_ns = 2000, .irqs_per_run = 0.5, .stack_ns = 1500, .app_ns = 8000,
	.probe_irq = -1, .probe_pkt = -1,
};
/* A no-DMA NIC (ne2k): 10 us + 5 us/pkt in the ISR, backlog at 3 us + 1 us/pkt. */
static const struct synth pio = {
	.lambda = 4000, .a = 3000, .b = 1000, .noise = 300, .xmax = 8,
	.isr_a = 10000, .isr_b = 5000, .stack_ns = 1000, .probe_irq = -1, .probe_pkt = -1,
};

static void run(const struct synth *p, const struct est_opts *o, struct estimate *e)
{
	struct estimator *est = estimator_new(o, 256);
	struct lt_sample s;

	assert_non_null(est);
	synth(&s, p);
	estimator_update(est, &s, e);
	estimator_free(est);
}

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
		cmocka_unit_test(test_costs_from_regression),
		cmocka_unit_test(test_costs_from_enqueues),
		cmocka_unit_test(test_app_costs_from_wakeups),
		cmocka_unit_test(test_dynamic_throttle_setup),
		cmocka_unit_test(test_calibration_matches_measured_share),
		cmocka_unit_test(test_paper_mapping_nodma_nic),
		cmocka_unit_test(test_paper_mapping_dma_nic),
		cmocka_unit_test(test_model_override),
		cmocka_unit_test(test_batches_never_vary),
		cmocka_unit_test(test_mu_from_saturation),
		cmocka_unit_test(test_idle_not_enough_data),
		cmocka_unit_test(test_lambda_sources),
		cmocka_unit_test(test_probe_cost_subtracted),
		cmocka_unit_test(test_rx_cpus_scale),
		cmocka_unit_test(test_reader_threads_cap_copies),
		cmocka_unit_test(test_copy_capped_at_mean),
		cmocka_unit_test(test_fit_needs_size_variation),
		cmocka_unit_test(test_window_smoothing),
		cmocka_unit_test(test_state_thresholds),
		cmocka_unit_test(test_option_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
