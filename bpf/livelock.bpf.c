// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * livelock-trace probes.  Each handler body is written once (__always_inline,
 * reading kernel memory through CO-RE) and attached as tp_btf or raw_tp; the
 * loader picks the variant at run time.  Filtered by the NIC's IRQ set and by
 * (network namespace, ifindex) of the devices.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "livelock.h"
#include "hooks.h"
#include "common.bpf.h"
#include "latency.bpf.h"

static __always_inline int on_irq_entry(int irq)
{
	__u32 key = irq;
	__u8 *want = bpf_map_lookup_elem(&irq_filter, &key);
	struct lt_cpu_state *s;

	if (!want || !*want || !(s = st()))
		return 0;
	s->irq_active = *want;	/* slot + 1 */
	s->irq_packets = 0;
	s->irq_on_idle = s->idle_since != 0;
	s->irq_start = bpf_ktime_get_ns();
	return 0;
}

static __always_inline int on_irq_exit(int irq, int ret)
{
	struct lt_cpu_state *s = st();
	struct lt_irq_stat *is;
	struct lt_counters *c;
	__u32 slot;
	__u64 d;

	if (!s || !s->irq_active)
		return 0;
	slot = (s->irq_active - 1) & (LT_IRQ_SLOTS - 1);
	s->irq_active = 0;
	c = CTR_OF(s);
	is = &c->irq[slot];
	if (ret == IRQ_NONE_RET) {	/* shared line, another device's interrupt */
		is->none++;
		return 0;
	}
	d = bpf_ktime_get_ns() - s->irq_start;
	if (s->sirq_active)	/* softirqs run with interrupts on: not the softirq's time */
		s->sirq_nested += d;
	else if (s->reader_on)
		c->reader_stolen_ns += d;
	is->count++;
	is->ns += d;
	c->isr_hist[log2_slot(d) & (LT_HIST_SLOTS - 1)]++;
	fit_add(&c->isr_fit, s->irq_packets, d);
	if (s->irq_on_idle) {
		c->irq_idle_n++;
		c->irq_idle_ns += d;
		c->irq_idle_pkts += s->irq_packets;
	}
	if (s->irq_packets) {	/* a driver that passes packets up inside its ISR */
		c->irq_packets += s->irq_packets;
		c->batch_hist[s->irq_packets < LT_BATCH_SLOTS - 1 ? s->irq_packets
								  : LT_BATCH_SLOTS - 1]++;
	}
	return 0;
}

static __always_inline int on_softirq_entry(unsigned int vec)
{
	struct lt_cpu_state *s;

	if (vec != NET_RX_VEC || !(s = st()))
		return 0;
	s->sirq_active = 1;
	s->sirq_packets = 0;
	s->sirq_nested = 0;
	s->sirq_last_pkt = s->sirq_last_enq = 0;
	s->sirq_list_len = 0;
	s->sirq_on_idle = s->idle_since != 0;	/* ksoftirqd's runs: the switch to it ended the idle time */
	s->sirq_polled_ours = 0;
	s->sirq_start = bpf_ktime_get_ns();
	return 0;
}

static __always_inline int on_softirq_exit(unsigned int vec)
{
	struct lt_cpu_state *s;
	struct lt_counters *c;
	__u64 d;

	if (vec != NET_RX_VEC || !(s = st()) || !s->sirq_active)
		return 0;
	s->sirq_active = 0;
	s->pending_ours = 0;
	c = CTR_OF(s);
	if (targ_latency)
		lat_forget(s, c);
	if (!s->sirq_packets && !s->sirq_polled_ours) {	/* another device's run: no clock read */
		if (s->reader_on)
			c->reader_stolen_ns += s->sirq_nested;
		return 0;
	}
	d = bpf_ktime_get_ns() - s->sirq_start;
	d = d > s->sirq_nested ? d - s->sirq_nested : 0;
	if (!s->sirq_packets) {	/* our polls that found nothing: timed apart, not in the fit */
		c->sirq_empty_n++;
		c->sirq_empty_ns += d;
		if (s->reader_on)
			c->reader_stolen_ns += s->sirq_nested;
		return 0;
	}
	if (s->reader_on)	/* the run and the handlers nested in it */
		c->reader_stolen_ns += d + s->sirq_nested;
	fit_add(&c->softirq_fit, s->sirq_packets, d);
	if (s->sirq_on_idle) {
		c->sirq_idle_n++;
		c->sirq_idle_ns += d;
		c->sirq_idle_pkts += s->sirq_packets;
	}
	return 0;
}

