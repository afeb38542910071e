"""A softmax exponentiates the raw logits without subtracting their max, and exp overflows."""

from __future__ import annotations

from ..rules import RuleOutcome, cause_rule
from ._numeric import located, mechanism_draft, softmax_fix, softmax_form, subtracts_max


@cause_rule(
    "softmax_overflow_no_max_subtraction",
    "The softmax does not subtract the max before exp",
    premises=(
        ("first_nonfinite_located", "the first non-finite value was found and its operation replayed"),
        ("exp_overflowed", "that operation is an exp whose argument is past the dtype's limit"),
        ("softmax_form", "the exp belongs to a softmax (exp divided by its sum)"),
        ("max_not_subtracted", "the code computing it does not subtract the logits' max"),
    ),
)
def rule(ctx) -> RuleOutcome:
    """The first non-finite value is a softmax's exp overflowing on unshifted logits."""
    out = RuleOutcome()
    info = located(out, ctx)
    if info is None:
        return out
    op = info["operation"]
    if not out.check("exp_overflowed", "exp" in op and "overflow" in op, f"the operation is {op}", operation=op):
        return out
    softmax, why = softmax_form(ctx.facts, info)
    if not out.check("softmax_form", softmax, why):
        return out
    shifted = subtracts_max(ctx.facts, info)
    if not out.check("max_not_subtracted", not shifted,
                     f"{info.get('function') or 'the statement'} "
                     f"{'subtracts' if shifted else 'does not subtract'} a max before exp"):
        return out
    out.drafts.append(mechanism_draft(ctx, "softmax_overflow_no_max_subtraction", info,
                                      "The softmax exponentiates the raw logits without subtracting their max",
                                      softmax_fix(ctx.facts, info)))
    return out
