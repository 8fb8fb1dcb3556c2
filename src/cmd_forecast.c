// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* livelock-trace forecast RECORD.jsonl: the delivered-throughput curve at loads not yet seen. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "commands.h"
#include "forecast_io.h"
#include "json.h"
#include "forecast_record.h"
#include "numparse.h"
#include "svg.h"

#define DEFAULT_POINTS	40	/* rates from 0 to 2x the MLFRR by default */
#define MAX_POINTS	100000
#define MAX_RATE	1e9
#define MAX_MEASURED	(SVG_MAX_SERIES - 2)

static void usage(FILE *f)
{
	fprintf(f,
"usage: livelock-trace forecast RECORD.jsonl [--rate FROM:TO:STEP] [--json] [--plot FILE.svg]\n"
"                                [--measured REC.jsonl ...]\n"
"\n"
"The throughput applications would get at loads the recorded run never saw.\n"
"A run recorded with 'livelock-trace IFACE --record RECORD.jsonl' carries the\n"
"costs of each stage split into a fixed part (per interrupt, per NET_RX busy\n"
"period, per application wakeup) and a marginal part (per packet, per\n"
"datagram); from them the forecast draws gamma(lambda), the capacity (the\n"
"highest delivered rate), the MLFRR (the load where it is reached) and the\n"
"livelock point.  Record at a light load, forecast the heavy one.\n"
"\n"
"  --rate FROM:TO:STEP  offered loads in packets/s [0 to 2x the MLFRR, 40 steps]\n"
"  --json               one JSON object per rate, then {\"summary\": true, ...}\n"
"  --plot FILE.svg      the curve, the recorded run's point and the --measured ones\n"
"  --measured REC ...   records of runs at other loads: their mean offered and\n"
"                       delivered rates are drawn as points (and listed)\n"
"\n"
"Example:\n"
"  sudo livelock-trace eth1 1 30 --record light.jsonl      # at today's load\n"
"  livelock-trace forecast light.jsonl --plot eth1.svg\n");
}

struct fc_opts {
	const char *record, *plot;
	const char *measured[MAX_MEASURED];
	int n_measured;
	struct num_range rate;
	bool have_rate, json;
};

static int parse(int argc, char **argv, struct fc_opts *o)
{
	enum { OPT_RATE = 256, OPT_JSON, OPT_PLOT, OPT_MEASURED };
	static const struct option opts[] = {
		{ "rate", required_argument, NULL, OPT_RATE },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "plot", required_argument, NULL, OPT_PLOT },
		{ "measured", required_argument, NULL, OPT_MEASURED },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_RATE:
			if (!num_parse_range(optarg, "--rate", MAX_RATE, &o->rate))
				return LT_EXIT_USAGE;
			if (num_range_points(&o->rate) > MAX_POINTS)
				return cli_usage("forecast: --rate %s gives more than %d rates", optarg, MAX_POINTS);
			o->have_rate = true;
			break;
		case OPT_JSON: o->json = true; break;
		case OPT_PLOT: o->plot = optarg; break;
		case OPT_MEASURED:
			if (o->n_measured == MAX_MEASURED)
				return cli_usage("forecast: at most %d --measured records", MAX_MEASURED);
			o->measured[o->n_measured++] = optarg;
			break;
		case 'h': usage(stdout); return LT_EXIT_OK;
		default:
			return cli_getopt_error("forecast", c, argv);
		}
	}
	if (optind >= argc)
		return cli_usage("forecast: which record? (livelock-trace forecast RECORD.jsonl; see --help)");
	o->record = argv[optind++];
	for (; optind < argc; optind++) {	/* --measured a b c: the rest are measured too */
		if (o->n_measured == MAX_MEASURED)
			return cli_usage("forecast: at most %d --measured records", MAX_MEASURED);
		o->measured[o->n_measured++] = argv[optind];
	}
	return CLI_CONTINUE;
}

static void print_point_text(const struct fc_point *p)
{
	printf("%11.0f %11.0f %10.0f %8.1f %7.1f %7.1f %7.1f  %s%s\n", p->lambda_pps, p->gamma_pps,
	       p->irqs_pps, p->batch, 100 * p->cpu_irq, 100 * p->cpu_rx, 100 * p->cpu_app, p->limit,
	       p->deferred ? " (NET_RX in ksoftirqd)" : "");
}

