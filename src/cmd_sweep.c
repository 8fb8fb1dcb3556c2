// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `livelock-trace sweep IFACE --rx-usecs 0,8,32,128 ... --per 10s`: apply each
 * interrupt-coalescing setting, check the NIC took it, measure it with the live
 * command as a child process (--record), restore the original on every exit
 * path, and compare the settings (compare's report) beside what each should
 * give.  `sweep --restore FILE` puts back a saved original after a kill -9;
 * `sweep IFACE --show` prints the settings and what the driver supports.
 * This file is the command line, --show and --restore (see sweep.h).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "commands.h"
#include "json.h"
#include "nic.h"
#include "numparse.h"
#include "sweep.h"

#define DEFAULT_PER_S		10
#define DEFAULT_INTERVAL_S	1
#define MAX_PER_S		86400
#define DEFAULT_BOUND_US	1000	/* --goal cpu: p99 latency bound */

static void usage(FILE *f)
{
	fprintf(f,
"Usage: livelock-trace sweep IFACE [--rx-usecs LIST] [--rx-frames LIST]\n"
"                            [--adaptive on|off|on,off] [--defer-hard-irqs LIST\n"
"                            --gro-flush-timeout LIST] [--per DURATION] [OPTIONS]\n"
"                            [-- LIVE-OPTIONS]\n"
"       livelock-trace sweep --restore FILE\n"
"       livelock-trace sweep IFACE --show [--json]\n"
"       livelock-trace sweep [IFACE] --predict [--from RECORD] --rx-usecs LIST\n"
"                            [--defer-hard-irqs LIST --gro-flush-timeout LIST]\n"
"                            [--rate PPS] [--goal throughput|cpu|latency]\n"
"\n"
"Tries interrupt-coalescing settings of IFACE one after the other under the\n"
"load the interface has (or that you offer it), and compares them: for every\n"
"combination of the values given, it applies the setting (ETHTOOL_SCOALESCE;\n"
"NAPI's deferral through sysfs), reads it back and says if it was not taken,\n"
"measures for DURATION with 'livelock-trace IFACE --record', and watches\n"
"interrupts per packet move.  At the end, on an error, on Ctrl-C or SIGTERM it\n"
"restores the original settings and reads them back.  Then it prints the\n"
"comparison of 'livelock-trace compare' and, per setting, what it should give\n"
"beside what it gave.\n"
"\n"
"Before anything is changed: a driver without coalescing settings, or one that\n"
"does not accept a parameter asked for (asked of ethtool netlink, read-only),\n"
"is refused, and the original settings are saved to a file.  After a kill -9\n"
"put them back with 'livelock-trace sweep --restore FILE'; a sweep will not\n"
"start while a save file of the interface is there.  Needs root.\n"
"\n"
"  --rx-usecs LIST    microseconds the NIC waits before interrupting, e.g.\n"
"                     0,8,32,128.  e1000/e1000e: 1-4 are dynamic modes, igb\n"
"                     1-3, ixgbe 1 (the sweep says so)\n"
"  --rx-frames LIST   packets the NIC gathers before interrupting\n"
"  --adaptive on|off  adaptive RX coalescing (or on,off: both)\n"
"  --defer-hard-irqs LIST  NAPI's napi_defer_hard_irqs: empty polls before the\n"
"                     interrupt is enabled again (0: off); written to\n"
"                     /sys/class/net/IFACE/ (5.10+), saved and restored like\n"
"                     the others.  Refused when the device's NAPI instances\n"
"                     were set apart (netdev netlink, 6.13+)\n"
"  --gro-flush-timeout LIST  NAPI's gro_flush_timeout in ns: the timer that\n"
"                     polls meanwhile (deferral needs both non-zero)\n"
"  --per DURATION     measuring time per setting: 10, 10s, 500ms, 2m [%ds]\n"
"  --interval S       live interval inside it, seconds [%d]\n"
"  --save FILE        where the original settings go\n"
"                     [" COAL_SAVE_DIR "/coalesce-IFACE.json]\n"
"  --record-dir DIR   one recorded run per setting, DIR/setting-K.jsonl\n"
"                     [a new /tmp/livelock-trace-sweep.XXXXXX]\n"
"  --json             JSON Lines: the sweep object (settings, read-backs,\n"
"                     measured and predicted), then compare's object\n"
"  --plot FILE.svg    each setting's predicted curve and observed point\n"
"  --latency-plot FILE.svg  p99 latency (log scale) against CPU at interrupt\n"
"                     priority, a point per setting: the forecast, and after a\n"
"                     measured sweep with -- --latency what was measured\n"
"  --restore FILE     apply the settings saved in FILE, read them back, remove it\n"
"  --show             print IFACE's settings, the parameters its driver\n"
"                     accepts and NAPI's deferral; changes nothing, no root\n"
"                     needed\n"
"  --predict          forecast every setting instead of trying it: observe\n"
"                     IFACE at its current setting for --per (BPF only: no\n"
"                     setting is written, no save file), then forecast each\n"
"                     one's interrupts/s, packets per interrupt, CPU at\n"
"                     interrupt priority, delivered rate, capacity, MLFRR and\n"
"                     latency (the delay the setting adds, p99 to the read)\n"
"  --from RECORD      --predict from a recorded run ('livelock-trace IFACE\n"
"                     --record FILE'); no privilege needed, IFACE optional\n"
"  --rate PPS         --predict also at this offered load, packets/s\n"
"  --goal G           name the setting for a goal: throughput (highest\n"
"                     capacity), cpu (least CPU at interrupt priority within\n"
"                     --latency-bound, delivering as much as the best),\n"
"                     latency (lowest p99 delivering as much as the best);\n"
"                     after a measured sweep the pick (from the forecast, with\n"
"                     what was measured in it) goes to stderr\n"
"  --latency-bound US p99 latency bound of --goal cpu, microseconds [%d]\n"
"  -- LIVE-OPTIONS    passed to the live measurement, e.g. -- --deliver stack\n"
"  -h, --help         this help\n"
"\n"
"Forecast: the costs measured in one setting (the observation, or a measured\n"
"sweep's first setting) with each setting's interrupt cap, through the\n"
"forecast's batching law ('livelock-trace forecast --help').  A throttle timer\n"
"(e1000, igb, ixgbe, i40e, ice) allows at most 1e6/U interrupts a second; a\n"
"delay timer (the others) holds each interrupt U after its first packet; F\n"
"frames allow one interrupt per F packets.  Adaptive and dynamic modes are not\n"
"forecast.  The spread is the 10th-90th percentile of the forecasts from each\n"
"observed interval's own costs.\n"
"\n"
"Exit: 0 done, 1 refused or failed (original restored unless it says not),\n"
"2 bad usage, 128+signal after Ctrl-C/SIGTERM (original restored).\n"
"\n"
"Examples:\n"
"  livelock-trace sweep eth1 --show\n"
"  sudo livelock-trace sweep eth1 --rx-usecs 0,8,32,128 --per 10s\n"
"  sudo livelock-trace sweep eth1 --rx-usecs 16 --rx-frames 8,32,64 --plot c.svg\n"
"  sudo livelock-trace sweep eth1 --predict --rx-usecs 0,100,500,1000 --goal cpu\n"
"  sudo livelock-trace sweep eth1 --rx-usecs 0,100,1000 --latency-plot lat.svg -- --latency\n"
"  sudo livelock-trace sweep eth1 --defer-hard-irqs 0,2 --gro-flush-timeout 20000,200000\n"
"  livelock-trace sweep --predict --from run.jsonl --rx-usecs 0,50,200 --rate 80000\n"
"  sudo livelock-trace sweep --restore " COAL_SAVE_DIR "/coalesce-eth1.json\n",
		DEFAULT_PER_S, DEFAULT_INTERVAL_S, DEFAULT_BOUND_US);
}

static int usage_error(const char *msg, const char *arg)
{
	return cli_usage("sweep: %s%s%s (see --help)", msg, arg ? " " : "", arg ? arg : "");
}

/* "10", "10s", "500ms", "2m" -> seconds. */
static bool parse_duration(const char *s, double *out)
{
	char *end;
	double v, mul = 1;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno)
		return false;
	if (!strcmp(end, "ms"))
		mul = 1e-3;
	else if (!strcmp(end, "m"))
		mul = 60;
	else if (*end && strcmp(end, "s"))
		return false;
	v *= mul;
	if (!(v > 0 && v <= MAX_PER_S))
		return false;
	*out = v;
	return true;
}

