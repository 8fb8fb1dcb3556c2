#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Signals and a vanishing interface in the live command (src/signals.c,
# src/cmd_live.c): a SIGINT sent while the probes load is never lost, even
# when inherited as ignored; SIGHUP ends the run like SIGTERM, with the
# summary on screen and in the --record file; a deleted interface ends it
# with the summary too, one stderr line and exit 1.  On a veth pair in
# namespaces of our own (lthd*).
LT_NEEDS_ROOT=1
. "$(dirname "$0")/../lib.sh"

# One veth pair in two namespaces, named lthd*: $SNS_RX/$SVETH_RX <-> $SNS_TX/$SVETH_TX.
sig_pair() {
	local tag=$$$RANDOM
	SNS_RX=lthd-srx-$tag SNS_TX=lthd-stx-$tag
	SVETH_RX=lthdr$RANDOM SVETH_TX=lthdt$RANDOM
	ip netns add "$SNS_RX" || return 1
	_lt_netns+=("$SNS_RX")
	ip netns add "$SNS_TX" || return 1
	_lt_netns+=("$SNS_TX")
	ip link add "$SVETH_RX" netns "$SNS_RX" type veth peer name "$SVETH_TX" netns "$SNS_TX" &&
	ip -n "$SNS_RX" link set "$SVETH_RX" up && ip -n "$SNS_TX" link set "$SVETH_TX" up
}

xdp_on() {	# NS DEV: id of the XDP program on DEV, or nothing
	ip -n "$1" -d link show dev "$2" 2>/dev/null | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p' | head -1
}

# Waits (at most 10 s) until FILE has at least N lines.
wait_lines() {	# FILE N
	for _ in $(seq 100); do [ -f "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ] && return 0; sleep 0.1; done
	return 1
}

# `cmd &` from a script ignores SIGINT in cmd; a SIGINT 20-80 ms after the
# start lands while the BPF programs load.  Each run must end by itself
# within 5 s, and its XDP counter must be gone from the veth.
test_early_sigint_never_lost() {
	sig_pair || { lt_fail "setup"; return; }
	local trial pid rc ended clean=0 died=0 out=$(mktemp)
	for trial in $(seq 20); do
		bash -c 'trap "" INT; exec "$@"' _ ip netns exec "$SNS_RX" "$LT_BIN" "$SVETH_RX" 1 0 --xdp generic \
			>"$out" 2>&1 &
		pid=$!
		sleep "0.0$((2 + RANDOM % 7))"
		# the same process execs ip, then the tool: the SIGINT is for the tool, not for ip
		for _ in $(seq 100); do [ "$(cat /proc/$pid/comm 2>/dev/null)" = livelock-trace ] && break; sleep 0.01; done
		kill -INT "$pid"
		ended=0
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || { ended=1; break; }; sleep 0.1; done
		if [ $ended = 0 ]; then
			kill -KILL "$pid"; wait "$pid" 2>/dev/null
			lt_fail "trial $trial: still running 5 s after a SIGINT (lost)"; return
		fi
		wait "$pid"; rc=$?
		case $rc in
		0) clean=$((clean + 1)) ;;
		130) died=$((died + 1)) ;;	# came before the tool took its signals: nothing was loaded
		*) lt_fail "trial $trial: exit $rc: $(cat "$out")"; return ;;
		esac
		lt_assert_eq "$(xdp_on "$SNS_RX" "$SVETH_RX")" "" "XDP program on the veth after trial $trial" || return
	done
	lt_log "20 trials: $clean ended by the tool, $died by the default action before it took the signals"
	lt_assert_eq $((clean + died)) 20 "runs that ended after their SIGINT"
	rm -f "$out"
}

# SIGHUP (the SSH session dropped): the summary on stdout and in the record.
test_sighup_like_sigterm() {
	sig_pair || { lt_fail "setup"; return; }
	local out=$(mktemp) rec=$(mktemp -u).jsonl err=$(mktemp) rc pid
	ip netns exec "$SNS_RX" "$LT_BIN" "$SVETH_RX" 0.2 0 --record "$rec" >"$out" 2>"$err" &
	pid=$!
	wait_lines "$rec" 4 || { kill -KILL "$pid"; lt_fail "no intervals recorded"; return; }
	kill -HUP "$pid"
	wait "$pid"; rc=$?
	lt_assert_eq "$rc" 0 "exit code after SIGHUP" &&
	lt_assert_eq "$(grep -c '^Summary of ' "$out")" 1 "summary lines on stdout" &&
	lt_assert_eq "$(lt_json "$rec" summary)" True "last line of the record is its summary" &&
	lt_assert_eq "$(lt_json "$rec" intervals)" "$(($(wc -l <"$rec") - 2))" "intervals the summary line counts" &&
	lt_assert_eq "$(wc -c <"$err")" 0 "bytes on stderr" || return
	"$LT_BIN" compare "$rec" >/dev/null 2>"$err"
	lt_assert_eq "$(grep -c 'cut short' "$err")" 0 "compare's 'cut short' notes about the record"
	rm -f "$out" "$rec" "$err"
}

# The traced veth deleted mid-run: one line, the summary (screen and record), exit 1.
test_interface_vanishes_with_summary() {
	sig_pair || { lt_fail "setup"; return; }
	local out=$(mktemp) rec=$(mktemp -u).jsonl err=$(mktemp) rc pid
	ip netns exec "$SNS_RX" "$LT_BIN" "$SVETH_RX" 0.2 0 --record "$rec" --xdp generic >"$out" 2>"$err" &
	pid=$!
	wait_lines "$rec" 4 || { kill -KILL "$pid"; lt_fail "no intervals recorded"; return; }
	[ -n "$(xdp_on "$SNS_RX" "$SVETH_RX")" ] || { kill -KILL "$pid"; lt_fail "no XDP counter while running"; return; }
	ip -n "$SNS_RX" link del "$SVETH_RX"
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$pid" 2>/dev/null && { kill -KILL "$pid"; lt_fail "still running 5 s after the veth went"; return; }
	wait "$pid"; rc=$?
	lt_assert_eq "$rc" 1 "exit code when the interface goes away" &&
	lt_assert_eq "$(wc -l <"$err")" 1 "stderr lines" &&
	lt_assert_eq "$(grep -c "interface $SVETH_RX disappeared" "$err")" 1 "the line names the interface" &&
	lt_assert_eq "$(grep -c '^Summary of ' "$out")" 1 "summary lines on stdout" &&
	lt_assert_eq "$(lt_json "$rec" summary)" True "last line of the record is its summary" || return
	"$LT_BIN" compare "$rec" >/dev/null 2>"$err"
	lt_assert_eq "$(grep -c 'cut short' "$err")" 0 "compare's 'cut short' notes about the record" &&
	lt_assert_eq "$(ip -n "$SNS_TX" -d link show 2>/dev/null | grep -c 'prog/xdp')" 0 "XDP programs left in the namespaces"
	rm -f "$out" "$rec" "$err"
}

lt_run_tests
