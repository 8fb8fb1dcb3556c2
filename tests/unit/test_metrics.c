// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The exporter's exposition: totals, scaling, histograms, formats, escaping, --listen. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include "metrics.h"

static struct metrics_nic *one_nic(void)
{
	struct metrics_nic *m = calloc(1, sizeof(*m));

	metrics_nic_init(m, "v0", "veth", NULL);
	return m;
}

static struct estimate some_estimate(void)
{
	struct estimate e;

	memset(&e, 0, sizeof(e));
	e.lambda_pps = 12000;
	e.mlfrr_pps = NAN;
	e.livelock_pps = INFINITY;
	e.load_pct = 85;
	e.state = EST_SATURATED;
	e.kind = MODEL_DMA;
	return e;
}

static char *render(struct metrics_nic *m, bool om)
{
	struct metrics_self self = { .interval_s = 1, .sampling_ratio = 0.1 };
	struct http_buf b = { 0 };

	metrics_render(&b, &m, 1, &self, om);
	assert_false(b.failed);
	return b.p;
}

static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; (p = strstr(p, line)); p += n)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return true;
	return false;
}

static void test_totals_scale_and_accumulate(void **state)
{
	struct metrics_nic *m = one_nic();
	struct estimate e = some_estimate();
	struct lt_sample s;
	char *t;
	(void)state;
	memset(&s, 0, sizeof(s));
	s.stack_packets = 100;
	s.drops_socket = 7;
	s.softirq_ns = 2000000000ull;
	metrics_nic_add(m, &s, 10, &e);	/* a window of a tenth */
	metrics_nic_add(m, &s, 1, &e);
	metrics_nic_set_rx(m, 12345, 999);
	t = render(m, false);
	assert_true(has_line(t, "livelock_stack_packets_total{device=\"v0\",driver=\"veth\"} 1100"));
	assert_true(has_line(t, "livelock_drops_total{device=\"v0\",driver=\"veth\",place=\"socket\"} 77"));
	assert_true(has_line(t, "livelock_interrupt_cpu_seconds_total{device=\"v0\",driver=\"veth\",priority=\"softirq\"} 22"));
	assert_true(has_line(t, "livelock_device_rx_packets_total{device=\"v0\",driver=\"veth\"} 12345"));
	assert_true(has_line(t, "livelock_forecast_load_ratio{device=\"v0\",driver=\"veth\"} 0.85"));
	/* not finite: no series rather than a made-up value */
	assert_null(strstr(t, "livelock_forecast_mlfrr_packets_per_second{"));
	assert_null(strstr(t, "livelock_forecast_livelock_point_packets_per_second{"));
	assert_true(has_line(t, "livelock_state{device=\"v0\",driver=\"veth\",state=\"saturated\"} 1"));
	assert_true(has_line(t, "livelock_state{device=\"v0\",driver=\"veth\",state=\"ok\"} 0"));
	assert_true(has_line(t, "livelock_model_info{device=\"v0\",driver=\"veth\",model=\"dma\",mapping=\"softirq\"} 1"));
	assert_true(has_line(t, "livelock_exporter_sampling_ratio 0.1"));
	free(t);
	free(m);
}

static void test_histograms_are_cumulative(void **state)
{
	struct metrics_nic *m = one_nic();
	struct estimate e = some_estimate();
	struct lt_sample s;
	char *t;
	(void)state;
	memset(&s, 0, sizeof(s));
	s.isr_hist[9] = 3;	/* [512, 1024) ns */
	s.isr_hist[20] = 1;	/* about 1 ms */
	s.isr_ns = 3 * 600 + 1100000;
	s.batch_hist[1] = 5;
	s.batch_hist[3] = 2;
	s.batch_hist[LT_BATCH_SLOTS - 1] = 1;	/* > 64 */
	s.napi_packets = 5 + 6 + 100;
	metrics_nic_add(m, &s, 1, &e);
	t = render(m, false);
	assert_true(has_line(t, "livelock_hardirq_duration_seconds_bucket{device=\"v0\",driver=\"veth\",le=\"5.12e-07\"} 0"));
	assert_true(has_line(t, "livelock_hardirq_duration_seconds_bucket{device=\"v0\",driver=\"veth\",le=\"1.024e-06\"} 3"));
	assert_true(has_line(t, "livelock_hardirq_duration_seconds_bucket{device=\"v0\",driver=\"veth\",le=\"0.001048576\"} 3"));
	assert_true(has_line(t, "livelock_hardirq_duration_seconds_bucket{device=\"v0\",driver=\"veth\",le=\"0.002097152\"} 4"));
	assert_true(has_line(t, "livelock_hardirq_duration_seconds_bucket{device=\"v0\",driver=\"veth\",le=\"+Inf\"} 4"));
	assert_true(has_line(t, "livelock_hardirq_duration_seconds_count{device=\"v0\",driver=\"veth\"} 4"));
	assert_true(has_line(t, "livelock_hardirq_duration_seconds_sum{device=\"v0\",driver=\"veth\"} 0.0011018"));
	assert_true(has_line(t, "livelock_batch_packets_bucket{device=\"v0\",driver=\"veth\",le=\"0\"} 0"));
	assert_true(has_line(t, "livelock_batch_packets_bucket{device=\"v0\",driver=\"veth\",le=\"2\"} 5"));
	assert_true(has_line(t, "livelock_batch_packets_bucket{device=\"v0\",driver=\"veth\",le=\"4\"} 7"));
	assert_true(has_line(t, "livelock_batch_packets_bucket{device=\"v0\",driver=\"veth\",le=\"64\"} 7"));
	assert_true(has_line(t, "livelock_batch_packets_bucket{device=\"v0\",driver=\"veth\",le=\"+Inf\"} 8"));
	assert_true(has_line(t, "livelock_batch_packets_sum{device=\"v0\",driver=\"veth\"} 111"));
	free(t);
	free(m);
}

