#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# `forecast` from the command line on recorded fixtures with known costs:
# the curve, the summary, a run cut short, the plot, bad input.  No root needed.
. "$(dirname "$0")/../lib.sh"

REC=$LT_ROOT/tests/fixtures/records

# The fixture's application reads on other CPUs than the interrupt work at
# 100 us a datagram (20 us a wakeup): its capacity is 1/100 us, 10,000 pps,
# delivered in full below it whatever the wakeup cost.
test_curve_from_known_costs() {
	local out=$(mktemp)
	"$LT_BIN" forecast "$REC/forecast-light.jsonl" --rate 1000:20000:1000 --json >"$out" ||
		{ lt_fail "exit $?"; return; }
	python3 - "$out" <<'PY' || lt_fail "see the assertion above"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
pts, s = rows[:-1], rows[-1]
assert len(pts) == 20 and s["summary"] is True, (len(pts), s)
assert abs(s["capacity_pps"] - 10000) <= 0.01 * 10000, s["capacity_pps"]
assert 0.9 * 10000 <= s["mlfrr_pps"] <= 10000, s["mlfrr_pps"]
assert s["livelock_pps"] is None, s["livelock_pps"]
assert s["costs_from"] == "summary" and s["costs"]["app_dgram_us"] == 100
assert abs(s["recorded_lambda_pps"] - 2000) < 1e-6, s["recorded_lambda_pps"]	# steady intervals only
by = {round(p["lambda_pps"]): p for p in pts}
assert abs(by[5000]["forecast_pps"] - 5000) <= 0.001 * 5000, by[5000]
assert abs(by[20000]["forecast_pps"] - 10000) <= 0.01 * 10000, by[20000]
assert by[20000]["limit"] == "application" and by[5000]["limit"] == "offered"
# the batching law: more packets per interrupt at a higher load
assert by[20000]["batch"] > by[5000]["batch"] > by[1000]["batch"] >= 1
PY
	rm -f "$out"
}

test_table_plot_and_measured() {
	local out=$(mktemp) svg=$(mktemp --suffix=.svg)
	"$LT_BIN" forecast "$REC/forecast-light.jsonl" --plot "$svg" --measured "$REC/forecast-cut.jsonl" >"$out" ||
		{ lt_fail "exit $?"; return; }
	lt_assert_eq "$(grep -c '^Capacity: 10000 pps' "$out")" 1 "capacity line" &&
	lt_assert_eq "$(grep -c '^measured .*forecast-cut.jsonl: 2000 pps offered, 2000 delivered; forecast 2000' "$out")" 1 "measured line" &&
	lt_assert_eq "$(grep -c -e '<polyline' -e '<path' "$svg")" 1 "one forecast curve" &&
	lt_assert_eq "$(grep -ci 'nan' "$svg")" 0 "no nan in the SVG" &&
	lt_assert_ge "$(grep -c '<circle' "$svg")" 2 "the recorded and the measured points"
	rm -f "$out" "$svg"
}

# A run cut short has no summary: the median of its intervals' costs.
test_cut_short_uses_median() {
	local out=$(mktemp)
	"$LT_BIN" forecast "$REC/forecast-cut.jsonl" --rate 30000 --json >"$out" || { lt_fail "exit $?"; return; }
	lt_assert_eq "$(lt_json "$out" costs_from)" "intervals (median)" "costs from" &&
	lt_assert_eq "$(lt_json "$out" costs.app_dgram_us)" 100 "median 1/mu marginal"
	rm -f "$out"
}

test_bad_input() {
	local err=$(mktemp) rc
	for f in /nonexistent.jsonl /dev/zero "$REC/foreign.jsonl" "$REC/usecs0.jsonl"; do
		"$LT_BIN" forecast "$f" >/dev/null 2>"$err"; rc=$?
		lt_assert_eq "$rc" 1 "exit code for $f" || return
		lt_assert_eq "$(wc -l <"$err")" 1 "stderr lines for $f" || return
	done
	lt_assert_usage_error "forecast" &&
	lt_assert_usage_error "forecast $REC/forecast-light.jsonl --rate 0:10:1" &&
	lt_assert_usage_error "forecast $REC/forecast-light.jsonl --rate abc" &&
	lt_assert_usage_error "forecast $REC/forecast-light.jsonl --bogus"
	"$LT_BIN" forecast --help | grep -q '^usage: livelock-trace forecast' || lt_fail "--help"
	rm -f "$err"
}

lt_run_tests
