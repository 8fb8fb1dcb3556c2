#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# `plot` from the command line on a lab fixture: series, styles, gaps, the
# diagonal, markers and their row, the log axis, standard output, the file
# replaced whole; bad input (one line, the exit code, no file); and
# scripts/lab/report drawing its plot with it.  No root needed.
. "$(dirname "$0")/../lib.sh"

LAB=$LT_ROOT/tests/fixtures/lab/report-e1000.jsonl

# The SVG as JSON: every series (name, its paths' d, dashed, circles), the
# markers' labels, the texts outside the series (title, legend) and the ticks.
svg_json() {	# FILE.svg
	python3 - "$1" <<'PY'
import json, sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()	# raises on anything but well-formed XML
out = {"series": [], "markers": [], "texts": [], "yticks": [], "xticks": []}
for el in root:
    cls = el.get("class")
    if el.tag == ns + "g" and cls == "series":
        paths = el.findall(ns + "path")
        out["series"].append({"name": el.get("data-name"), "paths": [p.get("d") for p in paths],
                              "dashed": any(p.get("stroke-dasharray") for p in paths),
                              "circles": len(el.findall(ns + "circle"))})
    elif el.tag == ns + "g" and cls == "marker":
        out["markers"].append(el.find(ns + "text").text)
    elif el.tag == ns + "g" and cls == "ticks":
        for t in el.findall(ns + "text"):
            out["yticks" if t.get("text-anchor") == "end" else "xticks"].append(t.text)
    elif el.tag == ns + "text":
        out["texts"].append(el.text)
print(json.dumps(out))
PY
}

# Check the SVG's JSON with Python asserts: $1 the SVG, the script on stdin (`s` is the JSON).
svg_check() {	# FILE.svg
	local j
	j=$(svg_json "$1") || { lt_fail "$1 is not well-formed XML"; return 1; }
	python3 -c 'import json, sys
s = json.loads(sys.argv[1])
exec(sys.stdin.read())' "$j" || { lt_fail "see the assertion above"; return 1; }
}

test_series_styles_and_legend() {
	local d=$(mktemp -d)
	"$LT_BIN" plot "$LAB" --x lambda_pps --y sink_pps=sink --y predicted_pps:dashed=predicted \
		--y observed_pps:points --title "e1000 test" -o "$d/a.svg" || { lt_fail "exit $?"; rm -rf "$d"; return; }
	svg_check "$d/a.svg" <<'PY'
names = [x["name"] for x in s["series"]]
assert names == ["sink", "predicted", "observed_pps"], names
sink, pred, obs = s["series"]
assert len(sink["paths"]) == 1 and sink["paths"][0].count("M") == 1 and sink["paths"][0].count("L") == 4, sink
assert sink["circles"] == 0 and not sink["dashed"], sink
assert pred["dashed"] and len(pred["paths"]) == 1, pred
assert obs["paths"] == [] and obs["circles"] == 4, obs	# 5 rows, one without observed_pps
for t in ("sink", "predicted", "observed_pps", "e1000 test"):
    assert t in s["texts"], (t, s["texts"])
assert s["markers"] == [], s["markers"]
PY
	rm -rf "$d"
}

# A row without a number at a series' key (null, absent) breaks the line there.
test_missing_values_are_gaps() {
	local d=$(mktemp -d)
	"$LT_BIN" plot "$LAB" --x lambda_pps --y observed_pps --y lt_delivered_packets -o "$d/g.svg" ||
		{ lt_fail "exit $?"; rm -rf "$d"; return; }
	svg_check "$d/g.svg" <<'PY'
for x in s["series"]:
    d = x["paths"][0]
    # rows 1-2, a gap at row 3 (null), rows 4-5: two pieces of one segment each
    assert d.count("M") == 2 and d.count("L") == 2, (x["name"], d)
PY
	rm -rf "$d"
}

