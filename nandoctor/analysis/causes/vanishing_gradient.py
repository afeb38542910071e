"""The gradient vanishes before it reaches the parameters, and the loss barely falls."""

from __future__ import annotations

import numpy as np

from ...detectors.facts import base_name
from ...detectors.optimisation import gradient_size, loss_progress
from ...detectors.structure import bias_params
from ...explain.fixes import advice
from ...model import ChainLink
from ..rules import PRIMARY, Draft, RuleOutcome, cause_rule
from ._numeric import EARLY_STEPS, ratios_toward_the_input


@cause_rule(
    "vanishing_gradient",
    "The gradient vanishes on its way back",
    premises=(
        ("gradient_vanishes", "a backward value shrinks by DECAY within one step, or a parameter's gradient is below "
                              "VANISH_GRAD while another's is VANISH_CONTRAST times larger, or the layers' update "
                              "ratios shrink toward the input, the first layer's VANISH_CONTRAST times below the last's"),
        ("gradient_has_a_way_back", "the model has depth for a gradient to shrink through: a backward value or the "
                                    "layers' update ratios were measured shrinking, an activation was identified, or "
                                    "two weight arrays or more are stepped (not counting biases)"),
        ("loss_barely_falls", "the measured loss fell by less than VANISH_SLOW_DROP over the run or its second half, and "
                              "did not end above twice its start"),
    ),
    thresholds={"VANISH_SLOW_DROP": 0.1, "VANISH_CONTRAST": 1e3},
    # Dead ReLUs pass exactly zero gradient to the layers below them: that zero is their consequence.
    yields_to=("dead_relu",),
)
def rule(ctx) -> RuleOutcome:
    """A measured vanishing gradient in a run whose loss does not fall."""
    F = ctx.facts
    out = RuleOutcome()
    found = ctx.findings.get("vanishing_gradient", [])
    # Vanishing on the way back: measured along the backward pass within a step, or one parameter's gradient
    # near zero while another's is not. A lone tiny gradient is a minimum or a flat loss, not a lost signal.
    along = [f for f in found if "decay" in f.evidence]
    lone = [f for f in found if "decay" not in f.evidence]
    # The contrast is with another parameter, one whose own gradient was not found near zero: a parameter is not
    # compared with itself (two measures of one gradient can disagree), nor with one that vanished as well.
    low = {f.site for f in lone}
    sizes = {base_name(F.by_id[u].target): gradient_size(F, u) for u in F.updates}
    alive = max((g for name, g in sizes.items() if g is not None and name not in low), default=None)
    contrast = [f for f in lone if alive is not None and f.evidence.get("gradient_rms") is not None
                and alive >= ctx.threshold("VANISH_CONTRAST") * max(f.evidence["gradient_rms"], 1e-300)]
    found = along + contrast
    # The layers' steps: the ones far from the loss move far less than the ones near it (a rate too low moves
    # every layer alike).
    layers = ratios_toward_the_input(F)
    shrink = None
    if layers is not None:
        first, end = layers[0], layers[-1]
        for key, when in (("ratio", "median over the run"), ("early", f"first {EARLY_STEPS} steps")):
            falling = float(np.mean(np.diff([r[key] for r in layers]) > 0))
            if end[key] >= ctx.threshold("VANISH_CONTRAST") * first[key] and falling >= 0.5:
                listed = ", ".join(f"{r['name']} {r[key]:.2g}" for r in layers)
                shrink = (f"The update ratios ({when}) shrink toward the input: {listed} (input side first), "
                          f"{end[key] / first[key]:.3g}x from the last layer to the first.")
                break
    if not out.check("gradient_vanishes", bool(found) or bool(shrink), found[0].message if found else shrink if shrink else
                     ("the only near-zero gradients are where no other parameter's gradient is larger: a minimum "
                      "or a flat loss, not a gradient lost on its way back" if lone else
                      "no gradient below 1e-7 and no backward value shrinking 1e4-fold within a step"
                      + (", and the layers' update ratios do not shrink toward the input by "
                         f"{ctx.threshold('VANISH_CONTRAST'):g}" if layers is not None else "")),
                     **({"ratios": {r["name"]: r["ratio"] for r in layers}} if layers else {})):
        return out
    depth = (True, "a backward value was measured shrinking along it") if along else \
        (True, "the layers' update ratios were measured along it") if shrink else _depth(F)
    if not out.check("gradient_has_a_way_back", depth[0], depth[1]):
        return out
    lp = loss_progress(F)
    # Stalled: over the second half of the run (or the whole run) the loss fell by less than VANISH_SLOW_DROP.
    stalled = lp is not None and bool(min(lp["drop"], lp.get("late_drop", lp["drop"])) < ctx.threshold("VANISH_SLOW_DROP") \
        and np.isfinite(lp["drop"]))
    # A loss that ends at more than twice its start is climbing away (a blow-up), not held still by a lost signal.
    climbing = lp is not None and bool(np.isfinite(lp["last"]) and lp["first"] > 0 and lp["last"] > 2 * lp["first"])
    if not out.check("loss_barely_falls", None if lp is None else stalled and not climbing,
                     (f"the loss ({lp['how']}) went from {lp['first']:.4g} to {lp['last']:.4g}"
                      + (f" ({lp['middle']:.4g} halfway)" if "middle" in lp else "")
                      + (", more than twice where it started: it climbs, it is not held still" if climbing else ""))
                     if lp else "no loss was measured"):
        return out
    f = found[0] if found else None
    head = f.message if f else shrink
    msg = (f"{head} The loss ({lp['how']}) went from {lp['first']:.4g} to {lp['last']:.4g}"
           + (f", {lp['middle']:.4g} halfway." if "middle" in lp else "."))
    if f is None:
        u = layers[0]["update"]
        chain = [ChainLink(shrink, None, layers[0]["name"], F.by_id[u].line, {r["name"]: r["ratio"] for r in layers}),
                 ChainLink(f"The loss went from {lp['first']:.4g} to {lp['last']:.4g}", None, None, None, dict(lp))]
        out.drafts.append(Draft("vanishing_gradient", PRIMARY - 10, msg, chain, [], [],
                                {"ratios": {r["name"]: r["ratio"] for r in layers}}))
        return out
    chain = [ChainLink(f.message, f.first_step, f.site, f.line, dict(f.evidence)),
             ChainLink(f"The loss went from {lp['first']:.4g} to {lp['last']:.4g}", None, None, None, dict(lp))]
    fixes = [advice("keep the gradient's size from layer to layer (or step to step): a ReLU instead of a saturating "
                    "activation in the hidden layers, weights drawn with a spread of sqrt(1/fan_in), or fewer "
                    "layers / a shorter sequence",
                    "Each sigmoid or tanh derivative is at most 1 (a sigmoid's at most 0.25) and each small weight "
                    "scales the gradient down again: multiplied over many layers they leave nothing to learn from.")]
    out.drafts.append(Draft("vanishing_gradient", PRIMARY - 10, msg, chain, fixes, [f.code], dict(f.evidence)))
    return out


def _depth(F) -> tuple[bool, str]:
    """Whether anything stands between the loss and a parameter for its gradient to shrink through, and what.

    A linear model's gradient is the data times the error: a tiny one there is a flat loss or an error that sums to
    nothing, not a signal lost on its way back."""
    if F.activations:
        kinds = sorted({a.kind for a in F.activations})
        return True, f"the forward pass goes through {', '.join(kinds)} ({len(F.activations)} call sites)"
    biases = set(bias_params(F))
    weights = set()
    for u in F.updates:
        name = base_name(F.by_id[u].target)
        sr = F.ser(u)
        if name in biases or sr is None or not len(sr):
            continue
        first = int(sr.step[sr.step >= 0].min()) if (sr.step >= 0).any() else None
        for i in range(len(sr)):
            if first is None or sr.step[i] == first:
                weights.add((name, str(sr.shape[i])))
    if len(weights) >= 2:
        return True, f"{len(weights)} weight arrays are stepped ({', '.join(sorted({n for n, _ in weights})[:4])})"
    return False, (f"no activation was identified and one weight array is stepped ({next(iter(weights))[0]}): a linear "
                   f"model, whose gradient has no way back to shrink along" if weights else
                   "no activation was identified and no weight array apart from biases is stepped")

