# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Interleaved benchmark runs: each measured run against its untraced neighbours."""
import statistics


def ratios(seq, cond, base="baseline", agree=0.03):
    """seq: [(condition, rate)] in run order.  Each run of `cond` is divided by
    the mean of the `base` runs just before and after it.  A pair whose two
    untraced runs differ by more than `agree` was disturbed by something else
    on the machine and is left out.  Returns (kept, every ratio); kept is
    empty when no pair agreed."""
    kept, every = [], []
    for i, (c, x) in enumerate(seq):
        if c != cond or i == 0 or seq[i - 1][0] != base:
            continue
        a = seq[i - 1][1]
        after = i + 1 < len(seq) and seq[i + 1][0] == base
        b = seq[i + 1][1] if after else a
        every.append(x / ((a + b) / 2))
        if after and abs(a - b) <= agree * max(a, b):
            kept.append(x / ((a + b) / 2))
    return kept, every


def summary(seq, cond):
    """The JSON fields both end-to-end scripts write for one condition."""
    kept, every = ratios(seq, cond)
    use = kept or every
    return dict(ratio_median=round(statistics.median(use), 4),
                ratio_min=round(min(use), 4), ratio_max=round(max(use), 4),
                loss_pct_median=round(100 * (1 - statistics.median(use)), 2),
                pairs_kept=len(kept), pairs=len(every),
                ratios_all=[round(r, 4) for r in every])
