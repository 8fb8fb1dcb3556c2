// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "metrics.h"

#define HIST_FIRST_LOG2	8	/* first hard-IRQ bucket bound: 2^8 ns = 256 ns */

static const char *const drop_places[4] = { "nic", "backlog", "socket", "other" };
static const unsigned int batch_bounds[] = { 0, 1, 2, 4, 8, 16, 32, 64 };
static const enum est_state states[] = { EST_IDLE, EST_OK, EST_NEAR_PEAK, EST_SATURATED,
					 EST_LIVELOCK };

void metrics_nic_init(struct metrics_nic *m, const char *device, const char *driver,
		      const struct probe *probe)
{
	memset(m, 0, sizeof(*m));
	snprintf(m->device, sizeof(m->device), "%s", device);
	snprintf(m->driver, sizeof(m->driver), "%s", *driver ? driver : "none");
	m->probe = probe;
}

void metrics_nic_add(struct metrics_nic *m, const struct lt_sample *s, double scale,
		     const struct estimate *e)
{
#define X(field, name, help) m->count[METRICS_C_##field] += (double)s->field * scale;
	METRICS_SAMPLE_COUNTERS(X)
#undef X
	m->drops[0] += (double)s->drops_nic * scale;
	m->drops[1] += (double)s->drops_backlog * scale;
	m->drops[2] += (double)s->drops_socket * scale;
	m->drops[3] += (double)s->drops_other * scale;
	m->hardirq_s += (double)s->isr_ns * 1e-9 * scale;
	m->softirq_s += (double)s->softirq_ns * 1e-9 * scale;
	m->n_irq = s->n_irq < LT_IRQ_SLOTS ? s->n_irq : LT_IRQ_SLOTS;
	for (int i = 0; i < m->n_irq; i++) {
		m->irq_num[i] = s->irq_num[i];
		m->irq_count[i] += (double)s->irq_count[i] * scale;
		m->irq_s[i] += (double)s->irq_ns[i] * 1e-9 * scale;
	}
	if (s->n_cpu > m->n_cpu)
		m->n_cpu = s->n_cpu;
	for (int i = 0; i < s->n_cpu; i++)
		m->cpu_softirq_s[i] += (double)s->cpu[i].softirq_ns * 1e-9 * scale;
	for (int i = 0; i < LT_HIST_SLOTS; i++)
		m->isr_hist[i] += (double)s->isr_hist[i] * scale;
	for (int i = 0; i < LT_BATCH_SLOTS; i++)
		m->batch_hist[i] += (double)s->batch_hist[i] * scale;
	m->batch_sum += (double)(s->napi_packets + s->irq_packets) * scale;
	m->e = *e;
	m->have_estimate = true;
}

void metrics_nic_set_queues(struct metrics_nic *m, const struct qm_report *r, double scale)
{
	int n = r->per_cpu_only ? 0 : r->n;

	if (n != m->n_queue)
		memset(m->q_packets, 0, sizeof(m->q_packets));
	m->n_queue = n;
	for (int i = 0; i < n; i++) {
		const struct qm_row *q = &r->r[i];

		if (m->q_queue[i] != q->queue)
			m->q_packets[i] = 0;
		m->q_queue[i] = q->queue;
		m->q_cpu[i] = q->cpu;
		if (isfinite(q->packets))
			m->q_packets[i] += q->packets * scale;
		m->q_load[i] = q->load_pct / 100;
		m->q_state[i] = q->state;
	}
	m->rss_imbalance = r->imbalance;
}

void metrics_nic_set_rx(struct metrics_nic *m, double rx_packets, double rx_bytes)
{
	m->rx_packets = rx_packets;
	m->rx_bytes = rx_bytes;
	m->have_rx = true;
}

void metrics_escape(struct http_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			http_buf_put(b, "\\\\", 2);
		else if (*s == '"')
			http_buf_put(b, "\\\"", 2);
		else if (*s == '\n')
			http_buf_put(b, "\\n", 2);
		else
			http_buf_put(b, s, 1);
	}
}

