/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Whether this process may load and attach the tracing programs. */
#ifndef LT_CAPS_H
#define LT_CAPS_H
#include <stdbool.h>

/* Root, or CAP_BPF + CAP_PERFMON (5.8+), or CAP_SYS_ADMIN, in the effective set. */
bool caps_can_trace(void);

#endif
