#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Upper devices (src/nic_lower.c): watching a bridge, bond, VLAN or macvlan
# traces its lower devices.  On veths in namespaces of our own (lthd*), on
# 198.18.7.0/24, with a bounded count from udpsend: the packets the tool
# counts arriving (stack, NAPI) and delivered for the upper device match what
# the application read, and the header and the record name the lower devices.
LT_NEEDS_ROOT=1
. "$(dirname "$0")/../lib.sh"

PORT=9000
# the sink reads into a 4 MiB socket buffer: this VM stalls a reader for 10 ms
# and more, and the default buffer (about 270 datagrams) then drops some
N=10000
RATE=10000
UP_ADDR=198.18.7.1

# Namespaces: $LNS (the receiver) and one sender per lower device ($LTX1, $LTX2).
lower_ns() {	# COUNT of senders
	local tag=$$$RANDOM i
	LNS=lthd-lrx-$tag
	LTX1=lthd-lt1-$tag LTX2=lthd-lt2-$tag
	for n in "$LNS" "$LTX1" $([ "$1" = 2 ] && echo "$LTX2"); do
		ip netns add "$n" || return 1
		_lt_netns+=("$n")
		ip -n "$n" link set lo up
		ip netns exec "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	done
}

# veth pair I: lthdrI$R in $LNS <-> lthdtI$R in sender namespace NS; GRO on the
# receiving end and TSO off on the sender: veth's NAPI path (napi:napi_poll).
lower_veth() {	# I NS
	local rx=lthdr$1$R tx=lthdt$1$R
	ip link add "$rx" netns "$LNS" type veth peer name "$tx" netns "$2" || return 1
	ip netns exec "$LNS" ethtool -K "$rx" gro on >/dev/null &&
	ip netns exec "$2" ethtool -K "$tx" tso off >/dev/null &&
	ip -n "$2" link set "$tx" up
}

mac_of() {	# NS DEV
	ip -n "$1" -br link show dev "$2" | awk '{print $3}'
}

# Sender I (namespace NS, device DEV, address 198.18.7.(1+I)) talks to UPPER: static neighbours, no ARP.
lower_sender() {	# I NS DEV UPPER
	local addr=198.18.7.$((1 + $1))
	ip -n "$2" addr add "$addr/24" dev "$3" && ip -n "$2" link set "$3" up &&
	ip -n "$2" neigh replace $UP_ADDR lladdr "$(mac_of "$LNS" "$4")" dev "$3" nud permanent &&
	ip -n "$LNS" neigh replace "$addr" lladdr "$(mac_of "$2" "$3")" dev "$4" nud permanent
}

lower_up() {	# UPPER: its address, up
	ip -n "$LNS" addr add $UP_ADDR/24 dev "$1" && ip -n "$LNS" link set "$1" up
}

