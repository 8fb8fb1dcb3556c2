#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# `exporter` from the command line without privileges: bad values, help, and
# the alert rules under promtool's unit tests.
. "$(dirname "$0")/../lib.sh"

PROMTOOL=${PROMTOOL:-/usr/bin/promtool}

test_bad_values() {
	local a
	for a in "--listen foo" "--listen 127.0.0.1" "--listen 127.0.0.1:0" "--listen 127.0.0.1:65536" \
		 "--listen 127.0.0.1:-1" "--listen 300.1.1.1:9747" "--listen [::1:9747" "--listen ::1:9747" \
		 "--listen 127.0.0.1:97x" "--listen" "--interval 0" "--interval abc" "--sample 1" \
		 "--sample 101" "--full --sample 5" "--sample 100 --interval 0.5" "--rescan 0.5" \
		 "--rescan 2 --interval 3" "--bogus"; do
		lt_assert_usage_error "exporter $a" || return
	done
}

test_help() {
	local out
	out=$("$LT_BIN" exporter --help) || { lt_fail "--help exit code"; return; }
	echo "$out" | grep -q -- '--listen ADDR:PORT' || { lt_fail "--help lacks --listen"; return; }
	echo "$out" | grep -q '127.0.0.1:9747' || lt_fail "--help lacks the default address"
}

test_rules_pass_promtool() {
	[ -x "$PROMTOOL" ] || { lt_skip "no $PROMTOOL (scripts/deps.sh installs prometheus)"; return; }
	local out
	out=$(cd "$LT_ROOT/contrib/prometheus" && "$PROMTOOL" check rules livelock.rules.yml 2>&1) ||
		{ lt_fail "promtool check rules: $out"; return; }
	out=$(cd "$LT_ROOT/contrib/prometheus" && "$PROMTOOL" test rules livelock.rules.test.yml 2>&1) ||
		{ lt_fail "promtool test rules: $out"; return; }
	# every alert of the rules file is tested, firing and not firing
	python3 - "$LT_ROOT/contrib/prometheus" <<'PY' || lt_fail "an alert without a firing and a quiet case"
import re, sys
d = sys.argv[1]
rules = re.findall(r"^\s*- alert: (\w+)", open(d + "/livelock.rules.yml").read(), re.M)
tests = open(d + "/livelock.rules.test.yml").read()
assert len(rules) == 3, rules
for r in rules:
    cases = re.findall(r"alertname: %s\n\s*exp_alerts:(.*?)(?=\n\s*- eval_time|\n\s*- interval|\Z)" % r, tests, re.S)
    assert any(c.strip() == "[]" for c in cases) or len(cases) >= 2, "%s: no quiet case" % r
    assert any("exp_labels" in c for c in cases), "%s: no firing case" % r
PY
}

# Every series the dashboard queries is one the exporter writes (its names
# are string literals of src/metrics*.c and the counter list of metrics.h).
test_dashboard_uses_only_our_metrics() {
	python3 - "$LT_ROOT" <<'PY' || lt_fail "see above"
import glob, json, re, sys
root = sys.argv[1]
d = json.load(open(root + "/contrib/grafana/livelock-dashboard.json"))
exprs = [t["expr"] for p in d["panels"] for t in p.get("targets", [])]
assert len(exprs) >= 10, "only %d queries" % len(exprs)
src = "".join(open(f).read() for f in glob.glob(root + "/src/metrics*.[ch]"))
ours = set(re.findall(r'"((?:livelock|process)_[a-z_]+)"', src))
used = set()
for e in exprs:
    e = re.sub(r'"[^"]*"', '""', e)			# label values
    used |= set(re.findall(r"\b([a-z]+_[a-z_]+)\b(?!\s*\()", e))
bad = []
for n in used:
    base = re.sub(r"_(total|bucket|sum|count)$", "", n)
    if base not in ours:
        bad.append(n)
assert not bad, "not written by the exporter: %s" % sorted(bad)
print("    %d queries, %d metric names, all the exporter's" % (len(exprs), len(used)), file=sys.stderr)
PY
}

lt_run_tests
