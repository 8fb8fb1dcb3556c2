#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# `model` and `simulate` from the command line: values, formats, plot, bad input.
. "$(dirname "$0")/../lib.sh"

test_model_json_figure4() {
	local out=$(mktemp)
	"$LT_BIN" model --rate 10000 --json >"$out" || { lt_fail "model --json failed"; return; }
	lt_assert_eq "$(lt_json "$out" nodma_pps 1)" 2142.86 "no-DMA throughput at 10 kpps" &&
	lt_assert_eq "$(lt_json "$out" dma_pps 1)" 4761.9 "DMA throughput at 10 kpps" &&
	lt_assert_eq "$(lt_json "$out" ideal_pps 1)" 6666.67 "ideal throughput at 10 kpps" &&
	lt_assert_eq "$(lt_json "$out" livelock_pps)" 18181.82 "livelock point" &&
	lt_assert_eq "$(lt_json "$out" summary)" True "summary object last"
	rm -f "$out"
}

test_model_csv_rows() {
	local rows
	rows=$("$LT_BIN" model --csv --rate 1000:20000:1000 --dma off | wc -l)
	lt_assert_eq "$rows" 21 "CSV lines (header + 20 rates)" || return
	lt_assert_eq "$("$LT_BIN" model --csv --rate 5000 --dma off | head -1)" \
		"lambda_pps,ideal_pps,nodma_pps,p00_nodma" "CSV header without the DMA columns"
}

test_model_plot_svg() {
	local svg=$(mktemp --suffix=.svg)
	"$LT_BIN" model --proto-us 100 --plot "$svg" >/dev/null || { lt_fail "model --plot failed"; return; }
	python3 - "$svg" <<'PY' || lt_fail "SVG is not the expected figure"
import sys, xml.etree.ElementTree as ET
ns = {"s": "http://www.w3.org/2000/svg"}
root = ET.parse(sys.argv[1]).getroot()
series = [g.get("data-name") for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "series"]
markers = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "marker"]
text = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
assert series == ["ideal (M/M/1/B)", "NIC without DMA", "NIC with DMA"], series
assert len(markers) == 3, len(markers)
assert "livelock 18182 pps" in text and "(pps)" in text, text
PY
	rm -f "$svg"
}

test_model_bad_input() {
	local bad err rc
	for bad in "--isr-us -1" "--proto-us 0" "--proto-us nan" "--buffer 0" "--rate 3000:1000:10" \
		   "--rate 1000:3000:0" "--copy-us abc" "--dma maybe" "--nonsense"; do
		err=$("$LT_BIN" model $bad 2>&1 >/dev/null); rc=$?
		lt_assert_eq "$rc" 2 "exit code for '$bad'" || return
		lt_assert_eq "$(printf '%s\n' "$err" | wc -l)" 1 "stderr lines for '$bad'" || return
	done
}

# Parameters at the edges of what is accepted: an answer in bounded time,
# and no nan or inf anywhere (these hung, or printed an MLFRR of nan).
test_model_extreme_parameters() {
	local args out rc
	for args in "--isr-dma-us 1e-10 --proto-us 1e-10 --dma on --rate 1000" \
		    "--isr-us 1e-12 --copy-us 1e-12 --proto-us 1e-12 --dma off" \
		    "--copy-us 1e-300" "--isr-us 1e6 --copy-us 1e-300 --proto-us 1e-300 --buffer 1" \
		    "--isr-us 0 --copy-us 0 --isr-dma-us 0"; do
		for fmt in "" --json --csv; do
			out=$(timeout 20 "$LT_BIN" model $args $fmt 2>&1); rc=$?
			lt_assert_eq "$rc" 0 "exit code of 'model $args $fmt'" || return
			case "$out" in *nan*|*inf*|*NaN*|*Inf*) lt_fail "'model $args $fmt' printed nan/inf: $(echo "$out" | grep -i -m1 'nan\|inf')"; return ;; esac
			[ "$fmt" ] || lt_assert_ge "$(grep -c "^MLFRR" <<<"$out")" 1 "MLFRR lines of 'model $args'" || return
		done
	done
	out=$("$LT_BIN" model --isr-us 0 --copy-us 0 --isr-dma-us 0)
	lt_assert_eq "$(grep -c '^MLFRR.*none (ISR' <<<"$out")" 2 "one line saying why there is no MLFRR, per NIC" &&
	lt_assert_usage_error "model --copy-us 1e-301" &&
	lt_assert_usage_error "model --proto-us 0"
}