# Traces UPPER, sends N packets from each sender given, and checks the counts.
# Expects the header line "# UPPER (KIND) → LOWERS: ..." and the record's lower list.
trace_and_count() {	# UPPER KIND "LOWER ..." NS:DEV ...
	local upper=$1 kind=$2 lowers=$3 rec sink rdy s total
	shift 3
	rec=$(mktemp -u).jsonl sink=$(mktemp) rdy=$(mktemp -u)
	lt_bg trace ip netns exec "$LNS" "$LT_BIN" "$upper" 1 $((3 + $#)) --record "$rec"
	lt_wait_lines "$rec" 2	# attached: an interval read
	lt_bg sink sh -c "exec ip netns exec $LNS $LT_TOOLS/udpsink -p $PORT --idle-exit 700 --rcvbuf 4194304 --json --ready-file $rdy >$sink"
	lt_wait_file "$rdy" 5 || { lt_fail "udpsink not ready"; return 1; }
	for s in "$@"; do
		ip netns exec "${s%%:*}" "$LT_TOOLS/udpsend" -d $UP_ADDR -p $PORT -n $N -r $RATE >/dev/null ||
			{ lt_fail "udpsend from ${s%%:*} failed"; return 1; }
	done
	wait "$BG_sink"; wait "$BG_trace"
	total=$(lt_json "$sink" received)
	lt_log "application read $total of $((N * $#))"
	lt_assert_ge "$total" $((N * $# * 99 / 100)) "datagrams the application read" &&
	lt_assert_eq "$(lt_json "$rec" device.upper 1)" "$upper" "record: the watched device" &&
	lt_assert_eq "$(python3 -c 'import json,sys; print(" ".join(json.loads(open(sys.argv[1]).readline())["device"]["lower"]))' "$rec")" \
		"$lowers" "record: the lower devices traced" &&
	lt_assert_eq "$(lt_json "$rec" summary)" True "record complete" &&
	lt_assert_near "$(lt_json_sum "$rec" raw.delivered_packets)" "$total" 1 "deliveries for $upper vs the application" &&
	lt_assert_near "$(lt_json_sum "$rec" raw.stack_packets)" "$total" 1 "packets entering the stack on ${lowers// /, } (each once)" &&
	lt_assert_near "$(lt_json_sum "$rec" raw.napi_packets)" "$total" 1 "NAPI work on ${lowers// /, }" || return 1
	# the screen header names the lower devices (the record's name of the traced one too)
	grep -q "^# $upper ($kind) → ${lowers// /, }: its lower device" "$LT_OUT" ||
		{ lt_fail "header has no '$upper ($kind) → ${lowers// /, }' line: $(head -2 "$LT_OUT")"; return 1; }
	rm -f "$rec" "$sink"
}

# The live command's screen output, for trace_and_count: lt_bg's stdout.
LT_OUT=""

run_traced() {	# as trace_and_count, with the screen output kept in $LT_OUT
	LT_OUT=$(mktemp)
	trace_and_count "$@" >"$LT_OUT"
	local rc=$?
	lt_log "header: $(head -1 "$LT_OUT")"
	rm -f "$LT_OUT"
	return $rc
}

test_bridge() {
	lt_need_traffic || return
	R=$((RANDOM % 10000))
	lower_ns 1 && lower_veth 1 "$LTX1" || { lt_fail "setup"; return; }
	ip -n "$LNS" link add lthdb$R type bridge && ip -n "$LNS" link set lthdr1$R master lthdb$R &&
	ip -n "$LNS" link set lthdr1$R up && lower_up lthdb$R &&
	lower_sender 1 "$LTX1" lthdt1$R lthdb$R || { lt_fail "bridge setup"; return; }
	run_traced lthdb$R bridge "lthdr1$R" "$LTX1:lthdt1$R"
}

# No IFACE: the default route's device is a bridge; its port is traced and named.
test_default_route_bridge() {
	R=$((RANDOM % 10000))
	lower_ns 1 && lower_veth 1 "$LTX1" || { lt_fail "setup"; return; }
	ip -n "$LNS" link add lthdb$R type bridge && ip -n "$LNS" link set lthdr1$R master lthdb$R &&
	ip -n "$LNS" link set lthdr1$R up && lower_up lthdb$R &&
	ip -n "$LNS" route add default via 198.18.7.2 dev lthdb$R || { lt_fail "bridge setup"; return; }
	local err rc
	err=$(ip netns exec "$LNS" "$LT_BIN" --exit-after-attach 2>&1 >/dev/null); rc=$?
	lt_assert_eq "$rc" 0 "exit code" &&
	lt_assert_eq "$(printf '%s\n' "$err" | grep -c "^livelock-trace: watching lthdr1$R (ifindex ")" 1 "the port is what is traced" &&
	lt_assert_eq "$(printf '%s\n' "$err" | grep -c "^livelock-trace: lthdb$R (bridge) → lthdr1$R: its lower device is traced$")" 1 \
		"the line naming the bridge and its port"
}

# The bridge deleted mid-run (its port stays): the summary, one line naming it, exit 1.
test_upper_vanishes() {
	R=$((RANDOM % 10000))
	lower_ns 1 && lower_veth 1 "$LTX1" || { lt_fail "setup"; return; }
	ip -n "$LNS" link add lthdb$R type bridge && ip -n "$LNS" link set lthdr1$R master lthdb$R &&
	ip -n "$LNS" link set lthdr1$R up && lower_up lthdb$R || { lt_fail "bridge setup"; return; }
	local out=$(mktemp) err=$(mktemp) rec=$(mktemp -u).jsonl pid rc
	ip netns exec "$LNS" "$LT_BIN" lthdb$R 0.2 0 --record "$rec" >"$out" 2>"$err" &
	pid=$!
	lt_wait_lines "$rec" 3
	ip -n "$LNS" link del lthdb$R
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$pid" 2>/dev/null && { kill -KILL "$pid"; lt_fail "still running 5 s after the bridge went"; return; }
	wait "$pid"; rc=$?
	lt_assert_eq "$rc" 1 "exit code" &&
	lt_assert_eq "$(wc -l <"$err")" 1 "stderr lines" &&
	lt_assert_eq "$(grep -c "interface lthdb$R disappeared" "$err")" 1 "the line names the bridge" &&
	lt_assert_eq "$(grep -c '^Summary of ' "$out")" 1 "summary on stdout" &&
	lt_assert_eq "$(lt_json "$rec" summary)" True "the record's summary line"
	rm -f "$out" "$err" "$rec"
}

# Bridge lthdb$R with ports lthdr1$R and lthdr2$R, a sender behind each.
bridge_two_ports() {
	R=$((RANDOM % 10000))
	lower_ns 2 && lower_veth 1 "$LTX1" && lower_veth 2 "$LTX2" || { lt_fail "setup"; return 1; }
	ip -n "$LNS" link add lthdb$R type bridge &&
	ip -n "$LNS" link set lthdr1$R master lthdb$R && ip -n "$LNS" link set lthdr2$R master lthdb$R &&
	ip -n "$LNS" link set lthdr1$R up && ip -n "$LNS" link set lthdr2$R up && lower_up lthdb$R &&
	lower_sender 1 "$LTX1" lthdt1$R lthdb$R && lower_sender 2 "$LTX2" lthdt2$R lthdb$R ||
		{ lt_fail "bridge setup"; return 1; }
}

# Two ports, one sender on each: both traced, their counts summed.
test_bridge_two_ports() {
	lt_need_traffic || return
	bridge_two_ports || return
	run_traced lthdb$R bridge "lthdr1$R lthdr2$R" "$LTX1:lthdt1$R" "$LTX2:lthdt2$R"
}

# The exporter watching a bridge of two ports: the series are labelled with the
# bridge, count both ports' packets (what the application read), and stderr
# names the ports traced.
test_exporter_bridge() {
	lt_need_traffic || return
	bridge_two_ports || return
	local port=$((20000 + RANDOM % 20000)) err=$(mktemp) sink=$(mktemp) rdy=$(mktemp -u) m=$(mktemp) total got deliv
	lt_bg exporter ip netns exec "$LNS" "$LT_BIN" exporter --listen 127.0.0.1:$port --full --interval 1 lthdb$R 2>"$err"
	for _ in $(seq 100); do ip netns exec "$LNS" curl -sf --max-time 5 http://127.0.0.1:$port/metrics >/dev/null 2>&1 && break; sleep 0.2; done
	lt_bg sink sh -c "exec ip netns exec $LNS $LT_TOOLS/udpsink -p $PORT --idle-exit 700 --rcvbuf 4194304 --json --ready-file $rdy >$sink"
	lt_wait_file "$rdy" 5 || { lt_fail "udpsink not ready"; return; }
	for s in "$LTX1:lthdt1$R" "$LTX2:lthdt2$R"; do
		ip netns exec "${s%%:*}" "$LT_TOOLS/udpsend" -d $UP_ADDR -p $PORT -n $N -r $RATE >/dev/null ||
			{ lt_fail "udpsend from ${s%%:*} failed"; return; }
	done
	wait "$BG_sink"
	sleep 2.2	# two more intervals: the last packets are in the totals
	ip netns exec "$LNS" curl -sf --max-time 20 http://127.0.0.1:$port/metrics >"$m"
	kill -TERM "$BG_exporter"; wait "$BG_exporter"
	total=$(lt_json "$sink" received)
	got=$(awk -v s="livelock_stack_packets_total{device=\"lthdb$R\",driver=\"veth\"}" '$1 == s { print $2 }' "$m")
	deliv=$(awk -v s="livelock_delivered_packets_total{device=\"lthdb$R\",driver=\"veth\"}" '$1 == s { print $2 }' "$m")
	lt_log "sent $((2 * N)), application read $total; the exporter counted ${got:-none} into the stack, ${deliv:-none} delivered, for lthdb$R"
	lt_assert_near "${got:-0}" $((2 * N)) 1 "stack packets of the bridge's series: both ports' (every one sent)" &&
	lt_assert_near "${deliv:-0}" "$total" 1 "deliveries of the bridge's series vs the application" &&
	lt_assert_eq "$(grep -c "^livelock-trace: exporter: watching lthdb$R " "$err")" 1 "watching the bridge" &&
	lt_assert_eq "$(grep -c "^livelock-trace: exporter: lthdb$R (bridge) → lthdr1$R, lthdr2$R: its lower devices are traced$" "$err")" 1 \
		"the line naming the ports traced" &&
	lt_assert_eq "$(grep -c "device=\"lthdr" "$m")" 0 "no series labelled with a port"
	rm -f "$err" "$sink" "$m"
}

test_macvlan() {
	lt_need_traffic || return
	R=$((RANDOM % 10000))
	lower_ns 1 && lower_veth 1 "$LTX1" || { lt_fail "setup"; return; }
	ip -n "$LNS" link set lthdr1$R up
	ip -n "$LNS" link add lthdm$R link lthdr1$R type macvlan mode bridge 2>/dev/null ||
		{ lt_skip "this kernel has no macvlan (CONFIG_MACVLAN)"; return; }
	lower_up lthdm$R && lower_sender 1 "$LTX1" lthdt1$R lthdm$R || { lt_fail "macvlan setup"; return; }
	run_traced lthdm$R macvlan "lthdr1$R" "$LTX1:lthdt1$R"
}

# A round-robin bond of two veths, a sender behind each slave.
test_bond() {
	lt_need_traffic || return
	R=$((RANDOM % 10000))
	lower_ns 2 && lower_veth 1 "$LTX1" && lower_veth 2 "$LTX2" || { lt_fail "setup"; return; }
	ip -n "$LNS" link add lthdo$R type bond mode balance-rr 2>/dev/null ||
		{ lt_skip "this kernel has no bonding driver (CONFIG_BONDING)"; return; }
	ip -n "$LNS" link set lthdr1$R master lthdo$R && ip -n "$LNS" link set lthdr2$R master lthdo$R &&
	lower_up lthdo$R &&
	lower_sender 1 "$LTX1" lthdt1$R lthdo$R && lower_sender 2 "$LTX2" lthdt2$R lthdo$R ||
		{ lt_fail "bond setup"; return; }
	run_traced lthdo$R bond "lthdr1$R lthdr2$R" "$LTX1:lthdt1$R" "$LTX2:lthdt2$R"
}

# VLAN 100 on both ends of the veth: the tagged frames arrive on the veth.
test_vlan() {
	lt_need_traffic || return
	R=$((RANDOM % 10000))
	lower_ns 1 && lower_veth 1 "$LTX1" || { lt_fail "setup"; return; }
	ip -n "$LNS" link add link lthdr1$R name lthdr1$R.100 type vlan id 100 2>/dev/null ||
		{ lt_skip "this kernel has no 802.1Q VLANs (CONFIG_VLAN_8021Q)"; return; }
	ip -n "$LTX1" link add link lthdt1$R name lthdt1$R.100 type vlan id 100 &&
	ip -n "$LNS" link set lthdr1$R up && ip -n "$LTX1" link set lthdt1$R up &&
	lower_up lthdr1$R.100 && lower_sender 1 "$LTX1" lthdt1$R.100 lthdr1$R.100 ||
		{ lt_fail "VLAN setup"; return; }
	run_traced lthdr1$R.100 vlan "lthdr1$R" "$LTX1:lthdt1$R.100"
}

lt_run_tests
