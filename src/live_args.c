// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The live command's options: its --help, the option words and their parsing (see live_args.h). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "commands.h"
#include "live_args.h"
#include "numparse.h"
#include "sampling.h"
#define MIN_INTERVAL_S	0.1
#define MAX_INTERVAL_S	86400
#define DEFAULT_INTERVAL_S 1
#define STR_(x)		#x
#define STR(x)		STR_(x)



enum { OPT_JSON = 1, OPT_RAW, OPT_EXIT_AFTER_ATTACH, OPT_XDP, OPT_RECORD, OPT_MAPPING,
       OPT_MODEL, OPT_DELIVER, OPT_BUFFER, OPT_WINDOW, OPT_NO_CALIBRATE, OPT_STACK_TIME,
       OPT_SAMPLE, OPT_FULL, OPT_ATTACH, OPT_BTF, OPT_LATENCY, OPT_READY_FILE };

static const struct cli_word xdp_words[] = {
	{ "off", PROBE_XDP_OFF }, { "native", PROBE_XDP_NATIVE }, { "generic", PROBE_XDP_GENERIC },
	{ NULL, 0 },
};

enum stack_time { STACK_TIME_AUTO, STACK_TIME_ON, STACK_TIME_OFF };
static const struct cli_word stack_time_words[] = {
	{ "auto", STACK_TIME_AUTO }, { "on", STACK_TIME_ON }, { "off", STACK_TIME_OFF }, { NULL, 0 },
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: livelock-trace [OPTIONS] [IFACE] [INTERVAL [COUNT]]\n"
"       livelock-trace model|simulate|compare|sweep|forecast|exporter|plot ...\n"
"                      (each with its own --help)\n"
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
"  --sample N|auto    attach the per-packet probes for 1/N of each interval only\n"
"                     (one window of INTERVAL/N, >= %g s, at a random place in\n"
"                     each interval; rates are the window's): cuts the probes'\n"
"                     cost on the traced path about N-fold, for sampling error\n"
"                     (README \"Benchmarks\"); auto: a window of about " STR(SAMPLING_AUTO_PACKETS) "\n"
"                     packets at the last window's rate, all of the interval\n"
"                     (attached throughout) when it holds under twice that\n"
"                     [auto on a NIC with interrupts of its own, where windows\n"
"                     open at most every %g s while sampling and the lines\n"
"                     between are the device's count with the last window's\n"
"                     model; always attached on a veth or loopback, with\n"
"                     --latency, or with INTERVAL under %g s]\n"
"  --full             keep every probe attached all the time: exact counts at\n"
"                     any rate, full cost (the same as --sample 1)\n"
"  --attach auto|raw_tp  program type: tp_btf where the kernel's BTF describes\n"
"                     the tracepoint, else raw_tp; or raw_tp for all (as on a\n"
"                     kernel whose BTF lacks btf_trace_* types) [auto; or\n"
"                     $LIVELOCK_TRACE_ATTACH]\n"
"  --btf FILE         kernel types from FILE instead of /sys/kernel/btf/vmlinux\n"
"                     (a BTFHub file, or one from 'bpftool gen min_core_btf');\n"
"                     programs then attach as raw_tp.  Without kernel BTF,\n"
"                     /var/lib/livelock-trace/btf/$(uname -r).btf is used when\n"
"                     present [or $LIVELOCK_TRACE_BTF]\n"
"  --latency          time every packet from entering the stack to its socket\n"
"                     enqueue, and from there to the application's read (UDP),\n"
"                     and the reader's waits for a CPU (woken or preempted to\n"
"                     running): p50/p90/p99/max per interval in the JSON,\n"
"                     histograms in the summary; 160-270 ns more a packet, so off\n"
"                     by default (README \"Latency\"); needs sock:sk_data_ready\n"
"                     (6.10+).  With --xdp native the start is the XDP program's\n"
"                     arrival stamp where the driver keeps XDP metadata\n"
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
		MIN_INTERVAL_S, DEFAULT_INTERVAL_S, EST_MAX_WINDOW, EST_DEFAULT_WINDOW,
		SAMPLING_MIN_WINDOW_S, SAMPLING_AUTO_PERIOD_S, SAMPLING_MIN_WINDOW_S * SAMPLING_AUTO_FIRST);
}

