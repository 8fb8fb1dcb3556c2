// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `livelock-trace sweep IFACE --rx-usecs 0,8,32,128 ... --per 10s`: apply each
 * interrupt-coalescing setting, check the NIC took it, measure it with the live
 * command as a child process (--record), restore the original on every exit
 * path, and compare the settings (compare's report) beside what each should
 * give.  `sweep --restore FILE` puts back a saved original after a kill -9;
 * `sweep IFACE --show` prints the settings and what the driver supports.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "coalesce.h"
#include "commands.h"
#include "compare_report.h"
#include "json.h"
#include "nic.h"
#include "numparse.h"

#define DEFAULT_PER_S		10
#define DEFAULT_INTERVAL_S	1
#define MAX_PER_S		86400
#define CHILD_GRACE_S		60	/* attach time beyond --per before the child is stopped */
#define CHILD_KILL_S		10	/* after a forwarded signal, before SIGKILL */
#define MAX_PASSTHROUGH		32

struct sweep_opts {
	const char *ifname, *save, *record_dir, *restore, *plot;
	uint32_t usecs[COAL_MAX_VALUES], frames[COAL_MAX_VALUES];
	int n_usecs, n_frames, n_adaptive;
	bool adaptive[2];
	double per_s, interval_s;
	bool json, show;
	int n_pass;
	char *pass[MAX_PASSTHROUGH];	/* live options after "--" */
};

/* One point of the sweep and what became of it. */
struct sweep_point {
	struct coal_setting want;
	struct ethtool_coalesce rb;	/* read back after applying */
	bool taken, measured, busy;
	char why[96], record[512];
	struct cmp_run run;
	double cap;			/* interrupts per packet at most (coal_irq_cap) */
	struct coal_pred pred;
	int moved;			/* interrupts/packet against the previous point: -1, 0, +1; 2 unknown */
	int prev;			/* that previous measured point, -1 none */
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: livelock-trace sweep IFACE [--rx-usecs LIST] [--rx-frames LIST]\n"
"                            [--adaptive on|off|on,off] [--per DURATION] [OPTIONS]\n"
"                            [-- LIVE-OPTIONS]\n"
"       livelock-trace sweep --restore FILE\n"
"       livelock-trace sweep IFACE --show [--json]\n"
"\n"
"Tries interrupt-coalescing settings of IFACE one after the other under the\n"
"load the interface has (or that you offer it), and compares them: for every\n"
"combination of the values given, it applies the setting (ETHTOOL_SCOALESCE),\n"
"reads it back and says if the NIC did not take it, measures for DURATION with\n"
"'livelock-trace IFACE --record', and watches interrupts per packet move.  At\n"
"the end, on an error, on Ctrl-C or SIGTERM it restores the original settings\n"
"and reads them back.  Then it prints the comparison of 'livelock-trace\n"
"compare' and, per setting, what it should give beside what it gave.\n"
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
"  --per DURATION     measuring time per setting: 10, 10s, 500ms, 2m [%ds]\n"
"  --interval S       live interval inside it, seconds [%d]\n"
"  --save FILE        where the original settings go\n"
"                     [" COAL_SAVE_DIR "/coalesce-IFACE.json]\n"
"  --record-dir DIR   one recorded run per setting, DIR/setting-K.jsonl\n"
"                     [a new /tmp/livelock-trace-sweep.XXXXXX]\n"
"  --json             JSON Lines: the sweep object (settings, read-backs,\n"
"                     measured and predicted), then compare's object\n"
"  --plot FILE.svg    each setting's predicted curve and observed point\n"
"  --restore FILE     apply the settings saved in FILE, read them back, remove it\n"
"  --show             print IFACE's settings and the parameters its driver\n"
"                     accepts; changes nothing, no root needed\n"
"  -- LIVE-OPTIONS    passed to the live measurement, e.g. -- --deliver stack\n"
"  -h, --help         this help\n"
"\n"
"Prediction: from the least coalesced setting's measurement, a timer of U us\n"
"allows at most 1e6/U interrupts a second and F frames one interrupt per F\n"
"packets, so interrupts/packet = min(reference, cap); the CPU share at interrupt\n"
"priority and delivered gamma follow (the model with DMA, 1/r = hard-IRQ time x\n"
"interrupts/packet).  Adaptive and dynamic modes get no prediction.\n"
"\n"
"Exit: 0 done, 1 refused or failed (original restored unless it says not),\n"
"2 bad usage, 128+signal after Ctrl-C/SIGTERM (original restored).\n"
"\n"
"Examples:\n"
"  livelock-trace sweep eth1 --show\n"
"  sudo livelock-trace sweep eth1 --rx-usecs 0,8,32,128 --per 10s\n"
"  sudo livelock-trace sweep eth1 --rx-usecs 16 --rx-frames 8,32,64 --plot c.svg\n"
"  sudo livelock-trace sweep --restore " COAL_SAVE_DIR "/coalesce-eth1.json\n",
		DEFAULT_PER_S, DEFAULT_INTERVAL_S);
}

