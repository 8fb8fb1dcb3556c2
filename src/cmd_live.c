// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* `livelock-trace [options] [IFACE] [INTERVAL [COUNT]]`: live measurement of one NIC. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#include "commands.h"
#include "estimator.h"
#include <math.h>
#include "live_view.h"
#include "nic.h"
#include "numparse.h"
#include "probe.h"
#include "raw_view.h"
#include "record.h"
#include "signals.h"

#define MIN_INTERVAL_S	0.1
#define MAX_INTERVAL_S	86400
#define DEFAULT_INTERVAL_S 1
#define MAX_SAMPLE	100	/* --sample N: 1/N of the interval, at least MIN_WINDOW_S */
#define MIN_WINDOW_S	0.01
#define STACK_TIME_MAX_PPS 20000	/* --stack-time=auto: timed below this per RX CPU */
#define STR_(x)		#x
#define STR(x)		STR_(x)

struct live_opts {
	const char *ifname;
	double interval_s;
	uint64_t count;		/* 0: until interrupted */
	bool json, raw, verbose, exit_after_attach, per_cpu, per_queue, stack_time, stack_time_off;
	unsigned int sample;	/* --sample N: probes attached 1/N of each interval; 0, 1 = always */
	enum probe_xdp xdp;
	enum probe_attach attach;	/* --attach, else LIVELOCK_TRACE_ATTACH */
	const char *btf;	/* --btf FILE, else LIVELOCK_TRACE_BTF */
	const char *record;	/* --record FILE */
	struct est_opts est;
};

enum { OPT_JSON = 1, OPT_RAW, OPT_EXIT_AFTER_ATTACH, OPT_XDP, OPT_RECORD, OPT_MAPPING,
       OPT_MODEL, OPT_DELIVER, OPT_BUFFER, OPT_WINDOW, OPT_NO_CALIBRATE, OPT_STACK_TIME,
       OPT_SAMPLE, OPT_ATTACH, OPT_BTF };

static const char *const xdp_words[] = { "off", "native", "generic" };

