// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The benchmark's floor: empty programs on the hooks livelock-trace uses,
 * attached the same way (tp_btf), and an XDP program that only passes.  What
 * they cost per event is the price of the hook and of the run-time statistics
 * themselves; anything above it is the program's own work.  The loader picks
 * the programs by name prefix: fl_ (empty) or ck_ (one clock read).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("tp_btf/irq_handler_entry") int BPF_PROG(fl_irq_entry) { return 0; }
SEC("tp_btf/irq_handler_exit") int BPF_PROG(fl_irq_exit) { return 0; }
SEC("tp_btf/softirq_entry") int BPF_PROG(fl_softirq_entry) { return 0; }
SEC("tp_btf/softirq_exit") int BPF_PROG(fl_softirq_exit) { return 0; }
SEC("tp_btf/napi_poll") int BPF_PROG(fl_napi_poll) { return 0; }
SEC("tp_btf/netif_receive_skb") int BPF_PROG(fl_stack_packet) { return 0; }
SEC("tp_btf/sk_data_ready") int BPF_PROG(fl_sk_data_ready) { return 0; }
SEC("tp_btf/sock_recv_length") int BPF_PROG(fl_recv_length) { return 0; }
SEC("tp_btf/sched_switch") int BPF_PROG(fl_sched_switch) { return 0; }
SEC("xdp") int fl_xdp(struct xdp_md *ctx) { return XDP_PASS; }

/* The clock: an empty program plus one bpf_ktime_get_ns(), what timing an event costs. */
__u64 ck_sink;
SEC("tp_btf/irq_handler_entry") int BPF_PROG(ck_irq_entry) { ck_sink = bpf_ktime_get_ns(); return 0; }
SEC("tp_btf/irq_handler_exit") int BPF_PROG(ck_irq_exit) { ck_sink = bpf_ktime_get_ns(); return 0; }
SEC("tp_btf/softirq_entry") int BPF_PROG(ck_softirq_entry) { ck_sink = bpf_ktime_get_ns(); return 0; }
SEC("tp_btf/softirq_exit") int BPF_PROG(ck_softirq_exit) { ck_sink = bpf_ktime_get_ns(); return 0; }

char LICENSE[] SEC("license") = "Dual BSD/GPL";
