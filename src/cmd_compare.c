// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Placeholder until the 'compare' command lands; says so and fails. */
#include <stdio.h>
#include "commands.h"

int cmd_compare(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "livelock-trace: the 'compare' command is not built yet\n");
	return LT_EXIT_ENV;
}
