#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Per-event cost of each BPF program (kernel.bpf_stats_enabled: run_time_ns /
# run_cnt) beside libbpf-tools' hardirqs and softirqs, an empty program on the
# same hooks attached the same way (tp_btf; scripts/bench/floor.bpf.c: the
# floor) and one that only reads the clock, all under the same load.  Programs
# on one hook run in attach order and the first pays for cold caches, so each
# of LT_BENCH_PC_ROUNDS rounds (default 5) rotates the order; figures are
# medians over the rounds.  Phases of a round, each its own delta:
#   packets      LT_BENCH_PACKETS UDP packets (default 200000) as fast as the
#                sender goes into a NAPI veth in namespaces of our own, with
#                `livelock-trace VETH 1` on it: every packet its own softirq
#   irq_foreign  LT_BENCH_IRQS O_DIRECT 4 KiB reads of a file (default 16384,
#                one block-device interrupt each): another device's hard IRQs,
#                what our IRQ programs pay on a busy machine
#   irq_ours     the same with the block device's IRQ marked as the NIC's in
#                livelock-trace's filter map (bpftool): the full handler path
#                (a veth has no interrupts of its own)
# Then XDP: LT_BENCH_XDP_ROUNDS (default 3) rounds of LT_BENCH_XDP_PACKETS
# (default 200000) packets with `livelock-trace --xdp MODE` and with an XDP
# program that only passes, generic and native; and both programs alone in
# BPF_PROG_TEST_RUN, free of the statistics' own clock reads.
# Writes build/bench/probe_cost.json.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
rounds=${LT_BENCH_PC_ROUNDS:-5}
packets=${LT_BENCH_PACKETS:-200000}
nirqs=${LT_BENCH_IRQS:-16384}
xdp_rounds=${LT_BENCH_XDP_ROUNDS:-3}
xdp_packets=${LT_BENCH_XDP_PACKETS:-200000}
dir=build/bench
OUT_DYN=${LT_BUILD}
out=$dir/probe_cost.json
work=$dir/probe_cost.d
mkdir -p "$dir"
rm -rf "$work" && mkdir -p "$work"
old_stats=$(sysctl -n kernel.bpf_stats_enabled)
. scripts/bench/lib
bench_setup probe_cost napi
cleanup() {
	sysctl -qw kernel.bpf_stats_enabled="$old_stats"
	lt_teardown
	rm -f "$dir/irqload.bin"
}
trap cleanup EXIT
for t in hardirqs softirqs; do
	command -v $t >/dev/null || [ -x /usr/sbin/$t ] ||
		{ echo "probe_cost: libbpf-tools' $t not found (apt-get install libbpf-tools)" >&2; exit 1; }
done
hardirqs=$(command -v hardirqs || echo /usr/sbin/hardirqs)
softirqs=$(command -v softirqs || echo /usr/sbin/softirqs)

# The floor: empty programs and their loader, built here (not part of the tool).
scripts/bench/build-floor "$dir" || exit 1

sysctl -qw kernel.bpf_stats_enabled=1

ids() { bpftool prog list --json | python3 -c 'import json,sys; print(" ".join(str(p["id"]) for p in json.load(sys.stdin)))'; }
owners=$work/owners.txt
: >"$owners"
start() {	# OWNER NAME cmd...: the owner's programs are the ids that appear when it starts
	local before o=$1 name=$2 i
	shift 2
	before=" $(ids) "
	lt_bg "$name" "$@" >/dev/null 2>&1
	sleep 1.5
	for i in $(ids); do
		case "$before" in *" $i "*) ;; *) echo "$i $o" >>"$owners" ;; esac
	done
}
snap() { bpftool prog show --json >"$work/$1.json"; }
udp_load() {	# PACKETS PORT
	local rdy=$work/ready
	rm -f "$rdy"
	lt_bg sink ip netns exec "$NS_RX" "$LT_TOOLS/udpsink" -p "$2" --idle-exit 500 --seconds 60 --ready-file "$rdy" >/dev/null
	lt_wait_file "$rdy" 5
	ip netns exec "$NS_TX" "$LT_TOOLS/udpsend" -d "$LT_RX_ADDR" -p "$2" -n "$1" -r 10000000 --max-seconds 60 >/dev/null
	wait "$BG_sink" 2>/dev/null
}

