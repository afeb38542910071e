"""A backward-pass derivative of an activation, replayed at its own call site's values, is not that activation's derivative."""

from __future__ import annotations

import ast

import numpy as np

from ... import columns as C
from ...detectors.facts import base_name, free_names, parse_statement, strip_comment
from ...detectors.structure import derivative_feeds, product_factors
from ...explain.fixes import derivative_formula_fix
from ...model import ChainLink, Fix
from ..rules import PRIMARY, Draft, RuleOutcome, cause_rule
from ._passes import loop_rows

# The true derivative of each activation, written in terms of its input z and of its output a.
FROM_INPUT = {"sigmoid": lambda z: (1 / (1 + np.exp(-z))) * (1 - 1 / (1 + np.exp(-z))),
              "tanh": lambda z: 1 - np.tanh(z) ** 2}
FROM_OUTPUT = {"sigmoid": lambda a: a * (1 - a), "tanh": lambda a: 1 - a ** 2}
_ACTIVATION = {"sigmoid": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh}


def kept_rows(F, sid: int) -> list[tuple[int, np.ndarray]]:
    """(seq, values) of each kept observation of a small site, in seq order."""
    rows = []
    for _, seq, data in F.s.recording.values.get(sid, []):
        for s, row in zip(np.asarray(seq), np.asarray(data, dtype=np.float64)):
            rows.append((int(s), row))
    rows.sort(key=lambda r: r[0])
    return rows


def error_descendants(F) -> set[int]:
    """Sites computed from where predictions meet targets (excluding that site): the backward pass, whatever
    phase its statements were given."""
    combine = F.loss_side[2]
    if combine is None:
        return set()
    children = F.child_map
    seen: set[int] = set()
    todo = [combine]
    while todo:
        for m in children.get(todo.pop(), ()):
            if m not in seen and m != combine:
                seen.add(m)
                todo.append(m)
    return seen


def derivative_candidates(F):
    """(site, operand site, activation, 'input' or 'output') for backward values computed from one activation's
    output or input alone, with the same shape: where the code takes that activation's derivative."""
    acts = {}
    for a in F.activations:
        if a.kind in FROM_OUTPUT:
            acts[a.site] = (a, "output")
            if a.pre is not None:
                acts[a.pre] = (a, "input")
    backward_calls = {c.rsplit(".", 1)[-1] for x in F.sites if x.phase == "backward" for c in x.calls}
    # A value multiplied into the error signal is a backward value even where a method named otherwise computes it.
    errors = error_descendants(F)
    consumers = F.child_map
    for y in F.sites:
        used_by = consumers.get(y.id, set())
        # A value read only by backward statements is no forward value, whatever it was computed from.
        only_backward = bool(used_by) and all(F.by_id[c].phase == "backward" for c in used_by)
        if y.kind == "arg" or (y.id in F.forward_sites and not only_backward) or y.id in acts or not F.observed(y.id):
            continue
        # A derivative is part of the backward pass and runs at every step, not once after training.
        # So is one read only by backward statements (`slope = out * (1 - out)` read only by `delta = (out - t) *
        # slope`), where no loss site was found to start the backward pass from.
        # A value the forward pass reads (`pooled = hid.mean(axis=1)`, read by the output and by its weights'
        # gradient) is a forward value that the backward pass also uses, whatever phase its statement was given.
        if used_by & F.forward_sites:
            continue
        in_backward = (y.phase == "backward" or (y.kind == "return" and y.function.rsplit(".", 1)[-1] in backward_calls)
                       or (y.id not in errors and bool(used_by & errors)) or only_backward)
        if not in_backward or F.loop_steps(y.id) < 2:
            continue
        # An array allocated in the operand's shape (`np.zeros_like(h)`) takes none of its values: no formula.
        if any(c.rsplit(".", 1)[-1] in ("zeros_like", "ones_like", "empty_like", "full_like", "zeros", "ones", "empty")
               for c in y.calls) and not any(op in y.statement for op in ("*", "/", "+", "-", "**")):
            continue
        if _writes_a_constant(y):
            continue  # `probs[:, 0] = 1` sets entries of the array it reads: no function of its values
        if _picks_values(y):
            continue  # `h = self.hs[t + 1]`: the activation's own values, picked out, no function of them
        if y.kind == "unpack" and any(F.by_id[r].kind == "return" and any(
                q in acts and acts[q][1] == "output" for q in F.parents(r)) for r in F.parents(y.id)):
            continue  # `code, out = reconstruct(S)`: the forward pass's own outputs handed back, no derivative
        ops, unseen_data = [], False
        called = {c.rsplit(".", 1)[-1] for c in y.calls}
        for p in F.parents(y.id):
            # A scalar computed from the parameters (a per-sample error `err = y - t`) is an operand, not a setting.
            if F.by_id[p].kind == "return" or (F.is_hyper(p) and p not in F.derived):
                continue
            if not F.observed(p):
                # Data the script holds in unrecorded containers (a target unpacked from a list of tuples, `a - t`)
                # is a second operand: the value is the error, not a function of the activation alone.
                # (A function the statement calls, `dact(hid)`, is no operand.)
                unseen_data |= p not in F.derived and not F.is_param(p) and base_name(F.by_id[p].target) not in called
                continue
            ops.append(p)
        if len(ops) != 1 or unseen_data:
            continue
        root = F.root_value(ops[0])
        if root not in acts:  # handed over in a container (`cache["A1"]`): the activation whose values it holds
            src = F.value_source(root, acts)
            # Or read back from a cache of every layer's output, written earlier in the step: matched among the
            # activations' outputs only (a value equal to an earlier pre-activation may be that layer's input,
            # handed to its backward to recompute its output).
            outputs = {sid: v for sid, v in acts.items() if v[1] == "output"}
            for looked in dict.fromkeys((root, ops[0])):
                if src is None:
                    src = F.value_source(looked, outputs, same_step=True)
            root = src
        if root not in acts:
            continue
        a, which = acts[root]
        yield y, ops[0], a, which


