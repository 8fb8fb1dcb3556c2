// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The sweep itself: refuse before anything changes (no coalescing, a
 * parameter the driver does not accept, no NAPI deferral settings, NAPI
 * instances set apart from their device, no root), save the original, then
 * per setting apply it, read it back and measure it with
 * `livelock-trace IFACE --record` as a child process; restore the original
 * on every exit path.  From the save on, SIGINT, SIGTERM and SIGHUP arrive
 * only through a signalfd, so no signal ends the sweep between the save and
 * the restore; they are forwarded to the child.
 */
#include <errno.h>
#include <math.h>
#include <net/if.h>
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
#include "cli.h"
#include "commands.h"
#include "nic.h"
#include "sweep.h"

#define CHILD_GRACE_S		60	/* attach time beyond --per before the child is stopped */
#define CHILD_KILL_S		10	/* after a forwarded signal, before SIGKILL */
#define CHILD_FIXED_ARGS	8	/* livelock-trace IFACE INTERVAL COUNT --json --record FILE NULL */

/* One sweep in progress. */
struct sweep_state {
	const struct sweep_opts *o;
	struct sweep_point *p;
	int n, done;			/* settings, and how many were measured or tried */
	char driver[32], save[512], dir[384];
	struct coal_saved orig;		/* what the sweep changes: ethtool's, NAPI's deferral, or both */
	sigset_t old;			/* the signal mask before the save */
	int sfd, sig;			/* signalfd; the first signal that came */
};

int sweep_build_points(const struct sweep_opts *o, struct sweep_point *p)
{
	int n = 0;

	for (int u = 0; u < (o->n_usecs ? o->n_usecs : 1); u++)
	for (int f = 0; f < (o->n_frames ? o->n_frames : 1); f++)
	for (int a = 0; a < (o->n_adaptive ? o->n_adaptive : 1); a++)
	for (int d = 0; d < (o->n_defer ? o->n_defer : 1); d++)
	for (int g = 0; g < (o->n_gro_flush ? o->n_gro_flush : 1); g++) {
		struct coal_setting *s = &p[n].want;

		p[n].fc_ref = -1;
		p[n++].pred = (struct coal_pred){ NAN, NAN, NAN, NAN };
		s->has_usecs = o->n_usecs > 0;
		s->rx_usecs = o->n_usecs ? o->usecs[u] : 0;
		s->has_frames = o->n_frames > 0;
		s->rx_frames = o->n_frames ? o->frames[f] : 0;
		s->has_adaptive = o->n_adaptive > 0;
		s->adaptive_rx = o->n_adaptive ? o->adaptive[a] : false;
		s->has_defer = o->n_defer > 0;
		s->defer_hard_irqs = o->n_defer ? o->defers[d] : 0;
		s->has_gro_flush = o->n_gro_flush > 0;
		s->gro_flush_ns = o->n_gro_flush ? o->gro_flush[g] : 0;
	}
	return n;
}

static bool have_root(void)
{
	return cli_have_privilege(CLI_PRIV_TRACE_NET);
}

/*
 * NAPI's deferral: the device has the settings (5.10+), and its NAPI
 * instances hold the device's values, so that the restore of the device's
 * files puts back what was there.  0 or an exit code.
 */
static int preflight_napi(struct sweep_state *st)
{
	const char *ifname = st->o->ifname;
	char why[160];
	int err = coal_napi_get(ifname, &st->orig.napi);

	if (err == -ENOENT) {
		cli_err("sweep: this kernel has no NAPI deferral settings (/sys/class/net/%s/napi_defer_hard_irqs, 5.10+): nothing was changed",
			ifname);
		return LT_EXIT_ENV;
	}
	if (err) {
		cli_err("sweep: cannot read NAPI's deferral settings of %s: %s: nothing was changed", ifname,
			err == -ENODEV ? "no such interface" : strerror(-err));
		return LT_EXIT_ENV;
	}
	err = coal_napi_uniform(ifname, &st->orig.napi, why, sizeof(why));
	if (err <= 0) {
		cli_err("sweep: %s: %s; a sweep writes the device's settings, which set every NAPI instance alike, and could not put those back: nothing was changed",
			ifname, err ? strerror(-err) : why);
		return LT_EXIT_ENV;
	}
	st->orig.has_napi = true;
	return 0;
}

