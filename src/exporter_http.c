// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#define _GNU_SOURCE	/* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "exporter_http.h"

/* DRAINING: answered and shut down for writing; unread input is read and dropped so
 * that closing does not reset the connection before the client has the answer. */
enum client_phase { CLIENT_FREE, CLIENT_READING, CLIENT_WRITING, CLIENT_DRAINING };

struct http_client {
	enum client_phase phase;
	int fd;
	int64_t accepted_ms, deadline_ms;
	size_t in_len;
	char in[HTTP_MAX_REQUEST + 1];
	struct http_buf out;
	size_t out_off;
};

struct http_server {
	int fd;
	http_handler handler;
	void *ctx;
	uint64_t requests;
	struct http_client clients[HTTP_MAX_CLIENTS];
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void http_buf_put(struct http_buf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->failed = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void http_buf_printf(struct http_buf *b, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = true;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		http_buf_put(b, small, (size_t)n);
		return;
	}
	char *big = malloc((size_t)n + 1);

	if (!big) {
		b->failed = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	http_buf_put(b, big, (size_t)n);
	free(big);
}

bool http_parse_listen(const char *s, void *storage, unsigned int *len)
{
	const char *colon = strrchr(s, ':');
	char host[INET6_ADDRSTRLEN + 2], *end;
	unsigned long port;
	size_t hl;

	if (!colon || !colon[1])
		return false;
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno || *end || port < 1 || port > 65535 || colon[1] == '-' || colon[1] == '+')
		return false;
	hl = (size_t)(colon - s);
	if (hl >= sizeof(host))
		return false;
	memcpy(host, s, hl);
	host[hl] = '\0';
	memset(storage, 0, sizeof(struct sockaddr_storage));
	if (host[0] == '[') {
		struct sockaddr_in6 *a6 = storage;

		if (hl < 3 || host[hl - 1] != ']')
			return false;
		host[hl - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &a6->sin6_addr) != 1)
			return false;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*a6);
		return true;
	}
	struct sockaddr_in *a4 = storage;

	if (!hl)
		a4->sin_addr.s_addr = htonl(INADDR_ANY);
	else if (inet_pton(AF_INET, host, &a4->sin_addr) != 1)
		return false;
	a4->sin_family = AF_INET;
	a4->sin_port = htons((uint16_t)port);
	*len = sizeof(*a4);
	return true;
}

struct http_server *http_listen(const void *sa, unsigned int salen, http_handler h, void *ctx,
				int *err)
{
	struct http_server *s = calloc(1, sizeof(*s));
	int one = 1;

	if (!s) {
		*err = -ENOMEM;
		return NULL;
	}
	s->handler = h;
	s->ctx = ctx;
	s->fd = socket(((const struct sockaddr *)sa)->sa_family,
		       SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0 || setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(s->fd, sa, salen) || listen(s->fd, HTTP_BACKLOG)) {
		*err = -errno;
		if (s->fd >= 0)
			close(s->fd);
		free(s);
		return NULL;
	}
	return s;
}

static void client_drop(struct http_client *c)
{
	if (c->phase == CLIENT_FREE)
		return;
	close(c->fd);
	free(c->out.p);
	memset(&c->out, 0, sizeof(c->out));
	c->phase = CLIENT_FREE;
}

static const char *reason_of(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 500: return "Internal Server Error";
	default: return "Error";
	}
}

static void respond(struct http_server *s, struct http_client *c, int status, const char *type,
		    struct http_buf *body, bool head_only)
{
	struct http_buf *o = &c->out;

	http_buf_printf(o, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
			"Connection: close\r\n%s\r\n", status, reason_of(status), type, body->len,
			status == 405 ? "Allow: GET, HEAD\r\n" : "");
	if (!head_only && body->len)
		http_buf_put(o, body->p, body->len);
	free(body->p);
	if (o->failed) {
		client_drop(c);
		return;
	}
	c->phase = CLIENT_WRITING;
	c->out_off = 0;
	s->requests++;
}

static void respond_text(struct http_server *s, struct http_client *c, int status, const char *msg)
{
	struct http_buf body = { 0 };

	http_buf_printf(&body, "%s\n", msg);
	respond(s, c, status, "text/plain; charset=utf-8", &body, false);
}

