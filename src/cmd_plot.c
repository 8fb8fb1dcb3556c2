// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * livelock-trace plot FILE.jsonl: columns of a JSON Lines file as an SVG
 * line plot, drawn by the writer every other plot uses (svg.h).  The rows
 * come from plot_rows.c; here the options, the series and markers, and the
 * output, replaced whole or not at all.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"
#include "commands.h"
#include "plot_rows.h"
#include "svg.h"

#define DIAGONAL_POINTS	65
#define LABEL_LEN	160

static void usage(FILE *f)
{
	fprintf(f,
"usage: livelock-trace plot FILE.jsonl --x KEY --y KEY[:dashed|:points][=LABEL] ...\n"
"                           [--mark KEY[=LABEL] ...] [--mark-row max:KEY|min:KEY|last]\n"
"                           [--diagonal] [--ylog] [--title T] [--xlabel T] [--ylabel T]\n"
"                           -o OUT.svg\n"
"\n"
"Draws columns of a JSON Lines file (one object a line, as --json and --record\n"
"write them) against one another: each --y KEY is a series over the --x KEY, its\n"
"points joined in the file's order.  Keys are dotted paths (drops.socket).  A row\n"
"without a number at a series' key is a gap in its line; a row without the x is\n"
"left out; a series no row has is left out with a note.  The same writer draws\n"
"model, forecast, compare and sweep plots: 1-2-5 ticks, a legend in the emptiest\n"
"corner, at most %d series and %d markers.  Regular files only, up to %d rows\n"
"of up to %d bytes.\n"
"\n"
"  --x KEY            the horizontal axis\n"
"  --y KEY[:STYLE][=LABEL]  a series: a line, or :dashed, or :points; named\n"
"                     LABEL in the legend [KEY]\n"
"  --mark KEY[=LABEL]  a vertical marker at KEY's value in one row (see\n"
"                     --mark-row), labelled 'LABEL VALUE' [KEY]\n"
"  --mark-row ROW     the markers' row: max:KEY or min:KEY (the row with the\n"
"                     highest or lowest KEY), or last [last]\n"
"  --diagonal         the dashed line y = x (everything offered arrives)\n"
"  --ylog             y on a log10 scale, decades as ticks (y <= 0 is a gap)\n"
"  --title T, --xlabel T, --ylabel T  text [the file's name, the x key, the\n"
"                     y key when there is one]\n"
"  -o, --output OUT.svg  where to write (replaced whole, or left as it was on\n"
"                     an error); '-' for standard output\n"
"  -h, --help         this help;  --version  the version and commit\n"
"\n"
"Examples:\n"
"  livelock-trace forecast light.jsonl --json > fc.jsonl    # the summary comes last\n"
"  livelock-trace plot fc.jsonl --x lambda_pps --y forecast_pps=forecast \\\n"
"      --y kernel_pps:dashed='accepted by the kernel' --mark mlfrr_pps=MLFRR -o fc.svg\n"
"\n"
"  # scripts/lab/report: one row per offered rate, markers from the best row\n"
"  livelock-trace plot e1000.jsonl --x lambda_pps --y sink_pps='sink (application)' \\\n"
"      --y predicted_pps:dashed=predicted --diagonal --mark-row max:sink_pps \\\n"
"      --mark mlfrr_pps=MLFRR --title 'e1000: received vs offered' -o e1000.svg\n",
		SVG_MAX_SERIES, SVG_MAX_MARKERS, PLOT_MAX_ROWS, PLOT_MAX_LINE);
}

struct plot_y {
	const char *key, *label;
	bool dashed, points;
};

enum row_pick { ROW_LAST, ROW_MAX, ROW_MIN };

struct plot_opts {
	const char *file, *out, *x, *title, *xlabel, *ylabel;
	struct plot_y y[SVG_MAX_SERIES];
	int n_y;
	struct plot_y mark[SVG_MAX_MARKERS];	/* key and label only */
	int n_mark;
	enum row_pick pick;
	const char *pick_key;
	bool diagonal, ylog;
};

/* KEY[=LABEL] in place: the label is KEY when none is given. */
static bool split_label(char *arg, const char *opt, const char **key, const char **label)
{
	char *eq = strchr(arg, '=');

	if (eq)
		*eq = '\0';
	*key = arg;
	*label = eq && eq[1] ? eq + 1 : arg;
	if (!*arg) {
		cli_usage("plot: %s wants a key (%s KEY)", opt, opt);
		return false;
	}
	return true;
}

static bool parse_y(char *arg, struct plot_y *y)
{
	char *style;

	memset(y, 0, sizeof(*y));
	if (!split_label(arg, "--y", &y->key, &y->label))
		return false;
	style = strrchr(arg, ':');
	if (!style)
		return true;
	*style++ = '\0';
	y->dashed = !strcmp(style, "dashed");
	y->points = !strcmp(style, "points");
	if (!*arg || !(y->dashed || y->points)) {
		cli_usage("plot: bad style '%s' in --y %s:%s: expected dashed or points", style, arg, style);
		return false;
	}
	return true;
}

