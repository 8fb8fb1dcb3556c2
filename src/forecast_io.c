// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <math.h>
#include <stddef.h>
#include <string.h>
#include "forecast_io.h"

/* One list: every number of struct fc_costs, its JSON key and its scale. */
#define FC_COST_FIELDS(X)						\
	X(cpus,			"cpus",			1)		\
	X(buffer,		"buffer",		1)		\
	X(irq_fixed_ns,		"irq_fixed_us",		1e-3)		\
	X(irq_pkt_ns,		"irq_pkt_us",		1e-3)		\
	X(rx_fixed_ns,		"rx_fixed_us",		1e-3)		\
	X(rx_pkt_ns,		"rx_pkt_us",		1e-3)		\
	X(app_wakeup_ns,	"app_wakeup_us",	1e-3)		\
	X(app_dgram_ns,		"app_dgram_us",		1e-3)		\
	X(app_share,		"app_share",		1)		\
	X(setup_ns,		"setup_us",		1e-3)		\
	X(irq_cap_pps,		"irq_cap_pps",		1)		\
	X(frames_per_irq,	"frames_per_irq",	1)		\
	X(defer_ns,		"defer_us",		1e-3)		\
	X(defer_irqs,		"napi_defer_hard_irqs",	1)		\
	X(gro_flush_ns,		"gro_flush_timeout_us",	1e-3)		\
	X(rx_empty_ns,		"rx_empty_us",		1e-3)		\
	X(timer_late_ns,	"timer_late_us",	1e-3)

struct cost_field {
	const char *key;
	size_t off;
	double scale;
};

static const struct cost_field fields[] = {
#define X(member, key, scale) { key, offsetof(struct fc_costs, member), scale },
	FC_COST_FIELDS(X)
#undef X
};
#define N_FIELDS (sizeof(fields) / sizeof(fields[0]))

static double *field(struct fc_costs *c, size_t i)
{
	return (double *)((char *)c + fields[i].off);
}

size_t fc_cost_fields(void)
{
	return N_FIELDS;
}

double *fc_cost_field(struct fc_costs *c, size_t i)
{
	return i < N_FIELDS ? field(c, i) : NULL;
}

void fc_costs_json(struct json *j, const char *key, const struct fc_costs *c)
{
	json_obj(j, key);
	for (size_t i = 0; i < N_FIELDS; i++)
		json_dbl(j, fields[i].key, *field((struct fc_costs *)c, i) * fields[i].scale);
	json_bool(j, "napi", c->napi);
	json_bool(j, "threaded", c->threaded);
	json_obj_end(j);
}

bool fc_costs_read(const struct jv *obj, const char *key, struct fc_costs *c)
{
	const struct jv *o = jv_get(obj, key);

	memset(c, 0, sizeof(*c));
	if (!o || o->type != JV_OBJ)
		return false;
	for (size_t i = 0; i < N_FIELDS; i++)
		*field(c, i) = jv_num(o, fields[i].key) / fields[i].scale;
	if (isnan(c->irq_cap_pps))	/* written as null: no cap */
		c->irq_cap_pps = INFINITY;
	if (isnan(c->app_dgram_ns))
		c->app_wakeup_ns = NAN;
	if (isnan(c->defer_irqs) || isnan(c->gro_flush_ns))	/* records before NAPI deferral: off */
		c->defer_irqs = c->gro_flush_ns = 0;
	c->napi = jv_true(o, "napi");
	c->threaded = jv_true(o, "threaded");
	return fc_costs_valid(c);
}

void fc_point_json(struct json *j, const char *key, const struct fc_point *p)
{
	json_obj(j, key);
	json_dblp(j, "lambda_pps", p->lambda_pps, 1);
	json_dblp(j, "forecast_pps", p->gamma_pps, 1);
	json_dbl(j, "irqs_per_s", p->irqs_pps);
	json_dbl(j, "batch", p->batch);
	json_dbl(j, "cpu_irq", p->cpu_irq);
	json_dbl(j, "cpu_rx", p->cpu_rx);
	json_dbl(j, "cpu_app", p->cpu_app);
	json_dbl(j, "app_wakeups_per_s", p->app_wakeups_pps);
	json_dbl(j, "kernel_pps", p->kernel_pps);
	json_bool(j, "deferred", p->deferred);
	json_str(j, "limit", p->limit);
	json_obj_end(j);
}
