// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Percentiles, max and mean from the probes' log2 histograms, against hand-computed cases. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "json_read.h"
#include "latency.h"

#define EPS 1e-9

/* 100 values in bucket 10, [1024, 2048) ns: linear inside it. */
static void test_one_bucket(void **state)
{
	uint64_t h[LT_HIST_SLOTS] = { 0 };
	(void)state;
	h[10] = 100;
	assert_true(fabs(lat_percentile(h, LT_HIST_SLOTS, 0.50) - 1536) < EPS);	/* 1024 + 0.5 * 1024 */
	assert_true(fabs(lat_percentile(h, LT_HIST_SLOTS, 0.90) - 1945.6) < EPS);	/* 1024 + 0.9 * 1024 */
	assert_true(fabs(lat_percentile(h, LT_HIST_SLOTS, 0.99) - 2037.76) < EPS);
	assert_true(fabs(lat_percentile(h, LT_HIST_SLOTS, 0) - 1024) < EPS);
	assert_true(fabs(lat_percentile(h, LT_HIST_SLOTS, 1) - 2048) < EPS);
	assert_true(fabs(lat_hist_max(h, LT_HIST_SLOTS) - 2048) < EPS);
}

/* 50 in [8, 16) and 50 in [32, 64): the median is the top of the first. */
static void test_two_buckets(void **state)
{
	uint64_t h[LT_HIST_SLOTS] = { 0 };
	(void)state;
	h[3] = 50;
	h[5] = 50;
	assert_true(fabs(lat_percentile(h, LT_HIST_SLOTS, 0.50) - 16) < EPS);
	assert_true(fabs(lat_percentile(h, LT_HIST_SLOTS, 0.25) - 12) < EPS);	/* 8 + 25/50 * 8 */
	assert_true(fabs(lat_percentile(h, LT_HIST_SLOTS, 0.90) - 57.6) < EPS);	/* 32 + 40/50 * 32 */
	assert_true(fabs(lat_percentile(h, LT_HIST_SLOTS, 0.99) - 63.36) < EPS);	/* 32 + 49/50 * 32 */
	assert_true(fabs(lat_hist_max(h, LT_HIST_SLOTS) - 64) < EPS);
}

/* A tail: 990 in bucket 12 [4096, 8192), 10 in bucket 20 [1 Mi, 2 Mi) ns. */
static void test_tail(void **state)
{
	uint64_t h[LT_HIST_SLOTS] = { 0 };
	(void)state;
	h[12] = 990;
	h[20] = 10;
	/* p99: rank 990 is the last of bucket 12 */
	assert_true(fabs(lat_percentile(h, LT_HIST_SLOTS, 0.99) - 8192) < EPS);
	/* p99.5: rank 995, the 5th of 10 in [1048576, 2097152) */
	assert_true(fabs(lat_percentile(h, LT_HIST_SLOTS, 0.995) - 1572864) < EPS);
	assert_true(fabs(lat_percentile(h, LT_HIST_SLOTS, 0.5) - (4096 + 500.0 / 990 * 4096)) < EPS);
	assert_true(fabs(lat_hist_max(h, LT_HIST_SLOTS) - 2097152) < EPS);
}

/* Bucket 0 holds 0 and 1 ns: [0, 2); empty histograms and bad quantiles have no answer. */
static void test_edges(void **state)
{
	uint64_t h[LT_HIST_SLOTS] = { 0 };
	(void)state;
	assert_true(isnan(lat_percentile(h, LT_HIST_SLOTS, 0.5)));
	assert_true(isnan(lat_hist_max(h, LT_HIST_SLOTS)));
	h[0] = 4;
	assert_true(fabs(lat_percentile(h, LT_HIST_SLOTS, 0.5) - 1) < EPS);
	assert_true(isnan(lat_percentile(h, LT_HIST_SLOTS, 1.5)));
	assert_true(isnan(lat_percentile(h, LT_HIST_SLOTS, -0.1)));
	assert_true(isnan(lat_percentile(h, LT_HIST_SLOTS, NAN)));
}

/* A sample's counters add up over intervals; the JSON has the exact mean and the counts. */
static void test_run_and_json(void **state)
{
	struct lt_sample s;
	struct lat_run r = { 0 };
	struct lat_stats st;
	struct json j;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct jv *o;
	(void)state;
	memset(&s, 0, sizeof(s));
	s.lat_read_hist[15] = 3;	/* [32768, 65536) */
	s.lat_read_n = 3;
	s.lat_read_ns = 120000;
	s.lat_read_lost = 2;
	s.lat_read_unmatched = 1;
	s.lat_stack_unqueued = 7;
	lat_run_add(&r, &s);
	lat_run_add(&r, &s);
	lat_stats_of(&r.read, &st);
	assert_true(st.n == 6 && fabs(st.mean_ns - 40000) < EPS && st.lost == 4 && st.other == 2);
	assert_true(fabs(st.p50_ns - 49152) < EPS);
	lat_stats_of(&r.stack, &st);
	assert_true(st.n == 0 && isnan(st.mean_ns) && isnan(st.p99_ns) && st.other == 14);
	json_begin(&j, f);
	lat_json(&j, "latency", &r);
	json_end(&j);
	fclose(f);
	o = jv_parse(buf);
	assert_non_null(o);
	assert_true(jv_num(o, "latency.read.packets") == 6);
	assert_true(fabs(jv_num(o, "latency.read.mean_us") - 40) < 1e-6);
	assert_true(fabs(jv_num(o, "latency.read.p50_us") - 49.152) < 1e-6);
	assert_true(fabs(jv_num(o, "latency.read.max_us") - 65.536) < 1e-6);
	assert_true(jv_num(o, "latency.read.lost") == 4 && jv_num(o, "latency.read.unmatched") == 2);
	assert_non_null(jv_get(o, "latency.stack.p99_us"));
	assert_true(jv_get(o, "latency.stack.p99_us")->type == JV_NULL);
	assert_true(jv_num(o, "latency.stack.unqueued") == 14);
	jv_free(o);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_bucket),
		cmocka_unit_test(test_two_buckets),
		cmocka_unit_test(test_tail),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_run_and_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