int sweep_parse_list(const char *s, const char *opt, uint32_t max, uint32_t *out, int cap)
{
	const char *p = s;
	int n = 0;

	do {
		char *end;
		unsigned long v;

		errno = 0;
		if (*p < '0' || *p > '9')
			goto bad;
		v = strtoul(p, &end, 10);
		if (errno || v > max || (*end && *end != ',') || n == cap)
			goto bad;
		out[n++] = (uint32_t)v;
		p = *end ? end + 1 : end;
		if (*end && !*p)
			goto bad;
	} while (*p);
	return n;
bad:
	cli_err("sweep: bad value '%s' for %s: expected up to %d numbers 0..%u separated by commas",
		s, opt, cap, max);
	return -1;
}


static bool parse_adaptive(const char *s, struct sweep_opts *o)
{
	if (!strcmp(s, "on") || !strcmp(s, "off")) {
		o->adaptive[0] = !strcmp(s, "on");
		o->n_adaptive = 1;
	} else if (!strcmp(s, "on,off") || !strcmp(s, "off,on")) {
		o->adaptive[0] = s[1] == 'n';
		o->adaptive[1] = !o->adaptive[0];
		o->n_adaptive = 2;
	} else {
		return false;
	}
	return true;
}

enum { OPT_RX_USECS = 1, OPT_RX_FRAMES, OPT_ADAPTIVE, OPT_PER, OPT_INTERVAL, OPT_SAVE, OPT_RECORD_DIR,
       OPT_JSON, OPT_PLOT, OPT_LATENCY_PLOT, OPT_RESTORE, OPT_SHOW, OPT_PREDICT, OPT_FROM, OPT_RATE,
       OPT_GOAL, OPT_BOUND, OPT_DEFER, OPT_GRO_FLUSH };

