// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The JSON record reader: jv_parse and its lookups on the whole input, then
 * the input as a --record file through both loaders that read one
 * (compare_load's stream and forecast's fc_record_read).
 */
#include <math.h>
#include "fuzz_common.h"
#include "compare.h"
#include "forecast_record.h"
#include "json_read.h"

static void walk(const struct jv *v, int depth)
{
	for (; v; v = v->next) {
		if (depth > 64)	/* the reader refuses deeper nesting */
			abort();
		if (v->type == JV_NUM && !isfinite(v->num))
			abort();	/* numparse.h: every number read is finite */
		if (v->type == JV_STR && !v->str)
			abort();
		walk(v->child, depth + 1);
	}
}

static void lookups(const struct jv *v)
{
	static const char *const paths[] = { "record", "device.name", "lambda_pps", "raw.stack_packets",
		"costs", "summary", "a.b.c", "", "." };

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		(void)jv_get(v, paths[i]);
		(void)jv_num(v, paths[i]);
		(void)jv_str(v, paths[i]);
		(void)jv_true(v, paths[i]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	struct jv *v = jv_parse(text);
	struct cmp_run *run = malloc(sizeof(*run));
	struct fc_record *rec = malloc(sizeof(*rec));
	FILE *f;

	walk(v, 0);
	lookups(v);
	jv_free(v);
	if (!run || !rec)
		abort();
	if (size && (f = fmemopen((void *)data, size, "r"))) {
		if (!compare_load_stream(f, "fuzz", run, fuzz_devnull)) {
			for (int k = 0; k < CMP_METRICS; k++)
				if (run->m[k].n && !(isfinite(run->m[k].mean) && isfinite(run->m[k].sd)))
					abort();	/* a loaded metric is a number */
		}
		fclose(f);
	}
	if (size && (f = fmemopen((void *)data, size, "r"))) {
		(void)fc_record_read(f, "fuzz", rec, fuzz_devnull);
		if (rec->n_samples > FCR_SAMPLES)
			abort();
		fclose(f);
	}
	free(run);
	free(rec);
	free(text);
	return 0;
}
