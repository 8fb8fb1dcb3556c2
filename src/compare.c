// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Reading recorded runs back and comparing them (see compare.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "compare.h"
#include "json_read.h"
#include "record.h"

const struct cmp_metric_info cmp_metrics[CMP_METRICS] = {
	[CMP_LAMBDA]		= { "lambda", "pps", 0 },
	[CMP_OBSERVED]		= { "observed", "pps", +1 },
	[CMP_PREDICTED]		= { "predicted", "pps", 0 },
	[CMP_ERROR]		= { "error", "%", 0 },
	[CMP_IRQS_PS]		= { "interrupts", "/s", -1 },
	[CMP_IRQS_PKT]		= { "interrupts/packet", "", -1 },
	[CMP_ISR_US]		= { "1/r ISR", "us", -1 },
	[CMP_BATCH]		= { "batch", "pkts", 0 },
	[CMP_IRQ_SHARE]		= { "CPU at interrupt priority", "%", -1 },
	[CMP_CPU_PER_PKT]	= { "CPU per delivered packet", "us", -1 },
	[CMP_DROP_NIC]		= { "drops at the NIC", "/s", -1 },
	[CMP_DROP_BACKLOG]	= { "drops in the backlog", "/s", -1 },
	[CMP_DROP_SOCKET]	= { "drops at sockets", "/s", -1 },
	[CMP_DROP_OTHER]	= { "other drops", "/s", -1 },
	[CMP_COPY_US]		= { "1/c per packet", "us", -1 },
	[CMP_PROTO_US]		= { "1/mu protocol", "us", -1 },
	[CMP_MLFRR]		= { "predicted MLFRR", "pps", +1 },
	[CMP_LIVELOCK]		= { "predicted livelock point", "pps", +1 },
};

static const char *const verdict_names[] = { "same (within noise)", "better", "worse", "different", "-" };

const char *compare_verdict_name(enum cmp_verdict v)
{
	return verdict_names[v];
}

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

