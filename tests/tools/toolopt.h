/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Strict option numbers for the traffic tools (standalone, libc only). */
#ifndef LT_TOOLOPT_H
#define LT_TOOLOPT_H
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* The whole string a finite number in [lo, hi]?  0 and *out set, else -1. */
static inline int tool_num(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* One line naming the bad value and what was expected; the exit code (2). */
static inline int tool_bad(const char *tool, const char *opt, const char *v, const char *want)
{
	fprintf(stderr, "%s: bad value '%s' for %s: expected %s\n", tool, v, opt, want);
	return 2;
}

#endif
