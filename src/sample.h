/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * One interval of measurement of one NIC: what the probe loader produces
 * (deltas of the BPF counters, summed over CPUs, plus device statistics) and
 * what the estimator consumes.  Userspace only; the BPF map layout lives in
 * bpf/livelock.h and is converted into this by the loader.
 * Every counter is a delta over `interval_s`.  Times are nanoseconds.
 */
#ifndef LT_SAMPLE_H
#define LT_SAMPLE_H
#include <stdbool.h>
#include <stdint.h>

#include <linux/types.h>
#include "livelock.h"	/* LT_HIST_SLOTS, LT_BATCH_SLOTS: defined once, shared with BPF */

/* Least-squares sums for a fit y = a + b x over events (x packets, y ns). */
struct lt_fit_sums {
	double n, sx, sy, sxx, sxy, syy;
};

/*
 * One CPU's NET_RX runs that handled this NIC's packets.  The sample is a
 * value: it owns these, so a copy (the estimator's window) is complete.
 */
#define LT_CPU_SLOTS	1024	/* CPUs kept one by one; the totals count every CPU */
struct lt_cpu_rx {
	uint64_t softirqs;		/* runs */
	uint64_t softirq_ns;		/* their time */
	uint64_t softirq_packets;	/* this NIC's packets in them */
};

struct lt_sample {
	double interval_s;

	/* the one-for-one counters, fits and histograms of bpf/livelock.h */
#define X(field, type, key, doc) type field;
	LT_COUNTERS(X)
#undef X
#define X(field, doc) struct lt_fit_sums field;
	LT_FITS(X)
#undef X
#define X(field, slots, key, doc) uint64_t field[slots];
	LT_HISTS(X)
#undef X

	/* hard IRQ handlers of the NIC's IRQs (irq_handler_entry -> exit) */
	uint64_t irqs;			/* handled (IRQ_HANDLED) invocations */
	uint64_t irqs_none;		/* IRQ_NONE: shared line, not ours    */
	uint64_t isr_ns;		/* total handler time, handled ones   */
	double   isr_ns_sq;		/* sum of squared handler times       */
	int n_irq;			/* the NIC's IRQs, one by one (nic_info order) */
	unsigned int irq_num[LT_IRQ_SLOTS];
	uint64_t irq_count[LT_IRQ_SLOTS], irq_ns[LT_IRQ_SLOTS], irq_none[LT_IRQ_SLOTS];

	/* NET_RX softirq runs that handled this NIC's packets: softirq_fit's n, sy and sx */
	uint64_t softirqs;
	uint64_t softirq_ns;
	uint64_t softirq_packets;
	int n_cpu;			/* CPUs 0..n_cpu-1 in cpu[] (at most LT_CPU_SLOTS) */
	struct lt_cpu_rx cpu[LT_CPU_SLOTS];

	/* NAPI instances of this device that polled in this interval */
	int n_napi;
	unsigned int napi_id[LT_NAPI_MAX];
	uint64_t napi_inst_polls[LT_NAPI_MAX], napi_inst_packets[LT_NAPI_MAX],
		 napi_inst_full[LT_NAPI_MAX];

	/* arrivals counted by XDP */
	bool     xdp_valid;		/* false: no XDP counter attached */
	uint64_t xdp_packets;

	/* drops, by place */
	uint64_t drops_nic;		/* device statistics: rx_missed, fifo, no buffer */
	uint64_t drops_backlog;		/* softnet backlog full */
	uint64_t drops_socket;		/* socket receive buffer full */
	uint64_t drops_other;		/* any other kfree_skb of this device's packets */

	/* our own probe cost (kernel.bpf_stats_enabled); < 0 when unknown */
	double   probe_ns_per_irq;	/* added to every handler time we measure */
	double   probe_ns_per_packet;	/* added to every stack time we measure   */

	/* the application side (0 = not measured) */
	uint32_t rx_cpus;		/* CPUs that ran this NIC's hard IRQ or NET_RX work */
	uint64_t app_timed;		/* datagrams of this device read by applications, timed */
	uint64_t app_ns;		/* on-CPU time of the threads that read them, per read:
					 * recv copy to user + the application's own work */
	double   app_ns_sq;		/* sum of squares, per datagram */
	uint32_t app_threads;		/* reader threads that ran in this interval */
	double   app_oncpu_ns;		/* readers' on-CPU time (all CPUs)          */
	double   app_oncpu_rx_ns;	/* ... weighted by the NIC's interrupt-priority work on that CPU (0..1) */
	double   app_oncpu_other_ns;	/* ... weighted by the share other tasks took of that CPU (0..1) */
};

#endif