test_simulate_matches_analysis() {
	local out=$(mktemp)
	"$LT_BIN" simulate --rate 10000 --packets 1000000 --json >"$out" || { lt_fail "simulate failed"; return; }
	python3 - "$out" <<'PY' || lt_fail "simulation and analysis disagree"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert [r["model"] for r in rows] == ["ideal", "nodma", "dma"], rows
for r in rows:
    tol = max(r["ci_pps"], 0.02 * r["analysis_pps"])
    assert abs(r["throughput_pps"] - r["analysis_pps"]) <= tol, r
    assert r["arrivals"] == r["delivered"] + r["dropped"] + r["in_system"], r
PY
	rm -f "$out"
}

test_simulate_seed_reproducible() {
	local a b c
	a=$("$LT_BIN" simulate --rate 8000 --packets 100000 --seed 9 --json)
	b=$("$LT_BIN" simulate --rate 8000 --packets 100000 --seed 9 --json)
	c=$("$LT_BIN" simulate --rate 8000 --packets 100000 --seed 10 --json)
	lt_assert_eq "$a" "$b" "same seed, same output" || return
	[ "$a" != "$c" ] || lt_fail "another seed gave the same output"
}

# 1,000 packets at 1e9 pps are one microsecond: no delivery can happen in it.
test_simulate_too_few_packets() {
	local out=$(mktemp)
	"$LT_BIN" simulate --rate 1e9 --packets 1000 --dma off >"$out" || { lt_fail "exit $?"; return; }
	lt_assert_eq "$(grep -c '^ *1000000000 ideal .* too few packets for the rate (try --seconds' "$out")" 1 "table flag" || return
	"$LT_BIN" simulate --rate 1e9 --packets 1000 --dma off --json >"$out" || { lt_fail "exit $?"; return; }
	lt_assert_eq "$(lt_json "$out" too_few_packets 1) $(lt_json "$out" throughput_pps 1)" "True 0.0" "JSON flag on the empty transient" &&
	"$LT_BIN" simulate --rate 10000 --packets 100000 --json >"$out" &&
	lt_assert_eq "$(grep -c '"too_few_packets":true' "$out")" 0 "no flag on a run long enough"
	rm -f "$out"
}

# Ctrl-C: the rows done, the current one as far as it got, exit 130.
test_simulate_sigint_partial() {
	local out=$(mktemp) err=$(mktemp) pid rc i
	"$LT_BIN" simulate --rate 1000:3000:1000 --seconds 50000 --dma off --json >"$out" 2>"$err" &
	pid=$!
	for i in $(seq 600); do [ -s "$out" ] && break; sleep 0.1; done	# the first row is out
	kill -INT "$pid"
	wait "$pid"; rc=$?
	lt_assert_eq "$rc" 130 "exit code after SIGINT" &&
	python3 - "$out" <<'PY' || lt_fail "rows after SIGINT: $(cat "$out")"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert 2 <= len(rows) < 6, len(rows)
assert all(not r["partial"] for r in rows[:-1]) and rows[-1]["partial"], rows
assert rows[-1]["sim_seconds"] < 0.9 * 50000, rows[-1]
PY
	lt_assert_eq "$(wc -l <"$err")" 1 "one line on stderr (no progress off a terminal)" &&
	lt_assert_eq "$(grep -c 'stopped by Interrupt: [1-5] of 6 rows done, and the current one as far as it got (partial)' "$err")" 1 "says what was printed"
	rm -f "$out" "$err"
}

# On a terminal a run over 2 s shows its progress on stderr.
test_simulate_progress_on_tty() {
	local out=$(mktemp) rc
	command -v script >/dev/null || { lt_skip "no script(1) for a terminal"; return; }
	script -qfec "timeout -s INT --preserve-status 4 $LT_BIN simulate --rate 1000 --seconds 1000000 --dma off" /dev/null >"$out"; rc=$?
	lt_assert_eq "$rc" 130 "exit code" &&
	lt_assert_ge "$(tr '\r' '\n' <"$out" | grep -c '^simulating row 1/2 (ideal at 1000 pps): .*% of the run, about [0-9]* s left')" 1 "progress lines" &&
	lt_assert_eq "$(tr '\r' '\n' <"$out" | grep -c 'ideal .*partial: stopped after')" 1 "the partial row"
	rm -f "$out"
}

test_simulate_bad_input() {
	local bad err rc
	for bad in "--packets 5" "--service weibull" "--arrivals x" "--burst 0" "--seconds -1" "--seed x"; do
		err=$("$LT_BIN" simulate $bad 2>&1 >/dev/null); rc=$?
		lt_assert_eq "$rc" 2 "exit code for '$bad'" || return
		lt_assert_eq "$(printf '%s\n' "$err" | wc -l)" 1 "stderr lines for '$bad'" || return
	done
}

lt_run_tests
