// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The probe's counters -> one interval's sample: per-CPU sums and deltas, readers, NAPI instances, our own cost. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include "cli.h"
#include "probe_priv.h"

int probe_xdp_total(struct probe *p, __u64 *total)
{
	*total = 0;
	for (__u32 q = 0; q < LT_XDP_QUEUES; q++) {
		int err = bpf_map__lookup_elem(p->xdp->maps.xdp_arrivals, &q, sizeof(q),
					       p->xdp_percpu, sizeof(__u64) * p->ncpus, 0);
		if (err)
			return err;
		for (int c = 0; c < p->ncpus; c++)
			*total += p->xdp_percpu[c];
	}
	return 0;
}

/* Per-IRQ statistics (slots of the summed counters): deltas per IRQ, and their totals. */
static void irq_deltas(const struct probe *p, const struct lt_counters *a,
		       const struct lt_counters *b, struct lt_sample *o)
{
	o->n_irq = p->nic.n_irqs < LT_IRQ_SLOTS ? p->nic.n_irqs : LT_IRQ_SLOTS;
	o->irqs = o->irqs_none = o->isr_ns = 0;
	for (int i = 0; i < o->n_irq; i++) {
		const struct lt_irq_stat *x = &a->irq[i], *y = &b->irq[i];

		o->irq_num[i] = p->nic.irqs[i].irq;
		o->irq_count[i] = x->count - y->count;
		o->irq_ns[i] = x->ns - y->ns;
		o->irq_none[i] = x->none - y->none;
		o->irqs += o->irq_count[i];
		o->irqs_none += o->irq_none[i];
		o->isr_ns += o->irq_ns[i];
	}
}