def _picks_values(y) -> bool:
    """Whether the statement binds values as they are, at most picked by an index (`h = self.hs[t + 1]`, `a = out`):
    whatever the index computes, nothing is computed from the values."""
    tree = parse_statement(strip_comment(y.statement.strip()))
    stmt = tree.body[0] if tree is not None and tree.body else None
    value = stmt.value if isinstance(stmt, ast.Assign) else None
    while isinstance(value, ast.Subscript):
        value = value.value
    return isinstance(value, (ast.Name, ast.Attribute))


def _writes_a_constant(y) -> bool:
    """Whether the statement stores a constant into part of an array (`probs[:, 0] = 1`, `d[mask] = 0.0`)."""
    tree = parse_statement(strip_comment(y.statement.strip()))
    stmt = tree.body[0] if tree is not None and tree.body else None
    return (isinstance(stmt, ast.Assign) and all(isinstance(t, ast.Subscript) for t in stmt.targets)
            and not any(isinstance(n, ast.Name) for n in ast.walk(stmt.value)))


_PLAIN_ARITHMETIC = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Constant, ast.Name, ast.Load, ast.Add, ast.Sub,
                     ast.Mult, ast.Div, ast.Pow, ast.USub, ast.UAdd)


def _product(factors: list):
    """The factors multiplied back together, in their order."""
    node = factors[0]
    for f in factors[1:]:
        node = ast.BinOp(left=node, op=ast.Mult(), right=f)
    return node


def inline_factor_checks(F) -> list[dict]:
    """Backward statements that multiply the error signal by factors of one activation's output alone, written
    inline (`draw = dh * h * (1 - h)`): those factors together, evaluated at the output's kept values, against the
    derivative of the activation the output comes from. Plain arithmetic only (nothing is called); each with
    the statement's site, the output's site, the factor's text, and how many evaluations differ."""
    acts = {a.site: a for a in F.activations if a.kind in FROM_OUTPUT}
    if not acts:
        return []
    out = []
    for y, tree in _backward_statements(F):
        chains = [n for n in ast.walk(tree) if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Mult)]
        inner = {id(f) for n in chains for f in (n.left, n.right)}
        for chain in (n for n in chains if id(n) not in inner):
            factors = product_factors(chain)
            singles = [f for f in factors if len(free_names(f)) == 1]
            for name in dict.fromkeys(next(iter(free_names(f))) for f in singles):
                mine = [f for f in factors if free_names(f) == {name}]
                rest = [f for f in factors if free_names(f) != {name}]
                # the error signal times a function of the output, not the output itself
                if not rest or all(isinstance(f, (ast.Name, ast.Attribute)) for f in mine) or not all(
                        isinstance(n, _PLAIN_ARITHMETIC) or _part_of_name(n, f, name)
                        for f in mine for n in ast.walk(ast.Expression(f))):
                    continue
                text = ast.unparse(_product(mine))
                reads, together = _rows_read(F, y.id, F.resolve(name, y.function))
                sources = {w: _activation_of(F, w, acts) for w in set(reads) | together}
                if "." in name and len({acts[a].kind for w, a in sources.items() if w in together and a}) > 1:
                    # An attribute written on several objects in one step by different activations (a tanh layer's
                    # `self.out` and a sigmoid layer's): which object's value the statement read is not recorded.
                    continue
                # the writer whose values the statement read most often
                for w in sorted(reads, key=lambda w: -len(reads[w])):
                    src = sources[w]
                    if src is None:
                        continue
                    got = _replay_factor(F, w, text, name, acts[src].kind, rows=reads[w])
                    if got is not None:
                        out.append(dict(site=y, given=w, factor=text, name=name, activation=acts[src], **got))
                    break
    return out


def _part_of_name(node, expr, name: str) -> bool:
    """Whether `node` is (a part of) the dotted name `name` read in `expr` (`self.out`: the attribute and `self`)."""
    for n in ast.walk(expr):
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and f"{n.value.id}.{n.attr}" == name:
            if node is n or node is n.value:
                return True
    return False


class _AsPlainName(ast.NodeTransformer):
    """`self.out` read as one plain name, for replaying a factor written from an attribute."""

    def __init__(self, dotted: str, plain: str):
        self.dotted, self.plain = dotted, plain

    def visit_Attribute(self, node):
        if isinstance(node.value, ast.Name) and f"{node.value.id}.{node.attr}" == self.dotted:
            return ast.copy_location(ast.Name(id=self.plain, ctx=ast.Load()), node)
        return self.generic_visit(node)


def _rows_read(F, sid: int, writers: list[int]) -> tuple[dict[int, list[int]], set[int]]:
    """({writer: its rows that statement `sid` read}, writers that wrote in the same step before one run): at each of
    the statement's runs in the loop, the last write before it among `writers`."""
    ys = F.ser(sid)
    series = {w: F.ser(w) for w in writers if w != sid and F.observed(w) and F.ser(w) is not None}
    reads: dict[int, list[int]] = {}
    together: set[int] = set()
    for i in (loop_rows(F, sid) if ys is not None else []):
        best, in_step = None, []
        for w, ws in series.items():
            j = ws.before_seq(int(ys.seq[i]))
            if j is None:
                continue
            if int(ws.step[j]) == int(ys.step[i]):
                in_step.append(w)
            if best is None or int(ws.seq[j]) > best[2]:
                best = (w, j, int(ws.seq[j]))
        if best is not None:
            reads.setdefault(best[0], []).append(best[1])
        if len(in_step) > 1:
            together.update(in_step)
    return {w: sorted(set(rows)) for w, rows in reads.items()}, together


