/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What differs between the kernels the probes run on, in one place, each
 * with the kernel change behind it.  The loader (src/probe.c) decides by
 * presence (a tracepoint in the kernel's BTF or in tracefs), never by
 * version number; the releases below say where to expect what.
 *
 * Attach types
 *   tp_btf	5.5 (BTF-enabled raw tracepoints, the btf_trace_NAME typedefs):
 *		direct loads through BTF pointers.  Else raw_tp (4.17).
 *   fentry	not used: the kernel this project is tested on refuses fentry attach.
 *
 * Tracepoints (LT_HOOKS in bpf/hooks.h); a missing one is skipped and named
 *   skb:kfree_skb `reason`	5.17 (kfree_skb_reason()); the enum skb_drop_reason
 *				is renumbered by later kernels, so its values are
 *				read through CO-RE (bpf_core_enum_value).
 *   sock:sock_recv_length	6.3: readers are found at their own receive calls.
 *				Before, at their free of our datagram (consume_skb).
 *				It fires for failed calls too (ret < 0): an
 *				EAGAIN says the socket is empty (latency.bpf.h).
 *   sched:sched_wakeup		every kernel: --latency's start of a reader's
 *				wait for a CPU.
 *   sock:sk_data_ready		6.10: deliveries at the socket enqueue, and the
 *				latency probes' enqueue point.  Before, deliveries
 *				are counted at reads and the latency is not measured.
 *
 * Behaviour the handlers work around
 *   udp_recvmsg copies linear skbs with copy_linear_skb(), which has no
 *	tracepoint: most UDP reads pass no skb:skb_copy_datagram_iovec, so UDP
 *	reads are seen at consume_skb (< 6.10) or per socket (sock_recv_length).
 *   udp_set_dev_scratch() reuses skb->dev of a queued UDP skb: late skbs are
 *	matched by skb_iif and the socket's namespace, never by skb->dev.
 *   6.17 frees UDP skbs through skb_attempt_defer_free(): the free may run
 *	later on the receiving CPU without skb:consume_skb.
 */
#ifndef LT_COMPAT_BPF_H
#define LT_COMPAT_BPF_H

/*
 * Reading kernel memory: a tp_btf program may follow BTF pointers directly
 * (plain loads, faults read as 0), a raw_tp one must call a probe-read
 * helper per hop.  Handlers take `btf`, a constant in each program, and the
 * compiler keeps only the branch that program can use.
 */
#define RD(btf, direct, ...) ((btf) ? (direct) : BPF_CORE_READ(__VA_ARGS__))

#endif
