// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * What the kernel does with a NIC's receive work, for the forecast: whether
 * NET_RX runs in threads (threaded NAPI, PREEMPT_RT), the softirq time limit
 * before ksoftirqd takes over, and the interrupt cap the coalescing settings
 * impose.  Read-only: sysfs and procfs.
 */
#define _GNU_SOURCE	/* SCHED_BATCH, SCHED_IDLE */
#include <dirent.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
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

/* A kernel thread whose name starts with prefix (irq/10-, napi/eth0-): its pid, else 0. */
static int find_thread(const char *prefix, char *name, size_t len)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	char path[300], comm[24];
	int pid = 0;

	if (!d)
		return 0;
	while (!pid && (e = readdir(d))) {
		FILE *f;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f) && !strncmp(comm, prefix, strlen(prefix))) {
			comm[strcspn(comm, "\n")] = '\0';
			snprintf(name, len, "%s", comm);
			pid = atoi(e->d_name);
		}
		fclose(f);
	}
	closedir(d);
	return pid;
}

/*
 * Which thread runs NET_RX: PREEMPT_RT runs the handler of a (forced)
 * threaded IRQ in irq/N-NAME, and the softirq it raises at the end of it, in
 * that thread; threaded NAPI polls in napi/NAME-ID.  IRQ threads are
 * SCHED_FIFO 50 (kernel/irq/manage.c, sched_set_fifo): above every normal
 * thread, the strict priority of a softirq again.
 */
static void rx_thread(const struct nic_info *nic, struct nic_rx_facts *out)
{
	char prefix[32];
	struct sched_param sp;

	out->rx_thread_policy = -1;
	for (int i = 0; i < nic->n_napi && !out->rx_thread_pid && out->threaded_napi; i++)
		if (nic->napis[i].pid > 0) {
			out->rx_thread_pid = nic->napis[i].pid;
			snprintf(out->rx_thread, sizeof(out->rx_thread), "napi/%s-%u", nic->name,
				 nic->napis[i].napi_id);
		}
	if (!out->rx_thread_pid && out->threaded_napi) {
		snprintf(prefix, sizeof(prefix), "napi/%s-", nic->name);
		out->rx_thread_pid = find_thread(prefix, out->rx_thread, sizeof(out->rx_thread));
	}
	for (int i = 0; i < nic->n_irqs && !out->rx_thread_pid && out->preempt_rt; i++) {
		snprintf(prefix, sizeof(prefix), "irq/%u-", nic->irqs[i].irq);
		out->rx_thread_pid = find_thread(prefix, out->rx_thread, sizeof(out->rx_thread));
	}
	if (out->rx_thread_pid > 0) {
		out->rx_thread_policy = sched_getscheduler(out->rx_thread_pid);
		if (!sched_getparam(out->rx_thread_pid, &sp))
			out->rx_thread_prio = sp.sched_priority;
	}
	/* no thread found (no IRQ: veth): NET_RX runs in the task that raised it */
	out->rx_fair = (out->preempt_rt || out->threaded_napi) &&
		       out->rx_thread_policy != SCHED_FIFO && out->rx_thread_policy != SCHED_RR;
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
	out->busy_read_us = read_long("/proc/sys/net/core/busy_read", 0);
	out->busy_poll_us = read_long("/proc/sys/net/core/busy_poll", 0);
	snprintf(path, sizeof(path), "/sys/class/net/%s/napi_defer_hard_irqs", nic->name);
	out->defer_hard_irqs = read_long(path, 0);
	snprintf(path, sizeof(path), "/sys/class/net/%s/gro_flush_timeout", nic->name);
	out->gro_flush_timeout_ns = read_long(path, 0);
	rx_thread(nic, out);
	/* a timer of U us allows 1e6/U interrupts a second; adaptive or dynamic modes: no fixed cap */
	if (co->supported && !co->adaptive_rx && co->rx_usecs > 0 &&
	    !coal_usecs_note(nic->driver, co->rx_usecs))
		out->irq_cap_pps = 1e6 / co->rx_usecs;
	out->irq_dynamic = co->supported && (co->adaptive_rx || coal_usecs_note(nic->driver, co->rx_usecs));
	out->irq_dynamic_floor_pps = out->irq_dynamic && !co->adaptive_rx ? coal_dynamic_floor_pps(nic->driver) : 0;
	if (co->supported && co->rx_frames > 1)
		out->frames_per_irq = co->rx_frames;
}

