// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* `livelock-trace exporter`: the live measurement of every NIC served to Prometheus. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "commands.h"
#include "estimator.h"
#include "exporter_http.h"
#include "metrics.h"
#include "queue_view.h"
#include "nic.h"
#include "signals.h"
#include "numparse.h"
#include "probe.h"
#include "sampling.h"

#define DEFAULT_LISTEN		"127.0.0.1:9747"
#define DEFAULT_INTERVAL_S	5	/* one window every 5 s: its attach and detach cost (README "What the default costs") */
#define MIN_INTERVAL_S		0.1
#define MAX_INTERVAL_S		3600
#define DEFAULT_SAMPLE		SAMPLING_AUTO	/* probes attached for about SAMPLING_AUTO_PACKETS an interval */
#define DEFAULT_RESCAN_S	30	/* NICs that appear or vanish are found this often */
#define MAX_RESCAN_S		86400
#define MAX_NICS		64
#define POLL_FIXED		3	/* signalfd, interval timer, window timer */

struct exp_opts {
	const char *listen;
	double interval_s;
	double rescan_s;
	unsigned int sample;	/* 1: every probe always on (--full) */
	bool verbose;
	const char *ifnames[MAX_NICS];	/* none: every physical NIC */
	int n_ifnames;
};

struct exp_nic {
	char name[IF_NAMESIZE];		/* the device watched, its series' label (a bridge: not a traced one) */
	struct nic_info *info;
	struct probe *probe;
	struct estimator *est;
	struct metrics_nic m;
	struct queue_view qv;		/* its RX queues (queue_view.h) */
	struct nic_rx_rate dev;		/* the device's own count, tick to tick (auto's window size) */
};

enum window_phase { WINDOW_NONE, WINDOW_WAITING, WINDOW_OPEN };

struct exporter {
	struct exp_opts o;
	struct exp_nic *nics[MAX_NICS];
	int n;
	struct http_server *http;
	struct metrics_self self;
	enum window_phase phase;
	double window_s;	/* the next window's length; the interval: attached all of it */
	double t_open;		/* when the window opened, or the last read took it */
	bool kept;		/* attached across the last read: the next interval is traced already */
	unsigned long since;	/* auto: intervals without a window since the last one */
	unsigned long covered;	/* the intervals the window being read stands for */
	unsigned long windows;	/* opened so far: the first opens at the first tick */
	int wfd;
	double last_scan;
};

enum { OPT_LISTEN = 1, OPT_INTERVAL, OPT_SAMPLE, OPT_FULL, OPT_RESCAN };

static void usage(FILE *f)
{
	fprintf(f,
"Usage: livelock-trace exporter [OPTIONS] [IFACE...]\n"
"\n"
"Serves the live measurement and the receive-livelock forecast of each\n"
"IFACE to Prometheus at http://ADDR:PORT/metrics (text format 0.0.4, or\n"
"OpenMetrics when the scraper's Accept header asks for it).  With no IFACE:\n"
"every physical NIC (a /sys/class/net/DEV/device entry), looked for again\n"
"every --rescan seconds.  Read-only; needs CAP_BPF and CAP_PERFMON.\n"
"SIGINT, SIGTERM or SIGHUP end it with every probe detached.\n"
"\n"
"  --listen ADDR:PORT   where to serve, e.g. 0.0.0.0:9747 or [::1]:9747 [%s]\n"
"  --interval S         seconds per measurement interval, >= %g [%d]\n"
"  --sample N|auto      attach the per-event probes for 1/N of each interval\n"
"                       (one window at a random place), 2..%d; auto: a window\n"
"                       of about %d packets at the last window's rate (the\n"
"                       busiest device's), all of the interval when it holds\n"
"                       under twice that, and while sampling at most one\n"
"                       window every 5 s [auto]\n"
"  --full               keep every probe attached: exact counts, full cost\n"
"  --rescan S           look for devices that appeared, vanished or were\n"
"                       replaced every S seconds, >= the interval [%d]\n"
"  -v, --verbose        libbpf messages, and the signal that ended it\n"
"  -h, --help           this help\n",
		DEFAULT_LISTEN, MIN_INTERVAL_S, DEFAULT_INTERVAL_S, SAMPLING_MAX, SAMPLING_AUTO_PACKETS,
		DEFAULT_RESCAN_S);
}

