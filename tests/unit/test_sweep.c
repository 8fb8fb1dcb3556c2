// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The sweep command's own parsing (src/cmd_sweep.c): the value lists of --rx-usecs and --rx-frames. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>
#include <cmocka.h>
#include "sweep.h"

static void test_parse_list(void **state)
{
	uint32_t v[SWEEP_MAX_VALUES];
	int saved = dup(2), null = open("/dev/null", O_WRONLY);
	(void)state;
	assert_int_equal(sweep_parse_list("0,8,32,128", "--rx-usecs", 10000, v, SWEEP_MAX_VALUES), 4);
	assert_true(v[0] == 0 && v[1] == 8 && v[2] == 32 && v[3] == 128);
	assert_int_equal(sweep_parse_list("64", "--rx-usecs", 10000, v, SWEEP_MAX_VALUES), 1);
	assert_int_equal(v[0], 64);
	/* the errors print one line each; keep them off the test output */
	fflush(stderr);
	dup2(null, 2);
	assert_int_equal(sweep_parse_list("1,", "--rx-usecs", 10000, v, SWEEP_MAX_VALUES), -1);
	assert_int_equal(sweep_parse_list(",1", "--rx-usecs", 10000, v, SWEEP_MAX_VALUES), -1);
	assert_int_equal(sweep_parse_list("1,,2", "--rx-usecs", 10000, v, SWEEP_MAX_VALUES), -1);
	assert_int_equal(sweep_parse_list("-1", "--rx-usecs", 10000, v, SWEEP_MAX_VALUES), -1);
	assert_int_equal(sweep_parse_list("10001", "--rx-usecs", 10000, v, SWEEP_MAX_VALUES), -1);
	assert_int_equal(sweep_parse_list("8us", "--rx-usecs", 10000, v, SWEEP_MAX_VALUES), -1);
	assert_int_equal(sweep_parse_list("", "--rx-usecs", 10000, v, SWEEP_MAX_VALUES), -1);
	assert_int_equal(sweep_parse_list("1,2,3", "--rx-usecs", 10000, v, 2), -1);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(null);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
