/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * --sample N, for the live command and the exporter: the per-event probes
 * are attached for one window of INTERVAL/N in each interval, at a random
 * place in it (probe_window_begin/probe_window_end attach and detach).
 * N of 0 or 1 means always attached.
 */
#ifndef LT_SAMPLING_H
#define LT_SAMPLING_H
#include <stdbool.h>

#define SAMPLING_MAX		100	/* --sample N: at most 1/100 of the interval */
#define SAMPLING_MIN_WINDOW_S	0.01	/* a window shorter than this measures nothing */

/* N gives a window of at least SAMPLING_MIN_WINDOW_S; else one usage line and false. */
bool sampling_check(unsigned int n, double interval_s);
/* The window's length: interval_s / N (interval_s when N <= 1). */
double sampling_window_s(unsigned int n, double interval_s);
/* Where this interval's window starts, from the interval's start: uniform over what is left. */
double sampling_start_s(unsigned int n, double interval_s);

#endif
