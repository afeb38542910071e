"""A run frozen by oversized steps: steps move a weight by a large part of its norm, then nothing moves again, or
the units it feeds stay at their bound."""

from __future__ import annotations

import numpy as np

from ...detectors.facts import base_name
from ...detectors.optimisation import bias_named, loss_series, update_ratios

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
        if len(ratio) < 5 or len(init) and init[0] == 0 or (
                bias_named(F, u) and not (len(init) and np.isfinite(init[0]))):
            # a weight grown from zero has large ratios first whatever the rate; so may an offset whose start was not
            # recorded (a bias made with np.zeros inside a dict)
            continue
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


def saturated_after_spikes(F, findings, limit: float, kept: float, pinned: float) -> dict:
    """{} unless, measured on this run: an activation rounded to exactly its bound at `pinned` or more of the steps
    after it first did (units held there, passing back exactly nothing), computed from a weight that one update had
    moved by `limit` of its norm or more at or before that first step, and the loss ending (the median of its last
    tenth) at `kept` of its first value or more (little learned after the steps). A well-fitted output rounds to
    its bound with a loss near zero, not kept."""
    ls = loss_series(F)
    if ls is None:
        return {}
    steps, loss, how = ls
    fin = np.isfinite(loss)
    if fin.sum() < 5 or not fin.all() or not float(loss[0]) > 0:
        return {}
    first = float(loss[0])
    tail = loss[-max(3, len(loss) // 10):]
    end = float(np.median(tail))
    if end < kept * first:
        return {}
    last_step = int(steps[-1])
    by_target = {}
    for x in F.sites:
        by_target.setdefault(x.target, []).append(x.id)
    for sat in findings.get("exact_saturation", []):
        ev = sat.evidence
        at = ev.get("step")
        held = ev.get("steps_at_bound")
        if at is None or held is None or last_step <= at or held < pinned * (last_step - at):
            continue
        pre = by_target.get(ev.get("pre_site"), []) + by_target.get(sat.site, [])
        for spike in findings.get("update_spike", []):
            sev = spike.evidence
            early = [s for s in sev.get("spike_steps", ()) if s <= at]
            if sev.get("ratio", 0) < limit or not early:
                continue
            weights = [x.id for x in F.sites if base_name(x.target) == spike.site and x.id in F.updates]
            if not weights or not set(pre) & F.reached_from(weights):
                continue
            return dict(kind="saturated", step=int(at), update=weights[0], name=spike.site, spike_step=int(early[0]),
                        ratio=float(sev["ratio"]), typical=float(sev.get("typical_ratio", float("nan"))),
                        loss_first=first, loss_end=end,
                        what=f"from step {at} {sat.site} ({ev.get('activation')}) was exactly {ev.get('bound'):g} at "
                             f"{held} of the {last_step - at} steps to the end, its gradient exactly 0 there, and the "
                             f"loss ({how}) ended at {end:.4g} (median of its last {len(tail)} values) against "
                             f"{first:.4g} at the start")
    return {}
