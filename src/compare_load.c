// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Reading one recorded run back (compare.h), streamed: each busy interval
 * goes into the mean/sd accumulators as soon as it is neither among the
 * first CMP_EDGE_KEEP nor the last CMP_EDGE_KEEP, which are held for the
 * steady rule.  Memory stays bounded whatever the length of the run; a line
 * is bounded by CMP_MAX_LINE, and only regular files are read.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "compare.h"
#include "json_read.h"
#include "lines.h"
#include "numparse.h"
#include "record.h"

/* What one busy interval adds to a run. */
struct interval {
	double m[CMP_METRICS];
	double isr_us, copy_us, proto_us;
	unsigned int ord;	/* its place among the run's interval lines, from 0 */
};

struct loader {
	struct cmp_run *r;
	struct interval head[CMP_EDGE_KEEP], tail[CMP_EDGE_KEEP];	/* tail: a ring */
	unsigned int n_head, n_tail, tail_at;
};

static void stat_add(struct cmp_stat *s, double x)
{
	double d;

	if (!isfinite(x))
		return;
	if (!s->n || x < s->min)
		s->min = x;
	if (!s->n || x > s->max)
		s->max = x;
	s->n++;
	d = x - s->mean;	/* Welford: mean, then sd from the running sum of squares */
	s->mean += d / s->n;
	s->sd += d * (x - s->mean);
}

static void stat_finish(struct cmp_stat *s)
{
	if (!s->n) {
		s->mean = s->sd = s->min = s->max = NAN;
		return;
	}
	s->sd = s->n > 1 ? sqrt(s->sd / (s->n - 1)) : 0;
}

static void copy_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

static double per_s(const struct jv *o, const char *path)
{
	double v = jv_num(o, path), t = jv_num(o, "interval_s");

	return t > 0 ? v / t : NAN;
}

