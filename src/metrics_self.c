// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The exporter's own cost (its BPF programs' run time, its CPU, memory and fds), and the whole page. */
#include <dirent.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "metrics.h"
#include "probe.h"

/* 1 when kernel.bpf_stats_enabled is on (never switched on here), 0 off, -1 unreadable. */
static int bpf_stats_enabled(void)
{
	FILE *f = fopen("/proc/sys/kernel/bpf_stats_enabled", "r");
	int on = -1;

	if (f) {
		if (fscanf(f, "%d", &on) != 1)
			on = -1;
		fclose(f);
	}
	return on;
}

static void render_bpf(struct http_buf *b, struct metrics_nic *const *nics, int n, bool om)
{
	static const char *const names[2] = { "livelock_exporter_bpf_run_seconds",
					      "livelock_exporter_bpf_runs" };
	static const char *const helps[2] = {
		"Run time of each loaded BPF program of the device's probes (kernel.bpf_stats_enabled=1 only)",
		"Runs of each loaded BPF program of the device's probes (kernel.bpf_stats_enabled=1 only)",
	};
	int on = bpf_stats_enabled();

	metrics_family(b, om, "livelock_exporter_bpf_stats_enabled", METRICS_GAUGE,
		       "kernel.bpf_stats_enabled as read (1 on, 0 off, -1 unreadable): the BPF run-time series exist only when 1");
	metrics_sample(b, "livelock_exporter_bpf_stats_enabled", "", NULL, NULL, NULL, NULL, NULL, on);
	for (int w = 0; w < 2; w++) {
		metrics_family(b, om, names[w], METRICS_COUNTER, helps[w]);
		for (int i = 0; on == 1 && i < n; i++) {
			struct bpf_object *obj = nics[i]->probe ? probe_object(nics[i]->probe) : NULL;
			struct bpf_program *prog;

			if (!obj)
				continue;
			bpf_object__for_each_program(prog, obj) {
				struct bpf_prog_info info = { 0 };
				__u32 len = sizeof(info);
				int fd = bpf_program__fd(prog);

				if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
					continue;
				metrics_sample(b, names[w], "_total", nics[i], "program",
					       bpf_program__name(prog), NULL, NULL,
					       w ? (double)info.run_cnt : (double)info.run_time_ns * 1e-9);
			}
		}
	}
}

static double resident_bytes(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long size, rss;
	int ok;

	if (!f)
		return -1;
	ok = fscanf(f, "%lu %lu", &size, &rss) == 2;
	fclose(f);
	return ok ? (double)rss * (double)sysconf(_SC_PAGESIZE) : -1;
}

static double open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	double n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n - 1;	/* not the directory's own fd */
}

void metrics_render_self(struct http_buf *b, struct metrics_nic *const *nics, int n,
			 const struct metrics_self *self, bool om)
{
	struct rusage ru;
	double v;

	render_bpf(b, nics, n, om);
	metrics_family(b, om, "livelock_exporter_sampling_ratio", METRICS_GAUGE,
		       "Share of each interval the per-event probes are attached (1 with --full)");
	metrics_sample(b, "livelock_exporter_sampling_ratio", "", NULL, NULL, NULL, NULL, NULL,
		       self->sampling_ratio);
	metrics_family(b, om, "livelock_exporter_interval_seconds", METRICS_GAUGE,
		       "Measurement interval");
	metrics_sample(b, "livelock_exporter_interval_seconds", "", NULL, NULL, NULL, NULL, NULL,
		       self->interval_s);
	metrics_family(b, om, "livelock_exporter_devices", METRICS_GAUGE, "Devices watched now");
	metrics_sample(b, "livelock_exporter_devices", "", NULL, NULL, NULL, NULL, NULL, self->devices);
	metrics_family(b, om, "livelock_exporter_http_requests", METRICS_COUNTER,
		       "HTTP requests answered, any status");
	metrics_sample(b, "livelock_exporter_http_requests", "_total", NULL, NULL, NULL, NULL, NULL,
		       (double)self->requests);
	if (!getrusage(RUSAGE_SELF, &ru)) {
		metrics_family(b, om, "process_cpu_seconds", METRICS_COUNTER,
			       "User and system CPU time of the exporter process");
		metrics_sample(b, "process_cpu_seconds", "_total", NULL, NULL, NULL, NULL, NULL,
			       (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
			       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6);
	}
	if ((v = resident_bytes()) >= 0) {
		metrics_family(b, om, "process_resident_memory_bytes", METRICS_GAUGE,
			       "Resident memory of the exporter process");
		metrics_sample(b, "process_resident_memory_bytes", "", NULL, NULL, NULL, NULL, NULL, v);
	}
	if ((v = open_fds()) >= 0) {
		metrics_family(b, om, "process_open_fds", METRICS_GAUGE,
			       "File descriptors the exporter process has open");
		metrics_sample(b, "process_open_fds", "", NULL, NULL, NULL, NULL, NULL, v);
	}
	metrics_family(b, om, "process_start_time_seconds", METRICS_GAUGE,
		       "Start time of the exporter process since the epoch");
	metrics_sample(b, "process_start_time_seconds", "", NULL, NULL, NULL, NULL, NULL,
		       self->start_time_s);
}

void metrics_render(struct http_buf *b, struct metrics_nic *const *nics, int n,
		    const struct metrics_self *self, bool openmetrics)
{
	metrics_render_nics(b, nics, n, openmetrics);
	metrics_render_self(b, nics, n, self, openmetrics);
	if (openmetrics)
		http_buf_put(b, "# EOF\n", 6);
}
