#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Simulator speed: events per second on one core, and the wall time of a
# 100-rate validation sweep (3 models each).  Writes build/bench/sim.json.
set -eu
cd "$(dirname "$0")/../.."
bin=${LT_BIN:-./livelock-trace}
out=build/bench/sim.json
mkdir -p build/bench

events_per_s() {	# MODEL_FLAGS...: best of 3 runs of 20M arrivals at 10 kpps
	local best=0 i t0 t1 ev rate
	for i in 1 2 3; do
		t0=$(date +%s.%N)
		ev=$("$bin" simulate --rate 10000 --packets 20000000 "$@" --json |
			python3 -c 'import json,sys; print(sum(json.loads(l)["events"] for l in sys.stdin))')
		t1=$(date +%s.%N)
		rate=$(python3 -c "print(int($ev / ($t1 - $t0)))")
		[ "$rate" -gt "$best" ] && best=$rate
	done
	echo "$best"
}

nodma=$(events_per_s --dma off)
dma=$(events_per_s --dma on)
t0=$(date +%s.%N)
"$bin" simulate --rate 333:33300:333 --packets 200000 --json >/dev/null
t1=$(date +%s.%N)
sweep=$(python3 -c "print(round($t1 - $t0, 2))")

printf '%-44s %s\n' "events/s, ideal + no-DMA, exp, 10 kpps" "$nodma" \
	"events/s, ideal + DMA, exp, 10 kpps" "$dma" \
	"100-rate sweep, 3 models, 200k packets (s)" "$sweep"
printf '{"events_per_s_nodma":%s,"events_per_s_dma":%s,"sweep_100_rates_s":%s,"cpu":"%s"}\n' \
	"$nodma" "$dma" "$sweep" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" >"$out"
