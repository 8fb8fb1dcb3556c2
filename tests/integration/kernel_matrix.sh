#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The kernel matrix on this host: every program forced to raw_tp (a kernel
# whose BTF lacks the btf_trace_* types), and the kernel's BTF hidden with the
# types from an external file (--btf: a copy of vmlinux, a minimal BTF from
# bpftool gen min_core_btf), each counting an exact number of packets on a
# veth; and what a missing or broken BTF gives.
LT_NEEDS_ROOT=1
. "$(dirname "$0")/../lib.sh"

N=20000
RATE=20000
PORT=9000

# A command prefix: CMD... runs with /sys/kernel/btf hidden under an empty
# tmpfs (a kernel without CONFIG_DEBUG_INFO_BTF), in a mount namespace of its
# own; exit 99 when it cannot be hidden.
HIDE=$(mktemp /tmp/ltk-hide-btf.XXXXXX)
trap 'rm -f "$HIDE"' EXIT
printf '%s\n' '#!/bin/sh' 'mount -t tmpfs ltk-nobtf /sys/kernel/btf && [ ! -e /sys/kernel/btf/vmlinux ] || exit 99' \
	'exec "$@"' >"$HIDE"
chmod +x "$HIDE"
NO_BTF="unshare -m $HIDE"
no_kernel_btf() { $NO_BTF "$@"; }

links() { bpftool link list 2>/dev/null | grep -c '^[0-9]'; }