def _activation_of(F, w: int, acts: dict) -> int | None:
    """The activation site whose output `w` holds, or None."""
    src = F.root_value(w)
    if src not in acts:
        src = F.value_source(src, acts)
    if src not in acts:
        src = F.value_source(w, acts, same_step=True)
    return src if src in acts else None


def _replay_factor(F, given: int, text: str, name: str, kind: str, limit: int = 200,
                   rows: list[int] | None = None) -> dict | None:
    """The factor evaluated at the kept values of `given` (up to `limit` of them; with `rows`, only those of its
    series' rows) against the activation's derivative written in its output: how many evaluations differ, and one
    sample."""
    tree = ast.parse(text, mode="eval")
    if "." in name:
        tree = ast.fix_missing_locations(_AsPlainName(name, "_value").visit(tree))
        name = "_value"
    code = compile(ast.Expression(tree.body), "<factor>", "eval")
    compared, wrong, sample = 0, 0, None
    sr = F.ser(given)
    picked = list(loop_rows(F, given) if rows is None else rows)[:limit] if sr is not None else []
    seqs = {int(sr.seq[i]) for i in picked}
    values = [(q, v) for q, v in kept_rows(F, given) if rows is None or q in seqs][:limit]
    extremes = not values
    if extremes:
        # Values too large to keep: the smallest and largest elements recorded at each step are elements too, and a
        # factor computed element by element from one name is replayed exactly there.
        values = [(int(sr.seq[i]), np.array([sr[C.MIN][i], sr[C.MAX][i]], dtype=np.float64)) for i in picked]
    with np.errstate(all="ignore"):
        for _, value in values:
            value = np.asarray(value, dtype=np.float64)
            got = np.asarray(eval(code, {"__builtins__": {}}, {name: value}), dtype=np.float64)  # noqa: S307
            want = FROM_OUTPUT[kind](value)
            if got.shape != want.shape:
                continue
            ok = np.isfinite(got) & np.isfinite(want)
            if not ok.any():
                continue
            err = np.abs(got[ok] - want[ok]) / np.maximum(np.abs(want[ok]), 1e-12)
            compared += 1
            if np.max(err) > 1e-6:
                wrong += 1
                if sample is None:
                    k = int(np.argmax(err))
                    sample = (float(value[ok][k]), float(got[ok][k]), float(want[ok][k]))
    return dict(compared=compared, wrong=wrong, sample=sample, extremes=extremes) if compared else None


def _backward_statements(F):
    """(site, parsed statement) of each recorded backward statement: one of the backward phase or computed from the
    error signal, never a forward value."""
    errors = error_descendants(F)
    forward = F.forward_sites
    for y in F.sites:
        if y.kind == "arg" or y.id in forward or y.phase == "forward" or not F.observed(y.id):
            continue
        if not (y.phase == "backward" or y.id in errors):
            continue
        if F.loop_steps(y.id) < 2:
            continue  # a derivative runs at every step; a statement run once (scoring after training) is none

        try:
            yield y, ast.parse(strip_comment(y.statement.strip()))
        except SyntaxError:
            continue


def written_derivatives(F) -> list[dict]:
    """Backward statements that multiply a value elementwise by an expression of one forward value alone (a call
    such as `dfwd(a1)` or `act_grad(pre)`, or `(1 - h ** 2)` written inline): where the code applies a derivative it
    wrote, however it is written. Each with the statement's site, the forward value and the factor's text."""
    forward = F.forward_sites
    pres = {a.pre for a in F.activations if a.pre is not None}
    out = []
    for y, tree in _backward_statements(F):
        for node in ast.walk(tree):
            if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult)):
                continue
            for factor, other in ((node.left, node.right), (node.right, node.left)):
                names = free_names(factor)
                if len(names) != 1 or not free_names(other) - names:
                    continue
                # A bare name is the value itself, not a function of it.
                if isinstance(factor, (ast.Name, ast.Attribute, ast.Constant)):
                    continue
                name = next(iter(names))
                sites = [w for w in F.resolve(name, y.function)
                         if (w in forward or F.by_id[w].phase == "forward") and w not in pres]
                if not sites:
                    continue
                out.append(dict(site=y, given=sites[0], factor=ast.unparse(factor), name=name))
    return out


def _longest_rise(steps: np.ndarray, loss: np.ndarray) -> tuple[int, int]:
    """(first index, number of consecutive steps) of the longest stretch where the loss rises at every step."""
    up = (np.diff(loss) > 0) & (np.diff(steps) == 1)
    best, start, run = (0, 0), 0, 0
    for i, u in enumerate(up):
        if u:
            if run == 0:
                start = i
            run += 1
            if run > best[1]:
                best = (start, run)
        else:
            run = 0
    return best


def steady_climb(F, climb_steps: int, descent: float) -> dict | None:
    """A loss measured at every step that first falls below `descent` of its start, then rises at each of
    `climb_steps` or more consecutive steps while consecutive updates keep their direction (no overshoot) and no
    optimizer state (momentum, Adam) carries old steps: plain gradient steps that stopped descending. None when the
    loss or the updates' values were not measured, or an optimizer keeps state."""
    from ...detectors.optimisation import loss_series

    structure = getattr(F, "structure", None)
    if structure is None or getattr(structure, "state", None):
        return None
    ls = loss_series(F)
    if ls is None:
        return None
    fin = np.isfinite(ls[1])
    steps, loss = ls[0][fin], ls[1][fin]
    if len(loss) < 3 * climb_steps:
        return None
    i, run = _longest_rise(steps, loss)
    found = dict(source=ls[2], run=run, first=float(loss[0]), start=float(loss[i]), peak=float(loss[i + run]),
                 step=int(steps[i]), end=int(steps[i + run]), climbs=False)
    if run < climb_steps or loss[i] > descent * loss[0]:
        return found
    # Overshoot climbs too, its updates pointing opposite ways at every step: judged on kept parameter values.
    cosines = []
    for u in F.updates:
        kept = F.values(u)
        if kept is None:
            continue
        ksteps, data, _ = kept
        if data.ndim != 2 or data.shape[1] < 2:
            continue
        rows = np.nonzero((ksteps >= found["step"]) & (ksteps <= found["end"]))[0]
        if len(rows) < 4:
            continue
        with np.errstate(all="ignore"):
            delta = np.diff(data[rows], axis=0)
            norm = np.sqrt(np.sum(delta * delta, axis=1))
            cos = np.sum(delta[1:] * delta[:-1], axis=1) / (norm[1:] * norm[:-1])
        cosines.extend(cos[np.isfinite(cos)].tolist())
    if not cosines:
        return None
    found.update(cosine=float(np.median(cosines)), climbs=bool(np.median(cosines) > 0))
    return found


