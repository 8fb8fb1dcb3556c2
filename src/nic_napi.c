// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A device's NAPI instances from the kernel's "netdev" generic netlink
 * family: NETDEV_CMD_NAPI_GET gives each instance's id, the IRQ its driver
 * linked to it, its thread and (6.13+) its interrupt-deferral settings;
 * NETDEV_CMD_QUEUE_GET gives the queues each one serves.  Both are dumps:
 * read-only, and allowed without privileges.  Raw netlink, no libnl.
 *
 * A netlink socket belongs to the network namespace of the thread that opens
 * it, so under `ip netns exec` the dump sees that namespace's ifindex.
 */
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include "nic.h"

/*
 * Debian 12's uapi headers (6.1) have no <linux/netdev.h> NAPI or queue
 * commands.  These values are the kernel's ABI as generated from
 * Documentation/netlink/specs/netdev.yaml.
 */
#define NETDEV_GENL_NAME	"netdev"	/* the family, kernels 6.3+ */
#define NETDEV_GENL_VERSION	1
enum {
	LT_NETDEV_CMD_QUEUE_GET = 10,		/* 6.9+ */
	LT_NETDEV_CMD_NAPI_GET = 11,		/* 6.9+ */
};
enum {	/* attribute set "napi" */
	LT_NETDEV_A_NAPI_IFINDEX = 1,
	LT_NETDEV_A_NAPI_ID = 2,
	LT_NETDEV_A_NAPI_IRQ = 3,		/* absent: the driver linked no IRQ */
	LT_NETDEV_A_NAPI_PID = 4,		/* present only when threaded */
	LT_NETDEV_A_NAPI_DEFER_HARD_IRQS = 5,	/* 6.13+ */
	LT_NETDEV_A_NAPI_GRO_FLUSH_TIMEOUT = 6,	/* 6.13+, "uint": 4 or 8 bytes */
	LT_NETDEV_A_NAPI_IRQ_SUSPEND_TIMEOUT = 7, /* 6.13+, "uint" */
};
enum {	/* attribute set "queue" */
	LT_NETDEV_A_QUEUE_ID = 1,
	LT_NETDEV_A_QUEUE_IFINDEX = 2,
	LT_NETDEV_A_QUEUE_TYPE = 3,
	LT_NETDEV_A_QUEUE_NAPI_ID = 4,		/* absent: no NAPI linked */
};
enum { LT_NETDEV_QUEUE_TYPE_RX = 0, LT_NETDEV_QUEUE_TYPE_TX = 1 };

#define NL_BUF_SIZE	(64 * 1024)	/* dump replies come in pages; this holds several */
#define NL_TIMEOUT_S	2		/* a dump answers at once; never hang discovery */
#define NL_TRIES	3		/* a dump interrupted by a device change is redone */
#define U32_LEN		4
#define U64_LEN		8

enum { SEQ_FAMILY = 1, SEQ_NAPI, SEQ_QUEUE };	/* one request of each per socket */

struct nl_req {
	struct nlmsghdr nh;
	struct genlmsghdr gh;
	char attrs[64];
};

/* Attribute walk with bounds checks; -EBADMSG on a length that does not fit. */
static int next_attr(const char **p, const char *end, const struct nlattr **out)
{
	const struct nlattr *a = (const void *)*p;
	size_t left = end - *p, step;

	if (left < NLA_HDRLEN || a->nla_len < NLA_HDRLEN || a->nla_len > left)
		return -EBADMSG;
	step = NLA_ALIGN(a->nla_len);
	*p += step < left ? step : left;
	*out = a;
	return 0;
}

