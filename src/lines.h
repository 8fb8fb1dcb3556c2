/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Reading our own line files (JSON Lines records, plot input) safely: a
 * regular file only, and lines bounded in length.  Used by compare_load.c
 * and plot_rows.c; each says its own error.
 */
#ifndef LT_LINES_H
#define LT_LINES_H
#include <stddef.h>
#include <stdio.h>

/*
 * path opened for reading if it is a regular file (/dev/zero or a FIFO would
 * be read forever or block).  NULL with *err = -errno when it cannot be
 * opened, or LINES_NOT_REGULAR when it is not a regular file.
 */
#define LINES_NOT_REGULAR	(-100000)
FILE *lines_open(const char *path, int *err);
/* 1: a line in buf (ending in '\n' unless the file does), 0: end of file, -1: longer than cap - 2 bytes. */
int lines_read(FILE *f, char *buf, size_t cap, size_t *len);

#endif
