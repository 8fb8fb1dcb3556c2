// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* --sample N|auto: the window of each interval (src/sampling.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "sampling.h"

/* auto: a window of SAMPLING_AUTO_PACKETS at the last rate, the whole interval below it. */
static void test_auto_window_holds_the_packets(void **state)
{
	(void)state;
	/* 80 kpps over 1 s: 20,000 packets in a quarter of a second */
	assert_true(fabs(sampling_auto_window_s(80000, 1) - 0.25) < 1e-12);
	/* 400 kpps over 5 s: 50 ms */
	assert_true(fabs(sampling_auto_window_s(400000, 5) - 0.05) < 1e-12);
	/* 40,000 packets or fewer an interval (a window over half of it), none included: attached all interval */
	assert_true(sampling_auto_window_s(40000, 1) == 1);
	assert_true(sampling_auto_window_s(7999, 5) == 5);
	assert_true(sampling_auto_window_s(4003.7, 5) == 5);
	/* just over: half the interval */
	assert_true(fabs(sampling_auto_window_s(40001, 1) - 20000.0 / 40001) < 1e-12);
	assert_true(sampling_auto_window_s(0, 5) == 5);
	/* 10 Mpps: never shorter than the shortest window that measures anything */
	assert_true(sampling_auto_window_s(1e7, 1) == SAMPLING_MIN_WINDOW_S);
	/* an unknown rate: the first window, a tenth */
	assert_true(fabs(sampling_auto_window_s(NAN, 5) - 0.5) < 1e-12);
	assert_true(fabs(sampling_auto_window_s(-1, 1) - 0.1) < 1e-12);
}

/* While sampling, one window each SAMPLING_AUTO_PERIOD_S; every interval while it is the interval. */
static void test_auto_window_period(void **state)
{
	unsigned long opened = 0, since = 0;

	(void)state;
	assert_int_equal(sampling_auto_every(1), 5);
	assert_int_equal(sampling_auto_every(0.5), 10);
	assert_int_equal(sampling_auto_every(2), 3);	/* 2.5 intervals: the nearer is 3 (6 s) */
	assert_int_equal(sampling_auto_every(5), 1);
	assert_int_equal(sampling_auto_every(60), 1);
	/* 1 s intervals, sampling at a rate the device confirms: 20 windows in 100 s */
	for (int t = 0; t < 100; t++) {
		if (sampling_auto_due(0.1, 1, since, 500000)) {
			opened++;
			since = 0;
		} else {
			since++;
		}
	}
	assert_int_equal(opened, 20);
	/* the whole interval traced: every interval, whatever came before */
	assert_true(sampling_auto_due(1, 1, 0, 500000));
	/* the device says the rate fell under the whole-interval limit: at once */
	assert_true(sampling_auto_due(0.1, 1, 0, 2.0 * SAMPLING_AUTO_PACKETS));
	assert_false(sampling_auto_due(0.1, 1, 0, 2.0 * SAMPLING_AUTO_PACKETS + 1));
	/* the device's count unknown: the period alone */
	assert_false(sampling_auto_due(0.1, 1, 3, NAN));
	assert_true(sampling_auto_due(0.1, 1, 4, NAN));
}

static void test_live_default(void **state)
{
	(void)state;
	assert_int_equal(sampling_live_default(true, false, 1), SAMPLING_AUTO);
	assert_int_equal(sampling_live_default(false, false, 1), 1);	/* veth, lo */
	assert_int_equal(sampling_live_default(true, true, 1), 1);	/* --latency follows every packet */
	assert_int_equal(sampling_live_default(true, false, 0.05), 1);	/* no room for auto's first window */
	assert_true(sampling_check(sampling_live_default(true, false, 0.1), 0.1));
}

static void test_fixed_windows(void **state)
{
	(void)state;
	assert_true(sampling_window_s(10, 1) == 0.1);
	assert_true(sampling_window_s(1, 2) == 2);
	assert_true(sampling_window_s(0, 2) == 2);
	assert_true(fabs(sampling_window_s(SAMPLING_AUTO, 5) - 0.5) < 1e-12);
	assert_true(sampling_check(10, 1));
	assert_false(sampling_check(100, 0.5));	/* 5 ms: too short */
	assert_true(sampling_check(SAMPLING_AUTO, 0.1));
	assert_false(sampling_check(SAMPLING_AUTO, 0.05));
}

/* The start leaves room for the window; a whole-interval window starts at once. */
static void test_start_fits_the_window(void **state)
{
	(void)state;
	srand48(1);
	for (int i = 0; i < 1000; i++) {
		double s = sampling_start_s(0.3, 1);

		assert_true(s >= 0 && s + 0.3 <= 1 + 1e-12);
	}
	assert_true(sampling_start_s(1, 1) == 0);
}

static void test_parse(void **state)
{
	unsigned int n = 7;
	char buf[12];
	(void)state;
	assert_true(sampling_parse("auto", 2, &n));
	assert_int_equal(n, SAMPLING_AUTO);
	assert_string_equal(sampling_word(n, buf), "auto");
	assert_true(sampling_parse("10", 2, &n));
	assert_int_equal(n, 10);
	assert_string_equal(sampling_word(n, buf), "10");
	assert_false(sampling_parse("1", 2, &n));
	assert_false(sampling_parse("101", 1, &n));
	assert_false(sampling_parse("Auto", 1, &n));
	assert_false(sampling_parse("", 1, &n));
	assert_int_equal(n, 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auto_window_holds_the_packets),
		cmocka_unit_test(test_auto_window_period),
		cmocka_unit_test(test_live_default),
		cmocka_unit_test(test_fixed_windows),
		cmocka_unit_test(test_start_fits_the_window),
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
