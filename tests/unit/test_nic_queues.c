// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The RX queue map: CPU lists as /proc/irq prints them, and the map built
 * from /proc/interrupts fixtures (virtio_net with two queues, mlx5 with four,
 * e1000's one vector), netdev netlink's NAPI/queue map, affinity text given
 * here (effective, else smp_affinity_list), and a device with neither (veth).
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
#include "nic_queues.h"

#define FIXTURES	"tests/fixtures/interrupts/"
#define FIXTURE_MAX	(1 << 20)

/* Affinity by IRQ: effective and smp lists, NULL for a file that is absent. */
struct aff {
	unsigned int irq;
	const char *effective, *smp;
};

static const char *fake_affinity(unsigned int irq, bool effective, void *ctx, char *buf, size_t len)
{
	for (const struct aff *a = ctx; a->irq; a++)
		if (a->irq == irq) {
			const char *t = effective ? a->effective : a->smp;

			if (!t)
				return NULL;
			snprintf(buf, len, "%s", t);
			return buf;
		}
	return NULL;
}

static char *load(const char *name)
{
	const char *root = getenv("LT_ROOT");
	char path[512], *buf = calloc(1, FIXTURE_MAX);
	FILE *f;
	size_t n;

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

/* A nic_info with the IRQs discovery would find in fixture `file`. */
static struct nic_info *nic_from(const char *file, const char *ifname, const char *bus,
				 const char *virtio)
{
	struct nic_info *nic = calloc(1, sizeof(*nic));
	char *text = load(file);

	assert_non_null(nic);
	snprintf(nic->name, sizeof(nic->name), "%s", ifname);
	nic->n_irqs = nic_parse_proc_interrupts(text, ifname, bus, virtio, nic->irqs, NIC_MAX_IRQS);
	assert_true(nic->n_irqs > 0);
	for (int i = 0; i < nic->n_irqs; i++)
		nic->n_rx_irqs += nic->irqs[i].rx;
	free(text);
	return nic;
}

static void test_cpulist(void **state)
{
	static const struct { const char *t; int first, count; } good[] = {
		{ "0\n", 0, 1 }, { "3", 3, 1 }, { "0-3,8,10-11\n", 0, 7 }, { "5,2\n", 2, 2 },
		{ "12-12\n", 12, 1 },
	};
	static const char *const bad[] = { "", "\n", "3-1\n", "a\n", "1-\n", "1,,2\n", "1 2\n",
					   "-1\n", "1\nx", "99999999\n" };
	int first, count;
	(void)state;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		first = count = -7;
		if (nic_cpulist_parse(good[i].t, &first, &count))
			fail_msg("'%s' refused", good[i].t);
		assert_int_equal(first, good[i].first);
		assert_int_equal(count, good[i].count);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (nic_cpulist_parse(bad[i], &first, &count) != -EINVAL)
			fail_msg("'%s' accepted", bad[i]);
	assert_int_equal(nic_cpulist_parse(NULL, &first, &count), -EINVAL);
}

/* virtio2 in the fixture: input.0 on IRQ 36, input.1 on IRQ 38; output vectors are no queues here. */
static void test_virtio_two_queues(void **state)
{
	struct aff aff[] = { { 36, "1\n", "0-3\n" }, { 38, "3\n", "0-3\n" }, { 0 } };
	struct nic_info *nic = nic_from("virtio_net", "eth0", "0000:00:03.0", "virtio2");
	struct nic_queue_map m;
	(void)state;

	nic_queues_build(nic, fake_affinity, aff, &m);
	assert_int_equal(m.n, 2);
	assert_int_equal(m.source, NIC_QSRC_IRQ_NAMES);
	assert_true(m.effective);
	assert_int_equal(m.q[0].queue, 0);
	assert_int_equal(m.q[0].irq, 36);
	assert_int_equal(m.q[0].cpu, 1);
	assert_int_equal(m.q[0].napi_id, -1);
	assert_string_equal(m.q[0].cpus, "1");
	assert_int_equal(m.q[1].queue, 1);
	assert_int_equal(m.q[1].irq, 38);
	assert_int_equal(m.q[1].cpu, 3);
	assert_string_equal(nic_queue_source_name(m.source), "irq-names");
	free(nic);
}

/* No effective_affinity_list (old kernels): smp_affinity_list; a list of several CPUs is no one CPU. */
static void test_smp_affinity_fallback(void **state)
{
	struct aff aff[] = { { 36, NULL, "2\n" }, { 38, NULL, "0-3\n" }, { 0 } };
	struct nic_info *nic = nic_from("virtio_net", "eth0", "0000:00:03.0", "virtio2");
	struct nic_queue_map m;
	(void)state;

	nic_queues_build(nic, fake_affinity, aff, &m);
	assert_int_equal(m.n, 2);
	assert_false(m.effective);
	assert_int_equal(m.q[0].cpu, 2);
	assert_int_equal(m.q[1].cpu, -1);
	assert_string_equal(m.q[1].cpus, "0-3");
	/* unreadable or junk affinity: CPU unknown, the queue still there */
	struct aff junk[] = { { 36, "x\n", "y\n" }, { 0 } };

	nic_queues_build(nic, fake_affinity, junk, &m);
	assert_int_equal(m.n, 2);
	assert_int_equal(m.q[0].cpu, -1);
	assert_string_equal(m.q[0].cpus, "");
	assert_int_equal(m.q[1].cpu, -1);
	/* the affinity moved: a refresh sees it, the queues stay */
	struct aff moved[] = { { 36, "3\n", NULL }, { 38, "0\n", NULL }, { 0 } };

	nic_queues_refresh_cpus(&m, fake_affinity, moved);
	assert_int_equal(m.n, 2);
	assert_true(m.effective);
	assert_int_equal(m.q[0].cpu, 3);
	assert_int_equal(m.q[1].cpu, 0);
	assert_int_equal(m.q[1].irq, 38);
	free(nic);
}

/* mlx5: comp0..comp3 (combined channels) are queues 0..3 on IRQs 91..94. */
static void test_mlx5_four(void **state)
{
	struct aff aff[] = { { 91, "0", NULL }, { 92, "1", NULL }, { 93, "2", NULL }, { 94, "3", NULL }, { 0 } };
	struct nic_info *nic = nic_from("mlx5", "eth0", "0000:03:00.0", "");
	struct nic_queue_map m;
	(void)state;

	nic_queues_build(nic, fake_affinity, aff, &m);
	assert_int_equal(m.n, 4);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(m.q[i].queue, i);
		assert_int_equal(m.q[i].irq, 91 + i);
		assert_int_equal(m.q[i].cpu, i);
	}
	free(nic);
}

/* e1000 (eth1 in the fixture): one vector named like the interface, for everything: queue 0. */
static void test_e1000_one_vector(void **state)
{
	struct nic_info *nic = nic_from("e1000", "eth1", "0000:00:03.0", "");
	struct aff aff[] = { { nic->irqs[0].irq, "0\n", "0\n" }, { 0 } };
	struct nic_queue_map m;
	(void)state;

	nic_queues_build(nic, fake_affinity, aff, &m);
	assert_int_equal(m.n, 1);
	assert_int_equal(m.q[0].queue, 0);
	assert_int_equal(m.q[0].irq, 11);
	assert_int_equal(m.q[0].cpu, 0);
	free(nic);
}

/*
 * Netlink: two RX NAPIs naming their IRQs and a TX-only one (no RX queue);
 * the map is theirs, by queue, and the TX one is no queue.
 */
static void test_netlink_map(void **state)
{
	struct nic_info *nic = calloc(1, sizeof(*nic));
	struct aff aff[] = { { 40, "0\n", NULL }, { 41, "1\n", NULL }, { 0 } };
	struct nic_queue_map m;
	(void)state;

	assert_non_null(nic);
	nic->n_napi = 3;
	nic->napis[0] = (struct nic_napi){ .napi_id = 0x201, .irq = 41, .pid = -1, .rx_queue = 1, .tx_queue = 1 };
	nic->napis[1] = (struct nic_napi){ .napi_id = 0x202, .irq = 40, .pid = -1, .rx_queue = 0, .tx_queue = 0 };
	nic->napis[2] = (struct nic_napi){ .napi_id = 0x203, .irq = 42, .pid = -1, .rx_queue = -1, .tx_queue = 2 };
	nic_queues_build(nic, fake_affinity, aff, &m);
	assert_int_equal(m.n, 2);
	assert_int_equal(m.source, NIC_QSRC_NETLINK);
	assert_int_equal(m.q[0].queue, 0);
	assert_int_equal(m.q[0].napi_id, 0x202);
	assert_int_equal(m.q[0].irq, 40);
	assert_int_equal(m.q[0].cpu, 0);
	assert_int_equal(m.q[1].queue, 1);
	assert_int_equal(m.q[1].napi_id, 0x201);
	assert_int_equal(m.q[1].cpu, 1);
	free(nic);
}

/* virtio_net links no IRQ to its NAPI (netlink irq -1): the IRQs come from the vectors' names. */
static void test_netlink_irqs_from_names(void **state)
{
	struct aff aff[] = { { 36, "1\n", NULL }, { 38, "0\n", NULL }, { 0 } };
	struct nic_info *nic = nic_from("virtio_net", "eth0", "0000:00:03.0", "virtio2");
	struct nic_queue_map m;
	(void)state;

	nic->n_napi = 2;
	nic->napis[0] = (struct nic_napi){ .napi_id = 257, .irq = -1, .pid = -1, .rx_queue = 0, .tx_queue = -1 };
	nic->napis[1] = (struct nic_napi){ .napi_id = 259, .irq = -1, .pid = -1, .rx_queue = 1, .tx_queue = -1 };
	nic_queues_build(nic, fake_affinity, aff, &m);
	assert_int_equal(m.n, 2);
	assert_int_equal(m.source, NIC_QSRC_NETLINK);
	assert_int_equal(m.q[0].napi_id, 257);
	assert_int_equal(m.q[0].irq, 36);
	assert_int_equal(m.q[0].cpu, 1);
	assert_int_equal(m.q[1].napi_id, 259);
	assert_int_equal(m.q[1].irq, 38);
	assert_int_equal(m.q[1].cpu, 0);
	free(nic);
}

/* A veth: no IRQs, no NAPI: no map, per CPU only. */
static void test_no_map(void **state)
{
	struct nic_info *nic = calloc(1, sizeof(*nic));
	struct nic_queue_map m;
	(void)state;

	assert_non_null(nic);
	nic->rx_queues = 2;
	nic_queues_build(nic, fake_affinity, (struct aff[]){ { 0 } }, &m);
	assert_int_equal(m.n, 0);
	assert_int_equal(m.source, NIC_QSRC_NONE);
	assert_string_equal(nic_queue_source_name(m.source), "none");
	free(nic);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpulist),
		cmocka_unit_test(test_virtio_two_queues),
		cmocka_unit_test(test_smp_affinity_fallback),
		cmocka_unit_test(test_mlx5_four),
		cmocka_unit_test(test_e1000_one_vector),
		cmocka_unit_test(test_netlink_map),
		cmocka_unit_test(test_netlink_irqs_from_names),
		cmocka_unit_test(test_no_map),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
