/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * --sample N|auto, for the live command and the exporter: the per-event
 * probes are attached for one window in each interval, at a random place in
 * it (probe_window_begin/probe_window_end attach and detach).  N: a window of
 * INTERVAL/N; N of 0 or 1 means always attached.  auto: a window that holds
 * about SAMPLING_AUTO_PACKETS packets at the rate the last window saw (the
 * whole interval, left attached, while the rate is lower), so the probes'
 * CPU time per interval stays about the same whatever the packet rate.
 */
#ifndef LT_SAMPLING_H
#define LT_SAMPLING_H
#include <stdbool.h>

#define SAMPLING_MAX		100	/* --sample N: at most 1/100 of the interval */
#define SAMPLING_MIN_WINDOW_S	0.01	/* a window shorter than this measures nothing */
#define SAMPLING_AUTO		1000	/* --sample auto (above SAMPLING_MAX: "sampled" to every N > 1 test) */
#define SAMPLING_AUTO_PACKETS	20000	/* auto: packets a window holds */
#define SAMPLING_AUTO_FIRST	10	/* auto: the first window, before any rate is known: 1/10 */
#define SAMPLING_AUTO_PERIOD_S	5.0	/* auto, sampling: at most one window this often */

/* "auto" or a whole number min..SAMPLING_MAX into *n; else one usage line and false. */
bool sampling_parse(const char *arg, unsigned int min, unsigned int *n);
/* "auto", or N as text (buf of 12 bytes). */
const char *sampling_word(unsigned int n, char buf[12]);
/* N gives a window of at least SAMPLING_MIN_WINDOW_S; else one usage line and false. */
bool sampling_check(unsigned int n, double interval_s);
/* The window's length: interval_s / N (interval_s when N <= 1; auto: its first window). */
double sampling_window_s(unsigned int n, double interval_s);
/*
 * auto: the next interval's window from the packet rate of the last window
 * (not finite or < 0: unknown, the first window's length).  interval_s
 * itself means attached all interval long: while an interval holds at
 * most twice SAMPLING_AUTO_PACKETS, no packets included (a window of more
 * than half the interval would save little, and a rate near the limit
 * would detach and reattach the probes every interval).  A jump in the
 * rate is traced in full for the one interval that follows it.
 */
double sampling_auto_window_s(double rate_pps, double interval_s);
/*
 * auto: does the interval after `since` intervals without a window open one?
 * While the window is the whole interval, every interval (it stays
 * attached).  While sampling, one every SAMPLING_AUTO_PERIOD_S (the nearest
 * whole number of intervals, at least 1): attaching and detaching a window
 * costs the packet path about as much as 1% of a second of tracing (README
 * "What the default costs"), so windows every second would cost more than
 * the packets they trace.  Also at once when the device's own count says the
 * rate fell to where the whole interval is traced (dev_pps; not finite:
 * unknown).
 */
bool sampling_auto_due(double window_s, double interval_s, unsigned long since, double dev_pps);
/* The intervals from one window to the next while sampling. */
unsigned long sampling_auto_every(double interval_s);
/*
 * The live view's sampling when neither --sample nor --full is given: auto
 * on a NIC with interrupts of its own (the hot path of a production server),
 * always attached where every probe is cheap enough or needed (a veth or
 * loopback, --latency, an interval too short for auto's first window).
 */
unsigned int sampling_live_default(bool own_irqs, bool latency, double interval_s);
/* Where a window of window_s starts, from the interval's start: uniform over what is left. */
double sampling_start_s(double window_s, double interval_s);

#endif
