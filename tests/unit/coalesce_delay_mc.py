#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""An independent check of coal_added_delay (src/coalesce_predict.c): a
discrete-event simulation of 400,000 Poisson arrivals under a throttle
timer (least gap U between interrupts) and a delay timer (U after the first
packet, or F frames).  tests/unit/test_coalesce.c holds what it printed;
rerun: python3 tests/unit/coalesce_delay_mc.py"""
import random, math
def throttle(U, lam, n=400000, seed=1):
    r=random.Random(seed); t=0; last=-1e9; pending=[]; delays=[]
    # interrupt fires at max(arrival, last+U) for first pending; all pending then served
    fire=None
    for i in range(n):
        t += r.expovariate(lam)
        if fire is not None and t >= fire:
            delays += [fire-a for a in pending]; last=fire; pending=[]; fire=None
        if fire is None:
            fire = max(t, last+U)
        pending.append(t)
        if fire==t:
            delays.append(0.0); last=t; pending=[]; fire=None
    delays.sort()
    return sum(delays)/len(delays), delays[int(0.99*len(delays))]
def delay(U, lam, F=0, n=400000, seed=1):
    r=random.Random(seed); t=0; pending=[]; delays=[]; fire=None
    for i in range(n):
        t += r.expovariate(lam)
        if fire is not None and t >= fire:
            delays += [fire-a for a in pending]; pending=[]; fire=None
        if fire is None: fire=t+U
        pending.append(t)
        if F and len(pending)>=F:
            delays += [t-a for a in pending]; pending=[]; fire=None
    delays.sort()
    return sum(delays)/len(delays), delays[int(0.99*len(delays))]
for U,l in [(100e-6,1000),(100e-6,20000),(1000e-6,5000),(500e-6,500)]:
    m,p=throttle(U,l); print("throttle",U*1e6,l,"mean %.3f p99 %.3f us"%(m*1e6,p*1e6))
for U,l,F in [(100e-6,1000,0),(100e-6,20000,0),(1000e-6,20000,8)]:
    m,p=delay(U,l,F); print("delay",U*1e6,l,F,"mean %.3f p99 %.3f us"%(m*1e6,p*1e6))
