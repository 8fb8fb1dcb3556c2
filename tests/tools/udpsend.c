// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * udpsend: a paced UDP sender for tests and the lab.  Sends exactly COUNT
 * packets (a send that fails with ENOBUFS/EAGAIN is retried, not counted),
 * paced on CLOCK_MONOTONIC with absolute deadlines, and reports the rate it
 * really achieved.  Payload: magic, then a 32-bit sequence number.
 *
 * Deadlines are absolute, so a late packet is sent at once and the schedule
 * catches up; packets already due go out in one sendmmsg, which is also how
 * it gets closest to a rate it cannot reach.
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
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "toolopt.h"

#define MAGIC		0x4c4c5452u	/* "LLTR", shared with udpsink */
#define MAX_PAYLOAD	1472		/* 1500 MTU - IPv4 - UDP headers */
#define MIN_PAYLOAD	8		/* magic + sequence number */
#define DEFAULT_PAYLOAD	64
#define DEFAULT_BURST	8
#define DEFAULT_MAX_S	60
#define BATCH		32		/* most packets handed to one sendmmsg */
#define SPIN_NS		20000		/* closer than this to a deadline: spin, don't sleep */
#define SNDBUF_WAIT_MS	1		/* socket buffer full: wait this long for room */
#define NS_PER_S	1e9
#define MAX_COUNT	1e12
#define MAX_RATE	1e8
#define MAX_SEED	9007199254740992.0	/* 2^53: exact in a double */

enum arrivals { ARR_CONSTANT, ARR_POISSON, ARR_BURSTY };

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void sleep_until_ns(uint64_t t)
{
	struct timespec ts = { .tv_sec = t / 1000000000ull, .tv_nsec = t % 1000000000ull };

	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

static void usage(FILE *f)
{
	fprintf(f,
"Usage: udpsend -d ADDR -p PORT -n COUNT -r RATE_PPS [options]\n"
"Send exactly COUNT UDP packets to ADDR:PORT at a mean of RATE_PPS packets per second.\n"
"  -d ADDR               destination IPv4 address\n"
"  -p PORT               destination UDP port, 1..65535\n"
"  -n COUNT              packets to send, exactly (failed sends are retried)\n"
"  -r RATE               mean rate, packets per second (1..1e8)\n"
"  --arrivals KIND       constant | poisson (exponential gaps) |\n"
"                        bursty (batches at exponential gaps, same mean rate) [constant]\n"
"  --burst N             bursty: mean batch size, packets; geometric sizes [%d]\n"
"  --burst-fixed         bursty: every batch exactly --burst packets\n"
"  -s BYTES              UDP payload size, bytes, %d..%d [%d]\n"
"  --src-port P          fixed source port, so the flow stays the same [0: any]\n"
"  --seed S              random seed for poisson/bursty, a whole number [1]\n"
"  --max-seconds T       hard bound: stop after T seconds, exit 1 if short [%d]\n"
"  --json                final report as one JSON object\n"
"Report: packets sent, seconds, achieved pps, retried sends (send errors),\n"
"and how late packets left against their schedule (late_mean_us, late_max_us).\n"
"Exit: 0 all sent, 1 environment failure or time bound hit, 2 bad usage.\n"
"Example: udpsend -d 198.18.0.1 -p 9000 -n 100000 -r 20000 --arrivals poisson --json\n",
		DEFAULT_BURST, MIN_PAYLOAD, MAX_PAYLOAD, DEFAULT_PAYLOAD, DEFAULT_MAX_S);
}

static uint64_t rng_state = 1;
static double rng_unit(void)	/* (0, 1], xorshift64* */
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (((rng_state * 2685821657736338717ull) >> 11) + 1) * 0x1.0p-53;
}

/* The arrival process: the absolute deadline of each next packet. */
struct sched {
	enum arrivals kind;
	double rate, burst;
	int burst_fixed;
	uint64_t t0, planned, left_in_batch;
	double at;	/* ns since t0 of the last planned packet, kept in double: no drift */
};

static uint64_t sched_next(struct sched *s)
{
	switch (s->kind) {
	case ARR_CONSTANT:
		s->at = s->planned * NS_PER_S / s->rate;
		break;
	case ARR_POISSON:
		if (s->planned)
			s->at += -log(rng_unit()) * NS_PER_S / s->rate;
		break;
	case ARR_BURSTY:
		if (s->left_in_batch == 0) {
			if (s->burst_fixed || s->burst <= 1)
				s->left_in_batch = (uint64_t)s->burst;
			else	/* geometric on 1, 2, ... with mean burst */
				s->left_in_batch = 1 + (uint64_t)floor(log(rng_unit()) /
								      log(1 - 1 / s->burst));
			if (s->planned)
				s->at += -log(rng_unit()) * NS_PER_S * s->burst / s->rate;
		}
		s->left_in_batch--;
		break;
	}
	s->planned++;
	return s->t0 + (uint64_t)s->at;
}