static int usage_error(const char *msg, const char *arg)
{
	fprintf(stderr, "livelock-trace: sweep: %s%s%s (see --help)\n", msg, arg ? " " : "", arg ? arg : "");
	return LT_EXIT_USAGE;
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
       OPT_JSON, OPT_PLOT, OPT_RESTORE, OPT_SHOW };

static int parse_args(int argc, char **argv, struct sweep_opts *o)
{
	static const struct option longopts[] = {
		{ "rx-usecs", required_argument, NULL, OPT_RX_USECS },
		{ "rx-frames", required_argument, NULL, OPT_RX_FRAMES },
		{ "adaptive", required_argument, NULL, OPT_ADAPTIVE },
		{ "per", required_argument, NULL, OPT_PER },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "save", required_argument, NULL, OPT_SAVE },
		{ "record-dir", required_argument, NULL, OPT_RECORD_DIR },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "plot", required_argument, NULL, OPT_PLOT },
		{ "restore", required_argument, NULL, OPT_RESTORE },
		{ "show", no_argument, NULL, OPT_SHOW },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, dash = argc;

	o->per_s = DEFAULT_PER_S;
	o->interval_s = DEFAULT_INTERVAL_S;
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--")) {
			dash = i;
			break;
		}
	for (int i = dash + 1; i < argc; i++) {
		if (o->n_pass == MAX_PASSTHROUGH)
			return usage_error("too many live options after --", NULL);
		o->pass[o->n_pass++] = argv[i];
	}
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(dash, argv, ":h", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_RX_USECS:
			if ((o->n_usecs = coal_parse_list(optarg, "--rx-usecs", UINT32_MAX, o->usecs, COAL_MAX_VALUES)) < 0)
				return LT_EXIT_USAGE;
			break;
		case OPT_RX_FRAMES:
			if ((o->n_frames = coal_parse_list(optarg, "--rx-frames", UINT32_MAX, o->frames, COAL_MAX_VALUES)) < 0)
				return LT_EXIT_USAGE;
			break;
		case OPT_ADAPTIVE:
			if (!parse_adaptive(optarg, o))
				return usage_error("bad value for --adaptive: expected on, off or on,off, not", optarg);
			break;
		case OPT_PER:
			if (!parse_duration(optarg, &o->per_s))
				return usage_error("bad value for --per: expected a duration like 10, 10s, 500ms or 2m, not",
						   optarg);
			break;
		case OPT_INTERVAL:
			if (!num_parse_double(optarg, "--interval", 0.1, 3600, &o->interval_s))
				return LT_EXIT_USAGE;
			break;
		case OPT_SAVE: o->save = optarg; break;
		case OPT_RECORD_DIR: o->record_dir = optarg; break;
		case OPT_JSON: o->json = true; break;
		case OPT_PLOT: o->plot = optarg; break;
		case OPT_RESTORE: o->restore = optarg; break;
		case OPT_SHOW: o->show = true; break;
		case 'h': usage(stdout); return -1;
		case ':': return usage_error("option needs a value:", argv[optind - 1]);
		default: return usage_error("unknown option", argv[optind - 1]);
		}
	}
	if (o->restore) {
		if (optind != dash || o->n_usecs || o->n_frames || o->n_adaptive || o->show)
			return usage_error("--restore FILE takes nothing else", NULL);
		return 0;
	}
	if (optind != dash - 1)
		return usage_error(optind == dash ? "which interface? give IFACE" : "one interface only, got", optind == dash ? NULL : argv[optind + 1]);
	o->ifname = argv[optind];
	if (o->show)
		return 0;
	if (!o->n_usecs && !o->n_frames && !o->n_adaptive)
		return usage_error("give at least one of --rx-usecs, --rx-frames, --adaptive", NULL);
	if (o->per_s < o->interval_s)
		return usage_error("--per is shorter than one --interval", NULL);
	if ((o->n_usecs ? o->n_usecs : 1) * (o->n_frames ? o->n_frames : 1) * (o->n_adaptive ? o->n_adaptive : 1) >
	    CMP_MAX_RUNS) {
		fprintf(stderr, "livelock-trace: sweep: at most %d settings in one sweep (the combinations of the lists)\n",
			CMP_MAX_RUNS);
		return LT_EXIT_USAGE;
	}
	return 0;
}

