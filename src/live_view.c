// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "forecast_io.h"
#include "cli.h"
#include "compare.h"
#include "json.h"
#include "live_view.h"
#include "raw_view.h"

#define COL_RESET	"\033[0m"
#define COL_DIM		"\033[2m"
#define COL_GREEN	"\033[32m"
#define COL_YELLOW	"\033[33m"
#define COL_RED		"\033[1;31m"
#define HIST_LABEL_MIN	1		/* histogram rows shown: non-empty ones only */

void live_view_init(struct live_view *v, FILE *f, const struct live_view_opts *o)
{
	const char *nc = getenv("NO_COLOR");

	memset(v, 0, sizeof(*v));
	v->o = *o;
	if (!v->o.header_every)
		v->o.header_every = LIVE_VIEW_HEADER_EVERY;
	v->color = !o->json && isatty(fileno(f)) && !(nc && *nc);
	v->shown_kind = -1;
}

static void stat_add(struct live_stat *st, double x)
{
	if (!isfinite(x))
		return;
	if (!st->n || x < st->min)
		st->min = x;
	if (!st->n || x > st->max)
		st->max = x;
	st->n++;
	st->sum += x;
	st->sq += x * x;
}

static double stat_mean(const struct live_stat *st)
{
	return st->n ? st->sum / st->n : NAN;
}

static double stat_sd(const struct live_stat *st)
{
	double m = stat_mean(st), var = st->n ? st->sq / st->n - m * m : NAN;

	return st->n ? sqrt(var > 0 ? var : 0) : NAN;
}

static const char *mapping_words(enum est_mapping m)
{
	return m == EST_MAP_PAPER ?
		"interrupt priority = hard IRQ; 1/mu = NET_RX work + the readers' time per packet" :
		"interrupt priority = hard IRQ + NET_RX softirq; 1/mu = application side per packet";
}

static const char *state_color(enum est_state s)
{
	switch (s) {
	case EST_IDLE: return COL_DIM;
	case EST_OK: return COL_GREEN;
	case EST_NEAR_PEAK: return COL_YELLOW;
	default: return COL_RED;
	}
}

void live_view_header(FILE *f, struct live_view *v, const struct nic_info *nic)
{
	const struct nic_coalesce *co = &nic->coalesce;
	char lower[NIC_DESCRIBE_LEN];

	if (v->o.json)
		return;
	if (nic_set_describe(lower, sizeof(lower), nic))
		fprintf(f, "# %s\n", lower);
	fprintf(f, "# %s", nic->name);
	for (int i = 1; i < nic->set.n_traced; i++)	/* lower devices merged: all named */
		fprintf(f, ", %s", nic->set.traced[i].name);
	fprintf(f, ": driver %s%s%s, %d IRQ%s", *nic->driver ? nic->driver : "none",
		*nic->bus_info ? " at " : "", nic->bus_info, nic->n_irqs, nic->n_irqs == 1 ? "" : "s");
	for (int i = 0; i < nic->n_irqs && i < 8; i++)
		fprintf(f, "%s%u %s", i ? ", " : ": ", nic->irqs[i].irq, nic->irqs[i].name);
	fprintf(f, "%s, %u RX queue%s\n", nic->n_irqs > 8 ? ", ..." : "", nic->rx_queues,
		nic->rx_queues == 1 ? "" : "s");
	fprintf(f, "# rx ring ");
	if (nic->rx_ring)
		fprintf(f, "%u (max %u)", nic->rx_ring, nic->rx_ring_max);
	else
		fprintf(f, "unknown");
	if (co->supported)
		fprintf(f, ", coalescing rx-usecs %u rx-frames %u adaptive-rx %s\n", co->rx_usecs,
			co->rx_frames, co->adaptive_rx ? "on" : "off");
	else
		fprintf(f, ", no coalescing settings\n");
	fprintf(f, "# mapping %s: %s; window %u interval%s; 1/r %s; observed = %s\n",
		est_mapping_name(v->o.est.mapping), mapping_words(v->o.est.mapping),
		v->o.est.window ? v->o.est.window : EST_DEFAULT_WINDOW,
		v->o.est.window == 1 ? "" : "s",
		v->o.est.no_calibrate ? "as measured" : "calibrated to the measured CPU share",
		est_deliver_name(v->o.est.deliver));
	if (v->o.probes)
		fprintf(f, "# probes: %s\n", v->o.probes);
	if (v->o.rx_priority)
		fprintf(f, "# interrupt work: %s\n", v->o.rx_priority);
	queue_view_header(f, v->o.queues);
	if (v->o.sample > 1)
		fprintf(f, "# sampled: probes attached for 1/%u of each interval; each line is that window's rates\n",
			v->o.sample);
	fflush(f);
}

