#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Installs what building and testing livelock-trace needs on Debian 12.
# Run it as root; as another user it runs itself again through sudo.
set -eu
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null; then
		exec sudo -- "$0" "$@"
	fi
	echo "deps: installing packages needs root, and there is no sudo: run scripts/deps.sh as root" >&2
	exit 1
fi
pkgs=(make gcc clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev libzstd-dev
      libcmocka-dev iproute2 ethtool python3 libcap2-bin util-linux
      qemu-system-x86 busybox-static cpio kmod xdp-tools libbpf-tools bpftrace prometheus nginx-light
      python3-docutils dpkg-dev libclang-rt-14-dev)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#pkgs[@]} packages present"
	exit 0
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
