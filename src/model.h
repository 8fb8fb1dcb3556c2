/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The Salah & El-Badawi receive-livelock model (paper section 3).
 * Pure math: no I/O, no libbpf.  Rates in packets per second, times in seconds.
 *
 *   ideal  M/M/1/B with service rate mu = 1/proto_s                 (eq. 1-2)
 *   nodma  mu' = mu * p00, p00 = (rc - r.lambda)/(rc - r.lambda + c.lambda)
 *          for lambda < c, 0 beyond: livelock at lambda = c          (eq. 5-7)
 *   dma    mu' = mu * r/(lambda + r)                                 (eq. 8)
 *
 * with r = 1/isr_s and c = 1/copy_s; isr_s = 0 or copy_s = 0 stand for
 * r -> inf and c -> inf (section 3.4), and give back the ideal system exactly.
 */
#ifndef LT_MODEL_H
#define LT_MODEL_H

/* B: the largest buffer any command accepts (model, simulate, live --buffer). */
#define MODEL_MAX_BUFFER 1000000

enum model_kind {
	MODEL_IDEAL,
	MODEL_NODMA,
	MODEL_DMA,
	MODEL_KINDS,
};

struct model_params {
	double isr_s;	/* 1/r: mean ISR time for one packet            */
	double copy_s;	/* 1/c: mean time to copy one more packet (nodma) */
	double proto_s;	/* 1/mu: mean protocol processing time per packet */
	double buffer;	/* B: buffer size in packets, >= 1              */
};

struct model_peak {
	double lambda_pps;	/* arrival rate where throughput peaks (MLFRR) */
	double gamma_pps;	/* the peak throughput                         */
	unsigned int evaluations;	/* of the throughput, <= MODEL_MLFRR_MAX_EVALS */
};

/* The MLFRR search: a log-spaced scan, then golden-section steps, both bounded. */
#define MODEL_MLFRR_SCAN_MAX	12800	/* 20 per decade over 640 decades */
#define MODEL_MLFRR_GOLDEN_MAX	200
#define MODEL_MLFRR_MAX_EVALS	(MODEL_MLFRR_SCAN_MAX + 1 + MODEL_MLFRR_GOLDEN_MAX + 3)

const char *model_kind_name(enum model_kind kind);	/* "ideal", "nodma", "dma" */

/* M/M/1/B: throughput mu(1 - p0) for arrival rate lambda; safe for any rho, B. */
double model_mm1b_throughput(double lambda, double mu, double buffer);
/* M/M/1/B: probability the system is empty (eq. 2). */
double model_mm1b_p0(double lambda, double mu, double buffer);
/* log P(N = k) for N ~ Poisson(mean): the Erlang and Poisson sums of the forecast's latency and coalescing delay. */
double model_log_poisson(double k, double mean);

/* CPU share left for protocol processing at rate lambda (p00; 1 for ideal). */
double model_p00(enum model_kind kind, const struct model_params *p, double lambda);
/* Effective service rate mu' = mu * p00. */
double model_mu_eff(enum model_kind kind, const struct model_params *p, double lambda);
/* Predicted throughput gamma delivered to applications at rate lambda. */
double model_throughput(enum model_kind kind, const struct model_params *p, double lambda);
/* Receive-livelock point lambda = c of the no-DMA NIC; INFINITY when c -> inf. */
double model_livelock_pps(const struct model_params *p);
/*
 * MLFRR: the arrival rate at which predicted throughput peaks, to a relative
 * 1e-10, and that peak, for any parameters whose rates 1/x are finite.
 * The ideal system, and a NIC whose ISR costs nothing (r -> inf) with no
 * livelock point, has no interior peak: lambda = INFINITY and gamma = mu.
 */
struct model_peak model_mlfrr(enum model_kind kind, const struct model_params *p);

#endif
