// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Recorded runs read back and compared (src/compare.c, src/json_read.c), on
 * hand-made record files in tests/fixtures/records/: rx-usecs 0 against 64
 * on an e1000, a run cut short, foreign and malformed files; the steady rule
 * on ramps and on two slow-reader runs (100 and 110 us per datagram at
 * 12 kpps, each with a partly busy edge); hostile files.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "compare.h"
#include "json.h"
#include "json_read.h"
#include <unistd.h>

#define REC "tests/fixtures/records/"

static void test_json_reader(void **state)
{
	struct jv *v = jv_parse("{\"a\":1.5,\"b\":{\"c\":\"x\\\"y\",\"d\":[1,2,{}]},\"e\":null,\"f\":true}");
	(void)state;
	assert_non_null(v);
	assert_true(jv_num(v, "a") == 1.5);
	assert_string_equal(jv_str(v, "b.c"), "x\"y");
	assert_true(isnan(jv_num(v, "e")));
	assert_true(isnan(jv_num(v, "b.zz")));
	assert_true(jv_true(v, "f"));
	assert_int_equal(jv_get(v, "b.d")->type, JV_ARR);
	jv_free(v);
	assert_null(jv_parse("{\"a\":1,}"));
	assert_null(jv_parse("{\"a\" 1}"));
	assert_null(jv_parse("{\"a\":1} trailing"));
	assert_null(jv_parse("[1,2"));
}

static FILE *devnull(void)
{
	return fopen("/dev/null", "w");
}

static void test_load_and_stats(void **state)
{
	struct cmp_run r;
	FILE *err = devnull();
	(void)state;
	assert_int_equal(compare_load(REC "usecs0.jsonl", &r, err), 0);
	assert_string_equal(r.driver, "e1000");
	assert_true(r.coalesce_supported);
	assert_true(r.rx_usecs == 0 && r.rx_ring == 256);
	assert_int_equal(r.intervals, 6);
	assert_int_equal(r.busy, 4);		/* idle intervals are left out */
	assert_true(r.complete);
	/* 26900, 27000, 27100, 26950 */
	assert_true(fabs(r.m[CMP_OBSERVED].mean - 26987.5) < 1e-9);
	assert_true(r.m[CMP_OBSERVED].min == 26900 && r.m[CMP_OBSERVED].max == 27100);
	assert_true(fabs(r.m[CMP_OBSERVED].sd - 85.391256) < 1e-5);	/* sample sd */
	assert_true(fabs(r.m[CMP_IRQS_PKT].mean - 20000.0 / 30000) < 1e-12);
	assert_true(fabs(r.m[CMP_DROP_SOCKET].mean - 3012.5) < 1e-9);
	/* CPU per delivered packet: 60% of one CPU over 27,000 pps ~ 22 us */
	assert_true(fabs(r.m[CMP_CPU_PER_PKT].mean - 22.23) < 0.05);
	fclose(err);
}

static void test_verdicts_and_best(void **state)
{
	struct cmp_run r[2];
	double d;
	FILE *err = devnull();
	(void)state;
	assert_int_equal(compare_load(REC "usecs0.jsonl", &r[0], err), 0);
	assert_int_equal(compare_load(REC "usecs64.jsonl", &r[1], err), 0);
	assert_int_equal(compare_verdict(&r[0], &r[1], CMP_OBSERVED, &d), CMP_BETTER);
	assert_true(fabs(d - 100.0 * 2000 / 26987.5) < 1e-9);
	assert_int_equal(compare_verdict(&r[0], &r[1], CMP_IRQS_PKT, &d), CMP_BETTER);	/* fewer */
	assert_int_equal(compare_verdict(&r[0], &r[1], CMP_IRQ_SHARE, &d), CMP_BETTER);
	assert_int_equal(compare_verdict(&r[0], &r[1], CMP_BATCH, &d), CMP_DIFFERENT);	/* neither way */
	assert_int_equal(compare_verdict(&r[0], &r[1], CMP_LAMBDA, &d), CMP_SAME);	/* same load */
	assert_int_equal(compare_verdict(&r[1], &r[0], CMP_OBSERVED, &d), CMP_WORSE);
	assert_int_equal(compare_best(r, 2), 1);
	r[1].m[CMP_OBSERVED].mean = r[0].m[CMP_OBSERVED].mean + 10;	/* within noise: CPU decides */
	assert_int_equal(compare_verdict(&r[0], &r[1], CMP_OBSERVED, &d), CMP_SAME);
	assert_int_equal(compare_best(r, 2), 1);
	fclose(err);
}

