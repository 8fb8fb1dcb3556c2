// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Which lines of /proc/interrupts belong to a NIC, and what each vector does.
 * Pure text handling, so fixtures of many drivers can test it.
 *
 * A line is "IRQ: count x NCPU  chip [hwirq][-flow] [Level|Edge] [-flow]  actions",
 * actions separated by ", " (kernel/irq/proc.c show_interrupts()).  Action
 * names may contain spaces ("iwlwifi: default queue"), so only the columns
 * before the actions are split on whitespace.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "nic_irq.h"

#define ACTION_MAX		128		/* longer names cannot be ours */
#define PROC_INTERRUPTS		"/proc/interrupts"
#define PROC_READ_CHUNK		65536
#define PROC_READ_LIMIT		(64u << 20)	/* sanity bound, ~100k CPUs x IRQs */

enum irq_kind { KIND_UNKNOWN, KIND_RX, KIND_TX, KIND_RXTX, KIND_OTHER };

struct ident {
	const char *ifname, *bus, *virtio;
};

struct irq_line {
	unsigned int irq;
	const char *actions;	/* not NUL-terminated */
	size_t len;
};

static const char *skip_blank(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static const char *skip_token(const char *p, const char *end)
{
	while (p < end && *p != ' ' && *p != '\t')
		p++;
	return p;
}

static bool token_is(const char *p, const char *end, const char *word)
{
	size_t n = strlen(word);

	return (size_t)(end - p) >= n && !strncmp(p, word, n) &&
	       (p + n == end || p[n] == ' ' || p[n] == '\t');
}

static int header_cpus(const char *p, const char *end)
{
	int n = 0;

	for (p = skip_blank(p, end); p < end; p = skip_blank(skip_token(p, end), end))
		if (!strncmp(p, "CPU", 3))
			n++;
	return n;
}

/* Split one "N: ..." line; false for summary lines (NMI:, LOC:) and junk. */
static bool parse_line(const char *p, const char *end, int ncpu,
		       struct irq_line *out)
{
	char *num_end;
	unsigned long v;

	p = skip_blank(p, end);
	if (p == end || !isdigit((unsigned char)*p))
		return false;
	errno = 0;
	v = strtoul(p, &num_end, 10);
	if (errno || num_end >= end || *num_end != ':' || v > UINT32_MAX)
		return false;
	out->irq = (unsigned int)v;
	p = num_end + 1;
	for (int i = 0; i < ncpu; i++) {
		p = skip_blank(p, end);
		if (p == end || !isdigit((unsigned char)*p))
			return false;
		p = skip_token(p, end);
	}
	p = skip_token(skip_blank(p, end), end);	/* chip */
	p = skip_blank(p, end);
	if (p < end && (isdigit((unsigned char)*p) || *p == '-'))
		p = skip_blank(skip_token(p, end), end);	/* hwirq[-flow] */
	/* CONFIG_GENERIC_IRQ_SHOW_LEVEL (arm, arm64, riscv) adds a column. */
	if (token_is(p, end, "Level") || token_is(p, end, "Edge")) {
		p = skip_blank(skip_token(p, end), end);
		if (p < end && *p == '-')
			p = skip_blank(skip_token(p, end), end);
	}
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	out->actions = p;
	out->len = (size_t)(end - p);
	return true;
}

/* Next action of a ", "-separated list into buf; false when none left. */
static bool next_action(const char **p, const char *end, char *buf, size_t size)
{
	const char *s = *p, *e;
	size_t n;

	if (s >= end)
		return false;
	for (e = s; e < end && !(e[0] == ',' && e + 1 < end && e[1] == ' '); e++)
		;
	n = (size_t)(e - s);
	if (n >= size)
		n = size - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	*p = e < end ? e + 2 : end;
	return true;
}

static bool driver_token(const char *s, const char *e)
{
	if (s == e)
		return false;
	for (; s < e; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

/*
 * Where the device's identity sits inside action name a: at *off, *len
 * characters.  Rules: IFNAME, IFNAME-x, IFNAME:x, drv-IFNAME-x (i40e, ice,
 * iavf); virtioN, virtioN-x; a bus address ending the name or followed by
 * ':' '-' '@', preceded by '@', ':' or '-' (mlx5_comp2@pci:BUS, i40e-BUS:misc).
 */
static bool match_span(const char *a, const struct ident *id, size_t *off,
		       size_t *len)
{
	size_t n;

	if (id->ifname && (n = strlen(id->ifname))) {
		const char *dash = strchr(a, '-');

		if (!strncmp(a, id->ifname, n) &&
		    (!a[n] || a[n] == '-' || a[n] == ':')) {
			*off = 0, *len = n;
			return true;
		}
		if (dash && driver_token(a, dash) && !strncmp(dash + 1, id->ifname, n) &&
		    (dash[1 + n] == '-' || dash[1 + n] == ':')) {
			*off = (size_t)(dash + 1 - a), *len = n;
			return true;
		}
	}
	if (id->virtio && (n = strlen(id->virtio)) && !strncmp(a, id->virtio, n) &&
	    (!a[n] || a[n] == '-')) {
		*off = 0, *len = n;
		return true;
	}
	if (id->bus && (n = strlen(id->bus))) {
		for (const char *q = strstr(a, id->bus); q; q = strstr(q + 1, id->bus)) {
			char before = q > a ? q[-1] : '@', after = q[n];

			if ((before == '@' || before == ':' || before == '-') &&
			    (!after || after == ':' || after == '-' || after == '@')) {
				*off = (size_t)(q - a), *len = n;
				return true;
			}
		}
	}
	return false;
}

bool nic_irq_name_matches(const char *action, const char *ifname,
			  const char *bus_info, const char *virtio_name)
{
	struct ident id = { ifname, bus_info, virtio_name };
	size_t off, len;

	return action && match_span(action, &id, &off, &len);
}

static bool has(const char *s, const char *word)
{
	return strstr(s, word) != NULL;
}

static int last_number(const char *s)
{
	const char *end = NULL;

	for (const char *p = s; *p; p++)
		if (isdigit((unsigned char)*p) && !isdigit((unsigned char)p[1]))
			end = p + 1;
	if (!end)
		return -1;
	const char *start = end;
	while (start > s && isdigit((unsigned char)start[-1]))
		start--;
	char *num_end;
	unsigned long v = strtoul(start, &num_end, 10);
	return num_end == end && v <= INT32_MAX ? (int)v : -1;
}

static enum irq_kind describe(const char *a, const struct ident *id, int *queue)
{
	static const char *const both[] = { "txrx", "tx-rx", "rxtx", "rx-tx",
		"comp", "-fp-", "virtqueues" };
	static const char *const other[] = { "config", "lsc", "misc", "mgmnt",
		"mgmt", "async", "ctrl", "other", "link", "mbx", "err", "event" };
	char pre[ACTION_MAX], post[ACTION_MAX];
	size_t off = 0, len = 0, i;
	enum irq_kind kind = KIND_UNKNOWN;

	if (!match_span(a, id, &off, &len))
		off = 0, len = 0;
	for (i = 0; i < off && i + 1 < sizeof(pre); i++)
		pre[i] = (char)tolower((unsigned char)a[i]);
	pre[i] = '\0';
	for (i = 0; a[off + len + i] && i + 1 < sizeof(post); i++)
		post[i] = (char)tolower((unsigned char)a[off + len + i]);
	post[i] = '\0';

	char all[2 * ACTION_MAX];
	strcpy(all, pre);
	strcat(all, post);
	for (i = 0; i < sizeof(both) / sizeof(both[0]) && kind == KIND_UNKNOWN; i++)
		if (has(all, both[i]))
			kind = KIND_RXTX;
	for (i = 0; i < sizeof(other) / sizeof(other[0]) && kind == KIND_UNKNOWN; i++)
		if (has(all, other[i]))
			kind = KIND_OTHER;
	if (kind == KIND_UNKNOWN && (has(all, "rx") || has(all, "input")))
		kind = KIND_RX;
	if (kind == KIND_UNKNOWN && (has(all, "tx") || has(all, "output")))
		kind = KIND_TX;
	*queue = -1;
	if (kind == KIND_RX || kind == KIND_TX || kind == KIND_RXTX) {
		*queue = last_number(post);
		/* mlx5_comp3@pci:BUS: the index sits before the identity */
		if (*queue < 0 && id->bus && len && len == strlen(id->bus) &&
		    !strncmp(a + off, id->bus, len))
			*queue = last_number(pre);
	}
	return kind;
}

static int group(const struct nic_irq *q)
{
	return q->rx ? 0 : q->tx ? 1 : 2;
}

static int cmp_irq(const void *pa, const void *pb)
{
	const struct nic_irq *a = pa, *b = pb;
	unsigned int qa = (unsigned int)a->queue, qb = (unsigned int)b->queue;

	if (group(a) != group(b))
		return group(a) - group(b);
	if (qa != qb)		/* -1 (no queue) sorts last as UINT_MAX */
		return qa < qb ? -1 : 1;
	return a->irq < b->irq ? -1 : a->irq > b->irq;
}

int nic_irq_classify(struct nic_irq *irqs, int n, const char *ifname,
		     const char *bus_info, const char *virtio_name)
{
	struct ident id = { ifname, bus_info, virtio_name };
	enum irq_kind kind[NIC_MAX_IRQS];
	bool any_rx = false;
	int n_rx = 0;

	if (n > NIC_MAX_IRQS)
		n = NIC_MAX_IRQS;
	for (int i = 0; i < n; i++) {
		kind[i] = irqs[i].name[0] ? describe(irqs[i].name, &id, &irqs[i].queue)
					  : KIND_OTHER;
		if (!irqs[i].name[0])
			irqs[i].queue = -1;
		any_rx |= kind[i] == KIND_RX || kind[i] == KIND_RXTX;
	}
	for (int i = 0; i < n; i++) {
		/* One vector named just like the device does everything (e1000, ne2k). */
		if (kind[i] == KIND_UNKNOWN && !any_rx)
			kind[i] = KIND_RXTX;
		irqs[i].rx = kind[i] == KIND_RX || kind[i] == KIND_RXTX;
		irqs[i].tx = kind[i] == KIND_TX || kind[i] == KIND_RXTX;
		n_rx += irqs[i].rx;
	}
	qsort(irqs, (size_t)n, sizeof(*irqs), cmp_irq);
	return n_rx;
}

static void set_name(struct nic_irq *q, const char *name)
{
	size_t n = strlen(name);

	if (n >= sizeof(q->name))
		n = sizeof(q->name) - 1;
	memcpy(q->name, name, n);
	q->name[n] = '\0';
}

/* Calls fn for each IRQ line; stops early when fn returns false. */
static int each_line(const char *text, bool (*fn)(const struct irq_line *, void *),
		     void *ctx)
{
	const char *p = text, *nl;
	int ncpu = -1;

	if (!text)
		return -EINVAL;
	for (; *p; p = nl + 1) {
		struct irq_line l;

		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		if (ncpu < 0)
			ncpu = header_cpus(p, nl);
		else if (parse_line(p, nl, ncpu, &l) && !fn(&l, ctx))
			break;
		if (!*nl)
			break;
	}
	return ncpu > 0 ? 0 : -EINVAL;
}

struct scan_ctx {
	struct ident id;
	struct nic_irq *out;
	int n, max;
};

static bool scan_line(const struct irq_line *l, void *vctx)
{
	struct scan_ctx *c = vctx;
	const char *p = l->actions, *end = l->actions + l->len;
	char a[ACTION_MAX];

	while (c->n < c->max && next_action(&p, end, a, sizeof(a))) {
		size_t off, len;

		if (match_span(a, &c->id, &off, &len)) {
			c->out[c->n].irq = l->irq;
			set_name(&c->out[c->n], a);
			c->n++;
			break;
		}
	}
	return c->n < c->max;
}

int nic_parse_proc_interrupts(const char *text, const char *ifname,
			      const char *bus_info, const char *virtio_name,
			      struct nic_irq *out, int max)
{
	struct scan_ctx c = { { ifname, bus_info, virtio_name }, out, 0, max };
	int err;

	if (max <= 0)
		return 0;
	err = each_line(text, scan_line, &c);
	if (err)
		return err;
	nic_irq_classify(out, c.n, ifname, bus_info, virtio_name);
	return c.n;
}

struct names_ctx {
	struct ident id;
	struct nic_irq *irqs;
	int n;
};

static bool name_line(const struct irq_line *l, void *vctx)
{
	struct names_ctx *c = vctx;
	const char *p = l->actions, *end = l->actions + l->len;
	char a[ACTION_MAX];
	bool first = true;

	for (int i = 0; i < c->n; i++) {
		if (c->irqs[i].irq != l->irq)
			continue;
		while (next_action(&p, end, a, sizeof(a))) {
			size_t off, len;

			if (first)
				set_name(&c->irqs[i], a);
			first = false;
			if (match_span(a, &c->id, &off, &len)) {
				set_name(&c->irqs[i], a);
				break;
			}
		}
		break;
	}
	return true;
}

int nic_irq_names_from_text(const char *text, struct nic_irq *irqs, int n,
			    const char *ifname, const char *bus_info,
			    const char *virtio_name)
{
	struct names_ctx c = { { ifname, bus_info, virtio_name }, irqs, n };
	int err;

	for (int i = 0; i < n; i++)
		irqs[i].name[0] = '\0';
	err = each_line(text, name_line, &c);
	if (err)
		return err;
	return nic_irq_classify(irqs, n, ifname, bus_info, virtio_name);
}

int nic_read_proc_interrupts(char **text)
{
	size_t len = 0, cap = 0;
	char *buf = NULL;
	int fd, err = 0;

	fd = open(PROC_INTERRUPTS, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t r;

		if (cap - len < PROC_READ_CHUNK + 1) {
			char *nb;

			if (cap >= PROC_READ_LIMIT) {
				err = -EFBIG;
				break;
			}
			nb = realloc(buf, cap + PROC_READ_CHUNK + 1);
			if (!nb) {
				err = -ENOMEM;
				break;
			}
			buf = nb;
			cap += PROC_READ_CHUNK + 1;
		}
		r = read(fd, buf + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = -errno;
			break;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	if (err) {
		free(buf);
		return err;
	}
	buf[len] = '\0';
	*text = buf;
	return 0;
}

const char *nic_irq_source_name(enum nic_irq_source src)
{
	switch (src) {
	case NIC_IRQ_SRC_MSI:		return "msi";
	case NIC_IRQ_SRC_VIRTIO_MSI:	return "virtio-msi";
	case NIC_IRQ_SRC_INTX:		return "intx";
	case NIC_IRQ_SRC_NAMES:		return "names";
	case NIC_IRQ_SRC_NONE:		break;
	}
	return "none";
}
