"""A division whose divisor is exactly zero (not a saturated sigmoid output) makes the first non-finite value."""

from __future__ import annotations

from ..rules import RuleOutcome, cause_rule
from ._numeric import division_fix, located, mechanism_draft, saturated_divisor

ZERO_DIVISIONS = ("0/0", "x/0")


@cause_rule(
    "division_by_zero",
    "A divisor is exactly zero",
    premises=(
        ("first_nonfinite_located", "the first non-finite value was found and its operation replayed"),
        ("divides_by_zero", "that operation divides by exactly zero (0/0 or x/0)"),
        ("divisor_not_saturated_sigmoid", "the zero divisor is not a sigmoid output sitting exactly at 0 or 1"),
    ),
)
def rule(ctx) -> RuleOutcome:
    """The first non-finite value is a division by exactly zero."""
    out = RuleOutcome()
    info = located(out, ctx)
    if info is None:
        return out
    op = info["operation"]
    if not out.check("divides_by_zero", op in ZERO_DIVISIONS, f"the operation is {op}", operation=op):
        return out
    saturated, why, numbers = saturated_divisor(ctx.facts, info, ctx.findings)
    # No sigmoid anywhere in the run is a measurement too: the divisor cannot be one.
    if not out.check("divisor_not_saturated_sigmoid", saturated is not True, why, **numbers):
        return out
    out.drafts.append(mechanism_draft(ctx, "division_by_zero", info, "A divisor reaches exactly zero",
                                      division_fix(ctx.facts, info)))
    return out
