/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The forecast: delivered throughput at loads not seen yet, from costs
 * measured at one load (DESIGN section 8).  Pure math: no I/O, no libbpf.
 *
 * An extension of the paper's model.  Each stage costs a fixed part per
 * event and a marginal part per packet:
 *
 *   hard IRQ     irq_fixed per interrupt   + irq_pkt per packet passed up in it
 *   NET_RX       rx_fixed per busy period  + rx_pkt per packet (dropped ones too)
 *   application  app_wakeup per wakeup     + app_dgram per datagram read
 *
 * Batching follows from exhaustive service with a setup: a busy period
 * opened by one arrival, with setup S and marginal cost b, serves
 * N = (1 + lambda.S) / (1 - lambda.b) packets, so interrupts/s = lambda/N
 * (capped by coalescing), and the application, woken once per busy period
 * of its own, pays app_wakeup per (B + lambda.Sa)/(1 - lambda.ba) datagrams,
 * where B datagrams reach the socket together: a NET_RX busy period's batch
 * when the application shares the RX CPU (it cannot run during the batch),
 * 1 when it reads on other CPUs (Poisson arrivals, the exhaustive-service
 * busy period of batch arrivals).
 * Interrupt-priority work takes the CPU first; what it leaves (on the CPU
 * the application shares with it, app_share) serves the application, whose
 * throughput is the M/M/1/B formula with that service rate.  NET_RX runs at
 * interrupt priority, except the part of its busy periods beyond the softirq
 * time limit, which ksoftirqd runs sharing the CPU fairly; all of it runs
 * fairly when it is threaded (threaded NAPI, PREEMPT_RT).
 *
 * With irq_fixed = 1/r - 1/c, irq_pkt = 1/c, S = irq_fixed, app_dgram = 1/mu
 * and everything else 0 this is the paper's no-DMA NIC exactly; with
 * irq_pkt = 0 and S = irq_fixed = 1/r its NIC with DMA (tests check both).
 * Other processes on the application's CPU are not in the model: it
 * assumes the application gets what interrupt work leaves (the live view
 * shows the share other tasks took, `app_other`).  Times in ns, rates in
 * packets/s.
 */
#ifndef LT_FORECAST_H
#define LT_FORECAST_H
#include <stdbool.h>

#define FC_DEFER_NS_DEFAULT	2e6	/* MAX_SOFTIRQ_TIME, and netdev_budget_usecs' default */
#define FC_PEAK_FRAC		0.995	/* MLFRR: the lowest load delivering this share of the capacity */
#define FC_LIVELOCK_FRAC	0.10	/* livelock: past the MLFRR, delivering under this share of the capacity */

struct fc_costs {
	double cpus;		/* model copies at lambda/cpus: RX CPUs, at most the readers in parallel */
	double buffer;		/* B, packets */
	double irq_fixed_ns, irq_pkt_ns;
	double rx_fixed_ns, rx_pkt_ns;
	double app_wakeup_ns, app_dgram_ns;	/* app_dgram_ns NAN: no application measured */
	double app_share;	/* 0..1: the interrupt-priority work the application's CPU gets */
	double setup_ns;	/* S of an interrupt (or softirq) busy period */
	double irq_cap_pps;	/* coalescing timer: interrupts/s per copy at most; INFINITY */
	double frames_per_irq;	/* coalescing frame count; <= 1: none */
	bool napi;		/* interrupt masked while NET_RX polls (the poll's packets extend it) */
	bool threaded;		/* NET_RX scheduled fairly with the application at any load */
	double defer_ns;	/* a NET_RX busy period longer than this is deferred to ksoftirqd */
	/*
	 * NAPI's own deferral (napi_defer_hard_irqs N, gro_flush_timeout T;
	 * per device in sysfs, per NAPI over netlink from 6.13): after a poll
	 * with work the interrupt stays masked and a timer polls again T later,
	 * until N polls in a row find nothing.  0, 0: off (the kernel's default).
	 */
	double defer_irqs, gro_flush_ns;
	/*
	 * A NET_RX run that polls the device and finds nothing (a deferral
	 * timer's poll), measured where the observation had them; <= 0 or NAN:
	 * not measured, priced as a busy period's setup and NET_RX fixed cost.
	 */
	double rx_empty_ns;
	/*
	 * How much later than gro_flush_timeout the timer's polls come (its
	 * expiry, the softirq it raises), where an observation under deferral
	 * could tell; 0 otherwise.
	 */
	double timer_late_ns;
};

