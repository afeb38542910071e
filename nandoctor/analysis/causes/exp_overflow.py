"""exp() overflows to inf (outside a softmax written without its max shift) and makes the first non-finite value."""

from __future__ import annotations

from ..rules import RuleOutcome, cause_rule
from ._numeric import exp_fix, exponential_overflow, located, mechanism_draft, softmax_form, subtracts_max


@cause_rule(
    "exp_overflow",
    "exp() overflows",
    premises=(
        ("first_nonfinite_located", "the first non-finite value was found and its operation replayed"),
        ("exp_overflowed", "that operation is an exp (or exp2, expm1, cosh, sinh) whose argument is past the dtype's "
                           "limit"),
        ("not_unshifted_softmax", "the exp is not a softmax that skips subtracting the max"),
    ),
)
def rule(ctx) -> RuleOutcome:
    """The first non-finite value is exp overflowing to inf."""
    out = RuleOutcome()
    info = located(out, ctx)
    if info is None:
        return out
    op = info["operation"]
    name = exponential_overflow(op)
    if not out.check("exp_overflowed", name is not None, f"the operation is {op}", operation=op):
        return out
    softmax, why = softmax_form(ctx.facts, info)
    unshifted = softmax and not subtracts_max(ctx.facts, info)
    if not out.check("not_unshifted_softmax", not unshifted,
                     f"{why}, without a max shift" if unshifted else why):
        return out
    out.drafts.append(mechanism_draft(ctx, "exp_overflow", info, f"{name}() overflows", exp_fix(ctx.facts, info)))
    return out
