// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Which Linux work is the paper's "interrupt priority"?
 *
 * The paper has one CPU, one server (protocol processing, rate mu, buffer B)
 * and work at interrupt priority that preempts it: a busy period opened by an
 * arrival to an idle CPU, costing 1/r, and, without DMA, 1/c more for every
 * packet that arrives meanwhile.  The no-DMA NIC livelocks at lambda = c
 * because that per-packet work is done at a priority the server never beats.
 *
 * On a NAPI NIC the hard IRQ is a few microseconds, and rare: it is masked
 * while the poll runs, so interrupts/s is far below lambda.  Driver RX, GRO,
 * IP/UDP and the socket enqueue run in the NET_RX softirq, which also
 * preempts every thread on that CPU, and whose time grows with every packet
 * in the poll.  What is starved, and whose buffer overflows, is the
 * application reading the socket.  So the paper's structure reappears one
 * level up:
 *
 *   EST_MAP_SOFTIRQ: interrupt priority = hard IRQ + NET_RX softirq.
 *     1/c = slope of softirq-run time against our packets in it (plus the
 *           ISR's own slope when the driver copies in its ISR, ne2k);
 *     1/r = fixed cost of a run (intercept + hard-IRQ time per run) + 1/c:
 *           "the busy period for one packet", as in the paper;
 *     1/mu = the application side per packet (recv copy to user), when the
 *           loader measures it, else the stack time per packet as a stand-in.
 *     A significant slope makes this the no-DMA structure: livelock at
 *     lambda = c, the rate at which softirq work alone fills the CPU.
 *   EST_MAP_PAPER (the command line's default): interrupt priority = hard
 *     IRQ only, the paper read literally: 1/r = hard-IRQ time, 1/c = the
 *     ISR's slope (PIO drivers), 1/mu = all NET_RX work per packet + the
 *     readers' time.  NAPI masks the NIC's interrupt while it polls, so the
 *     interrupt load vanishes under load and throughput levels off at mu:
 *     the paper's DMA NIC.  In the lab this extrapolates e1000's plateau
 *     (worst 1.6% off the sink), where the softirq mapping foresaw a
 *     livelock at the softirq's lambda = c that ksoftirqd deferral prevents.
 *
 * Busy periods: the model opens one per arrival to an idle CPU (lambda.p00 per
 * second); coalescing and NAPI open far fewer (irqs/s).  So by default 1/r
 * is calibrated: chosen so that the model's interrupt-priority share at the
 * window's lambda equals the measured share (time / interval / CPUs); 1/c,
 * hence the livelock point, is untouched.  With k RX CPUs the model is taken
 * as k independent copies at lambda/k (RSS).  Limits: ksoftirqd deferral
 * turns strict priority into fair sharing (ksoftirqd_frac shows it), and an
 * application on another CPU is not preempted at all: both make the
 * prediction pessimistic.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static const char *const mapping_names[EST_MAPPINGS] = { "softirq", "paper" };
static const char *const state_names[] = { "idle", "ok", "near-peak", "saturated", "livelock" };
static const char *const model_words[] = { "auto", "dma", "nodma" };	/* enum est_model_choice */
static const char *const deliver_words[] = { "app", "stack", "forward" };	/* enum est_deliver */
#define WORDS(a) (int)(sizeof(a) / sizeof((a)[0]))

static int word_index(const char *s, const char *const *words, int n)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(s, words[i]))
			return i;
	return -1;
}

const char *est_mapping_name(enum est_mapping m)
{
	return m < EST_MAPPINGS ? mapping_names[m] : "?";
}

const char *est_state_name(enum est_state s)
{
	return (int)s < WORDS(state_names) ? state_names[s] : "?";
}

const char *est_deliver_name(enum est_deliver d)
{
	return (int)d < WORDS(deliver_words) ? deliver_words[d] : "?";
}

bool est_parse_mapping(const char *s, enum est_mapping *out)
{
	int i = word_index(s, mapping_names, EST_MAPPINGS);

	if (i >= 0)
		*out = i;
	return i >= 0;
}

bool est_parse_model(const char *s, enum est_model_choice *out)
{
	int i = word_index(s, model_words, WORDS(model_words));

	if (i >= 0)
		*out = i;
	return i >= 0;
}

bool est_parse_deliver(const char *s, enum est_deliver *out)
{
	int i = word_index(s, deliver_words, WORDS(deliver_words));

	if (i >= 0)
		*out = i;
	return i >= 0;
}

