// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `livelock-trace sweep IFACE --predict --rx-usecs LIST ...`: forecast every
 * coalescing setting from one observation at the current one (a live
 * measurement with `--record`, or `--from RECORD`) and change nothing: no
 * ETHTOOL_SCOALESCE, no save file.  The forecast is whatif.h's.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "commands.h"
#include "compare.h"
#include "forecast_io.h"
#include "forecast_record.h"
#include "json.h"
#include "sweep.h"
#include "whatif.h"

struct predict_state {
	const struct sweep_opts *o;
	char driver[32], record[512];
	struct ethtool_coalesce orig;
	struct fc_record rec;
	struct cmp_run run;		/* the observation as measured */
	bool have_run;
	struct sweep_point p[CMP_MAX_RUNS];
	struct whatif_result r[CMP_MAX_RUNS];
	int n;
};

/* The settings now: the device's (read-only), else the record's. 0 or an exit code. */
static int original_settings(struct predict_state *ps)
{
	const struct sweep_opts *o = ps->o;
	/* NAPI's deferral alone needs no coalescing settings of the device */
	bool napi_only = !o->n_usecs && !o->n_frames && !o->n_adaptive;

	if (o->ifname && !coal_get(o->ifname, &ps->orig)) {
		sweep_driver_of(o->ifname, ps->driver, sizeof(ps->driver));
		return 0;
	}
	if (napi_only) {
		memset(&ps->orig, 0, sizeof(ps->orig));
		if (o->ifname)
			sweep_driver_of(o->ifname, ps->driver, sizeof(ps->driver));
		else
			snprintf(ps->driver, sizeof(ps->driver), "%s", ps->rec.driver);
		return 0;
	}
	if (!o->from) {
		uint32_t mask;
		bool nl;

		sweep_driver_of(o->ifname, ps->driver, sizeof(ps->driver));
		return sweep_check_support(o->ifname, ps->driver, &ps->orig, &mask, &nl);
	}
	if (!ps->rec.coalesce_known) {
		cli_err("sweep: %s was recorded on a device without coalescing settings (%s): nothing to forecast",
			o->from, ps->rec.driver[0] ? ps->rec.driver : "driver unknown");
		return LT_EXIT_ENV;
	}
	memset(&ps->orig, 0, sizeof(ps->orig));
	ps->orig.rx_coalesce_usecs = (uint32_t)ps->rec.rx_usecs;
	ps->orig.rx_max_coalesced_frames = (uint32_t)ps->rec.rx_frames;
	ps->orig.use_adaptive_rx_coalesce = ps->rec.adaptive_rx;
	snprintf(ps->driver, sizeof(ps->driver), "%s", ps->rec.driver);
	return 0;
}

/* The observation: --from, or a live measurement of --per at the current setting. */
static int observe(struct predict_state *ps)
{
	const struct sweep_opts *o = ps->o;
	int rc;

	if (o->from) {
		snprintf(ps->record, sizeof(ps->record), "%s", o->from);
	} else {
		if (!cli_have_privilege(CLI_PRIV_TRACE)) {
			cli_err("sweep: --predict observes the current setting with BPF (CAP_BPF and CAP_PERFMON, or root); without them give --from RECORD.jsonl");
			return LT_EXIT_ENV;
		}
		rc = sweep_observe(o, ps->record, sizeof(ps->record));
		if (rc)
			return rc;
	}
	if (fc_record_load(ps->record, &ps->rec, stderr))
		return LT_EXIT_ENV;
	ps->have_run = !compare_load(ps->record, &ps->run, stderr) && ps->run.busy;
	if (!ps->rec.have_costs || !(ps->rec.lambda_pps > 0)) {
		cli_err("sweep: %s has no traffic with complete costs to forecast from: observe under load (at least a few intervals)",
			ps->record);
		return LT_EXIT_ENV;
	}
	return 0;
}

