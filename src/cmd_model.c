// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* `livelock-trace model`: the paper's throughput curves as a table, CSV, JSON or SVG. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "json.h"
#include "model_cli.h"
#include "svg.h"

#define PLOT_POINTS 600		/* samples of each curve in the SVG */

enum out_format { OUT_TABLE, OUT_CSV, OUT_JSON };
enum { OPT_CSV = 1, OPT_JSON, OPT_PLOT };

static void usage(FILE *f)
{
	fprintf(f,
"Usage: livelock-trace model [OPTIONS]\n"
"\n"
"Throughput delivered to applications (gamma, pps) against the packet arrival\n"
"rate (lambda, pps) predicted by the Salah & El-Badawi receive-livelock model,\n"
"for the ideal system (M/M/1/B), a NIC without DMA (copies in the ISR: livelock\n"
"at lambda = c) and a NIC with DMA.  p00 is the CPU share left for protocol\n"
"processing.  MLFRR is the rate where throughput peaks.\n"
"\n%s"
"\nOutput:\n"
"  --csv              comma-separated values, one row per rate\n"
"  --json             JSON Lines: one object per rate, then a summary object\n"
"  --plot FILE.svg    also draw gamma against lambda, livelock point and MLFRR marked\n"
"  -h, --help         this help;  --version  the version and commit\n"
"\nExamples:\n"
"  livelock-trace model                                   # Figure 4 of the paper\n"
"  livelock-trace model --proto-us 100 --plot fig5.svg    # Figure 5: no copy to user space\n"
"  livelock-trace model --dma on --isr-dma-us 5 --rate 10000:200000:10000 --json\n",
		model_cli_help);
}

/* A rate for a line of text: whole pps, or 6 digits past what %.0f reads well. */
static const char *pps(char *buf, size_t len, double v)
{
	snprintf(buf, len, fabs(v) < 1e15 ? "%.0f" : "%.6g", v);
	return buf;
}

static void print_summary_text(const struct model_cli *m)
{
	struct model_params nd = model_cli_params(m, MODEL_NODMA);
	struct model_params d = model_cli_params(m, MODEL_DMA);
	struct model_peak pk;
	char a[32], b[32];

	printf("\n");
	if (m->want[MODEL_NODMA]) {
		printf("Livelock point, NIC without DMA (lambda = c): ");
		if (isfinite(model_livelock_pps(&nd)))
			printf("%s pps\n", pps(a, sizeof(a), model_livelock_pps(&nd)));
		else
			printf("none (copy time 0)\n");
		pk = model_mlfrr(MODEL_NODMA, &nd);
		if (isfinite(pk.lambda_pps))
			printf("MLFRR, NIC without DMA: %s pps delivered at lambda = %s pps\n",
			       pps(a, sizeof(a), pk.gamma_pps), pps(b, sizeof(b), pk.lambda_pps));
		else
			printf("MLFRR, NIC without DMA: none (ISR and copy time 0: no interrupt cost, throughput rises towards mu)\n");
	}
	if (m->want[MODEL_DMA]) {
		pk = model_mlfrr(MODEL_DMA, &d);
		if (isfinite(pk.lambda_pps))
			printf("MLFRR, NIC with DMA:    %s pps delivered at lambda = %s pps (no livelock at finite lambda)\n",
			       pps(a, sizeof(a), pk.gamma_pps), pps(b, sizeof(b), pk.lambda_pps));
		else
			printf("MLFRR, NIC with DMA:    none (ISR time 0: no interrupt cost, throughput rises towards mu)\n");
	}
	printf("Ideal system: throughput rises towards mu = %s pps\n", pps(a, sizeof(a), 1e6 / m->proto_us));
}

static void print_summary_json(const struct model_cli *m)
{
	struct model_params nd = model_cli_params(m, MODEL_NODMA);
	struct model_params d = model_cli_params(m, MODEL_DMA);
	struct model_peak pn = { NAN, NAN, 0 }, pd = { NAN, NAN, 0 };
	struct json j;

	if (m->want[MODEL_NODMA])
		pn = model_mlfrr(MODEL_NODMA, &nd);
	if (m->want[MODEL_DMA])
		pd = model_mlfrr(MODEL_DMA, &d);
	json_begin(&j, stdout);
	json_bool(&j, "summary", true);
	json_dblp(&j, "livelock_pps", m->want[MODEL_NODMA] ? model_livelock_pps(&nd) : NAN, 2);
	json_dblp(&j, "mlfrr_nodma_pps", pn.gamma_pps, 2);
	json_dblp(&j, "mlfrr_nodma_lambda_pps", pn.lambda_pps, 2);
	json_dblp(&j, "mlfrr_dma_pps", pd.gamma_pps, 2);
	json_dblp(&j, "mlfrr_dma_lambda_pps", pd.lambda_pps, 2);
	json_dblp(&j, "mu_pps", 1e6 / m->proto_us, 2);
	json_end(&j);
}

