// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* `livelock-trace simulate`: the discrete-event check of the analysis (paper section 5). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "commands.h"
#include "json.h"
#include "model_cli.h"
#include "sim.h"

#define DEFAULT_PACKETS	1000000
#define MAX_PACKETS	10000000000ULL
#define MIN_PACKETS	1000	/* enough for warm-up and 30 batches */
#define MAX_SECONDS	1e6
#define MAX_BURST	1e4
#define DEFAULT_BURST	8
#define DEFAULT_SEED	1
#define PROGRESS_AFTER_S	2	/* runs shorter than this stay quiet */
#define PROGRESS_EVERY_S	0.25
/* Fewer deliveries than this expected over the measured time: a transient, not a result. */
#define MIN_EXPECTED_DELIVERIES	300

enum { OPT_SERVICE = 1, OPT_ARRIVALS, OPT_BURST, OPT_PACKETS, OPT_SECONDS,
       OPT_SEED, OPT_JSON };

static void usage(FILE *f)
{
	fprintf(f,
"Usage: livelock-trace simulate [OPTIONS]\n"
"\n"
"Discrete-event simulation of the receive-livelock system: one CPU, a buffer of\n"
"B packets, ISRs that preempt protocol processing (without DMA every packet\n"
"arriving during an ISR extends it by a copy; with DMA it is absorbed).  Each\n"
"row shows the simulated throughput with its 99%% confidence half-width (30\n"
"batch means after a 10%% warm-up) beside the analysis of `model`.\n"
"\n%s"
"\nSimulation:\n"
"  --service exp|const       ISR, copy and protocol times exponential or constant [exp]\n"
"  --arrivals poisson|bursty Poisson, or batch-Poisson with geometric batches  [poisson]\n"
"  --burst N                 mean batch size for bursty arrivals (packets)     [%d]\n"
"  --packets N               arrivals simulated per rate and model             [%d]\n"
"  --seconds T               or this much simulated time per rate and model (s)\n"
"  --seed S                  random seed; the same seed gives the same numbers [%d]\n"
"  --json                    JSON Lines: one object per rate and model\n"
"  -h, --help                this help;  --version  the version and commit\n"
"\nExamples:\n"
"  livelock-trace simulate --rate 2000:20000:2000            # Figure 4, checked\n"
"  livelock-trace simulate --service const --dma off --rate 10000\n"
"  livelock-trace simulate --proto-us 100 --arrivals bursty --burst 16 --json\n",
		model_cli_help, DEFAULT_BURST, DEFAULT_PACKETS, DEFAULT_SEED);
}

static const struct cli_word service_words[] = {
	{ "exp", SIM_EXP }, { "const", SIM_CONST }, { NULL, 0 },
};
static const struct cli_word arrival_words[] = {
	{ "poisson", SIM_POISSON }, { "bursty", SIM_BURSTY }, { NULL, 0 },
};

/* Set by SIGINT or SIGTERM: the running row stops with what it has. */
static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
	stop_signal = sig;
}

static void catch_stop_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* Progress on stderr: only on a terminal, only once the run has taken PROGRESS_AFTER_S. */
struct progress {
	bool tty, shown;
	double start, last;
	uint64_t row, rows;
	const struct sim_config *c;
};

static void show_progress(void *arg, double share)
{
	struct progress *p = arg;
	double now = cli_now_s(), done, left;

	if (!p->tty || now - p->start < PROGRESS_AFTER_S || now - p->last < PROGRESS_EVERY_S)
		return;
	p->last = now;
	p->shown = true;
	done = ((double)p->row + fmin(fmax(share, 0), 1)) / (double)p->rows;
	left = done > 0 ? (now - p->start) * (1 - done) / done : NAN;
	fprintf(stderr, "\rsimulating row %llu/%llu (%s at %g pps): %3.0f%% of the run, about %.0f s left  ",
		(unsigned long long)p->row + 1, (unsigned long long)p->rows, model_kind_name(p->c->kind),
		p->c->lambda, 100 * done, isfinite(left) ? left : 0);
}