static const char *policy_name(int p)
{
	return p == SCHED_FIFO ? "SCHED_FIFO" : p == SCHED_RR ? "SCHED_RR" : p == SCHED_OTHER ? "SCHED_OTHER" :
	       p == SCHED_BATCH ? "SCHED_BATCH" : p == SCHED_IDLE ? "SCHED_IDLE" : "an unknown policy";
}

static void rx_priority(const struct nic_rx_facts *fx, char *buf, size_t len);

/* The busy-polling settings, as a clause for the header's line ("" when none is on). */
static void busy_note(const struct nic_rx_facts *fx, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	if (fx->busy_read_us > 0 || fx->busy_poll_us > 0)
		n = (size_t)snprintf(buf, len, "; busy polling on (net.core.busy_read %ld us, busy_poll %ld us): "
				     "the application's receive calls poll the device, and that work is its own "
				     "(napi_packets_busy)", fx->busy_read_us, fx->busy_poll_us);
	if (fx->defer_hard_irqs > 0 && n < len)
		snprintf(buf + n, len - n, "; napi_defer_hard_irqs %ld, gro_flush_timeout %ld ns: the device's "
			 "interrupt stays off for that many empty polls, re-polled from a timer",
			 fx->defer_hard_irqs, fx->gro_flush_timeout_ns);
}

/* The header's line on which receive work preempts the application, and what the forecast does with it. */
void nic_rx_priority_note(const struct nic_rx_facts *fx, char *buf, size_t len)
{
	char busy[300];
	size_t n;

	busy_note(fx, busy, sizeof(busy));
	rx_priority(fx, buf, len);
	n = strlen(buf);
	if (*busy && n < len)
		snprintf(buf + n, len - n, "%s", busy);
}

static void rx_priority(const struct nic_rx_facts *fx, char *buf, size_t len)
{
	const char *what = fx->preempt_rt ? "PREEMPT_RT: interrupt handlers and the NET_RX softirq they raise run in kernel threads"
					  : "threaded NAPI: NET_RX polls run in kernel threads";

	if ((fx->preempt_rt || fx->threaded_napi) && fx->rx_thread_pid > 0 && !fx->rx_fair)
		snprintf(buf, len, "%s, %s (pid %d) at %s %d: above every normal thread, strict priority as "
			 "without threads%s; the forecast keeps strict priority%s",
			 what, fx->rx_thread, fx->rx_thread_pid, policy_name(fx->rx_thread_policy), fx->rx_thread_prio,
			 fx->preempt_rt ? ", until NET_RX is deferred to ksoftirqd" : "",
			 fx->preempt_rt ? "" : " (and a softirq's deferral to ksoftirqd, which a NAPI thread has not)");
	else if (fx->preempt_rt || fx->threaded_napi)
		snprintf(buf, len, "%s%s%s%s%s under the scheduler, not at strict priority; the forecast shares NET_RX "
			 "fairly with the application at every load", what, fx->rx_thread_pid > 0 ? ", " : "",
			 fx->rx_thread_pid > 0 ? fx->rx_thread : "", fx->rx_thread_pid > 0 ? " at " : "",
			 fx->rx_thread_pid > 0 ? policy_name(fx->rx_thread_policy) : "");
	else if (fx->budget_usecs > 0)
		snprintf(buf, len, "hard IRQ and NET_RX softirq preempt threads (strict priority) until NET_RX "
			 "is deferred to ksoftirqd after %ld us; the forecast models that deferral",
			 fx->budget_usecs);
	else	/* netdev_budget_usecs is not visible from every network namespace */
		snprintf(buf, len, "hard IRQ and NET_RX softirq preempt threads (strict priority) until NET_RX "
			 "is deferred to ksoftirqd; the forecast models that deferral");
}