/* Everything that refuses a sweep, before anything is changed; 0 or an exit code. */
static int preflight(struct sweep_state *st)
{
	const struct sweep_opts *o = st->o;
	uint32_t supported = 0, want = 0;
	char sup[96];
	bool nl = true, napi = false;
	int err, rc = 0;

	for (int i = 0; i < st->n; i++) {
		want |= coal_setting_params(&st->p[i].want);
		napi |= coal_setting_napi(&st->p[i].want);
	}
	snprintf(st->orig.ifname, sizeof(st->orig.ifname), "%s", o->ifname);
	if (want) {
		rc = sweep_check_support(o->ifname, st->driver, &st->orig.ec, &supported, &nl);
		st->orig.has_ec = !rc;
	} else if (coal_get(o->ifname, &st->orig.ec)) {	/* read only, for the forecast: not saved */
		memset(&st->orig.ec, 0, sizeof(st->orig.ec));
	}
	if (!rc && napi)
		rc = preflight_napi(st);
	if (rc)
		return rc;
	sweep_mask_str(supported, sup, sizeof(sup));
	for (uint32_t b = COAL_RX_USECS; nl && b <= COAL_ADAPTIVE_RX; b <<= 1)
		if (want & b && !(supported & b)) {
			cli_err("sweep: %s (driver %s) does not support %s (it accepts: %s): nothing was changed",
				o->ifname, st->driver, coal_param_name(b), sup);
			return LT_EXIT_ENV;
		}
	if (!have_root()) {
		cli_err("sweep: changing coalescing and measuring need root (CAP_NET_ADMIN, CAP_BPF, CAP_PERFMON): run with sudo");
		return LT_EXIT_ENV;
	}
	if (nl)
		return 0;
	/* no ethtool netlink (kernel < 5.6): a set of the unchanged values tells set_coalesce apart */
	err = coal_set(o->ifname, &st->orig.ec);
	if (err) {
		cli_err("sweep: %s (driver %s) does not let its coalescing be set: %s: nothing was changed",
			o->ifname, st->driver, strerror(-err));
		return LT_EXIT_ENV;
	}
	cli_err("sweep: note: this kernel cannot say which parameters %s accepts; each setting is read back",
		st->driver);
	return 0;
}

/* --save, or the default path in a directory made for it; 0 or -1 after one line on stderr. */
static int save_path(struct sweep_state *st)
{
	const struct sweep_opts *o = st->o;

	if (o->save) {
		snprintf(st->save, sizeof(st->save), "%s", o->save);
		return 0;
	}
	coal_default_path(o->ifname, st->save, sizeof(st->save));
	mkdir("/run", 0755);	/* a bare initramfs has none */
	if (mkdir(COAL_SAVE_DIR, 0700) && errno != EEXIST) {
		cli_err("sweep: cannot make %s: %s (use --save FILE)", COAL_SAVE_DIR,
			strerror(errno));
		return -1;
	}
	return 0;
}

