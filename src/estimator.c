// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The estimator: window of samples -> parameters, the fits and the forecast, state. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "estimator.h"

#define NS	1e-9

struct estimator {
	struct est_opts o;
	uint32_t ring;
	unsigned int n, next;
	struct lt_sample *win;
	double *sub;		/* probe ns subtracted, per window slot */
	struct lt_sample run;	/* the steady intervals with traffic, summed: the run's costs */
	struct lt_sample run_last;	/* the last busy interval: steady only if another follows */
	unsigned int run_n, busy_seen;
	double buffer;		/* B of the last update */
};

/* The option words, in the order of their enums; the output names too. */
const struct cli_word est_mapping_words[] = {
	{ "softirq", EST_MAP_SOFTIRQ }, { "paper", EST_MAP_PAPER }, { NULL, 0 },
};
const struct cli_word est_model_words[] = {
	{ "auto", EST_MODEL_AUTO }, { "dma", EST_MODEL_DMA }, { "nodma", EST_MODEL_NODMA }, { NULL, 0 },
};
const struct cli_word est_deliver_words[] = {
	{ "app", EST_DELIVER_APP }, { "stack", EST_DELIVER_STACK }, { "forward", EST_DELIVER_FORWARD },
	{ NULL, 0 },
};
static const char *const state_names[] = { "idle", "ok", "near-peak", "saturated", "livelock" };
#define WORDS(a) (int)(sizeof(a) / sizeof((a)[0]))

/* The value of word s in words, or -1 (no message: the command line says it). */
static int word_value(const char *s, const struct cli_word *words)
{
	for (const struct cli_word *w = words; w->word; w++)
		if (!strcmp(s, w->word))
			return w->value;
	return -1;
}

const char *est_mapping_name(enum est_mapping m)
{
	return cli_word_name(est_mapping_words, (int)m);
}

const char *est_model_name(enum est_model_choice m)
{
	return cli_word_name(est_model_words, (int)m);
}

const char *est_state_name(enum est_state s)
{
	return (int)s < WORDS(state_names) ? state_names[s] : "?";
}

const char *est_deliver_name(enum est_deliver d)
{
	return cli_word_name(est_deliver_words, (int)d);
}

bool est_parse_mapping(const char *s, enum est_mapping *out)
{
	int i = word_value(s, est_mapping_words);

	if (i >= 0)
		*out = i;
	return i >= 0;
}

bool est_parse_model(const char *s, enum est_model_choice *out)
{
	int i = word_value(s, est_model_words);

	if (i >= 0)
		*out = i;
	return i >= 0;
}

bool est_parse_deliver(const char *s, enum est_deliver *out)
{
	int i = word_value(s, est_deliver_words);

	if (i >= 0)
		*out = i;
	return i >= 0;
}

double est_batch_mean(const struct estimate *e)
{
	return isfinite(e->win.batch_per_poll) ? e->win.batch_per_poll : e->win.batch_per_irq;
}

const struct est_fit *est_copy_fit(const struct estimate *e)
{
	return e->mapping == EST_MAP_PAPER ? &e->win.isr_fit : &e->win.sirq_fit;
}

enum est_state est_state_of(const struct estimate *e)
{
	bool fc = e->valid & EST_V_FORECAST;

	if (!(e->valid & EST_V_LAMBDA) || e->lambda_pps < EST_IDLE_MIN_PPS ||
	    e->lambda_pps * e->interval_s < EST_IDLE_MIN_PACKETS)
		return EST_IDLE;
	if (fc && e->lambda_pps >= e->livelock_pps)
		return EST_LIVELOCK;
	if (fc && e->lambda_pps > e->mlfrr_pps &&
	    (e->valid & EST_V_OBSERVED) && e->observed_pps < EST_LIVELOCK_OBS_FRAC * e->capacity_pps)
		return EST_LIVELOCK;
	if (e->drop_frac > EST_SATURATED_DROP_FRAC)
		return EST_SATURATED;
	if (fc) {
		if (e->lambda_pps > e->mlfrr_pps)
			return EST_SATURATED;
		if (e->lambda_pps >= EST_NEAR_PEAK_FRAC * e->mlfrr_pps)
			return EST_NEAR_PEAK;
	}
	return EST_OK;
}

struct estimator *estimator_new(const struct est_opts *o, uint32_t nic_ring)
{
	struct estimator *e;
	unsigned int w = o->window ? o->window : EST_DEFAULT_WINDOW;

	if (w > EST_MAX_WINDOW || o->mapping >= EST_MAPPINGS || o->buffer < 0)
		return NULL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->o = *o;
	e->o.window = w;
	e->ring = nic_ring;
	e->win = calloc(w, sizeof(*e->win));
	e->sub = calloc(w, sizeof(*e->sub));
	if (!e->win || !e->sub) {
		estimator_free(e);
		return NULL;
	}
	return e;
}