static void print_table(const struct predict_state *ps, int pick, const char *why)
{
	const struct sweep_opts *o = ps->o;
	const struct cmp_stat *m = ps->run.m;
	char cur[96];
	int sw = 30;

	sweep_current_str(&ps->orig, cur, sizeof(cur));
	printf("%s (driver %s, %s timer): forecast from %s, observed at %s\n", ps->rec.device[0] ? ps->rec.device : "-",
	       ps->driver, coal_timer_name(coal_timer_of(ps->driver)), ps->record, cur);
	if (ps->have_run)
		printf("observed: %.0f pps offered, %.0f delivered, %.0f interrupts/s, %.1f%% CPU at interrupt priority\n",
		       m[CMP_LAMBDA].mean, m[CMP_OBSERVED].mean, m[CMP_IRQS_PS].mean, m[CMP_IRQ_SHARE].mean);
	printf("at %.0f pps offered%s:\n", whatif_judged(&ps->r[0])->lambda_pps > 0 ? whatif_judged(&ps->r[0])->lambda_pps : ps->rec.lambda_pps,
	       o->rate_pps > 0 ? " (--rate)" : " (the load now)");
	for (int i = 0; i < ps->n; i++) {	/* the setting column fits the longest */
		char set[128];

		coal_setting_str(&ps->p[i].want, set, sizeof(set));
		if ((int)strlen(set) > sw)
			sw = (int)strlen(set);
	}
	printf("%-*s %9s %8s %7s %7s %9s %9s %9s %9s %10s %10s\n", sw, "setting", "irqs/s", "pkt/irq", "irq%", "intr%",
	       "gamma/s", "capacity", "MLFRR", "coal_us", "p99_us", "gamma 10-90%");
	for (int i = 0; i < ps->n; i++) {
		const struct whatif_result *r = &ps->r[i];
		const struct whatif_load *w = whatif_judged(r);
		char set[128], c[11][32];

		coal_setting_str(&ps->p[i].want, set, sizeof(set));
		if (!r->predicted) {
			printf("%-*s %s\n", sw, set, r->why);
			continue;
		}
		sweep_fmt(c[0], 32, w->irqs_pps, "%.0f");
		sweep_fmt(c[1], 32, w->pkts_per_irq, w->pkts_per_irq >= 1e5 ? "%.2g" : "%.1f");
		sweep_fmt(c[2], 32, w->cpu_irq_pct, "%.1f");
		sweep_fmt(c[3], 32, w->cpu_intr_pct, "%.1f");
		sweep_fmt(c[4], 32, w->gamma_pps, "%.0f");
		sweep_fmt(c[5], 32, r->sum.capacity_pps, "%.0f");
		sweep_fmt(c[6], 32, r->sum.mlfrr_pps, "%.0f");
		sweep_fmt(c[7], 32, w->coal_mean_us, "%.0f");
		sweep_fmt(c[8], 32, w->latency_p99_us, "%.0f");
		if (isfinite(r->gamma_lo))
			snprintf(c[9], 32, "%.0f-%.0f", r->gamma_lo, r->gamma_hi);
		else
			snprintf(c[9], 32, "-");
		printf("%-*s %9s %8s %7s %7s %9s %9s %9s %9s %10s %10s%s\n", sw, set, c[0], c[1], c[2], c[3], c[4], c[5],
		       c[6], c[7], c[8], c[9], i == pick ? "  <- " : "");
	}
	printf("(irq%%: hard-IRQ work, intr%%: hard IRQ + NET_RX, of one RX CPU; coal_us: the mean delay the setting\n"
	       " adds before the stack; p99_us: coalescing + stack + socket wait and read, an upper bound; nothing\n"
	       " was changed)\n");
	if (o->goal != WHATIF_GOAL_NONE) {
		if (pick < 0) {
			printf("goal %s: %s\n", whatif_goal_name(o->goal), why);
		} else {
			const struct whatif_result *r = &ps->r[pick];
			char set[64];

			coal_setting_str(&ps->p[pick].want, set, sizeof(set));
			printf("goal %s%s: %s (gamma %.0f pps, %.0f-%.0f over the observed intervals; %.1f%% CPU, %.0f-%.0f; p99 %.0f us, %.0f-%.0f)\n",
			       whatif_goal_name(o->goal), o->goal == WHATIF_GOAL_CPU ? " within the latency bound" : "", set,
			       whatif_judged(r)->gamma_pps, r->gamma_lo, r->gamma_hi, whatif_judged(r)->cpu_intr_pct, r->cpu_lo, r->cpu_hi,
			       whatif_judged(r)->latency_p99_us, r->p99_lo, r->p99_hi);
		}
	}
}

