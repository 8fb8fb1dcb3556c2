/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Discrete-event simulation of the paper's system (section 5): one CPU, a
 * buffer of B packets, interrupt work that preempts protocol processing.
 *   nodma: an arrival to a CPU not in an ISR starts an ISR of mean 1/r; each
 *          packet arriving during it extends it by a copy of mean 1/c.
 *   dma:   an ISR of mean 1/r; packets arriving during it are absorbed.
 *   ideal: no interrupt work.
 * Protocol processing (mean 1/mu) runs only outside ISRs and resumes where it
 * was preempted.  A packet takes a buffer place on arrival (the ISR copies it
 * into that place); one that finds the buffer full is dropped, and its
 * interrupt work is paid all the same — that is what livelocks the CPU.
 * Pure computation: no I/O.
 */
#ifndef LT_SIM_H
#define LT_SIM_H
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include "model.h"

/* Events between two looks at progress and stop (a power of two). */
#define SIM_CHECK_EVENTS (1u << 16)

enum sim_dist {
	SIM_EXP,	/* exponential times (the analysis' assumption) */
	SIM_CONST,	/* constant times */
};

enum sim_arrivals {
	SIM_POISSON,
	SIM_BURSTY,	/* batch Poisson: geometric batches of mean `burst` */
};

struct sim_config {
	enum model_kind kind;
	struct model_params p;
	double lambda;		/* mean arrival rate, pps */
	enum sim_dist service;
	enum sim_arrivals arrivals;
	double burst;		/* mean batch size for SIM_BURSTY, >= 1 */
	uint64_t packets;	/* stop after this many arrivals (0: use seconds) */
	double seconds;		/* or this much simulated time */
	uint64_t seed;
	/* Optional: every SIM_CHECK_EVENTS events, the share of the run done, */
	void (*progress)(void *arg, double done);
	void *progress_arg;
	/* and a stop request: a non-zero *stop ends the run with a partial result. */
	const volatile sig_atomic_t *stop;
};

struct sim_result {
	double throughput_pps;	/* delivered per second, after warm-up */
	double ci_pps;		/* 99% confidence half-width (batch means) */
	double loss_rate;	/* dropped / arrived, after warm-up */
	double isr_share;	/* CPU share spent in ISRs */
	double batch_mean;	/* packets per ISR */
	double sim_seconds;	/* simulated time measured */
	uint64_t arrivals, delivered, dropped, in_system;	/* whole run */
	uint64_t events;
	bool partial;		/* stopped early (cfg->stop): the figures so far (with the
				 * warm-up, when it was stopped in it) */
};

/*
 * Returns 0, -EINVAL for a configuration that cannot run, or -EINTR when
 * stopped before anything was simulated.
 */
int sim_run(const struct sim_config *cfg, struct sim_result *out);

#endif
