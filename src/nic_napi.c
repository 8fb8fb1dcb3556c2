// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A device's NAPI instances from the kernel's "netdev" generic netlink
 * family: NETDEV_CMD_NAPI_GET gives each instance's id, the IRQ its driver
 * linked to it, its thread and (6.13+) its interrupt-deferral settings;
 * NETDEV_CMD_QUEUE_GET gives the queues each one serves.  Both are dumps:
 * read-only, and allowed without privileges.  The client is netlink.c;
 * this file parses the netdev family's messages.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "netlink.h"
#include "nic_napi.h"

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

#define NL_TRIES	3		/* a dump interrupted by a device change is redone */

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
		if ((err = nl_next_attr(&p, end, &a)))
			break;
		switch (a->nla_type & NLA_TYPE_MASK) {
		case LT_NETDEV_A_NAPI_IFINDEX:
			if (!(err = nl_attr_u32(a, &v)))
				ours = v == ifindex;
			break;
		case LT_NETDEV_A_NAPI_ID:
			if (!(err = nl_attr_u32(a, &z.napi_id)))
				has_id = true;
			break;
		case LT_NETDEV_A_NAPI_IRQ:
			if (!(err = nl_attr_u32(a, &v)))
				z.irq = (int)v;
			break;
		case LT_NETDEV_A_NAPI_PID:
			if (!(err = nl_attr_u32(a, &v)))
				z.pid = (int)v;
			break;
		case LT_NETDEV_A_NAPI_DEFER_HARD_IRQS:
			if (!(err = nl_attr_u32(a, &v)))
				z.defer_hard_irqs = v;
			break;
		case LT_NETDEV_A_NAPI_GRO_FLUSH_TIMEOUT:
			err = nl_attr_uint(a, &z.gro_flush_timeout_ns);
			break;
		case LT_NETDEV_A_NAPI_IRQ_SUSPEND_TIMEOUT:
			err = nl_attr_uint(a, &z.irq_suspend_timeout_ns);
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
		if ((err = nl_next_attr(&p, end, &a)))
			break;
		switch (a->nla_type & NLA_TYPE_MASK) {
		case LT_NETDEV_A_QUEUE_ID:
			has_id = !(err = nl_attr_u32(a, &id));
			break;
		case LT_NETDEV_A_QUEUE_IFINDEX:
			if (!(err = nl_attr_u32(a, &v)))
				ours = v == ifindex;
			break;
		case LT_NETDEV_A_QUEUE_TYPE:
			has_type = !(err = nl_attr_u32(a, &type));
			break;
		case LT_NETDEV_A_QUEUE_NAPI_ID:
			has_napi = !(err = nl_attr_u32(a, &napi_id));
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

/* One message of `family`: a NAPI or a queue; other commands are skipped. */
static int parse_msg(const struct nlmsghdr *nh, unsigned int ifindex, struct nic_napi *napis,
		     int *n, int max, bool apply)
{
	const char *p, *end;
	int err = nl_genl_attrs(nh, &p, &end);

	if (err)
		return err;
	switch (((const struct genlmsghdr *)NLMSG_DATA(nh))->cmd) {
	case LT_NETDEV_CMD_NAPI_GET:
		return parse_napi_msg(p, end, ifindex, napis, n, max, apply);
	case LT_NETDEV_CMD_QUEUE_GET:
		return parse_queue_msg(p, end, ifindex, napis, *n, apply);
	}
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
	const struct nlmsghdr *nh;
	int err;

	while (p < end) {
		if ((err = nl_next_msg(&p, end, &nh)))
			return err;
		if (nh->nlmsg_flags & NLM_F_DUMP_INTR)
			return -EAGAIN;
		if (nh->nlmsg_type == NLMSG_ERROR || nh->nlmsg_type == NLMSG_DONE) {
			/* DONE carries the dump's status, ERROR the request's (0: an ACK) */
			if ((err = nl_msg_status(nh)))
				return err;
			if (nh->nlmsg_type == NLMSG_DONE)
				return 1;
			continue;
		}
		if (nh->nlmsg_type != family)
			continue;
		if ((err = parse_msg(nh, ifindex, napis, n, max, apply)))
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

/* Where one discovery writes: the caller's array, count and reason. */
struct napi_out {
	unsigned int ifindex;
	struct nic_napi *napis;
	int *n, max;
	char *reason;
	size_t reason_len;
};

struct dump_target {
	uint16_t family;
	struct napi_out *o;
};

static int dump_reply(const void *buf, size_t len, void *arg)
{
	struct dump_target *t = arg;

	return nic_napi_parse(buf, len, t->family, t->o->ifindex, t->o->napis, t->o->n, t->o->max);
}

/* Dump `cmd` for the ifindex into o->napis; -EAGAIN if a device change interrupted it. */
static int dump(struct nl_sock *s, uint16_t family, uint8_t cmd, uint16_t ifindex_attr,
		struct napi_out *o)
{
	struct dump_target t = { .family = family, .o = o };
	uint32_t ifindex = o->ifindex;
	struct nl_req r;
	int err;

	nl_req_init(&r, family, NLM_F_DUMP, cmd, NETDEV_GENL_VERSION);
	err = nl_req_put(&r, ifindex_attr, &ifindex, sizeof(ifindex));
	return err ? err : nl_exchange(s, &r, dump_reply, &t);
}

static int cmp_napi(const void *a, const void *b)
{
	uint32_t x = ((const struct nic_napi *)a)->napi_id, y = ((const struct nic_napi *)b)->napi_id;

	return x < y ? -1 : x > y;
}

#define SAY(o, ...) snprintf((o)->reason, (o)->reason_len, __VA_ARGS__)

static int discover_on(struct nl_sock *s, struct napi_out *o)
{
	uint16_t family;
	int err;

	err = nl_family_id(s, NETDEV_GENL_NAME, &family);
	if (err) {
		SAY(o, err == -ENOENT ? "no netdev netlink family (kernel < 6.3)" : "netdev family: %s",
		    strerror(-err));
		return err;
	}
	err = dump(s, family, LT_NETDEV_CMD_NAPI_GET, LT_NETDEV_A_NAPI_IFINDEX, o);
	if (err) {
		*o->n = 0;
		SAY(o, err == -EOPNOTSUPP ? "kernel has no NAPI_GET (6.9+)" : "NAPI_GET: %s",
		    strerror(-err));
		return err;
	}
	if (!*o->n) {
		SAY(o, "the device reports no NAPI instance");
		return 0;
	}
	qsort(o->napis, (size_t)*o->n, sizeof(o->napis[0]), cmp_napi);
	err = dump(s, family, LT_NETDEV_CMD_QUEUE_GET, LT_NETDEV_A_QUEUE_IFINDEX, o);
	if (err == -EAGAIN) {	/* the device changed under us: the NAPIs may be stale */
		*o->n = 0;
		SAY(o, "QUEUE_GET: %s", strerror(-err));
		return err;
	}
	if (err)	/* the NAPIs stand; only their queues are unknown */
		SAY(o, "no queue map: QUEUE_GET: %s", strerror(-err));
	return 0;
}

int nic_napi_discover(unsigned int ifindex, struct nic_napi *napis, int *n, int max,
		      char *reason, size_t reason_len)
{
	struct napi_out o = { .ifindex = ifindex, .napis = napis, .n = n, .max = max,
			      .reason = reason, .reason_len = reason_len };
	struct nl_sock s;
	int err = -EAGAIN;

	/* an interrupted dump's rest may still be queued: each try on a fresh socket */
	for (int t = 0; t < NL_TRIES && err == -EAGAIN; t++) {
		*n = 0;
		reason[0] = '\0';
		err = nl_open(&s);
		if (err) {
			SAY(&o, err == -ENOMEM ? "out of memory" : "netlink socket: %s", strerror(-err));
			break;
		}
		err = discover_on(&s, &o);
		nl_close(&s);
	}
	return err;
}
