// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * NAPI instances from netdev netlink: the parsers on replies captured from
 * kernel 6.18 (tests/fixtures/netlink/) and on messages built here (several
 * NAPIs, a missing IRQ, truncation, unknown attributes, kernel errors), then
 * live: loopback has none (any user), and, as root on a kernel that reports
 * eth0's NAPIs, their IRQs are among the IRQs discovery found from sysfs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <ctype.h>
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "netlink.h"
#include "nic.h"

#define FIXTURES	"tests/fixtures/netlink/"
#define BUF_MAX		8192
#define FAMILY		20		/* the netdev family id in the fixtures */
#define FIX_IFINDEX	4		/* eth0 in the fixtures */
#define FIX_NAPI_ID	257
#define IFINDEX		7		/* the device of the built messages */
#define OTHER_IFINDEX	8
#define CMD_QUEUE_GET	10		/* values from the kernel's netdev.yaml */
#define CMD_NAPI_GET	11
#define UNKNOWN_ATTR	99
#define UNKNOWN_CMD	42
#define LIVE_IFNAME	"eth0"
#define COMM_LEN	64

enum { A_NAPI_IFINDEX = 1, A_NAPI_ID, A_NAPI_IRQ, A_NAPI_PID, A_NAPI_DEFER,
       A_NAPI_GRO_FLUSH, A_NAPI_IRQ_SUSPEND };
enum { A_QUEUE_ID = 1, A_QUEUE_IFINDEX, A_QUEUE_TYPE, A_QUEUE_NAPI_ID };
enum { Q_RX, Q_TX };

/* A reply buffer under construction: messages appended one after another. */
struct buf {
	uint8_t b[BUF_MAX];
	size_t len, msg;	/* msg: offset of the open message */
};

static void msg_begin(struct buf *m, uint16_t type, uint16_t flags)
{
	struct nlmsghdr nh = { .nlmsg_type = type, .nlmsg_flags = flags, .nlmsg_seq = 2 };

	m->msg = m->len;
	memcpy(m->b + m->len, &nh, sizeof(nh));
	m->len += NLMSG_HDRLEN;
}

static void msg_end(struct buf *m)
{
	uint32_t len = (uint32_t)(m->len - m->msg);

	memcpy(m->b + m->msg, &len, sizeof(len));
	m->len = m->msg + NLMSG_ALIGN(len);
}

static void genl_begin(struct buf *m, uint16_t family, uint8_t cmd)
{
	struct genlmsghdr gh = { .cmd = cmd, .version = 1 };

	msg_begin(m, family, NLM_F_MULTI);
	memcpy(m->b + m->len, &gh, sizeof(gh));
	m->len += GENL_HDRLEN;
}

static void put_attr(struct buf *m, uint16_t type, const void *data, size_t dlen)
{
	struct nlattr a = { .nla_len = (uint16_t)(NLA_HDRLEN + dlen), .nla_type = type };

	memset(m->b + m->len, 0, NLA_ALIGN(a.nla_len));
	memcpy(m->b + m->len, &a, sizeof(a));
	memcpy(m->b + m->len + NLA_HDRLEN, data, dlen);
	m->len += NLA_ALIGN(a.nla_len);
}

static void put_u32(struct buf *m, uint16_t type, uint32_t v)
{
	put_attr(m, type, &v, sizeof(v));
}

static void put_u64(struct buf *m, uint16_t type, uint64_t v)
{
	put_attr(m, type, &v, sizeof(v));
}

/* NLMSG_DONE or NLMSG_ERROR with a status */
static void put_status(struct buf *m, uint16_t type, int32_t status)
{
	msg_begin(m, type, NLM_F_MULTI);
	memcpy(m->b + m->len, &status, sizeof(status));
	m->len += sizeof(status);
	if (type == NLMSG_ERROR) {	/* the request header follows the error */
		memset(m->b + m->len, 0, NLMSG_HDRLEN);
		m->len += NLMSG_HDRLEN;
	}
	msg_end(m);
}

