// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Columns of a JSON Lines file (plot_rows.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "json_read.h"
#include "lines.h"
#include "plot_rows.h"

static bool blank(const char *s)
{
	return s[strspn(s, " \t\r\n")] == '\0';
}

/* Room for one more row in every column. */
static bool grow(struct plot_rows *r, size_t *cap)
{
	size_t want = *cap ? 2 * *cap : 64;

	if (r->n < *cap)
		return true;
	for (int k = 0; k < r->n_keys; k++) {
		double *c = realloc(r->col[k], want * sizeof(double));

		if (!c)
			return false;
		r->col[k] = c;
	}
	*cap = want;
	return true;
}

int plot_rows_stream(FILE *f, const char *name, const char *const *keys, int n_keys,
		     struct plot_rows *r)
{
	char pname[4 * 256];
	size_t cap = 0, len, line_cap = PLOT_MAX_LINE + 2;	/* the line, its '\n', the NUL */
	char *line = malloc(line_cap);
	unsigned long no = 0;
	int got, rc = -1;

	memset(r, 0, sizeof(*r));
	r->n_keys = n_keys < PLOT_MAX_KEYS ? n_keys : PLOT_MAX_KEYS;
	cli_printable(pname, sizeof(pname), name);
	if (!line) {
		cli_err("plot: out of memory reading %s", pname);
		return -1;
	}
	while ((got = lines_read(f, line, line_cap, &len)) > 0) {
		struct jv *o;

		no++;
		if (blank(line))
			continue;
		if (r->n == PLOT_MAX_ROWS) {
			cli_err("plot: %s has more than %d rows", pname, PLOT_MAX_ROWS);
			goto out;
		}
		o = jv_parse(line);
		if (!o || o->type != JV_OBJ) {
			cli_err("plot: %s:%lu is not %s", pname, no, o ? "a JSON object" : "valid JSON");
			jv_free(o);
			goto out;
		}
		if (!grow(r, &cap)) {
			jv_free(o);
			cli_err("plot: out of memory reading %s", pname);
			goto out;
		}
		for (int k = 0; k < r->n_keys; k++)
			r->col[k][r->n] = jv_num(o, keys[k]);
		r->n++;
		jv_free(o);
	}
	if (got < 0) {
		cli_err("plot: %s:%lu is longer than %d bytes", pname, no + 1, PLOT_MAX_LINE);
		goto out;
	}
	if (ferror(f)) {
		cli_err("plot: cannot read %s: %s", pname, strerror(errno));
		goto out;
	}
	if (!r->n) {
		cli_err("plot: %s is empty: no rows to plot", pname);
		goto out;
	}
	rc = 0;
out:
	free(line);
	return rc;
}

int plot_rows_read(const char *path, const char *const *keys, int n_keys, struct plot_rows *r)
{
	char pname[4 * 256];
	int why = 0, rc;
	FILE *f = lines_open(path, &why);

	memset(r, 0, sizeof(*r));
	if (!f) {
		cli_printable(pname, sizeof(pname), path);
		if (why == LINES_NOT_REGULAR)
			cli_err("plot: %s is not a regular file", pname);
		else
			cli_err("plot: cannot read %s: %s", pname, strerror(-why));
		return -1;
	}
	rc = plot_rows_stream(f, path, keys, n_keys, r);
	fclose(f);
	return rc;
}

void plot_rows_free(struct plot_rows *r)
{
	for (int k = 0; k < PLOT_MAX_KEYS; k++)
		free(r->col[k]);
	memset(r, 0, sizeof(*r));
}