/* Is the current task "ksoftirqd/N"?  Under tp_btf two loads; the comm helper costs ~70 ns. */
static __always_inline bool in_ksoftirqd(const bool btf)
{
	char comm[10];

	if (btf) {
		const struct task_struct *t = bpf_get_current_task_btf();

		return t->comm[0] == 'k' && t->comm[1] == 's' && t->comm[2] == 'o' && t->comm[8] == 'd';
	}
	bpf_get_current_comm(comm, sizeof(comm));
	return comm[0] == 'k' && comm[1] == 's' && comm[2] == 'o' && comm[8] == 'd';
}

/*
 * A poll that no NET_RX run and no kernel thread (ksoftirqd, a threaded NAPI
 * thread) made: a user task polling the device from its own receive or
 * epoll call (napi_busy_loop).  That work is at the application's priority
 * and inside its on-CPU time, not at interrupt priority.
 */
static __always_inline bool in_busy_poll(const struct lt_cpu_state *s, const bool btf)
{
	const struct task_struct *t;
	unsigned int flags;

	if (s->sirq_active)
		return false;
	if (btf) {
		t = bpf_get_current_task_btf();
		flags = t->flags;
	} else {
		t = (const struct task_struct *)bpf_get_current_task();
		flags = BPF_CORE_READ(t, flags);
	}
	return !(flags & PF_KTHREAD_FLAG);
}

static __always_inline int on_napi_poll(struct napi_struct *napi, int work, int budget,
					const bool btf)
{
	static const struct lt_napi_stat zero_stat;
	struct lt_napi_stat *ns;
	struct lt_cpu_state *s;
	struct lt_counters *c;
	__u32 id;

	if (!(s = st()))
		return 0;
	/*
	 * A poll's end is per-poll work (the GRO flush, napi_complete, the
	 * interrupt's re-enable): the marginal spans never cross it, whoever's
	 * poll it was.
	 */
	s->sirq_last_pkt = s->sirq_last_enq = 0;
	s->sirq_list_len = 0;
	if (!dev_is_ours(RD(btf, napi->dev, napi, dev), btf))
		return 0;
	c = CTR_OF(s);	/* one lookup: the counters and the state share the per-CPU value */
	if (s->sirq_active)
		s->sirq_polled_ours = 1;
	id = RD(btf, napi->napi_id, napi, napi_id);
	ns = bpf_map_lookup_elem(&napi_stats, &id);
	if (!ns) {
		bpf_map_update_elem(&napi_stats, &id, &zero_stat, BPF_NOEXIST);
		ns = bpf_map_lookup_elem(&napi_stats, &id);
	}
	if (ns) {
		ns->polls++;
		ns->packets += work;
		ns->budget_full += work >= budget;
	}
	c->napi_polls++;
	c->napi_packets += work;
	if (work >= budget)
		c->napi_budget_full++;
	if (work >= 0)
		c->batch_hist[work < LT_BATCH_SLOTS - 1 ? work : LT_BATCH_SLOTS - 1]++;
	if (in_ksoftirqd(btf))
		c->napi_polls_ksoftirqd++;
	else if (in_busy_poll(s, btf)) {
		c->napi_polls_busy++;
		c->napi_packets_busy += work;
	}
	return 0;
}

