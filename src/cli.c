// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The shared command-line layer (see cli.h). */
#include <getopt.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "version.h"

#ifndef LT_GIT_COMMIT
#define LT_GIT_COMMIT "unknown"
#endif

#define SUGGEST_MAX_EDITS 2
#define EDIT_CAP 255
#define WORD_LIST_LEN 160

static void verr(const char *fmt, va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
	fprintf(stderr, CLI_PREFIX "%s\n", line);
}

void cli_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(fmt, ap);
	va_end(ap);
}

int cli_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(fmt, ap);
	va_end(ap);
	return LT_EXIT_USAGE;
}

int cli_getopt_error(const char *cmd, int opt, char **argv)
{
	extern int optind;

	return cli_usage("%s%s%s '%s' (see --help)", cmd ? cmd : "", cmd ? ": " : "",
			 opt == ':' ? "missing value for" : "unknown option", argv[optind - 1]);
}

static void word_list(char *buf, size_t len, const struct cli_word *w)
{
	size_t n = 0, at = 0;

	while (w[n].word)
		n++;
	buf[0] = '\0';
	for (size_t i = 0; i < n && at < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s%s",
				       i == 0 ? "" : i + 1 == n ? " or " : ", ", w[i].word);
}

bool cli_word(const char *s, const char *opt, const struct cli_word *words, int *out)
{
	char list[WORD_LIST_LEN];

	for (const struct cli_word *w = words; w->word; w++)
		if (s && !strcmp(s, w->word)) {
			*out = w->value;
			return true;
		}
	word_list(list, sizeof(list), words);
	cli_usage("bad value '%s' for %s: expected %s", s ? s : "", opt, list);
	return false;
}

const char *cli_word_name(const struct cli_word *words, int v)
{
	for (const struct cli_word *w = words; w->word; w++)
		if (w->value == v)
			return w->word;
	return "?";
}

bool cli_exclusive(const char **given, const char *opt)
{
	if (*given && strcmp(*given, opt)) {
		cli_usage("%s and %s exclude each other: give one", *given, opt);
		return false;
	}
	*given = opt;
	return true;
}

unsigned int cli_edit_distance(const char *a, const char *b)
{
	enum { MAXLEN = 32 };
	unsigned int d[MAXLEN + 1][MAXLEN + 1];
	size_t la = strlen(a), lb = strlen(b);

	if (la > MAXLEN || lb > MAXLEN)
		return EDIT_CAP;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (unsigned int)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (unsigned int)j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			unsigned int sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			unsigned int del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
			unsigned int best = sub < del ? sub : del;

			best = best < ins ? best : ins;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;	/* adjacent swap */
			d[i][j] = best;
		}
	return d[la][lb];
}

const char *cli_suggest(const char *word, const char *const *names, size_t n)
{
	const char *best = NULL;
	unsigned int best_d = SUGGEST_MAX_EDITS + 1;

	for (size_t i = 0; i < n; i++) {
		unsigned int d = cli_edit_distance(word, names[i]);

		/* two edits of a two-letter word is any word */
		if (d < best_d && d < strlen(names[i]) / 2 + 1) {
			best = names[i];
			best_d = d;
		}
	}
	return best;
}

void cli_print_version(void)
{
	printf("livelock-trace %s (commit %s)\n", LT_VERSION, LT_GIT_COMMIT);
}

/* The initial user namespace maps every uid onto itself: "0 0 4294967295". */
static bool in_initial_user_ns(void)
{
	FILE *f = fopen("/proc/self/uid_map", "r");
	unsigned long inside, outside, count;
	int n, lines = 0;
	bool identity = false;

	if (!f)
		return true;	/* no /proc: nothing says otherwise */
	while ((n = fscanf(f, "%lu %lu %lu", &inside, &outside, &count)) == 3) {
		lines++;
		identity = inside == 0 && outside == 0 && count == 4294967295UL;
	}
	fclose(f);
	return lines == 1 && identity;
}

static bool effective_caps(__u32 eff[2])
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3] = { 0 };

	if (syscall(SYS_capget, &h, d))
		return false;
	eff[0] = d[0].effective;
	eff[1] = d[1].effective;
	return true;
}

static bool has_cap(const __u32 eff[2], int cap)
{
	return eff[CAP_TO_INDEX(cap)] & CAP_TO_MASK(cap);
}

