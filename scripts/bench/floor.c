// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Benchmark helper.  `floor OBJ PREFIX` loads the tracing programs of OBJ
 * whose names start with PREFIX and attaches them; `floor OBJ PREFIX --xdp
 * IFACE generic|native` attaches its XDP program instead, through a bpf_link.
 * Either says "attached" on stdout and holds on until SIGINT or SIGTERM.
 * `floor OBJ PREFIX --test-run N` runs each XDP program N times on a 64-byte
 * frame (BPF_PROG_TEST_RUN) and prints its name and mean ns per run.
 */
#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>

#define MAX_LINKS	32
#define FRAME_BYTES	64

static int usage(void)
{
	fprintf(stderr, "usage: floor OBJ.bpf.o PREFIX [--xdp IFACE generic|native | --test-run N]\n");
	return 2;
}

static int test_run(struct bpf_object *obj, unsigned long n)
{
	unsigned char frame[FRAME_BYTES] = { 0 };
	struct bpf_program *prog;

	frame[12] = 0x08;	/* an IPv4 ethertype: not that the programs look */
	bpf_object__for_each_program(prog, obj) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = sizeof(frame),
			    .repeat = (int)n);
		int err;

		if (!bpf_program__autoload(prog))
			continue;
		err = bpf_prog_test_run_opts(bpf_program__fd(prog), &o);
		if (err) {
			fprintf(stderr, "floor: test run of %s: %s\n", bpf_program__name(prog),
				strerror(-err));
			return 1;
		}
		printf("%s %u\n", bpf_program__name(prog), o.duration);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct bpf_link *links[MAX_LINKS];
	struct bpf_object *obj;
	struct bpf_program *prog;
	unsigned int ifindex = 0;
	unsigned long runs = 0;
	int n = 0, xdp_fd = -1, err, sig, rc = 1;
	__u32 xdp_flags = 0;
	const char *prefix;
	char *end;
	sigset_t set;

	if (argc == 6 && !strcmp(argv[3], "--xdp")) {
		ifindex = if_nametoindex(argv[4]);
		if (!ifindex) {
			fprintf(stderr, "floor: no interface %s\n", argv[4]);
			return 1;
		}
		if (!strcmp(argv[5], "generic"))
			xdp_flags = XDP_FLAGS_SKB_MODE;
		else if (!strcmp(argv[5], "native"))
			xdp_flags = XDP_FLAGS_DRV_MODE;
		else
			return usage();
	} else if (argc == 5 && !strcmp(argv[3], "--test-run")) {
		errno = 0;
		runs = strtoul(argv[4], &end, 10);
		if (errno || *end || !runs || runs > 1000000000ul)
			return usage();
	} else if (argc != 3) {
		return usage();
	}
	prefix = argv[2];
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "floor: cannot open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	bpf_object__for_each_program(prog, obj) {
		bool xdp = bpf_program__type(prog) == BPF_PROG_TYPE_XDP;

		bpf_program__set_autoload(prog, !strncmp(bpf_program__name(prog), prefix, strlen(prefix)) &&
						  xdp == (ifindex || runs));
	}
	err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "floor: cannot load %s: %s\n", argv[1], strerror(-err));
		goto out;
	}
	if (runs) {
		rc = test_run(obj, runs);
		goto out;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	bpf_object__for_each_program(prog, obj) {
		if (!bpf_program__autoload(prog))
			continue;
		if (ifindex) {
			LIBBPF_OPTS(bpf_link_create_opts, lo, .flags = xdp_flags);

			xdp_fd = bpf_link_create(bpf_program__fd(prog), ifindex, BPF_XDP, &lo);
			if (xdp_fd < 0) {
				fprintf(stderr, "floor: cannot attach XDP to %s: %s\n", argv[4],
					strerror(-xdp_fd));
				goto out;
			}
			continue;
		}
		if (n == MAX_LINKS)
			break;
		links[n] = bpf_program__attach(prog);
		if (!links[n]) {
			fprintf(stderr, "floor: cannot attach %s: %s\n", bpf_program__name(prog),
				strerror(errno));
			goto out;
		}
		n++;
	}
	printf("attached\n");
	fflush(stdout);
	sigwait(&set, &sig);
	rc = 0;
out:
	while (n > 0)
		bpf_link__destroy(links[--n]);
	bpf_object__close(obj);	/* the XDP link, if any, goes with the process */
	return rc;
}
