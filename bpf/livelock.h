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

/*
 * --xdp with --latency: the XDP program's arrival time, in the packet's
 * metadata area (bpf_xdp_adjust_meta), where the driver keeps it for the
 * skb (skb_metadata_len); net:netif_receive_skb takes it as the packet's
 * start.  The magic tells ours from anyone else's metadata.
 */
#define LT_XDP_STAMP_MAGIC	0x6c74787064737470ULL	/* "ltxpdstp" */
struct lt_xdp_stamp {
	__u64 magic;
	__u64 t;	/* bpf_ktime_get_ns() in the XDP program */
};
#define LT_MAX_DEVS	16	/* devices traced together (an upper device's lower ones) */
#define LT_LAT_CPU_RING	64	/* --latency: stack-entry times of our packets not yet queued, per CPU */
#define LT_LAT_SOCK_RING 1024	/* --latency: enqueue times of datagrams not yet read, per socket */
#define LT_LAT_SOCKS	64	/* --latency: sockets followed at once (LRU) */

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

/* Per-CPU scratch of the handlers: the second half of the per-CPU value (struct lt_cpu). */
struct lt_cpu_state {
	__u64 irq_start, irq_packets;
	__u64 sirq_start, sirq_packets;
	__u64 stack_start, last_arrival;
	__u64 irq_last_rx;	/* time of the last netif_rx inside the running handler */
	__u64 sirq_last_pkt;	/* time our last packet entered the stack in the running NAPI poll, 0 = none */
	__u64 sirq_last_enq;	/* time of our last socket enqueue in it, 0 = none */
	__u64 idle_since;	/* the idle task runs on this CPU since, 0 = not idle */
	__u64 pending_ours;	/* our packets in the stack, not yet queued to a socket */
	__u64 sirq_nested;	/* our hard-IRQ time nested inside the running softirq */
	__u64 epoch;		/* sampling window these fields belong to (see window_epoch) */
	__u64 lat_t[LT_LAT_CPU_RING];	/* --latency: stack entry of our packets in the stack, a FIFO */
	__u32 lat_head, lat_tail;	/* ... its ends (free-running) */
	__u32 irq_active;	/* slot + 1 of the IRQ being handled, 0 = none */
	__u32 sirq_active;
	__u32 stack_depth;
	__u32 stack_epoch;	/* stack timing attachment these stack fields belong to (see stack_epoch) */
	__u32 reader_on;	/* the task on this CPU is a reader ... */
	__u32 reader_tid;	/* ... this one */
	__u32 sirq_enq_since_pkt;	/* an enqueue of ours came after our last packet entered */
	__u32 sirq_list_len;	/* our packets that entered since the last enqueue (or the poll's start) */
	__u32 sirq_enq_woke;	/* our last enqueue was the poll's first (a wakeup may follow) */
	__u32 irq_on_idle;	/* the running handler interrupted the idle task */
	__u32 sirq_on_idle;	/* the running NET_RX run began on the idle task */
	__u32 sirq_polled_ours;	/* the running NET_RX run polled one of our NAPI instances */
};

/* A thread that reads this device's packets: its on-CPU time is the application's. */
struct lt_reader {
	__u64 on_since;		/* switched in at, 0 = off CPU */
	__u64 ns;		/* on-CPU time so far */
	__u64 mark_ns;		/* ns + 1 at its last read, 0 = none open */
	__u64 mark_stolen;	/* its CPU's reader_stolen_ns then */
	__u32 mark_cpu;		/* that CPU */
	__u32 mark_epoch;	/* and the sampling window (a span never straddles two) */
	__u64 wake_ns;		/* ns + 1 when this wakeup began, 0 = none open */
	__u64 wake_stolen;	/* its CPU's reader_stolen_ns then */
	__u32 wake_reads;	/* datagrams read in it */
	__u32 wake_cpu;		/* the CPU it began on (one that moved is not used) */
	__u32 wake_epoch;	/* its sampling window */
	__u32 slept;		/* its last switch-out was a sleep: the next switch-in wakes it */
	__u64 runnable_at;	/* --latency: woken or preempted at, 0 = running or asleep */
};