static void test_text_and_openmetrics(void **state)
{
	struct metrics_nic *m = one_nic();
	char *t, *o;
	size_t n;
	(void)state;
	t = render(m, false);
	o = render(m, true);
	assert_true(has_line(t, "# TYPE livelock_stack_packets_total counter"));
	assert_true(has_line(o, "# TYPE livelock_stack_packets counter"));
	assert_true(has_line(o, "livelock_stack_packets_total{device=\"v0\",driver=\"veth\"} 0"));
	assert_null(strstr(t, "# EOF"));
	n = strlen(o);
	assert_true(n > 6 && !strcmp(o + n - 6, "# EOF\n"));
	/* no estimate yet: idle, no gauges of the model */
	assert_true(has_line(t, "livelock_state{device=\"v0\",driver=\"veth\",state=\"idle\"} 1"));
	assert_null(strstr(t, "livelock_offered_packets_per_second{"));
	free(t);
	free(o);
	free(m);
}

/* Per-queue series: counted packets accumulate by queue, a changed map restarts them; CPU rows give none. */
static void test_queue_series(void **state)
{
	struct metrics_nic *m = one_nic();
	struct qm_report r;
	char *t;
	(void)state;
	memset(&r, 0, sizeof(r));
	r.n = 2;
	r.r[0] = (struct qm_row){ .queue = 0, .cpu = 0, .irq = 30, .packets = 900, .load_pct = 90,
				  .state = EST_SATURATED };
	r.r[1] = (struct qm_row){ .queue = 1, .cpu = 1, .irq = 31, .packets = 100, .load_pct = 10,
				  .state = EST_OK };
	r.imbalance = true;
	metrics_nic_set_queues(m, &r, 1);
	metrics_nic_set_queues(m, &r, 10);	/* a sampled interval: scaled like the device's counters */
	t = render(m, false);
	assert_true(has_line(t, "# TYPE livelock_queue_packets_total counter"));
	assert_true(has_line(t, "livelock_queue_packets_total{device=\"v0\",driver=\"veth\",queue=\"0\",cpu=\"0\"} 9900"));
	assert_true(has_line(t, "livelock_queue_packets_total{device=\"v0\",driver=\"veth\",queue=\"1\",cpu=\"1\"} 1100"));
	assert_true(has_line(t, "livelock_queue_load_ratio{device=\"v0\",driver=\"veth\",queue=\"0\",cpu=\"0\"} 0.9"));
	assert_true(has_line(t, "livelock_queue_saturated{device=\"v0\",driver=\"veth\",queue=\"0\",cpu=\"0\"} 1"));
	assert_true(has_line(t, "livelock_queue_saturated{device=\"v0\",driver=\"veth\",queue=\"1\",cpu=\"1\"} 0"));
	assert_true(has_line(t, "livelock_rss_imbalance{device=\"v0\",driver=\"veth\"} 1"));
	free(t);
	r.r[1].queue = 5;			/* another queue in that row: its count starts again */
	metrics_nic_set_queues(m, &r, 1);
	t = render(m, false);
	assert_true(has_line(t, "livelock_queue_packets_total{device=\"v0\",driver=\"veth\",queue=\"5\",cpu=\"1\"} 100"));
	free(t);
	r.per_cpu_only = true;			/* no queue map: no queue series */
	metrics_nic_set_queues(m, &r, 1);
	t = render(m, false);
	assert_null(strstr(t, "livelock_queue_packets_total{"));
	assert_null(strstr(t, "livelock_rss_imbalance{"));
	free(t);
	free(m);
}

static void test_label_escaping(void **state)
{
	struct http_buf b = { 0 };
	(void)state;
	metrics_escape(&b, "a\"b\\c\nd");
	assert_string_equal(b.p, "a\\\"b\\\\c\\nd");
	free(b.p);
}

static void test_parse_listen(void **state)
{
	const char *good[] = { "127.0.0.1:9747", "0.0.0.0:1", ":65535", "[::1]:9747", "[::]:80" };
	const char *bad[] = { "", "9747", "127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536",
			      "127.0.0.1:+80", "127.0.0.1:-1", "1.2.3:80", "::1:80", "[::1:80", "[]:80",
			      "[1.2.3.4]:80", "localhost:80" };
	struct sockaddr_storage ss;
	unsigned int len;
	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(http_parse_listen(good[i], &ss, &len));
	assert_true(http_parse_listen("[::1]:9747", &ss, &len));
	assert_int_equal(ss.ss_family, AF_INET6);
	assert_int_equal(ntohs(((struct sockaddr_in6 *)&ss)->sin6_port), 9747);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(http_parse_listen(bad[i], &ss, &len));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_totals_scale_and_accumulate),
		cmocka_unit_test(test_histograms_are_cumulative),
		cmocka_unit_test(test_text_and_openmetrics),
		cmocka_unit_test(test_label_escaping),
		cmocka_unit_test(test_queue_series),
		cmocka_unit_test(test_parse_listen),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
