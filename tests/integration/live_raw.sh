#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Live tracing, raw signals, on a veth pair in namespaces of our own, with an
# exact number of packets from udpsend; and the tool's failure modes.
LT_NEEDS_ROOT=1
. "$(dirname "$0")/../lib.sh"

N=20000
RATE=20000
PORT=9000

# veth takes the NAPI path (napi:napi_poll for the device) only with GRO on the
# receiver and TSO off on the sender (veth_skb_is_eligible_for_gro).
napi_veth() {
	ip netns exec "$NS_RX" ethtool -K "$VETH_RX" gro on >/dev/null &&
	ip netns exec "$NS_TX" ethtool -K "$VETH_TX" tso off >/dev/null
}

# Trace VETH_RX for SECONDS intervals of 1 s into FILE, in the background;
# returns once the probes are attached.
start_trace() {	# FILE SECONDS
	local rdy=$(mktemp -u)
	lt_bg trace ip netns exec "$NS_RX" "$LT_BIN" "$VETH_RX" 1 "$2" --raw --json --ready-file "$rdy" >"$1"
	lt_wait_file "$rdy" || { lt_fail "livelock-trace did not attach"; return 1; }
	rm -f "$rdy"
}

PIN=""	# e.g. "taskset -c 0" to put sender and reader on one CPU

send() {	# COUNT [RATE]
	ip netns exec "$NS_TX" $PIN "$LT_TOOLS/udpsend" -d "$LT_RX_ADDR" -p $PORT -n "$1" -r "${2:-$RATE}" --json
}

test_counts_exact_packets() {
	lt_need_traffic || return
	lt_netns_pair && napi_veth || { lt_fail "setup"; return; }
	local trace=$(mktemp) sink=$(mktemp) rdy=$(mktemp -u)
	start_trace "$trace" 4 || return
	# a 4 MiB buffer: a reader this VM stalls for 10 ms or more (seen) drops
	# nothing, and every packet must then be counted once
	lt_bg sink sh -c "ip netns exec $NS_RX $PIN $LT_TOOLS/udpsink -p $PORT --idle-exit 500 --rcvbuf 4194304 --json --ready-file $rdy > $sink"
	lt_wait_file "$rdy" || { lt_fail "udpsink did not start"; return; }
	send $N >/dev/null
	wait "$BG_sink"; wait "$BG_trace"
	lt_assert_eq "$(lt_json_sum "$trace" stack_packets)" $N "stack packets" &&
	lt_assert_eq "$(lt_json_sum "$trace" napi_packets)" $N "NAPI work" &&
	python3 - "$trace" $N <<'PY' || lt_fail "batch histogram, NAPI instances or per-CPU softirqs do not add up to the totals"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
n = int(sys.argv[2])
def same(what, got, want):
    if got != want:
        sys.exit("%s: %s, expected %s" % (what, got, want))
same("packets in the batch histogram", sum(i * r["batch_hist"][i] for r in rows for i in range(len(r["batch_hist"]) - 1)), n)
# per NAPI instance and per CPU, the parts add up to the totals
same("packets by NAPI instance", sum(x["packets"] for r in rows for x in r["napi_by_instance"]), n)
same("polls by NAPI instance", sum(x["polls"] for r in rows for x in r["napi_by_instance"]), sum(r["napi_polls"] for r in rows))
same("NAPI ids all set", all(x["napi_id"] > 0 for r in rows for x in r["napi_by_instance"]), True)
for k, r in enumerate(rows):
    same("interval %d: softirq packets by CPU" % k, sum(x["softirq_packets"] for x in r["softirq_by_cpu"]), r["softirq_packets"])
    same("interval %d: softirq ns by CPU" % k, sum(x["softirq_ns_total"] for x in r["softirq_by_cpu"]), r["softirq_ns_total"])
same("softirq packets", sum(r["softirq_packets"] for r in rows), n)
PY
	lt_assert_near "$(lt_json_sum "$trace" delivered_packets)" "$(lt_json "$sink" received)" 1 \
		"deliveries vs packets the application read" &&
	lt_assert_eq "$(lt_json_sum "$trace" drops.socket)" 0 "socket drops" &&
	raw_keys_unchanged "$trace"
	rm -f "$trace" "$sink"
}

