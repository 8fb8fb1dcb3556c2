#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# `sweep --predict`: forecasts and changes nothing.  From a record it needs
# no privilege at all (run as nobody) and writes nothing: no save file, no
# record directory; its numbers follow the interrupt cap of each setting.
# Live on a veth (no coalescing) it is refused before anything is attached.
LT_NEEDS_ROOT=1
. "$(dirname "$0")/../lib.sh"

REC=$LT_ROOT/tests/fixtures/records/whatif-e1000.jsonl
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"

test_from_record_as_nobody() {
	local out=$(mktemp) err=$(mktemp) rc before
	chmod 644 "$REC"
	before=$(ls -A /run/livelock-trace 2>/dev/null | wc -l)
	(cd / && $NOBODY "$LT_BIN" sweep --predict --from "$REC" --rx-usecs 0,100,500,1000,5000 \
		--rate 40000 --goal cpu --json >"$out" 2>"$err"); rc=$?
	lt_assert_eq "$rc" 0 "exit code ($(head -c 300 "$err"))" &&
	lt_assert_eq "$(lt_json "$out" changed)" False "says it changed nothing" &&
	lt_assert_eq "$(ls -A /run/livelock-trace 2>/dev/null | wc -l)" "$before" "no save file" &&
	lt_assert_eq "$(python3 - "$out" <<'PY'
import json, sys
o = json.loads(open(sys.argv[1]).read().splitlines()[-1])
s = [x["forecast"] for x in o["settings"]]
bad = []
if len(s) != 5 or not all(x["predicted"] for x in s):
    bad.append("5 forecasts")
us = [0, 100, 500, 1000, 5000]
for u, x in zip(us, s):
    for at in ("now", "at_rate"):
        w = x[at]
        # a throttle of U us: at most 1e6/U interrupts a second
        if u and w["irqs_per_s"] > 1e6 / u * (1 + 1e-9):
            bad.append("cap %d %s" % (u, at))
        if abs(w["irqs_per_s"] * w["pkts_per_irq"] - w["lambda_pps"]) > 1e-6 * w["lambda_pps"]:
            bad.append("irqs x batch = lambda at %d" % u)
        if not (w["coalesce_delay_mean_us"] <= u / 2 + 1e-9 or u == 0):
            bad.append("throttle delay above U/2 at %d" % u)
irq = [x["at_rate"]["irqs_per_s"] for x in s]
if irq != sorted(irq, reverse=True):
    bad.append("interrupts fall as rx-usecs grows: %s" % irq)
if s[0]["at_rate"]["lambda_pps"] != 40000:
    bad.append("rate")
rec = o["recommendation"]
if rec["goal"] != "cpu" or rec["setting"] is None:
    bad.append("recommendation %s" % rec)
else:
    pick = s[rec["setting"]]["at_rate"]
    if pick["latency_p99_us"] > rec["latency_bound_us"]:
        bad.append("pick over the bound")
print("; ".join(bad) or "ok")
PY
)" ok "forecasts follow each setting's cap"
	rm -f "$out" "$err"
}

