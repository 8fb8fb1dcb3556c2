#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# `sweep` from the command line without a NIC: bad usage (exit 2, one line),
# --restore of files that are not save files (exit 1, one line), --help.
# No root needed.
. "$(dirname "$0")/../lib.sh"

REC=$LT_ROOT/tests/fixtures/records

expect_usage() {	# what args...
	local what=$1 err=$(mktemp) rc; shift
	"$LT_BIN" sweep "$@" >/dev/null 2>"$err"; rc=$?
	lt_assert_eq "$rc" 2 "$what: exit code" &&
	lt_assert_eq "$(wc -l <"$err")" 1 "$what: one line on stderr" &&
	lt_assert_eq "$(grep -c '^livelock-trace: sweep: ' "$err")" 1 "$what: says it is sweep"
	local r=$?
	rm -f "$err"
	return $r
}

test_bad_usage() {
	expect_usage "no interface" --rx-usecs 0,8 || return
	expect_usage "no setting" eth9 || return
	expect_usage "bad list" eth9 --rx-usecs 0,,8 || return
	expect_usage "negative value" eth9 --rx-usecs -1 || return
	expect_usage "bad duration" eth9 --rx-usecs 8 --per 10x || return
	expect_usage "per below interval" eth9 --rx-usecs 8 --per 500ms || return
	expect_usage "bad adaptive" eth9 --adaptive maybe || return
	expect_usage "too many settings" eth9 --rx-usecs 0,1,2 --rx-frames 1,2,3 || return
	expect_usage "two interfaces" eth9 eth8 --rx-usecs 8 || return
	expect_usage "restore with more" --restore /x eth9 || return
	expect_usage "unknown option" eth9 --rx-usecs 8 --frobnicate
}

test_restore_bad_files() {
	local err=$(mktemp) rc
	"$LT_BIN" sweep --restore "$REC/usecs0.jsonl" >/dev/null 2>"$err"; rc=$?
	lt_assert_eq "$rc" 1 "record file: exit code" &&
	lt_assert_eq "$(wc -l <"$err")" 1 "record file: one line" &&
	lt_assert_eq "$(grep -c 'not a livelock-trace save file' "$err")" 1 "record file: says why" || return
	"$LT_BIN" sweep --restore /nonexistent/coalesce-x.json >/dev/null 2>"$err"; rc=$?
	lt_assert_eq "$rc" 1 "missing file: exit code" &&
	lt_assert_eq "$(grep -c 'cannot read /nonexistent/coalesce-x.json: No such file' "$err")" 1 "missing file: says why"
	rm -f "$err"
}

test_restore_missing_device() {
	local dir=$(mktemp -d) err=$(mktemp) rc
	python3 - "$dir/s.json" <<'PY'
import json, sys
names = ("rx_usecs rx_frames rx_usecs_irq rx_frames_irq tx_usecs tx_frames tx_usecs_irq tx_frames_irq "
         "stats_block_usecs adaptive_rx adaptive_tx pkt_rate_low rx_usecs_low rx_frames_low tx_usecs_low "
         "tx_frames_low pkt_rate_high rx_usecs_high rx_frames_high tx_usecs_high tx_frames_high "
         "rate_sample_interval").split()
c = dict.fromkeys(names, 0)
c["rx_usecs"] = 3
json.dump({"saved_by": "livelock-trace sweep", "format": 1, "pid": 0, "device": "ltnone0",
           "ifindex": 99, "driver": "e1000", "coalesce": c}, open(sys.argv[1], "w"))
PY
	"$LT_BIN" sweep --restore "$dir/s.json" >/dev/null 2>"$err"; rc=$?
	lt_assert_eq "$rc" 1 "exit code" &&
	lt_assert_eq "$(grep -c 'ltnone0 (saved in .*) does not exist here' "$err")" 1 "names the device" &&
	lt_assert_eq "$(ls "$dir")" s.json "the save file is kept"
	rm -rf "$dir" "$err"
}

test_help() {
	local out=$(mktemp)
	"$LT_BIN" sweep --help >"$out" || { lt_fail "exit $?"; return; }
	lt_assert_eq "$(grep -c '^       livelock-trace sweep --restore FILE$' "$out")" 1 "usage line for --restore" &&
	lt_assert_eq "$(grep -c 'e1000/e1000e: 1-4 are dynamic modes' "$out")" 1 "driver quirk taught"
	rm -f "$out"
}

lt_run_tests