/*
 * --latency: one UDP socket our datagrams are queued to (key: its address).
 * The queue is FIFO, so the enq-th datagram queued is the enq-th read:
 * t[] holds the enqueue times of those not read yet (0: another device's).
 */
struct lt_lat_sock {
	__u64 enq, read;	/* datagrams queued and read since followed */
	__u64 t[LT_LAT_SOCK_RING];
};

/* One IRQ of the NIC: handler time of IRQ_HANDLED invocations, and IRQ_NONE ones. */
struct lt_irq_stat {
	__u64 count, ns, none, reserved;	/* squares: in isr_fit.syy */
};

/*
 * The counters, one list per kind; every list makes the BPF struct's fields
 * and, in userspace, the sample's fields, their deltas (probe_read.c), window
 * sums (estimator_sums.c) and JSON keys (raw_view.c, under "raw" in --json
 * and --record).  HACKING.md "Adding a counter".
 *
 * One for one into the sample, each a __u64 in BPF:
 *   X(field, type of the sample's field, JSON key or "" for none, what it counts)
 */
#define LT_COUNTERS(X)								\
	X(stack_packets, uint64_t, "stack_packets",	"packets of this device entering the core stack (net:netif_receive_skb)") \
	X(delivered_packets, uint64_t, "delivered_packets", "queued to application sockets (or read, before 6.10)") \
	X(delivered_bytes, uint64_t, "delivered_bytes",	"their bytes, where reads count them")	\
	X(forwarded_packets, uint64_t, "forwarded_packets", "ours, transmitted on another device") \
	X(napi_polls,	uint64_t, "napi_polls",		"napi:napi_poll of this device")	\
	X(napi_packets,	uint64_t, "napi_packets",	"their work")				\
	X(napi_budget_full, uint64_t, "napi_budget_full", "polls whose work reached the budget") \
	X(napi_polls_ksoftirqd, uint64_t, "napi_polls_ksoftirqd", "polls run from ksoftirqd")	\
	X(napi_polls_busy, uint64_t, "napi_polls_busy",	"polls run by a user task outside NET_RX: busy polling (SO_BUSY_POLL, busy_read, epoll)") \
	X(napi_packets_busy, uint64_t, "napi_packets_busy", "their work: packets the application's own context took in") \
	X(irq_packets,	uint64_t, "irq_packets",	"netif_rx inside our hard-IRQ handler")	\
	X(stack_timed,	uint64_t, "stack_timed",	"netif_receive_skb / napi_gro_receive entry -> exit, timed") \
	X(stack_ns,	uint64_t, "stack_ns_total",	"their time")				\
	X(stack_ns_sq,	double,	  "",			"its squares")				\
	X(iat_n,	double,	  "",			"inter-arrival times at the stack entry") \
	X(iat_ns,	double,	  "",			"their sum")				\
	X(iat_ns_sq,	double,	  "",			"their squares")			\
	LT_LATENCY_COUNTERS(X)							\
	LT_COST_COUNTERS(X)							\
	LT_IDLE_COUNTERS(X)

/*
 * --latency, per packet: from entering the stack (net:netif_receive_skb) to
 * its socket enqueue (sock:sk_data_ready), and from that enqueue to the
 * application's read of it (sock:sock_recv_length, UDP).  Entries the
 * bounded stores could not keep are counted, never guessed.
 */
