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
#include "live_args.h"
#include "live_view.h"
#include "nic.h"
#include "numparse.h"
#include "probe.h"
#include "raw_view.h"
#include "record.h"
#include "signals.h"
#include "sampling.h"


#define STACK_TIME_MAX_PPS 20000	/* --stack-time=auto: timed below this per RX CPU */

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

/* --stack-time=auto: the per-packet stack timing only while the load is light (and, sampled, traced all interval). */
static void stack_time_for(struct probe *probe, const struct lt_sample *s, bool whole_interval)
{
	double cpus = est_rx_cpus(s), lam = est_lambda_pps(s, NULL) / (cpus > 0 ? cpus : 1);
	int err = probe_stack_time(probe, whole_interval && isfinite(lam) && lam < STACK_TIME_MAX_PPS);

	if (err)
		cli_err("note: cannot attach the stack timing (%s); NET_RX's per-packet cost comes from softirq runs only",
			strerror(-err));
}

/* --sample: this interval's window (sampling.h). */
struct window {
	double len_s;	/* how long the next one is; the interval: attached all of it */
	double t_open;	/* when it opened, or when the last read took it (CLOCK_MONOTONIC) */
	bool kept;	/* attached across the last read: the next interval is traced already */
	unsigned long since;	/* auto: intervals since the last window */
	struct nic_rx_rate dev;	/* auto: the device's own count, tick to tick */
};

/* auto: no window in this interval (sampling.h); the device's rate for its line in *pps. */
static bool between_windows(const struct nic_info *nic, const struct live_opts *o, struct window *w,
			    double *pps)
{
	if (o->sample != SAMPLING_AUTO)
		return false;
	*pps = nic_set_rx_rate(nic, &w->dev, cli_now_s(), NULL);
	if (w->kept)
		return false;
	if (sampling_auto_due(w->len_s, o->interval_s, w->since, *pps)) {
		if (isfinite(*pps))	/* sized from the device's rate: fresher than the last window's */
			w->len_s = sampling_auto_window_s(*pps, o->interval_s);
		w->since = 0;
		return false;
	}
	w->since++;
	return true;
}

/* A window that covers the interval opens this much before the next tick. */
#define WINDOW_TICK_MARGIN_S	(SAMPLING_MIN_WINDOW_S / 2)

/*
 * --sample: waits for a random place in this interval, attaches the window's
 * programs and waits out the window (a kept one is open already).  0: the
 * window is open and over, read it; 1: SIGINT or SIGTERM came first; < 0:
 * attaching failed (*msg says why).
 */
static int open_window(struct probe *probe, int sfd, const struct live_opts *o, struct window *w,
		       const char **msg)
{
	bool all = w->len_s >= o->interval_s;
	int err;

	if (w->kept)
		return 0;
	if (wait_or_signal(sfd, sampling_start_s(w->len_s, o->interval_s)))
		return 1;
	err = probe_window_begin(probe, msg);
	if (err)
		return err;
	w->t_open = cli_now_s();
	w->kept = all;
	return wait_or_signal(sfd, all ? o->interval_s - WINDOW_TICK_MARGIN_S : w->len_s) ? 1 : 0;
}

/* The window was read: -v stamps it; auto sizes the next one; detach unless it stays. */
static void close_window(struct probe *probe, const struct live_opts *o, struct window *w,
			 const struct lt_sample *s)
{
	double now = cli_now_s();

	if (o->verbose)	/* the window's span, for a sink's own clock */
		fprintf(stderr, "livelock-trace: window %.6f %.6f s (CLOCK_MONOTONIC)\n", w->t_open, now);
	if (o->sample == SAMPLING_AUTO)
		w->len_s = sampling_auto_window_s(est_lambda_pps(s, NULL), o->interval_s);
	if (w->kept && w->len_s >= o->interval_s) {
		w->t_open = now;
		return;
	}
	probe_window_end(probe);
	w->kept = false;
}

/* The prediction side of a run: estimator, screen view, recorded file. */
struct live_out {
	struct estimator *est;
	struct live_view view, rec_view;
	struct queue_view queues;
	FILE *rec;
	bool any;		/* an interval was shown: the summary has something to say */
	char **argv;		/* the command line before getopt reordered it */
	char probes[400], rx_priority[800];	/* header lines */
};