static void usage(FILE *f)
{
	fprintf(f,
"Usage: livelock-trace [OPTIONS] [IFACE] [INTERVAL [COUNT]]\n"
"       livelock-trace model|simulate|compare|sweep ... (see their --help)\n"
"\n"
"Watches the network interface IFACE and prints, every INTERVAL seconds, the\n"
"throughput applications really get beside the throughput the receive-livelock\n"
"model of Salah & El-Badawi predicts from what was measured in that interval:\n"
"hard-IRQ handler time (1/r), the per-packet cost at interrupt priority (1/c),\n"
"the per-packet protocol time (1/mu), the offered load (lambda) and the buffer\n"
"(B).  Read-only: nothing about the interface is changed.  Needs root (CAP_BPF\n"
"and CAP_PERFMON).  Ctrl-C prints a summary.\n"
"\n"
"  IFACE              interface to watch [the one carrying the default route]\n"
"  INTERVAL           seconds between lines, decimals allowed, >= %g [%d]\n"
"  COUNT              number of lines, 0 = until Ctrl-C [0]\n"
"\n"
"Output:\n"
"  --json             JSON Lines: one object per interval (the raw signals nested\n"
"                     under \"raw\"), then a summary object\n"
"  --raw              the raw per-interval signals only, no model\n"
"  --record FILE      also write a self-describing run (header with device,\n"
"                     driver, ring, coalescing, options; every interval; the\n"
"                     summary) to FILE, for 'livelock-trace compare'\n"
"  -C, --per-cpu      NET_RX softirq load per CPU under each line\n"
"  -Q, --per-queue    every RX queue under each line (default: the hottest one)\n"
"\n"
"Model:\n"
"  --deliver app|stack|forward  what 'observed' counts: packets of IFACE queued\n"
"                     to application sockets, accepted by the stack, or sent out\n"
"                     on another interface (routers) [app]\n"
"  --model auto|dma|nodma  the paper's NIC structure; auto decides from whether\n"
"                     the time at interrupt priority grows with the batch [auto]\n"
"  --mapping paper|softirq  interrupt priority = the hard IRQ alone, protocol\n"
"                     processing = NET_RX work + the application (the paper\n"
"                     read literally), or = hard IRQ + NET_RX softirq with the\n"
"                     application as the server [paper]\n"
"  --buffer N         the model's buffer B in packets [the RX ring size]\n"
"  --window N         intervals pooled for the parameters, 1..%d [%d]\n"
"  --no-calibrate     keep the structural 1/r instead of matching the measured\n"
"                     CPU share at interrupt priority\n"
"\n"
"Probes:\n"
"  --xdp off|native|generic  count arrivals per RX queue with an XDP program\n"
"                     (XDP_PASS, removed when the tool exits) [off].  Attaching\n"
"                     XDP makes many drivers (mlx5, ixgbe, i40e, virtio_net)\n"
"                     reconfigure their rings: a link blip.  Never attached over\n"
"                     another XDP program.\n"
"  --stack-time[=auto|on|off]  time each packet through netif_receive_skb /\n"
"                     GRO (stack_timed, stack_ns_total): two more programs per\n"
"                     packet.  auto (the default) attaches them only while the\n"
"                     load is under " STR(STACK_TIME_MAX_PPS) " pps per RX CPU, where they cost little\n"
"                     and measure NET_RX's per-packet cost when no softirq run\n"
"                     holds two packets (off with --sample); --stack-time\n"
"                     alone is on\n"
"  --sample N         attach the per-packet probes for 1/N of each interval only\n"
"                     (one window of INTERVAL/N, >= %g s, at a random place in\n"
"                     each interval; rates are the window's): cuts the probes'\n"
"                     cost on the traced path about N-fold, for sampling error\n"
"                     (README \"Benchmarks\") [1 = always attached]\n"
"  --attach auto|raw_tp  program type: tp_btf where the kernel's BTF describes\n"
"                     the tracepoint, else raw_tp; or raw_tp for all (as on a\n"
"                     kernel whose BTF lacks btf_trace_* types) [auto; or\n"
"                     $LIVELOCK_TRACE_ATTACH]\n"
"  --btf FILE         kernel types from FILE instead of /sys/kernel/btf/vmlinux\n"
"                     (a BTFHub file, or one from 'bpftool gen min_core_btf');\n"
"                     programs then attach as raw_tp.  Without kernel BTF,\n"
"                     /var/lib/livelock-trace/btf/$(uname -r).btf is used when\n"
"                     present [or $LIVELOCK_TRACE_BTF]\n"
"  -v, --verbose      libbpf messages, attach variant, missing tracepoints\n"
"  -h, --help         this help\n"
"\n"
"Columns: lambda = packets offered/s (stack + NIC drops), observed = delivered/s,\n"
"predicted = the model at this lambda, err = (predicted - observed)/observed,\n"
"isr/copy/proto = 1/r, 1/c, 1/mu in microseconds, batch = packets per poll (or\n"
"per interrupt), cpu = CPU share left for protocol processing, load = lambda as\n"
"%% of the livelock point (no-DMA) or of the MLFRR (DMA), drops by place, state:\n"
"idle (no traffic), ok, near-peak (>= 80%% of MLFRR), saturated (drops > 1%% or\n"
"past MLFRR), livelock (past the livelock point, or observed < 10%% of the peak).\n"
"'-' means not enough data.  With --raw: stack, deliv, irqs, isr_us, polls,\n"
"pkt/poll, sirq_us/pk and drops per interval.\n"
"\n"
"Examples:\n"
"  sudo livelock-trace                     # default-route interface, every second\n"
"  sudo livelock-trace eth1 0.5 20         # 20 half-second lines, then a summary\n"
"  sudo livelock-trace eth1 --record a.jsonl   # then: livelock-trace compare a.jsonl b.jsonl\n"
"  sudo ip netns exec ns1 livelock-trace veth0 1 10 --raw --json\n",
		MIN_INTERVAL_S, DEFAULT_INTERVAL_S, EST_MAX_WINDOW, EST_DEFAULT_WINDOW, MIN_WINDOW_S);
}