void estimator_free(struct estimator *e)
{
	if (!e)
		return;
	free(e->win);
	free(e->sub);
	free(e);
}

static void predict(struct estimate *e)
{
	const struct est_params *w = &e->win;
	uint32_t need = EST_V_LAMBDA | EST_V_ISR | EST_V_PROTO | EST_V_MODEL;
	double k = w->cpus, lam;

	e->kind = w->kind;
	e->mp.isr_s = w->isr_ns * NS;
	e->mp.copy_s = w->kind == MODEL_NODMA ? w->copy_ns * NS : 0;
	e->mp.proto_s = w->proto_ns * NS;
	e->mp.buffer = e->buffer;
	if (w->kind == MODEL_NODMA)
		need |= EST_V_COPY;
	if ((w->valid & need) != need || !(e->valid & EST_V_LAMBDA))
		return;
	lam = e->lambda_pps / k;
	e->predicted_pps = k * model_throughput(e->kind, &e->mp, lam);
	e->cpu_avail_model = model_p00(e->kind, &e->mp, lam);
	if ((e->valid & EST_V_OBSERVED) && e->observed_pps > 0)
		e->error_pct = 100 * (e->predicted_pps - e->observed_pps) / e->observed_pps;
	e->valid |= EST_V_PREDICT;
}

/*
 * The forecast from the window's fixed and marginal costs: the whole
 * gamma(lambda) curve, so capacity, MLFRR and livelock point do not depend
 * on the load they were measured at (forecast.h).
 */
static void forecast(struct estimate *e)
{
	struct fc_summary fs;

	if (!e->win.costs_valid || !(e->valid & EST_V_LAMBDA))
		return;
	fs = fc_summarize(&e->win.costs);
	if (!(fs.capacity_pps > 0) || !isfinite(fs.mlfrr_pps))
		return;
	e->capacity_pps = e->mlfrr_gamma_pps = fs.capacity_pps;
	e->mlfrr_pps = fs.mlfrr_pps;
	e->livelock_pps = fs.livelock_pps;
	e->load_pct = 100 * e->lambda_pps / fs.mlfrr_pps;
	fc_at(&e->win.costs, e->lambda_pps, &e->fc);
	e->forecast_pps = e->fc.gamma_pps;
	e->valid |= EST_V_FORECAST;
}

/*
 * The fit: the forecast's model at this interval, with the share of the CPU
 * interrupt-priority work took in it as measured (so the batching law is not
 * tested here, only the costs): what the application could read in the CPU
 * left to it, or lambda.
 */
static void fit(struct estimate *e, const struct lt_sample *s)
{
	const struct fc_costs *c = &e->win.costs;
	double k = c->cpus, kern, avail, mu;

	if (!e->win.costs_valid || !(e->valid & EST_V_LAMBDA) || !(s->interval_s > 0) ||
	    !isfinite(c->app_dgram_ns) || !(c->app_dgram_ns > 0))
		return;
	kern = ((double)s->isr_ns + (double)s->softirq_ns) * NS / (s->interval_s * k);
	avail = fmax(0, 1 - c->app_share * fmin(kern, 1));
	mu = avail / (c->app_dgram_ns * NS);
	e->fit_pps = mu > 0 ? k * model_mm1b_throughput(e->lambda_pps / k, mu, c->buffer) : 0;
	if ((e->valid & EST_V_OBSERVED) && e->observed_pps > 0)
		e->fit_error_pct = 100 * (e->fit_pps - e->observed_pps) / e->observed_pps;
}

/*
 * 1/mu of an application whose socket overflowed: it was busy whenever it
 * had the CPU, so it served packets at mu over the time interrupt priority
 * left it: 1/mu <= that time / packets it read.  An interval only partly
 * loaded inflates the bound, so take the smallest over saturated intervals.
 * Assumes the reader runs on the RX CPUs; at those intervals the prediction
 * then agrees by construction, so the error there is no check.
 */
static double saturated_proto_ns(const struct lt_sample *w, unsigned int n)
{
	double best = NAN;

	for (unsigned int i = 0; i < n; i++) {
		double d = (double)w[i].delivered_packets, k = w[i].rx_cpus ? w[i].rx_cpus : 1;
		double busy = ((double)w[i].isr_ns + (double)w[i].softirq_ns) * NS;
		double avail = w[i].interval_s * k - busy;

		if ((double)w[i].drops_socket <= EST_SATURATED_DROP_FRAC * (d + w[i].drops_socket) ||
		    d < EST_MIN_FIT_N || !(avail > 0))
			continue;
		if (!(avail / d / NS >= best))
			best = avail / d / NS;
	}
	return best;
}

/* Without an application-side measurement, saturation tells mu; else the stack stands in. */
static void proto_from_saturation(struct est_params *p, const struct lt_sample *w, unsigned int n,
				  const struct est_opts *o)
{
	double v;

	if (o->mapping != EST_MAP_SOFTIRQ || o->deliver != EST_DELIVER_APP ||
	    !strcmp(p->proto_source, "app"))
		return;
	v = saturated_proto_ns(w, n);
	if (!isfinite(v))
		return;
	p->proto_ns = v;
	p->proto_sd_ns = NAN;
	p->proto_source = "saturation";
	p->valid |= EST_V_PROTO;
}

