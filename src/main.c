// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * livelock-trace: sub-command dispatch.  Each command lives in cmd_*.c.
 * Here too what every command shares at its edges: --version, a mistyped
 * command name, and a failed write of stdout (a full disk, /dev/full).
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include "commands.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} subcommands[] = {
	{ "model",    cmd_model },
	{ "simulate", cmd_simulate },
	{ "compare",  cmd_compare },
	{ "sweep",    cmd_sweep },
	{ "forecast", cmd_forecast },
	{ "exporter", cmd_exporter },
	{ "plot",     cmd_plot },
};
#define N_SUBCOMMANDS (sizeof(subcommands) / sizeof(subcommands[0]))

/* --version anywhere among the options (before "--") of any command. */
static bool wants_version(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--version") || (i == 1 && !strcmp(argv[i], "-V")))
			return true;
	return false;
}

/* A word that is no command and no interface but close to a command's name. */
static int mistyped(const char *word)
{
	const char *names[N_SUBCOMMANDS];
	const char *guess;

	if (word[0] == '-' || if_nametoindex(word))
		return 0;
	for (size_t i = 0; i < N_SUBCOMMANDS; i++)
		names[i] = subcommands[i].name;
	guess = cli_suggest(word, names, N_SUBCOMMANDS);
	if (!guess)
		return 0;
	return cli_usage("unknown command '%s'; did you mean '%s'? (see --help)", word, guess);
}

static int dispatch(int argc, char **argv)
{
	int rc;

	if (wants_version(argc, argv)) {
		cli_print_version();
		return LT_EXIT_OK;
	}
	for (size_t i = 0; i < N_SUBCOMMANDS; i++)
		if (argc > 1 && !strcmp(argv[1], subcommands[i].name))
			return subcommands[i].run(argc - 1, argv + 1);
	if (argc > 1 && (rc = mistyped(argv[1])))
		return rc;
	return cmd_live(argc, argv);
}

int main(int argc, char **argv)
{
	int rc = dispatch(argc, argv);

	errno = 0;
	if (fflush(stdout) || ferror(stdout)) {
		cli_err("cannot write the output: %s", errno ? strerror(errno) : "write error");
		return rc ? rc : LT_EXIT_ENV;
	}
	return rc;
}
