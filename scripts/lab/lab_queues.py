# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""scripts/lab/run --queues N: the senders of several flows and each rate's
per-queue rows (the guest's driver counts beside its livelock-trace's)."""
import json, subprocess, time
from lab_summary import num

FLOW_PORT0 = 40000  # first source port of the flows
WARMUP_PPS = 400    # --queues: 1 s of spread flows before the first rate

MIX_PORT0 = 41000   # --flows mix: first source port tried for each queue's flow
MIX_TRIES = 24      # source ports tried per queue before giving up

class Mix:
    """--flows mix: one flow per queue, flow i to port PORT+i (sink i, pinned
    to CPU i in the guest), from a source port the tap hashes onto queue i
    (found by calibrate()); queue 0 gets the rate, every other queue LIGHT pps."""
    def __init__(self, light):
        self.light, self.src = light, []

def send_many(prefix, tool, dst, flows, seconds, arrivals, payload):
    """udpsend processes at once, one per (source port, destination port,
    rate) in FLOWS, each exactly rate * seconds packets; one result for all."""
    if not tool or payload < 8:
        raise RuntimeError("--queues needs udpsend (make tools) and --payload >= 8")
    t0 = time.monotonic()
    procs = [subprocess.Popen(prefix + [tool, "-d", dst, "-p", str(dport), "-n", str(max(1, round(rate * seconds))),
                               "-r", "%.3f" % rate, "-s", str(payload), "--arrivals", arrivals,
                               "--src-port", str(sport), "--seed", str(i + 1),
                               "--max-seconds", str(seconds * 3 + 10), "--json"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i, (sport, dport, rate) in enumerate(flows) if rate > 0]
    sent, secs, per = 0, 0.0, []
    for p in procs:
        out, err = p.communicate(timeout=seconds * 4 + 60)
        if p.returncode != 0:
            raise RuntimeError("sender failed (udpsend): %s" % err.strip()[-300:])
        r = json.loads(out.strip().splitlines()[-1])
        n = int(num(r, "sent", "packets") or 0)
        sent += n
        per.append(n)
        secs = max(secs, num(r, "seconds") or 0)
    secs = secs or time.monotonic() - t0
    return {"sender": "udpsend x%d" % len(procs), "sent": sent, "send_s": secs, "lambda_pps": sent / secs,
            "sent_per_flow": per}

def calibrate(lab, prefix, tool, dst, port, queues, payload, mix):
    """For each queue i, a source port whose flow to PORT+i the tap puts on
    queue i: 40 packets per try, the guest's per-queue driver counts (COUNT)
    say where they came in.  RuntimeError when a queue gets none."""
    nxt, k = MIX_PORT0, 1000
    for q in range(queues):
        for _ in range(MIX_TRIES):
            lab.send("COUNT %d" % k)
            lab.expect("ARMED", 30)
            send_many(prefix, tool, dst, [(nxt, port + q, 200)], 0.2, "constant", max(payload, 8))
            time.sleep(0.2)
            lab.send("STOP %d" % k)
            got = json.loads(lab.expect("RESULT", 30).split(" ", 1)[1])["queues"]
            k += 1
            hits = {g["queue"]: g.get("driver_packets") or 0 for g in got}
            nxt += 1
            if hits.get(q, 0) >= 0.9 * max(1, sum(hits.values())) and hits.get(q, 0) > 0:
                mix.src.append(nxt - 1)
                break
        else:
            raise RuntimeError("--flows mix: no source port in %d tries hashed onto queue %d" % (MIX_TRIES, q))
    return mix.src

def mix_flows(mix, port, rate):
    """(source port, destination port, rate) of each queue's flow at RATE."""
    return [(s, port + q, rate if q == 0 else mix.light) for q, s in enumerate(mix.src)]

