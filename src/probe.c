// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include "cli.h"
#include "livelock.h"
#include "livelock.skel.h"
#include "xdp_count.skel.h"
#include "probe.h"

_Static_assert(sizeof(struct lt_counters) % 8 == 0, "per-CPU values are 8-byte aligned");

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
	const char *delivery;	/* "socket enqueue" or "read" */
	struct xdp_count_bpf *xdp;
	int xdp_link;		/* bpf_link fd: closed, it detaches */
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

static bool verbose;
static void read_probe_cost(struct probe *p, struct lt_sample *o);

/* The per-packet stack-timing programs of the loaded variant. */
static void stack_progs(const struct probe *p, struct bpf_program **out, struct bpf_link ***links)
{
	struct livelock_bpf *k = p->skel;

	if (p->use_btf) {
		out[0] = k->progs.rcv_entry_btf; out[1] = k->progs.rcv_exit_btf;
		out[2] = k->progs.gro_entry_btf; out[3] = k->progs.gro_exit_btf;
		links[0] = &k->links.rcv_entry_btf; links[1] = &k->links.rcv_exit_btf;
		links[2] = &k->links.gro_entry_btf; links[3] = &k->links.gro_exit_btf;
	} else {
		out[0] = k->progs.rcv_entry_raw; out[1] = k->progs.rcv_exit_raw;
		out[2] = k->progs.gro_entry_raw; out[3] = k->progs.gro_exit_raw;
		links[0] = &k->links.rcv_entry_raw; links[1] = &k->links.rcv_exit_raw;
		links[2] = &k->links.gro_entry_raw; links[3] = &k->links.gro_exit_raw;
	}
}

static bool is_stack_prog(const struct probe *p, const struct bpf_program *prog)
{
	struct bpf_program *s[STACK_PROGS];
	struct bpf_link **l[STACK_PROGS];

	stack_progs(p, s, l);
	for (int i = 0; i < STACK_PROGS; i++)
		if (s[i] == prog)
			return true;
	return false;
}

int probe_stack_time(struct probe *p, bool on)
{
	struct bpf_program *s[STACK_PROGS];
	struct bpf_link **l[STACK_PROGS];

	if (!p->stack_auto || on == p->stack_on)
		return 0;
	stack_progs(p, s, l);
	if (on)	/* the programs were away: each CPU forgets half-done entries */
		p->skel->bss->window_epoch++;
	for (int i = 0; i < STACK_PROGS; i++) {
		if (!on || !bpf_program__autoload(s[i])) {
			bpf_link__destroy(p->stack_link[i]);
			p->stack_link[i] = NULL;
			continue;
		}
		p->stack_link[i] = bpf_program__attach(s[i]);
		if (!p->stack_link[i]) {
			int err = -errno;

			p->stack_on = true;
			probe_stack_time(p, false);
			return err;
		}
	}
	p->stack_on = on;
	return 0;
}

static int print_fn(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_DEBUG || !verbose)
		return 0;
	return vfprintf(stderr, fmt, args);
}

/* Each tracepoint: its name and the two program variants attached to it. */
struct hook {
	const char *tp;
	struct bpf_program *btf, *raw;
};

#define HOOK(tp, name) { tp, s->progs.name##_btf, s->progs.name##_raw }

static int hooks_of(struct livelock_bpf *s, struct hook *h)
{
	struct hook all[] = {
		HOOK("irq_handler_entry", irq_entry), HOOK("irq_handler_exit", irq_exit),
		HOOK("softirq_entry", softirq_entry), HOOK("softirq_exit", softirq_exit),
		HOOK("napi_poll", napi_poll), HOOK("netif_receive_skb", stack_packet),
		HOOK("netif_rx", netif_rx),
		HOOK("netif_receive_skb_entry", rcv_entry), HOOK("netif_receive_skb_exit", rcv_exit),
		HOOK("napi_gro_receive_entry", gro_entry), HOOK("napi_gro_receive_exit", gro_exit),
		HOOK("skb_copy_datagram_iovec", copy_datagram), HOOK("kfree_skb", kfree_skb),
		HOOK("consume_skb", consume_skb), HOOK("sk_data_ready", sk_data_ready),
		HOOK("sock_recv_length", recv_length),
		HOOK("net_dev_start_xmit", xmit),
		HOOK("sched_switch", sched_switch),
	};
	memcpy(h, all, sizeof(all));
	return sizeof(all) / sizeof(all[0]);
}