def replay(F, y, operand, kind: str, which: str) -> dict | None:
    """The derivative statement's kept values against the activation's true derivative at the values it was given."""
    ys, xs = kept_rows(F, y.id), kept_rows(F, operand)
    if not ys or not xs:
        return None
    seqs = np.array([s for s, _ in xs])
    fn = FROM_OUTPUT[kind] if which == "output" else FROM_INPUT[kind]
    worst, compared, wrong, sample = 0.0, 0, 0, None
    with np.errstate(all="ignore"):
        for s, got in ys:
            j = int(np.searchsorted(seqs, s)) - 1
            if j < 0 or xs[j][1].shape != got.shape:
                continue
            given = xs[j][1]
            seen = given[np.isfinite(given)]
            if which == "output" and len(seen) and not _within_output(kind, float(seen.min()), float(seen.max())):
                continue  # values no such activation outputs: another layer's (a list of every layer's outputs)
            if np.array_equal(got, given):
                continue  # the value itself passed on, not a derivative of it
            if which == "input" and np.allclose(got, _ACTIVATION[kind](given), rtol=1e-9, atol=1e-12):
                continue  # the activation recomputed from its input (a derivative helper calls it), no derivative
            want = fn(given)
            ok = np.isfinite(want) & np.isfinite(got)
            if not ok.any():
                continue
            err = np.abs(got[ok] - want[ok]) / np.maximum(np.abs(want[ok]), 1e-12)
            compared += 1
            if np.max(err) > 1e-6:
                wrong += 1
                if np.max(err) > worst:
                    k = int(np.argmax(err))
                    worst = float(np.max(err))
                    sample = (float(given[ok][k]), float(got[ok][k]), float(want[ok][k]))
    if not compared:
        return None
    return dict(compared=compared, wrong=wrong, worst_relative_error=worst, sample=sample)


def _within_output(kind: str, lo: float, hi: float) -> bool:
    """Whether values from `lo` to `hi` can be the activation's outputs (a sigmoid's lie in [0, 1], a tanh's in
    [-1, 1]); other kinds are not bounded here."""
    bounds = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}.get(kind)
    return bounds is None or not (lo < bounds[0] or hi > bounds[1])


def _output_range(kind: str, lo: float, hi: float) -> tuple[float, float]:
    """The range of the derivative, written in the activation's output, over outputs in [lo, hi]."""
    if kind == "tanh":
        sq = [lo * lo, hi * hi]
        least = 0.0 if lo <= 0 <= hi else min(sq)
        return 1 - max(sq), 1 - least
    ends = [lo * (1 - lo), hi * (1 - hi)]
    return min(ends), 0.25 if lo <= 0.5 <= hi else max(ends)


def replay_stats(F, y, operand, kind: str, which: str) -> dict | None:
    """Without kept values: the derivative's recorded range against the range the true derivative can take over
    the recorded range of the values it was given. Outside it, the formula is measurably wrong; inside, undecided."""
    ys, xs = F.ser(y.id), F.ser(operand)
    if ys is None or xs is None or not len(ys) or not len(xs):
        return None
    compared, wrong, sample = 0, 0, None
    with np.errstate(all="ignore"):
        for i in np.nonzero(ys.step >= 0)[0]:
            j = xs.before_seq(int(ys.seq[i]))
            if j is None:
                continue
            lo, hi = float(xs[C.MIN][j]), float(xs[C.MAX][j])
            glo, ghi = float(ys[C.MIN][i]), float(ys[C.MAX][i])
            if not all(np.isfinite([lo, hi, glo, ghi])):
                continue
            if which == "output" and not _within_output(kind, lo, hi):
                continue  # values no such activation outputs: another layer's
            if which == "input":
                act = np.tanh if kind == "tanh" else (lambda z: 1 / (1 + np.exp(-z)))
                lo, hi = float(act(lo)), float(act(hi))
            if abs(glo - lo) <= 1e-9 * max(1.0, abs(lo)) and abs(ghi - hi) <= 1e-9 * max(1.0, abs(hi)):
                continue  # the activation itself (passed on, or recomputed from its input): no derivative of it
            dlo, dhi = _output_range(kind, lo, hi)
            compared += 1
            tol = 1e-6 * max(1.0, abs(dlo), abs(dhi))
            if glo < dlo - tol or ghi > dhi + tol:
                wrong += 1
                if sample is None:
                    sample = dict(given_range=[lo, hi], got_range=[glo, ghi], derivative_range=[dlo, dhi])
    if not compared:
        return None
    return dict(compared=compared, wrong=wrong, worst_relative_error=None, sample=None, ranges=sample, from_stats=True)


def runs_after_error(F, sid: int) -> bool | None:
    """Whether a site runs after the prediction meets the target within its step, at most of its loop evaluations
    (the backward pass); None when that meeting point was not recorded."""
    combine = F.loss_side[2]
    if combine is None or not F.observed(combine) or not F.observed(sid):
        return None
    sc, sr = F.ser(combine), F.ser(sid)
    rows = np.nonzero(sr.step >= 0)[0]
    if not len(rows):
        return None
    j = sc.rows_before(sr.seq[rows])
    after = int(np.sum((j >= 0) & (sc.step[np.maximum(j, 0)] == sr.step[rows])))
    return after > len(rows) / 2


