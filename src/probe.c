// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The probe loader: the hook table, variant choice, load, attach, sampling windows, stack timing on demand (probe.h). */
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

_Static_assert(sizeof(struct lt_cpu) % 8 == 0, "per-CPU values are 8-byte aligned");
_Static_assert(sizeof(struct lt_counters) % sizeof(__u64) == 0, "the counters are summed as u64 words");
_Static_assert(NIC_MAX_DEVS == LT_MAX_DEVS, "a device set fits the BPF filter");

#include "probe_priv.h"

static bool verbose;

/* The link of the variant prog of hook h (attached by the skeleton, or by us). */
static struct bpf_link **hook_link(struct hook *h, const struct bpf_program *prog)
{
	return prog == h->btf ? h->btf_link : h->raw_link;
}

int probe_stack_time(struct probe *p, bool on)
{
	if (!p->stack_auto || on == p->stack_on)
		return 0;
	if (on)	/* the programs were away: each CPU forgets its half-done stack entry */
		p->skel->bss->stack_epoch++;
	for (int i = 0; i < LT_N_HOOKS; i++) {
		struct bpf_program *prog = p->hooks[i].loaded;

		if (p->hooks[i].group != LT_HG_STACK)
			continue;
		if (!on || !prog) {
			bpf_link__destroy(p->stack_link[i]);
			p->stack_link[i] = NULL;
			continue;
		}
		p->stack_link[i] = bpf_program__attach(prog);
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

/* The hook table, from the one list (bpf/hooks.h). */
static void hooks_of(struct livelock_bpf *s, struct hook *h)
{
	int n = 0;

#define X(tp, name, group, cost, args, call)					\
	h[n++] = (struct hook){ tp, group, cost, s->progs.name##_btf, s->progs.name##_raw, \
				&s->links.name##_btf, &s->links.name##_raw, NULL };
	LT_HOOKS(X)
#undef X
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

/*
 * tp_btf programs name their tracepoint by a BTF id of the running kernel's
 * own BTF, so an external file (--btf) means raw_tp; so does --attach raw_tp.
 */
static bool choose_variant(struct probe *p, const struct probe_opts *opts, const struct btf *vmlinux)
{
	if (opts->attach == PROBE_ATTACH_RAW_TP)
		p->variant_reason = "forced by --attach raw_tp";
	else if (p->btf_external)
		p->variant_reason = "external BTF: tp_btf needs the kernel's own";
	else if (!tp_in_btf(vmlinux, "irq_handler_entry"))
		p->variant_reason = "the kernel's BTF has no btf_trace_* types";
	else
		p->variant_reason = "the kernel's BTF describes the tracepoints";
	return opts->attach != PROBE_ATTACH_RAW_TP && !p->btf_external && tp_in_btf(vmlinux, "irq_handler_entry");
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

/* raw_tp attaches by name: any sign that the kernel has the tracepoint will do */
static bool tp_for_raw(const struct btf *vmlinux, const char *tp)
{
	return tp_in_btf(vmlinux, tp) || tp_in_tracefs(tp) || probe_tp_in_kallsyms(tp);
}

/*
 * The ends of a reader's work before it waits (ftrace syscall events, only
 * through tracefs): each loaded where the kernel has the event, else the
 * application's marginal cost falls back to the span up to its sleep.
 */
static void wait_calls(struct livelock_bpf *s)
{
#define X(name) bpf_program__set_autoload(s->progs.wait_##name, tp_in_tracefs("sys_enter_" #name));
	LT_WAIT_CALLS(X)
#undef X
}

/* The traced devices: the set of nic_discover_lower(), else the device alone. */
static int traced_devs(const struct nic_info *nic, struct nic_dev *out)
{
	if (!nic->set.n_traced) {
		snprintf(out[0].name, sizeof(out[0].name), "%s", nic->name);
		out[0].ifindex = nic->ifindex;
		return 1;
	}
	memcpy(out, nic->set.traced, (size_t)nic->set.n_traced * sizeof(*out));
	return nic->set.n_traced;
}

/* The BPF filter: the traced devices, and the ifindexes their packets carry up to the watched one. */
static void set_targets(struct livelock_bpf *k, const struct nic_info *nic)
{
	struct nic_dev d[NIC_MAX_DEVS];
	int n = traced_devs(nic, d), m = 0;

	for (int i = 0; i < n; i++) {
		k->rodata->targ_ifindex[i] = d[i].ifindex;
		k->rodata->targ_iif[m++] = d[i].ifindex;
	}
	for (int i = 0; i < nic->set.n_above && m < LT_MAX_DEVS; i++)
		k->rodata->targ_iif[m++] = nic->set.above[i].ifindex;
	k->rodata->targ_n_ifindex = (__u32)n;
	k->rodata->targ_n_iif = (__u32)m;
}

/* The XDP counter, stamping each packet's arrival (--latency) or not; NULL with errno set. */
static struct xdp_count_bpf *xdp_load(bool stamp)
{
	struct xdp_count_bpf *x = xdp_count_bpf__open();
	int err;

	if (!x)
		return NULL;
	x->rodata->targ_stamp = stamp;
	if (xdp_count_bpf__load(x)) {
		err = errno;
		xdp_count_bpf__destroy(x);
		errno = err;
		return NULL;
	}
	return x;
}

/*
 * The XDP arrival counter, through a bpf_link so that it goes with the
 * process; one program on every traced device, its counters their sum.
 * Never over an XDP program someone else attached: then tracepoints count.
 */
static void xdp_attach(struct probe *p, enum probe_xdp mode)
{
	LIBBPF_OPTS(bpf_link_create_opts, lo);
	struct nic_dev d[NIC_MAX_DEVS];
	int n = traced_devs(&p->nic, d);
	__u32 id = 0;

	if (mode == PROBE_XDP_OFF)
		return;
	for (int i = 0; i < n; i++)
		if (!bpf_xdp_query_id(d[i].ifindex, 0, &id) && id) {
			snprintf(p->xdp_note, sizeof(p->xdp_note),
				 "XDP program %u is already attached to %s: left alone, arrivals from tracepoints",
				 id, d[i].name);
			return;
		}
	p->xdp_percpu = calloc(p->ncpus, sizeof(__u64));
	p->xdp = xdp_load(p->latency);
	if (!p->xdp && p->latency && (p->xdp = xdp_load(false)))
		/* a kernel that gives XDP programs no bpf_xdp_adjust_meta: the count without the stamp */
		snprintf(p->xdp_note, sizeof(p->xdp_note),
			 "this kernel refused the XDP program that stamps arrivals (bpf_xdp_adjust_meta): arrivals counted at XDP without it, the latency's stack part starts at netif_receive_skb");
	if (!p->xdp || !p->xdp_percpu) {
		snprintf(p->xdp_note, sizeof(p->xdp_note), "cannot load the XDP counter: %s",
			 strerror(errno));
		return;
	}
	lo.flags = mode == PROBE_XDP_GENERIC ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE;
	for (int i = 0; i < n; i++) {
		int fd = bpf_link_create(bpf_program__fd(p->xdp->progs.xdp_count), d[i].ifindex,
					 BPF_XDP, &lo);

		if (fd < 0) {
			snprintf(p->xdp_note, sizeof(p->xdp_note), "cannot attach XDP (%s) to %s: %s",
				 mode == PROBE_XDP_GENERIC ? "generic" : "native", d[i].name,
				 strerror(errno));
			probe_xdp_detach(p);	/* all or none: a partial count is no count */
			return;
		}
		p->xdp_link[p->n_xdp_link++] = fd;
	}
}

/*
 * Sampling: sched_switch attached for good (a reader's time on a CPU starts
 * at its switch-in, which may come before a window), every other loaded
 * program listed for the windows.  One trial window checks that they attach.
 */
static int sample_setup(struct probe *p, const char **msg)
{
	struct bpf_program *prog;
	int err;

	for (int i = 0; i < LT_N_HOOKS; i++) {
		struct hook *h = &p->hooks[i];

		if (h->group != LT_HG_STICKY || !(prog = h->loaded))
			continue;
		*hook_link(h, prog) = bpf_program__attach(prog);
		if (!*hook_link(h, prog)) {
			*msg = "cannot attach to sched:sched_switch (run with -v for details)";
			return -errno;
		}
	}
	bpf_object__for_each_program(prog, p->skel->obj) {
		bool windowed = true;

		if (!bpf_program__autoload(prog))
			continue;
		for (int i = 0; i < LT_N_HOOKS; i++)
			if (prog == p->hooks[i].btf || prog == p->hooks[i].raw)
				windowed = p->hooks[i].group != LT_HG_STICKY &&
					   !(p->stack_auto && p->hooks[i].group == LT_HG_STACK);
		if (!windowed)	/* attached for good, or on demand */
			continue;
		if (p->n_window >= WINDOW_PROGS) {
			*msg = "more programs than the sampling windows hold";
			return -E2BIG;
		}
		p->window_prog[p->n_window++] = prog;
	}
	err = probe_window_begin(p, msg);
	probe_window_end(p);
	return err;
}

/* Read the counters and drop the sample: the next interval starts now. */
static int probe_baseline(struct probe *p)
{
	struct lt_sample scratch;

	return probe_read(p, &scratch);
}

int probe_window_begin(struct probe *p, const char **msg)
{
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
	err = probe_baseline(p);	/* the window starts now */
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
	LIBBPF_OPTS(bpf_object_open_opts, oo);
	struct btf *vmlinux = NULL;
	struct bpf_program *prog;
	bool want[LT_HG_N];
	int err;

	*msg = NULL;
	if (!p)
		return -ENOMEM;
	verbose = opts->verbose;
	libbpf_set_print(print_fn);
	p->nic = *nic;
	p->ncpus = libbpf_num_possible_cpus();
	if (p->ncpus <= 0) {
		*msg = "cannot count the CPUs (/sys/devices/system/cpu/possible)";
		err = -ENOENT;
		goto fail;
	}
	p->percpu = calloc(p->ncpus, sizeof(struct lt_cpu));
	p->percpu_prev = calloc(p->ncpus, sizeof(struct lt_counters));
	p->napi_percpu = calloc(p->ncpus, sizeof(struct lt_napi_stat));
	p->cpu_rx_ns = calloc((size_t)p->ncpus, sizeof(double));
	if (!p->percpu || !p->percpu_prev || !p->cpu_rx_ns || !p->napi_percpu) {
		err = -ENOMEM;
		goto fail;
	}
	err = probe_btf_find(opts->btf, p->btf_path, sizeof(p->btf_path), &p->btf_external, msg);
	if (err)
		goto fail;
	/* an external file describes the types; tp_btf needs them in the kernel itself */
	vmlinux = p->btf_external ? btf__parse(p->btf_path, NULL) : btf__load_vmlinux_btf();
	if (libbpf_get_error(vmlinux))
		vmlinux = NULL;
	oo.btf_custom_path = p->btf_external ? p->btf_path : NULL;
	p->skel = livelock_bpf__open_opts(&oo);
	if (!p->skel) {
		err = -errno;
		*msg = "cannot open the BPF object";
		goto fail;
	}
	set_targets(p->skel, nic);
	p->skel->rodata->targ_netns = nic->netns_ino;

	hooks_of(p->skel, p->hooks);
	p->use_btf = choose_variant(p, opts, vmlinux);
	/*
	 * Deliveries: socket enqueues (sock:sk_data_ready, 6.10+) where the kernel
	 * has them; else reads (skb_copy_datagram_iovec) and UDP frees
	 * (consume_skb), exact before 6.17 deferred UDP frees.
	 */
	p->delivery = tp_for_raw(vmlinux, "sk_data_ready") ? PROBE_DELIVER_ENQUEUE : PROBE_DELIVER_READ;
	p->stack_auto = opts->stack_time_auto && !opts->stack_time;
	want[LT_HG_CORE] = want[LT_HG_STICKY] = true;
	want[LT_HG_STACK] = opts->stack_time || p->stack_auto;	/* two more programs per packet */
	want[LT_HG_ENQUEUE] = p->delivery == PROBE_DELIVER_ENQUEUE;
	want[LT_HG_READ] = p->delivery == PROBE_DELIVER_READ;	/* the reader frees the datagram */
	want[LT_HG_FORWARD] = opts->forward;	/* every transmit of the host: only when asked */
	want[LT_HG_LATENCY] = opts->latency;	/* every wakeup of the host: only when asked */
	for (int i = 0; i < LT_N_HOOKS; i++) {
		struct hook *h = &p->hooks[i];
		bool have = p->use_btf ? tp_in_btf(vmlinux, h->tp) : tp_for_raw(vmlinux, h->tp);

		bpf_program__set_autoload(h->btf, have && want[h->group] && p->use_btf);
		bpf_program__set_autoload(h->raw, have && want[h->group] && !p->use_btf);
		h->loaded = !have || !want[h->group] ? NULL : p->use_btf ? h->btf : h->raw;
		if (!have) {
			size_t l = strlen(p->missing);

			snprintf(p->missing + l, MISSING_MAX - l, "%s%s", l ? " " : "", h->tp);
		}
	}
	if (!bpf_program__autoload(p->use_btf ? p->skel->progs.stack_packet_btf : p->skel->progs.stack_packet_raw)) {
		*msg = p->use_btf ? "the kernel's BTF has no net:netif_receive_skb tracepoint to count packets with"
				  : "found no net:netif_receive_skb tracepoint to count packets with (in the BTF, tracefs or /proc/kallsyms)";
		err = -ENOENT;
		goto fail;
	}
	wait_calls(p->skel);
	/* the latency's enqueue point is sock:sk_data_ready (bpf/compat.bpf.h) */
	p->latency = opts->latency && p->delivery == PROBE_DELIVER_ENQUEUE;
	p->skel->rodata->targ_latency = p->latency;
	/* --xdp native and --latency: the start is the XDP program's stamp where the driver keeps it */
	p->skel->rodata->targ_xdp_stamp = p->latency && opts->xdp != PROBE_XDP_OFF;
	if (!p->latency)	/* its socket map is not used: keep it small */
		bpf_map__set_max_entries(p->skel->maps.lat_socks, 1);
	if (opts->verbose)
		fprintf(stderr, "livelock-trace: deliveries counted at %s\n", probe_delivery(p));
	if (opts->verbose)
		fprintf(stderr, "livelock-trace: attaching as %s (%s), types from %s%s%s\n",
			p->use_btf ? "tp_btf" : "raw_tp", p->variant_reason, p->btf_path,
			*p->missing ? "; this kernel lacks: " : "", p->missing);
	bpf_object__for_each_program(prog, p->skel->obj)
		p->n_programs += bpf_program__autoload(prog);

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
		for (int i = 0; p->stack_auto && i < LT_N_HOOKS; i++) {	/* attached on demand (probe_stack_time) */
			struct hook *h = &p->hooks[i];

			if (h->group != LT_HG_STACK)
				continue;
			bpf_link__destroy(*h->btf_link);
			bpf_link__destroy(*h->raw_link);
			*h->btf_link = *h->raw_link = NULL;
		}
	}
	xdp_attach(p, opts->xdp);
	/*
	 * The first interval starts now, with every program attached.  They
	 * attach one after another, so what the first ones counted meanwhile
	 * would put more packets entering the stack than reaching sockets into
	 * the first interval, and more than its clock saw (veth at 4 kpps:
	 * lambda +1.3%).  The baseline also takes the XDP total and the
	 * device's statistics; prev_t stands should it fail.
	 */
	p->prev_t = cli_now_s();
	probe_baseline(p);
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

const char *probe_variant(const struct probe *p)
{
	return p->use_btf ? "tp_btf" : "raw_tp";
}

const char *probe_variant_reason(const struct probe *p)
{
	return p->variant_reason;
}

const char *probe_btf_path(const struct probe *p)
{
	return p->btf_path;
}

bool probe_btf_external(const struct probe *p)
{
	return p->btf_external;
}

int probe_programs(const struct probe *p)
{
	return p->n_programs;
}

bool probe_latency(const struct probe *p)
{
	return p->latency;
}

const char *probe_delivery(const struct probe *p)
{
	return p->delivery == PROBE_DELIVER_ENQUEUE ? "socket enqueue" : "read";
}

struct bpf_object *probe_object(const struct probe *p)
{
	return p->skel->obj;
}

const char *probe_missing(const struct probe *p)
{
	return p->missing;
}

void probe_xdp_detach(struct probe *p)
{
	while (p->n_xdp_link > 0)
		close(p->xdp_link[--p->n_xdp_link]);
}

void probe_close(struct probe *p)
{
	if (!p)
		return;
	probe_xdp_detach(p);
	probe_window_end(p);
	for (int i = 0; i < LT_N_HOOKS; i++)
		bpf_link__destroy(p->stack_link[i]);
	xdp_count_bpf__destroy(p->xdp);
	free(p->xdp_percpu);
	livelock_bpf__destroy(p->skel);
	free(p->percpu);
	free(p->percpu_prev);
	free(p->napi_percpu);
	free(p->cpu_rx_ns);
	free(p);
}
