/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Interrupt coalescing of one device, in three files:
 * - coalesce.c: read (ETHTOOL_GCOALESCE), which receive parameters the
 *   driver accepts (ethtool netlink, read-only), apply one setting
 *   (ETHTOOL_SCOALESCE) and check its read-back, the drivers' quirks;
 * - coalesce_save.c: the save file of the original and the comparison of
 *   two whole settings.  The whole struct ethtool_coalesce is what is saved
 *   and restored, not only the fields a sweep changes;
 * - coalesce_predict.c: what a setting should give (pure);
 * - coalesce_napi.c: NAPI's deferral (sysfs napi_defer_hard_irqs and
 *   gro_flush_timeout), read, written and read back like the others.
 */
#ifndef LT_COALESCE_H
#define LT_COALESCE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/ethtool.h>

/* The receive parameters a sweep can change. */
enum coal_param {
	COAL_RX_USECS	= 1u << 0,
	COAL_RX_FRAMES	= 1u << 1,
	COAL_ADAPTIVE_RX = 1u << 2,
};

#define COAL_SAVE_DIR	"/run/livelock-trace"
#define COAL_SAVE_FORMAT 1

/* One point of a sweep; a field without has_* is left as it was. */
struct coal_setting {
	bool has_usecs, has_frames, has_adaptive;
	uint32_t rx_usecs, rx_frames;
	bool adaptive_rx;
	/* NAPI's deferral (sysfs napi_defer_hard_irqs, gro_flush_timeout ns) */
	bool has_defer, has_gro_flush;
	uint32_t defer_hard_irqs, gro_flush_ns;
};

/* NAPI's deferral settings of a device, as its sysfs files hold them. */
struct coal_napi {
	uint64_t defer_hard_irqs;	/* napi_defer_hard_irqs */
	uint64_t gro_flush_ns;		/* gro_flush_timeout */
};

/*
 * What a save file holds: the ethtool settings when the sweep changes them,
 * NAPI's deferral when it changes that, at least one of the two.
 */
struct coal_saved {
	char ifname[16];
	char driver[32];
	unsigned int ifindex;
	long pid;			/* the sweep that wrote it */
	bool has_ec, has_napi;
	struct ethtool_coalesce ec;
	struct coal_napi napi;
};

/* --- coalesce.c --- */

/* 0, or -errno: -EOPNOTSUPP the driver has no get/set_coalesce, -ENODEV no device. */
int coal_get(const char *ifname, struct ethtool_coalesce *ec);
int coal_set(const char *ifname, const struct ethtool_coalesce *ec);

/*
 * Which of enum coal_param the driver accepts, asked of the "ethtool"
 * generic netlink family (kernels 5.6+): its COALESCE_GET reply carries an
 * attribute for every parameter the driver supports (or has non-zero).
 * Read-only.  0 and *mask, or -errno when netlink cannot tell.
 */
int coal_supported(const char *ifname, uint32_t *mask);
/* Pure: the COALESCE_GET reply (one recv()) -> *mask; 0, the kernel's -errno, or -EBADMSG. */
int coal_parse_reply(const void *buf, size_t len, uint32_t *mask);

/* Copy the setting's fields into ec (the rest stays). */
void coal_setting_to(const struct coal_setting *s, struct ethtool_coalesce *ec);
/* Did the device take s?  false with the first difference in why. */
bool coal_setting_taken(const struct coal_setting *s, const struct ethtool_coalesce *rb,
			char *why, size_t len);
/* "rx-usecs 32 rx-frames 0 adaptive-rx off", only the fields s sets ("unchanged" if none). */
void coal_setting_str(const struct coal_setting *s, char *buf, size_t len);
/* Parameters s changes (enum coal_param). */
uint32_t coal_setting_params(const struct coal_setting *s);
const char *coal_param_name(uint32_t one_param);	/* "rx-usecs", ... */

/*
 * Drivers that give small rx-usecs values a meaning other than
 * microseconds (dynamic interrupt throttling modes): a sentence, else NULL.
 */
const char *coal_usecs_note(const char *driver, uint32_t rx_usecs);
/*
 * The lowest interrupt rate a driver's dynamic mode holds a queue to (its
 * "bulk" class), interrupts/s; 0 when unknown.  Below it the throttle did
 * not bind, and the batch is NAPI's own.
 */
double coal_dynamic_floor_pps(const char *driver);

