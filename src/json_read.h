/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A small JSON reader for one line of JSON Lines: parses into a tree and
 * answers dotted-path lookups ("drops.socket", "device.name").  Enough for
 * the files livelock-trace writes itself; rejects anything malformed.
 */
#ifndef LT_JSON_READ_H
#define LT_JSON_READ_H
#include <stdbool.h>

enum jv_type { JV_NULL, JV_BOOL, JV_NUM, JV_STR, JV_ARR, JV_OBJ };

struct jv {
	enum jv_type type;
	double num;		/* JV_NUM; JV_BOOL: 0 or 1 */
	char *str;		/* JV_STR */
	char *key;		/* member name inside an object, else NULL */
	struct jv *child;	/* JV_ARR, JV_OBJ: first element */
	struct jv *next;	/* next sibling */
};

/* NULL on a syntax error (or no memory); the whole text must be one value. */
struct jv *jv_parse(const char *text);
void jv_free(struct jv *v);
/* Member by dotted path; NULL when absent. */
const struct jv *jv_get(const struct jv *obj, const char *path);
/* Number at path, NAN when absent, null or not a number. */
double jv_num(const struct jv *obj, const char *path);
/* String at path, NULL when absent or not a string. */
const char *jv_str(const struct jv *obj, const char *path);
bool jv_true(const struct jv *obj, const char *path);

#endif