static const struct cli_word goal_words[] = {
	{ "throughput", WHATIF_GOAL_THROUGHPUT }, { "cpu", WHATIF_GOAL_CPU }, { "latency", WHATIF_GOAL_LATENCY },
	{ NULL, 0 },
};

static const struct option longopts[] = {
	{ "rx-usecs", required_argument, NULL, OPT_RX_USECS },
	{ "rx-frames", required_argument, NULL, OPT_RX_FRAMES },
	{ "adaptive", required_argument, NULL, OPT_ADAPTIVE },
	{ "defer-hard-irqs", required_argument, NULL, OPT_DEFER },
	{ "gro-flush-timeout", required_argument, NULL, OPT_GRO_FLUSH },
	{ "per", required_argument, NULL, OPT_PER },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "save", required_argument, NULL, OPT_SAVE },
	{ "record-dir", required_argument, NULL, OPT_RECORD_DIR },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "plot", required_argument, NULL, OPT_PLOT },
	{ "latency-plot", required_argument, NULL, OPT_LATENCY_PLOT },
	{ "restore", required_argument, NULL, OPT_RESTORE },
	{ "show", no_argument, NULL, OPT_SHOW },
	{ "predict", no_argument, NULL, OPT_PREDICT },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "goal", required_argument, NULL, OPT_GOAL },
	{ "latency-bound", required_argument, NULL, OPT_BOUND },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* The words after "--" go to the live measurement; returns where "--" is (argc if none), or -1. */
