#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# End to end: the UDP packet rate a veth receiver in a namespace sustains
# without livelock-trace, with it (XDP off), with it plus the XDP counter
# (--xdp generic), and both again under --sample N (LT_BENCH_SAMPLE, default
# 10), and an empty XDP_PASS program in generic mode (the kernel's own cost of
# generic XDP, the floor under our counter), and traced with --latency (the
# per-packet latency probes), and under --sample auto (the live view's default
# on a NIC with IRQs; a veth's own is every probe on), in interleaved rounds (LT_BENCH_ROUNDS, default 5;
# LT_BENCH_E2E_CONDITIONS picks some, e.g. "traced traced_latency").  The
# sender is pinned to CPU 0, the reader to CPU 1, so the receive path's CPU is
# the bottleneck and the tracer's cost shows.  Each round sends
# LT_BENCH_E2E_PACKETS (default 1000000, about 4 s: several sampling
# windows) as fast as the sender can.
# Writes build/bench/e2e_veth.json: per condition the rates, and the ratio
# to the mean of the untraced runs before and after it (median, min, max over
# the pairs whose two untraced runs agree within 3%: others were disturbed by
# something else on the machine; all pairs when none agree).
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
rounds=${LT_BENCH_ROUNDS:-5}
packets=${LT_BENCH_E2E_PACKETS:-1000000}
sample=${LT_BENCH_SAMPLE:-10}
out=build/bench/e2e_veth.json
raw=build/bench/e2e_veth.raw
mkdir -p build/bench
. scripts/bench/lib
bench_setup e2e_veth napi
scripts/bench/build-floor build/bench || exit 1

: >"$raw"

# The tracer in the background, ARGS after the interface; returns once it is attached.
trace_bg() {	# ARGS...
	local trdy=$(mktemp -u)
	lt_bg tr ip netns exec "$NS_RX" "$LT_BIN" "$VETH_RX" 1 0 "$@" --ready-file "$trdy" >/dev/null
	lt_wait_file "$trdy" 10
	rm -f "$trdy"
}

one() {	# CONDITION
	local sink=$(mktemp) rdy=$(mktemp -u) tracer=""
	case "$1" in
	traced) trace_bg ;;
	traced_xdp) trace_bg --xdp generic ;;
	xdp_floor) lt_bg tr ip netns exec "$NS_RX" build/bench/floor build/bench/floor.bpf.o fl_ --xdp "$VETH_RX" generic >/dev/null; sleep 1.5 ;;
	traced_latency) trace_bg --latency ;;
	sampled) trace_bg --sample "$sample" ;;
	sampled_xdp) trace_bg --sample "$sample" --xdp generic ;;
	auto) trace_bg --sample auto ;;
	esac
	[ "$1" != baseline ] && tracer=$BG_tr
	lt_bg sk sh -c "ip netns exec $NS_RX taskset -c 1 $LT_TOOLS/udpsink -p 9300 --idle-exit 700 --seconds 60 --rcvbuf 4194304 --json --ready-file $rdy >$sink"
	lt_wait_file "$rdy" 5
	ip netns exec "$NS_TX" taskset -c 0 "$LT_TOOLS/udpsend" -d "$LT_RX_ADDR" -p 9300 -n "$packets" -r 5000000 >/dev/null
	wait "$BG_sk"
	[ -n "$tracer" ] && lt_stop "$tracer" INT
	python3 -c 'import json,sys; s=json.loads(open(sys.argv[1]).read().splitlines()[-1]); print(sys.argv[2], s["received"], s["active_seconds"], s["socket_drops"])' "$sink" "$1" >>"$raw"
	rm -f "$sink" "$rdy"
}

all_conds="traced traced_latency traced_xdp sampled sampled_xdp auto xdp_floor"
chosen=${LT_BENCH_E2E_CONDITIONS:-$all_conds}
for r in $(seq "$rounds"); do
	for c in $chosen; do
		one baseline
		one "$c"
	done
	[ "$r" = "$rounds" ] && one baseline	# the last run's second neighbour
	echo "e2e_veth: round $r/$rounds done" >&2
done

python3 - "$raw" "$out" "$packets" "$rounds" "$sample" <<'PY'
import json, statistics, sys
sys.path.insert(0, "scripts/bench")
import pairs
rows = [l.split() for l in open(sys.argv[1])]
conds = tuple(c for c in ("traced", "traced_latency", "traced_xdp", "sampled", "sampled_xdp", "auto", "xdp_floor")
              if any(r[0] == c for r in rows))
rate = lambda r: int(r[1]) / float(r[2])
seq = [(r[0], rate(r)) for r in rows]
res = {"packets_per_run": int(sys.argv[3]), "rounds": int(sys.argv[4]), "sample": int(sys.argv[5]), "conditions": {},
       "loadavg_1min_at_end": float(open("/proc/loadavg").read().split()[0])}
for cond in ("baseline",) + conds:
    res["conditions"][cond] = {"pps": [round(x) for c, x in seq if c == cond]}
for cond in conds:
    res["conditions"][cond].update(pairs.summary(seq, cond))
json.dump(res, open(sys.argv[2], "w"), indent=1)
b = statistics.median(res["conditions"]["baseline"]["pps"])
print("%-12s %12s %10s %18s %6s" % ("condition", "median pps", "ratio", "ratio min..max", "pairs"))
print("%-12s %12.0f %10s %18s %6s" % ("baseline", b, "1", "-", "-"))
for cond in conds:
    c = res["conditions"][cond]
    print("%-12s %12.0f %10.4f %8.4f..%.4f %3d/%d" % (cond, statistics.median(c["pps"]), c["ratio_median"], c["ratio_min"], c["ratio_max"], c["pairs_kept"], c["pairs"]))
PY
