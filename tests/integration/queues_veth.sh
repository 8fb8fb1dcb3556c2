#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The per-queue view on a veth with two RX queues.  A veth has no IRQs and
# names no NAPI instance per queue, so what the view can honestly say is
# where NET_RX ran: one row per CPU.  A veth's packets are handled on the
# sending CPU (netif_rx to its backlog, or the veth NAPI it schedules there),
# so two senders pinned to CPU 0 and CPU 1 with known counts give known rows.
LT_NEEDS_ROOT=1
. "$(dirname "$0")/../lib.sh"
LT_NAME_PREFIX=ltq

PORT=9000
N0=6000	# from CPU 0
N1=2000	# from CPU 1

two_cpus() {
	[ "$(nproc)" -ge 2 ] || { lt_skip "needs two CPUs"; return 1; }
}

# Run the tool for SECONDS 1 s intervals with ARGS into FILE while both senders send.
run_two_senders() {	# FILE SECONDS ARGS...
	local out=$1 secs=$2 rdy=$(mktemp -u)
	shift 2
	lt_bg sink ip netns exec "$NS_RX" "$LT_TOOLS/udpsink" -p $PORT --seconds $((secs + 2)) --ready-file "$rdy"
	for i in $(seq 50); do [ -e "$rdy" ] && break; sleep 0.1; done
	lt_bg trace ip netns exec "$NS_RX" "$LT_BIN" "$VETH_RX" 1 "$secs" "$@" --ready-file "$rdy.lt" >"$out"
	lt_wait_file "$rdy.lt" || { lt_fail "livelock-trace did not attach"; return 1; }
	ip netns exec "$NS_TX" taskset -c 0 "$LT_TOOLS/udpsend" -d "$LT_RX_ADDR" -p $PORT -n $N0 -r 3000 >/dev/null &
	local a=$!
	ip netns exec "$NS_TX" taskset -c 1 "$LT_TOOLS/udpsend" -d "$LT_RX_ADDR" -p $PORT -n $N1 -r 1000 >/dev/null
	wait $a
	wait "$BG_trace"
	rm -f "$rdy" "$rdy.lt"
}

test_per_cpu_rows_json() {
	lt_need_traffic || return
	two_cpus || return
	LT_VETH_QUEUES=2 lt_netns_pair || { lt_fail "setup"; return; }
	local trace=$(mktemp)
	run_two_senders "$trace" 5 --json
	python3 - "$trace" $N0 $N1 <<'PY' || lt_fail "per-CPU rows do not match the senders' counts or the aggregate"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
rows = [r for r in rows if not r.get("summary")]
n0, n1 = int(sys.argv[2]), int(sys.argv[3])
assert len(rows) == 5, len(rows)
per = {}
for r in rows:
    assert r["queue_source"] == "cpu", r["queue_source"]
    assert r["hot_queue"] is None and r["rss_imbalance"] is False
    q = r["queues"]
    # the rows add up to the aggregate NET_RX packets of the interval
    assert sum(x["packets"] for x in q) == r["raw"]["softirq_packets"], (q, r["raw"]["softirq_packets"])
    for x in q:
        assert x["queue"] is None and x["irq"] is None and x["packets_from"] == "cpu-only"
        per[x["cpu"]] = per.get(x["cpu"], 0) + x["packets"]
    if q and r["state"] != "idle":
        hot = max(q, key=lambda x: x["packets"])
        assert r["hot_cpu"] == hot["cpu"], (r["hot_cpu"], hot)
        assert abs(sum(x["lambda_pps"] for x in q) - r["lambda_pps"]) <= 1e-6 * r["lambda_pps"] + 1
        # each CPU group's forecast: one CPU's capacity, its highest delivered rate
        for x in q:
            if x["forecast_pps"] is not None:
                assert x["capacity_pps"] is not None and x["capacity_pps"] >= 0.999 * x["forecast_pps"], x
print(per, file=sys.stderr)
for cpu, want in ((0, n0), (1, n1)):
    assert abs(per.get(cpu, 0) - want) <= 0.01 * want, (cpu, per.get(cpu), want)
PY
	rm -f "$trace"
}

test_table_lines() {
	lt_need_traffic || return
	two_cpus || return
	LT_VETH_QUEUES=2 lt_netns_pair || { lt_fail "setup"; return; }
	local out=$(mktemp)
	run_two_senders "$out" 4 -Q
	grep -q '^# queues: no RX queue map' "$out" || lt_fail "no '# queues:' header line"
	lt_assert_ge "$(grep -c '^  hot cpu 0: ' "$out")" 1 "intervals naming CPU 0 hot" &&
	lt_assert_ge "$(grep -c '^      cpu 1: ' "$out")" 1 "-Q lines for the other CPU"
	lt_assert_eq "$(grep -c '^  hot cpu 1: ' "$out")" 0 "intervals naming CPU 1 hot"
	rm -f "$out"
}

lt_run_tests
