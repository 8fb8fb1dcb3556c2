// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include "signals.h"

static const int ending[] = { SIGINT, SIGTERM, SIGHUP };

int signals_route(void)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t mask;
	int fd;

	sigemptyset(&mask);
	for (size_t i = 0; i < sizeof(ending) / sizeof(ending[0]); i++)
		sigaddset(&mask, ending[i]);
	/* blocked first: from here on a signal waits, whatever its action */
	if (sigprocmask(SIG_BLOCK, &mask, NULL))
		return -errno;
	for (size_t i = 0; i < sizeof(ending) / sizeof(ending[0]); i++) {
		struct sigaction old;

		/*
		 * A blocked signal is queued even when ignored, but an ignored
		 * one sent before the block is dropped, and so would one be
		 * after anything unblocked it: the default action, explicitly.
		 */
		if (!sigaction(ending[i], NULL, &old) && old.sa_handler == SIG_IGN)
			sigaction(ending[i], &dfl, NULL);
	}
	fd = signalfd(-1, &mask, SFD_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int signals_take(int sfd)
{
	struct signalfd_siginfo si;

	if (read(sfd, &si, sizeof(si)) != sizeof(si))
		return 0;
	return (int)si.ssi_signo;
}

const char *signals_name(int sig)
{
	static char buf[24];

	switch (sig) {
	case SIGINT: return "SIGINT";
	case SIGTERM: return "SIGTERM";
	case SIGHUP: return "SIGHUP";
	default:
		snprintf(buf, sizeof(buf), "signal %d", sig);
		return buf;
	}
}
