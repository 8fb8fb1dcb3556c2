/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The signals that end a long-running command (SIGINT, SIGTERM, SIGHUP),
 * taken before anything is loaded so that none is lost: blocked, so they
 * wait in a signalfd however early they come, and set back to their default
 * action when they were inherited as ignored (`cmd &` in a script ignores
 * SIGINT), so that the one sent is queued rather than dropped.
 */
#ifndef LT_SIGNALS_H
#define LT_SIGNALS_H

/* The signalfd of the three (close-on-exec), or -errno. */
int signals_route(void);
/* The signal waiting in sfd, read off it; 0 when none could be read. */
int signals_take(int sfd);
/* "SIGINT", "SIGTERM", "SIGHUP" or "signal N" (a static buffer for the last). */
const char *signals_name(int sig);

#endif