static int parse_args(int argc, char **argv, struct exp_opts *o)
{
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, OPT_LISTEN },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "sample", required_argument, NULL, OPT_SAMPLE },
		{ "full", no_argument, NULL, OPT_FULL },
		{ "rescan", required_argument, NULL, OPT_RESCAN },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sockaddr_storage ss;
	unsigned int sslen;
	bool full = false, sample = false;
	int opt;

	o->listen = DEFAULT_LISTEN;
	o->interval_s = DEFAULT_INTERVAL_S;
	o->rescan_s = DEFAULT_RESCAN_S;
	o->sample = DEFAULT_SAMPLE;
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":vh", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_LISTEN:
			if (!http_parse_listen(optarg, &ss, &sslen))
				return cli_usage("bad value '%s' for --listen: expected ADDR:PORT with an IPv4 address or [IPv6] and a port 1..65535, e.g. 127.0.0.1:9747",
						 optarg);
			o->listen = optarg;
			break;
		case OPT_INTERVAL:
			if (!num_parse_double(optarg, "--interval", MIN_INTERVAL_S, MAX_INTERVAL_S,
					      &o->interval_s))
				return LT_EXIT_USAGE;
			break;
		case OPT_SAMPLE:
			if (!sampling_parse(optarg, 2, &o->sample))
				return LT_EXIT_USAGE;
			sample = true;
			break;
		case OPT_RESCAN:
			if (!num_parse_double(optarg, "--rescan", MIN_INTERVAL_S, MAX_RESCAN_S, &o->rescan_s))
				return LT_EXIT_USAGE;
			break;
		case OPT_FULL: full = true; break;
		case 'v': o->verbose = true; break;
		case 'h': usage(stdout); return LT_EXIT_OK;
		default: return cli_getopt_error("exporter", opt, argv);
		}
	}
	if (full && sample)
		return cli_usage("--full keeps every probe on; drop --sample");
	if (full)
		o->sample = 1;
	if (o->rescan_s < o->interval_s)
		return cli_usage("bad value '%g' for --rescan: expected at least the interval (%g s)",
				 o->rescan_s, o->interval_s);
	if (!sampling_check(o->sample, o->interval_s))
		return LT_EXIT_USAGE;
	for (int i = optind; i < argc; i++) {
		if (o->n_ifnames == MAX_NICS || strlen(argv[i]) >= IF_NAMESIZE)
			return cli_usage("bad interface '%s': at most %d names of < %d characters",
					 argv[i], MAX_NICS, IF_NAMESIZE);
		o->ifnames[o->n_ifnames++] = argv[i];
	}
	return CLI_CONTINUE;
}

static void arm(int fd, double first_s, double every_s)
{
	struct itimerspec its = { 0 };

	if (first_s < 1e-3)
		first_s = 1e-3;	/* 0 would disarm */
	its.it_value.tv_sec = (time_t)first_s;
	its.it_value.tv_nsec = (long)((first_s - (double)(time_t)first_s) * 1e9);
	its.it_interval.tv_sec = (time_t)every_s;
	its.it_interval.tv_nsec = (long)((every_s - (double)(time_t)every_s) * 1e9);
	timerfd_settime(fd, 0, &its, NULL);
}

static int find_nic(const struct exporter *x, const char *name)
{
	for (int i = 0; i < x->n; i++)
		if (!strcmp(x->nics[i]->name, name))
			return i;
	return -1;
}

static void nic_free(struct exp_nic *n)
{
	if (!n)
		return;
	probe_close(n->probe);
	estimator_free(n->est);
	free(n->info);
	free(n);
}

