"""A log gets exactly 0 (an output or a count that reached zero) and makes the first non-finite value."""

from __future__ import annotations

import re

from ..rules import RuleOutcome, cause_rule
from ._numeric import located, log_fix, mechanism_draft

LOG_AT_ZERO = re.compile(r"^log(2|10)?\(0\)$|^log1p\(-1\)$")


@cause_rule(
    "log_of_zero",
    "A log gets exactly zero",
    premises=(
        ("first_nonfinite_located", "the first non-finite value was found and its operation replayed"),
        ("log_at_zero", "that operation is the log of exactly zero"),
    ),
    # steps that climb the loss from the first ones push the probabilities to 0 or 1: the log of zero is where the
    # climb ends, the sign of the step is the cause
    yields_to=("gradient_sign_wrong",),
)
def rule(ctx) -> RuleOutcome:
    """The first non-finite value is log(0) = -inf."""
    out = RuleOutcome()
    info = located(out, ctx)
    if info is None:
        return out
    op = info["operation"]
    if not out.check("log_at_zero", bool(LOG_AT_ZERO.match(op)), f"the operation is {op}", operation=op):
        return out
    out.drafts.append(mechanism_draft(ctx, "log_of_zero", info, "A log gets exactly 0", log_fix(ctx.facts, info)))
    return out
