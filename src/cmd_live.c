// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* `livelock-trace [options] [IFACE] [INTERVAL [COUNT]]`: live measurement of one NIC. */
#include <errno.h>
#include <getopt.h>
#include <linux/capability.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include "commands.h"
#include "nic.h"
#include "numparse.h"
#include "probe.h"
#include "raw_view.h"

#define MIN_INTERVAL_S	0.1
#define MAX_INTERVAL_S	86400
#define DEFAULT_INTERVAL_S 1

struct live_opts {
	const char *ifname;
	double interval_s;
	uint64_t count;		/* 0: until interrupted */
	bool json, raw, verbose, exit_after_attach;
	enum probe_xdp xdp;
};

enum { OPT_JSON = 1, OPT_RAW, OPT_EXIT_AFTER_ATTACH, OPT_XDP };

static void usage(FILE *f)
{
	fprintf(f,
"Usage: livelock-trace [OPTIONS] [IFACE] [INTERVAL [COUNT]]\n"
"       livelock-trace model|simulate|compare ... (see their --help)\n"
"\n"
"Measures, every INTERVAL seconds, what the receive-livelock model needs from\n"
"the network interface IFACE: its hard-IRQ handler time, the NET_RX softirq\n"
"time spent on its packets, NAPI batching, packets entering the stack and\n"
"reaching applications, and where packets are dropped.  Read-only: nothing\n"
"about the interface is changed.  Needs root (CAP_BPF and CAP_PERFMON).\n"
"\n"
"  IFACE              interface to watch [the one carrying the default route]\n"
"  INTERVAL           seconds between lines, decimals allowed, >= %g [%d]\n"
"  COUNT              number of lines, 0 = until Ctrl-C [0]\n"
"  --raw              the raw per-interval signals (the only view in this version)\n"
"  --json             JSON Lines, one object per interval, deltas not totals\n"
"  --xdp off|native|generic  count arrivals per RX queue with an XDP program\n"
"                     (XDP_PASS, removed when the tool exits) [off].  Attaching\n"
"                     XDP makes many drivers (mlx5, ixgbe, i40e, virtio_net)\n"
"                     reconfigure their rings: a link blip.  Never attached over\n"
"                     another XDP program.\n"
"  -v, --verbose      libbpf messages, attach variant, missing tracepoints\n"
"  --exit-after-attach  attach, report, detach and exit (for tests)\n"
"  -h, --help         this help\n"
"\n"
"Columns (per second unless said): stack = packets entering the core stack,\n"
"deliv = packets copied to applications, irqs = hard interrupts of the NIC's\n"
"IRQs, isr_us = mean handler time, polls = NAPI polls, pkt/poll = batching,\n"
"sirq_us/pk = NET_RX softirq time per packet, drp_* = drops in this interval at\n"
"the NIC, the backlog, socket buffers and elsewhere.\n"
"\n"
"Examples:\n"
"  sudo livelock-trace                     # default-route interface, every second\n"
"  sudo livelock-trace eth1 0.5 20 --raw   # 20 half-second lines\n"
"  sudo ip netns exec ns1 livelock-trace veth0 1 10 --raw --json\n",
		MIN_INTERVAL_S, DEFAULT_INTERVAL_S);
}

/* Root, or CAP_BPF + CAP_PERFMON (5.8+), or CAP_SYS_ADMIN. */
static bool have_privileges(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = { 0 };
	int bpf = 39, perfmon = 38, sysadmin = 21;

	if (syscall(SYS_capget, &h, d))
		return geteuid() == 0;
#define HAS(c) (d[(c) / 32].effective & (1u << ((c) % 32)))
	return HAS(sysadmin) || (HAS(bpf) && HAS(perfmon));
#undef HAS
}

static int parse_args(int argc, char **argv, struct live_opts *o)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "raw", no_argument, NULL, OPT_RAW },
		{ "verbose", no_argument, NULL, 'v' },
		{ "exit-after-attach", no_argument, NULL, OPT_EXIT_AFTER_ATTACH },
		{ "xdp", required_argument, NULL, OPT_XDP },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, pos;
	char *end;

	o->interval_s = DEFAULT_INTERVAL_S;
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":vh", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_JSON: o->json = true; break;
		case OPT_RAW: o->raw = true; break;
		case 'v': o->verbose = true; break;
		case OPT_EXIT_AFTER_ATTACH: o->exit_after_attach = true; break;
		case OPT_XDP:
			if (!strcmp(optarg, "off"))
				o->xdp = PROBE_XDP_OFF;
			else if (!strcmp(optarg, "native"))
				o->xdp = PROBE_XDP_NATIVE;
			else if (!strcmp(optarg, "generic"))
				o->xdp = PROBE_XDP_GENERIC;
			else {
				fprintf(stderr, "livelock-trace: bad value '%s' for --xdp: expected off, native or generic\n", optarg);
				return LT_EXIT_USAGE;
			}
			break;
		case 'h': usage(stdout); return 0;
		default:
			fprintf(stderr, "livelock-trace: unknown option '%s' (see --help)\n", argv[optind - 1]);
			return LT_EXIT_USAGE;
		}
	}
	pos = optind;
	/* IFACE is optional: a first word that is a number is INTERVAL */
	if (pos < argc && (strtod(argv[pos], &end), *end != '\0'))
		o->ifname = argv[pos++];
	if (pos < argc && !num_parse_double(argv[pos++], "INTERVAL", MIN_INTERVAL_S,
					    MAX_INTERVAL_S, &o->interval_s))
		return LT_EXIT_USAGE;
	if (pos < argc && !num_parse_u64(argv[pos++], "COUNT", 0, UINT64_MAX / 2, &o->count))
		return LT_EXIT_USAGE;
	if (pos < argc) {
		fprintf(stderr, "livelock-trace: unexpected argument '%s' (see --help)\n", argv[pos]);
		return LT_EXIT_USAGE;
	}
	return -1;
}

