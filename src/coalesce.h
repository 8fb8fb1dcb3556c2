/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Interrupt coalescing of one device, in three files:
 * - coalesce.c: read (ETHTOOL_GCOALESCE), which receive parameters the
 *   driver accepts (ethtool netlink, read-only), apply one setting
 *   (ETHTOOL_SCOALESCE) and check its read-back, the drivers' quirks;
 * - coalesce_save.c: the save file of the original and the comparison of
 *   two whole settings.  The whole struct ethtool_coalesce is what is saved
 *   and restored, not only the fields a sweep changes;
 * - coalesce_predict.c: what a setting should give (pure).
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
	/* NAPI's deferral (sysfs napi_defer_hard_irqs, gro_flush_timeout): forecast only */
	bool has_defer, has_gro_flush;
	uint32_t defer_hard_irqs, gro_flush_ns;
};

/* What a save file holds besides the settings. */
struct coal_saved {
	char ifname[16];
	char driver[32];
	unsigned int ifindex;
	long pid;			/* the sweep that wrote it */
	struct ethtool_coalesce ec;
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
