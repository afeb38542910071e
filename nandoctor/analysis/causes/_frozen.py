"""A run frozen by one oversized step: a step moves a weight by a large part of its norm, then nothing moves again."""

from __future__ import annotations

import numpy as np

from ...detectors.optimisation import loss_series, update_ratios


def frozen_after_step(F, updates: list[int], limit: float, collapse: float, spread_max: float, kept: float) -> dict:
    """{} unless, measured on this run: one update moved a weight by `limit` of its norm or more, every later update
    of that weight is `collapse` times smaller, and the loss from the next step to the end stays within `spread_max`
    of its value and above `kept` of its first value (nothing learned after the step)."""
    ls = loss_series(F)
    if ls is None:
        return {}
    steps, loss, how = ls
    best = {}
    for u in updates:
        ups, _, before, ratio = update_ratios(F, u)
        if len(ratio) < 5:
            continue
        k = int(np.argmax(ratio))
        after = ratio[k + 1:]
        if not (ratio[k] >= limit and before[k] > 0 and len(after) >= 4 and np.all(np.isfinite(after))
                and float(np.max(after)) * collapse <= ratio[k]):
            continue
        later = loss[steps > ups[k]]
        first = float(loss[0]) if np.isfinite(loss[0]) else float("nan")
        if len(later) < 4 or not np.all(np.isfinite(later)) or not first > 0:
            continue
        level = float(np.mean(later))
        spread = float(np.max(later) - np.min(later))
        if spread > spread_max * abs(level) or level < kept * first:
            continue
        if not best or ratio[k] > best["ratio"]:
            name = F.by_id[u].target.split("[", 1)[0]
            best = dict(kind="frozen", step=int(ups[k]) + 1, update=u, name=name, spike_step=int(ups[k]),
                        ratio=float(ratio[k]), typical=float(np.median(after)),
                        what=f"every later update of {name} was {float(np.median(after)):.2g} of its norm (median), "
                             f"and the loss ({how}) stayed at {level:.6g} from step {int(ups[k]) + 1} to the end "
                             f"(it started at {first:.4g}): nothing moved again")
    return best