/*
 * tp_btf needs the kernel's BTF to describe the tracepoint (btf_trace_NAME,
 * since 5.5); raw_tp works on older kernels.  A tracepoint the kernel lacks
 * is skipped and reported, not fatal.
 */
static bool tp_in_btf(const struct btf *vmlinux, const char *tp)
{
	char name[128];

	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	return vmlinux && btf__find_by_name_kind(vmlinux, name, BTF_KIND_TYPEDEF) > 0;
}

static bool tp_in_tracefs(const char *tp)
{
	static const char *const roots[] = { "/sys/kernel/tracing/events", "/sys/kernel/debug/tracing/events" };
	static const char *const systems[] = { "irq", "napi", "net", "skb", "sock", "sched", "syscalls" };
	char path[256];

	for (size_t r = 0; r < 2; r++)
		for (size_t s = 0; s < sizeof(systems) / sizeof(systems[0]); s++) {
			snprintf(path, sizeof(path), "%s/%s/%s", roots[r], systems[s], tp);
			if (!access(path, F_OK))
				return true;
		}
	return false;
}

/*
 * The ends of a reader's work before it waits (ftrace syscall events, only
 * through tracefs): each loaded where the kernel has the event, else the
 * application's marginal cost falls back to the span up to its sleep.
 */
static void wait_calls(struct livelock_bpf *s)
{
	const struct { const char *tp; struct bpf_program *prog; } w[] = {
		{ "sys_enter_poll", s->progs.wait_poll }, { "sys_enter_ppoll", s->progs.wait_ppoll },
		{ "sys_enter_select", s->progs.wait_select }, { "sys_enter_pselect6", s->progs.wait_pselect6 },
		{ "sys_enter_epoll_wait", s->progs.wait_epoll_wait },
		{ "sys_enter_epoll_pwait", s->progs.wait_epoll_pwait },
	};

	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		bpf_program__set_autoload(w[i].prog, tp_in_tracefs(w[i].tp));
}

/*
 * The XDP arrival counter, through a bpf_link so that it goes with the process.
 * Never over an XDP program someone else attached: then tracepoints count.
 */
static void xdp_attach(struct probe *p, enum probe_xdp mode)
{
	LIBBPF_OPTS(bpf_link_create_opts, lo);
	__u32 id = 0;
	int fd;

	if (mode == PROBE_XDP_OFF)
		return;
	if (!bpf_xdp_query_id(p->nic.ifindex, 0, &id) && id) {
		snprintf(p->xdp_note, sizeof(p->xdp_note),
			 "XDP program %u is already attached to %s: left alone, arrivals from tracepoints",
			 id, p->nic.name);
		return;
	}
	p->xdp = xdp_count_bpf__open_and_load();
	p->xdp_percpu = calloc(p->ncpus, sizeof(__u64));
	if (!p->xdp || !p->xdp_percpu) {
		snprintf(p->xdp_note, sizeof(p->xdp_note), "cannot load the XDP counter: %s",
			 strerror(errno));
		return;
	}
	lo.flags = mode == PROBE_XDP_GENERIC ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE;
	fd = bpf_link_create(bpf_program__fd(p->xdp->progs.xdp_count), p->nic.ifindex,
			     BPF_XDP, &lo);
	if (fd < 0) {
		snprintf(p->xdp_note, sizeof(p->xdp_note), "cannot attach XDP (%s) to %s: %s",
			 mode == PROBE_XDP_GENERIC ? "generic" : "native", p->nic.name,
			 strerror(errno));
		return;
	}
	p->xdp_link = fd;
}

static int xdp_total(struct probe *p, __u64 *total)
{
	*total = 0;
	for (__u32 q = 0; q < LT_XDP_QUEUES; q++) {
		int err = bpf_map__lookup_elem(p->xdp->maps.xdp_arrivals, &q, sizeof(q),
					       p->xdp_percpu, sizeof(__u64) * p->ncpus, 0);
		if (err)
			return err;
		for (int c = 0; c < p->ncpus; c++)
			*total += p->xdp_percpu[c];
	}
	return 0;
}

