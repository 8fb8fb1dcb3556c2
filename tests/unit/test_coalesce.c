// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Coalescing settings (src/coalesce*.c) without a NIC: settings and their
 * read-back check, the save file (round trip, exclusive create,
 * foreign files), the ethtool netlink reply that says which parameters a
 * driver accepts, the driver notes, the interrupt cap and the delay a setting adds.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/ethtool_netlink.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "coalesce.h"

static void test_setting(void **state)
{
	struct coal_setting s = { .has_usecs = true, .rx_usecs = 32, .has_adaptive = true, .adaptive_rx = false };
	struct ethtool_coalesce ec = { .rx_coalesce_usecs = 3, .rx_max_coalesced_frames = 5,
				       .use_adaptive_rx_coalesce = 1, .tx_coalesce_usecs = 7 };
	char buf[96];
	(void)state;
	coal_setting_str(&s, buf, sizeof(buf));
	assert_string_equal(buf, "rx-usecs 32 adaptive-rx off");
	assert_int_equal(coal_setting_params(&s), COAL_RX_USECS | COAL_ADAPTIVE_RX);
	coal_setting_to(&s, &ec);
	/* only what the setting names changes */
	assert_true(ec.rx_coalesce_usecs == 32 && ec.use_adaptive_rx_coalesce == 0);
	assert_true(ec.rx_max_coalesced_frames == 5 && ec.tx_coalesce_usecs == 7);
	assert_true(coal_setting_taken(&s, &ec, buf, sizeof(buf)));
	/* e1000 keeps 1e6/itr: 33 is what a driver rounding differently reads back */
	ec.rx_coalesce_usecs = 33;
	assert_false(coal_setting_taken(&s, &ec, buf, sizeof(buf)));
	assert_string_equal(buf, "rx-usecs reads back 33, not 32");
	s = (struct coal_setting){ 0 };
	coal_setting_str(&s, buf, sizeof(buf));
	assert_string_equal(buf, "unchanged");
}

static void test_equal(void **state)
{
	struct ethtool_coalesce a = { .rx_coalesce_usecs = 3 }, b = a;
	const char *f = NULL;
	(void)state;
	assert_true(coal_equal(&a, &b, &f));
	b.rate_sample_interval = 1;	/* the last field counts too */
	assert_false(coal_equal(&a, &b, &f));
	assert_string_equal(f, "rate_sample_interval");
	b = a;
	b.cmd = ETHTOOL_SCOALESCE;	/* not a setting */
	assert_true(coal_equal(&a, &b, &f));
}

static void test_save_file(void **state)
{
	char dir[] = "/tmp/lt-test-coalesce.XXXXXX", path[128], foreign[128];
	struct coal_saved sv = { .ifname = "eth1", .driver = "e1000", .ifindex = 3, .pid = 4242, .has_ec = true }, back;
	FILE *f;
	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/coalesce-eth1.json", dir);
	sv.ec.rx_coalesce_usecs = 3;
	sv.ec.tx_max_coalesced_frames = 16;
	sv.ec.use_adaptive_tx_coalesce = 1;
	sv.ec.rate_sample_interval = 4000000000u;
	assert_int_equal(coal_save(path, &sv), 0);
	/* a second sweep must not overwrite the original with its own settings */
	assert_int_equal(coal_save(path, &sv), -EEXIST);
	assert_int_equal(coal_load(path, &back), 0);
	assert_string_equal(back.ifname, "eth1");
	assert_string_equal(back.driver, "e1000");
	assert_int_equal(back.ifindex, 3);
	assert_int_equal(back.pid, 4242);
	assert_true(coal_equal(&sv.ec, &back.ec, NULL));
	assert_true(back.has_ec);
	assert_false(back.has_napi);	/* a sweep of ethtool's settings alone saves no deferral */
	assert_int_equal(access(path, R_OK), 0);

	snprintf(foreign, sizeof(foreign), "%s/foreign.json", dir);
	f = fopen(foreign, "w");
	fputs("{\"record\":\"livelock-trace\",\"format\":1}\n", f);
	fclose(f);
	assert_int_equal(coal_load(foreign, &back), -EBADMSG);
	f = fopen(foreign, "w");	/* a save file with a field out of range */
	fputs("{\"saved_by\":\"livelock-trace sweep\",\"format\":1,\"device\":\"x\",\"coalesce\":{\"rx_usecs\":-1}}\n", f);
	fclose(f);
	assert_int_equal(coal_load(foreign, &back), -EBADMSG);
	f = fopen(foreign, "w");	/* cut short */
	fputs("{\"saved_by\":\"livelock-trace sweep\",\"format\":1,\"dev", f);
	fclose(f);
	assert_int_equal(coal_load(foreign, &back), -EBADMSG);
	assert_int_equal(coal_load("/nonexistent/x.json", &back), -ENOENT);
	unlink(foreign);
	unlink(path);
	rmdir(dir);
}

