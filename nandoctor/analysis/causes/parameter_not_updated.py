"""An update lands on a copy or a rebound loop name: the parameter it was meant for never changes."""

from __future__ import annotations

import ast
from collections import defaultdict

import numpy as np

from ... import columns as C
from ...detectors.facts import parse_statement, strip_comment
from ...explain.fixes import return_originals_fixes
from ...model import ChainLink, Fix
from ..rules import PRIMARY, Draft, RuleOutcome, cause_rule


def _read_later(fn: ast.AST, name: str, after_line: int, until_line: int) -> bool:
    """Whether `name` is read in lines (after_line, until_line] of `fn`."""
    for node in ast.walk(fn):
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load) \
                and after_line < node.lineno <= until_line:
            return True
    return False


def _enclosing_loop(fn: ast.AST, line: int):
    """The innermost `for` statement of `fn` whose body holds `line`."""
    best = None
    for node in ast.walk(fn):
        if isinstance(node, ast.For) and node.lineno < line <= (node.end_lineno or node.lineno):
            if best is None or node.lineno > best.lineno:
                best = node
    return best


def _steps_from_itself(statement: str, name: str) -> bool:
    """`name -= step`, `name += step` or `name = name - step` (`+`): a step added to the value the name held."""
    tree = parse_statement(statement)
    node = tree.body[0] if tree is not None and tree.body else None
    if isinstance(node, ast.AugAssign):
        return isinstance(node.op, (ast.Add, ast.Sub))
    if isinstance(node, ast.Assign) and isinstance(node.value, ast.BinOp) and isinstance(node.value.op, (ast.Add, ast.Sub)):
        return any(isinstance(side, ast.Name) and side.id == name for side in (node.value.left, node.value.right))
    return False


def rebinding_updates(F) -> list[dict]:
    """Update statements `name = name - ...` (or `name -= ...` on a Python number) whose name is a loop variable or a
    parameter of its function, bound from a container it is never written back to: nothing reads it after the
    update before the loop (or the function) rebinds it."""
    out = []
    for x in F.sites:
        if x.kind not in ("update", "augassign") or "." in x.target or "[" in x.target:
            continue
        name = x.target
        if not _steps_from_itself(x.statement, name):
            continue  # `grad = layer.backward(grad)` hands the value on through a call: no step of a parameter
        sr = F.ser(x.id)
        if sr is None or not len(sr) or not (sr.step >= 0).any():
            continue
        scalar = str(sr.dtype[0]) in ("float", "int", "complex")
        if x.kind == "augassign" and not scalar:
            continue  # `W -= ...` on an array changes the array the container holds
        fn = F.function_defs.get(x.function) if x.function != "<module>" else F.trees.get(x.file)
        if fn is None:
            continue
        params = {a.arg for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs} if hasattr(fn, "args") else set()
        loop = _enclosing_loop(fn, x.line)
        loop_names = {n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)} if loop is not None else set()
        if name in loop_names:
            until, bound = loop.end_lineno, f"the loop variable of `for {ast.unparse(loop.target).strip('()')} in {ast.unparse(loop.iter)}`"
        elif name in params:
            until, bound = getattr(fn, "end_lineno", x.line), f"a parameter of {x.function}()"
        else:
            continue
        if _read_later(fn, name, x.line, until):
            continue
        if name not in loop_names and loop is not None and _read_later(fn, name, loop.lineno - 1, x.line - 1):
            continue  # inside a loop, a read earlier in its body sees the update at the next iteration
        out.append(dict(site=x, name=name, bound=bound, loop_line=loop.lineno if loop is not None and name in loop_names
                        else None, iterable=ast.unparse(loop.iter) if loop is not None and name in loop_names else None))
    return out


def _by_occurrence(sr, cols) -> dict[tuple, list[tuple[int, int]]]:
    """The k-th observation of each step, grouped by k and shape: {(k, shape): [(step, row), ...]} over the loop.
    The shape keeps apart parameters that take turns at one statement, as when the loop taken for the training
    steps is the one over the layers."""
    groups: dict[tuple, list] = defaultdict(list)
    count: dict[int, int] = defaultdict(int)
    shapes = sr.shape
    for i in np.nonzero(sr.step >= 0)[0]:
        s = int(sr.step[i])
        groups[(count[s], None if shapes is None else str(shapes[i]))].append((s, i))
        count[s] += 1
    return groups