static int build_points(const struct sweep_opts *o, struct sweep_point *p)
{
	int n = 0;

	for (int u = 0; u < (o->n_usecs ? o->n_usecs : 1); u++)
		for (int f = 0; f < (o->n_frames ? o->n_frames : 1); f++)
			for (int a = 0; a < (o->n_adaptive ? o->n_adaptive : 1); a++) {
				struct coal_setting *s = &p[n++].want;

				s->has_usecs = o->n_usecs > 0;
				s->rx_usecs = o->n_usecs ? o->usecs[u] : 0;
				s->has_frames = o->n_frames > 0;
				s->rx_frames = o->n_frames ? o->frames[f] : 0;
				s->has_adaptive = o->n_adaptive > 0;
				s->adaptive_rx = o->n_adaptive ? o->adaptive[a] : false;
			}
	return n;
}

static void current_str(const struct ethtool_coalesce *ec, char *buf, size_t len)
{
	snprintf(buf, len, "rx-usecs %u rx-frames %u adaptive-rx %s", ec->rx_coalesce_usecs,
		 ec->rx_max_coalesced_frames, ec->use_adaptive_rx_coalesce ? "on" : "off");
}

static void mask_str(uint32_t mask, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (uint32_t b = COAL_RX_USECS; b <= COAL_ADAPTIVE_RX; b <<= 1)
		if (mask & b && n < len)
			n += snprintf(buf + n, len - n, "%s%s", n ? ", " : "", coal_param_name(b));
	if (!n)
		snprintf(buf, len, "none of rx-usecs, rx-frames, adaptive-rx");
}

static const char *driver_of(const char *ifname, char *buf, size_t len)
{
	struct nic_info *nic = calloc(1, sizeof(*nic));

	snprintf(buf, len, "unknown");
	if (nic && !nic_discover(ifname, nic) && nic->driver[0])
		snprintf(buf, len, "%s", nic->driver);
	free(nic);
	return buf;
}

/* Read-only: is there anything to sweep, and which parameters?  0, or an exit code. */
static int check_support(const char *ifname, const char *driver, struct ethtool_coalesce *orig,
			 uint32_t *mask, bool *from_netlink)
{
	int err = coal_get(ifname, orig);

	if (err == -EOPNOTSUPP) {
		fprintf(stderr, "livelock-trace: sweep: %s (driver %s) has no interrupt-coalescing settings (ETHTOOL_GCOALESCE: not supported): nothing to sweep, nothing was changed\n",
			ifname, driver);
		return LT_EXIT_ENV;
	}
	if (err) {
		fprintf(stderr, "livelock-trace: sweep: cannot read the coalescing settings of %s: %s\n",
			ifname, err == -ENODEV ? "no such interface" : strerror(-err));
		return LT_EXIT_ENV;
	}
	*from_netlink = !coal_supported(ifname, mask);
	return 0;
}

static int cmd_show(const struct sweep_opts *o)
{
	struct ethtool_coalesce ec;
	char driver[32], cur[96], sup[96];
	uint32_t mask = 0;
	bool nl = false;
	int rc;

	driver_of(o->ifname, driver, sizeof(driver));
	rc = check_support(o->ifname, driver, &ec, &mask, &nl);
	if (rc)
		return rc;
	current_str(&ec, cur, sizeof(cur));
	mask_str(mask, sup, sizeof(sup));
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
		json_end(&j);
	} else {
		printf("%s (driver %s): %s, tx-usecs %u tx-frames %u adaptive-tx %s\n", o->ifname, driver, cur,
		       ec.tx_coalesce_usecs, ec.tx_max_coalesced_frames, ec.use_adaptive_tx_coalesce ? "on" : "off");
		printf("accepts: %s\n", nl ? sup : "unknown (no ethtool netlink): a sweep tries and reads back");
	}
	return LT_EXIT_OK;
}

/* Put back saved settings and read them back; 0 or an exit code, one line on stderr either way. */
static int restore(const char *ifname, const struct ethtool_coalesce *orig, const char *save, bool quiet)
{
	struct ethtool_coalesce rb;
	const char *field = NULL;
	char cur[96];
	int err = coal_set(ifname, orig);

	if (!err)
		err = coal_get(ifname, &rb);
	if (err) {
		fprintf(stderr, "livelock-trace: sweep: could NOT restore the coalescing settings of %s: %s; they are saved in %s: run 'livelock-trace sweep --restore %s'\n",
			ifname, strerror(-err), save, save);
		return LT_EXIT_ENV;
	}
	if (!coal_equal(orig, &rb, &field)) {
		fprintf(stderr, "livelock-trace: sweep: restored %s, but %s reads back differently from the saved original; the original stays in %s\n",
			ifname, field, save);
		return LT_EXIT_ENV;
	}
	if (unlink(save) && errno != ENOENT)
		fprintf(stderr, "livelock-trace: sweep: note: cannot remove %s: %s\n", save, strerror(errno));
	current_str(&rb, cur, sizeof(cur));
	if (!quiet)
		fprintf(stderr, "livelock-trace: sweep: restored %s: %s (read back)\n", ifname, cur);
	return LT_EXIT_OK;
}