/* net:netif_receive_skb fires in __netif_receive_skb_core: every path. */
static __always_inline int on_stack_packet(struct sk_buff *skb, const bool btf)
{
	struct lt_cpu_state *s;
	struct lt_counters *c;
	enum dev_rel rel;
	__u64 now, gap;

	if (!(s = st()))
		return 0;
	c = CTR_OF(s);
	rel = dev_rel(RD(btf, skb->dev, skb, dev), btf);
	if (rel != DEV_TRACED) {
		/* a bridge passes our packet up once more, as its own: still ours, counted once */
		if (rel == DEV_OTHER) {
			s->pending_ours = 0;	/* another device's packets from here on */
			if (targ_latency)
				lat_forget(s, c);
		}
		return 0;
	}
	c->stack_packets++;
	s->pending_ours++;
	now = bpf_ktime_get_ns();
	if (targ_latency) {
		__u64 t0 = targ_xdp_stamp ? lat_xdp_start(skb, btf) : 0;

		/* from the driver's XDP hook when it stamped the packet, else from here */
		if (t0 && t0 <= now)
			c->lat_stack_xdp++;
		else
			t0 = now;
		lat_entered(s, c, t0);
	}
	if (s->sirq_active) {	/* the poll's marginal cost: from one of our packets to the next */
		if (s->sirq_last_pkt) {
			c->sirq_gap_n++;
			c->sirq_gap_ns += now - s->sirq_last_pkt;
			if (!s->sirq_enq_since_pkt) {	/* a list: its protocol work comes after */
				c->sirq_list_gap_n++;
				c->sirq_list_gap_ns += now - s->sirq_last_pkt;
			}
		}
		s->sirq_last_pkt = now;
		s->sirq_enq_since_pkt = 0;
		s->sirq_list_len++;
		s->sirq_packets++;
	}
	if (s->last_arrival) {
		gap = now - s->last_arrival;
		c->iat_n++;
		c->iat_ns += gap;
		c->iat_ns_sq += gap * gap;
	}
	s->last_arrival = now;
	return 0;
}

/* net:netif_rx: inside our hard-IRQ handler it is a copy in the ISR. */
static __always_inline int on_netif_rx(struct sk_buff *skb, const bool btf)
{
	struct lt_cpu_state *s = st();
	struct lt_counters *c;
	__u64 now;

	if (!s || !s->irq_active || !dev_is_ours(RD(btf, skb->dev, skb, dev), btf))
		return 0;
	c = CTR_OF(s);
	now = bpf_ktime_get_ns();
	if (s->irq_packets) {	/* the copy of one more packet */
		c->irq_gap_n++;
		c->irq_gap_ns += now - s->irq_last_rx;
	} else {		/* the handler's start and its first packet */
		c->irq_first_n++;
		c->irq_first_ns += now - s->irq_start;
	}
	s->irq_last_rx = now;
	s->irq_packets++;
	return 0;
}

static __always_inline int on_rcv_entry(struct sk_buff *skb, const bool btf)
{
	struct lt_cpu_state *s;

	if (!dev_is_ours(RD(btf, skb->dev, skb, dev), btf) || !(s = st()))
		return 0;
	if (s->stack_depth++ == 0)
		s->stack_start = bpf_ktime_get_ns();
	return 0;
}

static __always_inline int on_rcv_exit(void)
{
	struct lt_cpu_state *s = st();
	struct lt_counters *c;
	__u64 d;

	if (!s || !s->stack_depth || --s->stack_depth)
		return 0;
	c = CTR_OF(s);
	d = bpf_ktime_get_ns() - s->stack_start;
	c->stack_timed++;
	c->stack_ns += d;
	c->stack_ns_sq += d * d;
	return 0;
}

/* The device is gone by the time an application copies: use skb_iif + the socket's netns. */
static __always_inline bool skb_is_ours_late(const struct sk_buff *skb, const bool btf)
{
	struct sock *sk;

	if (!iif_ours(RD(btf, skb->skb_iif, skb, skb_iif)))
		return false;
	sk = RD(btf, skb->sk, skb, sk);
	if (sk)
		return RD(btf, sk->__sk_common.skc_net.net->ns.inum,
			  sk, __sk_common.skc_net.net, ns.inum) == targ_netns;
	return dev_is_ours(RD(btf, skb->dev, skb, dev), btf);
}

static __always_inline int count_delivery(const struct sk_buff *skb, int len, const bool btf)
{
	struct lt_counters *c;

	if (!skb_is_ours_late(skb, btf) || !(c = ctr()))
		return 0;
	c->delivered_packets++;
	c->delivered_bytes += len;
	return 0;
}