# NAPI's deferral as a setting: interrupts fall to the episodes' few, the
# delay it adds stays under the timer on average, and a measured sweep
# refuses it.
test_napi_deferral_forecast() {
	local out=$(mktemp) err=$(mktemp) rc
	chmod 644 "$REC"
	(cd / && $NOBODY "$LT_BIN" sweep --predict --from "$REC" --defer-hard-irqs 0,2 --gro-flush-timeout 50000 \
		--rate 40000 --json >"$out" 2>"$err"); rc=$?
	lt_assert_eq "$rc" 0 "exit code ($(head -c 300 "$err"))" &&
	lt_assert_eq "$(python3 - "$out" <<'PY'
import json, sys
o = json.loads(open(sys.argv[1]).read().splitlines()[-1])
s = [x["forecast"] for x in o["settings"]]
bad = []
if len(s) != 2 or not all(x["predicted"] for x in s):
    bad.append("2 forecasts")
else:
    off, on = s
    if (off["defer_hard_irqs"], off["gro_flush_timeout_ns"], on["defer_hard_irqs"]) != (0, 50000, 2):
        bad.append("settings %s" % [(x["defer_hard_irqs"], x["gro_flush_timeout_ns"]) for x in s])
    for at in ("now", "at_rate"):
        a, b = off[at], on[at]
        # fewer at any load; at 40 kpps (~7 packets a 50 us cycle) episodes rarely end
        if not b["irqs_per_s"] < (0.2 if at == "at_rate" else 1) * a["irqs_per_s"]:
            bad.append("interrupts %s: %.0f with deferral, %.0f without" % (at, b["irqs_per_s"], a["irqs_per_s"]))
        if abs(b["irqs_per_s"] * b["pkts_per_irq"] - b["lambda_pps"]) > 1e-6 * b["lambda_pps"]:
            bad.append("irqs x batch = lambda %s" % at)
        # a packet waits at most for the next poll: the timer and the last poll's work
        if not (0 < b["coalesce_delay_mean_us"] <= 50):
            bad.append("delay %s %.1f us for a 50 us timer" % (at, b["coalesce_delay_mean_us"]))
        if a["coalesce_delay_mean_us"] != 0:
            bad.append("off adds %.1f us" % a["coalesce_delay_mean_us"])
print("; ".join(bad) or "ok")
PY
)" ok "deferral: fewer interrupts, a delay under the timer" &&
	lt_assert_usage_error "sweep --defer-hard-irqs 2" &&
	lt_assert_usage_error "sweep --predict --from $REC --gro-flush-timeout x" &&
	lt_assert_usage_error "sweep --predict --from $REC --defer-hard-irqs 2147483648"
	rm -f "$out" "$err"
}

test_table_names_the_pick() {
	local out=$(mktemp) rc
	"$LT_BIN" sweep --predict --from "$REC" --rx-usecs 0,100,1000 --goal latency >"$out" 2>/dev/null; rc=$?
	lt_assert_eq "$rc" 0 "exit code" &&
	lt_assert_eq "$(grep -c '^rx-usecs' "$out")" 3 "a row per setting" &&
	lt_assert_eq "$(grep -c '<-' "$out")" 1 "one setting marked" &&
	lt_assert_eq "$(grep -c '^goal latency: rx-usecs' "$out")" 1 "the goal's line" &&
	lt_assert_eq "$(grep -c 'nothing' "$out")" 1 "says nothing was changed"
	rm -f "$out"
}

test_refused_on_veth_nothing_attached() {
	lt_netns_pair || { lt_fail "setup"; return; }
	local err=$(mktemp) tmp=$(mktemp -d) rc links
	links=$(bpftool link list 2>/dev/null | grep -c '^[0-9]')
	ip netns exec "$NS_RX" "$LT_BIN" sweep "$VETH_RX" --predict --rx-usecs 0,100 --per 1s \
		--record-dir "$tmp/rec" >/dev/null 2>"$err"; rc=$?
	lt_assert_eq "$rc" 1 "exit code" &&
	lt_assert_eq "$(wc -l <"$err")" 1 "one line on stderr" &&
	lt_assert_eq "$(grep -c 'has no interrupt-coalescing settings' "$err")" 1 "says why" &&
	lt_assert_eq "$(ls -A "$tmp")" "" "no record directory" &&
	lt_assert_le "$(bpftool link list 2>/dev/null | grep -c '^[0-9]')" "$links" "no BPF link left"
	rm -rf "$err" "$tmp"
}

