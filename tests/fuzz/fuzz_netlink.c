// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The netlink reply parsers: the input as one recv() buffer, read as a
 * netdev NAPI/queue dump (the fixtures' family 25, ifindex 4), a
 * CTRL_CMD_GETFAMILY reply and an ethtool COALESCE_GET reply.
 */
#include "fuzz_common.h"
#include "coalesce.h"
#include "netlink.h"
#include "nic.h"

#define FIX_FAMILY	25
#define FIX_IFINDEX	4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nic_napi napis[NIC_MAX_NAPI];
	void *buf = malloc(size ? size : 1);	/* aligned as recv()'s buffer is */
	uint16_t family = 0;
	uint32_t mask = 0;
	int n = 0, rc;

	if (!buf)
		abort();
	memcpy(buf, data, size);
	rc = nic_napi_parse(buf, size, FIX_FAMILY, FIX_IFINDEX, napis, &n, NIC_MAX_NAPI);
	if (n < 0 || n > NIC_MAX_NAPI || rc > 1)
		abort();
	n = NIC_MAX_NAPI - 1;	/* nearly full: the bound must hold */
	(void)nic_napi_parse(buf, size, FIX_FAMILY, FIX_IFINDEX, napis, &n, NIC_MAX_NAPI);
	if (n > NIC_MAX_NAPI)
		abort();
	(void)nl_family_parse(buf, size, &family);
	(void)coal_parse_reply(buf, size, &mask);
	free(buf);
	return 0;
}
