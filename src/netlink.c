// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The generic-netlink client of NAPI discovery and the coalescing code (see netlink.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include "netlink.h"

#define NL_TIMEOUT_S	2	/* the kernel answers at once; never hang on it */
#define CTRL_VERSION	1
#define U32_LEN		4
#define U64_LEN		8

int nl_open(struct nl_sock *s)
{
	struct timeval tv = { .tv_sec = NL_TIMEOUT_S };
	int err;

	s->seq = 0;
	s->fd = -1;
	s->buf = malloc(NL_BUF_SIZE);
	if (!s->buf)
		return -ENOMEM;
	s->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (s->fd < 0)
		goto fail;
	if (setsockopt(s->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		goto fail;
	return 0;
fail:
	err = -errno;
	nl_close(s);
	return err;
}

void nl_close(struct nl_sock *s)
{
	if (s->fd >= 0)
		close(s->fd);
	free(s->buf);
	s->fd = -1;
	s->buf = NULL;
}

void nl_req_init(struct nl_req *r, uint16_t family, uint16_t flags, uint8_t cmd, uint8_t version)
{
	memset(r, 0, sizeof(*r));
	r->nh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	r->nh.nlmsg_type = family;
	r->nh.nlmsg_flags = NLM_F_REQUEST | flags;
	r->gh.cmd = cmd;
	r->gh.version = version;
}

int nl_req_put(struct nl_req *r, uint16_t type, const void *data, size_t len)
{
	size_t at = NLMSG_ALIGN(r->nh.nlmsg_len);
	struct nlattr *a = (void *)((char *)r + at);

	if (at + NLA_ALIGN(NLA_HDRLEN + len) > sizeof(*r))
		return -EINVAL;
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	r->nh.nlmsg_len = at + NLA_ALIGN(a->nla_len);
	return 0;
}

struct nlattr *nl_req_nest_start(struct nl_req *r, uint16_t type)
{
	struct nlattr *a = (void *)((char *)r + NLMSG_ALIGN(r->nh.nlmsg_len));

	return nl_req_put(r, type | NLA_F_NESTED, NULL, 0) ? NULL : a;
}

void nl_req_nest_end(struct nl_req *r, struct nlattr *nest)
{
	if (nest)
		nest->nla_len = (char *)r + r->nh.nlmsg_len - (char *)nest;
}

static ssize_t nl_recv(int fd, char *buf, size_t size)
{
	ssize_t got = recv(fd, buf, size, MSG_TRUNC);

	if (got < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? -ETIMEDOUT : -errno;
	if ((size_t)got > size)
		return -EMSGSIZE;
	return got;
}

int nl_exchange(struct nl_sock *s, struct nl_req *r, nl_parse_fn parse, void *arg)
{
	int err = 0;

	r->nh.nlmsg_seq = ++s->seq;
	if (send(s->fd, r, r->nh.nlmsg_len, 0) < 0)
		return -errno;
	while (!err) {
		ssize_t got = nl_recv(s->fd, s->buf, NL_BUF_SIZE);

		err = got < 0 ? (int)got : parse(s->buf, (size_t)got, arg);
	}
	return err == 1 ? 0 : err;
}

/* --- walks --- */

/* Past an item of len bytes (step when aligned) with a header of hdr bytes; -EBADMSG if it does not fit. */
static int step_over(const char **p, const char *end, size_t hdr, size_t len, size_t step)
{
	size_t left = end - *p;

	if (len < hdr || len > left)
		return -EBADMSG;
	*p += step < left ? step : left;
	return 0;
}

int nl_next_msg(const char **p, const char *end, const struct nlmsghdr **out)
{
	const struct nlmsghdr *nh = (const void *)*p;

	if ((size_t)(end - *p) < NLMSG_HDRLEN)
		return -EBADMSG;
	*out = nh;
	return step_over(p, end, NLMSG_HDRLEN, nh->nlmsg_len, NLMSG_ALIGN(nh->nlmsg_len));
}

int nl_next_attr(const char **p, const char *end, const struct nlattr **out)
{
	const struct nlattr *a = (const void *)*p;

	if ((size_t)(end - *p) < NLA_HDRLEN)
		return -EBADMSG;
	*out = a;
	return step_over(p, end, NLA_HDRLEN, a->nla_len, NLA_ALIGN(a->nla_len));
}

int nl_msg_status(const struct nlmsghdr *nh)
{
	int32_t kerr;

	if (nh->nlmsg_len < NLMSG_HDRLEN + sizeof(kerr))
		return nh->nlmsg_type == NLMSG_DONE ? 0 : -EBADMSG;
	memcpy(&kerr, (const char *)nh + NLMSG_HDRLEN, sizeof(kerr));
	return kerr < 0 ? kerr : 0;
}

int nl_genl_attrs(const struct nlmsghdr *nh, const char **p, const char **end)
{
	if (nh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return -EBADMSG;
	*p = (const char *)nh + NLMSG_HDRLEN + GENL_HDRLEN;
	*end = (const char *)nh + nh->nlmsg_len;
	return 0;
}

size_t nl_attr_len(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

int nl_attr_u32(const struct nlattr *a, uint32_t *v)
{
	if (nl_attr_len(a) != U32_LEN)
		return -EBADMSG;
	memcpy(v, (const char *)a + NLA_HDRLEN, U32_LEN);
	return 0;
}

int nl_attr_uint(const struct nlattr *a, int64_t *v)
{
	uint32_t v32;
	uint64_t v64;

	if (nl_attr_len(a) == U32_LEN) {
		memcpy(&v32, (const char *)a + NLA_HDRLEN, U32_LEN);
		*v = v32;
		return 0;
	}
	if (nl_attr_len(a) != U64_LEN)
		return -EBADMSG;
	memcpy(&v64, (const char *)a + NLA_HDRLEN, U64_LEN);
	*v = v64 > INT64_MAX ? INT64_MAX : (int64_t)v64;
	return 0;
}

/* --- family lookup --- */

static int family_in_msg(const struct nlmsghdr *nh, uint16_t *family)
{
	const char *p, *end;
	const struct nlattr *a;
	int err = nl_genl_attrs(nh, &p, &end);

	while (!err && p < end) {
		if ((err = nl_next_attr(&p, end, &a)))
			break;
		if ((a->nla_type & NLA_TYPE_MASK) != CTRL_ATTR_FAMILY_ID)
			continue;
		if (nl_attr_len(a) < sizeof(*family))
			return -EBADMSG;
		memcpy(family, (const char *)a + NLA_HDRLEN, sizeof(*family));
		return 1;
	}
	return err;
}

int nl_family_parse(const void *buf, size_t len, uint16_t *family)
{
	const char *p = buf, *end = p + len;
	const struct nlmsghdr *nh;
	int err;

	while (p < end) {
		if ((err = nl_next_msg(&p, end, &nh)))
			return err;
		if (nh->nlmsg_type == NLMSG_ERROR) {
			if ((err = nl_msg_status(nh)))
				return err;
			continue;
		}
		if (nh->nlmsg_type != GENL_ID_CTRL)
			continue;
		err = family_in_msg(nh, family);
		if (err)
			return err < 0 ? err : 0;
	}
	return -EBADMSG;
}

static int family_reply(const void *buf, size_t len, void *family)
{
	int err = nl_family_parse(buf, len, family);

	return err ? err : 1;
}

int nl_family_id(struct nl_sock *s, const char *name, uint16_t *family)
{
	struct nl_req r;
	int err;

	*family = 0;
	nl_req_init(&r, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY, CTRL_VERSION);
	err = nl_req_put(&r, CTRL_ATTR_FAMILY_NAME, name, strlen(name) + 1);
	if (!err)
		err = nl_exchange(s, &r, family_reply, family);
	if (!err && !*family)
		err = -ENOENT;
	return err;
}