static int make_record_dir(const struct sweep_opts *o, char *dir, size_t len)
{
	if (o->record_dir) {
		snprintf(dir, len, "%s", o->record_dir);
		if (mkdir(dir, 0755) && errno != EEXIST) {
			cli_err("sweep: cannot make --record-dir %s: %s", dir, strerror(errno));
			return -1;
		}
		return 0;
	}
	snprintf(dir, len, "/tmp/livelock-trace-sweep.XXXXXX");
	if (!mkdtemp(dir)) {
		cli_err("sweep: cannot make a directory in /tmp: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Block the signals, save the original, make the record directory.  0 with
 * the save file there, or an exit code with nothing changed and the signal
 * mask as it was.
 */
static int save_original(struct sweep_state *st, const sigset_t *mask)
{
	const struct sweep_opts *o = st->o;
	struct coal_saved sv = st->orig;
	int err;

	if (save_path(st))
		return LT_EXIT_ENV;
	snprintf(sv.ifname, sizeof(sv.ifname), "%s", o->ifname);
	snprintf(sv.driver, sizeof(sv.driver), "%s", st->driver);
	sv.ifindex = if_nametoindex(o->ifname);
	sv.pid = getpid();
	sigprocmask(SIG_BLOCK, mask, &st->old);
	err = coal_save(st->save, &sv);
	if (err == -EEXIST)
		cli_err("sweep: %s exists: an earlier sweep of %s did not finish and its original settings are saved there; run 'livelock-trace sweep --restore %s' first",
			st->save, o->ifname, st->save);
	else if (err)
		cli_err("sweep: cannot save the original settings to %s: %s: nothing was changed",
			st->save, strerror(-err));
	if (!err && make_record_dir(o, st->dir, sizeof(st->dir))) {
		unlink(st->save);	/* nothing changed yet */
		err = -EIO;
	}
	if (err) {
		sigprocmask(SIG_SETMASK, &st->old, NULL);
		return LT_EXIT_ENV;
	}
	return 0;
}

/* The blocked signals as a file descriptor, and the line that says the sweep starts; 0 or an exit code. */
static int open_signals(struct sweep_state *st, const sigset_t *mask)
{
	char cur[192];

	st->sfd = signalfd(-1, mask, SFD_CLOEXEC);
	sweep_saved_str(&st->orig, cur, sizeof(cur));
	cli_err("sweep: %s (driver %s): %d settings, %g s each; original %s saved in %s; records in %s",
		st->o->ifname, st->driver, st->n, st->o->per_s, cur, st->save, st->dir);
	if (st->sfd < 0) {
		cli_err("sweep: signalfd: %s", strerror(errno));
		return LT_EXIT_ENV;
	}
	return 0;
}

/* ---- the measurement child ---- */


/* Start `livelock-trace IFACE INTERVAL COUNT --json --record FILE [pass...]`; its pid, or -1. */
static pid_t spawn_live(const struct sweep_state *st, const char *record)
{
	const struct sweep_opts *o = st->o;
	char interval[32], count[32];
	char *argv[CHILD_FIXED_ARGS + SWEEP_MAX_PASSTHROUGH];
	int n = 0;
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
		cli_err("sweep: cannot start the measurement: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		/* its own process group: a terminal's Ctrl-C reaches only us, and we forward it */
		setpgid(0, 0);
		/* a shell's background job inherits SIGINT ignored; the live command must see it */
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		sigprocmask(SIG_SETMASK, &st->old, NULL);
		if (!freopen("/dev/null", "w", stdout))
			_exit(127);
		execv("/proc/self/exe", argv);
		cli_err("sweep: cannot run /proc/self/exe: %s", strerror(errno));
		_exit(127);
	}
	return pid;
}

/*
 * Wait for the child with our signals forwarded (the first one is kept in
 * st->sig); stop it when it overruns.  Its exit status, or 128 + signal.
 */
static int wait_live(struct sweep_state *st, pid_t pid)
{
	const struct sweep_opts *o = st->o;
	double deadline = cli_now_s() + o->per_s + o->interval_s + CHILD_GRACE_S, kill_at = 0;
	int status = -1;

	for (;;) {
		struct pollfd pfd = { .fd = st->sfd, .events = POLLIN };
		struct signalfd_siginfo si;
		double t = cli_now_s(), until = kill_at ? kill_at : deadline;

		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		if (t >= until) {
			if (kill_at) {
				kill(pid, SIGKILL);
			} else {
				cli_err("sweep: the measurement did not end in time: stopping it");
				kill(pid, SIGTERM);
				kill_at = t + CHILD_KILL_S;
			}
			continue;
		}
		if (poll(&pfd, 1, (int)((until - t) * 1000) + 1) <= 0)
			continue;
		if (read(st->sfd, &si, sizeof(si)) != sizeof(si))
			continue;
		if (si.ssi_signo == SIGCHLD)
			continue;
		if (!st->sig)
			st->sig = (int)si.ssi_signo;
		/* the live command ends with its summary on SIGINT and SIGTERM alike */
		kill(pid, si.ssi_signo == SIGINT ? SIGINT : SIGTERM);
		if (!kill_at)
			kill_at = cli_now_s() + CHILD_KILL_S;
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

int sweep_observe(const struct sweep_opts *o, char *record, size_t len)
{
	struct sweep_state st = { .o = o, .sfd = -1 };
	sigset_t mask;
	pid_t pid;
	int status;

	if (make_record_dir(o, st.dir, sizeof(st.dir)))
		return LT_EXIT_ENV;
	snprintf(record, len, "%s/observation.jsonl", st.dir);
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, &st.old);
	st.sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (st.sfd < 0) {
		cli_err("sweep: signalfd: %s", strerror(errno));
		sigprocmask(SIG_SETMASK, &st.old, NULL);
		return LT_EXIT_ENV;
	}
	cli_err("sweep: observing %s at its current setting for %g s (nothing is changed); record %s",
		o->ifname, o->per_s, record);
	pid = spawn_live(&st, record);
	status = pid < 0 ? -1 : wait_live(&st, pid);
	close(st.sfd);
	sigprocmask(SIG_SETMASK, &st.old, NULL);
	if (st.sig) {
		cli_err("sweep: stopped by %s while observing", strsignal(st.sig));
		return 128 + st.sig;
	}
	if (status != 0) {
		cli_err("sweep: the observation failed (exit %d)", status);
		return LT_EXIT_ENV;
	}
	return 0;
}

/* ---- the settings ---- */

/* The ethtool part of point i: applied and read back into q->rb; 0 or -errno after one line. */
static int apply_ec(struct sweep_state *st, int i, const char *set)
{
	struct sweep_point *q = &st->p[i];
	struct ethtool_coalesce ec = st->orig.ec;
	int err;

	coal_setting_to(&q->want, &ec);
	err = coal_set(st->o->ifname, &ec);
	if (err) {
		cli_err("sweep: [%d] %s: the driver refused it: %s", i + 1, set, strerror(-err));
		return err;
	}
	err = coal_get(st->o->ifname, &q->rb);
	if (err)
		cli_err("sweep: [%d] %s: cannot read it back: %s", i + 1, set, strerror(-err));
	return err;
}

/* NAPI's deferral of point i: written and read back into q->rb_napi; 0 or -errno after one line. */
static int apply_napi(struct sweep_state *st, int i, const char *set)
{
	struct sweep_point *q = &st->p[i];
	struct coal_napi nd = st->orig.napi;
	int err;

	coal_napi_to(&q->want, &nd);
	err = coal_napi_set(st->o->ifname, &nd);
	if (err) {
		cli_err("sweep: [%d] %s: the kernel refused NAPI's deferral: %s", i + 1, set, strerror(-err));
		return err;
	}
	err = coal_napi_get(st->o->ifname, &q->rb_napi);
	if (err)
		cli_err("sweep: [%d] %s: cannot read NAPI's deferral back: %s", i + 1, set, strerror(-err));
	return err;
}

/* Apply point i and read it back; 0 or an exit code.  A setting not taken is said, not fatal. */
static int apply_point(struct sweep_state *st, int i)
{
	struct sweep_point *q = &st->p[i];
	const char *note;
	char set[64];

	coal_setting_str(&q->want, set, sizeof(set));
	q->rb = st->orig.ec;
	q->rb_napi = st->orig.napi;
	if ((coal_setting_params(&q->want) && apply_ec(st, i, set)) ||
	    (coal_setting_napi(&q->want) && apply_napi(st, i, set)))
		return LT_EXIT_ENV;
	q->taken = coal_setting_taken(&q->want, &q->rb, q->why, sizeof(q->why)) &&
		   coal_napi_taken(&q->want, &q->rb_napi, q->why, sizeof(q->why));
	if (!q->taken)
		cli_err("sweep: [%d] %s: the NIC did not take it: %s", i + 1, set, q->why);
	note = q->want.has_usecs ? coal_usecs_note(st->driver, q->want.rx_usecs) : NULL;
	if (note)
		cli_err("sweep: [%d] note: %s: %s", i + 1, st->driver, note);
	return 0;
}

/* Every point in turn until one fails or a signal comes; 0 or an exit code. */
static int run_points(struct sweep_state *st)
{
	for (int i = 0; i < st->n; i++) {
		struct sweep_point *q = &st->p[i];
		char set[64];
		pid_t pid;
		int status, rc = apply_point(st, i);

		if (rc)
			return rc;
		snprintf(q->record, sizeof(q->record), "%s/setting-%d.jsonl", st->dir, i + 1);
		pid = spawn_live(st, q->record);
		status = pid < 0 ? -1 : wait_live(st, pid);
		q->measured = status >= 0;
		st->done = i + 1;
		if (st->sig)
			return 0;
		if (status != 0) {
			coal_setting_str(&q->want, set, sizeof(set));
			cli_err("sweep: [%d] %s: the measurement failed (exit %d)", i + 1, set,
				status);
			return LT_EXIT_ENV;
		}
		sweep_assess(st->p, i, st->driver);
	}
	return 0;
}

/* Restore, say why the sweep stopped early, give the signals back; the exit code. */
static int finish(struct sweep_state *st, int rc)
{
	if (sweep_restore(&st->orig, st->save))
		rc = LT_EXIT_ENV;
	if (st->sig) {
		cli_err("sweep: stopped by %s after %d of %d settings", strsignal(st->sig),
			st->done, st->n);
		rc = rc ? rc : 128 + st->sig;
	}
	if (st->sfd >= 0)
		close(st->sfd);
	sigprocmask(SIG_SETMASK, &st->old, NULL);
	return rc;
}

int sweep_run(const struct sweep_opts *o)
{
	static struct sweep_point points[CMP_MAX_RUNS];
	struct sweep_state st = { .o = o, .p = points, .sfd = -1 };
	sigset_t mask;
	int rc;

	memset(points, 0, sizeof(points));
	st.n = sweep_build_points(o, points);
	sweep_driver_of(o->ifname, st.driver, sizeof(st.driver));
	rc = preflight(&st);
	if (rc)
		return rc;
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGCHLD);
	rc = save_original(&st, &mask);
	if (rc)
		return rc;
	/* from here on, every path restores */
	rc = open_signals(&st, &mask);
	if (!rc)
		rc = run_points(&st);
	rc = finish(&st, rc);
	if (!st.sig && st.done == st.n && rc == LT_EXIT_OK)
		rc = sweep_report(o, st.driver, &st.orig, points, st.n, st.dir);
	return rc;
}
