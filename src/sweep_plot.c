// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `sweep --latency-plot FILE.svg`: what each coalescing setting costs in
 * latency against what it saves in CPU at interrupt priority, one point per
 * setting (sweep.h).  The latency axis is logarithmic: settings differ by
 * decades.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "svg.h"
#include "sweep.h"

/* A setting's point: its forecast at the judged load, and what was measured in it (NULL: nothing). */
struct lat_point {
	double fc_cpu_pct, fc_total_p99_us, fc_seen_p99_us;
	double m_cpu_pct, m_seen_p99_us;
};

static void point_of(struct lat_point *pt, const struct whatif_result *fc, const struct cmp_run *measured)
{
	const struct whatif_load *w = whatif_judged(fc);

	pt->fc_cpu_pct = pt->fc_total_p99_us = pt->fc_seen_p99_us = NAN;
	pt->m_cpu_pct = pt->m_seen_p99_us = NAN;
	if (fc->predicted) {
		pt->fc_cpu_pct = w->cpu_intr_pct;
		pt->fc_total_p99_us = w->latency_p99_us;
		pt->fc_seen_p99_us = w->seen_p99_us;
	}
	if (measured) {
		pt->m_cpu_pct = measured->m[CMP_IRQ_SHARE].mean;
		pt->m_seen_p99_us = sweep_seen_p99_us(measured);
	}
}

int sweep_latency_plot(const char *path, const char *title, const struct sweep_point *sp, int n)
{
	static double x[3][CMP_MAX_RUNS], y[3][CMP_MAX_RUNS];
	static char names[CMP_MAX_RUNS][64];
	static const char *labels[CMP_MAX_RUNS];
	struct svg_plot pl;
	int measured = 0, err;

	if (n > CMP_MAX_RUNS)
		n = CMP_MAX_RUNS;
	for (int i = 0; i < n; i++) {
		struct lat_point pt;

		point_of(&pt, &sp[i].fc, sp[i].busy ? &sp[i].run : NULL);
		coal_setting_str(&sp[i].want, names[i], sizeof(names[i]));
		x[0][i] = x[1][i] = pt.fc_cpu_pct;
		y[0][i] = pt.fc_total_p99_us;
		y[1][i] = pt.fc_seen_p99_us;
		x[2][i] = pt.m_cpu_pct;
		y[2][i] = pt.m_seen_p99_us;
		labels[i] = names[i];
		measured += isfinite(x[2][i]) && isfinite(y[2][i]) && y[2][i] > 0;
	}
	svg_plot_init(&pl, title, "CPU at interrupt priority (hard IRQ + NET_RX), % of one RX CPU",
		      "p99 latency, us (log scale)");
	pl.ylog = true;
	svg_plot_add(&pl, &(struct svg_series){ .name = "forecast: the setting's delay + stack + socket",
						.x = x[0], .y = y[0], .n = (size_t)n, .points = true,
						.labels = labels });
	svg_plot_add(&pl, &(struct svg_series){ .name = "forecast: stack + socket (what the probes see)",
						.x = x[1], .y = y[1], .n = (size_t)n, .points = true,
						.hollow = true });
	if (measured)
		svg_plot_add(&pl, &(struct svg_series){ .name = "measured: stack + read p99 (--latency)",
							.x = x[2], .y = y[2], .n = (size_t)n, .points = true,
							.labels = labels });
	err = svg_plot_save(&pl, path);
	if (err) {
		cli_err("sweep: cannot write %s: %s", path, strerror(-err));
		return LT_EXIT_ENV;
	}
	return LT_EXIT_OK;
}
