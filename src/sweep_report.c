// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The sweep's results: each measured setting against the previous one while
 * it runs, then the predictions from the least coalesced setting, the table
 * or the JSON object, and compare's report of the measured runs.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "commands.h"
#include "compare.h"
#include "compare_report.h"
#include "forecast_record.h"
#include "json.h"
#include "sweep.h"
#include "whatif.h"

void sweep_fmt(char *buf, size_t len, double v, const char *f)
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

/* A row's first cell: the setting asked for, what read back in brackets. */
static void point_label(const struct sweep_point *q, char *buf, size_t len)
{
	char set[96], rb[64] = "";
	size_t k = 0;

	coal_setting_str(&q->want, set, sizeof(set));
	if (q->want.has_usecs)
		k += snprintf(rb + k, sizeof(rb) - k, "%u", q->rb.rx_coalesce_usecs);
	if (q->want.has_defer && k < sizeof(rb))
		k += snprintf(rb + k, sizeof(rb) - k, "%s%llu", k ? ", " : "",
			      (unsigned long long)q->rb_napi.defer_hard_irqs);
	if (q->want.has_gro_flush && k < sizeof(rb))
		snprintf(rb + k, sizeof(rb) - k, "%s%llu", k ? ", " : "",
			 (unsigned long long)q->rb_napi.gro_flush_ns);
	snprintf(buf, len, rb[0] ? "%s (%s)" : "%s", set, rb);
}

static void print_table(const struct sweep_point *p, int n)
{
	bool napi = false;	/* a sweep of NAPI's deferral: its polls beside the interrupts */
	int w = 34;		/* the first column: as wide as the widest setting */
	char label[160];

	for (int i = 0; i < n; i++) {
		napi |= coal_setting_napi(&p[i].want);
		point_label(&p[i], label, sizeof(label));
		if ((int)strlen(label) > w)
			w = (int)strlen(label);
	}
	printf("%-*s %-5s %9s %9s %9s %8s %8s %8s %8s %7s %7s %9s", w, "setting (read back)", "taken", "lambda/s",
	       "obs/s", "pred/s", "irq/pkt", "  pred", "pkt/irq", "  pred", "irq%", " pred", "gamma_pr");
	printf(napi ? " %8s %8s %7s\n" : "\n", "polls/s", "  pred", "empty%");
	for (int i = 0; i < n; i++) {
		const struct sweep_point *q = &p[i];
		const struct cmp_stat *m = q->run.m;
		char c[10][24];

		point_label(q, label, sizeof(label));
		sweep_fmt(c[0], 24, q->busy ? m[CMP_LAMBDA].mean : NAN, "%.0f");
		sweep_fmt(c[1], 24, q->busy ? m[CMP_OBSERVED].mean : NAN, "%.0f");
		sweep_fmt(c[2], 24, q->busy ? m[CMP_PREDICTED].mean : NAN, "%.0f");
		sweep_fmt(c[3], 24, q->busy ? m[CMP_IRQS_PKT].mean : NAN, "%.4f");
		sweep_fmt(c[4], 24, q->pred.irqs_per_pkt, "%.4f");
		sweep_fmt(c[5], 24, q->busy && m[CMP_IRQS_PKT].mean > 0 ? 1 / m[CMP_IRQS_PKT].mean : NAN, "%.1f");
		sweep_fmt(c[6], 24, q->pred.pkts_per_irq, "%.1f");
		sweep_fmt(c[7], 24, q->busy ? m[CMP_IRQ_SHARE].mean : NAN, "%.1f");
		sweep_fmt(c[8], 24, q->pred.irq_share_pct, "%.1f");
		sweep_fmt(c[9], 24, q->pred.gamma_pps, "%.0f");
		printf("%-*s %-5s %9s %9s %9s %8s %8s %8s %8s %7s %7s %9s", w, label,
		       q->taken ? "yes" : "NO", c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9]);
		if (napi) {
			sweep_fmt(c[0], 24, q->busy ? m[CMP_NAPI_POLLS].mean : NAN, "%.0f");
			sweep_fmt(c[1], 24, q->busy && q->fc.predicted ? q->fc.now.polls_pps : NAN, "%.0f");
			sweep_fmt(c[2], 24, q->busy ? m[CMP_EMPTY_POLL_CPU].mean : NAN, "%.1f");
			printf(" %8s %8s %7s", c[0], c[1], c[2]);
		}
		printf("\n");
	}
	printf("(pred/s: the model fitted in that setting; the other pred columns: forecast from the first\n"
	       " setting's record with each setting's interrupt cap, at its measured load; see --help)\n");
	if (napi)
		printf("(polls/s: the device's NAPI polls, those that found nothing too; empty%%: CPU in the NET_RX\n"
		       " runs that polled it and found nothing, a part of irq%%)\n");
	printf("\n");
}

