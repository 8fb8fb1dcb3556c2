// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <string.h>
#include "model_cli.h"

#define US 1e-6

const char model_cli_help[] =
"Model parameters (paper section 4; defaults reproduce its Figure 4):\n"
"  --isr-us US        1/r, ISR time for one packet, NIC without DMA   [95 us]\n"
"  --isr-dma-us US    1/r of the NIC with DMA                          [40 us]\n"
"  --copy-us US       1/c, copy of each further packet inside the ISR  [55 us]\n"
"  --proto-us US      1/mu, protocol processing + delivery per packet  [150 us]\n"
"                     (0 for --isr-us/--copy-us: no interrupt cost, r, c -> inf)\n"
"  --buffer N         B, packets the system buffer holds (1..1000000)  [1000]\n"
"  --rate FROM:TO:STEP  arrival rates lambda in pps, or one rate  [1000:30000:1000]\n"
"  --dma on|off|both  which NIC models besides the ideal one            [both]\n";

void model_cli_defaults(struct model_cli *m)
{
	memset(m, 0, sizeof(*m));
	m->isr_us = 95;
	m->isr_dma_us = 40;
	m->copy_us = 55;
	m->proto_us = 150;
	m->buffer = 1000;
	m->rate.from = 1000;
	m->rate.to = 30000;
	m->rate.step = 1000;
	m->want[MODEL_IDEAL] = m->want[MODEL_NODMA] = m->want[MODEL_DMA] = true;
}

enum { DMA_ON, DMA_OFF, DMA_BOTH };
static const struct cli_word dma_words[] = {
	{ "on", DMA_ON }, { "off", DMA_OFF }, { "both", DMA_BOTH }, { NULL, 0 },
};

/* 0, or a time from MODEL_CLI_MIN_US to MODEL_CLI_MAX_US. */
static bool parse_time(const char *arg, const char *opt, bool zero_ok, double *out)
{
	double v;

	if (!num_parse_double(arg, opt, 0, MODEL_CLI_MAX_US, &v))
		return false;
	if ((v == 0 && !zero_ok) || (v != 0 && v < MODEL_CLI_MIN_US)) {
		cli_usage("bad value '%s' for %s: expected %sa time from %g to %g us", arg, opt,
			  zero_ok ? "0 or " : "", MODEL_CLI_MIN_US, MODEL_CLI_MAX_US);
		return false;
	}
	*out = v;
	return true;
}

enum model_cli_result model_cli_option(struct model_cli *m, int opt, const char *arg)
{
	int dma;
	bool ok;

	switch (opt) {
	case MODEL_OPT_ISR:
		ok = parse_time(arg, "--isr-us", true, &m->isr_us);
		break;
	case MODEL_OPT_ISR_DMA:
		ok = parse_time(arg, "--isr-dma-us", true, &m->isr_dma_us);
		break;
	case MODEL_OPT_COPY:
		ok = parse_time(arg, "--copy-us", true, &m->copy_us);
		break;
	case MODEL_OPT_PROTO:
		ok = parse_time(arg, "--proto-us", false, &m->proto_us);
		break;
	case MODEL_OPT_BUFFER:
		ok = num_parse_u64(arg, "--buffer", 1, MODEL_MAX_BUFFER, &m->buffer);
		break;
	case MODEL_OPT_RATE:
		ok = num_parse_range(arg, "--rate", MODEL_CLI_MAX_RATE, &m->rate);
		break;
	case MODEL_OPT_DMA:
		ok = cli_word(arg, "--dma", dma_words, &dma);
		if (ok) {
			m->want[MODEL_NODMA] = dma != DMA_ON;
			m->want[MODEL_DMA] = dma != DMA_OFF;
		}
		break;
	default:
		return MODEL_CLI_NOT_MINE;
	}
	return ok ? MODEL_CLI_OK : MODEL_CLI_BAD;
}

enum model_cli_result model_cli_getopt(struct model_cli *m, const char *cmd, int opt,
				       char **argv)
{
	if (opt == ':' || opt == '?') {
		cli_getopt_error(cmd, opt, argv);
		return MODEL_CLI_BAD;
	}
	return model_cli_option(m, opt, optarg);
}

bool model_cli_no_extra(const char *cmd, int argc, char **argv)
{
	if (optind >= argc)
		return true;
	cli_usage("%s: unexpected argument '%s' (see --help)", cmd, argv[optind]);
	return false;
}

bool model_cli_finish(const struct model_cli *m)
{
	if (num_range_points(&m->rate) > MODEL_CLI_MAX_POINTS) {
		cli_usage("--rate %g:%g:%g has %llu points: at most %d, use a larger STEP",
			m->rate.from, m->rate.to, m->rate.step,
			(unsigned long long)num_range_points(&m->rate), MODEL_CLI_MAX_POINTS);
		return false;
	}
	return true;
}

struct model_params model_cli_params(const struct model_cli *m, enum model_kind kind)
{
	struct model_params p = {
		.isr_s = (kind == MODEL_DMA ? m->isr_dma_us : m->isr_us) * US,
		.copy_s = kind == MODEL_NODMA ? m->copy_us * US : 0,
		.proto_s = m->proto_us * US,
		.buffer = (double)m->buffer,
	};

	if (kind == MODEL_IDEAL)
		p.isr_s = 0;
	return p;
}
