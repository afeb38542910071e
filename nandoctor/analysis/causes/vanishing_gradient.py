"""The gradient vanishes before it reaches the parameters, and the loss barely falls."""

from __future__ import annotations

import numpy as np

from ...detectors.optimisation import loss_progress
from ...model import ChainLink
from ..rules import PRIMARY, Draft, RuleOutcome, cause_rule


@cause_rule(
    "vanishing_gradient",
    "The gradient vanishes on its way back",
    premises=(
        ("gradient_vanishes", "a gradient is below VANISH_GRAD, or shrinks by DECAY within one step on its way back"),
        ("loss_barely_falls", "the measured loss fell by less than VANISH_SLOW_DROP over the run or its second half"),
    ),
    thresholds={"VANISH_SLOW_DROP": 0.1},
)
def rule(ctx) -> RuleOutcome:
    """A measured vanishing gradient in a run whose loss does not fall."""
    F = ctx.facts
    out = RuleOutcome()
    found = ctx.findings.get("vanishing_gradient", [])
    if not out.check("gradient_vanishes", bool(found), found[0].message if found else
                     "no gradient below 1e-7 and no backward value shrinking 1e4-fold within a step"):
        return out
    lp = loss_progress(F)
    # Stalled: over the second half of the run (or the whole run) the loss fell by less than VANISH_SLOW_DROP.
    stalled = lp is not None and bool(min(lp["drop"], lp.get("late_drop", lp["drop"])) < ctx.threshold("VANISH_SLOW_DROP") \
        and np.isfinite(lp["drop"]))
    if not out.check("loss_barely_falls", None if lp is None else stalled,
                     (f"the loss ({lp['how']}) went from {lp['first']:.4g} to {lp['last']:.4g}"
                      + (f" ({lp['middle']:.4g} halfway)" if "middle" in lp else "")) if lp else
                     "no loss was measured"):
        return out
    f = found[0]
    msg = (f"{f.message} The loss ({lp['how']}) went from {lp['first']:.4g} to {lp['last']:.4g}"
           + (f", {lp['middle']:.4g} halfway." if "middle" in lp else "."))
    chain = [ChainLink(f.message, f.first_step, f.site, f.line, dict(f.evidence)),
             ChainLink(f"The loss went from {lp['first']:.4g} to {lp['last']:.4g}", None, None, None, dict(lp))]
    out.drafts.append(Draft("vanishing_gradient", PRIMARY - 10, msg, chain, [], [f.code], dict(f.evidence)))
    return out
