/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Numbers: one grammar for every option and for the record reader, integers
 * and floats alike:  -?DIGITS(.DIGITS)?([eE][+-]?DIGITS)?
 * Decimal only: no hex (0x10, 0x1p20), no inf or nan, no leading '+' or '.',
 * no spaces.  Integers are the numbers of that grammar with a whole value.
 */
#ifndef LT_NUMPARSE_H
#define LT_NUMPARSE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A rate sweep FROM:TO:STEP, or a single value (from == to, step == 1). */
struct num_range {
	double from, to, step;
};

/* Length of the number at s under the grammar, or 0 (s does not start with one). */
size_t num_decimal_len(const char *s);
/*
 * Reads the number at s: its length, with a finite *out, or 0 (not a number,
 * or out of the range of doubles).
 */
size_t num_decimal_read(const char *s, double *out);

/*
 * Each parser accepts the whole string or nothing.  On failure it prints
 * "livelock-trace: bad value 'x' for --opt: expected ..." to stderr and
 * returns false; *out is untouched.  `opt` names the option in that line.
 */
bool num_parse_double(const char *s, const char *opt, double min, double max,
		      double *out);
/* Like num_parse_double but min is exclusive: (min, max]. */
bool num_parse_double_gt(const char *s, const char *opt, double min, double max,
			 double *out);
bool num_parse_u64(const char *s, const char *opt, uint64_t min, uint64_t max,
		   uint64_t *out);
/* "FROM:TO:STEP" or "VALUE"; every number in (0, max], FROM <= TO, STEP > 0. */
bool num_parse_range(const char *s, const char *opt, double max,
		     struct num_range *out);
/* Number of points FROM, FROM+STEP, ... not beyond TO. */
uint64_t num_range_points(const struct num_range *r);
double num_range_at(const struct num_range *r, uint64_t i);

/*
 * The first word of argv that getopt would read as an unknown option but
 * that is a negative number (INTERVAL -1): its index, or 0.  Words that are
 * the value of an option (longopts with required_argument given apart) and
 * everything after "--" are skipped.  *operands_before: the operands (words
 * that are neither options nor their values) in front of it, *first the
 * index of the first operand (0: none).
 */
struct option;
int num_negative_operand(int argc, char **argv, const struct option *longopts,
			 int *operands_before, int *first);

#endif
