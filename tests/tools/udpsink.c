// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * udpsink: the application whose received-packet count is the ground truth
 * for "observed throughput".  Counts udpsend's packets (by magic), reads with
 * recvmmsg, can be made slow (--work-us, --delay-us) or deaf (--no-read), and always
 * stops by itself.  The socket's kernel drop count comes from /proc/net/udp
 * (exact at exit), else from the SO_RXQ_OVFL stamp of the last datagram.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "toolopt.h"

#define MAGIC		0x4c4c5452u	/* "LLTR", shared with udpsend */
#define HDR_BYTES	8		/* magic + sequence number */
#define VLEN		64		/* datagrams per recvmmsg */
#define PKT_MAX		2048
#define POLL_MS		20
#define DRAIN_MS	200		/* at exit, count what is still queued for at most this */
#define DEFAULT_SECONDS	60
#define SEEN_BITS	(1ull << 27)	/* sequence numbers tracked for "unique" (16 MiB) */
#define PROC_UDP	"/proc/net/udp"
#define SERIES_BIN_S	0.01		/* --series: one count per 10 ms */

/* --series: datagrams read per bin since the start. */
struct series {
	uint32_t *bin;
	size_t n;
	double t0;
};

static void series_add(struct series *sr, double t, unsigned int k)
{
	size_t i = (size_t)((t - sr->t0) / SERIES_BIN_S);

	if (sr->bin && i < sr->n)
		sr->bin[i] += k;
}

static int series_write(const struct series *sr, const char *path, double t_end)
{
	size_t last = (size_t)((t_end - sr->t0) / SERIES_BIN_S) + 1;
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fprintf(f, "series %.6f %g\n", sr->t0, SERIES_BIN_S);
	for (size_t i = 0; i < last && i < sr->n; i++)
		fprintf(f, "%u\n", sr->bin[i]);
	return fclose(f) ? -1 : 0;
}

static volatile sig_atomic_t stop, mark;
static void on_signal(int sig) { (void)sig; stop = 1; }
static void on_mark(int sig) { (void)sig; mark = 1; }	/* SIGUSR1: the sending ended now */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double thread_cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * --work-us: a fixed amount of computation per datagram, as the paper's
 * protocol processing is.  A busy wait on a clock (--delay-us) is not: an
 * interrupt or another task that takes the CPU meanwhile shortens it, so the
 * application's own time per datagram falls as the load on its CPU rises.
 */
static volatile uint64_t work_out;

static void work(uint64_t rounds)
{
	uint64_t x = work_out | 1;

	for (uint64_t i = 0; i < rounds; i++)
		x = x * 6364136223846793005ull + 1442695040888963407ull;
	work_out = x;
}

/* Rounds of work() per microsecond of this thread's CPU time: the fastest of
 * several tries, since an interrupt during one is charged to it. */
static double work_rounds_per_us(void)
{
	const uint64_t rounds = 200000;
	double best = 0;

	for (int i = 0; i < 15; i++) {
		double t0 = thread_cpu_s(), dt;

		work(rounds);
		dt = thread_cpu_s() - t0;
		if (dt > 0 && rounds / (dt * 1e6) > best)
			best = rounds / (dt * 1e6);
	}
	return best;
}

