// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Counters -> the forecast's costs: each stage's fixed part per event and
 * marginal part per packet (DESIGN section 8).  Marginal costs are measured
 * directly where the probes allow, as the mean span between consecutive
 * events inside one handler, softirq run or reader slice; only where no run
 * held two events does a regression or a bound stand in (and says so).
 * Fixed parts are what the totals leave: total time minus marginal cost x
 * packets, per event.
 */
#include <math.h>
#include <string.h>
#include "estimator.h"

#define NS		1e-9
#define LIST_SHARE	0.05	/* a marginal NET_RX cost under this share of the mean: lists (see rx_costs) */
#define SHARE_UNKNOWN	1.0	/* no reader time seen: assume it shares the RX CPU (pessimistic) */

const char *est_cost_how_name(enum est_cost_how h)
{
	static const char *const names[] = { "none", "gaps", "fit", "stack", "bound", "enqueues" };

	return (unsigned int)h < sizeof(names) / sizeof(names[0]) ? names[h] : "?";
}

static double per(double total, double n)
{
	return n > 0 ? total / n : NAN;
}

/* A regression slope usable as a marginal cost: positive, significant, under the mean. */
static bool slope_usable(const struct est_fit *f, double mean_per_pkt)
{
	return f->valid && f->grows && f->slope_ns > 0 && f->slope_ns <= mean_per_pkt;
}

/* Hard IRQ: per interrupt, and per packet its handler passes up (PIO drivers). */
static void irq_costs(const struct lt_sample *s, struct est_params *p, struct fc_costs *c)
{
	double irqs = (double)s->irqs, pk = (double)s->irq_packets;
	double mean_pkt = per((double)s->isr_ns, pk);

	c->irq_fixed_ns = c->irq_pkt_ns = 0;
	p->irq_pkt_how = EST_COST_NONE;
	if (irqs < EST_MIN_MEAN_N)
		return;
	if (pk >= EST_MIN_MEAN_N) {
		if (s->irq_gap_n >= EST_MIN_FIT_N) {
			c->irq_pkt_ns = per((double)s->irq_gap_ns, (double)s->irq_gap_n);
			p->irq_pkt_how = EST_COST_GAPS;
		} else if (slope_usable(&p->isr_fit, mean_pkt)) {
			c->irq_pkt_ns = p->isr_fit.slope_ns;
			p->irq_pkt_how = EST_COST_FIT;
		} else if (s->irq_first_n >= EST_MIN_MEAN_N) {
			/* one packet per handler: its entry to the packet (includes the entry) */
			c->irq_pkt_ns = per((double)s->irq_first_ns, (double)s->irq_first_n);
			p->irq_pkt_how = EST_COST_BOUND;
		} else {
			c->irq_pkt_ns = mean_pkt;
			p->irq_pkt_how = EST_COST_BOUND;
		}
	}
	c->irq_fixed_ns = fmax(0, ((double)s->isr_ns - c->irq_pkt_ns * pk) / irqs);
}

