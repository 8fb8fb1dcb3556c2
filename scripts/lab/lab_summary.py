# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""scripts/lab/run: the guest livelock-trace's interval lines into one row's
fields.  The steady intervals are the tool's own choice (`livelock-trace
compare --json` names them); this module only averages what the tool printed
and runs `livelock-trace model` at the offered rate."""
import json, os, subprocess, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

LT_FIELDS = ("observed_pps", "predicted_pps", "error_pct", "model", "nic_class", "mapping",
             "isr_us", "copy_us", "proto_us", "proto_source", "batch_mean",
             "cpu_avail", "cpu_avail_measured", "cpus", "livelock_pps", "mlfrr_pps",
             "capacity_pps", "load_pct", "forecast_pps", "fit_pps",
             "ksoftirqd_frac", "state", "buffer", "irqs")

def num(d, *keys):
    for k in keys:
        if isinstance(d, dict) and isinstance(d.get(k), (int, float)) and not isinstance(d.get(k), bool):
            return d[k]
    return None

def steady_range(rows):
    """The tool's own steady rule: `livelock-trace compare --json` on these
    interval lines (a record header in front) names the first and last
    steady one.  None when compare cannot say (no busy interval, no tool)."""
    tool = os.path.join(ROOT, "livelock-trace")
    if not rows or not os.access(tool, os.X_OK):
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", prefix="ltlab-steady.") as f:
        f.write(json.dumps({"record": "livelock-trace", "format": 1}) + "\n")
        for l in rows:
            f.write(json.dumps(l) + "\n")
        f.flush()
        r = subprocess.run([tool, "compare", "--json", f.name], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True)
    try:
        run = json.loads(r.stdout)["runs"][0]
    except (ValueError, KeyError, IndexError):
        return None
    first, last = run.get("steady_first"), run.get("steady_last")
    return (int(first), int(last)) if first is not None and last is not None else None

def lt_summary(lines):
    """Means over the guest's livelock-trace intervals that the tool itself
    calls steady (compare's rule: busy, less the ramps at either end); the
    run-level costs from the tool's own summary line."""
    rows = [l for l in lines if isinstance(l, dict)]
    summary = next((l for l in rows if l.get("summary")), {})
    rows = [l for l in rows if not l.get("summary")]
    iv = [l for l in rows if "lambda_pps" in l]
    rng = steady_range(iv)
    use = iv[rng[0]:rng[1] + 1] if rng else []
    out = {}
    for k in LT_FIELDS:
        vals = [l[k] for l in use if l.get(k) is not None]
        if not vals:
            out[k] = None
        elif all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in vals):
            out[k] = round(sum(vals) / len(vals), 3)
        else:
            strs = [str(v) for v in vals]
            out[k] = max(set(strs), key=strs.count)
    for k in ("isr_us", "copy_us", "proto_us", "batch_mean", "mlfrr_pps", "livelock_pps", "capacity_pps"):
        if out.get(k) is None and summary.get(k) is not None:
            out[k] = summary[k]  # no steady interval had it: the run's own value
    thr = [l["costs"].get("threaded") for l in use if isinstance(l.get("costs"), dict)]
    out["rx_fair"] = any(thr) if thr else None  # the forecast shares NET_RX fairly (threads at a normal policy)
    lam = [num(l, "lambda_pps") for l in use if num(l, "lambda_pps") is not None]
    out["lt_lambda_pps"] = round(sum(lam) / len(lam), 1) if lam else None
    out["lt_intervals"] = len(use)
    # the model's packets over the whole run, interval by interval, to set
    # against the sink's count (an interval without a prediction is idle or
    # counted in lt_busy_unpredicted)
    pk = [(l.get("predicted_pps"), l.get("interval_s")) for l in rows if not l.get("summary")]
    out["lt_predicted_packets"] = round(sum(p * t for p, t in pk if p is not None and t), 1)
    out["lt_busy_unpredicted"] = sum(1 for l in rows if not l.get("summary") and
                                     (l.get("lambda_pps") or 0) * (l.get("interval_s") or 0) >= 10 and
                                     l.get("predicted_pps") is None)
    # raw counters (deltas) summed over every interval: the run's totals, one
    # for every number the tool prints under "raw" (`--raw --json`: at the top)
    raws = [l["raw"] if isinstance(l.get("raw"), dict) else l for l in rows if not l.get("summary")]
    isnum = lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)
    for k in sorted({k for r in raws for k, v in r.items() if isnum(v)}):
        vals = [r[k] for r in raws if isnum(r.get(k))]
        out["lt_" + k] = sum(vals) if vals else None
    rows = [dict(l, **l["raw"]) if isinstance(l.get("raw"), dict) else l for l in rows]
    per_irq = [x.get("irqs", 0) for l in rows for x in (l.get("irqs_by_irq") or [])]
    out["lt_irqs_by_irq_sum"] = sum(per_irq) if any(l.get("irqs_by_irq") for l in rows) else None
    return out

def model_at(row, lam):
    """The model with the parameters the guest measured (means over the busy
    intervals), at the offered lambda: the packets the NIC never took from
    the tap (qemu drops them, no guest counter sees them) are in it, so this
    tests whether the model foresees the loss, not just the tool's own view."""
    tool = os.path.join(ROOT, "livelock-trace")
    kind = row.get("model")
    if kind not in ("dma", "nodma") or row.get("isr_us") is None or row.get("proto_us") is None \
            or not os.access(tool, os.X_OK):
        return None
    k = row.get("cpus") or 1
    cmd = [tool, "model", "--isr-us", str(row["isr_us"]), "--isr-dma-us", str(row["isr_us"]),
           "--proto-us", str(row["proto_us"]),
           "--copy-us", str(row.get("copy_us") or 0), "--buffer", str(int(row.get("buffer") or 256)),
           "--rate", str(lam / k), "--json"]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        return round(k * json.loads(r.stdout.splitlines()[0])[kind + "_pps"], 1)
    except (ValueError, IndexError, KeyError):
        return None