/* Capabilities inside a user namespace do not count for BPF, which checks them in the initial one. */
bool cli_have_privilege(enum cli_privilege need)
{
	__u32 eff[2];
	bool trace;

	if (!effective_caps(eff))
		return geteuid() == 0 && in_initial_user_ns();
	trace = has_cap(eff, CAP_SYS_ADMIN) || (has_cap(eff, CAP_BPF) && has_cap(eff, CAP_PERFMON));
	if (need == CLI_PRIV_TRACE_NET)
		trace = trace && (has_cap(eff, CAP_NET_ADMIN) || has_cap(eff, CAP_SYS_ADMIN));
	return trace && in_initial_user_ns();
}

int cli_need_privilege(enum cli_privilege need, const char *retry)
{
	const char *caps = need == CLI_PRIV_TRACE_NET ? "CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN"
						      : "CAP_BPF and CAP_PERFMON";

	if (cli_have_privilege(need))
		return 0;
	if (geteuid() == 0 && !in_initial_user_ns())
		cli_err("running as root in a user namespace (a rootless container, 'unshare -Ur'): its capabilities do not reach the kernel's BPF checks, which need %s in the host's namespace; run on the host, or in a container started with those capabilities (docker run --cap-add BPF --cap-add PERFMON%s, or --privileged)",
			caps, need == CLI_PRIV_TRACE_NET ? " --cap-add NET_ADMIN" : "");
	else if (geteuid() == 0)
		cli_err("running as root but without %s (or CAP_SYS_ADMIN): a container or a capability bounding set (capsh --drop, systemd CapabilityBoundingSet) removed them; add them back (docker run --cap-add BPF --cap-add PERFMON%s, or --privileged)",
			caps, need == CLI_PRIV_TRACE_NET ? " --cap-add NET_ADMIN" : "");
	else
		cli_err("needs root (or %s) to load BPF programs: try 'sudo livelock-trace%s%s'",
			caps, retry ? " " : "", retry ? retry : "");
	return LT_EXIT_ENV;
}

int cli_ready_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || close(fd)) {
		int err = errno;

		cli_err("cannot create the ready file %s: %s", path, strerror(err));
		return -err;
	}
	return 0;
}

double cli_now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int cli_stamp_decimals(double interval_s)
{
	if (!(interval_s > 0 && interval_s < 1))
		return 0;
	for (int d = 1; d < 3; d++) {
		double x = interval_s * pow(10, d);

		if (fabs(x - round(x)) < 1e-6)
			return d;
	}
	return 3;
}

int cli_stamp_width(int decimals)
{
	return 8 + (decimals > 0 ? decimals + 1 : 0);
}

const char *cli_stamp(char *buf, size_t len, int decimals)
{
	struct timespec t;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &t);
	localtime_r(&t.tv_sec, &tm);
	n = strftime(buf, len, "%H:%M:%S", &tm);
	if (decimals > 0 && n < len)
		snprintf(buf + n, len - n, ".%0*ld", decimals,
			 t.tv_nsec / (long)pow(10, 9 - decimals));
	return buf;
}

size_t cli_utf8_len(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n;
	unsigned int cp;

	if (u[0] < 0x80)
		return 1;
	if (u[0] >= 0xc2 && u[0] <= 0xdf)
		n = 2, cp = u[0] & 0x1f;
	else if (u[0] >= 0xe0 && u[0] <= 0xef)
		n = 3, cp = u[0] & 0x0f;
	else if (u[0] >= 0xf0 && u[0] <= 0xf4)
		n = 4, cp = u[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (u[i] & 0x3f);
	}
	/* overlong forms, surrogates and beyond U+10FFFF are not UTF-8 */
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

const char *cli_printable(char *buf, size_t len, const char *s)
{
	size_t at = 0;

	if (!len)
		return buf;
	for (; s && *s && at + 1 < len;) {
		unsigned char c = (unsigned char)*s;
		size_t n = cli_utf8_len(s);
		bool c1 = n == 2 && c == 0xc2 && (unsigned char)s[1] < 0xa0;

		if (n == 1 && c >= 0x20 && c != 0x7f) {
			buf[at++] = *s++;
		} else if (n > 1 && !c1) {
			if (at + n >= len)
				break;
			memcpy(buf + at, s, n);
			at += n;
			s += n;
		} else {
			if (at + 4 >= len)
				break;
			snprintf(buf + at, len - at, "\\x%02x", c);
			at += 4;
			s++;
		}
	}
	buf[at] = '\0';
	return buf;
}
