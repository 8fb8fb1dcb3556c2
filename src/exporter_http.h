/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A small HTTP/1.x server for the exporter: GET (and HEAD) of / and
 * /metrics, one request per connection, non-blocking sockets driven by the
 * caller's poll() loop.  Bounded: at most HTTP_MAX_CLIENTS connections at
 * once (further ones wait in the listen backlog), HTTP_MAX_REQUEST bytes of
 * request head, HTTP_TIMEOUT_MS from accept to the last byte written.
 * A malformed request gets 400, an unknown path 404, another method 405.
 */
#ifndef LT_EXPORTER_HTTP_H
#define LT_EXPORTER_HTTP_H
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_MAX_CLIENTS	32
#define HTTP_MAX_REQUEST	8192	/* request line + headers */
#define HTTP_TIMEOUT_MS		10000	/* a whole exchange, slow clients included */
#define HTTP_BACKLOG		256
#define HTTP_LINGER_MS		1000	/* after the answer: unread input dropped this long at most */
#define HTTP_EVICT_MS		1000	/* a client still reading after this may lose its place */

/* A growing output buffer; `failed` once an allocation failed. */
struct http_buf {
	char *p;
	size_t len, cap;
	bool failed;
};

void http_buf_printf(struct http_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void http_buf_put(struct http_buf *b, const char *s, size_t n);

/* What the handler gets: the path (query string cut off) and whether OpenMetrics was asked for. */
struct http_request {
	const char *path;
	bool openmetrics;	/* Accept names application/openmetrics-text */
};

/*
 * Renders the body of a 200 into *body and sets *content_type; returns
 * false for a path it does not serve (404).
 */
typedef bool (*http_handler)(void *ctx, const struct http_request *rq,
			     struct http_buf *body, const char **content_type);

struct http_server;

/*
 * Parses "ADDR:PORT" ("127.0.0.1:9747", "[::1]:9747", ":9747" = all IPv4
 * addresses).  false on a malformed value (nothing printed).
 */
bool http_parse_listen(const char *s, void *sockaddr_storage, unsigned int *len);
/* Binds and listens; NULL and -errno in *err on failure. */
struct http_server *http_listen(const void *sa, unsigned int salen, http_handler h, void *ctx,
				int *err);
/* Fills up to `max` pollfds (listener first, then clients); returns how many. */
int http_poll_fds(struct http_server *s, struct pollfd *fds, int max);
/* After poll(): serve what is ready and drop clients past their deadline. */
void http_poll_events(struct http_server *s, const struct pollfd *fds, int n);
/* Milliseconds until the next client deadline, -1 when there is none. */
int http_next_timeout_ms(const struct http_server *s);
uint64_t http_requests(const struct http_server *s);	/* answered so far, any status */
void http_close(struct http_server *s);

#endif
