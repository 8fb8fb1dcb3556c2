/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The probe loader: opens, configures, loads and attaches the BPF programs
 * for one NIC, and turns their per-CPU counters into per-interval samples.
 * Everything it attaches is a bpf_link owned by this process: nothing stays
 * attached when the process ends, however it ends.
 */
#ifndef LT_PROBE_H
#define LT_PROBE_H
#include <stdbool.h>
#include "nic.h"
#include "sample.h"

struct probe;
struct bpf_object;

enum probe_xdp {
	PROBE_XDP_OFF,
	PROBE_XDP_NATIVE,	/* in the driver: many drivers rebuild their rings */
	PROBE_XDP_GENERIC,	/* after the driver, in the stack's receive path */
};

enum probe_attach {
	PROBE_ATTACH_AUTO,	/* tp_btf where the kernel's BTF describes the tracepoint, else raw_tp */
	PROBE_ATTACH_RAW_TP,	/* raw_tp for every program (a kernel without btf_trace_* types) */
};

struct probe_opts {
	bool verbose;		/* libbpf's messages and the variant chosen */
	enum probe_xdp xdp;	/* arrival counter; never over someone's XDP program */
	bool forward;		/* count this device's packets sent out on another */
	bool stack_time;	/* time each packet's netif_receive_skb / GRO entry -> exit */
	bool stack_time_auto;	/* ... loaded, attached only by probe_stack_time() */
	bool sample;		/* attach the per-event programs only inside windows */
	enum probe_attach attach;
	const char *btf;	/* kernel types from this file (NULL: the kernel's own, else a BTFHub-style file) */
};

/* "auto" or "raw_tp" (also the values of LIVELOCK_TRACE_ATTACH); false for another word. */
bool probe_parse_attach(const char *word, enum probe_attach *out);
/*
 * Where the kernel's types come from: want (--btf) when given, else
 * /sys/kernel/btf/vmlinux, else PROBE_BTF_DIRS/RELEASE.btf.  0 with the path
 * in buf (and *external true for a file other than the kernel's own), or a
 * negative errno and *msg: one line saying what to install.
 */
#define PROBE_KERNEL_BTF "/sys/kernel/btf/vmlinux"
#define PROBE_BTF_DIRS	 "/var/lib/livelock-trace/btf", "/usr/lib/livelock-trace/btf"
int probe_btf_find(const char *want, char *buf, size_t len, bool *external, const char **msg);

/* Returns 0 or a negative errno; *msg then says what to do (one line). */
int probe_open(const struct nic_info *nic, const struct probe_opts *opts,
	       struct probe **out, const char **msg);
/* Deltas since the previous call (the first call: since attach). */
int probe_read(struct probe *p, struct lt_sample *out);
/*
 * Sampling (opts->sample): only sched:sched_switch (the readers' on-CPU time)
 * and the XDP counter stay attached; the other programs are attached between
 * probe_window_begin() and probe_window_end().  begin() also takes the
 * baseline, so the next probe_read() returns the window's deltas, with
 * interval_s the window's length: rates come out per second as usual.
 * end() detaches.  Both return 0 or a negative errno (*msg says what failed).
 */
int probe_window_begin(struct probe *p, const char **msg);
void probe_window_end(struct probe *p);
/*
 * With stack_time_auto: attach (on) or detach the per-packet stack timing
 * now; a no-op when it already is so.  0 or a negative errno.
 */
int probe_stack_time(struct probe *p, bool on);
/* Programs attached in each window (0 without sampling). */
int probe_window_programs(const struct probe *p);
/* Which attach variant and which hooks were missing, for -v and the header. */
const char *probe_variant(const struct probe *p);
/* Why that variant ("the kernel's BTF describes the tracepoints", "forced by --attach raw_tp", ...). */
const char *probe_variant_reason(const struct probe *p);
/* The BTF file the programs were relocated against, and whether it is the kernel's own. */
const char *probe_btf_path(const struct probe *p);
bool probe_btf_external(const struct probe *p);
/* Programs loaded (attached always, or per window with sampling). */
int probe_programs(const struct probe *p);
const char *probe_missing(const struct probe *p);
/* Why the XDP counter is not attached although asked for, or NULL. */
const char *probe_xdp_note(const struct probe *p);
/* Where deliveries are counted: "socket enqueue" or "read". */
const char *probe_delivery(const struct probe *p);
/* The loaded BPF object: its programs' run-time statistics (kernel.bpf_stats_enabled). */
struct bpf_object *probe_object(const struct probe *p);
void probe_close(struct probe *p);

#endif
