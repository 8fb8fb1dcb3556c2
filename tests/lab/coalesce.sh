#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# `tests/run lab`: interrupt-coalescing sweep on the lab's e1000 (qemu's
# 82545EM) under a fixed 20 kpps load, rx-usecs 0,1000,5000: every setting
# taken, fewer interrupts per packet and more packets per interrupt at the
# largest, the original back after the run, after SIGINT and (with
# sweep --restore) after SIGKILL; and the refusal
# on qemu's plain e1000 (82540EM, no coalescing) with nothing changed.
# About a minute.  One result line per check (scripts/lab/coalesce --json).
lab=$(cd "$(dirname "$0")/../../scripts/lab" && pwd)
if [ "$(id -u)" != 0 ]; then
	echo "SKIP lab/coalesce: the lab needs root (netns, tap)"
	exit 0
fi
if [ ! -x "$(dirname "$0")/../../livelock-trace-static" ]; then
	echo "SKIP lab/coalesce: no ./livelock-trace-static (make static)"
	exit 0
fi
out=$(mktemp)
trap 'rm -f "$out" "$out.err"' EXIT
for dev in e1000-82545em e1000; do
	rc=0
	"$lab/coalesce" --nic e1000 --device "$dev" --json >"$out" 2>"$out.err" || rc=$?
	if [ $rc = 3 ]; then
		echo "SKIP lab/coalesce_$dev: kernel package not available"
		continue
	fi
	python3 - "$dev" "$rc" "$out" "$out.err" <<'PY'
import json, sys
dev, rc, path, err = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
rows = [json.loads(l) for l in open(path) if l.strip()]
if not rows:
    tail = open(err).read().strip().splitlines()[-1:] or ["no output"]
    print("FAIL lab/coalesce_%s: exit %d: %s" % (dev, rc, tail[0]))
    sys.exit(0)
for r in rows:
    tag = {"kill": "sigkill", True: "sigint"}.get(r.get("interrupted"), "sweep")
    for c in r["checks"]:
        name = "lab/coalesce_%s_%s/%s" % (dev, tag, c["check"].replace(" ", "_"))
        print(("PASS %s" % name) if c["ok"] else ("FAIL %s: %s" % (name, c["detail"])))
PY
done
