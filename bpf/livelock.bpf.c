// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * livelock-trace probes.  Each handler body is written once (__always_inline,
 * reading kernel memory through CO-RE) and attached as tp_btf or raw_tp; the
 * loader picks the variant at run time.  Filtered by the NIC's IRQ set and by
 * (network namespace, ifindex) of the device.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "livelock.h"

#define NET_RX_VEC	3	/* NET_RX_SOFTIRQ */
#define IRQ_NONE_RET	0
#define IPPROTO_UDP_NR	17
#define ETH_P_IP_NR	0x0800

const volatile __u32 targ_ifindex = 0;
const volatile __u64 targ_netns = 0;

/*
 * Sampling (`--sample N`): userspace attaches the per-event programs for one
 * window in each interval and bumps window_epoch before each window.  The
 * first program to run on a CPU in a new window forgets that CPU's half-done
 * state (an entry whose exit fell outside the last window, the time of the
 * last arrival); sched_switch stays attached and keeps its own fields.
 */
volatile __u64 window_epoch = 0;

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
	__type(value, struct lt_counters);
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

	return bpf_map_lookup_elem(&counters, &zero);
}

static __always_inline struct lt_cpu_state *st(void)
{
	struct lt_counters *c = ctr();
	struct lt_cpu_state *s;
	__u64 epoch = window_epoch;

	if (!c)
		return NULL;
	s = &c->scratch;
	if (s->epoch != epoch) {
		s->irq_active = s->sirq_active = s->stack_depth = 0;
		s->pending_ours = s->last_arrival = s->sirq_nested = 0;
		s->epoch = epoch;
	}
	return s;
}

/* The counters of the scratch s (both live in one per-CPU value). */
#define CTR_OF(s) container_of(s, struct lt_counters, scratch)

/*
 * Reading kernel memory: a tp_btf program may follow BTF pointers directly
 * (plain loads, faults read as 0), a raw_tp one must call a probe-read
 * helper per hop.  Handlers take `btf`, a constant in each program, and the
 * compiler keeps only the branch that program can use.
 */
#define RD(btf, direct, ...) ((btf) ? (direct) : BPF_CORE_READ(__VA_ARGS__))