/* A NAPI message; irq < 0 leaves the attribute out, pid 0 too. */
static void put_napi(struct buf *m, uint32_t ifindex, uint32_t id, int irq, uint32_t pid)
{
	genl_begin(m, FAMILY, CMD_NAPI_GET);
	put_u32(m, A_NAPI_ID, id);
	put_u32(m, A_NAPI_IFINDEX, ifindex);
	if (irq >= 0)
		put_u32(m, A_NAPI_IRQ, (uint32_t)irq);
	if (pid)
		put_u32(m, A_NAPI_PID, pid);
	msg_end(m);
}

static void put_queue(struct buf *m, uint32_t ifindex, uint32_t id, uint32_t type, uint32_t napi_id)
{
	genl_begin(m, FAMILY, CMD_QUEUE_GET);
	put_u32(m, A_QUEUE_ID, id);
	put_u32(m, A_QUEUE_TYPE, type);
	put_u32(m, A_QUEUE_IFINDEX, ifindex);
	if (napi_id)
		put_u32(m, A_QUEUE_NAPI_ID, napi_id);
	msg_end(m);
}

/* Fixture text: hex byte pairs, '#' to the end of a line is a comment. */
static size_t load_hex(const char *name, uint8_t *out, size_t max)
{
	char path[256], line[512];
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), FIXTURES "%s", name);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *hash = strchr(line, '#');

		if (hash)
			*hash = '\0';
		for (;;) {
			unsigned int byte;
			int used;

			while (isspace((unsigned char)*p))
				p++;
			if (!*p)
				break;
			assert_int_equal(sscanf(p, "%2x%n", &byte, &used), 1);
			assert_int_equal(used, 2);
			assert_true(n < max);
			out[n++] = (uint8_t)byte;
			p += used;
		}
	}
	fclose(f);
	return n;
}

static int parse(const struct buf *m, unsigned int ifindex, struct nic_napi *napis, int *n, int max)
{
	return nic_napi_parse(m->b, m->len, FAMILY, ifindex, napis, n, max);
}

static void test_fixture_virtio_net(void **state)
{
	struct nic_napi napis[NIC_MAX_NAPI];
	uint8_t raw[BUF_MAX];
	size_t len;
	int n = 0;

	(void)state;
	len = load_hex("virtio_net_napi.hex", raw, sizeof(raw));
	/* the kernel's reply carries "threaded" (6.17+), unknown here: skipped */
	assert_int_equal(nic_napi_parse(raw, len, FAMILY, FIX_IFINDEX, napis, &n, NIC_MAX_NAPI), 1);
	assert_int_equal(n, 1);
	assert_int_equal(napis[0].napi_id, FIX_NAPI_ID);
	assert_int_equal(napis[0].irq, -1);	/* virtio_net links no IRQ to its NAPI */
	assert_int_equal(napis[0].pid, -1);
	assert_int_equal(napis[0].defer_hard_irqs, 0);
	assert_int_equal(napis[0].gro_flush_timeout_ns, 0);
	assert_int_equal(napis[0].irq_suspend_timeout_ns, 0);
	assert_int_equal(napis[0].rx_queue, -1);

	len = load_hex("virtio_net_queue.hex", raw, sizeof(raw));
	assert_int_equal(nic_napi_parse(raw, len, FAMILY, FIX_IFINDEX, napis, &n, NIC_MAX_NAPI), 1);
	assert_int_equal(n, 1);
	assert_int_equal(napis[0].rx_queue, 0);
	assert_int_equal(napis[0].tx_queue, -1);	/* tx-0 names no NAPI */

	/* the same reply read for another interface yields nothing */
	n = 0;
	len = load_hex("virtio_net_napi.hex", raw, sizeof(raw));
	assert_int_equal(nic_napi_parse(raw, len, FAMILY, FIX_IFINDEX + 1, napis, &n, NIC_MAX_NAPI), 1);
	assert_int_equal(n, 0);
	/* messages of another family are not ours either */
	assert_int_equal(nic_napi_parse(raw, len, FAMILY + 1, FIX_IFINDEX, napis, &n, NIC_MAX_NAPI), 1);
	assert_int_equal(n, 0);
}

