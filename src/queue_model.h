/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Per-queue accounting and assessment, pure (no I/O).
 *
 * Packets of a queue come from what the probes count per NAPI instance
 * (exact, when the queue map names each queue's instance), else from the
 * NET_RX packets of the CPU its interrupt goes to (exact when it is the only
 * queue there; split by the queues' interrupt counts when CPUs are shared).
 * Without a queue map (veth, no IRQs) the rows are the CPUs that ran NET_RX.
 *
 * The forecast's "copies at lambda/k" makes each RX CPU one copy with the
 * device's per-packet costs, so a group of queues sharing a CPU is one copy:
 * its lambda is the device's lambda times the group's share of the packets,
 * and its capacity, MLFRR, livelock point, load% and state come from the
 * window's costs with cpus = 1 at that lambda.  The device's state is the
 * worst group's when that is worse than the aggregate's.
 *
 * RSS imbalance: with two or more queues and traffic, the busiest queue
 * carries at least QM_IMBALANCE_FACTOR times its fair share (1/queues of the
 * packets).  With two queues that means all of them.
 */
#ifndef LT_QUEUE_MODEL_H
#define LT_QUEUE_MODEL_H
#include <stdbool.h>
#include "estimator.h"
#include "nic_queues.h"
#include "sample.h"

#define QM_IMBALANCE_FACTOR	2.0
#define QM_MAX_ROWS		NIC_MAX_QUEUES

enum qm_source {
	QM_SRC_NAPI,		/* the queue's NAPI instance */
	QM_SRC_CPU,		/* its CPU's NET_RX packets, the only queue there */
	QM_SRC_IRQ_SHARE,	/* its CPU's, split by interrupt counts */
	QM_SRC_CPU_ONLY,	/* no queue map: this row is a CPU */
	QM_SRC_UNKNOWN,		/* neither its instance nor its CPU known */
};

struct qm_row {
	int queue, cpu, irq;		/* -1: none or unknown */
	long napi_id;			/* -1 unknown */
	double packets;			/* this interval; NAN unknown */
	enum qm_source source;
	/* its CPU group, the model's copy */
	int group_queues;		/* queues on that CPU */
	double lambda_pps;		/* the group's offered rate */
	double capacity_pps, mlfrr_pps, livelock_pps, load_pct, forecast_pps;
	enum est_state state;
};

struct qm_report {
	int n;
	struct qm_row r[QM_MAX_ROWS];
	bool per_cpu_only;		/* rows are CPUs: no queue map */
	double total_packets;		/* sum over the rows */
	int hot;			/* busiest row, -1 none (no traffic) */
	double hot_share;		/* its share of the packets */
	int worst;			/* row with the worst state (the hot one on ties), -1 none */
	enum est_state device_state;	/* worst of the aggregate's and the groups' */
	bool imbalance;
};

/* Packets per queue of one interval. */
void qm_account(const struct nic_queue_map *m, const struct lt_sample *s, struct qm_report *out);
/*
 * Lambda, forecast and state per CPU group from the aggregate estimate e,
 * the hot and the worst row, the device's state and the imbalance rule.
 */
void qm_assess(struct qm_report *r, const struct estimate *e);
/* The imbalance rule alone: busiest/total >= factor/n. */
bool qm_imbalanced(double busiest, double total, int n_queues);
const char *qm_source_name(enum qm_source s);	/* "napi", "cpu", "irq-share", "cpu-only", "unknown" */

#endif