def relu_inputs(F) -> dict[int, int]:
    """{input site: ReLU site} for values measured to be max(z, 0) of another recorded value z: never negative, 0
    where z is negative (z's minimum is below 0), and z's maximum where z is positive, at every loop step."""
    out = {}
    for a in F.sites:
        # The activation runs before the prediction meets the target; a value computed after it, in the same step,
        # is part of the backward pass (a derivative), whatever values it holds.
        if a.kind == "arg" or not F.observed(a.id) or runs_after_error(F, a.id) is not False:
            continue
        # `h = relu(z)` reads z and the helper's return, which computes the same value: z is the operand.
        ops = [F.root_value(p) for p in F.parents(a.id)
               if F.observed(p) and not F.is_hyper(p) and F.by_id[p].kind != "return"]
        ops = list(dict.fromkeys(ops))
        if len(ops) != 1 or ops[0] == a.id:
            continue
        sa, sz = F.ser(a.id), F.ser(ops[0])
        ia = np.nonzero(sa.step >= 0)[0]
        iz = sz.rows_before(sa.seq[ia])
        ia, iz = ia[iz >= 0], iz[iz >= 0]
        if len(ia) < 3:
            continue
        if sa.shape[ia[0]] != sz.shape[iz[0]]:
            continue
        zmin, zmax, amin, amax = sz[C.MIN][iz], sz[C.MAX][iz], sa[C.MIN][ia], sa[C.MAX][ia]
        if not np.all(np.isfinite([zmin, zmax, amin, amax])) or not np.all(zmin < 0) or not np.all(zmax > 0):
            continue
        if np.all(amin == 0) and np.all(amax == zmax):
            out.setdefault(ops[0], a.id)
    return out


def _multiplied_elementwise(F, y) -> bool:
    """Whether a statement reading site `y` multiplies it with `*` (by its name, or by the call whose return it is)."""
    name = base_name(y.target) if y.kind != "return" else None
    func = y.function.rsplit(".", 1)[-1] if y.kind == "return" else None
    for c, ps in F.parent_map.items():
        if y.id not in ps:
            continue
        try:
            tree = ast.parse(strip_comment(F.by_id[c].statement.strip()))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
                for side in (node.left, node.right):
                    if name and isinstance(side, ast.Name) and side.id == name:
                        return True
                    if func and isinstance(side, ast.Call) and \
                            (ast.unparse(side.func).rsplit(".", 1)[-1] == func):
                        return True
    return False


def relu_derivative_checks(F) -> list[dict]:
    """Backward values computed from a ReLU's input alone and multiplied elementwise into another value: the
    ReLU's derivative there (a ReLU recomputed for a weight gradient goes into a matrix product instead). The
    derivative of max(z, 0) is a 0/1 mask, so its recorded mean must equal its share of non-zero values and its
    range lie in [0, 1]; each check with the steps where that fails."""
    inputs = relu_inputs(F)
    if not inputs:
        return []
    out = []
    for y in F.sites:
        if y.kind == "arg" or y.id in inputs.values() or not F.observed(y.id) or not runs_after_error(F, y.id):
            continue
        ops = list(dict.fromkeys(F.root_value(p) for p in F.parents(y.id) if F.observed(p) and not F.is_hyper(p)))
        if len(ops) != 1 or ops[0] not in inputs or not _multiplied_elementwise(F, y):
            continue
        sr = F.ser(y.id)
        rows = np.nonzero(sr.step >= 0)[0]
        if len(rows) < 2:
            continue
        lo, hi, mean, zero = sr[C.MIN][rows], sr[C.MAX][rows], sr[C.MEAN][rows], sr[C.FRAC_ZERO][rows]
        ok = np.isfinite(lo) & np.isfinite(hi) & np.isfinite(mean) & np.isfinite(zero)
        if ok.sum() < 2:
            continue
        lo, hi, mean, zero, steps = lo[ok], hi[ok], mean[ok], zero[ok], sr.step[rows][ok]
        mask = (lo >= 0) & (hi <= 1) & (np.abs(mean - (1 - zero)) <= 1e-3)
        k = int(np.argmin(mask)) if not mask.all() else 0
        out.append(dict(site=y, given=ops[0], relu=inputs[ops[0]], compared=int(len(mask)), wrong=int((~mask).sum()),
                        step=int(steps[k]), low=float(lo[k]), high=float(hi[k]), mean=float(mean[k]),
                        nonzero=float(1 - zero[k])))
    return out


def softmax_outputs(F) -> dict[int, int]:
    """{site: number of classes} for values measured to be softmax outputs: in [0, 1], a 2-D array whose mean is
    exactly 1/K for K the length of one axis (each sample's K probabilities sum to 1), at every loop step."""
    out = {}
    for x in F.sites:
        if x.kind == "arg" or not F.observed(x.id):
            continue
        sr = F.ser(x.id)
        rows = np.nonzero(sr.step >= 0)[0]
        if len(rows) < 2:
            continue
        shape = tuple(int(v) for v in str(sr.shape[rows[0]]).strip("()").split(",") if v.strip())
        if len(shape) != 2 or any(str(sr.shape[i]) != str(sr.shape[rows[0]]) for i in rows[:50]):
            continue
        lo, hi, mean = sr[C.MIN][rows], sr[C.MAX][rows], sr[C.MEAN][rows]
        if not (np.all(np.isfinite(mean)) and np.all(lo >= 0) and np.all(hi <= 1)):
            continue
        for k in shape:
            if k >= 2 and np.allclose(mean, 1.0 / k, rtol=1e-9, atol=1e-12):
                out[x.id] = k
                break
    return out


