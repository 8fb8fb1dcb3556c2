/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A small SVG line-plot writer: labelled axes with 1-2-5 ticks, named series
 * (lines or points), a legend and labelled vertical markers.  Used by
 * `model --plot` and by the reports that compare runs.
 */
#ifndef LT_SVG_H
#define LT_SVG_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define SVG_MAX_SERIES	8
#define SVG_MAX_MARKERS	8

struct svg_series {
	const char *name;
	const double *x, *y;	/* non-finite y breaks the line / skips the point */
	size_t n;
	bool points;		/* markers instead of a line */
	bool dashed;
	bool hollow;		/* points: rings instead of discs */
	const char *const *labels;	/* points: a text beside each (NULL: none) */
};

struct svg_marker {
	double x;
	const char *label;
};

struct svg_plot {
	const char *title, *xlabel, *ylabel;
	struct svg_series series[SVG_MAX_SERIES];
	int n_series;
	struct svg_marker markers[SVG_MAX_MARKERS];
	int n_markers;
	bool ylog;		/* y on a log10 scale, decades as ticks (y <= 0 is missing) */
};

void svg_plot_init(struct svg_plot *p, const char *title, const char *xlabel,
		   const char *ylabel);
/* Returns false when the plot is full.  The arrays must outlive the write. */
bool svg_plot_add(struct svg_plot *p, const struct svg_series *s);
bool svg_plot_mark(struct svg_plot *p, double x, const char *label);
void svg_plot_write(const struct svg_plot *p, FILE *f);
/* Writes to a file; returns 0 or a negative errno. */
int svg_plot_save(const struct svg_plot *p, const char *path);

#endif
