// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The header's line on receive work (src/nic_kernel.c): which work runs at
 * strict priority on a softirq kernel, under PREEMPT_RT with its SCHED_FIFO
 * IRQ threads, and with threaded NAPI at a normal or a real-time policy.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include "nic.h"

static void note(const struct nic_rx_facts *fx, char *buf)
{
	nic_rx_priority_note(fx, buf, 800);
	assert_non_null(strstr(buf, "the forecast"));
}

static void test_softirq_kernel(void **state)
{
	struct nic_rx_facts fx = { .budget_usecs = 8000, .rx_thread_policy = -1 };
	char buf[800];
	(void)state;
	note(&fx, buf);
	assert_non_null(strstr(buf, "strict priority"));
	assert_non_null(strstr(buf, "after 8000 us"));
	fx.budget_usecs = 0;	/* not readable from this namespace: no number */
	note(&fx, buf);
	assert_null(strstr(buf, " us;"));
}

static void test_rt_irq_thread_is_strict(void **state)
{
	struct nic_rx_facts fx = { .preempt_rt = true, .rx_thread_pid = 123, .rx_thread_policy = SCHED_FIFO,
				   .rx_thread_prio = 50, .rx_fair = false };
	char buf[800];
	(void)state;
	snprintf(fx.rx_thread, sizeof(fx.rx_thread), "irq/10-eth0");
	note(&fx, buf);
	assert_non_null(strstr(buf, "PREEMPT_RT"));
	assert_non_null(strstr(buf, "irq/10-eth0 (pid 123) at SCHED_FIFO 50"));
	assert_non_null(strstr(buf, "keeps strict priority"));
	assert_non_null(strstr(buf, "ksoftirqd"));
}

static void test_threaded_napi(void **state)
{
	struct nic_rx_facts fx = { .threaded_napi = true, .rx_thread_pid = 77, .rx_thread_policy = SCHED_OTHER,
				   .rx_fair = true };
	char buf[800];
	(void)state;
	snprintf(fx.rx_thread, sizeof(fx.rx_thread), "napi/eth1-8193");
	note(&fx, buf);
	assert_non_null(strstr(buf, "napi/eth1-8193 at SCHED_OTHER"));
	assert_non_null(strstr(buf, "shares NET_RX fairly"));
	fx.rx_thread_policy = SCHED_RR;	/* an administrator's chrt */
	fx.rx_fair = false;
	note(&fx, buf);
	assert_non_null(strstr(buf, "SCHED_RR"));
	assert_non_null(strstr(buf, "keeps strict priority"));
}

static void test_rt_without_thread(void **state)
{
	struct nic_rx_facts fx = { .preempt_rt = true, .rx_thread_policy = -1, .rx_fair = true };
	char buf[800];
	(void)state;
	note(&fx, buf);	/* no IRQ (veth): NET_RX in the task that raised it */
	assert_non_null(strstr(buf, "not at strict priority"));
	assert_null(strstr(buf, "pid"));
}

/* Busy polling and deferred interrupts are said in the same line, only when on. */
static void test_busy_polling_said(void **state)
{
	struct nic_rx_facts fx = { .budget_usecs = 8000, .rx_thread_policy = -1 };
	char buf[800];
	(void)state;
	note(&fx, buf);
	assert_null(strstr(buf, "busy"));
	assert_null(strstr(buf, "napi_defer_hard_irqs"));
	fx.busy_read_us = 50;
	note(&fx, buf);
	assert_non_null(strstr(buf, "after 8000 us"));
	assert_non_null(strstr(buf, "; busy polling on (net.core.busy_read 50 us, busy_poll 0 us)"));
	fx.defer_hard_irqs = 2;
	fx.gro_flush_timeout_ns = 200000;
	note(&fx, buf);
	assert_non_null(strstr(buf, "; napi_defer_hard_irqs 2, gro_flush_timeout 200000 ns"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_softirq_kernel),
		cmocka_unit_test(test_rt_irq_thread_is_strict),
		cmocka_unit_test(test_threaded_napi),
		cmocka_unit_test(test_rt_without_thread),
		cmocka_unit_test(test_busy_polling_said),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