void metrics_family(struct http_buf *b, bool om, const char *name, enum metrics_type t,
		    const char *help)
{
	static const char *const words[] = { "counter", "gauge", "histogram" };
	const char *suffix = t == METRICS_COUNTER && !om ? "_total" : "";

	/* help texts here never hold a backslash or a line feed: no escaping needed */
	http_buf_printf(b, "# HELP %s%s %s\n# TYPE %s%s %s\n", name, suffix, help, name, suffix,
			words[t]);
}

static void put_value(struct http_buf *b, double v)
{
	if (isnan(v))
		http_buf_put(b, "NaN", 3);
	else if (isinf(v))
		http_buf_printf(b, "%s", v > 0 ? "+Inf" : "-Inf");
	else if (v == floor(v) && fabs(v) < 9007199254740992.0)
		http_buf_printf(b, "%.0f", v);
	else
		http_buf_printf(b, "%.10g", v);
}

void metrics_sample(struct http_buf *b, const char *name, const char *suffix,
		    const struct metrics_nic *m, const char *k1, const char *v1,
		    const char *k2, const char *v2, double value)
{
	const char *sep = "{";

	http_buf_printf(b, "%s%s", name, suffix);
	if (m) {
		http_buf_put(b, "{device=\"", 9);
		metrics_escape(b, m->device);
		http_buf_put(b, "\",driver=\"", 10);
		metrics_escape(b, m->driver);
		http_buf_put(b, "\"", 1);
		sep = ",";
	}
	if (k1) {
		http_buf_printf(b, "%s%s=\"", sep, k1);
		metrics_escape(b, v1);
		http_buf_put(b, "\"", 1);
		sep = ",";
	}
	if (k2) {
		http_buf_printf(b, "%s%s=\"", sep, k2);
		metrics_escape(b, v2);
		http_buf_put(b, "\"", 1);
		sep = ",";
	}
	if (*sep == ',')
		http_buf_put(b, "}", 1);
	http_buf_put(b, " ", 1);
	put_value(b, value);
	http_buf_put(b, "\n", 1);
}

/* A counter per IRQ of each device: `field` the offset of a double[LT_IRQ_SLOTS] in metrics_nic. */
static void per_irq(struct http_buf *b, bool om, struct metrics_nic *const *nics, int n,
		    const char *name, const char *help, size_t field)
{
	char num[16];

	metrics_family(b, om, name, METRICS_COUNTER, help);
	for (int i = 0; i < n; i++)
		for (int k = 0; k < nics[i]->n_irq; k++) {
			const double *v = (const double *)((const char *)nics[i] + field);

			snprintf(num, sizeof(num), "%u", nics[i]->irq_num[k]);
			metrics_sample(b, name, "_total", nics[i], "irq", num, NULL, NULL, v[k]);
		}
}

/* A counter from the device's own statistics (`field`: a double in metrics_nic). */
static void device_counter(struct http_buf *b, bool om, struct metrics_nic *const *nics, int n,
			   const char *name, const char *help, size_t field)
{
	metrics_family(b, om, name, METRICS_COUNTER, help);
	for (int i = 0; i < n; i++)
		if (nics[i]->have_rx)
			metrics_sample(b, name, "_total", nics[i], NULL, NULL, NULL, NULL,
				       *(const double *)((const char *)nics[i] + field));
}

