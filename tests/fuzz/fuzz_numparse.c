// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The number parser: each line of the input through the grammar and every
 * option parser, with the invariants numparse.h promises: a number read is
 * finite and no longer than the grammar's match, an accepted value is in
 * its range, a range's points lie between FROM and TO.
 */
#include <math.h>
#include "fuzz_common.h"
#include "numparse.h"

static void one(const char *s)
{
	double d = 0;
	uint64_t u = 0;
	struct num_range r;
	size_t len = num_decimal_len(s), rlen = num_decimal_read(s, &d);

	if (rlen && (rlen != len || !isfinite(d)))
		abort();
	if (num_parse_double(s, "--x", -1e6, 1e6, &d) && !(d >= -1e6 && d <= 1e6))
		abort();
	if (num_parse_double_gt(s, "--x", 0, 1e6, &d) && !(d > 0 && d <= 1e6))
		abort();
	if (num_parse_u64(s, "--x", 1, 1000000, &u) && !(u >= 1 && u <= 1000000))
		abort();
	if (num_parse_u64(s, "--x", 0, UINT64_MAX, &u) && s[0] == '-' && u != 0)
		abort();	/* no negative integer wraps around */
	if (num_parse_range(s, "--rate", 1e9, &r)) {
		uint64_t n = num_range_points(&r);

		if (!(r.from > 0 && r.from <= r.to && r.to <= 1e9 && r.step > 0) || n < 1)
			abort();
		for (uint64_t i = 0; i < n && i < 16; i++)
			if (!(num_range_at(&r, i) >= r.from && num_range_at(&r, i) <= r.to * (1 + 1e-9)))
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size), *line = text, *nl;

	for (int i = 0; line && i < 64; i++, line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		one(line);
	}
	free(text);
	return 0;
}
