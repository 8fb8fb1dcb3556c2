/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The report of runs loaded by compare_load(): `compare`'s output, and sweep's. */
#ifndef LT_COMPARE_REPORT_H
#define LT_COMPARE_REPORT_H
#include "compare.h"

/* Text (settings, metrics, verdict) or one JSON object, and an SVG when plot_path; an exit code. */
int compare_report(const struct cmp_run *runs, int n, int json, const char *plot_path);

#endif