# --latency-plot: one labelled point a setting, its p99 against its CPU at
# interrupt priority, on a log axis; as nobody, from the record.
test_latency_plot() {
	local dir=$(mktemp -d) out rc
	chmod 755 "$dir"; chown 65534 "$dir"
	(cd / && $NOBODY "$LT_BIN" sweep --predict --from "$REC" --rx-usecs 0,100,500,1000,5000 \
		--latency-plot "$dir/lat.svg" --json >"$dir/out" 2>"$dir/err"); rc=$?
	lt_assert_eq "$rc" 0 "exit code ($(head -c 300 "$dir/err"))" &&
	lt_assert_eq "$(python3 - "$dir/lat.svg" "$dir/out" <<'PY'
import json, re, sys
svg = open(sys.argv[1]).read()
o = json.loads(open(sys.argv[2]).read().splitlines()[-1])
bad = []
labels = re.findall(r'class="label" x="([0-9.]+)" y="([0-9.]+)"[^>]*>([^<]*)<', svg)
if [l[2] for l in labels] != ["rx-usecs %d" % u for u in (0, 100, 500, 1000, 5000)]:
    bad.append("labels %s" % [l[2] for l in labels])
# higher p99 sits higher (smaller y), less CPU further left (smaller x)
fc = [s["forecast"]["now"] for s in o["settings"]]
for (xa, ya, _), (xb, yb, _), a, b in zip(labels, labels[1:], fc, fc[1:]):
    if (a["latency_p99_us"] < b["latency_p99_us"]) != (float(ya) > float(yb)):
        bad.append("p99 order")
    if (a["irq_share_pct"] < b["irq_share_pct"]) != (float(xa) < float(xb)) and a["irq_share_pct"] != b["irq_share_pct"]:
        bad.append("cpu order")
# log axis: ticks are 1, 2, 5 a decade
ticks = re.findall(r'text-anchor="end">([0-9.kM]+)<', svg)
if not {"100", "1k"} <= set(ticks) or "300" in ticks:
    bad.append("log ticks %s" % ticks)
if "measured" in svg:
    bad.append("measured points drawn from a forecast")
print(" ".join(bad) or "ok")
PY
)" ok "the plot"
	"$LT_BIN" sweep --predict --from "$REC" --rx-usecs 0 --latency-plot /nonexistent/lat.svg >/dev/null 2>"$dir/err"; rc=$?
	lt_assert_eq "$rc" 1 "unwritable plot: exit code" &&
	lt_assert_eq "$(grep -c 'cannot write /nonexistent/lat.svg' "$dir/err")" 1 "says which file"
	rm -rf "$dir"
}

test_bad_usage() {
	lt_assert_usage_error "sweep --predict --from $REC --rx-usecs 0 --save /tmp/x" &&
	lt_assert_usage_error "sweep --predict --from $REC --rx-usecs 0 --goal fast" &&
	lt_assert_usage_error "sweep --predict --from $REC --rx-usecs 0 --rate -5" &&
	lt_assert_usage_error "sweep --predict --from $REC --rx-usecs 0 --latency-bound 100" &&
	lt_assert_usage_error "sweep eth9 --rx-usecs 0 --from $REC" &&
	lt_assert_usage_error "sweep --predict --rx-usecs 0" &&
	lt_assert_usage_error "sweep eth9 --show --latency-plot /tmp/x.svg" &&
	lt_assert_usage_error "sweep --restore /tmp/x.json --latency-plot /tmp/x.svg"
}

test_not_a_record() {
	local err=$(mktemp) rc
	"$LT_BIN" sweep --predict --from /etc/passwd --rx-usecs 0 >/dev/null 2>"$err"; rc=$?
	lt_assert_eq "$rc" 1 "exit code" && lt_assert_eq "$(wc -l <"$err")" 1 "one line"
	"$LT_BIN" sweep --predict --from "$LT_ROOT/tests/fixtures/records/forecast-light.jsonl" --rx-usecs 0 >/dev/null 2>"$err"; rc=$?
	lt_assert_eq "$rc" 1 "no coalescing in the record: exit code" &&
	lt_assert_eq "$(grep -c 'without coalescing settings' "$err")" 1 "says why"
	rm -f "$err"
}

lt_run_tests