def _kept_rows(F, sid: int, sr) -> dict[int, np.ndarray] | None:
    """{row of the site's series: the written value} for every shape whose values were all kept (a statement
    writing arrays of several shapes in turn keeps each shape's group apart)."""
    try:
        groups = F.s.values(sid)
    except Exception:  # noqa: BLE001 - values are optional evidence
        return None
    if not groups:
        return None
    shapes = [str(sr.shape[i]) for i in range(len(sr))] if sr.shape is not None else None
    kept: dict[int, np.ndarray] = {}
    for shape, steps, data in groups:
        rows = [i for i in range(len(sr)) if shapes[i] == str(shape)] if shapes is not None else list(range(len(sr)))
        steps = np.asarray(steps)
        if len(rows) != len(steps) or not np.array_equal(steps, sr.step[rows]):
            continue
        data = np.asarray(data, dtype=np.float64)
        kept.update({i: data[j] for j, i in enumerate(rows)})
    return kept or None


def _eps(dtype_name: str) -> float:
    """The machine epsilon of a recorded dtype's name (a Python float's for names numpy does not know)."""
    try:
        dt = np.dtype(dtype_name)
    except TypeError:
        return float(np.finfo(np.float64).eps)
    return float(np.finfo(dt).eps) if dt.kind == "f" else float(np.finfo(np.float64).eps)


def update_lost(F, x) -> tuple[bool | None, dict]:
    """Whether what the update writes at one step is measurably not what it starts from at the next.

    With the written values kept: if the update had landed, consecutive written values would differ by exactly that
    step's update (`update_l2`). Without them: written values identical from step to step while each write moves
    its value by a nonzero amount can only mean every step starts again from the same old value."""
    sr = F.ser(x.id)
    groups = _by_occurrence(sr, None)
    kept = _kept_rows(F, x.id, sr)
    # Other statements of the same function updating the same name (`w -= mom * v` then `w += ...` and `w -= v`,
    # Nesterov's look-ahead): between two runs of this one they change the value too, so a pair with one of them
    # in between says nothing about whether this update landed.
    others = [F.ser(y.id).seq for y in F.sites if y.id != x.id and y.function == x.function and y.target == x.target
              and y.kind in ("update", "augassign") and F.ser(y.id) is not None]
    between = np.sort(np.concatenate(others)) if others else np.zeros(0, np.int64)
    landed, lost, checked = 0, 0, 0
    for k, rows in groups.items():
        for (s0, i0), (s1, i1) in zip(rows, rows[1:]):
            if s1 <= s0:
                continue
            if len(between) and np.searchsorted(between, sr.seq[i1]) > np.searchsorted(between, sr.seq[i0]):
                continue
            moved = sr[C.UPDATE_L2][i1]
            if not np.isfinite(moved) or moved == 0:
                continue
            checked += 1
            if kept is not None and i0 in kept and i1 in kept:
                gap = float(np.linalg.norm(kept[i1] - kept[i0]))
                # The written value is rounded to its dtype: in float32 `w - d` differs from w by d only to
                # within a few ulps of w's elements, which a small step does not dwarf.
                rounding = 4 * _eps(sr.dtype[i1]) * float(np.linalg.norm(kept[i0]))
                if np.isclose(gap, moved, rtol=1e-6, atol=max(1e-12, rounding)):
                    landed += 1
                else:
                    lost += 1
            else:
                same = all(sr[c][i0] == sr[c][i1] for c in (C.MIN, C.MAX, C.MEAN, C.L2))
                if same:
                    lost += 1
    ev = dict(step_pairs=checked, pairs_landed=landed, pairs_lost=lost, values_kept=kept is not None)
    if not checked:
        return None, ev
    if kept is not None:
        return lost > landed, ev
    # Stats alone show a lost update only when they repeat; moving stats do not show that it landed.
    return (True if lost > checked / 2 else None), ev