struct fc_point {
	double lambda_pps, gamma_pps;
	double irqs_pps;		/* interrupts/s, all copies */
	double polls_pps;		/* NET_RX busy periods/s, all copies: the interrupts', and NAPI
					   deferral's timer polls */
	double empty_polls_pps;		/* of those, the timer's polls that find nothing */
	double batch;			/* packets per busy period (INFINITY: never re-enabled) */
	double cpu_irq, cpu_rx, cpu_app;	/* shares of one RX CPU */
	double kernel_pps;		/* packets NET_RX gets to the sockets, all copies */
	double app_mu_pps;		/* the application's service rate per copy, wakeups amortised; NAN: none */
	double app_wakeups_pps;		/* the application's wakeups, all copies; NAN: none */
	bool deferred;			/* most NET_RX work deferred to ksoftirqd (or threaded) */
	const char *limit;		/* what bounds gamma: "offered", "application", "kernel", "interrupts" */
};

struct fc_summary {
	double capacity_pps;	/* the highest delivered rate */
	double mlfrr_pps;	/* the lowest lambda delivering FC_PEAK_FRAC of it */
	double livelock_pps;	/* past the MLFRR, delivery under FC_LIVELOCK_FRAC of it; INFINITY: none */
};

/* Every cost finite and >= 0 (app_dgram_ns may be NAN), cpus >= 1, buffer >= 1. */
bool fc_costs_valid(const struct fc_costs *c);
void fc_at(const struct fc_costs *c, double lambda_pps, struct fc_point *out);
struct fc_summary fc_summarize(const struct fc_costs *c);
/*
 * S from a measured batch: n_pkts packets per busy period at lambda_pps per
 * copy, with marginal b_ns; never below floor_ns (the period's own work).
 * A batch set by the coalescing cap says nothing of S: pass capped = true.
 */
double fc_setup_from_batch(double lambda_pps, double n_pkts, double b_ns, double floor_ns, bool capped);
/* The marginal cost that keeps a busy period going: the poll's with NAPI, else the handler's. */
double fc_busy_marginal_ns(const struct fc_costs *c);
/*
 * NAPI deferral at l packets/s per copy (forecast.c): interrupts/s,
 * polls/s and of those the ones that find nothing, per copy, and the delay
 * it adds to a packet (seconds): a packet inside an episode waits for the
 * timer's next poll, one that opens an episode interrupts at once.  false
 * when deferral is off.  empties may be NULL.
 */
bool fc_napi_defer(const struct fc_costs *c, double l, double *irqs, double *polls, double *empties,
		   double *delay_mean_s, double *delay_p99_s);
/* What a poll that finds nothing costs: rx_empty_ns where measured, else a busy period's setup. */
double fc_empty_poll_ns(const struct fc_costs *c);

/*
 * --- forecast_latency.c: how long a packet takes from the stack to the read ---
 *
 * Stack: the per-packet work at interrupt priority (irq_pkt + rx_pkt).
 * Socket: an M/M/1/B queue (the model's) with the arrivals NET_RX passes up
 * and the application's service rate of fc_at: the mean by Little's law
 * (L over the admitted rate) and p99 from the sojourn-time distribution of
 * an admitted packet (an Erlang of the packets it finds, plus its own).  A
 * packet also waits for the rest of its interrupt's batch: behind the others
 * when the application reads on another CPU slower than the stack delivers,
 * and, when the application shares the RX CPU, for the batch's busy period
 * to end and the reader to wake (forecast_latency.c, batch_wait).
 * Times in seconds; false (NANs) where no application was measured.
 */
struct fc_latency {
	double stack_s, socket_mean_s, socket_p99_s;
	double batch_mean_s, batch_p99_s;	/* the part of the socket time spent on the batch */
};
bool fc_latency_at(const struct fc_costs *c, const struct fc_point *p, struct fc_latency *out);
/* M/M/1/B, per copy: mean packets in the system, and P(sojourn > t) of an admitted packet. */
double fc_mm1b_mean(double lambda, double mu, double buffer);
double fc_mm1b_sojourn_tail(double lambda, double mu, double buffer, double t_s);

#endif