/*
 * Sampling: sched_switch attached for good (a reader's time on a CPU starts
 * at its switch-in, which may come before a window), every other loaded
 * program listed for the windows.  One trial window checks that they attach.
 */
static int sample_setup(struct probe *p, const char **msg)
{
	struct bpf_program *prog;
	struct livelock_bpf *k = p->skel;
	int err;

	bpf_object__for_each_program(prog, k->obj) {
		if (!bpf_program__autoload(prog))
			continue;
		if (prog == k->progs.sched_switch_btf || prog == k->progs.sched_switch_raw) {
			struct bpf_link **l = prog == k->progs.sched_switch_btf ? &k->links.sched_switch_btf
									  : &k->links.sched_switch_raw;

			*l = bpf_program__attach(prog);
			if (!*l) {
				*msg = "cannot attach to sched:sched_switch (run with -v for details)";
				return -errno;
			}
			continue;
		}
		if (p->stack_auto && is_stack_prog(p, prog))	/* attached on demand instead */
			continue;
		if (p->n_window < (int)(sizeof(p->window_prog) / sizeof(p->window_prog[0])))
			p->window_prog[p->n_window++] = prog;
	}
	err = probe_window_begin(p, msg);
	probe_window_end(p);
	return err;
}

int probe_window_begin(struct probe *p, const char **msg)
{
	struct lt_sample scratch;
	int err;

	if (!p->sample)
		return 0;
	/* the programs of the last window are gone: each CPU's half-done state goes too */
	p->skel->bss->window_epoch++;
	for (int i = 0; i < p->n_window; i++) {
		p->window_link[i] = bpf_program__attach(p->window_prog[i]);
		if (!p->window_link[i]) {
			err = -errno;
			*msg = "cannot attach to the tracepoints (run with -v for details)";
			probe_window_end(p);
			return err ? err : -EINVAL;
		}
	}
	err = probe_read(p, &scratch);	/* the baseline: the window starts now */
	if (err) {
		*msg = "cannot read the counters";
		probe_window_end(p);
	}
	return err;
}

void probe_window_end(struct probe *p)
{
	for (int i = 0; i < p->n_window; i++) {
		bpf_link__destroy(p->window_link[i]);
		p->window_link[i] = NULL;
	}
}

int probe_window_programs(const struct probe *p)
{
	return p->sample ? p->n_window : 0;
}

int probe_open(const struct nic_info *nic, const struct probe_opts *opts,
	       struct probe **out, const char **msg)
{
	struct probe *p = calloc(1, sizeof(*p));
	struct btf *vmlinux = NULL;
	struct hook hooks[24];
	int n, err;

	*msg = NULL;
	if (!p)
		return -ENOMEM;
	p->xdp_link = -1;
	verbose = opts->verbose;
	libbpf_set_print(print_fn);
	p->nic = *nic;
	p->ncpus = libbpf_num_possible_cpus();
	if (p->ncpus <= 0) {
		*msg = "cannot count the CPUs (/sys/devices/system/cpu/possible)";
		err = -ENOENT;
		goto fail;
	}
	p->percpu = calloc(p->ncpus, sizeof(struct lt_counters));
	p->percpu_prev = calloc(p->ncpus, sizeof(struct lt_counters));
	p->napi_percpu = calloc(p->ncpus, sizeof(struct lt_napi_stat));
	p->cpu_delta = calloc(4 * (size_t)p->ncpus, sizeof(uint64_t));
	if (!p->percpu || !p->percpu_prev || !p->cpu_delta || !p->napi_percpu) {
		err = -ENOMEM;
		goto fail;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		*msg = "this kernel has no BTF (/sys/kernel/btf/vmlinux): livelock-trace needs CONFIG_DEBUG_INFO_BTF=y";
		err = -ENOENT;
		goto fail;
	}
	vmlinux = btf__load_vmlinux_btf();
	p->skel = livelock_bpf__open();
	if (!p->skel) {
		err = -errno;
		*msg = "cannot open the BPF object";
		goto fail;
	}
	p->skel->rodata->targ_ifindex = nic->ifindex;
	p->skel->rodata->targ_netns = nic->netns_ino;