static void test_family(void **state)
{
	uint8_t raw[BUF_MAX];
	uint16_t family = 0;
	struct buf m = { 0 };
	size_t len;

	(void)state;
	len = load_hex("family_netdev.hex", raw, sizeof(raw));
	assert_int_equal(nl_family_parse(raw, len, &family), 0);
	assert_int_equal(family, FAMILY);
	/* cut inside the message: rejected, not read past the end */
	assert_int_equal(nl_family_parse(raw, len - 3, &family), -EBADMSG);
	assert_int_equal(nl_family_parse(raw, 10, &family), -EBADMSG);
	/* a kernel without the family answers ENOENT */
	put_status(&m, NLMSG_ERROR, -ENOENT);
	assert_int_equal(nl_family_parse(m.b, m.len, &family), -ENOENT);
}

static void test_several_napis(void **state)
{
	struct nic_napi napis[NIC_MAX_NAPI];
	struct buf m = { 0 }, q = { 0 };
	int n = 0;

	(void)state;
	put_napi(&m, IFINDEX, 0x201, 40, 0);
	put_napi(&m, OTHER_IFINDEX, 0x301, 50, 0);	/* another device */
	put_napi(&m, IFINDEX, 0x202, 41, 4321);		/* threaded */
	put_napi(&m, IFINDEX, 0x203, -1, 0);		/* no IRQ linked */
	/* 6.13+ settings; a "uint" larger than 32 bits comes as 8 bytes */
	genl_begin(&m, FAMILY, CMD_NAPI_GET);
	put_u32(&m, A_NAPI_IFINDEX, IFINDEX);
	put_u32(&m, A_NAPI_ID, 0x204);
	put_u32(&m, A_NAPI_IRQ, 43);
	put_u32(&m, A_NAPI_DEFER, 2);
	put_u32(&m, A_NAPI_GRO_FLUSH, 20000);
	put_u64(&m, A_NAPI_IRQ_SUSPEND, 5000000000ULL);
	msg_end(&m);
	/* no NLMSG_DONE yet: more to come */
	assert_int_equal(parse(&m, IFINDEX, napis, &n, NIC_MAX_NAPI), 0);
	assert_int_equal(n, 4);
	assert_int_equal(napis[0].napi_id, 0x201);
	assert_int_equal(napis[0].irq, 40);
	assert_int_equal(napis[0].pid, -1);
	assert_int_equal(napis[0].defer_hard_irqs, -1);		/* not reported */
	assert_int_equal(napis[1].napi_id, 0x202);
	assert_int_equal(napis[1].irq, 41);
	assert_int_equal(napis[1].pid, 4321);
	assert_int_equal(napis[2].napi_id, 0x203);
	assert_int_equal(napis[2].irq, -1);
	assert_int_equal(napis[3].irq, 43);
	assert_int_equal(napis[3].defer_hard_irqs, 2);
	assert_int_equal(napis[3].gro_flush_timeout_ns, 20000);
	assert_int_equal(napis[3].irq_suspend_timeout_ns, 5000000000LL);

	/* queues: combined channels, rx 4 on NAPI 0x201 too (lowest kept) */
	for (uint32_t i = 0; i < 4; i++) {
		put_queue(&q, IFINDEX, i, Q_RX, 0x201 + i);
		put_queue(&q, IFINDEX, i, Q_TX, 0x201 + i);
	}
	put_queue(&q, IFINDEX, 4, Q_RX, 0x201);
	put_queue(&q, IFINDEX, 5, Q_RX, 0);		/* no NAPI attribute */
	put_queue(&q, IFINDEX, 6, Q_RX, 0x999);		/* a NAPI not listed */
	put_queue(&q, OTHER_IFINDEX, 0, Q_RX, 0x202);	/* another device */
	put_status(&q, NLMSG_DONE, 0);
	assert_int_equal(parse(&q, IFINDEX, napis, &n, NIC_MAX_NAPI), 1);
	assert_int_equal(n, 4);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(napis[i].rx_queue, i);
		assert_int_equal(napis[i].tx_queue, i);
	}
}

