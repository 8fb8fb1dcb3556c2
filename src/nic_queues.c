// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nic_queues.h"

#define CPU_MAX	65536	/* a CPU number past this is junk, not a CPU */

int nic_cpulist_parse(const char *text, int *first, int *count)
{
	const char *p = text;
	long lo_all = -1, n = 0;

	if (!text)
		return -EINVAL;
	while (*p && *p != '\n') {
		char *end;
		long a, b;

		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		a = b = strtol(p, &end, 10);
		p = end;
		if (*p == '-') {
			if (!isdigit((unsigned char)p[1]))
				return -EINVAL;
			b = strtol(p + 1, &end, 10);
			p = end;
		}
		if (a > b || b >= CPU_MAX)
			return -EINVAL;
		if (lo_all < 0 || a < lo_all)
			lo_all = a;
		n += b - a + 1;
		if (*p == ',')
			p++;
		else if (*p && *p != '\n')
			return -EINVAL;
	}
	if (lo_all < 0 || (*p == '\n' && p[1]))
		return -EINVAL;
	*first = (int)lo_all;
	*count = (int)n;
	return 0;
}

const char *nic_queue_source_name(enum nic_queue_source s)
{
	switch (s) {
	case NIC_QSRC_NETLINK: return "netlink";
	case NIC_QSRC_IRQ_NAMES: return "irq-names";
	default: return "none";
	}
}

static struct nic_queue *queue_slot(struct nic_queue_map *m, int queue)
{
	for (int i = 0; i < m->n; i++)
		if (m->q[i].queue == queue)
			return &m->q[i];
	if (queue < 0 || m->n >= NIC_MAX_QUEUES)
		return NULL;
	m->q[m->n] = (struct nic_queue){ .queue = queue, .irq = -1, .napi_id = -1, .cpu = -1 };
	return &m->q[m->n++];
}

static int by_queue(const void *a, const void *b)
{
	const struct nic_queue *x = a, *y = b;

	return (x->queue > y->queue) - (x->queue < y->queue);
}

/* Netlink: each NAPI instance serving an RX queue, with the IRQ it names. */
static void from_netlink(const struct nic_info *nic, struct nic_queue_map *m)
{
	for (int i = 0; i < nic->n_napi; i++) {
		const struct nic_napi *np = &nic->napis[i];
		struct nic_queue *q;

		if (np->rx_queue < 0 || !(q = queue_slot(m, np->rx_queue)))
			continue;
		q->napi_id = np->napi_id;
		if (np->irq >= 0)
			q->irq = np->irq;
	}
	if (m->n)
		m->source = NIC_QSRC_NETLINK;
}

/*
 * The RX vectors' names: a queue index in the name (virtio0-input.1), else
 * the vector's rank among the RX ones; one vector for everything is queue 0.
 * Netlink's map, when there is one, only gains the IRQs it lacked.
 */
static void from_irqs(const struct nic_info *nic, struct nic_queue_map *m)
{
	bool had = m->n > 0;

	for (int i = 0; i < nic->n_rx_irqs && i < nic->n_irqs; i++) {
		const struct nic_irq *ir = &nic->irqs[i];
		int qi = ir->queue >= 0 ? ir->queue : i;
		struct nic_queue *q;

		if (!ir->rx)
			continue;
		if (had) {
			for (int k = 0; k < m->n; k++)
				if (m->q[k].queue == qi && m->q[k].irq < 0)
					m->q[k].irq = (int)ir->irq;
			continue;
		}
		q = queue_slot(m, qi);
		if (q && q->irq < 0)
			q->irq = (int)ir->irq;
	}
	if (!had && m->n)
		m->source = NIC_QSRC_IRQ_NAMES;
}

static void affinity_of(struct nic_queue *q, nic_affinity_fn aff, void *ctx, bool *effective)
{
	char buf[NIC_CPULIST_LEN];
	const char *t;
	int first, count;

	if (q->irq < 0 || !aff)
		return;
	t = aff((unsigned int)q->irq, true, ctx, buf, sizeof(buf));
	if (t && !nic_cpulist_parse(t, &first, &count)) {
		*effective = true;
	} else {
		t = aff((unsigned int)q->irq, false, ctx, buf, sizeof(buf));
		if (!t || nic_cpulist_parse(t, &first, &count))
			return;
		*effective = false;
	}
	snprintf(q->cpus, sizeof(q->cpus), "%.*s", (int)strcspn(t, "\n"), t);
	q->cpu = count == 1 ? first : -1;
}

void nic_queues_build(const struct nic_info *nic, nic_affinity_fn aff, void *ctx,
		      struct nic_queue_map *out)
{
	memset(out, 0, sizeof(*out));
	from_netlink(nic, out);
	from_irqs(nic, out);
	qsort(out->q, (size_t)out->n, sizeof(out->q[0]), by_queue);
	nic_queues_refresh_cpus(out, aff, ctx);
}

void nic_queues_refresh_cpus(struct nic_queue_map *m, nic_affinity_fn aff, void *ctx)
{
	bool eff = false;

	for (int i = 0; i < m->n; i++) {
		m->q[i].cpu = -1;
		m->q[i].cpus[0] = 0;
		affinity_of(&m->q[i], aff, ctx, &eff);
	}
	m->effective = eff;
}

static const char *proc_affinity(unsigned int irq, bool effective, void *ctx, char *buf, size_t len)
{
	char path[96];
	FILE *f;
	const char *r;

	(void)ctx;
	snprintf(path, sizeof(path), "/proc/irq/%u/%s", irq,
		 effective ? "effective_affinity_list" : "smp_affinity_list");
	f = fopen(path, "r");
	if (!f)
		return NULL;
	r = fgets(buf, (int)len, f);
	fclose(f);
	return r;
}

void nic_queues_discover(const struct nic_info *nic, struct nic_queue_map *out)
{
	nic_queues_build(nic, proc_affinity, NULL, out);
}

void nic_queues_refresh(struct nic_queue_map *m)
{
	nic_queues_refresh_cpus(m, proc_affinity, NULL);
}
