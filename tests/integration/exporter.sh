#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The Prometheus exporter on veth pairs in namespaces of our own: Debian's
# prometheus scraping known traffic, promtool's linter, the HTTP server's
# bounds (malformed requests, 100 concurrent scrapes, a slow client, fds),
# a device removed while scraped, and every probe detached after a signal.
LT_NEEDS_ROOT=1
. "$(dirname "$0")/../lib.sh"

PORT=9100	# the UDP port of the test traffic
PROMETHEUS=${PROMETHEUS:-/usr/bin/prometheus}
PROMTOOL=${PROMTOOL:-/usr/bin/promtool}

# A free TCP port in a fresh namespace: any of them.
free_port() { echo $((20000 + RANDOM % 20000)); }

# exp_start NAME ARGS...: the exporter in $NS_RX on $EXP_PORT, ready to answer.
exp_start() {
	local name=$1; shift
	EXP_PORT=$(free_port)
	EXP_ERR=$(mktemp)
	lt_bg "$name" ip netns exec "$NS_RX" "$LT_BIN" exporter --listen 127.0.0.1:$EXP_PORT "$@" 2>"$EXP_ERR"
	for _ in $(seq 100); do
		scrape >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	lt_fail "the exporter did not answer: $(head -c 300 "$EXP_ERR")"
	return 1
}

scrape() {	# [curl args]: /metrics of the exporter, in text format unless told
	ip netns exec "$NS_RX" curl -sf --max-time 20 "$@" "http://127.0.0.1:$EXP_PORT/metrics"
}

# value FILE SERIES: the value of one series (exact name and labels) in a scrape
value() { awk -v s="$2" '$1 == s { print $2; f = 1 } END { exit !f }' "$1"; }

# The exporter's pid: the child of `ip netns exec` (it execs, so the same pid).
exp_pid() { pgrep -f "exporter --listen 127.0.0.1:$EXP_PORT" | head -n1; }

