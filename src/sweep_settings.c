// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A device's settings as a sweep sees them (see sweep.h): described in one
 * line, what the driver supports (read-only), and the restore of a saved
 * original, ethtool's and NAPI's deferral, each read back.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "commands.h"
#include "nic.h"
#include "sweep.h"

void sweep_current_str(const struct ethtool_coalesce *ec, char *buf, size_t len)
{
	snprintf(buf, len, "rx-usecs %u rx-frames %u adaptive-rx %s", ec->rx_coalesce_usecs,
		 ec->rx_max_coalesced_frames, ec->use_adaptive_rx_coalesce ? "on" : "off");
}

void sweep_saved_str(const struct coal_saved *sv, char *buf, size_t len)
{
	char ec[96] = "", nd[96] = "";

	if (sv->has_ec)
		sweep_current_str(&sv->ec, ec, sizeof(ec));
	if (sv->has_napi)
		coal_napi_str(&sv->napi, nd, sizeof(nd));
	snprintf(buf, len, "%s%s%s", ec, ec[0] && nd[0] ? " " : "", nd);
}

void sweep_mask_str(uint32_t mask, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (uint32_t b = COAL_RX_USECS; b <= COAL_ADAPTIVE_RX; b <<= 1)
		if (mask & b && n < len)
			n += snprintf(buf + n, len - n, "%s%s", n ? ", " : "", coal_param_name(b));
	if (!n)
		snprintf(buf, len, "none of rx-usecs, rx-frames, adaptive-rx");
}

const char *sweep_driver_of(const char *ifname, char *buf, size_t len)
{
	struct nic_info *nic = calloc(1, sizeof(*nic));

	snprintf(buf, len, "unknown");
	if (nic && !nic_discover(ifname, nic) && nic->driver[0])
		snprintf(buf, len, "%s", nic->driver);
	free(nic);
	return buf;
}

int sweep_check_support(const char *ifname, const char *driver, struct ethtool_coalesce *orig,
			uint32_t *mask, bool *from_netlink)
{
	int err = coal_get(ifname, orig);

	if (err == -EOPNOTSUPP) {
		cli_err("sweep: %s (driver %s) has no interrupt-coalescing settings (ETHTOOL_GCOALESCE: not supported): nothing to sweep, nothing was changed",
			ifname, driver);
		return LT_EXIT_ENV;
	}
	if (err) {
		cli_err("sweep: cannot read the coalescing settings of %s: %s",
			ifname, err == -ENODEV ? "no such interface" : strerror(-err));
		return LT_EXIT_ENV;
	}
	*from_netlink = !coal_supported(ifname, mask);
	return 0;
}

/* The ethtool part of a restore; 0 or an exit code after one line on stderr. */
static int restore_ec(const struct coal_saved *sv, const char *save, struct ethtool_coalesce *rb)
{
	const char *field = NULL;
	int err = coal_set(sv->ifname, &sv->ec);

	if (!err)
		err = coal_get(sv->ifname, rb);
	if (err) {
		cli_err("sweep: could NOT restore the coalescing settings of %s: %s; they are saved in %s: run 'livelock-trace sweep --restore %s'",
			sv->ifname, strerror(-err), save, save);
		return LT_EXIT_ENV;
	}
	if (!coal_equal(&sv->ec, rb, &field)) {
		cli_err("sweep: restored %s, but %s reads back differently from the saved original; the original stays in %s",
			sv->ifname, field, save);
		return LT_EXIT_ENV;
	}
	return 0;
}

/* NAPI's deferral; 0 or an exit code after one line on stderr. */
static int restore_napi(const struct coal_saved *sv, const char *save, struct coal_napi *rb)
{
	int err = coal_napi_set(sv->ifname, &sv->napi);

	if (!err)
		err = coal_napi_get(sv->ifname, rb);
	if (err) {
		cli_err("sweep: could NOT restore NAPI's deferral settings of %s: %s; they are saved in %s: run 'livelock-trace sweep --restore %s'",
			sv->ifname, strerror(-err), save, save);
		return LT_EXIT_ENV;
	}
	if (!coal_napi_equal(&sv->napi, rb)) {
		cli_err("sweep: restored %s, but NAPI's deferral reads back differently from the saved original; the original stays in %s",
			sv->ifname, save);
		return LT_EXIT_ENV;
	}
	return 0;
}

int sweep_restore(const struct coal_saved *sv, const char *save)
{
	struct coal_saved rb = *sv;
	char cur[192];
	/* both parts, whatever became of the other */
	int rc_ec = sv->has_ec ? restore_ec(sv, save, &rb.ec) : 0;
	int rc_napi = sv->has_napi ? restore_napi(sv, save, &rb.napi) : 0;

	if (rc_ec || rc_napi)
		return LT_EXIT_ENV;
	if (unlink(save) && errno != ENOENT)
		cli_err("sweep: note: cannot remove %s: %s", save, strerror(errno));
	sweep_saved_str(&rb, cur, sizeof(cur));
	cli_err("sweep: restored %s: %s (read back)", sv->ifname, cur);
	return LT_EXIT_OK;
}