static void clear_progress(struct progress *p)
{
	if (p->shown)
		fprintf(stderr, "\r\033[K");
	p->shown = false;
}

/*
 * Too short to mean anything: over the measured time the analysis expects
 * fewer than MIN_EXPECTED_DELIVERIES deliveries (0.0 +- 0.0 against 6,667 at
 * 1e9 pps and 1,000 packets).  *seconds: what would be enough.
 */
static bool too_few_packets(double ana, const struct sim_result *r, double *seconds)
{
	*seconds = ana > 0 ? MIN_EXPECTED_DELIVERIES / ana / 0.9 : NAN;	/* 0.9: after warm-up */
	return ana > 0 && ana * r->sim_seconds < MIN_EXPECTED_DELIVERIES;
}

static void print_row(bool json, const struct sim_config *c, const struct sim_result *r)
{
	double ana = model_throughput(c->kind, &c->p, c->lambda), need;
	double diff = ana > 0 ? 100 * (r->throughput_pps - ana) / ana : NAN;
	bool few = too_few_packets(ana, r, &need);
	struct json j;

	if (json) {
		json_begin(&j, stdout);
		json_dblp(&j, "lambda_pps", c->lambda, 2);
		json_str(&j, "model", model_kind_name(c->kind));
		json_dblp(&j, "throughput_pps", r->throughput_pps, 2);
		json_dblp(&j, "ci_pps", r->ci_pps, 2);
		json_dblp(&j, "analysis_pps", ana, 2);
		json_dblp(&j, "diff_pct", diff, 3);
		json_dblp(&j, "loss_rate", r->loss_rate, 6);
		json_dblp(&j, "isr_share", r->isr_share, 6);
		json_dblp(&j, "batch_mean", r->batch_mean, 4);
		json_u64(&j, "events", r->events);
		json_u64(&j, "arrivals", r->arrivals);
		json_u64(&j, "delivered", r->delivered);
		json_u64(&j, "dropped", r->dropped);
		json_u64(&j, "in_system", r->in_system);
		json_dblp(&j, "sim_seconds", r->sim_seconds, 6);
		json_bool(&j, "too_few_packets", few);
		if (few)
			json_dbl(&j, "seconds_needed", need);
		json_bool(&j, "partial", r->partial);
		json_end(&j);
		return;
	}
	printf("%12.0f %-6s %11.1f", c->lambda, model_kind_name(c->kind), r->throughput_pps);
	if (isfinite(r->ci_pps))
		printf(" %9.1f", r->ci_pps);
	else
		printf(" %9s", "-");
	printf(" %13.1f", ana);
	if (isfinite(diff))
		printf(" %8.2f", diff);
	else
		printf(" %8s", "-");
	printf(" %8.2f %7.1f", 100 * r->loss_rate, 100 * r->isr_share);
	if (isfinite(r->batch_mean))
		printf(" %8.4g", r->batch_mean);
	else
		printf(" %8s", "-");
	if (few)
		printf("  too few packets for the rate (try --seconds %.3g)", need);
	if (r->partial)
		printf("  partial: stopped after %.6g s simulated", r->sim_seconds);
	printf("\n");
}