# bpf_link ids held by a process, from its fdinfo.
link_ids() {
	local f
	for f in /proc/"$1"/fdinfo/*; do
		awk '/^link_id:/ { print $2 }' "$f" 2>/dev/null
	done | sort -n
}

# fds of a process other than BPF links (sampling windows open and close those)
fds_but_links() {	# PID: its open fds less BPF links and the perf events of tracepoint links (they come and go with the sampling windows)
	local n=0 f l
	for f in /proc/"$1"/fd/*; do
		# an fd closed between the listing and here (a sampling window's link
		# going) is no fd: counted, it made 40 of 30 in one run
		l=$(readlink "$f" 2>/dev/null) || continue
		case "$l" in
		"anon_inode:bpf_link"|"anon_inode:[perf_event]") ;;
		*) n=$((n + 1)) ;;
		esac
	done
	echo $n
}

# promql QUERY: the first result's value through the Prometheus HTTP API, or nothing
promql() {
	ip netns exec "$NS_RX" curl -sf --max-time 10 --data-urlencode "query=$1" \
		"http://127.0.0.1:$PROM_PORT/api/v1/query" 2>/dev/null | python3 -c '
import json, sys
try:
    r = json.load(sys.stdin)["data"]["result"]
except ValueError:	# not answering yet
    r = []
if r:
    print(r[0]["value"][1])'
}

send_known() {	# N RATE: N UDP packets from the peer namespace to a sink in ours
	local rdy=$(mktemp -u)
	lt_bg sink ip netns exec "$NS_RX" "$LT_TOOLS/udpsink" -p $PORT --seconds $(( $1 / $2 + 4 )) --ready-file "$rdy" >/dev/null
	lt_wait_file "$rdy" || { lt_fail "udpsink did not start"; return; }
	ip netns exec "$NS_TX" "$LT_TOOLS/udpsend" -d "$LT_RX_ADDR" -p $PORT -n "$1" -r "$2" >/dev/null
	wait "$BG_sink"
}

# Debian's prometheus, in the test namespace, scrapes the default (sampled)
# exporter every second while a known number of packets arrives: the device's
# packet counter must grow by the packets sent (within 1%), the sampled stack
# counter must be there, and the state must be one series per state, one at 1.
test_prometheus_scrapes_known_traffic() {
	lt_need_traffic || return
	[ -x "$PROMETHEUS" ] || { lt_skip "no $PROMETHEUS (scripts/deps.sh installs it)"; return; }
	lt_netns_pair || { lt_fail "setup"; return; }
	exp_start exp "$VETH_RX" || return
	local dir=$(mktemp -d) n=20000 v0 v1 prev="" dev="device=\"$VETH_RX\""
	PROM_PORT=$(free_port)
	[ "$PROM_PORT" = "$EXP_PORT" ] && PROM_PORT=$((PROM_PORT + 1))
	cat >"$dir/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: livelock
    static_configs:
      - targets: ['127.0.0.1:$EXP_PORT']
EOF
	lt_bg prom ip netns exec "$NS_RX" "$PROMETHEUS" --config.file="$dir/prometheus.yml" \
		--storage.tsdb.path="$dir/data" --web.listen-address=127.0.0.1:$PROM_PORT \
		--log.level=warn 2>"$dir/prometheus.log"
	for _ in $(seq 120); do
		v0=$(promql "livelock_device_rx_packets_total{$dev}")
		[ -n "$v0" ] && [ "$(promql "up{job=\"livelock\"}")" = 1 ] && break
		sleep 0.5
	done
	[ -n "$v0" ] || { lt_fail "prometheus never scraped the exporter"; return; }
	send_known $n 10000
	# wait for the counter to settle: an interval and a scrape after the last packet
	for _ in $(seq 60); do
		sleep 1
		v1=$(promql "livelock_device_rx_packets_total{$dev}")
		[ -n "$v1" ] && [ "$v1" = "$prev" ] && awk -v a="$v1" -v b="$v0" 'BEGIN{exit !(a > b)}' && break
		prev=$v1
	done
	lt_log "device packets through PromQL: $v0 -> $v1 for $n sent"
	lt_assert_near "$(awk -v a="$v1" -v b="$v0" 'BEGIN{print a - b}')" $n 1 \
		"increase of livelock_device_rx_packets_total through PromQL" || return
	lt_assert_ge "$(promql "livelock_stack_packets_total{$dev}")" 1 "sampled stack packets" || return
	lt_assert_eq "$(promql "count(livelock_state{$dev})")" 5 "state series" || return
	lt_assert_eq "$(promql "sum(livelock_state{$dev})")" 1 "states at 1" || return
	# --sample auto: 20,000 packets in 2 s, so no 5 s interval held more than 40,000: the window is the interval
	lt_assert_eq "$(promql "livelock_exporter_sampling_ratio")" 1 "sampling ratio at light load" || return
	rm -rf "$dir"
}

# The default --sample auto at 60 kpps and 1 s intervals: each window holds
# about 20,000 packets, a third of an interval, and one opens every 5 s
# (sampling.h), so livelock_exporter_sampling_ratio is about 0.33 / 5; once
# the traffic stops the window is the whole interval again.
test_auto_window_follows_the_rate() {
	lt_need_traffic || return
	lt_netns_pair || { lt_fail "setup"; return; }
	exp_start exp --interval 1 "$VETH_RX" || return
	local rdy=$(mktemp -u) ratios=$(mktemp) r
	lt_bg sink ip netns exec "$NS_RX" "$LT_TOOLS/udpsink" -p $PORT --seconds 12 --ready-file "$rdy" >/dev/null
	lt_wait_file "$rdy" || { lt_fail "udpsink did not start"; return; }
	lt_bg send ip netns exec "$NS_TX" "$LT_TOOLS/udpsend" -d "$LT_RX_ADDR" -p $PORT -n 420000 -r 60000
	sleep 2.5	# the jump's interval, traced whole, and the first window sized from it
	for _ in $(seq 8); do
		scrape | awk '$1 == "livelock_exporter_sampling_ratio" { print $2 }' >>"$ratios"
		sleep 0.5
	done
	wait "$BG_send"
	r=$(sort -g "$ratios" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	lt_log "sampling ratios at 60 kpps: $(tr '\n' ' ' <"$ratios")"
	lt_assert_ge "$r" 0.04 "median sampling ratio at 60 kpps (about 0.067)" &&
	lt_assert_le "$r" 0.1 "median sampling ratio at 60 kpps (about 0.067)" || return
	for _ in $(seq 20); do
		[ "$(scrape | awk '$1 == "livelock_exporter_sampling_ratio" { print $2 }')" = 1 ] && break
		sleep 0.5
	done
	lt_assert_eq "$(scrape | awk '$1 == "livelock_exporter_sampling_ratio" { print $2 }')" 1 \
		"sampling ratio once the traffic stopped" || return
	rm -f "$ratios"
}

# --full: every probe on, so the stack, delivery and NAPI-free veth counts are
# exact; promtool's linter accepts the text format; OpenMetrics ends in # EOF.
test_full_counts_and_formats() {
	lt_need_traffic || return
	lt_netns_pair || { lt_fail "setup"; return; }
	exp_start exp --full --interval 1 "$VETH_RX" || return
	local a=$(mktemp) b=$(mktemp) om=$(mktemp) hdr=$(mktemp) n=15000 s d
	scrape >"$a" || { lt_fail "scrape"; return; }
	send_known $n 10000
	sleep 2.5	# one interval after the last packet
	scrape >"$b" || { lt_fail "scrape"; return; }
	for s in livelock_stack_packets_total livelock_delivered_packets_total livelock_device_rx_packets_total; do
		d=$(awk -v x="$(value "$b" "$s{device=\"$VETH_RX\",driver=\"veth\"}")" \
			-v y="$(value "$a" "$s{device=\"$VETH_RX\",driver=\"veth\"}")" 'BEGIN{print x - y}')
		lt_assert_near "$d" $n 1 "$s increase with --full" || return
	done
	lt_assert_eq "$(value "$b" livelock_exporter_sampling_ratio)" 1 "sampling ratio with --full" || return
	if [ -x "$PROMTOOL" ]; then
		"$PROMTOOL" check metrics <"$b" >"$hdr" 2>&1 || { lt_fail "promtool check metrics: $(head -c 400 "$hdr")"; return; }
	fi
	scrape -D "$hdr" -H 'Accept: application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5' >"$om" ||
		{ lt_fail "OpenMetrics scrape"; return; }
	grep -qi '^content-type: application/openmetrics-text; version=1.0.0' "$hdr" || { lt_fail "OpenMetrics content type: $(cat "$hdr")"; return; }
	lt_assert_eq "$(tail -n1 "$om")" "# EOF" "last line of OpenMetrics" || return
	grep -q '^# TYPE livelock_stack_packets counter$' "$om" || { lt_fail "OpenMetrics counter family without _total"; return; }
	grep -q '^livelock_hardirq_duration_seconds_bucket{.*le="+Inf"}' "$b" || { lt_fail "no +Inf bucket"; return; }
	rm -f "$a" "$b" "$om" "$hdr"
}

# raw HTTP exchanges against the exporter: prints one status code per case
http_cases() {
	ip netns exec "$NS_RX" python3 - "$EXP_PORT" "$LT_ROOT/tests/tools" <<'PY'
import sys
sys.path.insert(0, sys.argv[2])
import httpraw
port = int(sys.argv[1])
cases = [
    b"GARBAGE\r\n\r\n",
    b"GET /metrics HTTP/1.1\r\n\r\n",                     # no Host
    b"GET /metrics HTTP/9.9\r\nHost: x\r\n\r\n",
    b"GET  /metrics HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /metrics HTTP/1.1\r\nHost x\r\n\r\n",          # header without a colon
    b"GET /metrics HTTP/1.1\r\nHost: x\r\nX: " + b"a" * 9000 + b"\r\n\r\n",
    b"POST /metrics HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /nope HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET / HTTP/1.0\r\n\r\n",
    b"GET /metrics?x=1 HTTP/1.1\r\nHost: x\r\n\r\n",
]
print(" ".join(httpraw.status(httpraw.exchange(port, c)) for c in cases))
PY
}

# 100 connections opened at once, each asking for /metrics: every one answered in full
concurrent_scrapes() {
	ip netns exec "$NS_RX" python3 - "$EXP_PORT" "$LT_ROOT/tests/tools" <<'PY'
import sys
sys.path.insert(0, sys.argv[2])
import httpraw
port, n = int(sys.argv[1]), 100
socks = [httpraw.connect(port) for _ in range(n)]
for s in socks:
    s.sendall(httpraw.GET_METRICS)
answers = [httpraw.read_all(s) for s in socks]
print(sum(httpraw.status(a) == "200" and b"\nprocess_start_time_seconds " in a for a in answers))
PY
}

# Malformed requests get 400 (and the wrong method 405, a wrong path 404);
# 100 concurrent scrapes are all answered; a client that never finishes its
# request, even 40 of them, do not hold up others and are dropped; the fds
# come back.
test_http_bounds() {
	lt_netns_pair || { lt_fail "setup"; return; }
	exp_start exp "$VETH_RX" || return
	local pid fds0 fds1 slow=$(mktemp)
	pid=$(exp_pid)
	[ -n "$pid" ] || { lt_fail "no exporter pid"; return; }
	scrape >/dev/null
	fds0=$(fds_but_links "$pid")
	lt_assert_eq "$(http_cases)" "400 400 400 400 400 400 405 404 200 200" \
		"status of: garbage, no Host, bad version, bad spacing, bad header, oversize, POST, /nope, /, query" || return
	lt_assert_eq "$(concurrent_scrapes)" 100 "complete answers to 100 concurrent scrapes" || return
	# slow clients, more than the server's slots: half a request line, then nothing
	lt_bg slow ip netns exec "$NS_RX" python3 -c '
import socket, sys, selectors
sel = selectors.DefaultSelector()
for _ in range(40):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
    s.sendall(b"GET /metr")
    sel.register(s, selectors.EVENT_READ)
left = 40
while left:
    for key, _ in sel.select(timeout=60):
        if not key.fileobj.recv(100):
            sel.unregister(key.fileobj)
            key.fileobj.close()
            left -= 1
print("closed")' "$EXP_PORT" >"$slow"
	sleep 1
	# the slots' 10 s timeout would free them too: a scrape must get through
	# well before (a slow reader loses its place after 1 s), 8 s is generous
	ip netns exec "$NS_RX" curl -sf --max-time 8 -o /dev/null "http://127.0.0.1:$EXP_PORT/metrics" ||
		{ lt_fail "a scrape behind 40 slow clients"; return; }
	for _ in $(seq 60); do grep -q closed "$slow" && break; sleep 0.5; done
	grep -q closed "$slow" || { lt_fail "the slow clients were never dropped"; return; }
	for _ in $(seq 50); do scrape >/dev/null || { lt_fail "scrape"; return; }; done
	# an answered connection is drained for up to 1 s before it is closed, and no
	# exchange outlives HTTP_TIMEOUT_MS (10 s): wait twice that bound (a CI run
	# still had 5 more after 12.5 s), a leak stays
	for _ in $(seq 100); do fds1=$(fds_but_links "$pid"); [ "$fds1" = "$fds0" ] && break; sleep 0.25; done
	[ "$fds1" = "$fds0" ] || echo "    fds now: $(for f in /proc/"$pid"/fd/*; do readlink "$f"; done | sed 's/:\[[0-9]*\]//' | sort | uniq -c | tr '\n' ' ')" >&2
	lt_assert_eq "$fds1" "$fds0" "open fds (BPF links aside) after 200 requests" || return
	rm -f "$slow"
}

# SIGTERM, SIGINT and SIGHUP end the exporter with exit 0 and every link it held gone.
test_signals_detach_everything() {
	lt_netns_pair || { lt_fail "setup"; return; }
	local sig pid ids rc id
	for sig in TERM INT HUP; do
		exp_start "exp$sig" --full "$VETH_RX" || return
		pid=$(exp_pid)
		ids=$(link_ids "$pid")
		lt_assert_ge "$(echo "$ids" | grep -c .)" 5 "links held while running" || return
		bpftool link show id "$(echo "$ids" | head -n1)" >/dev/null 2>&1 || { lt_fail "bpftool does not see link $(echo "$ids" | head -n1)"; return; }
		kill -"$sig" "$pid"
		for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -0 "$pid" 2>/dev/null && { lt_fail "still running after SIG$sig"; return; }
		wait "$(eval echo \$BG_exp$sig)"; rc=$?
		lt_assert_eq "$rc" 0 "exit code after SIG$sig" || return
		for id in $ids; do
			bpftool link show id "$id" >/dev/null 2>&1 && { lt_fail "link $id left after SIG$sig"; return; }
		done
		lt_log "SIG$sig: $(echo "$ids" | wc -l) links gone"
	done
}

# The device is deleted while scrapes go on: every scrape is answered, its
# series go, the exporter keeps running and still ends cleanly.
test_device_removed_while_scraped() {
	lt_netns_pair || { lt_fail "setup"; return; }
	exp_start exp "$VETH_RX" || return
	local pid out=$(mktemp) codes=$(mktemp) rc
	pid=$(exp_pid)
	lt_bg loop sh -c "while :; do ip netns exec $NS_RX curl -s -o /dev/null -w '%{http_code}\n' --max-time 20 http://127.0.0.1:$EXP_PORT/metrics; done" >"$codes"
	sleep 1
	ip -n "$NS_RX" link del "$VETH_RX"
	for _ in $(seq 100); do grep -q "disappeared" "$EXP_ERR" && break; sleep 0.2; done
	grep -q "$VETH_RX disappeared: probes detached" "$EXP_ERR" || { lt_fail "no detach line: $(cat "$EXP_ERR")"; return; }
	sleep 1
	lt_stop "$BG_loop"
	scrape >"$out" || { lt_fail "scrape after the removal"; return; }
	lt_assert_eq "$(grep -c "device=\"$VETH_RX\"" "$out")" 0 "series of the removed device" || return
	lt_assert_eq "$(value "$out" livelock_exporter_devices)" 0 "devices watched" || return
	lt_assert_ge "$(grep -c '^200$' "$codes")" 3 "scrapes answered during the removal" || return
	lt_assert_eq "$(grep -vc '^200$' "$codes")" 0 "scrapes not answered 200" || return
	kill -TERM "$pid"
	wait "$BG_exp"; rc=$?
	lt_assert_eq "$rc" 0 "exit code after SIGTERM" || return
	rm -f "$out" "$codes"
}

# What the service unit grants: a non-root user with CAP_BPF and CAP_PERFMON
# only (no CAP_NET_ADMIN, no CAP_SYS_ADMIN) watches the device and serves it.
test_runs_with_bpf_and_perfmon_only() {
	command -v setpriv >/dev/null || { lt_skip "no setpriv (util-linux)"; return; }
	lt_netns_pair || { lt_fail "setup"; return; }
	local dir=$(mktemp -d) caps="-all,+bpf,+perfmon" out=$(mktemp) pid
	chmod 755 "$dir" && cp "$LT_BIN" "$dir/livelock-trace" && chmod 755 "$dir/livelock-trace"
	EXP_PORT=$(free_port)
	EXP_ERR=$(mktemp)
	lt_bg exp ip netns exec "$NS_RX" setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=$caps --ambient-caps=$caps --bounding-set=$caps --no-new-privs \
		"$dir/livelock-trace" exporter --listen 127.0.0.1:$EXP_PORT "$VETH_RX" 2>"$EXP_ERR"
	for _ in $(seq 100); do scrape >"$out" 2>/dev/null && break; sleep 0.2; done
	lt_assert_eq "$(value "$out" livelock_exporter_devices)" 1 "devices watched without root: $(head -c 300 "$EXP_ERR")" || return
	pid=$(exp_pid)
	lt_assert_eq "$(awk '/^Uid:/ { print $2 }' /proc/"$pid"/status)" 65534 "uid of the exporter" || return
	lt_assert_eq "$(awk '/^CapEff:/ { print $2 }' /proc/"$pid"/status)" 000000c000000000 \
		"effective capabilities (CAP_PERFMON 38 + CAP_BPF 39)" || return
	grep -q "^livelock_state{device=\"$VETH_RX\",driver=\"veth\",state=\"idle\"} 1" "$out" ||
		lt_fail "no state series without root"
	rm -rf "$dir" "$out"
}

# A named device that goes and comes back (a new ifindex under the same
# name) is watched again at the next rescan, its counters from zero.
test_device_comes_back() {
	lt_netns_pair || { lt_fail "setup"; return; }
	exp_start exp --interval 1 --rescan 1 "$VETH_RX" || return
	local out=$(mktemp) n
	ip -n "$NS_RX" link del "$VETH_RX"
	for _ in $(seq 100); do grep -q "disappeared" "$EXP_ERR" && break; sleep 0.2; done
	ip link add "$VETH_RX" netns "$NS_RX" type veth peer name "$VETH_TX" netns "$NS_TX" || { lt_fail "re-create"; return; }
	ip -n "$NS_RX" link set "$VETH_RX" up
	for _ in $(seq 100); do
		[ "$(grep -c "watching $VETH_RX " "$EXP_ERR")" -ge 2 ] && break
		sleep 0.2
	done
	lt_assert_eq "$(grep -c "watching $VETH_RX " "$EXP_ERR")" 2 "times the device was attached" || return
	scrape >"$out" || { lt_fail "scrape"; return; }
	lt_assert_eq "$(value "$out" livelock_exporter_devices)" 1 "devices watched" || return
	n=$(grep -c "^livelock_state{device=\"$VETH_RX\"" "$out")
	lt_assert_eq "$n" 5 "state series of the device back"
	rm -f "$out"
}

# The README's reverse-proxy recipe: nginx with TLS and basic auth in front of
# the localhost listener answers 401 without the password and the metrics with it.
test_reverse_proxy_recipe() {
	command -v nginx >/dev/null || { lt_skip "no nginx (scripts/deps.sh installs nginx-light)"; return; }
	lt_netns_pair || { lt_fail "setup"; return; }
	exp_start exp "$VETH_RX" || return
	local d=$(mktemp -d) pport=$(( EXP_PORT + 1 )) out=$(mktemp) url code
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=livelock \
		-addext subjectAltName=IP:127.0.0.1 -keyout "$d/key.pem" -out "$d/cert.pem" 2>/dev/null ||
		{ lt_fail "openssl"; return; }
	printf 'prometheus:%s\n' "$(openssl passwd -apr1 s3cret)" >"$d/htpasswd"
	cat >"$d/nginx.conf" <<CONF
daemon off;
pid $d/nginx.pid;
error_log $d/error.log;
events {}
http {
	access_log off;
	client_body_temp_path $d; proxy_temp_path $d; fastcgi_temp_path $d; uwsgi_temp_path $d; scgi_temp_path $d;
	server {
		listen 127.0.0.1:$pport ssl;
		ssl_certificate     $d/cert.pem;
		ssl_certificate_key $d/key.pem;
		location = /metrics {
			auth_basic           "livelock-trace";
			auth_basic_user_file $d/htpasswd;
			proxy_pass           http://127.0.0.1:$EXP_PORT;
		}
	}
}
CONF
	lt_bg ngx ip netns exec "$NS_RX" nginx -c "$d/nginx.conf" -p "$d"
	url=https://127.0.0.1:$pport/metrics
	for _ in $(seq 50); do
		code=$(ip netns exec "$NS_RX" curl -s -o /dev/null -w '%{http_code}' --cacert "$d/cert.pem" "$url")
		[ "$code" = 401 ] && break
		sleep 0.2
	done
	lt_assert_eq "$code" 401 "status without the password" || return
	ip netns exec "$NS_RX" curl -sf --cacert "$d/cert.pem" -u prometheus:s3cret "$url" >"$out" ||
		{ lt_fail "no answer with the password"; return; }
	lt_assert_eq "$(grep -c "^livelock_state{device=\"$VETH_RX\"" "$out")" 5 "state series through the proxy"
	rm -rf "$d" "$out"
}

# An address already taken is an environment failure (exit 1), one line.
test_listen_in_use() {
	lt_netns_pair || { lt_fail "setup"; return; }
	exp_start exp "$VETH_RX" || return
	local err rc
	err=$(ip netns exec "$NS_RX" "$LT_BIN" exporter --listen 127.0.0.1:$EXP_PORT "$VETH_RX" 2>&1 >/dev/null); rc=$?
	lt_assert_eq "$rc" 1 "exit code with the port taken" || return
	lt_assert_eq "$(printf '%s\n' "$err" | grep -c 'cannot listen')" 1 "one 'cannot listen' line: $err"
}

lt_run_tests
