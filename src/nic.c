// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * NIC discovery from sysfs, /proc and the ethtool ioctls; reads only,
 * changes nothing.  The /proc/interrupts text rules live in nic_irq.c.
 *
 * sysfs shows the network namespace of whoever mounted it, /proc/net and
 * the ioctls show ours: sysfs is trusted only when its ifindex agrees.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <net/route.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include "nic.h"

#define SYS_NET		"/sys/class/net"
#define PROC_ROUTE	"/proc/net/route"
#define PROC_ROUTE6	"/proc/net/ipv6_route"
#define NETNS_SELF	"/proc/self/ns/net"
#define LINE_MAX_LEN	512
#define NUM_BUF		64
#define MSG_LEN		256
#define VIRTIO_PREFIX	"virtio"

/* /proc/net/route columns */
enum { RT_IFACE, RT_DEST, RT_GW, RT_FLAGS, RT_REFCNT, RT_USE, RT_METRIC, RT_MASK, RT_NCOLS };
/* /proc/net/ipv6_route columns */
enum { RT6_DEST, RT6_PLEN, RT6_SRC, RT6_SPLEN, RT6_NEXTHOP, RT6_METRIC, RT6_REFCNT,
       RT6_USE, RT6_FLAGS, RT6_IFACE, RT6_NCOLS };

int nic_ethtool_ioctl(const char *ifname, void *cmd)
{
	struct ifreq ifr = { 0 };
	int fd, err = 0;

	if (strlen(ifname) >= IFNAMSIZ)
		return -ENODEV;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)	/* kernels without IPv4: any socket reaches dev_ioctl */
		fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = cmd;
	if (ioctl(fd, SIOCETHTOOL, &ifr) < 0)
		err = -errno;
	close(fd);
	return err;
}

static int parse_ulong(const char *s, int base, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, base);
	if (errno || end == s || (*end && !isspace((unsigned char)*end)) || *s == '-')
		return -EINVAL;
	return 0;
}

static int read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	close(fd);
	buf[n] = '\0';
	return 0;
}

static int read_u64(const char *path, uint64_t *out)
{
	char buf[NUM_BUF], *end;
	unsigned long long v;
	int err = read_file(path, buf, sizeof(buf));

	if (err)
		return err;
	errno = 0;
	v = strtoull(buf, &end, 10);
	if (errno || end == buf || (*end && *end != '\n') || buf[0] == '-')
		return -EINVAL;
	*out = v;
	return 0;
}