static void add_interval(struct cmp_run *r, const struct jv *o)
{
	double obs = jv_num(o, "observed_pps"), share = 1 - jv_num(o, "cpu_avail_measured");
	double cpus = jv_num(o, "cpus"), pk = jv_num(o, "raw.stack_packets"), irqs = jv_num(o, "raw.irqs");
	struct cmp_stat *m = r->m;

	stat_add(&m[CMP_LAMBDA], jv_num(o, "lambda_pps"));
	stat_add(&m[CMP_OBSERVED], obs);
	stat_add(&m[CMP_PREDICTED], jv_num(o, "predicted_pps"));
	stat_add(&m[CMP_ERROR], jv_num(o, "error_pct"));
	stat_add(&m[CMP_IRQS_PS], jv_num(o, "irqs_per_s"));
	stat_add(&m[CMP_IRQS_PKT], pk > 0 ? irqs / pk : NAN);
	stat_add(&m[CMP_ISR_US], jv_num(o, "hardirq_us"));
	stat_add(&m[CMP_BATCH], jv_num(o, "batch_mean"));
	stat_add(&m[CMP_IRQ_SHARE], 100 * share);
	stat_add(&m[CMP_CPU_PER_PKT], obs > 0 ? share * (cpus > 0 ? cpus : 1) * 1e6 / obs : NAN);
	stat_add(&m[CMP_DROP_NIC], per_s(o, "drops.nic"));
	stat_add(&m[CMP_DROP_BACKLOG], per_s(o, "drops.backlog"));
	stat_add(&m[CMP_DROP_SOCKET], per_s(o, "drops.socket"));
	stat_add(&m[CMP_DROP_OTHER], per_s(o, "drops.other"));
	stat_add(&m[CMP_COPY_US], jv_num(o, "copy_us"));
	stat_add(&m[CMP_PROTO_US], jv_num(o, "proto_us"));
	stat_add(&m[CMP_MLFRR], jv_num(o, "mlfrr_pps"));
	stat_add(&m[CMP_LIVELOCK], jv_num(o, "livelock_pps"));
	if (isfinite(jv_num(o, "isr_us")))
		r->isr_us += jv_num(o, "isr_us");
	if (isfinite(jv_num(o, "copy_us")))
		r->copy_us += jv_num(o, "copy_us");
	if (isfinite(jv_num(o, "proto_us")))
		r->proto_us += jv_num(o, "proto_us");
	if (isfinite(jv_num(o, "buffer")))
		r->buffer = jv_num(o, "buffer");
	if (cpus > 0)
		r->cpus = cpus;
	if (jv_str(o, "model"))
		copy_str(r->model, sizeof(r->model), jv_str(o, "model"));
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

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * The intervals with traffic, less a first or last one that is only partly
 * busy (traffic started or stopped inside it: lambda under half the
 * median), which would otherwise widen the spread and hide real differences.
 */
static void use_busy(struct cmp_run *r, struct jv **b, unsigned int n)
{
	unsigned int from = 0, to = n;
	double med = 0, *lam;

	if (n >= 3 && (lam = malloc(n * sizeof(*lam)))) {
		for (unsigned int i = 0; i < n; i++)
			lam[i] = jv_num(b[i], "lambda_pps");
		qsort(lam, n, sizeof(*lam), cmp_dbl);
		med = lam[n / 2];
		free(lam);
		if (jv_num(b[0], "lambda_pps") < 0.5 * med)
			from++;
		if (jv_num(b[n - 1], "lambda_pps") < 0.5 * med)
			to--;
	}
	r->edges = from + (n - to);
	for (unsigned int i = from; i < to; i++) {
		r->busy++;
		add_interval(r, b[i]);
	}
}

int compare_load(const char *path, struct cmp_run *r, FILE *err)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned long no = 0;
	struct jv **busy = NULL;
	unsigned int nbusy = 0;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	copy_str(r->path, sizeof(r->path), path);
	r->buffer = r->cpus = NAN;
	if (!f) {
		fprintf(err, "livelock-trace: compare: cannot read %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((len = getline(&line, &cap, f)) > 0) {
		struct jv *o;

		no++;
		if (len == 1 && line[0] == '\n')
			continue;
		o = jv_parse(line);
		if (!o) {
			/* a run killed mid-write leaves a partial last line: use what came before */
			if (no > 1 && len > 0 && line[len - 1] != '\n')
				break;
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
				struct jv **b = realloc(busy, (nbusy + 1) * sizeof(*busy));

				if (!b) {
					jv_free(o);
					fprintf(err, "livelock-trace: compare: out of memory reading %s\n", path);
					goto out;
				}
				busy = b;
				busy[nbusy++] = o;
				continue;	/* kept: added below */
			}
		}
		jv_free(o);
	}
	use_busy(r, busy, nbusy);
	if (no == 0) {
		fprintf(err, "livelock-trace: compare: %s is empty\n", path);
		goto out;
	}
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
	for (unsigned int i = 0; i < nbusy; i++)
		jv_free(busy[i]);
	free(busy);
	free(line);
	fclose(f);
	return rc;
}

enum cmp_verdict compare_verdict(const struct cmp_run *a, const struct cmp_run *b, enum cmp_metric m,
				 double *diff_pct)
{
	const struct cmp_stat *x = &a->m[m], *y = &b->m[m];
	double d = y->mean - x->mean;

	*diff_pct = x->mean != 0 ? 100 * d / fabs(x->mean) : NAN;
	if (!isfinite(x->mean) || !isfinite(y->mean))
		return CMP_UNKNOWN;
	/* noise: the difference is within the intervals' spread of either run */
	if (fabs(d) <= x->sd + y->sd || fabs(d) <= 1e-9 * fmax(fabs(x->mean), 1))
		return CMP_SAME;
	if (!cmp_metrics[m].better)
		return CMP_DIFFERENT;
	return (d > 0) == (cmp_metrics[m].better > 0) ? CMP_BETTER : CMP_WORSE;
}

int compare_best(const struct cmp_run *runs, int n)
{
	int best = 0;

	for (int i = 1; i < n; i++) {
		double diff;
		enum cmp_verdict v = compare_verdict(&runs[best], &runs[i], CMP_OBSERVED, &diff);

		if (v == CMP_BETTER)
			best = i;
		else if (v == CMP_SAME &&
			 compare_verdict(&runs[best], &runs[i], CMP_CPU_PER_PKT, &diff) == CMP_BETTER)
			best = i;
	}
	return best;
}