static int live_out_open(struct live_out *lo, const struct live_opts *o,
			 const struct nic_info *nic, const struct probe *p, int argc)
{
	bool latency = probe_latency(p);
	struct live_view_opts vo = { .json = o->json, .per_cpu = o->per_cpu, .est = o->est,
				     .sample = o->sample, .interval_s = o->interval_s, .probes = lo->probes,
				     .rx_priority = lo->rx_priority, .latency = latency, .queues = &lo->queues };
	struct record_opts ro = { .argc = argc, .argv = lo->argv, .interval_s = o->interval_s,
				  .est = &o->est, .xdp = live_xdp_word(o->xdp), .sample = o->sample,
				  .attach = probe_variant(p), .attach_reason = probe_variant_reason(p),
				  .btf = probe_btf_path(p), .btf_external = probe_btf_external(p),
				  .latency = latency };

	struct est_opts eo = o->est;
	struct nic_rx_facts fx;

	nic_rx_facts(nic, &fx);
	ro.preempt_rt = fx.preempt_rt;
	ro.busy_read_us = fx.busy_read_us;
	ro.busy_poll_us = fx.busy_poll_us;
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
	eo.napi_defer_irqs = (double)fx.defer_hard_irqs;
	eo.gro_flush_ns = (double)fx.gro_flush_timeout_ns;
	lo->est = estimator_new(&eo, nic->rx_ring);
	if (!lo->est) {
		cli_err("out of memory for the estimator");
		return -ENOMEM;
	}
	queue_view_init(&lo->queues, nic, o->per_queue);
	live_view_init(&lo->view, stdout, &vo);
	if (o->record) {
		lo->rec = fopen(o->record, "w");
		if (!lo->rec) {
			cli_err("cannot write --record file %s: %s", o->record, strerror(errno));
			return -errno;
		}
		vo.json = true;
		vo.per_cpu = true;
		live_view_init(&lo->rec_view, lo->rec, &vo);
		if (record_write_header(lo->rec, nic, &ro)) {
			cli_err("cannot write --record file %s", o->record);
			return -EIO;
		}
	}
	live_view_header(stdout, &lo->view, nic);
	return 0;
}

static void live_out_interval(struct live_out *lo, const struct lt_sample *s)
{
	struct estimate e;

	estimator_update(lo->est, s, &e);
	queue_view_update(&lo->queues, s, &e);
	live_view_interval(stdout, &lo->view, s, &e);
	if (lo->view.o.json)
		record_write_interval(stdout, &lo->view, s, &e);
	if (lo->rec) {
		live_view_interval(lo->rec, &lo->rec_view, s, &e);
		record_write_interval(lo->rec, &lo->rec_view, s, &e);
	}
	lo->any = true;
}

static void live_out_close(struct live_out *lo, const struct nic_info *nic, bool summary)
{
	if (summary && lo->any) {
		struct live_run run;

		run.valid = estimator_run_forecast(lo->est, &run.p, &run.fs);
		if (lo->view.o.json)
			record_write_summary(stdout, &lo->view, nic, &run);
		else
			live_view_summary(stdout, &lo->view, nic, &run);
		if (lo->rec)
			record_write_summary(lo->rec, &lo->rec_view, nic, &run);
	}
	live_view_done(&lo->view);
	live_view_done(&lo->rec_view);
	if (lo->rec && fclose(lo->rec))
		cli_err("error writing the --record file: %s", strerror(errno));
	estimator_free(lo->est);
}

