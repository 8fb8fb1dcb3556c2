// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* --sample N|auto: the window of each interval (see sampling.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "numparse.h"
#include "sampling.h"

bool sampling_parse(const char *arg, unsigned int min, unsigned int *n)
{
	uint64_t u;

	if (!strcmp(arg, "auto")) {
		*n = SAMPLING_AUTO;
		return true;
	}
	if (!num_parse_u64(arg, "--sample", min, SAMPLING_MAX, &u))
		return false;
	*n = (unsigned int)u;
	return true;
}

const char *sampling_word(unsigned int n, char buf[12])
{
	if (n == SAMPLING_AUTO)
		return "auto";
	snprintf(buf, 12, "%u", n);
	return buf;
}

bool sampling_check(unsigned int n, double interval_s)
{
	double w = sampling_window_s(n, interval_s);

	if (n <= 1 || w >= SAMPLING_MIN_WINDOW_S)
		return true;
	if (n == SAMPLING_AUTO)
		cli_usage("--sample auto needs an interval of at least %g s",
			  SAMPLING_MIN_WINDOW_S * SAMPLING_AUTO_FIRST);
	else
		cli_usage("--sample %u leaves a window of %.3f s in a %g s interval: the window must be >= %g s (fewer N or a longer interval)",
			  n, w, interval_s, SAMPLING_MIN_WINDOW_S);
	return false;
}

double sampling_window_s(unsigned int n, double interval_s)
{
	if (n == SAMPLING_AUTO)
		return interval_s / SAMPLING_AUTO_FIRST;
	return n > 1 ? interval_s / n : interval_s;
}

double sampling_auto_window_s(double rate_pps, double interval_s)
{
	double w;

	if (!isfinite(rate_pps) || rate_pps < 0)
		return interval_s / SAMPLING_AUTO_FIRST;
	/* more than half the interval: all of it, kept attached (no detach for little saving) */
	if (rate_pps * interval_s <= 2.0 * SAMPLING_AUTO_PACKETS)
		return interval_s;
	w = SAMPLING_AUTO_PACKETS / rate_pps;
	return w < SAMPLING_MIN_WINDOW_S ? SAMPLING_MIN_WINDOW_S : w;
}

unsigned long sampling_auto_every(double interval_s)
{
	double k = interval_s > 0 ? floor(SAMPLING_AUTO_PERIOD_S / interval_s + 0.5) : 1;

	return k >= 1 ? (unsigned long)k : 1;
}

bool sampling_auto_due(double window_s, double interval_s, unsigned long since, double dev_pps)
{
	if (window_s >= interval_s || since + 1 >= sampling_auto_every(interval_s))
		return true;
	return isfinite(dev_pps) && dev_pps >= 0 && dev_pps * interval_s <= 2.0 * SAMPLING_AUTO_PACKETS;
}

unsigned int sampling_live_default(bool own_irqs, bool latency, double interval_s)
{
	if (!own_irqs || latency || interval_s < SAMPLING_MIN_WINDOW_S * SAMPLING_AUTO_FIRST)
		return 1;
	return SAMPLING_AUTO;
}

double sampling_start_s(double window_s, double interval_s)
{
	return window_s < interval_s ? (interval_s - window_s) * drand48() : 0;
}
