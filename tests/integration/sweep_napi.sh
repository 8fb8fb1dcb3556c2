#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# A measured sweep of NAPI's deferral (sysfs napi_defer_hard_irqs and
# gro_flush_timeout) on a veth in namespaces of our own, under 5,000 UDP
# packets/s: each setting is written and read back, each setting's record
# carries it, the deferral takes effect (timer polls that find nothing with a
# short timer, several packets a poll with a long one), and the original is
# back after the end, after a SIGINT and, with --restore, after a kill -9.
LT_NEEDS_ROOT=1
. "$(dirname "$0")/../lib.sh"

PORT=9170
RATE=5000

napi_of() {	# the device's two settings, "N T"
	ip netns exec "$NS_RX" cat /sys/class/net/"$VETH_RX"/napi_defer_hard_irqs \
		/sys/class/net/"$VETH_RX"/gro_flush_timeout | tr '\n' ' ' | sed 's/ $//'
}

# veth polls its NAPI (and honours the deferral) only with GRO on the receiver
# and TSO off on the sender; the original is set apart from the kernel's 0 0
# so that a restore that wrote zeros would show.
setup() {
	lt_need_traffic || return 1
	lt_netns_pair || { lt_fail "setup"; return 1; }
	ip netns exec "$NS_RX" ethtool -K "$VETH_RX" gro on >/dev/null &&
	ip netns exec "$NS_TX" ethtool -K "$VETH_TX" tso off >/dev/null || { lt_fail "ethtool -K"; return 1; }
	ip netns exec "$NS_RX" sh -c "echo 1 >/sys/class/net/$VETH_RX/napi_defer_hard_irqs &&
		echo 7000 >/sys/class/net/$VETH_RX/gro_flush_timeout" || { lt_fail "sysfs"; return 1; }
}

load() {	# SECONDS: a reader and RATE packets/s for about SECONDS
	local rdy=$(mktemp -u)
	lt_bg sink sh -c "ip netns exec $NS_RX $LT_TOOLS/udpsink -p $PORT --seconds $(($1 + 2)) --ready-file $rdy >/dev/null"
	lt_wait_file "$rdy" || { lt_fail "udpsink did not start"; return 1; }
	rm -f "$rdy"
	lt_bg send sh -c "ip netns exec $NS_TX $LT_TOOLS/udpsend -d $LT_RX_ADDR -p $PORT -n $((RATE * $1)) -r $RATE >/dev/null"
	sleep 0.5
}

test_measured_deferral_sweep() {
	setup || return
	local dir=$(mktemp -d) rc
	load 18 || { rm -rf "$dir"; return; }
	ip netns exec "$NS_RX" "$LT_BIN" sweep "$VETH_RX" --defer-hard-irqs 0,2 --gro-flush-timeout 50000,500000 \
		--per 3s --save "$dir/orig.json" --record-dir "$dir/rec" --json >"$dir/out" 2>"$dir/err"; rc=$?
	lt_log "$(cat "$dir/err")"
	lt_assert_eq "$rc" 0 "exit code ($(tail -1 "$dir/err"))" &&
	lt_assert_eq "$(napi_of)" "1 7000" "the original is back" &&
	lt_assert_eq "$(ls -A "$dir" | grep -c orig.json)" 0 "the save file is gone" &&
	lt_assert_eq "$(grep -c "restored $VETH_RX: defer-hard-irqs 1 gro-flush-timeout 7000 (read back)" "$dir/err")" 1 "says what it restored" &&
	lt_assert_eq "$(grep -c 'the NIC may ignore it' "$dir/err")" 0 "no 'ignored' warning on a device without interrupts" ||
		{ rm -rf "$dir"; return; }
	python3 - "$dir/out" <<'PY' || lt_fail "see the assertion above"
import json, sys
sweep = json.loads(open(sys.argv[1]).readline())
pts = sweep["settings"]
assert sweep["original"] == {"defer_hard_irqs": 1, "gro_flush_timeout_ns": 7000}, sweep["original"]
want = [(0, 50000), (0, 500000), (2, 50000), (2, 500000)]
assert [(p["requested"]["defer_hard_irqs"], p["requested"]["gro_flush_timeout_ns"]) for p in pts] == want
polls = []
for p, (n, t) in zip(pts, want):
    rb = p["read_back"]
    assert (rb["defer_hard_irqs"], rb["gro_flush_timeout_ns"]) == (n, t), rb
    assert p["taken"] and p["busy"], p
    head = json.loads(open(p["record"]).readline())
    assert head["napi_settings"] == {"defer_hard_irqs": n, "gro_flush_timeout_ns": t}, head["napi_settings"]
    m = p["measured"]
    assert abs(m["observed_pps"] - 5000) <= 150, "%s: delivered %.0f" % ((n, t), m["observed_pps"])
    polls.append(m["napi_polls_per_s"])
    assert p["forecast"]["predicted"], p["forecast"]["why"]
# off: one poll a packet; N=2, T=50 us: at 5,000 pps (200 us apart) most timer polls find nothing;
# T=500 us: the timer comes after about 2.5 packets, and the polls fall below the packets
assert 4500 <= polls[0] <= 5500 and 4500 <= polls[1] <= 5500, polls
assert polls[2] >= 1.5 * polls[0], "N=2 T=50us: %.0f polls/s against %.0f off" % (polls[2], polls[0])
assert polls[3] <= 0.7 * polls[0], "N=2 T=500us: %.0f polls/s against %.0f off" % (polls[3], polls[0])
assert pts[2]["measured"]["empty_poll_cpu_pct"] > 0, pts[2]["measured"]
# the empty polls' own cost is measured where there were some, and only there
def summary_costs(rec):
    return [json.loads(l) for l in open(rec) if '"summary":true' in l][-1]["costs"]
def raw_empty(rec):
    rows = [json.loads(l) for l in open(rec)]
    n = sum(r["raw"]["softirqs_empty"] for r in rows if "raw" in r and not r.get("summary"))
    ns = sum(r["raw"]["softirq_empty_ns_total"] for r in rows if "raw" in r and not r.get("summary"))
    return n, ns / n / 1e3 if n else None
n, us = raw_empty(pts[2]["record"])
c = summary_costs(pts[2]["record"])["rx_empty_us"]
assert n >= 1000 and c is not None and abs(c - us) <= 0.25 * us, "rx_empty_us %s, raw %d runs of %s us" % (c, n, us)
assert summary_costs(pts[0]["record"])["rx_empty_us"] is None, summary_costs(pts[0]["record"])
print("polls/s %s, forecast %s" % ([round(x) for x in polls], [round(p["forecast"]["now"]["polls_per_s"]) for p in pts]), file=sys.stderr)
PY
	rm -rf "$dir"
}

