#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# What --sample N costs in accuracy.  On a veth pair in namespaces of our
# own, two livelock-trace runs watch the same traffic at once: one with every
# program attached, one with --sample N (LT_BENCH_SAMPLE, default 10; auto,
# the default on a NIC with IRQs, is what matters above 40 kpps).  Each
# is judged against the truth: lambda against the sender's rate, observed
# against the application's own count, and the prediction against observed.
# Scenarios (LT_BENCH_SA_SECONDS each, default 12):
#   overload  12,000 packets/s, constant, to a reader that spends 150 us a packet
#   light     20,000 packets/s, constant, to a reader that keeps up
#   bursty    20,000 packets/s in bursts of 64 on average at exponential gaps
#   flood     150,000 packets/s, constant, to a reader that keeps up
#   flood-slow 150,000 packets/s, constant, to a reader that spends 20 us a packet
# LT_BENCH_SA_SCENARIOS picks some (default "overload light bursty"; under
# auto the floods want LT_BENCH_SA_SECONDS=30: a window every 5 s).
# Per scenario and run: the median and worst per-interval |error| of lambda
# and observed over the steady intervals (first and last with traffic left
# out), the median |predicted - observed| and 1/mu.
# Writes build/bench/sample_accuracy.json.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
n_sample=${LT_BENCH_SAMPLE:-10}
secs=${LT_BENCH_SA_SECONDS:-12}
out=build/bench/sample_accuracy.json
work=build/bench/sample_accuracy.d
mkdir -p build/bench
rm -rf "$work" && mkdir -p "$work"
. scripts/bench/lib
bench_setup sample_accuracy

scenario() {	# NAME RATE DELAY_US SEND_ARGS...
	local name=$1 rate=$2 delay=$3 rdy=$work/ready.$1
	shift 3
	local n=$((rate * (secs - 3)))
	lt_bg full ip netns exec "$NS_RX" "$LT_BIN" "$VETH_RX" 1 "$secs" --json >"$work/$name.full"
	lt_bg samp ip netns exec "$NS_RX" "$LT_BIN" "$VETH_RX" 1 "$secs" --json --sample "$n_sample" >"$work/$name.sampled"
	sleep 1.2
	lt_bg sink sh -c "ip netns exec $NS_RX $LT_TOOLS/udpsink -p 9400 --delay-us $delay --rcvbuf 65536 --seconds $((secs + 2)) --idle-exit 1500 --json --ready-file $rdy > $work/$name.sink"
	lt_wait_file "$rdy" 5
	ip netns exec "$NS_TX" "$LT_TOOLS/udpsend" -d "$LT_RX_ADDR" -p 9400 -n "$n" -r "$rate" --json "$@" >"$work/$name.send"
	wait "$BG_sink" "$BG_full" "$BG_samp"
	echo "sample_accuracy: $name done" >&2
}

scenarios=${LT_BENCH_SA_SCENARIOS:-"overload light bursty"}
for sc in $scenarios; do
	case "$sc" in
	overload) scenario overload 12000 150 ;;
	light) scenario light 20000 0 ;;
	bursty) scenario bursty 20000 0 --arrivals bursty --burst 64 ;;
	flood) scenario flood 150000 0 ;;
	flood-slow) scenario flood-slow 150000 20 ;;
	*) echo "sample_accuracy: unknown scenario '$sc'" >&2; exit 2 ;;
	esac
done

python3 - "$work" "$out" "$n_sample" $scenarios <<'PY'
import json, statistics, sys
work, out, n = sys.argv[1], sys.argv[2], sys.argv[3]
def last(p): return json.loads(open(p).read().strip().splitlines()[-1])
res = {"sample": n, "scenarios": {}}
print("%-9s %-8s %12s %12s %12s %9s" % ("scenario", "run", "lambda err%", "observed err%", "|pred-obs|%", "1/mu us"))
print("%-9s %-8s %12s %12s %12s %9s" % ("", "", "med / worst", "med / worst", "median", "median"))
for sc in sys.argv[4:]:
    send, sink = last("%s/%s.send" % (work, sc)), last("%s/%s.sink" % (work, sc))
    sent_pps = send["sent"] / send["seconds"]
    app_pps = (sink["received"] + sink.get("queued", 0)) / sink["active_seconds"]
    res["scenarios"][sc] = {"sent_pps": round(sent_pps), "application_pps": round(app_pps)}
    for run in ("full", "sampled"):
        rows = [json.loads(l) for l in open("%s/%s.%s" % (work, sc, run)) if l.strip()]
        iv = [r for r in rows if not r.get("summary")]
        busy = [i for i, r in enumerate(iv) if r["state"] != "idle"]
        st = iv[busy[0] + 1:busy[-1]] if len(busy) >= 3 else []
        if not st:
            res["scenarios"][sc][run] = None
            continue
        le = [abs(r["lambda_pps"] / sent_pps - 1) * 100 for r in st]
        oe = [abs(r["observed_pps"] / app_pps - 1) * 100 for r in st]
        pe = [abs(r["error_pct"]) for r in st if r["error_pct"] is not None]
        med = lambda xs: round(statistics.median(xs), 2) if xs else None
        d = {"intervals": len(st), "lambda_err_pct_median": med(le), "lambda_err_pct_worst": round(max(le), 2),
             "observed_err_pct_median": med(oe), "observed_err_pct_worst": round(max(oe), 2),
             "pred_err_pct_median": med(pe),
             "proto_us_median": med([r["proto_us"] for r in st if r["proto_us"] is not None])}
        res["scenarios"][sc][run] = d
        f = lambda x: "-" if x is None else "%.1f" % x
        print("%-9s %-8s %5s / %-5s %5s / %-5s %12s %9s" % (sc, run if run == "full" else ("1/" + n if n != "auto" else "auto"),
              f(d["lambda_err_pct_median"]), f(d["lambda_err_pct_worst"]), f(d["observed_err_pct_median"]),
              f(d["observed_err_pct_worst"]), f(d["pred_err_pct_median"]), f(d["proto_us_median"])))
json.dump(res, open(out, "w"), indent=1)
PY