def _ancestors(F, sid: int, depth: int = 5) -> set[int]:
    seen, frontier = set(), [sid]
    for _ in range(depth):
        frontier = [p for q in frontier for p in F.parents(q) if p not in seen]
        seen.update(frontier)
    return seen


def softmax_gradient_checks(F) -> list[dict]:
    """Values computed from a softmax output that an update of the parameters behind its logits applies: the
    loss's gradient at the logits. Whatever the loss, the softmax's Jacobian sums to 0 over the classes, so that
    gradient sums to 0 for every sample and its mean is 0; each check with the steps where it is not."""
    probs = softmax_outputs(F)
    if not probs:
        return []
    behind = {pid: {F.by_id[a].target for a in _ancestors(F, pid) if F.by_id[a].kind != "arg"} for pid in probs}
    out = []
    for y in F.sites:
        if y.kind == "arg" or y.id in probs or not F.observed(y.id):
            continue
        roots = {F.root_value(p) for p in F.parents(y.id)}
        hit = [pid for pid in probs if pid in roots]
        if not hit:
            continue
        pid = hit[0]
        sr, sp = F.ser(y.id), F.ser(pid)
        rows = np.nonzero(sr.step >= 0)[0]
        if len(rows) < 2 or str(sr.shape[rows[0]]) != str(sp.shape[np.nonzero(sp.step >= 0)[0][0]]):
            continue
        applied = [u for u in F.updates if y.id in F.parents(u) and F.by_id[u].target in behind[pid]]
        if not applied:
            continue
        mean, top = sr[C.MEAN][rows], sr[C.ABSMAX][rows]
        # A gradient below 1e-12 has vanished (a saturated softmax): its sum is rounding, not a formula, so those
        # steps cannot tell. Elsewhere rounding leaves the mean below 1e-4 of the largest value, float32 included.
        ok = np.isfinite(mean) & np.isfinite(top) & (top > 1e-12)
        if ok.sum() < 2:
            continue
        mean, top, steps = mean[ok], top[ok], sr.step[rows][ok]
        off = np.abs(mean) > 1e-4 * top
        k = int(np.argmax(off)) if off.any() else 0
        out.append(dict(site=y, probs=pid, classes=probs[pid], update=applied[0], compared=int(len(off)),
                        wrong=int(off.sum()), step=int(steps[k]), mean=float(mean[k]), absmax=float(top[k])))
    return out


@cause_rule(
    "wrong_derivative_formula",
    "The backward pass uses a wrong derivative of an activation",
    premises=(
        ("derivative_site", "a backward value is computed from one activation's input or output alone (or a backward "
                            "statement multiplies the error signal by an expression of one forward value alone, "
                            "written inline or in a helper)"),
        ("values_recorded", "its values and the values it was given were recorded at its evaluations (for one written "
                            "inline: the activation output's values; or else the loss at every step and the updates' "
                            "values)"),
        ("mismatch_measured", "replayed at the values it was given (or over their recorded range), it differs from "
                              "the activation's derivative; or, not replayable, plain gradient steps that keep their "
                              "direction make the loss climb for CLIMB_STEPS steps after it fell"),
    ),
    # CLIMB_STEPS: consecutive steps the loss must rise under plain, steady gradient steps after it fell below
    # CLIMB_DESCENT of its start, for a derivative that could not be replayed to be judged from the loss.
    thresholds={"wrong_derivative_fraction": 0.5, "CLIMB_STEPS": 20, "CLIMB_DESCENT": 0.5},
)
def rule(ctx) -> RuleOutcome:
    """A derivative of an activation measured at its own call site's values differs from the true derivative there."""
    F = ctx.facts
    out = RuleOutcome()
    _, feeds = derivative_feeds(F)
    # A formula fed the pre-activation is derivative_on_preactivation: the formula itself may be right.
    fed_wrong = {f["site"].id for f in feeds if f["frac"] > 0.5 and not f["fed_output_of"]}
    cands = [c for c in derivative_candidates(F) if c[0].id not in fed_wrong]
    relus = relu_derivative_checks(F)
    if not cands and relus:
        return _relu_outcome(ctx, out, relus)
    softmax = [] if cands else softmax_gradient_checks(F)
    if not cands and softmax:
        return _softmax_outcome(ctx, out, softmax)
    if not cands and not relus and not softmax:
        inline = inline_factor_checks(F)
        if inline:
            return _inline_outcome(ctx, out, inline)
        written = [w for w in written_derivatives(F) if w["site"].id not in fed_wrong]
        if written:
            return _climb_outcome(ctx, out, written)
    if not out.check("derivative_site", bool(cands),
                     f"{len(cands)} backward values are computed from one activation alone" if cands else
                     "no backward value is computed from one activation's input or output alone"):
        return out
    judged = [(c, replay(F, c[0], c[1], c[2].kind, c[3]) or replay_stats(F, c[0], c[1], c[2].kind, c[3]))
              for c in cands]
    measured = [(c, r) for c, r in judged if r is not None]
    if not measured:
        inline = inline_factor_checks(F)
        if inline:
            return _inline_outcome(ctx, out, inline)
    if not out.check("values_recorded", bool(measured) or None,
                     f"{len(measured)} of {len(cands)} replayed" if measured else
                     "the derivative's values and the values it was given were not recorded together"):
        return out
    limit = ctx.threshold("wrong_derivative_fraction")
    bad = [(c, r) for c, r in measured if r["wrong"] / r["compared"] > limit]
    (y, op, a, which), r = (bad or measured)[0]
    given = base_name(F.by_id[op].target)
    why = (f"`{strip_comment(y.statement.strip())}` (line {y.line}) given {given}, the {a.kind} {which}: "
           f"{r['wrong']} of {r['compared']} evaluations differ from the {a.kind} derivative")
    # From ranges alone a formula inside the derivative's range is undecided, not shown right.
    undecided = not bad and all(r.get("from_stats") for _, r in measured)
    if not out.check("mismatch_measured", None if undecided else bool(bad),
                     why + (" (from recorded ranges, which cannot show it right)" if undecided else ""),
                     fraction=r["wrong"] / r["compared"], threshold=limit):
        return out
    if r.get("from_stats"):
        rg = r["ranges"]
        at = (f"given {given} from {rg['given_range'][0]:.3g} to {rg['given_range'][1]:.3g} it runs from "
              f"{rg['got_range'][0]:.3g} to {rg['got_range'][1]:.3g}, where the derivative stays within "
              f"[{rg['derivative_range'][0]:.3g}, {rg['derivative_range'][1]:.3g}]")
    else:
        g, got, want = r["sample"]
        at = f"at {given} = {g:.4g} it gives {got:.4g} where the derivative is {want:.4g}"
    summary = (f"`{strip_comment(y.statement.strip())}` (line {y.line}) is used as the {a.kind} derivative, but replayed "
               f"at the values it is given ({given}, the {a.kind} {which}) it is wrong at {r['wrong']} of "
               f"{r['compared']} evaluations: {at}.")
    ev = dict(r, given=given, activation=a.kind, given_is=which, line=y.line)
    out.drafts.append(Draft("wrong_derivative_formula", PRIMARY - 2, summary,
                            [ChainLink(summary, None, base_name(y.target), y.line, dict(ev))],
                            [fx for fx in [derivative_formula_fix(F, y.id, op, a.kind, which)] if fx], [], ev))
    return out


