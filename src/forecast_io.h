/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The forecast's inputs and outputs in JSON: one table of cost fields
 * written in every interval (`--json`, `--record`) and in the summary, and
 * read back by `livelock-trace forecast`.  Times are written in
 * microseconds (`_us`), rates in packets/s.
 */
#ifndef LT_FORECAST_IO_H
#define LT_FORECAST_IO_H
#include <stdbool.h>
#include <stddef.h>
#include "forecast.h"
#include "json.h"
#include "json_read.h"

/* key: the member holding the object ("costs"). */
void fc_costs_json(struct json *j, const char *key, const struct fc_costs *c);
/* false when absent or incomplete (then *c holds what was there). */
bool fc_costs_read(const struct jv *obj, const char *key, struct fc_costs *c);
/* The numbers of struct fc_costs one by one (the same list), for statistics over many. */
size_t fc_cost_fields(void);
double *fc_cost_field(struct fc_costs *c, size_t i);	/* NULL past the end */
void fc_point_json(struct json *j, const char *key, const struct fc_point *p);

#endif