/* One setting of the JSON object: requested, read back, measured, predicted. */
static void json_point(struct json *j, const struct sweep_point *q, int i)
{
	const struct cmp_stat *m = q->run.m;
	double nan = NAN;

	json_obj(j, NULL);
	json_obj(j, "requested");
	if (q->want.has_usecs)
		json_u64(j, "rx_usecs", q->want.rx_usecs);
	if (q->want.has_frames)
		json_u64(j, "rx_frames", q->want.rx_frames);
	if (q->want.has_adaptive)
		json_bool(j, "adaptive_rx", q->want.adaptive_rx);
	if (q->want.has_defer)
		json_u64(j, "defer_hard_irqs", q->want.defer_hard_irqs);
	if (q->want.has_gro_flush)
		json_u64(j, "gro_flush_timeout_ns", q->want.gro_flush_ns);
	json_obj_end(j);
	json_obj(j, "read_back");
	if (coal_setting_params(&q->want)) {
		json_u64(j, "rx_usecs", q->rb.rx_coalesce_usecs);
		json_u64(j, "rx_frames", q->rb.rx_max_coalesced_frames);
		json_bool(j, "adaptive_rx", q->rb.use_adaptive_rx_coalesce);
	}
	if (coal_setting_napi(&q->want)) {
		json_u64(j, "defer_hard_irqs", q->rb_napi.defer_hard_irqs);
		json_u64(j, "gro_flush_timeout_ns", q->rb_napi.gro_flush_ns);
	}
	json_obj_end(j);
	json_bool(j, "taken", q->taken);
	json_str(j, "not_taken_why", q->taken ? NULL : q->why);
	json_str(j, "record", q->measured ? q->record : NULL);
	json_bool(j, "busy", q->busy);
	json_obj(j, "measured");
	json_dbl(j, "lambda_pps", q->busy ? m[CMP_LAMBDA].mean : nan);
	json_dbl(j, "observed_pps", q->busy ? m[CMP_OBSERVED].mean : nan);
	json_dbl(j, "observed_sd_pps", q->busy ? m[CMP_OBSERVED].sd : nan);
	json_dbl(j, "predicted_pps", q->busy ? m[CMP_PREDICTED].mean : nan);
	json_dbl(j, "irqs_per_s", q->busy ? m[CMP_IRQS_PS].mean : nan);
	json_dbl(j, "irqs_per_pkt", q->busy ? m[CMP_IRQS_PKT].mean : nan);
	json_dbl(j, "irqs_per_pkt_sd", q->busy ? m[CMP_IRQS_PKT].sd : nan);
	json_dbl(j, "batch_mean", q->busy ? m[CMP_BATCH].mean : nan);
	json_dbl(j, "irq_share_pct", q->busy ? m[CMP_IRQ_SHARE].mean : nan);
	/* with "-- --latency": from netif_receive_skb on (the NIC's own wait is not seen) */
	json_dbl(j, "latency_stack_p99_us", q->busy ? m[CMP_LAT_STACK_P99].mean : nan);
	json_dbl(j, "latency_read_p99_us", q->busy ? m[CMP_LAT_READ_P99].mean : nan);
	json_dbl(j, "latency_seen_p99_us", q->busy ? sweep_seen_p99_us(&q->run) : nan);
	json_dbl(j, "latency_run_p99_us", q->busy ? m[CMP_LAT_RUN_P99].mean : nan);
	json_dbl(j, "ksoftirqd_pct", q->busy ? m[CMP_KSOFTIRQD].mean : nan);
	json_dbl(j, "app_wakeups_per_s", q->busy ? m[CMP_APP_WAKEUPS].mean : nan);
	json_dbl(j, "napi_polls_per_s", q->busy ? m[CMP_NAPI_POLLS].mean : nan);
	json_dbl(j, "empty_poll_cpu_pct", q->busy ? m[CMP_EMPTY_POLL_CPU].mean : nan);
	json_obj_end(j);
	json_str(j, "irqs_per_pkt_vs_previous", i ? moved_word(q->moved) : NULL);
	json_obj(j, "predicted");
	json_dbl(j, "irqs_per_pkt_cap", q->cap);
	json_dbl(j, "irqs_per_pkt", q->pred.irqs_per_pkt);
	json_dbl(j, "pkts_per_irq", q->pred.pkts_per_irq);
	json_dbl(j, "irq_share_pct", q->pred.irq_share_pct);
	json_dbl(j, "gamma_pps", q->pred.gamma_pps);
	json_obj_end(j);
	if (q->busy && q->fc_ref >= 0) {
		json_u64(j, "forecast_from_setting", (uint64_t)q->fc_ref);
		whatif_json(j, "forecast", &q->fc);
	}
	json_obj_end(j);
}

