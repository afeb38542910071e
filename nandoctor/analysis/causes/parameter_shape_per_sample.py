"""A parameter has one entry per training sample (or changes shape): it memorises the rows instead of learning."""

from __future__ import annotations

import ast

import numpy as np

from ...detectors.facts import _dotted, array_root, base_name, last
from ...detectors.structure import shape_of
from ...explain.fixes import as_group, one_per_output_fix, shared_step_fixes
from ...model import ChainLink
from ..rules import STRUCTURAL, Draft, RuleOutcome, cause_rule
from ._passes import samples_axis_length


def _factor_product(F, name: str, params: set[str]) -> tuple[str, int, str] | None:
    """(text, line, other parameter) of a product of `name` with another parameter and nothing else (`W @ H`,
    `np.matmul(W, H)`, `P[i, :].dot(Q[j, :].T)`) in the sources; None when there is none."""
    for tree in F.trees.values():
        for node in ast.walk(tree):
            pair = None
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
                pair = (node.left, node.right)
            elif isinstance(node, ast.Call) and len(node.args) == 2 and last(_dotted(node.func) or "") in ("matmul", "dot"):
                pair = tuple(node.args)
            elif isinstance(node, ast.Call) and len(node.args) == 1 and isinstance(node.func, ast.Attribute) \
                    and node.func.attr == "dot":
                pair = (node.func.value, node.args[0])
            if pair is None:
                continue
            a, b = array_root(pair[0]), array_root(pair[1])
            if name in (a, b) and a in params and b in params and a != b:
                return ast.unparse(node), node.lineno, b if a == name else a
    return None


def _grown_by_an_update(F, sid: int) -> bool:
    """Whether an update of the parameter `sid` writes changed its element count from the write just before it.

    A function that trains a fresh model on each call (`fit(X_lin, y)`, then `fit(X_quad, y)`) starts the name
    again from its initialisation, at the new size: that is a new parameter, not one that grew."""
    x = F.by_id[sid]
    name = base_name(x.target)
    writes = [w for w in F.sites if base_name(w.target) == name and w.function == x.function and w.kind != "arg"
              and F.observed(w.id)]
    updates = set(F.updates)
    # (position in the run, element count, whether the write is an update), over every write of the name
    events = sorted((int(sr.seq[i]), int(np.prod(shape_of(sr.shape[i]))),
                     w.id in updates or w.kind in ("update", "augassign"))
                    for w in writes for sr in [F.ser(w.id)] for i in range(len(sr)))
    return any(stepped and count != before for (_, before, _), (_, count, stepped) in zip(events, events[1:]))