# The diagonal reaches the largest x (58000): the y axis goes up to it (70k), not to the data's 22k.
test_diagonal() {
	local d=$(mktemp -d)
	"$LT_BIN" plot "$LAB" --x lambda_pps --y sink_pps --diagonal -o "$d/d.svg" &&
	"$LT_BIN" plot "$LAB" --x lambda_pps --y sink_pps -o "$d/n.svg" || { lt_fail "exit $?"; rm -rf "$d"; return; }
	svg_check "$d/d.svg" <<'PY' &&
diag = s["series"][-1]
assert diag["name"] == "y = x" and diag["dashed"], diag
assert diag["paths"][0].count("L") == 64, diag["paths"][0].count("L")
assert s["yticks"][-1] == "70k", s["yticks"]
PY
	svg_check "$d/n.svg" <<'PY'
assert len(s["series"]) == 1 and s["yticks"][-1] == "22k", (s["series"], s["yticks"])
PY
	rm -rf "$d"
}

# Markers take their values from one row: the one with the highest sink_pps
# (20,000 pps offered: MLFRR 21000, livelock 42000), the lowest (2,000: livelock 41500), or the last.
test_markers_and_their_row() {
	local d=$(mktemp -d)
	"$LT_BIN" plot "$LAB" --x lambda_pps --y sink_pps --mark-row max:sink_pps \
		--mark livelock_pps="livelock point" --mark mlfrr_pps=MLFRR -o "$d/m.svg" &&
	"$LT_BIN" plot "$LAB" --x lambda_pps --y sink_pps --mark mlfrr_pps -o "$d/l.svg" &&
	"$LT_BIN" plot "$LAB" --x lambda_pps --y sink_pps --mark-row min:sink_pps --mark livelock_pps -o "$d/s.svg" ||
		{ lt_fail "exit $?"; rm -rf "$d"; return; }
	svg_check "$d/m.svg" <<'PY' &&
assert s["markers"] == ["livelock point 42000", "MLFRR 21000"], s["markers"]
PY
	svg_check "$d/l.svg" <<'PY' &&
assert s["markers"] == ["mlfrr_pps 20000"], s["markers"]
PY
	svg_check "$d/s.svg" <<'PY'
assert s["markers"] == ["livelock_pps 41500"], s["markers"]
PY
	rm -rf "$d"
}

# Six decades: a tick at each decade and none between; y <= 0 is a gap.
test_ylog_decades() {
	local d=$(mktemp -d) v x=0
	for v in 1 10 100 1000 10000 100000 1000000 0; do
		x=$((x + 1))
		echo "{\"x\": $x, \"y\": $v}"
	done >"$d/log.jsonl"
	"$LT_BIN" plot "$d/log.jsonl" --x x --y y --ylog -o "$d/log.svg" &&
	"$LT_BIN" plot "$d/log.jsonl" --x x --y y -o "$d/lin.svg" || { lt_fail "exit $?"; rm -rf "$d"; return; }
	svg_check "$d/log.svg" <<'PY' &&
assert s["yticks"] == ["1", "10", "100", "1k", "10k", "100k", "1M"], s["yticks"]
d = s["series"][0]["paths"][0]
assert d.count("M") == 1 and d.count("L") == 6, d	# the 0 left out
PY
	svg_check "$d/lin.svg" <<'PY'
assert "10" not in s["yticks"] and s["yticks"][0] == "0", s["yticks"]
PY
	rm -rf "$d"
}

test_stdout_and_replace_whole() {
	local d=$(mktemp -d) out=$(mktemp)
	"$LT_BIN" plot "$LAB" --x lambda_pps --y sink_pps -o - >"$out" || { lt_fail "exit $?"; return; }
	svg_check "$out" <<'PY' || return
assert len(s["series"]) == 1
PY
	echo old >"$d/p.svg"
	(umask 027 && "$LT_BIN" plot "$LAB" --x lambda_pps --y sink_pps -o "$d/p.svg") || { lt_fail "exit $?"; return; }
	lt_assert_eq "$(ls -A "$d")" "p.svg" "nothing but the plot in its directory" &&
	lt_assert_eq "$(stat -c %a "$d/p.svg")" 640 "mode from the umask" &&
	lt_assert_eq "$(grep -c '<path' "$d/p.svg")" 1 "the plot replaced the old file"
	rm -rf "$d" "$out"
}

