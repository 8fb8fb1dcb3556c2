// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "forecast_io.h"
#include "forecast_record.h"
#include "json_read.h"

#define MAX_COST_ROWS	4096	/* intervals whose costs the median looks at (the last ones) */

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Field-by-field median of the intervals' costs: a run cut short has no summary. */
static void median_costs(struct fc_costs *rows, unsigned int n, struct fc_costs *out)
{
	double *col = malloc(n * sizeof(double));

	*out = rows[n / 2];
	if (!col)
		return;
	for (size_t f = 0; f < fc_cost_fields(); f++) {
		for (unsigned int i = 0; i < n; i++)
			col[i] = *fc_cost_field(&rows[i], f);
		qsort(col, n, sizeof(double), cmp_dbl);
		*fc_cost_field(out, f) = col[n / 2];
	}
	free(col);
}

struct busy_acc {
	double prev_lam, prev_obs, prev_irq, prev_poll;	/* the last busy interval: steady if another follows */
	double all_lam, all_obs, all_irq, all_poll;	/* every busy one, for runs of one or two */
	unsigned int seen;
	double sum_lam, sum_obs, sum_irq, sum_poll;
	unsigned int n;
};

/* Steady intervals: every busy one but the first and the last (partly busy edges). */
static void busy_add(struct busy_acc *b, double lam, double obs, double irq, double poll)
{
	if (b->seen >= 2) {
		b->sum_lam += b->prev_lam;
		b->sum_obs += b->prev_obs;
		b->sum_irq += b->prev_irq;
		b->sum_poll += b->prev_poll;
		b->n++;
	}
	b->prev_lam = lam;
	b->prev_obs = obs;
	b->prev_irq = irq;
	b->prev_poll = poll;
	b->all_lam += lam;
	b->all_obs += obs;
	b->all_irq += irq;
	b->all_poll += poll;
	b->seen++;
}

static int bad(FILE *err, const char *path, const char *why)
{
	fprintf(err, "livelock-trace: forecast: %s: %s\n", path, why);
	return 1;
}

static void take_line(struct fc_record *r, const struct jv *o, struct fc_costs *rows,
		      unsigned int *nrows, struct busy_acc *b)
{
	const char *state = jv_str(o, "state");

	if (jv_true(o, "summary")) {
		if (fc_costs_read(o, "costs", &r->costs)) {
			r->have_costs = true;
			r->costs_from = "summary";
		}
		r->capacity_pps = jv_num(o, "capacity_pps");
		return;
	}
	r->intervals++;
	if (state && strcmp(state, "idle"))
		busy_add(b, jv_num(o, "lambda_pps"), jv_num(o, "observed_pps"), jv_num(o, "irqs_per_s"),
			 jv_num(o, "interval_s") > 0 ? jv_num(o, "raw.napi_polls") / jv_num(o, "interval_s") : NAN);
	if (fc_costs_read(o, "costs", &rows[*nrows % MAX_COST_ROWS])) {
		struct fc_costs *c = &rows[*nrows % MAX_COST_ROWS];

		if (state && strcmp(state, "idle") && fc_costs_valid(c))
			r->samples[r->n_samples++ % FCR_SAMPLES] = *c;
		(*nrows)++;
	}
}

int fc_record_read(FILE *f, const char *path, struct fc_record *r, FILE *err)
{
	struct fc_costs *rows = calloc(MAX_COST_ROWS, sizeof(*rows));
	struct busy_acc b = { 0 };
	unsigned int nrows = 0, lineno = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int rc = 0;

	memset(r, 0, sizeof(*r));
	r->lambda_pps = r->observed_pps = r->capacity_pps = r->irqs_pps = r->polls_pps = NAN;
	if (!rows)
		return bad(err, path, strerror(ENOMEM));
	while ((len = getline(&line, &cap, f)) > 0) {
		struct jv *o;

		if (len > FCR_MAX_LINE) {
			rc = bad(err, path, "a line longer than 1 MiB: not a livelock-trace record");
			break;
		}
		o = jv_parse(line);
		lineno++;
		if (!o) {
			if (lineno == 1) {
				rc = bad(err, path, "not a livelock-trace record (record one with 'livelock-trace IFACE --record FILE')");
				break;
			}
			continue;	/* a line cut mid-write by a killed run */
		}
		if (lineno == 1) {
			const char *kind = jv_str(o, "record");

			if (!kind || strcmp(kind, "livelock-trace")) {
				jv_free(o);
				rc = bad(err, path, "not a livelock-trace record (no header line; record one with 'livelock-trace IFACE --record FILE')");
				break;
			}
			snprintf(r->device, sizeof(r->device), "%s", jv_str(o, "device.name") ? jv_str(o, "device.name") : "");
			snprintf(r->driver, sizeof(r->driver), "%s", jv_str(o, "device.driver") ? jv_str(o, "device.driver") : "");
			r->coalesce_known = jv_true(o, "coalesce.supported");
			r->rx_usecs = jv_num(o, "coalesce.rx_usecs");
			r->rx_frames = jv_num(o, "coalesce.rx_frames");
			r->adaptive_rx = jv_true(o, "coalesce.adaptive_rx");
			r->coalesce_known = r->coalesce_known && r->rx_usecs >= 0 && r->rx_usecs <= UINT32_MAX &&
					    r->rx_frames >= 0 && r->rx_frames <= UINT32_MAX;
		} else {
			take_line(r, o, rows, &nrows, &b);
		}
		jv_free(o);
	}
	free(line);
	if (!rc && !r->have_costs && nrows) {
		median_costs(rows, nrows < MAX_COST_ROWS ? nrows : MAX_COST_ROWS, &r->costs);
		r->have_costs = fc_costs_valid(&r->costs);
		r->costs_from = "intervals (median)";
	}
	free(rows);
	if (r->n_samples > FCR_SAMPLES)
		r->n_samples = FCR_SAMPLES;
	if (rc)
		return rc;
	r->busy = b.n;
	if (b.n) {
		r->lambda_pps = b.sum_lam / b.n;
		r->observed_pps = b.sum_obs / b.n;
		r->irqs_pps = b.sum_irq / b.n;
		r->polls_pps = b.sum_poll / b.n;
	} else if (b.seen) {	/* one or two busy intervals: use them all */
		r->lambda_pps = b.all_lam / b.seen;
		r->observed_pps = b.all_obs / b.seen;
		r->irqs_pps = b.all_irq / b.seen;
		r->polls_pps = b.all_poll / b.seen;
		r->busy = b.seen;
	}
	return 0;
}

int fc_record_load(const char *path, struct fc_record *r, FILE *err)
{
	struct stat st;
	FILE *f;
	int rc;

	errno = 0;
	if (stat(path, &st) || !S_ISREG(st.st_mode) || !(f = fopen(path, "r"))) {
		memset(r, 0, sizeof(*r));
		r->lambda_pps = r->observed_pps = r->capacity_pps = r->irqs_pps = r->polls_pps = NAN;
		return bad(err, path, errno ? strerror(errno) : "not a regular file");
	}
	rc = fc_record_read(f, path, r, err);
	fclose(f);
	return rc;
}
