/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The application side of livelock.bpf.c: reader threads, their on-CPU
 * time and its split into per-wakeup and per-datagram costs, and the
 * deliveries to their sockets.  Included once, by livelock.bpf.c, after
 * common.bpf.h.
 */
#ifndef LT_APP_BPF_H
#define LT_APP_BPF_H
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
	/*
	 * The entry before the slot: a switch-in that finds the slot naming a
	 * thread without an entry clears the slot, and this program can be
	 * preempted in between.
	 */
	if (!bpf_map_lookup_elem(&readers, &tid)) {
		r.on_since = bpf_ktime_get_ns();
		s->reader_on = 1;
		s->reader_tid = tid;
		bpf_map_update_elem(&readers, &tid, &r, BPF_NOEXIST);
	}
	*slot = *slot ? READER_SHARED : tid;
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

/*
 * A reader's wakeup: its on-CPU time from the switch-in after a sleep to its
 * next sleep, less the interrupt work on top, against the datagrams it read.
 * The fit's slope is the marginal cost of a datagram and its intercept the
 * wakeup's own (the way back from sleep, a receive call that finds nothing,
 * the way to sleep), however the application spreads its work between reads.
 * Only wakeups with no interrupt work on top are used: a wakeup that read
 * more because packets arrived during it also paid for their arrival, in
 * cache misses and, under emulation, in device work no probe times.
 */
static __always_inline void app_wake_open(struct lt_reader *r, struct lt_counters *c)
{
	r->slept = 0;
	r->wake_ns = r->ns + 1;
	r->wake_reads = 0;
	r->wake_stolen = c->reader_stolen_ns;
	r->wake_cpu = bpf_get_smp_processor_id();
	r->wake_epoch = (__u32)window_epoch;
}

static __always_inline void app_wake_close(struct lt_reader *r, struct lt_counters *c)
{
	__u64 d, stolen = c->reader_stolen_ns - r->wake_stolen;

	if (r->wake_ns && r->wake_reads && !stolen && r->wake_cpu == bpf_get_smp_processor_id() &&
	    r->wake_epoch == (__u32)window_epoch && r->ns >= r->wake_ns - 1) {
		d = r->ns - (r->wake_ns - 1);
		fit_add(&c->app_wake_fit, r->wake_reads, d);
	}
	r->wake_ns = 0;
	r->slept = 1;
}