/* Discovers and attaches one device; 0 or -errno (one line on stderr says why). */
static int nic_attach(struct exporter *x, const char *name)
{
	struct probe_opts po = { .verbose = x->o.verbose, .sample = x->o.sample > 1 };
	struct est_opts eo = { .mapping = EST_MAP_PAPER };
	struct exp_nic *n = calloc(1, sizeof(*n));
	const char *msg = NULL;
	char set[400];
	int err = -ENOMEM;

	if (!n || !(n->info = calloc(1, sizeof(*n->info))) || x->n == MAX_NICS)
		goto fail;
	snprintf(n->name, sizeof(n->name), "%s", name);
	err = nic_discover_lower(name, n->info);	/* a bridge, bond, VLAN, macvlan: its lower devices */
	if (err) {
		cli_err("exporter: %s", nic_strerror(err, name));
		goto out;
	}
	/* the live command's --attach and --btf, from the environment */
	if (getenv("LIVELOCK_TRACE_ATTACH") && !probe_parse_attach(getenv("LIVELOCK_TRACE_ATTACH"), &po.attach)) {
		fprintf(stderr, "livelock-trace: exporter: bad LIVELOCK_TRACE_ATTACH '%s': expected auto or raw_tp\n",
			getenv("LIVELOCK_TRACE_ATTACH"));
		err = -EINVAL;
		goto out;
	}
	po.btf = getenv("LIVELOCK_TRACE_BTF") && *getenv("LIVELOCK_TRACE_BTF") ? getenv("LIVELOCK_TRACE_BTF") : NULL;
	err = probe_open(n->info, &po, &n->probe, &msg);
	if (err) {
		cli_err("exporter: %s: %s: %s", name,
			msg ? msg : "cannot attach", strerror(-err));
		goto out;
	}
	n->est = estimator_new(&eo, n->info->rx_ring);
	if (!n->est)
		goto fail;
	metrics_nic_init(&n->m, n->name, n->info->driver, n->probe);
	queue_view_init(&n->qv, n->info, false);
	(void)nic_set_rx_rate(n->info, &n->dev, cli_now_s(), NULL);	/* auto's first window: from the count since now */
	x->nics[x->n++] = n;
	if (x->kept && probe_window_begin(n->probe, &msg))	/* the others are attached all interval */
		cli_err("exporter: %s: %s", name, msg);
	cli_err("exporter: watching %s (driver %s, %d IRQs) via %s", n->name,
		*n->info->driver ? n->info->driver : "none", n->info->n_irqs, probe_variant(n->probe));
	if (nic_set_describe(set, sizeof(set), n->info))
		cli_err("exporter: %s", set);
	return 0;
fail:
	cli_err("exporter: cannot watch %s: %s", name,
		x->n == MAX_NICS ? "too many devices" : "out of memory");
out:
	nic_free(n);
	return err;
}

static void nic_detach(struct exporter *x, int i, const char *why)
{
	cli_err("exporter: %s %s: probes detached", x->nics[i]->name, why);
	nic_free(x->nics[i]);
	memmove(&x->nics[i], &x->nics[i + 1], (size_t)(x->n - i - 1) * sizeof(x->nics[0]));
	x->n--;
}

static bool is_physical(const char *name)
{
	char path[300];

	snprintf(path, sizeof(path), "/sys/class/net/%s/device", name);
	return access(path, F_OK) == 0;
}

static bool wanted(const struct exporter *x, const char *name)
{
	if (!x->o.n_ifnames)
		return is_physical(name);
	for (int i = 0; i < x->o.n_ifnames; i++)
		if (!strcmp(x->o.ifnames[i], name))
			return true;
	return false;
}

/* Drops devices that vanished (or were replaced under the same name), attaches new ones. */
static void rescan(struct exporter *x)
{
	DIR *d;
	struct dirent *de;

	x->last_scan = cli_now_s();
	for (int i = x->n - 1; i >= 0; i--) {
		const struct nic_info *ni = x->nics[i]->info;

		if (!nic_exists(ni->name) || if_nametoindex(ni->name) != ni->ifindex)
			nic_detach(x, i, "disappeared");
	}
	d = opendir("/sys/class/net");
	if (!d)
		return;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && strlen(de->d_name) < IF_NAMESIZE &&
		    find_nic(x, de->d_name) < 0 && wanted(x, de->d_name))
			nic_attach(x, de->d_name);
	closedir(d);
}

/*
 * The window was read: -v stamps it; auto sizes the next one from the busiest
 * device's rate; the programs are detached unless the next window is the
 * whole interval too.
 */
static void close_windows(struct exporter *x, double rate_pps)
{
	double now = cli_now_s();

	if (x->o.sample <= 1)
		return;
	if (x->o.verbose)	/* the window's span, for a sink's own clock */
		fprintf(stderr, "livelock-trace: window %.6f %.6f s (CLOCK_MONOTONIC)\n", x->t_open, now);
	if (x->o.sample == SAMPLING_AUTO)
		x->window_s = sampling_auto_window_s(rate_pps, x->o.interval_s);
	/* the share of the time traced: auto's windows come every few intervals while it samples */
	x->self.sampling_ratio = x->window_s / x->o.interval_s /
		(x->o.sample == SAMPLING_AUTO && x->window_s < x->o.interval_s ?
		 (double)sampling_auto_every(x->o.interval_s) : 1);
	if (x->kept && x->window_s >= x->o.interval_s) {
		x->t_open = now;
		return;
	}
	for (int i = 0; i < x->n; i++)
		probe_window_end(x->nics[i]->probe);
	x->kept = false;
}

