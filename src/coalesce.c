// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Interrupt-coalescing settings: read, probe, apply, save, restore (see coalesce.h). */
#include <errno.h>
#include <fcntl.h>
#include <linux/ethtool_netlink.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/sockios.h>
#include <math.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "coalesce.h"
#include "netlink.h"
#include "nic.h"
#include "json.h"
#include "json_read.h"
#include "model.h"

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

int coal_parse_list(const char *s, const char *opt, uint32_t max, uint32_t *out, int cap)
{
	const char *p = s;
	int n = 0;

	do {
		char *end;
		unsigned long v;

		errno = 0;
		if (*p < '0' || *p > '9')
			goto bad;
		v = strtoul(p, &end, 10);
		if (errno || v > max || (*end && *end != ',') || n == cap)
			goto bad;
		out[n++] = (uint32_t)v;
		p = *end ? end + 1 : end;
		if (*end && !*p)
			goto bad;
	} while (*p);
	return n;
bad:
	fprintf(stderr, "livelock-trace: sweep: bad value '%s' for %s: expected up to %d numbers 0..%u separated by commas\n",
		s, opt, cap, max);
	return -1;
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

/* --- the save file --- */

void coal_default_path(const char *ifname, char *buf, size_t len)
{
	snprintf(buf, len, "%s/coalesce-%s.json", COAL_SAVE_DIR, ifname);
}

int coal_save(const char *path, const struct coal_saved *sv)
{
	struct json j;
	FILE *f;
	int fd, err = 0;

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
	json_obj(&j, "coalesce");
	for (size_t i = 0; i < N_FIELDS; i++)
		json_u64(&j, fields[i].name, field_c(&sv->ec, i));
	json_obj_end(&j);
	json_end(&j);
	if (ferror(f) || fflush(f) || fsync(fd))
		err = -EIO;
	if (fclose(f) && !err)
		err = -EIO;
	if (err)
		unlink(path);
	return err;
}

int coal_load(const char *path, struct coal_saved *sv)
{
	char buf[4096];
	size_t n;
	struct jv *v;
	FILE *f = fopen(path, "r");
	const char *s;
	int err = -EBADMSG;

	memset(sv, 0, sizeof(*sv));
	if (!f)
		return -errno;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	v = jv_parse(buf);
	if (!v)
		return -EBADMSG;
	s = jv_str(v, "saved_by");
	if (!s || strcmp(s, "livelock-trace sweep") || !(jv_num(v, "format") <= COAL_SAVE_FORMAT) ||
	    !jv_str(v, "device") || !jv_get(v, "coalesce"))
		goto out;
	snprintf(sv->ifname, sizeof(sv->ifname), "%s", jv_str(v, "device"));
	snprintf(sv->driver, sizeof(sv->driver), "%s", jv_str(v, "driver") ? jv_str(v, "driver") : "");
	sv->ifindex = isfinite(jv_num(v, "ifindex")) ? (unsigned int)jv_num(v, "ifindex") : 0;
	sv->pid = isfinite(jv_num(v, "pid")) ? (long)jv_num(v, "pid") : 0;
	for (size_t i = 0; i < N_FIELDS; i++) {
		char key[64];
		double x;

		snprintf(key, sizeof(key), "coalesce.%s", fields[i].name);
		x = jv_num(v, key);
		if (!(x >= 0 && x <= UINT32_MAX) || x != floor(x))
			goto out;
		*field(&sv->ec, i) = (uint32_t)x;
	}
	err = 0;
out:
	jv_free(v);
	return err;
}

/* --- driver quirks --- */

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

/* --- prediction --- */

double coal_irq_cap(const struct ethtool_coalesce *ec, const char *driver, double lambda)
{
	double u = ec->rx_coalesce_usecs, f = ec->rx_max_coalesced_frames, by_time, by_frames;

	if (ec->use_adaptive_rx_coalesce || coal_usecs_note(driver, ec->rx_coalesce_usecs) || !(lambda > 0))
		return NAN;
	by_time = u > 0 ? 1e6 / (u * lambda) : 1;
	by_frames = f > 0 ? 1 / f : 1;
	if (u > 0 && f > 0)
		return fmin(1, fmax(by_time, by_frames));
	return fmin(1, u > 0 ? by_time : by_frames);
}

bool coal_predict(const struct coal_ref *ref, double cap, double lambda, struct coal_pred *out)
{
	double k = ref->cpus > 0 ? ref->cpus : 1, ipp;
	struct model_params mp;

	out->irqs_per_pkt = out->pkts_per_irq = out->irq_share_pct = out->gamma_pps = NAN;
	if (!isfinite(cap) || !(lambda > 0) || !(ref->irqs_per_pkt > 0))
		return false;
	ipp = fmin(ref->irqs_per_pkt, cap);
	out->irqs_per_pkt = ipp;
	out->pkts_per_irq = 1 / ipp;
	if (!(ref->hardirq_us >= 0))
		return true;
	out->irq_share_pct = 100 * lambda * ipp * ref->hardirq_us * 1e-6 / k;
	if (!(ref->proto_us > 0))
		return true;
	mp = (struct model_params){ .isr_s = ref->hardirq_us * 1e-6 * ipp, .proto_s = ref->proto_us * 1e-6,
				    .buffer = ref->buffer >= 1 ? ref->buffer : 1000 };
	out->gamma_pps = k * model_throughput(MODEL_DMA, &mp, lambda / k);
	return true;
}
