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
	"$LT_BIN" compare "$REC/usecs0.jsonl" >/dev/null 2>"$err"; rc=$?
	lt_assert_eq "$rc" 2 "one file: usage exit code" || return
	"$LT_BIN" compare "$REC/usecs0.jsonl" "$REC/truncated.jsonl" >/dev/null 2>"$err"; rc=$?
	lt_assert_eq "$rc" 0 "cut-short run still compared" &&
	lt_assert_eq "$(grep -c 'cut short' "$err")" 1 "cut-short note"
	rm -f "$err"
}

lt_run_tests
