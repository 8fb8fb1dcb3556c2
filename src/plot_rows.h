/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Columns of a JSON Lines file, for `livelock-trace plot`: every line an
 * object, each key a dotted path (json_read.h), each column one double per
 * row, NAN where the row lacks the key, has null or a non-number there.
 * Read as untrusted input: regular files only, lines and rows bounded.
 */
#ifndef LT_PLOT_ROWS_H
#define LT_PLOT_ROWS_H
#include <stddef.h>
#include <stdio.h>

#define PLOT_MAX_LINE	(1 << 20)	/* bytes of one line; a longer one is refused */
#define PLOT_MAX_ROWS	100000		/* rows (non-blank lines) of one file */
#define PLOT_MAX_KEYS	24

struct plot_rows {
	size_t n;			/* rows read */
	int n_keys;
	double *col[PLOT_MAX_KEYS];	/* col[k][row]: keys[k] of that row, or NAN */
};

/*
 * Reads the columns keys[0..n_keys) of every line of path (name: what
 * errors call it).  0, or -1 after one line on stderr ("plot: FILE:LINE is
 * not JSON", "FILE is empty", ...); either way plot_rows_free() after.
 */
int plot_rows_read(const char *path, const char *const *keys, int n_keys, struct plot_rows *r);
int plot_rows_stream(FILE *f, const char *name, const char *const *keys, int n_keys,
		     struct plot_rows *r);
void plot_rows_free(struct plot_rows *r);

#endif
