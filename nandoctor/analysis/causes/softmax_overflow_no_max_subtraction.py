"""A softmax exponentiates the raw logits without subtracting their max, and exp overflows (or underflows to 0/0)."""

from __future__ import annotations

import ast
import dataclasses
import re

import numpy as np

from ... import columns as C
from ...detectors.facts import base_name
from ..rules import RuleOutcome, cause_rule
from ._numeric import located, mechanism_draft, softmax_fix, softmax_form, subtracts_max


def _sum_of(node, name: str) -> bool:
    """`name.sum(...)` or `np.sum(name, ...)`."""
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute) or node.func.attr != "sum":
        return False
    own_sum = isinstance(node.func.value, ast.Name) and node.func.value.id == name
    np_sum = bool(node.args) and isinstance(node.args[0], ast.Name) and node.args[0].id == name
    return own_sum or np_sum


def _normalised_name(expression: str, sum_written=None) -> str | None:
    """The name X of `X / X.sum(...)` or `X / np.sum(X, ...)` in the failing expression: a value divided by its own
    sum, as a softmax normalises its exps; or of `X / S` where `sum_written(S)` is the statement that wrote S and it
    sums X (`S = X.sum(axis=1)` on the line before)."""
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) and isinstance(node.left, ast.Name)):
            continue
        name, right = node.left.id, node.right
        if _sum_of(right, name):
            return name
        if isinstance(right, ast.Name) and sum_written is not None:
            written = sum_written(right.id)
            if written is not None and _sum_of(written, name):
                return name
    return None


def _latest_writer(F, name: str, function: str, limit: int) -> tuple[int, int] | None:
    """(site, row) of the write of `name` that ran last before sequence number `limit`."""
    best = None
    for w in F.resolve(name, function):
        ws = F.ser(w)
        if ws is None or not len(ws):
            continue
        i = ws.before_seq(limit)
        if i is not None and (best is None or int(ws.seq[i]) > best[2]):
            best = (w, i, int(ws.seq[i]))
    return None if best is None else best[:2]


def underflowed_exp(F, info: dict) -> dict | None:
    """The failing statement divides a value by its own sum; that value was last written by an exp whose recorded
    result holds exact zeros (exp underflowed) while its recorded argument went below the dtype's underflow limit,
    every value finite: the 0/0 of a row whose exps all underflowed. None when that was not measured."""
    sid = info.get("site")
    if sid is None or sid not in F.by_id:
        return None
    here = F.ser(sid)
    row = here.at_step(info["step"]) if here is not None and len(here) else None
    if row is None:
        return None

    def sum_written(divisor: str):
        # the value of the statement that last wrote the divisor before the failing one
        found = _latest_writer(F, divisor, F.by_id[sid].function, int(here.seq[row]))
        if found is None:
            return None
        try:
            stmt = ast.parse((F.by_id[found[0]].statement or "").strip()).body[0]
        except (SyntaxError, IndexError):
            return None
        return getattr(stmt, "value", None)

    name = _normalised_name(info.get("expression") or info.get("statement") or "", sum_written)
    if name is None:
        return None
    found = _latest_writer(F, name, F.by_id[sid].function, int(here.seq[row]))
    if found is None:
        return None
    w, i = found
    m = re.search(r"\bexp\(\s*([A-Za-z_]\w*)\s*\)", F.by_id[w].statement or "")
    if not m:
        return None
    ws = F.ser(w)
    bad = ws[C.N_NAN][i] + ws[C.N_POSINF][i] + ws[C.N_NEGINF][i]
    if bad or not ws[C.FRAC_ZERO][i] > 0:
        return None
    arg = _latest_writer(F, m.group(1), F.by_id[w].function, int(ws.seq[i]) + 1)
    if arg is None or arg[0] == w:
        return None
    sa = F.ser(arg[0])
    lowest = float(sa[C.MIN][arg[1]])
    dtype = np.dtype(F.limits(arg[0]).dtype)
    # exp(z) is exactly 0 below log of the smallest positive (subnormal) float of the dtype.
    floor = float(np.log(np.finfo(dtype).smallest_subnormal))
    if not np.isfinite(lowest) or lowest >= floor:
        return None
    return dict(exp_site=w, exp_name=name, argument=m.group(1), lowest=lowest, floor=floor,
                zero_share=float(ws[C.FRAC_ZERO][i]), line=F.by_id[w].line, statement=F.by_id[w].statement.strip())


@cause_rule(
    "softmax_overflow_no_max_subtraction",
    "The softmax does not subtract the max before exp",
    premises=(
        ("first_nonfinite_located", "the first non-finite value was found and its operation replayed"),
        ("exp_overflowed", "that operation is an exp whose argument is past the dtype's limit, or an exp's division by "
                           "its own sum after the exp underflowed to 0 (its argument below the dtype's underflow limit)"),
        ("softmax_form", "the exp belongs to a softmax (exp divided by its sum)"),
        ("max_not_subtracted", "the code computing it does not subtract the logits' max"),
    ),
)
def rule(ctx) -> RuleOutcome:
    """The first non-finite value is a softmax's exp overflowing on unshifted logits, or its normalisation dividing
    0 by 0 after every exp of a row underflowed."""
    out = RuleOutcome()
    info = located(out, ctx)
    if info is None:
        return out
    op = info["operation"]
    overflow = "exp" in op and "overflow" in op
    under = None if overflow else underflowed_exp(ctx.facts, info)
    why = f"the operation is {op}"
    if under is not None:
        why = (f"`{under['statement']}` (line {under['line']}) underflowed to 0 in {under['zero_share']:.1%} of its "
               f"values ({under['argument']} reaches {under['lowest']:.4g}, below {under['floor']:.4g}), and "
               f"`{info.get('expression')}` divides those zeros by their sum")
        op = "0/0"
    if not out.check("exp_overflowed", overflow or under is not None, why, operation=op):
        return out
    if under is not None:
        exp_info = dict(info, site=under["exp_site"], statement=under["statement"], expression=under["statement"])
        out.check("softmax_form", True, f"line {info['line']} divides {under['exp_name']} by its own sum")
        shifted = subtracts_max(ctx.facts, exp_info)
        if not out.check("max_not_subtracted", not shifted,
                         f"{info.get('function') or 'the statement'} "
                         f"{'subtracts' if shifted else 'does not subtract'} a max before exp"):
            return out
        info = dict(info, operation=f"0/0 after exp underflowed to 0 ({under['argument']} down to {under['lowest']:.4g})")
        out.drafts.append(mechanism_draft(ctx, "softmax_overflow_no_max_subtraction", info,
                                          "The softmax exponentiates the raw logits without subtracting their max",
                                          [dataclasses.replace(fx, why="softmax(z) = softmax(z - max z); the largest "
                                                               "term becomes exp(0) = 1, so the sum cannot underflow to 0.")
                                           for fx in softmax_fix(ctx.facts, exp_info)],
                                          extra=dict(underflow=under["lowest"])))
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