static int sys_path(char *buf, size_t len, const char *ifname, const char *rest)
{
	int n = snprintf(buf, len, SYS_NET "/%s/%s", ifname, rest);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

bool nic_exists(const char *ifname)
{
	return ifname && if_nametoindex(ifname) != 0;
}

const char *nic_strerror(int err, const char *ifname)
{
	static __thread char msg[MSG_LEN];
	const char *n = ifname ? ifname : "";

	switch (-err) {
	case ENODEV:
	case ENXIO:
		snprintf(msg, sizeof(msg),
			 "no interface '%s' in this network namespace (see 'ip link')", n);
		break;
	case EINVAL:
		snprintf(msg, sizeof(msg),
			 "'%s' is not a valid interface name (at most %d characters, see 'ip link')",
			 n, IF_NAMESIZE - 1);
		break;
	case ENOENT:
		snprintf(msg, sizeof(msg),
			 "no default route to pick an interface from; name one (see 'ip route')");
		break;
	case EACCES:
	case EPERM:
		snprintf(msg, sizeof(msg),
			 "permission denied reading the settings of '%s'; run as root", n);
		break;
	default:
		snprintf(msg, sizeof(msg), "cannot inspect interface '%s': %s", n,
			 strerror(err < 0 ? -err : err));
	}
	return msg;
}

/* Split a whitespace-separated line in place; returns the column count. */
static int split(char *line, char **cols, int max)
{
	char *save = NULL, *t;
	int n = 0;

	for (t = strtok_r(line, " \t\n", &save); t && n < max; t = strtok_r(NULL, " \t\n", &save))
		cols[n++] = t;
	return n;
}

static int copy_name(char *buf, size_t len, const char *name)
{
	if (strlen(name) >= len)
		return -ERANGE;
	strcpy(buf, name);
	return 0;
}

/* Lowest-metric usable default route in a route file; false if none. */
static bool default_route(const char *path, bool v6, char *best, unsigned long *best_metric)
{
	char line[LINE_MAX_LEN], *cols[RT6_NCOLS];
	FILE *f = fopen(path, "re");
	bool found = false;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		int ncols = split(line, cols, RT6_NCOLS);
		unsigned long dest, mask, flags, metric;
		const char *iface;

		if (v6) {
			if (ncols < RT6_NCOLS || strspn(cols[RT6_DEST], "0") != strlen(cols[RT6_DEST]) ||
			    parse_ulong(cols[RT6_PLEN], 16, &mask) ||
			    parse_ulong(cols[RT6_FLAGS], 16, &flags) ||
			    parse_ulong(cols[RT6_METRIC], 16, &metric))
				continue;
			dest = 0;
			iface = cols[RT6_IFACE];
		} else {
			if (ncols < RT_NCOLS || parse_ulong(cols[RT_DEST], 16, &dest) ||
			    parse_ulong(cols[RT_MASK], 16, &mask) ||
			    parse_ulong(cols[RT_FLAGS], 16, &flags) ||
			    parse_ulong(cols[RT_METRIC], 10, &metric))
				continue;	/* also skips the header line */
			iface = cols[RT_IFACE];
		}
		/* IPv6 keeps unreachable defaults on lo (RTF_REJECT). */
		if (dest || mask || !(flags & RTF_UP) || (flags & RTF_REJECT) ||
		    !strcmp(iface, "lo") || strlen(iface) >= IF_NAMESIZE)
			continue;
		if (!found || metric < *best_metric) {
			strcpy(best, iface);
			*best_metric = metric;
			found = true;
		}
	}
	fclose(f);
	return found;
}

int nic_default_ifname(char *buf, size_t len)
{
	char best[IF_NAMESIZE];
	unsigned long metric = 0;

	if (default_route(PROC_ROUTE, false, best, &metric) ||
	    default_route(PROC_ROUTE6, true, best, &metric))
		return copy_name(buf, len, best);
	return -ENOENT;
}

int nic_read_stats(const char *ifname, struct nic_stats *out)
{
	static const struct { const char *name; size_t off; } fields[] = {
		{ "rx_packets", offsetof(struct nic_stats, rx_packets) },
		{ "rx_bytes", offsetof(struct nic_stats, rx_bytes) },
		{ "rx_dropped", offsetof(struct nic_stats, rx_dropped) },
		{ "rx_missed_errors", offsetof(struct nic_stats, rx_missed_errors) },
		{ "rx_fifo_errors", offsetof(struct nic_stats, rx_fifo_errors) },
		{ "rx_over_errors", offsetof(struct nic_stats, rx_over_errors) },
		{ "rx_errors", offsetof(struct nic_stats, rx_errors) },
	};
	char path[PATH_MAX], rest[NUM_BUF];
	int err;

	memset(out, 0, sizeof(*out));
	if (!ifname || !*ifname || strlen(ifname) >= IF_NAMESIZE || strchr(ifname, '/'))
		return -ENODEV;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		snprintf(rest, sizeof(rest), "statistics/%s", fields[i].name);
		err = sys_path(path, sizeof(path), ifname, rest);
		if (!err)
			err = read_u64(path, (uint64_t *)((char *)out + fields[i].off));
		if (err)
			return err == -ENOENT ? -ENODEV : err;
	}
	return 0;
}

int nic_read_coalesce(const char *ifname, struct nic_coalesce *out)
{
	struct ethtool_coalesce ec = { .cmd = ETHTOOL_GCOALESCE };
	int err = nic_ethtool_ioctl(ifname, &ec);

	memset(out, 0, sizeof(*out));
	if (err == -EOPNOTSUPP)
		return 0;	/* a value: the driver has no get_coalesce */
	if (err)
		return err;
	out->supported = true;
	out->rx_usecs = ec.rx_coalesce_usecs;
	out->rx_frames = ec.rx_max_coalesced_frames;
	out->rx_usecs_irq = ec.rx_coalesce_usecs_irq;
	out->rx_frames_irq = ec.rx_max_coalesced_frames_irq;
	out->tx_usecs = ec.tx_coalesce_usecs;
	out->tx_frames = ec.tx_max_coalesced_frames;
	out->adaptive_rx = ec.use_adaptive_rx_coalesce;
	out->adaptive_tx = ec.use_adaptive_tx_coalesce;
	return 0;
}

