#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# `compare` on runs really recorded (--record) on a veth in namespaces of our
# own: 4,000 and 8,000 UDP packets/s to a reader.  The settings rows name
# the veth; each run's observed mean is its offered rate; the verdict names
# the second run, delivering about +100%, beyond the noise.
LT_NEEDS_ROOT=1
. "$(dirname "$0")/../lib.sh"

PORT=9150

# The load runs before, during and after the recording (as under a sweep):
# every interval recorded is fully busy.
record_run() {	# RATE FILE
	local rdy=$(mktemp -u) n=$(($1 * 9))
	lt_bg sink sh -c "ip netns exec $NS_RX $LT_TOOLS/udpsink -p $PORT --seconds 11 --ready-file $rdy >/dev/null"
	lt_wait_file "$rdy" || { lt_fail "udpsink did not start"; return; }
	lt_bg send sh -c "ip netns exec $NS_TX $LT_TOOLS/udpsend -d $LT_RX_ADDR -p $PORT -n $n -r $1 >/dev/null"
	sleep 1.5
	ip netns exec "$NS_RX" "$LT_BIN" "$VETH_RX" 1 5 --json --record "$2" >/dev/null
	wait "$BG_send"; wait "$BG_sink"
	rm -f "$rdy"
}

test_compare_recorded_veth_runs() {
	[ -x "$LT_TOOLS/udpsend" ] && [ -x "$LT_TOOLS/udpsink" ] || { lt_skip "traffic tools not built (make tools)"; return; }
	mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
	lt_netns_pair || { lt_fail "setup"; return; }
	local dir=$(mktemp -d)
	record_run 4000 "$dir/a.jsonl"
	record_run 8000 "$dir/b.jsonl"
	lt_assert_eq "$(lt_json "$dir/a.jsonl" record 1)" livelock-trace "header line" &&
	lt_assert_eq "$(lt_json "$dir/a.jsonl" summary)" True "ended with its summary" || { rm -rf "$dir"; return; }
	"$LT_BIN" compare "$dir/a.jsonl" "$dir/b.jsonl" >"$dir/out" 2>"$dir/err" || { lt_fail "compare exit $?: $(cat "$dir/err")"; rm -rf "$dir"; return; }
	"$LT_BIN" compare --json "$dir/a.jsonl" "$dir/b.jsonl" >"$dir/json" || { lt_fail "compare --json exit $?"; rm -rf "$dir"; return; }
	lt_assert_eq "$(grep -c "^device / driver *$VETH_RX veth *$VETH_RX veth" "$dir/out")" 1 "settings row names the veth" &&
	lt_assert_eq "$(grep -c 'rx-usecs / rx-frames *not supported *not supported' "$dir/out")" 1 "no coalescing on a veth" || { rm -rf "$dir"; return; }
	python3 - "$dir/json" <<'PY' || lt_fail "see the assertion above"
import json, sys
c = json.load(open(sys.argv[1]))
a, b = c["runs"]
for r, rate in ((a, 4000), (b, 8000)):
    m = r["metrics"]["observed"]
    assert abs(m["mean"] - rate) <= 0.03 * rate, "%s: observed mean %.0f, offered %d" % (r["file"], m["mean"], rate)
    assert r["busy_intervals"] == 5, "%s: %d busy intervals: %s" % (r["file"], r["busy_intervals"],
        [(round(x["lambda_pps"]), round(x["observed_pps"]), x["state"]) for x in map(json.loads, open(r["file"])) if "lambda_pps" in x])
obs = b["metrics"]["observed"]
assert obs["verdict"] == "better", "observed verdict %s" % obs["verdict"]
assert 90 <= obs["vs_first_pct"] <= 110, "observed +%.1f%%" % obs["vs_first_pct"]
assert c["best"] == 1, "best run %s" % c["best"]
PY
	grep -q '^verdict: B (.*b.jsonl) is best: +[0-9.]*% delivered' "$dir/out" || lt_fail "verdict line: $(grep verdict "$dir/out")"
	rm -rf "$dir"
}

lt_run_tests