/* Written only after a complete sweep: the original is restored, no signal came. */
static void print_json(const struct sweep_opts *o, const char *driver, const struct coal_saved *orig,
		       const struct sweep_point *p, int n, const char *dir)
{
	struct json j;

	json_begin(&j, stdout);
	json_bool(&j, "sweep", true);
	json_str(&j, "device", o->ifname);
	json_str(&j, "driver", driver);
	json_dbl(&j, "per_s", o->per_s);
	json_str(&j, "record_dir", dir);
	json_obj(&j, "original");
	if (orig->has_ec) {
		json_u64(&j, "rx_usecs", orig->ec.rx_coalesce_usecs);
		json_u64(&j, "rx_frames", orig->ec.rx_max_coalesced_frames);
		json_bool(&j, "adaptive_rx", orig->ec.use_adaptive_rx_coalesce);
	}
	if (orig->has_napi) {
		json_u64(&j, "defer_hard_irqs", orig->napi.defer_hard_irqs);
		json_u64(&j, "gro_flush_timeout_ns", orig->napi.gro_flush_ns);
	}
	json_obj_end(&j);
	json_bool(&j, "restored", true);
	json_str(&j, "interrupted_by", NULL);
	json_arr(&j, "settings");
	for (int i = 0; i < n; i++)
		json_point(&j, &p[i], i);
	json_arr_end(&j);
	json_end(&j);
}

void sweep_assess(struct sweep_point *p, int i, const char *driver)
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
		cli_err("sweep: [%d] %s: no interval with traffic: nothing measured (offer load while sweeping)",
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
		cli_err("sweep: [%d] %s: %.0f pps offered, %.0f delivered, %.4f interrupts/packet (%s than [%d]: %.4f)",
			i + 1, set, q->run.m[CMP_LAMBDA].mean, q->run.m[CMP_OBSERVED].mean, q->run.m[CMP_IRQS_PKT].mean,
			q->moved == 0 ? "no different" : moved_word(q->moved), k + 1, p[k].run.m[CMP_IRQS_PKT].mean);
		q->prev = k;
		return;
	}
	cli_err("sweep: [%d] %s: %.0f pps offered, %.0f delivered, %.4f interrupts/packet", i + 1,
		set, q->run.m[CMP_LAMBDA].mean, q->run.m[CMP_OBSERVED].mean, q->run.m[CMP_IRQS_PKT].mean);
}

/*
 * Forecasts from the first measured setting's record (whatif.h): every
 * other setting is then out of sample.  Each at its own measured load.
 */
