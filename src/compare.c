// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Comparing recorded runs: the metrics, the steady rule, verdicts (see compare.h). */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "compare.h"

const struct cmp_metric_info cmp_metrics[CMP_METRICS] = {
	[CMP_LAMBDA]		= { "lambda", "pps", 0 },
	[CMP_OBSERVED]		= { "observed", "pps", +1 },
	[CMP_PREDICTED]		= { "predicted", "pps", 0 },
	[CMP_ERROR]		= { "error", "%", 0 },
	[CMP_IRQS_PS]		= { "interrupts", "/s", -1 },
	[CMP_IRQS_PKT]		= { "interrupts/packet", "", -1 },
	[CMP_ISR_US]		= { "1/r ISR", "us", -1 },
	[CMP_BATCH]		= { "batch", "pkts", 0 },
	[CMP_IRQ_SHARE]		= { "CPU at interrupt priority", "%", -1 },
	[CMP_CPU_PER_PKT]	= { "CPU per delivered packet", "us", -1 },
	[CMP_DROP_NIC]		= { "drops at the NIC", "/s", -1 },
	[CMP_DROP_BACKLOG]	= { "drops in the backlog", "/s", -1 },
	[CMP_DROP_SOCKET]	= { "drops at sockets", "/s", -1 },
	[CMP_DROP_OTHER]	= { "other drops", "/s", -1 },
	[CMP_COPY_US]		= { "1/c per packet", "us", -1 },
	[CMP_PROTO_US]		= { "1/mu protocol", "us", -1 },
	[CMP_MLFRR]		= { "predicted MLFRR", "pps", +1 },
	[CMP_LIVELOCK]		= { "predicted livelock point", "pps", +1 },
	[CMP_LAT_STACK_P99]	= { "p99 stack to socket", "us", -1 },
	[CMP_LAT_READ_P99]	= { "p99 socket to read", "us", -1 },
	[CMP_LAT_RUN_P99]	= { "p99 reader's wait for a CPU", "us", -1 },
	[CMP_APP_WAKEUPS]	= { "application wakeups", "/s", 0 },
	[CMP_KSOFTIRQD]		= { "NAPI polls in ksoftirqd", "%", 0 },
	[CMP_NAPI_POLLS]	= { "NAPI polls", "/s", 0 },
	[CMP_EMPTY_POLL_CPU]	= { "CPU in polls that found nothing", "%", -1 },
};

static const char *const verdict_names[] = { "same (within noise)", "better", "worse", "different", "-" };

const char *compare_verdict_name(enum cmp_verdict v)
{
	return verdict_names[v];
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median of the finite values of v[0..n) (scratch: tmp), NAN when there is none. */
static double median(const double *v, unsigned int n, double *tmp)
{
	unsigned int k = 0;

	for (unsigned int i = 0; i < n; i++)
		if (isfinite(v[i]))
			tmp[k++] = v[i];
	if (!k)
		return NAN;
	qsort(tmp, k, sizeof(*tmp), cmp_dbl);
	return k % 2 ? tmp[k / 2] : (tmp[k / 2 - 1] + tmp[k / 2]) / 2;
}

/* The steady level of v and how far from it an interval may be. */
struct steady {
	double level, allowed;
};

static struct steady steady_of(const double *v, unsigned int n, double *tmp, double *dev)
{
	struct steady s = { median(v, n, tmp), 0 };

	for (unsigned int i = 0; i < n; i++)
		dev[i] = fabs(v[i] - s.level);
	s.allowed = fmax(CMP_STEADY_ROBUST_SDS * 1.4826 * median(dev, n, tmp),
			 CMP_STEADY_MIN_SHARE * fabs(s.level));
	return s;
}

/* A missing value says nothing against an interval. */
static bool off(const struct steady *s, double x)
{
	return isfinite(x) && isfinite(s->level) && fabs(x - s->level) > s->allowed;
}

/*
 * The level comes from the intervals between the first and the last, the
 * ones a ramp may hold: in a short run the edges are a third or half of the
 * intervals and would set the median themselves (traffic of two seconds
 * over three intervals reads half, full, half).  A majority stays, and in a
 * run of three or four both edges may go.
 */
unsigned int compare_steady_range(const double *lambda, const double *observed, unsigned int n,
				  unsigned int *from, unsigned int *to)
{
	unsigned int lo = 0, hi = n, keep;
	double *tmp = n >= 3 ? malloc(2 * n * sizeof(*tmp)) : NULL;
	struct steady l, o;

	*from = 0;
	*to = n;
	if (!tmp)	/* under three there is no inside to call steady */
		return 0;
	keep = n / 2 + 1 < n - 2 ? n / 2 + 1 : n - 2;	/* a majority, or the inside of 3 or 4 */
	l = steady_of(lambda + 1, n - 2, tmp, tmp + n);
	o = steady_of(observed + 1, n - 2, tmp, tmp + n);
	free(tmp);
	while (hi - lo > keep && (off(&l, lambda[lo]) || off(&o, observed[lo])))
		lo++;
	while (hi - lo > keep && (off(&l, lambda[hi - 1]) || off(&o, observed[hi - 1])))
		hi--;
	*from = lo;
	*to = hi;
	return n - (hi - lo);
}

enum cmp_verdict compare_verdict(const struct cmp_run *a, const struct cmp_run *b, enum cmp_metric m,
				 double *diff_pct)
{
	const struct cmp_stat *x = &a->m[m], *y = &b->m[m];
	double d = y->mean - x->mean;

	*diff_pct = x->mean != 0 ? 100 * d / fabs(x->mean) : NAN;
	if (!isfinite(*diff_pct))	/* A next to 0: no percentage, never inf */
		*diff_pct = NAN;
	if (!isfinite(x->mean) || !isfinite(y->mean))
		return CMP_UNKNOWN;
	/* noise: the difference is within the intervals' spread of either run */
	if (fabs(d) <= x->sd + y->sd || fabs(d) <= 1e-9 * fmax(fabs(x->mean), 1))
		return CMP_SAME;
	if (!cmp_metrics[m].better)
		return CMP_DIFFERENT;
	return (d > 0) == (cmp_metrics[m].better > 0) ? CMP_BETTER : CMP_WORSE;
}

int compare_best(const struct cmp_run *runs, int n)
{
	int best = 0;

	for (int i = 1; i < n; i++) {
		double diff;
		enum cmp_verdict v = compare_verdict(&runs[best], &runs[i], CMP_OBSERVED, &diff);

		if (v == CMP_BETTER)
			best = i;
		else if (v == CMP_SAME &&
			 compare_verdict(&runs[best], &runs[i], CMP_CPU_PER_PKT, &diff) == CMP_BETTER)
			best = i;
	}
	return best;
}