/* Cells: a number, or "-" when there is not enough data. */
static void cell(FILE *f, int w, int prec, double x)
{
	if (isfinite(x))
		fprintf(f, " %*.*f", w, prec, fabs(x) < 0.5 * pow(10, -prec) ? 0 : x);
	else
		fprintf(f, " %*s", w, "-");
}

static double us(double ns)
{
	return ns / 1e3;
}

/* The batch the model sees: packets per NAPI poll, else per ISR. */
static double batch_mean(const struct estimate *e)
{
	return isfinite(e->win.batch_per_poll) ? e->win.batch_per_poll : e->win.batch_per_irq;
}

static const struct est_fit *copy_fit(const struct estimate *e)
{
	return e->mapping == EST_MAP_PAPER ? &e->win.isr_fit : &e->win.sirq_fit;
}

static void print_columns(FILE *f, int stamp_width)
{
	fprintf(f, "%-*s %9s %9s %9s %7s %9s %7s %7s %8s %6s %5s %5s %6s %7s %7s %7s %7s %s\n",
		stamp_width, "time", "lambda/s", "obs/s", "pred/s", "err%", "cap/s", "isr_us", "copy_us", "proto_us",
		"batch", "cpu%", "cpu%m", "load%", "drp_nic", "drp_blg", "drp_sck", "drp_oth",
		"state");
}

static void print_line(FILE *f, struct live_view *v, const struct estimate *e)
{
	int dec = cli_stamp_decimals(v->o.interval_s), w = cli_stamp_width(dec);
	char ts[24];

	if (v->shown_kind != (int)e->kind && e->kind != MODEL_IDEAL) {
		fprintf(f, "# model %s: %s", model_kind_name(e->kind), e->win.reason);
		if (e->win.cpus > 1)
			fprintf(f, "; %.0f RX CPUs", e->win.cpus);
		fprintf(f, "\n");
		v->shown_kind = e->kind;
		v->line = 0;	/* the columns again after the note */
	}
	if (v->line++ % v->o.header_every == 0)
		print_columns(f, w);
	fprintf(f, "%-*s", w, cli_stamp(ts, sizeof(ts), dec));
	cell(f, 9, 0, e->lambda_pps);
	cell(f, 9, 0, e->observed_pps);
	cell(f, 9, 0, e->predicted_pps);
	cell(f, 7, 1, e->error_pct);
	cell(f, 9, 0, e->capacity_pps);
	cell(f, 7, 2, us(e->win.isr_ns));
	cell(f, 7, 2, e->kind == MODEL_NODMA ? us(e->win.copy_ns) : NAN);
	cell(f, 8, 2, us(e->win.proto_ns));
	cell(f, 6, 1, batch_mean(e));
	cell(f, 5, 0, 100 * e->cpu_avail_model);
	cell(f, 5, 0, 100 * e->cpu_avail_measured);
	cell(f, 6, 0, e->load_pct);
	fprintf(f, " %7.0f %7.0f %7.0f %7.0f ", e->drops_nic, e->drops_backlog, e->drops_socket,
		e->drops_other);
	if (v->color)
		fprintf(f, "%s%s%s\n", state_color(e->state), est_state_name(e->state), COL_RESET);
	else
		fprintf(f, "%s\n", est_state_name(e->state));
}

