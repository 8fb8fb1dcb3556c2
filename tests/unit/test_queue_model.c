// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Per-queue accounting and state: packets from NAPI instances, from a CPU
 * alone, from a CPU shared by two queues (split by their interrupts), per
 * CPU without a map; lambda per CPU group, its forecast with cpus = 1, the
 * device's state from the worst group, the hot queue, and the imbalance rule.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>
#include "queue_model.h"

#define NCPU	4

static void sample_init(struct lt_sample *s)
{
	memset(s, 0, sizeof(*s));
	s->interval_s = 1;
	s->n_cpu = NCPU;
}

static void map_add(struct nic_queue_map *m, int queue, int irq, long napi, int cpu)
{
	m->q[m->n++] = (struct nic_queue){ .queue = queue, .irq = irq, .napi_id = napi, .cpu = cpu };
}

/* Queue 0's instance did not poll (absent from the sample): 0 packets, still from its instance. */
static void test_from_napi(void **state)
{
	struct nic_queue_map m = { 0 };
	struct lt_sample s;
	struct qm_report r;
	(void)state;

	sample_init(&s);
	map_add(&m, 0, 40, 0x201, 0);
	map_add(&m, 1, 41, 0x202, 1);
	s.n_napi = 2;
	s.napi_id[0] = 0x202, s.napi_inst_packets[0] = 900;
	s.napi_id[1] = 0x299, s.napi_inst_packets[1] = 0;	/* a TX instance: no queue */
	s.cpu[0].softirq_packets = 5, s.cpu[1].softirq_packets = 7;	/* ignored: the instances are known */
	qm_account(&m, &s, &r);
	assert_int_equal(r.n, 2);
	assert_false(r.per_cpu_only);
	assert_true(r.r[0].packets == 0 && r.r[0].source == QM_SRC_NAPI);
	assert_true(r.r[1].packets == 900 && r.r[1].source == QM_SRC_NAPI);
	assert_true(r.total_packets == 900);
}

static void test_from_cpu(void **state)
{
	struct nic_queue_map m = { 0 };
	struct lt_sample s;
	struct qm_report r;
	(void)state;

	sample_init(&s);
	map_add(&m, 0, 36, -1, 0);
	map_add(&m, 1, 38, -1, 1);
	map_add(&m, 2, 39, -1, -1);	/* CPU unknown: no packets */
	s.cpu[0].softirq_packets = 300, s.cpu[1].softirq_packets = 700, s.cpu[3].softirq_packets = 11;
	qm_account(&m, &s, &r);
	assert_int_equal(r.n, 3);
	assert_true(r.r[0].packets == 300 && r.r[0].source == QM_SRC_CPU);
	assert_true(r.r[1].packets == 700 && r.r[1].source == QM_SRC_CPU);
	assert_true(isnan(r.r[2].packets) && r.r[2].source == QM_SRC_UNKNOWN);
	assert_true(r.total_packets == 1000);
	assert_string_equal(qm_source_name(r.r[0].source), "cpu");
}

/* Queues 0 and 1 share CPU 0: its 800 packets split 3:1 by their 30 and 10 interrupts. */
static void test_shared_cpu(void **state)
{
	struct nic_queue_map m = { 0 };
	struct lt_sample s;
	struct qm_report r;
	(void)state;

	sample_init(&s);
	map_add(&m, 0, 36, -1, 0);
	map_add(&m, 1, 38, -1, 0);
	map_add(&m, 2, 40, -1, 1);
	s.cpu[0].softirq_packets = 800, s.cpu[1].softirq_packets = 200;
	s.n_irq = 3;
	s.irq_num[0] = 36, s.irq_count[0] = 30;
	s.irq_num[1] = 38, s.irq_count[1] = 10;
	s.irq_num[2] = 40, s.irq_count[2] = 99;
	qm_account(&m, &s, &r);
	assert_true(r.r[0].packets == 600 && r.r[0].source == QM_SRC_IRQ_SHARE);
	assert_true(r.r[1].packets == 200 && r.r[1].source == QM_SRC_IRQ_SHARE);
	assert_true(r.r[2].packets == 200 && r.r[2].source == QM_SRC_CPU);
	assert_int_equal(r.r[0].group_queues, 2);
	assert_int_equal(r.r[2].group_queues, 1);
	/* no interrupts counted on the shared CPU: split equally */
	s.irq_count[0] = s.irq_count[1] = 0;
	qm_account(&m, &s, &r);
	assert_true(r.r[0].packets == 400 && r.r[1].packets == 400);
}