static void print_costs_text(const struct fc_record *r)
{
	const struct fc_costs *c = &r->costs;
	char dev[4 * sizeof(r->device)], drv[4 * sizeof(r->driver)];

	cli_printable(dev, sizeof(dev), *r->device ? r->device : "record");
	cli_printable(drv, sizeof(drv), r->driver);
	printf("# %s%s%s%s: costs from the %s, measured at %.0f pps offered, %.0f delivered\n",
	       dev, *drv ? " (" : "", drv, *drv ? ")" : "", r->costs_from, r->lambda_pps, r->observed_pps);
	printf("# hard IRQ %.2f us/interrupt + %.2f us/packet; NET_RX %.2f us/busy period + %.2f us/packet; ",
	       c->irq_fixed_ns / 1e3, c->irq_pkt_ns / 1e3, c->rx_fixed_ns / 1e3, c->rx_pkt_ns / 1e3);
	if (isfinite(c->app_dgram_ns))
		printf("application %.2f us/wakeup + %.2f us/datagram, sharing %.0f%% of the RX CPU's interrupt work\n",
		       c->app_wakeup_ns / 1e3, c->app_dgram_ns / 1e3, 100 * c->app_share);
	else
		printf("no application stage (the stack delivers)\n");
	printf("# %.0f RX CPU%s, setup %.1f us, NET_RX %s%s\n", c->cpus, c->cpus == 1 ? "" : "s",
	       c->setup_ns / 1e3, c->threaded ? "threaded (fair share)" : "at interrupt priority until deferred to ksoftirqd",
	       isfinite(c->irq_cap_pps) ? ", interrupts capped by coalescing" : "");
}

