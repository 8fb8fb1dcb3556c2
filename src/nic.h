/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * NIC discovery: everything livelock-trace learns about a network device
 * from sysfs, /proc and the ethtool ioctls, without changing anything.
 * The text parsers are separate so tests can feed them fixture files.
 */
#ifndef LT_NIC_H
#define LT_NIC_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>
#include "nic_irq.h"
#include "nic_napi.h"

#define NIC_VIRTIO_NAME	16
#define NIC_NAPI_REASON	96

struct nic_coalesce {
	bool supported;			/* false: driver has no get_coalesce */
	uint32_t rx_usecs, rx_frames, rx_usecs_irq, rx_frames_irq;
	uint32_t tx_usecs, tx_frames;
	bool adaptive_rx, adaptive_tx;
};

/* Device counters from /sys/class/net/DEV/statistics (monotonic totals). */
struct nic_stats {
	uint64_t rx_packets, rx_bytes, rx_dropped, rx_missed_errors,
		 rx_fifo_errors, rx_over_errors, rx_errors;
};

/*
 * The devices traced for the one watched (nic_lower.c).  A bridge, bond,
 * VLAN or macvlan does no receive work of its own: its lower devices are
 * followed down to those with none (physical NICs, veths), and those are
 * traced.  n_traced = 0: nobody filled it, the device alone is traced.
 */
#define NIC_MAX_DEVS	16	/* = LT_MAX_DEVS of the BPF filter */
#define NIC_KIND_LEN	16
struct nic_dev {
	char name[IF_NAMESIZE];
	unsigned int ifindex;
};
struct nic_devset {
	int n_traced;			/* the leaves: where packets arrive */
	struct nic_dev traced[NIC_MAX_DEVS];
	int n_above;			/* the watched device and those between, 0 when it is a leaf */
	struct nic_dev above[NIC_MAX_DEVS];	/* above[0]: the watched one */
	char kind[NIC_KIND_LEN];	/* of the watched one: bridge, bond, vlan, macvlan ... or "" */
	bool truncated;			/* more than NIC_MAX_DEVS: the first ones kept */
};

struct nic_info {
	char name[IF_NAMESIZE];
	unsigned int ifindex;
	uint64_t netns_ino;		/* inode of our network namespace (ns.inum) */
	char driver[32];		/* ethtool drvinfo, "" if none */
	char bus_info[64];		/* e.g. 0000:00:03.0, "" if none */
	bool is_virtual;		/* no device/ in sysfs (veth, lo, ...) */
	unsigned int rx_queues, tx_queues;
	uint32_t rx_ring, rx_ring_max;	/* ETHTOOL_GRINGPARAM; 0 = unknown */
	struct nic_coalesce coalesce;
	int n_irqs;
	struct nic_irq irqs[NIC_MAX_IRQS];
	int n_rx_irqs;			/* irqs[0..n_rx_irqs) are the RX ones */
	enum nic_irq_source irq_source;
	char virtio_name[NIC_VIRTIO_NAME];	/* "virtio2" for virtio_net, else "" */
	/* NAPI instances from netdev netlink (nic_napi.c); n_napi = 0 when not offered */
	int n_napi;
	char napi_reason[NIC_NAPI_REASON];	/* why n_napi is 0 or the queue map is missing; "" if neither */
	struct nic_napi napis[NIC_MAX_NAPI];
	/* what is traced for the watched device (nic_discover_lower); name above is traced[0] */
	struct nic_devset set;
};

/*
 * Fill *out for interface `ifname` in the current network namespace.
 * Returns 0, or a negative errno (-ENODEV: no such interface) after writing
 * nothing to stderr; nic_strerror() turns it into a user-facing sentence.
 */
int nic_discover(const char *ifname, struct nic_info *out);
/*
 * nic_lower.c.  The devices to trace for `ifname`, from sysfs under `root`
 * (/sys/class/net; another for tests): its lower_* links (else brif/, else
 * bonding/slaves) followed down to devices that have none, each once, in
 * name order.  A device with no lower device is traced itself.  0 or a
 * negative errno (-ENODEV: no such interface).
 */
int nic_lower_devices(const char *root, const char *ifname, struct nic_devset *out);
/*
 * nic_discover() for what nic_lower_devices() returns: one device, or the
 * lower devices merged (the first one's driver, ring and coalescing; IRQs,
 * NAPI instances, queues and ring sizes of all), with out->set filled.
 */
