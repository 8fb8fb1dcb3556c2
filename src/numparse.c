// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "numparse.h"

static void bad(const char *s, const char *opt, const char *want)
{
	fprintf(stderr, "livelock-trace: bad value '%s' for %s: expected %s\n",
		s, opt, want);
}

static bool parse_dbl(const char *s, double *out)
{
	char *end;

	if (!s || !*s)
		return false;
	errno = 0;
	*out = strtod(s, &end);
	return errno == 0 && *end == '\0' && end != s && isfinite(*out);
}

bool num_parse_double(const char *s, const char *opt, double min, double max,
		      double *out)
{
	double v;
	char want[96];

	snprintf(want, sizeof(want), "a number from %g to %g", min, max);
	if (!parse_dbl(s, &v) || v < min || v > max) {
		bad(s, opt, want);
		return false;
	}
	*out = v;
	return true;
}

bool num_parse_double_gt(const char *s, const char *opt, double min, double max,
			 double *out)
{
	double v;
	char want[96];

	snprintf(want, sizeof(want), "a number above %g, at most %g", min, max);
	if (!parse_dbl(s, &v) || v <= min || v > max) {
		bad(s, opt, want);
		return false;
	}
	*out = v;
	return true;
}

bool num_parse_u64(const char *s, const char *opt, uint64_t min, uint64_t max,
		   uint64_t *out)
{
	unsigned long long v;
	char *end;
	char want[96];

	snprintf(want, sizeof(want), "a whole number from %" PRIu64 " to %" PRIu64,
		 min, max);
	errno = 0;
	if (!s || !*s || *s == '-' || *s == '+') {
		bad(s ? s : "", opt, want);
		return false;
	}
	v = strtoull(s, &end, 10);
	if (errno || *end || end == s || v < min || v > max) {
		bad(s, opt, want);
		return false;
	}
	*out = v;
	return true;
}

bool num_parse_range(const char *s, const char *opt, double max,
		     struct num_range *out)
{
	char buf[128], *parts[3], *save = NULL, *tok;
	double v[3];
	int n = 0;
	char want[128];

	snprintf(want, sizeof(want),
		 "FROM:TO:STEP or a single value, each above 0 and at most %g, FROM <= TO", max);
	if (!s || strlen(s) >= sizeof(buf) || strstr(s, "::") || s[0] == ':') {
		bad(s ? s : "", opt, want);
		return false;
	}
	strcpy(buf, s);
	for (tok = strtok_r(buf, ":", &save); tok; tok = strtok_r(NULL, ":", &save)) {
		if (n == 3) {
			bad(s, opt, want);
			return false;
		}
		parts[n++] = tok;
	}
	if (n != 1 && n != 3) {
		bad(s, opt, want);
		return false;
	}
	for (int i = 0; i < n; i++)
		if (!parse_dbl(parts[i], &v[i]) || v[i] <= 0 || v[i] > max) {
			bad(s, opt, want);
			return false;
		}
	if (n == 1) {
		out->from = out->to = v[0];
		out->step = 1;
		return true;
	}
	if (v[0] > v[1]) {
		bad(s, opt, want);
		return false;
	}
	out->from = v[0];
	out->to = v[1];
	out->step = v[2];
	return true;
}

uint64_t num_range_points(const struct num_range *r)
{
	if (r->to <= r->from)
		return 1;
	return (uint64_t)floor((r->to - r->from) / r->step + 1e-9) + 1;
}

double num_range_at(const struct num_range *r, uint64_t i)
{
	return r->from + (double)i * r->step;
}