static __always_inline bool dev_is_ours(const struct net_device *dev, const bool btf)
{
	if (!dev || RD(btf, dev->ifindex, dev, ifindex) != targ_ifindex)
		return false;
	return RD(btf, dev->nd_net.net->ns.inum, dev, nd_net.net, ns.inum) == targ_netns;
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

static __always_inline int on_irq_entry(int irq)
{
	__u32 key = irq;
	__u8 *want = bpf_map_lookup_elem(&irq_filter, &key);
	struct lt_cpu_state *s;

	if (!want || !*want || !(s = st()))
		return 0;
	s->irq_active = *want;	/* slot + 1 */
	s->irq_packets = 0;
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
	if (!s->sirq_packets) {	/* only runs that handled our packets are timed */
		if (s->reader_on)
			c->reader_stolen_ns += s->sirq_nested;
		return 0;
	}
	d = bpf_ktime_get_ns() - s->sirq_start;
	d = d > s->sirq_nested ? d - s->sirq_nested : 0;
	if (s->reader_on)	/* the run and the handlers nested in it */
		c->reader_stolen_ns += d + s->sirq_nested;
	fit_add(&c->softirq_fit, s->sirq_packets, d);
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

static __always_inline int on_napi_poll(struct napi_struct *napi, int work, int budget,
					const bool btf)
{
	static const struct lt_napi_stat zero_stat;
	struct lt_napi_stat *ns;
	struct lt_counters *c;
	__u32 id;

	if (!dev_is_ours(RD(btf, napi->dev, napi, dev), btf) || !(c = ctr()))
		return 0;
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
	return 0;
}

/* net:netif_receive_skb fires in __netif_receive_skb_core: every path. */
static __always_inline int on_stack_packet(struct sk_buff *skb, const bool btf)
{
	struct lt_cpu_state *s;
	struct lt_counters *c;
	__u64 now, gap;

	if (!(s = st()))
		return 0;
	if (!dev_is_ours(RD(btf, skb->dev, skb, dev), btf)) {
		s->pending_ours = 0;	/* another device's packets from here on */
		return 0;
	}
	c = CTR_OF(s);
	c->stack_packets++;
	s->pending_ours++;
	now = bpf_ktime_get_ns();
	if (s->sirq_active) {	/* the run's marginal cost: from one of our packets to the next */
		if (s->sirq_packets) {
			c->sirq_gap_n++;
			c->sirq_gap_ns += now - s->sirq_last_pkt;
		}
		s->sirq_last_pkt = now;
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

	if (RD(btf, skb->skb_iif, skb, skb_iif) != targ_ifindex)
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

/*
 * The application side: threads that read our packets are remembered, and
 * sched_switch adds up their on-CPU time (receive syscalls and whatever the
 * application does with each packet): the paper's protocol processing at
 * the lowest priority, 1/mu = that time / packets delivered.  Userspace
 * adds the running slice of a thread that is on a CPU when it reads.
 * Readers are found in their own context, at their first receive from one
 * of our sockets (sock_recv_length, 6.10+ with sk_data_ready) or at their
 * free of one of our datagrams (consume_skb, older kernels).
 */
static __always_inline __u32 *reader_slot(__u32 tid)
{
	__u32 h = tid & (READER_SLOTS - 1);

	return bpf_map_lookup_elem(&reader_slots, &h);
}

/* tid, the task on this CPU (state s), reads our packets: its time starts now. */
static __always_inline void mark_reader(__u32 tid, struct lt_cpu_state *s)
{
	struct lt_reader r = { 0 };
	__u32 *slot = reader_slot(tid);

	if (!tid || !s || !slot || *slot == tid)	/* known reader */
		return;
	*slot = *slot ? READER_SHARED : tid;
	if (bpf_map_lookup_elem(&readers, &tid))
		return;
	r.on_since = bpf_ktime_get_ns();
	s->reader_on = 1;
	s->reader_tid = tid;
	bpf_map_update_elem(&readers, &tid, &r, BPF_NOEXIST);
}

/*
 * A reader's marginal cost per datagram: its on-CPU time from one read to
 * the next read, or to its sleep, minus the interrupt work that ran on top
 * of it meanwhile (counted per CPU: a span that changed CPU is not used).
 */
static __always_inline void app_span_close(struct lt_reader *r, struct lt_counters *c, __u64 cum,
					   bool sleeps)
{
	__u64 d = cum - (r->mark_ns - 1), stolen = c->reader_stolen_ns - r->mark_stolen;

	if (r->mark_cpu == bpf_get_smp_processor_id() && r->mark_epoch == (__u32)window_epoch &&
	    cum >= r->mark_ns - 1) {
		d = d > stolen ? d - stolen : 0;
		if (sleeps) {	/* holds the way to sleep: part of a wakeup's cost */
			c->app_tail_n++;
			c->app_tail_ns += d;
		} else {
			c->app_gap_n++;
			c->app_gap_ns += d;
			c->app_gap_ns_sq += d * d;
		}
	}
	r->mark_ns = 0;
}

/* A receive call of reader tid returned (ok: it read a datagram of ours). */
static __always_inline void app_read(__u32 tid, struct lt_cpu_state *s, bool ok)
{
	struct lt_reader *r = bpf_map_lookup_elem(&readers, &tid);
	struct lt_counters *c;
	__u64 cum;

	if (!r || !r->on_since || !s)
		return;
	c = CTR_OF(s);
	cum = r->ns + (bpf_ktime_get_ns() - r->on_since);
	if (r->mark_ns)
		app_span_close(r, c, cum, false);
	if (!ok)
		return;
	c->app_reads++;
	r->mark_ns = cum + 1;
	r->mark_stolen = c->reader_stolen_ns;
	r->mark_cpu = bpf_get_smp_processor_id();
	r->mark_epoch = (__u32)window_epoch;
}

static __always_inline int on_sched_switch(const struct task_struct *prev,
					   const struct task_struct *next, bool preempt,
					   unsigned int prev_state, const bool btf)
{
	struct lt_cpu_state *s = st();
	struct lt_counters *c;
	struct lt_reader *r;
	__u32 tn, tp, *slot;
	__u64 now = 0;

	if (!s)
		return 0;
	/* the CPU's idle time (pid 0 is the idle task) */
	if (s->idle_since) {
		now = bpf_ktime_get_ns();
		CTR_OF(s)->idle_ns += now - s->idle_since;
		s->idle_since = 0;
	}
	/* prev: a reader only when this CPU said so at its switch-in */
	if (s->reader_on) {
		tp = s->reader_tid;
		r = bpf_map_lookup_elem(&readers, &tp);
		if (r && r->on_since) {
			c = CTR_OF(s);
			now = now ? now : bpf_ktime_get_ns();
			r->ns += now - r->on_since;
			c->app_oncpu_ns += now - r->on_since;
			r->on_since = 0;
			if (!preempt && prev_state) {	/* it sleeps: the end of a wakeup */
				c->app_sleeps++;
				if (r->mark_ns)
					app_span_close(r, c, r->ns, true);
			}
		}
		s->reader_on = 0;
	}
	tn = RD(btf, next->pid, next, pid);
	if (!tn) {
		s->idle_since = now ? now : bpf_ktime_get_ns();
		return 0;
	}
	slot = reader_slot(tn);
	if (!tn || !slot || (*slot != tn && *slot != READER_SHARED))
		return 0;	/* not a reader: most switches end here */
	r = bpf_map_lookup_elem(&readers, &tn);
	if (!r && *slot == tn)
		*slot = 0;
	if (r) {
		r->on_since = now ? now : bpf_ktime_get_ns();
		s->reader_on = 1;
		s->reader_tid = tn;
	}
	return 0;
}

/*
 * UDP datagram handed to the application: skb_consume_udp() frees it through
 * __consume_stateless_skb(), which fires skb:consume_skb.  Dropped datagrams
 * go through kfree_skb instead, so they are not counted here.
 */
static __always_inline int on_consume_skb(const struct sk_buff *skb)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct lt_cpu_state *s;
	struct lt_counters *c;

	/*
	 * Matched by arrival ifindex only: UDP reuses skb->dev as scratch
	 * (udp_set_dev_scratch), skb->sk is gone, and since 6.17 the free may be
	 * deferred to the softirq of another task (skb_attempt_defer_free), so no
	 * netns is at hand here.
	 */
	if (BPF_CORE_READ(skb, skb_iif) != targ_ifindex || skb_ip_proto(skb) != IPPROTO_UDP_NR ||
	    !(c = ctr()))
		return 0;
	c->delivered_packets++;
	c->delivered_bytes += BPF_CORE_READ(skb, len);
	s = st();
	mark_reader(tid, s);
	app_read(tid, s, true);	/* before 6.10 the free is the read (skb_consume_udp) */
	return 0;
}

static __always_inline __u64 sock_key(const struct sock *sk, __u64 netns, const bool btf)
{
	__u16 port = RD(btf, sk->__sk_common.skc_num, sk, __sk_common.skc_num);
	__u16 proto = RD(btf, sk->sk_protocol, sk, sk_protocol);

	return netns << 32 | (__u64)proto << 16 | port;
}

static __always_inline __u64 *sock_slot(__u64 key)
{
	__u32 h = ((__u32)key * 2654435761u) >> 20;	/* 12 bits of the port's hash */

	return bpf_map_lookup_elem(&sock_slots, &h);
}

/*
 * sock:sk_data_ready (6.10+) fires once per datagram or segment queued to a
 * socket, synchronously in the receive path of that packet: it is ours when
 * our packets entered the stack on this CPU and are not all queued yet
 * (NAPI lists are per device; backlog packets go one at a time).
 */
static __always_inline int on_sk_data_ready(const struct sock *sk, const bool btf)
{
	struct lt_cpu_state *s = st();
	struct lt_counters *c;
	__u64 *slot, key;

	if (!s || !s->pending_ours)
		return 0;
	s->pending_ours--;
	if (RD(btf, sk->__sk_common.skc_net.net->ns.inum, sk, __sk_common.skc_net.net, ns.inum) !=
	    targ_netns)
		return 0;
	c = CTR_OF(s);
	c->delivered_packets++;
	key = sock_key(sk, targ_netns, btf);
	slot = sock_slot(key);
	if (slot && *slot != key)
		*slot = key;
	return 0;
}

/*
 * sock:sock_recv_length (6.3+) fires in the reader's own context after each
 * receive call: a thread that reads from one of our sockets is a reader, and
 * it is on this CPU now.  Known readers return at the first check.
 */
static __always_inline int on_recv_length(const struct sock *sk, int ret, const bool btf)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u32 *known = reader_slot(tid);
	__u64 *slot, key;

	if (!known)
		return 0;
	if (*known == tid || *known == READER_SHARED) {	/* a reader (or may be): its costs */
		app_read(tid, st(), ret > 0);
		if (*known == tid)
			return 0;
	}
	if (ret <= 0 || !sk)
		return 0;
	key = sock_key(sk, RD(btf, sk->__sk_common.skc_net.net->ns.inum,
			      sk, __sk_common.skc_net.net, ns.inum), btf);
	slot = sock_slot(key);
	if (!slot || *slot != key)
		return 0;
	mark_reader(tid, st());
	return 0;
}

/*
 * net:net_dev_start_xmit: a packet that arrived on our device leaving on
 * another one of the same namespace is forwarded (routers, `--deliver
 * forward`).  Loaded only then: it fires on every transmit of the host.
 */
static __always_inline int on_xmit(const struct sk_buff *skb, const struct net_device *dev)
{
	struct lt_counters *c;

	if (BPF_CORE_READ(skb, skb_iif) != targ_ifindex || !dev ||
	    BPF_CORE_READ(dev, ifindex) == targ_ifindex ||
	    BPF_CORE_READ(dev, nd_net.net, ns.inum) != targ_netns || !(c = ctr()))
		return 0;
	c->forwarded_packets++;
	return 0;
}

/*
 * A reader that asks to wait (poll, select, epoll) has finished with its
 * last datagram: the span from that read ends here, as a marginal cost; the
 * way to sleep and back is the wakeup's.  These are ftrace syscall events
 * (no tp_btf or raw_tp form): attached through tracefs when it is mounted,
 * else the span runs to the sleep and is counted apart (app_tail).
 */
static __always_inline int on_wait_call(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u32 *known = reader_slot(tid);

	if (known && (*known == tid || *known == READER_SHARED))
		app_read(tid, st(), false);
	return 0;
}

#define WAIT_CALL(name)							\
	SEC("tracepoint/syscalls/sys_enter_" #name)			\
	int wait_##name(void *ctx) { return on_wait_call(); }
WAIT_CALL(poll)
WAIT_CALL(ppoll)
WAIT_CALL(select)
WAIT_CALL(pselect6)
WAIT_CALL(epoll_wait)
WAIT_CALL(epoll_pwait)

/* Hook stubs: each handler attached as tp_btf (direct reads) and as raw_tp. */
#define BOTH(tp, name, args, call)					\
	SEC("tp_btf/" tp) int BPF_PROG(name##_btf, args)		\
	{ const bool btf __attribute__((unused)) = true; return call; }	\
	SEC("raw_tp/" tp) int BPF_PROG(name##_raw, args)		\
	{ const bool btf __attribute__((unused)) = false; return call; }

#define COMMA ,
BOTH("irq_handler_entry", irq_entry, int irq COMMA void *action, on_irq_entry(irq))
BOTH("irq_handler_exit", irq_exit, int irq COMMA void *action COMMA int ret, on_irq_exit(irq, ret))
/* NET_RX softirq time and the packets of ours handled in it */
BOTH("softirq_entry", softirq_entry, unsigned int vec, on_softirq_entry(vec))
BOTH("softirq_exit", softirq_exit, unsigned int vec, on_softirq_exit(vec))
/* NAPI batching depth: work per poll, budget exhaustion, ksoftirqd */
BOTH("napi_poll", napi_poll, struct napi_struct *napi COMMA int work COMMA int budget,
     on_napi_poll(napi, work, budget, btf))
/* packets of this device entering the stack, inter-arrival times */
BOTH("netif_receive_skb", stack_packet, struct sk_buff *skb, on_stack_packet(skb, btf))
/* packets passed up inside a hard-IRQ handler (drivers without NAPI) */
BOTH("netif_rx", netif_rx, struct sk_buff *skb, on_netif_rx(skb, btf))
/* per-packet stack time where the entry/exit pairs fire */
BOTH("netif_receive_skb_entry", rcv_entry, struct sk_buff *skb, on_rcv_entry(skb, btf))
BOTH("netif_receive_skb_exit", rcv_exit, int ret, on_rcv_exit())
BOTH("napi_gro_receive_entry", gro_entry, struct sk_buff *skb, on_rcv_entry(skb, btf))
BOTH("napi_gro_receive_exit", gro_exit, int ret, on_rcv_exit())
/* delivered to applications */
BOTH("skb_copy_datagram_iovec", copy_datagram, const struct sk_buff *skb COMMA int len,
     on_copy_datagram(skb, len, btf))
BOTH("consume_skb", consume_skb, struct sk_buff *skb, on_consume_skb(skb))
BOTH("sk_data_ready", sk_data_ready, const struct sock *sk, on_sk_data_ready(sk, btf))
BOTH("sock_recv_length", recv_length, struct sock *sk COMMA int ret COMMA int flags,
     on_recv_length(sk, ret, btf))
/* the application side: reader threads' on-CPU time */
BOTH("sched_switch", sched_switch, bool preempt COMMA struct task_struct *prev COMMA
     struct task_struct *next COMMA unsigned int prev_state,
     on_sched_switch(prev, next, preempt, prev_state, btf))
/* forwarded (--deliver forward only) */
BOTH("net_dev_start_xmit", xmit, const struct sk_buff *skb COMMA const struct net_device *dev,
     on_xmit(skb, dev))
/* drops by reason */
BOTH("kfree_skb", kfree_skb, struct sk_buff *skb COMMA void *location COMMA int reason,
     on_kfree_skb(skb, reason, btf))

char LICENSE[] SEC("license") = "Dual BSD/GPL";
