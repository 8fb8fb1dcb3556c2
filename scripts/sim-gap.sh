#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The paper's section 5 check, reproduced: simulated throughput with
# exponential and with constant service times against the analysis, for the
# Figure 4 parameters.  Prints a markdown table (gap in % of the analysis).
#   scripts/sim-gap.sh [RATES]   (default 2000:30000:4000)
set -eu
cd "$(dirname "$0")/.."
bin=${LT_BIN:-./livelock-trace}
rates=${1:-2000:30000:4000}
exp=$(mktemp); const=$(mktemp)
trap 'rm -f "$exp" "$const"' EXIT
"$bin" simulate --rate "$rates" --packets 2000000 --json >"$exp"
"$bin" simulate --rate "$rates" --packets 2000000 --service const --json >"$const"
python3 - "$exp" "$const" <<'PY'
import json, sys
e = [json.loads(l) for l in open(sys.argv[1])]
c = [json.loads(l) for l in open(sys.argv[2])]
def gap(r):
    a = r["analysis_pps"]
    return "-" if not a else "%+.1f%%" % (100 * (r["throughput_pps"] - a) / a)
print("| λ (pps) | model | analysis (pps) | sim exp (pps) | gap | sim const (pps) | gap |")
print("|---:|---|---:|---:|---:|---:|---:|")
for x, y in zip(e, c):
    if x["model"] == "ideal":
        continue
    print("| %.0f | %s | %.0f | %.0f ± %.0f | %s | %.0f ± %.0f | %s |" % (
        x["lambda_pps"], x["model"], x["analysis_pps"], x["throughput_pps"], x["ci_pps"],
        gap(x), y["throughput_pps"], y["ci_pps"], gap(y)))
PY