static void test_cut_short_run(void **state)
{
	struct cmp_run r;
	FILE *err = devnull();
	(void)state;
	assert_int_equal(compare_load(REC "truncated.jsonl", &r, err), 0);
	assert_false(r.complete);
	assert_int_equal(r.intervals, 3);	/* the half-written last line is dropped */
	assert_int_equal(r.busy, 2);
	fclose(err);
}

/* Traffic started and stopped inside the first and last busy intervals. */
static void test_partial_edges_left_out(void **state)
{
	struct cmp_run r;
	FILE *err = devnull();
	(void)state;
	assert_int_equal(compare_load(REC "partial.jsonl", &r, err), 0);
	assert_int_equal(r.intervals, 7);
	assert_int_equal(r.edges, 2);
	assert_int_equal(r.busy, 3);
	assert_true(fabs(r.m[CMP_OBSERVED].mean - 29000) < 1e-9);
	assert_true(fabs(r.m[CMP_OBSERVED].sd - 100) < 1e-9);
	fclose(err);
}

static void test_bad_files(void **state)
{
	static const char *const bad[] = { "foreign.jsonl", "garbage.jsonl", "idle.jsonl", "missing.jsonl" };
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char path[128], *msg = NULL;
		size_t len = 0;
		struct cmp_run r;
		FILE *err = open_memstream(&msg, &len);

		snprintf(path, sizeof(path), REC "%s", bad[i]);
		assert_int_equal(compare_load(path, &r, err), -1);
		fclose(err);
		/* exactly one line, naming the file */
		assert_non_null(strstr(msg, bad[i]));
		assert_int_equal(strchr(msg, '\n') - msg, (ptrdiff_t)len - 1);
		free(msg);
	}
}

static void test_steady_range_ramps(void **state)
{
	/* a three-interval ramp up, eight steady, a two-interval ramp down */
	const double lam[] = { 2000, 6000, 10000, 12000, 12010, 11990, 12005, 11995, 12000, 12002, 11998,
			       9000, 3000 };
	double obs[13];
	unsigned int from, to, n = 13;
	(void)state;
	for (unsigned int i = 0; i < n; i++)
		obs[i] = fmin(lam[i], 9700) + (i % 3) * 20;
	assert_int_equal(compare_steady_range(lam, obs, n, &from, &to), 5);
	assert_int_equal(from, 3);
	assert_int_equal(to, 11);
	/* lambda steady, observed ramping (a reader warming up): left out too */
	{
		const double l2[] = { 12000, 12000, 12000, 12000, 12000, 12000 };
		const double o2[] = { 5000, 9700, 9720, 9690, 9710, 9705 };

		assert_int_equal(compare_steady_range(l2, o2, 6, &from, &to), 1);
		assert_int_equal(from, 1);
	}
	/* a sender 10 ms late at a boundary moves 1% of a second's packets: no ramp */
	{
		const double l4[] = { 7916, 8080, 7996, 7998, 8007 };

		assert_int_equal(compare_steady_range(l4, l4, 5, &from, &to), 0);
	}
		/* a majority always stays, and missing values say nothing */
	{
		const double l3[] = { 100, 200, 12000, 12000, 300 };
		const double o3[] = { NAN, NAN, NAN, NAN, NAN };

		compare_steady_range(l3, o3, 5, &from, &to);
		assert_true(to - from >= 3);
	}
	/* two seconds of traffic over three intervals, or four: the full ones stay */
	{
		const double l5[] = { 500, 1000, 500 }, l6[] = { 480, 1000, 1001, 520 };

		assert_int_equal(compare_steady_range(l5, l5, 3, &from, &to), 2);
		assert_int_equal(from, 1);
		assert_int_equal(to, 2);
		assert_int_equal(compare_steady_range(l6, l6, 4, &from, &to), 2);
		assert_int_equal(from, 1);
		assert_int_equal(to, 3);
		/* and two intervals, the full ones alone: nothing left out */
		assert_int_equal(compare_steady_range(l6 + 1, l6 + 1, 2, &from, &to), 0);
	}
	/* under three intervals nothing is left out */
	assert_int_equal(compare_steady_range(lam, obs, 2, &from, &to), 0);
	assert_int_equal(to, 2);
}

