// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Optional arrival counter (--xdp): one per-CPU counter per RX queue.  Never
 * changes a packet: always XDP_PASS.  A separate object so that it is loaded
 * only when asked for — attaching XDP makes many drivers rebuild their rings.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "livelock.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LT_XDP_QUEUES);
	__type(key, __u32);
	__type(value, __u64);
} xdp_arrivals SEC(".maps");

/* --latency: stamp each packet's arrival in its metadata (livelock.h) */
const volatile bool targ_stamp = false;

static __always_inline void stamp(struct xdp_md *ctx)
{
	struct lt_xdp_stamp *m;
	void *data;

	/* a driver without metadata room refuses: the stack entry is the start then */
	if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(*m)))
		return;
	m = (void *)(long)ctx->data_meta;
	data = (void *)(long)ctx->data;
	if ((void *)(m + 1) > data)
		return;
	m->magic = LT_XDP_STAMP_MAGIC;
	m->t = bpf_ktime_get_ns();
}

/* xdp: packets arriving per RX queue, before any stack work */
SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	__u32 q = ctx->rx_queue_index;
	__u64 *n;

	if (q >= LT_XDP_QUEUES)
		q = LT_XDP_QUEUES - 1;
	n = bpf_map_lookup_elem(&xdp_arrivals, &q);
	if (n)
		(*n)++;
	if (targ_stamp)
		stamp(ctx);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
