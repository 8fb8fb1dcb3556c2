// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The header line of a recorded run (see record.h for the file format). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include "json.h"
#include "model.h"
#include "record.h"
#include "version.h"

/* A device-wide NAPI setting from sysfs; false when the kernel has none. */
static bool read_sysfs_u64(const char *ifname, const char *leaf, uint64_t *v)
{
	char path[128];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", ifname, leaf);
	f = fopen(path, "r");
	if (!f)
		return false;
	ok = fscanf(f, "%lu", v) == 1;
	fclose(f);
	return ok;
}

static void write_sysfs(struct json *j, const char *key, const char *ifname, const char *leaf)
{
	uint64_t v;

	if (read_sysfs_u64(ifname, leaf, &v))
		json_u64(j, key, v);
	else
		json_null(j, key);
}

static const char *const model_words[] = { "auto", "dma", "nodma" };

int record_write_header(FILE *f, const struct nic_info *nic, const struct record_opts *o)
{
	const struct nic_coalesce *c = &nic->coalesce;
	struct utsname u;
	char host[256] = "";
	struct json j;

	if (uname(&u))
		memset(&u, 0, sizeof(u));
	gethostname(host, sizeof(host) - 1);
	json_begin(&j, f);
	json_str(&j, "record", "livelock-trace");
	json_u64(&j, "format", RECORD_FORMAT);
	json_str(&j, "version", LT_VERSION);
	json_u64(&j, "time", (uint64_t)time(NULL));
	json_str(&j, "host", host);
	json_str(&j, "kernel", u.release);

	json_obj(&j, "device");
	json_str(&j, "name", nic->name);
	json_u64(&j, "ifindex", nic->ifindex);
	json_str(&j, "driver", nic->driver);
	json_str(&j, "bus_info", nic->bus_info);
	json_u64(&j, "rx_queues", nic->rx_queues);
	json_u64(&j, "rx_ring", nic->rx_ring);
	json_u64(&j, "rx_ring_max", nic->rx_ring_max);
	json_arr(&j, "irqs");
	for (int i = 0; i < nic->n_irqs; i++) {
		json_obj(&j, NULL);
		json_u64(&j, "irq", nic->irqs[i].irq);
		json_str(&j, "name", nic->irqs[i].name);
		json_bool(&j, "rx", nic->irqs[i].rx);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	if (nic->set.n_above) {	/* watched: an upper device; traced: its lower ones */
		json_str(&j, "upper", nic->set.above[0].name);
		json_str(&j, "upper_kind", *nic->set.kind ? nic->set.kind : NULL);
		json_arr(&j, "lower");
		for (int i = 0; i < nic->set.n_traced; i++)
			json_str(&j, NULL, nic->set.traced[i].name);
		json_arr_end(&j);
	}
	json_obj_end(&j);

	json_obj(&j, "coalesce");
	json_bool(&j, "supported", c->supported);
#define CO(k, v) do { if (c->supported) json_u64(&j, k, v); else json_null(&j, k); } while (0)
	CO("rx_usecs", c->rx_usecs);
	CO("rx_frames", c->rx_frames);
	CO("rx_usecs_irq", c->rx_usecs_irq);
	CO("rx_frames_irq", c->rx_frames_irq);
	CO("tx_usecs", c->tx_usecs);
	CO("tx_frames", c->tx_frames);
#undef CO
	if (c->supported) {
		json_bool(&j, "adaptive_rx", c->adaptive_rx);
		json_bool(&j, "adaptive_tx", c->adaptive_tx);
	} else {
		json_null(&j, "adaptive_rx");
		json_null(&j, "adaptive_tx");
	}
	json_obj_end(&j);

	/* per NAPI instance, from netdev netlink where the kernel offers it (-1: not reported) */
	json_arr(&j, "napis");
	for (int i = 0; i < nic->n_napi; i++) {
		const struct nic_napi *n = &nic->napis[i];

		json_obj(&j, NULL);
		json_u64(&j, "napi_id", n->napi_id);
		json_i64(&j, "irq", n->irq);
		json_i64(&j, "rx_queue", n->rx_queue);
		json_i64(&j, "defer_hard_irqs", n->defer_hard_irqs);
		json_i64(&j, "gro_flush_timeout_ns", n->gro_flush_timeout_ns);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_str(&j, "napis_note", *nic->napi_reason ? nic->napi_reason : NULL);
	json_obj(&j, "napi_settings");
	write_sysfs(&j, "defer_hard_irqs", nic->name, "napi_defer_hard_irqs");
	write_sysfs(&j, "gro_flush_timeout_ns", nic->name, "gro_flush_timeout");
	json_obj_end(&j);

	json_obj(&j, "options");
	json_arr(&j, "argv");
	for (int i = 0; i < o->argc; i++)
		json_str(&j, NULL, o->argv[i]);
	json_arr_end(&j);
	json_dbl(&j, "interval_s", o->interval_s);
	json_str(&j, "mapping", est_mapping_name(o->est->mapping));
	json_str(&j, "model", model_words[o->est->model]);
	json_str(&j, "deliver", est_deliver_name(o->est->deliver));
	if (o->est->buffer > 0)
		json_dbl(&j, "buffer", o->est->buffer);
	else
		json_null(&j, "buffer");
	json_u64(&j, "window", o->est->window ? o->est->window : EST_DEFAULT_WINDOW);
	json_str(&j, "xdp", o->xdp);
	json_u64(&j, "sample", o->sample > 1 ? o->sample : 1);
	json_obj_end(&j);
	json_obj(&j, "probes");
	json_str(&j, "attach", o->attach);
	json_str(&j, "attach_reason", o->attach_reason);
	json_str(&j, "btf", o->btf);
	json_bool(&j, "btf_external", o->btf_external);
	json_obj_end(&j);
	json_obj(&j, "rx_threads");
	json_bool(&j, "preempt_rt", o->preempt_rt);
	json_bool(&j, "threaded_napi", o->threaded_napi);
	json_str(&j, "thread", o->rx_thread);
	json_i64(&j, "policy", o->rx_thread_policy);
	json_bool(&j, "fair", o->rx_fair);
	json_obj_end(&j);
	json_end(&j);
	return ferror(f) ? -EIO : 0;
}