/* NET_RX: per busy period (an interrupt's, or a run without IRQs), and per packet. */
static bool rx_costs(const struct lt_sample *s, struct est_params *p, struct fc_costs *c,
		     double *periods)
{
	double pk = (double)s->softirq_packets, mean_pkt = per((double)s->softirq_ns, pk), gap, stack;
	bool gap_ok, stack_ok;

	c->rx_fixed_ns = c->rx_pkt_ns = 0;
	c->rx_empty_ns = NAN;
	p->rx_pkt_how = EST_COST_NONE;
	/*
	 * A busy period is an interrupt's, which NAPI may poll several times;
	 * under NAPI's deferral each timer poll with packets is one of its own
	 * (the forecast pays the fixed cost a poll there), and the interrupts
	 * are only the episodes' first.
	 */
	*periods = s->napi_polls && s->irqs >= EST_MIN_MEAN_N && !(c->defer_irqs >= 1 && c->gro_flush_ns > 0) ?
		   (double)s->irqs : (double)s->softirqs;
	if (pk < EST_MIN_MEAN_N || !(*periods > 0))
		return false;
	/*
	 * Drivers that pass packets up in lists (GRO's batch, virtio) let a
	 * list's packets enter the stack together and do their protocol work
	 * after: their gaps, and their GRO call times, say nothing of it.  A
	 * marginal cost under LIST_SHARE of the mean time per packet is that.
	 */
	gap = per((double)s->sirq_gap_ns, (double)s->sirq_gap_n);
	stack = per((double)s->stack_ns, (double)s->stack_timed);
	gap_ok = gap >= LIST_SHARE * mean_pkt;
	stack_ok = stack >= LIST_SHARE * mean_pkt;
	/*
	 * Where the enqueues are seen (6.10+), the span from one to the next
	 * in a poll is a packet's whole marginal cost when packets go up one
	 * by one.  A list goes through the core first (its gaps with no
	 * enqueue between), then the IP layer routes it (from its last core
	 * entry to its first enqueue: the slope over the lists' lengths), then
	 * each packet is delivered (the enqueues' spans): the three add.  The
	 * span after a poll's first enqueue, which may wake the reader (a cost
	 * per wakeup), is left out, as is every span across a poll's end (per
	 * poll).
	 */
	if (s->sirq_enq_gap_n >= EST_MIN_FIT_N) {
		double list_share = fmin(1, (double)s->sirq_list_gap_n / (double)s->sirq_enq_gap_n);
		double list = s->sirq_list_gap_n ? per((double)s->sirq_list_gap_ns, (double)s->sirq_list_gap_n) : 0;
		struct est_fit ip;
		double ip_pkt;

		/*
		 * The IP pass is a setup per list plus a cost per packet: the
		 * slope over lists of different lengths, 0 where they did not
		 * vary enough to say (lists at light load are rare and short).
		 */
		est_fit_solve(&s->list_ip_fit, &ip);
		ip_pkt = ip.valid && ip.grows && ip.slope_ns > 0 ? ip.slope_ns : 0;
		c->rx_pkt_ns = per((double)s->sirq_enq_gap_ns, (double)s->sirq_enq_gap_n) +
			       list_share * (list + ip_pkt);
		p->rx_pkt_how = EST_COST_ENQUEUE;
	} else if (s->sirq_gap_n >= EST_MIN_FIT_N && gap_ok) {
		c->rx_pkt_ns = gap;
		p->rx_pkt_how = EST_COST_GAPS;
	} else if (s->stack_timed >= EST_MIN_MEAN_N && stack_ok) {	/* direct, without the driver's part */
		c->rx_pkt_ns = fmin(stack, mean_pkt);
		p->rx_pkt_how = EST_COST_STACK;
	} else if (s->sirq_gap_n >= EST_MIN_MEAN_N && gap_ok) {	/* a few runs held two: still measured */
		c->rx_pkt_ns = per((double)s->sirq_gap_ns, (double)s->sirq_gap_n);
		p->rx_pkt_how = EST_COST_GAPS;
	} else if (slope_usable(&p->sirq_fit, mean_pkt)) {
		c->rx_pkt_ns = p->sirq_fit.slope_ns;
		p->rx_pkt_how = EST_COST_FIT;
	} else {
		c->rx_pkt_ns = mean_pkt;
		p->rx_pkt_how = EST_COST_BOUND;
	}
	c->rx_pkt_ns = fmin(c->rx_pkt_ns, mean_pkt);	/* gaps include nested work: never above the mean */
	c->rx_fixed_ns = fmax(0, ((double)s->softirq_ns - c->rx_pkt_ns * pk) / *periods);
	/*
	 * The runs that polled the device and found nothing, where deferral
	 * makes them the timer's polls and there were some.  Without deferral
	 * they are TX-only polls of another kind (4-9 us on the lab's e1000
	 * against 21-33 us for the timer's), which price no timer poll.
	 */
	c->rx_empty_ns = c->defer_irqs >= 1 && c->gro_flush_ns > 0 && s->sirq_empty_n >= EST_MIN_MEAN_N ?
			 per((double)s->sirq_empty_ns, (double)s->sirq_empty_n) : NAN;
	return true;
}

/* The application: per wakeup, and per datagram read. */
static bool app_costs(const struct lt_sample *s, const struct est_opts *o, struct est_params *p,
		      struct fc_costs *c)
{
	double reads = s->app_reads ? (double)s->app_reads : (double)s->app_timed;