/* Mean and spread from a count, total and sum of squares; NAN below EST_MIN_MEAN_N. */
static void mean_sd(double n, double tot, double sq, double *mean, double *sd)
{
	double m, v;

	*mean = *sd = NAN;
	if (n < EST_MIN_MEAN_N)
		return;
	m = tot / n;
	v = sq / n - m * m;
	*mean = m;
	if (sd)		/* no sum of squares (NAN): no spread, not zero spread */
		*sd = isnan(v) ? NAN : sqrt(v > 0 ? v : 0);
}

static double scv(double n, double tot, double sq)
{
	double m, sd;

	mean_sd(n, tot, sq, &m, &sd);
	return m > 0 ? sd * sd / (m * m) : NAN;
}

static void nic_classify(const struct lt_sample *s, struct est_params *p, char *why, size_t len)
{
	const struct est_fit *f = &p->isr_fit;

	if (s->irq_packets && f->grows) {
		p->nic_class = MODEL_NODMA;
		snprintf(why, len, "packets passed up inside the ISR, ISR time grows %.2f us/pkt (R2 %.2f, n %.0f)",
			 f->slope_ns / 1e3, f->r2, f->n);
	} else if (s->napi_polls) {
		p->nic_class = MODEL_DMA;
		if (f->valid)
			snprintf(why, len, "napi polls, ISR time flat in batch (slope %.2f us/pkt, R2 %.2f)",
				 f->slope_ns / 1e3, f->r2);
		else
			snprintf(why, len, "napi polls, no packets passed up inside the ISR");
	} else if (!s->irqs && s->stack_packets >= EST_IDLE_MIN_PACKETS) {
		/* veth, loopback, busy polling: the paper's DMA NIC with r -> inf */
		p->nic_class = MODEL_DMA;
		snprintf(why, len, "no hard interrupts (virtual device or busy polling): nothing at interrupt priority");
	} else if (s->irq_packets && f->valid) {
		p->nic_class = MODEL_DMA;
		snprintf(why, len, "packets passed up inside the ISR, ISR time flat in batch (slope %.2f us/pkt, R2 %.2f)",
			 f->slope_ns / 1e3, f->r2);
	} else {
		p->nic_class = MODEL_IDEAL;
		snprintf(why, len, "no NAPI polls and too few ISRs with packets to tell");
	}
}

static enum model_kind forced(const struct est_opts *o, enum model_kind measured)
{
	if (o->model == EST_MODEL_DMA)
		return MODEL_DMA;
	if (o->model == EST_MODEL_NODMA)
		return MODEL_NODMA;
	return measured;
}

/* The paper read literally: interrupt priority is the hard IRQ. */
static void map_paper(const struct lt_sample *s, const struct est_opts *o, struct est_params *p,
		      const char *nic_why)
{
	const struct est_fit *f = &p->isr_fit;

	p->kind = forced(o, p->nic_class);
	if (p->kind == MODEL_NODMA && f->valid) {
		double mean_pkt = s->irq_packets ? (double)s->isr_ns / (double)s->irq_packets : INFINITY;

		p->copy_ns = f->slope_ns > 0 ? f->slope_ns : 0;
		if (p->copy_ns > mean_pkt) {	/* as in map_softirq: cap at the mean */
			p->copy_ns = mean_pkt;
			p->copy_capped = true;
		}
		p->isr_struct_ns = fmax(f->intercept_ns + f->slope_ns, p->copy_ns);
	} else if (p->kind == MODEL_DMA) {
		p->copy_ns = 0;
		/* traffic and not one hard IRQ (veth, busy polling): r -> inf, measured */
		p->isr_struct_ns = !s->irqs && s->stack_packets >= EST_IDLE_MIN_PACKETS ? 0 :
				   p->hardirq_ns;
	}
	p->isr_sd_ns = p->kind == MODEL_NODMA ? f->resid_sd_ns : p->hardirq_sd_ns;
	p->share_measured = s->interval_s > 0 ?
		s->isr_ns * NS / (s->interval_s * p->cpus) : NAN;
	snprintf(p->reason, sizeof(p->reason), "%s%s", o->model != EST_MODEL_AUTO ? "--model; NIC: " : "",
		 nic_why);
}

