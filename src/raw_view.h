/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The raw per-interval signals (`--raw`): a table or JSON Lines. */
#ifndef LT_RAW_VIEW_H
#define LT_RAW_VIEW_H
#include <stdbool.h>
#include <stdio.h>
#include "nic.h"
#include "sample.h"

#define RAW_VIEW_HEADER_EVERY 20	/* lines between repeated headers, like vmstat */

struct json;
/* The raw signals as fields of an open JSON object (all but interval_s). */
void raw_view_json_fields(struct json *j, const struct lt_sample *s);
/* interval_s: what the user asked for (under 1 s, timestamps with decimals) */
void raw_view_interval(FILE *f, bool json, unsigned long line, double interval_s,
		       const struct lt_sample *s);

#endif