/* One device's interval (or window) is over: counters, estimate, device statistics. */
static void read_nics(struct exporter *x)
{
	double busiest = NAN;

	for (int i = x->n - 1; i >= 0; i--) {
		struct exp_nic *n = x->nics[i];
		struct nic_stats st;
		struct lt_sample s;
		struct estimate e;
		double scale;
		int err = probe_read(n->probe, &s);

		if (err == -ENODEV || nic_set_gone(n->info)) {
			nic_detach(x, i, "disappeared");
			continue;
		}
		if (err) {
			cli_err("exporter: %s: cannot read the counters: %s", n->name, strerror(-err));
			continue;
		}
		estimator_update(n->est, &s, &e);
		if (!(est_lambda_pps(&s, NULL) <= busiest))
			busiest = est_lambda_pps(&s, NULL);
		queue_view_update(&n->qv, &s, &e);	/* e->state becomes the worst queue's */
		/* a window stands for the intervals since the last one (auto opens one every 5 s at most) */
		scale = x->o.sample > 1 && s.interval_s > 0 ? x->o.interval_s * (double)x->covered / s.interval_s : 1;
		metrics_nic_add(&n->m, &s, scale, &e);
		metrics_nic_set_queues(&n->m, &n->qv.rep, scale);
		if (!nic_set_read_stats(n->info, &st))
			metrics_nic_set_rx(&n->m, (double)st.rx_packets, (double)st.rx_bytes);
	}
	close_windows(x, busiest);
}

static void open_windows(struct exporter *x)
{
	for (int i = x->n - 1; i >= 0; i--) {
		const char *msg = "cannot open the window";
		int err = probe_window_begin(x->nics[i]->probe, &msg);

		if (!err)
			continue;
		if (nic_set_gone(x->nics[i]->info))
			nic_detach(x, i, "disappeared");
		else
			cli_err("exporter: %s: %s: %s", x->nics[i]->name, msg, strerror(-err));
	}
}

/*
 * auto: each device's own packet count into its series, and the busiest
 * one's rate since the last tick (NAN when none is known yet).
 */
static double device_rates(struct exporter *x)
{
	double now = cli_now_s(), busiest = NAN;

	for (int i = 0; i < x->n; i++) {
		struct exp_nic *n = x->nics[i];
		struct nic_stats st;
		double r = nic_set_rx_rate(n->info, &n->dev, now, &st);

		if (n->dev.t_s > 0)	/* read */
			metrics_nic_set_rx(&n->m, (double)st.rx_packets, (double)st.rx_bytes);
		if (isfinite(r) && !(r <= busiest))
			busiest = r;
	}
	return busiest;
}

static void on_tick(struct exporter *x)
{
	bool scan = cli_now_s() - x->last_scan >= x->o.rescan_s - 1e-3;

	if (x->o.sample > 1 && x->phase != WINDOW_NONE)
		return;	/* the last window is late: skip this interval */
	x->covered = 1;
	if (x->o.sample <= 1 || x->kept) {	/* attached all along: read, then look for new devices */
		read_nics(x);
		if (scan)
			rescan(x);
		return;
	}
	if (scan)
		rescan(x);
	if (x->o.sample == SAMPLING_AUTO) {
		double busiest = device_rates(x);

		if (x->windows && !sampling_auto_due(x->window_s, x->o.interval_s, x->since, NAN)) {
			x->since++;	/* no window this interval: the device counters only */
			return;
		}
		if (isfinite(busiest))	/* sized from the devices' own counts: fresher than the last window */
			x->window_s = sampling_auto_window_s(busiest, x->o.interval_s);
	}
	x->covered = x->since + 1;
	x->since = 0;
	x->windows++;
	x->phase = WINDOW_WAITING;
	arm(x->wfd, sampling_start_s(x->window_s, x->o.interval_s), 0);
}

static void on_window_timer(struct exporter *x)
{
	if (x->phase == WINDOW_WAITING) {
		bool all = x->window_s >= x->o.interval_s;

		open_windows(x);
		x->t_open = cli_now_s();
		x->kept = all;
		x->phase = WINDOW_OPEN;
		/* a window over the whole interval is read just before the next tick, then kept */
		arm(x->wfd, all ? x->o.interval_s - SAMPLING_MIN_WINDOW_S / 2 : x->window_s, 0);
	} else if (x->phase == WINDOW_OPEN) {
		read_nics(x);
		x->phase = WINDOW_NONE;
	}
}

static bool serve(void *ctx, const struct http_request *rq, struct http_buf *body,
		  const char **type)
{
	struct exporter *x = ctx;
	struct metrics_nic *m[MAX_NICS];

	if (!strcmp(rq->path, "/")) {
		http_buf_printf(body, "<html><head><title>livelock-trace exporter</title></head><body>"
				"<h1>livelock-trace exporter</h1><p><a href=\"/metrics\">Metrics</a></p>"
				"</body></html>\n");
		*type = "text/html; charset=utf-8";
		return true;
	}
	if (strcmp(rq->path, "/metrics"))
		return false;
	for (int i = 0; i < x->n; i++)
		m[i] = &x->nics[i]->m;
	x->self.devices = x->n;
	x->self.requests = http_requests(x->http);
	metrics_render(body, m, x->n, &x->self, rq->openmetrics);
	*type = rq->openmetrics ? METRICS_OM_CONTENT_TYPE : METRICS_CONTENT_TYPE;
	return true;
}

