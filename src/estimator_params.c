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
#include <string.h>
#include "estimator.h"

#define NS	1e-9

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

/* Interrupt priority = hard IRQ + NET_RX softirq (--mapping softirq, see the top). */
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
	/*
	 * The runs that polled the device and found nothing (NAPI deferral's
	 * timer polls, TX-only polls) are interrupt-priority work for it too:
	 * they take the same CPU from the application.
	 */
	p->share_measured = s->interval_s > 0 ?
		((double)s->isr_ns + (double)s->softirq_ns + (double)s->sirq_empty_ns) * NS /
		(s->interval_s * p->cpus) : NAN;
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
	est_fit_solve(&s->app_wake_fit, &p->app_fit);
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
