// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * udpsink: the application whose received-packet count is the ground truth
 * for "observed throughput".  Counts udpsend's packets (by magic), reads with
 * recvmmsg, can be made slow (--delay-us) or deaf (--no-read), and always
 * stops by itself.  The socket's kernel drop count comes from SO_RXQ_OVFL.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "toolopt.h"

#define MAGIC		0x4c4c5452u
#define VLEN		64
#define PKT_MAX		2048
#define POLL_MS		20
#define DEFAULT_SECONDS	60

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(FILE *f)
{
	fprintf(f,
"Usage: udpsink -p PORT [options]\n"
"  -p PORT             UDP port to receive on\n"
"  -b ADDR             local IPv4 address to bind [any]\n"
"  --rcvbuf BYTES      socket receive buffer (SO_RCVBUF)\n"
"  --delay-us N        busy work per packet, microseconds: a slow application [0]\n"
"  --no-read           never read: the socket buffer fills and drops\n"
"  --seconds T         stop after T seconds [%d]\n"
"  --idle-exit MS      stop after MS ms without packets, once one arrived\n"
"  --ready-file F      create F once the socket is bound\n"
"  --json              final report as JSON\n"
"Example: udpsink -p 9000 --idle-exit 500 --json\n", DEFAULT_SECONDS);
}