/* A receive call of reader tid returned (ok: it read a datagram of ours). */
static __always_inline void app_read(__u32 tid, struct lt_cpu_state *s, bool ok)
{
	struct lt_reader *r = bpf_map_lookup_elem(&readers, &tid);
	struct lt_counters *c;
	__u64 now, cum;

	if (!r || !s)
		return;
	c = CTR_OF(s);
	now = bpf_ktime_get_ns();
	/*
	 * A read runs in its reader's own context: the reader is on this CPU
	 * now, whatever sched_switch showed.  Its switch-in can go unseen (the
	 * veth tests saw up to a third of a busy reader's reads with its time
	 * stopped), and its time would then stop until its next switch-in:
	 * it restarts here, the span in progress is dropped.
	 */
	if (!r->on_since || !s->reader_on || s->reader_tid != tid) {
		if (!r->on_since) {
			r->on_since = now;
			r->mark_ns = 0;
		}
		s->reader_on = 1;
		s->reader_tid = tid;
		c->app_resyncs++;
	}
	if (targ_latency)	/* a wait whose switch-in went unseen is not timed */
		r->runnable_at = 0;
	cum = r->ns + (now - r->on_since);
	if (r->mark_ns)
		app_span_close(r, c, cum, false);
	if (!ok)
		return;
	c->app_reads++;
	if (r->wake_ns)
		r->wake_reads++;
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
		/* the reader this CPU knows of is leaving, not one that left unseen */
		r = RD(btf, prev->pid, prev, pid) == tp ? bpf_map_lookup_elem(&readers, &tp) : NULL;
		if (r && r->on_since) {
			c = CTR_OF(s);
			now = now ? now : bpf_ktime_get_ns();
			r->ns += now - r->on_since;
			c->app_oncpu_ns += now - r->on_since;
			r->on_since = 0;
			if (targ_latency && (preempt || !prev_state))	/* still runnable: it waits */
				r->runnable_at = now;
			if (!preempt && prev_state) {	/* it sleeps: the end of a wakeup */
				c->app_sleeps++;
				if (r->mark_ns)
					app_span_close(r, c, r->ns, true);
				app_wake_close(r, c);
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
		if (r->runnable_at) {	/* --latency: its wait for this CPU is over */
			if (r->on_since > r->runnable_at) {
				__u64 d = r->on_since - r->runnable_at;

				c = CTR_OF(s);
				c->lat_run_n++;
				c->lat_run_ns += d;
				lat_hist(c->lat_run_hist, d);
			}
			r->runnable_at = 0;
		}
		if (r->slept)	/* switched in after a sleep: a wakeup begins */
			app_wake_open(r, CTR_OF(s));
		s->reader_on = 1;
		s->reader_tid = tn;
	}
	return 0;
}

/*
 * --latency: sched:sched_wakeup, in the waker's context (a softirq's enqueue,
 * mostly): a reader off its CPU becomes runnable.  Its switch-in closes the
 * wait, a reader's wait for a CPU behind interrupt work and other tasks.
 */
static __always_inline int on_sched_wakeup(const struct task_struct *p, const bool btf)
{
	__u32 tid = RD(btf, p->pid, p, pid), *slot = reader_slot(tid);
	struct lt_reader *r;

	if (!targ_latency || !tid || !slot || (*slot != tid && *slot != READER_SHARED) ||
	    !(r = bpf_map_lookup_elem(&readers, &tid)))
		return 0;
	if (!r->on_since && !r->runnable_at)
		r->runnable_at = bpf_ktime_get_ns();
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
	if (!iif_ours(BPF_CORE_READ(skb, skb_iif)) || skb_ip_proto(skb) != IPPROTO_UDP_NR ||
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
/* Does a task wait on the socket (sock_def_readable wakes it next)? */
static __always_inline __u32 sk_has_sleeper(const struct sock *sk, const bool btf)
{
	struct socket_wq *wq = RD(btf, sk->sk_wq, sk, sk_wq);
	struct list_head *first;

	if (!wq)
		return 0;
	first = RD(btf, wq->wait.head.next, wq, wait.head.next);
	return first && first != &wq->wait.head;
}

/*
 * The marginal protocol cost in a NAPI poll: from one enqueue of ours to
 * the next.  The poll's first enqueue wakes the reader if it sleeps, a
 * cost per wakeup, not per packet: the span after it is left out.  (Later
 * enqueues may find a waiter too, a poll() entry stays queued until its
 * task runs, but that task is already runnable: their wakeups are cheap.)
 */
static __always_inline void enqueue_span(const struct sock *sk, struct lt_cpu_state *s,
					 struct lt_counters *c, const bool btf)
{
	__u64 now = bpf_ktime_get_ns();
	__u32 first = !s->sirq_last_enq;

	if (!first && !s->sirq_enq_woke) {
		c->sirq_enq_gap_n++;
		c->sirq_enq_gap_ns += now - s->sirq_last_enq;
	}
	if (s->sirq_list_len >= 2 && s->sirq_last_pkt)	/* a list went through the core: the IP pass over it */
		fit_add(&c->list_ip_fit, s->sirq_list_len, now - s->sirq_last_pkt);
	s->sirq_list_len = 0;
	s->sirq_last_enq = now;
	s->sirq_enq_since_pkt = 1;
	s->sirq_enq_woke = first;
	if (first && sk_has_sleeper(sk, btf))
		c->sirq_waking_enq++;
}

static __always_inline int on_sk_data_ready(const struct sock *sk, const bool btf)
{
	struct lt_cpu_state *s = st();
	struct lt_counters *c;
	__u64 *slot, key, t0;

	if (!s)
		return 0;
	c = CTR_OF(s);
	if (!s->pending_ours) {
		if (targ_latency)	/* another device's datagram: kept in line on a followed socket */
			lat_queued(sk, c, 0, false, btf);
		return 0;
	}
	s->pending_ours--;
	t0 = targ_latency ? lat_left(s) : 0;
	if (RD(btf, sk->__sk_common.skc_net.net->ns.inum, sk, __sk_common.skc_net.net, ns.inum) !=
	    targ_netns)
		return 0;
	if (targ_latency)
		lat_queued(sk, c, t0, true, btf);
	c->delivered_packets++;
	if (s->sirq_active)
		enqueue_span(sk, s, c, btf);
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
static __always_inline int on_recv_length(const struct sock *sk, int ret, int flags,
					  const bool btf)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u32 *known = reader_slot(tid);
	__u64 *slot, key;

	if (targ_latency)
		lat_read(sk, ret, flags);
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
LT_WAIT_CALLS(WAIT_CALL)	/* bpf/hooks.h */

#endif
