/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The command-line layer every command shares: exit codes, one error path
 * with one prefix ("livelock-trace: ..."), option words as enums, options
 * that exclude each other, the privilege check by capability name, the
 * version line, safe printing of untrusted strings, and the clock.
 * Numbers have their one grammar in numparse.h, above this layer.
 */
#ifndef LT_CLI_H
#define LT_CLI_H
#include <stdbool.h>
#include <stddef.h>

/* Exit codes shared by every command (README "Exit codes"). */
enum lt_exit {
	LT_EXIT_OK    = 0,
	LT_EXIT_ENV   = 1,	/* environment: no root, no BTF, interface gone, bad file ... */
	LT_EXIT_USAGE = 2,	/* bad command line */
	LT_EXIT_INTERRUPTED = 130,	/* stopped by SIGINT with a partial result (128 + 2) */
};

#define CLI_PREFIX "livelock-trace: "

/*
 * What a command's option parser returns when the command is to go on;
 * anything else is the exit code (LT_EXIT_OK after --help, LT_EXIT_USAGE
 * after one line on stderr).
 */
#define CLI_CONTINUE	(-1)

/* One line "livelock-trace: ...\n" on stderr. */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* cli_err, then LT_EXIT_USAGE: `return cli_usage("...")`. */
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* getopt_long's ':' (value missing) or '?' (unknown option) for command cmd (NULL: the live command). */
int cli_getopt_error(const char *cmd, int opt, char **argv);

/* Option words: a table ended by { NULL, 0 }. */
struct cli_word {
	const char *word;
	int value;
};

/* The value of word s, or a usage line "bad value 's' for OPT: expected a, b or c". */
bool cli_word(const char *s, const char *opt, const struct cli_word *words, int *out);
/* The word of value v, or "?". */
const char *cli_word_name(const struct cli_word *words, int v);

/*
 * Options that exclude each other (--csv, --json): *given holds the first one
 * seen; a different second one is a usage line and false.
 */
bool cli_exclusive(const char **given, const char *opt);

/* The closest of names to word within two edits, or NULL: "did you mean". */
const char *cli_suggest(const char *word, const char *const *names, size_t n);
/* Optimal string alignment distance (an adjacent swap is one edit), capped at 255. */
unsigned int cli_edit_distance(const char *a, const char *b);

/* "livelock-trace VERSION (commit ID)" on stdout. */
void cli_print_version(void);

/* What a command needs from the kernel. */
enum cli_privilege {
	CLI_PRIV_TRACE,		/* load and attach tracing BPF: CAP_BPF + CAP_PERFMON, or CAP_SYS_ADMIN */
	CLI_PRIV_TRACE_NET,	/* that and change NIC settings: + CAP_NET_ADMIN */
};

/* The effective capabilities cover need, counted in the initial user namespace. */
bool cli_have_privilege(enum cli_privilege need);
/*
 * 0, or one line saying what is missing and what to do (with `retry`, the
 * arguments to show after "sudo livelock-trace"), and LT_EXIT_ENV.  Root in
 * a user namespace or container gets why its capabilities do not count.
 */
int cli_need_privilege(enum cli_privilege need, const char *retry);

/*
 * Creates the empty file path (a test's readiness signal, as udpsink's
 * --ready-file): 0, or one line on stderr and -errno.
 */
int cli_ready_file(const char *path);

/* Seconds on CLOCK_MONOTONIC. */
double cli_now_s(void);
/*
 * Wall-clock stamps for lines printed every interval_s seconds: HH:MM:SS,
 * with the fewest decimals (up to 3) that tell lines apart when interval_s < 1.
 */
int cli_stamp_decimals(double interval_s);
int cli_stamp_width(int decimals);	/* characters of such a stamp */
const char *cli_stamp(char *buf, size_t len, int decimals);
/* Length of the valid UTF-8 sequence at s (1 for ASCII and NUL), or 0. */
size_t cli_utf8_len(const char *s);
/*
 * s made safe for a terminal into buf: control characters, DEL, C1 controls
 * and bytes that are not UTF-8 become \xNN.  Returns buf (truncated to len).
 */
const char *cli_printable(char *buf, size_t len, const char *s);

#endif
