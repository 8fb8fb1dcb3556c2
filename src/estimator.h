/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The estimator: per-interval measurements (struct lt_sample) -> the
 * parameters of the receive-livelock model (r, c, mu, lambda, B), the model
 * chosen for this NIC and why, the predicted throughput and a one-word state.
 * Pure: no I/O, no libbpf.  A value that cannot be estimated is NAN (never
 * printed: the JSON writer turns it into null, the table into "-") and its
 * bit in `valid` is clear.
 *
 * Smoothing is a sliding window of the last N intervals: the raw counters
 * (sums, sums of squares, least-squares sums) are added over the window and
 * the parameters estimated from those pooled sums, which weighs each event
 * equally and keeps the regression exact.  Load (lambda, observed) is always
 * this interval's; the prediction uses the window's parameters at this
 * interval's lambda.
 */
#ifndef LT_ESTIMATOR_H
#define LT_ESTIMATOR_H
#include <stdbool.h>
#include <stdint.h>
#include "cli.h"
#include "forecast.h"
#include "model.h"
#include "estimator_sums.h"
#include "sample.h"

#define EST_MAX_WINDOW		600	/* intervals */
#define EST_DEFAULT_WINDOW	5
#define EST_DEFAULT_BUFFER	1000	/* net.core.netdev_max_backlog default, when no ring is known */

/* Not enough data below these. */
#define EST_IDLE_MIN_PPS	1.0	/* idle: lambda below this ...          */
#define EST_IDLE_MIN_PACKETS	10	/* ... or fewer packets in the interval */
#define EST_MIN_MEAN_N		5	/* events behind a mean                 */

/* States, checked in this order: idle, livelock, saturated, near-peak, ok. */
#define EST_NEAR_PEAK_FRAC	0.80	/* lambda >= 80% of MLFRR / livelock point */
#define EST_SATURATED_DROP_FRAC	0.01	/* drops > 1% of lambda                  */
#define EST_LIVELOCK_OBS_FRAC	0.10	/* observed < 10% of the peak, lambda > MLFRR */

/* The paper assumes Poisson arrivals and exponential times: SCV 1. */
#define EST_SCV_FAR_LO		0.5
#define EST_SCV_FAR_HI		2.0

/* Which Linux work is the paper's "interrupt priority" (see estimator.c). */
enum est_mapping {
	EST_MAP_SOFTIRQ,	/* hard IRQ + NET_RX softirq; mu = application side */
	EST_MAP_PAPER,		/* hard IRQ only; mu = all kernel receive work after it (the commands' default) */
	EST_MAPPINGS,
};

enum est_model_choice { EST_MODEL_AUTO, EST_MODEL_DMA, EST_MODEL_NODMA };
enum est_deliver { EST_DELIVER_APP, EST_DELIVER_STACK, EST_DELIVER_FORWARD };
enum est_state { EST_IDLE, EST_OK, EST_NEAR_PEAK, EST_SATURATED, EST_LIVELOCK };

struct est_opts {
	enum est_mapping mapping;
	enum est_model_choice model;
	enum est_deliver deliver;
	double buffer;		/* --buffer; 0: the NIC's RX ring */
	unsigned int window;	/* intervals, 1 .. EST_MAX_WINDOW; 0: default */
	bool no_calibrate;	/* keep the structural 1/r, do not match the measured share */
	/* what the kernel does, for the forecast (0 / false: not known or none) */
	double irq_cap_pps;	/* coalescing timer: interrupts/s per queue at most */
	double frames_per_irq;	/* coalescing frame count */
	bool irq_dynamic;	/* the driver throttles interrupts by a rule of its own (adaptive, dynamic ITR) */
	double irq_dynamic_floor_pps;	/* below this interrupt rate that rule did not bind; 0 unknown */
	bool rx_threaded;	/* NET_RX in threads: threaded NAPI or PREEMPT_RT */
	double defer_us;	/* net.core.netdev_budget_usecs: softirq time before ksoftirqd */
	double napi_defer_irqs;	/* napi_defer_hard_irqs and gro_flush_timeout (ns): NAPI's own deferral */
	double gro_flush_ns;
};

/* How each marginal cost was measured (est_costs_from). */
enum est_cost_how {
	EST_COST_NONE,		/* not measured: 0, or no such stage */
	EST_COST_GAPS,		/* directly: between consecutive events of one run or slice */
	EST_COST_FIT,		/* slope of run time against its batch */
	EST_COST_STACK,		/* stack entry -> exit per packet (a lower bound of NET_RX's) */
	EST_COST_BOUND,		/* whole runs charged to their packets: an upper bound */
	EST_COST_ENQUEUE,	/* directly: from one socket enqueue to the next in a poll (+ a list's core pass) */
};

enum est_valid_bit {
	EST_V_LAMBDA	= 1u << 0,
	EST_V_OBSERVED	= 1u << 1,
	EST_V_ISR	= 1u << 2,	/* 1/r */
	EST_V_COPY	= 1u << 3,	/* 1/c (nodma) */
	EST_V_PROTO	= 1u << 4,	/* 1/mu */
	EST_V_MODEL	= 1u << 5,	/* kind decided */
	EST_V_PREDICT	= 1u << 6,	/* predicted gamma, error, p00 */
	EST_V_FORECAST	= 1u << 7,	/* capacity, MLFRR, livelock point, load: the forecast */
};