/* Does s change NAPI's deferral? */
static inline bool coal_setting_napi(const struct coal_setting *s)
{
	return s->has_defer || s->has_gro_flush;
}

/* --- coalesce_napi.c --- */

enum coal_napi_field { COAL_NAPI_DEFER, COAL_NAPI_GRO_FLUSH };
/* 0; -ENODEV no such device; -ENOENT the kernel has no such setting (< 5.10); else -errno. */
int coal_napi_get(const char *ifname, struct coal_napi *nd);
/* Write both files (gro_flush_timeout first); 0 or -errno (-EACCES/-EPERM without CAP_NET_ADMIN). */
int coal_napi_set(const char *ifname, const struct coal_napi *nd);
bool coal_napi_equal(const struct coal_napi *a, const struct coal_napi *b);
/* Copy the setting's deferral fields into nd (the rest stays). */
void coal_napi_to(const struct coal_setting *s, struct coal_napi *nd);
/* Did the device take s's deferral?  false with why. */
bool coal_napi_taken(const struct coal_setting *s, const struct coal_napi *rb, char *why, size_t len);
/*
 * Do the device's NAPI instances (netdev netlink, 6.13+ reports their
 * settings) hold the device's values?  1 yes (or nothing reported), 0 no
 * with why (a write of the device's files would overwrite them), -ENOMEM.
 */
int coal_napi_uniform(const char *ifname, const struct coal_napi *dev, char *why, size_t len);
/* "defer-hard-irqs 2 gro-flush-timeout 20000" */
void coal_napi_str(const struct coal_napi *nd, char *buf, size_t len);

/* --- coalesce_save.c --- */

/* Every settable field equal?  On false, the first differing field's name. */
bool coal_equal(const struct ethtool_coalesce *a, const struct ethtool_coalesce *b,
		const char **field);

/*
 * The save file: one JSON line.  coal_save creates it exclusively (-EEXIST
 * when a save of that device is there: a sweep did not finish), mode 0600,
 * and fsyncs it.  coal_load: 0, -errno, or -EBADMSG for a file that is not a
 * save file of livelock-trace.
 */
int coal_save(const char *path, const struct coal_saved *sv);
int coal_load(const char *path, struct coal_saved *sv);
/* Pure: the text of a save file (NUL-terminated) -> *sv; 0 or -EBADMSG. */
int coal_parse(const char *text, struct coal_saved *sv);
/* Default save path for a device: COAL_SAVE_DIR/coalesce-IFACE.json. */
void coal_default_path(const char *ifname, char *buf, size_t len);

/* --- coalesce_predict.c --- */

/*
 * What a setting should give.  A timer of U microseconds allows at most
 * 1e6/U interrupts a second; a frame count F one interrupt per F packets;
 * with both, whichever fires first.  coal_irq_cap: interrupts per packet
 * at most, at offered load lambda (1 without coalescing), or NAN when the
 * setting is adaptive or one of the driver's dynamic modes.
 *
 */
/* What the sweep table shows as predicted for a setting (from whatif.h). */
struct coal_pred {
	double irqs_per_pkt, pkts_per_irq, irq_share_pct, gamma_pps;
};
double coal_irq_cap(const struct ethtool_coalesce *ec, const char *driver, double lambda_pps);

/*
 * The delay coalescing adds before a packet reaches the stack, Poisson
 * arrivals at lambda.  Two kinds of timer:
 * - throttle (e1000, igb, ixgbe, i40e, ice: an interrupt throttle rate):
 *   rx-usecs U is the least gap between two interrupts.  A packet that finds
 *   the gap over interrupts at once; one that comes sooner waits for its end.
 *   Light load adds almost nothing; at lambda.U >> 1, U/2 on average.
 * - delay (the others): the timer starts on the first packet, which waits U
 *   (or until rx-frames packets are there); the later ones wait less.
 * *mean_s and *p99_s (the delay 99% of packets stay under, COAL_TAIL);
 * closed form for the mean, bisection on the closed-form tail for p99.
 * NAPI's masking is not in it: a packet arriving while a poll runs is
 * picked up by that poll, so these are upper bounds under heavy load.
 */
#define COAL_TAIL	0.01
enum coal_timer { COAL_TIMER_THROTTLE, COAL_TIMER_DELAY };
enum coal_timer coal_timer_of(const char *driver);
const char *coal_timer_name(enum coal_timer t);
bool coal_added_delay(enum coal_timer t, double usecs, double frames, double lambda_pps,
		      double *mean_s, double *p99_s);

#endif
