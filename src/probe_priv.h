/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The probe loader's state, shared by probe.c (load, attach, windows) and probe_read.c (counters -> samples). */
#ifndef LT_PROBE_PRIV_H
#define LT_PROBE_PRIV_H
#include <bpf/libbpf.h>
#include "livelock.h"
#include "livelock.skel.h"
#include "xdp_count.skel.h"
#include "probe.h"

#define MISSING_MAX 256
#define STACK_PROGS 4	/* netif_receive_skb and napi_gro_receive, entry and exit */

/* Programs whose run time inflates what we time (kernel.bpf_stats_enabled). */
enum { COST_IRQ_ENTRY, COST_IRQ_EXIT, COST_STACK, COST_RCV_ENTRY, COST_RCV_EXIT,
       COST_GRO_ENTRY, COST_GRO_EXIT, COST_NETIF_RX, COST_DATA_READY, PROBE_COST_PROGS };

struct probe {
	struct livelock_bpf *skel;
	struct nic_info nic;
	struct nic_stats prev_stats;
	struct lt_counters prev;
	struct lt_counters *percpu;
	struct lt_counters *percpu_prev;	/* for the per-CPU softirq deltas */
	int n_napi_prev;
	__u32 napi_prev_id[LT_NAPI_MAX];
	struct lt_napi_stat napi_prev[LT_NAPI_MAX], *napi_percpu;
	uint64_t *cpu_delta;			/* 4 x ncpus: softirqs, ns, packets, interrupt-priority ns */
	int ncpus;
	double prev_t;
	bool use_btf;
	const char *variant_reason;	/* why tp_btf or raw_tp */
	char btf_path[256];		/* the types the programs were relocated against */
	bool btf_external;		/* not the kernel's own /sys/kernel/btf/vmlinux */
	int n_programs;			/* loaded */
	const char *delivery;	/* "socket enqueue" or "read" */
	struct xdp_count_bpf *xdp;
	int xdp_link[LT_MAX_DEVS];	/* bpf_link fds, one per traced device: closed, they detach */
	int n_xdp_link;
	__u64 *xdp_percpu, xdp_prev;
	char xdp_note[160];
	char missing[MISSING_MAX];
	__u64 cost_prev[2][PROBE_COST_PROGS];	/* run_time_ns, run_cnt */
	int n_readers_prev;			/* reader threads seen, sorted by tid */
	__u32 reader_tid[LT_MAX_READERS];
	__u64 reader_ns[LT_MAX_READERS];
	bool sample;				/* --sample: window programs come and go */
	int n_window;
	struct bpf_program *window_prog[48];	/* attached in each window */
	struct bpf_link *window_link[48];
	bool stack_auto, stack_on;		/* stack timing attached on demand, and now */
	struct bpf_link *stack_link[STACK_PROGS];
};

void probe_xdp_detach(struct probe *p);
/* probe_btf.c: the kernel has the tracepoint (its __tracepoint_NAME symbol) */
bool probe_tp_in_kallsyms(const char *tp);

/* probe_read.c */
int probe_xdp_total(struct probe *p, __u64 *total);	/* the XDP counter over queues and CPUs */
void probe_read_cost(struct probe *p, struct lt_sample *o);	/* our own cost (bpf_stats) */

#endif