static void predict(struct sweep_point *p, int n, const char *driver)
{
	static struct fc_record rec;
	int ref = -1;

	for (int i = 0; i < n && ref < 0; i++)
		if (p[i].busy && p[i].measured && !fc_record_load(p[i].record, &rec, stderr) && rec.have_costs)
			ref = i;
	if (ref < 0)
		return;
	for (int i = 0; i < n; i++) {
		struct whatif_obs ob = { .costs = rec.costs, .samples = rec.samples, .n_samples = rec.n_samples,
					 .driver = driver, .lambda_pps = p[i].run.m[CMP_LAMBDA].mean, .rate_pps = NAN,
					 .irqs_pps = p[ref].run.m[CMP_IRQS_PS].mean,
					 .polls_pps = p[ref].run.m[CMP_NAPI_POLLS].mean,
					 .dynamic = !p[ref].rb.use_adaptive_rx_coalesce &&
						    coal_usecs_note(driver, p[ref].rb.rx_coalesce_usecs) };
		struct whatif_result *r = &p[i].fc;
		double lam = ob.lambda_pps;

		if (!p[i].busy)
			continue;
		whatif_forecast(&ob, &p[ref].rb, &p[i].want, r);
		p[i].fc_ref = ref;
		if (!r->predicted)
			continue;
		p[i].pred.irqs_per_pkt = lam > 0 ? r->now.irqs_pps / lam : NAN;
		p[i].pred.pkts_per_irq = r->now.pkts_per_irq;
		p[i].pred.irq_share_pct = r->now.cpu_intr_pct;
		p[i].pred.gamma_pps = r->now.gamma_pps;
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
		/* a device without interrupts of its own (veth): none to move */
		if (!(q->run.m[CMP_IRQS_PS].mean > 0) && !(r->run.m[CMP_IRQS_PS].mean > 0))
			continue;
		if (!isfinite(q->pred.irqs_per_pkt) || !isfinite(r->pred.irqs_per_pkt) ||
		    fabs(q->pred.irqs_per_pkt - r->pred.irqs_per_pkt) <= SWEEP_MOVE_FRAC * r->pred.irqs_per_pkt)
			continue;
		coal_setting_str(&q->want, set, sizeof(set));
		cli_err("sweep: [%d] %s: interrupts per packet did not move beyond the noise (%.4f -> %.4f) although the setting should take them to %.4f: the NIC may ignore it",
			i + 1, set, r->run.m[CMP_IRQS_PKT].mean, q->run.m[CMP_IRQS_PKT].mean, q->pred.irqs_per_pkt);
		bad++;
	}
	return bad;
}

/*
 * --goal on a measured sweep: the setting the forecast picks (whatif.h),
 * with the forecast's spread and what was measured in it, on stderr so the
 * table and JSON on stdout stay as they are.
 */
static void recommend(const struct sweep_opts *o, const struct sweep_point *p, int n)
{
	struct whatif_result r[CMP_MAX_RUNS];
	const char *why;
	char set[64];
	int pick;

	if (o->goal == WHATIF_GOAL_NONE)
		return;
	for (int i = 0; i < n; i++)
		r[i] = p[i].fc;
	pick = whatif_recommend(r, n, o->goal, o->bound_us, &why);
	if (pick < 0) {
		cli_err("sweep: goal %s: %s", whatif_goal_name(o->goal), why);
		return;
	}
	coal_setting_str(&p[pick].want, set, sizeof(set));
	cli_err("sweep: goal %s: %s: forecast gamma %.0f pps (%.0f-%.0f), %.1f%% CPU at interrupt priority (%.1f-%.1f), p99 %.0f us; measured %.0f pps, %.1f%% CPU",
		whatif_goal_name(o->goal), set, r[pick].now.gamma_pps, r[pick].gamma_lo, r[pick].gamma_hi,
		r[pick].now.cpu_intr_pct, r[pick].cpu_lo, r[pick].cpu_hi, r[pick].now.latency_p99_us,
		p[pick].run.m[CMP_OBSERVED].mean, p[pick].run.m[CMP_IRQ_SHARE].mean);
}

int sweep_report(const struct sweep_opts *o, const char *driver, const struct coal_saved *orig,
		 struct sweep_point *p, int n, const char *dir)
{
	struct cmp_run runs[CMP_MAX_RUNS];
	int m = 0;

	predict(p, n, driver);
	flag_ignored(p, n);
	if (o->json)
		print_json(o, driver, orig, p, n, dir);
	else
		print_table(p, n);
	recommend(o, p, n);
	if (o->latency_plot) {
		char title[160];
		int rc;

		snprintf(title, sizeof(title), "%s (%s): coalescing, forecast from setting %d and measured",
			 o->ifname, driver, n && p[0].fc_ref >= 0 ? p[0].fc_ref : 0);
		rc = sweep_latency_plot(o->latency_plot, title, p, n);
		if (rc)
			return rc;
	}
	for (int i = 0; i < n; i++)
		if (p[i].busy)
			runs[m++] = p[i].run;
	if (m >= 2)
		return compare_report(runs, m, o->json, o->plot);
	cli_err("sweep: fewer than two settings had traffic: no comparison");
	return LT_EXIT_OK;
}
