#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# `sweep` on a veth (no coalescing settings) in namespaces of our own: a
# clear refusal before anything is changed — no save file, no record
# directory, no measurement started — for a sweep and for --show.
LT_NEEDS_ROOT=1
. "$(dirname "$0")/../lib.sh"

test_refused_on_veth() {
	lt_netns_pair || { lt_fail "setup"; return; }
	local tmp=$(mktemp -d) err=$(mktemp) rc
	ip netns exec "$NS_RX" "$LT_BIN" sweep "$VETH_RX" --rx-usecs 0,8,32 --per 1s \
		--save "$tmp/orig.json" --record-dir "$tmp/records" >/dev/null 2>"$err"; rc=$?
	lt_assert_eq "$rc" 1 "exit code" &&
	lt_assert_eq "$(wc -l <"$err")" 1 "one line on stderr" &&
	lt_assert_eq "$(grep -c "$VETH_RX (driver veth) has no interrupt-coalescing settings.*nothing was changed" "$err")" 1 "says why, and that nothing changed" &&
	lt_assert_eq "$(ls -A "$tmp")" "" "no save file, no record directory" || { rm -rf "$tmp" "$err"; return; }
	ip netns exec "$NS_RX" "$LT_BIN" sweep "$VETH_RX" --show >/dev/null 2>"$err"; rc=$?
	lt_assert_eq "$rc" 1 "--show: exit code" &&
	lt_assert_eq "$(grep -c 'has no interrupt-coalescing settings' "$err")" 1 "--show: says why"
	rm -rf "$tmp" "$err"
}

# The refusal comes before the root check and before any save: also
# without privileges the answer is about the driver.
test_refused_before_privileges() {
	lt_netns_pair || { lt_fail "setup"; return; }
	local err=$(mktemp) rc
	ip netns exec "$NS_RX" setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$LT_BIN" sweep "$VETH_RX" --rx-usecs 8 >/dev/null 2>"$err"; rc=$?
	lt_assert_eq "$rc" 1 "exit code" &&
	lt_assert_eq "$(grep -c 'has no interrupt-coalescing settings' "$err")" 1 "driver refusal first"
	rm -f "$err"
}

lt_run_tests