	c->app_dgram_ns = c->app_wakeup_ns = NAN;
	c->app_share = s->app_oncpu_ns > 0 ? fmin(1, s->app_oncpu_rx_ns / s->app_oncpu_ns) : SHARE_UNKNOWN;
	p->app_dgram_how = EST_COST_NONE;
	p->app_other = s->app_oncpu_ns > 0 ? s->app_oncpu_other_ns / s->app_oncpu_ns : NAN;
	if (o->deliver != EST_DELIVER_APP) {	/* the stack (or forwarding) is the last stage */
		c->app_share = 0;
		return true;
	}
	/*
	 * First the spans from one read to the next (or to the wait call), then
	 * the wakeups' fit of on-CPU time against datagrams read.  Taken first,
	 * the fit was no better in the lab and, in one CI run on veth, read a
	 * slow reader's 150 us a datagram as 91-112 us: it stands in where too
	 * few spans were seen.
	 */
	if (s->app_gap_n >= EST_MIN_MEAN_N) {
		c->app_dgram_ns = per((double)s->app_gap_ns, (double)s->app_gap_n);
		p->app_dgram_how = EST_COST_GAPS;
	} else if (slope_usable(&p->app_fit, per((double)s->app_ns, reads))) {
		c->app_dgram_ns = p->app_fit.slope_ns;
		p->app_dgram_how = EST_COST_FIT;
	} else if (s->app_tail_n >= EST_MIN_FIT_N) {
		/* one datagram per wakeup: its read to the sleep, the way to sleep included */
		c->app_dgram_ns = per((double)s->app_tail_ns, (double)s->app_tail_n);
		p->app_dgram_how = EST_COST_BOUND;
	} else if (s->app_timed >= EST_MIN_MEAN_N && s->app_ns) {
		c->app_dgram_ns = per((double)s->app_ns, (double)s->app_timed);
		p->app_dgram_how = EST_COST_BOUND;
	} else {
		return false;
	}
	c->app_wakeup_ns = s->app_sleeps >= EST_MIN_MEAN_N && reads > 0 ?
		fmax(0, ((double)s->app_ns - c->app_dgram_ns * reads) / (double)s->app_sleeps) : 0;
	return true;
}

bool est_costs_from(const struct lt_sample *s, const struct est_opts *o, double buffer,
		    struct est_params *p)
{
	struct fc_costs *c = &p->costs;
	double periods, lam = p->lambda_pps / p->cpus, batch, floor, l_busy, irq_rate;
	bool capped;

	memset(c, 0, sizeof(*c));
	c->cpus = p->cpus;
	c->buffer = buffer >= 1 ? buffer : EST_DEFAULT_BUFFER;
	c->irq_cap_pps = o->irq_cap_pps > 0 ? o->irq_cap_pps : INFINITY;
	c->frames_per_irq = o->frames_per_irq;
	c->threaded = o->rx_threaded;
	c->defer_ns = o->defer_us > 0 ? o->defer_us * 1e3 : FC_DEFER_NS_DEFAULT;
	c->napi = s->napi_polls > 0;
	c->defer_irqs = o->napi_defer_irqs > 0 ? o->napi_defer_irqs : 0;
	c->gro_flush_ns = o->gro_flush_ns > 0 ? o->gro_flush_ns : 0;
	irq_costs(s, p, c);
	p->costs_valid = rx_costs(s, p, c, &periods) & app_costs(s, o, p, c) & (lam > 0);
	/* the batching law's setup, from the batch measured at this load */
	batch = (double)s->softirq_packets / periods;
	/* arrivals during the busy period's own fixed work join its batch (the paper's 1/r) */
	floor = c->irq_fixed_ns + (c->napi ? c->rx_fixed_ns : 0);
	/*
	 * A batch a throttle set says nothing of S: a fixed one at its cap, or
	 * the driver's own rule unless the interrupts stayed below the lowest
	 * rate that rule holds to.
	 */
	irq_rate = s->interval_s > 0 ? (double)s->irqs / s->interval_s / p->cpus : 0;
	capped = (isfinite(c->irq_cap_pps) && irq_rate >= 0.9 * c->irq_cap_pps) ||
		 (o->irq_dynamic && !(irq_rate < 0.9 * o->irq_dynamic_floor_pps)) ||
		 (c->napi && c->defer_irqs >= 1 && c->gro_flush_ns > 0);	/* NAPI's timer set the batch */
	c->setup_ns = fc_setup_from_batch(lam, batch, fc_busy_marginal_ns(c), floor, capped);
	/* NET_RX already in ksoftirqd at this load: deferral starts at this busy period */
	if (p->ksoftirqd_frac >= 0.5) {
		double b = (c->rx_pkt_ns + (c->napi ? c->irq_pkt_ns : 0)) * NS;

		l_busy = lam * b < 1 ? (c->setup_ns * NS + b) / (1 - lam * b) / NS : 0;
		if (l_busy > 0)
			c->defer_ns = fmin(c->defer_ns, l_busy);
	}
	p->costs_valid = p->costs_valid && fc_costs_valid(c);
	return p->costs_valid;
}
