// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * NIC discovery: the IRQs of eleven drivers from /proc/interrupts fixtures
 * (exact sets, RX first), the name rules, and unprivileged live lookups.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nic.h"

#define FIXTURES	"tests/fixtures/interrupts/"
#define MAX_EXPECT	8
#define FIXTURE_MAX	(1 << 20)
#define WIDE_CPUS	256
#define LOOPBACK_INDEX	1

enum { O = 0, R = 1, T = 2, RT = 3 };	/* role of an expected vector: other, rx, tx, both */

struct expect {
	const char *file, *ifname, *bus_info, *virtio;
	int n;
	unsigned int irqs[MAX_EXPECT];
	int role[MAX_EXPECT];
	const char *first_name;
};

/* Sorted as the parser returns them: RX by queue, then TX-only, then the rest. */
static const struct expect cases[] = {
	{ "e1000", "eth1", "0000:00:03.0", NULL, 1, { 11 }, { RT }, "eth1" },
	{ "e1000", "eth10", "0000:00:04.0", NULL, 1, { 10 }, { RT }, "eth10" },
	{ "e1000e", "eth1", "0000:00:19.0", NULL, 3, { 122, 123, 124 }, { R, T, O }, "eth1-rx-0" },
	{ "e1000e", "eth10", "0000:00:1f.6", NULL, 1, { 125 }, { RT }, "eth10" },
	{ "igb", "eth1", "0000:01:00.0", NULL, 5, { 41, 42, 43, 44, 40 },
	  { RT, RT, RT, RT, O }, "eth1-TxRx-0" },
	{ "igb", "eth10", "0000:01:00.1", NULL, 5, { 46, 47, 48, 49, 45 },
	  { RT, RT, RT, RT, O }, "eth10-TxRx-0" },
	{ "ixgbe", "eth1", "0000:03:00.0", NULL, 5, { 70, 71, 72, 73, 74 },
	  { RT, RT, RT, RT, O }, "eth1-TxRx-0" },
	{ "ixgbe", "eth10", "0000:03:00.1", NULL, 5, { 75, 76, 77, 78, 79 },
	  { RT, RT, RT, RT, O }, "eth10-TxRx-0" },
	{ "i40e", "eth1", "0000:3b:00.0", NULL, 5, { 81, 82, 83, 84, 80 },
	  { RT, RT, RT, RT, O }, "i40e-eth1-TxRx-0" },
	{ "i40e", "eth10", "0000:3b:00.1", NULL, 5, { 86, 87, 88, 89, 85 },
	  { RT, RT, RT, RT, O }, "i40e-eth10-TxRx-0" },
	{ "mlx5", "enp3s0f0np0", "0000:03:00.0", NULL, 5, { 91, 92, 93, 94, 90 },
	  { RT, RT, RT, RT, O }, "mlx5_comp0@pci:0000:03:00.0" },
	{ "mlx5", "enp3s0f1np1", "0000:03:00.1", NULL, 5, { 96, 97, 98, 99, 95 },
	  { RT, RT, RT, RT, O }, "mlx5_comp0@pci:0000:03:00.1" },
	{ "virtio_net", "eth0", "0000:00:03.0", "virtio2", 5, { 36, 38, 37, 39, 35 },
	  { R, R, T, T, O }, "virtio2-input.0" },
	{ "virtio_net", "eth1", "0000:00:0c.0", "virtio12", 3, { 41, 42, 40 },
	  { R, T, O }, "virtio12-input.0" },
	{ "virtio_net", "vda", "0000:00:02.0", "virtio1", 3, { 33, 34, 32 },
	  { RT, RT, O }, "virtio1-req.0" },
	{ "ena", "eth1", "0000:00:05.0", NULL, 5, { 28, 29, 30, 31, 27 },
	  { RT, RT, RT, RT, O }, "eth1-Tx-Rx-0" },
	{ "ena", "eth10", "0000:00:06.0", NULL, 3, { 33, 34, 32 }, { RT, RT, O }, "eth10-Tx-Rx-0" },
	{ "bnxt", "eth1", "0000:5e:00.0", NULL, 4, { 100, 101, 102, 103 },
	  { RT, RT, RT, RT }, "eth1-TxRx-0" },
	{ "bnxt", "eth10", "0000:5e:00.1", NULL, 4, { 104, 105, 106, 107 },
	  { RT, RT, RT, RT }, "eth10-TxRx-0" },
	{ "ne2k", "eth0", "", NULL, 1, { 5 }, { RT }, "eth0" },
	{ "ne2k", "eth1", "", NULL, 1, { 10 }, { RT }, "eth1" },
	{ "ne2k", "eth10", "", NULL, 1, { 11 }, { RT }, "eth10" },
	{ "hns3_arm64", "enp125s0f0", "0000:7d:00.0", NULL, 5, { 41, 42, 43, 44, 40 },
	  { RT, RT, RT, RT, O }, "hns3-0000:7d:00.0-TxRx-0" },
	{ "hns3_arm64", "enp125s0f1", "0000:7d:00.1", NULL, 2, { 45, 46 }, { RT, RT },
	  "hns3-0000:7d:00.1-TxRx-0" },
};

