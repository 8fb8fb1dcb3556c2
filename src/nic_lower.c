// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Lower devices: a bridge, bond, VLAN or macvlan passes up packets that its
 * ports, slaves or parent received; the interrupts, NAPI polls and drops
 * happen there.  This follows the watched device down to the devices that
 * receive, and merges what nic_discover() finds for each.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <limits.h>
#include <net/if.h>
#include <linux/ethtool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nic.h"

#define LOWER_DEPTH	8	/* bridge over bond over VLAN ...: deeper is a loop */

static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	char *nl;

	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	return 0;
}

static unsigned int sys_ifindex(const char *root, const char *dev)
{
	char path[PATH_MAX], buf[32];

	snprintf(path, sizeof(path), "%s/%s/ifindex", root, dev);
	if (read_line(path, buf, sizeof(buf)))
		return 0;
	return (unsigned int)strtoul(buf, NULL, 10);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Names of dev's lower devices into names (sorted); their count. */
static int lower_names(const char *root, const char *dev, char (*names)[IF_NAMESIZE], int max)
{
	static const char *const dirs[] = { "", "brif" };
	char path[PATH_MAX], line[1024];
	int n = 0;

	for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]) && !n; d++) {
		struct dirent *e;
		DIR *dir;

		snprintf(path, sizeof(path), "%s/%s/%s", root, dev, dirs[d]);
		if (!(dir = opendir(path)))
			continue;
		while ((e = readdir(dir)) && n < max) {
			const char *name = d == 0 ? e->d_name + 6 : e->d_name;

			if (d == 0 && strncmp(e->d_name, "lower_", 6))
				continue;
			if (!strcmp(name, ".") || !strcmp(name, "..") || strlen(name) >= IF_NAMESIZE)
				continue;
			snprintf(names[n++], IF_NAMESIZE, "%s", name);
		}
		closedir(dir);
	}
	snprintf(path, sizeof(path), "%s/%s/bonding/slaves", root, dev);
	if (!n && !read_line(path, line, sizeof(line))) {
		for (char *save, *w = strtok_r(line, " ", &save); w && n < max; w = strtok_r(NULL, " ", &save))
			if (strlen(w) < IF_NAMESIZE)
				snprintf(names[n++], IF_NAMESIZE, "%s", w);
	}
	qsort(names, (size_t)n, IF_NAMESIZE, cmp_name);
	return n;
}

static bool listed(const struct nic_dev *list, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(list[i].name, name))
			return true;
	return false;
}

static void add(struct nic_dev *list, int *n, struct nic_devset *out, const char *name,
		unsigned int ifindex)
{
	if (listed(list, *n, name))
		return;
	if (*n >= NIC_MAX_DEVS) {
		out->truncated = true;
		return;
	}
	snprintf(list[*n].name, IF_NAMESIZE, "%s", name);
	list[(*n)++].ifindex = ifindex;
}

static void follow(const char *root, const char *dev, int depth, struct nic_devset *out)
{
	char names[NIC_MAX_DEVS][IF_NAMESIZE];
	unsigned int ifindex = sys_ifindex(root, dev);
	int n = depth < LOWER_DEPTH ? lower_names(root, dev, names, NIC_MAX_DEVS) : 0;

	if (!n) {
		add(out->traced, &out->n_traced, out, dev, ifindex);
		return;
	}
	add(out->above, &out->n_above, out, dev, ifindex);
	for (int i = 0; i < n; i++)
		if (sys_ifindex(root, names[i]))	/* a lower device of another namespace has none here */
			follow(root, names[i], depth + 1, out);
		else
			out->truncated = true;
}

/* DEVTYPE of its uevent (bridge, bond, vlan), else its driver's name (macvlan, ipvlan). */
static void device_kind(const char *root, const char *dev, char *kind, size_t len)
{
	struct ethtool_drvinfo di = { .cmd = ETHTOOL_GDRVINFO };
	char path[PATH_MAX], line[NIC_KIND_LEN + 8];
	FILE *f;

	*kind = '\0';
	snprintf(path, sizeof(path), "%s/%s/uevent", root, dev);
	if ((f = fopen(path, "r"))) {
		while (fgets(line, sizeof(line), f))
			if (!strncmp(line, "DEVTYPE=", 8)) {
				line[strcspn(line, "\n")] = '\0';
				snprintf(kind, len, "%.*s", NIC_KIND_LEN - 1, line + 8);
				break;
			}
		fclose(f);
	}
	if (!*kind && !nic_ethtool_ioctl(dev, &di) && !strchr(di.driver, ' '))
		snprintf(kind, len, "%.*s", NIC_KIND_LEN - 1, di.driver);
}

int nic_lower_devices(const char *root, const char *ifname, struct nic_devset *out)
{
	memset(out, 0, sizeof(*out));
	if (!ifname || !*ifname || strlen(ifname) >= IF_NAMESIZE || strchr(ifname, '/'))
		return -ENODEV;
	if (!sys_ifindex(root, ifname))
		return -ENODEV;
	follow(root, ifname, 0, out);
	if (out->n_above)
		device_kind(root, ifname, out->kind, sizeof(out->kind));
	if (!out->n_traced) {	/* every lower device elsewhere: trace the one named */
		memset(out, 0, sizeof(*out));
		add(out->traced, &out->n_traced, out, ifname, sys_ifindex(root, ifname));
	}
	return 0;
}

