// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The JSON of the live command: a record's header, every interval, the summary (record.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include "forecast_io.h"
#include "json.h"
#include "model.h"
#include "raw_view.h"
#include "latency.h"
#include "queue_view.h"
#include "record.h"
#include "sampling.h"
#include "version.h"

/* A device-wide NAPI setting from sysfs; false when the kernel has none. */
static bool read_sysfs_u64(const char *ifname, const char *leaf, uint64_t *v)
{
	char path[128];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", ifname, leaf);
	f = fopen(path, "r");
	if (!f)
		return false;
	ok = fscanf(f, "%lu", v) == 1;
	fclose(f);
	return ok;
}

static void write_sysfs(struct json *j, const char *key, const char *ifname, const char *leaf)
{
	uint64_t v;

	if (read_sysfs_u64(ifname, leaf, &v))
		json_u64(j, key, v);
	else
		json_null(j, key);
}

int record_write_header(FILE *f, const struct nic_info *nic, const struct record_opts *o)
{
	const struct nic_coalesce *c = &nic->coalesce;
	struct utsname u;
	char host[256] = "";
	struct json j;

	if (uname(&u))
		memset(&u, 0, sizeof(u));
	gethostname(host, sizeof(host) - 1);
	json_begin(&j, f);
	json_str(&j, "record", "livelock-trace");
	json_u64(&j, "format", RECORD_FORMAT);
	json_str(&j, "version", LT_VERSION);
	json_u64(&j, "time", (uint64_t)time(NULL));
	json_str(&j, "host", host);
	json_str(&j, "kernel", u.release);

	json_obj(&j, "device");
	json_str(&j, "name", nic->name);
	json_u64(&j, "ifindex", nic->ifindex);
	json_str(&j, "driver", nic->driver);
	json_str(&j, "bus_info", nic->bus_info);
	json_u64(&j, "rx_queues", nic->rx_queues);
	json_u64(&j, "rx_ring", nic->rx_ring);
	json_u64(&j, "rx_ring_max", nic->rx_ring_max);
	json_arr(&j, "irqs");
	for (int i = 0; i < nic->n_irqs; i++) {
		json_obj(&j, NULL);
		json_u64(&j, "irq", nic->irqs[i].irq);
		json_str(&j, "name", nic->irqs[i].name);
		json_bool(&j, "rx", nic->irqs[i].rx);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	if (nic->set.n_above) {	/* watched: an upper device; traced: its lower ones */
		json_str(&j, "upper", nic->set.above[0].name);
		json_str(&j, "upper_kind", *nic->set.kind ? nic->set.kind : NULL);
		json_arr(&j, "lower");
		for (int i = 0; i < nic->set.n_traced; i++)
			json_str(&j, NULL, nic->set.traced[i].name);
		json_arr_end(&j);
	}
	json_obj_end(&j);

	json_obj(&j, "coalesce");
	json_bool(&j, "supported", c->supported);
#define CO(k, v) do { if (c->supported) json_u64(&j, k, v); else json_null(&j, k); } while (0)
	CO("rx_usecs", c->rx_usecs);
	CO("rx_frames", c->rx_frames);
	CO("rx_usecs_irq", c->rx_usecs_irq);
	CO("rx_frames_irq", c->rx_frames_irq);
	CO("tx_usecs", c->tx_usecs);
	CO("tx_frames", c->tx_frames);
#undef CO
	if (c->supported) {
		json_bool(&j, "adaptive_rx", c->adaptive_rx);
		json_bool(&j, "adaptive_tx", c->adaptive_tx);
	} else {
		json_null(&j, "adaptive_rx");
		json_null(&j, "adaptive_tx");
	}
	json_obj_end(&j);

	/* per NAPI instance, from netdev netlink where the kernel offers it (-1: not reported) */
	json_arr(&j, "napis");
	for (int i = 0; i < nic->n_napi; i++) {
		const struct nic_napi *n = &nic->napis[i];

		json_obj(&j, NULL);
		json_u64(&j, "napi_id", n->napi_id);
		json_i64(&j, "irq", n->irq);
		json_i64(&j, "rx_queue", n->rx_queue);
		json_i64(&j, "defer_hard_irqs", n->defer_hard_irqs);
		json_i64(&j, "gro_flush_timeout_ns", n->gro_flush_timeout_ns);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_str(&j, "napis_note", *nic->napi_reason ? nic->napi_reason : NULL);
	json_obj(&j, "napi_settings");
	write_sysfs(&j, "defer_hard_irqs", nic->name, "napi_defer_hard_irqs");
	write_sysfs(&j, "gro_flush_timeout_ns", nic->name, "gro_flush_timeout");
	json_obj_end(&j);

	json_obj(&j, "options");
	json_arr(&j, "argv");
	for (int i = 0; i < o->argc; i++)
		json_str(&j, NULL, o->argv[i]);
	json_arr_end(&j);
	json_dbl(&j, "interval_s", o->interval_s);
	json_str(&j, "mapping", est_mapping_name(o->est->mapping));
	json_str(&j, "model", est_model_name(o->est->model));
	json_str(&j, "deliver", est_deliver_name(o->est->deliver));
	if (o->est->buffer > 0)
		json_dbl(&j, "buffer", o->est->buffer);
	else
		json_null(&j, "buffer");
	json_u64(&j, "window", o->est->window ? o->est->window : EST_DEFAULT_WINDOW);
	json_str(&j, "xdp", o->xdp);
	if (o->sample == SAMPLING_AUTO)
		json_str(&j, "sample", "auto");
	else
		json_u64(&j, "sample", o->sample > 1 ? o->sample : 1);
	json_bool(&j, "latency", o->latency);
	json_obj_end(&j);
	json_obj(&j, "probes");
	json_str(&j, "attach", o->attach);
	json_str(&j, "attach_reason", o->attach_reason);
	json_str(&j, "btf", o->btf);
	json_bool(&j, "btf_external", o->btf_external);
	json_obj_end(&j);
	json_obj(&j, "rx_threads");
	json_bool(&j, "preempt_rt", o->preempt_rt);
	json_bool(&j, "threaded_napi", o->threaded_napi);
	json_str(&j, "thread", o->rx_thread);
	json_i64(&j, "policy", o->rx_thread_policy);
	json_bool(&j, "fair", o->rx_fair);
	json_obj_end(&j);
	json_obj(&j, "busy_poll");
	json_i64(&j, "read_us", o->busy_read_us);
	json_i64(&j, "poll_us", o->busy_poll_us);
	json_obj_end(&j);
	json_end(&j);
	return ferror(f) ? -EIO : 0;
}

static double us(double ns)
{
	return ns / 1e3;
}

static void json_cpus(struct json *j, const struct lt_sample *s)
{
	json_arr(j, "per_cpu");
	for (int c = 0; c < s->n_cpu; c++) {
		const struct lt_cpu_rx *r = &s->cpu[c];
		double dt = s->interval_s, pk = (double)r->softirq_packets;

		if (!r->softirqs || !(dt > 0))
			continue;
		json_obj(j, NULL);
		json_i64(j, "cpu", c);
		json_dbl(j, "softirq_pps", pk / dt);
		json_dbl(j, "softirq_share", (double)r->softirq_ns * 1e-9 / dt);
		json_dbl(j, "softirq_us_per_pkt", pk > 0 ? (double)r->softirq_ns / pk / 1e3 : NAN);
		json_obj_end(j);
	}
	json_arr_end(j);
}

/* The forecast's inputs, and how each marginal cost was measured. */
static void costs_json(struct json *j, const struct est_params *p)
{
	if (p->costs_valid)
		fc_costs_json(j, "costs", &p->costs);
	else
		json_null(j, "costs");
	json_dbl(j, "app_other", p->app_other);
	json_obj(j, "cost_sources");
	json_str(j, "irq_pkt", est_cost_how_name(p->irq_pkt_how));
	json_str(j, "rx_pkt", est_cost_how_name(p->rx_pkt_how));
	json_str(j, "app_dgram", est_cost_how_name(p->app_dgram_how));
	json_obj_end(j);
}

void record_write_interval(FILE *f, const struct live_view *v, const struct lt_sample *s,
			   const struct estimate *e)
{
	const struct est_params *w = &e->win;
	const struct est_fit *cf = est_copy_fit(e);
	struct json j;

	json_begin(&j, f);
	json_u64(&j, "time", (uint64_t)v->now);
	json_dblp(&j, "interval_s", e->interval_s, 6);
	json_dblp(&j, "lambda_pps", e->lambda_pps, 1);
	json_str(&j, "lambda_source", e->lambda_source);
	json_dblp(&j, "observed_pps", e->observed_pps, 1);
	json_str(&j, "deliver", est_deliver_name(v->o.est.deliver));
	json_dblp(&j, "predicted_pps", e->predicted_pps, 1);
	json_dblp(&j, "error_pct", e->error_pct, 2);
	json_dbl(&j, "isr_us", us(w->isr_ns));
	json_dbl(&j, "isr_sd_us", us(w->isr_sd_ns));
	json_dbl(&j, "isr_struct_us", us(w->isr_struct_ns));
	json_dbl(&j, "hardirq_us", us(w->hardirq_ns));
	json_dbl(&j, "hardirq_sd_us", us(w->hardirq_sd_ns));
	json_dbl(&j, "copy_us", e->kind == MODEL_NODMA ? us(w->copy_ns) : NAN);
	json_bool(&j, "copy_bound", w->copy_bound);
	json_bool(&j, "copy_capped", w->copy_capped);
	json_dbl(&j, "copy_slope_us", cf->valid ? us(cf->slope_ns) : NAN);
	json_dbl(&j, "copy_intercept_us", cf->valid ? us(cf->intercept_ns) : NAN);
	json_dbl(&j, "copy_r2", cf->valid ? cf->r2 : NAN);
	json_dbl(&j, "copy_n", cf->n);
	json_dbl(&j, "proto_us", us(w->proto_ns));
	json_dbl(&j, "proto_sd_us", us(w->proto_sd_ns));
	json_str(&j, "proto_source", w->proto_source);
	json_dbl(&j, "batch_mean", est_batch_mean(e));
	json_dbl(&j, "batch_per_irq", w->batch_per_irq);
	json_dbl(&j, "batch_per_poll", w->batch_per_poll);
	json_dbl(&j, "ksoftirqd_frac", w->ksoftirqd_frac);
	json_dbl(&j, "buffer", e->buffer);
	json_str(&j, "buffer_source", e->buffer_source);
	json_dbl(&j, "cpu_avail", e->cpu_avail_model);
	json_dbl(&j, "cpu_avail_measured", e->cpu_avail_measured);
	json_str(&j, "model", e->kind == MODEL_IDEAL ? NULL : model_kind_name(e->kind));
	json_str(&j, "nic_class", w->nic_class == MODEL_IDEAL ? NULL : model_kind_name(w->nic_class));
	json_str(&j, "model_reason", w->reason);
	json_str(&j, "mapping", est_mapping_name(e->mapping));
	json_dblp(&j, "capacity_pps", e->capacity_pps, 1);
	json_dblp(&j, "livelock_pps", e->livelock_pps, 1);
	json_dblp(&j, "mlfrr_pps", e->mlfrr_pps, 1);
	json_dblp(&j, "mlfrr_gamma_pps", e->mlfrr_gamma_pps, 1);
	json_dblp(&j, "load_pct", e->load_pct, 2);
	json_dblp(&j, "forecast_pps", e->forecast_pps, 1);
	json_dblp(&j, "fit_pps", e->fit_pps, 1);
	json_dblp(&j, "fit_error_pct", e->fit_error_pct, 2);
	if (e->valid & EST_V_FORECAST)
		fc_point_json(&j, "forecast", &e->fc);
	else
		json_null(&j, "forecast");
	costs_json(&j, &e->win);
	json_dbl(&j, "irqs_per_s", e->irqs_per_s);
	json_dbl(&j, "cpus", w->cpus);
	json_dbl(&j, "scv_arrival", w->scv_arrival);
	json_dbl(&j, "scv_service", w->scv_service);
	json_dblp(&j, "probe_cost_subtracted_ns", e->cur.probe_subtracted_ns, 0);
	json_u64(&j, "window", e->window_n);
	json_obj(&j, "drops");
	json_dblp(&j, "nic", e->drops_nic, 0);
	json_dblp(&j, "backlog", e->drops_backlog, 0);
	json_dblp(&j, "socket", e->drops_socket, 0);
	json_dblp(&j, "other", e->drops_other, 0);
	json_obj_end(&j);
	json_str(&j, "state", est_state_name(e->state));
	if (v->o.per_cpu)
		json_cpus(&j, s);
	queue_view_json(&j, v->o.queues);
	if (v->o.latency) {
		struct lat_run one = { 0 };

		lat_run_add(&one, s);
		lat_json(&j, "latency", &one);
	} else {
		json_null(&j, "latency");
	}
	/* the measurements behind it, as `--raw --json` prints them */
	json_obj(&j, "raw");
	raw_view_json_fields(&j, s);
	json_obj_end(&j);
	json_end(&j);
	fflush(f);
}



void record_write_summary(FILE *f, const struct live_view *v, const struct nic_info *nic,
			  const struct live_run *run)
{
	const struct estimate *e = &v->last;
	struct live_steady st;
	struct json j;

	json_begin(&j, f);
	json_bool(&j, "summary", true);
	json_str(&j, "device", nic ? nic->name : NULL);
	json_str(&j, "driver", nic ? nic->driver : NULL);
	json_u64(&j, "intervals", v->intervals);
	json_u64(&j, "busy_intervals", v->busy);
	json_str(&j, "mapping", est_mapping_name(v->o.est.mapping));
	json_str(&j, "model", e->kind == MODEL_IDEAL ? NULL : model_kind_name(e->kind));
	json_str(&j, "model_reason", e->win.reason);
	json_dbl(&j, "isr_us", live_stat_mean(&v->isr));
	json_dbl(&j, "isr_sd_us", live_stat_sd(&v->isr));
	json_dbl(&j, "copy_us", live_stat_mean(&v->copy));
	json_dbl(&j, "copy_sd_us", live_stat_sd(&v->copy));
	json_dbl(&j, "proto_us", live_stat_mean(&v->proto));
	json_dbl(&j, "proto_sd_us", live_stat_sd(&v->proto));
	json_dbl(&j, "batch_mean", live_stat_mean(&v->batch));
	live_view_steady(v, &st);
	json_u64(&j, "napi_packets_busy", v->napi_packets_busy);
	json_dbl(&j, "busy_poll_share", v->napi_packets ? (double)v->napi_packets_busy / (double)v->napi_packets : NAN);
	json_u64(&j, "steady_intervals", st.to - st.from);
	json_u64(&j, "edge_intervals_left_out", st.left_out);
	json_dbl(&j, "error_pct_mean", live_stat_mean(&st.error));
	json_dbl(&j, "error_pct_sd", live_stat_sd(&st.error));
	json_dbl(&j, "fit_error_pct_mean", live_stat_mean(&st.fit_error));
	json_dbl(&j, "fit_error_pct_sd", live_stat_sd(&st.fit_error));
	json_dbl(&j, "worst_error_pct", st.worst ? st.worst->error : NAN);
	if (st.worst)
		json_u64(&j, "worst_time", (uint64_t)st.worst->time);
	else
		json_null(&j, "worst_time");
	json_dblp(&j, "capacity_pps", run->valid ? run->fs.capacity_pps : NAN, 1);
	json_dblp(&j, "mlfrr_pps", run->valid ? run->fs.mlfrr_pps : NAN, 1);
	json_dblp(&j, "mlfrr_gamma_pps", run->valid ? run->fs.capacity_pps : NAN, 1);
	json_dblp(&j, "livelock_pps", run->valid ? run->fs.livelock_pps : NAN, 1);
	if (run->valid)
		costs_json(&j, &run->p);
	else
		json_null(&j, "costs");
	(void)e;
	if (v->o.latency)
		lat_json(&j, "latency", &v->lat);
	else
		json_null(&j, "latency");
#define X(field, slots, key, doc)					\
	json_arr(&j, key);						\
	for (int i = 0; i < (slots); i++)				\
		json_u64(&j, NULL, v->field[i]);			\
	json_arr_end(&j);
	LT_HISTS(X)
#undef X
	json_end(&j);
}
