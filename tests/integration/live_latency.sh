#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# --latency on a veth pair in namespaces of our own: every packet accounted
# for, and the enqueue -> read wait checked against the queue the reader
# builds (Little's law), at light load and in overload.
LT_NEEDS_ROOT=1
LT_NS_PREFIX=ltlat
. "$(dirname "$0")/../lib.sh"

PORT=9000
CAL_PORT=9001

# The latency needs sock:sk_data_ready (6.10+).
need_latency() {	# TRACE_ERR
	if grep -q "needs sock:sk_data_ready" "$1"; then lt_skip "this kernel has no sock:sk_data_ready"; return 1; fi
	return 0
}

# rx_queue of the UDP socket bound to PORT in NS_RX, in hex (/proc/net/udp: bytes, truesize counted).
rx_queue_hex() {	# PORT
	ip netns exec "$NS_RX" awk -v p="$(printf ':%04X' "$1")" \
		'NR > 1 && substr($2, length($2) - 4) == p { split($5, q, ":"); print q[2] }' /proc/net/udp
}

# Bytes a queued datagram of our size takes: K datagrams into a socket that never reads.
truesize() {
	local rdy=$(mktemp -u) k=50 b
	lt_bg cal ip netns exec "$NS_RX" "$LT_TOOLS/udpsink" -p $CAL_PORT --no-read --seconds 3 --ready-file "$rdy" >/dev/null
	for i in $(seq 50); do [ -e "$rdy" ] && break; sleep 0.1; done
	ip netns exec "$NS_TX" "$LT_TOOLS/udpsend" -d "$LT_RX_ADDR" -p $CAL_PORT -n $k -r 1000 >/dev/null
	sleep 0.2
	b=$(rx_queue_hex $CAL_PORT)
	lt_stop "$BG_cal"
	[ -n "$b" ] && [ $((16#$b)) -gt 0 ] && echo $((16#$b / k))
}

# Trace, read with DELAY_US of work a datagram, send N at RATE; the queue sampled meanwhile.
run() {	# TRACE SINK QUEUE DELAY_US RATE N [RCVBUF]
	local rdy=$(mktemp -u) secs
	secs=$(awk -v n="$6" -v r="$5" 'BEGIN { printf "%d", n / r + 4 }')
	lt_bg trace sh -c "ip netns exec $NS_RX $LT_BIN $VETH_RX 1 $secs --latency --json ${TRACE_ARGS:-} --ready-file $rdy.lt >$1 2>$1.err"
	lt_wait_file "$rdy.lt" || { lt_fail "livelock-trace did not attach"; return 1; }
	lt_bg sink sh -c "ip netns exec $NS_RX $LT_TOOLS/udpsink -p $PORT --delay-us $4 ${7:+--rcvbuf $7} --idle-exit 500 --seconds $((secs + 2)) --json --ready-file $rdy >$2"
	for i in $(seq 50); do [ -e "$rdy" ] && break; sleep 0.1; done
	# the queue every 100 ms while the sender runs, its first second left out (the queue fills)
	( sleep 1; while :; do rx_queue_hex $PORT; sleep 0.1; done >"$3" ) &
	local qpid=$!
	ip netns exec "$NS_TX" "$LT_TOOLS/udpsend" -d "$LT_RX_ADDR" -p $PORT -n "$6" -r "$5" >/dev/null
	kill "$qpid"; wait "$qpid" 2>/dev/null
	wait "$BG_sink"; wait "$BG_trace"
	rm -f "$rdy" "$rdy.lt"
}

# Every packet that entered the stack is timed to its enqueue, or counted as not queued.
check_accounting() {	# TRACE SINK
	python3 - "$1" "$2" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
ivs = [r for r in rows if not r.get("summary")]
raw = lambda k: sum(r["raw"][k] for r in ivs)
sink = json.load(open(sys.argv[2]))
stack, timed = raw("stack_packets"), raw("latency_stack_packets")
unq, lost = raw("latency_stack_unqueued"), raw("latency_stack_lost")
assert timed + unq + lost == stack, "stack %d != timed %d + unqueued %d + lost %d" % (stack, timed, unq, lost)
assert timed == raw("delivered_packets"), "timed %d vs delivered %d" % (timed, raw("delivered_packets"))
reads = raw("latency_read_packets") + raw("latency_read_unmatched") + raw("latency_read_lost")
assert abs(reads - sink["received"]) <= max(2, sink["received"] // 100), \
    "reads accounted %d vs the application's %d" % (reads, sink["received"])
# the ring stays in step: on veth every read is seen, so nothing to skip
# (a lag would add inter-arrival times to every wait; latency.bpf.h)
resynced = raw("latency_read_resynced")
assert resynced <= max(2, sink["received"] // 100), "enqueue times skipped %d" % resynced
s = [r for r in rows if r.get("summary")][0]["latency"]
assert s["stack"]["packets"] == timed and s["read"]["packets"] == raw("latency_read_packets")
PY
}

# Light load: datagrams every 5 ms, 2 ms of work each: none waits for another,
# so the wait from enqueue to read is below the service time.
test_light_load_waits_less_than_service() {
	lt_need_traffic || return
	lt_netns_pair || { lt_fail "setup"; return; }
	local trace=$(mktemp) sink=$(mktemp) queue=$(mktemp) delay=2000
	run "$trace" "$sink" "$queue" $delay 200 600
	need_latency "$trace.err" || return
	check_accounting "$trace" "$sink" || { lt_fail "accounting (see above)"; return; }
	lt_assert_eq "$(lt_json "$sink" received)" 600 "datagrams read" &&
	lt_assert_ge "$(lt_json "$trace" latency.read.packets)" 590 "reads timed" &&
	lt_assert_le "$(lt_json "$trace" latency.read.p50_us)" $delay "enqueue -> read p50 (us) vs the service time" &&
	lt_assert_le "$(lt_json "$trace" latency.read.mean_us)" $delay "enqueue -> read mean (us) vs the service time" &&
	# the reader sleeps between datagrams: about one wait for its CPU per
	# datagram, each inside that datagram's enqueue -> read.  The rest are
	# preemptions during the 2 ms of work, as long as this host makes them
	# (a mean over both has no bound), so the median is compared.
	lt_log "reader's waits for a CPU: $(lt_json "$trace" latency.run.waits), mean $(lt_json "$trace" latency.run.mean_us) us p50 $(lt_json "$trace" latency.run.p50_us) p90 $(lt_json "$trace" latency.run.p90_us); enqueue -> read mean $(lt_json "$trace" latency.read.mean_us) us p50 $(lt_json "$trace" latency.read.p50_us) p90 $(lt_json "$trace" latency.read.p90_us)" &&
	lt_assert_ge "$(lt_json "$trace" latency.run.waits)" 480 "the reader's waits for a CPU (600 datagrams, one wakeup each)" &&
	lt_assert_le "$(lt_json "$trace" latency.run.p50_us)" "$(lt_json "$trace" latency.read.p50_us)" "wait for a CPU p50 (us) vs enqueue -> read p50"
	rm -f "$trace" "$trace.err" "$sink" "$queue"
}

# Overload: twice the reader's capacity, the socket buffer full.  By Little's
# law the wait W = L / lambda, with L the datagrams queued (rx_queue bytes
# over the bytes one takes) and lambda the reader's rate: W ~ L x its time
# per datagram.
test_overload_wait_is_queue_times_service() {
	lt_need_traffic || return
	lt_netns_pair || { lt_fail "setup"; return; }
	local trace=$(mktemp) sink=$(mktemp) queue=$(mktemp) delay=500 ts want
	ts=$(truesize) || { lt_fail "cannot measure the bytes a queued datagram takes"; return; }
	run "$trace" "$sink" "$queue" $delay 4000 12000 32768
	need_latency "$trace.err" || return
	check_accounting "$trace" "$sink" || { lt_fail "accounting (see above)"; return; }
	lt_assert_ge "$(lt_json_sum "$trace" raw.drops.socket)" 1000 "socket drops (the buffer was full)" || return
	want=$(python3 - "$queue" "$ts" "$sink" <<'PY'
import json, sys
q = [int(l, 16) for l in open(sys.argv[1]) if l.strip()]
ts = int(sys.argv[2])
sink = json.load(open(sys.argv[3]))
L = sum(q) / len(q) / ts		# datagrams in the queue, on average
lam = sink["pps"]			# the reader's rate
print("%.1f" % (L / lam * 1e6))		# W, microseconds
PY
) || { lt_fail "no queue samples"; return; }
	lt_log "truesize $ts B, Little's law W = $want us; measured mean $(lt_json "$trace" latency.read.mean_us), p50 $(lt_json "$trace" latency.read.p50_us) us"
	lt_assert_near "$(lt_json "$trace" latency.read.mean_us)" "$want" 25 "enqueue -> read mean (us) vs L/lambda" &&
	lt_assert_ge "$(lt_json "$trace" latency.read.p50_us)" "$(awk -v w="$want" 'BEGIN { print w / 2 }')" "p50 (us) vs half of L/lambda" &&
	lt_assert_le "$(lt_json "$trace" latency.read.p50_us)" "$(awk -v w="$want" 'BEGIN { print w * 2 }')" "p50 (us) vs twice L/lambda" &&
	# the stack part is not the queue: far below it
	lt_assert_le "$(lt_json "$trace" latency.stack.p50_us)" "$(awk -v w="$want" 'BEGIN { print w / 20 }')" "stack entry -> enqueue p50 (us)"
	rm -f "$trace" "$trace.err" "$sink" "$queue"
}

# --xdp native: the veth driver keeps the XDP program's metadata for the skb,
# so every timed packet starts at the XDP stamp; --xdp generic runs after
# net:netif_receive_skb, so none does and the stack entry stands.
test_xdp_stamp_starts_the_stack_part() {
	lt_need_traffic || return
	local mode want
	for mode in native generic; do
		lt_netns_pair || { lt_fail "setup"; return; }
		local trace=$(mktemp) sink=$(mktemp) queue=$(mktemp)
		TRACE_ARGS="--xdp $mode" run "$trace" "$sink" "$queue" 0 1000 2000
		need_latency "$trace.err" || return
		grep -q "cannot attach XDP" "$trace.err" && { lt_skip "XDP $mode on veth: $(cat "$trace.err")"; return; }
		check_accounting "$trace" "$sink" || { lt_fail "accounting, --xdp $mode (see above)"; return; }
		local timed=$(lt_json_sum "$trace" raw.latency_stack_packets) from=$(lt_json_sum "$trace" raw.latency_stack_from_xdp)
		lt_log "--xdp $mode: $from of $timed timed packets from the XDP stamp; stack part p50 $(lt_json "$trace" latency.stack.p50_us) us"
		[ $mode = native ] && want=$timed || want=0
		# a kernel that refuses the stamping program: the count without it, and a note says so
		if grep -q "refused the XDP program that stamps arrivals" "$trace.err"; then
			lt_log "--xdp $mode: $(cat "$trace.err")"
			lt_assert_ge "$(lt_json_sum "$trace" raw.xdp_packets)" 1990 "XDP still counts, --xdp $mode" || return
			want=0
		fi
		lt_assert_ge "$timed" 1990 "packets timed, --xdp $mode" &&
		lt_assert_eq "$from" "$want" "timed packets from the XDP stamp, --xdp $mode" &&
		lt_assert_eq "$(lt_json "$trace" latency.stack.from_xdp)" "$want" "the summary's from_xdp, --xdp $mode" || return
		rm -f "$trace" "$trace.err" "$sink" "$queue"
		lt_teardown
	done
}

test_latency_refused_with_sample() {
	lt_assert_usage_error "lo --latency --sample 10" || return
	local err
	err=$("$LT_BIN" lo --latency --sample 10 2>&1 >/dev/null)
	case "$err" in *"--latency and --sample"*) ;; *) lt_fail "message: $err" ;; esac
}

lt_run_tests
