// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Where the kernel's types come from, for CO-RE relocation: the kernel's own
 * BTF (/sys/kernel/btf/vmlinux, CONFIG_DEBUG_INFO_BTF=y), a file named with
 * --btf, or a file for this release in the BTFHub-style directories (one
 * RELEASE.btf per kernel, as btfhub-archive's DISTRO/VERSION/ARCH/RELEASE.btf
 * unpacks).  The file is parsed here, so a bad one is one line before anything
 * is loaded or attached.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "probe.h"
#include "probe_priv.h"

bool probe_parse_attach(const char *word, enum probe_attach *out)
{
	if (!strcmp(word, "auto"))
		*out = PROBE_ATTACH_AUTO;
	else if (!strcmp(word, "raw_tp"))
		*out = PROBE_ATTACH_RAW_TP;
	else
		return false;
	return true;
}

/* A file libbpf reads as BTF (raw or ELF with .BTF) that has types in it. */
static int check_btf(const char *path, const char **msg)
{
	static char line[512];
	struct btf *b;
	int err;

	if (access(path, R_OK)) {
		err = -errno;
		snprintf(line, sizeof(line), "cannot read BTF file %s", path);
		*msg = line;
		return err;
	}
	b = btf__parse(path, NULL);
	err = libbpf_get_error(b);
	if (!err && btf__type_cnt(b) < 2)
		err = -ENODATA;
	btf__free(err ? NULL : b);
	if (err) {
		err = -EINVAL;	/* libbpf's own codes (-4001 ...) have no strerror */
		snprintf(line, sizeof(line), "%s is not a BTF file (want raw BTF, as %s, or an ELF with a .BTF section)",
			 path, PROBE_KERNEL_BTF);
		*msg = line;
	}
	return err;
}

int probe_btf_find(const char *want, char *buf, size_t len, bool *external, const char **msg)
{
	static const char *const dirs[] = { PROBE_BTF_DIRS };
	static char line[512];
	struct utsname u;

	*msg = NULL;
	*external = true;
	if (want) {
		snprintf(buf, len, "%s", want);
		return check_btf(buf, msg);
	}
	if (!access(PROBE_KERNEL_BTF, R_OK)) {
		*external = false;
		snprintf(buf, len, "%s", PROBE_KERNEL_BTF);
		return 0;
	}
	if (uname(&u))
		snprintf(u.release, sizeof(u.release), "RELEASE");
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(buf, len, "%s/%s.btf", dirs[i], u.release);
		if (!access(buf, F_OK))
			return check_btf(buf, msg);
	}
	snprintf(line, sizeof(line),
		 "this kernel has no BTF (%s): install its BTF as %s/%s.btf (BTFHub: btfhub-archive/DISTRO/VERSION/x86_64/%s.btf.tar.xz), or pass --btf FILE",
		 PROBE_KERNEL_BTF, dirs[0], u.release, u.release);
	*msg = line;
	return -ENOENT;
}

/*
 * A tracepoint the kernel has, whatever BTF and tracefs say: its
 * __traceiter_NAME function in /proc/kallsyms (5.10+; the __tracepoint_NAME
 * data symbols are listed only with CONFIG_KALLSYMS_ALL).  For raw_tp with a BTF that has
 * no btf_trace_* types (a minimal one from bpftool gen min_core_btf) on a
 * machine without tracefs.  The names are read once.
 */
bool probe_tp_in_kallsyms(const char *tp)
{
	static char *names;	/* "\nNAME\nNAME\n...", NULL until read */
	static size_t len;
	char line[256], sym[160], want[160];

	if (!names) {
		FILE *f = fopen("/proc/kallsyms", "r");
		size_t cap = 1;

		names = calloc(1, 2);
		if (!names || !f) {
			if (f)
				fclose(f);
			return false;
		}
		names[len++] = '\n';
		while (fgets(line, sizeof(line), f)) {
			size_t n, skip;
			char *tmp;

			if (sscanf(line, "%*s %*s %159s", sym) != 1)
				continue;
			if (!strncmp(sym, "__traceiter_", 12))
				skip = 12;
			else if (!strncmp(sym, "__tracepoint_", 13))
				skip = 13;
			else
				continue;
			n = strlen(sym + skip);
			if (len + n + 2 > cap) {
				cap = (cap + n + 2) * 2;
				tmp = realloc(names, cap);
				if (!tmp)
					break;
				names = tmp;
			}
			memcpy(names + len, sym + skip, n);
			len += n;
			names[len++] = '\n';
			names[len] = '\0';
		}
		fclose(f);
	}
	snprintf(want, sizeof(want), "\n%s\n", tp);
	return strstr(names, want) != NULL;
}