static int bad_word(const char *opt, const char *v, const char *words)
{
	fprintf(stderr, "livelock-trace: bad value '%s' for %s: expected %s\n", v, opt, words);
	return LT_EXIT_USAGE;
}

static int parse_args(int argc, char **argv, struct live_opts *o)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "raw", no_argument, NULL, OPT_RAW },
		{ "record", required_argument, NULL, OPT_RECORD },
		{ "per-cpu", no_argument, NULL, 'C' },
		{ "per-queue", no_argument, NULL, 'Q' },
		{ "deliver", required_argument, NULL, OPT_DELIVER },
		{ "model", required_argument, NULL, OPT_MODEL },
		{ "mapping", required_argument, NULL, OPT_MAPPING },
		{ "buffer", required_argument, NULL, OPT_BUFFER },
		{ "window", required_argument, NULL, OPT_WINDOW },
		{ "no-calibrate", no_argument, NULL, OPT_NO_CALIBRATE },
		{ "stack-time", optional_argument, NULL, OPT_STACK_TIME },
		{ "sample", required_argument, NULL, OPT_SAMPLE },
		{ "verbose", no_argument, NULL, 'v' },
		{ "exit-after-attach", no_argument, NULL, OPT_EXIT_AFTER_ATTACH },
		{ "xdp", required_argument, NULL, OPT_XDP },
		{ "attach", required_argument, NULL, OPT_ATTACH },
		{ "btf", required_argument, NULL, OPT_BTF },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, pos, neg, before, first;
	uint64_t u;
	double d;
	char *end;

	o->interval_s = DEFAULT_INTERVAL_S;
	if (getenv("LIVELOCK_TRACE_ATTACH") && !probe_parse_attach(getenv("LIVELOCK_TRACE_ATTACH"), &o->attach))
		return bad_word("LIVELOCK_TRACE_ATTACH", getenv("LIVELOCK_TRACE_ATTACH"), "auto or raw_tp");
	o->btf = getenv("LIVELOCK_TRACE_BTF") && *getenv("LIVELOCK_TRACE_BTF") ? getenv("LIVELOCK_TRACE_BTF") : NULL;
	o->est.mapping = EST_MAP_PAPER;	/* the lab's verdict: see README "From Linux events to the model's symbols" */
	/* a negative INTERVAL or COUNT looks like an option to getopt: a range error instead */
	neg = cli_negative_operand(argc, argv, longopts, &before, &first);
	if (neg && (before >= 2 || (before == 1 && (strtod(argv[first], &end), *end == '\0')))) {
		if (!num_parse_u64(argv[neg], "COUNT", 0, UINT64_MAX / 2, &u))
			return LT_EXIT_USAGE;
	} else if (neg && !num_parse_double(argv[neg], "INTERVAL", MIN_INTERVAL_S, MAX_INTERVAL_S, &d)) {
		return LT_EXIT_USAGE;
	}
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":vhCQ", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_JSON: o->json = true; break;
		case OPT_RAW: o->raw = true; break;
		case OPT_RECORD: o->record = optarg; break;
		case 'C': o->per_cpu = true; break;
		case 'Q': o->per_queue = true; break;
		case 'v': o->verbose = true; break;
		case OPT_EXIT_AFTER_ATTACH: o->exit_after_attach = true; break;
		case OPT_NO_CALIBRATE: o->est.no_calibrate = true; break;
		case OPT_STACK_TIME:
			if (!optarg || !strcmp(optarg, "on"))
				o->stack_time = true;
			else if (!strcmp(optarg, "off"))
				o->stack_time_off = true;
			else if (strcmp(optarg, "auto"))
				return cli_usage("bad value '%s' for --stack-time: expected auto, on or off", optarg);
			break;
		case OPT_SAMPLE:
			if (!num_parse_u64(optarg, "--sample", 1, MAX_SAMPLE, &u))
				return LT_EXIT_USAGE;
			o->sample = (unsigned int)u;
			break;
		case OPT_DELIVER:
			if (!est_parse_deliver(optarg, &o->est.deliver))
				return bad_word("--deliver", optarg, "app, stack or forward");
			break;
		case OPT_MODEL:
			if (!est_parse_model(optarg, &o->est.model))
				return bad_word("--model", optarg, "auto, dma or nodma");
			break;
		case OPT_MAPPING:
			if (!est_parse_mapping(optarg, &o->est.mapping))
				return bad_word("--mapping", optarg, "softirq or paper");
			break;
		case OPT_BUFFER:
			if (!num_parse_u64(optarg, "--buffer", 1, MODEL_MAX_BUFFER, &u))
				return LT_EXIT_USAGE;
			o->est.buffer = (double)u;
			break;
		case OPT_WINDOW:
			if (!num_parse_u64(optarg, "--window", 1, EST_MAX_WINDOW, &u))
				return LT_EXIT_USAGE;
			o->est.window = (unsigned int)u;
			break;
		case OPT_XDP:
			if (!strcmp(optarg, "off"))
				o->xdp = PROBE_XDP_OFF;
			else if (!strcmp(optarg, "native"))
				o->xdp = PROBE_XDP_NATIVE;
			else if (!strcmp(optarg, "generic"))
				o->xdp = PROBE_XDP_GENERIC;
			else
				return bad_word("--xdp", optarg, "off, native or generic");
			break;
		case OPT_ATTACH:
			if (!probe_parse_attach(optarg, &o->attach))
				return bad_word("--attach", optarg, "auto or raw_tp");
			break;
		case OPT_BTF:
			if (!*optarg)
				return cli_usage("--btf needs a file name");
			o->btf = optarg;
			break;
		case 'h': usage(stdout); return 0;
		case ':':
			fprintf(stderr, "livelock-trace: option '%s' needs a value (see --help)\n", argv[optind - 1]);
			return LT_EXIT_USAGE;
		default:
			fprintf(stderr, "livelock-trace: unknown option '%s' (see --help)\n", argv[optind - 1]);
			return LT_EXIT_USAGE;
		}
	}
	if (o->raw && o->record) {
		fprintf(stderr, "livelock-trace: --record keeps the model's view; drop --raw\n");
		return LT_EXIT_USAGE;
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
	if (o->sample > 1 && o->interval_s / o->sample < MIN_WINDOW_S) {
		fprintf(stderr, "livelock-trace: --sample %u leaves a window of %.3f s in a %g s interval: the window must be >= %g s (fewer N or a longer INTERVAL)\n",
			o->sample, o->interval_s / o->sample, o->interval_s, MIN_WINDOW_S);
		return LT_EXIT_USAGE;
	}
	return -1;
}

