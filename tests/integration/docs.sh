#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The man page (docs/livelock-trace.8.rst) and the bash completion
# (contrib/bash-completion/livelock-trace) against the binary: every option
# of each command's --help is in the man page's section of that command and
# in the completion; every long option they add exists in the source; the
# words the completion offers are the ones the command's error message lists.
source "$(dirname "$0")/../lib.sh"

RST=$LT_ROOT/docs/livelock-trace.8.rst
COMPLETION=$LT_ROOT/contrib/bash-completion/livelock-trace
CMDS="live model simulate compare sweep forecast exporter plot"

# Options of a command's --help: the option rows (indented at most 4), their
# first column, and --version where a row names it; not those "(for tests)".
help_opts() {	# CMD
	local args=$1
	[ "$1" = live ] && args=""
	"$LT_BIN" $args --help | python3 -c '
import re, sys
opts = set()
for line in sys.stdin:
    m = re.match(r"^ {1,4}(-\S.*)$", line)
    if not m:
        continue
    if "(for tests)" in line:	# not for users: in neither the man page nor the completion
        continue
    term = re.split(r"\s{2,}", m.group(1))[0]
    opts.update(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*|-[A-Za-z])(?![\w-])", term))
    if "--version" in line:
        opts.add("--version")
print("\n".join(sorted(opts)))'
}

# Options in the bold terms of the man page's section of CMD.
man_opts() {	# CMD
	python3 - "$RST" "$1" <<'PY'
import re, sys
title = {"live": "LIVE VIEW"}.get(sys.argv[2], sys.argv[2].upper())
lines = open(sys.argv[1]).read().split("\n")
opts, inside = set(), False
for i, l in enumerate(lines):
    if i + 1 < len(lines) and re.fullmatch(r"=+", lines[i + 1]) and l.strip():
        inside = l.strip() == title
        continue
    if inside and l.startswith("**-"):
        for b in re.findall(r"\*\*(-[^*]*)\*\*", l):
            opts.update(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*|-[A-Za-z])(?![\w-])", b))
print("\n".join(sorted(opts)))
PY
}

comp_opts() {	# CMD
	bash -c 'source "$1"; _livelock_trace_opts "$2"' _ "$COMPLETION" "$1" | tr -s ' \t' '\n' | sed '/^$/d' | sort -u
}

missing() {	# WANT-LIST HAVE-LIST: the lines of the first not in the second
	comm -23 <(printf '%s\n' "$1" | sort -u) <(printf '%s\n' "$2" | sort -u) | tr '\n' ' '
}

test_man_builds_without_warnings() {
	command -v rst2man >/dev/null || { lt_skip "rst2man not installed (python3-docutils)"; return; }
	local out
	out=$(sed 's/@[A-Z]*@/x/g' "$RST" | rst2man --halt=warning - /dev/null 2>&1) ||
		{ lt_fail "rst2man: $out"; return; }
	local s
	for s in NAME SYNOPSIS DESCRIPTION "LIVE VIEW" MODEL SIMULATE COMPARE SWEEP FORECAST EXPORTER PLOT \
		 "EXIT STATUS" FILES EXAMPLES; do
		[ "$s" = NAME ] && continue	# the title block makes NAME
		grep -qx "$s" "$RST" || { lt_fail "no section $s"; return; }
	done
}

test_man_covers_every_help_option() {
	local c h m miss
	for c in $CMDS; do
		h=$(help_opts "$c")
		[ -n "$h" ] || { lt_fail "no options read from '$c --help'"; return; }
		m=$(man_opts "$c")
		miss=$(missing "$h" "$m")
		[ -z "$miss" ] || { lt_fail "man page section of '$c' lacks $miss"; return; }
		lt_log "ok: $c: $(echo $h | wc -w) options of --help in the man page"
	done
}

test_man_and_completion_name_real_options() {
	local c o
	for c in $CMDS; do
		for o in $(man_opts "$c") $(comp_opts "$c"); do
			case $o in --*) ;; *) continue ;; esac
			grep -q "\"${o#--}\"" "$LT_ROOT"/src/*.[ch] || { lt_fail "$c: $o is in no option table of src/"; return; }
		done
	done
}

test_completion_covers_every_help_option() {
	local c miss
	for c in $CMDS; do
		miss=$(missing "$(help_opts "$c")" "$(comp_opts "$c")")
		[ -z "$miss" ] || { lt_fail "completion of '$c' lacks $miss"; return; }
	done
}

# The words of "expected a, b or c" in the command's error for a bad word.
error_words() {	# ARGS...
	"$LT_BIN" "$@" 2>&1 >/dev/null | sed -n 's/.*expected \(.*\)/\1/p' | sed 's/, not .*//; s/ (see.*//' |
		sed 's/, / /g; s/ or / /g' | tr ' ' '\n' | sed '/^$/d' | sort -u
}