# A reader with SO_BUSY_POLL polls the veth's NAPI from its own receive
# calls: those polls are counted apart (napi_polls_busy), inside the NAPI
# totals, and a reader without it makes none.  Every packet is still counted
# once.
test_busy_poll_counted() {
	lt_need_traffic || return
	lt_netns_pair && napi_veth || { lt_fail "setup"; return; }
	local busy
	for busy in 0 50; do
		local trace=$(mktemp) sink=$(mktemp) rdy=$(mktemp -u) arg=""
		[ "$busy" -gt 0 ] && arg="--busy-poll $busy"
		start_trace "$trace" 3 || return
		lt_bg sink sh -c "ip netns exec $NS_RX $LT_TOOLS/udpsink -p $PORT $arg --idle-exit 500 --json --ready-file $rdy > $sink"
		lt_wait_file "$rdy" || { lt_fail "udpsink did not start"; return; }
		send 10000 10000 >/dev/null
		wait "$BG_sink"; wait "$BG_trace"
		lt_log "SO_BUSY_POLL $busy us: $(lt_json_sum "$trace" napi_polls_busy) busy polls of $(lt_json_sum "$trace" napi_polls), $(lt_json_sum "$trace" napi_packets_busy) of $(lt_json_sum "$trace" napi_packets) packets"
		lt_assert_eq "$(lt_json_sum "$trace" stack_packets)" 10000 "stack packets, busy poll $busy" &&
		lt_assert_eq "$(lt_json_sum "$trace" napi_packets)" 10000 "NAPI work, busy poll $busy" &&
		lt_assert_near "$(lt_json_sum "$trace" delivered_packets)" "$(lt_json "$sink" received)" 1 \
			"deliveries vs the application, busy poll $busy" || return
		if [ "$busy" = 0 ]; then
			lt_assert_eq "$(lt_json_sum "$trace" napi_polls_busy)" 0 "no busy polls without SO_BUSY_POLL" || return
		else
			lt_assert_ge "$(lt_json_sum "$trace" napi_polls_busy)" 1 "busy polls with SO_BUSY_POLL" &&
			lt_assert_ge "$(lt_json_sum "$trace" napi_packets)" "$(lt_json_sum "$trace" napi_packets_busy)" \
				"busy-polled packets are part of the NAPI work" || return
		fi
		rm -f "$trace" "$sink"
	done
}

# The key paths of `--raw --json` (objects' keys; a list's elements as []) are
# those of tests/fixtures/raw-json-keys.txt: a refactor changes no key.  A new
# counter adds its line there (LT_UPDATE_FIXTURES=1 writes the file).
raw_keys_unchanged() {	# TRACE
	local want="$LT_ROOT/tests/fixtures/raw-json-keys.txt" got=$(mktemp)
	python3 - "$1" >"$got" <<'PY'
import json, sys
paths = set()
def walk(v, at):
    if isinstance(v, dict):
        for k, x in v.items():
            paths.add(at + k)
            walk(x, at + k + ".")
    elif isinstance(v, list):
        for x in v:
            walk(x, at[:-1] + "[].")
for line in open(sys.argv[1]):
    walk(json.loads(line), "")
print("\n".join(sorted(paths)))
PY
	[ "${LT_UPDATE_FIXTURES:-}" = 1 ] && cp "$got" "$want"
	diff -u "$want" "$got" >&2 || { lt_fail "the raw JSON's key set changed (diff above)"; rm -f "$got"; return 1; }
	rm -f "$got"
}

test_deaf_application_drops() {
	lt_need_traffic || return
	lt_netns_pair || { lt_fail "setup"; return; }
	local trace=$(mktemp) sink=$(mktemp) rdy=$(mktemp -u)
	start_trace "$trace" 4 || return
	lt_bg sink ip netns exec "$NS_RX" "$LT_TOOLS/udpsink" -p $PORT --no-read --seconds 2.5 --rcvbuf 65536 --json --ready-file "$rdy"
	lt_wait_file "$rdy" || { lt_fail "udpsink did not start"; return; }
	send $N >/dev/null
	wait "$BG_trace"
	local stack=$(lt_json_sum "$trace" stack_packets) drops=$(lt_json_sum "$trace" drops.socket)
	local deliv=$(lt_json_sum "$trace" delivered_packets)
	lt_assert_eq "$stack" $N "stack packets" &&
	lt_assert_ge "$drops" $((N / 2)) "socket-buffer drops" &&
	# delivered = queued to the socket (what fits in its buffer), the rest dropped
	lt_assert_le "$deliv" $((N / 10)) "deliveries to a full 64 KiB socket buffer" &&
	lt_assert_eq "$((deliv + drops))" "$stack" "arrivals = delivered + socket drops"
	rm -f "$trace" "$sink"
}

