// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <time.h>
#include "cli.h"
#include "json.h"
#include "raw_view.h"

/* A counter of the list as JSON: integers as integers. */
#define JSON_NUM(j, key, v) _Generic((v), double: json_dbl, default: json_u64)(j, key, v)

void raw_view_json_fields(struct json *j, const struct lt_sample *s)
{
	if (s->xdp_valid)
		json_u64(j, "xdp_packets", s->xdp_packets);
	else
		json_null(j, "xdp_packets");
#define X(field, type, key, doc) if ((key)[0]) JSON_NUM(j, key, s->field);
	LT_COUNTERS(X)
#undef X
	json_u64(j, "app_ns_total", s->app_ns);
	json_u64(j, "app_packets", s->app_timed);
	json_u64(j, "app_threads", s->app_threads);
	json_u64(j, "irqs", s->irqs);
	json_u64(j, "irqs_none", s->irqs_none);
	json_u64(j, "isr_ns_total", s->isr_ns);
	json_u64(j, "softirqs", s->softirqs);
	json_u64(j, "softirq_ns_total", s->softirq_ns);
	json_u64(j, "softirq_packets", s->softirq_packets);
	json_dbl(j, "app_oncpu_ns_total", s->app_oncpu_ns);
	json_dbl(j, "app_oncpu_rx_ns_total", s->app_oncpu_rx_ns);
	json_dbl(j, "app_oncpu_other_ns_total", s->app_oncpu_other_ns);
	json_arr(j, "irqs_by_irq");
	for (int i = 0; i < s->n_irq; i++) {
		json_obj(j, NULL);
		json_u64(j, "irq", s->irq_num[i]);
		json_u64(j, "irqs", s->irq_count[i]);
		json_u64(j, "irqs_none", s->irq_none[i]);
		json_u64(j, "isr_ns_total", s->irq_ns[i]);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_arr(j, "napi_by_instance");
	for (int i = 0; i < s->n_napi; i++) {
		json_obj(j, NULL);
		json_u64(j, "napi_id", s->napi_id[i]);
		json_u64(j, "polls", s->napi_inst_polls[i]);
		json_u64(j, "packets", s->napi_inst_packets[i]);
		json_u64(j, "budget_full", s->napi_inst_full[i]);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_arr(j, "softirq_by_cpu");
	for (int c = 0; c < s->n_cpu; c++) {
		if (!s->cpu[c].softirqs)
			continue;
		json_obj(j, NULL);
		json_u64(j, "cpu", c);
		json_u64(j, "softirqs", s->cpu[c].softirqs);
		json_u64(j, "softirq_ns_total", s->cpu[c].softirq_ns);
		json_u64(j, "softirq_packets", s->cpu[c].softirq_packets);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj(j, "drops");
	json_u64(j, "nic", s->drops_nic);
	json_u64(j, "backlog", s->drops_backlog);
	json_u64(j, "socket", s->drops_socket);
	json_u64(j, "other", s->drops_other);
	json_obj_end(j);
#define X(field, slots, key, doc)					\
	json_arr(j, key);						\
	for (int i = 0; i < (slots); i++)				\
		json_u64(j, NULL, s->field[i]);				\
	json_arr_end(j);
	LT_HISTS(X)
#undef X
}

static void print_json(FILE *f, const struct lt_sample *s)
{
	struct json j;

	json_begin(&j, f);
	json_dblp(&j, "interval_s", s->interval_s, 6);
	raw_view_json_fields(&j, s);
	json_end(&j);
}

static double per_s(uint64_t v, double dt)
{
	return dt > 0 ? v / dt : 0;
}

void raw_view_interval(FILE *f, bool json, unsigned long line, double interval_s,
		       const struct lt_sample *s)
{
	int dec = cli_stamp_decimals(interval_s), w = cli_stamp_width(dec);
	char ts[24];

	if (json) {
		print_json(f, s);
		return;
	}
	if (line % RAW_VIEW_HEADER_EVERY == 0)
		fprintf(f, "%-*s %10s %10s %9s %9s %11s %9s %11s %8s %8s %8s %8s\n",
			w, "time", "stack/s", "deliv/s", "irqs/s", "isr_us", "polls/s", "pkt/poll",
			"sirq_us/pk", "drp_nic", "drp_blog", "drp_sock", "drp_oth");
	fprintf(f, "%-*s %10.0f %10.0f %9.0f", w, cli_stamp(ts, sizeof(ts), dec), per_s(s->stack_packets, s->interval_s),
		per_s(s->delivered_packets, s->interval_s), per_s(s->irqs, s->interval_s));
	if (s->irqs)
		fprintf(f, " %9.2f", s->isr_ns / 1e3 / s->irqs);
	else
		fprintf(f, " %9s", "-");
	fprintf(f, " %11.0f", per_s(s->napi_polls, s->interval_s));
	if (s->napi_polls)
		fprintf(f, " %9.2f", (double)s->napi_packets / s->napi_polls);
	else
		fprintf(f, " %9s", "-");
	if (s->softirq_packets)
		fprintf(f, " %11.2f", s->softirq_ns / 1e3 / s->softirq_packets);
	else
		fprintf(f, " %11s", "-");
	fprintf(f, " %8llu %8llu %8llu %8llu\n", (unsigned long long)s->drops_nic,
		(unsigned long long)s->drops_backlog, (unsigned long long)s->drops_socket,
		(unsigned long long)s->drops_other);
	fflush(f);
}
