// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * NAPI's deferral settings of one device: /sys/class/net/DEV/
 * napi_defer_hard_irqs and gro_flush_timeout (kernels 5.10+), read, written
 * and read back for a sweep (see coalesce.h).  On 6.13+ a write of the
 * device's file sets every NAPI instance of the device; coal_napi_uniform
 * tells whether the instances hold the device's values, so that a restore
 * of the device's values puts back what was there.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "coalesce.h"
#include "nic_napi.h"

static const char *file_of(enum coal_napi_field f)
{
	return f == COAL_NAPI_DEFER ? "napi_defer_hard_irqs" : "gro_flush_timeout";
}

static int path_of(const char *ifname, enum coal_napi_field f, char *buf, size_t len)
{
	if (!ifname[0] || strchr(ifname, '/') || strlen(ifname) >= IFNAMSIZ)
		return -ENODEV;
	snprintf(buf, len, "/sys/class/net/%s/%s", ifname, file_of(f));
	return 0;
}

/* One decimal number, the whole file; 0 or -errno (-EBADMSG for anything else). */
static int read_u64(const char *path, uint64_t *out)
{
	char buf[32], *end;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -EBADMSG;
	buf[n] = '\0';
	errno = 0;
	*out = strtoull(buf, &end, 10);
	if (end == buf || errno || (*end && strcmp(end, "\n")))
		return -EBADMSG;
	return 0;
}

static int write_u64(const char *path, uint64_t v)
{
	char buf[32];
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;
	int n = snprintf(buf, sizeof(buf), "%" PRIu64 "\n", v);

	if (fd < 0)
		return -errno;
	if (write(fd, buf, (size_t)n) != n)
		err = errno ? -errno : -EIO;
	if (close(fd) && !err)
		err = -errno;
	return err;
}

int coal_napi_get(const char *ifname, struct coal_napi *nd)
{
	char path[96];
	uint64_t v[2];

	for (int f = 0; f < 2; f++) {
		int err = path_of(ifname, (enum coal_napi_field)f, path, sizeof(path));

		if (!err)
			err = read_u64(path, &v[f]);
		if (err == -ENOENT && f == 0) {
			/* no such device, or a kernel before 5.10 without the setting */
			snprintf(path, sizeof(path), "/sys/class/net/%s", ifname);
			return access(path, F_OK) ? -ENODEV : -ENOENT;
		}
		if (err)
			return err;
	}
	nd->defer_hard_irqs = v[0];
	nd->gro_flush_ns = v[1];
	return 0;
}

int coal_napi_set(const char *ifname, const struct coal_napi *nd)
{
	char path[96];
	int err;

	/* the timer first: a deferral without a timer is no deferral at all */
	err = path_of(ifname, COAL_NAPI_GRO_FLUSH, path, sizeof(path));
	if (!err)
		err = write_u64(path, nd->gro_flush_ns);
	if (!err)
		err = path_of(ifname, COAL_NAPI_DEFER, path, sizeof(path));
	if (!err)
		err = write_u64(path, nd->defer_hard_irqs);
	return err;
}

bool coal_napi_equal(const struct coal_napi *a, const struct coal_napi *b)
{
	return a->defer_hard_irqs == b->defer_hard_irqs && a->gro_flush_ns == b->gro_flush_ns;
}

void coal_napi_to(const struct coal_setting *s, struct coal_napi *nd)
{
	if (s->has_defer)
		nd->defer_hard_irqs = s->defer_hard_irqs;
	if (s->has_gro_flush)
		nd->gro_flush_ns = s->gro_flush_ns;
}

bool coal_napi_taken(const struct coal_setting *s, const struct coal_napi *rb, char *why, size_t len)
{
	if (s->has_defer && rb->defer_hard_irqs != s->defer_hard_irqs) {
		snprintf(why, len, "napi_defer_hard_irqs reads back %" PRIu64 ", not %u", rb->defer_hard_irqs,
			 s->defer_hard_irqs);
		return false;
	}
	if (s->has_gro_flush && rb->gro_flush_ns != s->gro_flush_ns) {
		snprintf(why, len, "gro_flush_timeout reads back %" PRIu64 ", not %u", rb->gro_flush_ns,
			 s->gro_flush_ns);
		return false;
	}
	if (len)
		why[0] = '\0';
	return true;
}

int coal_napi_uniform(const char *ifname, const struct coal_napi *dev, char *why, size_t len)
{
	struct nic_napi *z = calloc(NIC_MAX_NAPI, sizeof(*z));
	char reason[128];
	int n = 0, rc = 1;

	if (!z)
		return -ENOMEM;
	why[0] = '\0';
	/* 6.9-6.12 report no settings (-1), older kernels no NAPI instances: the device's file is all */
	if (nic_napi_discover(if_nametoindex(ifname), z, &n, NIC_MAX_NAPI, reason, sizeof(reason)))
		n = 0;
	for (int i = 0; i < n && rc; i++) {
		if (z[i].defer_hard_irqs >= 0 && (uint64_t)z[i].defer_hard_irqs != dev->defer_hard_irqs) {
			snprintf(why, len, "NAPI %u has defer-hard-irqs %" PRId64 ", the device %" PRIu64,
				 z[i].napi_id, z[i].defer_hard_irqs, dev->defer_hard_irqs);
			rc = 0;
		} else if (z[i].gro_flush_timeout_ns >= 0 &&
			   (uint64_t)z[i].gro_flush_timeout_ns != dev->gro_flush_ns) {
			snprintf(why, len, "NAPI %u has gro-flush-timeout %" PRId64 " ns, the device %" PRIu64,
				 z[i].napi_id, z[i].gro_flush_timeout_ns, dev->gro_flush_ns);
			rc = 0;
		}
	}
	free(z);
	return rc;
}

void coal_napi_str(const struct coal_napi *nd, char *buf, size_t len)
{
	snprintf(buf, len, "defer-hard-irqs %" PRIu64 " gro-flush-timeout %" PRIu64, nd->defer_hard_irqs,
		 nd->gro_flush_ns);
}
