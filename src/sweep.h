/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The sweep command (cmd_sweep.c): its options. */
#ifndef LT_SWEEP_H
#define LT_SWEEP_H
#include <stdint.h>

#define SWEEP_MAX_VALUES	16	/* values per list on the command line */

/* "0,8,32,128" -> out[], each 0..max; count, or -1 after one line on stderr. */
int sweep_parse_list(const char *s, const char *opt, uint32_t max, uint32_t *out, int cap);

#endif
