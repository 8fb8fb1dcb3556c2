// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The shared command-line layer (src/cli.c) and the one number grammar
 * (src/numparse.c): words to enums, exclusive options, "did you mean",
 * strings made safe for a terminal, and the numbers every option and the
 * record reader accept.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <getopt.h>
#include "cli.h"
#include "numparse.h"

static void test_grammar_rejects_what_strtod_takes(void **state)
{
	static const char *const bad[] = {
		"0x10", "0x1p20", "-0x1p20", "inf", "-inf", "nan", "-nan", "infinity", " 5", "5 ",
		"+5", ".5", "5.", "1e", "1e+", "--1", "1e400", "-1e400", "5\n", "1,5", "",
	};
	double v = 7;
	uint64_t u = 7;
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_false(num_parse_double(bad[i], "--x", -1e300, 1e300, &v));
		assert_false(num_parse_u64(bad[i], "--n", 0, UINT64_MAX, &u));
	}
	assert_true(v == 7 && u == 7);
	assert_false(num_parse_double(NULL, "--x", 0, 1, &v));
}

static void test_grammar_same_for_ints_and_floats(void **state)
{
	double v;
	uint64_t u;
	(void)state;
	assert_true(num_parse_double("1e3", "--x", 0, 1e6, &v) && v == 1000);
	assert_true(num_parse_double("-2.5E-1", "--x", -1, 1, &v) && v == -0.25);
	assert_true(num_parse_u64("1e3", "--n", 0, 1000000, &u) && u == 1000);
	assert_true(num_parse_u64("2.0", "--n", 0, 10, &u) && u == 2);
	assert_false(num_parse_u64("2.5", "--n", 0, 10, &u));
	assert_false(num_parse_u64("-1", "--n", 0, 10, &u));
	/* plain digits stay exact beyond 2^53 */
	assert_true(num_parse_u64("18446744073709551615", "--seed", 0, UINT64_MAX, &u));
	assert_true(u == UINT64_MAX);
	assert_false(num_parse_u64("18446744073709551616", "--seed", 0, UINT64_MAX, &u));
	assert_false(num_parse_u64("1e30", "--seed", 0, UINT64_MAX, &u));	/* not exact */
}

static void test_decimal_read_stops_where_the_grammar_does(void **state)
{
	double v = 0;
	(void)state;
	assert_int_equal(num_decimal_read("12.5,", &v), 4);
	assert_true(v == 12.5);
	assert_int_equal(num_decimal_read("-3e2}", &v), 4);
	assert_true(v == -300);
	assert_int_equal(num_decimal_read("0x1p20", &v), 0);	/* strtod would read all of it */
	assert_int_equal(num_decimal_read("-inf", &v), 0);
	assert_int_equal(num_decimal_read("1e999", &v), 0);	/* not finite */
	assert_int_equal(num_decimal_len("1.8e308"), 7);
}

static void test_words(void **state)
{
	static const struct cli_word w[] = { { "on", 1 }, { "off", 0 }, { "both", 2 }, { NULL, 0 } };
	int v = -1;
	(void)state;
	assert_true(cli_word("both", "--dma", w, &v) && v == 2);
	assert_true(cli_word("off", "--dma", w, &v) && v == 0);
	v = -1;
	assert_false(cli_word("On", "--dma", w, &v));
	assert_false(cli_word(NULL, "--dma", w, &v));
	assert_int_equal(v, -1);
	assert_string_equal(cli_word_name(w, 2), "both");
	assert_string_equal(cli_word_name(w, 9), "?");
}

static void test_exclusive(void **state)
{
	const char *given = NULL;
	(void)state;
	assert_true(cli_exclusive(&given, "--csv"));
	assert_true(cli_exclusive(&given, "--csv"));	/* the same one twice is no conflict */
	assert_false(cli_exclusive(&given, "--json"));
	assert_string_equal(given, "--csv");
}

static void test_suggest(void **state)
{
	static const char *const names[] = { "model", "simulate", "compare", "sweep" };
	(void)state;
	assert_int_equal(cli_edit_distance("modle", "model"), 1);	/* one swap */
	assert_int_equal(cli_edit_distance("compre", "compare"), 1);
	assert_int_equal(cli_edit_distance("kitten", "sitting"), 3);
	assert_string_equal(cli_suggest("modle", names, 4), "model");
	assert_string_equal(cli_suggest("compre", names, 4), "compare");
	assert_string_equal(cli_suggest("simulat", names, 4), "simulate");
	assert_string_equal(cli_suggest("swep", names, 4), "sweep");
	assert_null(cli_suggest("eth0", names, 4));
	assert_null(cli_suggest("veth-rx", names, 4));
	assert_null(cli_suggest("", names, 4));
}