void estimator_update(struct estimator *est, const struct lt_sample *in, struct estimate *e)
{
	struct lt_sample c = *in, sum;
	double sub, sub_win = 0, pk, drops, obs;

	c.rx_cpus = est_rx_cpus(in);
	sub = est_probe_correct(&c);
	est->win[est->next] = c;
	est->sub[est->next] = sub;
	est->next = (est->next + 1) % est->o.window;
	if (est->n < est->o.window)
		est->n++;
	memset(&sum, 0, sizeof(sum));
	for (unsigned int i = 0; i < est->n; i++) {
		est_sample_add(&sum, &est->win[i]);
		sub_win += est->sub[i];
	}

	memset(e, 0, sizeof(*e));
	est_params_from(&c, &est->o, &e->cur);
	est_params_from(&sum, &est->o, &e->win);
	proto_from_saturation(&e->cur, &c, 1, &est->o);
	proto_from_saturation(&e->win, est->win, est->n, &est->o);
	e->cur.probe_subtracted_ns = sub;
	e->win.probe_subtracted_ns = sub_win;
	e->window_n = est->n;
	e->mapping = est->o.mapping;
	e->interval_s = c.interval_s;
	e->predicted_pps = e->error_pct = e->cpu_avail_model = NAN;
	e->livelock_pps = e->mlfrr_pps = e->mlfrr_gamma_pps = e->load_pct = NAN;
	e->capacity_pps = e->forecast_pps = e->fit_pps = e->fit_error_pct = NAN;
	e->observed_pps = e->irqs_per_s = e->drop_frac = e->cpu_avail_measured = NAN;
	e->kind = MODEL_IDEAL;

	e->lambda_pps = est_lambda_pps(&c, &e->lambda_source);
	if (isfinite(e->lambda_pps))
		e->valid |= EST_V_LAMBDA;
	obs = est->o.deliver == EST_DELIVER_STACK ? (double)c.stack_packets :
	      est->o.deliver == EST_DELIVER_FORWARD ? (double)c.forwarded_packets :
	      (double)c.delivered_packets;
	if (c.interval_s > 0) {
		e->observed_pps = obs / c.interval_s;
		e->irqs_per_s = (double)c.irqs / c.interval_s;
		e->valid |= EST_V_OBSERVED;
	}
	e->drops_nic = (double)c.drops_nic;
	e->drops_backlog = (double)c.drops_backlog;
	e->drops_socket = (double)c.drops_socket;
	e->drops_other = (double)c.drops_other;
	drops = e->drops_nic + e->drops_backlog + e->drops_socket + e->drops_other;
	pk = (e->valid & EST_V_LAMBDA) ? e->lambda_pps * c.interval_s : 0;
	e->drop_frac = pk > 0 ? drops / pk : (drops > 0 ? 1 : 0);
	if (isfinite(e->cur.share_measured))
		e->cpu_avail_measured = fmin(fmax(1 - e->cur.share_measured, 0), 1);

	if (est->o.buffer > 0) {
		e->buffer = est->o.buffer;
		e->buffer_source = "--buffer";
	} else if (est->ring) {
		e->buffer = est->ring;
		e->buffer_source = "rx ring";
	} else {
		e->buffer = EST_DEFAULT_BUFFER;
		e->buffer_source = "default (netdev_max_backlog)";
	}
	est->buffer = e->buffer;
	/*
	 * The run's costs pool its steady intervals: every busy one but the
	 * first and the last, which traffic fills only partly (their costs are
	 * a lighter load's).
	 */
	if ((e->valid & EST_V_LAMBDA) && e->lambda_pps * c.interval_s >= EST_IDLE_MIN_PACKETS) {
		if (est->busy_seen++ >= 2) {
			est_sample_add(&est->run, &est->run_last);
			est->run_n++;
		}
		est->run_last = c;
	}
	est_costs_from(&c, &est->o, e->buffer, &e->cur);
	est_costs_from(&sum, &est->o, e->buffer, &e->win);
	predict(e);
	forecast(e);
	fit(e, &c);
	e->state = est_state_of(e);
}

bool estimator_run_forecast(const struct estimator *est, struct est_params *p, struct fc_summary *fs)
{
	*fs = (struct fc_summary){ NAN, NAN, NAN };
	const struct lt_sample *s = est->run_n ? &est->run : &est->run_last;	/* short runs: the last busy one */

	est_params_from(s, &est->o, p);
	if (!est->busy_seen || !est_costs_from(s, &est->o, est->buffer, p))
		return false;
	*fs = fc_summarize(&p->costs);
	return isfinite(fs->capacity_pps);
}
