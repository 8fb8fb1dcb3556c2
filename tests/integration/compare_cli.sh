#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# `compare` from the command line on the recorded fixtures: table, verdict,
# JSON, plot, bad files.  No root needed.
. "$(dirname "$0")/../lib.sh"

REC=$LT_ROOT/tests/fixtures/records

test_table_and_verdict() {
	local out=$(mktemp)
	"$LT_BIN" compare "$REC/usecs0.jsonl" "$REC/usecs64.jsonl" >"$out" || { lt_fail "exit $?"; return; }
	lt_assert_eq "$(grep -c '^rx-usecs / rx-frames *0 / 0 *64 / 0' "$out")" 1 "settings row" &&
	lt_assert_eq "$(grep '^observed ' "$out" | grep -c 'better')" 1 "observed: B better" &&
	lt_assert_eq "$(grep '^interrupts/packet ' "$out" | grep -c 'better')" 1 "interrupts per packet: B better" &&
	lt_assert_eq "$(grep -c '^verdict: B (.*usecs64.jsonl) is best: +7.4% delivered' "$out")" 1 "verdict line"
	rm -f "$out"
}

test_json_and_plot() {
	local out=$(mktemp) svg=$(mktemp --suffix=.svg)
	"$LT_BIN" compare --json --plot "$svg" "$REC/usecs64.jsonl" "$REC/usecs0.jsonl" >"$out" ||
		{ lt_fail "exit $?"; return; }
	lt_assert_eq "$(lt_json "$out" best)" 0 "best run (the first here)" &&
	lt_assert_eq "$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["runs"][1]; print(r["metrics"]["observed"]["verdict"])' "$out")" worse "second run's observed verdict" &&
	lt_assert_eq "$(grep -c '<path' "$svg")" 2 "two predicted curves in the SVG"
	rm -f "$out" "$svg"
}

test_bad_input() {
	local err=$(mktemp) rc
	"$LT_BIN" compare "$REC/usecs0.jsonl" "$REC/foreign.jsonl" >/dev/null 2>"$err"; rc=$?
	lt_assert_eq "$rc" 1 "foreign file: exit code" &&
	lt_assert_eq "$(wc -l <"$err")" 1 "foreign file: one line" &&
	lt_assert_eq "$(grep -c 'not a livelock-trace --record file' "$err")" 1 "foreign file: says why" || return
	"$LT_BIN" compare >/dev/null 2>"$err"; rc=$?
	lt_assert_eq "$rc" 2 "no file: usage exit code" || return
	"$LT_BIN" compare "$REC/usecs0.jsonl" "$REC/usecs0.jsonl" "$REC/usecs0.jsonl" "$REC/usecs0.jsonl" \
		"$REC/usecs0.jsonl" "$REC/usecs0.jsonl" "$REC/usecs0.jsonl" "$REC/usecs0.jsonl" "$REC/usecs0.jsonl" \
		>/dev/null 2>"$err"; rc=$?
	lt_assert_eq "$rc" 2 "nine files: usage exit code" || return
	"$LT_BIN" compare "$REC/usecs0.jsonl" "$REC/truncated.jsonl" >/dev/null 2>"$err"; rc=$?
	lt_assert_eq "$rc" 0 "cut-short run still compared" &&
	lt_assert_eq "$(grep -c 'cut short' "$err")" 1 "cut-short note"
	rm -f "$err"
}

# Two slow-reader runs at 12 kpps (100 and 110 us per datagram), each with a
# partly busy edge interval (6,695 of 12,000 pps): the steady intervals differ
# by about 9%, and the verdict must say so.
test_steady_rule_verdict() {
	local out=$(mktemp)
	"$LT_BIN" compare "$REC/reader100.jsonl" "$REC/reader110.jsonl" >"$out" || { lt_fail "exit $?"; return; }
	lt_assert_eq "$(grep -c '^observed .*9724 ± 47.7 .*8855 ± 18.4 .*-8.9% worse$' "$out")" 1 "observed: B worse" &&
	lt_assert_eq "$(grep -c '^intervals (steady used) *9 (6, 1 edge out) *10 (6, 2 edge out)' "$out")" 1 "edges in the settings" &&
	lt_assert_eq "$(grep -c ': A 1, B 2 edge intervals$' "$out")" 1 "the steady rule stated" &&
	lt_assert_eq "$(grep -c '^verdict: A (.*reader100.jsonl) delivers the most$' "$out")" 1 "verdict line" || return
	"$LT_BIN" compare --json "$REC/reader100.jsonl" "$REC/reader110.jsonl" >"$out" || { lt_fail "json exit $?"; return; }
	lt_assert_eq "$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["runs"]; print(r[0]["partial_intervals_left_out"], r[1]["partial_intervals_left_out"], r[1]["metrics"]["observed"]["verdict"])' "$out")" \
		"1 2 worse" "JSON: edges and verdict" || return
	# the steady range names interval lines: their own observed mean is the metric's (the lab reads it so)
	lt_assert_eq "$(python3 - "$out" "$REC/reader100.jsonl" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
lines = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
iv = [l for l in lines if "lambda_pps" in l and not l.get("summary")]
use = iv[run["steady_first"]:run["steady_last"] + 1]
mean = sum(l["observed_pps"] for l in use) / len(use)
print(len(use), round(mean) == round(run["metrics"]["observed"]["mean"]))
PY
)" "6 True" "JSON: the steady interval lines and their mean"
	rm -f "$out"
}

