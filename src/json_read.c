// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* A recursive-descent JSON reader (see json_read.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "json_read.h"
#include "numparse.h"

#define MAX_DEPTH 32

struct parser {
	const char *p;
	int depth;
};

static void ws(struct parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')
		ps->p++;
}

static struct jv *value(struct parser *ps);

static char *string(struct parser *ps)
{
	const char *s = ++ps->p;	/* after the opening quote */
	char *out, *o;

	while (*ps->p && *ps->p != '"') {
		if (*ps->p == '\\' && ps->p[1])
			ps->p++;
		if ((unsigned char)*ps->p < 0x20)
			return NULL;
		ps->p++;
	}
	if (*ps->p != '"')
		return NULL;
	out = o = malloc((size_t)(ps->p - s) + 1);
	if (!out)
		return NULL;
	while (s < ps->p) {
		if (*s != '\\') {
			*o++ = *s++;
			continue;
		}
		s++;
		switch (*s) {
		case 'n': *o++ = '\n'; break;
		case 't': *o++ = '\t'; break;
		case 'r': *o++ = '\r'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'u':	/* keep ASCII, replace the rest: names here are ASCII */
			if (s + 4 >= ps->p) {
				free(out);
				return NULL;
			}
			{
				char hex[5] = { s[1], s[2], s[3], s[4], 0 };
				long c = strtol(hex, NULL, 16);

				*o++ = c > 0 && c < 0x80 ? (char)c : '?';
				s += 4;
			}
			break;
		default: *o++ = *s; break;	/* \" \\ \/ */
		}
		s++;
	}
	*o = '\0';
	ps->p++;
	return out;
}

static struct jv *node(enum jv_type t)
{
	struct jv *v = calloc(1, sizeof(*v));

	if (v)
		v->type = t;
	return v;
}

static struct jv *container(struct parser *ps, bool obj)
{
	struct jv *v = node(obj ? JV_OBJ : JV_ARR), **tail;
	char close = obj ? '}' : ']';

	if (!v || ++ps->depth > MAX_DEPTH)
		goto fail;
	tail = &v->child;
	ps->p++;
	ws(ps);
	if (*ps->p == close) {
		ps->p++;
		ps->depth--;
		return v;
	}
	for (;;) {
		char *key = NULL;
		struct jv *e;

		ws(ps);
		if (obj) {
			if (*ps->p != '"' || !(key = string(ps)))
				goto fail;
			ws(ps);
			if (*ps->p++ != ':') {
				free(key);
				goto fail;
			}
		}
		e = value(ps);
		if (!e) {
			free(key);
			goto fail;
		}
		e->key = key;
		*tail = e;
		tail = &e->next;
		ws(ps);
		if (*ps->p == ',') {
			ps->p++;
			continue;
		}
		if (*ps->p++ != close)
			goto fail;
		ps->depth--;
		return v;
	}
fail:
	jv_free(v);
	return NULL;
}

static struct jv *value(struct parser *ps)
{
	struct jv *v;
	double num;
	size_t len;

	ws(ps);
	switch (*ps->p) {
	case '{': return container(ps, true);
	case '[': return container(ps, false);
	case '"':
		v = node(JV_STR);
		if (v && !(v->str = string(ps))) {
			free(v);
			return NULL;
		}
		return v;
	case 't':
	case 'f':
	case 'n': {
		static const char *const words[] = { "true", "false", "null" };

		for (int i = 0; i < 3; i++)
			if (!strncmp(ps->p, words[i], strlen(words[i]))) {
				v = node(i == 2 ? JV_NULL : JV_BOOL);
				if (v)
					v->num = i == 0;
				ps->p += strlen(words[i]);
				return v;
			}
		return NULL;
	}
	default:	/* numbers: the grammar of numparse.h, so no inf, nan or hex */
		len = num_decimal_read(ps->p, &num);
		if (!len || !(v = node(JV_NUM)))
			return NULL;
		v->num = num;
		ps->p += len;
		return v;
	}
}

struct jv *jv_parse(const char *text)
{
	struct parser ps = { .p = text };
	struct jv *v = value(&ps);

	if (!v)
		return NULL;
	ws(&ps);
	if (*ps.p) {
		jv_free(v);
		return NULL;
	}
	return v;
}

void jv_free(struct jv *v)
{
	while (v) {
		struct jv *n = v->next;

		jv_free(v->child);
		free(v->str);
		free(v->key);
		free(v);
		v = n;
	}
}

const struct jv *jv_get(const struct jv *obj, const char *path)
{
	const char *dot;
	size_t len;

	while (obj && obj->type == JV_OBJ) {
		const struct jv *c;

		dot = strchr(path, '.');
		len = dot ? (size_t)(dot - path) : strlen(path);
		for (c = obj->child; c; c = c->next)
			if (c->key && strlen(c->key) == len && !strncmp(c->key, path, len))
				break;
		if (!c || !dot)
			return c;
		obj = c;
		path = dot + 1;
	}
	return NULL;
}

double jv_num(const struct jv *obj, const char *path)
{
	const struct jv *v = jv_get(obj, path);

	return v && v->type == JV_NUM ? v->num : NAN;
}

const char *jv_str(const struct jv *obj, const char *path)
{
	const struct jv *v = jv_get(obj, path);

	return v && v->type == JV_STR ? v->str : NULL;
}

bool jv_true(const struct jv *obj, const char *path)
{
	const struct jv *v = jv_get(obj, path);

	return v && v->type == JV_BOOL && v->num != 0;
}
