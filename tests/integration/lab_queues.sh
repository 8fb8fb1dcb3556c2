#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The lab's --flows mix logic without a guest (scripts/lab/lab_queues.py,
# scripts/lab/queues): the source-port search against a fake tap hash, the
# per-reader rows, and the mix checks on rows kept in docs/lab.
source "$(dirname "$0")/../lib.sh"

LAB=$LT_ROOT/scripts/lab

# calibrate() finds, for each queue, a source port a fake tap hashes onto that
# queue (sending nothing: send_many is replaced), in as many COUNT exchanges as
# ports tried; it gives up with a RuntimeError naming the queue when no port lands.
test_calibrate_finds_a_port_per_queue() {
	python3 - "$LAB" <<'PY' || lt_fail "calibrate: see the assertion above"
import json, os, sys
sys.path.insert(0, sys.argv[1])
import lab_queues as lq
lq.time.sleep = lambda s: None	# no guest to wait for

class FakeLab:
    """A guest whose tap puts flow (sport, dport) on queue hash % queues."""
    def __init__(self, queues, land=None):
        self.queues, self.sent, self.counts, self.land = queues, None, 0, land
    def send(self, line):
        if line.startswith("COUNT"):
            self.counts += 1
    def expect(self, what, timeout):
        if what == "ARMED":
            return "0"
        sport, dport, rate = self.sent
        q = self.land(sport, dport) if self.land else (sport * 7 + dport * 3) % self.queues
        qs = [{"queue": i, "driver_packets": 40 if i == q else 0} for i in range(self.queues)]
        return "0 " + json.dumps({"queues": qs})

for queues in (2, 4):
    lab = FakeLab(queues)
    lq.send_many = lambda prefix, tool, dst, flows, secs, arr, pay, lab=lab: setattr(lab, "sent", flows[0])
    mix = lq.Mix(500)
    src = lq.calibrate(lab, [], "udpsend", "198.18.1.2", 9000, queues, 18, mix)
    assert len(src) == queues, src
    for q, s in enumerate(src):
        assert (s * 7 + (9000 + q) * 3) % queues == q, (q, s)
    assert lab.counts == src[-1] - lq.MIX_PORT0 + 1, (lab.counts, src)
    flows = lq.mix_flows(mix, 9000, 3000)
    assert flows[0] == (src[0], 9000, 3000) and all(f[2] == 500 for f in flows[1:]), flows
    if os.environ.get("LT_VERBOSE") == "1":
        print("    queues %d: ports %s in %d tries" % (queues, src, lab.counts), file=sys.stderr)

# a queue no flow lands on: one line naming it, after MIX_TRIES tries
lab = FakeLab(2, land=lambda s, d: 0)
lq.send_many = lambda prefix, tool, dst, flows, secs, arr, pay: setattr(lab, "sent", flows[0])
try:
    lq.calibrate(lab, [], "udpsend", "198.18.1.2", 9000, 2, 18, lq.Mix(500))
    raise AssertionError("no error")
except RuntimeError as e:
    assert "queue 1" in str(e), e
    assert lab.counts == 1 + lq.MIX_TRIES, lab.counts

# each reader's in-window count and rate, its flow's sent count beside it
rows = lq.sink_rows([{"received": 9100, "received_at_mark": 9000, "socket_drops": 3},
                     {"received": 1500, "received_at_mark": -1}], lq.Mix(500), [12000, 1500], 3.0)
assert rows[0]["received_in_window"] == 9000 and rows[0]["sink_pps"] == 3000.0 and rows[0]["sent"] == 12000
assert rows[1]["received_in_window"] == 1500 and rows[1]["sink_pps"] == 500.0, rows[1]
PY
}

# The mix checks on the kept rows of the first run: every check passes but the
# forecast's (+17.6% against the 10% target), and the exit code says so.
test_mix_checks_on_kept_rows() {
	local out rc
	out=$("$LAB/queues" --mix --from "$LT_ROOT/docs/lab/queues-mix-1" 2>&1); rc=$?
	lt_assert_eq "$rc" 1 "exit code (one check fails)" &&
	lt_assert_eq "$(grep -c '^FAIL' <<<"$out")" 1 "FAIL lines" &&
	lt_assert_eq "$(grep -c "^FAIL mix: queue 0's forecast capacity 3881.1 pps .*+17.6%" <<<"$out")" 1 "the one failing check is the forecast's" &&
	lt_assert_ge "$(grep -c '^PASS' <<<"$out")" 70 "PASS lines" &&
	lt_assert_eq "$(grep -c '^PASS mix [0-9]* pps: light queue 1: state ok' <<<"$out")" 9 "the light queue ok at every rate" &&
	lt_assert_eq "$(grep -c "^PASS mix [0-9]* pps: queue 0's reader read [0-9]*% of its flow; queue 0 state saturated, device saturated" <<<"$out")" 3 \
		"saturated where the reader fell under 90% (3750, 4500, 6000 pps)"
}

# A row where the hot queue's reader fell under 90% but the tool said ok: a FAIL.
test_mix_check_catches_a_wrong_state() {
	local d out
	d=$(mktemp -d)
	python3 - "$LT_ROOT/docs/lab/queues-mix-1/virtio-q2-mix.json" "$d/virtio-q2-mix.json" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
for r in rows:
    if r["rate_pps"] == 6000:
        r["queues"][0]["state"] = "ok"
with open(sys.argv[2], "w") as f:
    f.write("".join(json.dumps(r) + "\n" for r in rows))
PY
	out=$("$LAB/queues" --mix --from "$d" 2>&1)
	rm -rf "$d"
	lt_assert_eq "$(grep -c "^FAIL mix 6000 pps: queue 0's reader read 52% of its flow; queue 0 state ok" <<<"$out")" 1 \
		"the wrong state is caught"
}

lt_run_tests
