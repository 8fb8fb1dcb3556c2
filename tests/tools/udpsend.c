// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * udpsend: a paced UDP sender for tests and the lab.  Sends exactly COUNT
 * packets (a send that fails with ENOBUFS/EAGAIN is retried, not counted),
 * paced on CLOCK_MONOTONIC with absolute deadlines, and reports the rate it
 * really achieved.  Payload: magic + sequence number.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "toolopt.h"

#define MAGIC		0x4c4c5452u	/* "LLTR" */
#define MAX_PAYLOAD	1472
#define MIN_PAYLOAD	8
#define SPIN_NS		50000		/* closer than this to a deadline: spin */
#define DEFAULT_MAX_S	60

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void usage(FILE *f)
{
	fprintf(f,
"Usage: udpsend -d ADDR -p PORT -n COUNT -r RATE_PPS [options]\n"
"  -d ADDR               destination IPv4 address\n"
"  -p PORT               destination UDP port\n"
"  -n COUNT              packets to send, exactly\n"
"  -r RATE               mean rate in packets per second\n"
"  --arrivals KIND       constant | poisson | bursty (batches of mean --burst) [constant]\n"
"  --burst N             mean batch size for bursty, packets [8]\n"
"  -s BYTES              UDP payload size, %d..%d [64]\n"
"  --src-port P          fixed source port [0: any]\n"
"  --seed S              random seed for poisson/bursty [1]\n"
"  --max-seconds T       stop after T seconds whatever was sent [%d]\n"
"  --json                final report as JSON\n"
"Example: udpsend -d 198.18.0.1 -p 9000 -n 100000 -r 20000 --arrivals poisson\n",
		MIN_PAYLOAD, MAX_PAYLOAD, DEFAULT_MAX_S);
}

static uint64_t rng_state = 1;
static double rng_unit(void)	/* (0, 1], xorshift64* */
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (((rng_state * 2685821657736338717ull) >> 11) + 1) * 0x1.0p-53;
}