/* A table cell: fixed decimals, or 6 significant digits where those would not fit. */
static const char *pps_cell(char *buf, size_t len, double v, int decimals)
{
	if (fabs(v) < 1e9)
		snprintf(buf, len, "%.*f", decimals, v);
	else
		snprintf(buf, len, "%.6g", v);
	return buf;
}

static void print_row(const struct model_cli *m, enum out_format fmt, double lambda)
{
	struct model_params nd = model_cli_params(m, MODEL_NODMA);
	struct model_params d = model_cli_params(m, MODEL_DMA);
	struct model_params id = model_cli_params(m, MODEL_IDEAL);
	double ideal = model_throughput(MODEL_IDEAL, &id, lambda);
	double gn = m->want[MODEL_NODMA] ? model_throughput(MODEL_NODMA, &nd, lambda) : NAN;
	double gd = m->want[MODEL_DMA] ? model_throughput(MODEL_DMA, &d, lambda) : NAN;
	double pn = m->want[MODEL_NODMA] ? model_p00(MODEL_NODMA, &nd, lambda) : NAN;
	double pd = m->want[MODEL_DMA] ? model_p00(MODEL_DMA, &d, lambda) : NAN;
	char a[32], b[32];
	struct json j;

	switch (fmt) {
	case OUT_JSON:
		json_begin(&j, stdout);
		json_dblp(&j, "lambda_pps", lambda, 2);
		json_dblp(&j, "ideal_pps", ideal, 2);
		json_dblp(&j, "nodma_pps", gn, 2);
		json_dblp(&j, "dma_pps", gd, 2);
		json_dblp(&j, "p00_nodma", pn, 6);
		json_dblp(&j, "p00_dma", pd, 6);
		json_end(&j);
		break;
	case OUT_CSV:
		printf("%.2f,%.2f", lambda, ideal);
		if (m->want[MODEL_NODMA])
			printf(",%.2f", gn);
		if (m->want[MODEL_DMA])
			printf(",%.2f", gd);
		if (m->want[MODEL_NODMA])
			printf(",%.6f", pn);
		if (m->want[MODEL_DMA])
			printf(",%.6f", pd);
		printf("\n");
		break;
	case OUT_TABLE:
		printf("%12s %12s", pps_cell(a, sizeof(a), lambda, 0), pps_cell(b, sizeof(b), ideal, 2));
		if (m->want[MODEL_NODMA])
			printf(" %12s", pps_cell(a, sizeof(a), gn, 2));
		if (m->want[MODEL_DMA])
			printf(" %12s", pps_cell(a, sizeof(a), gd, 2));
		if (m->want[MODEL_NODMA])
			printf(" %10.4f", pn);
		if (m->want[MODEL_DMA])
			printf(" %10.4f", pd);
		printf("\n");
		break;
	}
}

static void print_head(const struct model_cli *m, enum out_format fmt)
{
	if (fmt == OUT_CSV) {
		printf("lambda_pps,ideal_pps%s%s%s%s\n",
		       m->want[MODEL_NODMA] ? ",nodma_pps" : "",
		       m->want[MODEL_DMA] ? ",dma_pps" : "",
		       m->want[MODEL_NODMA] ? ",p00_nodma" : "",
		       m->want[MODEL_DMA] ? ",p00_dma" : "");
	} else if (fmt == OUT_TABLE) {
		printf("# 1/r %g us (DMA %g us), 1/c %g us, 1/mu %g us, B %llu packets\n",
		       m->isr_us, m->isr_dma_us, m->copy_us, m->proto_us,
		       (unsigned long long)m->buffer);
		printf("%12s %12s", "lambda(pps)", "ideal(pps)");
		if (m->want[MODEL_NODMA])
			printf(" %12s", "nodma(pps)");
		if (m->want[MODEL_DMA])
			printf(" %12s", "dma(pps)");
		if (m->want[MODEL_NODMA])
			printf(" %10s", "p00_nodma");
		if (m->want[MODEL_DMA])
			printf(" %10s", "p00_dma");
		printf("\n");
	}
}