@cause_rule(
    "parameter_shape_per_sample",
    "A parameter has one entry per training sample",
    premises=(
        ("samples_counted", "the number of training samples was measured from the inputs and targets"),
        ("parameter_per_sample", "a learned parameter's shape holds that number, or changes during training"),
        ("not_a_layer_width", "no other parameter has a dimension of that size, so it is not a layer's width"),
        ("not_a_factor", "the parameter is not multiplied by another parameter with no data between them (W @ H, "
                         "a user's factors times an item's): in a factorisation one row of factors per row of the "
                         "data is the model"),
    ),
    # An error of (n, n) from an (n,) target against (n, 1) predictions gives the weights' gradient a sample axis:
    # the parameter grows one when the broadcast happens, its consequence.
    yields_to=("shape_broadcasting_bug",),
)
def rule(ctx) -> RuleOutcome:
    """A parameter sized by the number of training rows (or whose shape changes) fits each row on its own."""
    F = ctx.facts
    out = RuleOutcome()
    n = samples_axis_length(F)
    if not out.check("samples_counted", n is not None or None,
                     f"{n} training samples" if n is not None else "no dimension of the inputs is the targets' longest (their samples)",
                     samples=n):
        return out
    shapes: dict[str, list[tuple]] = {}
    where: dict[str, int] = {}
    # Element counts a name holds up to the first step and at the last step: a loop variable over the layers
    # (`for W, dW in zip(weights, grads)`) holds the same several shapes at every step, a parameter that grows
    # holds a new one at the end.
    early: dict[str, set] = {}
    late: dict[str, set] = {}
    last_step = max((int(F.ser(p).step.max()) for p in F.params if F.observed(p)), default=None)
    for p in sorted(F.params, key=lambda i: F.ser(i).seq[0] if F.observed(i) else 0):
        sr = F.ser(p)
        if sr is None or not len(sr):
            continue
        name = base_name(F.by_id[p].target)
        for _, text in sr.shape.unique_first():
            s = shape_of(text)
            if s not in shapes.setdefault(name, []):
                shapes[name].append(s)
        where.setdefault(name, p)
        for i in range(len(sr)):
            st = int(sr.step[i])
            if st < 1:
                early.setdefault((name, p), set()).add(int(np.prod(shape_of(sr.shape[i]))))
            if st == last_step:
                late.setdefault((name, p), set()).add(int(np.prod(shape_of(sr.shape[i]))))
    per_sample = [k for k, ss in shapes.items() if any(n in s for s in ss)]
    # () -> (1,) is the same single number; a change in the element count is a parameter growing. Only a count
    # new at the end says so: observations are sampled, so the last step may miss some of a loop variable's arrays.
    # The change is one statement's: a name made afresh for a second model (`W = np.zeros(...)` before another loop)
    # is another parameter, each of its statements writing one size.
    grown = {name for (name, p), counts in late.items() if counts - early.get((name, p), counts)}
    changing = [k for k, ss in shapes.items() if len({int(np.prod(s)) for s in ss}) > 1 and k in grown
                and _grown_by_an_update(F, where[k])]
    hit = per_sample[0] if per_sample else changing[0] if changing else None
    if not out.check("parameter_per_sample", hit is not None if shapes else None,
                     (f"{hit} has the shapes {', '.join(str(s) for s in shapes[hit])}" if hit else
                      f"no parameter's shape holds {n} or changes: "
                      f"{', '.join(f'{k} {ss[0]}' for k, ss in shapes.items())}") if shapes else "no parameter was recorded",
                     parameter=hit, shapes=[list(s) for s in shapes.get(hit, [])] if hit else None):
        return out
    others = [k for k, ss in shapes.items() if k != hit and any(n in s for s in ss)]
    # One name holding several arrays (a loop variable over the layers, a dict of them) with that size on different
    # axes (a layer's weight in (2, 32), the next one's (32, 32)): a width the layers share, not one row per sample.
    axes = {i for s in shapes.get(hit, []) for i, d in enumerate(s) if d == n}
    if hit in per_sample and len(axes) > 1:
        others.append(f"{hit} itself ({', '.join(str(s) for s in shapes[hit] if n in s)})")
    if not out.check("not_a_layer_width", not others,
                     f"{', '.join(others)} also have a dimension of {n}" if others else
                     f"no other parameter has a dimension of {n}: {', '.join(f'{k} {ss[0]}' for k, ss in shapes.items() if k != hit) or 'none'}"):
        return out
    factor = _factor_product(F, hit, set(shapes)) if hit in per_sample else None
    if not out.check("not_a_factor", factor is None,
                     f"`{factor[0]}` (line {factor[1]}) multiplies {hit} by the parameter {factor[2]}: a factorisation"
                     if factor else f"no statement multiplies {hit} by another parameter"):
        return out
    ss = shapes[hit]
    x = F.by_id[where[hit]]
    if hit in per_sample:
        summary = (f"{hit} has one entry per training sample: its shape {next(s for s in ss if n in s)} holds the {n} "
                   f"training rows, so each row gets its own free value and the model memorises the training set "
                   f"instead of learning a rule that carries over to new rows.")
    else:
        summary = (f"{hit} changes shape during training: {' -> '.join(str(s) for s in ss)}; an update broadcast it to "
                   f"a shape it was never meant to have.")
    made = one_per_output_fix(F, x, hit, n)
    fixes = as_group([made] + shared_step_fixes(F, hit, n)) if made is not None else []
    chain = [ChainLink(summary, None, hit, x.line, {"samples": n, "shapes": [list(s) for s in ss]})]
    out.drafts.append(Draft("parameter_shape_per_sample", STRUCTURAL, summary, chain, fixes, [],
                            {"parameter": hit, "samples": n, "shapes": [list(s) for s in ss]}))
    return out