# Programs on one hook run one after another in the order they were attached,
# and the first pays for the cold caches: each round rotates the order.
owners_list=(livelock-trace hardirqs softirqs floor clock)
launch() {	# OWNER
	case $1 in
	livelock-trace) start livelock-trace tool ip netns exec "$NS_RX" "$LT_BIN" "$VETH_RX" 1 0 ;;
	hardirqs) start hardirqs hi "$hardirqs" 60 1 ;;
	softirqs) start softirqs si "$softirqs" 60 1 ;;
	floor) start floor fl "$dir/floor" "$dir/floor.bpf.o" fl_ ;;
	clock) start clock ck "$dir/floor" "$dir/floor.bpf.o" ck_ ;;
	esac
}
irq_count() { awk -v i="$1:" -v n="$(nproc)" '$1 == i { s = 0; for (c = 2; c <= n + 1; c++) s += $c; print s }' /proc/interrupts; }
# Hard IRQs: the block device under build/bench, one interrupt per O_DIRECT read.
dd if=/dev/zero of="$dir/irqload.bin" bs=4k count="$nirqs" oflag=direct status=none
disk=$(findmnt -no SOURCE -T "$dir" | sed 's|^/dev/||; s|[0-9]*$||; s|p$||')
disk_irqs=$(ls "$(readlink -f /sys/block/"$disk"/device)/../msi_irqs" 2>/dev/null)
declare -A before_irq
for i in $disk_irqs; do before_irq[$i]=$(irq_count "$i"); done
dd if="$dir/irqload.bin" of=/dev/null bs=4k count=2000 iflag=direct status=none
irq="" best=0
for i in $disk_irqs; do
	d=$(( $(irq_count "$i") - ${before_irq[$i]} ))
	[ "$d" -gt "$best" ] && { best=$d; irq=$i; }
done
[ -n "$irq" ] && [ "$best" -ge 1000 ] || irq=""
if [ -n "$irq" ]; then
	echo "probe_cost: hard IRQs from IRQ $irq ($disk)" >&2
else
	echo "probe_cost: no block-device interrupts found: hard-IRQ phases skipped" >&2
fi

