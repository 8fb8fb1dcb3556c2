// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "hist_view.h"
#include "latency.h"
#include "compare.h"
#include "live_view.h"
#include "sampling.h"

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

double live_stat_mean(const struct live_stat *st)
{
	return st->n ? st->sum / st->n : NAN;
}

double live_stat_sd(const struct live_stat *st)
{
	double m = live_stat_mean(st), var = st->n ? st->sq / st->n - m * m : NAN;

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
	if (v->o.sample == SAMPLING_AUTO)
		fprintf(f, "# sampled (--full for every probe): all of each interval below %.0f pps; above, a window of about %d packets every %g s, its line that window's rates, the lines between the device's count with the last window's model\n",
			2.0 * SAMPLING_AUTO_PACKETS / v->o.interval_s, SAMPLING_AUTO_PACKETS,
			sampling_auto_every(v->o.interval_s) * v->o.interval_s);
	else if (v->o.sample > 1)
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

static void print_columns(FILE *f, int stamp_width)
{
	fprintf(f, "%-*s %9s %9s %9s %7s %9s %7s %7s %8s %6s %5s %5s %6s %7s %7s %7s %7s %s\n",
		stamp_width, "time", "lambda/s", "obs/s", "pred/s", "err%", "cap/s", "isr_us", "copy_us", "proto_us",
		"batch", "cpu%", "cpu%m", "load%", "drp_nic", "drp_blg", "drp_sck", "drp_oth",
		"state");
}

/* One table line; note (or NULL) follows the state. */
static void print_line(FILE *f, struct live_view *v, const struct estimate *e, const char *note)
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
	cell(f, 6, 1, est_batch_mean(e));
	cell(f, 5, 0, 100 * e->cpu_avail_model);
	cell(f, 5, 0, 100 * e->cpu_avail_measured);
	cell(f, 6, 0, e->load_pct);
	cell(f, 7, 0, e->drops_nic);
	cell(f, 7, 0, e->drops_backlog);
	cell(f, 7, 0, e->drops_socket);
	cell(f, 7, 0, e->drops_other);
	fprintf(f, " %s%s%s%s\n", v->color ? state_color(e->state) : "", est_state_name(e->state),
		v->color ? COL_RESET : "", note ? note : "");
}

void live_view_between(FILE *f, struct live_view *v, double dev_pps, double interval_s)
{
	struct estimate b = v->last;

	if (v->o.json)
		return;
	b.lambda_pps = dev_pps;
	b.interval_s = interval_s;
	b.valid &= ~EST_V_OBSERVED;
	b.load_pct = isfinite(dev_pps) && b.mlfrr_pps > 0 ? 100 * dev_pps / b.mlfrr_pps : NAN;
	b.state = isfinite(dev_pps) ? est_state_of(&b) : v->last.state;
	/* what only the probes count, in a window: "-" */
	b.observed_pps = b.predicted_pps = b.error_pct = NAN;
	b.cpu_avail_model = b.cpu_avail_measured = NAN;
	b.drops_nic = b.drops_backlog = b.drops_socket = b.drops_other = NAN;
	print_line(f, v, &b, " (between windows: device count, last window's model)");
	fflush(f);
}

/* -C: where the NET_RX work ran (hard-IRQ time is per IRQ, not per CPU). */
static void print_cpus(FILE *f, const struct lt_sample *s)
{
	for (int c = 0; c < s->n_cpu; c++) {
		const struct lt_cpu_rx *r = &s->cpu[c];
		double dt = s->interval_s, pk = (double)r->softirq_packets;

		if (!r->softirqs || !(dt > 0))
			continue;
		fprintf(f, "%8s cpu%-4d %9.0f pkt/s in NET_RX, %5.1f%% of the CPU, ", "", c, pk / dt,
			100 * (double)r->softirq_ns * 1e-9 / dt);
		if (pk > 0)
			fprintf(f, "%.2f us/pkt\n", (double)r->softirq_ns / pk / 1e3);
		else
			fprintf(f, "- us/pkt\n");
	}
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

void live_view_steady(const struct live_view *v, struct live_steady *st)
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

void live_view_interval(FILE *f, struct live_view *v, const struct lt_sample *s,
			const struct estimate *e)
{
	time_t now = time(NULL);
	v->intervals++;
#define X(field, slots, key, doc) for (int i = 0; i < (slots); i++) v->field[i] += s->field[i];
	LT_HISTS(X)
#undef X
	lat_run_add(&v->lat, s);
	v->napi_packets += s->napi_packets;
	v->napi_packets_busy += s->napi_packets_busy;
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
	v->now = now;
	if (v->o.json)
		return;	/* record_write_interval prints it */
	print_line(f, v, e, NULL);
	if (v->o.per_cpu)
		print_cpus(f, s);
	queue_view_lines(f, v->o.queues);
	fflush(f);
}

static void print_param(FILE *f, const char *name, const struct live_stat *st, const char *unit)
{
	fprintf(f, "  %-24s", name);
	if (!st->n) {
		fprintf(f, " -   (not enough data)\n");
		return;
	}
	fprintf(f, " %9.2f %s  sd %.2f  min %.2f  max %.2f  (%.0f intervals)\n", live_stat_mean(st), unit,
		live_stat_sd(st), st->min, st->max, st->n);
}

static void print_hists(FILE *f, const struct live_view *v)
{
	uint64_t m = hist_view_max(v->batch_hist, LT_BATCH_SLOTS);

	hist_view_log2ns(f, "Hard-IRQ handler time (all intervals)", v->isr_hist, LT_HIST_SLOTS,
			 "no interrupts");
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
		hist_view_bar(f, v->batch_hist[i], m);
	}
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
	struct live_steady st;
	struct tm tm;
	time_t t;
	char ts[16];

	if (v->o.json)
		return;	/* record_write_summary prints it */
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
	live_view_steady(v, &st);
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
	if (v->napi_packets_busy)
		fprintf(f, "  busy polling: %llu of %llu polled packets (%.1f%%) were taken in by the application's "
			"own receive calls: that stack work is the application's, not at interrupt priority\n",
			(unsigned long long)v->napi_packets_busy, (unsigned long long)v->napi_packets,
			100.0 * (double)v->napi_packets_busy / (double)(v->napi_packets ? v->napi_packets : 1));
	print_hists(f, v);
	if (v->o.latency)
		lat_print(f, &v->lat);
	fflush(f);
}