/* NAPI's deferral in the save file: alone (a veth has no ethtool settings) and beside ethtool's. */
static void test_save_file_napi(void **state)
{
	char dir[] = "/tmp/lt-test-coalesce.XXXXXX", path[128];
	struct coal_saved sv = { .ifname = "veth0", .driver = "veth", .has_napi = true,
				 .napi = { .defer_hard_irqs = 2, .gro_flush_ns = 5000000000ull } }, back;
	struct coal_saved none = { .ifname = "x" };
	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/coalesce-veth0.json", dir);
	assert_int_equal(coal_save(path, &none), -EINVAL);	/* nothing to save is a bug, not a file */
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(coal_save(path, &sv), 0);
	assert_int_equal(coal_load(path, &back), 0);
	assert_false(back.has_ec);
	assert_true(back.has_napi);
	assert_true(coal_napi_equal(&sv.napi, &back.napi));
	assert_true(back.napi.gro_flush_ns == 5000000000ull);	/* above 32 bits, as the kernel's unsigned long */
	unlink(path);
	sv.has_ec = true;
	sv.ec.rx_coalesce_usecs = 100;
	assert_int_equal(coal_save(path, &sv), 0);
	assert_int_equal(coal_load(path, &back), 0);
	assert_true(back.has_ec && back.has_napi);
	assert_int_equal(back.ec.rx_coalesce_usecs, 100);
	assert_int_equal(back.napi.defer_hard_irqs, 2);
	unlink(path);
	rmdir(dir);
	/* neither part, a negative count, a fraction, a count beyond the kernel's s32: not a save file */
	assert_int_equal(coal_parse("{\"saved_by\":\"livelock-trace sweep\",\"format\":1,\"device\":\"x\"}", &back),
			 -EBADMSG);
	assert_int_equal(coal_parse("{\"saved_by\":\"livelock-trace sweep\",\"format\":1,\"device\":\"x\","
				    "\"napi\":{\"defer_hard_irqs\":-1,\"gro_flush_timeout_ns\":0}}", &back), -EBADMSG);
	assert_int_equal(coal_parse("{\"saved_by\":\"livelock-trace sweep\",\"format\":1,\"device\":\"x\","
				    "\"napi\":{\"defer_hard_irqs\":1,\"gro_flush_timeout_ns\":0.5}}", &back), -EBADMSG);
	assert_int_equal(coal_parse("{\"saved_by\":\"livelock-trace sweep\",\"format\":1,\"device\":\"x\","
				    "\"napi\":{\"defer_hard_irqs\":4294967296,\"gro_flush_timeout_ns\":0}}", &back), -EBADMSG);
	assert_int_equal(coal_parse("{\"saved_by\":\"livelock-trace sweep\",\"format\":1,\"device\":\"x\","
				    "\"napi\":{\"defer_hard_irqs\":1}}", &back), -EBADMSG);
}

/* Which deferral a setting asks for, and whether a read-back took it. */
static void test_napi_setting(void **state)
{
	struct coal_setting s = { .has_defer = true, .defer_hard_irqs = 2, .has_gro_flush = true, .gro_flush_ns = 20000 };
	struct coal_napi nd = { 0, 0 };
	char why[96], buf[96];
	(void)state;
	assert_true(coal_setting_napi(&s));
	assert_int_equal(coal_setting_params(&s), 0);	/* nothing for ethtool */
	coal_napi_to(&s, &nd);
	assert_int_equal(nd.defer_hard_irqs, 2);
	assert_int_equal(nd.gro_flush_ns, 20000);
	assert_true(coal_napi_taken(&s, &nd, why, sizeof(why)));
	nd.gro_flush_ns = 0;
	assert_false(coal_napi_taken(&s, &nd, why, sizeof(why)));
	assert_string_equal(why, "gro_flush_timeout reads back 0, not 20000");
	s.has_gro_flush = false;	/* the timer left as it is */
	assert_true(coal_napi_taken(&s, &nd, why, sizeof(why)));
	coal_napi_str(&nd, buf, sizeof(buf));
	assert_string_equal(buf, "defer-hard-irqs 2 gro-flush-timeout 0");
	s = (struct coal_setting){ .has_usecs = true };
	assert_false(coal_setting_napi(&s));
	/* a name that is no interface is no path */
	assert_int_equal(coal_napi_get("../../etc", &nd), -ENODEV);
	assert_int_equal(coal_napi_get("lt-no-such-dev0", &nd), -ENODEV);
}

