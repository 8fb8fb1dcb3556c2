// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* livelock-trace: sub-command dispatch.  Each command lives in cmd_*.c. */
#include <stdio.h>
#include <string.h>
#include "commands.h"
#include "version.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} subcommands[] = {
	{ "model",    cmd_model },
	{ "simulate", cmd_simulate },
	{ "compare",  cmd_compare },
	{ "sweep",    cmd_sweep },
	{ "exporter", cmd_exporter },
};

int main(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))) {
		printf("livelock-trace %s\n", LT_VERSION);
		return LT_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (argc > 1 && !strcmp(argv[1], subcommands[i].name))
			return subcommands[i].run(argc - 1, argv + 1);
	return cmd_live(argc, argv);
}