# Types of the BPF programs the processes of group PGID hold (program and link
# fds: their fdinfo names the program's id), one per line.
prog_types() {	# PGID
	local ids
	ids=$(for p in $(pgrep -g "$1"); do cat /proc/"$p"/fdinfo/* 2>/dev/null; done |
		awk '$1 == "prog_id:" {print $2}' | sort -u | tr '\n' ' ')
	bpftool -j prog show 2>/dev/null | python3 -c '
import json, sys
ids = set(int(i) for i in sys.argv[1].split())
for p in json.load(sys.stdin):
    if p["id"] in ids:
        print(p["type"])' "$ids"
}

# Trace the veth for 4 s with PREFIX (a command the tool runs under) and ARGS,
# send N packets to the sink, and check the counts against the application's
# and that every program the tool holds is a raw tracepoint.
count_as_raw_tp() {	# "PREFIX" ARGS...
	local prefix=$1; shift
	lt_need_traffic || return
	lt_netns_pair || { lt_fail "setup"; return; }
	local trace=$(mktemp) sink=$(mktemp) err=$(mktemp) rdy=$(mktemp -u) types
	lt_bg trace sh -c "ip netns exec $NS_RX $prefix $LT_BIN $VETH_RX 1 4 --raw --json -v $* >$trace 2>$err"
	for i in $(seq 40); do [ -s "$trace" ] && break; sleep 0.1; done
	[ -s "$trace" ] || { lt_fail "the tool printed no interval: $(grep -v '^libbpf' "$err" | tail -2)"; return; }
	types=$(prog_types "$BG_trace" | sort | uniq -c | tr -s ' ')
	lt_log "program types: $types"
	lt_bg sink sh -c "ip netns exec $NS_RX $LT_TOOLS/udpsink -p $PORT --idle-exit 500 --rcvbuf 33554432 --json --ready-file $rdy > $sink"
	for i in $(seq 50); do [ -e "$rdy" ] && break; sleep 0.1; done
	ip netns exec "$NS_TX" "$LT_TOOLS/udpsend" -d "$LT_RX_ADDR" -p $PORT -n $N -r $RATE >/dev/null
	wait "$BG_sink"; wait "$BG_trace"
	grep -q "attaching as raw_tp (.*), types from ${TYPES_FROM:-/sys/kernel/btf/vmlinux}" "$err" ||
		{ lt_fail "the tool did not say raw_tp with types from ${TYPES_FROM:-the kernel}: $(grep 'attaching as' "$err")"; return; }
	case "$types" in
	*raw_tracepoint*) ;;
	*) lt_fail "no raw_tracepoint program held by the tool: '$types'"; return ;;
	esac
	[ "$(printf '%s\n' "$types" | grep -vc raw_tracepoint)" = 0 ] || { lt_fail "programs other than raw_tp: '$types'"; return; }
	lt_assert_ge "$(printf '%s\n' "$types" | awk '{s += $1} END {print s}')" 10 "raw_tp programs held" &&
	lt_assert_eq "$(lt_json_sum "$trace" stack_packets)" $N "stack packets" &&
	# a comparison with something in it (a busy host may still drop at the socket)
	lt_assert_ge "$(lt_json "$sink" received)" $((N / 2)) "packets the application read" &&
	lt_assert_near "$(lt_json_sum "$trace" delivered_packets)" "$(lt_json "$sink" received)" 1 \
		"deliveries vs the application's count"
	rm -f "$trace" "$sink" "$err"
}

test_forced_raw_tp_counts() {
	count_as_raw_tp "" --attach raw_tp
}

test_forced_raw_tp_from_environment() {
	count_as_raw_tp "env LIVELOCK_TRACE_ATTACH=raw_tp"
}

# The same run without the option is tp_btf on this kernel: the option changed something.
test_auto_is_tp_btf_here() {
	local err
	err=$("$LT_BIN" lo --exit-after-attach 2>&1)
	case "$err" in
	*"via tp_btf (the kernel's BTF describes the tracepoints)"*) ;;
	*"via raw_tp"*) lt_skip "this kernel's BTF has no btf_trace_* types: raw_tp already"; return ;;
	*) lt_fail "no attach type in: $err"; return ;;
	esac
	err=$("$LT_BIN" lo --exit-after-attach --attach raw_tp 2>&1)
	case "$err" in *"via raw_tp (forced by --attach raw_tp)"*) ;; *) lt_fail "forced: $err" ;; esac
}

test_header_names_attach_type() {
	local out
	lt_netns_pair || { lt_fail "setup"; return; }
	out=$(ip netns exec "$NS_RX" "$LT_BIN" lo 0.2 1 --attach raw_tp 2>/dev/null)
	case "$out" in
	*"# probes: "*" programs as raw_tp (forced by --attach raw_tp); kernel types from /sys/kernel/btf/vmlinux"*) ;;
	*) lt_fail "header: $(printf '%s\n' "$out" | grep '^#')"; return ;;
	esac
	case "$out" in *"# interrupt work: "*) ;; *) lt_fail "no interrupt-work line in the header" ;; esac
}

test_external_btf_counts() {
	local btf=$(mktemp)
	cp /sys/kernel/btf/vmlinux "$btf" || { lt_fail "cannot copy the kernel's BTF"; return; }
	TYPES_FROM=$btf count_as_raw_tp "$NO_BTF" --btf "$btf"
	rm -f "$btf"
}

test_min_core_btf_counts() {
	local btf=$(mktemp)
	bpftool gen min_core_btf /sys/kernel/btf/vmlinux "$btf" "$LT_BUILD/livelock.bpf.o" 2>/dev/null ||
		{ lt_skip "bpftool cannot make a minimal BTF (bpftool gen min_core_btf needs 7.0+)"; rm -f "$btf"; return; }
	lt_assert_le "$(stat -c %s "$btf")" 200000 "size of the minimal BTF" || return
	TYPES_FROM=$btf count_as_raw_tp "$NO_BTF" --btf "$btf"
	rm -f "$btf"
}

test_no_btf_says_what_to_install() {
	local err rc before
	before=$(links)
	err=$(no_kernel_btf "$LT_BIN" lo 1 1 2>&1 >/dev/null); rc=$?
	[ $rc = 99 ] && { lt_skip "could not hide /sys/kernel/btf"; return; }
	lt_assert_eq "$rc" 1 "exit code without BTF" &&
	lt_assert_eq "$(printf '%s\n' "$err" | wc -l)" 1 "stderr lines" &&
	case "$err" in *"has no BTF"*"install"*"--btf FILE"*) ;; *) lt_fail "message: $err"; return ;; esac
	lt_assert_eq "$(links)" "$before" "links after the refusal"
}

test_bad_btf_file() {
	local bad=$(mktemp) cut=$(mktemp) f err rc before
	head -c 8192 /dev/urandom >"$bad"
	head -c 4096 /sys/kernel/btf/vmlinux >"$cut"	# a real header, the types cut short
	before=$(links)
	for f in "$bad" "$cut" /nonexistent/ltk.btf /; do
		err=$("$LT_BIN" lo 1 1 --btf "$f" 2>&1 >/dev/null); rc=$?
		lt_assert_eq "$rc" 1 "exit code with --btf $f" || return
		lt_assert_eq "$(printf '%s\n' "$err" | wc -l)" 1 "stderr lines with --btf $f" || return
		case "$err" in *"$f"*) ;; *) lt_fail "message does not name $f: $err"; return ;; esac
	done
	lt_assert_eq "$(links)" "$before" "links after the refusals"
	rm -f "$bad" "$cut"
}

test_bad_attach_word() {
	lt_assert_usage_error "lo --attach tp_btf" &&
	lt_assert_usage_error "lo --attach" &&
	lt_assert_usage_error "lo --btf=" || return
	local err rc
	err=$(LIVELOCK_TRACE_ATTACH=bogus "$LT_BIN" lo 1 1 2>&1 >/dev/null); rc=$?
	lt_assert_eq "$rc" 2 "exit code with LIVELOCK_TRACE_ATTACH=bogus" &&
	lt_assert_eq "$(printf '%s\n' "$err" | wc -l)" 1 "stderr lines with LIVELOCK_TRACE_ATTACH=bogus"
}

lt_run_tests
