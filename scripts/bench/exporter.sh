#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# What `livelock-trace exporter` costs and what its default sampling trades,
# scraped once a second as Prometheus would:
#  1. end to end, the worst case of e2e_veth.sh (NAPI veth, every packet its
#     own softirq, sender flat out on CPU 0, reader on CPU 1): the receive
#     rate without the exporter, with it (its default: --sample auto every
#     5 s) and with
#     --full, in interleaved rounds (LT_BENCH_ROUNDS, default 3) of
#     LT_BENCH_E2E_PACKETS (default 5000000: several 5 s intervals) packets;
#  2. steady traffic (LT_BENCH_EXP_PPS, default 20000, for LT_BENCH_EXP_S,
#     default 30 s) under each mode: the exporter's CPU (schedstat) and
#     memory, a scrape's size and time, and the accuracy of its counters
#     (packets into the stack, delivered) against what was sent and read,
#     and of the offered-load gauge against the sender's rate (the intervals
#     wholly inside the traffic);
#  3. a soak of SOAK_S seconds (default 600) of the default mode at 1 scrape/s
#     under 5,000 pps: resident memory and open fds every 10 s (SOAK_S=0: none).
# Writes build/bench/exporter.json.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
rounds=${LT_BENCH_ROUNDS:-3}
packets=${LT_BENCH_E2E_PACKETS:-5000000}
pps=${LT_BENCH_EXP_PPS:-20000}
secs=${LT_BENCH_EXP_S:-30}
soak=${SOAK_S:-600}
out=build/bench/exporter.json
raw=build/bench/exporter.raw
port=19747
mkdir -p build/bench
. scripts/bench/lib
bench_setup exporter napi
: >"$raw"

# A scraper like Prometheus: one GET a second; per scrape a JSON line with its
# time, size and the offered-load gauge of our device.
scraper() {	# OUTFILE
	ip netns exec "$NS_RX" python3 - "$port" "$VETH_RX" tests/tools >"$1" <<'PY' &
import json, sys, time
sys.path.insert(0, sys.argv[3])
import httpraw
port, dev = int(sys.argv[1]), sys.argv[2]
key = 'livelock_offered_packets_per_second{device="%s",' % dev
while True:
    t0 = time.monotonic()
    try:
        buf = httpraw.exchange(port, timeout=10)
        lam = None
        for line in buf.decode().splitlines():
            if line.startswith(key):
                lam = float(line.split()[-1])
        print(json.dumps({"t": t0, "ms": 1e3 * (time.monotonic() - t0), "bytes": len(buf), "lambda": lam}), flush=True)
    except OSError:
        pass
    time.sleep(max(0.0, 1 - (time.monotonic() - t0)))
PY
	SCRAPER=$!
}

start_exporter() {	# MODE: default or full
	local extra=""
	[ "$1" = full ] && extra=--full
	lt_bg exp ip netns exec "$NS_RX" "$LT_BIN" exporter --listen 127.0.0.1:$port $extra "$VETH_RX" 2>/dev/null
	for _ in $(seq 100); do
		ip netns exec "$NS_RX" curl -sf -o /dev/null http://127.0.0.1:$port/metrics && return 0
		sleep 0.1
	done
	echo "exporter: the exporter did not start" >&2
	exit 1
}

stop_exporter() {
	[ -n "${SCRAPER:-}" ] && kill "$SCRAPER" 2>/dev/null && wait "$SCRAPER" 2>/dev/null
	SCRAPER=""
	lt_stop "$BG_exp" TERM
}

metric() {	# FILE NAME: our device's series of that counter
	awk -v k="$2{device=\"$VETH_RX\"," 'index($0, k) == 1 { print $2 }' "$1"
}

e2e_run() {	# CONDITION
	local sink=$(mktemp) rdy=$(mktemp -u) scr=$(mktemp)
	case "$1" in
	exporter) start_exporter default; scraper "$scr"; sleep 1.5 ;;
	exporter_full) start_exporter full; scraper "$scr"; sleep 1.5 ;;
	esac
	lt_bg sk sh -c "ip netns exec $NS_RX taskset -c 1 $LT_TOOLS/udpsink -p 9300 --idle-exit 700 --seconds 60 --rcvbuf 4194304 --json --ready-file $rdy >$sink"
	lt_wait_file "$rdy" 5
	ip netns exec "$NS_TX" taskset -c 0 "$LT_TOOLS/udpsend" -d "$LT_RX_ADDR" -p 9300 -n "$packets" -r 5000000 >/dev/null
	wait "$BG_sk"
	[ "$1" != baseline ] && stop_exporter
	python3 -c 'import json,sys; s=json.loads(open(sys.argv[1]).read().splitlines()[-1]); print("e2e", sys.argv[2], s["received"], s["active_seconds"])' "$sink" "$1" >>"$raw"
	rm -f "$sink" "$rdy" "$scr"
}