	n = hooks_of(p->skel, hooks);
	p->use_btf = vmlinux && tp_in_btf(vmlinux, "irq_handler_entry");
	for (int i = 0; i < n; i++) {
		bool have = p->use_btf ? tp_in_btf(vmlinux, hooks[i].tp)
				       : tp_in_tracefs(hooks[i].tp) || tp_in_btf(vmlinux, hooks[i].tp);

		bpf_program__set_autoload(hooks[i].btf, have && p->use_btf);
		bpf_program__set_autoload(hooks[i].raw, have && !p->use_btf);
		if (!have) {
			size_t l = strlen(p->missing);

			snprintf(p->missing + l, MISSING_MAX - l, "%s%s", l ? " " : "", hooks[i].tp);
		}
	}
	/*
	 * Deliveries: socket enqueues (sock:sk_data_ready, 6.10+) where the kernel
	 * has them; else reads (skb_copy_datagram_iovec) and UDP frees
	 * (consume_skb), exact before 6.17 deferred UDP frees.
	 */
	p->delivery = tp_in_btf(vmlinux, "sk_data_ready") || tp_in_tracefs("sk_data_ready") ?
		"socket enqueue" : "read";
	if (!strcmp(p->delivery, "socket enqueue")) {
		bpf_program__set_autoload(p->skel->progs.copy_datagram_btf, false);
		bpf_program__set_autoload(p->skel->progs.copy_datagram_raw, false);
		bpf_program__set_autoload(p->skel->progs.consume_skb_btf, false);
		bpf_program__set_autoload(p->skel->progs.consume_skb_raw, false);
	} else {	/* the reader is the task that frees the datagram */
		bpf_program__set_autoload(p->skel->progs.recv_length_btf, false);
		bpf_program__set_autoload(p->skel->progs.recv_length_raw, false);
	}
	p->stack_auto = opts->stack_time_auto && !opts->stack_time;
	if (!opts->stack_time && !p->stack_auto) {	/* two more programs per packet: only when asked */
		struct bpf_program *t[] = { p->skel->progs.rcv_entry_btf, p->skel->progs.rcv_entry_raw,
					    p->skel->progs.rcv_exit_btf, p->skel->progs.rcv_exit_raw,
					    p->skel->progs.gro_entry_btf, p->skel->progs.gro_entry_raw,
					    p->skel->progs.gro_exit_btf, p->skel->progs.gro_exit_raw };

		for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
			bpf_program__set_autoload(t[i], false);
	}
	wait_calls(p->skel);
	if (!opts->forward) {	/* every transmit of the host: only when asked */
		bpf_program__set_autoload(p->skel->progs.xmit_btf, false);
		bpf_program__set_autoload(p->skel->progs.xmit_raw, false);
	}
	if (opts->verbose)
		fprintf(stderr, "livelock-trace: deliveries counted at %s\n", p->delivery);
	if (opts->verbose)
		fprintf(stderr, "livelock-trace: attaching as %s%s%s\n",
			p->use_btf ? "tp_btf" : "raw_tp",
			*p->missing ? "; this kernel lacks: " : "", p->missing);

	err = livelock_bpf__load(p->skel);
	if (err) {
		*msg = err == -EPERM ? "loading BPF programs was refused: run as root (or with CAP_BPF and CAP_PERFMON)"
				     : "the kernel refused the BPF programs (run with -v for the verifier's reasons)";
		goto fail;
	}
	/* the filter map's value is the IRQ's slot + 1 in the per-IRQ statistics */
	for (int i = 0; i < nic->n_irqs && i < LT_IRQ_SLOTS; i++) {
		__u32 irq = nic->irqs[i].irq;
		__u8 slot1 = (__u8)(i + 1);

		if (irq < LT_MAX_IRQS)
			bpf_map__update_elem(p->skel->maps.irq_filter, &irq, sizeof(irq),
					     &slot1, sizeof(slot1), BPF_ANY);
	}
	p->sample = opts->sample;
	if (p->sample) {
		err = sample_setup(p, msg);
		if (err)
			goto fail;
	} else {
		err = livelock_bpf__attach(p->skel);
		if (err) {
			*msg = "cannot attach to the tracepoints (run with -v for details)";
			goto fail;
		}
		if (p->stack_auto) {	/* attached on demand (probe_stack_time) */
			struct bpf_program *sp[STACK_PROGS];
			struct bpf_link **sl[STACK_PROGS];

			stack_progs(p, sp, sl);
			for (int i = 0; i < STACK_PROGS; i++) {
				bpf_link__destroy(*sl[i]);
				*sl[i] = NULL;
			}
		}
	}
	xdp_attach(p, opts->xdp);
	if (p->xdp_link >= 0)
		xdp_total(p, &p->xdp_prev);
	nic_read_stats(nic->name, &p->prev_stats);
	p->prev_t = cli_now_s();
	btf__free(vmlinux);
	*out = p;
	return 0;
fail:
	btf__free(vmlinux);
	probe_close(p);
	return err ? err : -EINVAL;
}