int main(int argc, char **argv)
{
	enum { O_RCVBUF = 1, O_DELAY, O_NOREAD, O_SECONDS, O_IDLE, O_READY, O_JSON };
	static const struct option lo[] = {
		{ "rcvbuf", 1, NULL, O_RCVBUF }, { "delay-us", 1, NULL, O_DELAY },
		{ "no-read", 0, NULL, O_NOREAD }, { "seconds", 1, NULL, O_SECONDS },
		{ "idle-exit", 1, NULL, O_IDLE }, { "ready-file", 1, NULL, O_READY },
		{ "json", 0, NULL, O_JSON }, { "help", 0, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	double port = -1, rcvbuf = 0, delay_us = 0, seconds = DEFAULT_SECONDS, idle_ms = 0;
	const char *bind_addr = NULL, *ready = NULL;
	int no_read = 0, json = 0, opt, fd, one = 1;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	static char bufs[VLEN][PKT_MAX];
	static char cbufs[VLEN][CMSG_SPACE(sizeof(uint32_t))];
	struct mmsghdr msgs[VLEN];
	struct iovec iov[VLEN];
	uint64_t received = 0, bytes = 0, foreign = 0, max_seq = 0;
	uint32_t drops = 0;
	double t_start, t_first = 0, t_last = 0;
	unsigned char *seen = NULL;
	uint64_t unique = 0;
	const uint64_t seen_max = 1ull << 27;	/* sequence numbers tracked for "unique" */

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":p:b:h", lo, NULL)) != -1) {
		switch (opt) {
		case 'p': if (tool_num(optarg, 1, 65535, &port)) return tool_bad("udpsink", "-p", optarg, "a port 1..65535"); break;
		case 'b': bind_addr = optarg; break;
		case O_RCVBUF: if (tool_num(optarg, 1024, 1 << 30, &rcvbuf)) return tool_bad("udpsink", "--rcvbuf", optarg, "1024..2^30 bytes"); break;
		case O_DELAY: if (tool_num(optarg, 0, 1e6, &delay_us)) return tool_bad("udpsink", "--delay-us", optarg, "0..1e6 us"); break;
		case O_NOREAD: no_read = 1; break;
		case O_SECONDS: if (tool_num(optarg, 0.01, 86400, &seconds)) return tool_bad("udpsink", "--seconds", optarg, "0.01..86400 s"); break;
		case O_IDLE: if (tool_num(optarg, 1, 3.6e6, &idle_ms)) return tool_bad("udpsink", "--idle-exit", optarg, "1..3600000 ms"); break;
		case O_READY: ready = optarg; break;
		case O_JSON: json = 1; break;
		case 'h': usage(stdout); return 0;
		default:
			fprintf(stderr, "udpsink: unknown or incomplete option '%s' (see --help)\n", argv[optind - 1]);
			return 2;
		}
	}
	if (port < 0) {
		fprintf(stderr, "udpsink: -p PORT is required (see --help)\n");
		return 2;
	}
	if (bind_addr && inet_pton(AF_INET, bind_addr, &sa.sin_addr) != 1)
		return tool_bad("udpsink", "-b", bind_addr, "an IPv4 address");
	sa.sin_port = htons((uint16_t)port);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one)) ||
	    (rcvbuf > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &(int){ (int)rcvbuf }, sizeof(int))) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "udpsink: cannot listen on UDP port %.0f: %s\n", port, strerror(errno));
		return 1;
	}
	seen = calloc(seen_max / 8, 1);
	if (ready) {
		FILE *f = fopen(ready, "w");

		if (f)
			fclose(f);
	}
	for (int i = 0; i < VLEN; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = PKT_MAX;
		memset(&msgs[i].msg_hdr, 0, sizeof(msgs[i].msg_hdr));
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_control = cbufs[i];
		msgs[i].msg_hdr.msg_controllen = sizeof(cbufs[i]);
	}
	t_start = now_s();
	while (!stop) {
		double t = now_s();
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int n;

		if (t - t_start >= seconds)
			break;
		if (idle_ms > 0 && received && (t - t_last) * 1000 >= idle_ms)
			break;
		if (no_read) {
			struct timespec ts = { 0, POLL_MS * 1000000L };
			nanosleep(&ts, NULL);
			continue;
		}
		if (poll(&pfd, 1, POLL_MS) <= 0)
			continue;
		n = recvmmsg(fd, msgs, VLEN, MSG_DONTWAIT, NULL);
		if (n <= 0)
			continue;
		t_last = now_s();
		if (!t_first)
			t_first = t_last;
		for (int i = 0; i < n; i++) {
			uint32_t magic, seq;
			struct cmsghdr *c;

			for (c = CMSG_FIRSTHDR(&msgs[i].msg_hdr); c; c = CMSG_NXTHDR(&msgs[i].msg_hdr, c))
				if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL)
					memcpy(&drops, CMSG_DATA(c), sizeof(drops));
			msgs[i].msg_hdr.msg_controllen = sizeof(cbufs[i]);
			if (msgs[i].msg_len < 8) {
				foreign++;
				continue;
			}
			memcpy(&magic, bufs[i], 4);
			memcpy(&seq, bufs[i] + 4, 4);
			if (magic != MAGIC) {
				foreign++;
				continue;
			}
			received++;
			bytes += msgs[i].msg_len;
			if (seq > max_seq)
				max_seq = seq;
			if (seen && seq < seen_max && !(seen[seq / 8] & (1u << (seq % 8)))) {
				seen[seq / 8] |= 1u << (seq % 8);
				unique++;
			}
			if (delay_us > 0) {
				double until = now_s() + delay_us / 1e6;
				while (now_s() < until)
					;
			}
		}
	}
	if (no_read) {	/* the drop counter arrives with a datagram: read one to learn it */
		int n = recvmmsg(fd, msgs, 1, MSG_DONTWAIT, NULL);
		struct cmsghdr *c;

		if (n == 1)
			for (c = CMSG_FIRSTHDR(&msgs[0].msg_hdr); c; c = CMSG_NXTHDR(&msgs[0].msg_hdr, c))
				if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL)
					memcpy(&drops, CMSG_DATA(c), sizeof(drops));
	}
	{
		double span = received > 1 ? t_last - t_first : 0;
		double pps = span > 0 ? (received - 1) / span : 0;
		double secs = now_s() - t_start;

		if (json)
			printf("{\"received\":%llu,\"bytes\":%llu,\"unique\":%llu,\"seconds\":%.6f,"
			       "\"active_seconds\":%.6f,\"pps\":%.1f,\"socket_drops\":%u,\"foreign\":%llu}\n",
			       (unsigned long long)received, (unsigned long long)bytes,
			       (unsigned long long)unique, secs, span, pps, drops,
			       (unsigned long long)foreign);
		else
			printf("received %llu packets (%llu unique, %llu bytes) at %.0f pps; socket drops %u\n",
			       (unsigned long long)received, (unsigned long long)unique,
			       (unsigned long long)bytes, pps, drops);
	}
	free(seen);
	return 0;
}