test_only_traced_namespace_counts() {
	lt_need_traffic || return
	lt_netns_pair || { lt_fail "setup"; return; }
	local first_rx=$NS_RX first_tx=$NS_TX first_veth=$VETH_RX
	lt_netns_pair || { lt_fail "setup of the second pair"; return; }
	# both receiving veths have the same ifindex in their own namespaces
	local i1 i2
	i1=$(ip netns exec "$first_rx" cat /sys/class/net/"$first_veth"/ifindex)
	i2=$(ip netns exec "$NS_RX" cat /sys/class/net/"$VETH_RX"/ifindex)
	lt_assert_eq "$i1" "$i2" "ifindex of the two receivers" || return
	local trace=$(mktemp) rdy=$(mktemp -u)
	lt_bg trace ip netns exec "$first_rx" "$LT_BIN" "$first_veth" 1 3 --raw --json --ready-file "$rdy" >"$trace"
	lt_wait_file "$rdy" || { lt_fail "livelock-trace did not attach"; return; }
	ip netns exec "$NS_TX" "$LT_TOOLS/udpsend" -d "$LT_RX_ADDR" -p $PORT -n 5000 -r 20000 >/dev/null
	ip netns exec "$first_tx" "$LT_TOOLS/udpsend" -d "$LT_RX_ADDR" -p $PORT -n 1234 -r 20000 >/dev/null
	wait "$BG_trace"
	lt_assert_eq "$(lt_json_sum "$trace" stack_packets)" 1234 "stack packets of the traced namespace only"
	rm -f "$trace"
}

xdp_id() {	# NS DEV: id of the XDP program on DEV, or nothing
	ip -n "$1" -d link show dev "$2" | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p' | head -1
}

test_xdp_counts_arrivals() {
	lt_need_traffic || return
	lt_netns_pair || { lt_fail "setup"; return; }
	local trace=$(mktemp) rdy=$(mktemp -u)
	lt_bg trace ip netns exec "$NS_RX" "$LT_BIN" "$VETH_RX" 1 3 --raw --json --xdp generic --ready-file "$rdy" >"$trace"
	lt_wait_file "$rdy" || { lt_fail "livelock-trace did not attach"; return; }
	[ -n "$(xdp_id "$NS_RX" "$VETH_RX")" ] || { lt_fail "no XDP program on the test veth while tracing"; return; }
	send 5000 >/dev/null
	wait "$BG_trace"
	lt_assert_eq "$(lt_json_sum "$trace" xdp_packets)" 5000 "XDP arrivals" &&
	lt_assert_eq "$(lt_json_sum "$trace" stack_packets)" 5000 "stack packets" &&
	lt_assert_eq "$(xdp_id "$NS_RX" "$VETH_RX")" "" "XDP program after the tool ended"
	rm -f "$trace"
}

test_xdp_leaves_foreign_program() {
	lt_need_traffic || return
	lt_netns_pair || { lt_fail "setup"; return; }
	local obj="$LT_BUILD/xdp_count.bpf.o" trace=$(mktemp) err=$(mktemp) rdy=$(mktemp -u) before
	[ -f "$obj" ] || { lt_skip "no XDP object to play the foreign program"; return; }
	ip -n "$NS_RX" link set dev "$VETH_RX" xdpgeneric obj "$obj" sec xdp || { lt_fail "cannot attach the foreign program"; return; }
	before=$(xdp_id "$NS_RX" "$VETH_RX")
	lt_bg trace sh -c "ip netns exec $NS_RX $LT_BIN $VETH_RX 1 3 --raw --json --xdp generic --ready-file $rdy >$trace 2>$err"
	lt_wait_file "$rdy" || { lt_fail "livelock-trace did not attach: $(cat "$err")"; return; }
	send 3000 >/dev/null
	wait "$BG_trace"
	lt_assert_eq "$(xdp_id "$NS_RX" "$VETH_RX")" "$before" "foreign XDP program still attached" &&
	grep -q "already attached" "$err" || { lt_fail "no note about the foreign program: $(cat "$err")"; return; }
	lt_assert_eq "$(lt_json "$trace" xdp_packets)" null "xdp_packets without our counter" &&
	lt_assert_eq "$(lt_json_sum "$trace" stack_packets)" 3000 "stack packets counted all the same"
	rm -f "$trace" "$err"
}