/* The report's numbers: the old rule kept the partly busy edge and said "same". */
static void test_steady_verdict_slow_readers(void **state)
{
	struct cmp_run r[2];
	double d;
	FILE *err = devnull();
	(void)state;
	assert_int_equal(compare_load(REC "reader100.jsonl", &r[0], err), 0);
	assert_int_equal(compare_load(REC "reader110.jsonl", &r[1], err), 0);
	assert_int_equal(r[0].edges, 1);	/* the last interval: lambda 6,695 of 12,000 */
	assert_int_equal(r[1].edges, 2);	/* and a ramp-up first one in B */
	assert_int_equal(r[0].busy, 6);
	assert_int_equal(r[1].busy, 6);
	assert_true(r[0].m[CMP_OBSERVED].min == 9664 && r[0].m[CMP_OBSERVED].max == 9792);
	assert_true(r[1].m[CMP_OBSERVED].min == 8830 && r[1].m[CMP_OBSERVED].max == 8881);
	assert_true(r[0].m[CMP_OBSERVED].sd < 60 && r[1].m[CMP_OBSERVED].sd < 60);
	assert_int_equal(compare_verdict(&r[0], &r[1], CMP_OBSERVED, &d), CMP_WORSE);
	assert_true(d < -8.5 && d > -9.5);
	assert_int_equal(compare_best(r, 2), 0);
	fclose(err);
}

/* A run longer than the intervals held at its ends: the same rule, bounded memory. */
static void test_streamed_long_run(void **state)
{
	char path[] = "/tmp/lt-test-compare-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w"), *err = devnull();
	const unsigned int n = 10 * CMP_EDGE_KEEP;
	struct cmp_run r;
	double sum = 0;
	(void)state;
	assert_non_null(f);
	fprintf(f, "{\"record\": \"livelock-trace\", \"format\": 1}\n");
	for (unsigned int i = 0; i < n; i++) {
		/* ramps of 3 intervals at both ends, steady 10000 +- 10 between */
		double lam = i < 3 ? 3000.0 * (i + 1) : i >= n - 3 ? 3000.0 * (n - i) : 10000 + (i % 2 ? 10 : -10);

		if (i >= 3 && i < n - 3)
			sum += lam;
		fprintf(f, "{\"lambda_pps\": %g, \"observed_pps\": %g, \"state\": \"ok\"}\n", lam, lam);
	}
	fclose(f);
	assert_int_equal(compare_load(path, &r, err), 0);
	unlink(path);
	assert_int_equal(r.intervals, n);
	assert_int_equal(r.edges, 6);
	assert_int_equal(r.busy, n - 6);
	assert_true(fabs(r.m[CMP_LAMBDA].mean - sum / (n - 6)) < 1e-6);
	assert_true(r.m[CMP_LAMBDA].min == 9990 && r.m[CMP_LAMBDA].max == 10010);
	fclose(err);
}

/* A run of n steady intervals whose enqueue-to-read p99 is p99 +- 10 us (< 0: recorded without --latency). */
static void latency_run(struct cmp_run *r, unsigned int n, double p99)
{
	char path[] = "/tmp/lt-test-compare-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w"), *err = devnull();

	assert_non_null(f);
	fprintf(f, "{\"record\": \"livelock-trace\", \"format\": 1}\n");
	for (unsigned int i = 0; i < n; i++) {
		fprintf(f, "{\"lambda_pps\": 10000, \"observed_pps\": 10000, \"state\": \"ok\", ");
		if (p99 < 0)
			fprintf(f, "\"latency\": null}\n");
		else
			fprintf(f, "\"latency\": {\"stack\": {\"p99_us\": 3}, \"read\": {\"p99_us\": %g}}}\n",
				p99 + (i % 2 ? 10 : -10));
	}
	fclose(f);
	assert_int_equal(compare_load(path, r, err), 0);
	unlink(path);
	fclose(err);
}