#define LT_LATENCY_COUNTERS(X)							\
	X(lat_stack_n,	uint64_t, "latency_stack_packets", "packets timed from the stack entry to the socket enqueue") \
	X(lat_stack_ns,	uint64_t, "latency_stack_ns_total", "their time")			\
	X(lat_stack_lost, uint64_t, "latency_stack_lost", "entry times overwritten: more than LT_LAT_CPU_RING in the stack at once") \
	X(lat_stack_xdp, uint64_t, "latency_stack_from_xdp", "packets whose start was the XDP program's arrival time (--xdp native, a driver that keeps XDP metadata), not the stack entry") \
	X(lat_stack_unqueued, uint64_t, "latency_stack_unqueued", "packets that entered the stack but were not queued to a socket in that run (dropped, forwarded, not for a socket)") \
	X(lat_read_n,	uint64_t, "latency_read_packets", "datagrams timed from the socket enqueue to the application's read") \
	X(lat_read_ns,	uint64_t, "latency_read_ns_total", "their time")			\
	X(lat_read_lost, uint64_t, "latency_read_lost",	"reads whose enqueue time was overwritten: more than LT_LAT_SOCK_RING queued") \
	X(lat_read_unmatched, uint64_t, "latency_read_unmatched", "reads of a followed socket with no enqueue time of ours (queued before, or another device's)") \
	X(lat_read_resynced, uint64_t, "latency_read_resynced", "enqueue times skipped when a read left the socket empty: reads the hook did not see") \
	X(lat_run_n,	uint64_t, "latency_run_waits",	"a reader's waits for a CPU: from its wakeup, or its preemption, to its switch-in") \
	X(lat_run_ns,	uint64_t, "latency_run_ns_total", "their time")

/*
 * The costs split into a fixed and a marginal part, measured directly (the
 * forecast's inputs, DESIGN section 8).  A gap is the time from one event to
 * the next of the same kind inside one handler, softirq run or reader slice;
 * a reader's is its on-CPU time minus interrupt work on top.
 */
#define LT_COST_COUNTERS(X)							\
	X(app_reads,	uint64_t, "app_reads",		"datagrams read by reader threads")	\
	X(app_sleeps,	uint64_t, "app_sleeps",		"reader sleeps: one wakeup each")	\
	X(app_gap_n,	uint64_t, "app_gaps",		"reader spans from one read to the next, or to its wait call") \
	X(app_gap_ns,	uint64_t, "app_gap_ns_total",	"their time")				\
	X(app_gap_ns_sq, uint64_t, "app_gap_ns_sq_total", "their squares")			\
	X(app_tail_n,	uint64_t, "app_tails",		"reader spans from its last read to its sleep") \
	X(app_tail_ns,	uint64_t, "app_tail_ns_total",	"their time")				\
	X(sirq_gap_n,	uint64_t, "softirq_gaps",	"from one of our packets entering the stack to the next, in one NAPI poll of a NET_RX run") \
	X(sirq_gap_ns,	uint64_t, "softirq_gap_ns_total", "their time")				\
	X(sirq_list_gap_n, uint64_t, "softirq_list_gaps", "those with no enqueue of ours between: a list's pass through the core, its protocol work after") \
	X(sirq_list_gap_ns, uint64_t, "softirq_list_gap_ns_total", "their time")			\
	X(sirq_enq_gap_n, uint64_t, "softirq_enqueue_gaps", "from one of our socket enqueues to the next in one NAPI poll, from the second on") \
	X(sirq_enq_gap_ns, uint64_t, "softirq_enqueue_gap_ns_total", "their time")			\
	X(sirq_waking_enq, uint64_t, "softirq_waking_enqueues", "polls whose first enqueue of ours found a reader waiting: the waker pays the wakeup") \
	X(irq_first_n,	uint64_t, "irq_first_packets",	"handlers that passed a packet up (netif_rx)") \
	X(irq_first_ns,	uint64_t, "irq_first_ns_total",	"their entry to the first packet")	\
	X(irq_gap_n,	uint64_t, "irq_gaps",		"from one netif_rx to the next in one handler") \
	X(irq_gap_ns,	uint64_t, "irq_gap_ns_total",	"their time")	\
	X(app_resyncs,	uint64_t, "app_resyncs",	"reads whose reader was on its CPU unseen by sched_switch: its time restarts there")

/*
 * Interrupt work that began on an idle CPU (the interrupt found the idle
 * task running), a subset of the totals: whether waking from idle makes a
 * handler or a NET_RX run dearer.  In the lab it does not (README "How
 * good the forecast is"), so the forecast does not tell them apart.  Needs
 * sched_switch, which marks the idle task; without it none are counted.
 */
