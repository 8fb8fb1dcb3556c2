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
#define LEGEND_CHAR	7.0	/* px a character of the legend takes, about */

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

/* The y axis: linear from 0 to hi, or log10 from lo to hi (whole decades). */
struct yaxis {
	bool log;
	double lo, hi;
};

static double yfrac(const struct yaxis *a, double v)
{
	return a->log ? (log10(v) - log10(a->lo)) / (log10(a->hi) - log10(a->lo)) : v / a->hi;
}

/* The y ticks: every step from 0, or every decade from lo; how many (at most max). */
static int y_ticks(const struct yaxis *a, double step, double *out, int max)
{
	int n = 0;

	if (a->log)	/* 1, 2, 5 a decade over three decades or fewer, else decades */
		for (double d = a->lo; d <= a->hi * 1.001 && n < max; d *= 10)
			for (int k = 0; k < 3 && n < max; k++) {
				double v = d * (k == 0 ? 1 : k == 1 ? 2 : 5);

				if (v <= a->hi * 1.001 && (k == 0 || a->hi / a->lo <= 1001))
					out[n++] = v;
			}
	else
		for (double v = 0; v <= a->hi + step / 2 && n < max; v += step)
			out[n++] = v;
	return n;
}

static bool y_usable(const struct svg_plot *p, double v)
{
	return usable(v) && (!p->ylog || v > 0);
}

/* The plotting area: data to pixels. */
struct frame {
	double xmin, xmax, pw, ph;
	struct yaxis ya;
};

static double fx(const struct frame *fr, double v)
{
	return LEFT + (v - fr->xmin) / (fr->xmax - fr->xmin) * fr->pw;
}

static double fy(const struct frame *fr, double v)
{
	return TOP + fr->ph - yfrac(&fr->ya, v) * fr->ph;
}

#define LEGEND_WIDTH(chars) (44 + LEGEND_CHAR * (double)(chars))

/* The legend's top left: of the frame's four corners, the one with the fewest points under it. */
static void legend_corner(const struct svg_plot *p, const struct frame *fr, double lw, double lh,
			  double *x, double *y)
{
	const double cx[4] = { LEFT + fr->pw - lw, LEFT + 10, LEFT + fr->pw - lw, LEFT + 10 };
	const double cy[4] = { TOP, TOP, TOP + fr->ph - lh - 4, TOP + fr->ph - lh - 4 };
	int best = 0, fewest = -1;

	for (int c = 0; c < 4; c++) {
		int in = 0;

		for (int k = 0; k < p->n_series; k++) {
			const struct svg_series *ser = &p->series[k];

			for (size_t q = 0; q < ser->n; q++) {
				double px, py;

				if (!usable(ser->x[q]) || !y_usable(p, ser->y[q]))
					continue;
				px = fx(fr, ser->x[q]);
				py = fy(fr, ser->y[q]);
				/* a point's label runs about 60 px to its right */
				in += px >= cx[c] - 8 && px <= cx[c] + lw + 60 && py >= cy[c] - 8 && py <= cy[c] + lh + 8;
			}
		}
		if (fewest < 0 || in < fewest) {
			fewest = in;
			best = c;
		}
	}
	*x = cx[best];
	*y = cy[best];
}