static int make_timer(double interval_s, int *tfd)
{
	struct itimerspec its = { 0 };

	*tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	if (*tfd < 0)
		return -errno;
	its.it_value.tv_sec = its.it_interval.tv_sec = (time_t)interval_s;
	its.it_value.tv_nsec = its.it_interval.tv_nsec =
		(long)((interval_s - (time_t)interval_s) * 1e9);
	return timerfd_settime(*tfd, 0, &its, NULL) ? -errno : 0;
}

/* Sleeps for `seconds`; true when SIGINT, SIGTERM or SIGHUP came first (left pending for the loop). */
static bool wait_or_signal(int sfd, double seconds)
{
	struct pollfd pf = { .fd = sfd, .events = POLLIN };
	int ms = (int)(seconds * 1000 + 0.5);

	for (;;) {
		int n = poll(&pf, 1, ms);

		if (n >= 0 || errno != EINTR)
			return n > 0;
	}
}

/*
 * --sample: waits for a random place in this interval, attaches the window's
 * programs and waits out the window.  0: the window is open and over, read
 * it; 1: SIGINT or SIGTERM came first; < 0: attaching failed (*msg says why).
 */
/* --stack-time=auto: the per-packet stack timing only while the load is light. */
static void stack_time_for(struct probe *probe, const struct lt_sample *s)
{
	double cpus = est_rx_cpus(s), lam = est_lambda_pps(s, NULL) / (cpus > 0 ? cpus : 1);
	int err = probe_stack_time(probe, isfinite(lam) && lam < STACK_TIME_MAX_PPS);

	if (err)
		fprintf(stderr, "livelock-trace: note: cannot attach the stack timing (%s); NET_RX's per-packet cost comes from softirq runs only\n",
			strerror(-err));
}