static int run(struct exporter *x, int sfd, int tfd)
{
	for (;;) {
		struct pollfd fds[POLL_FIXED + 1 + HTTP_MAX_CLIENTS] = {
			{ .fd = sfd, .events = POLLIN }, { .fd = tfd, .events = POLLIN },
			{ .fd = x->wfd, .events = POLLIN },
		};
		int nh = http_poll_fds(x->http, fds + POLL_FIXED, 1 + HTTP_MAX_CLIENTS);
		uint64_t ticks;

		if (poll(fds, (nfds_t)(POLL_FIXED + nh), http_next_timeout_ms(x->http)) < 0) {
			if (errno == EINTR)
				continue;
			cli_err("exporter: poll: %s", strerror(errno));
			return LT_EXIT_ENV;
		}
		if (fds[0].revents) {
			int sig = signals_take(sfd);

			if (x->o.verbose)
				fprintf(stderr, "livelock-trace: exporter: %s: stopping\n", signals_name(sig));
			return LT_EXIT_OK;
		}
		if (fds[1].revents && read(tfd, &ticks, sizeof(ticks)) == sizeof(ticks))
			on_tick(x);
		if (fds[2].revents && read(x->wfd, &ticks, sizeof(ticks)) == sizeof(ticks))
			on_window_timer(x);
		http_poll_events(x->http, fds + POLL_FIXED, nh);
	}
}

int cmd_exporter(int argc, char **argv)
{
	struct exporter *x = calloc(1, sizeof(*x));
	struct sockaddr_storage ss;
	unsigned int sslen = 0;
	int rc, err, sfd = -1, tfd = -1;

	/* before anything is loaded, so that no signal is lost (signals.h) */
	sfd = signals_route();
	if (!x || sfd < 0) {
		if (sfd >= 0)
			close(sfd);
		free(x);
		return LT_EXIT_ENV;
	}
	signal(SIGPIPE, SIG_IGN);	/* a client gone mid-reply is EPIPE, not the end */
	x->wfd = -1;
	rc = parse_args(argc, argv, &x->o);
	if (rc != CLI_CONTINUE)
		goto out;
	rc = LT_EXIT_ENV;
	http_parse_listen(x->o.listen, &ss, &sslen);
	for (int i = 0; i < x->o.n_ifnames; i++) {
		if (!nic_exists(x->o.ifnames[i])) {
			cli_err("%s", nic_strerror(-ENODEV, x->o.ifnames[i]));
			goto out;
		}
	}
	if (cli_need_privilege(CLI_PRIV_TRACE, "exporter"))
		goto out;
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	x->wfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	if (sfd < 0 || tfd < 0 || x->wfd < 0) {
		cli_err("exporter: cannot set up timers and signals: %s",
			strerror(errno));
		goto out;
	}
	x->http = http_listen(&ss, sslen, serve, x, &err);
	if (!x->http) {
		cli_err("exporter: cannot listen on %s: %s", x->o.listen,
			strerror(-err));
		goto out;
	}
	srand48((long)getpid() ^ (long)time(NULL));
	x->self.interval_s = x->o.interval_s;
	x->window_s = sampling_window_s(x->o.sample, x->o.interval_s);
	x->self.sampling_ratio = x->window_s / x->o.interval_s;
	x->self.start_time_s = (double)time(NULL);
	rescan(x);
	if (x->o.n_ifnames && x->n < x->o.n_ifnames) {
		rc = LT_EXIT_ENV;	/* a named device that cannot be watched: said above */
		goto out;
	}
	cli_err("exporter: serving http://%s/metrics, %d device%s, %s",
		x->o.listen, x->n, x->n == 1 ? "" : "s",
		x->o.sample > 1 ? "sampled" : "every probe on (--full)");
	arm(tfd, x->o.interval_s, x->o.interval_s);
	rc = run(x, sfd, tfd);
out:
	while (x->n > 0)
		nic_free(x->nics[--x->n]);
	http_close(x->http);
	if (sfd >= 0)
		close(sfd);
	if (tfd >= 0)
		close(tfd);
	if (x->wfd >= 0)
		close(x->wfd);
	free(x);
	return rc;
}
