#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Regenerates vmlinux/vmlinux.h, the CO-RE type header, from a kernel's BTF.
# The result is committed so that builds never need the build host's BTF.
#   scripts/gen-vmlinux.sh [BTF_FILE]   (default /sys/kernel/btf/vmlinux)
set -eu
btf=${1:-/sys/kernel/btf/vmlinux}
cd "$(dirname "$0")/.."
[ -r "$btf" ] || { echo "gen-vmlinux: cannot read $btf (kernel built without CONFIG_DEBUG_INFO_BTF?)" >&2; exit 1; }
bpftool btf dump file "$btf" format c > vmlinux/vmlinux.h.tmp
mv vmlinux/vmlinux.h.tmp vmlinux/vmlinux.h
echo "vmlinux/vmlinux.h from $btf ($(uname -r)): $(wc -l < vmlinux/vmlinux.h) lines"
