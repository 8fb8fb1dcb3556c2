#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The userspace process: CPU per second (utime + stime from /proc/PID/stat,
# and on-CPU ns from /proc/PID/schedstat, finer than clock ticks)
# of `livelock-trace IFACE INTERVAL` at 1 s and 0.1 s intervals, and at 1 s
# with --sample 10 (a window attached and detached every second), under a
# steady load (LT_BENCH_LOAD_PPS, default 20000, on a veth in namespaces of
# our own), over LT_BENCH_CPU_S seconds (default 30) each; then resident
# memory (VmRSS) sampled every 10 s over a soak of SOAK_S seconds (default
# 600) at 0.1 s intervals.  Writes build/bench/userspace.json.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
load=${LT_BENCH_LOAD_PPS:-20000}
cpu_s=${LT_BENCH_CPU_S:-30}
soak=${SOAK_S:-600}
out=build/bench/userspace.json
mkdir -p build/bench
. scripts/bench/lib
bench_setup userspace napi
# the load lasts through the three CPU measurements and the soak
total=$(( (cpu_s * 3 + soak + 30) * load ))
lt_bg sink ip netns exec "$NS_RX" "$LT_TOOLS/udpsink" -p 9400 --seconds $((cpu_s * 3 + soak + 40)) >/dev/null
sleep 0.5
lt_bg send ip netns exec "$NS_TX" "$LT_TOOLS/udpsend" -d "$LT_RX_ADDR" -p 9400 -n "$total" -r "$load" --max-seconds $((cpu_s * 3 + soak + 35))
hz=$(getconf CLK_TCK)
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
run_ns() { awk '{print $1}' "/proc/$1/schedstat"; }	# on-CPU ns: finer than ticks
rss() { awk '/VmRSS/{print $2}' "/proc/$1/status"; }
tool_pid() { pgrep -n -f "^$LT_BIN $VETH_RX" ; }

cpu_at() {	# INTERVAL [OPTIONS] -> "percent of one core from utime+stime, from schedstat"
	local pid t0 t1 n0 n1 iv=$1
	shift
	lt_bg tool ip netns exec "$NS_RX" "$LT_BIN" "$VETH_RX" "$iv" 0 "$@" >/dev/null
	sleep 2
	pid=$(tool_pid)
	t0=$(ticks "$pid") n0=$(run_ns "$pid")
	sleep "$cpu_s"
	t1=$(ticks "$pid") n1=$(run_ns "$pid")
	lt_stop "$BG_tool" INT
	python3 -c "print(round(100.0 * ($t1 - $t0) / $hz / $cpu_s, 3), round(100.0 * ($n1 - $n0) / 1e9 / $cpu_s, 4))"
}
read -r c1 s1 < <(cpu_at 1)
read -r c01 s01 < <(cpu_at 0.1)
read -r cs ss < <(cpu_at 1 --sample 10)
echo "userspace: CPU at 1 s intervals ${c1}% of a core (schedstat ${s1}%), at 0.1 s ${c01}% (${s01}%), at 1 s with --sample 10 ${cs}% (${ss}%)" >&2

lt_bg tool ip netns exec "$NS_RX" "$LT_BIN" "$VETH_RX" 0.1 0 >/dev/null
sleep 2
pid=$(tool_pid)
samples=()
for ((t = 0; t <= soak; t += 10)); do
	samples+=("$(rss "$pid")")
	[ $t -lt $soak ] && sleep 10
done
lt_stop "$BG_tool" INT
python3 - "$out" "$c1" "$c01" "$soak" "$load" "$s1" "$s01" "$cpu_s" "$hz" "$cs" "$ss" "${samples[@]}" <<'PY'
import json, sys
out, c1, c01, soak, load = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
s1, s01, cpu_s, hz = float(sys.argv[6]), float(sys.argv[7]), int(sys.argv[8]), int(sys.argv[9])
cs, ss = float(sys.argv[10]), float(sys.argv[11])
rss = [int(x) for x in sys.argv[12:]]
# utime+stime counts whole clock ticks: one tick over the window is its resolution
res = {"load_pps": load, "cpu_pct_interval_1s": c1, "cpu_pct_interval_0.1s": c01,
       "cpu_pct_tick_resolution": round(100.0 / hz / cpu_s, 3), "cpu_s": cpu_s,
       "cpu_pct_schedstat_interval_1s": s1, "cpu_pct_schedstat_interval_0.1s": s01,
       "cpu_pct_interval_1s_sample10": cs, "cpu_pct_schedstat_interval_1s_sample10": ss, "soak_s": soak,
       "rss_kib_start": rss[0], "rss_kib_end": rss[-1], "rss_kib_max": max(rss), "rss_kib_samples": rss,
       "rss_grows": rss[-1] > rss[0] + 64, "loadavg_1min_at_end": float(open("/proc/loadavg").read().split()[0])}
json.dump(res, open(out, "w"), indent=1)
print("CPU per second (utime+stime, resolution %.3f%%): %.3f%% of a core at 1 s intervals, %.3f%% at 0.1 s (under %d pps)"
      % (res["cpu_pct_tick_resolution"], c1, c01, load))
print("CPU per second (schedstat on-CPU ns): %.4f%% of a core at 1 s intervals, %.4f%% at 0.1 s, %.4f%% at 1 s with --sample 10" % (s1, s01, ss))
print("VmRSS over %d s at 0.1 s intervals: start %d KiB, end %d KiB, max %d KiB (%s)"
      % (soak, rss[0], rss[-1], max(rss), "grows" if res["rss_grows"] else "flat"))
PY
