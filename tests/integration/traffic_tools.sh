#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# udpsend and udpsink, the ground truth of every other test and of the lab:
# exact counts, pacing, where a deaf or slow application's packets go, bounds,
# bad input.  Between two fresh namespaces, on 198.18.0.0/15, bounded.
. "$(dirname "$0")/../lib.sh"
LT_NEEDS_ROOT=1

PORT=9000
SRC_PORT=40000
SEND="$LT_TOOLS/udpsend"
SINK="$LT_TOOLS/udpsink"

need_tools() {
	[ -x "$SEND" ] && [ -x "$SINK" ] || { lt_skip "traffic tools not built (make tools)"; return 1; }
}

# Start udpsink in $NS_RX with the given options, JSON into FILE; return once bound.
start_sink() {	# FILE options...
	local out=$1 rdy
	shift
	rdy=$(mktemp -u)
	lt_bg sink sh -c "exec ip netns exec $NS_RX $SINK -p $PORT --json --ready-file $rdy $* >$out"
	lt_wait_file "$rdy" || { lt_fail "udpsink not ready after 10 s"; return 1; }
	rm -f "$rdy"
}

# Packets the per-CPU backlogs dropped so far, all CPUs (2nd column, hex).
backlog_drops() {
	local n=0 d
	while read -r _ d _; do n=$((n + 0x$d)); done </proc/net/softnet_stat
	echo $n
}

send() {	# OUT options... : udpsend from $NS_TX to the sink, JSON into OUT
	local out=$1
	shift
	ip netns exec "$NS_TX" "$SEND" -d "$LT_RX_ADDR" -p $PORT --src-port $SRC_PORT --json "$@" >"$out"
}

test_exact_count_at_20kpps() {
	need_tools || return
	lt_netns_pair || { lt_fail "setup"; return; }
	local snd=$(mktemp) sink=$(mktemp) n=20000 before lost
	# A receive buffer that holds the whole run: on a shared host the reader
	# can be descheduled for tens of milliseconds, and this test is about the
	# tools' counts, not about the default buffer.
	start_sink "$sink" --expect $n --idle-exit 1000 --seconds 10 --rcvbuf 33554432 || return
	before=$(backlog_drops)
	send "$snd" -n $n -r 20000 || { lt_fail "udpsend exited $?"; return; }
	wait "$BG_sink"
	lost=$(( $(backlog_drops) - before ))
	if [ "$lost" -gt 0 ]; then
		# The per-CPU backlog (net.core.netdev_max_backlog, host-wide) overflowed
		# while the host stalled the softirq: the kernel counted each one.
		lt_assert_eq "$(lt_json "$snd" sent)" $n "packets sent" &&
		lt_assert_eq "$(( $(lt_json "$sink" received) + lost ))" $n "packets received plus the $lost the backlog dropped"
		rm -f "$snd" "$sink"
		return
	fi
	lt_assert_eq "$(lt_json "$snd" sent)" $n "packets sent" &&
	lt_assert_eq "$(lt_json "$snd" complete)" True "sender complete" &&
	lt_assert_eq "$(lt_json "$sink" received)" $n "packets the application received" &&
	lt_assert_eq "$(lt_json "$sink" unique)" $n "distinct sequence numbers" &&
	lt_assert_eq "$(lt_json "$sink" missing)" 0 "missing sequence numbers" &&
	lt_assert_eq "$(lt_json "$sink" socket_drops)" 0 "socket drops" &&
	lt_assert_eq "$(lt_json "$sink" bytes)" $((n * 64)) "payload bytes (64 each)"
	rm -f "$snd" "$sink"
}

# Pacing: the sender's own achieved rate against the requested one.
check_rate() {	# ARRIVALS COUNT
	need_tools || return
	lt_netns_pair || { lt_fail "setup"; return; }
	local snd=$(mktemp) sink=$(mktemp)
	start_sink "$sink" --expect "$2" --idle-exit 1000 --seconds 10 || return
	send "$snd" -n "$2" -r 10000 --arrivals "$1" || { lt_fail "udpsend exited $?"; return; }
	wait "$BG_sink"
	lt_assert_near "$(lt_json "$snd" pps)" 10000 5 "$1 achieved rate" &&
	lt_assert_eq "$(lt_json "$sink" received)" "$2" "packets received"
	rm -f "$snd" "$sink"
}

