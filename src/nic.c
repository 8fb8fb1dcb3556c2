// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* NIC discovery from sysfs, /proc and ethtool ioctls; reads only, changes nothing. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include "nic.h"

#define PROC_INTERRUPTS_MAX	(1 << 20)

static int ethtool_ioctl(const char *ifname, void *cmd)
{
	struct ifreq ifr = { 0 };
	int fd, err = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = cmd;
	if (ioctl(fd, SIOCETHTOOL, &ifr) < 0)
		err = -errno;
	close(fd);
	return err;
}

static int read_u64(const char *path, uint64_t *out)
{
	char buf[64], *end;
	FILE *f = fopen(path, "r");
	unsigned long long v;

	if (!f)
		return -errno;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	errno = 0;
	v = strtoull(buf, &end, 10);
	if (errno || end == buf)
		return -EINVAL;
	*out = v;
	return 0;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (!f)
		return NULL;
	buf = malloc(PROC_INTERRUPTS_MAX + 1);
	if (!buf) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, PROC_INTERRUPTS_MAX, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

bool nic_exists(const char *ifname)
{
	return if_nametoindex(ifname) != 0;
}

const char *nic_strerror(int err, const char *ifname)
{
	static char msg[160];

	if (err == -ENODEV)
		snprintf(msg, sizeof(msg), "no interface '%s' in this network namespace (see 'ip link')", ifname);
	else
		snprintf(msg, sizeof(msg), "cannot inspect interface '%s': %s", ifname, strerror(-err));
	return msg;
}

int nic_default_ifname(char *buf, size_t len)
{
	FILE *f = fopen("/proc/net/route", "r");
	char line[256], name[IF_NAMESIZE + 1];
	unsigned long dest, mask;
	int err = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		/* Iface Destination Gateway Flags RefCnt Use Metric Mask ... (hex) */
		if (sscanf(line, "%16s %lx %*x %*x %*d %*d %*d %lx", name, &dest, &mask) != 3)
			continue;
		if (dest == 0 && mask == 0) {
			snprintf(buf, len, "%s", name);
			err = 0;
			break;
		}
	}
	fclose(f);
	return err;
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
	char path[PATH_MAX];
	int err;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/%s", ifname, fields[i].name);
		err = read_u64(path, (uint64_t *)((char *)out + fields[i].off));
		if (err)
			return err == -ENOENT ? -ENODEV : err;
	}
	return 0;
}

