// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Recorded runs read back and compared (src/compare.c, src/json_read.c), on
 * hand-made record files in tests/fixtures/records/: rx-usecs 0 against 64
 * on an e1000, a run cut short, foreign and malformed files.
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
#include "json_read.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_reader),
		cmocka_unit_test(test_load_and_stats),
		cmocka_unit_test(test_verdicts_and_best),
		cmocka_unit_test(test_cut_short_run),
		cmocka_unit_test(test_partial_edges_left_out),
		cmocka_unit_test(test_bad_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
