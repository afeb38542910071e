"""The sigmoid output reaches exactly 0 or 1 and the cross-entropy gradient divides by it (0/0)."""

from __future__ import annotations

from ..rules import RuleOutcome, cause_rule
from ._numeric import bce_fixes, located, mechanism_draft, second_origin, saturated_divisor

ZERO_DIVISIONS = ("0/0", "x/0")


@cause_rule(
    "sigmoid_saturation_bce_0over0",
    "A saturated sigmoid output divides the cross-entropy gradient by zero",
    premises=(
        ("first_nonfinite_located", "the first non-finite value was found and its operation replayed"),
        ("divides_by_zero", "that operation divides by exactly zero (0/0 or x/0), or, when that value does not reach "
                            "the parameter updates (a loss only reported), the first non-finite value of the same step "
                            "not computed from it"),
        ("divisor_saturated_sigmoid", "the divisor is a sigmoid output (or 1 - it) measured exactly at 0 or 1"),
    ),
)
def rule(ctx) -> RuleOutcome:
    """The cross-entropy gradient divides by a sigmoid output that rounded to exactly 0 or 1."""
    out = RuleOutcome()
    info = located(out, ctx)
    if info is None:
        return out
    op = info["operation"]
    why = f"the operation is {op}"
    if op not in ZERO_DIVISIONS:
        # The first non-finite value may stay in a reported loss (`np.log(1 - p)`), while the same step's gradient
        # divides by the same saturated output and carries the NaN into the weights.
        onward = second_origin(ctx.facts, ctx.session, info)
        if onward is not None and onward["operation"] in ZERO_DIVISIONS:
            why = (f"the operation is {op} at line {info['line']}, from which no update is computed; in the same step, "
                   f"line {onward['line']}: `{onward['expression']}` computes {onward['operation']} on its own")
            info, op = onward, onward["operation"]
    if not out.check("divides_by_zero", op in ZERO_DIVISIONS, why, operation=op):
        return out
    saturated, why, numbers = saturated_divisor(ctx.facts, info, ctx.findings)
    if not out.check("divisor_saturated_sigmoid", saturated, why, **numbers):
        return out
    count = numbers.get("elements_at_bound")
    base = (f"The sigmoid output {numbers['site']} reaches exactly {numbers['bound']:g}"
            f"{f' for {count} element(s)' if count else ''} from step {numbers['saturated_step']}, and the "
            f"cross-entropy gradient divides by {numbers['divisor']}")
    out.drafts.append(mechanism_draft(ctx, "sigmoid_saturation_bce_0over0", info, base, bce_fixes(ctx.facts, info),
                                      numbers))
    return out
