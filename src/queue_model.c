// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <math.h>
#include <string.h>
#include "queue_model.h"

const char *qm_source_name(enum qm_source s)
{
	switch (s) {
	case QM_SRC_NAPI: return "napi";
	case QM_SRC_CPU: return "cpu";
	case QM_SRC_IRQ_SHARE: return "irq-share";
	case QM_SRC_CPU_ONLY: return "cpu-only";
	default: return "unknown";
	}
}

bool qm_imbalanced(double busiest, double total, int n_queues)
{
	if (n_queues < 2 || !(total > 0) || !(busiest >= 0))
		return false;
	return busiest * n_queues >= QM_IMBALANCE_FACTOR * total;
}

static double napi_packets(const struct lt_sample *s, long id)
{
	for (int i = 0; id >= 0 && i < s->n_napi; i++)
		if ((long)s->napi_id[i] == id)
			return (double)s->napi_inst_packets[i];
	return NAN;
}

static double cpu_packets(const struct lt_sample *s, int cpu)
{
	if (cpu < 0 || cpu >= s->n_cpu)
		return NAN;
	return (double)s->cpu[cpu].softirq_packets;
}

static double irq_count(const struct lt_sample *s, int irq)
{
	for (int i = 0; irq >= 0 && i < s->n_irq; i++)
		if ((int)s->irq_num[i] == irq)
			return (double)s->irq_count[i];
	return NAN;
}

static int queues_on(const struct nic_queue_map *m, int cpu)
{
	int n = 0;

	for (int i = 0; i < m->n; i++)
		n += m->q[i].cpu == cpu;
	return n;
}

/* A CPU's packets split over its queues by their interrupts (equally when none were counted). */
static double share_of_cpu(const struct nic_queue_map *m, const struct lt_sample *s, int k)
{
	int cpu = m->q[k].cpu;
	double all = 0, mine = irq_count(s, m->q[k].irq), pk = cpu_packets(s, cpu);

	for (int i = 0; i < m->n; i++)
		if (m->q[i].cpu == cpu) {
			double c = irq_count(s, m->q[i].irq);

			all += isfinite(c) ? c : 0;
		}
	if (!isfinite(pk))
		return NAN;
	if (all > 0 && isfinite(mine))
		return pk * mine / all;
	return pk / queues_on(m, cpu);
}

static void per_cpu_rows(const struct lt_sample *s, struct qm_report *out)
{
	out->per_cpu_only = true;
	for (int c = 0; c < s->n_cpu && out->n < QM_MAX_ROWS; c++) {
		if (!s->cpu[c].softirq_packets)
			continue;
		out->r[out->n++] = (struct qm_row){ .queue = -1, .cpu = c, .irq = -1, .napi_id = -1,
			.packets = (double)s->cpu[c].softirq_packets, .source = QM_SRC_CPU_ONLY,
			.group_queues = 0 };
	}
}

void qm_account(const struct nic_queue_map *m, const struct lt_sample *s, struct qm_report *out)
{
	memset(out, 0, sizeof(*out));
	out->hot = out->worst = -1;
	if (!m->n)
		per_cpu_rows(s, out);
	for (int i = 0; i < m->n && out->n < QM_MAX_ROWS; i++) {
		const struct nic_queue *q = &m->q[i];
		struct qm_row *r = &out->r[out->n++];
		int on = q->cpu >= 0 ? queues_on(m, q->cpu) : 0;

		*r = (struct qm_row){ .queue = q->queue, .cpu = q->cpu, .irq = q->irq,
				      .napi_id = q->napi_id, .packets = NAN, .source = QM_SRC_UNKNOWN,
				      .group_queues = on };
		if (q->napi_id >= 0) {	/* an instance that did not poll is not in the sample: 0 */
			r->packets = napi_packets(s, q->napi_id);
			r->packets = isfinite(r->packets) ? r->packets : 0;
			r->source = QM_SRC_NAPI;
		} else if (on == 1 && isfinite(r->packets = cpu_packets(s, q->cpu)))
			r->source = QM_SRC_CPU;
		else if (on > 1 && isfinite(r->packets = share_of_cpu(m, s, i)))
			r->source = QM_SRC_IRQ_SHARE;
	}
	for (int i = 0; i < out->n; i++)
		if (isfinite(out->r[i].packets))
			out->total_packets += out->r[i].packets;
}