static bool parse_row(const char *arg, struct plot_opts *o)
{
	if (!strcmp(arg, "last")) {
		o->pick = ROW_LAST;
		return true;
	}
	if ((!strncmp(arg, "max:", 4) || !strncmp(arg, "min:", 4)) && arg[4]) {
		o->pick = arg[1] == 'a' ? ROW_MAX : ROW_MIN;
		o->pick_key = arg + 4;
		return true;
	}
	cli_usage("plot: bad value '%s' for --mark-row: expected max:KEY, min:KEY or last", arg);
	return false;
}

static int parse(int argc, char **argv, struct plot_opts *o)
{
	enum { OPT_X = 256, OPT_Y, OPT_MARK, OPT_ROW, OPT_DIAG, OPT_YLOG, OPT_TITLE, OPT_XLABEL, OPT_YLABEL };
	static const struct option opts[] = {
		{ "x", required_argument, NULL, OPT_X },
		{ "y", required_argument, NULL, OPT_Y },
		{ "mark", required_argument, NULL, OPT_MARK },
		{ "mark-row", required_argument, NULL, OPT_ROW },
		{ "diagonal", no_argument, NULL, OPT_DIAG },
		{ "ylog", no_argument, NULL, OPT_YLOG },
		{ "title", required_argument, NULL, OPT_TITLE },
		{ "xlabel", required_argument, NULL, OPT_XLABEL },
		{ "ylabel", required_argument, NULL, OPT_YLABEL },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *unused;
	int c;

	memset(o, 0, sizeof(*o));
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
		switch (c) {
		case OPT_X:
			if (!split_label(optarg, "--x", &o->x, &unused))
				return LT_EXIT_USAGE;
			break;
		case OPT_Y:
			if (o->n_y + o->diagonal >= SVG_MAX_SERIES)
				return cli_usage("plot: at most %d series (--y and --diagonal)", SVG_MAX_SERIES);
			if (!parse_y(optarg, &o->y[o->n_y++]))
				return LT_EXIT_USAGE;
			break;
		case OPT_MARK:
			if (o->n_mark == SVG_MAX_MARKERS)
				return cli_usage("plot: at most %d --mark", SVG_MAX_MARKERS);
			if (!split_label(optarg, "--mark", &o->mark[o->n_mark].key, &o->mark[o->n_mark].label))
				return LT_EXIT_USAGE;
			o->n_mark++;
			break;
		case OPT_ROW:
			if (!parse_row(optarg, o))
				return LT_EXIT_USAGE;
			break;
		case OPT_DIAG:
			if (!o->diagonal && o->n_y >= SVG_MAX_SERIES)
				return cli_usage("plot: at most %d series (--y and --diagonal)", SVG_MAX_SERIES);
			o->diagonal = true;
			break;
		case OPT_YLOG: o->ylog = true; break;
		case OPT_TITLE: o->title = optarg; break;
		case OPT_XLABEL: o->xlabel = optarg; break;
		case OPT_YLABEL: o->ylabel = optarg; break;
		case 'o': o->out = optarg; break;
		case 'h': usage(stdout); return LT_EXIT_OK;
		default:
			return cli_getopt_error("plot", c, argv);
		}
	}
	if (optind >= argc)
		return cli_usage("plot: which file? (livelock-trace plot FILE.jsonl --x KEY --y KEY -o OUT.svg; see --help)");
	if (argc - optind > 1)
		return cli_usage("plot: one file at a time, not '%s' too (see --help)", argv[optind + 1]);
	o->file = argv[optind];
	if (!o->x)
		return cli_usage("plot: against what? give --x KEY (see --help)");
	if (!o->n_y && !o->diagonal)
		return cli_usage("plot: nothing to draw: give --y KEY (see --help)");
	if (!o->out)
		return cli_usage("plot: where to? give -o OUT.svg, or -o - for standard output");
	return CLI_CONTINUE;
}

/* The row the markers read: the last, or the one with the highest or lowest pick column. */
static long pick_row(const struct plot_opts *o, const double *pick, size_t n)
{
	long best = -1;

	if (o->pick == ROW_LAST)
		return (long)n - 1;
	for (size_t i = 0; i < n; i++)
		if (isfinite(pick[i]) && (best < 0 || (o->pick == ROW_MAX ? pick[i] > pick[best] : pick[i] < pick[best])))
			best = (long)i;
	return best;
}

static bool drawable(const struct plot_opts *o, const double *x, const double *y, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (isfinite(x[i]) && isfinite(y[i]) && (!o->ylog || y[i] > 0))
			return true;
	return false;
}