static size_t attr_len(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

static int attr_u32(const struct nlattr *a, uint32_t *v)
{
	if (attr_len(a) != U32_LEN)
		return -EBADMSG;
	memcpy(v, (const char *)a + NLA_HDRLEN, U32_LEN);
	return 0;
}

/* A "uint" attribute: the kernel sends 4 bytes when the value fits, else 8. */
static int attr_uint(const struct nlattr *a, int64_t *v)
{
	uint32_t v32;
	uint64_t v64;

	if (attr_len(a) == U32_LEN) {
		memcpy(&v32, (const char *)a + NLA_HDRLEN, U32_LEN);
		*v = v32;
		return 0;
	}
	if (attr_len(a) != U64_LEN)
		return -EBADMSG;
	memcpy(&v64, (const char *)a + NLA_HDRLEN, U64_LEN);
	*v = v64 > INT64_MAX ? INT64_MAX : (int64_t)v64;
	return 0;
}

static void napi_init(struct nic_napi *z)
{
	memset(z, 0, sizeof(*z));
	z->irq = z->pid = z->rx_queue = z->tx_queue = -1;
	z->defer_hard_irqs = z->gro_flush_timeout_ns = z->irq_suspend_timeout_ns = -1;
}

static struct nic_napi *napi_find(struct nic_napi *napis, int n, uint32_t id)
{
	for (int i = 0; i < n; i++)
		if (napis[i].napi_id == id)
			return &napis[i];
	return NULL;
}

static int parse_napi_msg(const char *p, const char *end, unsigned int ifindex,
			  struct nic_napi *napis, int *n, int max, bool apply)
{
	struct nic_napi z, *slot;
	bool has_id = false, ours = false;
	const struct nlattr *a;
	uint32_t v;
	int err = 0;

	napi_init(&z);
	while (p < end && !err) {
		if ((err = next_attr(&p, end, &a)))
			break;
		switch (a->nla_type & NLA_TYPE_MASK) {
		case LT_NETDEV_A_NAPI_IFINDEX:
			if (!(err = attr_u32(a, &v)))
				ours = v == ifindex;
			break;
		case LT_NETDEV_A_NAPI_ID:
			if (!(err = attr_u32(a, &z.napi_id)))
				has_id = true;
			break;
		case LT_NETDEV_A_NAPI_IRQ:
			if (!(err = attr_u32(a, &v)))
				z.irq = (int)v;
			break;
		case LT_NETDEV_A_NAPI_PID:
			if (!(err = attr_u32(a, &v)))
				z.pid = (int)v;
			break;
		case LT_NETDEV_A_NAPI_DEFER_HARD_IRQS:
			if (!(err = attr_u32(a, &v)))
				z.defer_hard_irqs = v;
			break;
		case LT_NETDEV_A_NAPI_GRO_FLUSH_TIMEOUT:
			err = attr_uint(a, &z.gro_flush_timeout_ns);
			break;
		case LT_NETDEV_A_NAPI_IRQ_SUSPEND_TIMEOUT:
			err = attr_uint(a, &z.irq_suspend_timeout_ns);
			break;
		default:	/* newer kernels add attributes (threaded, 6.17) */
			break;
		}
	}
	if (err || !apply || !ours || !has_id)
		return err;
	slot = napi_find(napis, *n, z.napi_id);
	if (!slot) {
		if (*n >= max)
			return 0;
		slot = &napis[(*n)++];
	}
	*slot = z;
	return 0;
}

static int parse_queue_msg(const char *p, const char *end, unsigned int ifindex,
			   struct nic_napi *napis, int n, bool apply)
{
	uint32_t id = 0, type = 0, napi_id = 0, v;
	bool has_id = false, has_type = false, has_napi = false, ours = false;
	const struct nlattr *a;
	struct nic_napi *z;
	int *q, err = 0;

	while (p < end && !err) {
		if ((err = next_attr(&p, end, &a)))
			break;
		switch (a->nla_type & NLA_TYPE_MASK) {
		case LT_NETDEV_A_QUEUE_ID:
			has_id = !(err = attr_u32(a, &id));
			break;
		case LT_NETDEV_A_QUEUE_IFINDEX:
			if (!(err = attr_u32(a, &v)))
				ours = v == ifindex;
			break;
		case LT_NETDEV_A_QUEUE_TYPE:
			has_type = !(err = attr_u32(a, &type));
			break;
		case LT_NETDEV_A_QUEUE_NAPI_ID:
			has_napi = !(err = attr_u32(a, &napi_id));
			break;
		default:
			break;
		}
	}
	if (err || !apply || !ours || !has_id || !has_type || !has_napi)
		return err;
	z = napi_find(napis, n, napi_id);
	if (!z || (type != LT_NETDEV_QUEUE_TYPE_RX && type != LT_NETDEV_QUEUE_TYPE_TX))
		return 0;
	q = type == LT_NETDEV_QUEUE_TYPE_RX ? &z->rx_queue : &z->tx_queue;
	if (*q < 0 || id < (uint32_t)*q)
		*q = (int)id;
	return 0;
}

/*
 * One pass over the messages of a buffer.  The first pass only validates,
 * the second applies: a buffer with a bad message changes nothing.
 */
static int walk(const char *buf, size_t len, uint16_t family, unsigned int ifindex,
		struct nic_napi *napis, int *n, int max, bool apply)
{
	const char *p = buf, *end = buf + len;
	int err;

	while (p < end) {
		const struct nlmsghdr *nh = (const void *)p;
		size_t left = end - p, step;
		const char *body;
		int32_t kerr;

		if (left < NLMSG_HDRLEN || nh->nlmsg_len < NLMSG_HDRLEN || nh->nlmsg_len > left)
			return -EBADMSG;
		step = NLMSG_ALIGN(nh->nlmsg_len);
		p += step < left ? step : left;
		body = (const char *)nh + NLMSG_HDRLEN;
		if (nh->nlmsg_flags & NLM_F_DUMP_INTR)
			return -EAGAIN;
		if (nh->nlmsg_type == NLMSG_ERROR || nh->nlmsg_type == NLMSG_DONE) {
			/* DONE carries the dump's status, ERROR the request's (0: an ACK) */
			if (nh->nlmsg_len < NLMSG_HDRLEN + sizeof(kerr))
				return nh->nlmsg_type == NLMSG_DONE ? 1 : -EBADMSG;
			memcpy(&kerr, body, sizeof(kerr));
			if (kerr < 0)
				return kerr;
			if (nh->nlmsg_type == NLMSG_DONE)
				return 1;
			continue;
		}
		if (nh->nlmsg_type != family)
			continue;
		if (nh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
			return -EBADMSG;
		switch (((const struct genlmsghdr *)body)->cmd) {
		case LT_NETDEV_CMD_NAPI_GET:
			err = parse_napi_msg(body + GENL_HDRLEN, (const char *)nh + nh->nlmsg_len,
					     ifindex, napis, n, max, apply);
			break;
		case LT_NETDEV_CMD_QUEUE_GET:
			err = parse_queue_msg(body + GENL_HDRLEN, (const char *)nh + nh->nlmsg_len,
					      ifindex, napis, *n, apply);
			break;
		default:
			err = 0;
			break;
		}
		if (err)
			return err;
	}
	return 0;
}

int nic_napi_parse(const void *buf, size_t len, uint16_t family, unsigned int ifindex,
		   struct nic_napi *napis, int *n, int max)
{
	int ret = walk(buf, len, family, ifindex, napis, n, max, false);

	if (ret < 0)
		return ret;
	return walk(buf, len, family, ifindex, napis, n, max, true);
}

int nic_napi_parse_family(const void *buf, size_t len, uint16_t *family)
{
	const char *p = buf, *end = p + len;

	while (p < end) {
		const struct nlmsghdr *nh = (const void *)p;
		size_t left = end - p, step;
		const char *a_p, *a_end;
		const struct nlattr *a;
		int32_t kerr;
		int err;

		if (left < NLMSG_HDRLEN || nh->nlmsg_len < NLMSG_HDRLEN || nh->nlmsg_len > left)
			return -EBADMSG;
		step = NLMSG_ALIGN(nh->nlmsg_len);
		p += step < left ? step : left;
		if (nh->nlmsg_type == NLMSG_ERROR) {
			if (nh->nlmsg_len < NLMSG_HDRLEN + sizeof(kerr))
				return -EBADMSG;
			memcpy(&kerr, (const char *)nh + NLMSG_HDRLEN, sizeof(kerr));
			if (kerr < 0)
				return kerr;
			continue;
		}
		if (nh->nlmsg_type != GENL_ID_CTRL)
			continue;
		if (nh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
			return -EBADMSG;
		a_p = (const char *)nh + NLMSG_HDRLEN + GENL_HDRLEN;
		a_end = (const char *)nh + nh->nlmsg_len;
		while (a_p < a_end) {
			if ((err = next_attr(&a_p, a_end, &a)))
				return err;
			if ((a->nla_type & NLA_TYPE_MASK) != CTRL_ATTR_FAMILY_ID)
				continue;
			if (attr_len(a) < sizeof(*family))
				return -EBADMSG;
			memcpy(family, (const char *)a + NLA_HDRLEN, sizeof(*family));
			return 0;
		}
	}
	return -EBADMSG;
}

static int nl_open(void)
{
	struct timeval tv = { .tv_sec = NL_TIMEOUT_S };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/* One request with at most one attribute (a string or a u32). */
static int nl_send(int fd, uint16_t type, uint16_t flags, uint8_t cmd, uint32_t seq,
		   uint16_t attr, const void *data, size_t dlen)
{
	struct nl_req r;
	struct nlattr *a = (struct nlattr *)r.attrs;

	if (NLA_HDRLEN + dlen > sizeof(r.attrs))
		return -EINVAL;
	memset(&r, 0, sizeof(r));
	a->nla_type = attr;
	a->nla_len = NLA_HDRLEN + dlen;
	memcpy((char *)a + NLA_HDRLEN, data, dlen);
	r.nh.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN + NLA_ALIGN(a->nla_len);
	r.nh.nlmsg_type = type;
	r.nh.nlmsg_flags = NLM_F_REQUEST | flags;
	r.nh.nlmsg_seq = seq;
	r.gh.cmd = cmd;
	r.gh.version = type == GENL_ID_CTRL ? 1 : NETDEV_GENL_VERSION;
	if (send(fd, &r, r.nh.nlmsg_len, 0) < 0)
		return -errno;
	return 0;
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

static int family_id(int fd, char *buf, size_t size, const char *name, uint16_t *family)
{
	ssize_t got;
	int err;

	err = nl_send(fd, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY, SEQ_FAMILY, CTRL_ATTR_FAMILY_NAME,
		      name, strlen(name) + 1);
	if (err)
		return err;
	got = nl_recv(fd, buf, size);
	if (got < 0)
		return (int)got;
	return nic_napi_parse_family(buf, (size_t)got, family);
}

int nic_genl_family(int fd, const char *name, uint16_t *family)
{
	char *buf = malloc(NL_BUF_SIZE);
	int err;

	if (!buf)
		return -ENOMEM;
	err = family_id(fd, buf, NL_BUF_SIZE, name, family);
	free(buf);
	return err;
}

/* Dump `cmd` for the ifindex into nic->napis; -EAGAIN if a device change interrupted it. */
static int dump(int fd, char *buf, uint16_t family, uint8_t cmd, uint16_t ifindex_attr,
		struct nic_info *nic, uint32_t seq)
{
	int err = nl_send(fd, family, NLM_F_DUMP, cmd, seq, ifindex_attr,
			  &nic->ifindex, sizeof(uint32_t));

	while (!err) {
		ssize_t got = nl_recv(fd, buf, NL_BUF_SIZE);

		err = got < 0 ? (int)got :
		      nic_napi_parse(buf, (size_t)got, family, nic->ifindex,
				     nic->napis, &nic->n_napi, NIC_MAX_NAPI);
	}
	return err == 1 ? 0 : err;
}

static int cmp_napi(const void *a, const void *b)
{
	uint32_t x = ((const struct nic_napi *)a)->napi_id, y = ((const struct nic_napi *)b)->napi_id;

	return x < y ? -1 : x > y;
}

static int discover_on(int fd, char *buf, struct nic_info *nic)
{
	uint16_t family;
	int err;

	err = family_id(fd, buf, NL_BUF_SIZE, NETDEV_GENL_NAME, &family);
	if (err) {
		snprintf(nic->napi_reason, sizeof(nic->napi_reason), err == -ENOENT ?
			 "no netdev netlink family (kernel < 6.3)" : "netdev family: %s",
			 strerror(-err));
		return err;
	}
	err = dump(fd, buf, family, LT_NETDEV_CMD_NAPI_GET, LT_NETDEV_A_NAPI_IFINDEX, nic, SEQ_NAPI);
	if (err) {
		nic->n_napi = 0;
		snprintf(nic->napi_reason, sizeof(nic->napi_reason),
			 err == -EOPNOTSUPP ? "kernel has no NAPI_GET (6.9+)" : "NAPI_GET: %s",
			 strerror(-err));
		return err;
	}
	if (!nic->n_napi) {
		snprintf(nic->napi_reason, sizeof(nic->napi_reason),
			 "the device reports no NAPI instance");
		return 0;
	}
	qsort(nic->napis, nic->n_napi, sizeof(nic->napis[0]), cmp_napi);
	err = dump(fd, buf, family, LT_NETDEV_CMD_QUEUE_GET, LT_NETDEV_A_QUEUE_IFINDEX, nic, SEQ_QUEUE);
	if (err == -EAGAIN) {	/* the device changed under us: the NAPIs may be stale */
		nic->n_napi = 0;
		snprintf(nic->napi_reason, sizeof(nic->napi_reason), "QUEUE_GET: %s",
			 strerror(-err));
		return err;
	}
	if (err)	/* the NAPIs stand; only their queues are unknown */
		snprintf(nic->napi_reason, sizeof(nic->napi_reason), "no queue map: QUEUE_GET: %s",
			 strerror(-err));
	return 0;
}

int nic_napi_discover(struct nic_info *nic)
{
	char *buf;
	int fd, err = -EAGAIN;

	nic->n_napi = 0;
	nic->napi_reason[0] = '\0';
	buf = malloc(NL_BUF_SIZE);
	if (!buf) {
		snprintf(nic->napi_reason, sizeof(nic->napi_reason), "out of memory");
		return -ENOMEM;
	}
	/* an interrupted dump's rest may still be queued: each try on a fresh socket */
	for (int t = 0; t < NL_TRIES && err == -EAGAIN; t++) {
		nic->n_napi = 0;
		nic->napi_reason[0] = '\0';
		fd = nl_open();
		if (fd < 0) {
			err = fd;
			snprintf(nic->napi_reason, sizeof(nic->napi_reason), "netlink socket: %s",
				 strerror(-err));
			break;
		}
		err = discover_on(fd, buf, nic);
		close(fd);
	}
	free(buf);
	return err;
}
