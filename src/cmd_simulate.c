// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Placeholder until the 'simulate' command lands; says so and fails. */
#include <stdio.h>
#include "commands.h"

int cmd_simulate(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "simulatelock-trace: the 'simulate' command is not built yet\n");
	return LT_EXIT_ENV;
}
