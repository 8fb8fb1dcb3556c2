// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The coalescing save file reader (what `sweep --restore FILE` reads). */
#include "fuzz_common.h"
#include "coalesce.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	struct coal_saved sv;

	if (!coal_parse(text, &sv)) {
		/* the names it returns are terminated strings */
		if (!memchr(sv.ifname, '\0', sizeof(sv.ifname)) || !memchr(sv.driver, '\0', sizeof(sv.driver)))
			abort();
	}
	free(text);
	return 0;
}
