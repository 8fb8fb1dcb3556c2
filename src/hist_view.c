// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Histograms as text (hist_view.h). */
#include "hist_view.h"

uint64_t hist_view_max(const uint64_t *h, int n)
{
	uint64_t m = 0;

	for (int i = 0; i < n; i++)
		if (h[i] > m)
			m = h[i];
	return m;
}

void hist_view_bar(FILE *f, uint64_t n, uint64_t max)
{
	int w = max ? (int)((double)n * HIST_VIEW_BAR_WIDTH / (double)max + 0.5) : 0;

	if (n && !w)
		w = 1;
	fprintf(f, " |%-*.*s| %llu\n", HIST_VIEW_BAR_WIDTH, w,
		"########################################################################",
		(unsigned long long)n);
}

void hist_view_log2ns(FILE *f, const char *title, const uint64_t *h, int slots, const char *none)
{
	uint64_t m = hist_view_max(h, slots);

	fprintf(f, "\n%s:\n", title);
	if (!m)
		fprintf(f, "  %s\n", none);
	for (int i = 0; i < slots && m; i++) {
		if (!h[i])
			continue;
		fprintf(f, "  %10llu .. %-10llu ns", i ? 1ull << i : 0ull, (2ull << i) - 1);
		hist_view_bar(f, h[i], m);
	}
}