/* Interrupt priority = hard IRQ + NET_RX softirq (the default, see the top). */
static void map_softirq(const struct lt_sample *s, const struct est_opts *o, struct est_params *p,
			const char *nic_why)
{
	const struct est_fit *f = &p->sirq_fit, *fi = &p->isr_fit;
	double isr_slope = p->nic_class == MODEL_NODMA ? fi->slope_ns : 0;
	double runs = (double)s->softirqs, fixed = NAN, per_pkt = NAN;
	enum model_kind measured = MODEL_IDEAL;

	if (f->valid) {
		per_pkt = fmax(f->slope_ns, 0) + isr_slope;
		measured = f->grows || isr_slope > 0 ? MODEL_NODMA : MODEL_DMA;
	} else if (runs >= EST_MIN_FIT_N && s->softirq_packets) {
		/*
		 * Every run the same size (light load: one packet each): the
		 * fixed cost cannot be told from the per-packet one.  Charge the
		 * whole run to its packets: 1/c an upper bound, so the livelock
		 * point is a lower bound, and said so.
		 */
		per_pkt = ((double)s->softirq_ns + (double)s->isr_ns) / (double)s->softirq_packets;
		p->copy_bound = true;
		measured = MODEL_NODMA;
	}
	/*
	 * A run's size is not set from outside: a run slowed down for any
	 * reason (a nested interrupt, a descheduled vCPU) collects more
	 * packets, which steepens the slope.  A slope above the mean
	 * interrupt-priority time per packet is impossible (the intercept would
	 * be negative): cap it there.  At this lambda the model then sits at the
	 * measured share, and the livelock point lies beyond lambda as long as
	 * the share is below 1.
	 */
	if (isfinite(per_pkt) && !p->copy_bound && s->softirq_packets) {
		double mean_pkt = ((double)s->softirq_ns + (double)s->isr_ns) /
				  (double)s->softirq_packets;

		if (per_pkt > mean_pkt) {
			per_pkt = mean_pkt;
			p->copy_capped = true;
		}
	}
	if (p->copy_bound || p->copy_capped) {
		fixed = 0;
	} else if (runs >= EST_MIN_MEAN_N) {
		double isr_fixed = fmax((double)s->isr_ns - isr_slope * (double)s->irq_packets, 0);

		fixed = (f->valid ? fmax(f->intercept_ns, 0) : 0) + isr_fixed / runs;
	}
	/* the spread of a run's time that its batch size does not explain */
	p->isr_sd_ns = f->resid_sd_ns;
	p->kind = forced(o, measured);
	if (p->kind == MODEL_NODMA && isfinite(per_pkt) && isfinite(fixed)) {
		p->copy_ns = per_pkt;
		p->isr_struct_ns = fixed + per_pkt;
	} else if (p->kind == MODEL_DMA && runs >= EST_MIN_MEAN_N) {
		p->copy_ns = 0;
		p->isr_struct_ns = ((double)s->isr_ns + (double)s->softirq_ns) / runs;
	}
	p->share_measured = s->interval_s > 0 ?
		((double)s->isr_ns + (double)s->softirq_ns) * NS / (s->interval_s * p->cpus) : NAN;
	if (o->model != EST_MODEL_AUTO)
		snprintf(p->reason, sizeof(p->reason), "--model; NIC: %s", nic_why);
	else if (p->copy_bound)
		snprintf(p->reason, sizeof(p->reason),
			 "NET_RX softirq runs all of %.0f packet(s): whole run charged per packet, 1/c an upper bound; NIC: %s",
			 f->mean_x, nic_why);
	else if (!f->valid)
		snprintf(p->reason, sizeof(p->reason),
			 "too few NET_RX softirq runs to separate per-packet cost; NIC: %s", nic_why);
	else if (p->copy_capped)
		snprintf(p->reason, sizeof(p->reason),
			 "NET_RX softirq grows %.2f us/pkt (R2 %.2f, n %.0f), more than its mean time per packet: 1/c capped at that mean; NIC: %s",
			 f->slope_ns / 1e3, f->r2, f->n, nic_why);
	else
		snprintf(p->reason, sizeof(p->reason),
			 "NET_RX softirq %s %.2f us/pkt (R2 %.2f, n %.0f)%s; NIC: %s",
			 measured == MODEL_NODMA ? "grows" : "flat in batch,", f->slope_ns / 1e3,
			 f->r2, f->n, measured == MODEL_NODMA ? ": livelock at lambda = c" : "",
			 nic_why);
}

/* 1/r such that the model's interrupt-priority share at lambda is the measured one. */
static void calibrate(struct est_params *p)
{
	double lam = p->lambda_pps / p->cpus, u = p->share_measured, q;

	p->isr_ns = p->isr_struct_ns;
	if (!isfinite(p->isr_struct_ns) || !(lam > 0) || !(u > 0 && u < 1))
		return;
	if (p->kind == MODEL_DMA) {
		p->isr_ns = u / (lam * (1 - u)) / NS;
	} else if (p->kind == MODEL_NODMA && isfinite(p->copy_ns)) {
		double lc = lam * p->copy_ns * NS;

		if (lc >= 1)
			return;
		q = u * (1 - lc) / (1 - u);
		p->isr_ns = q / lam / NS;
	}
}

