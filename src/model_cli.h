/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Model parameters on the command line, shared by `model` and `simulate`.
 * Times are microseconds as in the paper; 0 for --isr-us/--copy-us means
 * r or c -> infinity (section 3.4: no interrupt cost); any other time is
 * MODEL_CLI_MIN_US to MODEL_CLI_MAX_US.
 */
#ifndef LT_MODEL_CLI_H
#define LT_MODEL_CLI_H
#include <getopt.h>
#include <stdbool.h>
#include "model.h"
#include "cli.h"
#include "numparse.h"

#define MODEL_CLI_MAX_US	1e6	/* one second per packet is already absurd */
#define MODEL_CLI_MIN_US	1e-300	/* below, 1/x and lambda.x leave the doubles */
#define MODEL_CLI_MAX_RATE	1e9	/* packets per second */
#define MODEL_CLI_MAX_POINTS	1000000

enum model_cli_opt {
	MODEL_OPT_ISR = 0x1000,
	MODEL_OPT_ISR_DMA,
	MODEL_OPT_COPY,
	MODEL_OPT_PROTO,
	MODEL_OPT_BUFFER,
	MODEL_OPT_RATE,
	MODEL_OPT_DMA,
};

/* Append to a command's struct option table. */
#define MODEL_CLI_LONGOPTS						\
	{ "isr-us",     required_argument, NULL, MODEL_OPT_ISR },	\
	{ "isr-dma-us", required_argument, NULL, MODEL_OPT_ISR_DMA },	\
	{ "copy-us",    required_argument, NULL, MODEL_OPT_COPY },	\
	{ "proto-us",   required_argument, NULL, MODEL_OPT_PROTO },	\
	{ "buffer",     required_argument, NULL, MODEL_OPT_BUFFER },	\
	{ "rate",       required_argument, NULL, MODEL_OPT_RATE },	\
	{ "dma",        required_argument, NULL, MODEL_OPT_DMA }

struct model_cli {
	double isr_us, isr_dma_us, copy_us, proto_us;
	uint64_t buffer;
	struct num_range rate;
	bool want[MODEL_KINDS];		/* ideal is always wanted */
};

enum model_cli_result {
	MODEL_CLI_NOT_MINE,
	MODEL_CLI_OK,
	MODEL_CLI_BAD,		/* one line already printed; exit 2 */
};

/* Figure 4 of the paper: 1/r 95 us (40 us with DMA), 1/c 55 us, 1/mu 150 us, B 1000. */
void model_cli_defaults(struct model_cli *m);
enum model_cli_result model_cli_option(struct model_cli *m, int opt, const char *arg);
/*
 * One getopt_long() result of command `cmd`: the shared options, and getopt's
 * own errors (':' missing value, '?' unknown option: one line printed, BAD).
 * NOT_MINE leaves the option to the command.
 */
enum model_cli_result model_cli_getopt(struct model_cli *m, const char *cmd, int opt,
				       char **argv);
/* Every argument consumed?  Otherwise one line naming the first extra. */
bool model_cli_no_extra(const char *cmd, int argc, char **argv);
/* Checks that need every option (point count); prints one line on failure. */
bool model_cli_finish(const struct model_cli *m);
/* The parameters of one NIC model, in seconds. */
struct model_params model_cli_params(const struct model_cli *m, enum model_kind kind);
/* Help lines for the shared options. */
extern const char model_cli_help[];

#endif
