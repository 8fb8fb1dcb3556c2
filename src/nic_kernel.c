// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * What the kernel does with a NIC's receive work, for the forecast: whether
 * NET_RX runs in threads (threaded NAPI, PREEMPT_RT), the softirq time limit
 * before ksoftirqd takes over, and the interrupt cap the coalescing settings
 * impose.  Read-only: sysfs and procfs.
 */
#include <stdio.h>
#include <string.h>
#include "coalesce.h"
#include "nic.h"

static long read_long(const char *path, long fallback)
{
	FILE *f = fopen(path, "r");
	long v;

	if (!f)
		return fallback;
	if (fscanf(f, "%ld", &v) != 1)
		v = fallback;
	fclose(f);
	return v;
}

void nic_rx_facts(const struct nic_info *nic, struct nic_rx_facts *out)
{
	const struct nic_coalesce *co = &nic->coalesce;
	char path[128];

	memset(out, 0, sizeof(*out));
	snprintf(path, sizeof(path), "/sys/class/net/%s/threaded", nic->name);
	out->threaded_napi = read_long(path, 0) > 0;
	out->preempt_rt = read_long("/sys/kernel/realtime", 0) > 0;
	out->budget_usecs = read_long("/proc/sys/net/core/netdev_budget_usecs", 0);
	/* a timer of U us allows 1e6/U interrupts a second; adaptive or dynamic modes: no fixed cap */
	if (co->supported && !co->adaptive_rx && co->rx_usecs > 0 &&
	    !coal_usecs_note(nic->driver, co->rx_usecs))
		out->irq_cap_pps = 1e6 / co->rx_usecs;
	if (co->supported && co->rx_frames > 1)
		out->frames_per_irq = co->rx_frames;
}

/* The header's line on which receive work preempts the application, and what the forecast does with it. */
void nic_rx_priority_note(const struct nic_rx_facts *fx, char *buf, size_t len)
{
	if (fx->preempt_rt)
		snprintf(buf, len, "PREEMPT_RT: hard-IRQ handlers and NET_RX run in kernel threads "
			 "(irq/N-NAME, ksoftirqd) under the scheduler, not at strict priority; the forecast "
			 "shares NET_RX fairly with the application at every load");
	else if (fx->threaded_napi)
		snprintf(buf, len, "threaded NAPI: NET_RX polls run in kernel threads (napi/NAME-ID) under "
			 "the scheduler, only the hard IRQ keeps strict priority; the forecast shares NET_RX "
			 "fairly with the application at every load");
	else if (fx->budget_usecs > 0)
		snprintf(buf, len, "hard IRQ and NET_RX softirq preempt threads (strict priority) until NET_RX "
			 "is deferred to ksoftirqd after %ld us; the forecast models that deferral",
			 fx->budget_usecs);
	else	/* netdev_budget_usecs is not visible from every network namespace */
		snprintf(buf, len, "hard IRQ and NET_RX softirq preempt threads (strict priority) until NET_RX "
			 "is deferred to ksoftirqd; the forecast models that deferral");
}
