// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Command-line number parsing: accepts whole valid strings, rejects the rest. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "numparse.h"
#include "json.h"

static void test_double_accepts_in_range(void **state)
{
	double v = 0;
	(void)state;
	assert_true(num_parse_double("95", "--isr-us", 0, 1e6, &v));
	assert_true(v == 95.0);
	assert_true(num_parse_double("1e3", "--isr-us", 0, 1e6, &v));
	assert_true(v == 1000.0);
}

static void test_double_rejects_garbage(void **state)
{
	double v = 7;
	const char *bad[] = { "", "abc", "12x", "nan", "inf", "-1", "1e400", "2e6" };
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(num_parse_double(bad[i], "--x", 0, 1e6, &v));
	assert_true(v == 7);
	assert_false(num_parse_double_gt("0", "--x", 0, 1e6, &v));
	assert_true(num_parse_double_gt("0.001", "--x", 0, 1e6, &v));
}

static void test_u64(void **state)
{
	uint64_t v = 0;
	(void)state;
	assert_true(num_parse_u64("1000", "--buffer", 1, 1000000, &v));
	assert_int_equal(v, 1000);
	assert_false(num_parse_u64("0", "--buffer", 1, 1000000, &v));
	assert_false(num_parse_u64("-5", "--buffer", 1, 1000000, &v));
	assert_false(num_parse_u64("1000001", "--buffer", 1, 1000000, &v));
	assert_false(num_parse_u64("10.5", "--buffer", 1, 1000000, &v));
	assert_false(num_parse_u64("99999999999999999999999", "--buffer", 1, UINT64_MAX, &v));
}

static void test_range(void **state)
{
	struct num_range r;
	(void)state;
	assert_true(num_parse_range("1000:30000:1000", "--rate", 1e9, &r));
	assert_int_equal(num_range_points(&r), 30);
	assert_true(num_range_at(&r, 29) == 30000);
	assert_true(num_parse_range("5000", "--rate", 1e9, &r));
	assert_int_equal(num_range_points(&r), 1);
	assert_true(num_parse_range("1000:1500:1000", "--rate", 1e9, &r));
	assert_int_equal(num_range_points(&r), 1);
	assert_false(num_parse_range("3000:1000:10", "--rate", 1e9, &r));
	assert_false(num_parse_range("1000:3000:0", "--rate", 1e9, &r));
	assert_false(num_parse_range("1000:3000", "--rate", 1e9, &r));
	assert_false(num_parse_range("1:2:3:4", "--rate", 1e9, &r));
	assert_false(num_parse_range("1::3", "--rate", 1e9, &r));
	assert_false(num_parse_range("a:b:c", "--rate", 1e9, &r));
}

/* Found by tests/fuzz/fuzz_numparse: the count was inf cast to an integer (UB, 0 rows on x86). */
static void test_range_points_tiny_step(void **state)
{
	struct num_range r;

	(void)state;
	assert_true(num_parse_range("1e-9:1e9:1e-300", "--rate", 1e9, &r));
	assert_true(num_range_points(&r) == UINT64_MAX);	/* above every caller's limit */
	assert_true(num_parse_range("1:1e9:1e-9", "--rate", 1e9, &r));
	assert_true(num_range_points(&r) > 1000000000000000ull);
}

static void test_json_nonfinite_is_null(void **state)
{
	char buf[256] = { 0 };
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	struct json j;
	(void)state;
	json_begin(&j, f);
	json_dbl(&j, "a", 0.0 / 0.0);
	json_u64(&j, "b", 3);
	json_obj(&j, "c");
	json_str(&j, "d", "x\"y");
	json_obj_end(&j);
	json_end(&j);
	fclose(f);
	assert_string_equal(buf, "{\"a\":null,\"b\":3,\"c\":{\"d\":\"x\\\"y\"}}\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_double_accepts_in_range),
		cmocka_unit_test(test_double_rejects_garbage),
		cmocka_unit_test(test_u64),
		cmocka_unit_test(test_range),
		cmocka_unit_test(test_range_points_tiny_step),
		cmocka_unit_test(test_json_nonfinite_is_null),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
