#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# make install / uninstall into a DESTDIR, and make deb: its contents, its
# Depends, apt accepting it, and dpkg installing and removing it in a root of
# its own (dpkg --root, with a copy of this host's package database, so
# nothing is installed on the host).
source "$(dirname "$0")/../lib.sh"

VERSION=$(sed -n 's/^#define LT_VERSION "\(.*\)"/\1/p' "$LT_ROOT/src/version.h")
# What an install holds, below PREFIX (the unit below SYSTEMDUNITDIR).
FILES="sbin/livelock-trace
share/bash-completion/completions/livelock-trace
share/livelock-trace/grafana/livelock-dashboard.json
share/livelock-trace/prometheus/livelock.rules.test.yml
share/livelock-trace/prometheus/livelock.rules.yml
share/man/man8/livelock-trace.8"
UNIT=livelock-trace-exporter.service

mk() { make -s --no-print-directory -C "$LT_ROOT" "$@"; }

files_under() {	# DIR: every file and link, relative, sorted
	(cd "$1" && find . \( -type f -o -type l \) -printf '%P\n' | sort)
}

need_rst2man() {
	command -v rst2man >/dev/null || { lt_skip "rst2man not installed (python3-docutils, scripts/deps.sh)"; return 1; }
}

test_install_destdir() {
	need_rst2man || return
	local d
	d=$(mktemp -d); trap 'rm -rf "$d"; lt_teardown' EXIT
	mk install DESTDIR="$d" >/dev/null || { lt_fail "make install DESTDIR=$d failed"; return; }
	lt_assert_eq "$(files_under "$d" | tr '\n' ' ')" \
		"$( (printf '%s\n' "$FILES" | sed 's|^|usr/local/|'; echo "usr/local/lib/systemd/system/$UNIT") | sort | tr '\n' ' ')" \
		"files of make install (PREFIX /usr/local)" || return
	lt_assert_eq "$("$d/usr/local/sbin/livelock-trace" --version | cut -d' ' -f1-2)" "livelock-trace $VERSION" \
		"installed binary --version" || return
	lt_assert_eq "$(stat -c %a "$d/usr/local/sbin/livelock-trace") $(stat -c %a "$d/usr/local/share/man/man8/livelock-trace.8")" \
		"755 644" "modes of the binary and the man page" || return
	lt_assert_eq "$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$d/usr/local/lib/systemd/system/$UNIT")" \
		/usr/local/sbin/livelock-trace "the unit's ExecStart" || return
	grep -q '^\.TH "\?LIVELOCK-TRACE"\? "\?8"\?' "$d/usr/local/share/man/man8/livelock-trace.8" ||
		{ lt_fail "the man page has no .TH LIVELOCK-TRACE 8"; return; }
	grep -q '^\.SH "\?EXIT STATUS' "$d/usr/local/share/man/man8/livelock-trace.8" ||
		{ lt_fail "the man page has no EXIT STATUS section"; return; }
	sed 's/\\-/-/g' "$d/usr/local/share/man/man8/livelock-trace.8" | grep -qF "/usr/local/lib/systemd/system/$UNIT" ||
		{ lt_fail "FILES does not name the installed unit"; return; }
	bash -c 'source "$1" && complete -p livelock-trace' _ "$d/usr/local/share/bash-completion/completions/livelock-trace" \
		>/dev/null || { lt_fail "the installed completion does not register for livelock-trace"; return; }
	mk uninstall DESTDIR="$d" >/dev/null || { lt_fail "make uninstall failed"; return; }
	lt_assert_eq "$(files_under "$d" | wc -l)" 0 "files left after make uninstall" || return
	[ ! -d "$d/usr/local/share/livelock-trace" ] || lt_fail "share/livelock-trace left after make uninstall"
}