/* A token of the request line: visible ASCII only. */
static bool is_token(const char *p, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (p[i] <= ' ' || p[i] >= 127)
			return false;
	return true;
}

/* The request head is complete in c->in (NUL-terminated, lines end in CRLF or LF). */
static void handle_request(struct http_server *s, struct http_client *c)
{
	char *line = c->in, *eol = strchr(line, '\n'), *sp1, *sp2, *q;
	struct http_request rq = { 0 };
	struct http_buf body = { 0 };
	const char *type = "text/plain; charset=utf-8";
	bool head, have_host = false, http11;

	if (!eol)
		return respond_text(s, c, 400, "bad request");
	*eol = '\0';
	if (eol > line && eol[-1] == '\r')
		eol[-1] = '\0';
	sp1 = strchr(line, ' ');
	sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	if (!sp1 || !sp2 || strchr(sp2 + 1, ' ') || !is_token(line, (size_t)(sp1 - line)) ||
	    !is_token(sp1 + 1, (size_t)(sp2 - sp1 - 1)) || sp1[1] != '/' ||
	    (strcmp(sp2 + 1, "HTTP/1.1") && strcmp(sp2 + 1, "HTTP/1.0")))
		return respond_text(s, c, 400, "bad request line");
	*sp1 = *sp2 = '\0';
	http11 = !strcmp(sp2 + 1, "HTTP/1.1");
	/* header fields: "name: value", name a token */
	for (char *h = eol + 1; *h && *h != '\r' && *h != '\n';) {
		char *e = strchr(h, '\n'), *colon = strchr(h, ':');

		if (!e || !colon || colon > e || !is_token(h, (size_t)(colon - h)))
			return respond_text(s, c, 400, "bad header field");
		*e = '\0';
		if (!strncasecmp(h, "host:", 5))
			have_host = true;
		else if (!strncasecmp(h, "accept:", 7) && strstr(colon, "application/openmetrics-text"))
			rq.openmetrics = true;
		h = e + 1;
	}
	if (http11 && !have_host)
		return respond_text(s, c, 400, "HTTP/1.1 request without Host");
	head = !strcmp(line, "HEAD");
	if (!head && strcmp(line, "GET"))
		return respond_text(s, c, 405, "only GET and HEAD");
	q = strchr(sp1 + 1, '?');
	if (q)
		*q = '\0';
	rq.path = sp1 + 1;
	if (!s->handler(s->ctx, &rq, &body, &type)) {
		free(body.p);
		return respond_text(s, c, 404, "not found: try /metrics");
	}
	if (body.failed) {
		free(body.p);
		return respond_text(s, c, 500, "out of memory");
	}
	respond(s, c, 200, type, &body, head);
}

static void client_read(struct http_server *s, struct http_client *c)
{
	ssize_t n = recv(c->fd, c->in + c->in_len, HTTP_MAX_REQUEST - c->in_len, 0);

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		client_drop(c);
		return;
	}
	if (n < 0)
		return;
	c->in_len += (size_t)n;
	c->in[c->in_len] = '\0';
	if (memchr(c->in, '\0', c->in_len))
		return respond_text(s, c, 400, "NUL in request");
	if (strstr(c->in, "\r\n\r\n") || strstr(c->in, "\n\n"))
		return handle_request(s, c);
	if (c->in_len >= HTTP_MAX_REQUEST)
		return respond_text(s, c, 400, "request head too large");
}

static void client_write(struct http_client *c)
{
	ssize_t n = send(c->fd, c->out.p + c->out_off, c->out.len - c->out_off, MSG_NOSIGNAL);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		client_drop(c);
		return;
	}
	c->out_off += (size_t)n;
	if (c->out_off == c->out.len) {
		int64_t linger = now_ms() + HTTP_LINGER_MS;

		shutdown(c->fd, SHUT_WR);
		c->phase = CLIENT_DRAINING;
		if (linger < c->deadline_ms)
			c->deadline_ms = linger;
	}
}

static void client_drain(struct http_client *c)
{
	char sink[4096];
	ssize_t n = recv(c->fd, sink, sizeof(sink), 0);

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		client_drop(c);
}

/*
 * The slot for a new connection: a free one, else the one of the
 * longest-reading client that has been at it for HTTP_EVICT_MS (a scraper
 * sends its request at once; what is still reading after that is slow).
 * -1: none.
 */
