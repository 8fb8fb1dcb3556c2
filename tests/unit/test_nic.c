// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* NIC discovery: IRQ naming of ten drivers from fixture files, and live lookups. */
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

#define FIXTURES "tests/fixtures/interrupts/"

struct expect {
	const char *file, *ifname, *bus_info, *virtio;
	int n;
	unsigned int irqs[4];
	bool rx[4];
};

static const struct expect cases[] = {
	{ "e1000", "eth1", "0000:00:03.0", NULL, 1, { 11 }, { 1 } },
	{ "e1000", "eth10", "0000:00:04.0", NULL, 1, { 10 }, { 1 } },
	{ "e1000e", "eth1", "0000:00:19.0", NULL, 3, { 40, 41, 42 }, { 1, 0, 1 } },
	{ "igb", "eth1", "0000:01:00.0", NULL, 3, { 60, 61, 62 }, { 1, 1, 1 } },
	{ "ixgbe", "eth1", "0000:03:00.0", NULL, 3, { 70, 71, 72 }, { 1, 1, 1 } },
	{ "i40e", "eth1", "0000:3b:00.0", NULL, 3, { 80, 81, 82 }, { 0, 1, 1 } },
	{ "mlx5", "eth1", "0000:03:00.0", NULL, 3, { 90, 91, 92 }, { 0, 1, 1 } },
	{ "virtio_net", "eth0", "0000:00:03.0", "virtio2", 3, { 37, 38, 39 }, { 0, 1, 0 } },
	{ "ena", "eth1", "0000:00:05.0", NULL, 3, { 27, 28, 29 }, { 0, 1, 1 } },
	{ "bnxt", "eth1", "0000:5e:00.0", NULL, 2, { 100, 101 }, { 1, 1 } },
	{ "bnxt", "eth10", "0000:5e:00.1", NULL, 1, { 102 }, { 1 } },
	{ "ne2k", "eth1", "", NULL, 1, { 10 }, { 1 } },
	{ "ne2k", "eth10", "", NULL, 1, { 11 }, { 1 } },
	{ "igb", "eth2", "0000:09:00.0", NULL, 0, { 0 }, { 0 } },
};

static char *load(const char *name)
{
	char path[256];
	FILE *f;
	char *buf = calloc(1, 1 << 16);

	snprintf(path, sizeof(path), FIXTURES "%s.txt", name);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_true(fread(buf, 1, (1 << 16) - 1, f) > 0);
	fclose(f);
	return buf;
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

		if (n != e->n)
			fprintf(stderr, "%s/%s: %d IRQs, expected %d\n", e->file, e->ifname, n, e->n);
		assert_int_equal(n, e->n);
		for (int k = 0; k < n; k++) {
			if (got[k].irq != e->irqs[k] || got[k].rx != e->rx[k])
				fprintf(stderr, "%s/%s: irq %u (%s) rx %d\n", e->file, e->ifname,
					got[k].irq, got[k].name, got[k].rx);
			assert_int_equal(got[k].irq, e->irqs[k]);
			assert_int_equal(got[k].rx, e->rx[k]);
		}
		free(text);
	}
}

static void test_live_loopback(void **state)
{
	struct nic_info n;
	(void)state;
	assert_int_equal(nic_discover("lo", &n), 0);
	assert_int_equal(n.ifindex, 1);
	assert_true(n.is_virtual);
	assert_int_equal(n.n_irqs, 0);
	assert_true(n.netns_ino != 0);
	assert_true(nic_exists("lo"));
}

static void test_live_missing(void **state)
{
	struct nic_info n;
	(void)state;
	assert_int_equal(nic_discover("nonexistent0", &n), -ENODEV);
	assert_false(nic_exists("nonexistent0"));
	assert_non_null(strstr(nic_strerror(-ENODEV, "nonexistent0"), "ip link"));
	assert_int_equal(nic_discover("a-name-longer-than-ifnamsiz", &n), -ENODEV);
}

static void test_default_route(void **state)
{
	char name[IF_NAMESIZE];
	(void)state;
	if (nic_default_ifname(name, sizeof(name)))
		skip();		/* no default route here */
	assert_true(nic_exists(name));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_irqs),
		cmocka_unit_test(test_live_loopback),
		cmocka_unit_test(test_live_missing),
		cmocka_unit_test(test_default_route),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