_RIGHT_FROM_OUTPUT = {"sigmoid": "{0} * (1 - {0})", "tanh": "(1 - {0} ** 2)"}


def _inline_outcome(ctx, out: RuleOutcome, checks: list[dict]) -> RuleOutcome:
    """The premises for a derivative written inline in the backward product (`dh * h * (1 - h)`), replayed at the
    activation output's kept values."""
    F = ctx.facts
    limit = ctx.threshold("wrong_derivative_fraction")
    bad = [c for c in checks if c["wrong"] / c["compared"] > limit]
    c = (bad or checks)[0]
    y, kind, name = c["site"], c["activation"].kind, c["name"]
    stmt = strip_comment(y.statement.strip())
    out.check("derivative_site", True, f"`{stmt}` (line {y.line}) multiplies the error signal by `{c['factor']}`, "
              f"written from {name}, the output of a {kind} (line {F.by_id[c['activation'].site].line})")
    out.check("values_recorded", True, f"the smallest and largest elements of {name} at {c['compared']} steps replayed"
              if c.get("extremes") else f"{c['compared']} kept values of {name} replayed")
    if not out.check("mismatch_measured", bool(bad), f"`{c['factor']}` differs from the {kind} derivative at "
                     f"{c['wrong']} of {c['compared']} evaluations", fraction=c["wrong"] / c["compared"],
                     threshold=limit):
        return out
    g, got, want = c["sample"]
    summary = (f"`{stmt}` (line {y.line}) multiplies the error signal by `{c['factor']}` as the derivative of the {kind} "
               f"whose output is {name}, but replayed at {name}'s "
               f"{'smallest and largest elements' if c.get('extremes') else 'kept values'} it is wrong at {c['wrong']} of "
               f"{c['compared']} evaluations: at {name} = {g:.4g} it gives {got:.4g} where the {kind} derivative is "
               f"{want:.4g}.")
    fixes = []
    right = _RIGHT_FROM_OUTPUT[kind].format(name)
    line = strip_comment(F.code_line(y.id)).rstrip()
    if c["factor"] in line and c["factor"] != right:
        # `grad * (1.0 - a)`: the parentheses around the factor go with it
        old, new = ((f"({c['factor']})", right if right.startswith("(") else f"({right})")
                    if f"({c['factor']})" in line else (c["factor"], right))
        fixes.append(Fix(f"Use the {kind}'s derivative written in its output", y.line, line.strip(),
                         line.strip().replace(old, new, 1),
                         f"The derivative of the {kind}, in terms of its output {name}, is {right}."))
    ev = dict(given=name, activation=kind, given_is="output", line=y.line, compared=c["compared"], wrong=c["wrong"],
              factor=c["factor"])
    out.drafts.append(Draft("wrong_derivative_formula", PRIMARY - 2, summary,
                            [ChainLink(summary, None, base_name(y.target), y.line, dict(ev))], fixes, [], ev))
    return out


def _relu_outcome(ctx, out: RuleOutcome, checks: list[dict]) -> RuleOutcome:
    """The premises for a ReLU derivative judged from its recorded statistics: a 0/1 mask or not."""
    F = ctx.facts
    first = checks[0]
    y = first["site"]
    given = base_name(F.by_id[first["given"]].target)
    out.check("derivative_site", True, f"`{strip_comment(y.statement.strip())}` (line {y.line}) is computed from "
              f"{given} alone, the input of a ReLU (line {F.by_id[first['relu']].line}), and multiplied into the error "
              f"signal")
    out.check("values_recorded", True, f"its range, mean and share of zeros were recorded at {first['compared']} steps")
    limit = ctx.threshold("wrong_derivative_fraction")
    bad = [c for c in checks if c["wrong"] / c["compared"] > limit]
    c = (bad or checks)[0]
    y = c["site"]
    given = base_name(F.by_id[c["given"]].target)
    why = (f"`{strip_comment(y.statement.strip())}` (line {y.line}) is a 0/1 mask at {c['compared'] - c['wrong']} of "
           f"{c['compared']} steps")
    if not out.check("mismatch_measured", bool(bad), why, fraction=c["wrong"] / c["compared"], threshold=limit):
        return out
    summary = (f"`{strip_comment(y.statement.strip())}` (line {y.line}) is used as the ReLU's derivative at {given}, but "
               f"the derivative of max(z, 0) is 1 where z > 0 and 0 elsewhere: at step {c['step']} its values run from "
               f"{c['low']:.4g} to {c['high']:.4g} with mean {c['mean']:.4g}, while a 0/1 mask with {c['nonzero']:.1%} "
               f"non-zero values has mean {c['nonzero']:.4g} (not a mask at {c['wrong']} of {c['compared']} steps).")
    ev = dict(given=given, activation="relu", given_is="input", line=y.line, compared=c["compared"],
              wrong=c["wrong"], step=c["step"], low=c["low"], high=c["high"], mean=c["mean"], nonzero=c["nonzero"])
    out.drafts.append(Draft("wrong_derivative_formula", PRIMARY - 2, summary,
                            [ChainLink(summary, c["step"], base_name(y.target), y.line, dict(ev))], [], [], ev))
    return out


