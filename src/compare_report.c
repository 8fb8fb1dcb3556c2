// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The report of loaded runs (compare_report.h): settings, metrics with
 * verdicts and the best run as text, or one JSON object; optional SVG.
 * Strings from records are escaped for the terminal (cli_printable) and
 * for JSON (json.c); no number is ever printed as inf or nan.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "compare.h"
#include "compare_report.h"
#include "json.h"
#include "model.h"
#include "svg.h"

#define PLOT_POINTS 200
#define CMP_SAFE_LEN 1024	/* a record's string escaped: up to 4 bytes for each */
#define SAFE(buf, s) cli_printable(buf, sizeof(buf), s)

static void fmt_num(char *buf, size_t len, double v)
{
	if (!isfinite(v))
		snprintf(buf, len, "-");
	else if (fabs(v) >= 1000 || v == floor(v))
		snprintf(buf, len, "%.0f", v);
	else if (fabs(v) >= 10)
		snprintf(buf, len, "%.1f", v);
	else
		snprintf(buf, len, "%.3f", v);
}

static const char *onoff(double v)
{
	return !isfinite(v) ? "-" : v != 0 ? "on" : "off";
}

/* A percentage for a line of text: "-" when there is none. */
static const char *pct(char *buf, size_t len, double v)
{
	if (isfinite(v))
		snprintf(buf, len, "%+.1f%%", v);
	else
		snprintf(buf, len, "-");
	return buf;
}

static void print_settings(const struct cmp_run *r, int n)
{
	char a[32], b[32], cell[96], e1[CMP_SAFE_LEN], e2[CMP_SAFE_LEN];

	printf("%-28s", "");
	for (int i = 0; i < n; i++)
		printf("  %-22c", 'A' + i);
	printf("\n%-28s", "file");
	for (int i = 0; i < n; i++) {
		const char *base = strrchr(r[i].path, '/');

		printf("  %-22.22s", SAFE(e1, base ? base + 1 : r[i].path));
	}
#define ROW(label, ...) do { printf("\n%-28s", label); for (int i = 0; i < n; i++) { __VA_ARGS__; printf("  %-22.22s", cell); } } while (0)
	ROW("device / driver", snprintf(cell, sizeof(cell), "%s %s", SAFE(e1, r[i].device), SAFE(e2, r[i].driver)));
	ROW("kernel", snprintf(cell, sizeof(cell), "%s", SAFE(e1, r[i].kernel)));
	ROW("rx ring", fmt_num(a, sizeof(a), r[i].rx_ring > 0 ? r[i].rx_ring : NAN);
	    snprintf(cell, sizeof(cell), "%s", a));
	ROW("rx-usecs / rx-frames", fmt_num(a, sizeof(a), r[i].rx_usecs); fmt_num(b, sizeof(b), r[i].rx_frames);
	    snprintf(cell, sizeof(cell), r[i].coalesce_supported ? "%s / %s" : "not supported", a, b));
	ROW("adaptive-rx", snprintf(cell, sizeof(cell), "%s", onoff(r[i].adaptive_rx)));
	ROW("napi defer / gro flush ns", fmt_num(a, sizeof(a), r[i].defer_hard_irqs);
	    fmt_num(b, sizeof(b), r[i].gro_flush_timeout_ns); snprintf(cell, sizeof(cell), "%s / %s", a, b));
	ROW("mapping / model", snprintf(cell, sizeof(cell), "%s %s", SAFE(e1, r[i].mapping), SAFE(e2, r[i].model)));
	ROW("intervals (steady used)", snprintf(cell, sizeof(cell), "%u (%u, %u edge out)%s", r[i].intervals,
						r[i].busy, r[i].edges, r[i].complete ? "" : " cut short"));
#undef ROW
	printf("\n\n");
}

