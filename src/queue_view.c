// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <math.h>
#include <string.h>
#include "queue_view.h"

#define QV_HEADER_QUEUES	16	/* queues listed in the header line */

void queue_view_init(struct queue_view *qv, const struct nic_info *nic, bool all)
{
	memset(qv, 0, sizeof(*qv));
	qv->all = all;
	snprintf(qv->dev, sizeof(qv->dev), "%s", nic->name);
	nic_queues_discover(nic, &qv->map);
	qv->rep.hot = qv->rep.worst = -1;
}

void queue_view_update(struct queue_view *qv, const struct lt_sample *s, struct estimate *e)
{
	nic_queues_refresh(&qv->map);	/* each interval: where its interrupts go now */
	qm_account(&qv->map, s, &qv->rep);
	qv->last_dt = s->interval_s;
	qv->aggregate_state = e->state;
	qm_assess(&qv->rep, e);
	e->state = qv->rep.device_state;
}

void queue_view_header(FILE *f, const struct queue_view *qv)
{
	const struct nic_queue_map *m = qv ? &qv->map : NULL;

	if (!m)
		return;
	if (!m->n) {
		fprintf(f, "# queues: no RX queue map (no IRQs or NAPI instances named per queue): per CPU only\n");
		return;
	}
	fprintf(f, "# queues: %d RX queue%s from %s, CPUs from %s", m->n, m->n == 1 ? "" : "s",
		nic_queue_source_name(m->source),
		m->effective ? "effective_affinity_list" : "smp_affinity_list");
	for (int i = 0; i < m->n && i < QV_HEADER_QUEUES; i++) {
		const struct nic_queue *q = &m->q[i];

		fprintf(f, "%s%d", i ? "; " : ": ", q->queue);
		if (q->irq >= 0)
			fprintf(f, " irq %d", q->irq);
		if (q->napi_id >= 0)
			fprintf(f, " napi %ld", q->napi_id);
		if (q->cpu >= 0)
			fprintf(f, " cpu %d", q->cpu);
		else
			fprintf(f, " cpus %s", *q->cpus ? q->cpus : "?");
	}
	fprintf(f, "%s\n", m->n > QV_HEADER_QUEUES ? "; ..." : "");
}

static void row_line(FILE *f, const struct qm_report *r, int k, const char *what, double dt)
{
	const struct qm_row *q = &r->r[k];

	if (r->per_cpu_only)
		fprintf(f, "  %s cpu %d:", what, q->cpu);
	else if (q->cpu >= 0)
		fprintf(f, "  %s queue %d (cpu %d, irq %d):", what, q->queue, q->cpu, q->irq);
	else
		fprintf(f, "  %s queue %d (cpu ?, irq %d):", what, q->queue, q->irq);
	fprintf(f, " %.0f pkt/s", dt > 0 && isfinite(q->packets) ? q->packets / dt : NAN);
	if (r->total_packets > 0 && isfinite(q->packets))
		fprintf(f, ", %.0f%% of the packets", 100 * q->packets / r->total_packets);
	if (isfinite(q->load_pct))
		fprintf(f, ", load %.0f%% of its CPU's MLFRR %.0f/s", q->load_pct, q->mlfrr_pps);
	fprintf(f, ", %s\n", est_state_name(q->state));
}

void queue_view_lines(FILE *f, struct queue_view *qv)
{
	const struct qm_report *r = qv ? &qv->rep : NULL;
	double dt = qv ? qv->last_dt : 0;

	if (!r)
		return;

	if (qv->all) {
		for (int i = 0; i < r->n; i++)
			row_line(f, r, i, i == r->hot ? "hot" : "   ", dt);
	} else if (r->hot >= 0 && r->n > 1) {
		row_line(f, r, r->hot, "hot", dt);
	}
	if (r->worst >= 0 && r->device_state > qv->aggregate_state)
		fprintf(f, "  device state %s from %s %d (the aggregate alone: %s)\n",
			est_state_name(r->device_state), r->per_cpu_only ? "cpu" : "queue",
			r->per_cpu_only ? r->r[r->worst].cpu : r->r[r->worst].queue,
			est_state_name(qv->aggregate_state));
	if (r->imbalance)
		fprintf(f, "  RSS imbalance: queue %d carries %.0f%% of the packets, fair share %.0f%%; "
			"spread it with the RSS indirection table (ethtool -X %s), its IRQ's affinity "
			"(/proc/irq/%d/smp_affinity_list) or RPS (/sys/class/net/%s/queues/rx-%d/rps_cpus); "
			"nothing changed\n", r->r[r->hot].queue, 100 * r->hot_share, 100.0 / r->n, qv->dev,
			r->r[r->hot].irq, qv->dev, r->r[r->hot].queue);
}

void queue_view_json(struct json *j, const struct queue_view *qv)
{
	const struct qm_report *r = qv ? &qv->rep : NULL;
	const struct qm_row *hot, *worst;

	if (!r)
		return;
	hot = r->hot >= 0 ? &r->r[r->hot] : NULL;
	worst = r->worst >= 0 ? &r->r[r->worst] : NULL;

	json_str(j, "queue_source", r->per_cpu_only ? "cpu" : nic_queue_source_name(qv->map.source));
	json_arr(j, "queues");
	for (int i = 0; i < r->n; i++) {
		const struct qm_row *q = &r->r[i];

		json_obj(j, NULL);
		if (q->queue >= 0) json_i64(j, "queue", q->queue); else json_null(j, "queue");
		if (q->cpu >= 0) json_i64(j, "cpu", q->cpu); else json_null(j, "cpu");
		if (q->irq >= 0) json_i64(j, "irq", q->irq); else json_null(j, "irq");
		if (q->napi_id >= 0) json_i64(j, "napi_id", q->napi_id); else json_null(j, "napi_id");
		json_dblp(j, "packets", q->packets, 0);
		json_str(j, "packets_from", qm_source_name(q->source));
		json_dblp(j, "lambda_pps", q->lambda_pps, 1);
		json_dblp(j, "load_pct", q->load_pct, 2);
		json_dblp(j, "capacity_pps", q->capacity_pps, 1);
		json_dblp(j, "mlfrr_pps", q->mlfrr_pps, 1);
		json_dblp(j, "forecast_pps", q->forecast_pps, 1);
		json_str(j, "state", est_state_name(q->state));
		json_obj_end(j);
	}
	json_arr_end(j);
	if (hot && hot->queue >= 0) json_i64(j, "hot_queue", hot->queue); else json_null(j, "hot_queue");
	if (hot && hot->cpu >= 0) json_i64(j, "hot_cpu", hot->cpu); else json_null(j, "hot_cpu");
	json_dblp(j, "hot_share", hot ? r->hot_share : NAN, 4);
	json_str(j, "hot_state", hot ? est_state_name(hot->state) : NULL);
	json_str(j, "aggregate_state", est_state_name(qv->aggregate_state));
	if (worst && worst->queue >= 0 && r->device_state > qv->aggregate_state)
		json_i64(j, "state_from_queue", worst->queue);
	else
		json_null(j, "state_from_queue");
	json_bool(j, "rss_imbalance", r->imbalance);
}