static int split_passthrough(int argc, char **argv, struct sweep_opts *o)
{
	int dash = argc;

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--")) {
			dash = i;
			break;
		}
	for (int i = dash + 1; i < argc; i++) {
		if (o->n_pass == SWEEP_MAX_PASSTHROUGH)
			return -1;
		o->pass[o->n_pass++] = argv[i];
	}
	return dash;
}

/* One option of getopt_long: CLI_CONTINUE, LT_EXIT_OK after --help, or LT_EXIT_USAGE after one line on stderr. */
static int parse_option(int opt, char **argv, struct sweep_opts *o)
{
	switch (opt) {
	case OPT_RX_USECS:
		o->n_usecs = sweep_parse_list(optarg, "--rx-usecs", UINT32_MAX, o->usecs, SWEEP_MAX_VALUES);
		return o->n_usecs < 0 ? LT_EXIT_USAGE : CLI_CONTINUE;
	case OPT_RX_FRAMES:
		o->n_frames = sweep_parse_list(optarg, "--rx-frames", UINT32_MAX, o->frames, SWEEP_MAX_VALUES);
		return o->n_frames < 0 ? LT_EXIT_USAGE : CLI_CONTINUE;
	case OPT_DEFER:	/* the kernel takes 0 .. S32_MAX */
		o->n_defer = sweep_parse_list(optarg, "--defer-hard-irqs", INT32_MAX, o->defers, SWEEP_MAX_VALUES);
		return o->n_defer < 0 ? LT_EXIT_USAGE : CLI_CONTINUE;
	case OPT_GRO_FLUSH:
		o->n_gro_flush = sweep_parse_list(optarg, "--gro-flush-timeout", UINT32_MAX, o->gro_flush,
						  SWEEP_MAX_VALUES);
		return o->n_gro_flush < 0 ? LT_EXIT_USAGE : CLI_CONTINUE;
	case OPT_ADAPTIVE:
		if (!parse_adaptive(optarg, o))
			return usage_error("bad value for --adaptive: expected on, off or on,off, not", optarg);
		return CLI_CONTINUE;
	case OPT_PER:
		if (!parse_duration(optarg, &o->per_s))
			return usage_error("bad value for --per: expected a duration like 10, 10s, 500ms or 2m, not",
					   optarg);
		return CLI_CONTINUE;
	case OPT_INTERVAL:
		return num_parse_double(optarg, "--interval", 0.1, 3600, &o->interval_s) ? CLI_CONTINUE : LT_EXIT_USAGE;
	case OPT_SAVE: o->save = optarg; return CLI_CONTINUE;
	case OPT_RECORD_DIR: o->record_dir = optarg; return CLI_CONTINUE;
	case OPT_JSON: o->json = true; return CLI_CONTINUE;
	case OPT_PLOT: o->plot = optarg; return CLI_CONTINUE;
	case OPT_LATENCY_PLOT: o->latency_plot = optarg; return CLI_CONTINUE;
	case OPT_RESTORE: o->restore = optarg; return CLI_CONTINUE;
	case OPT_SHOW: o->show = true; return CLI_CONTINUE;
	case OPT_PREDICT: o->predict = true; return CLI_CONTINUE;
	case OPT_FROM: o->from = optarg; return CLI_CONTINUE;
	case OPT_RATE:
		return num_parse_double(optarg, "--rate", 1, 1e9, &o->rate_pps) ? CLI_CONTINUE : LT_EXIT_USAGE;
	case OPT_GOAL: {
		int g;

		if (!cli_word(optarg, "--goal", goal_words, &g))
			return LT_EXIT_USAGE;
		o->goal = (enum whatif_goal)g;
		return CLI_CONTINUE;
	}
	case OPT_BOUND:
		return num_parse_double(optarg, "--latency-bound", 1, 1e9, &o->bound_us) ? CLI_CONTINUE : LT_EXIT_USAGE;
	case 'h': usage(stdout); return LT_EXIT_OK;
	default: return cli_getopt_error("sweep", opt, argv);
	}
}

#define PREDICT_NEEDS "give at least one of --rx-usecs, --rx-frames, --adaptive, --defer-hard-irqs, --gro-flush-timeout"

