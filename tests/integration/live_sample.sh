#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# --sample N: the per-packet probes attached for one window of INTERVAL/N in
# each interval.  On veth pairs in namespaces of our own: the window's rates
# against what was sent and what the application got, the model's inputs
# still measured, the programs really gone between windows, bad values.
# --sample auto: a window of about 20,000 packets, the whole interval below;
# one every 5 s while sampling.  --full against --sample.
LT_NEEDS_ROOT=1
. "$(dirname "$0")/../lib.sh"

PORT=9150

nlinks() { bpftool link list 2>/dev/null | grep -c '^[0-9]'; }

# The slow application of live_predict.sh, watched through quarter windows:
# every line is a 0.25 s window; its rates must match the sender's and the
# application's, and the model must still get 1/mu and predict.
test_sampled_slow_application() {
	lt_need_traffic || return
	lt_netns_pair || { lt_fail "setup"; return; }
	local trace=$(mktemp) sink=$(mktemp) send=$(mktemp) rec=$(mktemp) rdy=$(mktemp -u) n=60000
	lt_bg trace ip netns exec "$NS_RX" "$LT_BIN" "$VETH_RX" 1 8 --json --sample 4 --record "$rec" >"$trace"
	# the load begins after a first idle window, which the estimator's window then holds
	lt_wait_lines "$trace" 1 || { lt_fail "livelock-trace printed no window"; return; }
	lt_bg sink sh -c "ip netns exec $NS_RX $LT_TOOLS/udpsink -p $PORT --work-us 150 --rcvbuf 65536 --seconds 8 --json --ready-file $rdy > $sink"
	lt_wait_file "$rdy" || { lt_fail "udpsink did not start"; return; }
	ip netns exec "$NS_TX" "$LT_TOOLS/udpsend" -d "$LT_RX_ADDR" -p $PORT -n $n -r 12000 --json >"$send"
	wait "$BG_sink"; wait "$BG_trace"
	python3 - "$trace" "$sink" "$send" "$rec" <<'PY' || lt_fail "see the assertion above"
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
sink = json.loads(open(sys.argv[2]).read().strip().splitlines()[-1])
send = json.loads(open(sys.argv[3]).read().strip().splitlines()[-1])
head = json.loads(open(sys.argv[4]).readline())
assert head["options"]["sample"] == 4, head["options"]
ivals = [r for r in rows if not r.get("summary")]
assert len(ivals) == 8, "8 windows, got %d" % len(ivals)
for r in ivals:	# each line is one window: a quarter of the interval
    assert 0.2 <= r["interval_s"] <= 0.3, "window of %s s, expected 0.25" % r["interval_s"]
busy = [i for i, r in enumerate(ivals) if r["state"] != "idle"]
steady = ivals[busy[0] + 1:busy[-1]] if len(busy) >= 3 else []
assert len(steady) >= 2, "only %d steady windows" % len(steady)
sent_pps = send["sent"] / send["seconds"]
app_pps = (sink["received"] + sink["queued"]) / sink["active_seconds"]
lam = statistics.median(r["lambda_pps"] for r in steady)
obs = statistics.median(r["observed_pps"] for r in steady)
print("    steady windows: lambda %.0f/s (sent %.0f/s), observed %.0f/s (application %.0f/s), "
      "error %s %%, 1/mu %s us" % (lam, sent_pps, obs, app_pps,
      ", ".join("%+.1f" % r["error_pct"] for r in steady),
      ", ".join("%.0f" % r["proto_us"] for r in steady)), file=sys.stderr)
assert abs(lam - sent_pps) <= 0.05 * sent_pps, "lambda %.0f/s vs %.0f/s sent" % (lam, sent_pps)
assert abs(obs - app_pps) <= 0.10 * app_pps, "observed %.0f/s vs the application's %.0f/s" % (obs, app_pps)
assert obs < 0.95 * lam, "observed %.0f/s not below lambda %.0f/s: no overload" % (obs, lam)
for r in steady:
    assert r["predicted_pps"] is not None and r["predicted_pps"] > 0, "no prediction in %s" % r
    # the reader's on-CPU time over the window: sched_switch stays attached
    assert r["proto_source"].endswith("app") and 75 <= r["proto_us"] <= 300, \
        "1/mu %s us (%s) for 150 us of work per packet" % (r["proto_us"], r["proto_source"])
errs = sorted(abs(r["error_pct"]) for r in steady)
assert errs[len(errs) // 2] <= 30, "median |error| %.1f%% over %s" % (errs[len(errs) // 2], errs)
PY
	rm -f "$trace" "$sink" "$send" "$rec"
}

# Between windows only sched_switch stays attached; in a window all the
# per-packet programs are; after Ctrl-C nothing is.  With --sample 2 half of
# each interval is a window, so 30 looks at random moments see both states
# (all alike: odds 2^-29).
test_programs_come_and_go() {
	lt_netns_pair || { lt_fail "setup"; return; }
	local before n min=999 max=0 out=$(mktemp) err=$(mktemp) rdy=$(mktemp -u) rc
	before=$(nlinks)
	ip netns exec "$NS_RX" "$LT_BIN" "$VETH_RX" 0.4 0 --sample 2 --json -v --ready-file "$rdy" >"$out" 2>"$err" &
	local pid=$!
	lt_wait_file "$rdy" || { lt_fail "livelock-trace did not attach"; return; }
	for _ in $(seq 30); do
		n=$(( $(nlinks) - before ))
		[ "$n" -lt "$min" ] && min=$n
		[ "$n" -gt "$max" ] && max=$n
		sleep 0.0$((RANDOM % 9 + 1))
	done
	kill -INT "$pid"; wait "$pid"; rc=$?
	local want=$(sed -n 's/.*sampling: \([0-9]*\) programs attached.*/\1/p' "$err")
	lt_assert_eq "$rc" 0 "exit code after SIGINT" &&
	lt_assert_ge "${want:-0}" 8 "programs in a window (-v)" &&
	lt_assert_eq "$min" 1 "links between windows (sched_switch only)" &&
	lt_assert_eq "$max" $((want + 1)) "links in a window" &&
	lt_assert_eq "$(nlinks)" "$before" "links after SIGINT" &&
	lt_assert_ge "$(grep -c '"interval_s":0.2' "$out")" 2 "windows of 0.2 s printed"
	rm -f "$out" "$err"
}

# --sample auto under 20,000 packets an interval: the window is the whole
# interval (sized from the device's own count from the first interval on)
# and the probes stay attached, so every packet sent after it began is
# counted.
test_auto_light_load_counts_every_packet() {
	lt_need_traffic || return
	lt_netns_pair || { lt_fail "setup"; return; }
	local trace=$(mktemp) err=$(mktemp) n=15000
	lt_bg trace sh -c "ip netns exec $NS_RX $LT_BIN $VETH_RX 1 7 --raw --json -v --sample auto >$trace 2>$err"
	lt_wait_lines "$trace" 2 || { lt_fail "livelock-trace printed no second window: $(tail -1 "$err")"; return; }
	ip netns exec "$NS_TX" "$LT_TOOLS/udpsend" -d "$LT_RX_ADDR" -p $PORT -n $n -r 5000 >/dev/null
	wait "$BG_trace"
	grep -q 'sampling: .* about 20000 packets' "$err" || { lt_fail "no auto sampling line: $(grep sampling "$err")"; return; }
	lt_assert_eq "$(lt_json_sum "$trace" stack_packets)" $n "stack packets, all attached" &&
	# one window line a read; after the first they join up: attached across reads
	lt_assert_eq "$(python3 - "$err" <<'PY'
import sys
w = [tuple(map(float, l.split()[2:4])) for l in open(sys.argv[1]) if l.startswith("livelock-trace: window ")]
print(sum(1 for a, b in zip(w[1:], w[2:]) if abs(b[0] - a[1]) > 0.005))
PY
)" 0 "gaps between the kept windows"
	rm -f "$trace" "$err"
}