/* Parameters from one set of counters (one interval, or the window's sums). */
struct est_params {
	double interval_s, cpus;
	double lambda_pps;
	double hardirq_ns, hardirq_sd_ns;	/* mean hard-IRQ time, its spread */
	double isr_ns;				/* 1/r as the model uses it (calibrated or not) */
	double isr_sd_ns;			/* spread of the busy time not explained by its batch */
	double isr_struct_ns;			/* 1/r before calibration */
	double copy_ns;				/* 1/c; 0 for the dma structure */
	bool copy_bound;			/* 1/c an upper bound: batches never varied */
	bool copy_capped;			/* slope above the mean time per packet: capped */
	double proto_ns, proto_sd_ns;		/* 1/mu */
	const char *proto_source;		/* "app", "saturation", "stack", "softirq"(+app) */
	double batch_per_irq, batch_per_poll, ksoftirqd_frac;
	double share_measured;			/* interrupt-priority CPU share, measured */
	double scv_arrival, scv_service;
	double probe_subtracted_ns;		/* total, this set of counters */
	struct est_fit isr_fit, sirq_fit;
	struct est_fit app_fit;		/* reader wakeups: on-CPU ns against datagrams read */
	enum model_kind nic_class, kind;	/* MODEL_IDEAL: undecided */
	struct fc_costs costs;			/* the forecast's inputs */
	double app_other;			/* share of the readers' CPUs other tasks took (not in the model) */
	enum est_cost_how irq_pkt_how, rx_pkt_how, app_dgram_how;
	bool costs_valid;
	char reason[384];
	uint32_t valid;
};

struct estimate {
	struct est_params cur;		/* this interval alone */
	struct est_params win;		/* the window: what predicts */
	unsigned int window_n;		/* intervals in the window now */
	enum est_mapping mapping;

	double interval_s;
	double lambda_pps, observed_pps;
	const char *lambda_source;	/* "xdp+nic" or "stack+nic+backlog" */
	double irqs_per_s;
	double drops_nic, drops_backlog, drops_socket, drops_other;	/* this interval */
	double drop_frac;		/* all drops / packets offered */
	double buffer;
	const char *buffer_source;	/* "--buffer", "rx ring", "default" */

	struct model_params mp;
	enum model_kind kind;		/* MODEL_IDEAL: not decided */
	double predicted_pps, error_pct;
	double cpu_avail_model, cpu_avail_measured;
	/* the forecast from the window's costs: the same at any load */
	double capacity_pps;		/* highest delivered rate */
	double livelock_pps, mlfrr_pps, mlfrr_gamma_pps;	/* mlfrr_gamma_pps = capacity_pps */
	double load_pct;		/* 100 lambda / mlfrr_pps */
	double forecast_pps;		/* the forecast curve at this lambda */
	double fit_pps, fit_error_pct;	/* the same model fitted to this interval: its measured
					 * interrupt-priority share, not the batching law's */
	struct fc_point fc;		/* ... and what it says there */
	enum est_state state;
	uint32_t valid;
};

struct estimator;

/* nic_ring: the NIC's RX ring size (0 unknown).  NULL on a bad option or no memory. */
struct estimator *estimator_new(const struct est_opts *o, uint32_t nic_ring);
void estimator_free(struct estimator *est);
/* Add one interval and estimate. */
void estimator_update(struct estimator *est, const struct lt_sample *s, struct estimate *out);
/*
 * The forecast from every interval with traffic so far, pooled (for the
 * summary and the record's last line): false when there is not enough.
 */
bool estimator_run_forecast(const struct estimator *est, struct est_params *p, struct fc_summary *fs);

/*
 * The costs of each stage split into fixed and marginal parts, from one set
 * of counters at per-copy rate lambda (estimator_costs.c).  false when there
 * is not enough to forecast from.
 */
bool est_costs_from(const struct lt_sample *s, const struct est_opts *o, double buffer,
		    struct est_params *p);
const char *est_cost_how_name(enum est_cost_how h);	/* "gaps", "fit", "stack", "bound", "enqueues", "none" */

/* The batch the model sees: packets per NAPI poll, else per ISR. */
double est_batch_mean(const struct estimate *e);
/* The fit behind 1/c under the estimate's mapping. */
const struct est_fit *est_copy_fit(const struct estimate *e);

/* Pure helper, exposed for tests (estimator_params.c); the sums' helpers are in estimator_sums.h. */
void est_params_from(const struct lt_sample *s, const struct est_opts *o, struct est_params *p);
enum est_state est_state_of(const struct estimate *e);

/* The option words of the three enums (cli_word tables: the command line's and the output's names). */
extern const struct cli_word est_mapping_words[], est_model_words[], est_deliver_words[];
const char *est_mapping_name(enum est_mapping m);	/* "softirq", "paper" */
const char *est_model_name(enum est_model_choice m);	/* "auto", "dma", "nodma" */
const char *est_state_name(enum est_state s);		/* "idle", "ok", "near-peak", ... */
const char *est_deliver_name(enum est_deliver d);	/* "app", "stack", "forward" */
/* Parse option words; false on an unknown one (no message). */
bool est_parse_mapping(const char *s, enum est_mapping *out);
bool est_parse_model(const char *s, enum est_model_choice *out);	/* auto|dma|nodma */
bool est_parse_deliver(const char *s, enum est_deliver *out);	/* app|stack|forward */

#endif