static void test_per_cpu_only(void **state)
{
	struct nic_queue_map m = { 0 };
	struct lt_sample s;
	struct qm_report r;
	(void)state;

	sample_init(&s);
	s.cpu[1].softirq_packets = 50, s.cpu[3].softirq_packets = 150;
	qm_account(&m, &s, &r);
	assert_true(r.per_cpu_only);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.r[0].cpu, 1);
	assert_int_equal(r.r[0].queue, -1);
	assert_int_equal(r.r[1].cpu, 3);
	assert_true(r.total_packets == 200);
}

/* CPUs are no queues: no imbalance among them, whatever the split. */
static void test_per_cpu_no_imbalance(void **state)
{
	struct nic_queue_map m = { 0 };
	struct lt_sample s;
	struct qm_report r;
	struct estimate e;
	(void)state;

	sample_init(&s);
	s.cpu[2].softirq_packets = 1000;
	qm_account(&m, &s, &r);
	memset(&e, 0, sizeof(e));
	e.interval_s = 1, e.lambda_pps = 1000, e.valid = EST_V_LAMBDA, e.state = EST_OK;
	qm_assess(&r, &e);
	assert_int_equal(r.hot, 0);
	assert_int_equal(r.r[0].cpu, 2);
	assert_false(r.imbalance);
}

/* The paper's no-DMA NIC (test_forecast): it livelocks. */
static struct fc_costs paper_nodma(double cpus)
{
	return (struct fc_costs){ .cpus = cpus, .buffer = 1000, .app_dgram_ns = 150000,
		.app_share = 1, .irq_cap_pps = INFINITY, .defer_ns = INFINITY,
		.irq_pkt_ns = 55000, .irq_fixed_ns = 40000, .setup_ns = 40000 };
}

static void estimate_at(struct estimate *e, double lambda)
{
	memset(e, 0, sizeof(*e));
	e->interval_s = 1;
	e->lambda_pps = lambda;
	e->valid = EST_V_LAMBDA;
	e->win.costs = paper_nodma(2);
	e->win.costs_valid = true;
	e->state = EST_OK;
}

/* Two queues on two CPUs, 90% and 10% of the packets. */
static void two_queues(struct qm_report *r, double hot_pk, double cold_pk)
{
	struct nic_queue_map m = { 0 };
	struct lt_sample s;

	sample_init(&s);
	map_add(&m, 0, 36, -1, 0);
	map_add(&m, 1, 38, -1, 1);
	s.cpu[0].softirq_packets = (uint64_t)cold_pk, s.cpu[1].softirq_packets = (uint64_t)hot_pk;
	qm_account(&m, &s, r);
}