/* The metrics of one interval line; the first number out of bounds in *bad. */
static bool read_interval(struct interval *iv, const struct jv *o, const char **bad)
{
	static const char *const checked[] = {
		"lambda_pps", "observed_pps", "predicted_pps", "error_pct", "irqs_per_s", "hardirq_us",
		"batch_mean", "cpu_avail_measured", "cpus", "raw.stack_packets", "raw.irqs", "interval_s",
		"drops.nic", "drops.backlog", "drops.socket", "drops.other", "isr_us", "copy_us",
		"proto_us", "mlfrr_pps", "livelock_pps", "buffer", "latency.stack.p99_us",
		"latency.read.p99_us", "latency.run.p99_us", "raw.app_sleeps", "ksoftirqd_frac",
	};
	double obs = jv_num(o, "observed_pps"), share = 1 - jv_num(o, "cpu_avail_measured");
	double isr = jv_num(o, "raw.isr_ns_total"), sirq = jv_num(o, "raw.softirq_ns_total");
	double empty = jv_num(o, "raw.softirq_empty_ns_total");
	double dt = jv_num(o, "interval_s");
	double cpus = jv_num(o, "cpus"), pk = jv_num(o, "raw.stack_packets"), irqs = jv_num(o, "raw.irqs");
	double *m = iv->m;

	/*
	 * hard IRQ + NET_RX, whatever mapping the run fitted with, the runs that
	 * polled the device and found nothing included (older records: without
	 * them, or the fitted share)
	 */
	if (isfinite(isr) && isfinite(sirq) && dt > 0)
		share = (isr + sirq + (isfinite(empty) ? empty : 0)) * 1e-9 / (dt * (cpus > 0 ? cpus : 1));

	for (size_t i = 0; i < sizeof(checked) / sizeof(checked[0]); i++)
		if (fabs(jv_num(o, checked[i])) > CMP_MAX_VALUE) {
			*bad = checked[i];
			return false;
		}
	m[CMP_LAMBDA] = jv_num(o, "lambda_pps");
	m[CMP_OBSERVED] = obs;
	m[CMP_PREDICTED] = jv_num(o, "predicted_pps");
	m[CMP_ERROR] = jv_num(o, "error_pct");
	m[CMP_IRQS_PS] = jv_num(o, "irqs_per_s");
	m[CMP_IRQS_PKT] = pk > 0 ? irqs / pk : NAN;
	m[CMP_ISR_US] = jv_num(o, "hardirq_us");
	m[CMP_BATCH] = jv_num(o, "batch_mean");
	m[CMP_IRQ_SHARE] = 100 * share;
	m[CMP_CPU_PER_PKT] = obs > 0 ? share * (cpus > 0 ? cpus : 1) * 1e6 / obs : NAN;
	m[CMP_DROP_NIC] = per_s(o, "drops.nic");
	m[CMP_DROP_BACKLOG] = per_s(o, "drops.backlog");
	m[CMP_DROP_SOCKET] = per_s(o, "drops.socket");
	m[CMP_DROP_OTHER] = per_s(o, "drops.other");
	m[CMP_COPY_US] = jv_num(o, "copy_us");
	m[CMP_PROTO_US] = jv_num(o, "proto_us");
	m[CMP_MLFRR] = jv_num(o, "mlfrr_pps");
	m[CMP_LIVELOCK] = jv_num(o, "livelock_pps");
	m[CMP_LAT_STACK_P99] = jv_num(o, "latency.stack.p99_us");	/* NAN: not recorded with --latency */
	m[CMP_LAT_READ_P99] = jv_num(o, "latency.read.p99_us");
	m[CMP_LAT_RUN_P99] = jv_num(o, "latency.run.p99_us");
	m[CMP_APP_WAKEUPS] = per_s(o, "raw.app_sleeps");	/* NAN: a record without the raw counters */
	m[CMP_KSOFTIRQD] = 100 * jv_num(o, "ksoftirqd_frac");
	m[CMP_NAPI_POLLS] = per_s(o, "raw.napi_polls");
	m[CMP_EMPTY_POLL_CPU] = 100 * per_s(o, "raw.softirq_empty_ns_total") / 1e9;
	iv->isr_us = jv_num(o, "isr_us");
	iv->copy_us = m[CMP_COPY_US];
	iv->proto_us = m[CMP_PROTO_US];
	for (int k = 0; k < CMP_METRICS; k++)	/* a ratio of huge values: no number */
		if (!isfinite(m[k]) || fabs(m[k]) > CMP_MAX_VALUE)
			m[k] = NAN;
	return true;
}

/* Settings that hold for the run: the last busy interval's. */
static void read_run_settings(struct cmp_run *r, const struct jv *o)
{
	double cpus = jv_num(o, "cpus");

	if (isfinite(jv_num(o, "buffer")))
		r->buffer = jv_num(o, "buffer");
	if (cpus > 0)
		r->cpus = cpus;
	if (jv_str(o, "model"))
		copy_str(r->model, sizeof(r->model), jv_str(o, "model"));
}

static void use_interval(struct cmp_run *r, const struct interval *iv)
{
	for (int k = 0; k < CMP_METRICS; k++)
		stat_add(&r->m[k], iv->m[k]);
	if (!r->busy || iv->ord < r->steady_first)
		r->steady_first = iv->ord;
	if (!r->busy || iv->ord > r->steady_last)
		r->steady_last = iv->ord;
	if (isfinite(iv->isr_us))
		r->isr_us += iv->isr_us;
	if (isfinite(iv->copy_us))
		r->copy_us += iv->copy_us;
	if (isfinite(iv->proto_us))
		r->proto_us += iv->proto_us;
	r->busy++;
}

/* One more busy interval: held at the head, in the tail ring, or used now. */
static void add_busy(struct loader *ld, const struct interval *iv)
{
	if (ld->n_head < CMP_EDGE_KEEP) {
		ld->head[ld->n_head++] = *iv;
	} else if (ld->n_tail < CMP_EDGE_KEEP) {
		ld->tail[(ld->tail_at + ld->n_tail++) % CMP_EDGE_KEEP] = *iv;
	} else {
		use_interval(ld->r, &ld->tail[ld->tail_at]);	/* in the middle: steady */
		ld->tail[ld->tail_at] = *iv;
		ld->tail_at = (ld->tail_at + 1) % CMP_EDGE_KEEP;
	}
}

