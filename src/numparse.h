/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Command-line numbers: strict parsing with a range, one clear error line. */
#ifndef LT_NUMPARSE_H
#define LT_NUMPARSE_H
#include <stdbool.h>
#include <stdint.h>

/* A rate sweep FROM:TO:STEP, or a single value (from == to, step == 1). */
struct num_range {
	double from, to, step;
};

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

#endif
