// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The live view: JSON lines of a busy and an idle interval, the table, the summary. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "json.h"
#include "json_read.h"
#include "live_view.h"
#include "raw_view.h"
#include "record.h"

static const char *const required[] = {
	"\"lambda_pps\":", "\"observed_pps\":", "\"predicted_pps\":", "\"error_pct\":",
	"\"isr_us\":", "\"copy_us\":", "\"proto_us\":", "\"batch_mean\":", "\"buffer\":",
	"\"cpu_avail\":", "\"model\":", "\"livelock_pps\":", "\"mlfrr_pps\":", "\"drops\":{",
	"\"nic\":", "\"backlog\":", "\"socket\":", "\"other\":", "\"state\":", "\"interval_s\":",
	"\"irqs_per_s\":", "\"copy_r2\":", "\"scv_arrival\":", "\"scv_service\":",
	"\"probe_cost_subtracted_ns\":",
};

static void fit_add(struct lt_fit_sums *f, double x, double y)
{
	f->n++; f->sx += x; f->sy += y; f->sxx += x * x; f->sxy += x * y; f->syy += y * y;
}

/* NAPI: 2000 softirq runs of 1..16 packets at 4 us + 1.5 us/pkt, some drops. */
static void busy_sample(struct lt_sample *s)
{
	memset(s, 0, sizeof(*s));
	s->interval_s = 1;
	for (int i = 0; i < 2000; i++) {
		double x = 1 + i % 16, y = 4000 + 1500 * x + (i % 7) * 50;

		fit_add(&s->softirq_fit, x, y);
		s->softirqs++;
		s->softirq_ns += (uint64_t)y;
		s->softirq_packets += (uint64_t)x;
		s->napi_polls++;
		s->napi_packets += (uint64_t)x;
		s->batch_hist[(int)x]++;
		if (i % 4 == 0) {
			fit_add(&s->isr_fit, 0, 1800 + i % 5 * 100);
			s->irqs++;
			s->isr_ns += 1800 + i % 5 * 100;
			s->isr_ns_sq += (1800.0 + i % 5 * 100) * (1800.0 + i % 5 * 100);
			s->isr_hist[10]++;
		}
	}
	s->stack_packets = s->stack_timed = s->softirq_packets;
	s->stack_ns = s->stack_packets * 1200;
	s->stack_ns_sq = s->stack_packets * 2 * 1200.0 * 1200.0;
	s->delivered_packets = s->stack_packets - 300;
	s->drops_socket = 300;
	/* a reader: 9 us a datagram, 20 us a wakeup, 100 wakeups */
	s->app_reads = s->app_timed = s->delivered_packets;
	s->app_gap_n = s->app_reads;
	s->app_gap_ns = s->app_gap_n * 9000;
	s->app_sleeps = 100;
	s->app_ns = s->app_reads * 9000 + 100 * 20000;
	s->app_oncpu_ns = s->app_oncpu_rx_ns = (double)s->app_ns;
	s->iat_n = (double)s->stack_packets;
	s->iat_ns = 1e9;
	s->iat_ns_sq = 2 * 1e18 / s->iat_n;
	s->probe_ns_per_irq = 300;
	s->probe_ns_per_packet = 150;
}

static struct nic_info nic(void)
{
	struct nic_info n = { .name = "eth9", .driver = "e1000", .bus_info = "0000:00:03.0",
			      .rx_queues = 1, .tx_queues = 1, .rx_ring = 256, .rx_ring_max = 4096,
			      .n_irqs = 1, .n_rx_irqs = 1 };

	n.coalesce.supported = true;
	n.coalesce.rx_usecs = 3;
	n.irqs[0].irq = 11;
	strcpy(n.irqs[0].name, "eth9");
	return n;
}

static double render_interval_s;	/* the INTERVAL the view is told, 0: not told */