static int cmd_restore(const char *path)
{
	struct coal_saved sv;
	int err = coal_load(path, &sv);

	if (err == -EBADMSG) {
		fprintf(stderr, "livelock-trace: sweep: %s is not a livelock-trace save file of coalescing settings\n", path);
		return LT_EXIT_ENV;
	}
	if (err) {
		fprintf(stderr, "livelock-trace: sweep: cannot read %s: %s\n", path, strerror(-err));
		return LT_EXIT_ENV;
	}
	if (sv.pid > 0 && sv.pid != getpid() && !kill((pid_t)sv.pid, 0))
		fprintf(stderr, "livelock-trace: sweep: note: the sweep that saved %s (pid %ld) is still running; it will restore again when it ends\n",
			path, sv.pid);
	if (!nic_exists(sv.ifname)) {
		fprintf(stderr, "livelock-trace: sweep: %s (saved in %s) does not exist here: run this in the network namespace it is in\n",
			sv.ifname, path);
		return LT_EXIT_ENV;
	}
	return restore(sv.ifname, &sv.ec, path, false);
}

static bool have_root(void)
{
	return cli_have_privilege(CLI_PRIV_TRACE_NET);
}

/* ---- the measurement child ---- */

/*
 * Run `livelock-trace IFACE INTERVAL COUNT --json --record FILE [pass...]`
 * with our signals forwarded.  Returns the child's exit status (-1: could not
 * run it); *sig is set to the first SIGINT/SIGTERM/SIGHUP that arrived.
 */
static int measure(const struct sweep_opts *o, const char *record, int sfd, const sigset_t *old, int *sig)
{
	char interval[32], count[32];
	char *argv[8 + MAX_PASSTHROUGH];
	double deadline, kill_at = 0;
	int n = 0, status = -1;
	pid_t pid;

	snprintf(interval, sizeof(interval), "%g", o->interval_s);
	snprintf(count, sizeof(count), "%.0f", ceil(o->per_s / o->interval_s - 1e-9));
	argv[n++] = "livelock-trace";
	argv[n++] = (char *)o->ifname;
	argv[n++] = interval;
	argv[n++] = count;
	argv[n++] = "--json";
	argv[n++] = "--record";
	argv[n++] = (char *)record;
	for (int i = 0; i < o->n_pass; i++)
		argv[n++] = o->pass[i];
	argv[n] = NULL;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "livelock-trace: sweep: cannot start the measurement: %s\n", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		/* its own process group: a terminal's Ctrl-C reaches only us, and we forward it */
		setpgid(0, 0);
		/* a shell's background job inherits SIGINT ignored; the live command must see it */
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		sigprocmask(SIG_SETMASK, old, NULL);
		if (!freopen("/dev/null", "w", stdout))
			_exit(127);
		execv("/proc/self/exe", argv);
		fprintf(stderr, "livelock-trace: sweep: cannot run /proc/self/exe: %s\n", strerror(errno));
		_exit(127);
	}
	deadline = cli_now_s() + o->per_s + o->interval_s + CHILD_GRACE_S;
	for (;;) {
		struct pollfd pfd = { .fd = sfd, .events = POLLIN };
		struct signalfd_siginfo si;
		double t = cli_now_s(), until = kill_at ? kill_at : deadline;
		int w;

		w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (t >= until) {
			if (kill_at) {
				kill(pid, SIGKILL);
			} else {
				fprintf(stderr, "livelock-trace: sweep: the measurement did not end in time: stopping it\n");
				kill(pid, SIGTERM);
				kill_at = t + CHILD_KILL_S;
			}
			continue;
		}
		if (poll(&pfd, 1, (int)((until - t) * 1000) + 1) <= 0)
			continue;
		if (read(sfd, &si, sizeof(si)) != sizeof(si))
			continue;
		if (si.ssi_signo == SIGCHLD)
			continue;
		if (!*sig)
			*sig = (int)si.ssi_signo;
		/* the live command ends with its summary on SIGINT and SIGTERM alike */
		kill(pid, si.ssi_signo == SIGINT ? SIGINT : SIGTERM);
		if (!kill_at)
			kill_at = cli_now_s() + CHILD_KILL_S;
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

/* ---- report ---- */

static void fmt(char *buf, size_t len, double v, const char *f)
{
	if (isfinite(v))
		snprintf(buf, len, f, v);
	else
		snprintf(buf, len, "-");
}

static const char *moved_word(int m)
{
	return m == -1 ? "fewer" : m == 1 ? "more" : m == 0 ? "same" : "-";
}

static void print_table(const struct sweep_point *p, int n)
{
	printf("%-34s %-5s %9s %9s %9s %8s %8s %8s %8s %7s %7s %9s\n", "setting (read back)", "taken", "lambda/s",
	       "obs/s", "pred/s", "irq/pkt", "  pred", "pkt/irq", "  pred", "irq%", " pred", "gamma_pr");
	for (int i = 0; i < n; i++) {
		const struct sweep_point *q = &p[i];
		const struct cmp_stat *m = q->run.m;
		char set[64], rb[80], c[10][24];

		coal_setting_str(&q->want, set, sizeof(set));
		snprintf(rb, sizeof(rb), "%s (%u)", set, q->rb.rx_coalesce_usecs);
		if (!q->want.has_usecs)
			snprintf(rb, sizeof(rb), "%s", set);
		fmt(c[0], 24, q->busy ? m[CMP_LAMBDA].mean : NAN, "%.0f");
		fmt(c[1], 24, q->busy ? m[CMP_OBSERVED].mean : NAN, "%.0f");
		fmt(c[2], 24, q->busy ? m[CMP_PREDICTED].mean : NAN, "%.0f");
		fmt(c[3], 24, q->busy ? m[CMP_IRQS_PKT].mean : NAN, "%.4f");
		fmt(c[4], 24, q->pred.irqs_per_pkt, "%.4f");
		fmt(c[5], 24, q->busy && m[CMP_IRQS_PKT].mean > 0 ? 1 / m[CMP_IRQS_PKT].mean : NAN, "%.1f");
		fmt(c[6], 24, q->pred.pkts_per_irq, "%.1f");
		fmt(c[7], 24, q->busy ? m[CMP_IRQ_SHARE].mean : NAN, "%.1f");
		fmt(c[8], 24, q->pred.irq_share_pct, "%.1f");
		fmt(c[9], 24, q->pred.gamma_pps, "%.0f");
		printf("%-34.34s %-5s %9s %9s %9s %8s %8s %8s %8s %7s %7s %9s\n", rb,
		       q->taken ? "yes" : "NO", c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9]);
	}
	printf("(pred/s: the model fitted in that setting; the other pred columns: from the least coalesced\n"
	       " setting's measurement and the setting's interrupt cap, see --help)\n\n");
}