test_rate_constant_10kpps() { check_rate constant 10000; }
test_rate_poisson_10kpps() { check_rate poisson 20000; }

test_bursty_exact_count() {
	need_tools || return
	lt_netns_pair || { lt_fail "setup"; return; }
	local snd=$(mktemp) sink=$(mktemp) n=5000
	start_sink "$sink" --expect $n --idle-exit 1000 --seconds 10 || return
	send "$snd" -n $n -r 10000 --arrivals bursty --burst 20 --burst-fixed --seed 3 ||
		{ lt_fail "udpsend exited $?"; return; }
	wait "$BG_sink"
	lt_assert_eq "$(lt_json "$snd" sent)" $n "packets sent" &&
	lt_assert_eq "$(lt_json "$sink" received)" $n "packets received in bursts"
	rm -f "$snd" "$sink"
}

# A deaf application: every packet is either dropped at its full socket
# buffer or still queued there; none reaches it.
test_deaf_sink_accounts_for_every_packet() {
	need_tools || return
	lt_netns_pair || { lt_fail "setup"; return; }
	local snd=$(mktemp) sink=$(mktemp) n=10000
	start_sink "$sink" --no-read --rcvbuf 65536 --seconds 10 || return
	send "$snd" -n $n -r 20000 || { lt_fail "udpsend exited $?"; return; }
	lt_stop "$BG_sink"
	local recv=$(lt_json "$sink" received) drops=$(lt_json "$sink" socket_drops)
	local queued=$(lt_json "$sink" queued)
	lt_log "deaf sink: received $recv, socket drops $drops, queued $queued"
	lt_assert_eq "$recv" 0 "packets received by a deaf application" &&
	lt_assert_ge "$drops" 1 "socket drops" &&
	lt_assert_ge "$queued" 1 "packets left queued" &&
	lt_assert_eq "$((recv + drops + queued))" $n "received + socket drops + queued"
	rm -f "$snd" "$sink"
}

# A slow application (200 us a packet, at most 5 kpps) offered 20 kpps.
test_slow_sink_keeps_its_pace() {
	need_tools || return
	lt_netns_pair || { lt_fail "setup"; return; }
	local snd=$(mktemp) sink=$(mktemp) n=10000
	start_sink "$sink" --delay-us 200 --rcvbuf 65536 --idle-exit 300 --seconds 10 || return
	send "$snd" -n $n -r 20000 || { lt_fail "udpsend exited $?"; return; }
	wait "$BG_sink"
	local recv=$(lt_json "$sink" received) drops=$(lt_json "$sink" socket_drops)
	local queued=$(lt_json "$sink" queued)
	lt_log "slow sink: received $recv at $(lt_json "$sink" pps) pps, socket drops $drops"
	lt_assert_le "$(lt_json "$sink" pps)" 5000 "slow application's receive rate" &&
	lt_assert_ge "$drops" 1 "socket drops" &&
	lt_assert_eq "$((recv + drops + queued))" $n "received + socket drops + queued"
	rm -f "$snd" "$sink"
}

# --work-us is computation, not a wait: 400 datagrams at 2 ms each cost the
# reader at least 0.8 s of its own CPU time, whatever else ran meanwhile.
test_work_is_cpu_time() {
	need_tools || return
	lt_netns_pair || { lt_fail "setup"; return; }
	local snd=$(mktemp) sink=$(mktemp) n=400
	start_sink "$sink" --work-us 2000 --idle-exit 500 --seconds 10 || return
	send "$snd" -n $n -r 400 || { lt_fail "udpsend exited $?"; return; }
	wait "$BG_sink"
	local recv=$(lt_json "$sink" received) cpu=$(lt_json "$sink" cpu_seconds)
	lt_log "work sink: received $recv, $cpu s of CPU, $(lt_json "$sink" work_rounds_per_us) rounds/us"
	lt_assert_eq "$recv" $n "datagrams received (none dropped at half the reader's pace)" &&
	lt_assert_ge "$(awk -v c="$cpu" 'BEGIN{printf "%d", c * 1000}')" $((n * 2 * 9 / 10)) \
		"the reader's CPU time, ms, for $n x 2 ms of work"
	rm -f "$snd" "$sink"
}

