// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "numparse.h"

#define WHOLE_EXACT 9007199254740992.0	/* 2^53: every whole double up to here is exact */

static void bad(const char *s, const char *opt, const char *want)
{
	cli_usage("bad value '%s' for %s: expected %s", s, opt, want);
}

static size_t digits(const char *s)
{
	size_t n = 0;

	while (s[n] >= '0' && s[n] <= '9')
		n++;
	return n;
}

size_t num_decimal_len(const char *s)
{
	size_t at = 0, n;

	if (!s)
		return 0;
	if (s[at] == '-')
		at++;
	if (!(n = digits(s + at)))
		return 0;
	at += n;
	if (s[at] == '.') {
		if (!(n = digits(s + at + 1)))
			return 0;
		at += 1 + n;
	}
	if (s[at] == 'e' || s[at] == 'E') {
		size_t e = at + 1;

		if (s[e] == '+' || s[e] == '-')
			e++;
		if (!(n = digits(s + e)))
			return 0;
		at = e + n;
	}
	return at;
}

size_t num_decimal_read(const char *s, double *out)
{
	size_t len = num_decimal_len(s);
	char *end;
	double v;

	if (!len)
		return 0;
	v = strtod(s, &end);	/* the grammar is a subset of strtod's: it stops where we do */
	if (end != s + len || !isfinite(v))
		return 0;
	*out = v;
	return len;
}

/* A whole string under the grammar, finite, not rounded to 0 or out of range. */
static bool parse_dbl(const char *s, double *out)
{
	size_t len;

	errno = 0;
	len = num_decimal_read(s, out);
	return len && s[len] == '\0' && errno == 0;
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
	char want[96];
	double d;
	uint64_t v;

	snprintf(want, sizeof(want), "a whole number from %" PRIu64 " to %" PRIu64,
		 min, max);
	if (!parse_dbl(s, &d) || d < 0 || d != floor(d)) {
		bad(s ? s : "", opt, want);
		return false;
	}
	if (!strpbrk(s, ".eE-")) {
		/* plain digits: exact beyond 2^53 */
		errno = 0;
		v = strtoull(s, NULL, 10);
		if (errno) {
			bad(s, opt, want);
			return false;
		}
	} else if (d <= WHOLE_EXACT) {
		v = (uint64_t)d;
	} else {
		bad(s, opt, want);
		return false;
	}
	if (v < min || v > max) {
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
	double n;

	if (r->to <= r->from)
		return 1;
	n = floor((r->to - r->from) / r->step + 1e-9) + 1;
	/* a step tiny against the span (1e-300 over 1e9: inf) is more points than any caller takes */
	return n < (double)UINT64_MAX ? (uint64_t)n : UINT64_MAX;
}

double num_range_at(const struct num_range *r, uint64_t i)
{
	return r->from + (double)i * r->step;
}

static bool takes_value(const char *word, const struct option *lo)
{
	size_t n = strlen(word + 2);

	if (strncmp(word, "--", 2) || strchr(word, '='))
		return false;
	for (; lo && lo->name; lo++)
		if (lo->has_arg == required_argument && !strncmp(lo->name, word + 2, n))
			return true;	/* getopt takes unique prefixes too */
	return false;
}

int num_negative_operand(int argc, char **argv, const struct option *longopts,
			 int *operands_before, int *first)
{
	int operands = 0;

	*first = 0;
	for (int i = 1; i < argc; i++) {
		const char *w = argv[i];

		if (!strcmp(w, "--"))
			break;
		if (w[0] != '-' || !w[1]) {
			if (!operands++)
				*first = i;
			continue;
		}
		if (num_decimal_len(w) == strlen(w)) {
			*operands_before = operands;
			return i;
		}
		if (takes_value(w, longopts))
			i++;
	}
	return 0;
}