/* The IRQ numbers in an msi_irqs directory; 0 when absent. */
static int msi_irqs(const char *dir, struct nic_irq *out, int max)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < max) {
		unsigned long v;

		if (!isdigit((unsigned char)e->d_name[0]) || parse_ulong(e->d_name, 10, &v) ||
		    v > UINT32_MAX)
			continue;
		memset(&out[n], 0, sizeof(out[n]));
		out[n++].irq = (unsigned int)v;
	}
	closedir(d);
	return n;
}

/*
 * One PCI function can carry several netdevs (mlx4, some cxgb): drop
 * vectors named after another existing interface.
 */
static int drop_foreign(struct nic_info *ni)
{
	int k = 0;

	for (int i = 0; i < ni->n_irqs; i++) {
		const char *name = ni->irqs[i].name;
		char head[IF_NAMESIZE];
		size_t len = strcspn(name, "-: ");
		bool foreign = false;

		if (len && len < sizeof(head) &&
		    !nic_irq_name_matches(name, ni->name, ni->bus_info, ni->virtio_name)) {
			memcpy(head, name, len);
			head[len] = '\0';
			foreign = strcmp(head, ni->name) && if_nametoindex(head);
		}
		if (!foreign)
			ni->irqs[k++] = ni->irqs[i];
	}
	return k;
}

/* Legacy INTx: device/irq, kept when its line lists this device. */
static int intx_irq(struct nic_info *ni, const char *text)
{
	char path[PATH_MAX];
	uint64_t irq;
	struct nic_irq q = { 0 };

	if (sys_path(path, sizeof(path), ni->name, "device/irq") || read_u64(path, &irq) ||
	    !irq || irq > UINT32_MAX)
		return 0;
	q.irq = (unsigned int)irq;
	nic_irq_names_from_text(text, &q, 1, ni->name, ni->bus_info, ni->virtio_name);
	if (!nic_irq_name_matches(q.name, ni->name, ni->bus_info, ni->virtio_name) &&
	    (!ni->driver[0] || strcmp(q.name, ni->driver)))
		return 0;	/* not requested yet (interface down) or another device's */
	ni->irqs[0] = q;
	return 1;
}

static void discover_irqs(struct nic_info *ni, bool sysfs_ok)
{
	char path[PATH_MAX], *text = NULL;

	ni->irq_source = NIC_IRQ_SRC_NONE;
	if (ni->is_virtual || nic_read_proc_interrupts(&text))
		return;
	if (sysfs_ok && !sys_path(path, sizeof(path), ni->name, "device/msi_irqs")) {
		ni->n_irqs = msi_irqs(path, ni->irqs, NIC_MAX_IRQS);
		ni->irq_source = NIC_IRQ_SRC_MSI;
		/* virtio_net sits on virtioN; the vectors belong to its PCI parent */
		if (!ni->n_irqs && ni->virtio_name[0] &&
		    !sys_path(path, sizeof(path), ni->name, "device/../msi_irqs")) {
			ni->n_irqs = msi_irqs(path, ni->irqs, NIC_MAX_IRQS);
			ni->irq_source = NIC_IRQ_SRC_VIRTIO_MSI;
		}
		if (ni->n_irqs) {
			nic_irq_names_from_text(text, ni->irqs, ni->n_irqs, ni->name,
						ni->bus_info, ni->virtio_name);
			ni->n_irqs = drop_foreign(ni);
		}
		if (!ni->n_irqs) {
			ni->n_irqs = intx_irq(ni, text);
			ni->irq_source = NIC_IRQ_SRC_INTX;
		}
	}
	if (!ni->n_irqs) {
		ni->n_irqs = nic_parse_proc_interrupts(text, ni->name, ni->bus_info,
						       ni->virtio_name, ni->irqs, NIC_MAX_IRQS);
		if (ni->n_irqs < 0)
			ni->n_irqs = 0;
		ni->irq_source = NIC_IRQ_SRC_NAMES;
	}
	if (!ni->n_irqs)
		ni->irq_source = NIC_IRQ_SRC_NONE;
	ni->n_rx_irqs = nic_irq_classify(ni->irqs, ni->n_irqs, ni->name, ni->bus_info,
					 ni->virtio_name);
	free(text);
}

