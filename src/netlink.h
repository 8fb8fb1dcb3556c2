/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * One generic-netlink client, raw (no libnl), read-only use: open a
 * NETLINK_GENERIC socket, look a family up by name, send a request or a
 * dump and hand every reply buffer to a parser; bounds-checked walks over
 * messages and attributes for those parsers.  Used by NAPI discovery
 * (nic_napi.c, "netdev") and the coalescing code (coalesce.c, "ethtool").
 *
 * A netlink socket belongs to the network namespace of the thread that opens
 * it, so under `ip netns exec` the replies are about that namespace.
 */
#ifndef LT_NETLINK_H
#define LT_NETLINK_H
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stddef.h>
#include <stdint.h>

/*
 * One receive buffer.  Dump replies come in pages (up to 32 KiB on large-page
 * kernels); 64 KiB holds several.  A single reply (a family, COALESCE_GET) is
 * a few hundred bytes.  A reply that does not fit is an error (-EMSGSIZE).
 */
#define NL_BUF_SIZE	(64 * 1024)
#define NL_REQ_ATTRS	128	/* room for a request's attributes (a device name, an ifindex) */

struct nl_sock {
	int fd;
	uint32_t seq;
	char *buf;		/* NL_BUF_SIZE bytes */
};

struct nl_req {
	struct nlmsghdr nh;
	struct genlmsghdr gh;
	char attrs[NL_REQ_ATTRS];
};

/* 0, or -errno with nothing left open. */
int nl_open(struct nl_sock *s);
void nl_close(struct nl_sock *s);

/* A request header: flags besides NLM_F_REQUEST (NLM_F_DUMP or 0). */
void nl_req_init(struct nl_req *r, uint16_t family, uint16_t flags, uint8_t cmd, uint8_t version);
/* Append one attribute (NULL data for an empty nest); -EINVAL when it does not fit. */
int nl_req_put(struct nl_req *r, uint16_t type, const void *data, size_t len);
/* A nested attribute: start, put its members, end. */
struct nlattr *nl_req_nest_start(struct nl_req *r, uint16_t type);
void nl_req_nest_end(struct nl_req *r, struct nlattr *nest);

/*
 * A reply parser: one buffer as one recv() returned it.  1 when the answer
 * is complete, 0 when more is to come (a dump), or a negative errno.
 */
typedef int (*nl_parse_fn)(const void *buf, size_t len, void *arg);
/* Send r, then receive until parse returns non-zero: 0, or -errno (-ETIMEDOUT: no answer). */
int nl_exchange(struct nl_sock *s, struct nl_req *r, nl_parse_fn parse, void *arg);

/* A family's id by name (CTRL_CMD_GETFAMILY): 0, or -errno (-ENOENT: the kernel has no such family). */
int nl_family_id(struct nl_sock *s, const char *name, uint16_t *family);
/* Pure, for tests: a CTRL_CMD_GETFAMILY reply -> the id; 0, the kernel's -errno, or -EBADMSG. */
int nl_family_parse(const void *buf, size_t len, uint16_t *family);

/*
 * Walks, pure.  nl_next_msg and nl_next_attr take the next item of
 * [*p, end) and advance *p; -EBADMSG when its length does not fit.
 */
int nl_next_msg(const char **p, const char *end, const struct nlmsghdr **out);
int nl_next_attr(const char **p, const char *end, const struct nlattr **out);
/*
 * The status of an NLMSG_ERROR or NLMSG_DONE: the kernel's -errno, 0 (an ACK,
 * or a dump's clean end; a DONE without a status too), or -EBADMSG for an
 * ERROR too short to carry one.
 */
int nl_msg_status(const struct nlmsghdr *nh);
/* The attributes after the genetlink header of nh; -EBADMSG when it has none. */
int nl_genl_attrs(const struct nlmsghdr *nh, const char **p, const char **end);
size_t nl_attr_len(const struct nlattr *a);
/* A u32 attribute (exactly 4 bytes); -EBADMSG otherwise. */
int nl_attr_u32(const struct nlattr *a, uint32_t *v);
/* A "uint" attribute: 4 bytes when the value fits, else 8 (clamped to INT64_MAX). */
int nl_attr_uint(const struct nlattr *a, int64_t *v);

#endif
