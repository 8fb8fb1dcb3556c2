#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# What sampling costs, measured inside one run instead of against separate
# untraced runs: the receiver of a NAPI veth flat out (the worst case of
# e2e_veth.sh: sender and NET_RX on CPU 0, the reader on CPU 1) reads for
# LT_BENCH_WINDOW_S seconds (default 40) while livelock-trace -v opens its
# windows and stamps them on CLOCK_MONOTONIC; the reader counts what it reads
# per 10 ms on the same clock (udpsink --series).  The rate in the bins inside
# the windows, and in those at least LT_BENCH_EDGE_MS (250) from any window,
# differ only by what the attached programs cost, and both are measured a
# second apart all run long, so the host's drift cancels.  Runs are
# LT_BENCH_WINDOW_RUNS (default "live:10 live:auto exporter:auto"): the live
# command or the exporter (scraped once a second), with --sample N or auto, at
# an interval of LT_BENCH_WINDOW_INTERVAL seconds (default 1).  Per run:
#   in_window_cost  1 - rate inside / rate away from windows
#   run_cost        1 - rate over the whole run / rate away from windows
#                   (the windows, their attach and detach, the reads, the
#                   scrapes): what sampling costs the packet rate
# The programs kept on between windows (sched_switch) cost in both and are not
# in these figures: e2e_veth.sh's "sampled" against its untraced runs has them,
# and LT_BENCH_BPF_STATS=1 measures them directly: kernel.bpf_stats_enabled on
# for the run (put back after), their runs and run time a second of traffic
# (sticky_runs_per_s, sticky_cpu_pct: % of one CPU).
# Writes build/bench/window_cost.json (LT_BENCH_KEEP=DIR keeps the series and
# the windows).
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
secs=${LT_BENCH_WINDOW_S:-40}
runs=${LT_BENCH_WINDOW_RUNS:-"live:10 live:auto exporter:auto"}
interval=${LT_BENCH_WINDOW_INTERVAL:-1}
edge_ms=${LT_BENCH_EDGE_MS:-250}
out=build/bench/window_cost.json
tmp=$(mktemp -d)
mkdir -p build/bench
. scripts/bench/lib
bench_setup window_cost napi
stats_old=""
if [ "${LT_BENCH_BPF_STATS:-}" = 1 ]; then
	stats_old=$(cat /proc/sys/kernel/bpf_stats_enabled)
	echo 1 >/proc/sys/kernel/bpf_stats_enabled
fi
trap '[ -n "$stats_old" ] && echo "$stats_old" >/proc/sys/kernel/bpf_stats_enabled; lt_teardown; [ -n "${LT_BENCH_KEEP:-}" ] && mkdir -p "$LT_BENCH_KEEP" && cp "$tmp"/*.series "$tmp"/*.windows "$LT_BENCH_KEEP"; rm -rf "$tmp"' EXIT

# A scraper like Prometheus: one GET a second, until killed.
scraper() {	# PORT
	ip netns exec "$NS_RX" python3 - "$1" tests/tools >/dev/null <<'PY' &
import sys, time
sys.path.insert(0, sys.argv[2])
import httpraw
while True:
    t0 = time.monotonic()
    try:
        httpraw.exchange(int(sys.argv[1]), timeout=10)
    except OSError:
        pass
    time.sleep(max(0.0, 1 - (time.monotonic() - t0)))
PY
	SCRAPER=$!
}

# The programs attached between windows (sched_switch): "runs run_ns" summed; nothing without bpf stats.
sticky_stats() {
	[ -n "$stats_old" ] || return 0
	bpftool prog show -j | python3 -c '
import json, sys
p = [x for x in json.load(sys.stdin) if x.get("name", "").startswith("sched_switch")]
print(sum(x.get("run_cnt", 0) for x in p), sum(x.get("run_time_ns", 0) for x in p))'
}