/* The held intervals in time order, less the ramps the steady rule finds. */
static void finish_edges(struct loader *ld)
{
	const struct interval *seq[2 * CMP_EDGE_KEEP];
	double lam[2 * CMP_EDGE_KEEP], obs[2 * CMP_EDGE_KEEP];
	unsigned int n = 0, from, to;

	for (unsigned int i = 0; i < ld->n_head; i++)
		seq[n++] = &ld->head[i];
	for (unsigned int i = 0; i < ld->n_tail; i++)
		seq[n++] = &ld->tail[(ld->tail_at + i) % CMP_EDGE_KEEP];
	for (unsigned int i = 0; i < n; i++) {
		lam[i] = seq[i]->m[CMP_LAMBDA];
		obs[i] = seq[i]->m[CMP_OBSERVED];
	}
	ld->r->edges = compare_steady_range(lam, obs, n, &from, &to);
	for (unsigned int i = from; i < to; i++)
		use_interval(ld->r, seq[i]);
}

static void read_header(struct cmp_run *r, const struct jv *h)
{
	copy_str(r->device, sizeof(r->device), jv_str(h, "device.name"));
	copy_str(r->driver, sizeof(r->driver), jv_str(h, "device.driver"));
	copy_str(r->kernel, sizeof(r->kernel), jv_str(h, "kernel"));
	copy_str(r->host, sizeof(r->host), jv_str(h, "host"));
	copy_str(r->mapping, sizeof(r->mapping), jv_str(h, "options.mapping"));
	r->interval_s = jv_num(h, "options.interval_s");
	r->rx_ring = jv_num(h, "device.rx_ring");
	r->coalesce_supported = jv_true(h, "coalesce.supported");
	r->rx_usecs = jv_num(h, "coalesce.rx_usecs");
	r->rx_frames = jv_num(h, "coalesce.rx_frames");
	r->adaptive_rx = jv_get(h, "coalesce.adaptive_rx") && jv_get(h, "coalesce.adaptive_rx")->type == JV_BOOL ?
			 (jv_true(h, "coalesce.adaptive_rx") ? 1 : 0) : NAN;
	r->defer_hard_irqs = jv_num(h, "napi_settings.defer_hard_irqs");
	r->gro_flush_timeout_ns = jv_num(h, "napi_settings.gro_flush_timeout_ns");
}

static FILE *open_record(const char *path, FILE *err)
{
	int why = 0;
	FILE *f = lines_open(path, &why);

	if (f)
		return f;
	if (why == LINES_NOT_REGULAR)
		fprintf(err, "livelock-trace: compare: %s is not a regular file: give a file written by --record\n", path);
	else
		fprintf(err, "livelock-trace: compare: cannot read %s: %s\n", path, strerror(-why));
	return NULL;
}

/* A number of line that overflows the doubles (1.8e308), else NULL: why it is not JSON we read. */
static const char *overflowing_number(const char *line, size_t *len)
{
	for (const char *p = line; *p; p++) {
		if (!(p == line || strchr(":,[ ", p[-1])))
			continue;
		*len = num_decimal_len(p);
		if (*len && isinf(strtod(p, NULL)))
			return p;
	}
	return NULL;
}

