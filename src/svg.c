// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <math.h>
#include <string.h>
#include "svg.h"

/* Beyond this a value would overflow the scale (x 1.05, nice steps): drawn as missing. */
#define SVG_MAX_VALUE 1e300

static bool usable(double v)
{
	return isfinite(v) && fabs(v) <= SVG_MAX_VALUE;
}

#define W		900
#define H		560
#define LEFT		90
#define RIGHT		30
#define TOP		50
#define BOTTOM		70
#define TICKS		6	/* about this many ticks per axis */
#define LEGEND_ROW	20

static const char *const palette[SVG_MAX_SERIES] = {
	"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
	"#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
};

void svg_plot_init(struct svg_plot *p, const char *title, const char *xlabel,
		   const char *ylabel)
{
	memset(p, 0, sizeof(*p));
	p->title = title;
	p->xlabel = xlabel;
	p->ylabel = ylabel;
}

bool svg_plot_add(struct svg_plot *p, const struct svg_series *s)
{
	if (p->n_series >= SVG_MAX_SERIES)
		return false;
	p->series[p->n_series++] = *s;
	return true;
}

bool svg_plot_mark(struct svg_plot *p, double x, const char *label)
{
	if (p->n_markers >= SVG_MAX_MARKERS || !usable(x))
		return false;
	p->markers[p->n_markers].x = x;
	p->markers[p->n_markers++].label = label;
	return true;
}

/* A 1-2-5 step giving about TICKS ticks over span. */
static double nice_step(double span)
{
	double raw = span / TICKS, mag = pow(10, floor(log10(raw))), f = raw / mag;

	return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
}

static void put_text(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if (*s == '&')
			fputs("&amp;", f);
		else
			fputc(*s, f);
	}
}

static void fmt_num(char *buf, size_t len, double v)
{
	if (fabs(v) >= 1e6)
		snprintf(buf, len, "%gM", v / 1e6);
	else if (fabs(v) >= 1e3)
		snprintf(buf, len, "%gk", v / 1e3);
	else
		snprintf(buf, len, "%g", v);
}

void svg_plot_write(const struct svg_plot *p, FILE *f)
{
	double xmin = INFINITY, xmax = -INFINITY, ymax = 0, xs, ys, v;
	const double pw = W - LEFT - RIGHT, ph = H - TOP - BOTTOM;
	char num[32];
	int i;

	for (i = 0; i < p->n_series; i++)
		for (size_t k = 0; k < p->series[i].n; k++) {
			if (!usable(p->series[i].x[k]))
				continue;
			xmin = fmin(xmin, p->series[i].x[k]);
			xmax = fmax(xmax, p->series[i].x[k]);
			if (usable(p->series[i].y[k]))
				ymax = fmax(ymax, p->series[i].y[k]);
		}
	if (!usable(xmin)) {
		xmin = 0;
		xmax = 1;
	}
	xmin = fmin(xmin, 0);
	if (xmax <= xmin)
		xmax = xmin + 1;
	if (ymax <= 0)
		ymax = 1;
	xs = nice_step(xmax - xmin);
	xmax = ceil(xmax / xs) * xs;
	ys = nice_step(ymax * 1.05);
	ymax = ceil(ymax * 1.05 / ys) * ys;

#define X(v) (LEFT + ((v) - xmin) / (xmax - xmin) * pw)
#define Y(v) (TOP + ph - (v) / ymax * ph)
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"13\">\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n", W, H, W, H);
	fprintf(f, "<text x=\"%d\" y=\"28\" text-anchor=\"middle\" font-size=\"16\">", W / 2);
	put_text(f, p->title);
	fputs("</text>\n<g class=\"grid\" stroke=\"#ddd\">\n", f);
	for (v = xmin; v <= xmax + xs / 2; v += xs)
		fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
			X(v), TOP, X(v), TOP + ph);
	for (v = 0; v <= ymax + ys / 2; v += ys)
		fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
			LEFT, Y(v), LEFT + pw, Y(v));
	fputs("</g>\n<g class=\"ticks\">\n", f);
	for (v = xmin; v <= xmax + xs / 2; v += xs) {
		fmt_num(num, sizeof(num), v);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
			X(v), TOP + ph + 18, num);
	}
	for (v = 0; v <= ymax + ys / 2; v += ys) {
		fmt_num(num, sizeof(num), v);
		fprintf(f, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
			LEFT - 6, Y(v) + 4, num);
	}
	fprintf(f, "</g>\n<rect x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"%.0f\" "
		"fill=\"none\" stroke=\"black\"/>\n", LEFT, TOP, pw, ph);
	fprintf(f, "<text class=\"xlabel\" x=\"%.0f\" y=\"%d\" text-anchor=\"middle\">",
		LEFT + pw / 2, H - 22);
	put_text(f, p->xlabel);
	fprintf(f, "</text>\n<text class=\"ylabel\" transform=\"translate(22 %.0f) rotate(-90)\" "
		"text-anchor=\"middle\">", TOP + ph / 2);
	put_text(f, p->ylabel);
	fputs("</text>\n", f);

	for (i = 0; i < p->n_markers; i++) {
		double mx = p->markers[i].x;

		if (mx < xmin || mx > xmax)
			continue;
		fprintf(f, "<g class=\"marker\"><line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" "
			"stroke=\"#444\" stroke-dasharray=\"2 4\"/>", X(mx), TOP, X(mx), TOP + ph);
		fprintf(f, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" fill=\"#444\" "
			"transform=\"rotate(-90 %.1f %d)\" text-anchor=\"end\">",
			X(mx) - 4, TOP + 6, X(mx) - 4, TOP + 6);
		put_text(f, p->markers[i].label);
		fputs("</text></g>\n", f);
	}

	for (i = 0; i < p->n_series; i++) {
		const struct svg_series *s = &p->series[i];
		const char *col = palette[i];
		bool pen = false;

		fprintf(f, "<g class=\"series\" data-name=\"");
		put_text(f, s->name);
		fprintf(f, "\">\n");
		if (s->points) {
			for (size_t k = 0; k < s->n; k++)
				if (usable(s->x[k]) && usable(s->y[k]))
					fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"/>\n",
						X(s->x[k]), Y(s->y[k]), col);
		} else {
			fprintf(f, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s d=\"",
				col, s->dashed ? " stroke-dasharray=\"6 4\"" : "");
			for (size_t k = 0; k < s->n; k++) {
				if (!usable(s->x[k]) || !usable(s->y[k])) {
					pen = false;
					continue;
				}
				fprintf(f, "%c%.1f %.1f ", pen ? 'L' : 'M', X(s->x[k]), Y(s->y[k]));
				pen = true;
			}
			fputs("\"/>\n", f);
		}
		fputs("</g>\n", f);
		/* legend, top right inside the frame */
		double lx = LEFT + pw - 190, ly = TOP + 18 + i * LEGEND_ROW;
		if (s->points)
			fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/>", lx + 12, ly - 4, col);
		else
			fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
				"stroke-width=\"3\"/>", lx, ly - 4, lx + 24, ly - 4, col);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">", lx + 32, ly);
		put_text(f, s->name);
		fputs("</text>\n", f);
	}
	fputs("</svg>\n", f);
#undef X
#undef Y
}

int svg_plot_save(const struct svg_plot *p, const char *path)
{
	FILE *f = fopen(path, "w");
	int err = 0;

	if (!f)
		return -errno;
	svg_plot_write(p, f);
	if (ferror(f))
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	return err;
}