int main(int argc, char **argv)
{
	enum { O_ARR = 1, O_BURST, O_SRC, O_SEED, O_MAX, O_JSON };
	static const struct option lo[] = {
		{ "arrivals", 1, NULL, O_ARR }, { "burst", 1, NULL, O_BURST },
		{ "src-port", 1, NULL, O_SRC }, { "seed", 1, NULL, O_SEED },
		{ "max-seconds", 1, NULL, O_MAX }, { "json", 0, NULL, O_JSON },
		{ "help", 0, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	const char *addr = NULL;
	double port = -1, count = -1, rate = -1, size = 64, burst = 8, src = 0;
	double seed = 1, max_s = DEFAULT_MAX_S;
	int arrivals = 0, json = 0, opt, fd;
	char buf[MAX_PAYLOAD] = { 0 };
	struct sockaddr_in dst = { .sin_family = AF_INET };
	uint64_t sent = 0, errors = 0, t0, deadline, left_in_batch = 0, stop;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":d:p:n:r:s:h", lo, NULL)) != -1) {
		switch (opt) {
		case 'd': addr = optarg; break;
		case 'p': if (tool_num(optarg, 1, 65535, &port)) return tool_bad("udpsend", "-p", optarg, "a port 1..65535"); break;
		case 'n': if (tool_num(optarg, 1, 1e10, &count) || count != floor(count)) return tool_bad("udpsend", "-n", optarg, "a whole number 1..1e10"); break;
		case 'r': if (tool_num(optarg, 1, 1e8, &rate)) return tool_bad("udpsend", "-r", optarg, "a rate 1..1e8 pps"); break;
		case 's': if (tool_num(optarg, MIN_PAYLOAD, MAX_PAYLOAD, &size)) return tool_bad("udpsend", "-s", optarg, "bytes 8..1472"); break;
		case O_BURST: if (tool_num(optarg, 1, 1e4, &burst)) return tool_bad("udpsend", "--burst", optarg, "1..10000 packets"); break;
		case O_SRC: if (tool_num(optarg, 0, 65535, &src)) return tool_bad("udpsend", "--src-port", optarg, "a port 0..65535"); break;
		case O_SEED: if (tool_num(optarg, 0, 1e18, &seed)) return tool_bad("udpsend", "--seed", optarg, "a whole number"); break;
		case O_MAX: if (tool_num(optarg, 0.001, 86400, &max_s)) return tool_bad("udpsend", "--max-seconds", optarg, "0.001..86400 s"); break;
		case O_JSON: json = 1; break;
		case O_ARR:
			if (!strcmp(optarg, "constant")) arrivals = 0;
			else if (!strcmp(optarg, "poisson")) arrivals = 1;
			else if (!strcmp(optarg, "bursty")) arrivals = 2;
			else return tool_bad("udpsend", "--arrivals", optarg, "constant, poisson or bursty");
			break;
		case 'h': usage(stdout); return 0;
		default:
			fprintf(stderr, "udpsend: unknown or incomplete option '%s' (see --help)\n", argv[optind - 1]);
			return 2;
		}
	}
	if (!addr || port < 0 || count < 0 || rate < 0) {
		fprintf(stderr, "udpsend: -d ADDR, -p PORT, -n COUNT and -r RATE are required (see --help)\n");
		return 2;
	}
	if (inet_pton(AF_INET, addr, &dst.sin_addr) != 1)
		return tool_bad("udpsend", "-d", addr, "an IPv4 address");
	dst.sin_port = htons((uint16_t)port);
	rng_state = (uint64_t)seed * 0x9e3779b97f4a7c15ull + 1;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("udpsend: socket");
		return 1;
	}
	if (src > 0) {
		struct sockaddr_in s = { .sin_family = AF_INET, .sin_port = htons((uint16_t)src) };

		if (bind(fd, (struct sockaddr *)&s, sizeof(s))) {
			perror("udpsend: bind source port");
			return 1;
		}
	}
	if (connect(fd, (struct sockaddr *)&dst, sizeof(dst))) {
		fprintf(stderr, "udpsend: cannot reach %s: %s\n", addr, strerror(errno));
		return 1;
	}
	memcpy(buf, &(uint32_t){ MAGIC }, 4);
	t0 = deadline = now_ns();
	stop = t0 + (uint64_t)(max_s * 1e9);
	while (sent < (uint64_t)count) {
		uint64_t t = now_ns();

		if (t >= stop)
			break;
		if (t < deadline) {
			if (deadline - t > SPIN_NS) {
				struct timespec ts = { 0, (long)(deadline - t - SPIN_NS / 2) };
				nanosleep(&ts, NULL);
			}
			continue;
		}
		memcpy(buf + 4, &(uint32_t){ (uint32_t)sent }, 4);
		if (send(fd, buf, (size_t)size, 0) < 0) {
			if (errno == ENOBUFS || errno == EAGAIN || errno == ECONNREFUSED) {
				errors++;
				continue;
			}
			fprintf(stderr, "udpsend: send: %s\n", strerror(errno));
			return 1;
		}
		sent++;
		switch (arrivals) {
		case 0: deadline = t0 + (uint64_t)(sent * 1e9 / rate); break;
		case 1: deadline += (uint64_t)(-log(rng_unit()) * 1e9 / rate); break;
		default:
			if (left_in_batch == 0) {
				left_in_batch = burst <= 1 ? 1 :
					1 + (uint64_t)floor(log(rng_unit()) / log(1 - 1 / burst));
				deadline += (uint64_t)(-log(rng_unit()) * 1e9 * burst / rate);
			}
			left_in_batch--;
		}
	}
	{
		double secs = (now_ns() - t0) / 1e9;

		if (json)
			printf("{\"sent\":%llu,\"seconds\":%.6f,\"pps\":%.1f,\"errors\":%llu,\"requested_pps\":%.1f}\n",
			       (unsigned long long)sent, secs, sent / secs, (unsigned long long)errors, rate);
		else
			printf("sent %llu packets in %.3f s: %.0f pps (requested %.0f), %llu retried sends\n",
			       (unsigned long long)sent, secs, sent / secs, rate, (unsigned long long)errors);
	}
	close(fd);
	return sent == (uint64_t)count ? 0 : 1;
}
