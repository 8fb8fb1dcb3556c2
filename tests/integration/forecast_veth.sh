#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The forecast, out of sample, on veth pairs in namespaces of our own: a slow
# reader recorded at light loads; its forecast capacity is then checked
# against what it sustains when offered twice that.  The reader is pinned to
# CPU 1 and the sender (whose context runs the veth's NET_RX) to CPU 0.
# LT_FORECAST_DELAY_US sets the reader's work per datagram (default 120);
# LT_FORECAST_KEEP=DIR keeps the records and a plot of the forecast.
LT_NEEDS_ROOT=1
. "$(dirname "$0")/../lib.sh"

PORT=9200
DELAY_US=${LT_FORECAST_DELAY_US:-120}	# the reader's busy work per datagram

# One run: RATE pps for SECONDS into a reader pinned to CPU 1, traced for
# SECONDS+2 intervals and recorded in FILE.
run_at() {	# RATE SECONDS FILE
	local rate=$1 secs=$2 rec=$3 rdy sink n=$(( $1 * $2 ))
	rdy=$(mktemp -u)
	sink=$(mktemp)
	lt_bg sink sh -c "ip netns exec $NS_RX taskset -c 1 $LT_TOOLS/udpsink -p $PORT --delay-us $DELAY_US --rcvbuf 65536 --seconds $((secs + 4)) --json --ready-file $rdy > $sink"
	lt_wait_file "$rdy" || { lt_fail "udpsink did not start"; return 1; }
	lt_bg trace ip netns exec "$NS_RX" "$LT_BIN" "$VETH_RX" 1 $((secs + 2)) --json --record "$rec" >/dev/null
	# the record's header and a first idle interval: the load begins with the second
	lt_wait_lines "$rec" 2 || { lt_fail "livelock-trace recorded no interval"; return 1; }
	ip netns exec "$NS_TX" taskset -c 0 "$LT_TOOLS/udpsend" -d "$LT_RX_ADDR" -p $PORT -n $n -r "$rate" >/dev/null
	wait "$BG_trace"
	lt_stop "$BG_sink"
	rm -f "$sink"
}

test_light_load_forecast_of_slow_reader() {
	lt_need_traffic || return
	[ "$(nproc)" -ge 2 ] || { lt_skip "needs 2 CPUs"; return; }
	lt_netns_pair || { lt_fail "setup"; return; }
	local dir=$(mktemp -d) peak=$((1000000 / DELAY_US)) cap rate
	# light loads: about 10%, 25% and 50% of the reader's peak.  The host is
	# shared: when the three forecasts disagree, their costs are logged and the
	# series is recorded once more, and the second series is the one judged.
	local try spread
	for try in 1 2; do
		for pct in 10 25 50; do
			run_at $((peak * pct / 100)) 4 "$dir/light$pct.jsonl" || return
			"$LT_BIN" forecast "$dir/light$pct.jsonl" --json >"$dir/f$pct.json" || { lt_fail "forecast exit $?"; return; }
		done
		spread=$(python3 - "$dir" <<'PY'
import json, os, sys
fc = [json.loads(open(os.path.join(sys.argv[1], "f%d.json" % p)).read().strip().splitlines()[-1]) for p in (10, 25, 50)]
caps = [f["capacity_pps"] or 0 for f in fc]
if max(caps) > 1.10 * min(caps):
    print("; ".join("%d%%: capacity %.0f pps, costs %s" % (p, c, json.dumps(f.get("costs"), sort_keys=True))
                    for p, c, f in zip((10, 25, 50), caps, fc)))
PY
)
		[ -z "$spread" ] && break
		echo "    light-load forecasts disagree (try $try): $spread" >&2
	done
	"$LT_BIN" forecast "$dir/light25.jsonl" --json >"$dir/f25.json" || { lt_fail "forecast exit $?"; return; }
	cap=$(lt_json "$dir/f25.json" capacity_pps)
	rate=$(awk -v c="$cap" 'BEGIN{printf "%d", 2 * c}')
	run_at "$rate" 5 "$dir/heavy.jsonl" || return
	local rc
	python3 - "$dir" "$DELAY_US" <<'PY'
import json, os, sys
d, delay = sys.argv[1], float(sys.argv[2])
def last(p):
    return json.loads(open(os.path.join(d, p)).read().strip().splitlines()[-1])
fc = {p: last("f%d.json" % p) for p in (10, 25, 50)}
rows = [json.loads(l) for l in open(os.path.join(d, "heavy.jsonl")) if l.strip()][1:]
ivals = [r for r in rows if not r.get("summary")]
busy = [r for r in ivals if r["state"] != "idle"]
steady = busy[1:-1]
assert len(steady) >= 3, "only %d steady overload intervals" % len(steady)
sustained = sum(r["observed_pps"] for r in steady) / len(steady)
# the share of each second the reader spent on its datagrams (its read-to-read spans):
# what it got of its CPU, whatever the slice accounting says
cpu = sum(r["raw"]["app_gap_ns_total"] / 1e9 / r["interval_s"] for r in steady) / len(steady)
caps = [fc[p]["capacity_pps"] for p in (10, 25, 50)]
print("    forecast capacity from 10/25/50%%: %s pps; sustained at %.0f pps offered: %.0f pps; reader on CPU %.0f%%"
      % (", ".join("%.0f" % c for c in caps), steady[0]["lambda_pps"], sustained, 100 * cpu), file=sys.stderr)
for r in steady:
    assert r["lambda_pps"] > 1.5 * sustained, "not overloaded: lambda %.0f" % r["lambda_pps"]
# the forecast from every light load agrees with the others (within 10%)
assert max(caps) <= 1.10 * min(caps), "forecasts disagree: %s" % caps
# the costs are measured, not assumed: the reader's marginal cost is its busy work and a receive call
c = fc[25]["costs"]
assert delay <= c["app_dgram_us"] <= 1.5 * delay, "1/mu marginal %.1f us for %.0f us of work" % (c["app_dgram_us"], delay)
assert c["app_wakeup_us"] is not None and c["app_wakeup_us"] >= 0, c
# other processes on the reader's CPU are outside the model: with less than
# 90% of its CPU in the overload there is no verdict
if cpu < 0.9:
    open(os.path.join(d, "skip"), "w").write("other processes took the reader's CPU in the overload (it got %.0f%%): no verdict" % (100 * cpu))
    sys.exit(3)
assert abs(fc[25]["capacity_pps"] - sustained) <= 0.10 * sustained, \
    "forecast %.0f vs sustained %.0f" % (fc[25]["capacity_pps"], sustained)
PY
	rc=$?
	if [ -n "${LT_FORECAST_KEEP:-}" ]; then	# the records and a plot, for the README
		mkdir -p "$LT_FORECAST_KEEP" && cp "$dir"/*.jsonl "$LT_FORECAST_KEEP"/ &&
		"$LT_BIN" forecast "$dir/light25.jsonl" --plot "$LT_FORECAST_KEEP/veth-delay$DELAY_US.svg" \
			--measured "$dir/light10.jsonl" "$dir/light50.jsonl" "$dir/heavy.jsonl" >/dev/null
	fi
	case $rc in
	0) ;;
	3) lt_skip "$(cat "$dir/skip")" ;;
	*) lt_fail "see the assertion above" ;;
	esac
	rm -rf "$dir"
}

lt_run_tests