static const char *const fixtures[] = { "e1000", "e1000e", "igb", "ixgbe", "i40e", "mlx5",
	"virtio_net", "ena", "bnxt", "ne2k", "hns3_arm64" };

static char *load(const char *name)
{
	const char *root = getenv("LT_ROOT");
	char path[512];
	char *buf = calloc(1, FIXTURE_MAX);
	size_t n;
	FILE *f;

	assert_non_null(buf);
	snprintf(path, sizeof(path), "%s/" FIXTURES "%s.txt", root ? root : ".", name);
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s", path);
	n = fread(buf, 1, FIXTURE_MAX - 1, f);
	fclose(f);
	assert_true(n > 0);
	return buf;
}

static void check_case(const struct expect *e, const struct nic_irq *got, int n)
{
	int n_rx = 0;

	if (n != e->n) {
		for (int k = 0; k < n; k++)
			print_message("  got %u %s\n", got[k].irq, got[k].name);
		fail_msg("%s/%s: %d IRQs, expected %d", e->file, e->ifname, n, e->n);
	}
	for (int k = 0; k < n; k++) {
		if (got[k].irq != e->irqs[k] || got[k].rx != !!(e->role[k] & R) ||
		    got[k].tx != !!(e->role[k] & T))
			fail_msg("%s/%s #%d: irq %u (%s) rx %d tx %d, expected irq %u role %d",
				 e->file, e->ifname, k, got[k].irq, got[k].name, got[k].rx,
				 got[k].tx, e->irqs[k], e->role[k]);
		n_rx += got[k].rx;
	}
	/* RX vectors come first */
	for (int k = 0; k < n; k++)
		assert_int_equal(got[k].rx, k < n_rx);
	assert_string_equal(got[0].name, e->first_name);
}

static void test_fixture_irqs(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct expect *e = &cases[i];
		char *text = load(e->file);
		struct nic_irq got[NIC_MAX_IRQS];
		int n = nic_parse_proc_interrupts(text, e->ifname, e->bus_info, e->virtio,
						  got, NIC_MAX_IRQS);

		check_case(e, got, n);
		free(text);
	}
}

/* eth9 is in no fixture: nothing, whatever else the machine has. */
static void test_fixture_absent(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		char *text = load(fixtures[i]);
		struct nic_irq got[NIC_MAX_IRQS];

		assert_int_equal(nic_parse_proc_interrupts(text, "eth9", "0000:99:00.0",
							   "virtio9", got, NIC_MAX_IRQS), 0);
		assert_int_equal(nic_parse_proc_interrupts(text, "eth", NULL, NULL,
							   got, NIC_MAX_IRQS), 0);
		free(text);
	}
}