static bool has_irq(const struct nic_irq *irqs, int n, unsigned int irq)
{
	for (int i = 0; i < n; i++)
		if (irqs[i].irq == irq)
			return true;
	return false;
}

/* irqs[from, to) onto all[*n], each IRQ once (two ports of one card may share a line) */
static void take_irqs(struct nic_irq *all, int *n, const struct nic_irq *irqs, int from, int to)
{
	for (int i = from; i < to && *n < NIC_MAX_IRQS; i++)
		if (!has_irq(all, *n, irqs[i].irq))
			all[(*n)++] = irqs[i];
}

/* Appends b's IRQs to a, RX ones after a's RX ones, keeping "RX first". */
static void merge_irqs(struct nic_info *a, const struct nic_info *b)
{
	struct nic_irq *all = calloc(NIC_MAX_IRQS, sizeof(*all));
	int n = 0, a_rx = a->n_rx_irqs;

	if (!all)
		return;
	take_irqs(all, &n, a->irqs, 0, a_rx);
	take_irqs(all, &n, b->irqs, 0, b->n_rx_irqs);
	a->n_rx_irqs = n;
	take_irqs(all, &n, a->irqs, a_rx, a->n_irqs);
	take_irqs(all, &n, b->irqs, b->n_rx_irqs, b->n_irqs);
	memcpy(a->irqs, all, (size_t)n * sizeof(*all));
	a->n_irqs = n;
	free(all);
}

void nic_merge_lower(struct nic_info *a, const struct nic_info *b)
{
	merge_irqs(a, b);
	for (int i = 0; i < b->n_napi && a->n_napi < NIC_MAX_NAPI; i++)
		a->napis[a->n_napi++] = b->napis[i];
	a->rx_queues += b->rx_queues;
	a->tx_queues += b->tx_queues;
	a->rx_ring += b->rx_ring;
	a->rx_ring_max += b->rx_ring_max;
	a->is_virtual = a->is_virtual && b->is_virtual;
}

int nic_discover_lower(const char *ifname, struct nic_info *out)
{
	struct nic_info *one;
	struct nic_devset set;
	int err = nic_lower_devices("/sys/class/net", ifname, &set);

	/* sysfs of another namespace (no remount after setns): the device alone */
	if (err || set.n_traced < 1 || if_nametoindex(ifname) != (set.n_above ? set.above[0].ifindex
									      : set.traced[0].ifindex))
		return nic_discover(ifname, out);
	err = nic_discover(set.traced[0].name, out);
	if (err)
		return err;
	if (!(one = malloc(sizeof(*one))))
		return -ENOMEM;
	for (int i = 1; i < set.n_traced; i++) {
		if ((err = nic_discover(set.traced[i].name, one)))
			break;
		nic_merge_lower(out, one);
	}
	free(one);
	out->set = set;
	return err;
}

int nic_set_read_stats(const struct nic_info *nic, struct nic_stats *out)
{
	int n = nic->set.n_traced ? nic->set.n_traced : 1, err;

	memset(out, 0, sizeof(*out));
	for (int i = 0; i < n; i++) {
		struct nic_stats s;

		err = nic_read_stats(nic->set.n_traced ? nic->set.traced[i].name : nic->name, &s);
		if (err)
			return err;
		out->rx_packets += s.rx_packets;
		out->rx_bytes += s.rx_bytes;
		out->rx_dropped += s.rx_dropped;
		out->rx_missed_errors += s.rx_missed_errors;
		out->rx_fifo_errors += s.rx_fifo_errors;
		out->rx_over_errors += s.rx_over_errors;
		out->rx_errors += s.rx_errors;
	}
	return 0;
}

const char *nic_set_gone(const struct nic_info *nic)
{
	if (!nic_exists(nic->name))
		return nic->name;
	for (int i = 0; i < nic->set.n_traced; i++)
		if (!nic_exists(nic->set.traced[i].name))
			return nic->set.traced[i].name;
	for (int i = 0; i < nic->set.n_above; i++)
		if (!nic_exists(nic->set.above[i].name))
			return nic->set.above[i].name;
	return NULL;
}

const char *nic_set_describe(char *buf, size_t len, const struct nic_info *nic)
{
	const struct nic_devset *s = &nic->set;
	size_t n;

	if (!s->n_above || !len)
		return NULL;
	n = (size_t)snprintf(buf, len, "%s%s%s%s \u2192", s->above[0].name, *s->kind ? " (" : "",
			     s->kind, *s->kind ? ")" : "");
	for (int i = 0; i < s->n_traced && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s %s", i ? "," : "", s->traced[i].name);
	if (n < len)
		snprintf(buf + n, len - n, ": %s traced%s", s->n_traced == 1 ? "its lower device is" :
			 "its lower devices are", s->truncated ? " (not all: too many, or in another namespace)" : "");
	return buf;
}

double nic_set_rx_rate(const struct nic_info *nic, struct nic_rx_rate *r, double now_s, struct nic_stats *st)
{
	struct nic_stats mine;
	double pps = NAN;

	if (!st)
		st = &mine;
	if (nic_set_read_stats(nic, st)) {
		r->t_s = 0;
		return NAN;
	}
	if (r->t_s > 0 && now_s > r->t_s && st->rx_packets >= r->rx_packets)
		pps = (double)(st->rx_packets - r->rx_packets) / (now_s - r->t_s);
	r->rx_packets = st->rx_packets;
	r->t_s = now_s;
	return pps;
}
