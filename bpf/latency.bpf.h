/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * --latency: each packet's time from entering the stack to its socket
 * enqueue, and from that enqueue to the application's read, into log2
 * histograms.  Included once, by livelock.bpf.c, after common.bpf.h; every
 * call is behind targ_latency, so without --latency the verifier drops it.
 *
 * Stack part: sock:sk_data_ready fires in the softirq on the CPU where the
 * packet entered the stack, right after queueing it, and the packets of one
 * run are queued in the order they entered (NAPI lists are per device).  So
 * each CPU keeps a FIFO of entry times, pushed at net:netif_receive_skb and
 * popped at the enqueue (or at a socket-buffer drop); it is emptied wherever
 * the delivery count forgets its pending packets.
 *
 * Read part: the skb is not at hand when UDP reads it (copy_linear_skb() has
 * no tracepoint, compat.bpf.h), but a UDP socket's queue is FIFO: the n-th
 * datagram queued is the n-th read.  Each followed socket keeps a ring of
 * enqueue times; sock:sock_recv_length (a read that returned data, not a
 * peek) takes the oldest.  The n-th-is-the-n-th rule holds only if the
 * ring and the queue start and stay in step, and they need not: datagrams
 * may sit in the socket when it is first followed, and reads may go unseen
 * (the hooks attach one after another, so for a moment a datagram's
 * enqueue can be seen and its read not).  A lag of K datagrams would read
 * as K inter-arrival times added to every datagram, forever.  So the ring
 * starts with one unknown entry for each datagram already queued, and
 * whenever a read leaves the socket empty every entry still in the ring
 * has been read: the ring is put back in step (latency_read_resynced
 * counts the entries skipped).  A read that finds the socket empty (EAGAIN)
 * says so for free (a datagram queued on another CPU in between is then
 * read as unmatched); a read that returned data looks at the queue's length
 * on every LAT_RESYNC_EVERY-th read only, for readers that block and never
 * see EAGAIN.
 */
#ifndef LT_LATENCY_BPF_H
#define LT_LATENCY_BPF_H

#define MSG_PEEK_FLAG	2
#define MSG_ERRQUEUE_FLAG 0x2000	/* a read of the error queue says nothing of the data */
#define EAGAIN_NR	11

const volatile bool targ_latency = false;
const volatile bool targ_xdp_stamp = false;	/* the XDP counter stamps arrivals (livelock.h) */

/*
 * The XDP program's arrival time from skb's metadata, 0 = none of ours.  The
 * metadata ends at the MAC header (skb_metadata_end()); its length is
 * skb_shinfo(skb)->meta_len.  Generic XDP runs after net:netif_receive_skb,
 * so there the skb has no metadata yet and the stack entry stands.
 */
static __always_inline __u64 lat_xdp_start(struct sk_buff *skb, const bool btf)
{
	struct lt_xdp_stamp m;
	unsigned char *head = RD(btf, skb->head, skb, head);
	__u16 mac = RD(btf, skb->mac_header, skb, mac_header);
	__u32 end = RD(btf, skb->end, skb, end);	/* an offset on 64-bit (NET_SKBUFF_DATA_USES_OFFSET) */
	struct skb_shared_info *sh = (void *)(head + end);
	__u8 len = 0;

	if (!head || mac == (__u16)~0U ||
	    bpf_probe_read_kernel(&len, sizeof(len), &sh->meta_len) || len != sizeof(m) ||
	    bpf_probe_read_kernel(&m, sizeof(m), head + mac - sizeof(m)) ||
	    m.magic != LT_XDP_STAMP_MAGIC)
		return 0;
	return m.t;
}

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, LT_LAT_SOCKS);	/* 1 without --latency (the loader) */
	__type(key, __u64);
	__type(value, struct lt_lat_sock);
} lat_socks SEC(".maps");

static __always_inline void lat_hist(__u64 *hist, __u64 d)
{
	hist[log2_slot(d) & (LT_HIST_SLOTS - 1)]++;
}

/* One of our packets entered the stack on this CPU at t. */
static __always_inline void lat_entered(struct lt_cpu_state *s, struct lt_counters *c, __u64 t)
{
	if (s->lat_tail - s->lat_head >= LT_LAT_CPU_RING) {	/* the oldest is overwritten */
		s->lat_head++;
		c->lat_stack_lost++;
	}
	s->lat_t[s->lat_tail & (LT_LAT_CPU_RING - 1)] = t;
	s->lat_tail++;
}

/* The oldest of our packets in the stack left it (queued or dropped): its entry time, 0 = none. */
static __always_inline __u64 lat_left(struct lt_cpu_state *s)
{
	if (s->lat_head == s->lat_tail)
		return 0;
	return s->lat_t[s->lat_head++ & (LT_LAT_CPU_RING - 1)];
}