static void test_queue_numbers(void **state)
{
	char *text = load("mlx5");
	struct nic_irq got[NIC_MAX_IRQS];
	int n = nic_parse_proc_interrupts(text, "x", "0000:03:00.0", NULL, got, NIC_MAX_IRQS);

	(void)state;
	assert_int_equal(n, 5);
	for (int k = 0; k < 4; k++)
		assert_int_equal(got[k].queue, k);
	assert_int_equal(got[4].queue, -1);	/* mlx5_async0: not a queue */
	free(text);
	text = load("virtio_net");
	n = nic_parse_proc_interrupts(text, "eth0", NULL, "virtio2", got, NIC_MAX_IRQS);
	assert_int_equal(n, 5);
	assert_int_equal(got[1].queue, 1);
	assert_string_equal(got[1].name, "virtio2-input.1");
	/* a small output array is filled, not overrun */
	assert_int_equal(nic_parse_proc_interrupts(text, "eth0", NULL, "virtio2", got, 2), 2);
	free(text);
}

static void test_name_rules(void **state)
{
	static const char *const yes[] = { "eth1", "eth1-TxRx-3", "eth1-rx-0", "eth1:lsc",
		"i40e-eth1-TxRx-0", "ice-eth1-TxRx-7", "eth1-Tx-Rx-0" };
	static const char *const no[] = { "eth10", "eth10-TxRx-0", "veth1", "eth1.100",
		"br-eth1", "i40e-eth10-TxRx-0", "Eth1", "eth", "" };
	(void)state;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!nic_irq_name_matches(yes[i], "eth1", NULL, NULL))
			fail_msg("'%s' should belong to eth1", yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (nic_irq_name_matches(no[i], "eth1", NULL, NULL))
			fail_msg("'%s' should not belong to eth1", no[i]);
	assert_true(nic_irq_name_matches("eth10-TxRx-0", "eth10", NULL, NULL));
	assert_false(nic_irq_name_matches("eth1-TxRx-0", "eth10", NULL, NULL));
	assert_true(nic_irq_name_matches("mlx5_comp2@pci:0000:03:00.0", "x", "0000:03:00.0", NULL));
	assert_false(nic_irq_name_matches("mlx5_comp2@pci:0000:03:00.1", "x", "0000:03:00.0", NULL));
	/* a VMD domain has five digits: 10000:03:00.0 is another device */
	assert_false(nic_irq_name_matches("mlx5_comp2@pci:10000:03:00.0", "x", "0000:03:00.0", NULL));
	assert_true(nic_irq_name_matches("i40e-0000:3b:00.0:misc", "x", "0000:3b:00.0", NULL));
	assert_true(nic_irq_name_matches("virtio2-input.0", "eth0", NULL, "virtio2"));
	assert_true(nic_irq_name_matches("virtio2", "eth0", NULL, "virtio2"));
	assert_false(nic_irq_name_matches("virtio12-input.0", "eth0", NULL, "virtio2"));
	assert_false(nic_irq_name_matches("virtio20", "eth0", NULL, "virtio2"));
	assert_false(nic_irq_name_matches("virtio2-input.0", "eth0", "", ""));
}

/* Known numbers (msi_irqs) get their names; shared and spaced names survive. */
static void test_names_from_text(void **state)
{
	char *text = load("e1000e");
	struct nic_irq q[4] = { { .irq = 124 }, { .irq = 122 }, { .irq = 130 }, { .irq = 999 } };
	int n_rx;

	(void)state;
	n_rx = nic_irq_names_from_text(text, q, 4, "eth1", "0000:00:19.0", NULL);
	assert_int_equal(n_rx, 1);
	assert_int_equal(q[0].irq, 122);
	assert_string_equal(q[0].name, "eth1-rx-0");
	/* the rest: other roles, sorted by IRQ number */
	assert_int_equal(q[1].irq, 124);
	assert_string_equal(q[1].name, "eth1");
	assert_string_equal(q[2].name, "iwlwifi: default queue");
	assert_string_equal(q[3].name, "");
	free(text);
	text = load("ne2k");
	struct nic_irq s = { .irq = 11 };
	assert_int_equal(nic_irq_names_from_text(text, &s, 1, "eth10", NULL, NULL), 1);
	assert_string_equal(s.name, "eth10");
	free(text);
}

