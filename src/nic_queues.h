/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The RX queue map of a device: each receive queue with its IRQ, its NAPI
 * instance and the CPU that handles it.  From netdev netlink's NAPI/queue
 * map when the kernel offers it (nic_napi.c filled nic->napis), else from the
 * RX vectors' names (virtio0-input.1, eth0-TxRx-3, mlx5_comp2); the CPU from
 * /proc/irq/N/effective_affinity_list, else smp_affinity_list.  Nothing is
 * changed.  A device without IRQs or a queue map (veth) has no queues here:
 * its work is seen per CPU only.
 */
#ifndef LT_NIC_QUEUES_H
#define LT_NIC_QUEUES_H
#include <stdbool.h>
#include "nic.h"

#define NIC_MAX_QUEUES	64
#define NIC_CPULIST_LEN	64

struct nic_queue {
	int queue;			/* RX queue index */
	int irq;			/* its vector, -1 none known */
	long napi_id;			/* its NAPI instance, -1 unknown */
	int cpu;			/* the one CPU its interrupt goes to, -1 unknown or several */
	char cpus[NIC_CPULIST_LEN];	/* the affinity list it came from, "" none */
};

enum nic_queue_source {
	NIC_QSRC_NONE,			/* no queue map: per-CPU work only */
	NIC_QSRC_NETLINK,		/* netdev netlink NAPI + queue dumps */
	NIC_QSRC_IRQ_NAMES,		/* the RX vectors' names */
};

struct nic_queue_map {
	int n;
	struct nic_queue q[NIC_MAX_QUEUES];	/* by queue index */
	enum nic_queue_source source;
	bool effective;			/* CPUs from effective_affinity_list (else smp_affinity_list) */
};

/*
 * Where an IRQ's affinity list comes from: text of effective_affinity_list
 * (effective) or smp_affinity_list of `irq`, or NULL when absent.  The real
 * one reads /proc/irq; tests pass their own.
 */
typedef const char *(*nic_affinity_fn)(unsigned int irq, bool effective, void *ctx,
				       char *buf, size_t len);
/* The map from what nic_discover_lower found, affinity through `aff`. */
void nic_queues_build(const struct nic_info *nic, nic_affinity_fn aff, void *ctx,
		      struct nic_queue_map *out);
/* The same with /proc/irq. */
void nic_queues_discover(const struct nic_info *nic, struct nic_queue_map *out);
/*
 * The CPUs again (affinity changes: irqbalance, an administrator, and on
 * x86 an effective affinity moves only at the vector's next interrupt).
 */
void nic_queues_refresh_cpus(struct nic_queue_map *m, nic_affinity_fn aff, void *ctx);
void nic_queues_refresh(struct nic_queue_map *m);	/* with /proc/irq */
/*
 * A CPU list ("0-3,8,10-11\n"): its lowest CPU and how many it names.
 * 0, or -EINVAL for anything else (empty, a reversed range, junk).
 */
int nic_cpulist_parse(const char *text, int *first, int *count);
const char *nic_queue_source_name(enum nic_queue_source s);	/* "netlink", "irq-names", "none" */

#endif
