// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Placeholder until the 'model' command lands; says so and fails. */
#include <stdio.h>
#include "commands.h"

int cmd_model(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "modellock-trace: the 'model' command is not built yet\n");
	return LT_EXIT_ENV;
}