static void summary_json(const struct fc_opts *o, const struct fc_record *r, const struct fc_summary *s,
			 const struct fc_record *m, int n)
{
	struct json j;

	json_begin(&j, stdout);
	json_bool(&j, "summary", true);
	json_str(&j, "record", o->record);
	json_str(&j, "costs_from", r->costs_from);
	json_dblp(&j, "recorded_lambda_pps", r->lambda_pps, 1);
	json_dblp(&j, "recorded_observed_pps", r->observed_pps, 1);
	json_dblp(&j, "capacity_pps", s->capacity_pps, 1);
	json_dblp(&j, "mlfrr_pps", s->mlfrr_pps, 1);
	json_dblp(&j, "livelock_pps", s->livelock_pps, 1);
	fc_costs_json(&j, "costs", &r->costs);
	json_arr(&j, "measured");
	for (int i = 0; i < n; i++) {
		struct fc_point p;

		fc_at(&r->costs, m[i].lambda_pps, &p);
		json_obj(&j, NULL);
		json_str(&j, "record", o->measured[i]);
		json_dblp(&j, "lambda_pps", m[i].lambda_pps, 1);
		json_dblp(&j, "observed_pps", m[i].observed_pps, 1);
		json_dblp(&j, "forecast_pps", p.gamma_pps, 1);
		json_dblp(&j, "error_pct", 100 * (p.gamma_pps - m[i].observed_pps) / m[i].observed_pps, 2);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_end(&j);
}

static int plot(const struct fc_opts *o, const struct fc_record *r, const struct fc_summary *s,
		const struct fc_record *m, int n, const double *x, const double *y, size_t pts)
{
	struct svg_plot pl;
	double rx[1] = { r->lambda_pps }, ry[1] = { r->observed_pps };
	double mx[MAX_MEASURED], my[MAX_MEASURED];
	char title[160];
	int err;

	const char *base = strrchr(o->record, '/');

	snprintf(title, sizeof(title), "Forecast for %s from %s", *r->device ? r->device : "the record",
		 base ? base + 1 : o->record);
	svg_plot_init(&pl, title, "offered load lambda (packets/s)", "delivered to applications (packets/s)");
	svg_plot_add(&pl, &(struct svg_series){ .name = "forecast", .x = x, .y = y, .n = pts });
	svg_plot_add(&pl, &(struct svg_series){ .name = "recorded run (costs measured here)", .x = rx,
						.y = ry, .n = 1, .points = true });
	for (int i = 0; i < n; i++) {
		mx[i] = m[i].lambda_pps;
		my[i] = m[i].observed_pps;
	}
	if (n)
		svg_plot_add(&pl, &(struct svg_series){ .name = "measured at other loads", .x = mx,
							.y = my, .n = (size_t)n, .points = true });
	svg_plot_mark(&pl, s->mlfrr_pps, "MLFRR");
	if (isfinite(s->livelock_pps))
		svg_plot_mark(&pl, s->livelock_pps, "livelock");
	err = svg_plot_save(&pl, o->plot);
	if (err)
		cli_err("forecast: cannot write %s: %s", o->plot, strerror(-err));
	return err ? LT_EXIT_ENV : 0;
}

int cmd_forecast(int argc, char **argv)
{
	struct fc_record r, m[MAX_MEASURED];
	struct fc_summary s;
	struct fc_opts o;
	double *x = NULL, *y = NULL;
	uint64_t pts;
	int rc = parse(argc, argv, &o);

	if (rc != CLI_CONTINUE)
		return rc;
	if (fc_record_load(o.record, &r, stderr))
		return LT_EXIT_ENV;
	if (!r.have_costs) {
		cli_err("forecast: %s has no costs to forecast from (no interval with traffic read by an application; record with a newer livelock-trace, or under load)",
			o.record);
		return LT_EXIT_ENV;
	}
	for (int i = 0; i < o.n_measured; i++)
		if (fc_record_load(o.measured[i], &m[i], stderr))
			return LT_EXIT_ENV;
	s = fc_summarize(&r.costs);
	if (!isfinite(s.capacity_pps)) {
		cli_err("forecast: the costs in %s give no finite capacity", o.record);
		return LT_EXIT_ENV;
	}
	if (!o.have_rate) {
		o.rate.to = 2 * s.mlfrr_pps;
		o.rate.step = o.rate.to / DEFAULT_POINTS;
		o.rate.from = o.rate.step;
	}
	pts = num_range_points(&o.rate);
	x = calloc(pts, sizeof(double));
	y = calloc(pts, sizeof(double));
	if (!x || !y) {
		free(x);
		free(y);
		cli_err("forecast: out of memory");
		return LT_EXIT_ENV;
	}
	if (!o.json) {
		print_costs_text(&r);
		printf("%11s %11s %10s %8s %7s %7s %7s  %s\n", "lambda(pps)", "forecast", "irqs/s",
		       "batch", "irq%", "rx%", "app%", "limit");
	}
	for (uint64_t i = 0; i < pts; i++) {
		struct fc_point p;

		fc_at(&r.costs, num_range_at(&o.rate, i), &p);
		x[i] = p.lambda_pps;
		y[i] = p.gamma_pps;
		if (o.json) {
			struct json j;

			json_begin(&j, stdout);
			json_dblp(&j, "lambda_pps", p.lambda_pps, 1);
			json_dblp(&j, "forecast_pps", p.gamma_pps, 1);
			json_dbl(&j, "irqs_per_s", p.irqs_pps);
			json_dbl(&j, "batch", p.batch);
			json_dbl(&j, "cpu_irq", p.cpu_irq);
			json_dbl(&j, "cpu_rx", p.cpu_rx);
			json_dbl(&j, "cpu_app", p.cpu_app);
			json_dblp(&j, "kernel_pps", p.kernel_pps, 1);
			json_bool(&j, "deferred", p.deferred);
			json_str(&j, "limit", p.limit);
			json_end(&j);
		} else {
			print_point_text(&p);
		}
	}
	if (o.json) {
		summary_json(&o, &r, &s, m, o.n_measured);
	} else {
		printf("\nCapacity: %.0f pps, reached at lambda = %.0f pps (MLFRR); ", s.capacity_pps, s.mlfrr_pps);
		if (isfinite(s.livelock_pps))
			printf("livelock (under %.0f%% of it) from %.0f pps\n", 100 * FC_LIVELOCK_FRAC, s.livelock_pps);
		else
			printf("no livelock at finite lambda\n");
		for (int i = 0; i < o.n_measured; i++) {
			struct fc_point p;

			fc_at(&r.costs, m[i].lambda_pps, &p);
			printf("measured %s: %.0f pps offered, %.0f delivered; forecast %.0f (%+.1f%%)\n",
			       o.measured[i], m[i].lambda_pps, m[i].observed_pps, p.gamma_pps,
			       100 * (p.gamma_pps - m[i].observed_pps) / m[i].observed_pps);
		}
	}
	rc = o.plot ? plot(&o, &r, &s, m, o.n_measured, x, y, (size_t)pts) : 0;
	free(x);
	free(y);
	return rc;
}