/* The combinations of the lists. */
static long n_settings(const struct sweep_opts *o)
{
	const int n[] = { o->n_usecs, o->n_frames, o->n_adaptive, o->n_defer, o->n_gro_flush };
	long k = 1;

	for (size_t i = 0; i < sizeof(n) / sizeof(n[0]); i++)
		k *= n[i] ? n[i] : 1;
	return k;
}

static int too_many(void)
{
	cli_err("sweep: at most %d settings in one sweep (the combinations of the lists)", CMP_MAX_RUNS);
	return LT_EXIT_USAGE;
}

/* What the options ask for, as a whole: CLI_CONTINUE or LT_EXIT_USAGE after one line on stderr. */
static int check_request(char **argv, int dash, struct sweep_opts *o)
{
	if (o->restore) {
		if (optind != dash || o->n_usecs || o->n_frames || o->n_adaptive || o->n_defer || o->n_gro_flush ||
		    o->show || o->predict || o->latency_plot)
			return usage_error("--restore FILE takes nothing else", NULL);
		return CLI_CONTINUE;
	}
	if ((o->from || o->rate_pps > 0) && !o->predict)
		return usage_error(o->from ? "--from forecasts from a record: it needs --predict" :
				   "--rate is a load to forecast at: it needs --predict", NULL);
	if (o->bound_us > 0 && o->goal != WHATIF_GOAL_CPU)
		return usage_error("--latency-bound is the bound of --goal cpu", NULL);
	if (o->goal == WHATIF_GOAL_CPU && !(o->bound_us > 0))
		o->bound_us = DEFAULT_BOUND_US;
	if (o->predict && (o->save || o->show || o->plot))
		return usage_error(o->save ? "--predict changes nothing: it takes no --save" :
				   o->show ? "--predict and --show exclude each other" :
				   "--plot draws a measured sweep; --predict --json gives the forecast's numbers", NULL);
	if (o->predict && o->goal == WHATIF_GOAL_NONE && o->bound_us > 0)
		return usage_error("--latency-bound needs --goal cpu", NULL);
	if (o->predict && o->from && optind == dash) {
		if (!o->n_usecs && !o->n_frames && !o->n_adaptive && !o->n_defer && !o->n_gro_flush)
			return usage_error(PREDICT_NEEDS, NULL);
		return n_settings(o) > CMP_MAX_RUNS ? too_many() : CLI_CONTINUE;
	}
	if (optind == dash)
		return usage_error("which interface? give IFACE", NULL);
	if (optind != dash - 1)
		return usage_error("one interface only, got", argv[optind + 1]);
	o->ifname = argv[optind];
	if (o->show)
		return o->latency_plot ? usage_error("--show prints settings: it draws no --latency-plot", NULL) :
					 CLI_CONTINUE;
	if (!o->n_usecs && !o->n_frames && !o->n_adaptive && !o->n_defer && !o->n_gro_flush)
		return usage_error(PREDICT_NEEDS, NULL);
	if (o->per_s < o->interval_s)
		return usage_error("--per is shorter than one --interval", NULL);
	return n_settings(o) > CMP_MAX_RUNS ? too_many() : CLI_CONTINUE;
}

/* CLI_CONTINUE, LT_EXIT_OK after --help, or LT_EXIT_USAGE after one line on stderr. */
static int parse_args(int argc, char **argv, struct sweep_opts *o)
{
	int opt, rc, dash;

	o->per_s = DEFAULT_PER_S;
	o->interval_s = DEFAULT_INTERVAL_S;
	dash = split_passthrough(argc, argv, o);
	if (dash < 0)
		return usage_error("too many live options after --", NULL);
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(dash, argv, ":h", longopts, NULL)) != -1)
		if ((rc = parse_option(opt, argv, o)) != CLI_CONTINUE)
			return rc;
	return check_request(argv, dash, o);
}