int nic_discover_lower(const char *ifname, struct nic_info *out);
/* One more lower device b into a: IRQs (RX first, each once), NAPI instances, queues, rings. */
void nic_merge_lower(struct nic_info *a, const struct nic_info *b);
/* Receive statistics summed over the traced devices. */
int nic_set_read_stats(const struct nic_info *nic, struct nic_stats *out);
/* The set's received packets a second, from one reading to the next. */
struct nic_rx_rate {
	uint64_t rx_packets;	/* at the last reading */
	double t_s;		/* its time (any one clock); 0: none yet */
};
/*
 * Reads the set's statistics into *st (may be NULL) at now_s: the packets a
 * second since the last reading; NAN the first time, after a failed read
 * (the next reading starts afresh) or a counter that went back.
 */
double nic_set_rx_rate(const struct nic_info *nic, struct nic_rx_rate *r, double now_s, struct nic_stats *st);
/*
 * "br0 (bridge) → veth0, veth1: the lower devices are traced" into buf, or
 * NULL when the watched device is traced itself.
 */
#define NIC_DESCRIBE_LEN	(NIC_MAX_DEVS * (IF_NAMESIZE + 2) + 96)
const char *nic_set_describe(char *buf, size_t len, const struct nic_info *nic);
/* The first device of the set (traced or above) that no longer exists, or NULL. */
const char *nic_set_gone(const struct nic_info *nic);
/* What the kernel does with the NIC's receive work (nic_kernel.c); 0 / false: not known or none. */
struct nic_rx_facts {
	bool threaded_napi;	/* /sys/class/net/DEV/threaded */
	bool preempt_rt;	/* /sys/kernel/realtime: interrupts are threads */
	/*
	 * The thread that runs NET_RX for this NIC, when it is a thread: an IRQ
	 * thread (irq/N-NAME, PREEMPT_RT) or a NAPI thread (napi/NAME-ID).  Its
	 * pid, name and policy (SCHED_OTHER, SCHED_FIFO ...; -1 unknown), and
	 * whether NET_RX then shares the CPU fairly with applications
	 * (rx_fair: a normal policy) or still preempts them (a real-time one).
	 */
	int rx_thread_pid, rx_thread_policy, rx_thread_prio;
	char rx_thread[40];
	bool rx_fair;
	long budget_usecs;	/* net.core.netdev_budget_usecs */
	double irq_cap_pps;	/* coalescing timer: interrupts/s at most */
	double frames_per_irq;	/* coalescing frame count */
	bool irq_dynamic;	/* adaptive or a driver's dynamic throttling mode: a cap that follows the load */
	double irq_dynamic_floor_pps;	/* the lowest rate that mode holds to (coal_dynamic_floor_pps), 0 unknown */
	/* busy polling: the application's receive and epoll calls poll the device themselves */
	long busy_read_us, busy_poll_us;	/* net.core.busy_read, net.core.busy_poll (SO_BUSY_POLL: per socket) */
	long defer_hard_irqs;		/* /sys/class/net/DEV/napi_defer_hard_irqs */
	long gro_flush_timeout_ns;	/* /sys/class/net/DEV/gro_flush_timeout */
};
void nic_rx_facts(const struct nic_info *nic, struct nic_rx_facts *out);
/* One line: which receive work runs at strict priority, for the header. */
void nic_rx_priority_note(const struct nic_rx_facts *fx, char *buf, size_t len);

/* The interface carrying the IPv4 default route (from /proc/net/route). */
int nic_default_ifname(char *buf, size_t len);
int nic_read_stats(const char *ifname, struct nic_stats *out);
/* Re-read the coalescing settings (ETHTOOL_GCOALESCE). */
int nic_read_coalesce(const char *ifname, struct nic_coalesce *out);
bool nic_exists(const char *ifname);	/* still there? (for mid-run vanishing) */
/* One SIOCETHTOOL request (cmd: a struct ethtool_*); 0 or -errno. */
int nic_ethtool_ioctl(const char *ifname, void *cmd);
/* One actionable sentence for an error of nic_discover(). */
const char *nic_strerror(int err, const char *ifname);



#endif