# --sample auto at 60 kpps: each window holds about 20,000 packets (a third
# of the 1 s interval), not the whole interval, and one opens every 5 s
# (sampling.h): the lines between are the device's own count (a veth's is
# exact) with the last window's model, text only; the record holds the
# windows.
test_auto_window_holds_its_packets() {
	lt_need_traffic || return
	lt_netns_pair || { lt_fail "setup"; return; }
	local trace=$(mktemp) rec=$(mktemp) err=$(mktemp) n=900000
	lt_bg trace sh -c "ip netns exec $NS_RX $LT_BIN $VETH_RX 1 18 --sample auto -v --record $rec >$trace 2>$err"
	lt_wait_lines "$rec" 2 || { lt_fail "livelock-trace recorded no window"; return; }
	ip netns exec "$NS_TX" "$LT_TOOLS/udpsend" -d "$LT_RX_ADDR" -p $PORT -n $n -r 60000 >/dev/null
	wait "$BG_trace"
	python3 - "$rec" "$trace" "$err" <<'PY' || lt_fail "see the assertion above"
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
rows = [r for r in rows if "interval_s" in r and not r.get("summary")]
raw = [r["raw"] for r in rows]
rate = [x["stack_packets"] / r["interval_s"] for x, r in zip(raw, rows)]
print("    windows: %s" % ", ".join("%.3f s %d pkts" % (r["interval_s"], x["stack_packets"]) for x, r in zip(raw, rows)), file=sys.stderr)
# a window sized from a busy window before it, and busy itself
busy = [x for i, x in enumerate(raw[1:], 1) if rate[i - 1] > 30000 and rate[i] > 30000]
assert len(busy) >= 2, "only %d busy windows after busy ones" % len(busy)
pk = statistics.median(x["stack_packets"] for x in busy)
ln = statistics.median(r["interval_s"] for i, r in enumerate(rows[1:], 1) if rate[i - 1] > 30000 and rate[i] > 30000)
assert 14000 <= pk <= 26000, "median %d packets a window, expected about 20000" % pk
assert 0.15 <= ln <= 0.6, "median window %.3f s at 60 kpps, expected about 0.33" % ln
# the sampled windows (shorter than the interval) open 5 s apart (-v stamps)
w = [tuple(map(float, l.split()[2:4])) for l in open(sys.argv[3]) if l.startswith("livelock-trace: window ")]
short = [a for a, b in w if b - a < 0.9]
gaps = [b - a for a, b in zip(short, short[1:])]
print("    sampled windows open at %s s; gaps %s" % (", ".join("%.1f" % a for a in short), gaps), file=sys.stderr)
assert len(short) >= 2 and min(gaps) >= 4.0, "sampled windows %s: not 5 s apart" % short
# the text lines between windows: the device's rate, the last window's capacity
between = [l.split() for l in open(sys.argv[2]) if "(between windows" in l]
assert len(between) >= 6, "%d lines between windows" % len(between)
lam = statistics.median(float(b[1]) for b in between)
assert abs(lam - 60000) <= 0.05 * 60000, "between windows: median lambda %.0f/s for 60,000/s sent" % lam
assert all(b[2:5] == ["-"] * 3 for b in between), "obs/s, pred/s and err%% '-' between windows: %s" % between[0]
PY
	rm -f "$trace" "$rec" "$err"
}