static int cmd_show(const struct sweep_opts *o)
{
	struct ethtool_coalesce ec;
	struct coal_napi nd;
	char driver[32], cur[96], sup[96], napi[96];
	uint32_t mask = 0;
	bool nl = false, have_napi;
	int rc;

	sweep_driver_of(o->ifname, driver, sizeof(driver));
	rc = sweep_check_support(o->ifname, driver, &ec, &mask, &nl);
	if (rc)
		return rc;
	have_napi = !coal_napi_get(o->ifname, &nd);	/* 5.10+ */
	if (have_napi)
		coal_napi_str(&nd, napi, sizeof(napi));
	sweep_current_str(&ec, cur, sizeof(cur));
	sweep_mask_str(mask, sup, sizeof(sup));
	if (o->json) {
		struct json j;

		json_begin(&j, stdout);
		json_str(&j, "device", o->ifname);
		json_str(&j, "driver", driver);
		json_u64(&j, "rx_usecs", ec.rx_coalesce_usecs);
		json_u64(&j, "rx_frames", ec.rx_max_coalesced_frames);
		json_bool(&j, "adaptive_rx", ec.use_adaptive_rx_coalesce);
		json_u64(&j, "tx_usecs", ec.tx_coalesce_usecs);
		json_u64(&j, "tx_frames", ec.tx_max_coalesced_frames);
		json_bool(&j, "adaptive_tx", ec.use_adaptive_tx_coalesce);
		json_arr(&j, "supported");
		for (uint32_t b = COAL_RX_USECS; nl && b <= COAL_ADAPTIVE_RX; b <<= 1)
			if (mask & b)
				json_str(&j, NULL, coal_param_name(b));
		json_arr_end(&j);
		json_str(&j, "supported_source", nl ? "ethtool netlink" : NULL);
		if (have_napi) {
			json_u64(&j, "napi_defer_hard_irqs", nd.defer_hard_irqs);
			json_u64(&j, "gro_flush_timeout_ns", nd.gro_flush_ns);
		} else {
			json_null(&j, "napi_defer_hard_irqs");
			json_null(&j, "gro_flush_timeout_ns");
		}
		json_end(&j);
	} else {
		printf("%s (driver %s): %s, tx-usecs %u tx-frames %u adaptive-tx %s\n", o->ifname, driver, cur,
		       ec.tx_coalesce_usecs, ec.tx_max_coalesced_frames, ec.use_adaptive_tx_coalesce ? "on" : "off");
		printf("accepts: %s\n", nl ? sup : "unknown (no ethtool netlink): a sweep tries and reads back");
		printf("NAPI deferral: %s\n", have_napi ? napi : "none in this kernel (napi_defer_hard_irqs: 5.10+)");
	}
	return LT_EXIT_OK;
}

static int cmd_restore(const char *path)
{
	struct coal_saved sv;
	int err = coal_load(path, &sv);

	if (err == -EBADMSG) {
		cli_err("sweep: %s is not a livelock-trace save file of coalescing or NAPI deferral settings", path);
		return LT_EXIT_ENV;
	}
	if (err) {
		cli_err("sweep: cannot read %s: %s", path, strerror(-err));
		return LT_EXIT_ENV;
	}
	if (sv.pid > 0 && sv.pid != getpid() && !kill((pid_t)sv.pid, 0))
		cli_err("sweep: note: the sweep that saved %s (pid %ld) is still running; it will restore again when it ends",
			path, sv.pid);
	if (!nic_exists(sv.ifname)) {
		cli_err("sweep: %s (saved in %s) does not exist here: run this in the network namespace it is in",
			sv.ifname, path);
		return LT_EXIT_ENV;
	}
	return sweep_restore(&sv, path);
}

int cmd_sweep(int argc, char **argv)
{
	struct sweep_opts o = { 0 };
	int rc = parse_args(argc, argv, &o);

	if (rc != CLI_CONTINUE)
		return rc;
	if (o.restore)
		return cmd_restore(o.restore);
	if (o.show)
		return cmd_show(&o);
	if (o.predict)
		return sweep_predict(&o);
	return sweep_run(&o);
}
