/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Histograms as text: rows of bars, for the exit summaries. */
#ifndef LT_HIST_VIEW_H
#define LT_HIST_VIEW_H
#include <stdint.h>
#include <stdio.h>

#define HIST_VIEW_BAR_WIDTH	40	/* characters of the longest bar */

/* The largest count of h[0..n). */
uint64_t hist_view_max(const uint64_t *h, int n);
/* " |####   | N" for a row of count n when the largest row is max. */
void hist_view_bar(FILE *f, uint64_t n, uint64_t max);
/* A log2 histogram of nanoseconds under its title, non-empty rows only; `none` when all are empty. */
void hist_view_log2ns(FILE *f, const char *title, const uint64_t *h, int slots, const char *none);

#endif