steady_run() {	# MODE
	local sink=$(mktemp) rdy=$(mktemp -u) scr=$(mktemp) a=$(mktemp) b=$(mktemp) pid s0 s1
	start_exporter "$1"
	pid=$BG_exp
	scraper "$scr"
	# the first interval (the default 5 s, its window at a random place) read: every device series is there
	for _ in $(seq 40); do
		sleep 0.5
		ip netns exec "$NS_RX" curl -sf http://127.0.0.1:$port/metrics >"$a"
		[ -n "$(metric "$a" livelock_device_rx_packets_total)" ] && break
	done
	s0=$(awk '{ print $1 }' /proc/"$pid"/schedstat)
	lt_bg sk sh -c "ip netns exec $NS_RX $LT_TOOLS/udpsink -p 9301 --seconds $((secs + 5)) --json --ready-file $rdy >$sink"
	lt_wait_file "$rdy" 5
	ip netns exec "$NS_TX" "$LT_TOOLS/udpsend" -d "$LT_RX_ADDR" -p 9301 -n $((pps * secs)) -r "$pps" >/dev/null
	s1=$(awk '{ print $1 }' /proc/"$pid"/schedstat)
	sleep 5.5	# an interval (the default 5 s) after the last packet
	ip netns exec "$NS_RX" curl -sf http://127.0.0.1:$port/metrics >"$b"
	wait "$BG_sk"
	echo "steady $1 $(( (s1 - s0) )) $(awk '/^VmRSS:/ { print $2 }' /proc/"$pid"/status)" \
		"$(metric "$b" livelock_stack_packets_total) $(metric "$a" livelock_stack_packets_total)" \
		"$(metric "$b" livelock_delivered_packets_total) $(metric "$a" livelock_delivered_packets_total)" \
		"$(metric "$b" livelock_device_rx_packets_total) $(metric "$a" livelock_device_rx_packets_total)" \
		"$(python3 -c 'import json,sys; s=json.loads(open(sys.argv[1]).read().splitlines()[-1]); print(s["received"] + s["queued"])' "$sink")" \
		"$scr" >>"$raw"
	stop_exporter
	rm -f "$sink" "$rdy" "$a" "$b"
}

soak_run() {
	local scr=$(mktemp) pid t=0
	start_exporter default
	pid=$BG_exp
	scraper "$scr"
	lt_bg soaktx ip netns exec "$NS_TX" "$LT_TOOLS/udpsend" -d "$LT_RX_ADDR" -p 9302 -n $((5000 * soak)) -r 5000 \
		--max-seconds $((soak + 60))
	while [ $t -le "$soak" ]; do
		echo "soak $t $(awk '/^VmRSS:/ { print $2 }' /proc/"$pid"/status) $(ls /proc/"$pid"/fd | wc -l) $(grep -c . "$scr")" >>"$raw"
		sleep 10
		t=$((t + 10))
	done
	lt_stop "$BG_soaktx"
	stop_exporter
	rm -f "$scr"
}

for r in $(seq "$rounds"); do
	for c in baseline exporter baseline exporter_full; do
		e2e_run $c
	done
	[ "$r" = "$rounds" ] && e2e_run baseline
	echo "exporter: end-to-end round $r/$rounds done" >&2
done
steady_run default
steady_run full
[ "$soak" -gt 0 ] && soak_run

python3 - "$raw" "$out" "$packets" "$rounds" "$pps" "$secs" <<'PY'
import json, os, statistics, sys
sys.path.insert(0, "scripts/bench")
import pairs
raw, out, packets, rounds, pps, secs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
rows = [l.split() for l in open(raw)]
seq = [(r[1], int(r[2]) / float(r[3])) for r in rows if r[0] == "e2e"]
res = {"e2e": {"packets_per_run": packets, "rounds": rounds, "scrapes_per_s": 1, "conditions": {}},
       "steady": {"pps": pps, "seconds": secs, "sent": pps * secs, "modes": {}},
       "loadavg_1min_at_end": float(open("/proc/loadavg").read().split()[0])}