static void test_assess(void **state)
{
	struct fc_costs one = paper_nodma(1);
	struct fc_summary fs = fc_summarize(&one);
	struct estimate e;
	struct qm_report r;
	double lam;
	(void)state;

	assert_true(isfinite(fs.mlfrr_pps) && isfinite(fs.livelock_pps));
	/* the hot queue at 85% of one CPU's MLFRR: near-peak; the cold one at 9.4%: ok */
	lam = 0.85 * fs.mlfrr_pps / 0.9;
	estimate_at(&e, lam);
	two_queues(&r, 900, 100);
	qm_assess(&r, &e);
	assert_int_equal(r.hot, 1);
	assert_true(fabs(r.hot_share - 0.9) < 1e-12);
	assert_true(fabs(r.r[1].lambda_pps - 0.9 * lam) < 1e-6);
	assert_true(fabs(r.r[0].lambda_pps - 0.1 * lam) < 1e-6);
	assert_true(fabs(r.r[1].load_pct - 85) < 1e-9);
	assert_true(r.r[1].mlfrr_pps == fs.mlfrr_pps);
	assert_int_equal(r.r[1].state, EST_NEAR_PEAK);
	assert_int_equal(r.r[0].state, EST_OK);
	assert_int_equal(r.worst, 1);
	assert_int_equal(r.device_state, EST_NEAR_PEAK);	/* the aggregate said ok */
	assert_false(r.imbalance);	/* 90% of two: under twice the fair 50% */
	/* the hot queue past its livelock point: the device livelocks, though the aggregate is ok */
	lam = 1.01 * fs.livelock_pps / 0.9;
	estimate_at(&e, lam);
	qm_assess(&r, &e);
	assert_int_equal(r.r[1].state, EST_LIVELOCK);
	assert_int_equal(r.device_state, EST_LIVELOCK);
	/* between its MLFRR and its livelock point: saturated */
	lam = 0.5 * (fs.mlfrr_pps + fs.livelock_pps) / 0.9;
	estimate_at(&e, lam);
	qm_assess(&r, &e);
	assert_int_equal(r.r[1].state, EST_SATURATED);
	/* an aggregate worse than every queue stays */
	lam = 0.1 * fs.mlfrr_pps;
	estimate_at(&e, lam);
	e.state = EST_SATURATED;	/* e.g. drops */
	qm_assess(&r, &e);
	assert_int_equal(r.r[1].state, EST_OK);
	assert_int_equal(r.device_state, EST_SATURATED);
	/* no costs: lambda per queue, no forecast, states from lambda alone */
	estimate_at(&e, 1000);
	e.win.costs_valid = false;
	qm_assess(&r, &e);
	assert_true(isnan(r.r[1].load_pct) && isnan(r.r[1].mlfrr_pps));
	assert_int_equal(r.r[1].state, EST_OK);
}

static void test_imbalance(void **state)
{
	struct estimate e;
	struct qm_report r;
	(void)state;

	assert_true(qm_imbalanced(100, 100, 2));	/* all on one of two */
	assert_false(qm_imbalanced(99, 100, 2));
	assert_true(qm_imbalanced(50, 100, 4));		/* twice the fair 25% */
	assert_false(qm_imbalanced(49, 100, 4));
	assert_true(qm_imbalanced(13, 100, 16));	/* 2 x 6.25% = 12.5% */
	assert_false(qm_imbalanced(12, 100, 16));
	assert_false(qm_imbalanced(100, 100, 1));	/* one queue: nothing to balance */
	assert_false(qm_imbalanced(0, 0, 2));
	/* one flow: everything on queue 1, queue 0 idle */
	estimate_at(&e, 5000);
	two_queues(&r, 5000, 0);
	qm_assess(&r, &e);
	assert_true(r.imbalance);
	assert_int_equal(r.hot, 1);
	assert_int_equal(r.r[r.hot].queue, 1);
	assert_int_equal(r.r[0].state, EST_IDLE);
	/* too few packets to say */
	estimate_at(&e, 5);
	two_queues(&r, 5, 0);
	qm_assess(&r, &e);
	assert_false(r.imbalance);
	/* no traffic: no hot queue */
	two_queues(&r, 0, 0);
	qm_assess(&r, &e);
	assert_int_equal(r.hot, -1);
	assert_false(r.imbalance);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_napi),
		cmocka_unit_test(test_from_cpu),
		cmocka_unit_test(test_shared_cpu),
		cmocka_unit_test(test_per_cpu_only),
		cmocka_unit_test(test_per_cpu_no_imbalance),
		cmocka_unit_test(test_assess),
		cmocka_unit_test(test_imbalance),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