/* The p99 latencies: a mean over the steady intervals, lower is better, none without --latency. */
static void test_latency_verdicts(void **state)
{
	struct cmp_run r[3];
	double d;
	(void)state;
	latency_run(&r[0], 10, 1000);
	latency_run(&r[1], 10, 2000);
	latency_run(&r[2], 10, -1);
	assert_true(fabs(r[0].m[CMP_LAT_READ_P99].mean - 1000) < 1e-9);
	assert_true(fabs(r[0].m[CMP_LAT_STACK_P99].mean - 3) < 1e-9);
	assert_int_equal(compare_verdict(&r[0], &r[1], CMP_LAT_READ_P99, &d), CMP_WORSE);
	assert_true(fabs(d - 100) < 1e-9);
	assert_int_equal(compare_verdict(&r[1], &r[0], CMP_LAT_READ_P99, &d), CMP_BETTER);
	assert_int_equal(compare_verdict(&r[0], &r[1], CMP_LAT_STACK_P99, &d), CMP_SAME);
	assert_true(isnan(r[2].m[CMP_LAT_READ_P99].mean));
	assert_int_equal(compare_verdict(&r[0], &r[2], CMP_LAT_READ_P99, &d), CMP_UNKNOWN);
}

/* One line on err naming why, and -1. */
static void assert_refused(const char *path, const char *why)
{
	char *msg = NULL;
	size_t len = 0;
	struct cmp_run r;
	FILE *err = open_memstream(&msg, &len);

	assert_int_equal(compare_load(path, &r, err), -1);
	fclose(err);
	assert_non_null(strstr(msg, why));
	assert_int_equal(strchr(msg, '\n') - msg, (ptrdiff_t)len - 1);
	free(msg);
}

static void test_hostile_files(void **state)
{
	char path[] = "/tmp/lt-test-compare-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	(void)state;
	assert_refused("/dev/zero", "not a regular file");
	assert_refused("/tmp", "not a regular file");
	assert_refused(REC "huge.jsonl", "observed_pps 1.7e+308 is beyond");
	assert_refused(REC "overflow.jsonl", "line 4: 1.8e308 is beyond the range of numbers");
	assert_refused(REC "neginf.jsonl", "line 3 is not valid JSON");
	assert_refused(REC "negnan.jsonl", "line 3 is not valid JSON");
	assert_refused(REC "hexfloat.jsonl", "line 3 is not valid JSON");
	/* a line beyond the bound, even a valid one */
	fprintf(f, "{\"record\": \"livelock-trace\", \"format\": 1}\n{\"pad\": \"");
	for (int i = 0; i < CMP_MAX_LINE; i++)
		fputc('x', f);
	fprintf(f, "\"}\n");
	fclose(f);
	assert_refused(path, "line 2 is longer than");
	unlink(path);
}

static void test_json_numbers_and_strings(void **state)
{
	static const char *const bad[] = {
		"{\"a\":-inf}", "{\"a\":-nan}", "{\"a\":0x1p20}", "{\"a\":1.8e308}", "{\"a\":Infinity}",
		"{\"a\":+1}", "{\"a\":.5}", "{\"a\":1e}",
	};
	char *out = NULL;
	size_t len = 0;
	FILE *f;
	struct json j;
	struct jv *v;
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_null(jv_parse(bad[i]));
	v = jv_parse("{\"a\":1.7e308,\"b\":-0.5e-3}");
	assert_non_null(v);
	assert_true(jv_num(v, "a") == 1.7e308 && jv_num(v, "b") == -0.5e-3);
	jv_free(v);
	/* the writer: controls escaped, bytes that are not UTF-8 replaced, UTF-8 kept */
	f = open_memstream(&out, &len);
	json_begin(&j, f);
	json_str(&j, "d", "e\x1b[2J\xff\xc3 caf\xc3\xa9 \xc2\x9b");
	json_end(&j);
	fclose(f);
	assert_string_equal(out, "{\"d\":\"e\\u001b[2J\\ufffd\\ufffd caf\xc3\xa9 \\u009b\"}\n");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_reader),
		cmocka_unit_test(test_load_and_stats),
		cmocka_unit_test(test_verdicts_and_best),
		cmocka_unit_test(test_cut_short_run),
		cmocka_unit_test(test_partial_edges_left_out),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_steady_range_ramps),
		cmocka_unit_test(test_steady_verdict_slow_readers),
		cmocka_unit_test(test_streamed_long_run),
		cmocka_unit_test(test_latency_verdicts),
		cmocka_unit_test(test_hostile_files),
		cmocka_unit_test(test_json_numbers_and_strings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
