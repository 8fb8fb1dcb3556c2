// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <math.h>
#include <string.h>
#include "sim.h"

#define WARMUP_FRACTION	0.1	/* of the run, discarded */
#define BATCHES		30	/* batch means for the confidence interval */
#define T_99_29DF	2.756	/* Student t, 0.995 quantile, 29 degrees of freedom */

/* xoshiro256** seeded by splitmix64: reproducible on every machine. */
struct rng {
	uint64_t s[4];
};

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s, res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

/* Uniform in (0, 1]. */
static inline double rng_unit(struct rng *r)
{
	return ((rng_next(r) >> 11) + 1) * 0x1.0p-53;
}

static inline double draw(struct rng *r, enum sim_dist d, double mean)
{
	if (mean <= 0)
		return 0;
	return d == SIM_CONST ? mean : -log(rng_unit(r)) * mean;
}

/* Geometric batch size >= 1 with the given mean. */
static inline uint64_t draw_batch(struct rng *r, double mean)
{
	if (mean <= 1)
		return 1;
	return 1 + (uint64_t)floor(log(rng_unit(r)) / log(1 - 1 / mean));
}

struct counters {
	uint64_t arrivals, delivered, dropped, isrs, isr_packets;
	double isr_time;
};

int sim_run(const struct sim_config *cfg, struct sim_result *out)
{
	const double B = cfg->p.buffer;
	const int has_isr = cfg->kind != MODEL_IDEAL && cfg->p.isr_s > 0;
	const int copies = cfg->kind == MODEL_NODMA;
	const int bursty = cfg->arrivals == SIM_BURSTY;
	const double gap = bursty ? cfg->burst / cfg->lambda : 1 / cfg->lambda;
	struct rng rng;
	struct counters tot = { 0 }, base = { 0 }, bstart = { 0 };
	double t = 0, t_w = 0, tb = 0, next_arr, isr_end = 0, isr_start = 0;
	double remaining = 0, t_end, t_warm, bsum = 0, bsq = 0, span, sd, isrs;
	uint64_t q = 0, pending = 0, events = 0, n_end, n_warm, per_batch = 0;
	uint64_t seed = cfg->seed;
	int in_isr = 0, warmed = 0, nb = 0, stopped = 0;

	if (!(cfg->lambda > 0) || !(B >= 1) || !(cfg->p.proto_s > 0) ||
	    (cfg->packets == 0 && !(cfg->seconds > 0)) ||
	    (bursty && !(cfg->burst >= 1)))
		return -EINVAL;
	for (int i = 0; i < 4; i++)
		rng.s[i] = splitmix64(&seed);

	n_end = cfg->packets;
	n_warm = (uint64_t)((double)n_end * WARMUP_FRACTION);
	t_end = n_end ? INFINITY : cfg->seconds;
	t_warm = n_end ? INFINITY : cfg->seconds * WARMUP_FRACTION;
	if (n_end) {
		per_batch = (n_end - n_warm) / BATCHES;
		if (per_batch == 0)
			return -EINVAL;
	}

	next_arr = -log(rng_unit(&rng)) * gap;
	for (;;) {
		double t_srv = (!in_isr && q) ? t + remaining : INFINITY;
		double t_isr = in_isr ? isr_end : INFINITY;

		if ((++events & (SIM_CHECK_EVENTS - 1)) == 0) {
			if (cfg->stop && *cfg->stop) {
				stopped = 1;
				break;
			}
			if (cfg->progress)
				cfg->progress(cfg->progress_arg, n_end ? (double)tot.arrivals / (double)n_end
								       : t / t_end);
		}
		if (next_arr <= t_srv && next_arr <= t_isr) {
			if (next_arr >= t_end)
				break;
			if (!in_isr && q)	/* preempted: keep what is left */
				remaining -= next_arr - t;
			t = next_arr;
			if (!pending)
				pending = bursty ? draw_batch(&rng, cfg->burst) : 1;
			if (--pending == 0)
				next_arr = t - log(rng_unit(&rng)) * gap;
			tot.arrivals++;
			if (q < B) {
				if (q++ == 0)
					remaining = draw(&rng, cfg->service, cfg->p.proto_s);
			} else {
				tot.dropped++;
			}
			if (has_isr) {
				tot.isr_packets++;
				if (!in_isr) {
					in_isr = 1;
					tot.isrs++;
					isr_start = t;
					isr_end = t + draw(&rng, cfg->service, cfg->p.isr_s);
				} else if (copies) {
					isr_end += draw(&rng, cfg->service, cfg->p.copy_s);
				}
			}
		} else if (t_isr <= t_srv) {
			if (t_isr >= t_end)
				break;
			t = t_isr;
			in_isr = 0;
			tot.isr_time += t - isr_start;
		} else {
			if (t_srv >= t_end)
				break;
			t = t_srv;
			q--;
			tot.delivered++;
			if (q)
				remaining = draw(&rng, cfg->service, cfg->p.proto_s);
		}

		if (!warmed) {
			if (n_end ? tot.arrivals < n_warm : t < t_warm)
				continue;
			warmed = 1;
			base = bstart = tot;
			if (in_isr)	/* only the part of this ISR after warm-up counts */
				base.isr_time += t - isr_start;
			t_w = tb = t;
			continue;
		}
		if (n_end ? tot.arrivals - bstart.arrivals >= per_batch
			  : t - tb >= (t_end - t_warm) / BATCHES) {
			if (t > tb && nb < BATCHES) {
				double x = (double)(tot.delivered - bstart.delivered) / (t - tb);

				bsum += x;
				bsq += x * x;
				nb++;
			}
			bstart = tot;
			tb = t;
			if (n_end && nb == BATCHES)
				break;
		}
	}
	if (!n_end && !stopped)
		t = t_end;
	if (stopped && !warmed)	/* stopped in the warm-up: what there is, from the start */
		warmed = 1;
	if (in_isr)
		tot.isr_time += fmin(t, isr_end) - isr_start;

	memset(out, 0, sizeof(*out));
	span = t - t_w;
	out->sim_seconds = span;
	out->events = events;
	out->arrivals = tot.arrivals;
	out->delivered = tot.delivered;
	out->dropped = tot.dropped;
	out->in_system = q;
	out->partial = stopped;
	if (!warmed || span <= 0)
		return stopped ? -EINTR : -EINVAL;	/* stopped before the first event */
	out->throughput_pps = (double)(tot.delivered - base.delivered) / span;
	out->loss_rate = tot.arrivals > base.arrivals ?
		(double)(tot.dropped - base.dropped) / (double)(tot.arrivals - base.arrivals) : 0;
	out->isr_share = (tot.isr_time - base.isr_time) / span;
	/* an ISR still running counts as one: in livelock it never ends */
	isrs = (double)(tot.isrs - base.isrs) + (in_isr && tot.isrs == base.isrs);
	out->batch_mean = isrs > 0 ? (double)(tot.isr_packets - base.isr_packets) / isrs : NAN;
	sd = nb > 1 ? sqrt(fmax(0, (bsq - bsum * bsum / nb) / (nb - 1))) : NAN;
	out->ci_pps = T_99_29DF * sd / sqrt(nb);
	return 0;
}
