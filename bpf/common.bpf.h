/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What every program of livelock.bpf.c shares: the target, the sampling
 * epoch, the maps, the per-CPU state and the small helpers.  Included once,
 * by livelock.bpf.c.
 */
#ifndef LT_COMMON_BPF_H
#define LT_COMMON_BPF_H

#include "compat.bpf.h"

#define NET_RX_VEC	3	/* NET_RX_SOFTIRQ */
#define PF_KTHREAD_FLAG	0x00200000	/* PF_KTHREAD (include/linux/sched.h): a kernel thread */
#define IRQ_NONE_RET	0
#define IPPROTO_UDP_NR	17
#define ETH_P_IP_NR	0x0800

/*
 * The traced devices (where packets arrive: a NIC, or the lower devices of a
 * bridge, bond, VLAN or macvlan), and every device whose ifindex their
 * packets carry in skb_iif at delivery: those and the devices above them,
 * since each pass through an upper device sets skb_iif anew.
 */
const volatile __u32 targ_ifindex[LT_MAX_DEVS] = {};
const volatile __u32 targ_n_ifindex = 0;
const volatile __u32 targ_iif[LT_MAX_DEVS] = {};
const volatile __u32 targ_n_iif = 0;
const volatile __u64 targ_netns = 0;

/*
 * Sampling (`--sample N`): userspace attaches the per-event programs for one
 * window in each interval and bumps window_epoch before each window.  The
 * first program to run on a CPU in a new window forgets that CPU's half-done
 * state (an entry whose exit fell outside the last window, the time of the
 * last arrival); sched_switch stays attached and keeps its own fields.
 */
volatile __u64 window_epoch = 0;
/*
 * The stack timing (netif_receive_skb entry and exit) comes and goes on its
 * own (`probe_stack_time`): userspace bumps stack_epoch before attaching it,
 * and each CPU then forgets only its half-done stack entry.  A window_epoch
 * bump there would also forget the hard IRQ or NET_RX run in progress, whose
 * packets would then be missing from the run totals.
 */
volatile __u32 stack_epoch = 0;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, LT_MAX_IRQS);
	__type(key, __u32);
	__type(value, __u8);
} irq_filter SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct lt_cpu);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, LT_NAPI_MAX);
	__type(key, __u32);
	__type(value, struct lt_napi_stat);
} napi_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, LT_MAX_READERS);
	__type(key, __u32);
	__type(value, struct lt_reader);
} readers SEC(".maps");

/*
 * Which threads are readers, by thread id modulo READER_SLOTS: the slot holds
 * the reader's tid, or READER_SHARED once two readers met in it.  sched_switch
 * fires on every context switch of the machine and looks next up in `readers`
 * (a hash) only when its slot names it; mark_reader skips the hash when the
 * slot already does.  A stale slot only costs a lookup, and is cleared when
 * the lookup misses (the LRU let the reader go) so that it is marked again.
 */
#define READER_SLOTS	16384
#define READER_SHARED	0xffffffffu
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, READER_SLOTS);
	__type(key, __u32);
	__type(value, __u32);
} reader_slots SEC(".maps");

/*
 * Sockets that our packets were queued to (sock:sk_data_ready), as (netns,
 * protocol, local port) in a slot picked by the port: lets
 * sock:sock_recv_length recognise a reader that never sleeps, so is never
 * woken (an application behind its queue, or one already busy when we
 * attached).  Sockets sharing a port (SO_REUSEPORT, accepted TCP) share the
 * key; a collision only delays a reader's discovery.
 */
#define SOCK_SLOTS	4096
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SOCK_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} sock_slots SEC(".maps");

static __always_inline struct lt_counters *ctr(void)
{
	__u32 zero = 0;
	struct lt_cpu *v = bpf_map_lookup_elem(&counters, &zero);

	return v ? &v->c : NULL;
}

static __always_inline struct lt_cpu_state *st(void)
{
	__u32 zero = 0;
	struct lt_cpu *v = bpf_map_lookup_elem(&counters, &zero);
	struct lt_cpu_state *s;
	__u64 epoch = window_epoch;

	if (!v)
		return NULL;
	s = &v->scratch;
	if (s->epoch != epoch) {
		s->irq_active = s->sirq_active = s->stack_depth = 0;
		s->pending_ours = s->last_arrival = s->sirq_nested = 0;
		s->lat_head = s->lat_tail;	/* --latency: entries of the last window */
		s->epoch = epoch;
	}
	if (s->stack_epoch != stack_epoch) {
		s->stack_depth = 0;
		s->stack_epoch = stack_epoch;
	}
	return s;
}

/* The counters of the scratch s (both live in one per-CPU value: one lookup per event). */
#define CTR_OF(s) (&container_of(s, struct lt_cpu, scratch)->c)

/* ifindex among the first n of set (constants after load: the verifier prunes the rest) */
static __always_inline bool ifindex_in(const volatile __u32 *set, __u32 n, __u32 ifindex)
{
#pragma unroll
	for (int i = 0; i < LT_MAX_DEVS; i++)
		if (i < n && set[i] == ifindex)
			return true;
	return false;
}

static __always_inline bool ifindex_traced(__u32 ifindex)
{
	return ifindex_in(targ_ifindex, targ_n_ifindex, ifindex);
}

/* skb_iif of a packet that arrived on a traced device (ifindexes are per namespace: check it too) */
static __always_inline bool iif_ours(__u32 iif)
{
	return ifindex_in(targ_iif, targ_n_iif, iif);
}

static __always_inline bool dev_in_netns(const struct net_device *dev, const bool btf)
{
	return RD(btf, dev->nd_net.net->ns.inum, dev, nd_net.net, ns.inum) == targ_netns;
}

static __always_inline bool dev_is_ours(const struct net_device *dev, const bool btf)
{
	if (!dev || !ifindex_traced(RD(btf, dev->ifindex, dev, ifindex)))
		return false;
	return dev_in_netns(dev, btf);
}

/* How a packet's device stands to the traced set; its ifindex read once (the stack's per-packet path). */
enum dev_rel { DEV_OTHER, DEV_TRACED, DEV_ABOVE };

static __always_inline enum dev_rel dev_rel(const struct net_device *dev, const bool btf)
{
	__u32 ifindex;

	if (!dev)
		return DEV_OTHER;
	ifindex = RD(btf, dev->ifindex, dev, ifindex);
	if (ifindex_traced(ifindex))
		return dev_in_netns(dev, btf) ? DEV_TRACED : DEV_OTHER;
	/* one of the devices above them: a bridge passing our packet up again */
	return iif_ours(ifindex) && dev_in_netns(dev, btf) ? DEV_ABOVE : DEV_OTHER;
}

/* floor(log2(v)), 0 for v <= 1, at most LT_HIST_SLOTS - 1: five steps, no loop */
static __always_inline __u32 log2_slot(__u64 v)
{
	__u32 r = 0;

	if (v >> 32) { v >>= 32; r += 32; }
	if (v >> 16) { v >>= 16; r += 16; }
	if (v >> 8) { v >>= 8; r += 8; }
	if (v >> 4) { v >>= 4; r += 4; }
	if (v >> 2) { v >>= 2; r += 2; }
	if (v >> 1)
		r += 1;
	return r < LT_HIST_SLOTS - 1 ? r : LT_HIST_SLOTS - 1;
}

static __always_inline void fit_add(struct lt_fit *f, __u64 x, __u64 y)
{
	f->n++;
	f->sx += x;
	f->sy += y;
	f->sxx += x * x;
	f->sxy += x * y;
	f->syy += y * y;
}

#endif
