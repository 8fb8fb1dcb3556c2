// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Columns of a JSON Lines file (plot_rows.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"
#include "json_read.h"
#include "plot_rows.h"

/* 1: a line in buf, 0: end of file, -1: longer than cap - 2 bytes. */
static int read_line(FILE *f, char *buf, size_t cap, size_t *len)
{
	if (!fgets(buf, (int)cap, f))
		return 0;
	*len = strlen(buf);	/* a NUL byte ends it early: no JSON, refused below */
	if (*len + 1 < cap || buf[*len - 1] == '\n')
		return 1;
	return fgetc(f) == EOF ? 1 : -1;
}

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
	while ((got = read_line(f, line, line_cap, &len)) > 0) {
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
	/* a regular file only: /dev/zero or a FIFO would be read forever or block */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), rc;
	char pname[4 * 256];
	struct stat st;
	FILE *f;

	memset(r, 0, sizeof(*r));
	cli_printable(pname, sizeof(pname), path);
	if (fd < 0) {
		cli_err("plot: cannot read %s: %s", pname, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		cli_err("plot: %s is not a regular file", pname);
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	f = fdopen(fd, "r");
	if (!f) {
		cli_err("plot: cannot read %s: %s", pname, strerror(errno));
		close(fd);
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