static void test_truncated_rejected(void **state)
{
	struct nic_napi napis[NIC_MAX_NAPI];
	struct buf m = { 0 }, a = { 0 }, w = { 0 };
	size_t cut;
	int n = 0;

	(void)state;
	put_napi(&m, IFINDEX, 0x201, 40, 0);
	cut = m.len;
	put_napi(&m, IFINDEX, 0x202, 41, 0);
	/* the second message cut short: nothing of the buffer is taken */
	for (size_t len = cut + 1; len < m.len; len++) {
		assert_int_equal(nic_napi_parse(m.b, len, FAMILY, IFINDEX, napis, &n, NIC_MAX_NAPI),
				 -EBADMSG);
		assert_int_equal(n, 0);
	}
	/* a header shorter than nlmsghdr */
	assert_int_equal(nic_napi_parse(m.b, NLMSG_HDRLEN - 1, FAMILY, IFINDEX, napis, &n,
					NIC_MAX_NAPI), -EBADMSG);

	/* an attribute that runs past its message */
	genl_begin(&a, FAMILY, CMD_NAPI_GET);
	put_u32(&a, A_NAPI_IFINDEX, IFINDEX);
	put_u32(&a, A_NAPI_ID, 0x201);
	msg_end(&a);
	a.b[a.msg + NLMSG_HDRLEN + GENL_HDRLEN] = 0x40;	/* nla_len of the first attribute */
	assert_int_equal(parse(&a, IFINDEX, napis, &n, NIC_MAX_NAPI), -EBADMSG);
	assert_int_equal(n, 0);

	/* a u32 attribute of the wrong size */
	genl_begin(&w, FAMILY, CMD_NAPI_GET);
	put_u32(&w, A_NAPI_IFINDEX, IFINDEX);
	put_attr(&w, A_NAPI_ID, "\x01\x02", 2);
	msg_end(&w);
	assert_int_equal(parse(&w, IFINDEX, napis, &n, NIC_MAX_NAPI), -EBADMSG);
	assert_int_equal(n, 0);

	/* an nlmsg_len that lies about the genl header */
	put_napi(&m, IFINDEX, 0x203, 42, 0);
	m.b[m.msg] = NLMSG_HDRLEN + 2;
	assert_int_equal(parse(&m, IFINDEX, napis, &n, NIC_MAX_NAPI), -EBADMSG);
	assert_int_equal(n, 0);
}

static void test_unknown_skipped(void **state)
{
	struct nic_napi napis[NIC_MAX_NAPI];
	struct buf m = { 0 };
	int n = 0;

	(void)state;
	genl_begin(&m, FAMILY, CMD_NAPI_GET);
	put_attr(&m, UNKNOWN_ATTR, "abcde", 5);		/* odd length: padded */
	put_u32(&m, A_NAPI_ID, 0x201);
	put_u64(&m, UNKNOWN_ATTR + 1, 7);
	put_u32(&m, A_NAPI_IFINDEX | NLA_F_NET_BYTEORDER, IFINDEX);	/* flag bits ignored */
	put_u32(&m, A_NAPI_IRQ, 40);
	put_attr(&m, UNKNOWN_ATTR, "", 0);		/* empty */
	msg_end(&m);
	genl_begin(&m, FAMILY, UNKNOWN_CMD);		/* an unknown command */
	put_u32(&m, A_NAPI_ID, 0x299);
	put_u32(&m, A_NAPI_IFINDEX, IFINDEX);
	msg_end(&m);
	msg_begin(&m, NLMSG_NOOP, 0);
	msg_end(&m);
	genl_begin(&m, FAMILY, CMD_NAPI_GET);		/* no id: nothing to list */
	put_u32(&m, A_NAPI_IFINDEX, IFINDEX);
	put_u32(&m, A_NAPI_IRQ, 41);
	msg_end(&m);
	put_status(&m, NLMSG_DONE, 0);
	assert_int_equal(parse(&m, IFINDEX, napis, &n, NIC_MAX_NAPI), 1);
	assert_int_equal(n, 1);
	assert_int_equal(napis[0].napi_id, 0x201);
	assert_int_equal(napis[0].irq, 40);
}