/* 256 CPU columns make lines of ~2,900 characters. */
static void test_wide_lines(void **state)
{
	size_t len = (size_t)WIDE_CPUS * 16 * 4;
	char *text = calloc(1, len), *p = text;
	struct nic_irq got[NIC_MAX_IRQS];

	(void)state;
	assert_non_null(text);
	p += sprintf(p, "      ");
	for (int c = 0; c < WIDE_CPUS; c++)
		p += sprintf(p, "CPU%-8d", c);
	for (int irq = 200; irq < 202; irq++) {
		p += sprintf(p, "\n%4d: ", irq);
		for (int c = 0; c < WIDE_CPUS; c++)
			p += sprintf(p, "%10u ", c == irq - 200 ? 4000000000u : 0);
		p += sprintf(p, " IR-PCI-MSIX-0000:03:00.0 %3d-edge      eth1-TxRx-%d", irq - 200,
			     irq - 200);
	}
	strcat(p, "\n");
	assert_int_equal(nic_parse_proc_interrupts(text, "eth1", NULL, NULL, got, NIC_MAX_IRQS), 2);
	assert_int_equal(got[1].irq, 201);
	assert_int_equal(got[1].queue, 1);
	assert_int_equal(nic_parse_proc_interrupts("", "eth1", NULL, NULL, got, NIC_MAX_IRQS),
			 -EINVAL);
	free(text);
}

static void test_live_loopback(void **state)
{
	struct nic_info *n = calloc(1, sizeof(*n));
	struct nic_stats st;
	struct nic_coalesce co;

	(void)state;
	assert_non_null(n);
	assert_int_equal(nic_discover("lo", n), 0);
	assert_int_equal(n->ifindex, LOOPBACK_INDEX);
	assert_true(n->is_virtual);
	assert_int_equal(n->n_irqs, 0);
	assert_int_equal(n->n_rx_irqs, 0);
	assert_int_equal(n->irq_source, NIC_IRQ_SRC_NONE);
	assert_true(n->netns_ino != 0);
	assert_true(nic_exists("lo"));
	assert_int_equal(nic_read_stats("lo", &st), 0);
	assert_int_equal(nic_read_coalesce("lo", &co), 0);
	assert_false(co.supported);
	free(n);
}

static void test_live_missing(void **state)
{
	struct nic_info *n = calloc(1, sizeof(*n));
	struct nic_stats st;

	(void)state;
	assert_non_null(n);
	assert_int_equal(nic_discover("nonexistent0", n), -ENODEV);
	assert_false(nic_exists("nonexistent0"));
	assert_int_equal(nic_read_stats("nonexistent0", &st), -ENODEV);
	assert_non_null(strstr(nic_strerror(-ENODEV, "nonexistent0"), "ip link"));
	assert_non_null(strstr(nic_strerror(-ENODEV, "nonexistent0"), "'nonexistent0'"));
	assert_int_equal(nic_discover("a-name-longer-than-ifnamsiz", n), -ENODEV);
	assert_int_equal(nic_discover("", n), -EINVAL);
	assert_non_null(strstr(nic_strerror(-ENOENT, NULL), "ip route"));
	free(n);
}

/* The default-route device exists; when it is a virtio NIC its RX IRQ is found. */
static void test_live_default_route(void **state)
{
	char name[IF_NAMESIZE], tiny[2];
	struct nic_info *n;

	(void)state;
	if (nic_default_ifname(name, sizeof(name)))
		skip();
	assert_true(nic_exists(name));
	if (strlen(name) >= sizeof(tiny))
		assert_int_equal(nic_default_ifname(tiny, sizeof(tiny)), -ERANGE);
	n = calloc(1, sizeof(*n));
	assert_non_null(n);
	assert_int_equal(nic_discover(name, n), 0);
	assert_int_equal(n->n_rx_irqs <= n->n_irqs, 1);
	if (n->virtio_name[0] && n->irq_source != NIC_IRQ_SRC_NONE) {
		assert_true(n->n_rx_irqs >= 1);
		assert_non_null(strstr(n->irqs[0].name, "-input."));
	}
	free(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_irqs),
		cmocka_unit_test(test_fixture_absent),
		cmocka_unit_test(test_queue_numbers),
		cmocka_unit_test(test_name_rules),
		cmocka_unit_test(test_names_from_text),
		cmocka_unit_test(test_wide_lines),
		cmocka_unit_test(test_live_loopback),
		cmocka_unit_test(test_live_missing),
		cmocka_unit_test(test_live_default_route),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