static void print_json(const struct sweep_opts *o, const char *driver, const struct ethtool_coalesce *orig,
		       const struct sweep_point *p, int n, bool restored, int sig, const char *dir)
{
	struct json j;

	json_begin(&j, stdout);
	json_bool(&j, "sweep", true);
	json_str(&j, "device", o->ifname);
	json_str(&j, "driver", driver);
	json_dbl(&j, "per_s", o->per_s);
	json_str(&j, "record_dir", dir);
	json_obj(&j, "original");
	json_u64(&j, "rx_usecs", orig->rx_coalesce_usecs);
	json_u64(&j, "rx_frames", orig->rx_max_coalesced_frames);
	json_bool(&j, "adaptive_rx", orig->use_adaptive_rx_coalesce);
	json_obj_end(&j);
	json_bool(&j, "restored", restored);
	json_str(&j, "interrupted_by", sig ? strsignal(sig) : NULL);
	json_arr(&j, "settings");
	for (int i = 0; i < n; i++) {
		const struct sweep_point *q = &p[i];
		const struct cmp_stat *m = q->run.m;
		double nan = NAN;

		json_obj(&j, NULL);
		json_obj(&j, "requested");
		if (q->want.has_usecs)
			json_u64(&j, "rx_usecs", q->want.rx_usecs);
		if (q->want.has_frames)
			json_u64(&j, "rx_frames", q->want.rx_frames);
		if (q->want.has_adaptive)
			json_bool(&j, "adaptive_rx", q->want.adaptive_rx);
		json_obj_end(&j);
		json_obj(&j, "read_back");
		json_u64(&j, "rx_usecs", q->rb.rx_coalesce_usecs);
		json_u64(&j, "rx_frames", q->rb.rx_max_coalesced_frames);
		json_bool(&j, "adaptive_rx", q->rb.use_adaptive_rx_coalesce);
		json_obj_end(&j);
		json_bool(&j, "taken", q->taken);
		json_str(&j, "not_taken_why", q->taken ? NULL : q->why);
		json_str(&j, "record", q->measured ? q->record : NULL);
		json_bool(&j, "busy", q->busy);
		json_obj(&j, "measured");
		json_dbl(&j, "lambda_pps", q->busy ? m[CMP_LAMBDA].mean : nan);
		json_dbl(&j, "observed_pps", q->busy ? m[CMP_OBSERVED].mean : nan);
		json_dbl(&j, "observed_sd_pps", q->busy ? m[CMP_OBSERVED].sd : nan);
		json_dbl(&j, "predicted_pps", q->busy ? m[CMP_PREDICTED].mean : nan);
		json_dbl(&j, "irqs_per_s", q->busy ? m[CMP_IRQS_PS].mean : nan);
		json_dbl(&j, "irqs_per_pkt", q->busy ? m[CMP_IRQS_PKT].mean : nan);
		json_dbl(&j, "irqs_per_pkt_sd", q->busy ? m[CMP_IRQS_PKT].sd : nan);
		json_dbl(&j, "batch_mean", q->busy ? m[CMP_BATCH].mean : nan);
		json_dbl(&j, "irq_share_pct", q->busy ? m[CMP_IRQ_SHARE].mean : nan);
		json_obj_end(&j);
		json_str(&j, "irqs_per_pkt_vs_previous", i ? moved_word(q->moved) : NULL);
		json_obj(&j, "predicted");
		json_dbl(&j, "irqs_per_pkt_cap", q->cap);
		json_dbl(&j, "irqs_per_pkt", q->pred.irqs_per_pkt);
		json_dbl(&j, "pkts_per_irq", q->pred.pkts_per_irq);
		json_dbl(&j, "irq_share_pct", q->pred.irq_share_pct);
		json_dbl(&j, "gamma_pps", q->pred.gamma_pps);
		json_obj_end(&j);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_end(&j);
}

/* After measuring point i: load it, and say whether interrupts per packet moved. */
static void assess(struct sweep_point *p, int i, const char *driver)
{
	struct sweep_point *q = &p[i];
	FILE *devnull = fopen("/dev/null", "w");
	char set[64];

	q->busy = devnull && !compare_load(q->record, &q->run, devnull);
	if (devnull)
		fclose(devnull);
	coal_setting_str(&q->want, set, sizeof(set));
	q->moved = 2;
	q->prev = -1;
	if (!q->busy) {
		fprintf(stderr, "livelock-trace: sweep: [%d] %s: no interval with traffic: nothing measured (offer load while sweeping)\n",
			i + 1, set);
		return;
	}
	q->cap = coal_irq_cap(&q->rb, driver, q->run.m[CMP_LAMBDA].mean);
	for (int k = i - 1; k >= 0; k--) {
		double d;
		enum cmp_verdict v;

		if (!p[k].busy)
			continue;
		v = compare_verdict(&p[k].run, &q->run, CMP_IRQS_PKT, &d);
		q->moved = v == CMP_SAME ? 0 : v == CMP_BETTER ? -1 : v == CMP_WORSE ? 1 : 2;
		fprintf(stderr, "livelock-trace: sweep: [%d] %s: %.0f pps offered, %.0f delivered, %.4f interrupts/packet (%s than [%d]: %.4f)\n",
			i + 1, set, q->run.m[CMP_LAMBDA].mean, q->run.m[CMP_OBSERVED].mean, q->run.m[CMP_IRQS_PKT].mean,
			q->moved == 0 ? "no different" : moved_word(q->moved), k + 1, p[k].run.m[CMP_IRQS_PKT].mean);
		q->prev = k;
		return;
	}
	fprintf(stderr, "livelock-trace: sweep: [%d] %s: %.0f pps offered, %.0f delivered, %.4f interrupts/packet\n", i + 1,
		set, q->run.m[CMP_LAMBDA].mean, q->run.m[CMP_OBSERVED].mean, q->run.m[CMP_IRQS_PKT].mean);
}

/* Predictions from the least coalesced measured setting (largest cap). */
static void predict(struct sweep_point *p, int n)
{
	int ref = -1;

	for (int i = 0; i < n; i++)
		if (p[i].busy && isfinite(p[i].cap) && (ref < 0 || p[i].cap > p[ref].cap))
			ref = i;
	if (ref < 0)
		return;
	for (int i = 0; i < n; i++) {
		const struct cmp_run *r = &p[ref].run;
		struct coal_ref cr = { .irqs_per_pkt = r->m[CMP_IRQS_PKT].mean, .hardirq_us = r->m[CMP_ISR_US].mean,
				       .proto_us = r->m[CMP_PROTO_US].mean, .buffer = r->buffer, .cpus = r->cpus };

		if (p[i].busy)
			coal_predict(&cr, p[i].cap, p[i].run.m[CMP_LAMBDA].mean, &p[i].pred);
	}
}

/*
 * A setting that should have moved interrupts per packet (its prediction
 * differs from the previous one's by more than SWEEP_MOVE_FRAC) but did not
 * beyond the noise: the NIC may ignore it.  Returns how many.
 */
#define SWEEP_MOVE_FRAC 0.25

static int flag_ignored(struct sweep_point *p, int n)
{
	int bad = 0;

	for (int i = 0; i < n; i++) {
		const struct sweep_point *q = &p[i], *r;
		char set[64];

		if (q->prev < 0 || q->moved != 0)
			continue;
		r = &p[q->prev];
		if (!isfinite(q->pred.irqs_per_pkt) || !isfinite(r->pred.irqs_per_pkt) ||
		    fabs(q->pred.irqs_per_pkt - r->pred.irqs_per_pkt) <= SWEEP_MOVE_FRAC * r->pred.irqs_per_pkt)
			continue;
		coal_setting_str(&q->want, set, sizeof(set));
		fprintf(stderr, "livelock-trace: sweep: [%d] %s: interrupts per packet did not move beyond the noise (%.4f -> %.4f) although the setting should take them to %.4f: the NIC may ignore it\n",
			i + 1, set, r->run.m[CMP_IRQS_PKT].mean, q->run.m[CMP_IRQS_PKT].mean, q->pred.irqs_per_pkt);
		bad++;
	}
	return bad;
}

static int make_record_dir(const struct sweep_opts *o, char *dir, size_t len)
{
	if (o->record_dir) {
		snprintf(dir, len, "%s", o->record_dir);
		if (mkdir(dir, 0755) && errno != EEXIST) {
			fprintf(stderr, "livelock-trace: sweep: cannot make --record-dir %s: %s\n", dir, strerror(errno));
			return -1;
		}
		return 0;
	}
	snprintf(dir, len, "/tmp/livelock-trace-sweep.XXXXXX");
	if (!mkdtemp(dir)) {
		fprintf(stderr, "livelock-trace: sweep: cannot make a directory in /tmp: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

static int run_sweep(const struct sweep_opts *o)
{
	static struct sweep_point p[CMP_MAX_RUNS];
	struct ethtool_coalesce orig;
	struct coal_saved sv = { 0 };
	char driver[32], save[512], dir[384], cur[96], sup[96];
	sigset_t mask, old;
	uint32_t supported = 0, want = 0;
	bool nl = false;
	int n, rc, err, sfd, sig = 0, done = 0;

	memset(p, 0, sizeof(p));
	n = build_points(o, p);
	driver_of(o->ifname, driver, sizeof(driver));
	rc = check_support(o->ifname, driver, &orig, &supported, &nl);
	if (rc)
		return rc;
	for (int i = 0; i < n; i++)
		want |= coal_setting_params(&p[i].want);
	mask_str(supported, sup, sizeof(sup));
	for (uint32_t b = COAL_RX_USECS; nl && b <= COAL_ADAPTIVE_RX; b <<= 1)
		if (want & b && !(supported & b)) {
			fprintf(stderr, "livelock-trace: sweep: %s (driver %s) does not support %s (it accepts: %s): nothing was changed\n",
				o->ifname, driver, coal_param_name(b), sup);
			return LT_EXIT_ENV;
		}
	if (!have_root()) {
		fprintf(stderr, "livelock-trace: sweep: changing coalescing and measuring need root (CAP_NET_ADMIN, CAP_BPF, CAP_PERFMON): run with sudo\n");
		return LT_EXIT_ENV;
	}
	if (!nl) {
		/* no ethtool netlink (kernel < 5.6): a set of the unchanged values tells set_coalesce apart */
		err = coal_set(o->ifname, &orig);
		if (err) {
			fprintf(stderr, "livelock-trace: sweep: %s (driver %s) does not let its coalescing be set: %s: nothing was changed\n",
				o->ifname, driver, strerror(-err));
			return LT_EXIT_ENV;
		}
		fprintf(stderr, "livelock-trace: sweep: note: this kernel cannot say which parameters %s accepts; each setting is read back\n",
			driver);
	}

	if (o->save) {
		snprintf(save, sizeof(save), "%s", o->save);
	} else {
		coal_default_path(o->ifname, save, sizeof(save));
		mkdir("/run", 0755);	/* a bare initramfs has none */
		if (mkdir(COAL_SAVE_DIR, 0700) && errno != EEXIST) {
			fprintf(stderr, "livelock-trace: sweep: cannot make %s: %s (use --save FILE)\n", COAL_SAVE_DIR,
				strerror(errno));
			return LT_EXIT_ENV;
		}
	}
	snprintf(sv.ifname, sizeof(sv.ifname), "%s", o->ifname);
	snprintf(sv.driver, sizeof(sv.driver), "%s", driver);
	sv.ifindex = if_nametoindex(o->ifname);
	sv.pid = getpid();
	sv.ec = orig;
	/* from the save on, signals arrive only through sfd: no death between save and restore */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, &old);
	err = coal_save(save, &sv);
	if (err == -EEXIST)
		fprintf(stderr, "livelock-trace: sweep: %s exists: an earlier sweep of %s did not finish and its original settings are saved there; run 'livelock-trace sweep --restore %s' first\n",
			save, o->ifname, save);
	else if (err)
		fprintf(stderr, "livelock-trace: sweep: cannot save the original settings to %s: %s: nothing was changed\n",
			save, strerror(-err));
	if (!err && make_record_dir(o, dir, sizeof(dir))) {
		unlink(save);	/* nothing changed yet */
		err = -EIO;
	}
	if (err) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		return LT_EXIT_ENV;
	}
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	current_str(&orig, cur, sizeof(cur));
	fprintf(stderr, "livelock-trace: sweep: %s (driver %s): %d settings, %g s each; original %s saved in %s; records in %s\n",
		o->ifname, driver, n, o->per_s, cur, save, dir);
	rc = LT_EXIT_OK;
	if (sfd < 0) {
		fprintf(stderr, "livelock-trace: sweep: signalfd: %s\n", strerror(errno));
		rc = LT_EXIT_ENV;
	}
	for (int i = 0; i < n && !rc && !sig; i++) {
		struct sweep_point *q = &p[i];
		struct ethtool_coalesce ec = orig;
		const char *note;
		char set[64];
		int st;

		coal_setting_str(&q->want, set, sizeof(set));
		coal_setting_to(&q->want, &ec);
		err = coal_set(o->ifname, &ec);
		if (err) {
			fprintf(stderr, "livelock-trace: sweep: [%d] %s: the driver refused it: %s\n", i + 1, set,
				strerror(-err));
			rc = LT_EXIT_ENV;
			break;
		}
		err = coal_get(o->ifname, &q->rb);
		if (err) {
			fprintf(stderr, "livelock-trace: sweep: [%d] %s: cannot read it back: %s\n", i + 1, set, strerror(-err));
			rc = LT_EXIT_ENV;
			break;
		}
		q->taken = coal_setting_taken(&q->want, &q->rb, q->why, sizeof(q->why));
		if (!q->taken)
			fprintf(stderr, "livelock-trace: sweep: [%d] %s: the NIC did not take it: %s\n", i + 1, set, q->why);
		note = q->want.has_usecs ? coal_usecs_note(driver, q->want.rx_usecs) : NULL;
		if (note)
			fprintf(stderr, "livelock-trace: sweep: [%d] note: %s: %s\n", i + 1, driver, note);
		snprintf(q->record, sizeof(q->record), "%s/setting-%d.jsonl", dir, i + 1);
		st = measure(o, q->record, sfd, &old, &sig);
		q->measured = st >= 0;
		done = i + 1;
		if (sig)
			break;
		if (st != 0) {
			fprintf(stderr, "livelock-trace: sweep: [%d] %s: the measurement failed (exit %d)\n", i + 1, set, st);
			rc = LT_EXIT_ENV;
			break;
		}
		assess(p, i, driver);
	}
	if (restore(o->ifname, &orig, save, false))
		rc = LT_EXIT_ENV;
	if (sig) {
		fprintf(stderr, "livelock-trace: sweep: stopped by %s after %d of %d settings\n", strsignal(sig), done, n);
		rc = rc ? rc : 128 + sig;
	}
	if (sfd >= 0)
		close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (!sig && done == n && rc == LT_EXIT_OK) {
		struct cmp_run runs[CMP_MAX_RUNS];
		int m = 0;

		predict(p, n);
		flag_ignored(p, n);
		if (o->json)
			print_json(o, driver, &orig, p, n, true, sig, dir);
		else
			print_table(p, n);
		for (int i = 0; i < n; i++)
			if (p[i].busy)
				runs[m++] = p[i].run;
		if (m >= 2)
			rc = compare_report(runs, m, o->json, o->plot);
		else
			fprintf(stderr, "livelock-trace: sweep: fewer than two settings had traffic: no comparison\n");
	}
	return rc;
}

int cmd_sweep(int argc, char **argv)
{
	struct sweep_opts o = { 0 };
	int rc = parse_args(argc, argv, &o);

	if (rc)
		return rc < 0 ? LT_EXIT_OK : rc;
	if (o.restore)
		return cmd_restore(o.restore);
	if (o.show)
		return cmd_show(&o);
	return run_sweep(&o);
}