int nic_read_coalesce(const char *ifname, struct nic_coalesce *out)
{
	struct ethtool_coalesce ec = { .cmd = ETHTOOL_GCOALESCE };
	int err = ethtool_ioctl(ifname, &ec);

	memset(out, 0, sizeof(*out));
	if (err == -EOPNOTSUPP)
		return 0;	/* a value: the driver cannot coalesce */
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

/* Receive work on this vector?  Transmit-only and control vectors are not. */
static bool irq_name_is_rx(const char *name, const char *ifname)
{
	if (strstr(name, "config") || strstr(name, "output") || strstr(name, "-tx-") ||
	    strstr(name, "mgmnt") || strstr(name, "async") || strstr(name, "misc") || strstr(name, "-tx"))
		return strstr(name, "TxRx") || strstr(name, "Tx-Rx") || strstr(name, "txrx");
	(void)ifname;
	return true;
}

/* Does action `a` (one name of a /proc/interrupts line) belong to the device? */
static bool action_matches(const char *a, const char *ifname, const char *bus_info,
			   const char *virtio_name)
{
	size_t n = strlen(ifname);
	const char *p;

	if (!strcmp(a, ifname))
		return true;
	if (!strncmp(a, ifname, n) && (a[n] == '-' || a[n] == ':' || a[n] == '@'))
		return true;
	/* DRIVER-IFNAME-suffix, e.g. i40e-eth1-TxRx-0 */
	for (p = strchr(a, '-'); p; p = strchr(p + 1, '-'))
		if (!strncmp(p + 1, ifname, n) && (p[1 + n] == '-' || p[1 + n] == '\0'))
			return true;
	if (virtio_name && *virtio_name) {
		size_t v = strlen(virtio_name);

		if (!strncmp(a, virtio_name, v) && a[v] == '-')
			return true;
	}
	/* names carrying the PCI address: mlx5_comp0@pci:BUS, i40e-BUS:misc */
	if (bus_info && *bus_info) {
		size_t b = strlen(bus_info);

		for (p = strstr(a, bus_info); p; p = strstr(p + 1, bus_info))
			if (p > a && strchr("-@:", p[-1]) && strchr(":-", p[b]))
				return true;
	}
	return false;
}

/* The action list of a /proc/interrupts line: after the last double space. */
static char *line_actions(char *line)
{
	char *p, *last = NULL;

	for (p = strstr(line, "  "); p; p = strstr(p + 1, "  "))
		last = p;
	if (!last)
		return NULL;
	last += 2;
	while (*last == ' ')
		last++;
	return *last ? last : NULL;
}

static int parse_irq_number(const char *line, unsigned int *irq)
{
	char *end;
	unsigned long v;

	while (*line == ' ')
		line++;
	if (!isdigit((unsigned char)*line))
		return -1;
	v = strtoul(line, &end, 10);
	if (*end != ':')
		return -1;
	*irq = (unsigned int)v;
	return 0;
}

int nic_parse_proc_interrupts(const char *text, const char *ifname,
			      const char *bus_info, const char *virtio_name,
			      struct nic_irq *out, int max)
{
	const char *l = text;
	int n = 0;

	while (l && *l && n < max) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		char line[1024], *acts, *save = NULL, *a;
		unsigned int irq;

		if (len >= sizeof(line))
			len = sizeof(line) - 1;
		memcpy(line, l, len);
		line[len] = '\0';
		l = nl ? nl + 1 : NULL;
		if (parse_irq_number(line, &irq) || !(acts = line_actions(line)))
			continue;
		for (a = strtok_r(acts, ",", &save); a; a = strtok_r(NULL, ",", &save)) {
			while (*a == ' ')
				a++;
			a[strcspn(a, " \r")] = '\0';
			if (action_matches(a, ifname, bus_info, virtio_name)) {
				out[n].irq = irq;
				snprintf(out[n].name, sizeof(out[n].name), "%s", a);
				out[n].rx = irq_name_is_rx(a, ifname);
				n++;
				break;
			}
		}
	}
	return n;
}

/* Name of an IRQ from /proc/interrupts, "" if absent. */
static void irq_name(const char *text, unsigned int irq, char *name, size_t len)
{
	const char *l = text;

	name[0] = '\0';
	while (l && *l) {
		const char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);
		char line[1024], *acts;
		unsigned int i;

		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, l, n);
		line[n] = '\0';
		l = nl ? nl + 1 : NULL;
		if (!parse_irq_number(line, &i) && i == irq && (acts = line_actions(line))) {
			acts[strcspn(acts, "\r")] = '\0';
			snprintf(name, len, "%s", acts);
			return;
		}
	}
}

static int irqs_from_dir(const char *dir, struct nic_info *out, const char *procint)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return -errno;
	while ((e = readdir(d)) && out->n_irqs < NIC_MAX_IRQS) {
		char *end;
		unsigned long v = strtoul(e->d_name, &end, 10);
		struct nic_irq *q;

		if (!isdigit((unsigned char)e->d_name[0]) || *end)
			continue;
		q = &out->irqs[out->n_irqs++];
		q->irq = (unsigned int)v;
		irq_name(procint, q->irq, q->name, sizeof(q->name));
		q->rx = irq_name_is_rx(q->name, out->name);
	}
	closedir(d);
	return 0;
}

static int cmp_irq(const void *a, const void *b)
{
	const struct nic_irq *x = a, *y = b;

	return (x->irq > y->irq) - (x->irq < y->irq);
}