# A SIGINT in the middle of the second setting: the original is restored and
# read back, the save file removed, exit 130.
test_sigint_restores() {
	setup || return
	local dir=$(mktemp -d) pid rc
	load 10 || { rm -rf "$dir"; return; }
	ip netns exec "$NS_RX" "$LT_BIN" sweep "$VETH_RX" --defer-hard-irqs 2,4 --gro-flush-timeout 100000 --per 3s \
		--save "$dir/orig.json" --record-dir "$dir/rec" >/dev/null 2>"$dir/err" &
	pid=$!
	for _ in $(seq 100); do grep -q '^\S*: sweep: \[1\]' "$dir/err" 2>/dev/null && break; sleep 0.1; done
	sleep 1
	lt_assert_eq "$(napi_of)" "4 100000" "the second setting is on" || { kill -INT $pid; wait $pid; rm -rf "$dir"; return; }
	kill -INT $pid
	wait $pid; rc=$?
	lt_assert_eq "$rc" 130 "exit code" &&
	lt_assert_eq "$(napi_of)" "1 7000" "the original is back" &&
	lt_assert_eq "$(ls -A "$dir" | grep -c orig.json)" 0 "no save file" &&
	lt_assert_eq "$(grep -c 'stopped by Interrupt after 2 of 2 settings\|stopped by Interrupt after 1 of 2 settings' "$dir/err")" 1 "says it was stopped"
	rm -rf "$dir"
}

# kill -9 leaves the setting and the save file; --restore puts back both
# settings from it, reads them back and removes it.
test_kill9_then_restore() {
	setup || return
	local dir=$(mktemp -d) pid rc
	ip netns exec "$NS_RX" "$LT_BIN" sweep "$VETH_RX" --defer-hard-irqs 3 --gro-flush-timeout 200000 --per 20s \
		--save "$dir/orig.json" --record-dir "$dir/rec" >/dev/null 2>"$dir/err" &
	pid=$!
	for _ in $(seq 100); do [ "$(napi_of)" = "3 200000" ] && break; sleep 0.1; done
	lt_assert_eq "$(napi_of)" "3 200000" "the setting is on" || { kill $pid; wait $pid; rm -rf "$dir"; return; }
	# the sweep first (its child's death would make it restore), then its measurement child
	kill -KILL $pid 2>/dev/null; wait $pid 2>/dev/null
	pkill -KILL -f "livelock-trace $VETH_RX"
	lt_assert_eq "$(napi_of)" "3 200000" "left behind by kill -9" &&
	lt_assert_eq "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["napi"])' "$dir/orig.json")" \
		"{'defer_hard_irqs': 1, 'gro_flush_timeout_ns': 7000}" "the save file holds the original" || { rm -rf "$dir"; return; }
	# a second sweep will not start over a save file
	ip netns exec "$NS_RX" "$LT_BIN" sweep "$VETH_RX" --defer-hard-irqs 0 --per 1s --save "$dir/orig.json" \
		>/dev/null 2>"$dir/err2"; rc=$?
	lt_assert_eq "$rc" 1 "a second sweep is refused" &&
	lt_assert_eq "$(napi_of)" "3 200000" "and changes nothing" || { rm -rf "$dir"; return; }
	ip netns exec "$NS_RX" "$LT_BIN" sweep --restore "$dir/orig.json" 2>"$dir/err3"; rc=$?
	lt_assert_eq "$rc" 0 "--restore: exit code ($(cat "$dir/err3"))" &&
	lt_assert_eq "$(napi_of)" "1 7000" "--restore: the original is back" &&
	lt_assert_eq "$(ls -A "$dir" | grep -c orig.json)" 0 "--restore: the save file is gone"
	rm -rf "$dir"
}

# Without privilege: refused before anything is written, with nothing saved.
test_refused_without_root() {
	lt_netns_pair || { lt_fail "setup"; return; }
	local dir=$(mktemp -d) rc before
	chmod 777 "$dir"
	before=$(napi_of)
	ip netns exec "$NS_RX" setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$LT_BIN" sweep "$VETH_RX" --defer-hard-irqs 2 --gro-flush-timeout 20000 --per 1s \
		--save "$dir/orig.json" >/dev/null 2>"$dir/err"; rc=$?
	lt_assert_eq "$rc" 1 "exit code" &&
	lt_assert_eq "$(wc -l <"$dir/err")" 1 "one line on stderr" &&
	lt_assert_eq "$(grep -c 'need root' "$dir/err")" 1 "says what it needs" &&
	lt_assert_eq "$(napi_of)" "$before" "nothing written" &&
	lt_assert_eq "$(ls -A "$dir" | grep -c orig.json)" 0 "no save file"
	rm -rf "$dir"
}

lt_run_tests
