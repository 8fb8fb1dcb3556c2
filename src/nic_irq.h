/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A device's IRQs: which lines of /proc/interrupts belong to it, their role
 * (RX, TX, other) and queue, and their order.  Pure text parsers, for tests.
 */
#ifndef LT_NIC_IRQ_H
#define LT_NIC_IRQ_H
#include <stdbool.h>
#include <stdint.h>

#define NIC_MAX_IRQS	256
#define NIC_IRQ_NAME	64

struct nic_irq {
	unsigned int irq;
	char name[NIC_IRQ_NAME];	/* action name from /proc/interrupts */
	bool rx;			/* carries receive work (rx, input, TxRx, comp, single vector) */
	bool tx;			/* carries transmit completions */
	int queue;			/* queue/vector index from the name, -1 none */
};

/* Where the IRQ numbers of a device came from. */
enum nic_irq_source {
	NIC_IRQ_SRC_NONE,		/* no IRQ found (virtual, or device down) */
	NIC_IRQ_SRC_MSI,		/* device/msi_irqs */
	NIC_IRQ_SRC_VIRTIO_MSI,		/* msi_irqs of the virtio device's PCI parent */
	NIC_IRQ_SRC_INTX,		/* device/irq, confirmed in /proc/interrupts */
	NIC_IRQ_SRC_NAMES,		/* action names in /proc/interrupts only */
};

/*
 * Parsers, pure, for tests: find the IRQs of a device in the text of
 * /proc/interrupts.  A line belongs to `ifname` when its action name is
 * ifname exactly, or ifname followed by '-' or ':' + suffix (eth1-TxRx-0),
 * or a driver-specific name tied to bus_info (mlx5_comp3@pci:0000:..,
 * virtioN-input.M where virtioN is the device's virtio index).  Returns count.
 */
int nic_parse_proc_interrupts(const char *text, const char *ifname,
			      const char *bus_info, const char *virtio_name,
			      struct nic_irq *out, int max);

/*
 * IRQ order.  Every IRQ list returned (nic_discover, the parsers) is
 * classified and sorted: RX vectors first (by queue, then IRQ number), then
 * TX-only, then the rest (link, config, mailbox).  A set with no named RX
 * vector (legacy e1000/ne2k: one IRQ named like the interface) has its
 * unnamed-role vectors marked rx and tx.  nic_parse_proc_interrupts()
 * returns -EINVAL for text without the CPU header line.
 */
/* One action name belongs to the device?  Same rules as the parser. */
bool nic_irq_name_matches(const char *action, const char *ifname,
			  const char *bus_info, const char *virtio_name);
/*
 * Fill names of IRQs whose numbers are already known (from msi_irqs): the
 * action on that line that matches the device, else the first one, else "".
 * Then classify and sort.  Returns the number of RX vectors.
 */
int nic_irq_names_from_text(const char *text, struct nic_irq *irqs, int n,
			    const char *ifname, const char *bus_info,
			    const char *virtio_name);
/* Mark rx/tx/queue from the names and sort; returns the number of RX ones. */
int nic_irq_classify(struct nic_irq *irqs, int n, const char *ifname,
		     const char *bus_info, const char *virtio_name);
/* Read all of /proc/interrupts into a malloc'd string (caller frees). */
int nic_read_proc_interrupts(char **text);
const char *nic_irq_source_name(enum nic_irq_source src);

#endif