static void test_kernel_errors(void **state)
{
	struct nic_napi napis[NIC_MAX_NAPI];
	struct buf e = { 0 }, d = { 0 }, i = { 0 }, ack = { 0 };
	int n = 0;

	(void)state;
	put_status(&e, NLMSG_ERROR, -EOPNOTSUPP);	/* kernel < 6.9: no NAPI_GET */
	assert_int_equal(parse(&e, IFINDEX, napis, &n, NIC_MAX_NAPI), -EOPNOTSUPP);
	put_napi(&d, IFINDEX, 0x201, 40, 0);
	put_status(&d, NLMSG_DONE, -EPERM);		/* a dump that failed part-way */
	assert_int_equal(parse(&d, IFINDEX, napis, &n, NIC_MAX_NAPI), -EPERM);
	assert_int_equal(n, 0);
	put_napi(&i, IFINDEX, 0x201, 40, 0);
	((struct nlmsghdr *)i.b)->nlmsg_flags |= NLM_F_DUMP_INTR;
	assert_int_equal(parse(&i, IFINDEX, napis, &n, NIC_MAX_NAPI), -EAGAIN);
	assert_int_equal(n, 0);
	put_status(&ack, NLMSG_ERROR, 0);		/* an ACK is not an error */
	put_napi(&ack, IFINDEX, 0x201, 40, 0);
	assert_int_equal(parse(&ack, IFINDEX, napis, &n, NIC_MAX_NAPI), 0);
	assert_int_equal(n, 1);
}

static void test_capacity_and_repeats(void **state)
{
	struct nic_napi napis[2];
	struct buf m = { 0 };
	int n = 0;

	(void)state;
	put_napi(&m, IFINDEX, 0x201, 40, 0);
	put_napi(&m, IFINDEX, 0x202, 41, 0);
	put_napi(&m, IFINDEX, 0x201, 44, 0);	/* seen again: updated, not added */
	put_napi(&m, IFINDEX, 0x203, 42, 0);	/* no room */
	assert_int_equal(parse(&m, IFINDEX, napis, &n, 2), 0);
	assert_int_equal(n, 2);
	assert_int_equal(napis[0].napi_id, 0x201);
	assert_int_equal(napis[0].irq, 44);
	assert_int_equal(napis[1].napi_id, 0x202);
}

/* Unprivileged: loopback has no NAPI, and discovery says why instead of failing. */
static void test_live_loopback(void **state)
{
	struct nic_info *nic = calloc(1, sizeof(*nic));

	(void)state;
	assert_non_null(nic);
	assert_int_equal(nic_discover("lo", nic), 0);
	assert_int_equal(nic->n_napi, 0);
	assert_true(nic->napi_reason[0] != '\0');
	print_message("lo: %s\n", nic->napi_reason);
	free(nic);
}

static bool sysfs_irq(const struct nic_info *nic, int irq, bool *rx)
{
	for (int i = 0; i < nic->n_irqs; i++)
		if ((int)nic->irqs[i].irq == irq) {
			*rx = nic->irqs[i].rx;
			return true;
		}
	return false;
}

/*
 * As root, read-only, on the machine's eth0: every IRQ the kernel links to a
 * NAPI is one that sysfs/proc discovery found for the device (an RX one when
 * the NAPI serves an RX queue), ids are distinct, queues exist, and a NAPI
 * thread is one named napi/<dev>-<id>.
 */