/* A COALESCE_GET reply as the kernel builds it: header nest, then the supported attributes. */
static size_t build_reply(char *buf, const uint16_t *attrs, int n)
{
	struct nlmsghdr *nh = (void *)buf;
	struct genlmsghdr *gh = NLMSG_DATA(nh);
	char *p = (char *)gh + GENL_HDRLEN;
	struct nlattr *a = (void *)p;

	memset(buf, 0, 512);
	nh->nlmsg_type = 30;	/* the family id */
	a->nla_type = ETHTOOL_A_COALESCE_HEADER | NLA_F_NESTED;
	a->nla_len = NLA_HDRLEN + 12;	/* DEV_INDEX u32 inside */
	p += NLA_ALIGN(a->nla_len);
	for (int i = 0; i < n; i++) {
		a = (void *)p;
		a->nla_type = attrs[i];
		a->nla_len = NLA_HDRLEN + (attrs[i] == ETHTOOL_A_COALESCE_USE_ADAPTIVE_RX ? 1 : 4);
		p += NLA_ALIGN(a->nla_len);
	}
	nh->nlmsg_len = p - buf;
	return nh->nlmsg_len;
}

/* Found by tests/fuzz/fuzz_coalesce_save: an ifindex or pid out of range was cast (UB). */
static void test_save_file_out_of_range_ids(void **state)
{
	char text[1024];
	struct coal_saved sv;
	FILE *f = fopen("tests/fixtures/coalesce/e1000-saved.json", "r");
	size_t n;

	(void)state;
	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	assert_int_equal(coal_parse(text, &sv), 0);
	assert_int_equal(sv.ifindex, 3);
	assert_int_equal(sv.pid, 4242);
	assert_string_equal(sv.driver, "e1000");
	assert_int_equal(sv.ec.rx_coalesce_usecs, 3);
	assert_int_equal(coal_parse("{\"saved_by\":\"livelock-trace sweep\",\"format\":1,\"device\":\"x\","
				    "\"ifindex\":1e20,\"pid\":-1e30,\"coalesce\":{}}", &sv), -EBADMSG);
	f = fopen("tests/fixtures/coalesce/ids-out-of-range.json", "r");
	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	assert_int_equal(coal_parse(text, &sv), 0);	/* the settings are good: only the ids are unknown */
	assert_int_equal(sv.ifindex, 0);
	assert_int_equal(sv.pid, 0);
}

static void test_netlink_reply(void **state)
{
	char buf[512];
	uint16_t e1000[] = { ETHTOOL_A_COALESCE_RX_USECS };
	uint16_t virtio[] = { ETHTOOL_A_COALESCE_RX_USECS, ETHTOOL_A_COALESCE_RX_MAX_FRAMES,
			      ETHTOOL_A_COALESCE_TX_USECS, ETHTOOL_A_COALESCE_USE_ADAPTIVE_RX };
	struct nlmsghdr *nh = (void *)buf;
	struct nlmsgerr *e;
	uint32_t mask = 99;
	size_t len;
	(void)state;
	len = build_reply(buf, e1000, 1);
	assert_int_equal(coal_parse_reply(buf, len, &mask), 0);
	assert_int_equal(mask, COAL_RX_USECS);
	len = build_reply(buf, virtio, 4);
	assert_int_equal(coal_parse_reply(buf, len, &mask), 0);
	assert_int_equal(mask, COAL_RX_USECS | COAL_RX_FRAMES | COAL_ADAPTIVE_RX);
	/* truncated: the last attribute claims more than there is */
	assert_int_equal(coal_parse_reply(buf, len - 4, &mask), -EBADMSG);
	/* the kernel's answer for a driver without get_coalesce */
	memset(buf, 0, sizeof(buf));
	nh->nlmsg_type = NLMSG_ERROR;
	nh->nlmsg_len = NLMSG_LENGTH(sizeof(*e));
	e = NLMSG_DATA(nh);
	e->error = -EOPNOTSUPP;
	assert_int_equal(coal_parse_reply(buf, nh->nlmsg_len, &mask), -EOPNOTSUPP);
}

static void test_usecs_note(void **state)
{
	(void)state;
	assert_non_null(coal_usecs_note("e1000", 3));
	assert_non_null(coal_usecs_note("e1000e", 1));
	assert_null(coal_usecs_note("e1000", 0));
	assert_null(coal_usecs_note("e1000", 8));
	assert_non_null(coal_usecs_note("igb", 2));
	assert_null(coal_usecs_note("igb", 4));
	assert_non_null(coal_usecs_note("ixgbe", 1));
	assert_null(coal_usecs_note("mlx5_core", 1));
}

