"""A run frozen by oversized steps: steps move a weight by a large part of its norm, then nothing moves again."""

from __future__ import annotations

import numpy as np

from ...detectors.optimisation import loss_series, update_ratios

THROWN_GROWTH = 2.0


def frozen_after_step(F, updates: list[int], limit: float, collapse: float, spread_max: float, kept: float) -> dict:
    """{} unless, measured on this run: one update moved a weight by `limit` of its norm or more, every update from
    some step on is `collapse` times smaller than the largest before it, and the loss from then to the end stays
    within `spread_max` of its value and above `kept` of its first value (nothing learned after the steps)."""
    ls = loss_series(F)
    if ls is None:
        return {}
    steps, loss, how = ls
    best = {}
    for u in updates:
        ups, _, before, ratio = update_ratios(F, u)
        init = F.weight_norm_before(u)[1]
        if len(ratio) < 5 or len(init) and init[0] == 0:
            continue  # a weight grown from zero has large ratios first whatever the rate
        # The first update from which every later one is `collapse` times smaller than the largest before it: a few
        # large steps can throw the units into saturation before nothing moves.
        if not np.all(np.isfinite(ratio)):
            continue
        tail_max = np.maximum.accumulate(ratio[::-1])[::-1]
        head_max = np.maximum.accumulate(ratio)
        frozen = [j for j in range(1, len(ratio) - 3)
                  if head_max[j - 1] >= limit and tail_max[j] * collapse <= head_max[j - 1]]
        if not frozen:
            continue
        k_end = frozen[0] - 1
        k = int(np.argmax(ratio[:k_end + 1]))
        after = ratio[k_end + 1:]
        if not before[k] > 0:
            continue
        # Thrown out: the large steps left the weight at THROWN_GROWTH times its norm before the first of them or
        # more (a step half the norm of a weight that stays tiny throws nothing into saturation; growth from zero is
        # no measure).
        first_large = int(np.argmax(ratio >= limit))
        if not (before[first_large] > 0 and before[k_end + 1] >= THROWN_GROWTH * before[first_large]):
            continue
        later = loss[steps > ups[k_end]]
        first = float(loss[0]) if np.isfinite(loss[0]) else float("nan")
        if len(later) < 4 or not np.all(np.isfinite(later)) or not first > 0:
            continue
        level = float(np.mean(later))
        spread = float(np.max(later) - np.min(later))
        if spread > spread_max * abs(level) or level < kept * first:
            continue
        if not best or ratio[k] > best["ratio"]:
            name = F.by_id[u].target.split("[", 1)[0]
            best = dict(kind="frozen", step=int(ups[k_end]) + 1, update=u, name=name, spike_step=int(ups[k]),
                        ratio=float(ratio[k]), typical=float(np.median(after)),
                        what=f"every later update of {name} was {float(np.median(after)):.2g} of its norm (median), "
                             f"and the loss ({how}) stayed at {level:.6g} from step {int(ups[k_end]) + 1} to the end "
                             f"(it started at {first:.4g}): nothing moved again")
    return best
