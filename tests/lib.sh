# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Shared helpers for the integration tests (sourced, never run).
#
# A test file defines functions named test_* and ends with `lt_run_tests`.
# Each test runs in its own subshell with `trap lt_teardown EXIT`, so every
# namespace, veth and background job it made is gone on every exit path.
# Inside a test:
#   lt_skip "why"         mark skipped (missing feature) and return
#   lt_fail "why"         mark failed and return
#   lt_assert_eq A B what / lt_assert_near A B PCT what / lt_assert_ge A B what
#   lt_netns_pair         make namespaces $NS_RX, $NS_TX joined by a veth pair
#                         $VETH_RX (198.18.0.1/24) <-> $VETH_TX (198.18.0.2/24)
#   lt_bg NAME cmd...     start cmd as its own process group; $! in BG_NAME
#   lt_wait_file FILE     until FILE exists: a --ready-file of livelock-trace or udpsink
#   lt_wait_lines FILE N  until FILE has N lines (a tool's first intervals are out)
# Traffic stays inside these namespaces, on 198.18.0.0/15, bounded in count.

LT_ROOT=${LT_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
LT_BUILD=${LT_BUILD:-$LT_ROOT/build/dyn}
LT_BIN=${LT_BIN:-$LT_ROOT/livelock-trace}
LT_TOOLS=$LT_BUILD/tools
LT_VERBOSE=${LT_VERBOSE:-0}
LT_RX_ADDR=198.18.0.1
LT_TX_ADDR=198.18.0.2

_lt_status_file=""
_lt_pgids=()
_lt_netns=()

lt_log() { [ "$LT_VERBOSE" = 1 ] && echo "    $*" >&2; return 0; }

lt_fail() { echo "FAIL: $*" >>"$_lt_status_file"; return 1; }
lt_skip() { echo "SKIP: $*" >>"$_lt_status_file"; return 0; }

lt_assert_eq() {	# actual expected what
	[ "$1" = "$2" ] || { lt_fail "$3: got '$1', expected '$2'"; return 1; }
	lt_log "ok: $3 = $1"
}

lt_assert_ge() {	# actual min what
	awk -v a="$1" -v b="$2" 'BEGIN{exit !(a+0 >= b+0)}' ||
		{ lt_fail "$3: got $1, expected at least $2"; return 1; }
	lt_log "ok: $3 = $1 >= $2"
}

lt_assert_le() {	# actual max what
	awk -v a="$1" -v b="$2" 'BEGIN{exit !(a+0 <= b+0)}' ||
		{ lt_fail "$3: got $1, expected at most $2"; return 1; }
	lt_log "ok: $3 = $1 <= $2"
}

lt_assert_near() {	# actual expected pct what
	awk -v a="$1" -v e="$2" -v p="$3" \
		'BEGIN{d=a-e; if(d<0)d=-d; m=(e<0?-e:e); exit !(d <= m*p/100.0 || (m==0 && d==0))}' ||
		{ lt_fail "$4: got $1, expected $2 within $3%"; return 1; }
	lt_log "ok: $4 = $1 ~ $2 (±$3%)"
}

lt_need_traffic() {	# the traffic tools built and tracefs mounted, else skip
	[ -x "$LT_TOOLS/udpsend" ] && [ -x "$LT_TOOLS/udpsink" ] || { lt_skip "traffic tools not built (make tools)"; return 1; }
	mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
	return 0
}

lt_assert_usage_error() {	# ARGS (one word-split string): exit 2 and one line on stderr
	local err rc
	err=$("$LT_BIN" $1 2>&1 >/dev/null); rc=$?
	lt_assert_eq "$rc" 2 "exit code of '$1'" &&
	lt_assert_eq "$(printf '%s\n' "$err" | wc -l)" 1 "stderr lines of '$1'"
}

lt_bg() {	# NAME cmd... : background process group, stopped at teardown
	local name=$1; shift
	setsid "$@" &
	local pid=$!
	_lt_pgids+=("$pid")
	printf -v "BG_$name" '%s' "$pid"
}

# livelock-trace --ready-file FILE and udpsink --ready-file FILE create FILE
# once they are attached or listening: wait for it instead of sleeping.
lt_wait_file() {	# FILE [SECONDS]: 0 once FILE exists, 1 after SECONDS (10) without it
	local i
	for i in $(seq $(( ${2:-10} * 20 ))); do
		[ -e "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

lt_wait_lines() {	# FILE N [SECONDS]: 0 once FILE has N lines, 1 after SECONDS (10) without
	local i
	for i in $(seq $(( ${3:-10} * 20 ))); do
		[ -e "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ] && return 0
		sleep 0.05
	done
	return 1
}

lt_stop() {	# PID [SIG]: stop one background group now
	kill -"${2:-TERM}" -- "-$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

lt_netns_pair() {	# names start with $LT_NS_PREFIX (or $LT_NAME_PREFIX; default lt)
	local tag=$$-$RANDOM p=${LT_NS_PREFIX:-${LT_NAME_PREFIX:-lt}}
	NS_RX=${p}rx-$tag
	NS_TX=${p}tx-$tag
	VETH_RX=${p}r$RANDOM
	VETH_TX=${p}t$RANDOM
	ip netns add "$NS_RX" || return 1
	_lt_netns+=("$NS_RX")
	ip netns add "$NS_TX" || return 1
	_lt_netns+=("$NS_TX")
	local q=${LT_VETH_QUEUES:+numrxqueues $LT_VETH_QUEUES numtxqueues $LT_VETH_QUEUES}	# unset: one queue each
	ip link add "$VETH_RX" $q netns "$NS_RX" type veth peer name "$VETH_TX" $q netns "$NS_TX" || return 1
	ip -n "$NS_RX" addr add $LT_RX_ADDR/24 dev "$VETH_RX"
	ip -n "$NS_TX" addr add $LT_TX_ADDR/24 dev "$VETH_TX"
	ip -n "$NS_RX" link set lo up
	ip -n "$NS_TX" link set lo up
	ip -n "$NS_RX" link set "$VETH_RX" up
	ip -n "$NS_TX" link set "$VETH_TX" up
	# Static neighbours: no ARP packets in the counts.
	local mac_rx mac_tx
	mac_rx=$(ip -n "$NS_RX" -br link show "$VETH_RX" | awk '{print $3}')
	mac_tx=$(ip -n "$NS_TX" -br link show "$VETH_TX" | awk '{print $3}')
	ip -n "$NS_TX" neigh replace $LT_RX_ADDR lladdr "$mac_rx" dev "$VETH_TX" nud permanent
	ip -n "$NS_RX" neigh replace $LT_TX_ADDR lladdr "$mac_tx" dev "$VETH_RX" nud permanent
	# IPv6 off: no router solicitations or DAD packets in the counts.
	ip netns exec "$NS_RX" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip netns exec "$NS_TX" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
}

lt_teardown() {
	local p n
	for p in "${_lt_pgids[@]}"; do
		kill -TERM -- "-$p" 2>/dev/null
	done
	for p in "${_lt_pgids[@]}"; do
		kill -KILL -- "-$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	for n in "${_lt_netns[@]}"; do
		ip netns pids "$n" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
		ip netns del "$n" 2>/dev/null
	done
	return 0
}

# JSON field of the Nth line (1-based; default last) of a JSON Lines file.
lt_json() {	# FILE FIELD [LINE]
	python3 -c '
import json, sys
lines = [l for l in open(sys.argv[1]) if l.strip()]
i = int(sys.argv[3]) - 1 if len(sys.argv) > 3 else -1
v = json.loads(lines[i])
for k in sys.argv[2].split("."):
    v = v[k] if v is not None else None
print("null" if v is None else v)' "$@"
}

# Sum of a JSON field over every line of a JSON Lines file.
lt_json_sum() {	# FILE FIELD
	python3 -c '
import json, sys
t = 0
for l in open(sys.argv[1]):
    if not l.strip(): continue
    v = json.loads(l)
    for k in sys.argv[2].split("."):
        v = v.get(k) if isinstance(v, dict) else None
    t += v or 0
print(t)' "$@"
}

lt_run_tests() {
	local t file=$(basename "${BASH_SOURCE[1]}" .sh) st
	for t in $(declare -F | awk '{print $3}' | grep '^test_'); do
		if [ -n "${LT_PATTERN:-}" ] && [[ "$file/$t" != *"$LT_PATTERN"* ]]; then
			continue
		fi
		_lt_status_file=$(mktemp)
		(
			trap lt_teardown EXIT
			_lt_pgids=(); _lt_netns=()
			"$t"
		)
		local rc=$?
		st=$(head -n1 "$_lt_status_file")
		case "$st" in
		SKIP:*) echo "SKIP $file/$t:${st#SKIP:}" ;;
		FAIL:*) echo "FAIL $file/$t:${st#FAIL:}" ;;
		*) if [ $rc -eq 0 ]; then echo "PASS $file/$t";
		   else echo "FAIL $file/$t: exited $rc"; fi ;;
		esac
		rm -f "$_lt_status_file"
	done
}