static int open_window(struct probe *probe, int sfd, const struct live_opts *o, const char **msg)
{
	double w = o->interval_s / o->sample;
	int err;

	if (wait_or_signal(sfd, (o->interval_s - w) * drand48()))
		return 1;
	err = probe_window_begin(probe, msg);
	if (err)
		return err;
	return wait_or_signal(sfd, w) ? 1 : 0;
}

/* The prediction side of a run: estimator, screen view, recorded file. */
struct live_out {
	struct estimator *est;
	struct live_view view, rec_view;
	struct queue_view queues;
	FILE *rec;
	bool any;		/* an interval was shown: the summary has something to say */
	char **argv;		/* the command line before getopt reordered it */
	char probes[400], rx_priority[400];	/* header lines */
};

static int live_out_open(struct live_out *lo, const struct live_opts *o,
			 const struct nic_info *nic, const struct probe *p, int argc)
{
	struct live_view_opts vo = { .json = o->json, .per_cpu = o->per_cpu, .est = o->est,
				     .sample = o->sample, .interval_s = o->interval_s, .probes = lo->probes,
				     .rx_priority = lo->rx_priority, .queues = &lo->queues };
	struct record_opts ro = { .argc = argc, .argv = lo->argv, .interval_s = o->interval_s,
				  .est = &o->est, .xdp = xdp_words[o->xdp], .sample = o->sample,
				  .attach = probe_variant(p), .attach_reason = probe_variant_reason(p),
				  .btf = probe_btf_path(p), .btf_external = probe_btf_external(p) };

	struct est_opts eo = o->est;
	struct nic_rx_facts fx;

	nic_rx_facts(nic, &fx);
	ro.preempt_rt = fx.preempt_rt;
	ro.threaded_napi = fx.threaded_napi;
	ro.rx_thread = fx.rx_thread_pid > 0 ? fx.rx_thread : NULL;
	ro.rx_thread_policy = fx.rx_thread_policy;
	ro.rx_fair = fx.rx_fair;
	nic_rx_priority_note(&fx, lo->rx_priority, sizeof(lo->rx_priority));
	snprintf(lo->probes, sizeof(lo->probes), "%d programs as %s (%s); kernel types from %s%s; deliveries at %s",
		 probe_programs(p), probe_variant(p), probe_variant_reason(p), probe_btf_path(p),
		 probe_btf_external(p) ? " (external)" : "", probe_delivery(p));
	eo.irq_cap_pps = fx.irq_cap_pps;
	eo.frames_per_irq = fx.frames_per_irq;
	eo.irq_dynamic = fx.irq_dynamic;
	eo.irq_dynamic_floor_pps = fx.irq_dynamic_floor_pps;
	eo.rx_threaded = fx.rx_fair;	/* threads under the normal scheduler: NET_RX shares the CPU */
	eo.defer_us = (double)fx.budget_usecs;
	lo->est = estimator_new(&eo, nic->rx_ring);
	if (!lo->est) {
		fprintf(stderr, "livelock-trace: out of memory for the estimator\n");
		return -ENOMEM;
	}
	queue_view_init(&lo->queues, nic, o->per_queue);
	live_view_init(&lo->view, stdout, &vo);
	if (o->record) {
		lo->rec = fopen(o->record, "w");
		if (!lo->rec) {
			fprintf(stderr, "livelock-trace: cannot write --record file %s: %s\n",
				o->record, strerror(errno));
			return -errno;
		}
		vo.json = true;
		vo.per_cpu = true;
		live_view_init(&lo->rec_view, lo->rec, &vo);
		if (record_write_header(lo->rec, nic, &ro)) {
			fprintf(stderr, "livelock-trace: cannot write --record file %s\n", o->record);
			return -EIO;
		}
	}
	live_view_header(stdout, &lo->view, nic);
	return 0;
}