def sink_rows(sinks, mix, sent_per_flow, send_s):
    """--flows mix: each sink's in-window count (what its reader read while
    the flows ran) with the queue its flow was put on."""
    out = []
    for q, s in enumerate(sinks or []):
        inw = num(s, "received_at_mark")
        inw = inw if inw is not None and inw >= 0 else num(s, "received")
        out.append({"queue": q, "src_port": mix.src[q] if q < len(mix.src) else None,
                    "sent": sent_per_flow[q] if q < len(sent_per_flow) else None,
                    "received_in_window": inw, "socket_drops": num(s, "socket_drops"),
                    "sink_pps": round(inw / send_s, 1) if inw is not None and send_s > 0 else None})
    return out

def send_flows(prefix, tool, dst, port, rate, seconds, arrivals, payload, flows):
    """FLOWS flows to PORT at once, each its own source port (its own flow for
    the tap's hash), RATE * SECONDS packets split evenly; one result for all."""
    n = rate * seconds
    counts = [n // flows + (1 if i < n % flows else 0) for i in range(flows)]
    return send_many(prefix, tool, dst, [(FLOW_PORT0 + i, port, c / seconds) for i, c in enumerate(counts) if c > 0],
                     seconds, arrivals, payload)

def warm_up(prefix, tool, dst, port, payload, queues):
    """With several queues, 1 s of spread flows before the first rate: every
    vector interrupts once at its CPU (x86 moves one at its next interrupt)."""
    if queues > 1:
        send_flows(prefix, tool, dst, port, WARMUP_PPS, 1, "constant", max(payload, 8), 4 * queues)

STATE_ORDER = ("idle", "ok", "near-peak", "saturated", "livelock")

def queue_rows(guest_queues, lines):
    """Per queue: the guest's driver counts and interrupts, the packets its
    livelock-trace counted (every interval summed), the CPU it named and the
    worst state it gave the queue; and the queue with the most packets."""
    lines = [l for l in lines if isinstance(l, dict) and not l.get("summary")]
    out = []
    for g in guest_queues or []:
        mine = [x for l in lines for x in (l.get("queues") or []) if x.get("queue") == g["queue"]]
        pk = [x["packets"] for x in mine if isinstance(x.get("packets"), (int, float))]
        cpus = [x["cpu"] for x in mine if x.get("cpu") is not None]
        states = [x.get("state") for x in mine if x.get("state") in STATE_ORDER]
        load = [x["load_pct"] for x in mine if isinstance(x.get("load_pct"), (int, float))]
        cap = [x["capacity_pps"] for x in mine if isinstance(x.get("capacity_pps"), (int, float))]
        out.append({"queue": g["queue"], "cpu": max(set(cpus), key=cpus.count) if cpus else None,
                    "cpu_list": g.get("cpu_list"), "irq": g.get("irq"), "irqs": g.get("irqs"),
                    "packets": sum(pk) if pk else None, "driver_packets": g.get("driver_packets"),
                    "packets_from": (mine[0].get("packets_from") if mine else None),
                    "load_pct_max": max(load) if load else None,
                    "capacity_pps": round(sorted(cap)[len(cap) // 2], 1) if cap else None,  # median over intervals
                    "state": max(states, key=STATE_ORDER.index) if states else None})
    have = [q for q in out if q["packets"]]
    hot = max(have, key=lambda q: q["packets"]) if have else None
    imb = sum(1 for l in lines if l.get("rss_imbalance"))
    return out, (hot["queue"] if hot else None), imb

def queue_args(a, error):
    """Check --queues/--vcpus/--nic (error(msg) exits), set a.vcpus; the flows to send (0: one sender)."""
    if not 1 <= a.queues <= 8:
        error("bad --queues %d: want 1..8" % a.queues)
    if a.queues > 1 and a.nic != "virtio":
        error("--queues %d needs --nic virtio" % a.queues)
    a.vcpus = a.vcpus if a.vcpus is not None else a.queues
    if not 1 <= a.vcpus <= 8:
        error("bad --vcpus %d: want 1..8" % a.vcpus)
    if a.flows == "mix" and a.queues < 2:
        error("--flows mix needs --queues 2 or more")
    if a.flows == "mix":
        return Mix(a.mix_light)
    return 0 if a.queues == 1 else (4 * a.queues if a.flows == "spread" else 1)