test_sender_time_bound() {
	need_tools || return
	lt_netns_pair || { lt_fail "setup"; return; }
	local snd=$(mktemp) err=$(mktemp) sink=$(mktemp) rc t0 t1
	start_sink "$sink" --seconds 5 || return
	t0=$(date +%s%N)
	send "$snd" -n 1000000 -r 1000 --max-seconds 0.3 2>"$err"
	rc=$?
	t1=$(date +%s%N)
	lt_assert_eq "$rc" 1 "exit code when --max-seconds cuts the run short" &&
	lt_assert_eq "$(wc -l <"$err")" 1 "stderr lines" &&
	lt_assert_eq "$(lt_json "$snd" complete)" False "sender complete" &&
	lt_assert_near "$(lt_json "$snd" sent)" 300 10 "packets sent in 0.3 s at 1 kpps" &&
	lt_assert_le "$(((t1 - t0) / 1000000))" 1000 "wall time (ms) of a 0.3 s bound"
	rm -f "$snd" "$err" "$sink"
}

test_sink_stops_by_itself() {
	need_tools || return
	lt_netns_pair || { lt_fail "setup"; return; }
	local out=$(mktemp) t0 t1
	t0=$(date +%s%N)
	ip netns exec "$NS_RX" "$SINK" -p $PORT --seconds 0.3 --json >"$out" ||
		{ lt_fail "udpsink exited $?"; return; }
	t1=$(date +%s%N)
	lt_assert_eq "$(lt_json "$out" received)" 0 "packets received" &&
	lt_assert_le "$(((t1 - t0) / 1000000))" 1000 "wall time (ms) of --seconds 0.3"
	rm -f "$out"
}

test_help_has_units_and_example() {
	need_tools || return
	local tool
	for tool in "$SEND" "$SINK"; do
		"$tool" --help | grep -q '^Example: ' ||
			{ lt_fail "$(basename "$tool") --help has no example"; return; }
		"$tool" --help | grep -q 'per second\|microseconds\|seconds' ||
			{ lt_fail "$(basename "$tool") --help has no units"; return; }
	done
}

# Each: exit 2, nothing on stdout, exactly one line on stderr.
test_bad_options_exit_2() {
	need_tools || return
	local out=$(mktemp) err=$(mktemp) rc args
	local d="-d 198.18.0.1 -p 9"
	local -a cases=(
		"udpsend -p 9 -n 10 -r 10"
		"udpsend $d -n 10"
		"udpsend $d -n abc -r 10"
		"udpsend $d -n 1.5 -r 10"
		"udpsend $d -n 0 -r 10"
		"udpsend $d -n 10 -r 0"
		"udpsend $d -n 10 -r -5"
		"udpsend $d -n 10 -r 1e9"
		"udpsend $d -n 10 -r 10x"
		"udpsend -d 198.18.0.1 -p 70000 -n 10 -r 10"
		"udpsend -d 300.1.1.1 -p 9 -n 10 -r 10"
		"udpsend $d -n 10 -r 10 --arrivals sometimes"
		"udpsend $d -n 10 -r 10 -s 4"
		"udpsend $d -n 10 -r 10 --burst 0"
		"udpsend $d -n 10 -r 10 --burst 2.5 --burst-fixed"
		"udpsend $d -n 10 -r 10 --seed -1"
		"udpsend $d -n 10 -r 10 --max-seconds 0"
		"udpsend $d -n 10 -r 10 --bogus"
		"udpsend $d -n 10 -r 10 extra"
		"udpsend $d -n 10 -r"
		"udpsink"
		"udpsink -p 0"
		"udpsink -p 9 --rcvbuf lots"
		"udpsink -p 9 --seconds -1"
		"udpsink -p 9 --idle-exit 0"
		"udpsink -p 9 --expect 0"
		"udpsink -p 9 --delay-us 1e9"
		"udpsink -p 9 --work-us -1"
		"udpsink -p 9 --work-us 10 --delay-us 10"
		"udpsink -p 9 -b nowhere"
		"udpsink -p 9 --seconds"
		"udpsink -p 9 stray"
	)
	for args in "${cases[@]}"; do
		# shellcheck disable=SC2086 # the case is a word list
		"$LT_TOOLS"/$args >"$out" 2>"$err"
		rc=$?
		lt_assert_eq "$rc" 2 "exit code of '$args'" &&
		lt_assert_eq "$(wc -l <"$err")" 1 "stderr lines of '$args'" &&
		lt_assert_eq "$(wc -c <"$out")" 0 "stdout bytes of '$args'" || break
	done
	rm -f "$out" "$err"
}

lt_run_tests