static void live_out_interval(struct live_out *lo, const struct nic_info *nic,
			      const struct lt_sample *s)
{
	struct estimate e;

	estimator_update(lo->est, s, &e);
	queue_view_update(&lo->queues, s, &e);
	live_view_interval(stdout, &lo->view, nic, s, &e);
	if (lo->rec)
		live_view_interval(lo->rec, &lo->rec_view, nic, s, &e);
	lo->any = true;
}

static void live_out_close(struct live_out *lo, const struct nic_info *nic, bool summary)
{
	if (summary && lo->any) {
		struct live_run run;

		run.valid = estimator_run_forecast(lo->est, &run.p, &run.fs);
		live_view_summary(stdout, &lo->view, nic, &run);
		if (lo->rec)
			live_view_summary(lo->rec, &lo->rec_view, nic, &run);
	}
	live_view_done(&lo->view);
	live_view_done(&lo->rec_view);
	if (lo->rec && fclose(lo->rec))
		fprintf(stderr, "livelock-trace: error writing the --record file: %s\n", strerror(errno));
	estimator_free(lo->est);
}

int cmd_live(int argc, char **argv)
{
	struct live_opts o = { 0 };
	struct probe_opts po = { 0 };
	struct probe *probe = NULL;
	struct nic_info *nic = calloc(1, sizeof(*nic));
	struct live_out *lo = calloc(1, sizeof(*lo));
	char defname[IF_NAMESIZE], lower[NIC_DESCRIBE_LEN];
	const char *msg, *gone = NULL;
	int rc, err, tfd = -1, sfd = -1;
	unsigned long line = 0;
	bool clean = false;

	/* before anything is loaded: a signal from now on ends the run cleanly */
	sfd = signals_route();
	if (sfd < 0) {
		fprintf(stderr, "livelock-trace: cannot set up the signals: %s\n", strerror(-sfd));
		rc = LT_EXIT_ENV;
		goto out;
	}
	if (!nic || !lo) {
		rc = LT_EXIT_ENV;
		goto out;
	}
	/* the command line as given, for --record (getopt reorders argv) */
	lo->argv = calloc((size_t)argc + 1, sizeof(char *));
	if (!lo->argv) {
		rc = LT_EXIT_ENV;
		goto out;
	}
	memcpy(lo->argv, argv, (size_t)argc * sizeof(char *));
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
	err = nic_discover_lower(o.ifname, nic);	/* a bridge, bond, VLAN, macvlan: its lower devices */
	if (err) {
		fprintf(stderr, "livelock-trace: %s\n", nic_strerror(err, o.ifname));
		goto out;
	}
	if (cli_need_privilege(CLI_PRIV_TRACE, o.ifname))
		goto out;
	po.verbose = o.verbose;
	po.xdp = o.xdp;
	po.forward = o.est.deliver == EST_DELIVER_FORWARD;
	po.stack_time = o.stack_time;
	po.stack_time_auto = !o.stack_time && !o.stack_time_off && o.sample <= 1;	/* sampled: off, or it would stay attached between windows */
	po.sample = o.sample > 1;
	po.attach = o.attach;
	po.btf = o.btf;
	srand48((long)getpid() ^ (long)time(NULL));
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
		fprintf(stderr, ") via %s (%s), %d programs, types from %s, deliveries at %s\n",
			probe_variant(probe), probe_variant_reason(probe), probe_programs(probe),
			probe_btf_path(probe), probe_delivery(probe));
		struct nic_rx_facts fx;
		char note[400];

		nic_rx_facts(nic, &fx);
		nic_rx_priority_note(&fx, note, sizeof(note));
		fprintf(stderr, "livelock-trace: interrupt work: %s\n", note);
		if (nic_set_describe(lower, sizeof(lower), nic))
			fprintf(stderr, "livelock-trace: %s\n", lower);
		if (o.sample > 1)
			fprintf(stderr, "livelock-trace: sampling: %d programs attached for %.3f s of every %g s\n",
				probe_window_programs(probe), o.interval_s / o.sample, o.interval_s);
	}
	if (probe_xdp_note(probe))
		fprintf(stderr, "livelock-trace: note: %s\n", probe_xdp_note(probe));
	if (o.exit_after_attach) {
		rc = LT_EXIT_OK;
		goto out;
	}
	if (!o.raw && live_out_open(lo, &o, nic, probe, argc))
		goto out;
	err = make_timer(o.interval_s, &tfd);
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
		if (fds[1].revents) {	/* SIGINT, SIGTERM or SIGHUP: the summary, then exit */
			int sig = signals_take(sfd);

			if (o.verbose)
				fprintf(stderr, "livelock-trace: %s: stopping\n", signals_name(sig));
			rc = LT_EXIT_OK;
			clean = true;
			break;
		}
		if (!fds[0].revents || read(tfd, &ticks, sizeof(ticks)) != sizeof(ticks))
			continue;
		if (o.sample > 1 && (err = open_window(probe, sfd, &o, &msg)) != 0) {
			if (err > 0) {	/* a signal */
				rc = LT_EXIT_OK;
				clean = true;
			} else if ((gone = nic_set_gone(nic))) {
				fprintf(stderr, "livelock-trace: interface %s disappeared; stopping with the summary of the run so far\n", gone);
				clean = true;
			} else {
				fprintf(stderr, "livelock-trace: %s: %s\n", msg, strerror(-err));
			}
			break;
		}
		err = probe_read(probe, &s);
		probe_window_end(probe);
		if (err == -ENODEV || (gone = nic_set_gone(nic))) {
			fprintf(stderr, "livelock-trace: interface %s disappeared; stopping with the summary of the run so far\n",
				gone ? gone : nic->name);
			rc = LT_EXIT_ENV;
			clean = true;	/* summary and the record's summary line, then exit 1 */
			break;
		}
		if (err) {
			fprintf(stderr, "livelock-trace: cannot read the counters: %s\n", strerror(-err));
			break;
		}
		if (o.raw)
			raw_view_interval(stdout, o.json, line, o.interval_s, &s);
		else
			live_out_interval(lo, nic, &s);
		stack_time_for(probe, &s);
		line++;
		if (o.count && line >= o.count) {
			rc = LT_EXIT_OK;
			clean = true;
			break;
		}
	}
out:
	/* detach first: the summary can take a moment on a slow terminal */
	probe_close(probe);
	if (lo && !o.raw)
		live_out_close(lo, nic, clean);
	if (tfd >= 0)
		close(tfd);
	if (sfd >= 0)
		close(sfd);
	if (lo)
		free(lo->argv);
	free(lo);
	free(nic);
	return rc;
}