comp_words() {	# CMD OPTION
	bash -c 'source "$1"; _livelock_trace_arg "$2" "$3"' _ "$COMPLETION" "$1" "$2" | tr ' ' '\n' | sort -u
}

test_completion_words_are_the_commands_words() {
	local spec c o args want have
	for spec in "live --xdp" "live --deliver" "live --model" "live --mapping" "live --attach" "model --dma" \
		    "simulate --dma" "simulate --service" "simulate --arrivals" "sweep --goal" "sweep --adaptive"; do
		read -r c o <<<"$spec"
		case $c in
		live) args=("$o" zz) ;;
		sweep) args=(sweep lt-none0 --predict --rx-usecs 1 "$o" zz) ;;
		*) args=("$c" "$o" zz) ;;
		esac
		want=$(error_words "${args[@]}")
		[ -n "$want" ] || { lt_fail "no word list in the error of '${args[*]}'"; return; }
		have=$(comp_words "$c" "$o")
		lt_assert_eq "$(echo $have)" "$(echo $want)" "completion words of $c $o" || return
	done
	want=$(error_words --stack-time=zz)
	have=$(bash -c 'source "$1"; echo $_livelock_trace_stack_time' _ "$COMPLETION" | tr ' ' '\n' | sort -u)
	lt_assert_eq "$(echo $have)" "$(echo $want)" "completion words of --stack-time"
}

# Runs the completion function as bash does for the words given (the last is the cursor's).
complete_words() {
	bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _livelock_trace; printf "%s\n" "${COMPREPLY[@]}"' \
		_ "$COMPLETION" "$@" | sort | tr '\n' ' ' | sed 's/ $//'
}

test_completion_cases() {
	lt_assert_eq "$(complete_words livelock-trace mo)" "model" "livelock-trace mo<TAB>" || return
	lt_assert_eq "$(complete_words livelock-trace --xdp g)" "generic" "--xdp g<TAB>" || return
	lt_assert_eq "$(complete_words livelock-trace --stack-time=o)" "--stack-time=off --stack-time=on" \
		"--stack-time=o<TAB>" || return
	lt_assert_eq "$(complete_words livelock-trace sweep eth0 -- --deliver s)" "stack" \
		"sweep IFACE -- --deliver s<TAB> (the live options)" || return
	lt_assert_eq "$(complete_words livelock-trace model --buffer '')" "" "a number: nothing offered" || return
	lt_assert_eq "$(complete_words livelock-trace simulate --se)" "--seconds --seed --service" "simulate --se<TAB>" || return
	# interface names: every entry of /sys/class/net, and nothing else
	lt_assert_eq "$(complete_words livelock-trace exporter '')" "$(ls /sys/class/net | sort | tr '\n' ' ' | sed 's/ $//')" \
		"exporter <TAB>" || return
	lt_assert_eq "$(cd "$LT_ROOT/tests/fixtures/records" && complete_words livelock-trace compare usecs)" \
		"usecs0.jsonl usecs64.jsonl" "compare usecs<TAB>"
}

# The README's set-up lines (the first two of "Quick start") are lines CI runs as they are.
test_quick_start_is_what_ci_runs() {
	local line n=0
	while IFS= read -r line; do
		n=$((n + 1))
		grep -qxF "$line" "$LT_ROOT/.ci/run" || { lt_fail "'$line' of the quick start is not a line of .ci/run"; return; }
		case $line in *sudo*) lt_fail "'$line' needs sudo, which a root-only Debian 12 lacks"; return ;; esac
	done < <(sed -n '/^## Quick start/,/^##* [^Q]/p' "$LT_ROOT/README.md" | sed -n 's/^    \([^#]*[^ #]\) *#.*/\1/p; s/^    \([^#]*[^ ]\) *$/\1/p' | head -n2)
	lt_assert_eq "$n" 2 "set-up lines read from the quick start"
}

lt_run_tests