/* The run is over, or another device's packets come: ours still pending were not queued. */
static __always_inline void lat_forget(struct lt_cpu_state *s, struct lt_counters *c)
{
	c->lat_stack_unqueued += s->lat_tail - s->lat_head;
	s->lat_head = s->lat_tail;
}

static __always_inline bool sk_is_udp(const struct sock *sk, const bool btf)
{
	return RD(btf, sk->sk_protocol, sk, sk_protocol) == IPPROTO_UDP_NR;
}

/* Datagrams in a UDP socket now: the softirq's queue and the reader's own. */
static __always_inline __u64 udp_queued(const struct sock *sk)
{
	const struct udp_sock *up = (const void *)sk;

	return (__u64)BPF_CORE_READ(sk, sk_receive_queue.qlen) + BPF_CORE_READ(up, reader_queue.qlen);
}

/* A datagram was queued to sk just now: of ours (entered the stack at t0, 0 = unknown) or not. */
static __always_inline void lat_queued(const struct sock *sk, struct lt_counters *c, __u64 t0,
				       bool ours, const bool btf)
{
	static const struct lt_lat_sock fresh;
	__u64 key = (__u64)sk, now = 0;
	struct lt_lat_sock *q;

	if (ours) {
		now = bpf_ktime_get_ns();
		if (t0) {
			c->lat_stack_n++;
			c->lat_stack_ns += now - t0;
			lat_hist(c->lat_stack_hist, now - t0);
		}
	}
	q = bpf_map_lookup_elem(&lat_socks, &key);
	if (!q && ours && sk_is_udp(sk, btf)) {
		bpf_map_update_elem(&lat_socks, &key, &fresh, BPF_NOEXIST);
		q = bpf_map_lookup_elem(&lat_socks, &key);
		if (q && !q->enq) {	/* those queued before this one: unknown times (0) */
			__u64 queued = udp_queued(sk);	/* this one included */

			if (queued > 1 && queued - 1 < LT_LAT_SOCK_RING)
				q->enq = queued - 1;
		}
	}
	if (!q)
		return;
	q->t[q->enq & (LT_LAT_SOCK_RING - 1)] = now;	/* 0: another device's, kept in line */
	q->enq++;
}

/* Reads between two looks at the queue's length on a read that returned data. */
#define LAT_RESYNC_EVERY	16

/* The socket is empty: every entry still in the ring was read. */
static __always_inline void lat_in_step(struct lt_lat_sock *q, struct lt_counters *c)
{
	__u64 enq = q->enq;

	if (enq > q->read) {
		c->lat_read_resynced += enq - q->read;
		q->read = enq;
	}
}

/* After a read: if it left sk empty, the ring is put back in step. */
static __always_inline void lat_resync(const struct sock *sk, struct lt_lat_sock *q,
				       struct lt_counters *c)
{
	if (q->enq > q->read && !udp_queued(sk))
		lat_in_step(q, c);
}

/* A receive call on sk returned ret bytes (in the reader's context). */
static __always_inline void lat_read(const struct sock *sk, int ret, int flags)
{
	__u64 key = (__u64)sk, t, d;
	struct lt_lat_sock *q;
	struct lt_counters *c;

	if ((ret <= 0 && ret != -EAGAIN_NR) || (flags & (MSG_PEEK_FLAG | MSG_ERRQUEUE_FLAG)) ||
	    !sk || !(q = bpf_map_lookup_elem(&lat_socks, &key)) || !(c = ctr()))
		return;
	if (ret == -EAGAIN_NR) {	/* the socket is empty: no need to look */
		lat_in_step(q, c);
		return;
	}
	if (q->read >= q->enq) {	/* queued before we followed the socket */
		c->lat_read_unmatched++;
		return;
	}
	if (q->enq - q->read > LT_LAT_SOCK_RING) {	/* its time was overwritten */
		q->read++;
		c->lat_read_lost++;
		lat_resync(sk, q, c);
		return;
	}
	t = q->t[q->read & (LT_LAT_SOCK_RING - 1)];
	q->read++;
	if (!(q->read & (LAT_RESYNC_EVERY - 1)))	/* a reader that never sees EAGAIN (blocking) */
		lat_resync(sk, q, c);
	if (!t) {
		c->lat_read_unmatched++;
		return;
	}
	d = bpf_ktime_get_ns() - t;
	c->lat_read_n++;
	c->lat_read_ns += d;
	lat_hist(c->lat_read_hist, d);
}

#endif