# Each bad input: exit CODE, one line on stderr, no OUT created, an existing OUT left as it was.
bad() {	# CODE WHAT ARGS... (OUT is $OUT)
	local want=$1 what=$2 err rc
	shift 2
	err=$("$LT_BIN" plot "$@" 2>&1 >/dev/null); rc=$?
	lt_assert_eq "$rc" "$want" "exit code for $what" &&
	lt_assert_eq "$(printf '%s\n' "$err" | wc -l)" 1 "stderr lines for $what ($err)" &&
	case "$err" in "livelock-trace: plot: "*) ;; *) lt_fail "prefix for $what: $err" ;; esac &&
	lt_assert_eq "$(ls -A "$(dirname "$OUT")")" "$(basename "$KEPT")" "files left for $what" &&
	lt_assert_eq "$(cat "$KEPT")" kept "the existing file for $what"
}

test_bad_input() {
	local d=$(mktemp -d) y9=() i
	mkdir "$d/out"
	OUT=$d/out/out.svg KEPT=$d/out/kept.svg
	echo kept >"$KEPT"
	: >"$d/empty.jsonl"
	printf '{"a": 1}\nnot json\n' >"$d/bad.jsonl"
	printf '[1, 2]\n' >"$d/array.jsonl"
	printf '\n\n' >"$d/blank.jsonl"
	head -c 1100000 /dev/zero | tr '\0' 'a' >"$d/long.jsonl"
	head -c 4096 /dev/urandom >"$d/random.jsonl"
	for i in 1 2 3 4 5 6 7 8 9; do y9+=(--y "k$i"); done
	bad 2 "no file" &&
	bad 2 "an unknown option" "$LAB" --x lambda_pps --y sink_pps --bogus -o "$OUT" &&
	bad 2 "no -o" "$LAB" --x lambda_pps --y sink_pps &&
	bad 2 "-o without a value" "$LAB" --x lambda_pps --y sink_pps -o &&
	bad 2 "no --x" "$LAB" --y sink_pps -o "$OUT" &&
	bad 2 "no --y" "$LAB" --x lambda_pps -o "$OUT" &&
	bad 2 "a bad style" "$LAB" --x lambda_pps --y sink_pps:bold -o "$OUT" &&
	bad 2 "a bad --mark-row" "$LAB" --x lambda_pps --y sink_pps --mark-row top -o "$OUT" &&
	bad 2 "nine series" "$LAB" --x lambda_pps "${y9[@]}" -o "$OUT" &&
	bad 2 "eight series and the diagonal" "$LAB" --x lambda_pps "${y9[@]:2}" --diagonal -o "$OUT" &&
	bad 2 "two files" "$LAB" "$LAB" --x lambda_pps --y sink_pps -o "$OUT" &&
	bad 1 "a missing file" "$d/none.jsonl" --x a --y b -o "$OUT" &&
	bad 1 "/dev/zero" /dev/zero --x a --y b -o "$OUT" &&
	bad 1 "a directory" "$d" --x a --y b -o "$OUT" &&
	bad 1 "a line that is not JSON" "$d/bad.jsonl" --x a --y a -o "$OUT" &&
	bad 1 "a line that is no object" "$d/array.jsonl" --x a --y a -o "$OUT" &&
	bad 1 "an empty file" "$d/empty.jsonl" --x a --y a -o "$OUT" &&
	bad 1 "blank lines only" "$d/blank.jsonl" --x a --y a -o "$OUT" &&
	bad 1 "a line over 1 MiB" "$d/long.jsonl" --x a --y a -o "$OUT" &&
	bad 1 "random bytes" "$d/random.jsonl" --x a --y a -o "$OUT" &&
	bad 1 "an --x no row has" "$LAB" --x nokey --y sink_pps -o "$OUT" &&
	bad 1 "--y keys no row has" "$LAB" --x lambda_pps --y nokey --y other -o "$OUT" &&
	bad 1 "an unwritable OUT" "$LAB" --x lambda_pps --y sink_pps -o "$d/none/x.svg" || { rm -rf "$d"; return; }
	# which line, and where: FILE:LINE
	lt_assert_eq "$("$LT_BIN" plot "$d/bad.jsonl" --x a --y a -o "$OUT" 2>&1)" \
		"livelock-trace: plot: $d/bad.jsonl:2 is not valid JSON" "the not-JSON message" || { rm -rf "$d"; return; }
	# a series no row has is left out with a note; the rest is drawn
	lt_assert_eq "$("$LT_BIN" plot "$LAB" --x lambda_pps --y sink_pps --y nokey -o "$OUT" 2>&1; echo "rc=$?")" \
		"livelock-trace: plot: note: no row of $LAB has nokey: not drawn
rc=0" "a series no row has" && svg_check "$OUT" <<'PY'
assert [x["name"] for x in s["series"]] == ["sink_pps"], s["series"]
PY
	"$LT_BIN" plot --help | grep -q '^usage: livelock-trace plot' || lt_fail "--help"
	rm -rf "$d"
}

