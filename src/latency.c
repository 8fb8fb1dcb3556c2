// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Per-packet latency from log2 histograms (latency.h). */
#include <math.h>
#include "hist_view.h"
#include "latency.h"

/* Bucket i of log2_slot (bpf/common.bpf.h): [lo, hi) ns. */
static double bucket_lo(int i)
{
	return i ? ldexp(1, i) : 0;
}

static double bucket_hi(int i)
{
	return ldexp(1, i + 1);
}

double lat_percentile(const uint64_t *hist, int slots, double q)
{
	double total = 0, cum = 0, want;

	for (int i = 0; i < slots; i++)
		total += (double)hist[i];
	if (!(total > 0) || !(q >= 0 && q <= 1))
		return NAN;
	want = q * total;
	for (int i = 0; i < slots; i++) {
		double h = (double)hist[i];

		if (h > 0 && cum + h >= want)
			return bucket_lo(i) + (bucket_hi(i) - bucket_lo(i)) * (want - cum) / h;
		cum += h;
	}
	return NAN;	/* not reached: want <= total */
}

double lat_hist_max(const uint64_t *hist, int slots)
{
	for (int i = slots - 1; i >= 0; i--)
		if (hist[i])
			return bucket_hi(i);
	return NAN;
}

static void part_add(struct lat_part *p, const uint64_t *hist, uint64_t n, uint64_t ns,
		     uint64_t lost, uint64_t other)
{
	for (int i = 0; i < LT_HIST_SLOTS; i++)
		p->hist[i] += hist[i];
	p->n += n;
	p->ns += ns;
	p->lost += lost;
	p->other += other;
}

void lat_run_add(struct lat_run *r, const struct lt_sample *s)
{
	part_add(&r->stack, s->lat_stack_hist, s->lat_stack_n, s->lat_stack_ns, s->lat_stack_lost,
		 s->lat_stack_unqueued);
	part_add(&r->read, s->lat_read_hist, s->lat_read_n, s->lat_read_ns, s->lat_read_lost,
		 s->lat_read_unmatched);
	part_add(&r->run, s->lat_run_hist, s->lat_run_n, s->lat_run_ns, 0, 0);
	r->stack_from_xdp += s->lat_stack_xdp;
}

void lat_stats_of(const struct lat_part *p, struct lat_stats *o)
{
	o->n = (double)p->n;
	o->mean_ns = p->n ? (double)p->ns / (double)p->n : NAN;
	o->p50_ns = lat_percentile(p->hist, LT_HIST_SLOTS, 0.50);
	o->p90_ns = lat_percentile(p->hist, LT_HIST_SLOTS, 0.90);
	o->p99_ns = lat_percentile(p->hist, LT_HIST_SLOTS, 0.99);
	o->max_ns = lat_hist_max(p->hist, LT_HIST_SLOTS);
	o->lost = (double)p->lost;
	o->other = (double)p->other;
}

static void part_json(struct json *j, const char *key, const struct lat_part *p, const char *count,
		      const char *other, const uint64_t *from_xdp)
{
	struct lat_stats st;

	lat_stats_of(p, &st);
	json_obj(j, key);
	json_u64(j, count, p->n);
	json_dblp(j, "mean_us", st.mean_ns / 1e3, 3);
	json_dblp(j, "p50_us", st.p50_ns / 1e3, 3);
	json_dblp(j, "p90_us", st.p90_ns / 1e3, 3);
	json_dblp(j, "p99_us", st.p99_ns / 1e3, 3);
	json_dblp(j, "max_us", st.max_ns / 1e3, 3);
	if (other) {
		json_u64(j, "lost", p->lost);
		json_u64(j, other, p->other);
	}
	if (from_xdp)	/* of those timed, how many from the XDP program's stamp */
		json_u64(j, "from_xdp", *from_xdp);
	json_obj_end(j);
}

void lat_json(struct json *j, const char *key, const struct lat_run *r)
{
	json_obj(j, key);
	part_json(j, "stack", &r->stack, "packets", "unqueued", &r->stack_from_xdp);
	part_json(j, "read", &r->read, "packets", "unmatched", NULL);
	part_json(j, "run", &r->run, "waits", NULL, NULL);
	json_obj_end(j);
}

static void part_print(FILE *f, const char *name, const struct lat_part *p, const char *other)
{
	struct lat_stats st;

	lat_stats_of(p, &st);
	fprintf(f, "  %-30s", name);
	if (!p->n) {
		if (other)
			fprintf(f, " -   (nothing timed; %llu lost, %llu %s)\n",
				(unsigned long long)p->lost, (unsigned long long)p->other, other);
		else
			fprintf(f, " -   (none seen)\n");
		return;
	}
	/* the parts that can lose entries say how many ("other" names the rest); waits cannot */
	fprintf(f, " %llu %s: mean %.1f us, p50 %.1f, p90 %.1f, p99 %.1f, max <= %.1f us",
		(unsigned long long)p->n, other ? "timed" : "waits", st.mean_ns / 1e3, st.p50_ns / 1e3,
		st.p90_ns / 1e3, st.p99_ns / 1e3, st.max_ns / 1e3);
	if (other)
		fprintf(f, " (%llu lost, %llu %s)", (unsigned long long)p->lost,
			(unsigned long long)p->other, other);
	fputc('\n', f);
}

void lat_print(FILE *f, const struct lat_run *r)
{
	fprintf(f, "\nLatency per packet (all intervals; percentiles inside log2 buckets):\n");
	part_print(f, r->stack_from_xdp ? "XDP or stack entry -> enqueue" : "stack entry -> socket enqueue",
		   &r->stack, "not queued");
	if (r->stack_from_xdp)
		fprintf(f, "  %-30s %llu of the timed packets from the XDP program's arrival stamp\n", "",
			(unsigned long long)r->stack_from_xdp);
	part_print(f, "socket enqueue -> read", &r->read, "without our enqueue");
	part_print(f, "reader runnable -> on a CPU", &r->run, NULL);
	hist_view_log2ns(f, "Stack entry to socket enqueue", r->stack.hist, LT_HIST_SLOTS, "none timed");
	hist_view_log2ns(f, "Socket enqueue to the application's read", r->read.hist, LT_HIST_SLOTS,
			 "none timed");
	hist_view_log2ns(f, "The reader's wait for a CPU (woken or preempted to running)", r->run.hist,
			 LT_HIST_SLOTS, "none seen");
}