/* The group of row k: the rows on its CPU (itself alone when the CPU is unknown). */
static double group_packets(const struct qm_report *r, int k)
{
	double p = 0;

	if (r->r[k].cpu < 0)
		return isfinite(r->r[k].packets) ? r->r[k].packets : NAN;
	for (int i = 0; i < r->n; i++)
		if (r->r[i].cpu == r->r[k].cpu && isfinite(r->r[i].packets))
			p += r->r[i].packets;
	return p;
}

static void assess_row(struct qm_row *q, double share, const struct estimate *e,
		       const struct fc_costs *one, const struct fc_summary *fs, bool fc)
{
	double lam = e->lambda_pps;
	struct estimate g;

	q->capacity_pps = q->mlfrr_pps = q->livelock_pps = q->load_pct = q->forecast_pps = NAN;
	q->lambda_pps = NAN;
	if (isfinite(share) && (e->valid & EST_V_LAMBDA) && isfinite(lam))
		q->lambda_pps = lam * share;
	memset(&g, 0, sizeof(g));
	g.interval_s = e->interval_s;
	g.lambda_pps = q->lambda_pps;
	g.valid = isfinite(q->lambda_pps) ? EST_V_LAMBDA : 0;
	if (fc && isfinite(q->lambda_pps)) {
		struct fc_point p;

		fc_at(one, q->lambda_pps, &p);
		q->capacity_pps = g.capacity_pps = fs->capacity_pps;
		q->mlfrr_pps = g.mlfrr_pps = fs->mlfrr_pps;
		q->livelock_pps = g.livelock_pps = fs->livelock_pps;
		q->load_pct = 100 * q->lambda_pps / fs->mlfrr_pps;
		q->forecast_pps = p.gamma_pps;
		g.valid |= EST_V_FORECAST;
	}
	q->state = est_state_of(&g);
}

void qm_assess(struct qm_report *r, const struct estimate *e)
{
	struct fc_costs one = e->win.costs;
	struct fc_summary fs = { NAN, NAN, NAN };
	bool fc = e->win.costs_valid;
	int nq = r->per_cpu_only ? 0 : r->n;

	one.cpus = 1;
	if (fc) {
		fs = fc_summarize(&one);
		fc = fs.capacity_pps > 0 && isfinite(fs.mlfrr_pps);
	}
	r->device_state = e->state;
	for (int i = 0; i < r->n; i++) {
		double gpk = group_packets(r, i);

		assess_row(&r->r[i], r->total_packets > 0 ? gpk / r->total_packets : NAN, e, &one, &fs, fc);
		if (isfinite(r->r[i].packets) && r->r[i].packets > 0 &&
		    (r->hot < 0 || r->r[i].packets > r->r[r->hot].packets))
			r->hot = i;
	}
	for (int i = 0; i < r->n; i++)
		if (r->worst < 0 || r->r[i].state > r->r[r->worst].state ||
		    (r->r[i].state == r->r[r->worst].state && i == r->hot))
			r->worst = i;
	if (r->hot >= 0)
		r->hot_share = r->r[r->hot].packets / r->total_packets;
	if (r->worst >= 0 && r->r[r->worst].state > r->device_state)
		r->device_state = r->r[r->worst].state;
	r->imbalance = r->hot >= 0 && r->total_packets >= EST_IDLE_MIN_PACKETS &&
		       qm_imbalanced(r->r[r->hot].packets, r->total_packets, nq);
}