static int make_fds(double interval_s, int *tfd, int *sfd)
{
	struct itimerspec its = { 0 };
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &mask, NULL))
		return -errno;
	*sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	*tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	if (*sfd < 0 || *tfd < 0)
		return -errno;
	its.it_value.tv_sec = its.it_interval.tv_sec = (time_t)interval_s;
	its.it_value.tv_nsec = its.it_interval.tv_nsec =
		(long)((interval_s - (time_t)interval_s) * 1e9);
	return timerfd_settime(*tfd, 0, &its, NULL) ? -errno : 0;
}

int cmd_live(int argc, char **argv)
{
	struct live_opts o = { 0 };
	struct probe_opts po = { 0 };
	struct probe *probe = NULL;
	struct nic_info *nic = calloc(1, sizeof(*nic));
	char defname[IF_NAMESIZE];
	const char *msg;
	int rc, err, tfd = -1, sfd = -1;
	unsigned long line = 0;

	if (!nic)
		return LT_EXIT_ENV;
	rc = parse_args(argc, argv, &o);
	if (rc >= 0)
		goto out;
	rc = LT_EXIT_ENV;
	if (!o.ifname) {
		if (nic_default_ifname(defname, sizeof(defname))) {
			fprintf(stderr, "livelock-trace: no default route to pick an interface from: name one (see 'ip link')\n");
			goto out;
		}
		o.ifname = defname;
	}
	err = nic_discover(o.ifname, nic);
	if (err) {
		fprintf(stderr, "livelock-trace: %s\n", nic_strerror(err, o.ifname));
		goto out;
	}
	if (!have_privileges()) {
		fprintf(stderr, "livelock-trace: needs root (or CAP_BPF and CAP_PERFMON) to load BPF programs: try 'sudo livelock-trace %s'\n",
			o.ifname);
		goto out;
	}
	po.verbose = o.verbose;
	po.xdp = o.xdp;
	err = probe_open(nic, &po, &probe, &msg);
	if (err) {
		fprintf(stderr, "livelock-trace: %s: %s\n", msg ? msg : "cannot start", strerror(-err));
		goto out;
	}
	if (o.verbose || o.exit_after_attach) {
		fprintf(stderr, "livelock-trace: watching %s (ifindex %u, driver %s, %d IRQs",
			nic->name, nic->ifindex, *nic->driver ? nic->driver : "none", nic->n_irqs);
		for (int i = 0; i < nic->n_irqs; i++)
			fprintf(stderr, "%s%u %s", i ? ", " : ": ", nic->irqs[i].irq, nic->irqs[i].name);
		fprintf(stderr, ") via %s, deliveries at %s\n", probe_variant(probe),
			probe_delivery(probe));
	}
	if (probe_xdp_note(probe))
		fprintf(stderr, "livelock-trace: note: %s\n", probe_xdp_note(probe));
	if (o.exit_after_attach) {
		rc = LT_EXIT_OK;
		goto out;
	}
	err = make_fds(o.interval_s, &tfd, &sfd);
	if (err) {
		fprintf(stderr, "livelock-trace: cannot set up the interval timer: %s\n", strerror(-err));
		goto out;
	}
	for (;;) {
		struct pollfd fds[2] = { { .fd = tfd, .events = POLLIN }, { .fd = sfd, .events = POLLIN } };
		struct lt_sample s;
		uint64_t ticks;

		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[1].revents) {	/* SIGINT or SIGTERM: end cleanly */
			rc = LT_EXIT_OK;
			break;
		}
		if (!fds[0].revents || read(tfd, &ticks, sizeof(ticks)) != sizeof(ticks))
			continue;
		err = probe_read(probe, &s);
		if (err == -ENODEV || !nic_exists(nic->name)) {
			fprintf(stderr, "livelock-trace: interface %s disappeared; stopping\n", nic->name);
			rc = LT_EXIT_ENV;
			break;
		}
		if (err) {
			fprintf(stderr, "livelock-trace: cannot read the counters: %s\n", strerror(-err));
			break;
		}
		raw_view_interval(stdout, o.json, line++, &s);
		if (o.count && line >= o.count) {
			rc = LT_EXIT_OK;
			break;
		}
	}
out:
	probe_close(probe);
	if (tfd >= 0)
		close(tfd);
	if (sfd >= 0)
		close(sfd);
	free(nic);
	return rc;
}