const char *probe_xdp_note(const struct probe *p)
{
	return *p->xdp_note ? p->xdp_note : NULL;
}

/* Per-IRQ statistics (slots of the summed counters): deltas per IRQ, and their totals. */
static void irq_deltas(const struct probe *p, const struct lt_counters *a,
		       const struct lt_counters *b, struct lt_sample *o)
{
	o->n_irq = p->nic.n_irqs < LT_IRQ_SLOTS ? p->nic.n_irqs : LT_IRQ_SLOTS;
	o->irqs = o->irqs_none = o->isr_ns = 0;
	for (int i = 0; i < o->n_irq; i++) {
		const struct lt_irq_stat *x = &a->irq[i], *y = &b->irq[i];

		o->irq_num[i] = p->nic.irqs[i].irq;
		o->irq_count[i] = x->count - y->count;
		o->irq_ns[i] = x->ns - y->ns;
		o->irq_none[i] = x->none - y->none;
		o->irqs += o->irq_count[i];
		o->irqs_none += o->irq_none[i];
		o->isr_ns += o->irq_ns[i];
	}
}

/* Per-NAPI-instance deltas; the instances are the map's keys. */
static int cmp_tid(const void *a, const void *b)
{
	const __u32 *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

/*
 * The reader threads' on-CPU time since the last read, and how many of them
 * ran in parallel (their total time over the busiest one's).  A thread on a CPU right now (a busy reader that never sleeps) counts
 * up to now: bpf_ktime_get_ns() is CLOCK_MONOTONIC.
 */
static uint64_t read_readers(struct probe *p, uint32_t *active)
{
	struct { __u32 tid; __u64 ns; } cur[LT_MAX_READERS];
	__u32 key, next, *prevkey = NULL;
	struct lt_reader r;
	struct timespec ts;
	uint64_t now, total = 0, most = 0;
	int n = 0;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	while (n < LT_MAX_READERS &&
	       !bpf_map__get_next_key(p->skel->maps.readers, prevkey, &next, sizeof(next))) {
		key = next;
		prevkey = &key;
		if (bpf_map__lookup_elem(p->skel->maps.readers, &key, sizeof(key), &r, sizeof(r), 0))
			continue;
		cur[n].tid = key;
		cur[n].ns = r.ns + (r.on_since && r.on_since < now ? now - r.on_since : 0);
		n++;
	}
	qsort(cur, n, sizeof(cur[0]), cmp_tid);
	for (int i = 0; i < n; i++) {
		__u32 *hit = bsearch(&cur[i].tid, p->reader_tid, p->n_readers_prev, sizeof(__u32), cmp_tid);
		__u64 before = hit ? p->reader_ns[hit - p->reader_tid] : 0;

		if (cur[i].ns > before) {
			total += cur[i].ns - before;
			if (cur[i].ns - before > most)
				most = cur[i].ns - before;
		}
	}
	/* readers in parallel, weighted by their time: a thread that ran for a
	 * moment does not count as a second server */
	*active = most ? (uint32_t)llround((double)total / (double)most) : 0;
	for (int i = 0; i < n; i++) {
		p->reader_tid[i] = cur[i].tid;
		p->reader_ns[i] = cur[i].ns;
	}
	p->n_readers_prev = n;
	return total;
}

static void read_napi_stats(struct probe *p, struct lt_sample *o)
{
	__u32 key, next, ids[LT_NAPI_MAX];
	struct lt_napi_stat tot[LT_NAPI_MAX];
	int n = 0;
	__u32 *prevkey = NULL;

	while (n < LT_NAPI_MAX &&
	       !bpf_map__get_next_key(p->skel->maps.napi_stats, prevkey, &next, sizeof(next))) {
		key = next;
		prevkey = &key;
		memset(&tot[n], 0, sizeof(tot[n]));
		if (bpf_map__lookup_elem(p->skel->maps.napi_stats, &key, sizeof(key), p->napi_percpu,
					 sizeof(struct lt_napi_stat) * p->ncpus, 0))
			continue;
		for (int c = 0; c < p->ncpus; c++) {
			tot[n].polls += p->napi_percpu[c].polls;
			tot[n].packets += p->napi_percpu[c].packets;
			tot[n].budget_full += p->napi_percpu[c].budget_full;
		}
		ids[n++] = key;
	}
	o->n_napi = 0;
	for (int i = 0; i < n; i++) {
		struct lt_napi_stat before = { 0 };

		for (int k = 0; k < p->n_napi_prev; k++)
			if (p->napi_prev_id[k] == ids[i])
				before = p->napi_prev[k];
		if (tot[i].polls == before.polls)
			continue;
		o->napi_id[o->n_napi] = ids[i];
		o->napi_inst_polls[o->n_napi] = tot[i].polls - before.polls;
		o->napi_inst_packets[o->n_napi] = tot[i].packets - before.packets;
		o->napi_inst_full[o->n_napi] = tot[i].budget_full - before.budget_full;
		o->n_napi++;
	}
	memcpy(p->napi_prev_id, ids, sizeof(ids[0]) * n);
	memcpy(p->napi_prev, tot, sizeof(tot[0]) * n);
	p->n_napi_prev = n;
}

static void sum_counters(const struct probe *p, struct lt_counters *sum)
{
	const __u64 *src = (const __u64 *)p->percpu;
	__u64 *dst = (__u64 *)sum;
	const size_t words = sizeof(*sum) / sizeof(__u64);

	memset(sum, 0, sizeof(*sum));
	for (int c = 0; c < p->ncpus; c++)
		for (size_t w = 0; w < words; w++)
			dst[w] += src[c * words + w];
}

static void fit_delta(struct lt_fit_sums *o, const struct lt_fit *a, const struct lt_fit *b)
{
	o->n = (double)(a->n - b->n);
	o->sx = (double)(a->sx - b->sx);
	o->sy = (double)(a->sy - b->sy);
	o->sxx = (double)(a->sxx - b->sxx);
	o->sxy = (double)(a->sxy - b->sxy);
	o->syy = (double)(a->syy - b->syy);
}

/*
 * Where the application runs: the readers' on-CPU time on each CPU, weighted
 * by how much of this NIC's interrupt-priority work (hard IRQ + NET_RX) that
 * CPU did against the mean over the CPUs that did any (1: the reader shares
 * a CPU with a full share of it, 0: it never runs where that work does), and
 * by the share of that CPU other tasks took (neither idle, nor the readers,
 * nor this NIC's interrupt work).
 */
static void app_rx_share(const struct probe *p, struct lt_sample *o)
{
	double kern_total = 0, active = 0;

	o->app_oncpu_ns = o->app_oncpu_rx_ns = o->app_oncpu_other_ns = 0;
	for (int c = 0; c < p->ncpus; c++) {
		double k = (double)o->cpu_softirq_ns[c];

		for (int i = 0; i < LT_IRQ_SLOTS && i < p->nic.n_irqs; i++)
			k += (double)(p->percpu[c].irq[i].ns - p->percpu_prev[c].irq[i].ns);
		p->cpu_delta[3 * p->ncpus + c] = (uint64_t)k;
		kern_total += k;
		active += k > 0;
	}
	for (int c = 0; c < p->ncpus; c++) {
		double app = (double)(p->percpu[c].app_oncpu_ns - p->percpu_prev[c].app_oncpu_ns);
		double w = kern_total > 0 ? (double)p->cpu_delta[3 * p->ncpus + c] * active / kern_total : 0;

		double idle = (double)(p->percpu[c].idle_ns - p->percpu_prev[c].idle_ns);
		double dt_ns = o->interval_s * 1e9;
		double other = dt_ns > 0 ? 1 - (idle + app + (double)p->cpu_delta[3 * p->ncpus + c]) / dt_ns : 0;

		o->app_oncpu_ns += app;
		o->app_oncpu_rx_ns += app * (w < 1 ? w : 1);
		o->app_oncpu_other_ns += app * (other > 0 ? (other < 1 ? other : 1) : 0);
	}
}

int probe_read(struct probe *p, struct lt_sample *o)
{
	struct lt_counters cur, *a = &cur, *b = &p->prev;
	struct nic_stats st;
	__u32 zero = 0;
	double t = cli_now_s();
	int err;

	err = bpf_map__lookup_elem(p->skel->maps.counters, &zero, sizeof(zero), p->percpu,
				   sizeof(struct lt_counters) * p->ncpus, 0);
	if (err)
		return err;
	sum_counters(p, &cur);
	memset(o, 0, sizeof(*o));
	o->n_cpu = p->ncpus;
	o->cpu_softirqs = p->cpu_delta;
	o->cpu_softirq_ns = p->cpu_delta + p->ncpus;
	o->cpu_softirq_packets = p->cpu_delta + 2 * p->ncpus;
	for (int c = 0; c < p->ncpus; c++) {
		const struct lt_counters *x = &p->percpu[c], *y = &p->percpu_prev[c];

		o->cpu_softirqs[c] = x->softirq_fit.n - y->softirq_fit.n;
		o->cpu_softirq_ns[c] = x->softirq_fit.sy - y->softirq_fit.sy;
		o->cpu_softirq_packets[c] = x->softirq_fit.sx - y->softirq_fit.sx;
	}
	o->interval_s = t - p->prev_t;
	app_rx_share(p, o);
	memcpy(p->percpu_prev, p->percpu, sizeof(struct lt_counters) * p->ncpus);
#define D(f) (a->f - b->f)
	irq_deltas(p, a, b, o);
	o->isr_ns_sq = (double)D(isr_fit.syy);	/* the fit has every handled run */
	o->irq_packets = D(irq_packets);
	fit_delta(&o->isr_fit, &a->isr_fit, &b->isr_fit);
	o->softirqs = D(softirq_fit.n);
	o->softirq_ns = D(softirq_fit.sy);
	o->softirq_packets = D(softirq_fit.sx);
	fit_delta(&o->softirq_fit, &a->softirq_fit, &b->softirq_fit);
	o->napi_polls = D(napi_polls);
	o->napi_packets = D(napi_packets);
	o->napi_budget_full = D(napi_budget_full);
	o->napi_polls_ksoftirqd = D(napi_polls_ksoftirqd);
	o->stack_packets = D(stack_packets);
	o->stack_timed = D(stack_timed);
	o->stack_ns = D(stack_ns);
	o->stack_ns_sq = (double)D(stack_ns_sq);
	o->iat_n = (double)D(iat_n);
	o->iat_ns = (double)D(iat_ns);
	o->iat_ns_sq = (double)D(iat_ns_sq);
	o->delivered_packets = D(delivered_packets);
	o->forwarded_packets = D(forwarded_packets);
	/* the readers' on-CPU time, per datagram delivered (no per-datagram spread) */
	o->app_ns = read_readers(p, &o->app_threads);
	/* interrupt work timed on top of a reader is not the application's */
	o->app_ns = o->app_ns > D(reader_stolen_ns) ? o->app_ns - D(reader_stolen_ns) : 0;
	o->app_timed = o->app_ns ? o->delivered_packets : 0;
	o->app_ns_sq = NAN;
	o->delivered_bytes = D(delivered_bytes);
#define X(field, key, doc) o->field = D(field);
	LT_COST_COUNTERS(X)
#undef X
	o->drops_backlog = D(drops[LT_DROP_BACKLOG]);
	o->drops_socket = D(drops[LT_DROP_SOCKET]);
	o->drops_other = D(drops[LT_DROP_OTHER]);
	for (int i = 0; i < LT_HIST_SLOTS; i++)
		o->isr_hist[i] = D(isr_hist[i]);
	for (int i = 0; i < LT_BATCH_SLOTS; i++)
		o->batch_hist[i] = D(batch_hist[i]);
#undef D
	read_napi_stats(p, o);
	o->xdp_valid = false;
	if (p->xdp_link >= 0) {
		__u64 total;

		if (!xdp_total(p, &total)) {
			o->xdp_valid = true;
			o->xdp_packets = total - p->xdp_prev;
			p->xdp_prev = total;
		}
	}
	read_probe_cost(p, o);
	if (!nic_read_stats(p->nic.name, &st)) {
		o->drops_nic = (st.rx_missed_errors - p->prev_stats.rx_missed_errors) +
			       (st.rx_fifo_errors - p->prev_stats.rx_fifo_errors) +
			       (st.rx_over_errors - p->prev_stats.rx_over_errors);
		p->prev_stats = st;
	} else if (!nic_exists(p->nic.name)) {
		return -ENODEV;
	}
	p->prev = cur;
	p->prev_t = t;
	return 0;
}

const char *probe_variant(const struct probe *p)
{
	return p->use_btf ? "tp_btf" : "raw_tp";
}

const char *probe_delivery(const struct probe *p)
{
	return p->delivery;
}

struct bpf_object *probe_object(const struct probe *p)
{
	return p->skel->obj;
}

const char *probe_missing(const struct probe *p)
{
	return p->missing;
}

static int prog_fd(const struct livelock_bpf *k, int which)
{
	const struct bpf_program *b[PROBE_COST_PROGS][2] = {
		{ k->progs.irq_entry_btf, k->progs.irq_entry_raw },
		{ k->progs.irq_exit_btf, k->progs.irq_exit_raw },
		{ k->progs.stack_packet_btf, k->progs.stack_packet_raw },
		{ k->progs.rcv_entry_btf, k->progs.rcv_entry_raw },
		{ k->progs.rcv_exit_btf, k->progs.rcv_exit_raw },
		{ k->progs.gro_entry_btf, k->progs.gro_entry_raw },
		{ k->progs.gro_exit_btf, k->progs.gro_exit_raw },
		{ k->progs.netif_rx_btf, k->progs.netif_rx_raw },
		{ k->progs.sk_data_ready_btf, k->progs.sk_data_ready_raw },
	};
	int fd = bpf_program__fd(b[which][0]);

	return fd >= 0 ? fd : bpf_program__fd(b[which][1]);
}

/*
 * Our own cost, when kernel.bpf_stats_enabled is on (never switched on by
 * us): the mean run time of each program over this interval.  A handler's
 * measured time holds about half of the entry and exit programs' (each
 * reads the clock midway); a packet's, one run of each per-packet program.
 */
static void read_probe_cost(struct probe *p, struct lt_sample *o)
{
	double mean[PROBE_COST_PROGS] = { 0 };
	FILE *f = fopen("/proc/sys/kernel/bpf_stats_enabled", "r");
	int on = 0;

	o->probe_ns_per_irq = o->probe_ns_per_packet = -1;
	if (f) {
		if (fscanf(f, "%d", &on) != 1)
			on = 0;
		fclose(f);
	}
	if (!on)
		return;
	for (int i = 0; i < PROBE_COST_PROGS; i++) {
		struct bpf_prog_info info = { 0 };
		__u32 len = sizeof(info);
		int fd = prog_fd(p->skel, i);
		__u64 dt, dn;

		if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
			continue;
		dt = info.run_time_ns - p->cost_prev[0][i];
		dn = info.run_cnt - p->cost_prev[1][i];
		p->cost_prev[0][i] = info.run_time_ns;
		p->cost_prev[1][i] = info.run_cnt;
		mean[i] = dn ? (double)dt / (double)dn : 0;
	}
	o->probe_ns_per_irq = (mean[COST_IRQ_ENTRY] + mean[COST_IRQ_EXIT]) / 2;
	o->probe_ns_per_packet = mean[COST_STACK] + mean[COST_NETIF_RX] + mean[COST_DATA_READY] +
				 (mean[COST_RCV_ENTRY] + mean[COST_RCV_EXIT] +
				  mean[COST_GRO_ENTRY] + mean[COST_GRO_EXIT]) / 2;
}

void probe_close(struct probe *p)
{
	if (!p)
		return;
	if (p->xdp_link >= 0)
		close(p->xdp_link);
	probe_window_end(p);
	for (int i = 0; i < STACK_PROGS; i++)
		bpf_link__destroy(p->stack_link[i]);
	xdp_count_bpf__destroy(p->xdp);
	free(p->xdp_percpu);
	livelock_bpf__destroy(p->skel);
	free(p->percpu);
	free(p->percpu_prev);
	free(p->napi_percpu);
	free(p->cpu_delta);
	free(p);
}
