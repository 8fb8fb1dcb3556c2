/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The per-queue view beside the aggregate (queue_model.h says how it is
 * computed): the queue map in a header line, then per interval one
 * line on the hottest queue (every queue with -Q) under the table line, and
 * in --json / --record a "queues" array with "hot_queue".
 */
#ifndef LT_QUEUE_VIEW_H
#define LT_QUEUE_VIEW_H
#include <stdbool.h>
#include <stdio.h>
#include "json.h"
#include "queue_model.h"

struct queue_view {
	bool all;			/* -Q: a line per queue */
	char dev[IF_NAMESIZE];
	struct nic_queue_map map;
	struct qm_report rep;		/* the last interval's */
	enum est_state aggregate_state;	/* the estimator's, before the queues raised it */
	double last_dt;			/* the last interval's length, s */
};

/* Discover the queue map of nic (nothing is changed). */
void queue_view_init(struct queue_view *qv, const struct nic_info *nic, bool all);
/* One interval: account and assess; e->state becomes the device's (the worst queue's). */
void queue_view_update(struct queue_view *qv, const struct lt_sample *s, struct estimate *e);
/* Table mode: the lines under the interval's line.  These three do nothing for qv NULL. */
void queue_view_lines(FILE *f, struct queue_view *qv);
/* JSON mode: "queues", "hot_queue" and the rest into the interval's object. */
void queue_view_json(struct json *j, const struct queue_view *qv);
/* "# queues: ..." (the map), or nothing without one; for the header. */
void queue_view_header(FILE *f, const struct queue_view *qv);

#endif