@cause_rule(
    "parameter_not_updated",
    "The update lands on a copy or a rebound name, not on the parameter",
    premises=(
        ("rebinding_update", "an update statement rebinds a loop variable or a function parameter that nothing reads afterwards"),
        ("update_moves", "each time it runs, the update changes the value it writes by a nonzero amount"),
        ("update_lost", "the next step starts again from the old value: what the update wrote is measurably lost"),
    ),
)
def rule(ctx) -> RuleOutcome:
    """An update rebinds a name the parameter's container never sees, and the parameter measurably stays the same."""
    F = ctx.facts
    out = RuleOutcome()
    cands = rebinding_updates(F)
    if not out.check("rebinding_update", bool(cands),
                     f"`{strip_comment(cands[0]['site'].statement.strip())}` (line {cands[0]['site'].line}) rebinds "
                     f"{cands[0]['bound']}" if cands else "no update rebinds a name that nothing reads afterwards"):
        return out
    moving = []
    for c in cands:
        sr = F.ser(c["site"].id)
        ul = sr[C.UPDATE_L2][sr.step >= 0]
        if np.isfinite(ul).any() and np.nanmax(ul) > 0:
            moving.append(c)
    if not out.check("update_moves", bool(moving), f"{len(moving)} of {len(cands)} such updates change their value"):
        return out
    judged = [(c, *update_lost(F, c["site"])) for c in moving]
    lost = [j for j in judged if j[1]]
    measured = [j for j in judged if j[1] is not None]
    c0 = (lost or judged)[0]
    judged_pairs = c0[2]['pairs_lost'] + c0[2]['pairs_landed']
    why = (f"line {c0[0]['site'].line}: of {judged_pairs} pairs of consecutive steps that could be compared "
           f"(of {c0[2]['step_pairs']}), {c0[2]['pairs_lost']} start from the old value and {c0[2]['pairs_landed']} "
           f"from what the update wrote")
    if not out.check("update_lost", bool(lost) if measured else None,
                     why if measured else
                     "another statement updates the same name between its runs, so no pair of consecutive steps "
                     "shows this update alone" if c0[2]["values_kept"] and not c0[2]["step_pairs"] else
                     "the written values were not kept and their statistics change from step to "
                     "step, so whether the update landed could not be told", **c0[2]):
        return out
    c, _, ev = lost[0]
    x = c["site"]
    line = strip_comment(F.code_line(x.id)).strip()
    # `name -= ...` on an array writes in place: what it writes into is a copy the parameter's holder never sees.
    augmented = isinstance(parse_statement(line).body[0], ast.AugAssign) if parse_statement(line) is not None \
        and parse_statement(line).body else False
    verb = "writes in place into" if augmented else "rebinds"
    summary = (f"`{line}` (line {x.line}) {verb} {c['name']}, {c['bound']}, and nothing reads it afterwards: the new "
               f"value never reaches the parameter. Measured: at {ev['pairs_lost']} of "
               f"{ev['pairs_lost'] + ev['pairs_landed']} comparable pairs of consecutive steps the update starts again "
               f"from the same old value.")
    fixes = []
    if c["iterable"] and c["loop_line"] and not augmented:
        fixes.append(Fix(f"Update {c['name']} in place, so the array the container holds changes", x.line, line,
                         line.replace(f"{c['name']} = {c['name']} -", f"{c['name']} -=", 1) if
                         f"{c['name']} = {c['name']} -" in line else f"{c['name']}[...] = {line.split('=', 1)[1].strip()}",
                         f"`{c['name']} = ...` binds the loop name to a new array; {c['iterable']} keeps the old one. "
                         f"In-place `-=` (on numpy arrays) writes into the array the container holds."))
    if augmented and c["iterable"]:
        fixes += return_originals_fixes(F, c["iterable"])
    ev = dict(ev, name=c["name"], line=x.line)
    out.drafts.append(Draft("parameter_not_updated", PRIMARY - 3, summary, [ChainLink(summary, None, c["name"], x.line,
                            dict(ev))], fixes, [], ev))
    return out
