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
opens an episode, or arrives in the poll's setup).
tests/unit/test_forecast.c holds what it printed; rerun:
python3 tests/unit/napi_defer_mc.py"""
import random


def run(lam, T, S, b, N, n=300000, seed=1):
    r = random.Random(seed)
    arr = []
    t = 0.0
    for _ in range(n):
        t += r.expovariate(lam)
        arr.append(t)
    i, irqs, polls, delays = 0, 0, 0, []
    start = None            # the next poll's start; None: interrupt enabled
    count = 0
    while i < n:
        if start is None:   # enabled: the next arrival interrupts
            start = arr[i]
            irqs += 1
        polls += 1
        ready = start + S
        j = i
        while j < n and arr[j] <= ready:
            delays.append(max(0.0, start - arr[j]))
            j += 1
        work = j - i
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
    return irqs / span, polls / span, sum(delays) / len(delays), delays[int(0.99 * len(delays))]


# lambda pps, T us, S us, b us, N
CASES = [
    (2000, 50, 10, 2, 1),
    (2000, 50, 10, 2, 2),
    (20000, 50, 10, 2, 2),
    (20000, 200, 10, 2, 1),
    (100000, 20, 5, 1, 2),
    (500, 1000, 10, 2, 1),
]

if __name__ == "__main__":
    for lam, T, S, b, N in CASES:
        irq, pol, m, p99 = run(lam, T * 1e-6, S * 1e-6, b * 1e-6, N)
        print("{ %g, %g, %g, %g, %d, %.1f, %.1f, %.2f, %.2f }," % (lam, T, S, b, N, irq, pol, m * 1e6, p99 * 1e6))