/* -C: where the NET_RX work ran (hard-IRQ time is per IRQ, not per CPU). */
static void print_cpus(FILE *f, const struct lt_sample *s)
{
	for (int c = 0; s->cpu_softirq_ns && c < s->n_cpu; c++) {
		double dt = s->interval_s, pk = (double)s->cpu_softirq_packets[c];

		if (!s->cpu_softirqs[c] || !(dt > 0))
			continue;
		fprintf(f, "%8s cpu%-4d %9.0f pkt/s in NET_RX, %5.1f%% of the CPU, ", "", c, pk / dt,
			100 * (double)s->cpu_softirq_ns[c] * 1e-9 / dt);
		if (pk > 0)
			fprintf(f, "%.2f us/pkt\n", (double)s->cpu_softirq_ns[c] / pk / 1e3);
		else
			fprintf(f, "- us/pkt\n");
	}
}

static void json_cpus(struct json *j, const struct lt_sample *s)
{
	json_arr(j, "per_cpu");
	for (int c = 0; s->cpu_softirq_ns && c < s->n_cpu; c++) {
		double dt = s->interval_s, pk = (double)s->cpu_softirq_packets[c];

		if (!s->cpu_softirqs[c] || !(dt > 0))
			continue;
		json_obj(j, NULL);
		json_i64(j, "cpu", c);
		json_dbl(j, "softirq_pps", pk / dt);
		json_dbl(j, "softirq_share", (double)s->cpu_softirq_ns[c] * 1e-9 / dt);
		json_dbl(j, "softirq_us_per_pkt", pk > 0 ? (double)s->cpu_softirq_ns[c] / pk / 1e3 : NAN);
		json_obj_end(j);
	}
	json_arr_end(j);
}

/* The forecast's inputs, and how each marginal cost was measured. */
static void costs_json(struct json *j, const struct est_params *p)
{
	if (p->costs_valid)
		fc_costs_json(j, "costs", &p->costs);
	else
		json_null(j, "costs");
	json_dbl(j, "app_other", p->app_other);
	json_obj(j, "cost_sources");
	json_str(j, "irq_pkt", est_cost_how_name(p->irq_pkt_how));
	json_str(j, "rx_pkt", est_cost_how_name(p->rx_pkt_how));
	json_str(j, "app_dgram", est_cost_how_name(p->app_dgram_how));
	json_obj_end(j);
}