static void discover_irqs(struct nic_info *out)
{
	char path[PATH_MAX], real[PATH_MAX], *procint = slurp("/proc/interrupts");
	const char *virtio = NULL;
	uint64_t legacy;

	if (!procint)
		return;
	snprintf(path, sizeof(path), "/sys/class/net/%s/device", out->name);
	if (realpath(path, real)) {
		virtio = !strncmp(basename(real), "virtio", 6) ? basename(real) : NULL;
		snprintf(path, sizeof(path), "/sys/class/net/%s/device/msi_irqs", out->name);
		if (irqs_from_dir(path, out, procint) && virtio) {
			/* virtio: the vectors belong to the PCI function above virtioN */
			snprintf(path, sizeof(path), "/sys/class/net/%s/device/../msi_irqs", out->name);
			irqs_from_dir(path, out, procint);
		}
		if (out->n_irqs == 0) {
			snprintf(path, sizeof(path), "/sys/class/net/%s/device/irq", out->name);
			if (!read_u64(path, &legacy) && legacy > 0) {
				out->irqs[0].irq = (unsigned int)legacy;
				irq_name(procint, out->irqs[0].irq, out->irqs[0].name, NIC_IRQ_NAME);
				out->irqs[0].rx = true;
				out->n_irqs = 1;
			}
		}
		/* Keep only vectors named for this device when names say so. */
		if (out->n_irqs > 0) {
			struct nic_irq named[NIC_MAX_IRQS];
			int n = nic_parse_proc_interrupts(procint, out->name, out->bus_info,
							  virtio, named, NIC_MAX_IRQS);
			if (n > 0 && n <= out->n_irqs) {
				memcpy(out->irqs, named, n * sizeof(named[0]));
				out->n_irqs = n;
			}
		}
	}
	if (out->n_irqs == 0)
		out->n_irqs = nic_parse_proc_interrupts(procint, out->name, out->bus_info,
							virtio, out->irqs, NIC_MAX_IRQS);
	qsort(out->irqs, out->n_irqs, sizeof(out->irqs[0]), cmp_irq);
	free(procint);
}

static unsigned int count_queues(const char *ifname, const char *prefix)
{
	char path[PATH_MAX];
	struct dirent *e;
	unsigned int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/sys/class/net/%s/queues", ifname);
	d = opendir(path);
	if (!d)
		return 0;
	while ((e = readdir(d)))
		n += !strncmp(e->d_name, prefix, strlen(prefix));
	closedir(d);
	return n;
}

int nic_discover(const char *ifname, struct nic_info *out)
{
	struct ethtool_drvinfo di = { .cmd = ETHTOOL_GDRVINFO };
	struct ethtool_ringparam rp = { .cmd = ETHTOOL_GRINGPARAM };
	char path[PATH_MAX];
	struct stat st;
	int err;

	memset(out, 0, sizeof(*out));
	if (strlen(ifname) >= IF_NAMESIZE)
		return -ENODEV;
	snprintf(out->name, sizeof(out->name), "%s", ifname);
	out->ifindex = if_nametoindex(ifname);
	if (!out->ifindex)
		return -ENODEV;
	if (stat("/proc/self/ns/net", &st))
		return -errno;
	out->netns_ino = st.st_ino;
	if (!ethtool_ioctl(ifname, &di)) {
		snprintf(out->driver, sizeof(out->driver), "%s", di.driver);
		snprintf(out->bus_info, sizeof(out->bus_info), "%s", di.bus_info);
	}
	snprintf(path, sizeof(path), "/sys/class/net/%s/device", ifname);
	out->is_virtual = access(path, F_OK) != 0;
	out->rx_queues = count_queues(ifname, "rx-");
	out->tx_queues = count_queues(ifname, "tx-");
	if (!ethtool_ioctl(ifname, &rp)) {
		out->rx_ring = rp.rx_pending;
		out->rx_ring_max = rp.rx_max_pending;
	}
	err = nic_read_coalesce(ifname, &out->coalesce);
	if (err && err != -EOPNOTSUPP && err != -EINVAL)
		return err;
	if (!out->is_virtual)
		discover_irqs(out);
	return 0;
}