static void print_metrics(const struct cmp_run *r, int n)
{
	char m[32], s[32];

	printf("%-28s %-5s", "metric", "unit");
	for (int i = 0; i < n; i++)
		printf("  %-22c", 'A' + i);
	for (int i = 1; i < n; i++)
		printf("  %c vs A", 'A' + i);
	printf("\n");
	for (int k = 0; k < CMP_METRICS; k++) {
		printf("%-28s %-5s", cmp_metrics[k].name, cmp_metrics[k].unit);
		for (int i = 0; i < n; i++) {
			char cell[80];

			fmt_num(m, sizeof(m), r[i].m[k].mean);
			fmt_num(s, sizeof(s), r[i].m[k].sd);
			snprintf(cell, sizeof(cell), "%s ± %s", m, s);
			printf("  %-22s", isfinite(r[i].m[k].mean) ? cell : "-");
		}
		for (int i = 1; i < n; i++) {
			double d;
			enum cmp_verdict v = compare_verdict(&r[0], &r[i], k, &d);

			if (v == CMP_UNKNOWN)
				printf("  -");
			else if (!strcmp(cmp_metrics[k].unit, "%"))	/* percentage points */
				printf("  %+.1f pt %s", r[i].m[k].mean - r[0].m[k].mean, compare_verdict_name(v));
			else if (!isfinite(d))
				printf("  (A is 0) %s", compare_verdict_name(v));
			else
				printf("  %+.1f%% %s", d, compare_verdict_name(v));
		}
		printf("\n");
	}
}

/* Which intervals the means are over, and how many ramp intervals were left out. */
static void print_steady_rule(const struct cmp_run *r, int n)
{
	printf("\nsteady intervals only: left out at the start or end of each run while lambda or observed\n"
	       "is more than %d robust sd (and %g%%) from the inner intervals' median:", CMP_STEADY_ROBUST_SDS,
	       100 * CMP_STEADY_MIN_SHARE);
	for (int i = 0; i < n; i++)
		printf("%s %c %u", i ? "," : "", 'A' + i, r[i].edges);
	printf(" edge interval%s\n", n == 1 && r[0].edges == 1 ? "" : "s");
}

static void print_best(const struct cmp_run *r, int n)
{
	int b = compare_best(r, n);
	double dobs, dcpu;
	char e[CMP_SAFE_LEN], p1[32], p2[32];

	if (n == 1) {
		printf("\nverdict: one run (%s): nothing to compare it with\n", SAFE(e, r[0].path));
		return;
	}
	if (b == 0) {
		bool any = false;

		for (int i = 1; i < n; i++) {
			enum cmp_verdict v = compare_verdict(&r[0], &r[i], CMP_OBSERVED, &dobs);

			any |= v != CMP_SAME && v != CMP_UNKNOWN;
		}
		printf("\nverdict: A (%s) %s\n", SAFE(e, r[0].path),
		       any ? "delivers the most" : "— no run delivers more or spends less CPU beyond the noise");
		return;
	}
	compare_verdict(&r[0], &r[b], CMP_OBSERVED, &dobs);
	compare_verdict(&r[0], &r[b], CMP_CPU_PER_PKT, &dcpu);
	printf("\nverdict: %c (%s) is best: %s delivered, %s CPU per delivered packet at interrupt priority, against A\n",
	       'A' + b, SAFE(e, r[b].path), pct(p1, sizeof(p1), dobs), pct(p2, sizeof(p2), dcpu));
}

