// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Interrupt-coalescing settings of a device: read and apply them
 * (SIOCETHTOOL), ask ethtool netlink which the driver accepts, and what a
 * sweep's setting changes and whether the device took it (see coalesce.h).
 */
#include <errno.h>
#include <linux/ethtool_netlink.h>
#include <stdio.h>
#include <string.h>
#include "coalesce.h"
#include "netlink.h"
#include "nic.h"

int coal_get(const char *ifname, struct ethtool_coalesce *ec)
{
	memset(ec, 0, sizeof(*ec));
	ec->cmd = ETHTOOL_GCOALESCE;
	return nic_ethtool_ioctl(ifname, ec);
}

int coal_set(const char *ifname, const struct ethtool_coalesce *in)
{
	struct ethtool_coalesce ec = *in;

	ec.cmd = ETHTOOL_SCOALESCE;
	return nic_ethtool_ioctl(ifname, &ec);
}

/* --- which parameters the driver supports: ethtool generic netlink --- */

static void coalesce_attr(const struct nlattr *a, uint32_t *mask)
{
	switch (a->nla_type & NLA_TYPE_MASK) {
	case ETHTOOL_A_COALESCE_RX_USECS: *mask |= COAL_RX_USECS; break;
	case ETHTOOL_A_COALESCE_RX_MAX_FRAMES: *mask |= COAL_RX_FRAMES; break;
	case ETHTOOL_A_COALESCE_USE_ADAPTIVE_RX: *mask |= COAL_ADAPTIVE_RX; break;
	}
}

int coal_parse_reply(const void *buf, size_t len, uint32_t *mask)
{
	const char *p = buf, *end = p + len;
	const struct nlmsghdr *nh;
	const struct nlattr *a;
	int err = nl_next_msg(&p, end, &nh);

	if (err)
		return err;
	if (nh->nlmsg_type == NLMSG_ERROR)
		return (err = nl_msg_status(nh)) ? err : -ENODATA;	/* an ACK is no reply */
	if ((err = nl_genl_attrs(nh, &p, &end)))
		return err;
	*mask = 0;
	while (p < end && !err)
		if (!(err = nl_next_attr(&p, end, &a)))
			coalesce_attr(a, mask);
	return err;
}

static int coalesce_reply(const void *buf, size_t len, void *mask)
{
	int err = coal_parse_reply(buf, len, mask);

	return err ? err : 1;
}

int coal_supported(const char *ifname, uint32_t *mask)
{
	struct nl_sock s;
	struct nl_req r;
	struct nlattr *hdr;
	uint16_t family;
	int err = nl_open(&s);

	if (err)
		return err;
	err = nl_family_id(&s, ETHTOOL_GENL_NAME, &family);
	if (err)	/* -ENOENT: no ethtool netlink (kernel < 5.6) */
		goto out;
	nl_req_init(&r, family, 0, ETHTOOL_MSG_COALESCE_GET, ETHTOOL_GENL_VERSION);
	hdr = nl_req_nest_start(&r, ETHTOOL_A_COALESCE_HEADER);
	err = nl_req_put(&r, ETHTOOL_A_HEADER_DEV_NAME, ifname, strlen(ifname) + 1);
	nl_req_nest_end(&r, hdr);
	if (!err)
		err = nl_exchange(&s, &r, coalesce_reply, mask);
out:
	nl_close(&s);
	return err;
}

/* --- settings --- */

void coal_setting_to(const struct coal_setting *s, struct ethtool_coalesce *ec)
{
	if (s->has_usecs)
		ec->rx_coalesce_usecs = s->rx_usecs;
	if (s->has_frames)
		ec->rx_max_coalesced_frames = s->rx_frames;
	if (s->has_adaptive)
		ec->use_adaptive_rx_coalesce = s->adaptive_rx;
}

bool coal_setting_taken(const struct coal_setting *s, const struct ethtool_coalesce *rb,
			char *why, size_t len)
{
	if (s->has_usecs && rb->rx_coalesce_usecs != s->rx_usecs) {
		snprintf(why, len, "rx-usecs reads back %u, not %u", rb->rx_coalesce_usecs, s->rx_usecs);
		return false;
	}
	if (s->has_frames && rb->rx_max_coalesced_frames != s->rx_frames) {
		snprintf(why, len, "rx-frames reads back %u, not %u", rb->rx_max_coalesced_frames, s->rx_frames);
		return false;
	}
	if (s->has_adaptive && !!rb->use_adaptive_rx_coalesce != s->adaptive_rx) {
		snprintf(why, len, "adaptive-rx reads back %s", rb->use_adaptive_rx_coalesce ? "on" : "off");
		return false;
	}
	if (len)
		why[0] = '\0';
	return true;
}

void coal_setting_str(const struct coal_setting *s, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	if (s->has_usecs)
		n += snprintf(buf + n, len - n, "%srx-usecs %u", n ? " " : "", s->rx_usecs);
	if (s->has_frames && n < len)
		n += snprintf(buf + n, len - n, "%srx-frames %u", n ? " " : "", s->rx_frames);
	if (s->has_adaptive && n < len)
		n += snprintf(buf + n, len - n, "%sadaptive-rx %s", n ? " " : "", s->adaptive_rx ? "on" : "off");
	if (s->has_defer && n < len)
		n += snprintf(buf + n, len - n, "%sdefer-hard-irqs %u", n ? " " : "", s->defer_hard_irqs);
	if (s->has_gro_flush && n < len)
		n += snprintf(buf + n, len - n, "%sgro-flush-timeout %u", n ? " " : "", s->gro_flush_ns);
	if (!n)
		snprintf(buf, len, "unchanged");
}

uint32_t coal_setting_params(const struct coal_setting *s)
{
	return (s->has_usecs ? COAL_RX_USECS : 0) | (s->has_frames ? COAL_RX_FRAMES : 0) |
	       (s->has_adaptive ? COAL_ADAPTIVE_RX : 0);
}

const char *coal_param_name(uint32_t p)
{
	switch (p) {
	case COAL_RX_USECS: return "rx-usecs";
	case COAL_RX_FRAMES: return "rx-frames";
	case COAL_ADAPTIVE_RX: return "adaptive-rx";
	}
	return "?";
}

/* --- driver quirks --- */

double coal_dynamic_floor_pps(const char *driver)
{
	/* e1000_set_itr, e1000e's alike: lowest latency 70,000, low 20,000, bulk 4,000 interrupts/s */
	if (driver && (!strcmp(driver, "e1000") || !strcmp(driver, "e1000e")))
		return 4000;
	return 0;
}

const char *coal_usecs_note(const char *driver, uint32_t u)
{
	/* from each driver's set_coalesce: small values select a dynamic ITR mode */
	if ((!strcmp(driver, "e1000") || !strcmp(driver, "e1000e")) && u >= 1 && u <= 4)
		return "rx-usecs 1-4 select the driver's dynamic interrupt throttling modes (1, 3 dynamic, 4 simplified), not microseconds";
	if ((!strcmp(driver, "igb") || !strcmp(driver, "igc")) && u >= 1 && u <= 3)
		return "rx-usecs 1-3 select the driver's dynamic interrupt throttling, not microseconds";
	if (!strcmp(driver, "ixgbe") && u == 1)
		return "rx-usecs 1 selects the driver's dynamic interrupt throttling, not 1 microsecond";
	return NULL;
}