static char *render_opts(bool json, bool per_cpu, const struct lt_sample *samples, int n,
			 bool summary)
{
	struct live_view_opts o = { .json = json, .per_cpu = per_cpu, .est = { .window = 3 },
				    .interval_s = render_interval_s };
	struct estimator *est = estimator_new(&o.est, 256);
	struct nic_info ni = nic();
	struct live_view v;
	struct estimate e;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_non_null(est);
	live_view_init(&v, f, &o);
	assert_false(v.color);	/* not a tty */
	live_view_header(f, &v, &ni);
	for (int i = 0; i < n; i++) {
		estimator_update(est, &samples[i], &e);
		live_view_interval(f, &v, &samples[i], &e);
		if (json)
			record_write_interval(f, &v, &samples[i], &e);
	}
	if (summary) {
		struct live_run run;

		run.valid = estimator_run_forecast(est, &run.p, &run.fs);
		if (json)
			record_write_summary(f, &v, &ni, &run);
		else
			live_view_summary(f, &v, &ni, &run);
	}
	fclose(f);
	estimator_free(est);
	return buf;
}

static char *render(bool json, const struct lt_sample *samples, int n, bool summary)
{
	return render_opts(json, false, samples, n, summary);
}

static void assert_clean_json_line(const char *line)
{
	assert_true(line[0] == '{');
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (!strstr(line, required[i]))
			fail_msg("missing %s in %s", required[i], line);
	/* no nan/inf anywhere, whatever the case */
	for (const char *p = line; *p; p++) {
		char w[4] = { (char)tolower((unsigned char)p[0]), 0 };

		if (p[1] && p[2]) {
			w[1] = (char)tolower((unsigned char)p[1]);
			w[2] = (char)tolower((unsigned char)p[2]);
		}
		if (!strcmp(w, "nan") || !strcmp(w, "inf"))
			fail_msg("non-finite number in %s", line);
	}
}

static void test_json_busy(void **state)
{
	struct lt_sample s[2];
	char *out, *nl;
	(void)state;
	busy_sample(&s[0]);
	busy_sample(&s[1]);
	out = render(true, s, 2, false);
	nl = strchr(out, '\n');
	assert_non_null(nl);
	*nl = '\0';
	assert_clean_json_line(out);
	assert_clean_json_line(nl + 1);
	assert_non_null(strstr(nl + 1, "\"model\":\"nodma\""));
	assert_non_null(strstr(nl + 1, "\"mapping\":\"softirq\""));
	assert_null(strstr(nl + 1, "\"predicted_pps\":null"));
	assert_null(strstr(nl + 1, "\"capacity_pps\":null"));
	assert_non_null(strstr(nl + 1, "\"app_dgram_us\":9,"));
	assert_non_null(strstr(nl + 1, "\"app_wakeup_us\":20,"));
	assert_non_null(strstr(nl + 1, "\"app_dgram\":\"gaps\""));
	assert_null(strstr(nl + 1, "\"copy_r2\":null"));
	assert_non_null(strstr(nl + 1, "\"socket\":300"));
	assert_null(strstr(nl + 1, "\"probe_cost_subtracted_ns\":0,"));
	assert_non_null(strstr(nl + 1, "\"state\":\"saturated\""));	/* 300 of 17300 dropped */
	free(out);
}

static void test_json_idle(void **state)
{
	struct lt_sample s = { .interval_s = 1, .probe_ns_per_irq = -1, .probe_ns_per_packet = -1 };
	char *out;
	(void)state;
	out = render(true, &s, 1, false);
	assert_int_equal(strchr(out, '\n') - out + 1, (long)strlen(out));	/* one line */
	assert_clean_json_line(out);
	assert_non_null(strstr(out, "\"predicted_pps\":null"));
	assert_non_null(strstr(out, "\"isr_us\":null"));
	assert_non_null(strstr(out, "\"model\":null"));
	assert_non_null(strstr(out, "\"state\":\"idle\""));
	assert_non_null(strstr(out, "\"lambda_pps\":0.0"));
	free(out);
}

