/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The one list of hooks, shared by the BPF programs and the loader.  Each
 * row makes two programs in livelock.bpf.c (NAME_btf, NAME_raw: the handler
 * attached as tp_btf or as raw_tp) and one row of the loader's hook table
 * (src/probe.c): which tracepoint, when it is loaded, and whether its run
 * time is subtracted from what we time.  HACKING.md "Adding a hook".
 *
 *   X(tracepoint, NAME, group, cost, (tracepoint arguments), handler call)
 *
 * The arguments and the call are used by livelock.bpf.c only.
 */
#ifndef LT_HOOKS_H
#define LT_HOOKS_H

/* When a hook is loaded, and how it is attached under --sample. */
enum lt_hook_group {
	LT_HG_CORE,	/* where the kernel has it; attached per sampling window */
	LT_HG_STICKY,	/* the same, but attached for good: a reader's slice starts at its switch-in */
	LT_HG_STACK,	/* --stack-time: two more programs per packet */
	LT_HG_ENQUEUE,	/* deliveries at the socket enqueue (readers found at their receive calls) */
	LT_HG_READ,	/* deliveries at reads: kernels without sock:sk_data_ready */
	LT_HG_FORWARD,	/* --deliver forward: fires on every transmit of the host */
	LT_HG_LATENCY,	/* --latency: fires on every wakeup of the host */
	LT_HG_N
};

/*
 * Its run time (kernel.bpf_stats_enabled) inflates the times we measure: a
 * handler's by half of the entry and exit programs' (each reads the clock
 * midway), a packet's by one run of each per-packet program, half of an
 * entry/exit pair's.
 */
enum lt_hook_cost {
	LT_COST_NONE,
	LT_COST_IRQ_HALF,	/* half into probe_ns_per_irq */
	LT_COST_PKT,		/* all into probe_ns_per_packet */
	LT_COST_PKT_HALF,	/* half into probe_ns_per_packet */
};

#define LT_HOOKS(X)								\
	/* hard-IRQ handler time of the NIC's IRQs (filter map), IRQ_NONE apart */ \
	X("irq_handler_entry", irq_entry, LT_HG_CORE, LT_COST_IRQ_HALF,		\
	  (int irq, void *action), on_irq_entry(irq))				\
	X("irq_handler_exit", irq_exit, LT_HG_CORE, LT_COST_IRQ_HALF,		\
	  (int irq, void *action, int ret), on_irq_exit(irq, ret))		\
	/* NET_RX softirq time and the packets of ours handled in it */	\
	X("softirq_entry", softirq_entry, LT_HG_CORE, LT_COST_NONE,		\
	  (unsigned int vec), on_softirq_entry(vec))				\
	X("softirq_exit", softirq_exit, LT_HG_CORE, LT_COST_NONE,		\
	  (unsigned int vec), on_softirq_exit(vec))				\
	/* NAPI batching depth: work per poll, budget exhaustion, ksoftirqd */	\
	X("napi_poll", napi_poll, LT_HG_CORE, LT_COST_NONE,			\
	  (struct napi_struct *napi, int work, int budget),			\
	  on_napi_poll(napi, work, budget, btf))				\
	/* packets of this device entering the stack, inter-arrival times */	\
	X("netif_receive_skb", stack_packet, LT_HG_CORE, LT_COST_PKT,		\
	  (struct sk_buff *skb), on_stack_packet(skb, btf))			\
	/* packets passed up inside a hard-IRQ handler (drivers without NAPI) */ \
	X("netif_rx", netif_rx, LT_HG_CORE, LT_COST_PKT,			\
	  (struct sk_buff *skb), on_netif_rx(skb, btf))			\
	/* per-packet stack time where the entry/exit pairs fire */		\
	X("netif_receive_skb_entry", rcv_entry, LT_HG_STACK, LT_COST_PKT_HALF,	\
	  (struct sk_buff *skb), on_rcv_entry(skb, btf))			\
	X("netif_receive_skb_exit", rcv_exit, LT_HG_STACK, LT_COST_PKT_HALF,	\
	  (int ret), on_rcv_exit())						\
	X("napi_gro_receive_entry", gro_entry, LT_HG_STACK, LT_COST_PKT_HALF,	\
	  (struct sk_buff *skb), on_rcv_entry(skb, btf))			\
	X("napi_gro_receive_exit", gro_exit, LT_HG_STACK, LT_COST_PKT_HALF,	\
	  (int ret), on_rcv_exit())						\
	/* delivered to applications, at reads (kernels before 6.10) */	\
	X("skb_copy_datagram_iovec", copy_datagram, LT_HG_READ, LT_COST_NONE,	\
	  (const struct sk_buff *skb, int len), on_copy_datagram(skb, len, btf)) \
	X("consume_skb", consume_skb, LT_HG_READ, LT_COST_NONE,		\
	  (struct sk_buff *skb), on_consume_skb(skb))				\
	/* delivered to applications, at the socket enqueue */		\
	X("sk_data_ready", sk_data_ready, LT_HG_CORE, LT_COST_PKT,		\
	  (const struct sock *sk), on_sk_data_ready(sk, btf))			\
	/* a receive call returned: finds reader threads, their per-read costs */ \
	X("sock_recv_length", recv_length, LT_HG_ENQUEUE, LT_COST_NONE,	\
	  (struct sock *sk, int ret, int flags), on_recv_length(sk, ret, flags, btf)) \
	/* the application side: reader threads' on-CPU time */		\
	X("sched_switch", sched_switch, LT_HG_STICKY, LT_COST_NONE,		\
	  (bool preempt, struct task_struct *prev, struct task_struct *next,	\
	   unsigned int prev_state),						\
	  on_sched_switch(prev, next, preempt, prev_state, btf))		\
	/* --latency: a reader woken, the start of its wait for a CPU */	\
	X("sched_wakeup", sched_wakeup, LT_HG_LATENCY, LT_COST_NONE,		\
	  (struct task_struct *p), on_sched_wakeup(p, btf))			\
	/* forwarded: ours, transmitted on another device */			\
	X("net_dev_start_xmit", xmit, LT_HG_FORWARD, LT_COST_NONE,		\
	  (const struct sk_buff *skb, const struct net_device *dev),		\
	  on_xmit(skb, dev))							\
	/* drops by reason */							\
	X("kfree_skb", kfree_skb, LT_HG_CORE, LT_COST_NONE,			\
	  (struct sk_buff *skb, void *location, int reason),			\
	  on_kfree_skb(skb, reason, btf))

/*
 * A reader's wait calls (poll, select, epoll): ftrace syscall events, loaded
 * where tracefs has them (no tp_btf or raw_tp form).  X(syscall)
 */
#define LT_WAIT_CALLS(X) X(poll) X(ppoll) X(select) X(pselect6) X(epoll_wait) X(epoll_pwait)

#define LT_COUNT_HOOK(tp, name, group, cost, args, call) + 1
#define LT_COUNT_WAIT(name) + 1
enum {
	LT_N_HOOKS = 0 LT_HOOKS(LT_COUNT_HOOK),
	LT_N_WAIT_CALLS = 0 LT_WAIT_CALLS(LT_COUNT_WAIT),
};

#endif