static int write_plot(const struct model_cli *m, const char *path)
{
	static const char *const names[MODEL_KINDS] = {
		"ideal (M/M/1/B)", "NIC without DMA", "NIC with DMA",
	};
	double *x = calloc(PLOT_POINTS, sizeof(double));
	double *y = calloc((size_t)PLOT_POINTS * MODEL_KINDS, sizeof(double));
	char title[160], lab_ll[64], lab_nd[64], lab_d[64];
	struct svg_plot p;
	int err;

	if (!x || !y) {
		free(x);
		free(y);
		return -12;
	}
	snprintf(title, sizeof(title),
		 "Receive livelock model: 1/r %g us (DMA %g us), 1/c %g us, 1/mu %g us, B %llu",
		 m->isr_us, m->isr_dma_us, m->copy_us, m->proto_us, (unsigned long long)m->buffer);
	svg_plot_init(&p, title, "packet arrival rate lambda (pps)",
		      "throughput to applications gamma (pps)");
	for (int i = 0; i < PLOT_POINTS; i++)
		x[i] = m->rate.to * i / (PLOT_POINTS - 1);
	for (int k = 0; k < MODEL_KINDS; k++) {
		struct model_params mp = model_cli_params(m, k);
		struct svg_series s = { .name = names[k], .x = x, .y = y + k * PLOT_POINTS,
					.n = PLOT_POINTS, .dashed = k == MODEL_IDEAL };

		if (!m->want[k])
			continue;
		for (int i = 0; i < PLOT_POINTS; i++)
			y[k * PLOT_POINTS + i] = model_throughput(k, &mp, x[i]);
		svg_plot_add(&p, &s);
	}
	if (m->want[MODEL_NODMA]) {
		struct model_params nd = model_cli_params(m, MODEL_NODMA);
		struct model_peak pk = model_mlfrr(MODEL_NODMA, &nd);

		snprintf(lab_ll, sizeof(lab_ll), "livelock %.0f pps", model_livelock_pps(&nd));
		svg_plot_mark(&p, model_livelock_pps(&nd), lab_ll);
		snprintf(lab_nd, sizeof(lab_nd), "MLFRR no DMA %.0f pps", pk.lambda_pps);
		svg_plot_mark(&p, pk.lambda_pps, lab_nd);
	}
	if (m->want[MODEL_DMA]) {
		struct model_params d = model_cli_params(m, MODEL_DMA);
		struct model_peak pk = model_mlfrr(MODEL_DMA, &d);

		snprintf(lab_d, sizeof(lab_d), "MLFRR DMA %.0f pps", pk.lambda_pps);
		svg_plot_mark(&p, pk.lambda_pps, lab_d);
	}
	err = svg_plot_save(&p, path);
	free(x);
	free(y);
	return err;
}

int cmd_model(int argc, char **argv)
{
	static const struct option longopts[] = {
		MODEL_CLI_LONGOPTS,
		{ "csv",  no_argument,       NULL, OPT_CSV },
		{ "json", no_argument,       NULL, OPT_JSON },
		{ "plot", required_argument, NULL, OPT_PLOT },
		{ "help", no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum out_format fmt = OUT_TABLE;
	const char *plot = NULL, *fmt_opt = NULL;
	struct model_cli m;
	int opt, err;

	model_cli_defaults(&m);
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (model_cli_getopt(&m, "model", opt, argv)) {
		case MODEL_CLI_OK:
			continue;
		case MODEL_CLI_BAD:
			return LT_EXIT_USAGE;
		case MODEL_CLI_NOT_MINE:
			break;
		}
		switch (opt) {
		case OPT_CSV:
		case OPT_JSON:
			if (!cli_exclusive(&fmt_opt, opt == OPT_CSV ? "--csv" : "--json"))
				return LT_EXIT_USAGE;
			fmt = opt == OPT_CSV ? OUT_CSV : OUT_JSON;
			break;
		case OPT_PLOT: plot = optarg; break;
		case 'h': usage(stdout); return LT_EXIT_OK;
		}
	}
	if (!model_cli_no_extra("model", argc, argv) || !model_cli_finish(&m))
		return LT_EXIT_USAGE;

	print_head(&m, fmt);
	for (uint64_t i = 0, n = num_range_points(&m.rate); i < n; i++)
		print_row(&m, fmt, num_range_at(&m.rate, i));
	if (fmt == OUT_JSON)
		print_summary_json(&m);
	else if (fmt == OUT_TABLE)
		print_summary_text(&m);
	if (plot) {
		err = write_plot(&m, plot);
		if (err) {
			cli_err("model: cannot write %s: %s", plot, strerror(-err));
			return LT_EXIT_ENV;
		}
		if (fmt == OUT_TABLE)
			printf("Plot written to %s\n", plot);
	}
	return LT_EXIT_OK;
}
