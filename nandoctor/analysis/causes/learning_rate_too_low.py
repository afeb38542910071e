"""The learning rate is too low: the gradient is there, but each step moves the weights so little the loss barely falls."""

from __future__ import annotations

import numpy as np

from ... import columns as C
from ...detectors.facts import base_name
from ...detectors.optimisation import first_order_drop, gradient_size, loss_progress, loss_series, typical_ratio
from ...explain.fixes import hyper_value, lower_lr_fix
from ...model import ChainLink, Fix
from ..rules import LATENT, PRIMARY, Draft, RuleOutcome, cause_rule
from ._numeric import layer_update_ratios


def _writes_several(F, u: int) -> bool:
    from ...detectors.optimisation import _writes_several_arrays

    return _writes_several_arrays(F.ser(u))


def _scalar_ratios(F) -> list[dict]:
    """The median |change| of every scalar parameter's writes in the loop against the largest size it reaches, one
    entry per parameter with a non-zero size; written like `layer_update_ratios`' entries."""
    from ...detectors.optimisation import scalar_deltas

    out = []
    for u in F.updates:
        sr = F.ser(u)
        if sr is None or not len(sr) or np.nanmax(sr[C.SIZE]) > 1:
            continue
        inside = sr.step >= 0
        deltas = scalar_deltas(F, u)[inside]
        size = float(np.nanmax(np.abs(sr[C.MEAN][inside].astype(np.float64)))) if inside.any() else float("nan")
        deltas = deltas[np.isfinite(deltas)]
        if len(deltas) and np.isfinite(size) and size > 0:
            out.append({"name": base_name(F.by_id[u].target), "update": u, "position": 0, "n": int(len(deltas)),
                        "ratio": float(np.median(deltas)) / size, "from_zero": False})
    return [r for r in out if r["ratio"] > 0]