void svg_plot_write(const struct svg_plot *p, FILE *f)
{
	double xmin = INFINITY, xmax = -INFINITY, ymax = 0, ymin = INFINITY, xs, ys, v, yt[64];
	struct yaxis ya = { .log = p->ylog };
	size_t longest = 20;
	double leg_x, leg_y;
	struct frame fr;
	int nyt;
	const double pw = W - LEFT - RIGHT, ph = H - TOP - BOTTOM;
	char num[32];
	int i;

	for (i = 0; i < p->n_series; i++)
		for (size_t k = 0; k < p->series[i].n; k++) {
			if (!usable(p->series[i].x[k]))
				continue;
			xmin = fmin(xmin, p->series[i].x[k]);
			xmax = fmax(xmax, p->series[i].x[k]);
			if (y_usable(p, p->series[i].y[k])) {
				ymax = fmax(ymax, p->series[i].y[k]);
				ymin = fmin(ymin, p->series[i].y[k]);
			}
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
	for (i = 0; i < p->n_series; i++)
		if (p->series[i].name && strlen(p->series[i].name) > longest)
			longest = strlen(p->series[i].name);
	for (i = 0; i < p->n_series; i++)
		if (p->series[i].labels)	/* room for the labels right of the last points */
			xmax += (xmax - xmin) * 0.12;
	xs = nice_step(xmax - xmin);
	xmax = ceil(xmax / xs) * xs;
	if (ya.log) {	/* whole decades around the data, at least one */
		ya.lo = usable(ymin) ? pow(10, floor(log10(ymin))) : 1;
		ya.hi = pow(10, ceil(log10(ymax > ya.lo ? ymax : ya.lo * 10)));
		if (ya.hi <= ya.lo)
			ya.hi = ya.lo * 10;
		ys = 10;
	} else {
		ys = nice_step(ymax * 1.05);
		ymax = ceil(ymax * 1.05 / ys) * ys;
		ya.lo = 0;
		ya.hi = ymax;
	}

	fr = (struct frame){ .xmin = xmin, .xmax = xmax, .pw = pw, .ph = ph, .ya = ya };
#define X(v) fx(&fr, (v))
#define Y(v) fy(&fr, (v))
	nyt = y_ticks(&ya, ys, yt, (int)(sizeof(yt) / sizeof(yt[0])));
	legend_corner(p, &fr, LEGEND_WIDTH(longest), 8 + p->n_series * LEGEND_ROW, &leg_x, &leg_y);

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
	for (i = 0; i < nyt; i++)
		fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
			LEFT, Y(yt[i]), LEFT + pw, Y(yt[i]));
	fputs("</g>\n<g class=\"ticks\">\n", f);
	for (v = xmin; v <= xmax + xs / 2; v += xs) {
		fmt_num(num, sizeof(num), v);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
			X(v), TOP + ph + 18, num);
	}
	for (i = 0; i < nyt; i++) {
		v = yt[i];
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
			for (size_t k = 0; k < s->n; k++) {
				if (!usable(s->x[k]) || !y_usable(p, s->y[k]))
					continue;
				if (s->hollow)
					fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"none\" "
						"stroke=\"%s\" stroke-width=\"2\"/>\n", X(s->x[k]), Y(s->y[k]), col);
				else
					fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"/>\n",
						X(s->x[k]), Y(s->y[k]), col);
				if (s->labels && s->labels[k]) {
					fprintf(f, "<text class=\"label\" x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"%s\">",
						X(s->x[k]) + 7, Y(s->y[k]) - 6, col);
					put_text(f, s->labels[k]);
					fputs("</text>\n", f);
				}
			}
		} else {
			fprintf(f, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s d=\"",
				col, s->dashed ? " stroke-dasharray=\"6 4\"" : "");
			for (size_t k = 0; k < s->n; k++) {
				if (!usable(s->x[k]) || !y_usable(p, s->y[k])) {
					pen = false;
					continue;
				}
				fprintf(f, "%c%.1f %.1f ", pen ? 'L' : 'M', X(s->x[k]), Y(s->y[k]));
				pen = true;
			}
			fputs("\"/>\n", f);
		}
		fputs("</g>\n", f);
		/* legend: as wide as its longest name, in the corner with the fewest points */
		double lx = leg_x, ly = leg_y + 18 + i * LEGEND_ROW;
		if (s->points && s->hollow)
			fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"none\" stroke=\"%s\" "
				"stroke-width=\"2\"/>", lx + 12, ly - 4, col);
		else if (s->points)
			fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/>", lx + 12, ly - 4, col);
		else
			fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
				"stroke-width=\"3\"%s/>", lx, ly - 4, lx + 24, ly - 4, col,
				s->dashed ? " stroke-dasharray=\"6 4\"" : "");
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