static void print_json(FILE *f, const struct live_view *v, const struct lt_sample *s,
		       const struct estimate *e, time_t now)
{
	const struct est_params *w = &e->win;
	const struct est_fit *cf = copy_fit(e);
	struct json j;

	json_begin(&j, f);
	json_u64(&j, "time", (uint64_t)now);
	json_dblp(&j, "interval_s", e->interval_s, 6);
	json_dblp(&j, "lambda_pps", e->lambda_pps, 1);
	json_str(&j, "lambda_source", e->lambda_source);
	json_dblp(&j, "observed_pps", e->observed_pps, 1);
	json_str(&j, "deliver", est_deliver_name(v->o.est.deliver));
	json_dblp(&j, "predicted_pps", e->predicted_pps, 1);
	json_dblp(&j, "error_pct", e->error_pct, 2);
	json_dbl(&j, "isr_us", us(w->isr_ns));
	json_dbl(&j, "isr_sd_us", us(w->isr_sd_ns));
	json_dbl(&j, "isr_struct_us", us(w->isr_struct_ns));
	json_dbl(&j, "hardirq_us", us(w->hardirq_ns));
	json_dbl(&j, "hardirq_sd_us", us(w->hardirq_sd_ns));
	json_dbl(&j, "copy_us", e->kind == MODEL_NODMA ? us(w->copy_ns) : NAN);
	json_bool(&j, "copy_bound", w->copy_bound);
	json_bool(&j, "copy_capped", w->copy_capped);
	json_dbl(&j, "copy_slope_us", cf->valid ? us(cf->slope_ns) : NAN);
	json_dbl(&j, "copy_intercept_us", cf->valid ? us(cf->intercept_ns) : NAN);
	json_dbl(&j, "copy_r2", cf->valid ? cf->r2 : NAN);
	json_dbl(&j, "copy_n", cf->n);
	json_dbl(&j, "proto_us", us(w->proto_ns));
	json_dbl(&j, "proto_sd_us", us(w->proto_sd_ns));
	json_str(&j, "proto_source", w->proto_source);
	json_dbl(&j, "batch_mean", batch_mean(e));
	json_dbl(&j, "batch_per_irq", w->batch_per_irq);
	json_dbl(&j, "batch_per_poll", w->batch_per_poll);
	json_dbl(&j, "ksoftirqd_frac", w->ksoftirqd_frac);
	json_dbl(&j, "buffer", e->buffer);
	json_str(&j, "buffer_source", e->buffer_source);
	json_dbl(&j, "cpu_avail", e->cpu_avail_model);
	json_dbl(&j, "cpu_avail_measured", e->cpu_avail_measured);
	json_str(&j, "model", e->kind == MODEL_IDEAL ? NULL : model_kind_name(e->kind));
	json_str(&j, "nic_class", w->nic_class == MODEL_IDEAL ? NULL : model_kind_name(w->nic_class));
	json_str(&j, "model_reason", w->reason);
	json_str(&j, "mapping", est_mapping_name(e->mapping));
	json_dblp(&j, "capacity_pps", e->capacity_pps, 1);
	json_dblp(&j, "livelock_pps", e->livelock_pps, 1);
	json_dblp(&j, "mlfrr_pps", e->mlfrr_pps, 1);
	json_dblp(&j, "mlfrr_gamma_pps", e->mlfrr_gamma_pps, 1);
	json_dblp(&j, "load_pct", e->load_pct, 2);
	json_dblp(&j, "forecast_pps", e->forecast_pps, 1);
	json_dblp(&j, "fit_pps", e->fit_pps, 1);
	json_dblp(&j, "fit_error_pct", e->fit_error_pct, 2);
	if (e->valid & EST_V_FORECAST)
		fc_point_json(&j, "forecast", &e->fc);
	else
		json_null(&j, "forecast");
	costs_json(&j, &e->win);
	json_dbl(&j, "irqs_per_s", e->irqs_per_s);
	json_dbl(&j, "cpus", w->cpus);
	json_dbl(&j, "scv_arrival", w->scv_arrival);
	json_dbl(&j, "scv_service", w->scv_service);
	json_dblp(&j, "probe_cost_subtracted_ns", e->cur.probe_subtracted_ns, 0);
	json_u64(&j, "window", e->window_n);
	json_obj(&j, "drops");
	json_dblp(&j, "nic", e->drops_nic, 0);
	json_dblp(&j, "backlog", e->drops_backlog, 0);
	json_dblp(&j, "socket", e->drops_socket, 0);
	json_dblp(&j, "other", e->drops_other, 0);
	json_obj_end(&j);
	json_str(&j, "state", est_state_name(e->state));
	if (v->o.per_cpu)
		json_cpus(&j, s);
	queue_view_json(&j, v->o.queues);
	/* the measurements behind it, as `--raw --json` prints them */
	json_obj(&j, "raw");
	raw_view_json_fields(&j, s);
	json_obj_end(&j);
	json_end(&j);
}

static void keep_busy(struct live_view *v, const struct estimate *e, time_t now)
{
	if (v->n_busy_iv == v->cap_busy_iv) {
		unsigned int cap = v->cap_busy_iv ? 2 * v->cap_busy_iv : 64;
		struct live_busy *b;

		if (cap > LIVE_VIEW_MAX_BUSY || !(b = realloc(v->busy_iv, cap * sizeof(*b))))
			return;
		v->busy_iv = b;
		v->cap_busy_iv = cap;
	}
	v->busy_iv[v->n_busy_iv++] = (struct live_busy){
		.lambda = e->lambda_pps, .observed = e->observed_pps, .predicted = e->predicted_pps,
		.error = e->error_pct, .fit_error = e->fit_error_pct, .time = (long)now, .state = e->state,
	};
}

void live_view_done(struct live_view *v)
{
	free(v->busy_iv);
	v->busy_iv = NULL;
	v->n_busy_iv = v->cap_busy_iv = 0;
}