static int load_lines(struct loader *ld, FILE *f, const char *path, FILE *err)
{
	struct cmp_run *r = ld->r;
	size_t cap = CMP_MAX_LINE + 2, len;	/* the line, its '\n' and the NUL */
	char *line = malloc(cap);
	unsigned long no = 0;
	int got, rc = -1;

	if (!line) {
		fprintf(err, "livelock-trace: compare: out of memory reading %s\n", path);
		return -1;
	}
	while ((got = lines_read(f, line, cap, &len)) > 0) {
		struct interval iv;
		const char *bad = NULL;
		struct jv *o;

		no++;
		if (len == 1 && line[0] == '\n')
			continue;
		o = jv_parse(line);
		if (!o) {
			const char *big;
			size_t big_len;

			/* a run killed mid-write leaves a partial last line: use what came before */
			if (no > 1 && len > 0 && line[len - 1] != '\n')
				break;
			big = overflowing_number(line, &big_len);
			if (big) {
				fprintf(err, "livelock-trace: compare: %s line %lu: %.*s is beyond the range of numbers: not a measurement\n",
					path, no, (int)(big_len < 40 ? big_len : 40), big);
				goto out;
			}
			fprintf(err, "livelock-trace: compare: %s line %lu is not valid JSON%s\n", path, no,
				no == 1 ? ": not a livelock-trace --record file" : "");
			goto out;
		}
		if (no == 1) {
			const char *kind = jv_str(o, "record");

			if (!kind || strcmp(kind, "livelock-trace")) {
				fprintf(err, "livelock-trace: compare: %s is not a livelock-trace --record file (no header line; record one with 'livelock-trace IFACE --record FILE')\n",
					path);
				jv_free(o);
				goto out;
			}
			if (jv_num(o, "format") > RECORD_FORMAT) {
				fprintf(err, "livelock-trace: compare: %s has record format %.0f, this version reads up to %d: update livelock-trace\n",
					path, jv_num(o, "format"), RECORD_FORMAT);
				jv_free(o);
				goto out;
			}
			read_header(r, o);
		} else if (jv_true(o, "summary")) {
			r->complete = true;
		} else if (jv_get(o, "lambda_pps")) {
			const char *st = jv_str(o, "state");

			r->intervals++;
			if (st && strcmp(st, "idle")) {
				if (!read_interval(&iv, o, &bad)) {
					fprintf(err, "livelock-trace: compare: %s line %lu: %s %g is beyond %g: not a measurement\n",
						path, no, bad, jv_num(o, bad), CMP_MAX_VALUE);
					jv_free(o);
					goto out;
				}
				iv.ord = r->intervals - 1;
				read_run_settings(r, o);
				add_busy(ld, &iv);
			}
		}
		jv_free(o);
	}
	if (got < 0) {
		fprintf(err, "livelock-trace: compare: %s line %lu is longer than %d bytes: not a livelock-trace --record file\n",
			path, no + 1, CMP_MAX_LINE);
		goto out;
	}
	if (ferror(f)) {
		fprintf(err, "livelock-trace: compare: cannot read %s: %s\n", path, strerror(errno));
		goto out;
	}
	if (no == 0) {
		fprintf(err, "livelock-trace: compare: %s is empty\n", path);
		goto out;
	}
	rc = 0;
out:
	free(line);
	return rc;
}

int compare_load_stream(FILE *f, const char *path, struct cmp_run *r, FILE *err)
{
	struct loader *ld = calloc(1, sizeof(*ld));
	int rc = -1;

	memset(r, 0, sizeof(*r));
	copy_str(r->path, sizeof(r->path), path);
	r->buffer = r->cpus = NAN;
	if (!ld) {
		fprintf(err, "livelock-trace: compare: out of memory reading %s\n", path);
		return -1;
	}
	ld->r = r;
	if (load_lines(ld, f, path, err))
		goto out;
	finish_edges(ld);
	if (!r->busy) {
		fprintf(err, "livelock-trace: compare: %s has no interval with traffic (%u idle): nothing to compare\n",
			path, r->intervals);
		goto out;
	}
	for (int i = 0; i < CMP_METRICS; i++)
		stat_finish(&r->m[i]);
	r->isr_us /= r->busy;
	r->copy_us /= r->busy;
	r->proto_us /= r->busy;
	rc = 0;
out:
	free(ld);
	return rc;
}

int compare_load(const char *path, struct cmp_run *r, FILE *err)
{
	FILE *f = open_record(path, err);
	int rc;

	if (!f) {
		memset(r, 0, sizeof(*r));
		copy_str(r->path, sizeof(r->path), path);
		r->buffer = r->cpus = NAN;
		return -1;
	}
	rc = compare_load_stream(f, path, r, err);
	fclose(f);
	return rc;
}