static void test_table_and_summary(void **state)
{
	struct lt_sample s[3] = { { .interval_s = 1, .probe_ns_per_irq = -1, .probe_ns_per_packet = -1 } };
	char *out;
	(void)state;
	busy_sample(&s[1]);
	busy_sample(&s[2]);
	out = render(false, s, 3, true);
	assert_non_null(strstr(out, "# eth9: driver e1000 at 0000:00:03.0, 1 IRQ: 11 eth9"));
	assert_non_null(strstr(out, "rx ring 256 (max 4096)"));
	assert_non_null(strstr(out, "# mapping softirq"));
	assert_non_null(strstr(out, "# model nodma: NET_RX softirq grows"));
	assert_non_null(strstr(out, "lambda/s"));
	assert_non_null(strstr(out, " idle\n"));
	assert_non_null(strstr(out, " saturated\n"));
	assert_non_null(strstr(out, "Summary of eth9: 3 intervals, 2 with traffic"));
	assert_non_null(strstr(out, "forecast (every interval with traffic pooled): capacity "));
	assert_non_null(strstr(out, "(MLFRR)"));
	assert_non_null(strstr(out, "costs: hard IRQ "));
	assert_non_null(strstr(out, "worst steady interval"));
	assert_non_null(strstr(out, "steady intervals: "));
	assert_non_null(strstr(out, "|####"));
	assert_null(strstr(out, "nan"));
	assert_null(strstr(out, "inf "));
	free(out);
}