int cmd_simulate(int argc, char **argv)
{
	static const struct option longopts[] = {
		MODEL_CLI_LONGOPTS,
		{ "service",  required_argument, NULL, OPT_SERVICE },
		{ "arrivals", required_argument, NULL, OPT_ARRIVALS },
		{ "burst",    required_argument, NULL, OPT_BURST },
		{ "packets",  required_argument, NULL, OPT_PACKETS },
		{ "seconds",  required_argument, NULL, OPT_SECONDS },
		{ "seed",     required_argument, NULL, OPT_SEED },
		{ "json",     no_argument,       NULL, OPT_JSON },
		{ "help",     no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sim_config c = { .service = SIM_EXP, .arrivals = SIM_POISSON,
				.burst = DEFAULT_BURST, .packets = DEFAULT_PACKETS,
				.seed = DEFAULT_SEED };
	struct model_cli m;
	struct progress pr = { 0 };
	const char *length_opt = NULL, *current = "";
	bool json = false;
	uint64_t n;
	int opt, choice;

	model_cli_defaults(&m);
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (model_cli_getopt(&m, "simulate", opt, argv)) {
		case MODEL_CLI_OK:
			continue;
		case MODEL_CLI_BAD:
			return LT_EXIT_USAGE;
		case MODEL_CLI_NOT_MINE:
			break;
		}
		switch (opt) {
		case OPT_SERVICE:
			if (!cli_word(optarg, "--service", service_words, &choice))
				return LT_EXIT_USAGE;
			c.service = choice;
			break;
		case OPT_ARRIVALS:
			if (!cli_word(optarg, "--arrivals", arrival_words, &choice))
				return LT_EXIT_USAGE;
			c.arrivals = choice;
			break;
		case OPT_BURST:
			if (!num_parse_double(optarg, "--burst", 1, MAX_BURST, &c.burst))
				return LT_EXIT_USAGE;
			break;
		case OPT_PACKETS:
			if (!cli_exclusive(&length_opt, "--packets") ||
			    !num_parse_u64(optarg, "--packets", MIN_PACKETS, MAX_PACKETS, &c.packets))
				return LT_EXIT_USAGE;
			c.seconds = 0;
			break;
		case OPT_SECONDS:
			if (!cli_exclusive(&length_opt, "--seconds") ||
			    !num_parse_double_gt(optarg, "--seconds", 0, MAX_SECONDS, &c.seconds))
				return LT_EXIT_USAGE;
			c.packets = 0;
			break;
		case OPT_SEED:
			if (!num_parse_u64(optarg, "--seed", 0, UINT64_MAX, &c.seed))
				return LT_EXIT_USAGE;
			break;
		case OPT_JSON:
			json = true;
			break;
		case 'h':
			usage(stdout);
			return LT_EXIT_OK;
		}
	}
	if (!model_cli_no_extra("simulate", argc, argv) || !model_cli_finish(&m))
		return LT_EXIT_USAGE;

	n = num_range_points(&m.rate);
	pr.rows = n * (uint64_t)(m.want[MODEL_NODMA] + m.want[MODEL_DMA] + 1);
	pr.tty = isatty(STDERR_FILENO);
	pr.start = cli_now_s();
	pr.c = &c;
	c.progress = show_progress;
	c.progress_arg = &pr;
	c.stop = &stop_signal;
	catch_stop_signals();
	if (!json)
		printf("%12s %-6s %11s %9s %13s %8s %8s %7s %8s\n", "lambda(pps)", "model",
		       "sim(pps)", "ci99(pps)", "analysis(pps)", "diff(%)", "loss(%)",
		       "isr(%)", "batch");
	for (uint64_t i = 0; i < n && !stop_signal; i++) {
		for (int k = 0; k < MODEL_KINDS && !stop_signal; k++) {
			struct sim_result r;
			int err;

			if (!m.want[k])
				continue;
			c.kind = k;
			c.p = model_cli_params(&m, k);
			c.lambda = num_range_at(&m.rate, i);
			err = sim_run(&c, &r);
			clear_progress(&pr);
			if (err == -EINTR) {
				current = "; the current one stopped before it began";
				break;
			}
			if (err) {
				cli_err("simulate: cannot simulate lambda %g pps: %s", c.lambda, strerror(-err));
				return LT_EXIT_ENV;
			}
			print_row(json, &c, &r);
			if (r.partial)
				current = ", and the current one as far as it got (partial)";
			else
				pr.row++;
		}
	}
	fflush(stdout);
	if (stop_signal) {
		cli_err("simulate: stopped by %s: %llu of %llu rows done%s", strsignal(stop_signal),
			(unsigned long long)pr.row, (unsigned long long)pr.rows, current);
		return 128 + stop_signal;
	}
	return LT_EXIT_OK;
}
