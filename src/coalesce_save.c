// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The save file of a device's original coalescing settings: every settable
 * field of struct ethtool_coalesce, written once and exclusively before a
 * sweep changes anything, read back by --restore (see coalesce.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "coalesce.h"
#include "json.h"
#include "json_read.h"

/* Every settable field of struct ethtool_coalesce, by the name ethtool's netlink uses. */
static const struct {
	const char *name;
	size_t off;
} fields[] = {
#define F(n, m) { n, offsetof(struct ethtool_coalesce, m) }
	F("rx_usecs", rx_coalesce_usecs), F("rx_frames", rx_max_coalesced_frames),
	F("rx_usecs_irq", rx_coalesce_usecs_irq), F("rx_frames_irq", rx_max_coalesced_frames_irq),
	F("tx_usecs", tx_coalesce_usecs), F("tx_frames", tx_max_coalesced_frames),
	F("tx_usecs_irq", tx_coalesce_usecs_irq), F("tx_frames_irq", tx_max_coalesced_frames_irq),
	F("stats_block_usecs", stats_block_coalesce_usecs),
	F("adaptive_rx", use_adaptive_rx_coalesce), F("adaptive_tx", use_adaptive_tx_coalesce),
	F("pkt_rate_low", pkt_rate_low), F("rx_usecs_low", rx_coalesce_usecs_low),
	F("rx_frames_low", rx_max_coalesced_frames_low), F("tx_usecs_low", tx_coalesce_usecs_low),
	F("tx_frames_low", tx_max_coalesced_frames_low), F("pkt_rate_high", pkt_rate_high),
	F("rx_usecs_high", rx_coalesce_usecs_high), F("rx_frames_high", rx_max_coalesced_frames_high),
	F("tx_usecs_high", tx_coalesce_usecs_high), F("tx_frames_high", tx_max_coalesced_frames_high),
	F("rate_sample_interval", rate_sample_interval),
#undef F
};
#define N_FIELDS (sizeof(fields) / sizeof(fields[0]))

static uint32_t *field(struct ethtool_coalesce *ec, size_t i)
{
	return (uint32_t *)((char *)ec + fields[i].off);
}

static uint32_t field_c(const struct ethtool_coalesce *ec, size_t i)
{
	return *(const uint32_t *)((const char *)ec + fields[i].off);
}

bool coal_equal(const struct ethtool_coalesce *a, const struct ethtool_coalesce *b, const char **fname)
{
	for (size_t i = 0; i < N_FIELDS; i++)
		if (field_c(a, i) != field_c(b, i)) {
			if (fname)
				*fname = fields[i].name;
			return false;
		}
	return true;
}

void coal_default_path(const char *ifname, char *buf, size_t len)
{
	snprintf(buf, len, "%s/coalesce-%s.json", COAL_SAVE_DIR, ifname);
}

int coal_save(const char *path, const struct coal_saved *sv)
{
	struct json j;
	FILE *f;
	int fd, err = 0;

	if (!sv->has_ec && !sv->has_napi)
		return -EINVAL;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		err = -errno;
		close(fd);
		unlink(path);
		return err;
	}
	json_begin(&j, f);
	json_str(&j, "saved_by", "livelock-trace sweep");
	json_u64(&j, "format", COAL_SAVE_FORMAT);
	json_u64(&j, "time", (uint64_t)time(NULL));
	json_i64(&j, "pid", sv->pid);
	json_str(&j, "device", sv->ifname);
	json_u64(&j, "ifindex", sv->ifindex);
	json_str(&j, "driver", sv->driver);
	if (sv->has_ec) {
		json_obj(&j, "coalesce");
		for (size_t i = 0; i < N_FIELDS; i++)
			json_u64(&j, fields[i].name, field_c(&sv->ec, i));
		json_obj_end(&j);
	}
	if (sv->has_napi) {
		json_obj(&j, "napi");
		json_u64(&j, "defer_hard_irqs", sv->napi.defer_hard_irqs);
		json_u64(&j, "gro_flush_timeout_ns", sv->napi.gro_flush_ns);
		json_obj_end(&j);
	}
	json_end(&j);
	if (ferror(f) || fflush(f) || fsync(fd))
		err = -EIO;
	if (fclose(f) && !err)
		err = -EIO;
	if (err)
		unlink(path);
	return err;
}

static bool in_range(double x, double max)
{
	return x >= 0 && x <= max;	/* false for NAN (absent) too */
}

int coal_parse(const char *text, struct coal_saved *sv)
{
	struct jv *v;
	const char *s;
	int err = -EBADMSG;

	memset(sv, 0, sizeof(*sv));
	v = jv_parse(text);
	if (!v)
		return -EBADMSG;
	s = jv_str(v, "saved_by");
	if (!s || strcmp(s, "livelock-trace sweep") || !(jv_num(v, "format") <= COAL_SAVE_FORMAT) ||
	    !jv_str(v, "device") || (!jv_get(v, "coalesce") && !jv_get(v, "napi")))
		goto out;
	snprintf(sv->ifname, sizeof(sv->ifname), "%s", jv_str(v, "device"));
	snprintf(sv->driver, sizeof(sv->driver), "%s", jv_str(v, "driver") ? jv_str(v, "driver") : "");
	/* out of range (1e20, -1) is as unknown as absent: 0, not a wrapped value */
	sv->ifindex = in_range(jv_num(v, "ifindex"), UINT32_MAX) ? (unsigned int)jv_num(v, "ifindex") : 0;
	sv->pid = in_range(jv_num(v, "pid"), INT32_MAX) ? (long)jv_num(v, "pid") : 0;
	sv->has_ec = jv_get(v, "coalesce") != NULL;
	for (size_t i = 0; sv->has_ec && i < N_FIELDS; i++) {
		char key[64];
		double x;

		snprintf(key, sizeof(key), "coalesce.%s", fields[i].name);
		x = jv_num(v, key);
		if (!(x >= 0 && x <= UINT32_MAX) || x != floor(x))
			goto out;
		*field(&sv->ec, i) = (uint32_t)x;
	}
	sv->has_napi = jv_get(v, "napi") != NULL;
	if (sv->has_napi) {
		double d = jv_num(v, "napi.defer_hard_irqs"), g = jv_num(v, "napi.gro_flush_timeout_ns");

		/* the kernel's ranges: napi_defer_hard_irqs an s32, gro_flush_timeout what a double holds exactly */
		if (!(d >= 0 && d <= INT32_MAX) || d != floor(d) || !(g >= 0 && g <= 9007199254740992.0) ||
		    g != floor(g))
			goto out;
		sv->napi.defer_hard_irqs = (uint64_t)d;
		sv->napi.gro_flush_ns = (uint64_t)g;
	}
	err = 0;
out:
	jv_free(v);
	return err;
}

int coal_load(const char *path, struct coal_saved *sv)
{
	char buf[4096];
	size_t n;
	FILE *f = fopen(path, "r");

	memset(sv, 0, sizeof(*sv));
	if (!f)
		return -errno;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return coal_parse(buf, sv);
}