test_install_prefix() {
	need_rst2man || return
	local d
	d=$(mktemp -d); trap 'rm -rf "$d"; lt_teardown' EXIT
	mk install DESTDIR="$d" PREFIX=/opt/lt >/dev/null || { lt_fail "make install PREFIX=/opt/lt failed"; return; }
	lt_assert_eq "$(files_under "$d" | grep -vc '^opt/lt/')" 0 "files outside PREFIX /opt/lt" || return
	lt_assert_eq "$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$d/opt/lt/lib/systemd/system/$UNIT")" \
		/opt/lt/sbin/livelock-trace "the unit's ExecStart under /opt/lt" || return
	"$d/opt/lt/sbin/livelock-trace" model --rate 10000 --json | grep -q '"lambda_pps":10000' ||
		lt_fail "the installed binary does not run model"
}

deb_file() { echo "$LT_ROOT/build/livelock-trace_${VERSION}_$(dpkg --print-architecture).deb"; }

need_deb_tools() {
	need_rst2man || return 1
	command -v dpkg-deb >/dev/null && command -v dpkg-shlibdeps >/dev/null ||
		{ lt_skip "dpkg-deb or dpkg-shlibdeps missing (dpkg-dev, scripts/deps.sh)"; return 1; }
}

test_deb_contents_and_depends() {
	need_deb_tools || return
	local deb lib pkg path depends
	mk deb >/dev/null || { lt_fail "make deb failed"; return; }
	deb=$(deb_file)
	[ -f "$deb" ] || { lt_fail "make deb made no $deb"; return; }
	lt_assert_eq "$(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ {sub(/^\.\//, "", $6); print $6}' | sort | tr '\n' ' ')" \
		"$( (printf '%s\n' "$FILES" | sed 's|^|usr/|; s|\.8$|.8.gz|'; echo "lib/systemd/system/$UNIT";
		    echo usr/share/doc/livelock-trace/copyright) | sort | tr '\n' ' ')" "files of the .deb" || return
	lt_assert_eq "$(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version) $(dpkg-deb -f "$deb" Architecture)" \
		"livelock-trace $VERSION $(dpkg --print-architecture)" "Package, Version, Architecture" || return
	depends=$(dpkg-deb -f "$deb" Depends)
	# every library the binary loads directly comes from a package it depends on
	for lib in $(objdump -p "$LT_ROOT/build/deb/root/usr/sbin/livelock-trace" | awk '$1 == "NEEDED" {print $2}'); do
		path=$(ldconfig -p | awk -v l="$lib" '$1 == l && /x86-64|64bit/ {print $NF; exit}')
		[ -n "$path" ] || path=$(ldconfig -p | awk -v l="$lib" '$1 == l {print $NF; exit}')
		# by the multiarch directory and name: /lib and /usr/lib are one on merged-/usr systems
		pkg=$(dpkg -S "*/$(basename "$(dirname "$path")")/$lib" 2>/dev/null | head -n1 | cut -d: -f1)
		[ -n "$pkg" ] || { lt_fail "no package owns $lib"; return; }
		[[ ", $depends," == *", $pkg "* || ", $depends," == *", $pkg,"* ]] ||
			{ lt_fail "$lib is from $pkg, not in Depends: $depends"; return; }
		lt_log "ok: $lib from $pkg, in Depends"
	done
	[[ "$depends" == *libbpf1* ]] || lt_fail "Depends without libbpf1: $depends"
}

test_deb_apt_resolves() {
	need_deb_tools || return
	command -v apt-get >/dev/null || { lt_skip "no apt-get"; return; }
	mk deb >/dev/null || { lt_fail "make deb failed"; return; }
	local out
	# --simulate: apt resolves the package's Depends against this system and installs nothing
	out=$(apt-get install --simulate -o Debug::NoLocking=1 "$(deb_file)" 2>&1) ||
		{ lt_fail "apt-get install --simulate: $(echo "$out" | tail -n2 | tr '\n' ' ')"; return; }
	echo "$out" | grep -q '^Inst livelock-trace' || dpkg -s livelock-trace >/dev/null 2>&1 ||
		lt_fail "apt would not install it: $(echo "$out" | tail -n2 | tr '\n' ' ')"
}