static void test_live_eth0_napi_irqs(void **state)
{
	struct nic_info *nic;
	char path[COMM_LEN], comm[COMM_LEN], want[COMM_LEN];

	(void)state;
	nic = calloc(1, sizeof(*nic));
	assert_non_null(nic);
	assert_int_equal(nic_discover(LIVE_IFNAME, nic), 0);
	print_message(LIVE_IFNAME ": driver %s, %d IRQs from %s, %d NAPI%s%s\n", nic->driver,
		      nic->n_irqs, nic_irq_source_name(nic->irq_source), nic->n_napi,
		      nic->napi_reason[0] ? ": " : "", nic->napi_reason);
	assert_true(nic->n_napi > 0);
	for (int i = 0; i < nic->n_napi; i++) {
		const struct nic_napi *z = &nic->napis[i];
		bool rx = false;

		print_message("  napi %u irq %d pid %d rx %d tx %d defer %lld gro %lld suspend %lld\n",
			      z->napi_id, z->irq, z->pid, z->rx_queue, z->tx_queue,
			      (long long)z->defer_hard_irqs, (long long)z->gro_flush_timeout_ns,
			      (long long)z->irq_suspend_timeout_ns);
		assert_true(z->napi_id > 0);
		if (i > 0)	/* sorted and distinct */
			assert_true(z->napi_id > nic->napis[i - 1].napi_id);
		if (z->irq >= 0) {
			assert_true(sysfs_irq(nic, z->irq, &rx));
			if (z->rx_queue >= 0)
				assert_true(rx);
		}
		assert_true(z->rx_queue < (int)nic->rx_queues);
		assert_true(z->tx_queue < (int)nic->tx_queues);
		for (int j = 0; j < i && z->rx_queue >= 0; j++)
			assert_int_not_equal(z->rx_queue, nic->napis[j].rx_queue);
		if (z->pid > 0) {
			FILE *f;

			snprintf(path, sizeof(path), "/proc/%d/comm", z->pid);
			snprintf(want, sizeof(want), "napi/%s-%u", LIVE_IFNAME, z->napi_id);
			f = fopen(path, "r");
			assert_non_null(f);
			assert_non_null(fgets(comm, sizeof(comm), f));
			fclose(f);
			comm[strcspn(comm, "\n")] = '\0';
			assert_int_equal(strncmp(comm, want, strlen(comm)), 0);
		}
	}
	free(nic);
}

/*
 * The eth0 test runs only where it can mean something: as root, with eth0
 * present and a kernel that reports its NAPIs.  Elsewhere it is left out
 * with a TAP comment rather than skip(): tests/run reads cmocka 1.1.5's
 * "not ok N # SKIP" as a failure.
 */
static bool live_eth0_applies(const char **why)
{
	struct nic_info *nic;
	bool ok;

	if (geteuid() != 0 || !nic_exists(LIVE_IFNAME)) {
		*why = "needs root and " LIVE_IFNAME;
		return false;
	}
	nic = calloc(1, sizeof(*nic));
	ok = nic && nic_discover(LIVE_IFNAME, nic) == 0 && nic->n_napi > 0;
	*why = "the kernel reports no NAPI of " LIVE_IFNAME;
	free(nic);
	return ok;
}

#define OFFLINE_TESTS \
	cmocka_unit_test(test_fixture_virtio_net), \
	cmocka_unit_test(test_family), \
	cmocka_unit_test(test_several_napis), \
	cmocka_unit_test(test_truncated_rejected), \
	cmocka_unit_test(test_unknown_skipped), \
	cmocka_unit_test(test_kernel_errors), \
	cmocka_unit_test(test_capacity_and_repeats), \
	cmocka_unit_test(test_live_loopback)

int main(void)
{
	const struct CMUnitTest offline[] = { OFFLINE_TESTS };
	const struct CMUnitTest with_eth0[] = { OFFLINE_TESTS,
						cmocka_unit_test(test_live_eth0_napi_irqs) };
	const char *why;

	if (live_eth0_applies(&why))
		return cmocka_run_group_tests(with_eth0, NULL, NULL);
	printf("# test_live_eth0_napi_irqs not run: %s\n", why);
	return cmocka_run_group_tests(offline, NULL, NULL);
}