int cmd_live(int argc, char **argv)
{
	struct live_opts o = { 0 };
	struct window win = { 0 };
	struct probe_opts po = { 0 };
	struct probe *probe = NULL;
	struct nic_info *nic = calloc(1, sizeof(*nic));
	struct live_out *lo = calloc(1, sizeof(*lo));
	char defname[IF_NAMESIZE], lower[NIC_DESCRIBE_LEN];
	const char *msg, *gone = NULL;
	int rc, err, tfd = -1, sfd = -1;
	unsigned long line = 0;
	double dev_pps;
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
	rc = live_parse_args(argc, argv, &o);
	if (rc != CLI_CONTINUE)
		goto out;
	rc = LT_EXIT_ENV;
	if (!o.ifname) {
		if (nic_default_ifname(defname, sizeof(defname))) {
			cli_err("no default route to pick an interface from: name one (see 'ip link')");
			goto out;
		}
		o.ifname = defname;
	}
	err = nic_discover_lower(o.ifname, nic);	/* a bridge, bond, VLAN, macvlan: its lower devices */
	if (err) {
		cli_err("%s", nic_strerror(err, o.ifname));
		goto out;
	}
	if (cli_need_privilege(CLI_PRIV_TRACE, o.ifname))
		goto out;
	if (!o.sample)	/* neither --sample nor --full */
		o.sample = sampling_live_default(nic->n_irqs > 0, o.latency, o.interval_s);
	po.verbose = o.verbose;
	po.xdp = o.xdp;
	po.forward = o.est.deliver == EST_DELIVER_FORWARD;
	po.stack_time = o.stack_time;
	/* sampled by N: off, or it would stay attached between windows; auto: while the window is the interval */
	po.stack_time_auto = !o.stack_time && !o.stack_time_off && (o.sample <= 1 || o.sample == SAMPLING_AUTO);
	po.sample = o.sample > 1;
	po.attach = o.attach;
	po.btf = o.btf;
	po.latency = o.latency;
	srand48((long)getpid() ^ (long)time(NULL));
	err = probe_open(nic, &po, &probe, &msg);
	if (err) {
		cli_err("%s: %s", msg ? msg : "cannot start", strerror(-err));
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
		char note[800];

		nic_rx_facts(nic, &fx);
		nic_rx_priority_note(&fx, note, sizeof(note));
		fprintf(stderr, "livelock-trace: interrupt work: %s\n", note);
		if (nic_set_describe(lower, sizeof(lower), nic))
			fprintf(stderr, "livelock-trace: %s\n", lower);
		if (o.sample == SAMPLING_AUTO)
			cli_err("sampling: %d programs attached for about %d packets at most every %g s (all of every %g s interval below %.0f pps)",
				probe_window_programs(probe), SAMPLING_AUTO_PACKETS,
				sampling_auto_every(o.interval_s) * o.interval_s, o.interval_s,
				2.0 * SAMPLING_AUTO_PACKETS / o.interval_s);
		else if (o.sample > 1)
			cli_err("sampling: %d programs attached for %.3f s of every %g s",
				probe_window_programs(probe), sampling_window_s(o.sample, o.interval_s), o.interval_s);
	}
	if (o.latency && !probe_latency(probe))
		fprintf(stderr, "livelock-trace: note: --latency needs sock:sk_data_ready (kernel 6.10+), which this kernel lacks: not measured\n");
	if (probe_xdp_note(probe))
		cli_err("note: %s", probe_xdp_note(probe));
	if (o.exit_after_attach) {
		rc = LT_EXIT_OK;
		goto out;
	}
	if (!o.raw && live_out_open(lo, &o, nic, probe, argc))
		goto out;
	win.len_s = sampling_window_s(o.sample, o.interval_s);
	win.since = sampling_auto_every(o.interval_s);	/* the first interval has a window */
	if (o.sample == SAMPLING_AUTO)
		(void)nic_set_rx_rate(nic, &win.dev, cli_now_s(), NULL);	/* the first interval's rate starts here */
	err = make_timer(o.interval_s, &tfd);
	if (err) {
		cli_err("cannot set up the interval timer: %s", strerror(-err));
		goto out;
	}
	if (o.ready_file && cli_ready_file(o.ready_file))
		goto out;
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
		if (between_windows(nic, &o, &win, &dev_pps)) {
			if ((gone = nic_set_gone(nic))) {
				fprintf(stderr, "livelock-trace: interface %s disappeared; stopping with the summary of the run so far\n",
					gone);
				rc = LT_EXIT_ENV;
				clean = true;
				break;
			}
			if (!o.raw && lo->any)
				live_view_between(stdout, &lo->view, dev_pps, o.interval_s);
			if (o.count && ++line >= o.count) {
				rc = LT_EXIT_OK;
				clean = true;
				break;
			}
			continue;
		}
		/* a window kept from the one read just before this tick: the next tick reads it */
		if (o.sample > 1 && win.kept && cli_now_s() - win.t_open < o.interval_s / 2)
			continue;
		if (o.sample > 1 && (err = open_window(probe, sfd, &o, &win, &msg)) != 0) {
			if (err > 0) {	/* a signal */
				rc = LT_EXIT_OK;
				clean = true;
			} else if ((gone = nic_set_gone(nic))) {
				fprintf(stderr, "livelock-trace: interface %s disappeared; stopping with the summary of the run so far\n", gone);
				clean = true;
			} else {
				cli_err("%s: %s", msg, strerror(-err));
			}
			break;
		}
		err = probe_read(probe, &s);
		if (o.sample > 1)
			close_window(probe, &o, &win, &s);
		if (err == -ENODEV || (gone = nic_set_gone(nic))) {
			fprintf(stderr, "livelock-trace: interface %s disappeared; stopping with the summary of the run so far\n",
				gone ? gone : nic->name);
			rc = LT_EXIT_ENV;
			clean = true;	/* summary and the record's summary line, then exit 1 */
			break;
		}
		if (err) {
			cli_err("cannot read the counters: %s", strerror(-err));
			break;
		}
		if (o.raw)
			raw_view_interval(stdout, o.json, line, o.interval_s, &s);
		else
			live_out_interval(lo, &s);
		stack_time_for(probe, &s, o.sample <= 1 || win.len_s >= o.interval_s);
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
