/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The sweep command in four files:
 * - cmd_sweep.c: the command line, --show and --restore;
 * - sweep_settings.c: a device's settings in one line, what its driver
 *   supports, and the restore of a saved original;
 * - sweep_engine.c: the checks before anything changes, the save, and per
 *   setting (ethtool's coalescing, NAPI's deferral in sysfs, or both)
 *   apply, read back and measure with the live command as a child
 *   process; the original restored on every exit path, signals included;
 * - sweep_report.c: each measured setting against the previous one, the
 *   predictions, and the table or JSON with compare's report after it.
 */
#ifndef LT_SWEEP_H
#define LT_SWEEP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/ethtool.h>
#include "coalesce.h"
#include "compare.h"
#include "json.h"
#include "whatif.h"

#define SWEEP_MAX_VALUES	16	/* values per list on the command line */
#define SWEEP_MAX_PASSTHROUGH	32	/* live options after "--" */

struct sweep_opts {
	const char *ifname, *save, *record_dir, *restore, *plot;
	const char *latency_plot;	/* --latency-plot FILE.svg */
	uint32_t usecs[SWEEP_MAX_VALUES], frames[SWEEP_MAX_VALUES];
	uint32_t defers[SWEEP_MAX_VALUES], gro_flush[SWEEP_MAX_VALUES];	/* NAPI's deferral (sysfs) */
	int n_usecs, n_frames, n_adaptive, n_defer, n_gro_flush;
	bool adaptive[2];
	double per_s, interval_s;
	bool json, show;
	bool predict;			/* forecast only, change nothing */
	const char *from;		/* --from RECORD: the observation */
	double rate_pps;		/* --rate: also forecast at this load; 0 none */
	enum whatif_goal goal;
	double bound_us;		/* --latency-bound for --goal cpu */
	int n_pass;
	char *pass[SWEEP_MAX_PASSTHROUGH];
};

/* One point of the sweep and what became of it. */
struct sweep_point {
	struct coal_setting want;
	struct ethtool_coalesce rb;	/* read back after applying */
	struct coal_napi rb_napi;	/* NAPI's deferral, read back (the original's when not swept) */
	bool taken, measured, busy;
	char why[96], record[512];
	struct cmp_run run;
	double cap;			/* interrupts per packet at most (coal_irq_cap) */
	struct coal_pred pred;
	struct whatif_result fc;	/* forecast from the reference setting's record */
	int fc_ref;			/* that setting, -1 none */
	int moved;			/* interrupts/packet against the previous point: -1, 0, +1; 2 unknown */
	int prev;			/* that previous measured point, -1 none */
};

/* --- sweep_plot.c: --latency-plot, one point per setting --- */

/* A measured run's p99 from the stack entry to the read (--latency), the forecast's seen_p99_us. */
static inline double sweep_seen_p99_us(const struct cmp_run *r)
{
	return r->m[CMP_LAT_STACK_P99].mean + r->m[CMP_LAT_READ_P99].mean;
}

/*
 * The SVG: p99 latency (log) against CPU at interrupt priority, a point per
 * setting: its forecast (p[i].fc) and, where it was measured (p[i].busy),
 * its run.  0, or an exit code after one line on stderr.
 */
int sweep_latency_plot(const char *path, const char *title, const struct sweep_point *p, int n);

/* --- cmd_sweep.c --- */

/* "0,8,32,128" -> out[], each 0..max; count, or -1 after one line on stderr. */
int sweep_parse_list(const char *s, const char *opt, uint32_t max, uint32_t *out, int cap);

/* --- sweep_engine.c --- */

/* Every combination of the lists as points (want filled); how many. */
int sweep_build_points(const struct sweep_opts *o, struct sweep_point *p);
/*
 * Measure the current setting for --per with the live command (--record),
 * changing nothing; the record's path in record.  0 or an exit code.
 */
int sweep_observe(const struct sweep_opts *o, char *record, size_t len);

/* The whole sweep of o->ifname: an exit code (commands.h, or 128 + signal). */
int sweep_run(const struct sweep_opts *o);
/*
 * Put back saved settings (ethtool's and NAPI's deferral, what the save
 * has), read them back, remove the save; 0 or an exit code, one line on
 * stderr either way.
 */
int sweep_restore(const struct coal_saved *orig, const char *save);
/* Read-only: is there anything to sweep, and which parameters (if netlink can tell)?  0, or an exit code. */
int sweep_check_support(const char *ifname, const char *driver, struct ethtool_coalesce *orig,
			uint32_t *mask, bool *from_netlink);
/* The device's driver name, "unknown" if discovery cannot tell; returns buf. */
const char *sweep_driver_of(const char *ifname, char *buf, size_t len);
/* "rx-usecs 0 rx-frames 1 adaptive-rx off" */
void sweep_current_str(const struct ethtool_coalesce *ec, char *buf, size_t len);
/* The parts a save holds: "rx-usecs 3 rx-frames 0 adaptive-rx off defer-hard-irqs 0 gro-flush-timeout 0" */
void sweep_saved_str(const struct coal_saved *sv, char *buf, size_t len);
/* "rx-usecs, adaptive-rx": the parameters of an enum coal_param mask. */
void sweep_mask_str(uint32_t mask, char *buf, size_t len);

/* --- sweep_predict.c --- */

/* --predict: forecast each setting from one observation; changes nothing.  An exit code. */
int sweep_predict(const struct sweep_opts *o);

/* --- sweep_report.c --- */

/* v formatted with f, or "-" when it is not finite: a table cell. */
void sweep_fmt(char *buf, size_t len, double v, const char *f);
/* After measuring point i: load its record, and say whether interrupts per packet moved. */
void sweep_assess(struct sweep_point *p, int i, const char *driver);
/* The end of a complete sweep: predictions, the table or JSON, compare's report; an exit code. */
int sweep_report(const struct sweep_opts *o, const char *driver, const struct coal_saved *orig,
		 struct sweep_point *p, int n, const char *dir);

#endif
