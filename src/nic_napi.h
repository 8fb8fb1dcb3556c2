/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* A device's NAPI instances and their queues, from the kernel's "netdev" generic netlink family. */
#ifndef LT_NIC_NAPI_H
#define LT_NIC_NAPI_H
#include <stddef.h>
#include <stdint.h>

#define NIC_MAX_NAPI	256

/*
 * One NAPI instance of the device as the kernel's "netdev" generic netlink
 * family reports it (NETDEV_CMD_NAPI_GET, kernels 6.9+; the three settings
 * 6.13+).  -1 everywhere means "not reported".
 */
struct nic_napi {
	uint32_t napi_id;		/* as in napi:napi_poll and SO_INCOMING_NAPI_ID */
	int irq;			/* IRQ the driver linked to it, -1 if it did not */
	int pid;			/* its kernel thread when threaded, -1 in softirq mode */
	int rx_queue, tx_queue;		/* lowest queue it serves (NETDEV_CMD_QUEUE_GET), -1 none */
	int64_t defer_hard_irqs;	/* napi_defer_hard_irqs */
	int64_t gro_flush_timeout_ns;
	int64_t irq_suspend_timeout_ns;
};

/*
 * NAPI instances of ifindex from netdev generic netlink, in the calling
 * thread's network namespace; dumps only.  Fills napis[0..*n) (at most max,
 * sorted by napi_id) and reason.  Returns 0, or a negative errno with *n = 0
 * and reason saying why (old kernel, no family, no permission): callers
 * treat it as "mapping not offered", never as a failure.
 */
int nic_napi_discover(unsigned int ifindex, struct nic_napi *napis, int *n, int max,
		      char *reason, size_t reason_len);
/*
 * Pure parser of reply buffers (what one recv() returns), for tests:
 * NETDEV_CMD_NAPI_GET and NETDEV_CMD_QUEUE_GET dump replies of `family`
 * (its id: nl_family_id in netlink.h).  NAPI messages of `ifindex` are added
 * to napis[*n] (at most max; a known id is updated), queue messages set the
 * rx/tx queue of the NAPI they name; other interfaces and unknown attributes
 * are skipped.  Returns 1 at NLMSG_DONE, 0 if more is to come, the kernel's
 * negative errno, -EAGAIN for a dump interrupted by a change, or -EBADMSG for
 * a truncated or malformed message; on any error nothing of the buffer is
 * applied.
 */
int nic_napi_parse(const void *buf, size_t len, uint16_t family, unsigned int ifindex,
		   struct nic_napi *napis, int *n, int max);

#endif
