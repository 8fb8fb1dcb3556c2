#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# What --latency adds per packet: livelock-trace on a NAPI veth in namespaces
# of our own, with and without --latency, in LT_BENCH_LAT_ROUNDS alternating
# rounds (default 4) of LT_BENCH_LAT_PACKETS UDP packets each (default
# 200000, as fast as the sender goes, a reader that keeps up).  Per program,
# its run time per run from kernel.bpf_stats_enabled (switched on for the run,
# put back after); per packet, the sum over the programs that run per packet,
# per read or per wakeup (netif_receive_skb, sk_data_ready, sock_recv_length,
# kfree_skb, and --latency's sched_wakeup), over the packets.
# The end-to-end loss is in e2e_veth.sh (its traced_latency condition).
# Writes build/bench/latency_cost.json.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
rounds=${LT_BENCH_LAT_ROUNDS:-4}
packets=${LT_BENCH_LAT_PACKETS:-200000}
out=build/bench/latency_cost.json
work=build/bench/latency_cost.d
mkdir -p build/bench
rm -rf "$work" && mkdir -p "$work"
old_stats=$(sysctl -n kernel.bpf_stats_enabled)
. scripts/bench/lib
bench_setup latency_cost napi
trap 'sysctl -qw kernel.bpf_stats_enabled="$old_stats"; lt_teardown' EXIT
sysctl -qw kernel.bpf_stats_enabled=1

ids() { bpftool prog list --json | python3 -c 'import json,sys; print(" ".join(str(p["id"]) for p in json.load(sys.stdin)))'; }
for r in $(seq "$rounds"); do
	for mode in plain latency; do
		before=" $(ids) "
		lt_bg tool ip netns exec "$NS_RX" "$LT_BIN" "$VETH_RX" 1 0 $([ $mode = latency ] && echo --latency) >/dev/null
		sleep 1.5
		rdy=$work/ready
		rm -f "$rdy"
		lt_bg sink ip netns exec "$NS_RX" "$LT_TOOLS/udpsink" -p 9400 --idle-exit 500 --seconds 60 --rcvbuf 4194304 --ready-file "$rdy" >/dev/null
		lt_wait_file "$rdy" 5
		ip netns exec "$NS_TX" "$LT_TOOLS/udpsend" -d "$LT_RX_ADDR" -p 9400 -n "$packets" -r 10000000 --max-seconds 60 >/dev/null
		wait "$BG_sink" 2>/dev/null
		bpftool prog show --json >"$work/$r.$mode.json"
		echo "$before" >"$work/$r.$mode.before"
		lt_stop "$BG_tool" INT
	done
	echo "latency_cost: round $r/$rounds done" >&2
done

python3 - "$work" "$out" "$rounds" "$packets" <<'PY'
import json, statistics, sys
work, out, rounds, packets = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
per_packet = ("stack_packet", "sk_data_ready", "recv_length", "kfree_skb", "sched_wakeup")
res = {"packets_per_round": packets, "rounds": rounds, "modes": {}}
for mode in ("plain", "latency"):
    progs, sums = {}, []
    for r in range(1, rounds + 1):
        before = set(open("%s/%d.%s.before" % (work, r, mode)).read().split())
        total = 0
        for p in json.load(open("%s/%d.%s.json" % (work, r, mode))):
            if str(p["id"]) in before or not p.get("run_cnt"):
                continue
            name = p["name"].rsplit("_", 1)[0]
            ns = p["run_time_ns"] / p["run_cnt"]
            progs.setdefault(name, []).append(ns)
            if name in per_packet:
                total += p["run_time_ns"] / packets
        sums.append(total)
    res["modes"][mode] = {"ns_per_run": {k: round(statistics.median(v), 1) for k, v in sorted(progs.items())},
                          "per_packet_ns": round(statistics.median(sums), 1),
                          "per_packet_ns_rounds": [round(x, 1) for x in sums]}
p, l = res["modes"]["plain"], res["modes"]["latency"]
res["added_per_packet_ns"] = round(l["per_packet_ns"] - p["per_packet_ns"], 1)
json.dump(res, open(out, "w"), indent=1)
print("%-16s %10s %10s" % ("program", "plain ns", "--latency"))
for k in per_packet:
    print("%-16s %10s %10s" % (k, p["ns_per_run"].get(k, "-"), l["ns_per_run"].get(k, "-")))
print("per packet (those programs' time / packets): %.1f ns plain, %.1f ns with --latency: +%.1f ns"
      % (p["per_packet_ns"], l["per_packet_ns"], res["added_per_packet_ns"]))
PY