static void count_queues(struct nic_info *ni)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d;

	if (sys_path(path, sizeof(path), ni->name, "queues") || !(d = opendir(path)))
		return;
	while ((e = readdir(d))) {
		ni->rx_queues += !strncmp(e->d_name, "rx-", 3);
		ni->tx_queues += !strncmp(e->d_name, "tx-", 3);
	}
	closedir(d);
}

/* "virtio2" when device/ links to a virtio device. */
static void find_virtio(struct nic_info *ni)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;

	if (sys_path(path, sizeof(path), ni->name, "device"))
		return;
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) < sizeof(ni->virtio_name) &&
	    !strncmp(base, VIRTIO_PREFIX, strlen(VIRTIO_PREFIX)) &&
	    isdigit((unsigned char)base[strlen(VIRTIO_PREFIX)]) &&
	    strspn(base + strlen(VIRTIO_PREFIX), "0123456789") ==
		    strlen(base + strlen(VIRTIO_PREFIX)))
		memcpy(ni->virtio_name, base, strlen(base) + 1);
}

int nic_discover(const char *ifname, struct nic_info *out)
{
	struct ethtool_drvinfo di = { .cmd = ETHTOOL_GDRVINFO };
	struct ethtool_ringparam rp = { .cmd = ETHTOOL_GRINGPARAM };
	char path[PATH_MAX];
	uint64_t sys_ifindex;
	bool sysfs_ok;
	struct stat st;
	int err;

	memset(out, 0, sizeof(*out));
	if (!ifname || !*ifname)
		return -EINVAL;
	/* A longer name cannot exist: the kernel caps names at IFNAMSIZ - 1. */
	if (strlen(ifname) >= IF_NAMESIZE)
		return -ENODEV;
	snprintf(out->name, sizeof(out->name), "%s", ifname);
	out->ifindex = if_nametoindex(ifname);
	if (!out->ifindex)
		return -ENODEV;
	if (stat(NETNS_SELF, &st))
		return -errno;
	out->netns_ino = st.st_ino;

	err = nic_ethtool_ioctl(ifname, &di);
	if (err == -ENODEV)
		return err;
	if (!err) {	/* EOPNOTSUPP: no drvinfo and no parent device (lo) */
		snprintf(out->driver, sizeof(out->driver), "%s", di.driver);
		snprintf(out->bus_info, sizeof(out->bus_info), "%s", di.bus_info);
	}
	sysfs_ok = !sys_path(path, sizeof(path), ifname, "ifindex") &&
		   !read_u64(path, &sys_ifindex) && sys_ifindex == out->ifindex;
	if (sysfs_ok) {
		sys_path(path, sizeof(path), ifname, "device");
		out->is_virtual = access(path, F_OK) != 0;
		count_queues(out);
		find_virtio(out);
	} else {
		/* sysfs of another namespace: ethtool's bus address is all we have */
		out->is_virtual = !out->bus_info[0];
	}

	if (!nic_ethtool_ioctl(ifname, &rp)) {	/* unsupported: 0 = unknown */
		out->rx_ring = rp.rx_pending;
		out->rx_ring_max = rp.rx_max_pending;
	}
	err = nic_read_coalesce(ifname, &out->coalesce);
	if (err == -ENODEV)
		return err;
	if (err)	/* e.g. EINVAL from a driver quirk: report unsupported */
		memset(&out->coalesce, 0, sizeof(out->coalesce));
	discover_irqs(out, sysfs_ok);
	/* not offered (old kernel, no NAPI): n_napi 0 + reason */
	nic_napi_discover(out->ifindex, out->napis, &out->n_napi, NIC_MAX_NAPI, out->napi_reason,
			  sizeof(out->napi_reason));
	return 0;
}
