"""A division whose divisor is exactly zero (not a saturated sigmoid output) makes the first non-finite value."""

from __future__ import annotations

import ast

import numpy as np

from ... import columns as C
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
    # A softmax's sum reaches zero when every exp of a row underflowed: the unshifted logits are the source.
    yields_to=("softmax_overflow_no_max_subtraction",),
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
    words, numbers = _zero_divisor(ctx.facts, info)
    out.drafts.append(mechanism_draft(ctx, "division_by_zero", info, f"A divisor reaches exactly zero{words}",
                                      division_fix(ctx.facts, info), numbers))
    return out


def _zero_divisor(F, info) -> tuple[str, dict]:
    """The recorded values the divisor is computed from, at the failing step: how many are exactly zero."""
    try:
        tree = ast.parse((info.get("expression") or "").strip(), mode="eval")
    except SyntaxError:
        return "", {}
    divisors = [n.right for n in ast.walk(tree) if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Div)]
    sid = info.get("site")
    function = F.by_id[sid].function if sid is not None and sid in F.by_id else info.get("function") or ""
    for den in divisors:
        for node in ast.walk(den):
            name = ast.unparse(node) if isinstance(node, (ast.Name, ast.Attribute)) else None
            if not name or name.split(".")[0] in ("np", "numpy", "math"):
                continue
            for w in F.resolve(name, function):
                sr = F.ser(w)
                row = sr.at_step(info["step"]) if sr is not None and len(sr) else None
                if row is None:
                    continue
                size, frac = sr[C.SIZE][row], sr[C.FRAC_ZERO][row]
                if np.isfinite(frac) and frac > 0 and np.isfinite(size):
                    zeros = int(round(frac * size))
                    return (f" ({name} holds {zeros} exact zero{'s' if zeros != 1 else ''} in {int(size)} "
                            f"element{'s' if size != 1 else ''}, shape {sr.shape[row]}, at step {info['step']})"), \
                        {"divisor_operand": name, "zeros": zeros, "size": int(size), "shape": str(sr.shape[row])}
    return "", {}