test_kill9_leaves_nothing() {
	lt_netns_pair || { lt_fail "setup"; return; }
	local before after rdy=$(mktemp -u)
	before=$(bpftool link list 2>/dev/null | grep -c '^[0-9]')
	lt_bg trace ip netns exec "$NS_RX" "$LT_BIN" "$VETH_RX" 1 0 --raw --xdp generic --ready-file "$rdy"
	lt_wait_file "$rdy" || { lt_fail "livelock-trace did not attach"; return; }
	[ -n "$(xdp_id "$NS_RX" "$VETH_RX")" ] || { lt_fail "no XDP program while running"; return; }
	after=$(bpftool link list 2>/dev/null | grep -c '^[0-9]')
	lt_assert_ge "$after" $((before + 5)) "links while running" || return
	lt_stop "$BG_trace" KILL
	# the kernel frees the links, then the programs, with the last reference to them
	# (the programs after an RCU grace period): give it up to 5 s
	for _ in $(seq 100); do
		[ "$(bpftool link list 2>/dev/null | grep -c '^[0-9]')" = "$before" ] &&
			[ "$(bpftool prog list 2>/dev/null | grep -c 'name \(irq_entry\|stack_packet\)')" = 0 ] && break
		sleep 0.05
	done
	lt_assert_eq "$(bpftool link list 2>/dev/null | grep -c '^[0-9]')" "$before" "links after kill -9" &&
	lt_assert_eq "$(xdp_id "$NS_RX" "$VETH_RX")" "" "XDP program after kill -9" &&
	lt_assert_eq "$(bpftool prog list 2>/dev/null | grep -c 'name \(irq_entry\|stack_packet\)')" 0 "our programs after kill -9"
}

test_signals_end_cleanly() {
	lt_netns_pair || { lt_fail "setup"; return; }
	local sig out rc before rdy
	before=$(bpftool link list 2>/dev/null | grep -c '^[0-9]')
	for sig in INT TERM; do
		out=$(mktemp) rdy=$(mktemp -u)
		ip netns exec "$NS_RX" "$LT_BIN" "$VETH_RX" 0.2 0 --raw --json --ready-file "$rdy" >"$out" &
		local pid=$!
		lt_wait_file "$rdy" || { lt_fail "livelock-trace did not attach"; return; }
		# three intervals of 0.2 s, with 5 s to print them
		for _ in $(seq 100); do [ "$(wc -l <"$out")" -ge 3 ] && break; sleep 0.05; done
		kill -"$sig" "$pid"
		wait "$pid"; rc=$?
		lt_assert_eq "$rc" 0 "exit code after SIG$sig" || return
		lt_assert_ge "$(wc -l <"$out")" 3 "intervals printed before SIG$sig" || return
		lt_assert_eq "$(bpftool link list 2>/dev/null | grep -c '^[0-9]')" "$before" "links after SIG$sig" || return
		rm -f "$out"
	done
}

test_interface_vanishes() {
	lt_netns_pair || { lt_fail "setup"; return; }
	local err=$(mktemp) rc before rdy=$(mktemp -u)
	before=$(bpftool link list 2>/dev/null | grep -c '^[0-9]')
	ip netns exec "$NS_RX" "$LT_BIN" "$VETH_RX" 0.2 0 --raw --ready-file "$rdy" >/dev/null 2>"$err" &
	local pid=$!
	lt_wait_file "$rdy" || { lt_fail "livelock-trace did not attach: $(cat "$err")"; return; }
	ip -n "$NS_RX" link del "$VETH_RX"
	wait "$pid"; rc=$?
	lt_assert_eq "$rc" 1 "exit code when the interface disappears" &&
	lt_assert_eq "$(wc -l <"$err")" 1 "stderr lines" &&
	grep -q "disappeared" "$err" || { lt_fail "message: $(cat "$err")"; return; }
	lt_assert_eq "$(bpftool link list 2>/dev/null | grep -c '^[0-9]')" "$before" "links after it stopped"
	rm -f "$err"
}