def _softmax_outcome(ctx, out: RuleOutcome, checks: list[dict]) -> RuleOutcome:
    """The premises for the gradient at a softmax's logits judged from its recorded mean: 0 when it is right."""
    F = ctx.facts
    first = checks[0]
    y = first["site"]
    probs = base_name(F.by_id[first["probs"]].target)
    out.check("derivative_site", True, f"`{strip_comment(y.statement.strip())}` (line {y.line}) is computed from the "
              f"softmax output {probs} and applied by the update of {F.by_id[first['update']].target}, which computes "
              f"its logits")
    out.check("values_recorded", True, f"its mean and largest magnitude were recorded at {first['compared']} steps")
    limit = ctx.threshold("wrong_derivative_fraction")
    bad = [c for c in checks if c["wrong"] / c["compared"] > limit]
    c = (bad or checks)[0]
    y = c["site"]
    why = (f"`{strip_comment(y.statement.strip())}` (line {y.line}) has mean 0 (sums to 0 over the "
           f"{c['classes']} classes) at {c['compared'] - c['wrong']} of {c['compared']} steps")
    if not out.check("mismatch_measured", bool(bad), why, fraction=c["wrong"] / c["compared"], threshold=limit):
        return out
    summary = (f"`{strip_comment(y.statement.strip())}` (line {y.line}) is applied as the gradient at the logits of "
               f"the softmax {probs} ({c['classes']} classes), but a softmax's gradient at its logits sums to 0 over the "
               f"classes for every sample, whatever the loss: at step {c['step']} its mean is {c['mean']:.4g} against "
               f"a largest magnitude of {c['absmax']:.4g} (not 0 at {c['wrong']} of {c['compared']} steps).")
    ev = dict(given=probs, activation="softmax", given_is="output", line=y.line, compared=c["compared"],
              wrong=c["wrong"], step=c["step"], mean=c["mean"], absmax=c["absmax"], classes=c["classes"])
    out.drafts.append(Draft("wrong_derivative_formula", PRIMARY - 2, summary,
                            [ChainLink(summary, c["step"], base_name(y.target), y.line, dict(ev))], [], [], ev))
    return out


def _climb_outcome(ctx, out: RuleOutcome, written: list[dict]) -> RuleOutcome:
    """The premises for a derivative written inline or in a helper, not replayable: the loss it drives climbs under
    plain gradient steps that keep their direction, after falling, so the applied gradient is no descent direction."""
    F = ctx.facts
    w = written[0]
    y = w["site"]
    given = base_name(F.by_id[w["given"]].target)
    out.check("derivative_site", True, f"`{strip_comment(y.statement.strip())}` (line {y.line}) multiplies by "
              f"`{w['factor']}`, an expression of the forward value {given} alone")
    run_needed, descent = int(ctx.threshold("CLIMB_STEPS")), ctx.threshold("CLIMB_DESCENT")
    c = steady_climb(F, run_needed, descent)
    if not out.check("values_recorded", None if c is None else True,
                     "the loss at every step, the updates' values, or plain gradient steps (no optimizer state) were "
                     "not measured" if c is None else f"the loss {c['source']} at every step and the updates' values"):
        return out
    if c["run"] < run_needed:
        why = f"the loss {c['source']} rises at most {c['run']} consecutive steps in a row (fewer than {run_needed})"
    elif c["start"] > descent * c["first"]:
        why = (f"the loss {c['source']} rises for {c['run']} steps from {c['start']:.4g}, before it fell below "
               f"{descent:g} of its first value {c['first']:.4g}")
    else:
        why = (f"the loss {c['source']} falls from {c['first']:.4g} to {c['start']:.4g}, then rises at each of "
               f"{c['run']} consecutive steps ({c['step']} to {c['end']}) to {c['peak']:.4g}"
               + (f", consecutive updates keeping their direction (median cosine {c['cosine']:.2f})"
                  if c.get("climbs") else f", but consecutive updates point opposite ways (median cosine "
                                          f"{c['cosine']:.2f}): an overshoot"))
    if not out.check("mismatch_measured", c["climbs"], why, run=c["run"], threshold=run_needed):
        return out
    summary = (f"`{strip_comment(y.statement.strip())}` (line {y.line}) multiplies the backward pass by `{w['factor']}`, "
               f"a derivative written from {given}; the gradient it gives is not the loss's: {why}, which plain "
               f"gradient steps this steady cannot do when the derivative is right.")
    ev = dict(given=given, factor=w["factor"], line=y.line, climb_steps=c["run"], climb_from=c["start"],
              climb_to=c["peak"], first_loss=c["first"], step=c["step"], cosine=c.get("cosine"))
    out.drafts.append(Draft("wrong_derivative_formula", PRIMARY - 2, summary,
                            [ChainLink(summary, c["step"], base_name(y.target), y.line, dict(ev))], [], [], ev))
    return out