# A dpkg root holding this host's package database (status only: no
# triggers, no maintainer scripts of others), with STATUS_FILTER applied.
make_dpkg_root() {	# DIR [PACKAGE-TO-DROP]
	mkdir -p "$1/var/lib/dpkg/info" "$1/var/lib/dpkg/updates" "$1/var/lib/dpkg/triggers"
	touch "$1/var/lib/dpkg/available"
	if [ -n "${2:-}" ]; then
		awk -v drop="$2" 'BEGIN{RS=""; ORS="\n\n"} $0 !~ ("^Package: " drop "\n")' \
			/var/lib/dpkg/status >"$1/var/lib/dpkg/status"
	else
		cp /var/lib/dpkg/status "$1/var/lib/dpkg/status"
	fi
}

test_deb_dpkg_install_remove() {
	need_deb_tools || return
	[ "$(id -u)" = 0 ] || { lt_skip "dpkg --root needs root"; return; }
	local r deb left
	mk deb >/dev/null || { lt_fail "make deb failed"; return; }
	deb=$(deb_file)
	r=$(mktemp -d); trap 'rm -rf "$r"; lt_teardown' EXIT
	make_dpkg_root "$r"
	dpkg --root="$r" -i "$deb" >"$r/log" 2>&1 || { lt_fail "dpkg -i: $(tail -n3 "$r/log" | tr '\n' ' ')"; return; }
	lt_assert_eq "$(dpkg --root="$r" -s livelock-trace 2>/dev/null | sed -n 's/^Status: //p')" \
		"install ok installed" "status after dpkg -i" || return
	lt_assert_eq "$("$r/usr/sbin/livelock-trace" --version | cut -d' ' -f1-2)" "livelock-trace $VERSION" \
		"the installed binary's --version" || return
	zcat "$r/usr/share/man/man8/livelock-trace.8.gz" | grep -q '^\.SH "\?EXAMPLES' ||
		{ lt_fail "the installed man page has no EXAMPLES"; return; }
	lt_assert_eq "$(dpkg --root="$r" -L livelock-trace | grep -c "^/lib/systemd/system/$UNIT\$")" 1 \
		"the unit in dpkg's file list" || return
	dpkg --root="$r" --purge livelock-trace >"$r/log" 2>&1 || { lt_fail "dpkg --purge: $(tail -n3 "$r/log")"; return; }
	left=$(cd "$r" && find . -path ./var -prune -o \( -type f -o -type l \) -print | grep -v '^./log$')
	lt_assert_eq "$left" "" "files left after dpkg --purge" || return
	lt_assert_eq "$(cd "$r" && find . -path ./var -prune -o -type d -name 'livelock-trace*' -print)" "" \
		"directories left after dpkg --purge" || return
	dpkg --root="$r" -s livelock-trace >/dev/null 2>&1 && lt_fail "still known to dpkg after --purge"
	return 0
}

test_deb_refused_without_libbpf() {
	need_deb_tools || return
	[ "$(id -u)" = 0 ] || { lt_skip "dpkg --root needs root"; return; }
	local r
	mk deb >/dev/null || { lt_fail "make deb failed"; return; }
	r=$(mktemp -d); trap 'rm -rf "$r"; lt_teardown' EXIT
	make_dpkg_root "$r" libbpf1
	if dpkg --root="$r" -i "$(deb_file)" >"$r/log" 2>&1; then
		lt_fail "dpkg installed it into a root without libbpf1"
		return
	fi
	grep -q 'depends on libbpf1' "$r/log" || lt_fail "dpkg refused it, but not for libbpf1: $(tail -n3 "$r/log")"
}

lt_run_tests