static void usage(FILE *f)
{
	fprintf(f,
"Usage: udpsink -p PORT [options]\n"
"Count the udpsend packets an application really receives on UDP PORT.\n"
"  -p PORT             UDP port to receive on, 1..65535\n"
"  -b ADDR             local IPv4 address to bind [any]\n"
"  --rcvbuf BYTES      socket receive buffer, bytes (kernel doubles it; beyond\n"
"                      net.core.rmem_max when root) [system default]\n"
"  --work-us N         a slow application: N microseconds of computation per\n"
"                      datagram (a loop timed once at start on this thread's CPU\n"
"                      clock; neither preemption nor interrupts shorten it) [0]\n"
"  --delay-us N        a busy wait of N microseconds of wall time per datagram;\n"
"                      whatever takes the CPU meanwhile shortens the work [0]\n"
"  --busy-poll US      SO_BUSY_POLL: each receive call polls the device for up to\n"
"                      US microseconds (needs CAP_NET_ADMIN above net.core.busy_read)\n"
"  --no-read           never read: the socket buffer fills and drops\n"
"  --seconds T         stop after T seconds [%d]\n"
"  --idle-exit MS      stop after MS milliseconds without packets, once one arrived\n"
"  --expect N          stop as soon as N packets were received\n"
"  --ready-file F      write F (containing the port) once the socket is bound\n"
"  --json              final report as one JSON object\n"
"  --series FILE       also write FILE: the datagrams read per 10 ms bin, a first\n"
"                      line \"series START_S 0.01\" (START_S on CLOCK_MONOTONIC, the\n"
"                      clock livelock-trace -v stamps its --sample windows with),\n"
"                      then one count per line\n"
"Stops on the first of --seconds, --idle-exit, --expect, SIGINT or SIGTERM, and\n"
"always prints: received, bytes, unique sequence numbers, seconds, pps (first to\n"
"last packet), socket_drops (kernel, this socket), queued (left unread at exit),\n"
"reordered, duplicates, missing (gaps below the highest sequence number seen),\n"
"and received_at_mark / mark_seconds: what had been read at the first SIGUSR1,\n"
"and when after the first packet (-1 without one): the end of a sending window;\n"
"cpu_seconds (this thread's CPU time) and work_rounds_per_us (--work-us's pace).\n"
"Example: udpsink -p 9000 --idle-exit 500 --json --ready-file /tmp/sink.ready\n",
		DEFAULT_SECONDS);
}

struct count {
	uint64_t received, bytes, unique, foreign, reordered, max_seq, queued;
	uint32_t cmsg_drops;
	int any_seq;
	unsigned char *seen;
};

/* One datagram: ours (magic) or foreign; with track, its sequence number
 * new, seen before or out of order. */
static int count_one(struct count *c, struct msghdr *h, const char *buf, unsigned int len,
		     int track)
{
	uint32_t magic, seq;
	struct cmsghdr *cm;

	for (cm = CMSG_FIRSTHDR(h); cm; cm = CMSG_NXTHDR(h, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SO_RXQ_OVFL)
			memcpy(&c->cmsg_drops, CMSG_DATA(cm), sizeof(c->cmsg_drops));
	if (len < HDR_BYTES) {
		c->foreign++;
		return 0;
	}
	memcpy(&magic, buf, sizeof(magic));
	memcpy(&seq, buf + sizeof(magic), sizeof(seq));
	if (magic != MAGIC) {
		c->foreign++;
		return 0;
	}
	if (!track)
		return 1;
	if (c->any_seq && seq < c->max_seq)
		c->reordered++;
	if (!c->any_seq || seq > c->max_seq)
		c->max_seq = seq;
	c->any_seq = 1;
	if (seq < SEEN_BITS && !(c->seen[seq / 8] & (1u << (seq % 8)))) {
		c->seen[seq / 8] |= 1u << (seq % 8);
		c->unique++;
	}
	return 1;
}

/* The socket's sk_drops from /proc/net/udp, found by inode; -1 if not there. */
static long long proc_drops(int fd)
{
	struct stat st;
	char line[512];
	long long drops = -1;
	FILE *f;

	if (fstat(fd, &st) || !(f = fopen(PROC_UDP, "r")))
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long ino, d;

		/* sl local rem st tx:rx tr:when retr uid timeout inode ref pointer drops */
		if (sscanf(line, " %*s %*s %*s %*s %*s %*s %*s %*s %*s %llu %*s %*s %llu",
			   &ino, &d) == 2 && ino == (unsigned long long)st.st_ino) {
			drops = (long long)d;
			break;
		}
	}
	fclose(f);
	return drops;
}