for c in ("baseline", "exporter", "exporter_full"):
    res["e2e"]["conditions"][c] = {"pps": [round(x) for k, x in seq if k == c]}
for c in ("exporter", "exporter_full"):
    res["e2e"]["conditions"][c].update(pairs.summary(seq, c))
for r in (r for r in rows if r[0] == "steady"):
    mode, cpu_ns, rss_kib = r[1], int(r[2]), int(r[3])
    stack, deliv, dev = float(r[4]) - float(r[5]), float(r[6]) - float(r[7]), float(r[8]) - float(r[9])
    app, scrapes = int(r[10]), [json.loads(l) for l in open(r[11]) if l.strip()]
    os.unlink(r[11])
    busy = [s["lambda"] for s in scrapes if s["lambda"] and s["lambda"] > pps / 2]
    busy = busy[1:-1]	# the first and last intervals with traffic hold its start and end
    lam_err = sorted(abs(x - pps) / pps * 100 for x in busy)
    res["steady"]["modes"][mode] = {
        "cpu_pct_of_a_core": round(cpu_ns / 1e9 / secs * 100, 3), "rss_kib": rss_kib,
        "scrape_bytes": statistics.median(s["bytes"] for s in scrapes),
        "scrape_ms_median": round(statistics.median(s["ms"] for s in scrapes), 2),
        "scrape_ms_max": round(max(s["ms"] for s in scrapes), 2),
        "stack_packets_err_pct": round((stack - pps * secs) / (pps * secs) * 100, 2),
        "delivered_err_pct": round((deliv - app) / app * 100, 2),
        "device_rx_err_pct": round((dev - pps * secs) / (pps * secs) * 100, 2),
        "lambda_gauge_err_pct_median": round(statistics.median(lam_err), 2) if lam_err else None,
        "lambda_gauge_err_pct_max": round(max(lam_err), 2) if lam_err else None,
        "busy_scrapes": len(busy)}
soak = [list(map(int, r[1:])) for r in rows if r[0] == "soak"]
if soak:
    rss = [x[1] for x in soak]
    res["soak"] = {"seconds": soak[-1][0], "pps": 5000, "scrapes": soak[-1][3],
                   "rss_kib_start": rss[0], "rss_kib_end": rss[-1], "rss_kib_max": max(rss),
                   "fds_start": soak[0][2], "fds_end": soak[-1][2], "fds_max": max(x[2] for x in soak)}
json.dump(res, open(out, "w"), indent=1)
e = res["e2e"]["conditions"]
print("end to end (NAPI veth, flat out, 1 scrape/s): untraced %.0f pps" % statistics.median(e["baseline"]["pps"]))
for c in ("exporter", "exporter_full"):
    print("  %-14s ratio %.4f (%.4f..%.4f, %d/%d pairs kept)" % (c, e[c]["ratio_median"], e[c]["ratio_min"], e[c]["ratio_max"], e[c]["pairs_kept"], e[c]["pairs"]))
print("steady %d pps for %d s, 1 scrape/s:" % (pps, secs))
print("  %-8s %9s %8s %8s %9s %10s %10s %9s %12s" % ("mode", "cpu%core", "rss_KiB", "scrape_B", "scrape_ms", "stack_err%", "deliv_err%", "dev_err%", "lambda_err%"))
for m, v in res["steady"]["modes"].items():
    print("  %-8s %9.3f %8d %8d %9.2f %10.2f %10.2f %9.2f %5s/%-5s" % (m, v["cpu_pct_of_a_core"], v["rss_kib"], v["scrape_bytes"], v["scrape_ms_median"], v["stack_packets_err_pct"], v["delivered_err_pct"], v["device_rx_err_pct"], v["lambda_gauge_err_pct_median"], v["lambda_gauge_err_pct_max"]))
if soak:
    k = res["soak"]
    print("soak %d s, %d scrapes: RSS %d -> %d KiB (max %d), fds %d -> %d (max %d)" % (k["seconds"], k["scrapes"], k["rss_kib_start"], k["rss_kib_end"], k["rss_kib_max"], k["fds_start"], k["fds_end"], k["fds_max"]))
PY