/* Per-NAPI-instance deltas; the instances are the map's keys. */
static int cmp_tid(const void *a, const void *b)
{
	const __u32 *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

/*
 * The reader threads' on-CPU time since the last read, and how many of them
 * ran in parallel (their total time over the busiest one's).  A thread on a CPU right now (a busy reader that never sleeps) counts
 * up to now: bpf_ktime_get_ns() is CLOCK_MONOTONIC.
 */
static uint64_t read_readers(struct probe *p, uint32_t *active)
{
	struct { __u32 tid; __u64 ns; } cur[LT_MAX_READERS];
	__u32 key, next, *prevkey = NULL;
	struct lt_reader r;
	struct timespec ts;
	uint64_t now, total = 0, most = 0;
	int n = 0;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	while (n < LT_MAX_READERS &&
	       !bpf_map__get_next_key(p->skel->maps.readers, prevkey, &next, sizeof(next))) {
		key = next;
		prevkey = &key;
		if (bpf_map__lookup_elem(p->skel->maps.readers, &key, sizeof(key), &r, sizeof(r), 0))
			continue;
		cur[n].tid = key;
		cur[n].ns = r.ns + (r.on_since && r.on_since < now ? now - r.on_since : 0);
		n++;
	}
	qsort(cur, n, sizeof(cur[0]), cmp_tid);
	for (int i = 0; i < n; i++) {
		__u32 *hit = bsearch(&cur[i].tid, p->reader_tid, p->n_readers_prev, sizeof(__u32), cmp_tid);
		__u64 before = hit ? p->reader_ns[hit - p->reader_tid] : 0;

		if (cur[i].ns > before) {
			total += cur[i].ns - before;
			if (cur[i].ns - before > most)
				most = cur[i].ns - before;
		}
	}
	/* readers in parallel, weighted by their time: a thread that ran for a
	 * moment does not count as a second server */
	*active = most ? (uint32_t)llround((double)total / (double)most) : 0;
	for (int i = 0; i < n; i++) {
		p->reader_tid[i] = cur[i].tid;
		p->reader_ns[i] = cur[i].ns;
	}
	p->n_readers_prev = n;
	return total;
}

static void read_napi_stats(struct probe *p, struct lt_sample *o)
{
	__u32 key, next, ids[LT_NAPI_MAX];
	struct lt_napi_stat tot[LT_NAPI_MAX];
	int n = 0;
	__u32 *prevkey = NULL;

	while (n < LT_NAPI_MAX &&
	       !bpf_map__get_next_key(p->skel->maps.napi_stats, prevkey, &next, sizeof(next))) {
		key = next;
		prevkey = &key;
		memset(&tot[n], 0, sizeof(tot[n]));
		if (bpf_map__lookup_elem(p->skel->maps.napi_stats, &key, sizeof(key), p->napi_percpu,
					 sizeof(struct lt_napi_stat) * p->ncpus, 0))
			continue;
		for (int c = 0; c < p->ncpus; c++) {
			tot[n].polls += p->napi_percpu[c].polls;
			tot[n].packets += p->napi_percpu[c].packets;
			tot[n].budget_full += p->napi_percpu[c].budget_full;
		}
		ids[n++] = key;
	}
	o->n_napi = 0;
	for (int i = 0; i < n; i++) {
		struct lt_napi_stat before = { 0 };

		for (int k = 0; k < p->n_napi_prev; k++)
			if (p->napi_prev_id[k] == ids[i])
				before = p->napi_prev[k];
		if (tot[i].polls == before.polls)
			continue;
		o->napi_id[o->n_napi] = ids[i];
		o->napi_inst_polls[o->n_napi] = tot[i].polls - before.polls;
		o->napi_inst_packets[o->n_napi] = tot[i].packets - before.packets;
		o->napi_inst_full[o->n_napi] = tot[i].budget_full - before.budget_full;
		o->n_napi++;
	}
	memcpy(p->napi_prev_id, ids, sizeof(ids[0]) * n);
	memcpy(p->napi_prev, tot, sizeof(tot[0]) * n);
	p->n_napi_prev = n;
}

/* Every field of struct lt_counters is a __u64 (or a struct of them): summed word by word. */
static void sum_counters(const struct probe *p, struct lt_counters *sum)
{
	__u64 *dst = (__u64 *)sum;
	const size_t words = sizeof(*sum) / sizeof(__u64);

	memset(sum, 0, sizeof(*sum));
	for (int c = 0; c < p->ncpus; c++) {
		const __u64 *src = (const __u64 *)&p->percpu[c].c;

		for (size_t w = 0; w < words; w++)
			dst[w] += src[w];
	}
}

static void fit_delta(struct lt_fit_sums *o, const struct lt_fit *a, const struct lt_fit *b)
{
	o->n = (double)(a->n - b->n);
	o->sx = (double)(a->sx - b->sx);
	o->sy = (double)(a->sy - b->sy);
	o->sxx = (double)(a->sxx - b->sxx);
	o->sxy = (double)(a->sxy - b->sxy);
	o->syy = (double)(a->syy - b->syy);
}

/*
 * Where the application runs: the readers' on-CPU time on each CPU, weighted
 * by how much of this NIC's interrupt-priority work (hard IRQ + NET_RX) that
 * CPU did against the mean over the CPUs that did any (1: the reader shares
 * a CPU with a full share of it, 0: it never runs where that work does), and
 * by the share of that CPU other tasks took (neither idle, nor the readers,
 * nor this NIC's interrupt work).
 */
static void app_rx_share(const struct probe *p, struct lt_sample *o)
{
	double kern_total = 0, active = 0;

	o->app_oncpu_ns = o->app_oncpu_rx_ns = o->app_oncpu_other_ns = 0;
	for (int c = 0; c < p->ncpus; c++) {
		const struct lt_counters *x = &p->percpu[c].c, *y = &p->percpu_prev[c];
		double k = (double)(x->softirq_fit.sy - y->softirq_fit.sy);

		for (int i = 0; i < LT_IRQ_SLOTS && i < p->nic.n_irqs; i++)
			k += (double)(x->irq[i].ns - y->irq[i].ns);
		p->cpu_rx_ns[c] = k;
		kern_total += k;
		active += k > 0;
	}
	for (int c = 0; c < p->ncpus; c++) {
		double app = (double)(p->percpu[c].c.app_oncpu_ns - p->percpu_prev[c].app_oncpu_ns);
		double w = kern_total > 0 ? p->cpu_rx_ns[c] * active / kern_total : 0;

		double idle = (double)(p->percpu[c].c.idle_ns - p->percpu_prev[c].idle_ns);
		double dt_ns = o->interval_s * 1e9;
		double other = dt_ns > 0 ? 1 - (idle + app + p->cpu_rx_ns[c]) / dt_ns : 0;

		o->app_oncpu_ns += app;
		o->app_oncpu_rx_ns += app * (w < 1 ? w : 1);
		o->app_oncpu_other_ns += app * (other > 0 ? (other < 1 ? other : 1) : 0);
	}
}

int probe_read(struct probe *p, struct lt_sample *o)
{
	struct lt_counters cur, *a = &cur, *b = &p->prev;
	struct nic_stats st;
	__u32 zero = 0;
	double t = cli_now_s();
	int err;

	err = bpf_map__lookup_elem(p->skel->maps.counters, &zero, sizeof(zero), p->percpu,
				   sizeof(struct lt_cpu) * p->ncpus, 0);
	if (err)
		return err;
	sum_counters(p, &cur);
	memset(o, 0, sizeof(*o));
	o->n_cpu = p->ncpus < LT_CPU_SLOTS ? p->ncpus : LT_CPU_SLOTS;
	for (int c = 0; c < o->n_cpu; c++) {
		const struct lt_counters *x = &p->percpu[c].c, *y = &p->percpu_prev[c];

		o->cpu[c] = (struct lt_cpu_rx){
			.softirqs = x->softirq_fit.n - y->softirq_fit.n,
			.softirq_ns = x->softirq_fit.sy - y->softirq_fit.sy,
			.softirq_packets = x->softirq_fit.sx - y->softirq_fit.sx,
		};
	}
	o->interval_s = t - p->prev_t;
	app_rx_share(p, o);
	for (int c = 0; c < p->ncpus; c++)
		p->percpu_prev[c] = p->percpu[c].c;
#define D(f) (a->f - b->f)
	irq_deltas(p, a, b, o);
	o->isr_ns_sq = (double)D(isr_fit.syy);	/* the fit has every handled run */
	o->softirqs = D(softirq_fit.n);
	o->softirq_ns = D(softirq_fit.sy);
	o->softirq_packets = D(softirq_fit.sx);
#define X(field, type, key, doc) o->field = (type)D(field);
	LT_COUNTERS(X)
#undef X
#define X(field, doc) fit_delta(&o->field, &a->field, &b->field);
	LT_FITS(X)
#undef X
#define X(field, slots, key, doc) for (int i = 0; i < (slots); i++) o->field[i] = D(field[i]);
	LT_HISTS(X)
#undef X
	/* the readers' on-CPU time, per datagram delivered (no per-datagram spread) */
	o->app_ns = read_readers(p, &o->app_threads);
	/* interrupt work timed on top of a reader is not the application's */
	o->app_ns = o->app_ns > D(reader_stolen_ns) ? o->app_ns - D(reader_stolen_ns) : 0;
	o->app_timed = o->app_ns ? o->delivered_packets : 0;
	o->app_ns_sq = NAN;
	o->drops_backlog = D(drops[LT_DROP_BACKLOG]);
	o->drops_socket = D(drops[LT_DROP_SOCKET]);
	o->drops_other = D(drops[LT_DROP_OTHER]);
#undef D
	read_napi_stats(p, o);
	o->xdp_valid = false;
	if (p->n_xdp_link) {
		__u64 total;

		if (!probe_xdp_total(p, &total)) {
			o->xdp_valid = true;
			o->xdp_packets = total - p->xdp_prev;
			p->xdp_prev = total;
		}
	}
	probe_read_cost(p, o);
	if (!nic_set_read_stats(&p->nic, &st)) {
		o->drops_nic = (st.rx_missed_errors - p->prev_stats.rx_missed_errors) +
			       (st.rx_fifo_errors - p->prev_stats.rx_fifo_errors) +
			       (st.rx_over_errors - p->prev_stats.rx_over_errors);
		p->prev_stats = st;
	} else if (nic_set_gone(&p->nic)) {
		return -ENODEV;
	}
	p->prev = cur;
	p->prev_t = t;
	return 0;
}

/*
 * Our own cost, when kernel.bpf_stats_enabled is on (never switched on by
 * us): the mean run time of each program over this interval.  A handler's
 * measured time holds about half of the entry and exit programs' (each
 * reads the clock midway); a packet's, one run of each per-packet program.
 */
void probe_read_cost(struct probe *p, struct lt_sample *o)
{
	FILE *f = fopen("/proc/sys/kernel/bpf_stats_enabled", "r");
	int on = 0;

	o->probe_ns_per_irq = o->probe_ns_per_packet = -1;
	if (f) {
		if (fscanf(f, "%d", &on) != 1)
			on = 0;
		fclose(f);
	}
	if (!on)
		return;
	o->probe_ns_per_irq = o->probe_ns_per_packet = 0;
	for (int i = 0; i < LT_N_HOOKS; i++) {
		const struct bpf_program *prog = p->hooks[i].loaded;
		struct bpf_prog_info info = { 0 };
		__u32 len = sizeof(info);
		int fd = prog ? bpf_program__fd(prog) : -1;
		double mean;
		__u64 dt, dn;

		if (p->hooks[i].cost == LT_COST_NONE || fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
			continue;
		dt = info.run_time_ns - p->cost_prev[0][i];
		dn = info.run_cnt - p->cost_prev[1][i];
		p->cost_prev[0][i] = info.run_time_ns;
		p->cost_prev[1][i] = info.run_cnt;
		mean = dn ? (double)dt / (double)dn : 0;
		switch (p->hooks[i].cost) {
		case LT_COST_IRQ_HALF: o->probe_ns_per_irq += mean / 2; break;
		case LT_COST_PKT: o->probe_ns_per_packet += mean; break;
		case LT_COST_PKT_HALF: o->probe_ns_per_packet += mean / 2; break;
		case LT_COST_NONE: break;
		}
	}
}