test_unknown_interface() {
	local err rc
	err=$("$LT_BIN" nosuchif0 1 1 2>&1 >/dev/null); rc=$?
	lt_assert_eq "$rc" 1 "exit code" &&
	lt_assert_eq "$(printf '%s\n' "$err" | wc -l)" 1 "stderr lines" &&
	case "$err" in *"no interface 'nosuchif0'"*) ;; *) lt_fail "message: $err" ;; esac
}

test_bad_interval() {
	local bad
	for bad in "lo 0" "lo abc" "lo -1" "lo 1 x" "lo 1 2 3" "--bogus" "--xdp on lo"; do
		lt_assert_usage_error "$bad" || return
	done
}

test_no_privileges() {
	local err rc
	err=$(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$LT_BIN" lo 1 1 2>&1 >/dev/null); rc=$?
	lt_assert_eq "$rc" 1 "exit code without privileges" &&
	lt_assert_eq "$(printf '%s\n' "$err" | wc -l)" 1 "stderr lines" &&
	case "$err" in *root*) ;; *) lt_fail "message does not say to run as root: $err" ;; esac
}

# tp_btf and raw_tp attach by name through BTF: no tracefs needed.  The
# documented fallback for a machine without tracefs is that nothing changes.
test_works_without_tracefs() {
	local out=$(mktemp) rc
	unshare -m sh -c 'umount -l /sys/kernel/tracing 2>/dev/null; umount -l /sys/kernel/debug 2>/dev/null;
		[ ! -e /sys/kernel/tracing/events ] || exit 99; exec "$0" lo 1 2 --raw --json' "$LT_BIN" >"$out"
	rc=$?
	[ $rc = 99 ] && { lt_skip "could not hide tracefs"; return; }
	lt_assert_eq "$rc" 0 "exit code without tracefs" &&
	lt_assert_eq "$(wc -l <"$out")" 2 "intervals without tracefs"
	rm -f "$out"
}

# Read-only: tracepoints only, no XDP, no traffic, no setting touched.
test_eth0_smoke_readonly() {
	[ -e /sys/class/net/eth0/device ] || { lt_skip "no eth0 device here"; return; }
	local out=$(mktemp) err irqs before after seen
	err=$("$LT_BIN" eth0 --exit-after-attach 2>&1)
	case "$err" in *"IRQs: "*) ;; *) lt_fail "no IRQs found for eth0: $err"; return ;; esac
	# a NIC with interrupts of its own: sampled by default (auto)
	case "$err" in *"sampling: "*"packets at most every 5 s"*) ;; *) lt_fail "eth0's default is not --sample auto: $err"; return ;; esac
	irqs=$(printf '%s\n' "$err" | sed -n 's/.*IRQs: \(.*\)) via.*/\1/p' | tr ',' '\n' | awk '{print $1}')
	count() { for i in $irqs; do awk -v i="$i:" '$1 == i {s = 0; for (k = 2; k <= NF && $k ~ /^[0-9]+$/; k++) s += $k; print s}' /proc/interrupts; done | awk '{s += $1} END {print s + 0}'; }
	before=$(count)
	# --full: every interrupt of the run traced (auto's windows might be shorter)
	"$LT_BIN" eth0 1 3 --raw --json --full >"$out" || { lt_fail "tracing eth0 failed"; return; }
	after=$(count)
	seen=$(python3 -c 'import json,sys; print(sum(json.loads(l)["irqs"] + json.loads(l)["irqs_none"] for l in open(sys.argv[1])))' "$out")
	lt_assert_eq "$(wc -l <"$out")" 3 "intervals" &&
	python3 - "$out" "$irqs" <<'PY' || { lt_fail "per-IRQ statistics do not match the totals or the IRQ list"; return; }
import json, sys
want = sorted(int(i) for i in sys.argv[2].split())
for l in open(sys.argv[1]):
    r = json.loads(l)
    assert sorted(x["irq"] for x in r["irqs_by_irq"]) == want
    assert sum(x["irqs"] for x in r["irqs_by_irq"]) == r["irqs"]
    assert sum(x["isr_ns_total"] for x in r["irqs_by_irq"]) == r["isr_ns_total"]
PY
	# the tracer saw what /proc/interrupts counted, give or take the edges of the run
	lt_assert_le "$seen" "$((after - before))" "eth0 interrupts traced vs /proc/interrupts" &&
	lt_assert_ge "$seen" "$(( (after - before) * 8 / 10 - 2 ))" "eth0 interrupts traced vs /proc/interrupts"
	rm -f "$out"
}

lt_run_tests