static void test_printable(void **state)
{
	char buf[64];
	(void)state;
	assert_string_equal(cli_printable(buf, sizeof(buf), "eth0"), "eth0");
	assert_string_equal(cli_printable(buf, sizeof(buf), "e\x1b[2Jx"), "e\\x1b[2Jx");
	assert_string_equal(cli_printable(buf, sizeof(buf), "a\nb\x7f"), "a\\x0ab\\x7f");
	assert_string_equal(cli_printable(buf, sizeof(buf), "caf\xc3\xa9"), "caf\xc3\xa9");	/* UTF-8 kept */
	assert_string_equal(cli_printable(buf, sizeof(buf), "\xc2\x9b" "1m"), "\\xc2\\x9b1m");	/* C1 CSI */
	assert_string_equal(cli_printable(buf, sizeof(buf), "\xff\xc3"), "\\xff\\xc3");	/* not UTF-8 */
	assert_string_equal(cli_printable(buf, 6, "\x1b\x1b\x1b"), "\\x1b");	/* whole escapes only */
	assert_int_equal(cli_utf8_len("\xe2\x82\xac"), 3);
	assert_int_equal(cli_utf8_len("\xc0\xaf"), 0);		/* overlong */
	assert_int_equal(cli_utf8_len("\xed\xa0\x80"), 0);	/* surrogate */
	assert_int_equal(cli_utf8_len("\xf4\x90\x80\x80"), 0);	/* beyond U+10FFFF */
}

static void test_stamp_decimals(void **state)
{
	char buf[24];
	(void)state;
	assert_int_equal(cli_stamp_decimals(1), 0);
	assert_int_equal(cli_stamp_decimals(2.5), 0);
	assert_int_equal(cli_stamp_decimals(0), 0);	/* not given: whole seconds */
	assert_int_equal(cli_stamp_decimals(0.5), 1);
	assert_int_equal(cli_stamp_decimals(0.1), 1);
	assert_int_equal(cli_stamp_decimals(0.25), 2);
	assert_int_equal(cli_stamp_decimals(0.125), 3);
	assert_int_equal(cli_stamp_decimals(1.0 / 3), 3);
	assert_int_equal(strlen(cli_stamp(buf, sizeof(buf), 0)), 8);
	assert_int_equal(strlen(cli_stamp(buf, sizeof(buf), 2)), (size_t)cli_stamp_width(2));
	assert_true(buf[8] == '.' && buf[9] >= '0' && buf[9] <= '9');
}

static void test_negative_operand(void **state)
{
	static const struct option lo[] = {
		{ "record", required_argument, NULL, 1 }, { "json", no_argument, NULL, 2 },
		{ NULL, 0, NULL, 0 },
	};
	char *a1[] = { "lt", "eth0", "-1", NULL }, *a2[] = { "lt", "--record", "-1", "eth0", NULL };
	char *a3[] = { "lt", "--json", "eth0", "1", "-5", NULL }, *a4[] = { "lt", "-v", "--", "-1", NULL };
	char *a5[] = { "lt", "--rec", "-2", "-0.5", NULL };
	int before, first;
	(void)state;
	assert_int_equal(num_negative_operand(3, a1, lo, &before, &first), 2);
	assert_int_equal(before, 1);
	assert_int_equal(first, 1);
	assert_int_equal(num_negative_operand(4, a2, lo, &before, &first), 0);	/* a file named -1 */
	assert_int_equal(num_negative_operand(5, a3, lo, &before, &first), 4);
	assert_int_equal(before, 2);
	assert_int_equal(num_negative_operand(4, a4, lo, &before, &first), 0);
	assert_int_equal(num_negative_operand(4, a5, lo, &before, &first), 3);	/* a prefix takes its value */
	assert_int_equal(before, 0);
	assert_int_equal(first, 0);
}

static void test_clock_moves_forward(void **state)
{
	double a = cli_now_s(), b = cli_now_s();
	(void)state;
	assert_true(a > 0 && b >= a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grammar_rejects_what_strtod_takes),
		cmocka_unit_test(test_grammar_same_for_ints_and_floats),
		cmocka_unit_test(test_decimal_read_stops_where_the_grammar_does),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_exclusive),
		cmocka_unit_test(test_suggest),
		cmocka_unit_test(test_printable),
		cmocka_unit_test(test_clock_moves_forward),
		cmocka_unit_test(test_stamp_decimals),
		cmocka_unit_test(test_negative_operand),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