one() {	# live:N or exporter:N -> tmp/RUN.windows, tmp/RUN.series
	local cmd=${1%%:*} n=${1#*:} tag=${1/:/-}
	local trdy=$tmp/$tag.trdy rdy=$tmp/$tag.rdy port=$((19000 + RANDOM % 1000))
	SCRAPER=""
	case "$cmd" in
	live)
		lt_bg tr ip netns exec "$NS_RX" "$LT_BIN" -v "$VETH_RX" "$interval" 0 --sample "$n" --ready-file "$trdy" >/dev/null 2>"$tmp/$tag.err"
		lt_wait_file "$trdy" 10 || { echo "window_cost: the tracer did not attach: $(tail -1 "$tmp/$tag.err")" >&2; return 1; } ;;
	exporter)
		lt_bg tr ip netns exec "$NS_RX" "$LT_BIN" exporter -v --listen 127.0.0.1:$port --interval "$interval" --sample "$n" "$VETH_RX" >/dev/null 2>"$tmp/$tag.err"
		for _ in $(seq 100); do
			ip netns exec "$NS_RX" curl -sf -o /dev/null http://127.0.0.1:$port/metrics && break
			sleep 0.1
		done
		scraper "$port" ;;
	*) echo "window_cost: unknown run '$1' (live:N or exporter:N, N a number or auto)" >&2; return 1 ;;
	esac
	lt_bg sk ip netns exec "$NS_RX" taskset -c 1 "$LT_TOOLS/udpsink" -p 9300 --idle-exit 700 \
		--seconds $((secs + 10)) --rcvbuf 4194304 --series "$tmp/$tag.series" --ready-file "$rdy" >/dev/null
	lt_wait_file "$rdy" 5 || return 1
	sticky_stats >"$tmp/$tag.sticky0"
	ip netns exec "$NS_TX" taskset -c 0 "$LT_TOOLS/udpsend" -d "$LT_RX_ADDR" -p 9300 -n 1000000000000 -r 5000000 \
		--max-seconds "$secs" >/dev/null 2>&1
	sticky_stats >"$tmp/$tag.sticky1"
	wait "$BG_sk"
	[ -n "$SCRAPER" ] && kill "$SCRAPER" 2>/dev/null && wait "$SCRAPER" 2>/dev/null
	lt_stop "$BG_tr" INT
	grep '^livelock-trace: window ' "$tmp/$tag.err" >"$tmp/$tag.windows"
	echo "window_cost: $1: $(wc -l <"$tmp/$tag.windows") windows" >&2
}

for r in $runs; do
	one "$r" || exit 1
done

python3 - "$tmp" "$out" "$edge_ms" "$interval" $runs <<'PY'
import json, statistics, sys
tmp, out, edge = sys.argv[1], sys.argv[2], float(sys.argv[3]) / 1e3
res = {"edge_ms": edge * 1e3, "interval_s": float(sys.argv[4]), "runs": {}}
print("%-16s %8s %8s %12s %12s %14s %10s" % ("run", "windows", "duty", "pps inside", "pps away", "in-window cost", "run cost"))
for run in sys.argv[5:]:
    tag = run.replace(":", "-", 1)
    head, *counts = open("%s/%s.series" % (tmp, tag)).read().split("\n")
    _, t0, w = head.split()
    t0, w = float(t0), float(w)
    counts = [int(c) for c in counts if c]
    wins = [tuple(map(float, l.split()[2:4])) for l in open("%s/%s.windows" % (tmp, tag))]
    wins = [(a, b) for a, b in wins if b > a]
    # the traffic's steady part: a second in from its first and last bins
    busy = [i for i, c in enumerate(counts) if c]
    lo, hi = busy[0] + int(1 / w), busy[-1] - int(1 / w)
    inside, away, every = [], [], []
    for i in range(lo, hi):
        a, b = t0 + i * w, t0 + (i + 1) * w
        every.append(counts[i])
        if any(s <= a and b <= e for s, e in wins):
            inside.append(counts[i])
        elif all(b + edge <= s or e + edge <= a for s, e in wins):
            away.append(counts[i])
    r_in, r_away, r_all = (statistics.mean(v) / w if v else None for v in (inside, away, every))
    if not r_away:
        print("%-16s no bins %d ms away from every window: nothing to compare with" % (run, edge * 1e3))
        continue
    span = (hi - lo) * w
    duty = sum(max(0.0, min(e, t0 + hi * w) - max(s, t0 + lo * w)) for s, e in wins) / span
    row = {"windows": len(wins), "duty": round(duty, 4), "bins_inside": len(inside), "bins_away": len(away),
           "pps_inside": round(r_in or 0), "pps_away": round(r_away), "pps_run": round(r_all),
           "in_window_cost_pct": round(100 * (1 - r_in / r_away), 2) if r_in else None,
           "run_cost_pct": round(100 * (1 - r_all / r_away), 2)}
    try:	# LT_BENCH_BPF_STATS=1: the sticky programs over the traffic
        a, b = (open("%s/%s.sticky%d" % (tmp, tag, k)).read().split() for k in (0, 1))
        secs = (busy[-1] - busy[0] + 1) * w	# the traffic, which the snapshots bracket
        row["sticky_runs_per_s"] = round((int(b[0]) - int(a[0])) / secs)
        row["sticky_cpu_pct"] = round(100 * (int(b[1]) - int(a[1])) / 1e9 / secs, 3)
    except (OSError, ValueError, IndexError):
        pass
    res["runs"][run] = row
    print("%-16s %8d %8.3f %12.0f %12.0f %13.2f%% %9.2f%%%s" % (run, len(wins), duty, r_in or 0, r_away,
          row["in_window_cost_pct"] or 0, row["run_cost_pct"],
          "   sticky: %d runs/s, %.2f%% of a CPU" % (row["sticky_runs_per_s"], row["sticky_cpu_pct"])
          if "sticky_cpu_pct" in row else ""))
json.dump(res, open(out, "w"), indent=1)
PY