static void print_json(const struct predict_state *ps, int pick, const char *why)
{
	const struct sweep_opts *o = ps->o;
	const struct cmp_stat *m = ps->run.m;
	struct json j;

	json_begin(&j, stdout);
	json_bool(&j, "predict", true);
	json_str(&j, "device", ps->rec.device[0] ? ps->rec.device : o->ifname);
	json_str(&j, "driver", ps->driver);
	json_str(&j, "timer", coal_timer_name(coal_timer_of(ps->driver)));
	json_str(&j, "observation", ps->record);
	json_obj(&j, "original");
	json_u64(&j, "rx_usecs", ps->orig.rx_coalesce_usecs);
	json_u64(&j, "rx_frames", ps->orig.rx_max_coalesced_frames);
	json_bool(&j, "adaptive_rx", ps->orig.use_adaptive_rx_coalesce);
	json_obj_end(&j);
	json_obj(&j, "observed");
	json_dbl(&j, "lambda_pps", ps->have_run ? m[CMP_LAMBDA].mean : ps->rec.lambda_pps);
	json_dbl(&j, "observed_pps", ps->have_run ? m[CMP_OBSERVED].mean : ps->rec.observed_pps);
	json_dbl(&j, "irqs_per_s", ps->have_run ? m[CMP_IRQS_PS].mean : NAN);
	json_dbl(&j, "irq_share_pct", ps->have_run ? m[CMP_IRQ_SHARE].mean : NAN);
	json_u64(&j, "intervals", ps->rec.busy);
	json_obj_end(&j);
	fc_costs_json(&j, "costs", &ps->rec.costs);
	json_str(&j, "costs_from", ps->rec.costs_from);
	json_dbl(&j, "rate_pps", o->rate_pps > 0 ? o->rate_pps : NAN);
	json_bool(&j, "changed", false);
	json_arr(&j, "settings");
	for (int i = 0; i < ps->n; i++) {
		json_obj(&j, NULL);
		json_obj(&j, "requested");
		if (ps->p[i].want.has_usecs)
			json_u64(&j, "rx_usecs", ps->p[i].want.rx_usecs);
		if (ps->p[i].want.has_frames)
			json_u64(&j, "rx_frames", ps->p[i].want.rx_frames);
		if (ps->p[i].want.has_adaptive)
			json_bool(&j, "adaptive_rx", ps->p[i].want.adaptive_rx);
		json_obj_end(&j);
		whatif_json(&j, "forecast", &ps->r[i]);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj(&j, "recommendation");
	json_str(&j, "goal", whatif_goal_name(o->goal));
	json_dbl(&j, "latency_bound_us", o->goal == WHATIF_GOAL_CPU ? o->bound_us : NAN);
	if (pick >= 0)
		json_u64(&j, "setting", (uint64_t)pick);
	else
		json_null(&j, "setting");
	json_str(&j, "why_none", pick < 0 && o->goal != WHATIF_GOAL_NONE ? why : NULL);
	json_obj_end(&j);
	json_end(&j);
}

int sweep_predict(const struct sweep_opts *o)
{
	static struct predict_state ps;
	struct whatif_obs ob;
	const char *why = NULL;
	int rc, pick = -1;

	memset(&ps, 0, sizeof(ps));
	ps.o = o;
	/* a --from record is read first: its device and settings stand in for an absent IFACE */
	if (o->from && fc_record_load(o->from, &ps.rec, stderr))
		return LT_EXIT_ENV;
	rc = original_settings(&ps);
	if (!rc)
		rc = observe(&ps);
	if (rc)
		return rc;
	ps.n = sweep_build_points(o, ps.p);
	ob = (struct whatif_obs){ .costs = ps.rec.costs, .samples = ps.rec.samples, .n_samples = ps.rec.n_samples,
				  .driver = ps.driver, .lambda_pps = ps.rec.lambda_pps, .irqs_pps = ps.rec.irqs_pps,
				  .polls_pps = ps.rec.polls_pps,
				  .dynamic = !ps.orig.use_adaptive_rx_coalesce &&
					     coal_usecs_note(ps.driver, ps.orig.rx_coalesce_usecs),
				  .rate_pps = o->rate_pps > 0 ? o->rate_pps : NAN };
	for (int i = 0; i < ps.n; i++)
		whatif_forecast(&ob, &ps.orig, &ps.p[i].want, &ps.r[i]);
	if (o->goal != WHATIF_GOAL_NONE)
		pick = whatif_recommend(ps.r, ps.n, o->goal, o->bound_us, &why);
	if (o->json)
		print_json(&ps, pick, why);
	else
		print_table(&ps, pick, why);
	if (o->latency_plot) {
		char title[160];

		for (int i = 0; i < ps.n; i++)	/* forecast only: nothing measured (busy false) */
			ps.p[i].fc = ps.r[i];
		snprintf(title, sizeof(title), "%s (%s): coalescing forecast at %.0f pps, nothing changed",
			 ps.rec.device[0] ? ps.rec.device : o->ifname ? o->ifname : "-", ps.driver,
			 ps.n ? whatif_judged(&ps.r[0])->lambda_pps : ps.rec.lambda_pps);
		rc = sweep_latency_plot(o->latency_plot, title, ps.p, ps.n);
		if (rc)
			return rc;
	}
	if (fflush(stdout) || ferror(stdout)) {
		cli_err("sweep: cannot write the forecast: %s", strerror(errno));
		return LT_EXIT_ENV;
	}
	return LT_EXIT_OK;
}
