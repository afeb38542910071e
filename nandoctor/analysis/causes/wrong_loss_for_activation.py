"""The cross-entropy takes the log of an output outside (0, 1) (a tanh, linear or softplus output), so the log is NaN."""

from __future__ import annotations

import ast
import re

import numpy as np

from ... import columns as C
from ..rules import RuleOutcome, cause_rule
from ...detectors.facts import activation_of, last
from ._numeric import _small_number, bounded_outputs, located, mechanism_draft, tanh_output_fixes

LOG_OF_NEGATIVE = re.compile(r"^log(2|10)?\(<0\)$|^log1p\(<-1\)$")


@cause_rule(
    "wrong_loss_for_activation",
    "The loss does not fit the output activation",
    premises=(
        ("first_nonfinite_located", "the first non-finite value was found and its operation replayed"),
        ("log_of_negative", "that operation is the log of a negative number"),
        ("output_goes_negative", "the model's output the log reads was measured outside the log's domain: below 0 "
                                 "under log(p), above c under log(c - p) (its activation is not a probability)"),
    ),
)
def rule(ctx) -> RuleOutcome:
    """The log in the loss gets a negative output: the loss expects probabilities the activation does not give."""
    F = ctx.facts
    out = RuleOutcome()
    info = located(out, ctx)
    if info is None:
        return out
    op = info["operation"]
    if not out.check("log_of_negative", bool(LOG_OF_NEGATIVE.match(op)), f"the operation is {op}", operation=op):
        return out
    found = _log_argument_site(F, info)
    if found is None:
        out.check("output_goes_negative", None, "the value under the log is not a recorded name")
        return out
    site, ceiling = found
    sr = F.ser(site)
    # log(p) fails below 0; log(c - p) fails once p passes c: measure the side that makes the argument negative.
    column = C.MIN if ceiling is None else C.MAX
    upto = (sr.step <= info["step"]) & np.isfinite(sr[column])
    reach = float((np.min if ceiling is None else np.max)(sr[column][upto])) if upto.any() else float("nan")
    name = F.by_id[site].target
    name = name[4:] if name.startswith("arg ") else name
    act = activation_of(F, site)
    if act is None:  # handed over from where it was made (`bce(out, y)`): the activation whose values it holds
        made = {a.site: a for a in F.activations}
        act = made.get(F.value_source(site, made))
    kind = act.kind if act is not None else dict(bounded_outputs(F)).get(site, "output")
    model = site in F.derived or act is not None
    if not np.isfinite(reach):
        out.check("output_goes_negative", None, f"{name} holds no finite value up to step {info['step']}")
        return out
    outside = reach < 0 if ceiling is None else reach > ceiling
    bound = "0" if ceiling is None else f"{ceiling:g}"
    if not out.check("output_goes_negative", model and outside,
                     f"{name} ({kind}{'' if model else ', not computed from the parameters'}) reaches {reach:.4g} by "
                     f"step {info['step']} ({'below' if ceiling is None else 'above'} {bound} makes the log's "
                     f"argument negative)", output=name, output_extreme=reach, bound=0.0 if ceiling is None else ceiling):
        return out
    under = name if ceiling is None else f"{bound} - {name}"
    base = (f"The loss takes the log of {under} where {name} ({kind}) reaches {reach:.4g}: a log loss needs outputs "
            f"in (0, 1)")
    out.drafts.append(mechanism_draft(ctx, "wrong_loss_for_activation", info, base, tanh_output_fixes(F, site, kind),
                                      {"output": name, "output_min" if ceiling is None else "output_max": reach,
                                       "activation": kind}))
    return out


def _log_argument_site(F, info) -> tuple[int, float | None] | None:
    """The recorded value a failing `log(name)` or `log(c - name)` reads (followed through arguments to the caller's
    value), with c (None for a bare name)."""
    try:
        tree = ast.parse((info.get("expression") or "").strip(), mode="eval")
    except SyntaxError:
        return None
    call = tree.body
    if not (isinstance(call, ast.Call) and last(ast.unparse(call.func)).startswith("log") and call.args):
        return None
    sid = info.get("site")
    function = F.by_id[sid].function if sid is not None and sid in F.by_id else info.get("function") or ""
    arg = _without_named_epsilon(F, _without_epsilon(call.args[0]), function)
    ceiling = None
    if (isinstance(arg, ast.BinOp) and isinstance(arg.op, ast.Sub) and isinstance(arg.left, ast.Constant)
            and isinstance(arg.left.value, (int, float))):
        ceiling = float(arg.left.value)
        arg = _without_epsilon(arg.right)
    name = ast.unparse(arg)
    for w in F.resolve(name, function):
        root = F.root_value(w)
        if F.observed(root):
            return root, ceiling
    return None


def _without_named_epsilon(F, node, function: str):
    """`p + eps` -> `p` when `eps` was recorded as one number below 1e-3 in size (`eps = 1e-9`): a guard against
    log(0) kept in a variable."""
    if (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and isinstance(node.right, ast.Name)
            and _small_number(F, node.right.id, function) is not None):
        return node.left
    return node


def _without_epsilon(node):
    """`out + 1e-8` -> `out`, `1 - out + 1e-8` -> `1 - out`: a small constant added under a log guards log(0) but
    does not change which value goes negative."""
    while (isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)) and isinstance(node.right, ast.Constant)
           and isinstance(node.right.value, (int, float)) and 0 < abs(node.right.value) < 1e-3):
        node = node.left
    if (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and isinstance(node.left, ast.Constant)
            and isinstance(node.left.value, (int, float)) and 0 < abs(node.left.value) < 1e-3):
        node = node.right
    return node

