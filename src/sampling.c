// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* --sample N: the window of each interval (see sampling.h). */
#include <stdlib.h>
#include "cli.h"
#include "sampling.h"

bool sampling_check(unsigned int n, double interval_s)
{
	if (n <= 1 || interval_s / n >= SAMPLING_MIN_WINDOW_S)
		return true;
	cli_usage("--sample %u leaves a window of %.3f s in a %g s interval: the window must be >= %g s (fewer N or a longer interval)",
		  n, interval_s / n, interval_s, SAMPLING_MIN_WINDOW_S);
	return false;
}

double sampling_window_s(unsigned int n, double interval_s)
{
	return n > 1 ? interval_s / n : interval_s;
}

double sampling_start_s(unsigned int n, double interval_s)
{
	return (interval_s - sampling_window_s(n, interval_s)) * drand48();
}