static int write_ready(const char *path, unsigned int port)
{
	char tmp[4096];
	FILE *f;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -1;
	f = fopen(tmp, "w");
	if (!f)
		return -1;
	fprintf(f, "%u\n", port);
	if (fclose(f) || rename(tmp, path)) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	enum { O_RCVBUF = 1, O_DELAY, O_WORK, O_NOREAD, O_SECONDS, O_IDLE, O_EXPECT, O_READY, O_JSON, O_BUSY, O_SERIES };
	static const struct option lo[] = {
		{ "rcvbuf", 1, NULL, O_RCVBUF }, { "delay-us", 1, NULL, O_DELAY },
		{ "work-us", 1, NULL, O_WORK },
		{ "no-read", 0, NULL, O_NOREAD }, { "seconds", 1, NULL, O_SECONDS },
		{ "idle-exit", 1, NULL, O_IDLE }, { "expect", 1, NULL, O_EXPECT },
		{ "ready-file", 1, NULL, O_READY }, { "busy-poll", 1, NULL, O_BUSY },
		{ "json", 0, NULL, O_JSON }, { "series", 1, NULL, O_SERIES }, { "help", 0, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	double busy_us = 0, work_us = 0, work_per_us = 0;
	uint64_t work_rounds = 0;
	double port = -1, rcvbuf = 0, delay_us = 0, seconds = DEFAULT_SECONDS, idle_ms = 0;
	double expect = 0, t_mark = 0;
	uint64_t received_at_mark = 0;
	bool marked = false;
	const char *bind_addr = NULL, *ready = NULL, *series_path = NULL;
	struct series sr = { 0 };
	int no_read = 0, json = 0, opt, fd, vlen, rcvbuf_now = 0;
	socklen_t optlen = sizeof(rcvbuf_now);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	static char bufs[VLEN][PKT_MAX];
	static char cbufs[VLEN][CMSG_SPACE(sizeof(uint32_t))];
	struct mmsghdr msgs[VLEN];
	struct iovec iov[VLEN];
	struct count c = { 0 };
	double t_start, t_first = 0, t_last = 0, t_end;
	long long drops;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":p:b:h", lo, NULL)) != -1) {
		switch (opt) {
		case 'p': if (tool_num(optarg, 1, 65535, &port) || port != floor(port)) return tool_bad("udpsink", "-p", optarg, "a port 1..65535"); break;
		case 'b': bind_addr = optarg; break;
		case O_RCVBUF: if (tool_num(optarg, 1024, 1 << 30, &rcvbuf) || rcvbuf != floor(rcvbuf)) return tool_bad("udpsink", "--rcvbuf", optarg, "1024..2^30 bytes"); break;
		case O_DELAY: if (tool_num(optarg, 0, 1e6, &delay_us)) return tool_bad("udpsink", "--delay-us", optarg, "0..1e6 us"); break;
		case O_WORK: if (tool_num(optarg, 0, 1e6, &work_us)) return tool_bad("udpsink", "--work-us", optarg, "0..1e6 us"); break;
		case O_NOREAD: no_read = 1; break;
		case O_SECONDS: if (tool_num(optarg, 0.01, 86400, &seconds)) return tool_bad("udpsink", "--seconds", optarg, "0.01..86400 s"); break;
		case O_IDLE: if (tool_num(optarg, 1, 3.6e6, &idle_ms)) return tool_bad("udpsink", "--idle-exit", optarg, "1..3600000 ms"); break;
		case O_EXPECT: if (tool_num(optarg, 1, 1e12, &expect) || expect != floor(expect)) return tool_bad("udpsink", "--expect", optarg, "a whole number of packets 1..1e12"); break;
		case O_READY: ready = optarg; break;
		case O_BUSY: if (tool_num(optarg, 1, 1000000, &busy_us) || busy_us != floor(busy_us)) return tool_bad("udpsink", "--busy-poll", optarg, "1..1000000 microseconds"); break;
		case O_JSON: json = 1; break;
		case O_SERIES: series_path = optarg; break;
		case 'h': usage(stdout); return 0;
		case ':':
			fprintf(stderr, "udpsink: option '%s' needs a value (see --help)\n", argv[optind - 1]);
			return 2;
		default:
			fprintf(stderr, "udpsink: unknown option '%s' (see --help)\n", argv[optind - 1]);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "udpsink: unexpected argument '%s' (see --help)\n", argv[optind]);
		return 2;
	}
	if (port < 0) {
		fprintf(stderr, "udpsink: -p PORT is required (see --help)\n");
		return 2;
	}
	if (bind_addr && inet_pton(AF_INET, bind_addr, &sa.sin_addr) != 1)
		return tool_bad("udpsink", "-b", bind_addr, "an IPv4 address");
	sa.sin_port = htons((uint16_t)port);
	{
		struct sigaction sg = { .sa_handler = on_signal };	/* no SA_RESTART: poll returns */

		struct sigaction sm = { .sa_handler = on_mark };

		sigaction(SIGINT, &sg, NULL);
		sigaction(SIGTERM, &sg, NULL);
		sigaction(SIGUSR1, &sm, NULL);
	}

	if (work_us > 0 && delay_us > 0) {
		fprintf(stderr, "udpsink: --work-us and --delay-us are two kinds of slow; give one\n");
		return 2;
	}
	if (work_us > 0) {	/* before the socket exists: nothing queues meanwhile */
		work_per_us = work_rounds_per_us();
		if (!(work_per_us > 0)) {
			fprintf(stderr, "udpsink: cannot time --work-us on this thread's CPU clock\n");
			return 1;
		}
		work_rounds = (uint64_t)(work_us * work_per_us + 0.5);
	}
	if (series_path) {
		sr.n = (size_t)(seconds / SERIES_BIN_S) + 2;
		sr.bin = calloc(sr.n, sizeof(*sr.bin));
		if (!sr.bin) {
			fprintf(stderr, "udpsink: cannot allocate --series for %.0f s\n", seconds);
			return 1;
		}
	}
	c.seen = calloc(SEEN_BITS / 8, 1);
	if (!c.seen) {
		fprintf(stderr, "udpsink: cannot allocate the sequence bitmap\n");
		return 1;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	/* As root, past net.core.rmem_max (SO_RCVBUF silently caps there). */
	if (fd >= 0 && rcvbuf > 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &(int){ (int)rcvbuf }, sizeof(int)) &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &(int){ (int)rcvbuf }, sizeof(int))) {
		fprintf(stderr, "udpsink: cannot set --rcvbuf %.0f: %s\n", rcvbuf, strerror(errno));
		return 1;
	}
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &(int){ 1 }, sizeof(int)) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "udpsink: cannot listen on UDP port %.0f: %s\n", port, strerror(errno));
		return 1;
	}
	if (fd >= 0 && busy_us > 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_BUSY_POLL, &(int){ (int)busy_us }, sizeof(int))) {
		fprintf(stderr, "udpsink: cannot set --busy-poll %.0f: %s\n", busy_us, strerror(errno));
		close(fd);
		return 1;
	}
	getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf_now, &optlen);
	if (ready && write_ready(ready, (unsigned int)port)) {
		fprintf(stderr, "udpsink: cannot write ready file %s: %s\n", ready, strerror(errno));
		return 1;
	}
	for (int i = 0; i < VLEN; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = PKT_MAX;
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_control = cbufs[i];
		msgs[i].msg_hdr.msg_controllen = sizeof(cbufs[i]);
	}
	/* A slow application takes one packet at a time, as a real one would:
	 * a batch of VLEN would hide VLEN packets from the socket buffer. */
	vlen = delay_us > 0 || work_us > 0 ? 1 : VLEN;

	t_start = sr.t0 = now_s();
	while (!stop) {
		double t = now_s();
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int n;

		if (mark && !marked) {	/* what the application had read when the sending ended */
			marked = true;
			received_at_mark = c.received;
			t_mark = t;
		}
		if (t - t_start >= seconds)
			break;
		if (idle_ms > 0 && c.received && (t - t_last) * 1000 >= idle_ms)
			break;
		if (expect > 0 && c.received >= (uint64_t)expect)
			break;
		if (no_read) {
			poll(NULL, 0, POLL_MS);
			continue;
		}
		n = recvmmsg(fd, msgs, vlen, MSG_DONTWAIT, NULL);
		if (n <= 0) {
			poll(&pfd, 1, POLL_MS);
			continue;
		}
		t_last = now_s();
		if (!t_first)
			t_first = t_last;
		for (int i = 0; i < n; i++) {
			if (count_one(&c, &msgs[i].msg_hdr, bufs[i], msgs[i].msg_len, 1)) {
				c.received++;
				c.bytes += msgs[i].msg_len;
				series_add(&sr, t_last, 1);
			}
			msgs[i].msg_hdr.msg_controllen = sizeof(cbufs[i]);
			if (work_rounds)
				work(work_rounds);
			if (delay_us > 0) {
				double until = now_s() + delay_us / 1e6;

				while (!stop && now_s() < until)
					;
			}
		}
	}
	t_end = now_s();
	/* What is still in the socket buffer arrived but never reached the
	 * application: counted as queued, not received. */
	while (now_s() - t_end < DRAIN_MS / 1e3) {
		int n = recvmmsg(fd, msgs, VLEN, MSG_DONTWAIT, NULL);

		if (n <= 0)
			break;
		for (int i = 0; i < n; i++) {
			c.queued += count_one(&c, &msgs[i].msg_hdr, bufs[i], msgs[i].msg_len, 0);
			msgs[i].msg_hdr.msg_controllen = sizeof(cbufs[i]);
		}
	}
	drops = proc_drops(fd);
	if (drops < 0)
		drops = c.cmsg_drops;
	close(fd);
	{
		double span = c.received > 1 ? t_last - t_first : 0;
		double pps = span > 0 ? (c.received - 1) / span : 0;
		double secs = t_end - t_start;
		uint64_t dups = c.received - c.unique;
		uint64_t missing = c.any_seq && c.max_seq < SEEN_BITS ? c.max_seq + 1 - c.unique : 0;

		if (json)
			printf("{\"received\":%llu,\"bytes\":%llu,\"unique\":%llu,\"seconds\":%.6f,"
			       "\"active_seconds\":%.6f,\"pps\":%.1f,\"socket_drops\":%lld,"
			       "\"queued\":%llu,\"reordered\":%llu,\"duplicates\":%llu,\"missing\":%llu,"
			       "\"foreign\":%llu,\"rcvbuf_bytes\":%d,\"received_at_mark\":%lld,"
			       "\"mark_seconds\":%.6f,\"cpu_seconds\":%.6f,\"work_rounds_per_us\":%.1f}\n",
			       (unsigned long long)c.received, (unsigned long long)c.bytes,
			       (unsigned long long)c.unique, secs, span, pps, drops,
			       (unsigned long long)c.queued, (unsigned long long)c.reordered,
			       (unsigned long long)dups, (unsigned long long)missing,
			       (unsigned long long)c.foreign, rcvbuf_now,
			       marked ? (long long)received_at_mark : -1LL,
			       marked && t_first ? t_mark - t_first : -1.0, thread_cpu_s(), work_per_us);
		else
			printf("received %llu packets (%llu unique, %llu bytes) in %.3f s at %.0f pps; "
			       "socket drops %lld, %llu left queued, %llu reordered, %llu missing\n",
			       (unsigned long long)c.received, (unsigned long long)c.unique,
			       (unsigned long long)c.bytes, secs, pps, drops,
			       (unsigned long long)c.queued, (unsigned long long)c.reordered,
			       (unsigned long long)missing);
	}
	free(c.seen);
	if (series_path && series_write(&sr, series_path, t_end)) {
		fprintf(stderr, "udpsink: cannot write --series %s: %s\n", series_path, strerror(errno));
		free(sr.bin);
		return 1;
	}
	free(sr.bin);
	return 0;
}