/* Into a temporary file beside out, renamed over it once complete; a device or FIFO directly. */
static int write_svg(const struct svg_plot *p, const char *out)
{
	char tmp[4096];
	struct stat st;
	mode_t mask;
	FILE *f;
	int fd, err = 0;

	if (!strcmp(out, "-")) {
		svg_plot_write(p, stdout);	/* a failed write: main's check of stdout */
		return 0;
	}
	if (!stat(out, &st) && !S_ISREG(st.st_mode))
		return svg_plot_save(p, out);
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", out) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkstemp(tmp);
	if (fd < 0)
		return -errno;
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) || !(f = fdopen(fd, "w"))) {
		err = -errno;
		close(fd);
		unlink(tmp);
		return err;
	}
	svg_plot_write(p, f);
	if (fflush(f) || ferror(f))
		err = errno ? -errno : -EIO;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, out))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

static int draw(const struct plot_opts *o, const struct plot_rows *r)
{
	static char labels[SVG_MAX_MARKERS][LABEL_LEN];
	double dx[DIAGONAL_POINTS], xlo = INFINITY, xhi = -INFINITY;
	const double *x = r->col[0];
	const char *base = strrchr(o->file, '/');
	bool drawn[SVG_MAX_SERIES];
	struct svg_plot p;
	int err, n_drawn = 0;
	long row;

	for (size_t i = 0; i < r->n; i++)
		if (isfinite(x[i])) {
			xlo = fmin(xlo, x[i]);
			xhi = fmax(xhi, x[i]);
		}
	if (!isfinite(xlo)) {
		cli_err("plot: no row of %s has a number at %s (the --x key)", o->file, o->x);
		return LT_EXIT_ENV;
	}
	svg_plot_init(&p, o->title ? o->title : base ? base + 1 : o->file, o->xlabel ? o->xlabel : o->x,
		      o->ylabel ? o->ylabel : o->n_y == 1 ? o->y[0].key : "");
	p.ylog = o->ylog;
	for (int k = 0; k < o->n_y; k++)
		n_drawn += drawn[k] = drawable(o, x, r->col[1 + k], r->n);
	if (!n_drawn && !o->diagonal) {
		cli_err("plot: no row of %s has a number%s at any --y key", o->file, o->ylog ? " above 0" : "");
		return LT_EXIT_ENV;
	}
	for (int k = 0; k < o->n_y; k++) {
		const struct plot_y *y = &o->y[k];

		if (!drawn[k]) {
			cli_err("plot: note: no row of %s has %s%s: not drawn", o->file, y->key,
				o->ylog ? " above 0" : "");
			continue;
		}
		svg_plot_add(&p, &(struct svg_series){ .name = y->label, .x = x, .y = r->col[1 + k],
						       .n = r->n, .dashed = y->dashed, .points = y->points });
	}
	if (o->diagonal) {
		for (int i = 0; i < DIAGONAL_POINTS; i++)
			dx[i] = xlo + (xhi - xlo) * i / (DIAGONAL_POINTS - 1);
		svg_plot_add(&p, &(struct svg_series){ .name = "y = x", .x = dx, .y = dx,
						       .n = DIAGONAL_POINTS, .dashed = true });
	}
	row = o->n_mark ? pick_row(o, r->col[1 + o->n_y + o->n_mark], r->n) : -1;
	if (o->n_mark && row < 0)
		cli_err("plot: note: no row of %s has %s (--mark-row): no markers", o->file, o->pick_key);
	for (int k = 0; row >= 0 && k < o->n_mark; k++) {
		double v = r->col[1 + o->n_y + k][row];

		if (!isfinite(v)) {
			cli_err("plot: note: the markers' row (%s%s) of %s has no %s: no marker",
				o->pick == ROW_LAST ? "the last" : o->pick == ROW_MAX ? "the highest " : "the lowest ",
				o->pick == ROW_LAST ? "" : o->pick_key, o->file, o->mark[k].key);
			continue;
		}
		snprintf(labels[k], LABEL_LEN, fabs(v) >= 100 ? "%s %.0f" : "%s %.3g", o->mark[k].label, v);
		svg_plot_mark(&p, v, labels[k]);
	}
	err = write_svg(&p, o->out);
	if (err)
		cli_err("plot: cannot write %s: %s", o->out, strerror(-err));
	return err ? LT_EXIT_ENV : LT_EXIT_OK;
}

int cmd_plot(int argc, char **argv)
{
	const char *keys[PLOT_MAX_KEYS];
	struct plot_opts o;
	struct plot_rows r;
	int n = 0, rc = parse(argc, argv, &o);

	if (rc != CLI_CONTINUE)
		return rc;
	keys[n++] = o.x;	/* the columns: x, every y, every mark, the markers' row */
	for (int k = 0; k < o.n_y; k++)
		keys[n++] = o.y[k].key;
	for (int k = 0; k < o.n_mark; k++)
		keys[n++] = o.mark[k].key;
	keys[n++] = o.pick_key ? o.pick_key : o.x;
	rc = plot_rows_read(o.file, keys, n, &r) ? LT_EXIT_ENV : draw(&o, &r);
	plot_rows_free(&r);
	return rc;
}