for r in $(seq 0 $((rounds - 1))); do
	: >"$owners"
	n=${#owners_list[@]}
	for k in $(seq 0 $((n - 1))); do launch "${owners_list[$(( (k + r) % n ))]}"; done
	grep -q livelock-trace "$owners" || { echo "probe_cost: livelock-trace did not start" >&2; exit 1; }
	cp "$owners" "$work/owners.$r"
	snap "$r.0"
	udp_load "$packets" 9000
	snap "$r.1"
	if [ -n "$irq" ]; then
		dd if="$dir/irqload.bin" of=/dev/null bs=4k iflag=direct status=none
		snap "$r.2"
		tool_prog=$(awk '$2 == "livelock-trace" { print $1; exit }' "$owners")
		filter=$(bpftool prog show id "$tool_prog" --json | python3 -c '
import json, subprocess, sys
for m in json.load(sys.stdin).get("map_ids", []):
    info = json.loads(subprocess.run(["bpftool", "map", "show", "id", str(m), "--json"], capture_output=True, text=True).stdout)
    if info.get("name") == "irq_filter":
        print(m)')
		# the filter map holds the IRQ's slot + 1: slot 0, free on a veth
		bpftool map update id "$filter" key $((irq & 255)) $((irq >> 8 & 255)) 0 0 value 1
		dd if="$dir/irqload.bin" of=/dev/null bs=4k iflag=direct status=none
		snap "$r.3"
	fi
	for o in tool hi si fl ck; do v=BG_$o; lt_stop "${!v}" INT; done
	echo "probe_cost: round $((r + 1))/$rounds done" >&2
done

# XDP: one program per interface at a time, so ours and the floor take turns.
xdp_runs=$work/xdp.txt
: >"$xdp_runs"
for mode in generic native; do
	for r in $(seq "$xdp_rounds"); do
		for who in livelock-trace floor; do
			before=" $(ids) "
			if [ $who = floor ]; then
				lt_bg x ip netns exec "$NS_RX" "$dir/floor" "$dir/floor.bpf.o" fl_ --xdp "$VETH_RX" $mode >/dev/null
			else
				lt_bg x ip netns exec "$NS_RX" "$LT_BIN" "$VETH_RX" 1 0 --xdp $mode >/dev/null 2>&1
			fi
			sleep 1.5
			udp_load "$xdp_packets" 9001
			bpftool prog show --json >"$work/xdp.json"
			python3 - "$work/xdp.json" "$before" "$who" "$mode" >>"$xdp_runs" <<'PY'
import json, sys
before = set(sys.argv[2].split())
for p in json.load(open(sys.argv[1])):
    if str(p["id"]) not in before and p.get("type") == "xdp" and p.get("run_cnt"):
        print(sys.argv[3], sys.argv[4], p["run_cnt"], p["run_time_ns"])
PY
			lt_stop "$BG_x" INT
		done
	done
done

# The XDP program alone, without the statistics' own clock reads: mean ns per
# run of BPF_PROG_TEST_RUN over LT_BENCH_TEST_RUNS runs (default 10000000).
test_runs=${LT_BENCH_TEST_RUNS:-10000000}
sysctl -qw kernel.bpf_stats_enabled=0
{ "$dir/floor" "$OUT_DYN/xdp_count.bpf.o" xdp --test-run "$test_runs" &&
  "$dir/floor" "$dir/floor.bpf.o" fl_ --test-run "$test_runs"; } >"$work/test_run.txt" ||
	echo "probe_cost: BPF_PROG_TEST_RUN of the XDP programs failed" >&2

python3 - "$work" "$out" "$rounds" "$xdp_runs" "${irq:-null}" "$packets" "$nirqs" "$test_runs" <<'PY'
import json, os, statistics, sys
work, out, rounds, xdp_f, irq, packets, nirqs, test_runs = sys.argv[1:9]
rounds = int(rounds)
alias = {"irq_entry": "irq_handler_entry", "irq_exit": "irq_handler_exit",
         "stack_packet": "netif_receive_skb", "rcv_entry": "netif_receive_skb_entry",
         "rcv_exit": "netif_receive_skb_exit", "gro_entry": "napi_gro_receive_entry",
         "gro_exit": "napi_gro_receive_exit", "copy_datagram": "skb_copy_datagram_iovec",
         "xmit": "net_dev_start_xmit", "recv_length": "sock_recv_length"}
def hook(name):
    for suf in ("_btf", "_raw"):
        if name.endswith(suf):
            name = name[:-len(suf)]
    if name[:3] in ("fl_", "ck_"):
        name = name[3:]
    return alias.get(name, name)
def load(n):
    f = "%s/%s.json" % (work, n)
    return {str(p["id"]): p for p in json.load(open(f))} if os.path.exists(f) else None
phases = [("packets", 0, 1), ("irq_foreign", 1, 2), ("irq_ours", 2, 3)]
per = {}	# (phase, owner, hook) -> [(events, ns/event) per round]
for r in range(rounds):
    owner = dict(l.split() for l in open("%s/owners.%d" % (work, r)) if l.strip())
    snaps = [load("%d.%d" % (r, i)) for i in range(4)]
    for ph, a, b in phases:
        A, B = snaps[a], snaps[b]
        if A is None or B is None:
            continue
        for pid, p in B.items():
            o = owner.get(pid)
            if not o or pid not in A:
                continue
            cnt = p.get("run_cnt", 0) - A[pid].get("run_cnt", 0)
            ns = p.get("run_time_ns", 0) - A[pid].get("run_time_ns", 0)
            if cnt > 0:
                per.setdefault((ph, o, hook(p.get("name", "?"))), []).append((cnt, ns / cnt))
rows = []
for (ph, o, h), v in per.items():
    x = [n for _, n in v]
    rows.append({"phase": ph, "owner": o, "hook": h, "events_per_round": int(statistics.median([c for c, _ in v])),
                 "ns_per_event": round(statistics.median(x), 1), "ns_min": round(min(x), 1),
                 "ns_max": round(max(x), 1), "rounds": len(x)})
def fig(ph, o, h):
    for r in rows:
        if r["phase"] == ph and r["owner"] == o and r["hook"] == h:
            return r
    return None
xdp = {}
for l in open(xdp_f):
    who, mode, cnt, ns = l.split()
    xdp.setdefault(mode, {}).setdefault(who, []).append(int(ns) / int(cnt))
xdp_res = {}
for mode, d in xdp.items():
    xdp_res[mode] = {w: {"ns_per_packet": [round(x, 1) for x in v], "median": round(statistics.median(v), 1)}
                     for w, v in d.items()}
    m = xdp_res[mode]
    if "livelock-trace" in m and "floor" in m:
        m["above_floor_ns"] = round(m["livelock-trace"]["median"] - m["floor"]["median"], 1)
tr = {}
if os.path.exists(work + "/test_run.txt"):
    for l in open(work + "/test_run.txt"):
        name, ns = l.split()
        tr["xdp_count" if name == "xdp_count" else "empty"] = int(ns)
if tr:
    tr["runs"] = int(test_runs)
    tr["target_met"] = tr.get("xdp_count", 1e9) < 30
# the issue's targets: softirq and hard-IRQ programs cheaper than libbpf-tools'
# on the same hook and within 2x the empty program
checks = []
for ph, h, lib in [("packets", "softirq_entry", "softirqs"), ("packets", "softirq_exit", "softirqs"),
                   ("irq_ours", "irq_handler_entry", "hardirqs"), ("irq_ours", "irq_handler_exit", "hardirqs"),
                   ("irq_foreign", "irq_handler_entry", "hardirqs"), ("irq_foreign", "irq_handler_exit", "hardirqs")]:
    us, them, fl = fig(ph, "livelock-trace", h), fig(ph, lib, h), fig(ph, "floor", h)
    if not (us and them and fl):
        continue
    ck = fig(ph, "clock", h)
    checks.append({"phase": ph, "hook": h, "ns": us["ns_per_event"], "libbpf_tools": lib,
                   "libbpf_tools_ns": them["ns_per_event"], "floor_ns": fl["ns_per_event"],
                   "clock_ns": ck["ns_per_event"] if ck else None,
                   "x_floor": round(us["ns_per_event"] / fl["ns_per_event"], 2),
                   "cheaper_than_libbpf_tools": us["ns_per_event"] < them["ns_per_event"],
                   "within_2x_floor": us["ns_per_event"] <= 2 * fl["ns_per_event"]})
load1 = open("/proc/loadavg").read().split()[0]
res = {"rounds": rounds, "packets_per_round": int(packets), "irq_reads_per_round": int(nirqs),
       "irq": None if irq == "null" else int(irq), "loadavg_1min_at_end": float(load1),
       "cpu": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?"),
       "kernel": os.uname().release, "programs": sorted(rows, key=lambda r: (r["phase"], r["hook"], r["owner"])),
       "targets": checks, "xdp_attached": xdp_res, "xdp_test_run_ns": tr}
json.dump(res, open(out, "w"), indent=1)

print("ns per event, median of %d rounds (attach order rotated); min..max in the JSON" % rounds)
print("%-12s %-18s %9s %9s %9s %9s %9s %7s" % ("phase", "hook", "events", "ours", "libbpf", "empty", "clock", "x empty"))
seen = []
for r in rows:
    if (r["phase"], r["hook"]) not in seen:
        seen.append((r["phase"], r["hook"]))
for ph, h in sorted(seen, key=lambda k: ([p for p, _, _ in phases].index(k[0]), k[1])):
    us, fl, ck = fig(ph, "livelock-trace", h), fig(ph, "floor", h), fig(ph, "clock", h)
    lib = fig(ph, "softirqs", h) or fig(ph, "hardirqs", h)
    if not us:
        continue
    f = lambda x: "%.1f" % x["ns_per_event"] if x else "-"
    print("%-12s %-18s %9d %9s %9s %9s %9s %7s" % (ph, h, us["events_per_round"], f(us), f(lib), f(fl), f(ck),
          "%.2f" % (us["ns_per_event"] / fl["ns_per_event"]) if fl else "-"))
for mode, m in xdp_res.items():
    if "above_floor_ns" in m:
        print("xdp %-8s attached: xdp_count %.1f ns/packet (rounds %s), empty XDP %.1f: %+.1f ns"
              % (mode, m["livelock-trace"]["median"], m["livelock-trace"]["ns_per_packet"], m["floor"]["median"],
                 m["above_floor_ns"]))
if tr:
    print("xdp BPF_PROG_TEST_RUN (%d runs): xdp_count %s ns/packet, empty XDP %s; target < 30 ns %s"
          % (tr["runs"], tr.get("xdp_count"), tr.get("empty"), "met" if tr["target_met"] else "MISSED"))
for c in checks:
    print("target %-11s %-18s %6.1f ns: %s than %s (%.1f); %.2fx the empty program (%.1f)%s"
          % (c["phase"], c["hook"], c["ns"], "cheaper" if c["cheaper_than_libbpf_tools"] else "DEARER",
             c["libbpf_tools"], c["libbpf_tools_ns"], c["x_floor"], c["floor_ns"],
             "" if c["within_2x_floor"] else " > 2x: MISSED"))
PY
