// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Placeholder until the 'live' command lands; says so and fails. */
#include <stdio.h>
#include "commands.h"

int cmd_live(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "livelock-trace: the 'live' command is not built yet\n");
	return LT_EXIT_ENV;
}
