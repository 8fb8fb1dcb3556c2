/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A minimal JSON Lines writer: one object per line, nested objects allowed.
 * Non-finite doubles are written as null, never as NaN/inf.
 */
#ifndef LT_JSON_H
#define LT_JSON_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 8

struct json {
	FILE *f;
	int depth;
	bool first[JSON_MAX_DEPTH];
};

void json_begin(struct json *j, FILE *f);	/* opens the top-level object */
void json_end(struct json *j);			/* closes it, writes '\n', flushes */
void json_obj(struct json *j, const char *key);	/* opens a nested object */
void json_obj_end(struct json *j);
void json_arr(struct json *j, const char *key);	/* opens an array */
void json_arr_end(struct json *j);
void json_str(struct json *j, const char *key, const char *v);	/* NULL -> null */
void json_dbl(struct json *j, const char *key, double v);	/* !finite -> null */
void json_dblp(struct json *j, const char *key, double v, int prec);
void json_u64(struct json *j, const char *key, uint64_t v);
void json_i64(struct json *j, const char *key, int64_t v);
void json_bool(struct json *j, const char *key, bool v);
void json_null(struct json *j, const char *key);
/* Array elements: key == NULL inside json_arr(). */

#endif
