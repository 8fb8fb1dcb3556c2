// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* `livelock-trace compare A.jsonl B.jsonl [C ...]`: recorded runs side by side. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "compare.h"
#include "compare_report.h"

static void usage(FILE *f)
{
	fprintf(f,
"Usage: livelock-trace compare [--json] [--plot FILE.svg] A.jsonl [B.jsonl ...]\n"
"\n"
"Compares runs recorded with 'livelock-trace IFACE --record FILE' (for example one\n"
"per interrupt-coalescing setting), or gives one run's statistics: first the\n"
"settings (driver, ring, rx-usecs, rx-frames, adaptive RX, NAPI defer/GRO flush\n"
"timeout, options), then per metric each run's mean and spread (sd) over its\n"
"steady intervals, and a verdict of every run against the first: better / worse,\n"
"or 'same (within noise)' when the difference is no larger than the two runs'\n"
"spreads added.  Steady: intervals with traffic, less those at the start or end\n"
"of a run (ramps, traffic that began or stopped inside an interval) while lambda\n"
"or observed is more than %d robust sd (1.4826 MAD, at least %g%%) from the\n"
"median of the intervals between the first and the last (a majority stays; in\n"
"a run of three or four both edges may go); the output says how many.  The last\n"
"line names the run that delivers\n"
"the most to applications, and among those within noise of each other the one\n"
"that spends the least CPU at interrupt priority per packet.  At most %d runs;\n"
"regular files only, lines up to %d bytes.\n"
"\n"
"  --json             one JSON object: runs, metrics, verdicts, best run\n"
"  --plot FILE.svg    each run's predicted throughput curve (the model with the\n"
"                     run's mean parameters) and its observed mean point\n"
"  -h, --help         this help;  --version  the version and commit\n"
"\n"
"Example:\n"
"  sudo ethtool -C eth1 rx-usecs 0;  sudo livelock-trace eth1 1 30 --record usecs0.jsonl\n"
"  sudo ethtool -C eth1 rx-usecs 64; sudo livelock-trace eth1 1 30 --record usecs64.jsonl\n"
"  livelock-trace compare usecs0.jsonl usecs64.jsonl --plot coalescing.svg\n",
		CMP_STEADY_ROBUST_SDS, 100 * CMP_STEADY_MIN_SHARE, CMP_MAX_RUNS, CMP_MAX_LINE);
}

int cmd_compare(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "plot", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *plot_path = NULL;
	struct cmp_run *runs;
	bool json = false;
	int opt, n, rc = LT_EXIT_OK;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'j': json = true; break;
		case 'p': plot_path = optarg; break;
		case 'h': usage(stdout); return LT_EXIT_OK;
		default:
			return cli_getopt_error("compare", opt, argv);
		}
	}
	n = argc - optind;
	if (n < 1 || n > CMP_MAX_RUNS)
		return cli_usage("compare: give 1 to %d recorded files (see --help)", CMP_MAX_RUNS);
	runs = calloc(n, sizeof(*runs));
	if (!runs)
		return LT_EXIT_ENV;
	for (int i = 0; i < n; i++)
		if (compare_load(argv[optind + i], &runs[i], stderr)) {
			rc = LT_EXIT_ENV;
			goto out;
		}
	for (int i = 0; i < n; i++) {
		char path[sizeof(runs[i].path) * 4];

		if (!runs[i].complete)
			cli_err("compare: note: %s was cut short (no summary line); its %u intervals are used",
				cli_printable(path, sizeof(path), runs[i].path), runs[i].intervals);
	}
	rc = compare_report(runs, n, json, plot_path);
out:
	free(runs);
	return rc;
}