# scripts/lab/report: summary.md's table, and the plot drawn by `plot`: four
# series, the diagonal and two markers from the best-served row.
test_lab_report() {
	local d=$(mktemp -d) err rc
	python3 "$LT_ROOT/scripts/lab/report" --out "$d" "$LAB" 2>/dev/null || { lt_fail "report exit $?"; rm -rf "$d"; return; }
	lt_assert_eq "$(grep -c '^| offered | λ sent | sink γ |' "$d/summary.md")" 1 "the table's header" &&
	lt_assert_eq "$(grep -c '^| [0-9]' "$d/summary.md")" 5 "a row per rate" &&
	lt_assert_eq "$(grep -c '^| 20000 | 19980 | 19500 |.* – |' "$d/summary.md")" 1 "the row without observed" &&
	lt_assert_eq "$(grep -c '!\[e1000\](e1000.svg)' "$d/summary.md")" 1 "the plot linked" || { rm -rf "$d"; return; }
	svg_check "$d/e1000.svg" <<'PY' || { rm -rf "$d"; return; }
names = [x["name"] for x in s["series"]]
assert names == ["sink (application)", "observed (livelock-trace)", "predicted (tool, at its λ)",
                 "model at offered λ", "y = x"], names
assert [x["dashed"] for x in s["series"]] == [False, False, True, True, True]
assert s["markers"] == ["livelock point 42000", "MLFRR 21000"], s["markers"]
assert "e1000: received vs offered packets/s" in s["texts"], s["texts"]
PY
	# a run without the guest's tracer: its series are not drawn
	python3 -c 'import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    for k in ("observed_pps", "predicted_pps", "mlfrr_pps", "livelock_pps"):
        r.pop(k)
    print(json.dumps(r))' "$LAB" >"$d/sink-only.jsonl"
	mkdir "$d/o"
	err=$(python3 "$LT_ROOT/scripts/lab/report" --out "$d/o" "$d/sink-only.jsonl" 2>&1) || { lt_fail "report exit $?: $err"; rm -rf "$d"; return; }
	lt_assert_eq "$(printf '%s\n' "$err" | grep -c note)" 0 "no note for what is not there" || { rm -rf "$d"; return; }
	svg_check "$d/o/e1000.svg" <<'PY' || { rm -rf "$d"; return; }
assert [x["name"] for x in s["series"]] == ["sink (application)", "model at offered λ", "y = x"], s["series"]
assert s["markers"] == [], s["markers"]
PY
	# no binary: one line, exit 1, nothing written
	mkdir "$d/none"
	err=$(LT_BIN=$d/no-such-binary python3 "$LT_ROOT/scripts/lab/report" --out "$d/none" "$LAB" 2>&1); rc=$?
	lt_assert_eq "$rc" 1 "report without a binary: exit code" &&
	lt_assert_eq "$(printf '%s\n' "$err" | wc -l)" 1 "report without a binary: one line ($err)" &&
	lt_assert_eq "$(ls -A "$d/none")" "" "report without a binary: nothing written"
	rm -rf "$d"
}

lt_run_tests