static int bad_usage(const char *msg)
{
	fprintf(stderr, "udpsend: %s (see --help)\n", msg);
	return 2;
}

int main(int argc, char **argv)
{
	enum { O_ARR = 1, O_BURST, O_FIXED, O_SRC, O_SEED, O_MAX, O_JSON };
	static const struct option lo[] = {
		{ "arrivals", 1, NULL, O_ARR }, { "burst", 1, NULL, O_BURST },
		{ "burst-fixed", 0, NULL, O_FIXED },
		{ "src-port", 1, NULL, O_SRC }, { "seed", 1, NULL, O_SEED },
		{ "max-seconds", 1, NULL, O_MAX }, { "json", 0, NULL, O_JSON },
		{ "help", 0, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	const char *addr = NULL;
	double port = -1, count = -1, size = DEFAULT_PAYLOAD, src = 0;
	double seed = 1, max_s = DEFAULT_MAX_S;
	struct sched s = { .kind = ARR_CONSTANT, .rate = -1, .burst = DEFAULT_BURST };
	int json = 0, opt, fd, timed_out = 0;
	static char bufs[BATCH][MAX_PAYLOAD];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	uint64_t dl[BATCH];	/* planned, not yet sent deadlines, in order */
	int nq = 0;
	struct sockaddr_in dst = { .sin_family = AF_INET };
	uint64_t sent = 0, errors = 0, t_end, deadline_end, late_max = 0;
	double late_sum = 0;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":d:p:n:r:s:h", lo, NULL)) != -1) {
		switch (opt) {
		case 'd': addr = optarg; break;
		case 'p': if (tool_num(optarg, 1, 65535, &port) || port != floor(port)) return tool_bad("udpsend", "-p", optarg, "a port 1..65535"); break;
		case 'n': if (tool_num(optarg, 1, MAX_COUNT, &count) || count != floor(count)) return tool_bad("udpsend", "-n", optarg, "a whole number of packets 1..1e12"); break;
		case 'r': if (tool_num(optarg, 1, MAX_RATE, &s.rate)) return tool_bad("udpsend", "-r", optarg, "a rate 1..1e8 pps"); break;
		case 's': if (tool_num(optarg, MIN_PAYLOAD, MAX_PAYLOAD, &size) || size != floor(size)) return tool_bad("udpsend", "-s", optarg, "payload bytes 8..1472"); break;
		case O_BURST: if (tool_num(optarg, 1, 1e4, &s.burst)) return tool_bad("udpsend", "--burst", optarg, "a batch size 1..10000 packets"); break;
		case O_FIXED: s.burst_fixed = 1; break;
		case O_SRC: if (tool_num(optarg, 0, 65535, &src) || src != floor(src)) return tool_bad("udpsend", "--src-port", optarg, "a port 0..65535"); break;
		case O_SEED: if (tool_num(optarg, 0, MAX_SEED, &seed) || seed != floor(seed)) return tool_bad("udpsend", "--seed", optarg, "a whole number 0..2^53"); break;
		case O_MAX: if (tool_num(optarg, 0.001, 86400, &max_s)) return tool_bad("udpsend", "--max-seconds", optarg, "0.001..86400 s"); break;
		case O_JSON: json = 1; break;
		case O_ARR:
			if (!strcmp(optarg, "constant")) s.kind = ARR_CONSTANT;
			else if (!strcmp(optarg, "poisson")) s.kind = ARR_POISSON;
			else if (!strcmp(optarg, "bursty")) s.kind = ARR_BURSTY;
			else return tool_bad("udpsend", "--arrivals", optarg, "constant, poisson or bursty");
			break;
		case 'h': usage(stdout); return 0;
		case ':':
			fprintf(stderr, "udpsend: option '%s' needs a value (see --help)\n", argv[optind - 1]);
			return 2;
		default:
			fprintf(stderr, "udpsend: unknown option '%s' (see --help)\n", argv[optind - 1]);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "udpsend: unexpected argument '%s' (see --help)\n", argv[optind]);
		return 2;
	}
	if (!addr || port < 0 || count < 0 || s.rate < 0)
		return bad_usage("-d ADDR, -p PORT, -n COUNT and -r RATE are required");
	if (s.burst_fixed && s.burst != floor(s.burst))
		return bad_usage("--burst-fixed needs a whole --burst");
	if (inet_pton(AF_INET, addr, &dst.sin_addr) != 1)
		return tool_bad("udpsend", "-d", addr, "an IPv4 address");
	dst.sin_port = htons((uint16_t)port);
	rng_state = (uint64_t)seed * 0x9e3779b97f4a7c15ull + 1;
	/* The default 50 us timer slack would make every sleep overshoot its deadline. */
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	signal(SIGPIPE, SIG_IGN);
	{
		struct sigaction sa = { .sa_handler = on_signal };

		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
	}

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		fprintf(stderr, "udpsend: socket: %s\n", strerror(errno));
		return 1;
	}
	if (src > 0) {
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)src) };

		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &(int){ 1 }, sizeof(int));
		if (bind(fd, (struct sockaddr *)&a, sizeof(a))) {
			fprintf(stderr, "udpsend: cannot bind source port %.0f: %s\n", src, strerror(errno));
			return 1;
		}
	}
	if (connect(fd, (struct sockaddr *)&dst, sizeof(dst))) {
		fprintf(stderr, "udpsend: cannot reach %s: %s\n", addr, strerror(errno));
		return 1;
	}
	for (int i = 0; i < BATCH; i++) {
		memcpy(bufs[i], &(uint32_t){ MAGIC }, sizeof(uint32_t));
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = (size_t)size;
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}

	s.t0 = now_ns();
	deadline_end = s.t0 + (uint64_t)(max_s * NS_PER_S);
	while (sent < (uint64_t)count) {
		uint64_t t, left = (uint64_t)count - sent;
		int due = 0, n;

		while (nq < BATCH && (uint64_t)nq < left)
			dl[nq++] = sched_next(&s);
		t = now_ns();
		if (stop || t >= deadline_end) {
			timed_out = 1;
			break;
		}
		if (t < dl[0]) {
			uint64_t wake = dl[0] < deadline_end ? dl[0] : deadline_end;

			if (wake - t > SPIN_NS)
				sleep_until_ns(wake - SPIN_NS / 2);
			continue;
		}
		while (due < nq && dl[due] <= t) {
			memcpy(bufs[due] + sizeof(uint32_t), &(uint32_t){ (uint32_t)(sent + due) },
			       sizeof(uint32_t));
			due++;
		}
		n = sendmmsg(fd, msgs, due, MSG_DONTWAIT);
		if (n < 0) {
			errors++;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				struct pollfd p = { .fd = fd, .events = POLLOUT };

				poll(&p, 1, SNDBUF_WAIT_MS);
				continue;
			}
			/* ENOBUFS: a full queue on the way out; ECONNREFUSED: an ICMP
			 * port-unreachable came back for an earlier packet.  Neither
			 * sent this one: try again. */
			if (errno == ENOBUFS || errno == ECONNREFUSED || errno == EINTR)
				continue;
			fprintf(stderr, "udpsend: send to %s: %s\n", addr, strerror(errno));
			return 1;
		}
		for (int i = 0; i < n; i++) {	/* pacing error: the syscall's own time excluded */
			uint64_t late = t - dl[i];

			late_sum += late;
			if (late > late_max)
				late_max = late;
		}
		sent += n;
		nq -= n;
		memmove(dl, dl + n, nq * sizeof(dl[0]));
	}
	t_end = now_ns();
	close(fd);
	{
		double secs = (t_end - s.t0) / NS_PER_S;
		double pps = secs > 0 ? sent / secs : 0;
		double late_mean = sent ? late_sum / sent / 1e3 : 0;

		if (json)
			printf("{\"sent\":%llu,\"seconds\":%.6f,\"pps\":%.1f,\"errors\":%llu,"
			       "\"requested_pps\":%.1f,\"late_mean_us\":%.1f,\"late_max_us\":%.1f,"
			       "\"complete\":%s}\n",
			       (unsigned long long)sent, secs, pps, (unsigned long long)errors,
			       s.rate, late_mean, late_max / 1e3, timed_out ? "false" : "true");
		else
			printf("sent %llu packets in %.3f s: %.0f pps (requested %.0f), %llu send errors retried, "
			       "late by %.1f us mean, %.1f us max\n",
			       (unsigned long long)sent, secs, pps, s.rate, (unsigned long long)errors,
			       late_mean, late_max / 1e3);
	}
	if (timed_out) {
		fprintf(stderr, "udpsend: stopped after %llu of %.0f packets (%s)\n",
			(unsigned long long)sent, count, stop ? "signal" : "--max-seconds reached");
		return 1;
	}
	return 0;
}