static __always_inline int on_kfree_skb(struct sk_buff *skb, int reason, const bool btf)
{
	struct lt_cpu_state *s;
	struct lt_counters *c;
	int place = LT_DROP_OTHER;

	if (!skb_is_ours_late(skb, btf) || !(c = ctr()))
		return 0;
	/* drop reasons are numbered differently by each kernel: ask CO-RE */
	if (bpf_core_enum_value_exists(enum skb_drop_reason, SKB_DROP_REASON_SOCKET_RCVBUFF) &&
	    reason == bpf_core_enum_value(enum skb_drop_reason, SKB_DROP_REASON_SOCKET_RCVBUFF))
		place = LT_DROP_SOCKET;
	else if (bpf_core_enum_value_exists(enum skb_drop_reason, SKB_DROP_REASON_CPU_BACKLOG) &&
		 reason == bpf_core_enum_value(enum skb_drop_reason, SKB_DROP_REASON_CPU_BACKLOG))
		place = LT_DROP_BACKLOG;
	if (place >= 0 && place < LT_DROP_PLACES)
		c->drops[place]++;
	/* a full socket buffer drops it in the receive path: it leaves the stack unqueued */
	if (targ_latency && place == LT_DROP_SOCKET && (s = st()) && lat_left(s))
		c->lat_stack_unqueued++;
	return 0;
}

/*
 * skb:skb_copy_datagram_iovec misses UDP: udp_recvmsg copies linear skbs with
 * copy_linear_skb(), which has no tracepoint.  UDP deliveries are counted at
 * skb_consume_udp() instead, so UDP is skipped here to count each once.
 */
static __always_inline int on_copy_datagram(const struct sk_buff *skb, int len, const bool btf)
{
	struct sock *sk = BPF_CORE_READ(skb, sk);

	if (sk && BPF_CORE_READ(sk, sk_protocol) == IPPROTO_UDP_NR)
		return 0;
	return count_delivery(skb, len, btf);
}

/* IP protocol of a received skb, read through its network header. */
static __always_inline __u8 skb_ip_proto(const struct sk_buff *skb)
{
	unsigned char *head = BPF_CORE_READ(skb, head);
	__u16 nh = BPF_CORE_READ(skb, network_header);
	struct iphdr ip;

	if (BPF_CORE_READ(skb, protocol) != bpf_htons(ETH_P_IP_NR) ||
	    bpf_probe_read_kernel(&ip, sizeof(ip), head + nh))
		return 0;
	return ip.protocol;
}

#include "app.bpf.h"

/*
 * net:net_dev_start_xmit: a packet that arrived on our device leaving on
 * another one of the same namespace is forwarded (routers, `--deliver
 * forward`).  Loaded only then: it fires on every transmit of the host.
 */
static __always_inline int on_xmit(const struct sk_buff *skb, const struct net_device *dev)
{
	struct lt_counters *c;

	if (!iif_ours(BPF_CORE_READ(skb, skb_iif)) || !dev ||
	    iif_ours(BPF_CORE_READ(dev, ifindex)) ||
	    BPF_CORE_READ(dev, nd_net.net, ns.inum) != targ_netns || !(c = ctr()))
		return 0;
	c->forwarded_packets++;
	return 0;
}


/*
 * Hook stubs, one pair per row of LT_HOOKS (bpf/hooks.h): each handler
 * attached as tp_btf (direct reads) and as raw_tp; the loader keeps one.
 */
#define LT_UNPAREN(...) __VA_ARGS__
#define BOTH_(tp, name, call, ...)					\
	SEC("tp_btf/" tp) int BPF_PROG(name##_btf, __VA_ARGS__)		\
	{ const bool btf __attribute__((unused)) = true; return call; }	\
	SEC("raw_tp/" tp) int BPF_PROG(name##_raw, __VA_ARGS__)		\
	{ const bool btf __attribute__((unused)) = false; return call; }
#define BOTH(tp, name, group, cost, args, call) BOTH_(tp, name, call, LT_UNPAREN args)
LT_HOOKS(BOTH)

char LICENSE[] SEC("license") = "Dual BSD/GPL";
