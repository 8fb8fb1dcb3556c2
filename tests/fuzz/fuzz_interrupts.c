// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The /proc/interrupts parser: the input as the file, matched against the
 * names of the fixtures' devices (an interface, a bus address, a virtio
 * index), then the naming of IRQ numbers already known.
 */
#include "fuzz_common.h"
#include "nic.h"

static const struct {
	const char *ifname, *bus, *virtio;
} ids[] = {
	{ "eth0", "0000:00:03.0", "" },
	{ "ens5", "0000:00:05.0", "virtio2" },
	{ "enp65s0f0np0", "0000:41:00.0", NULL },
	{ "", "", "" },
};

static void check(const struct nic_irq *irqs, int n, int max)
{
	if (n > max)
		abort();
	for (int i = 0; i < n; i++)
		if (memchr(irqs[i].name, '\0', sizeof(irqs[i].name)) == NULL)
			abort();	/* every name is a terminated string */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nic_irq irqs[NIC_MAX_IRQS];
	char *text = fuzz_cstr(data, size);

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		int n = nic_parse_proc_interrupts(text, ids[i].ifname, ids[i].bus, ids[i].virtio,
						  irqs, NIC_MAX_IRQS);

		check(irqs, n, NIC_MAX_IRQS);
		n = nic_parse_proc_interrupts(text, ids[i].ifname, ids[i].bus, ids[i].virtio, irqs, 2);
		check(irqs, n, 2);
	}
	for (int i = 0; i < 8; i++) {	/* IRQs 0..7 known by number, as from msi_irqs */
		memset(&irqs[i], 0, sizeof(irqs[i]));
		irqs[i].irq = (unsigned int)(i * 7 + (size ? data[0] : 0));
	}
	if (nic_irq_names_from_text(text, irqs, 8, ids[1].ifname, ids[1].bus, ids[1].virtio) > 8)
		abort();
	check(irqs, 8, 8);
	free(text);
	return 0;
}