/*
 * The steady intervals: the busy ones less the ramps at either end, by
 * compare's rule (a partly busy first or last interval is no verdict on the
 * model).  Fills the error statistics over them and the worst of them.
 */
struct steady {
	unsigned int from, to, left_out;
	struct live_stat error, fit_error;
	const struct live_busy *worst;
};

static void steady_of(const struct live_view *v, struct steady *st)
{
	unsigned int n = v->n_busy_iv;
	double *lam = malloc((n ? n : 1) * sizeof(double)), *obs = malloc((n ? n : 1) * sizeof(double));

	memset(st, 0, sizeof(*st));
	st->to = n;
	if (lam && obs && n) {
		for (unsigned int i = 0; i < n; i++) {
			lam[i] = v->busy_iv[i].lambda;
			obs[i] = v->busy_iv[i].observed;
		}
		st->left_out = compare_steady_range(lam, obs, n, &st->from, &st->to);
	}
	free(lam);
	free(obs);
	for (unsigned int i = st->from; i < st->to; i++) {
		const struct live_busy *b = &v->busy_iv[i];

		stat_add(&st->error, b->error);
		stat_add(&st->fit_error, b->fit_error);
		if (isfinite(b->error) && (!st->worst || fabs(b->error) > fabs(st->worst->error)))
			st->worst = b;
	}
}

void live_view_interval(FILE *f, struct live_view *v, const struct nic_info *nic,
			const struct lt_sample *s, const struct estimate *e)
{
	time_t now = time(NULL);
	(void)nic;
	v->intervals++;
	for (int i = 0; i < LT_HIST_SLOTS; i++)
		v->isr_hist[i] += s->isr_hist[i];
	for (int i = 0; i < LT_BATCH_SLOTS; i++)
		v->batch_hist[i] += s->batch_hist[i];
	if (e->state != EST_IDLE) {
		v->busy++;
		stat_add(&v->isr, us(e->cur.isr_ns));
		stat_add(&v->copy, e->cur.kind == MODEL_NODMA ? us(e->cur.copy_ns) : NAN);
		stat_add(&v->proto, us(e->cur.proto_ns));
		stat_add(&v->batch, isfinite(e->cur.batch_per_poll) ? e->cur.batch_per_poll
								   : e->cur.batch_per_irq);
		keep_busy(v, e, now);
	}
	v->last = *e;
	if (v->o.json) {
		print_json(f, v, s, e, now);
	} else {
		print_line(f, v, e);
		if (v->o.per_cpu)
			print_cpus(f, s);
		queue_view_lines(f, v->o.queues);
	}
	fflush(f);
}

static void print_param(FILE *f, const char *name, const struct live_stat *st, const char *unit)
{
	fprintf(f, "  %-24s", name);
	if (!st->n) {
		fprintf(f, " -   (not enough data)\n");
		return;
	}
	fprintf(f, " %9.2f %s  sd %.2f  min %.2f  max %.2f  (%.0f intervals)\n", stat_mean(st), unit,
		stat_sd(st), st->min, st->max, st->n);
}

static void bar(FILE *f, uint64_t n, uint64_t max)
{
	int w = max ? (int)((double)n * LIVE_VIEW_BAR_WIDTH / (double)max + 0.5) : 0;

	if (n && !w)
		w = 1;
	fprintf(f, " |%-*.*s| %llu\n", LIVE_VIEW_BAR_WIDTH, w,
		"########################################################################",
		(unsigned long long)n);
}

static uint64_t hist_max(const uint64_t *h, int n)
{
	uint64_t m = 0;

	for (int i = 0; i < n; i++)
		if (h[i] > m)
			m = h[i];
	return m;
}