static void test_irq_cap(void **state)
{
	struct ethtool_coalesce ec = { 0 };
	(void)state;
	assert_true(coal_irq_cap(&ec, "e1000", 20000) == 1);		/* no moderation: one per packet at most */
	ec.rx_coalesce_usecs = 5000;					/* 200 interrupts/s at 20 kpps */
	assert_true(fabs(coal_irq_cap(&ec, "e1000", 20000) - 0.01) < 1e-12);
	ec.rx_coalesce_usecs = 100;					/* 10,000/s above 5 kpps: no cap */
	assert_true(coal_irq_cap(&ec, "e1000", 5000) == 1);
	ec.rx_coalesce_usecs = 0;
	ec.rx_max_coalesced_frames = 32;
	assert_true(fabs(coal_irq_cap(&ec, "mlx5_core", 20000) - 1.0 / 32) < 1e-12);
	ec.rx_coalesce_usecs = 1000;					/* whichever fires first: 1/32 > 1/20 */
	assert_true(fabs(coal_irq_cap(&ec, "mlx5_core", 20000) - 1.0 / 20) < 1e-12);
	ec.rx_max_coalesced_frames = 0;
	ec.rx_coalesce_usecs = 3;					/* e1000: a dynamic mode */
	assert_true(isnan(coal_irq_cap(&ec, "e1000", 20000)));
	ec.rx_coalesce_usecs = 64;
	ec.use_adaptive_rx_coalesce = 1;
	assert_true(isnan(coal_irq_cap(&ec, "e1000", 20000)));
}

/* Within pct % of a reference (an absolute floor for values near 0). */
static bool near(double got, double want, double pct)
{
	return fabs(got - want) <= fmax(fabs(want) * pct / 100, 0.05e-6);
}

static void test_added_delay(void **state)
{
	/* each row: the simulation of tests/unit/coalesce_delay_mc.py (mean, p99 in us) */
	static const struct { enum coal_timer t; double u, l, f, mean, p99; } rows[] = {
		{ COAL_TIMER_THROTTLE, 100, 1000, 0, 4.975, 89.955 },
		{ COAL_TIMER_THROTTLE, 100, 20000, 0, 46.830, 98.915 },
		{ COAL_TIMER_THROTTLE, 1000, 5000, 0, 498.690, 989.836 },
		{ COAL_TIMER_THROTTLE, 500, 500, 0, 60.803, 479.369 },
		{ COAL_TIMER_DELAY, 100, 1000, 0, 95.485, 100.0 },
		{ COAL_TIMER_DELAY, 100, 20000, 0, 66.640, 100.0 },
		{ COAL_TIMER_DELAY, 1000, 20000, 8, 175.131, 596.994 },
	};
	double m, p;

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_true(coal_added_delay(rows[i].t, rows[i].u, rows[i].f, rows[i].l, &m, &p));
		assert_true(near(m * 1e6, rows[i].mean, 2));
		assert_true(near(p * 1e6, rows[i].p99, 2));
	}
	/* hand limits: a throttle adds lambda.U^2/2 at light load, U/2 under heavy load */
	assert_true(coal_added_delay(COAL_TIMER_THROTTLE, 100, 0, 10, &m, &p));
	assert_true(near(m, 10 * 100e-6 * 100e-6 / 2, 1));
	assert_true(p == 0);					/* 99.9% interrupt at once */
	assert_true(coal_added_delay(COAL_TIMER_THROTTLE, 100, 0, 1e7, &m, &p));
	assert_true(near(m, 50e-6, 1));
	/* a delay timer holds a lone packet the whole U */
	assert_true(coal_added_delay(COAL_TIMER_DELAY, 250, 0, 1e-3, &m, &p));
	assert_true(near(m, 250e-6, 0.1) && near(p, 250e-6, 0.1));
	/* rx-frames 1: an interrupt per frame; no timer, no traffic: nothing added */
	assert_true(coal_added_delay(COAL_TIMER_DELAY, 250, 1, 5000, &m, &p) && m == 0 && p == 0);
	assert_true(coal_added_delay(COAL_TIMER_THROTTLE, 0, 0, 5000, &m, &p) && m == 0 && p == 0);
	assert_true(coal_added_delay(COAL_TIMER_THROTTLE, 100, 0, 0, &m, &p) && m == 0);
	assert_false(coal_added_delay(COAL_TIMER_THROTTLE, NAN, 0, 5000, &m, &p));
	assert_false(coal_added_delay(COAL_TIMER_DELAY, 100, 0, INFINITY, &m, &p));
	assert_true(isnan(m) && isnan(p));
	assert_int_equal(coal_timer_of("e1000e"), COAL_TIMER_THROTTLE);
	assert_int_equal(coal_timer_of("mlx5_core"), COAL_TIMER_DELAY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_setting),
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_save_file),
		cmocka_unit_test(test_save_file_napi),
		cmocka_unit_test(test_napi_setting),
		cmocka_unit_test(test_save_file_out_of_range_ids),
		cmocka_unit_test(test_netlink_reply),
		cmocka_unit_test(test_usecs_note),
		cmocka_unit_test(test_irq_cap),
		cmocka_unit_test(test_added_delay),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