static void render_counters(struct http_buf *b, struct metrics_nic *const *nics, int n, bool om)
{
	char num[16];

#define X(field, name, help) \
	metrics_family(b, om, name, METRICS_COUNTER, help); \
	for (int i = 0; i < n; i++) \
		metrics_sample(b, name, "_total", nics[i], NULL, NULL, NULL, NULL, \
			       nics[i]->count[METRICS_C_##field]);
	METRICS_SAMPLE_COUNTERS(X)
#undef X
	device_counter(b, om, nics, n, "livelock_device_rx_packets",
		       "Packets the device received, from its own statistics (exact also when sampling)",
		       offsetof(struct metrics_nic, rx_packets));
	device_counter(b, om, nics, n, "livelock_device_rx_bytes",
		       "Bytes the device received, from its own statistics",
		       offsetof(struct metrics_nic, rx_bytes));
	metrics_family(b, om, "livelock_drops", METRICS_COUNTER,
		       "Packets of the device dropped, by place: nic (device statistics), backlog, socket, other");
	for (int i = 0; i < n; i++)
		for (int k = 0; k < 4; k++)
			metrics_sample(b, "livelock_drops", "_total", nics[i], "place", drop_places[k],
				       NULL, NULL, nics[i]->drops[k]);
	metrics_family(b, om, "livelock_interrupt_cpu_seconds", METRICS_COUNTER,
		       "CPU time at interrupt priority for the device: its hard IRQ handlers and the NET_RX softirq runs that handled its packets");
	for (int i = 0; i < n; i++) {
		metrics_sample(b, "livelock_interrupt_cpu_seconds", "_total", nics[i], "priority",
			       "hardirq", NULL, NULL, nics[i]->hardirq_s);
		metrics_sample(b, "livelock_interrupt_cpu_seconds", "_total", nics[i], "priority",
			       "softirq", NULL, NULL, nics[i]->softirq_s);
	}
	per_irq(b, om, nics, n, "livelock_irq_interrupts", "Hard interrupts handled, per IRQ of the device",
		offsetof(struct metrics_nic, irq_count));
	per_irq(b, om, nics, n, "livelock_irq_handler_seconds",
		"Time in the device's hard IRQ handler, per IRQ", offsetof(struct metrics_nic, irq_s));
	metrics_family(b, om, "livelock_softirq_cpu_seconds", METRICS_COUNTER,
		       "NET_RX softirq time that handled the device's packets, per CPU (CPUs that ran any)");
	for (int i = 0; i < n; i++)
		for (int k = 0; k < nics[i]->n_cpu; k++) {
			if (!(nics[i]->cpu_softirq_s[k] > 0))
				continue;
			snprintf(num, sizeof(num), "%d", k);
			metrics_sample(b, "livelock_softirq_cpu_seconds", "_total", nics[i], "cpu", num,
				       NULL, NULL, nics[i]->cpu_softirq_s[k]);
		}
}

/* One gauge per device from the latest estimate; devices without a finite value have no series. */
static void gauge(struct http_buf *b, bool om, struct metrics_nic *const *nics, int n,
		  const char *name, const char *help, size_t offset, double mul)
{
	metrics_family(b, om, name, METRICS_GAUGE, help);
	for (int i = 0; i < n; i++) {
		double v;

		if (!nics[i]->have_estimate)
			continue;
		memcpy(&v, (const char *)&nics[i]->e + offset, sizeof(v));
		if (isfinite(v))
			metrics_sample(b, name, "", nics[i], NULL, NULL, NULL, NULL, v * mul);
	}
}

#define EOFF(f) offsetof(struct estimate, f)

/* The gauges of the latest estimate: name, field of struct estimate, factor, help. */
static const struct {
	const char *name;
	size_t offset;
	double mul;
	const char *help;
} gauges[] = {
	{ "livelock_offered_packets_per_second", EOFF(lambda_pps), 1,
	  "Offered load lambda in the last interval: packets into the stack plus NIC and backlog drops" },
	{ "livelock_observed_packets_per_second", EOFF(observed_pps), 1,
	  "Throughput applications got in the last interval" },
	{ "livelock_model_isr_seconds", EOFF(mp.isr_s), 1,
	  "Model parameter 1/r: interrupt service time per busy period" },
	{ "livelock_model_copy_seconds", EOFF(mp.copy_s), 1,
	  "Model parameter 1/c: copy time per further packet at interrupt priority (0 with DMA)" },
	{ "livelock_model_proto_seconds", EOFF(mp.proto_s), 1,
	  "Model parameter 1/mu: protocol processing and application time per packet" },
	{ "livelock_model_buffer_packets", EOFF(buffer), 1,
	  "Model parameter B: packets the buffer holds" },
	{ "livelock_model_cpu_available_ratio", EOFF(cpu_avail_model), 1,
	  "CPU share the model leaves for protocol processing at the current load" },
	{ "livelock_measured_cpu_available_ratio", EOFF(cpu_avail_measured), 1,
	  "CPU share left for protocol processing, measured" },
	{ "livelock_fit_predicted_packets_per_second", EOFF(predicted_pps), 1,
	  "Throughput the paper's model, fitted to this interval, predicts at the current offered load (a fit)" },
	{ "livelock_fit_packets_per_second", EOFF(fit_pps), 1,
	  "Throughput the forecast's model, fitted to this interval, predicts at the current offered load (a fit)" },
	{ "livelock_forecast_packets_per_second", EOFF(forecast_pps), 1,
	  "Throughput forecast at the current offered load from the measured fixed and marginal costs" },
	{ "livelock_forecast_capacity_packets_per_second", EOFF(capacity_pps), 1,
	  "Highest throughput forecast for this device, at any load" },
	{ "livelock_forecast_mlfrr_packets_per_second", EOFF(mlfrr_pps), 1,
	  "MLFRR: the lowest offered load at which the forecast reaches its capacity" },
	{ "livelock_forecast_livelock_point_packets_per_second", EOFF(livelock_pps), 1,
	  "Offered load past the MLFRR at which the forecast delivers under 10% of the capacity" },
	{ "livelock_forecast_load_ratio", EOFF(load_pct), 0.01,
	  "Offered load as a share of the forecast MLFRR" },
};

static void render_estimate(struct http_buf *b, struct metrics_nic *const *nics, int n, bool om)
{
	for (size_t g = 0; g < sizeof(gauges) / sizeof(gauges[0]); g++)
		gauge(b, om, nics, n, gauges[g].name, gauges[g].help, gauges[g].offset, gauges[g].mul);
	metrics_family(b, om, "livelock_model_info", METRICS_GAUGE,
		       "The model structure chosen (dma, nodma or undecided) and the mapping, value 1");
	for (int i = 0; i < n; i++) {
		const struct estimate *e = &nics[i]->e;

		if (nics[i]->have_estimate)
			metrics_sample(b, "livelock_model_info", "", nics[i], "model",
				       e->kind == MODEL_IDEAL ? "undecided" : model_kind_name(e->kind),
				       "mapping", est_mapping_name(e->mapping), 1);
	}
	metrics_family(b, om, "livelock_state", METRICS_GAUGE,
		       "1 for the device's state in the last interval (idle, ok, near-peak, saturated, livelock), 0 for the others");
	for (int i = 0; i < n; i++)
		for (size_t k = 0; k < sizeof(states) / sizeof(states[0]); k++)
			metrics_sample(b, "livelock_state", "", nics[i], "state", est_state_name(states[k]),
				       NULL, NULL,
				       nics[i]->have_estimate ? nics[i]->e.state == states[k]
							      : states[k] == EST_IDLE);
}

/* One sample per RX queue of every device: v gives row k's value, NAN for none. */
static void per_queue(struct http_buf *b, struct metrics_nic *const *nics, int n, const char *name,
		      const char *suffix, double (*v)(const struct metrics_nic *m, int k))
{
	char q[16], c[16];

	for (int i = 0; i < n; i++)
		for (int k = 0; k < nics[i]->n_queue; k++) {
			double x = v(nics[i], k);

			if (!isfinite(x))
				continue;
			snprintf(q, sizeof(q), "%d", nics[i]->q_queue[k]);
			snprintf(c, sizeof(c), "%d", nics[i]->q_cpu[k]);
			metrics_sample(b, name, suffix, nics[i], "queue", q, "cpu", c, x);
		}
}

static double q_packets(const struct metrics_nic *m, int k) { return m->q_packets[k]; }
static double q_load(const struct metrics_nic *m, int k) { return m->q_load[k]; }
static double q_saturated(const struct metrics_nic *m, int k)
{
	return m->q_state[k] == EST_SATURATED || m->q_state[k] == EST_LIVELOCK;
}

/* Per RX queue: packets, load ratio and state, labels device, driver, queue, cpu (bounded by the map). */
static void render_queues(struct http_buf *b, struct metrics_nic *const *nics, int n, bool om)
{
	metrics_family(b, om, "livelock_queue_packets", METRICS_COUNTER,
		       "Packets each RX queue brought in (from its NAPI instance, or its CPU's NET_RX; see the README's \"Many queues\")");
	per_queue(b, nics, n, "livelock_queue_packets", "_total", q_packets);
	metrics_family(b, om, "livelock_queue_load_ratio", METRICS_GAUGE,
		       "Each RX queue's offered rate over its CPU group's forecast MLFRR in the last interval");
	per_queue(b, nics, n, "livelock_queue_load_ratio", "", q_load);
	metrics_family(b, om, "livelock_queue_saturated", METRICS_GAUGE,
		       "1 when the RX queue's state is saturated or livelock in the last interval");
	per_queue(b, nics, n, "livelock_queue_saturated", "", q_saturated);
	metrics_family(b, om, "livelock_rss_imbalance", METRICS_GAUGE,
		       "1 when one RX queue carried at least twice its fair share in the last interval");
	for (int i = 0; i < n; i++)
		if (nics[i]->n_queue > 1)
			metrics_sample(b, "livelock_rss_imbalance", "", nics[i], NULL, NULL, NULL, NULL,
				       nics[i]->rss_imbalance);
}

static void bucket(struct http_buf *b, const char *name, const struct metrics_nic *m, double le,
		   double cum)
{
	char bound[32];

	if (isinf(le))
		snprintf(bound, sizeof(bound), "+Inf");
	else
		snprintf(bound, sizeof(bound), "%.10g", le);
	metrics_sample(b, name, "_bucket", m, "le", bound, NULL, NULL, cum);
}

static void render_histograms(struct http_buf *b, struct metrics_nic *const *nics, int n, bool om)
{
	const char *h = "livelock_hardirq_duration_seconds", *p = "livelock_batch_packets";

	metrics_family(b, om, h, METRICS_HISTOGRAM, "Duration of the device's hard IRQ handlers");
	for (int i = 0; i < n; i++) {
		const struct metrics_nic *m = nics[i];
		double cum = 0, sum_s = 0;

		/* slot k holds [2^k, 2^(k+1)) ns: bound 2^j ns counts slots below j */
		for (int k = 0; k < HIST_FIRST_LOG2; k++)
			cum += m->isr_hist[k];
		for (int j = HIST_FIRST_LOG2; j < LT_HIST_SLOTS; j++) {
			bucket(b, h, m, ldexp(1, j) * 1e-9, cum);
			cum += m->isr_hist[j];
		}
		bucket(b, h, m, INFINITY, cum);
		sum_s = m->hardirq_s;
		metrics_sample(b, h, "_sum", m, NULL, NULL, NULL, NULL, sum_s);
		metrics_sample(b, h, "_count", m, NULL, NULL, NULL, NULL, cum);
	}
	metrics_family(b, om, p, METRICS_HISTOGRAM,
		       "Packets per NAPI poll of the device (per hard IRQ for drivers that pass packets up in their handler)");
	for (int i = 0; i < n; i++) {
		const struct metrics_nic *m = nics[i];
		double cum = 0;
		unsigned int slot = 0;

		for (size_t j = 0; j < sizeof(batch_bounds) / sizeof(batch_bounds[0]); j++) {
			for (; slot <= batch_bounds[j]; slot++)
				cum += m->batch_hist[slot];
			bucket(b, p, m, batch_bounds[j], cum);
		}
		for (; slot < LT_BATCH_SLOTS; slot++)
			cum += m->batch_hist[slot];
		bucket(b, p, m, INFINITY, cum);
		metrics_sample(b, p, "_sum", m, NULL, NULL, NULL, NULL, m->batch_sum);
		metrics_sample(b, p, "_count", m, NULL, NULL, NULL, NULL, cum);
	}
}

void metrics_render_nics(struct http_buf *b, struct metrics_nic *const *nics, int n, bool om)
{
	render_counters(b, nics, n, om);
	render_estimate(b, nics, n, om);
	render_queues(b, nics, n, om);
	render_histograms(b, nics, n, om);
}