# --sample auto under a flood, the device deleted between windows: the
# device-count path sees it go, exits 1 with one line and leaves no link.
test_vanishes_between_windows() {
	lt_need_traffic || return
	lt_netns_pair || { lt_fail "setup"; return; }
	local out=$(mktemp) err=$(mktemp) rc before
	before=$(nlinks)
	ip netns exec "$NS_RX" "$LT_BIN" "$VETH_RX" 1 0 --sample auto >"$out" 2>"$err" &
	local pid=$!
	lt_bg send ip netns exec "$NS_TX" "$LT_TOOLS/udpsend" -d "$LT_RX_ADDR" -p $PORT -n 600000 -r 60000
	for _ in $(seq 100); do	# the first line between windows: the sampled window is behind us
		grep -q "(between windows" "$out" && break
		sleep 0.1
	done
	grep -q "(between windows" "$out" || { lt_fail "no line between windows: $(cat "$err")"; kill "$pid"; return; }
	ip -n "$NS_RX" link del "$VETH_RX"
	wait "$pid"; rc=$?
	lt_assert_eq "$rc" 1 "exit code when the interface disappears" &&
	lt_assert_eq "$(wc -l <"$err")" 1 "stderr lines ($(cat "$err"))" &&
	grep -q "disappeared" "$err" &&
	grep -q "^Summary of" "$out" || { lt_fail "message or summary: $(cat "$err")"; return; }
	lt_assert_eq "$(nlinks)" "$before" "links after it stopped"
	rm -f "$out" "$err"
}

test_bad_sample_values() {
	local args
	for args in "--full --sample 2" "--sample auto --full" "--sample 0" "--sample x" "--sample 101" "--sample 2.5" "0.1 --sample 20" "--sample Auto" "0.05 --sample auto"; do
		lt_assert_usage_error "lo $args" || return
	done
}

lt_run_tests
