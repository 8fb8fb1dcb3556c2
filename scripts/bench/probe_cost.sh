#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Per-event cost of each BPF program (kernel.bpf_stats_enabled: run_time_ns /
# run_cnt), in one run under one load: livelock-trace on a veth in namespaces
# of its own, libbpf-tools' hardirqs and softirqs, and an empty bpftrace
# program on the softirq and hard-IRQ hooks (the floor).  Hard-IRQ programs run
# on every interrupt of the machine (ours filter by IRQ in a map), so their
# cost is measured on whatever interrupts happen meanwhile; veth has none.
# Writes build/bench/probe_cost.json.   LT_BENCH_PACKETS (default 300000).
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
packets=${LT_BENCH_PACKETS:-300000}
out=build/bench/probe_cost.json
mkdir -p build/bench
old_stats=$(sysctl -n kernel.bpf_stats_enabled)
_lt_status_file=/dev/null
cleanup() {
	sysctl -qw kernel.bpf_stats_enabled="$old_stats"
	lt_teardown
}
trap cleanup EXIT
trap 'exit 1' INT TERM

sysctl -qw kernel.bpf_stats_enabled=1
lt_netns_pair || exit 1
ip netns exec "$NS_RX" ethtool -K "$VETH_RX" gro on >/dev/null
ip netns exec "$NS_TX" ethtool -K "$VETH_TX" tso off >/dev/null
# Each tool's programs are the ids that appear when it starts.
ids() { bpftool prog list --json | python3 -c 'import json,sys; print(" ".join(str(p["id"]) for p in json.load(sys.stdin)))'; }
owners=build/bench/owners.txt
: >"$owners"
start() {	# OWNER cmd...
	local before after o=$1; shift
	before=" $(ids) "
	lt_bg "$o" "$@" >/dev/null 2>&1
	sleep 1.5
	for i in $(ids); do
		case "$before" in *" $i "*) ;; *) echo "$i $o" >>"$owners" ;; esac
	done
}
start livelock-trace ip netns exec "$NS_RX" ./livelock-trace "$VETH_RX" 1 0 --raw
start hardirqs /usr/sbin/hardirqs 30 1
start softirqs /usr/sbin/softirqs 30 1
start empty-floor bpftrace -e 'tracepoint:irq:softirq_entry {} tracepoint:irq:softirq_exit {} tracepoint:irq:irq_handler_entry {} tracepoint:irq:irq_handler_exit {}'
lt_bg sink ip netns exec "$NS_RX" build/dyn/tools/udpsink -p 9000 --idle-exit 1000 >/dev/null
sleep 0.3
ip netns exec "$NS_TX" build/dyn/tools/udpsend -d "$LT_RX_ADDR" -p 9000 -n "$packets" -r 10000000 --max-seconds 30
sleep 1
bpftool prog show --json >build/bench/progs.json
python3 - build/bench/progs.json "$out" "$owners" <<'PY'
import json, sys
progs = json.load(open(sys.argv[1]))
owner = dict(l.split() for l in open(sys.argv[3]) if l.strip())
rows = []
for p in progs:
    o = owner.get(str(p["id"]))
    cnt, ns = p.get("run_cnt", 0), p.get("run_time_ns", 0)
    if not o or not cnt:
        continue
    rows.append({"owner": o, "name": p.get("name", "?"), "events": cnt,
                 "ns_per_event": round(ns / cnt, 1)})
rows.sort(key=lambda r: (r["owner"], r["name"]))
print("%-16s %-24s %10s %10s" % ("owner", "program", "events", "ns/event"))
for r in rows:
    print("%-16s %-24s %10d %10.1f" % (r["owner"], r["name"], r["events"], r["ns_per_event"]))
json.dump(rows, open(sys.argv[2], "w"), indent=1)
PY
