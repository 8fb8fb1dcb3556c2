#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""An independent check of fc_napi_defer (src/forecast.c): a discrete-event
simulation of Poisson arrivals into a NAPI device with napi_defer_hard_irqs N
and gro_flush_timeout T, following napi_complete_done() in net/core/dev.c:
an arrival while the interrupt is enabled starts a poll at once; a poll takes
S of setup, then serves every packet that arrived by then at b each; at its
end, a poll with work re-arms the count to N; while the count is above 0 it
is decremented, the interrupt stays masked and a timer starts the next poll
T later; at 0 the interrupt is enabled again.  A packet's added delay runs
from its arrival to the start of the poll that serves it (0 for one that
opens an episode, or arrives in the poll's setup).  A poll that finds nothing
may take less than S: it looks at SE and ends there (the deferral timer's
empty polls); one with packets goes on to S.
tests/unit/test_forecast.c holds what it printed; rerun:
python3 tests/unit/napi_defer_mc.py"""
import random


def run(lam, T, S, b, N, n=300000, seed=1, SE=None):
    r = random.Random(seed)
    arr = []
    t = 0.0
    for _ in range(n):
        t += r.expovariate(lam)
        arr.append(t)
    SE = S if SE is None else SE
    i, irqs, polls, empties, delays = 0, 0, 0, 0, []
    start = None            # the next poll's start; None: interrupt enabled
    count = 0
    while i < n:
        if start is None:   # enabled: the next arrival interrupts
            start = arr[i]
            irqs += 1
        polls += 1
        # it looks at SE: nothing there, it ends; else it goes on to S and serves what came by then
        ready = start + (S if i < n and arr[i] <= start + SE else SE)
        j = i
        while j < n and arr[j] <= ready:
            delays.append(max(0.0, start - arr[j]))
            j += 1
        work = j - i
        empties += work == 0
        end = ready + b * work
        i = j
        if work:
            count = N
        if count > 0:
            count -= 1
            start = end + T
        else:
            start = None
    span = arr[-1] - arr[0]
    delays.sort()
    return (irqs / span, polls / span, sum(delays) / len(delays), delays[int(0.99 * len(delays))],
            empties / span)


# lambda pps, T us, S us, b us, N[, SE us: an empty poll's time, default S]
CASES = [
    (2000, 50, 10, 2, 1),
    (2000, 50, 10, 2, 2),
    (20000, 50, 10, 2, 2),
    (20000, 200, 10, 2, 1),
    (100000, 20, 5, 1, 2),
    (500, 1000, 10, 2, 1),
    (5000, 20, 48, 11, 2, 15),
    (20000, 50, 48, 11, 2, 15),
]

if __name__ == "__main__":
    for case in CASES:
        lam, T, S, b, N = case[:5]
        SE = case[5] if len(case) > 5 else S
        irq, pol, m, p99, emp = run(lam, T * 1e-6, S * 1e-6, b * 1e-6, N, SE=SE * 1e-6)
        print("{ %g, %g, %g, %g, %d, %g, %.1f, %.1f, %.2f, %.2f, %.1f }," %
              (lam, T, S, b, N, SE, irq, pol, m * 1e6, p99 * 1e6, emp))
