/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The one header shared by the BPF programs and userspace: map layouts and
 * slot counts.  __u64/__u32 only, largest first, no pointers or bitfields.
 * Every counter is per-CPU and monotonic; userspace sums CPUs and takes
 * deltas (a u64 difference is right across a wrap).
 */
#ifndef LT_LIVELOCK_H
#define LT_LIVELOCK_H

#define LT_HIST_SLOTS	32	/* log2 histogram of nanoseconds         */
#define LT_BATCH_SLOTS	66	/* packets per poll/ISR: 0..64, 65 = >64  */
#define LT_MAX_IRQS	4096	/* IRQ numbers the filter map covers      */
#define LT_IRQ_SLOTS	64	/* a NIC's IRQs timed one by one; the filter map holds slot + 1 */
#define LT_XDP_QUEUES	64	/* RX queues counted apart by XDP; the last takes the rest */
#define LT_MAX_DEVS	16	/* devices traced together (an upper device's lower ones) */

enum lt_drop_place {
	LT_DROP_BACKLOG,	/* softnet backlog full (netif_rx)        */
	LT_DROP_SOCKET,		/* socket receive buffer full             */
	LT_DROP_OTHER,		/* any other kfree_skb of our packets     */
	LT_DROP_PLACES,
};

/* Least-squares sums: x packets, y nanoseconds. */
struct lt_fit {
	__u64 n, sx, sy, sxx, sxy, syy;
};

/* Per-CPU scratch of the handlers (inside lt_counters: one map lookup per event). */
struct lt_cpu_state {
	__u64 irq_start, irq_packets;
	__u64 sirq_start, sirq_packets;
	__u64 stack_start, last_arrival;
	__u64 irq_last_rx;	/* time of the last netif_rx inside the running handler */
	__u64 sirq_last_pkt;	/* time our last packet entered the stack in the running softirq */
	__u64 idle_since;	/* the idle task runs on this CPU since, 0 = not idle */
	__u64 pending_ours;	/* our packets in the stack, not yet queued to a socket */
	__u64 sirq_nested;	/* our hard-IRQ time nested inside the running softirq */
	__u64 epoch;		/* sampling window these fields belong to (see window_epoch) */
	__u32 irq_active;	/* slot + 1 of the IRQ being handled, 0 = none */
	__u32 sirq_active;
	__u32 stack_depth;
	__u32 reserved;		/* keeps the struct a whole number of u64 */
	__u32 reader_on;	/* the task on this CPU is a reader ... */
	__u32 reader_tid;	/* ... this one */
};

/* A thread that reads this device's packets: its on-CPU time is the application's. */
struct lt_reader {
	__u64 on_since;		/* switched in at, 0 = off CPU */
	__u64 ns;		/* on-CPU time so far */
	__u64 mark_ns;		/* ns + 1 at its last read, 0 = none open */
	__u64 mark_stolen;	/* its CPU's reader_stolen_ns then */
	__u32 mark_cpu;		/* that CPU */
	__u32 mark_epoch;	/* and the sampling window (a span never straddles two) */
};

/* One IRQ of the NIC: handler time of IRQ_HANDLED invocations, and IRQ_NONE ones. */
struct lt_irq_stat {
	__u64 count, ns, none, reserved;	/* squares: in isr_fit.syy */
};

/*
 * The costs split into a fixed and a marginal part, measured directly (the
 * forecast's inputs, DESIGN section 8): one list, which makes the BPF
 * counters, the sample's fields, their deltas, window sums and JSON keys
 * (probe.c, sample.h, estimator_sums.c, raw_view.c).  A gap is the time from
 * one event to the next of the same kind inside one handler, softirq run or
 * reader slice; a reader's is its on-CPU time minus interrupt work on top.
 *   X(field, JSON key of the interval's delta, what it counts)
 */
#define LT_COST_COUNTERS(X)							\
	X(app_reads,	"app_reads",		"datagrams read by reader threads")		\
	X(app_sleeps,	"app_sleeps",		"reader sleeps: one wakeup each")		\
	X(app_gap_n,	"app_gaps",		"reader spans from one read to the next, or to its wait call") \
	X(app_gap_ns,	"app_gap_ns_total",	"their time")					\
	X(app_gap_ns_sq, "app_gap_ns_sq_total",	"their squares")				\
	X(app_tail_n,	"app_tails",		"reader spans from its last read to its sleep")	\
	X(app_tail_ns,	"app_tail_ns_total",	"their time")					\
	X(sirq_gap_n,	"softirq_gaps",		"from one of our packets entering the stack to the next, in one NET_RX run") \
	X(sirq_gap_ns,	"softirq_gap_ns_total",	"their time")					\
	X(irq_first_n,	"irq_first_packets",	"handlers that passed a packet up (netif_rx)")	\
	X(irq_first_ns,	"irq_first_ns_total",	"their entry to the first packet")		\
	X(irq_gap_n,	"irq_gaps",		"from one netif_rx to the next in one handler")	\
	X(irq_gap_ns,	"irq_gap_ns_total",	"their time")

struct lt_counters {
	/* hard IRQ handlers of the NIC's IRQs: totals are the sums of irq[] */
	__u64 irq_packets;		/* netif_rx inside our handler  */
	struct lt_fit isr_fit;
	/* NET_RX softirqs that handled our packets: runs, packets and ns are
	 * the fit's n, sx and sy */
	struct lt_fit softirq_fit;
	/* napi:napi_poll of this device */
	__u64 napi_polls, napi_packets, napi_budget_full, napi_polls_ksoftirqd;
	/* packets entering the core stack (net:netif_receive_skb) */
	__u64 stack_packets;
	/* entry -> exit of netif_receive_skb / napi_gro_receive, where they fire */
	__u64 stack_timed, stack_ns, stack_ns_sq;
	/* inter-arrival times at the stack entry */
	__u64 iat_n, iat_ns, iat_ns_sq;
	/* delivered to applications / forwarded */
	__u64 delivered_packets, delivered_bytes;
	__u64 forwarded_packets;	/* ours, transmitted on another device */
	/* timed IRQ and softirq work that ran on top of a reader thread: its
	 * on-CPU span includes it, the application's time must not */
	__u64 reader_stolen_ns;
#define X(field, key, doc) __u64 field;
	LT_COST_COUNTERS(X)
#undef X
	__u64 app_oncpu_ns;	/* readers' on-CPU time on this CPU: where the application runs */
	__u64 idle_ns;		/* this CPU's idle time: what other tasks leave the application */
	__u64 drops[LT_DROP_PLACES];
	__u64 isr_hist[LT_HIST_SLOTS];
	__u64 batch_hist[LT_BATCH_SLOTS];
	struct lt_irq_stat irq[LT_IRQ_SLOTS];	/* by slot: the NIC's IRQs in discovery order */
	struct lt_cpu_state scratch;	/* not a counter: userspace ignores it */
};

#define LT_NAPI_MAX	256	/* NAPI instances of the device counted apart */
#define LT_MAX_READERS	1024	/* reader threads timed at once (LRU) */

/* One NAPI instance of the device (key: napi_id). */
struct lt_napi_stat {
	__u64 polls, packets, budget_full;
};



#endif
