// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * nic_lower_devices on a sysfs tree made here (a directory per device with
 * ifindex, uevent, lower_* links, brif/, bonding/slaves): a bridge over a
 * bond of two NICs and a VLAN, a macvlan, a loop, a lower device that is
 * not in this namespace, a plain NIC, the describe line, and two NICs merged.
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
#include <sys/stat.h>
#include <unistd.h>
#include "nic.h"

static char root[64];

static void put(const char *dev, const char *file, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s", root, dev, file);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void dev(const char *name, int ifindex, const char *devtype)
{
	char path[256], buf[64];

	snprintf(path, sizeof(path), "%s/%s", root, name);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(buf, sizeof(buf), "%d\n", ifindex);
	put(name, "ifindex", buf);
	snprintf(buf, sizeof(buf), "%s%s%sINTERFACE=%s\n", devtype ? "DEVTYPE=" : "",
		 devtype ? devtype : "", devtype ? "\n" : "", name);
	put(name, "uevent", buf);
}

static void lower(const char *upper, const char *low)	/* upper/lower_LOW -> ../LOW */
{
	char path[256], target[64];

	snprintf(path, sizeof(path), "%s/%s/lower_%s", root, upper, low);
	snprintf(target, sizeof(target), "../%s", low);
	assert_int_equal(symlink(target, path), 0);
}

static int setup(void **state)
{
	char path[256];
	(void)state;
	snprintf(root, sizeof(root), "/tmp/lthd-sysfs.XXXXXX");
	assert_non_null(mkdtemp(root));
	dev("eth0", 2, NULL);
	dev("eth1", 3, NULL);
	dev("eth2", 4, NULL);
	dev("bond0", 5, "bond");	/* slaves only in bonding/slaves (older kernels) */
	snprintf(path, sizeof(path), "%s/bond0/bonding", root);
	assert_int_equal(mkdir(path, 0755), 0);
	put("bond0", "bonding/slaves", "eth1 eth0\n");
	dev("eth2.100", 6, "vlan");
	lower("eth2.100", "eth2");
	dev("br0", 7, "bridge");	/* brif/ and lower_*: the same ports */
	snprintf(path, sizeof(path), "%s/br0/brif", root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/br0/brif/bond0", root);
	assert_int_equal(mkdir(path, 0755), 0);
	lower("br0", "bond0");
	lower("br0", "eth2.100");
	lower("br0", "eth0");	/* eth0 twice: through bond0 and directly */
	dev("br1", 8, "bridge");	/* ports in brif/ only */
	snprintf(path, sizeof(path), "%s/br1/brif", root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/br1/brif/eth2", root);
	assert_int_equal(mkdir(path, 0755), 0);
	dev("mv0", 9, NULL);		/* macvlan: no DEVTYPE */
	lower("mv0", "eth1");
	dev("loopa", 10, NULL);
	dev("loopb", 11, NULL);
	lower("loopa", "loopb");
	lower("loopb", "loopa");
	dev("mvx", 12, NULL);		/* its lower device lives in another namespace */
	lower("mvx", "ethx");
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd);
}

static void assert_traced(const struct nic_devset *s, const char *want)
{
	char got[256] = "";

	for (int i = 0; i < s->n_traced; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s:%u", i ? " " : "",
			 s->traced[i].name, s->traced[i].ifindex);
	assert_string_equal(got, want);
}

static void test_plain_nic(void **state)
{
	struct nic_devset s;
	(void)state;
	assert_int_equal(nic_lower_devices(root, "eth0", &s), 0);
	assert_traced(&s, "eth0:2");
	assert_int_equal(s.n_above, 0);
	assert_string_equal(s.kind, "");
}

static void test_bond_slaves(void **state)
{
	struct nic_devset s;
	(void)state;
	assert_int_equal(nic_lower_devices(root, "bond0", &s), 0);
	assert_traced(&s, "eth0:2 eth1:3");	/* name order */
	assert_int_equal(s.n_above, 1);
	assert_string_equal(s.above[0].name, "bond0");
	assert_int_equal(s.above[0].ifindex, 5);
	assert_string_equal(s.kind, "bond");
}

static void test_vlan(void **state)
{
	struct nic_devset s;
	(void)state;
	assert_int_equal(nic_lower_devices(root, "eth2.100", &s), 0);
	assert_traced(&s, "eth2:4");
	assert_string_equal(s.kind, "vlan");
}

/* br0 -> bond0 -> eth0, eth1; br0 -> eth2.100 -> eth2; br0 -> eth0 again: each once */
static void test_bridge_over_bond_and_vlan(void **state)
{
	struct nic_devset s;
	(void)state;
	assert_int_equal(nic_lower_devices(root, "br0", &s), 0);
	assert_traced(&s, "eth0:2 eth1:3 eth2:4");
	assert_int_equal(s.n_above, 3);	/* br0, bond0, eth2.100: their ifindexes reach skb_iif */
	assert_string_equal(s.above[0].name, "br0");
	assert_string_equal(s.kind, "bridge");
	assert_false(s.truncated);
}

static void test_bridge_brif_only(void **state)
{
	struct nic_devset s;
	(void)state;
	assert_int_equal(nic_lower_devices(root, "br1", &s), 0);
	assert_traced(&s, "eth2:4");
}

static void test_macvlan(void **state)
{
	struct nic_devset s;
	(void)state;
	assert_int_equal(nic_lower_devices(root, "mv0", &s), 0);
	assert_traced(&s, "eth1:3");
	assert_int_equal(s.n_above, 1);
}

static void test_loop_and_elsewhere(void **state)
{
	struct nic_devset s;
	(void)state;
	assert_int_equal(nic_lower_devices(root, "loopa", &s), 0);	/* ends, each device once */
	assert_true(s.n_traced >= 1 && s.n_traced <= 2);
	assert_int_equal(nic_lower_devices(root, "mvx", &s), 0);	/* lower device not here: itself */
	assert_traced(&s, "mvx:12");
	assert_int_equal(s.n_above, 0);
	assert_int_equal(nic_lower_devices(root, "nosuch0", &s), -ENODEV);
	assert_int_equal(nic_lower_devices(root, "../eth0", &s), -ENODEV);
	assert_int_equal(nic_lower_devices(root, "", &s), -ENODEV);
}

static void test_describe(void **state)
{
	struct nic_info *ni = calloc(1, sizeof(*ni));
	char buf[NIC_DESCRIBE_LEN];
	(void)state;
	assert_non_null(ni);
	assert_int_equal(nic_lower_devices(root, "bond0", &ni->set), 0);
	assert_string_equal(nic_set_describe(buf, sizeof(buf), ni),
			    "bond0 (bond) \u2192 eth0, eth1: its lower devices are traced");
	assert_int_equal(nic_lower_devices(root, "eth0", &ni->set), 0);
	assert_null(nic_set_describe(buf, sizeof(buf), ni));
	free(ni);
}

static void irq(struct nic_info *n, unsigned int num, bool rx)
{
	n->irqs[n->n_irqs].irq = num;
	n->irqs[n->n_irqs].rx = rx;
	n->n_irqs++;
	n->n_rx_irqs += rx;
}

/* Two NICs merged: RX vectors of both first, a shared line once, rings and queues summed. */
static void test_merge(void **state)
{
	struct nic_info *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
	unsigned int want[] = { 10, 11, 20, 12, 21 };
	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	irq(a, 10, true), irq(a, 11, true), irq(a, 12, false);
	irq(b, 20, true), irq(b, 12, false), irq(b, 21, false);
	a->rx_ring = 256, b->rx_ring = 512;
	a->rx_queues = 2, b->rx_queues = 1;
	a->n_napi = 1, a->napis[0].napi_id = 8193;
	b->n_napi = 1, b->napis[0].napi_id = 8200;
	nic_merge_lower(a, b);
	assert_int_equal(a->n_irqs, 5);
	assert_int_equal(a->n_rx_irqs, 3);
	for (int i = 0; i < 5; i++)
		assert_int_equal(a->irqs[i].irq, want[i]);
	assert_int_equal(a->rx_ring, 768);
	assert_int_equal(a->rx_queues, 3);
	assert_int_equal(a->n_napi, 2);
	assert_int_equal(a->napis[1].napi_id, 8200);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_nic),
		cmocka_unit_test(test_bond_slaves),
		cmocka_unit_test(test_vlan),
		cmocka_unit_test(test_bridge_over_bond_and_vlan),
		cmocka_unit_test(test_bridge_brif_only),
		cmocka_unit_test(test_macvlan),
		cmocka_unit_test(test_loop_and_elsewhere),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_merge),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
