// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* What a coalescing setting should give: the interrupt cap and the prediction, pure (see coalesce.h). */
#include <math.h>
#include <string.h>
#include "coalesce.h"
#include "model.h"

double coal_irq_cap(const struct ethtool_coalesce *ec, const char *driver, double lambda)
{
	double u = ec->rx_coalesce_usecs, f = ec->rx_max_coalesced_frames, by_time, by_frames;

	if (ec->use_adaptive_rx_coalesce || coal_usecs_note(driver, ec->rx_coalesce_usecs) || !(lambda > 0))
		return NAN;
	by_time = u > 0 ? 1e6 / (u * lambda) : 1;
	by_frames = f > 0 ? 1 / f : 1;
	if (u > 0 && f > 0)
		return fmin(1, fmax(by_time, by_frames));
	return fmin(1, u > 0 ? by_time : by_frames);
}

/* Drivers whose rx-usecs is a minimum gap between interrupts (an interrupt throttle rate register). */
static const char *const throttle_drivers[] = { "e1000", "e1000e", "igb", "igc", "ixgbe", "ixgbevf", "i40e", "iavf", "ice" };

enum coal_timer coal_timer_of(const char *driver)
{
	for (size_t i = 0; i < sizeof(throttle_drivers) / sizeof(throttle_drivers[0]); i++)
		if (driver && !strcmp(driver, throttle_drivers[i]))
			return COAL_TIMER_THROTTLE;
	return COAL_TIMER_DELAY;
}

const char *coal_timer_name(enum coal_timer t)
{
	return t == COAL_TIMER_THROTTLE ? "throttle" : "delay";
}

/* E[(v - X)+] for X ~ Exp(l): the mean of what is left of a window of v after the first arrival. */
static double left_of(double v, double l)
{
	return v > 0 ? v + expm1(-l * v) / l : 0;
}

/*
 * Throttle: an interrupt at 0; the next packet arrives at X ~ Exp(l).  Past
 * the gap u it interrupts at once; before it, it and every packet arriving
 * until u wait for u.  Per such cycle the packets delayed by more than d
 * are the first (if X < u - d) and the l.(u - d - X)+ arriving after it.
 */
static double throttle_tail(double u, double l, double d)
{
	double pkts = 1 + l * left_of(u, l);

	if (d >= u)
		return 0;
	return (-expm1(-l * (u - d)) + l * left_of(u - d, l)) / pkts;
}

/* P(Poisson(m) >= j) and P(Poisson(m) < j), summed from the terms that matter */
static double pois_ge(double m, double j)
{
	double lt = 0, lo = fmax(0, m - 40 * sqrt(m + 1) - 40);

	if (j <= lo)
		return 1;
	for (double k = lo; k < j && k <= m + 40 * sqrt(m + 1) + 40; k++)
		lt += exp(model_log_poisson(k, m));
	return fmax(0, 1 - lt);
}

/*
 * Delay: the window opens on the first packet (j = 0 at time 0) and closes
 * at min(u, T_(F-1)), T_j the j-th arrival after it.  Packet j waits past
 * d when T_j < u - d and T_(F-1) - T_j > d (an independent Erlang), and is
 * in the window when T_j < u.  Without a frame count (f < 2), every packet
 * arriving before u is in it and packet j waits u - T_j.
 */
static double delay_tail(double u, double f, double l, double d)
{
	double in = 0, late = 0, top;

	if (d >= u)
		return 0;
	if (f < 2)
		return (1 + l * (u - d)) / (1 + l * u);
	top = fmin(f - 1, l * u + 40 * sqrt(l * u + 1) + 40);
	for (double j = 0; j <= top; j++) {
		double before_u = j ? pois_ge(l * u, j) : 1;

		in += before_u;
		if (j < f - 1)
			late += (j ? pois_ge(l * (u - d), j) : 1) * (1 - pois_ge(l * d, f - 1 - j));
	}
	return in > 0 ? late / in : 0;
}

static double tail(enum coal_timer t, double w, double f, double l, double d)
{
	return t == COAL_TIMER_THROTTLE ? throttle_tail(w, l, d) : delay_tail(w, f, l, d);
}

#define MEAN_STEPS	256	/* Simpson steps for the mean of a window with a frame count */

bool coal_added_delay(enum coal_timer t, double usecs, double frames, double lambda_pps,
		      double *mean_s, double *p99_s)
{
	double w = usecs * 1e-6, l = lambda_pps, f = t == COAL_TIMER_DELAY ? frames : 0, lo = 0, hi;

	*mean_s = *p99_s = NAN;
	if (!(w >= 0) || !isfinite(w) || !(l >= 0) || !isfinite(l) || !(frames >= 0) || !isfinite(frames))
		return false;
	if (!(w > 0) || !(l > 0) || (t == COAL_TIMER_DELAY && frames == 1)) {
		*mean_s = *p99_s = 0;	/* no timer, no traffic, or an interrupt per frame */
		return true;
	}
	if (t == COAL_TIMER_THROTTLE) {
		double a = left_of(w, l), a2 = w * w - 2 * w / l - 2 * expm1(-l * w) / (l * l);

		*mean_s = (a + l * a2 / 2) / (1 + l * a);
	} else if (f < 2) {
		*mean_s = (w + l * w * w / 2) / (1 + l * w);
	} else {	/* the mean is the integral of the tail */
		double h = w / MEAN_STEPS, sum = tail(t, w, f, l, 0) + tail(t, w, f, l, w);

		for (int i = 1; i < MEAN_STEPS; i++)
			sum += (i % 2 ? 4 : 2) * tail(t, w, f, l, i * h);
		*mean_s = sum * h / 3;
	}
	hi = w;
	if (tail(t, w, f, l, 0) <= COAL_TAIL) {
		*p99_s = 0;
		return true;
	}
	for (int i = 0; i < 60; i++) {
		double mid = (lo + hi) / 2;

		if (tail(t, w, f, l, mid) > COAL_TAIL)
			lo = mid;
		else
			hi = mid;
	}
	*p99_s = hi;
	return true;
}