def _by_tenths(F, lp: dict | None) -> dict | None:
    """The loss's progress read from the medians of its first, middle and last tenths (30 finite values at least, all
    of them finite): a minibatch loss swings from batch to batch, and one batch's value stands for no point of the run.
    None when too short."""
    ls = loss_series(F)
    if lp is None or ls is None or len(ls[1]) < 30 or not np.isfinite(ls[1]).all():
        return None
    loss = np.asarray(ls[1], dtype=np.float64)
    k = max(3, len(loss) // 10)
    mid = len(loss) // 2
    first, middle, last = (float(np.median(loss[:k])), float(np.median(loss[mid - k // 2:mid - k // 2 + k])),
                           float(np.median(loss[-k:])))
    return dict(lp, first=first, middle=middle, last=last, drop=(first - last) / max(abs(first), 1e-12),
                how=f"{lp['how']}, medians of {k} values at its start, middle and end")


def _short_travel(F) -> dict | None:
    """The parameter array (not grown from zero) whose steps, added up, took the longest path in units of its own
    size, with that length ("travel"); None when no array's ratios were measured."""
    moved = [r for r in layer_update_ratios(F) if not r["from_zero"] and r["ratio"] > 0 and np.isfinite(r["travel"])]
    return max(moved, key=lambda r: r["travel"]) if moved else None


def _steady_descent(lp: dict, pace: float, most: float) -> bool:
    """The loss fell by less than `most` of its start, and its second half fell at least `pace` of what its first
    half did (both halves falling)."""
    if "middle" not in lp or not np.isfinite(lp["last"]) or lp["first"] <= 0:
        return False
    early, late = lp["first"] - lp["middle"], lp["middle"] - lp["last"]
    return bool(0 < lp["drop"] < most and early > 0 and late >= pace * early)


@cause_rule(
    "learning_rate_too_low",
    "The learning rate is too low",
    premises=(
        ("loss_barely_falls", "the measured loss moved by less than SLOW_DROP of itself over the run, and stayed finite; "
                              "or it fell by less than STEADY_MAX_DROP at a pace that does not slow (its second half "
                              "fell at least STEADY_PACE of what its first half did): still descending, not converged; "
                              "or it fell by less than STEADY_MAX_DROP, its second half still falling at least "
                              "STILL_FALLING of what its first half did, while no parameter array's steps added up to "
                              "TRAVEL_MAX of its own size over the whole run"),
        ("steps_tiny", "the measured steps, all together, could lower the loss by less than SLOW_DROP of it (less than "
                       "STEADY_MAX_DROP for a loss descending at a steady pace), and the loss did not fall "
                       "UNEXPLAINED_DROP times more than they could explain (steps left unmeasured)"),
        ("gradient_present", "the gradient the updates read is not vanishingly small"),
        ("gradient_not_vanishing", "no gradient was measured vanishing on its way back (below 1e-7, or shrinking "
                                   "1e4-fold within a step): then the steps are small because the gradient is"),
        ("steps_tiny_alike", "the parameter arrays' update ratios are within LAYER_SPREAD of each other: a rate scales "
                             "every layer alike, a vanishing gradient starves the layers far from the loss"),
    ),
    thresholds={"SLOW_DROP": 0.1, "SLOW_RATIO": 1e-3, "GRADIENT_ALIVE": 1e-5, "LAYER_SPREAD": 1e3,
                "UNEXPLAINED_DROP": 100.0, "STEADY_PACE": 0.7, "STEADY_MAX_DROP": 0.5, "STILL_FALLING": 0.3,
                "TRAVEL_MAX": 0.1},
    # a step stored into an integer array is truncated away whatever the rate: the truncation explains tiny steps;
    # targets beyond what the output can produce leave a loss floor no rate gets under; a forward pass computed once
    # before the loop hands every step the same gradient, whatever the rate; steps that shrink layer by layer toward
    # the input (a vanishing gradient, measured on the first steps) are starved by the layers, not scaled by a rate;
    # units that are copies of each other get one gradient between them, whatever the rate
    yields_to=("integer_dtype_truncation", "parameter_not_updated", "targets_outside_activation_range",
               "forward_outside_loop", "vanishing_gradient", "weights_init_symmetric"),
)
def rule(ctx) -> RuleOutcome:
    """Loss stalled, tiny steps, a gradient of ordinary size: the rate scaling it is too small."""
    F = ctx.facts
    out = RuleOutcome()
    lp = loss_progress(F)
    # A minibatch loss read at single values may look like it slows; its medians over tenths of the run say whether
    # it does.
    smooth = _by_tenths(F, lp)
    if smooth is not None and _steady_descent(smooth, ctx.threshold("STEADY_PACE"), ctx.threshold("STEADY_MAX_DROP")):
        lp = smooth
    # Barely falls: neither a real drop nor a rise (a rising loss is not a step too small). Or still falling as fast
    # at the end as at the start, well short of converging: a loss that converges slows down as it nears its floor,
    # while one held back by the step size keeps the same pace.
    steady = lp is not None and _steady_descent(lp, ctx.threshold("STEADY_PACE"), ctx.threshold("STEADY_MAX_DROP"))
    # Or still falling, while the weights have hardly left where they started: the whole run's steps, added up, are a
    # small part of the weights' own size, so the loss fell as far as so short a path could take it.
    travel = None
    falling = next((p for p in (smooth, lp) if p is not None and _steady_descent(
        p, ctx.threshold("STILL_FALLING"), ctx.threshold("STEADY_MAX_DROP"))), None)
    if falling is not None and not steady and abs(lp["drop"]) >= ctx.threshold("SLOW_DROP"):
        longest = _short_travel(F)
        if longest is not None and longest["travel"] < ctx.threshold("TRAVEL_MAX"):
            travel, lp, steady = longest, falling, True
    pace = (lp["middle"] - lp["last"]) / (lp["first"] - lp["middle"]) if steady else None
    if not out.check("loss_barely_falls", None if lp is None else abs(lp["drop"]) < ctx.threshold("SLOW_DROP") or steady,
                     (f"the loss ({lp['how']}) went from {lp['first']:.4g} to {lp['last']:.4g}"
                      + (f", {lp['middle']:.4g} halfway: its second half fell {pace:.2f} of what its first half did"
                         if steady else "")
                      + (f", while the steps of {travel['name']}, the array that moved most, added up to "
                         f"{travel['travel']:.2g} of its size over the run" if travel else "")) if lp
                     else "no loss was measured", **(lp or {}), steady=steady,
                     **({"travel": travel["travel"]} if travel else {})):
        return out
    tr = typical_ratio(F)
    fo = first_order_drop(F)
    if tr is None or fo is None:
        out.check("steps_tiny", None, "no update ratio was measured" if tr is None else
                  "no update has both its step and its gradient recorded")
        return out
    share = fo["bound"] / max(abs(lp["first"]), 1e-12)
    fell = lp["first"] - lp["last"]
    if np.isfinite(fell) and fell > ctx.threshold("UNEXPLAINED_DROP") * fo["bound"]:
        # The loss fell far more than the measured steps could lower it: most of the steps were not measured
        # (parameters updated where nothing was recorded), so the bound says nothing about the rate.
        out.check("steps_tiny", None, f"the loss fell by {fell:.3g}, {fell / max(fo['bound'], 1e-300):.3g} times what "
                  f"the measured steps could explain ({fo['bound']:.3g}): the steps were not all measured",
                  bound=fo["bound"], fell=fell)
        return out
    if not out.check("steps_tiny", share < ctx.threshold("STEADY_MAX_DROP" if steady else "SLOW_DROP"),
                     f"all the steps together could lower the loss by at most {fo['bound']:.3g} to first order "
                     f"(sum of |step| x |gradient|"
                     + (f"; for {', '.join(fo['estimated'])} the mean over the steps recorded whole, times its steps"
                        if fo.get("estimated") else "")
                     + f"), {share:.2%} of its {lp['first']:.4g}", bound=fo["bound"],
                     share=share, ratio=tr["ratio"]):
        return out
    g = gradient_size(F, tr["update"])
    if not out.check("gradient_present", None if g is None else g >= ctx.threshold("GRADIENT_ALIVE"),
                     f"the gradient of {tr['name']} has a typical size of {g:.2g}" if g is not None
                     else f"no gradient of {tr['name']} was recorded", gradient_rms=g):
        return out
    vanish = ctx.findings.get("vanishing_gradient", [])
    if not out.check("gradient_not_vanishing", not vanish, vanish[0].message if vanish else
                     "no gradient was found vanishing"):
        return out
    measured = [r for r in layer_update_ratios(F) if r["ratio"] > 0]
    layers = [r for r in measured if not r["from_zero"]]
    grown = [r for r in measured if F.ser(r["update"]) is not None and np.nanmax(F.ser(r["update"])[C.SIZE]) > 1]
    if not layers and grown:
        # Every array grew from zero: each ratio falls like 1/k with the step count whatever the rate, so they are
        # compared only with one another (like with like); a gradient starved on its way back still shows in
        # gradient_not_vanishing. Python numbers are judged below against the size they reach.
        layers = grown
    low = min(layers, key=lambda r: r["ratio"]) if layers else None
    high = max(layers, key=lambda r: r["ratio"]) if layers else None
    spread = high["ratio"] / low["ratio"] if layers else None
    arrays = [u for u in F.updates if F.ser(u) is not None and np.nanmax(F.ser(u)[C.SIZE]) > 1]
    single = not layers and len(arrays) == 1 and not _writes_several(F, arrays[0])
    if not layers and not arrays:
        # Only numbers are learned (Python floats): each compared with the size it reaches, since numbers that
        # start at zero have no size before their first step to compare a step with.
        layers = _scalar_ratios(F)
        low = min(layers, key=lambda r: r["ratio"]) if layers else None
        high = max(layers, key=lambda r: r["ratio"]) if layers else None
        spread = high["ratio"] / low["ratio"] if layers else None
    kind = "parameter arrays" if arrays else "scalar parameters"
    if single:
        # One array of weights (and scalar offsets): no gradient passes back through other layers to vanish.
        out.check("steps_tiny_alike", True, f"{base_name(F.by_id[arrays[0]].target)} is the only array of weights: "
                  "no gradient passes back through layers", spread=1.0)
    elif not out.check("steps_tiny_alike", None if spread is None else spread < ctx.threshold("LAYER_SPREAD"),
                     "no parameter array's update ratio was measured" if spread is None else
                     (f"one parameter array ({high['name']}, median ratio {high['ratio']:.2g})" if len(layers) == 1 else
                      f"the median update ratios of {len(layers)} {kind} run from {low['ratio']:.2g} "
                      f"({low['name']}) to {high['ratio']:.2g} ({high['name']}), {spread:.3g}x apart"),
                     spread=spread, **({"ratios": {r["name"]: r["ratio"] for r in layers}} if layers else {})):
        return out
    u = tr["update"]
    hv = hyper_value(F, u)
    rate = f"the learning rate {hv['name']} = {hv['value']:g}" if hv else "the learning rate"
    alike = (f" Every {kind[:-1]} moves alike: median update ratios from {low['ratio']:.2g} to {high['ratio']:.2g}."
             if len(layers) > 1 else "")
    msg = (f"{rate[0].upper() + rate[1:]} is too low: the gradient of {tr['name']} has a typical size of {g:.2g}, yet "
           f"all the steps together could lower the loss by at most {share:.2%} of it, and the loss ({lp['how']}) only "
           f"went from {lp['first']:.4g} to {lp['last']:.4g}"
           + (f", still falling, while the steps of {travel['name']} added up to {travel['travel']:.2%} of its size over "
              f"the whole run" if travel else "") + f".{alike}")
    fx = lower_lr_fix(F, u, factor=1 / 100)
    fixes = [Fix(fx.title.replace("Lower", "Raise"), fx.line, fx.before, fx.after,
                 f"All the steps together could lower the loss by at most {share:.2%} of it.")] if fx else []
    chain = [ChainLink(msg, None, tr["name"], F.by_id[u].line, {"ratio": tr["ratio"], "gradient_rms": g}),
             ChainLink(f"The loss went from {lp['first']:.4g} to {lp['last']:.4g}", None, None, None, dict(lp))]
    codes = [f.code for c in ("vanishing_updates", "loss_stalled") for f in ctx.findings.get(c, [])]
    score = PRIMARY - 10 if lp["drop"] < 0.01 or ctx.findings.get("loss_stalled") else LATENT + 10
    out.drafts.append(Draft("learning_rate_too_low", score, msg, chain, fixes, codes,
                            {"ratio": tr["ratio"], "gradient_rms": g, "loss_first": lp["first"], "loss_last": lp["last"],
                             "learning_rate": hv["value"] if hv else None}))
    return out
