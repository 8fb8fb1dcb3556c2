#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# What every command shares (src/main.c, src/cli.c): --version, a mistyped
# command, a failed write of stdout, conflicting options, and the privilege
# check's message for root in a user namespace.  No root needed.
. "$(dirname "$0")/../lib.sh"

test_version_everywhere() {
	local want cmd out
	want=$(git -C "$LT_ROOT" describe --always --dirty 2>/dev/null || echo unknown)
	out=$("$LT_BIN" --version) || { lt_fail "--version exit $?"; return; }
	case "$out" in "livelock-trace "[0-9]*" (commit "*")") ;; *) lt_fail "version line: $out"; return ;; esac
	# the binary may predate the last commit: it names some commit, and one git knows
	case "$want" in unknown) ;; *)
		local id=${out##*commit }; id=${id%)}; id=${id%-dirty}
		git -C "$LT_ROOT" cat-file -e "$id^{commit}" 2>/dev/null || git -C "$LT_ROOT" cat-file -e "${id##*-g}^{commit}" 2>/dev/null ||
			{ lt_fail "commit '$id' is not in this repository"; return; } ;;
	esac
	for cmd in model simulate compare sweep forecast exporter plot; do
		lt_assert_eq "$("$LT_BIN" $cmd --version)" "$out" "$cmd --version" || return
	done
	lt_assert_eq "$("$LT_BIN" lo --version)" "$out" "live --version"
}

test_mistyped_command() {
	local err rc word
	for word in "modle model" "compre compare" "simulat simulate" "swep sweep" "plto plot"; do
		err=$("$LT_BIN" ${word% *} 2>&1 >/dev/null); rc=$?
		lt_assert_eq "$rc" 2 "exit code of '${word% *}'" &&
		lt_assert_eq "$err" "livelock-trace: unknown command '${word% *}'; did you mean '${word#* }'? (see --help)" \
			"message for '${word% *}'" || return
	done
}

test_stdout_write_failure() {
	local err rc
	err=$("$LT_BIN" model 2>&1 >/dev/full); rc=$?
	lt_assert_eq "$rc" 1 "exit code of model >/dev/full" &&
	lt_assert_eq "$(printf '%s\n' "$err" | wc -l)" 1 "stderr lines" &&
	case "$err" in *"cannot write"*) ;; *) lt_fail "message: $err" ;; esac || return
	"$LT_BIN" compare "$LT_ROOT/tests/fixtures/records/usecs0.jsonl" >/dev/full 2>/dev/null; rc=$?
	lt_assert_eq "$rc" 1 "exit code of compare >/dev/full"
}

test_conflicting_options() {
	lt_assert_usage_error "model --csv --json" &&
	lt_assert_usage_error "model --json --csv" &&
	lt_assert_usage_error "simulate --packets 1000 --seconds 1" &&
	lt_assert_usage_error "simulate --seconds 1 --packets 1000" || return
	local err
	err=$("$LT_BIN" model --csv --json 2>&1 >/dev/null)
	lt_assert_eq "$err" "livelock-trace: --csv and --json exclude each other: give one" "message"
}

test_root_in_user_namespace() {
	local err rc
	unshare -Ur true 2>/dev/null || { lt_skip "no user namespaces here"; return; }
	err=$(unshare -Ur "$LT_BIN" lo 1 1 2>&1 >/dev/null); rc=$?
	lt_assert_eq "$rc" 1 "exit code as root in a user namespace" &&
	lt_assert_eq "$(printf '%s\n' "$err" | wc -l)" 1 "stderr lines" &&
	case "$err" in *"user namespace"*CAP_BPF*"--cap-add"*) ;; *) lt_fail "message does not explain: $err" ;; esac
}

# getopt takes "-1" for an option: the live command says which number is out of range
test_negative_interval_and_count() {
	local err rc args
	for args in "lo -1:INTERVAL" "-1:INTERVAL" "-0.5 lo:INTERVAL" "lo 1 -1:COUNT" "1 -3:COUNT" "--json lo -2 5:INTERVAL"; do
		err=$(timeout 10 "$LT_BIN" ${args%:*} 2>&1 >/dev/null); rc=$?
		lt_assert_eq "$rc" 2 "exit code of '${args%:*}'" &&
		lt_assert_eq "$(printf '%s\n' "$err" | wc -l)" 1 "stderr lines of '${args%:*}'" &&
		case "$err" in "livelock-trace: bad value '-"*"' for ${args#*:}: expected "*) ;;
		*) lt_fail "'${args%:*}': $err"; return ;; esac || return
	done
}

# --exit-after-attach is for tests: it works, the user's --help does not show it
test_help_hides_test_hook() {
	local help
	help=$("$LT_BIN" --help) || { lt_fail "--help exit $?"; return; }
	case "$help" in *"--record FILE"*) ;; *) lt_fail "--help lacks --record"; return ;; esac
	lt_assert_eq "$(printf '%s\n' "$help" | grep -c -- '--exit-after-attach')" 0 "--exit-after-attach in --help" || return
	# still accepted: an unknown option would be exit 2 before the privilege check
	"$LT_BIN" --exit-after-attach --json -1 2>/dev/null; local rc=$?
	lt_assert_eq "$rc" 2 "a bad INTERVAL beside --exit-after-attach"
	local err
	err=$("$LT_BIN" --exit-after-attach --bogus 2>&1)
	lt_assert_eq "$err" "livelock-trace: unknown option '--bogus' (see --help)" "the hook is an option, --bogus is not"
}

lt_run_tests
