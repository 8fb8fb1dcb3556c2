/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The probe loader's state, shared by probe.c (load, attach, windows) and probe_read.c (counters -> samples). */
#ifndef LT_PROBE_PRIV_H
#define LT_PROBE_PRIV_H
#include <bpf/libbpf.h>
#include "livelock.h"
#include "livelock.skel.h"
#include "xdp_count.skel.h"
#include "probe.h"

#include "hooks.h"

#define MISSING_MAX 256
#define WINDOW_PROGS (LT_N_HOOKS + LT_N_WAIT_CALLS)	/* at most one variant of each is loaded */

/* One row of LT_HOOKS (bpf/hooks.h): its tracepoint, both program variants and their links. */
struct hook {
	const char *tp;
	enum lt_hook_group group;
	enum lt_hook_cost cost;
	struct bpf_program *btf, *raw;
	struct bpf_link **btf_link, **raw_link;
	struct bpf_program *loaded;	/* the variant loaded, NULL: neither (set by probe_open) */
};

struct probe {
	struct livelock_bpf *skel;
	struct nic_info nic;
	struct nic_stats prev_stats;
	struct lt_counters prev;
	struct lt_cpu *percpu;			/* the map's values, one a CPU */
	struct lt_counters *percpu_prev;	/* for the per-CPU deltas */
	int n_napi_prev;
	__u32 napi_prev_id[LT_NAPI_MAX];
	struct lt_napi_stat napi_prev[LT_NAPI_MAX], *napi_percpu;
	double *cpu_rx_ns;			/* per CPU: this interval's interrupt-priority ns (IRQ + NET_RX) */
	int ncpus;
	double prev_t;
	bool use_btf;
	const char *variant_reason;	/* why tp_btf or raw_tp */
	char btf_path[256];		/* the types the programs were relocated against */
	bool btf_external;		/* not the kernel's own /sys/kernel/btf/vmlinux */
	int n_programs;			/* loaded */
	enum probe_delivery delivery;
	bool latency;				/* --latency, and measurable here */
	struct hook hooks[LT_N_HOOKS];
	struct xdp_count_bpf *xdp;
	int xdp_link[LT_MAX_DEVS];	/* bpf_link fds, one per traced device: closed, they detach */
	int n_xdp_link;
	__u64 *xdp_percpu, xdp_prev;
	char xdp_note[256];
	char missing[MISSING_MAX];
	__u64 cost_prev[2][LT_N_HOOKS];		/* run_time_ns, run_cnt, by hook */
	int n_readers_prev;			/* reader threads seen, sorted by tid */
	__u32 reader_tid[LT_MAX_READERS];
	__u64 reader_ns[LT_MAX_READERS];
	bool sample;				/* --sample: window programs come and go */
	int n_window;
	struct bpf_program *window_prog[WINDOW_PROGS];	/* attached in each window */
	struct bpf_link *window_link[WINDOW_PROGS];
	bool stack_auto, stack_on;		/* stack timing attached on demand, and now */
	struct bpf_link *stack_link[LT_N_HOOKS];	/* by hook: LT_HG_STACK rows only */
};

void probe_xdp_detach(struct probe *p);
/* probe_btf.c: the kernel has the tracepoint (its __tracepoint_NAME symbol) */
bool probe_tp_in_kallsyms(const char *tp);

/* probe_read.c */
int probe_xdp_total(struct probe *p, __u64 *total);	/* the XDP counter over queues and CPUs */
void probe_read_cost(struct probe *p, struct lt_sample *o);	/* our own cost (bpf_stats) */

#endif
