/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The exporter's metrics: per-device running totals fed by one interval's
 * sample and estimate at a time, rendered in the Prometheus text exposition
 * format (version 0.0.4) or in OpenMetrics 1.0 (ending in "# EOF").
 * Names, units and labels are listed in README "Running it on a fleet".
 * Pure apart from metrics_self.c (the exporter's own cost: /proc, BPF stats).
 */
#ifndef LT_METRICS_H
#define LT_METRICS_H
#include <stdbool.h>
#include <net/if.h>
#include "estimator.h"
#include "exporter_http.h"
#include "queue_model.h"
#include "sample.h"

#define METRICS_CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"
#define METRICS_OM_CONTENT_TYPE	"application/openmetrics-text; version=1.0.0; charset=utf-8"

/* Counters that are one field of struct lt_sample each: field, metric (without _total), help. */
#define METRICS_SAMPLE_COUNTERS(X) \
	X(stack_packets, "livelock_stack_packets", \
	  "Packets of the device entering the core stack (net:netif_receive_skb)") \
	X(delivered_packets, "livelock_delivered_packets", \
	  "Packets of the device queued to application sockets") \
	X(irqs, "livelock_interrupts", \
	  "Hard interrupts of the device's IRQs that its handler handled") \
	X(irqs_none, "livelock_interrupts_unhandled", \
	  "Invocations of the device's handler that returned IRQ_NONE (shared line)") \
	X(softirqs, "livelock_softirq_runs", \
	  "NET_RX softirq runs that handled packets of the device") \
	X(napi_polls, "livelock_napi_polls", "NAPI polls of the device") \
	X(napi_packets, "livelock_napi_packets", "Packets handled by the device's NAPI polls") \
	X(napi_budget_full, "livelock_napi_budget_exhausted_polls", \
	  "NAPI polls of the device that used their whole budget") \
	X(napi_polls_ksoftirqd, "livelock_napi_ksoftirqd_polls", \
	  "NAPI polls of the device run from ksoftirqd (deferred softirq work)") \
	X(napi_packets_busy, "livelock_napi_busy_poll_packets", \
	  "Packets of the device taken in by busy polling, in the application's own context")

enum metrics_counter {
#define X(field, name, help) METRICS_C_##field,
	METRICS_SAMPLE_COUNTERS(X)
#undef X
	METRICS_N_COUNTERS,
};

struct probe;

/* One watched device: labels, running totals, the latest estimate. */
struct metrics_nic {
	char device[IF_NAMESIZE];
	char driver[32];
	const struct probe *probe;	/* for the BPF run-time statistics */
	double count[METRICS_N_COUNTERS];
	double drops[4];		/* nic, backlog, socket, other */
	double hardirq_s, softirq_s;	/* CPU time at interrupt priority */
	int n_irq;
	unsigned int irq_num[LT_IRQ_SLOTS];
	double irq_count[LT_IRQ_SLOTS], irq_s[LT_IRQ_SLOTS];
	int n_cpu;
	double cpu_softirq_s[LT_CPU_SLOTS];
	double isr_hist[LT_HIST_SLOTS], batch_hist[LT_BATCH_SLOTS], batch_sum;
	bool have_rx;			/* device statistics read */
	double rx_packets, rx_bytes;	/* /sys/class/net/DEV/statistics: exact at any sampling */
	bool have_estimate;
	struct estimate e;
	/* RX queues (a queue map: queue_model.h), rows in map order; none for per-CPU rows */
	int n_queue;
	int q_queue[QM_MAX_ROWS], q_cpu[QM_MAX_ROWS];
	double q_packets[QM_MAX_ROWS];		/* counted, scaled like the device's counters */
	double q_load[QM_MAX_ROWS];		/* the last interval's lambda_q / its group's MLFRR */
	enum est_state q_state[QM_MAX_ROWS];
	bool rss_imbalance;
};

/* The exporter as a whole. */
struct metrics_self {
	double interval_s;
	double sampling_ratio;		/* share of each interval the probes are attached */
	double start_time_s;		/* since the epoch */
	unsigned long long requests;	/* HTTP requests answered */
	int devices;
};

void metrics_nic_init(struct metrics_nic *m, const char *device, const char *driver,
		      const struct probe *probe);
/*
 * Add one interval.  scale: interval / what the sample covers (1 with every
 * probe on; N under --sample N), so totals estimate the whole interval.
 */
void metrics_nic_add(struct metrics_nic *m, const struct lt_sample *s, double scale,
		     const struct estimate *e);
/* One interval's per-queue report (qm_assess'd); rows that change identity restart their counts. */
void metrics_nic_set_queues(struct metrics_nic *m, const struct qm_report *r, double scale);
void metrics_nic_set_rx(struct metrics_nic *m, double rx_packets, double rx_bytes);

/* The whole page: every device's series, the exporter's own, "# EOF" for OpenMetrics (metrics_self.c). */
void metrics_render(struct http_buf *b, struct metrics_nic *const *nics, int n,
		    const struct metrics_self *self, bool openmetrics);
/* Every device's series only. */
void metrics_render_nics(struct http_buf *b, struct metrics_nic *const *nics, int n, bool om);

/* Writers shared with metrics_self.c. */
enum metrics_type { METRICS_COUNTER, METRICS_GAUGE, METRICS_HISTOGRAM };
/* HELP and TYPE lines; `name` without _total for counters. */
void metrics_family(struct http_buf *b, bool om, const char *name, enum metrics_type t,
		    const char *help);
/* One sample: name + suffix, the device labels when m != NULL, extra "k=v" pairs (values escaped). */
void metrics_sample(struct http_buf *b, const char *name, const char *suffix,
		    const struct metrics_nic *m, const char *k1, const char *v1,
		    const char *k2, const char *v2, double value);
/* Label value escaping of the format: backslash, double quote, line feed. */
void metrics_escape(struct http_buf *b, const char *s);
/* The exporter's own cost (metrics_self.c). */
void metrics_render_self(struct http_buf *b, struct metrics_nic *const *nics, int n,
			 const struct metrics_self *self, bool om);

#endif