void est_params_from(const struct lt_sample *s, const struct est_opts *o, struct est_params *p)
{
	char nic_why[128];
	double d;

	memset(p, 0, sizeof(*p));
	p->hardirq_ns = p->hardirq_sd_ns = p->isr_ns = p->isr_sd_ns = p->isr_struct_ns = NAN;
	p->copy_ns = p->proto_ns = p->proto_sd_ns = NAN;
	p->batch_per_irq = p->batch_per_poll = p->ksoftirqd_frac = NAN;
	p->share_measured = p->scv_arrival = p->scv_service = NAN;
	p->proto_source = "none";
	p->interval_s = s->interval_s;
	p->cpus = s->rx_cpus ? s->rx_cpus : 1;
	p->lambda_pps = est_lambda_pps(s, NULL);

	mean_sd((double)s->irqs, (double)s->isr_ns, s->isr_ns_sq, &p->hardirq_ns, &p->hardirq_sd_ns);
	est_fit_solve(&s->isr_fit, &p->isr_fit);
	est_fit_solve(&s->softirq_fit, &p->sirq_fit);
	if (s->irqs) {
		d = s->napi_polls ? s->napi_packets : s->irq_packets ? s->irq_packets : s->stack_packets;
		p->batch_per_irq = d / (double)s->irqs;
	}
	if (s->napi_polls) {
		p->batch_per_poll = (double)s->napi_packets / (double)s->napi_polls;
		p->ksoftirqd_frac = (double)s->napi_polls_ksoftirqd / (double)s->napi_polls;
	}
	p->scv_arrival = scv(s->iat_n, s->iat_ns, s->iat_ns_sq);

	nic_classify(s, p, nic_why, sizeof(nic_why));
	if (o->mapping == EST_MAP_PAPER)
		map_paper(s, o, p, nic_why);
	else
		map_softirq(s, o, p, nic_why);
	if (o->no_calibrate)
		p->isr_ns = p->isr_struct_ns;
	else
		calibrate(p);

	/* 1/mu: the application side when measured; else the kernel's per-packet time */
	if (o->mapping == EST_MAP_PAPER && s->softirq_packets >= EST_MIN_MEAN_N && s->softirqs) {
		p->proto_ns = (double)s->softirq_ns / (double)s->softirq_packets;
		p->proto_source = "softirq";
	} else if (s->app_timed < EST_MIN_MEAN_N || o->mapping == EST_MAP_PAPER) {
		mean_sd((double)s->stack_timed, (double)s->stack_ns, s->stack_ns_sq, &p->proto_ns,
			&p->proto_sd_ns);
		p->proto_source = "stack";
	}
	p->scv_service = scv((double)s->stack_timed, (double)s->stack_ns, s->stack_ns_sq);
	if (s->app_timed >= EST_MIN_MEAN_N) {
		double m, sd;

		mean_sd((double)s->app_timed, (double)s->app_ns, s->app_ns_sq, &m, &sd);
		if (o->mapping == EST_MAP_PAPER && isfinite(p->proto_ns)) {
			p->proto_ns += m;	/* the paper's Figure 4: protocol time includes the copy */
			p->proto_source = p->proto_source[0] == 's' && p->proto_source[1] == 'o' ?
				"softirq+app" : "stack+app";
		} else if (o->mapping == EST_MAP_SOFTIRQ) {
			p->proto_ns = m;
			p->proto_sd_ns = sd;
			p->proto_source = "app";
			p->scv_service = scv((double)s->app_timed, (double)s->app_ns, s->app_ns_sq);
		}
	}
	if (!isfinite(p->proto_ns))
		p->proto_source = "none";

	p->valid = 0;
	if (isfinite(p->lambda_pps))
		p->valid |= EST_V_LAMBDA;
	if (isfinite(p->isr_ns))
		p->valid |= EST_V_ISR;
	if (p->kind == MODEL_NODMA && isfinite(p->copy_ns))
		p->valid |= EST_V_COPY;
	if (isfinite(p->proto_ns) && p->proto_ns > 0)
		p->valid |= EST_V_PROTO;
	if (p->kind != MODEL_IDEAL)
		p->valid |= EST_V_MODEL;
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
	/* the window keeps copies: never the probe's per-CPU buffers */
	c.n_cpu = 0;
	c.cpu_softirqs = c.cpu_softirq_ns = c.cpu_softirq_packets = NULL;
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