static int count_lines(const char *out, const char *prefix)
{
	int n = 0;

	for (const char *p = out; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		n += !strncmp(p, prefix, strlen(prefix));
	return n;
}

/* The column header: at the top, then once after each "# model" line, never twice in a row. */
static void test_header_once_after_model_line(void **state)
{
	struct lt_sample s[4] = { { .interval_s = 1, .probe_ns_per_irq = -1, .probe_ns_per_packet = -1 } };
	const char *m;
	char *out;
	(void)state;
	busy_sample(&s[1]);
	busy_sample(&s[2]);
	busy_sample(&s[3]);
	out = render(false, s, 4, false);
	assert_int_equal(count_lines(out, "# model "), 1);
	assert_int_equal(count_lines(out, "time "), 2);
	m = strstr(out, "# model ");
	m = strchr(m, '\n') + 1;
	assert_int_equal(strncmp(m, "time ", 5), 0);
	m = strchr(m, '\n') + 1;
	assert_true(m[0] >= '0' && m[0] <= '9');	/* a data line follows the header */
	for (const char *p = out; (p = strstr(p, "\ntime ")); p++)
		assert_int_not_equal(strncmp(strchr(p + 1, '\n') + 1, "time ", 5), 0);
	free(out);
}

/* INTERVAL under 1 s: HH:MM:SS.d, the columns still aligned under the header. */
static void test_subsecond_timestamps(void **state)
{
	struct lt_sample s[2] = { { .interval_s = 0.5, .probe_ns_per_irq = -1, .probe_ns_per_packet = -1 },
				  { .interval_s = 0.5, .probe_ns_per_irq = -1, .probe_ns_per_packet = -1 } };
	const char *hdr, *line, *q;
	char *out;
	(void)state;
	render_interval_s = 0.5;
	out = render(false, s, 2, false);
	render_interval_s = 0;
	hdr = strstr(out, "time ");
	assert_non_null(hdr);
	line = strchr(hdr, '\n') + 1;
	assert_true(line[2] == ':' && line[5] == ':' && line[8] == '.' && line[9] >= '0' && line[9] <= '9');
	assert_true(line[10] == ' ');
	q = line + 10;	/* lambda/s right-aligned over its cell */
	while (*q == ' ')
		q++;
	while (*q && *q != ' ')
		q++;
	assert_int_equal(q - line, strstr(hdr, "lambda/s") + 8 - hdr);
	free(out);
	out = render(false, s, 1, false);	/* not told: whole seconds */
	line = strchr(strstr(out, "time "), '\n') + 1;
	assert_true(line[8] == ' ');
	free(out);
}

static void test_json_summary_clean(void **state)
{
	struct lt_sample s = { .interval_s = 1, .probe_ns_per_irq = -1, .probe_ns_per_packet = -1 };
	char *out, *last;
	(void)state;
	out = render(true, &s, 1, true);
	last = strstr(out, "{\"summary\":true");
	assert_non_null(last);
	assert_null(strstr(out, "nan"));
	assert_null(strstr(out, "inf"));
	free(out);
}

/*
 * Every counter of the one list with a key reaches the JSON with its own
 * value, every histogram of the list is an array of its slots, and the
 * numbers of the raw JSON are exactly the list's keys and the fields
 * written apart (raw_view.c).
 */
static void test_counters_in_json(void **state)
{
	static const char *const apart[] = {
		"xdp_packets", "app_ns_total", "app_packets", "app_threads", "irqs", "irqs_none",
		"isr_ns_total", "softirqs", "softirq_ns_total", "softirq_packets",
		"app_oncpu_ns_total", "app_oncpu_rx_ns_total", "app_oncpu_other_ns_total",
	};
	struct lt_sample smp = { .interval_s = 1 };
	uint64_t v = 1000;
	char *buf = NULL, *line = NULL;
	size_t len = 0, n = 0, keyed = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json j;
	struct jv *o;
	(void)state;
#define X(field, type, key, doc) smp.field = (type)v++;
	LT_COUNTERS(X)
#undef X
	json_begin(&j, f);
	raw_view_json_fields(&j, &smp);
	json_end(&j);
	fclose(f);
	o = jv_parse(buf);
	assert_non_null(o);
	v = 1000;
#define X(field, type, key, doc)						\
	if ((key)[0]) {								\
		assert_true(jv_num(o, key) == (double)v);			\
		keyed++;							\
	}									\
	v++; n++;
	LT_COUNTERS(X)
#undef X
#define X(field, slots, key, doc)						\
	{									\
		const struct jv *a = jv_get(o, key);				\
		size_t k = 0;							\
										\
		assert_non_null(a);						\
		for (const struct jv *e = a->child; e; e = e->next)		\
			k++;							\
		assert_int_equal(k, (slots));					\
	}
	LT_HISTS(X)
#undef X
	for (const struct jv *m = o->child; m; m = m->next) {
		bool known = false;

		if (m->type != JV_NUM && m->type != JV_NULL)
			continue;
#define X(field, type, k, doc) known |= (k)[0] && !strcmp(m->key, k);
		LT_COUNTERS(X)
#undef X
		for (size_t i = 0; i < sizeof(apart) / sizeof(apart[0]); i++)
			known |= !strcmp(m->key, apart[i]);
		if (!known)
			fail_msg("raw JSON key %s is neither in LT_COUNTERS nor written apart", m->key);
	}
	assert_true(keyed >= 24 && n >= keyed);
	jv_free(o);
	free(line);
	free(buf);
}

static void test_per_cpu(void **state)
{
	uint64_t runs[3] = { 1500, 0, 500 }, ns[3] = { 30000000, 0, 10000000 },
		 pkts[3] = { 12000, 0, 5300 };
	struct lt_sample s;
	char *out;
	(void)state;
	busy_sample(&s);
	s.n_cpu = 3;
	for (int c = 0; c < 3; c++)
		s.cpu[c] = (struct lt_cpu_rx){ runs[c], ns[c], pkts[c] };
	assert_int_equal(est_rx_cpus(&s), 2);
	out = render_opts(true, true, &s, 1, false);
	assert_clean_json_line(out);
	assert_non_null(strstr(out, "\"per_cpu\":[{\"cpu\":0,\"softirq_pps\":12000,\"softirq_share\":0.03,"));
	assert_non_null(strstr(out, "{\"cpu\":2,"));
	assert_null(strstr(out, "{\"cpu\":1,"));
	assert_non_null(strstr(out, "\"cpus\":2"));
	free(out);
	out = render_opts(false, true, &s, 1, false);
	assert_non_null(strstr(out, "cpu0        12000 pkt/s in NET_RX,   3.0% of the CPU, 2.50 us/pkt"));
	assert_non_null(strstr(out, "cpu2 "));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_busy),
		cmocka_unit_test(test_json_idle),
		cmocka_unit_test(test_table_and_summary),
		cmocka_unit_test(test_header_once_after_model_line),
		cmocka_unit_test(test_subsecond_timestamps),
		cmocka_unit_test(test_json_summary_clean),
		cmocka_unit_test(test_per_cpu),
		cmocka_unit_test(test_counters_in_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