#define LT_IDLE_COUNTERS(X)							\
	X(irq_idle_n,	uint64_t, "irqs_idle",		"hard-IRQ handlers of the NIC that interrupted an idle CPU") \
	X(irq_idle_ns,	uint64_t, "isr_idle_ns_total",	"their time")				\
	X(irq_idle_pkts, uint64_t, "irq_idle_packets",	"packets they passed up (netif_rx)")	\
	X(sirq_idle_n,	uint64_t, "softirqs_idle",	"NET_RX runs that handled our packets and began on an idle CPU") \
	X(sirq_idle_ns,	uint64_t, "softirq_idle_ns_total", "their time (hard IRQs nested in them not included)") \
	X(sirq_empty_n,	uint64_t, "softirqs_empty",	"NET_RX runs that polled our NAPI instances and found none of our packets (NAPI deferral's timer polls, TX-only polls)") \
	X(sirq_empty_ns, uint64_t, "softirq_empty_ns_total", "their time: interrupt-priority work not in softirq_ns_total") \
	X(sirq_idle_pkts, uint64_t, "softirq_idle_packets", "our packets in them")

/*
 * Per CPU only: userspace reads them CPU by CPU (probe_read.c), never as a
 * sample field of their own.  X(field, what it counts)
 */
#define LT_CPU_COUNTERS(X)							\
	X(reader_stolen_ns,	"timed IRQ and softirq work on top of a reader thread: not the application's") \
	X(app_oncpu_ns,		"readers' on-CPU time on this CPU: where the application runs") \
	X(idle_ns,		"this CPU's idle time: what other tasks leave the application")

/* Least-squares sums of handlers, x packets and y ns.  X(field, what it fits) */
#define LT_FITS(X)								\
	X(isr_fit,	"hard-IRQ handlers of the NIC: packets passed up inside, handler ns") \
	X(softirq_fit,	"NET_RX runs that handled our packets: those packets, run ns") \
	X(app_wake_fit,	"reader wakeups (switch-in after a sleep to the next sleep, one CPU, no interrupt work on top): datagrams read, on-CPU ns") \
	X(list_ip_fit,	"lists of two or more of our packets in a NAPI poll: their length, ns from the last one's core entry to the first enqueue (the IP layer's pass over the list)")

/* Histograms.  X(field, slots, JSON key, what it counts) */
#define LT_HISTS(X)								\
	X(batch_hist,	LT_BATCH_SLOTS,	"batch_hist",	"polls (or ISRs) by packets handled: 0..64, then > 64") \
	X(isr_hist,	LT_HIST_SLOTS,	"isr_hist_log2ns", "hard-IRQ handler time, log2 ns") \
	X(lat_stack_hist, LT_HIST_SLOTS, "latency_stack_hist_log2ns", "--latency: stack entry to socket enqueue, log2 ns") \
	X(lat_read_hist, LT_HIST_SLOTS,	"latency_read_hist_log2ns", "--latency: socket enqueue to the read, log2 ns") \
	X(lat_run_hist,	LT_HIST_SLOTS,	"latency_run_hist_log2ns", "--latency: a reader's wait for a CPU (woken or preempted to running), log2 ns")

struct lt_counters {
#define X(field, type, key, doc) __u64 field;
	LT_COUNTERS(X)
#undef X
#define X(field, doc) __u64 field;
	LT_CPU_COUNTERS(X)
#undef X
#define X(field, doc) struct lt_fit field;
	LT_FITS(X)
#undef X
	__u64 drops[LT_DROP_PLACES];
#define X(field, slots, key, doc) __u64 field[slots];
	LT_HISTS(X)
#undef X
	struct lt_irq_stat irq[LT_IRQ_SLOTS];	/* by slot: the NIC's IRQs in discovery order */
};

/* The per-CPU value: the counters (summed by userspace), then the handlers' scratch. */
struct lt_cpu {
	struct lt_counters c;
	struct lt_cpu_state scratch;	/* not a counter: userspace never reads it */
};

#define LT_NAPI_MAX	256	/* NAPI instances of the device counted apart */
#define LT_MAX_READERS	1024	/* reader threads timed at once (LRU) */

/* One NAPI instance of the device (key: napi_id). */
struct lt_napi_stat {
	__u64 polls, packets, budget_full;
};



#endif