static void print_hists(FILE *f, const struct live_view *v)
{
	uint64_t m = hist_max(v->isr_hist, LT_HIST_SLOTS);

	fprintf(f, "\nHard-IRQ handler time (all intervals):\n");
	if (!m)
		fprintf(f, "  no interrupts\n");
	for (int i = 0; i < LT_HIST_SLOTS && m; i++) {
		if (v->isr_hist[i] < HIST_LABEL_MIN)
			continue;
		fprintf(f, "  %10llu .. %-10llu ns", i ? 1ull << i : 0ull, (2ull << i) - 1);
		bar(f, v->isr_hist[i], m);
	}
	m = hist_max(v->batch_hist, LT_BATCH_SLOTS);
	fprintf(f, "\nBatch (packets per NAPI poll, or per ISR without NAPI):\n");
	if (!m)
		fprintf(f, "  no polls\n");
	for (int i = 0; i < LT_BATCH_SLOTS && m; i++) {
		if (v->batch_hist[i] < HIST_LABEL_MIN)
			continue;
		if (i == LT_BATCH_SLOTS - 1)
			fprintf(f, "  %5s>%-3d", "", LT_BATCH_SLOTS - 2);
		else
			fprintf(f, "  %9d", i);
		bar(f, v->batch_hist[i], m);
	}
}

static void summary_json(FILE *f, const struct live_view *v, const struct nic_info *nic,
			 const struct live_run *run)
{
	const struct estimate *e = &v->last;
	struct steady st;
	struct json j;

	json_begin(&j, f);
	json_bool(&j, "summary", true);
	json_str(&j, "device", nic ? nic->name : NULL);
	json_str(&j, "driver", nic ? nic->driver : NULL);
	json_u64(&j, "intervals", v->intervals);
	json_u64(&j, "busy_intervals", v->busy);
	json_str(&j, "mapping", est_mapping_name(v->o.est.mapping));
	json_str(&j, "model", e->kind == MODEL_IDEAL ? NULL : model_kind_name(e->kind));
	json_str(&j, "model_reason", e->win.reason);
	json_dbl(&j, "isr_us", stat_mean(&v->isr));
	json_dbl(&j, "isr_sd_us", stat_sd(&v->isr));
	json_dbl(&j, "copy_us", stat_mean(&v->copy));
	json_dbl(&j, "copy_sd_us", stat_sd(&v->copy));
	json_dbl(&j, "proto_us", stat_mean(&v->proto));
	json_dbl(&j, "proto_sd_us", stat_sd(&v->proto));
	json_dbl(&j, "batch_mean", stat_mean(&v->batch));
	steady_of(v, &st);
	json_u64(&j, "steady_intervals", st.to - st.from);
	json_u64(&j, "edge_intervals_left_out", st.left_out);
	json_dbl(&j, "error_pct_mean", stat_mean(&st.error));
	json_dbl(&j, "error_pct_sd", stat_sd(&st.error));
	json_dbl(&j, "fit_error_pct_mean", stat_mean(&st.fit_error));
	json_dbl(&j, "fit_error_pct_sd", stat_sd(&st.fit_error));
	json_dbl(&j, "worst_error_pct", st.worst ? st.worst->error : NAN);
	if (st.worst)
		json_u64(&j, "worst_time", (uint64_t)st.worst->time);
	else
		json_null(&j, "worst_time");
	json_dblp(&j, "capacity_pps", run->valid ? run->fs.capacity_pps : NAN, 1);
	json_dblp(&j, "mlfrr_pps", run->valid ? run->fs.mlfrr_pps : NAN, 1);
	json_dblp(&j, "mlfrr_gamma_pps", run->valid ? run->fs.capacity_pps : NAN, 1);
	json_dblp(&j, "livelock_pps", run->valid ? run->fs.livelock_pps : NAN, 1);
	if (run->valid)
		costs_json(&j, &run->p);
	else
		json_null(&j, "costs");
	(void)e;
	json_arr(&j, "batch_hist");
	for (int i = 0; i < LT_BATCH_SLOTS; i++)
		json_u64(&j, NULL, v->batch_hist[i]);
	json_arr_end(&j);
	json_arr(&j, "isr_hist_log2ns");
	for (int i = 0; i < LT_HIST_SLOTS; i++)
		json_u64(&j, NULL, v->isr_hist[i]);
	json_arr_end(&j);
	json_end(&j);
}