test_single_record() {
	local out=$(mktemp) rc
	"$LT_BIN" compare "$REC/usecs0.jsonl" >"$out"; rc=$?
	lt_assert_eq "$rc" 0 "one record: exit code" &&
	lt_assert_eq "$(grep -c '^observed  *pps  *26988 ± 85.4 *$' "$out")" 1 "one run's observed mean and sd" &&
	lt_assert_eq "$(grep -c '^verdict: one run (.*usecs0.jsonl): nothing to compare it with$' "$out")" 1 "verdict line" || return
	"$LT_BIN" compare --json "$REC/usecs0.jsonl" >"$out" || { lt_fail "json exit $?"; return; }
	lt_assert_eq "$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(len(r["runs"]), r["runs"][0]["metrics"]["observed"]["n"], r["best"])' "$out")" \
		"1 4 0" "JSON of one run"
	rm -f "$out"
}

test_hostile_files() {
	local out=$(mktemp) err=$(mktemp) svg=$(mktemp --suffix=.svg) rc f
	for f in /dev/zero "$REC/huge.jsonl" "$REC/overflow.jsonl" "$REC/neginf.jsonl" "$REC/negnan.jsonl" "$REC/hexfloat.jsonl"; do
		timeout 10 "$LT_BIN" compare "$f" "$REC/usecs0.jsonl" >/dev/null 2>"$err"; rc=$?
		lt_assert_eq "$rc" 1 "exit code for $(basename "$f")" &&
		lt_assert_eq "$(wc -l <"$err")" 1 "one line for $(basename "$f")" || return
	done
	"$LT_BIN" compare /dev/zero "$REC/usecs0.jsonl" 2>&1 >/dev/null | grep -q 'is not a regular file' ||
		{ lt_fail "/dev/zero: no 'not a regular file'"; return; }
	# terminal escapes and bytes that are not UTF-8 in the device and driver names
	"$LT_BIN" compare "$REC/escapes.jsonl" "$REC/usecs0.jsonl" --plot "$svg" >"$out" || { lt_fail "escapes: exit $?"; return; }
	lt_assert_eq "$(grep -c $'\x1b' "$out")" 0 "no ESC byte in the table" &&
	lt_assert_eq "$(grep -c 'eth0\\x1b\[2J' "$out")" 1 "the escape shown as \\x1b" || return
	"$LT_BIN" compare --json "$REC/escapes.jsonl" >"$out" || { lt_fail "escapes json: exit $?"; return; }
	python3 -c 'import json,sys; d=json.loads(open(sys.argv[1],"rb").read().decode("utf-8")); print(d["runs"][0]["device"][:4], d["runs"][0]["driver"])' "$out" >"$err" ||
		{ lt_fail "--json is not valid UTF-8 JSON"; return; }
	lt_assert_eq "$(cat "$err")" "eth0 e1000"$'\ufffd\ufffd' "invalid UTF-8 replaced" || return
	# no inf or nan anywhere, SVG included
	"$LT_BIN" compare "$REC/usecs0.jsonl" "$REC/partial.jsonl" "$REC/reader100.jsonl" --plot "$svg" >"$out" 2>&1 ||
		{ lt_fail "exit $?"; return; }
	lt_assert_eq "$(cat "$out" "$svg" | grep -ci 'nan\|inf')" 0 "inf or nan in the output or the SVG"
	rm -f "$out" "$err" "$svg"
}

test_long_line_refused() {
	local rec=$(mktemp) err=$(mktemp) rc
	{ head -1 "$REC/usecs0.jsonl"; printf '{"pad": "'; head -c 2000000 /dev/zero | tr '\0' x; printf '"}\n'; } >"$rec"
	"$LT_BIN" compare "$rec" >/dev/null 2>"$err"; rc=$?
	lt_assert_eq "$rc" 1 "exit code" &&
	lt_assert_eq "$(wc -l <"$err")" 1 "one line" &&
	lt_assert_eq "$(grep -c 'line 2 is longer than 1048576 bytes' "$err")" 1 "says why"
	rm -f "$rec" "$err"
}

# A long run is streamed: its peak memory does not grow with the file.
test_long_run_bounded_memory() {
	local rec=$(mktemp) out rc
	python3 - "$REC/usecs0.jsonl" "$rec" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
with open(sys.argv[2], "w") as f:
    f.write(lines[0] + "\n")
    for i in range(60000):
        f.write(lines[2 + i % 4] + "\n")
    f.write(lines[-1] + "\n")
PY
	[ -x /usr/bin/time ] || { lt_skip "no /usr/bin/time to measure peak memory"; rm -f "$rec"; return; }
	out=$(/usr/bin/time -f '%M' "$LT_BIN" compare --json "$rec" 2>&1 >"$rec.json"); rc=$?
	lt_log "peak RSS ${out} KiB for a $(du -m "$rec" | cut -f1) MiB record"
	lt_assert_eq "$rc" 0 "exit code" &&
	lt_assert_eq "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["runs"][0]["busy_intervals"])' "$rec.json")" \
		60000 "busy intervals used" &&
	lt_assert_le "$out" 8192 "peak RSS in KiB for a $(du -m "$rec" | cut -f1) MiB record"
	rm -f "$rec.json"
	rm -f "$rec"
}

lt_run_tests