static void print_json(const struct cmp_run *r, int n)
{
	struct json j;

	json_begin(&j, stdout);
	json_arr(&j, "runs");
	for (int i = 0; i < n; i++) {
		json_obj(&j, NULL);
		json_str(&j, "file", r[i].path);
		json_str(&j, "device", r[i].device);
		json_str(&j, "driver", r[i].driver);
		json_dbl(&j, "rx_ring", r[i].rx_ring);
		json_bool(&j, "coalesce_supported", r[i].coalesce_supported);
		json_dbl(&j, "rx_usecs", r[i].rx_usecs);
		json_dbl(&j, "rx_frames", r[i].rx_frames);
		json_dbl(&j, "adaptive_rx", r[i].adaptive_rx);
		json_u64(&j, "intervals", r[i].intervals);
		json_u64(&j, "busy_intervals", r[i].busy);
		json_u64(&j, "partial_intervals_left_out", r[i].edges);
		/* which interval lines the means are over, for a reader with its own fields (the lab) */
		json_dbl(&j, "steady_first", r[i].busy ? r[i].steady_first : NAN);
		json_dbl(&j, "steady_last", r[i].busy ? r[i].steady_last : NAN);
		json_bool(&j, "complete", r[i].complete);
		json_obj(&j, "metrics");
		for (int k = 0; k < CMP_METRICS; k++) {
			json_obj(&j, cmp_metrics[k].name);
			json_dbl(&j, "mean", r[i].m[k].mean);
			json_dbl(&j, "sd", r[i].m[k].sd);
			json_dbl(&j, "n", r[i].m[k].n);
			if (i) {
				double d;
				enum cmp_verdict v = compare_verdict(&r[0], &r[i], k, &d);

				json_dbl(&j, "vs_first_pct", d);
				json_str(&j, "verdict", v == CMP_UNKNOWN ? NULL : compare_verdict_name(v));
			}
			json_obj_end(&j);
		}
		json_obj_end(&j);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_u64(&j, "best", (uint64_t)compare_best(r, n));
	json_end(&j);
}

static int plot(const struct cmp_run *r, int n, const char *path)
{
	static double x[CMP_MAX_RUNS][PLOT_POINTS], y[CMP_MAX_RUNS][PLOT_POINTS];
	static double ox[CMP_MAX_RUNS][1], oy[CMP_MAX_RUNS][1];
	static char names[CMP_MAX_RUNS][2][64];
	struct svg_plot p;
	double top = 0;

	for (int i = 0; i < n; i++)
		top = fmax(top, 2 * r[i].m[CMP_LAMBDA].max);
	if (!(top > 0))
		top = 1;
	svg_plot_init(&p, "Predicted and observed throughput per run", "offered load lambda (packets/s)",
		      "delivered gamma (packets/s)");
	for (int i = 0; i < n && 2 * i + 1 < SVG_MAX_SERIES; i++) {
		enum model_kind kind = !strcmp(r[i].model, "dma") ? MODEL_DMA : MODEL_NODMA;
		struct model_params mp = { .isr_s = r[i].isr_us * 1e-6,
					   .copy_s = kind == MODEL_NODMA ? r[i].copy_us * 1e-6 : 0,
					   .proto_s = r[i].proto_us * 1e-6,
					   .buffer = isfinite(r[i].buffer) ? r[i].buffer : 1000 };
		double k = isfinite(r[i].cpus) && r[i].cpus > 0 ? r[i].cpus : 1;
		bool have = r[i].proto_us > 0 && strlen(r[i].model);

		for (int t = 0; t < PLOT_POINTS; t++) {
			x[i][t] = top * (t + 1) / PLOT_POINTS;
			y[i][t] = have ? k * model_throughput(kind, &mp, x[i][t] / k) : NAN;
		}
		ox[i][0] = r[i].m[CMP_LAMBDA].mean;
		oy[i][0] = r[i].m[CMP_OBSERVED].mean;
		snprintf(names[i][0], sizeof(names[i][0]), "%c predicted", 'A' + i);
		snprintf(names[i][1], sizeof(names[i][1]), "%c observed", 'A' + i);
		svg_plot_add(&p, &(struct svg_series){ .name = names[i][0], .x = x[i], .y = y[i],
						       .n = PLOT_POINTS, .dashed = i > 0 });
		svg_plot_add(&p, &(struct svg_series){ .name = names[i][1], .x = ox[i], .y = oy[i],
						       .n = 1, .points = true });
	}
	return svg_plot_save(&p, path);
}

int compare_report(const struct cmp_run *runs, int n, int json, const char *plot_path)
{
	if (json) {
		print_json(runs, n);
	} else {
		print_settings(runs, n);
		print_metrics(runs, n);
		print_steady_rule(runs, n);
		print_best(runs, n);
	}
	fflush(stdout);
	if (plot_path && plot(runs, n, plot_path)) {
		cli_err("cannot write %s", plot_path);
		return LT_EXIT_ENV;
	}
	return LT_EXIT_OK;
}