/* The run's forecast and the costs it rests on, in words. */
static void print_forecast(FILE *f, const struct live_run *run)
{
	const struct fc_costs *c = &run->p.costs;

	if (!run->valid) {
		fprintf(f, "  forecast: not enough data (no traffic, or no application read this device's packets)\n");
		return;
	}
	fprintf(f, "  forecast (every interval with traffic pooled): capacity %.0f pps, reached at lambda = %.0f pps (MLFRR); ",
		run->fs.capacity_pps, run->fs.mlfrr_pps);
	if (isfinite(run->fs.livelock_pps))
		fprintf(f, "livelock at %.0f pps\n", run->fs.livelock_pps);
	else
		fprintf(f, "no livelock at finite lambda\n");
	fprintf(f, "  costs: hard IRQ %.2f us/interrupt + %.2f us/packet (%s); NET_RX %.2f us/busy period + %.2f us/packet (%s)\n",
		us(c->irq_fixed_ns), us(c->irq_pkt_ns), est_cost_how_name(run->p.irq_pkt_how),
		us(c->rx_fixed_ns), us(c->rx_pkt_ns), est_cost_how_name(run->p.rx_pkt_how));
	if (isfinite(c->app_dgram_ns))
		fprintf(f, "         application %.2f us/wakeup + %.2f us/datagram (%s), sharing %.0f%% of the RX CPUs' interrupt work\n",
			us(c->app_wakeup_ns), us(c->app_dgram_ns), est_cost_how_name(run->p.app_dgram_how),
			100 * c->app_share);
	if (run->p.app_other > 0.1)
		fprintf(f, "  other tasks took %.0f%% of the readers' CPUs: the forecast assumes the application gets what interrupt work leaves\n",
			100 * run->p.app_other);
}

void live_view_summary(FILE *f, struct live_view *v, const struct nic_info *nic,
		       const struct live_run *run)
{
	const struct estimate *e = &v->last;
	const struct live_busy *w;
	struct steady st;
	struct tm tm;
	time_t t;
	char ts[16];

	if (v->o.json) {
		summary_json(f, v, nic, run);
		return;
	}
	fprintf(f, "\nSummary%s%s: %lu intervals, %lu with traffic; mapping %s, model %s\n",
		nic ? " of " : "", nic ? nic->name : "", v->intervals, v->busy,
		est_mapping_name(v->o.est.mapping),
		e->kind == MODEL_IDEAL ? "undecided" : model_kind_name(e->kind));
	if (e->kind != MODEL_IDEAL)
		fprintf(f, "  because: %s\n", e->win.reason);
	print_param(f, "1/r   ISR (busy period)", &v->isr, "us");
	print_param(f, "1/c   per extra packet", &v->copy, "us");
	print_param(f, "1/mu  protocol/app", &v->proto, "us");
	print_param(f, "batch (packets)", &v->batch, "  ");
	steady_of(v, &st);
	fprintf(f, "  steady intervals: %u of %lu with traffic (%u partly busy edge interval%s left out)\n",
		st.to - st.from, v->busy, st.left_out, st.left_out == 1 ? "" : "s");
	print_param(f, "error (pred - obs)", &st.error, "% ");
	print_param(f, "fit error (same model)", &st.fit_error, "% ");
	print_forecast(f, run);
	if ((w = st.worst)) {
		t = (time_t)w->time;
		localtime_r(&t, &tm);
		strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
		fprintf(f, "  worst steady interval %s: lambda %.0f, observed %.0f, predicted %.0f pps (%+.1f%%), %s\n",
			ts, w->lambda, w->observed, w->predicted, w->error, est_state_name(w->state));
	}
	if (isfinite(e->win.scv_arrival) &&
	    (e->win.scv_arrival < EST_SCV_FAR_LO || e->win.scv_arrival > EST_SCV_FAR_HI))
		fprintf(f, "  arrivals are not Poisson: SCV %.2f (the model assumes 1)\n",
			e->win.scv_arrival);
	if (isfinite(e->win.scv_service) &&
	    (e->win.scv_service < EST_SCV_FAR_LO || e->win.scv_service > EST_SCV_FAR_HI))
		fprintf(f, "  service times are not exponential: SCV %.2f (the model assumes 1)\n",
			e->win.scv_service);
	print_hists(f, v);
	fflush(f);
}