int live_parse_args(int argc, char **argv, struct live_opts *o)
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
		{ "full", no_argument, NULL, OPT_FULL },
		{ "latency", no_argument, NULL, OPT_LATENCY },
		{ "verbose", no_argument, NULL, 'v' },
		{ "exit-after-attach", no_argument, NULL, OPT_EXIT_AFTER_ATTACH },
		{ "xdp", required_argument, NULL, OPT_XDP },
		{ "attach", required_argument, NULL, OPT_ATTACH },
		{ "btf", required_argument, NULL, OPT_BTF },
		{ "ready-file", required_argument, NULL, OPT_READY_FILE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, pos, neg, before, first, w;
	bool full = false;
	uint64_t u;
	double d;
	char *end;

	o->interval_s = DEFAULT_INTERVAL_S;
	if (getenv("LIVELOCK_TRACE_ATTACH") && !probe_parse_attach(getenv("LIVELOCK_TRACE_ATTACH"), &o->attach))
		return cli_usage("bad value '%s' for LIVELOCK_TRACE_ATTACH: expected auto or raw_tp", getenv("LIVELOCK_TRACE_ATTACH"));
	o->btf = getenv("LIVELOCK_TRACE_BTF") && *getenv("LIVELOCK_TRACE_BTF") ? getenv("LIVELOCK_TRACE_BTF") : NULL;
	o->est.mapping = EST_MAP_PAPER;	/* the lab's verdict: see README "From Linux events to the model's symbols" */
	/* a negative INTERVAL or COUNT looks like an option to getopt: a range error instead */
	neg = num_negative_operand(argc, argv, longopts, &before, &first);
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
		case OPT_LATENCY: o->latency = true; break;
		case OPT_READY_FILE: o->ready_file = optarg; break;
		case OPT_STACK_TIME:
			w = STACK_TIME_ON;	/* --stack-time alone */
			if (optarg && !cli_word(optarg, "--stack-time", stack_time_words, &w))
				return LT_EXIT_USAGE;
			o->stack_time = w == STACK_TIME_ON;
			o->stack_time_off = w == STACK_TIME_OFF;
			break;
		case OPT_SAMPLE:
			if (full)
				return cli_usage("--full keeps every probe on; drop --sample");
			if (!sampling_parse(optarg, 1, &o->sample))
				return LT_EXIT_USAGE;
			break;
		case OPT_FULL:
			if (o->sample)
				return cli_usage("--full keeps every probe on; drop --sample");
			full = true;
			o->sample = 1;
			break;
		case OPT_DELIVER:
			if (!cli_word(optarg, "--deliver", est_deliver_words, &w))
				return LT_EXIT_USAGE;
			o->est.deliver = w;
			break;
		case OPT_MODEL:
			if (!cli_word(optarg, "--model", est_model_words, &w))
				return LT_EXIT_USAGE;
			o->est.model = w;
			break;
		case OPT_MAPPING:
			if (!cli_word(optarg, "--mapping", est_mapping_words, &w))
				return LT_EXIT_USAGE;
			o->est.mapping = w;
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
			if (!cli_word(optarg, "--xdp", xdp_words, &w))
				return LT_EXIT_USAGE;
			o->xdp = w;
			break;
		case OPT_ATTACH:
			if (!probe_parse_attach(optarg, &o->attach))
				return cli_usage("bad value '%s' for --attach: expected auto or raw_tp", optarg);
			break;
		case OPT_BTF:
			if (!*optarg)
				return cli_usage("--btf needs a file name");
			o->btf = optarg;
			break;
		case 'h': usage(stdout); return LT_EXIT_OK;
		default: return cli_getopt_error(NULL, opt, argv);
		}
	}
	if (o->raw && o->record)
		return cli_usage("--record keeps the model's view; drop --raw");
	pos = optind;
	/* IFACE is optional: a first word that is a number is INTERVAL */
	if (pos < argc && (strtod(argv[pos], &end), *end != '\0'))
		o->ifname = argv[pos++];
	if (pos < argc && !num_parse_double(argv[pos++], "INTERVAL", MIN_INTERVAL_S,
					    MAX_INTERVAL_S, &o->interval_s))
		return LT_EXIT_USAGE;
	if (pos < argc && !num_parse_u64(argv[pos++], "COUNT", 0, UINT64_MAX / 2, &o->count))
		return LT_EXIT_USAGE;
	if (pos < argc)
		return cli_usage("unexpected argument '%s' (see --help)", argv[pos]);
	if (!sampling_check(o->sample, o->interval_s))
		return LT_EXIT_USAGE;
	/* a read in one window would take the enqueue time of a datagram queued in another */
	if (o->latency && o->sample > 1)
		return cli_usage("--latency and --sample exclude each other: the latency follows every packet");
	return CLI_CONTINUE;
}

const char *live_xdp_word(enum probe_xdp x)
{
	return cli_word_name(xdp_words, x);
}

