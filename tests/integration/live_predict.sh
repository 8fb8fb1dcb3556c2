#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The live prediction (the default view) on veth pairs in namespaces of our
# own: a slow application, an idle link, --record, --deliver forward and bad
# option values.
LT_NEEDS_ROOT=1
. "$(dirname "$0")/../lib.sh"

PORT=9100

# An application slower than the offered load: its socket overflows.  The
# tool's observed count must be the application's own (within 1%), lambda the
# packets sent (within 2%), and every busy interval must carry a prediction.
test_slow_application() {
	lt_need_traffic || return
	lt_netns_pair || { lt_fail "setup"; return; }
	local trace=$(mktemp) sink=$(mktemp) send=$(mktemp) rdy=$(mktemp -u) n=36000
	# LT_PREDICT_MAPPING=softirq runs the same check under the other mapping
	lt_bg trace ip netns exec "$NS_RX" "$LT_BIN" "$VETH_RX" 1 7 --json \
		--mapping "${LT_PREDICT_MAPPING:-paper}" >"$trace"
	# the load begins after a first idle interval, which the estimator's window then holds
	lt_wait_lines "$trace" 1 || { lt_fail "livelock-trace printed no interval"; return; }
	# about 12,000 reads/s at most against 12,000 packets/s offered plus the
	# sender's own softirq work on the same two CPUs: the buffer overflows
	lt_bg sink sh -c "ip netns exec $NS_RX $LT_TOOLS/udpsink -p $PORT --work-us 150 --rcvbuf 65536 --seconds 6 --json --ready-file $rdy > $sink"
	lt_wait_file "$rdy" || { lt_fail "udpsink did not start"; return; }
	ip netns exec "$NS_TX" "$LT_TOOLS/udpsend" -d "$LT_RX_ADDR" -p $PORT -n $n -r 12000 --json >"$send"
	wait "$BG_sink"; wait "$BG_trace"
	python3 - "$trace" "$sink" "$send" <<'PY' || lt_fail "see the assertion above"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
sink = json.loads(open(sys.argv[2]).read().strip().splitlines()[-1])
sent = json.loads(open(sys.argv[3]).read().strip().splitlines()[-1])["sent"]
summary = [r for r in rows if r.get("summary")]
ivals = [r for r in rows if not r.get("summary")]
assert len(ivals) == 7 and len(summary) == 1, "7 intervals and one summary, got %d + %d" % (len(ivals), len(summary))
# observed = packets queued to the application's socket; what it read plus what it left unread
obs = sum(r["observed_pps"] * r["interval_s"] for r in ivals)
app = sink["received"] + sink["queued"]
assert abs(obs - app) <= 0.01 * app, "observed %.0f vs the application's %d" % (obs, app)
lam = sum(r["lambda_pps"] * r["interval_s"] for r in ivals)
assert abs(lam - sent) <= 0.02 * sent, "lambda %.0f packets vs %d sent" % (lam, sent)
drops = sum(r["drops"]["socket"] for r in ivals)
assert sink["socket_drops"] > 0 and drops > 0, "no socket drops: the application was not slow enough"
assert abs(drops - sink["socket_drops"]) <= 0.01 * sink["socket_drops"] + 1, \
    "socket drops %d vs the socket's own %d" % (drops, sink["socket_drops"])
assert obs < 0.95 * lam, "observed %.0f not below lambda %.0f" % (obs, lam)
# busy: every interval wholly inside the sending, i.e. not the first or last with traffic
busy = [i for i, r in enumerate(ivals) if r["state"] != "idle"]
assert len(busy) >= 3, "only %d busy intervals" % len(busy)
for r in ivals[busy[0] + 1:busy[-1]]:
    assert r["predicted_pps"] is not None and r["predicted_pps"] > 0, "no prediction in %s" % r
    assert r["model"] in ("dma", "nodma"), r["model"]
    assert r["proto_us"] is not None and r["proto_us"] > 0
    assert r["state"] in ("saturated", "livelock"), "state %s with socket drops" % r["state"]
    assert isinstance(r["raw"], dict) and r["raw"]["stack_packets"] > 0
    # every read of the reader timed: it was seen on its CPU the whole interval
    # (the socket holds ~100 datagrams, so reads and deliveries differ by that)
    assert abs(r["raw"]["app_reads"] - r["raw"]["app_packets"]) <= 0.03 * r["raw"]["app_packets"], \
        "%d reads timed of %d datagrams delivered" % (r["raw"]["app_reads"], r["raw"]["app_packets"])
    # 1/mu from the reader thread's own on-CPU time: the 150 us of work per packet
    assert r["proto_source"].endswith("app") and 75 <= r["proto_us"] <= 300, \
        "1/mu %s us (%s) for 150 us of work per packet" % (r["proto_us"], r["proto_source"])
# the model does not know other processes that take the reader's CPU: judge
# the median interval, not each one
errs = sorted(abs(r["error_pct"]) for r in ivals[busy[0] + 1:busy[-1]])
# shown with tests/run -v: the figures the README quotes
print("    steady intervals: error %s %%, 1/mu %s us" % (
    ", ".join("%+.1f" % r["error_pct"] for r in ivals[busy[0] + 1:busy[-1]]),
    ", ".join("%.0f" % r["proto_us"] for r in ivals[busy[0] + 1:busy[-1]])), file=sys.stderr)
assert errs[len(errs) // 2] <= 30, "median |error| %.1f%% over %s" % (errs[len(errs) // 2], errs)
assert summary[0]["intervals"] == 7
PY
	rm -f "$trace" "$sink" "$send"
}

# The tool started while the application is already behind its queue: the
# reader never sleeps, so no wakeup names it; its own receive calls must.
test_reader_busy_before_attach() {
	lt_need_traffic || return
	lt_netns_pair || { lt_fail "setup"; return; }
	local trace=$(mktemp) sink=$(mktemp) rdy=$(mktemp -u)
	lt_bg sink sh -c "ip netns exec $NS_RX $LT_TOOLS/udpsink -p $PORT --work-us 150 --rcvbuf 65536 --seconds 8 --json --ready-file $rdy > $sink"
	lt_wait_file "$rdy" || { lt_fail "udpsink did not start"; return; }
	lt_bg send sh -c "ip netns exec $NS_TX $LT_TOOLS/udpsend -d $LT_RX_ADDR -p $PORT -n 72000 -r 12000 >/dev/null"
	sleep 1.5	# the socket is full and stays full: the reader runs without a break
	ip netns exec "$NS_RX" "$LT_BIN" "$VETH_RX" 1 3 --json >"$trace" || { lt_fail "exit $?"; return; }
	python3 - "$trace" <<'PY' || lt_fail "see the assertion above"
import json, sys
ivals = [json.loads(l) for l in open(sys.argv[1]) if l.strip() and not json.loads(l).get("summary")]
assert len(ivals) == 3, len(ivals)
for r in ivals[1:]:	# the first holds the time before the reader's first receive
    assert r["state"] in ("saturated", "livelock"), r["state"]
    assert r["proto_source"].endswith("app") and 75 <= r["proto_us"] <= 300, \
        "1/mu %s us (%s) for 150 us of work per packet" % (r["proto_us"], r["proto_source"])
    assert r["raw"]["app_threads"] == 1, r["raw"]["app_threads"]
PY
	rm -f "$trace" "$sink"
}

# No traffic: every interval is "idle", with no made-up numbers, and valid JSON.
test_idle_link() {
	lt_netns_pair || { lt_fail "setup"; return; }
	local out=$(mktemp) tab=$(mktemp)
	ip netns exec "$NS_RX" "$LT_BIN" "$VETH_RX" 0.2 4 --json >"$out" || { lt_fail "exit $?"; return; }
	python3 - "$out" <<'PY' || lt_fail "idle JSON"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
ivals = [r for r in rows if not r.get("summary")]
assert len(ivals) == 4, len(ivals)
for r in ivals:
    assert r["state"] == "idle", r["state"]
    assert r["predicted_pps"] is None and r["error_pct"] is None, r
    assert r["lambda_pps"] == 0 and r["observed_pps"] == 0
assert rows[-1].get("summary") is True and rows[-1]["busy_intervals"] == 0
PY
	ip netns exec "$NS_RX" "$LT_BIN" "$VETH_RX" 0.2 3 >"$tab" || { lt_fail "table exit $?"; return; }
	lt_assert_eq "$(grep -c ' idle$' "$tab")" 3 "table lines in state idle"
	rm -f "$out" "$tab"
}

# --record: a header describing the run, every interval, the summary.
test_record_file() {
	lt_netns_pair || { lt_fail "setup"; return; }
	local rec=$(mktemp) out=$(mktemp)
	ip netns exec "$NS_RX" "$LT_BIN" "$VETH_RX" 0.2 3 --record "$rec" --window 2 >"$out" ||
		{ lt_fail "exit $?"; return; }
	python3 - "$rec" "$VETH_RX" <<'PY' || lt_fail "record file"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
h = rows[0]
assert h["record"] == "livelock-trace" and h["format"] == 1
assert h["device"]["name"] == sys.argv[2] and h["device"]["driver"] == "veth"
assert h["coalesce"]["supported"] is False and h["coalesce"]["rx_usecs"] is None
assert h["options"]["window"] == 2 and h["options"]["interval_s"] == 0.2
assert h["options"]["argv"][-1] == "2"
assert len([r for r in rows[1:] if "lambda_pps" in r and not r.get("summary")]) == 3
assert rows[-1].get("summary") is True
PY
	lt_assert_eq "$(grep -c ' idle$' "$out")" 3 "the screen still shows the table"
	rm -f "$rec" "$out"
}

# --deliver forward: a router namespace between sender and receiver; the
# packets it forwards are what it "delivers".
test_deliver_forward() {
	lt_need_traffic || return
	local tag=$$ a=ltfa$$ r=ltfr$$ b=ltfb$$ trace=$(mktemp) n=5000
	for ns in $a $r $b; do ip netns add $ns || { lt_fail "netns"; return; }; _lt_netns+=($ns); done
	ip link add va netns $a type veth peer name ra netns $r &&
	ip link add vb netns $b type veth peer name rb netns $r || { lt_fail "veth"; return; }
	ip -n $a addr add 198.18.2.2/24 dev va; ip -n $r addr add 198.18.2.1/24 dev ra
	ip -n $r addr add 198.18.3.1/24 dev rb; ip -n $b addr add 198.18.3.2/24 dev vb
	for x in "$a va" "$r ra" "$r rb" "$b vb"; do set -- $x; ip -n $1 link set $2 up; ip -n $1 link set lo up; done
	ip -n $a route add default via 198.18.2.1
	ip -n $b route add default via 198.18.3.1
	ip netns exec $r sysctl -qw net.ipv4.ip_forward=1
	for ns in $a $r $b; do ip netns exec $ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1; done
	# static neighbours: no ARP in the counts
	ip -n $a neigh replace 198.18.2.1 lladdr "$(ip -n $r -br link show ra | awk '{print $3}')" dev va nud permanent
	ip -n $r neigh replace 198.18.3.2 lladdr "$(ip -n $b -br link show vb | awk '{print $3}')" dev rb nud permanent
	lt_bg trace ip netns exec $r "$LT_BIN" ra 1 4 --json --deliver forward --ready-file "$trace.ready" >"$trace"
	lt_wait_file "$trace.ready" || { lt_fail "livelock-trace did not attach"; return; }
	ip netns exec $a "$LT_TOOLS/udpsend" -d 198.18.3.2 -p $PORT -n $n -r 5000 >/dev/null
	wait "$BG_trace"
	lt_assert_eq "$(lt_json_sum "$trace" raw.forwarded_packets)" $n "packets forwarded" &&
	lt_assert_eq "$(lt_json "$trace" deliver 1)" forward "deliver field"
	rm -f "$trace" "$trace.ready"
}

test_bad_option_values() {
	local args
	for args in "--model fast" "--mapping none" "--deliver mail" "--window 0" "--buffer -3" "--record"; do
		lt_assert_usage_error "lo $args" || return
	done
}

lt_run_tests