static int slot_for_new(const struct http_server *s, int64_t now)
{
	int old = -1;

	for (int i = 0; i < HTTP_MAX_CLIENTS; i++) {
		const struct http_client *c = &s->clients[i];

		if (c->phase == CLIENT_FREE)
			return i;
		if (c->phase == CLIENT_READING && now - c->accepted_ms >= HTTP_EVICT_MS &&
		    (old < 0 || c->accepted_ms < s->clients[old].accepted_ms))
			old = i;
	}
	return old;
}

static void accept_clients(struct http_server *s)
{
	int64_t now = now_ms();
	int i;

	while ((i = slot_for_new(s, now)) >= 0) {
		struct http_client *c = &s->clients[i];
		int fd = accept4(s->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0)
			return;
		client_drop(c);	/* a slow reader, if the slot was not free */
		c->fd = fd;
		c->phase = CLIENT_READING;
		c->in_len = 0;
		c->accepted_ms = now;
		c->deadline_ms = now + HTTP_TIMEOUT_MS;
	}
}

int http_poll_fds(struct http_server *s, struct pollfd *fds, int max)
{
	int n = 0;

	if (max < 1)
		return 0;
	/* a full house of fast clients leaves new connections in the backlog */
	fds[n++] = (struct pollfd){ .fd = slot_for_new(s, now_ms()) >= 0 ? s->fd : -1,
				    .events = POLLIN };
	for (int i = 0; i < HTTP_MAX_CLIENTS && n < max; i++) {
		struct http_client *c = &s->clients[i];

		if (c->phase != CLIENT_FREE)
			fds[n++] = (struct pollfd){ .fd = c->fd,
				.events = c->phase == CLIENT_WRITING ? POLLOUT : POLLIN };
	}
	return n;
}

void http_poll_events(struct http_server *s, const struct pollfd *fds, int n)
{
	int64_t now = now_ms();

	for (int k = 1; k < n; k++) {
		struct http_client *c = NULL;

		for (int i = 0; i < HTTP_MAX_CLIENTS; i++)
			if (s->clients[i].phase != CLIENT_FREE && s->clients[i].fd == fds[k].fd)
				c = &s->clients[i];
		if (!c || !fds[k].revents)
			continue;
		if (c->phase == CLIENT_READING && (fds[k].revents & (POLLIN | POLLHUP | POLLERR)))
			client_read(s, c);
		else if (c->phase == CLIENT_WRITING && (fds[k].revents & (POLLOUT | POLLHUP | POLLERR)))
			client_write(c);
		else if (c->phase == CLIENT_DRAINING && (fds[k].revents & (POLLIN | POLLHUP | POLLERR)))
			client_drain(c);
	}
	for (int i = 0; i < HTTP_MAX_CLIENTS; i++)
		if (s->clients[i].phase != CLIENT_FREE && now >= s->clients[i].deadline_ms)
			client_drop(&s->clients[i]);	/* too slow: no answer owed */
	if (n > 0 && (fds[0].revents & POLLIN))
		accept_clients(s);
}

int http_next_timeout_ms(const struct http_server *s)
{
	int64_t now = now_ms(), best = -1;
	/* with the listener off (all slots busy), wake when a reader becomes evictable */
	bool listener_off = slot_for_new(s, now) < 0;

	for (int i = 0; i < HTTP_MAX_CLIENTS; i++) {
		const struct http_client *c = &s->clients[i];
		int64_t left;

		if (c->phase == CLIENT_FREE)
			continue;
		left = c->deadline_ms - now;
		if (listener_off && c->phase == CLIENT_READING && c->accepted_ms + HTTP_EVICT_MS - now < left)
			left = c->accepted_ms + HTTP_EVICT_MS - now;
		if (left < 0)
			left = 0;
		if (best < 0 || left < best)
			best = left;
	}
	return (int)best;
}

uint64_t http_requests(const struct http_server *s)
{
	return s->requests;
}

void http_close(struct http_server *s)
{
	if (!s)
		return;
	for (int i = 0; i < HTTP_MAX_CLIENTS; i++)
		client_drop(&s->clients[i]);
	close(s->fd);
	free(s);
}
