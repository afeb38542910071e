"""Structure and data detectors: missing bias, dead or frozen units, inputs, dtypes, shapes,
derivatives fed the wrong values, and functions that mutate their arguments."""

from __future__ import annotations

import ast
import re

import numpy as np

from .. import columns as C
from ..model import Finding
from . import Limits, register
from .facts import (Facts, _dotted, array_root, base_name, expr_reads, facts, free_names, last, parse_statement,
                    strip_comment)
from .numerics import _f, data_reaching_model

# Unnormalized inputs: where the inputs meet the weights, a feature whose mean or spread (sqrt(mean^2 +
# std^2)) is above 10 (DESIGN.md §4: "feature scales >> 1"); standardized features sit near 1, 0-1 data below.
INPUT_SCALE = 10.0
# Kept as a configurable name for existing configs; the scale above is what is judged now.
INPUT_SPREAD = 100.0
# A unit is dead when it is exactly zero for every sample over the last 10% of the steps; a site
# whose value never changes over the loop is frozen (exactly equal stats at every step).
DEAD_TAIL = 0.1
# A float result stored into an integer array loses most of itself when its replayed values are fractions that lie
# within this many units of zero (standardised or 0-1 scaled values truncate to a handful of whole numbers).
TRUNCATED_WITHIN = 10.0
# Derivative formulas of activations and the range their argument must lie in.
# `bHidden`, `bOut`, `bs`, `bh`: a camel-case b or a b and one lower-case letter (case-sensitive there): `beta`,
# `batch` and `bins` name no bias.
BIAS_NAME = re.compile(r"^(b|bias|biases|b\d+|b_\w+|\w*_b|\w*bias\w*|beta|intercept|theta0|w0|(?-i:b[A-Z]\w*|b[a-z]\d*))$", re.IGNORECASE)
_MUTATORS = ("fill", "sort", "resize", "put", "itemset", "clip", "partition", "setfield")
# A statement that applies a ReLU: np.maximum(0, z), np.maximum(z, 0), relu(z), np.where(z > 0, z, 0).
_RELU_CODE = re.compile(r"(maximum\(\s*0(\.0*)?\s*,|maximum\([^,]+,\s*0(\.0*)?\s*\)|\brelu\(|where\([^,]+>\s*0[^,]*,[^,]+,\s*0)",
                        re.IGNORECASE)
# A ReLU written as the value times its own positive mask: `z * (z > 0)`, or `z * mask` after `mask = z > 0`.
_SELF_MASK = re.compile(r"([\w.]+)\s*\*\s*\(\s*\1\s*>=?\s*0(\.0*)?\s*\)")
_MASK_OF = re.compile(r"^\s*[\w.\[\]'\"]+\s*=\s*\(?\s*([\w.]+)\s*>=?\s*0(\.0*)?\s*\)?\s*$")
# `np.where(mask, z, 0)`: the value where its mask holds, else 0 (a ReLU when the mask is `z > 0`).
_WHERE_MASK = re.compile(r"where\(\s*[\w.\[\]'\"]+\s*,\s*([\w.]+)\s*,\s*0(\.0*)?\s*\)")
LIM = Limits(globals())  # these thresholds, or what the run's configuration set them to


def _input_rows(F: Facts):
    """(values (n, d), shape) of the training inputs before the loop, when kept."""
    i = F.inputs
    if i is None:
        return None
    v = F.values(i)
    if v is None:
        return None
    steps, data, shape = v
    if len(shape) != 2:
        return None
    return data[0].reshape(shape)


def _container_element(node, params) -> str | None:
    """`net["in_b"]` when `net` holds parameters (a dict or list of them): the element's text, else None."""
    if not isinstance(node, ast.Subscript):
        return None
    root = node
    while isinstance(root, ast.Subscript):
        root = root.value
    d = _dotted(root)
    return ast.unparse(node) if d and d in params else None


def bias_params(F: Facts) -> list[str]:
    """Parameters added (not multiplied) in the forward pass, or named like a bias."""
    out = []
    for p in F.param_names:
        if BIAS_NAME.match(last(p)):
            out.append(p)
    for x in F.sites:
        if x.id not in F.forward_sites and x.phase != "forward":
            continue
        try:
            tree = ast.parse(strip_comment(x.statement.strip()))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
                for side in (node.left, node.right):
                    d = _dotted(side) or _container_element(side, F.param_names)
                    if d and d not in F.param_names and isinstance(side, ast.Name):
                        d = _entry_of_parameter(F, d, x.function) or d
                    if d and (d in F.param_names or isinstance(side, ast.Subscript)) and d not in out:
                        out.append(d)
            if isinstance(node, ast.Call) and last(ast.unparse(node.func)) == "add":
                for a in node.args:
                    d = _dotted(a)
                    if d and d in F.param_names and d not in out:
                        out.append(d)
    return out


def _entry_of_parameter(F: Facts, name: str, function: str) -> str | None:
    """The parameter container a local name holds an entry of (`b_curr = params["b" + str(i)]`), also when the name
    is an argument fed such an entry at its calls. None when it is not one."""
    writers = []
    for w in F.resolve(name, function):
        writers += F.parents(w) if F.by_id[w].kind == "arg" else [w]
    for w in writers:
        tree = parse_statement(F.by_id[w].statement)
        stmt = tree.body[0] if tree is not None and tree.body else None
        value = getattr(stmt, "value", None) if isinstance(stmt, ast.Assign) else None
        if isinstance(value, ast.Subscript) and _dotted(value.value) in F.param_names:
            return _dotted(value.value)
    return None


def _every_step(checked: int, recorded: int, total: int) -> str:
    """'every one of 250 steps', or, when the history of a long run was thinned, how much of it was seen."""
    finite = "finite " if checked < recorded else ""
    if recorded < total:
        return f"every one of the {checked:,} {finite}steps kept of {total:,} (the rest of the history was thinned)"
    return f"every one of {checked:,} {finite}steps"


@register
def missing_bias(session) -> list[Finding]:
    """No bias term: an all-zero input row gives the same output at every step (0.5 for a sigmoid)."""
    F = facts(session)
    if not F.updates or bias_params(F):
        return []
    X = _input_rows(F)
    if X is not None and X.ndim == 2 and X.shape[1] > 1:
        const_cols = [j for j in range(X.shape[1]) if np.all(X[:, j] == X[0, j]) and X[0, j] != 0]
        if const_cols:
            return []  # a constant input column is a bias in disguise
    evidence = {}
    zero_rows = [] if X is None else [int(i) for i in np.nonzero(np.all(X == 0, axis=1))[0]]
    o = F.output
    sev = "info"
    msg_tail = ""
    if zero_rows and o is not None:
        vo = F.values(o)
        if vo is not None:
            steps, data, shape = vo
            n = X.shape[0]
            if data.shape[1] % n == 0:
                k = data.shape[1] // n
                rows = data.reshape(len(data), n, k)
                loop = steps >= 0
                stuck = []
                for r in zero_rows:
                    vals = rows[loop, r, :]
                    fin = vals[np.isfinite(vals)]
                    if len(fin) > 1 and np.all(fin == fin[0]):
                        stuck.append((r, float(fin[0])))
                finite_steps = int(np.all(np.isfinite(rows[loop]), axis=(1, 2)).sum())
                if stuck:
                    r, v = stuck[0]
                    row_txt = "[" + ", ".join(f"{c:g}" for c in X[r]) + "]"
                    evidence.update(zero_rows=[s[0] for s in stuck], stuck_value=v, steps_checked=finite_steps,
                                    row=X[r].tolist())
                    t = F.target
                    if t is not None and F.values(t) is not None:
                        tv = F.values(t)[1][0]
                        if tv.size % n == 0:
                            tgt = tv.reshape(n, -1)[r].tolist()
                            evidence["target"] = tgt
                            msg_tail = f" (its target is {tgt[0]:g})" if len(tgt) == 1 else ""
                    cap = (n - len(stuck)) / n
                    evidence["accuracy_cap"] = cap
                    sev = "warning"
                    name = F.by_id[o].target
                    return [_f("missing_bias", "structure", sev,
                               f"No bias: the input {row_txt} (sample {r}) gives {name} = {v:g} at "
                               f"{_every_step(finite_steps, int(loop.sum()), F.s.plan.n_steps)}{msg_tail}, "
                               f"whatever the weights, capping the accuracy at {cap:.0%}.",
                               int(steps[loop][0]), int(steps[loop][-1]), name, F.by_id[o].line, **evidence)]
    # Static only: every layer is x @ W with no added term.
    mm = [x for x in F.sites if x.id in F.forward_sites and any(p in x.reads for p in F.param_names)]
    if not mm:
        return []
    return [_f("missing_bias", "structure", "info",
               f"No layer adds a bias: {', '.join('`' + strip_comment(x.statement.strip()) + '`' for x in mm[:2])} "
               f"have no `+ b` term, so every output for an all-zero input is fixed.", None, None,
               F.by_id[mm[0].id].target, mm[0].line, layers=[x.line for x in mm])]


def _passes_per_step(steps, loop) -> list[np.ndarray] | None:
    """The loop rows split by pass, when a statement runs the same number (2 or more) of times at every step."""
    st = steps[loop]
    _, counts = np.unique(st, return_counts=True)
    if len(counts) < 10 or counts.min() < 2 or counts.min() != counts.max():
        return None
    order = np.argsort(st, kind="stable")
    rank = np.empty(len(st), dtype=int)
    rank[order] = np.arange(len(st)) - np.repeat(np.cumsum(counts) - counts, counts)
    return [loop[rank == k] for k in range(int(counts[0]))]


def _dead_passes(F: Facts, x, sr, passes) -> list[Finding]:
    """Dead-unit findings for one statement's passes: a pass whose values are all exactly zero over the tail."""
    out = []
    for k, rows in enumerate(passes):
        tail = rows[-max(1, int(len(rows) * DEAD_TAIL)):]
        low = sr[C.MIN][rows]
        if not (np.isfinite(low).all() and np.min(low) >= 0):
            continue
        l2, fz = sr[C.L2][tail], sr[C.FRAC_ZERO][tail]
        if np.isfinite(l2).all() and np.all(l2 == 0):
            frac = 1.0
        elif np.isfinite(fz).any():
            frac = float(np.nanmedian(fz))
        else:
            continue
        if frac >= 0.999:
            out.append(_f("dead_units", "structure", "error",
                          f"{_said(x)} (pass {k + 1} of {len(passes)} per step): every value is exactly zero for every "
                          f"sample over the last {len(tail)} steps ({frac:.0%} zero): no gradient flows through them.",
                          int(sr.step[tail[0]]), int(sr.step[tail[-1]]), x.target, x.line, fraction_dead=frac,
                          dead_units=None, pass_index=k, passes=len(passes)))
    return out


def _said(x) -> str:
    """A site as a sentence names it: `h`, or `the value Rectify.__call__ returns (line 30)`."""
    if x.target == "return":
        return f"the value {x.function} returns (line {x.line})"
    return x.target


def _applies_relu(F: Facts, x) -> bool:
    """The statement applies a ReLU itself: a call or np.where form, or the value times its own mask (`z * mask`
    with `mask = z > 0` recorded as a parent). A backward pass's `grad * mask` reads the mask but not the value the
    mask was taken of, so it is not one."""
    if _RELU_CODE.search(x.statement) or _SELF_MASK.search(x.statement):
        return True
    where = _WHERE_MASK.search(x.statement)
    if "*" not in x.statement and not where:
        return False
    for p in F.parents(x.id):
        m = _MASK_OF.match(strip_comment(F.by_id[p].statement.strip()))
        if m and m.group(1) in x.reads and (not where or where.group(1) == m.group(1)):
            return True
    return False


@register
def dead_units(session) -> list[Finding]:
    """Hidden units exactly zero for every sample (dead ReLUs), and outputs that never change."""
    F = facts(session)
    out = []
    for x in F.sites:
        # The forward pass, or, when the program model found none (parameters kept in a dict the recorder
        # does not follow), any statement that applies a ReLU itself.
        # (The output is no hidden unit, unless its statement is one pass of a loop over layers, judged per pass.)
        if x.kind == "arg" or (x.id not in F.forward_sites and not _applies_relu(F, x)):
            continue
        if x.id == F.output and not (_applies_relu(F, x) and F.ser(x.id) is not None and _passes_per_step(
                F.ser(x.id).step, np.nonzero(F.ser(x.id).step >= 0)[0]) is not None):
            continue
        if x.id not in F.forward_sites and x.phase == "loss":
            continue  # `max(0, 1 - y * score)` is a hinge loss: all zero when every point clears the margin
        sr = F.ser(x.id)
        if sr is None:
            continue
        loop = np.nonzero(sr.step >= 0)[0]
        if len(loop) < 10:
            continue
        passes = _passes_per_step(sr.step, loop)
        if passes is not None:
            # The statement runs several times per step (a loop over layers): each pass is its own layer, and a
            # dead layer hides among live ones (and the linear output) when their rows are pooled. Only a statement
            # that applies the ReLU itself: the gradients behind a dead layer are zero as a consequence.
            if _applies_relu(F, x):
                out.extend(_dead_passes(F, x, sr, passes))
            continue
        tail = loop[-max(1, int(len(loop) * DEAD_TAIL)):]
        lo = np.nanmin(sr[C.MIN][loop]) if np.isfinite(sr[C.MIN][loop]).any() else np.nan
        if not (lo >= 0):
            continue  # dead units are a ReLU thing: values that are never negative
        if not any(re.search(r"(relu|maximum|max\(|> ?0)", F.by_id[p].statement + " ".join(F.by_id[p].calls), re.I)
                   for p in [x.id] + F.parents(x.id)):
            continue
        v = F.values(x.id)
        if v is not None and len(v[2]) == 1 and v[2][0] >= 2 and (v[0] >= 0).sum() >= 10:
            # One sample's units per evaluation (a per-sample loop): a unit is dead when its entry is exactly zero
            # in every evaluation of the tail. A vector as long as the samples is one unit over the samples instead.
            from ..analysis.causes._passes import samples_axis_length

            steps, data, shape = v
            rows = data[steps >= 0].reshape(-1, shape[0])
            k = max(1, int(len(rows) * DEAD_TAIL))
            tail_rows = rows[-k:]
            dead = np.array([np.all(tail_rows == 0)]) if shape[0] == samples_axis_length(F) else \
                np.all(tail_rows == 0, axis=0)
            frac = float(dead.mean())
        elif v is not None and len(v[2]) == 2:
            steps, data, shape = v
            m = steps >= 0
            if m.sum() < 10:
                continue
            rows = data[m].reshape(int(m.sum()), *shape)
            k = max(1, int(len(rows) * DEAD_TAIL))
            from ..analysis.causes._passes import samples_axis_length

            # units along the last axis, unless the samples are (features x samples layout)
            by_column = shape[1] == samples_axis_length(F) and shape[0] != shape[1]
            dead = np.all(rows[-k:] == 0, axis=(0, 2) if by_column else (0, 1))
            frac = float(dead.mean())
        else:
            fz = sr[C.FRAC_ZERO][tail]
            l2 = sr[C.L2][tail]
            dead = None
            if np.isfinite(l2).all() and np.all(l2 == 0):
                frac = 1.0  # a norm of exactly 0: every unit is zero for every sample
            elif np.isfinite(fz).any():
                # Large arrays keep full statistics only at some steps: judge on those.
                frac = float(np.nanmedian(fz))
            else:
                frac = 0.0
            if frac < 0.999:
                # Only the share of zeros is known: count the units whose gradient is exactly 0 over the tail.
                counted = _units_without_gradient(F, shape_of(sr.shape[tail[-1]]), set(sr.step[tail].tolist()),
                                                  float(np.nanmedian(fz)) if np.isfinite(fz).any() else 0.0)
                if counted is not None:
                    dead = counted
                frac = float(dead.mean()) if dead is not None else 0.0
        if frac >= 0.5:
            n = int(dead.sum()) if dead is not None else None
            sev = "error" if frac >= 0.999 else "warning"
            out.append(_f("dead_units", "structure", sev,
                          f"{_said(x)}: {f'{n} of {len(dead)} units are' if n is not None else 'all units are'} exactly "
                          f"zero for every sample over the last {len(tail)} steps ({frac:.0%} dead): no gradient "
                          f"flows through them.", int(sr.step[tail[0]]), int(sr.step[tail[-1]]), x.target, x.line,
                          fraction_dead=frac, dead_units=n))
    o = F.output
    if o is not None and F.observed(o):
        sr = F.ser(o)
        m = sr.step >= 0
        if m.sum() >= 10:
            stats = np.column_stack([sr[C.MIN][m], sr[C.MAX][m], sr[C.MEAN][m]])
            if np.all(np.isfinite(stats)) and np.all(stats == stats[0]):
                out.append(_f("output_frozen", "structure", "error",
                              f"The output {F.by_id[o].target} never changes: min {stats[0, 0]:.4g}, max {stats[0, 1]:.4g}"
                              f" at {_every_step(int(m.sum()), int(m.sum()), F.s.plan.n_steps)}.",
                              int(sr.step[m][0]), int(sr.step[m][-1]),
                              F.by_id[o].target, F.by_id[o].line, value_min=float(stats[0, 0]), value_max=float(stats[0, 1])))
    return out


def _units_without_gradient(F: Facts, shape: tuple, steps: set, frac_zero: float):
    """Per unit, whether a kept gradient sized by the units is exactly 0 for that unit at every one of
    `steps`; None unless that many dead units fit within the measured share of zeros."""
    if len(shape) != 2 or frac_zero < 0.5:
        return None
    best = None
    for g in F.sites:
        if g.kind == "arg" or g.id in F.params:
            continue
        v = F.values(g.id)
        if v is None or len(v[2]) != 2:
            continue
        gsteps, data, gshape = v
        m = np.isin(gsteps, list(steps))
        if m.sum() < max(2, len(steps) // 2):
            continue
        vals = data[m].reshape(int(m.sum()), *gshape)
        for units in set(shape):
            for axis in (0, 1):
                if gshape[axis] != units or units < 2:
                    continue
                dead = np.all(vals == 0, axis=(0, 2 - axis))
                if dead.mean() <= frac_zero + 1e-9 and (best is None or dead.sum() > best.sum()):
                    best = dead
    return best


def input_scale(F) -> dict | None:
    """The scale of the arrays multiplied by the weights, as they reach the model: per feature (mean and std
    over the samples) when the values were kept, else the recorded statistics of the whole array.

    Of several writes of one name (`X = raw`, `X = (X - mean) / std`) the last one before the model reads it
    is what reaches the weights."""
    latest: dict = {}
    for c in F.input_candidates:
        sr = F.ser(c)
        if sr is None or not len(sr):
            continue
        name = base_name(F.by_id[c].target)
        if name not in latest or sr.seq[-1] > F.ser(latest[name]).seq[-1]:
            latest[name] = c
    best = None
    for name, c in latest.items():
        sr = F.ser(c)
        got = {"site": c, "name": F.by_id[c].target, "line": F.by_id[c].line, "shape": str(sr.shape[-1])}
        v = F.values(c)
        shape = v[2] if v is not None else ()
        if v is not None and len(shape) == 2 and len(v[1]):
            X = v[1][-1].reshape(shape)
            # Per feature: statistics over the samples, the longer axis whichever the layout.
            rows = X if X.shape[0] >= X.shape[1] else X.T
            fin = np.where(np.isfinite(rows), rows, np.nan)
            mean, std = np.nanmean(fin, axis=0), np.nanstd(fin, axis=0)
            got.update(how="per feature", largest_mean=float(np.nanmax(np.abs(mean))),
                       largest_std=float(np.nanmax(std)), low=float(np.nanmin(fin)), high=float(np.nanmax(fin)))
        else:
            k = len(sr) - 1
            got.update(how="whole array", largest_mean=abs(float(sr[C.MEAN][k])), largest_std=float(sr[C.STD][k]),
                       low=float(sr[C.MIN][k]), high=float(sr[C.MAX][k]))
        if not all(np.isfinite([got["largest_mean"], got["largest_std"]])):
            continue
        got["largest_rms"] = float(np.hypot(got["largest_mean"], got["largest_std"]))
        got["unit_range"] = bool(got["low"] >= 0 and got["high"] <= 1)  # one-hot, 0-1 pixels
        if best is None or got["largest_rms"] > best["largest_rms"]:
            best = got
    return best



@register
def unnormalized_inputs(session) -> list[Finding]:
    """Inputs that reach the weights on a large scale: a feature's mean or spread above INPUT_SCALE (not 0-1)."""
    F = facts(session)
    sc = input_scale(F)
    if sc is None or sc["unit_range"] or sc["largest_rms"] <= LIM.INPUT_SCALE:
        return []
    return [_f("unnormalized_inputs", "data", "warning",
               f"The inputs {sc['name']} are not normalized: where they meet the weights a feature reaches a mean of "
               f"{sc['largest_mean']:.4g} and a spread of {sc['largest_std']:.4g} (judged {sc['how']}; above "
               f"{LIM.INPUT_SCALE:g}).", None, None, sc["name"], sc["line"], max_scale=sc["largest_rms"],
               largest_mean=sc["largest_mean"], largest_std=sc["largest_std"])]


_INF_LITERAL = re.compile(r"(\b(np|numpy|math)\.(inf|Inf|infty)\b|float\(\s*['\"][+-]?inf(inity)?['\"]\s*\))")


def _inf_default(F: Facts, x) -> bool:
    """Whether `x` is an argument whose default is an infinity literal (`lr_max=np.inf`), or a plain copy of one
    (`self.lr_max = lr_max`): a bound left open, not data."""
    from ..trace.backstop import infinite_default

    if x.kind == "arg":
        return infinite_default(x)
    tree = parse_statement(x.statement)
    node = tree.body[0] if tree is not None and tree.body else None
    if not isinstance(node, ast.Assign) or not isinstance(node.value, ast.Name):
        return False
    return any(infinite_default(F.by_id[w]) for w in F.resolve(node.value.id, x.function))


@register
def nonfinite_in_data(session) -> list[Finding]:
    """NaN or inf already present in the data before training touches it."""
    F = facts(session)
    out = []
    for x in F.sites:
        if x.phase != "other" or F.is_param(x.id):
            continue
        sr = F.ser(x.id)
        if sr is None or not len(sr):
            continue
        bad = (sr[C.N_NAN] + sr[C.N_POSINF] + sr[C.N_NEGINF]) > 0
        if bad.any() and np.nanmax(sr[C.SIZE]) <= 1 and (_INF_LITERAL.search(strip_comment(x.statement))
                                                         or _inf_default(F, x)):
            continue  # `best = np.inf`: a scalar written from an infinity literal is a best-so-far sentinel, not data
        if bad.any() and sr.step[bad][0] < 0:
            i = int(np.argmax(bad))
            n_nan, n_inf = int(sr[C.N_NAN][i]), int(sr[C.N_POSINF][i] + sr[C.N_NEGINF][i])
            # NaN the code removes or replaces before the model reads the data is handled, not an error.
            reach = data_reaching_model(F)
            handled = reach is not None and not any(e["nonfinite"] for e in reach)
            tail = (" before training, but the data the model reads is finite: they are removed or replaced first."
                    if handled else " before training: every result computed from them is NaN.")
            out.append(_f("nonfinite_in_data", "data", "info" if handled else "error",
                          f"The data {x.target} (line {x.line}) already holds {n_nan} NaN and {n_inf} inf values{tail}",
                          int(sr.step[i]), int(sr.step[i]), x.target, x.line, n_nan=n_nan, n_inf=n_inf,
                          reaches_model=not handled))
            break
    return out


_FLOAT_CALLS = ("exp", "log", "sqrt", "tanh", "mean", "std", "sin", "cos", "power", "divide", "true_divide", "random",
                "rand", "randn", "normal", "uniform")


def _float_expression(F: Facts, x, seq: int) -> str | None:
    """Why the value statement `x` stores is a float ('true division', 'float constant 0.5', 'operand w is float64'),
    or None: read from the statement's AST and the recorded dtypes of the operands it reads."""
    tree = parse_statement(x.statement)
    if tree is None or not tree.body:
        return None
    stmt = tree.body[0]
    value = getattr(stmt, "value", None)
    if value is None:
        return None
    if isinstance(stmt, ast.AugAssign) and isinstance(stmt.op, ast.Div):
        return "true division"
    for node in ast.walk(value):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            return "true division"
        if isinstance(node, ast.Constant) and isinstance(node.value, float) and node.value != int(node.value):
            return f"the float constant {node.value!r}"
        if isinstance(node, ast.Call) and last(_dotted(node.func) or "") in _FLOAT_CALLS:
            return f"{last(_dotted(node.func))}()"
    for p in F.parents(x.id):
        if base_name(F.by_id[p].target) == base_name(x.target):
            continue
        if _read_for_shape(base_name(F.by_id[p].target), value):
            continue  # its shape is read, not its values
        ps = F.ser(p)
        j = ps.before_seq(seq) if ps is not None and len(ps) else None
        if j is not None:
            try:
                if np.dtype(str(ps.dtype[j])).kind == "f":
                    return f"the operand {base_name(F.by_id[p].target)} is {np.dtype(str(ps.dtype[j]))}"
            except TypeError:
                continue
    return None


def _binds_result(statement: str) -> bool:
    """A plain assignment to names or attributes (`y = y.reshape(shape)`, `self.w = self.w - step`): it binds the
    targets to the result, whatever its dtype, and writes into no existing array."""
    tree = parse_statement(statement)
    if tree is None or len(tree.body) != 1 or not isinstance(tree.body[0], ast.Assign):
        return False
    return all(isinstance(t, (ast.Name, ast.Attribute)) for t in tree.body[0].targets)


def _read_for_shape(name: str, value: ast.AST) -> bool:
    """Every read of `name` in `value` asks only for its shape, size, dtype or length (`y.reshape(out.shape)`)."""
    reads = [n for n in ast.walk(value) if isinstance(n, ast.Name) and n.id == name]
    if not reads:
        return False
    parent = {child: node for node in ast.walk(value) for child in ast.iter_child_nodes(node)}
    for n in reads:
        up = parent.get(n)
        if isinstance(up, ast.Attribute) and up.attr in ("shape", "size", "ndim", "dtype"):
            continue
        if isinstance(up, ast.Call) and _dotted(up.func) == "len":
            continue
        return False
    return True


def integer_stores(F: Facts) -> list[dict]:
    """Every write into an existing integer array (not bool) anywhere in the script: a subscript write, an augmented
    assignment or an in-place parameter update, with why its value is a float and what the write measurably lost
    (zeros gained, or updates that changed nothing). Computed once per session."""
    if "integer_stores" in F.memo:
        return F.memo["integer_stores"]
    out = []
    for x in F.sites:
        if x.kind not in ("setitem", "augassign", "update"):
            continue
        sr = F.ser(x.id)
        if sr is None or not len(sr):
            continue
        try:
            dt = np.dtype(str(sr.dtype[0]))
        except TypeError:
            continue
        if dt.kind not in "iu":
            continue  # bool masks and floats hold what they are given
        if _binds_result(x.statement):
            continue  # `y = y.reshape(...)` binds the name to the expression's own result: nothing is stored into y
        why = _float_expression(F, x, int(sr.seq[0]))
        rec = dict(site=x, dtype=str(dt), float_because=why, zeros_before=None, zeros_after=None,
                   frac_updates_zero=None, frac_writes_unchanged=None, first_step=int(sr.step[0]),
                   replayed=_replayed_range(F, x, int(sr.seq[0])) if why else None,
                   standardised=_standardised_spread(F, x, sr) if why else None)
        # The same array just before the first write: another site writing the same name.
        name = base_name(x.target)
        before = None
        for w in F.resolve(name, x.function):
            ws = F.ser(w)
            if w == x.id or ws is None or not len(ws):
                continue
            j = ws.before_seq(int(sr.seq[0]))
            if j is not None and (before is None or ws.seq[j] > before[0]):
                before = (int(ws.seq[j]), float(ws[C.FRAC_ZERO][j]))
        if before is not None and np.isfinite(sr[C.FRAC_ZERO][0]):
            rec.update(zeros_before=before[1], zeros_after=float(sr[C.FRAC_ZERO][0]))
        # A write in the loop that leaves the array exactly as it was: the fraction truncated away to nothing.
        loop = np.nonzero(sr.step >= 0)[0]
        if len(loop) > 1:
            same = np.ones(len(loop) - 1, bool)
            for c in (C.MIN, C.MAX, C.MEAN):
                same &= sr[c][loop[1:]] == sr[c][loop[:-1]]
            rec["frac_writes_unchanged"] = float(np.mean(same))
        if x.kind in ("update", "augassign") and (sr.step >= 0).sum() > 1:
            ul = sr[C.UPDATE_L2][sr.step >= 0]
            ul = ul[np.isfinite(ul)]
            if len(ul):
                rec["frac_updates_zero"] = float(np.mean(ul == 0))
        out.append(rec)
    F.memo["integer_stores"] = out
    return out


# Reductions a written expression may call on the one array it reads, answered from that array's recorded statistics.
_REDUCTIONS = {"mean": C.MEAN, "std": C.STD, "min": C.MIN, "max": C.MAX, "amin": C.MIN, "amax": C.MAX}


def _replayed_range(F: Facts, x, seq: int) -> dict | None:
    """The range of the value a statement writes, replayed at the smallest and largest entry of the one array it reads
    (`(col - col.mean()) / col.std()` at col's recorded min and max, with its recorded mean and std), from that
    array's last observation before the write; None when the expression reads more than one array or calls anything
    but a reduction of it. Exact for an expression monotone in the array, which is what a rescaling is."""
    tree = parse_statement(x.statement)
    value = getattr(tree.body[0], "value", None) if tree is not None and tree.body else None
    if value is None:
        return None
    names = {n[:-len(".T")] if n.endswith(".T") else n for n in free_names(value)}
    if len(names) != 1:
        return None
    name = names.pop()
    stats = None
    for w in F.resolve(name, x.function):
        ws = F.ser(w)
        j = ws.before_seq(seq) if w != x.id and ws is not None and len(ws) else None
        if j is not None and (stats is None or ws.seq[j] > stats[0]):
            stats = (int(ws.seq[j]), {c: float(ws[c][j]) for c in (C.MIN, C.MAX, C.MEAN, C.STD)})
    if stats is None or not all(np.isfinite(v) for v in stats[1].values()):
        return None
    got = []
    for end in (C.MIN, C.MAX):
        v = _at(value, name, stats[1], end)
        if v is None or not np.isfinite(v):
            return None
        got.append(v)
    return dict(name=name, lo=min(got), hi=max(got), **stats[1])


def _at(node, name: str, stats: dict, end: str) -> float | None:
    """`node` evaluated with `name` at its recorded `end` value and its reductions at their recorded values."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return float(node.value)
    d = _dotted(node)
    if d == name or d == f"{name}.T":
        return stats[end]
    if isinstance(node, ast.Call) and not node.keywords:
        fn = _dotted(node.func) or ""
        if fn.startswith(name + ".") and last(fn) in _REDUCTIONS and not node.args:
            return stats[_REDUCTIONS[last(fn)]]
        if last(fn) in _REDUCTIONS and len(node.args) == 1 and _dotted(node.args[0]) == name:
            return stats[_REDUCTIONS[last(fn)]]
        return None
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        v = _at(node.operand, name, stats, end)
        return None if v is None else (-v if isinstance(node.op, ast.USub) else v)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
        a, b = _at(node.left, name, stats, end), _at(node.right, name, stats, end)
        if a is None or b is None:
            return None
        if isinstance(node.op, ast.Div):
            return a / b if b else None
        return a + b if isinstance(node.op, ast.Add) else a - b if isinstance(node.op, ast.Sub) else a * b
    return None


# Written z-scores keep at least this share of their spread of 1 when nothing is lost; truncated to whole numbers,
# the values within 1 of the mean become 0 and the spread falls to about 0.6.
STANDARDISED_KEPT = 0.9


def _standardised_spread(F: Facts, x, sr) -> dict | None:
    """For a statement writing z-scores (`Z[:, j] = (A[:, j] - mu[j]) / sd[j]`, with `mu = A.mean(axis=0)` and
    `sd = A.std(axis=0)`): A's name and the spread of the array after its last write, which z-scores of every column
    give as 1. None for any other statement."""
    tree = parse_statement(x.statement)
    value = getattr(tree.body[0], "value", None) if tree is not None and tree.body else None
    if not (isinstance(value, ast.BinOp) and isinstance(value.op, ast.Div) and isinstance(value.left, ast.BinOp)
            and isinstance(value.left.op, ast.Sub)):
        return None

    data, centre, scale = array_root(value.left.left), array_root(value.left.right), array_root(value.right)
    if not (data and centre and scale):
        return None

    def made_by(name: str, how: str) -> bool:
        ws = [w for w in F.resolve(name, x.function) if w != x.id]
        # of the array itself or of rows picked from it (`counts[in_train].mean(axis=0)`: a training split's)
        name = re.escape(data)
        return bool(ws) and all(re.search(rf"(\b{name}(\[[^\]]*\])*\.{how}\(|np\.{how}\(\s*{name}\b)",
                                          F.by_id[w].statement or "") for w in ws)

    if not (made_by(centre, "mean") and made_by(scale, "std")):
        return None
    spread = float(sr[C.STD][-1])
    return dict(name=data, spread=spread) if np.isfinite(spread) else None


def _spread_lost(z: dict | None) -> bool | None:
    """Whether written z-scores kept less than STANDARDISED_KEPT of their spread of 1 (None: no z-scores written)."""
    return None if z is None else z["spread"] < LIM.STANDARDISED_KEPT


def _fractions_truncated(rng: dict | None) -> bool | None:
    """Whether the replayed values written are fractions within TRUNCATED_WITHIN of zero (None: not replayed)."""
    if rng is None:
        return None
    whole = float(rng["lo"]).is_integer() and float(rng["hi"]).is_integer()
    return not whole and max(abs(rng["lo"]), abs(rng["hi"])) < LIM.TRUNCATED_WITHIN


def truncation_lost(rec: dict) -> bool | None:
    """Whether storing into the integer array measurably lost values (None: nothing to compare with)."""
    got = []
    for lost in (_fractions_truncated(rec.get("replayed")), _spread_lost(rec.get("standardised"))):
        if lost is not None:
            got.append(lost)
    if rec["zeros_before"] is not None:
        got.append(rec["zeros_after"] > rec["zeros_before"])
    if rec["frac_updates_zero"] is not None:
        got.append(rec["frac_updates_zero"] > 0)
    if rec["frac_writes_unchanged"] is not None:
        got.append(rec["frac_writes_unchanged"] > 0.5)
    return any(got) if got else None


def truncation_text(rec: dict) -> str:
    """What the truncation measurably lost, in words."""
    z = rec.get("standardised")
    if _spread_lost(z):
        return (f"the values written are z-scores of {z['name']} (its mean taken away, divided by its standard "
                f"deviation: a spread of 1), but after the last write the array's spread is {z['spread']:.3g}")
    r = rec.get("replayed")
    if _fractions_truncated(r):
        return (f"the values it first writes, replayed at the smallest and largest entry of {r['name']} "
                f"({r['min']:.4g} and {r['max']:.4g}), run from {r['lo']:.3g} to {r['hi']:.3g}, and are stored as the whole numbers "
                f"{int(r['lo'])} to {int(r['hi'])}")
    if rec["zeros_before"] is not None and rec["zeros_after"] > rec["zeros_before"]:
        return f"{rec['zeros_before']:.0%} of its entries were zero before the write, {rec['zeros_after']:.0%} after"
    if rec["frac_updates_zero"]:
        return f"{rec['frac_updates_zero']:.0%} of the updates changed nothing"
    return f"{rec['frac_writes_unchanged']:.0%} of the writes in the loop left it exactly as it was"


@register
def integer_dtype(session) -> list[Finding]:
    """Float results stored into an integer array: numpy truncates them to whole numbers without a word."""
    F = facts(session)
    out = []
    named = set()
    for rec in integer_stores(F):
        x = rec["site"]
        name = base_name(x.target)
        if rec["float_because"] is None or not truncation_lost(rec) or name in named:
            continue
        named.add(name)
        lost = truncation_text(rec)
        out.append(_f("integer_dtype_truncation", "structure", "error",
                      f"`{strip_comment(x.statement.strip())}` (line {x.line}) stores a float result ({rec['float_because']}) "
                      f"into {name}, an integer array ({rec['dtype']}): numpy truncates it to whole numbers; {lost}.",
                      rec["first_step"], None, name, x.line, dtype=rec["dtype"], float_because=rec["float_because"],
                      zeros_before=rec["zeros_before"], zeros_after=rec["zeros_after"],
                      frac_updates_zero=rec["frac_updates_zero"]))
    return out


# numpy functions whose result has their (first) argument's shape, and those that broadcast two arguments.
_ELEMENTWISE = {"exp", "log", "log1p", "expm1", "tanh", "abs", "absolute", "sqrt", "square", "negative", "sign",
                "sin", "cos", "clip", "copy", "array", "asarray", "nan_to_num"}
_BINARY = {"maximum", "minimum", "add", "subtract", "multiply", "divide", "true_divide", "power", "where"}


def shape_of(text) -> tuple:
    """A recorded shape's text (`(300, 4)`) as a tuple of ints."""
    return tuple(int(v) for v in re.findall(r"\d+", str(text)))


def broadcast_of(a: tuple, b: tuple) -> tuple | None:
    """numpy's broadcast of two shapes (None when they do not broadcast)."""
    try:
        return tuple(np.broadcast_shapes(a, b))
    except ValueError:
        return None


def _matmul_of(a: tuple, b: tuple) -> tuple | None:
    if len(a) == 2 and len(b) == 2 and a[1] == b[0]:
        return (a[0], b[1])
    if len(a) == 2 and len(b) == 1 and a[1] == b[0]:
        return (a[0],)
    if len(a) == 1 and len(b) == 2 and a[0] == b[0]:
        return (b[1],)
    if len(a) == 1 and len(b) == 1 and a == b:
        return ()
    return None


def inferred_shape(node, shapes: dict) -> tuple | None:
    """The shape of an expression computed from the recorded shapes of the names it reads, by numpy's rules;
    None wherever a part is not known (an unrecorded name, an index, a reshape, a function not modelled)."""
    if isinstance(node, ast.Constant):
        return () if isinstance(node.value, (int, float)) and not isinstance(node.value, bool) else None
    if isinstance(node, ast.Attribute) and node.attr == "T":
        inner = inferred_shape(node.value, shapes)
        return tuple(reversed(inner)) if inner is not None else None
    if isinstance(node, (ast.Name, ast.Attribute)):
        return shapes.get(_dotted(node) or "")
    if isinstance(node, ast.UnaryOp):
        return inferred_shape(node.operand, shapes)
    if isinstance(node, ast.BinOp):
        a, b = inferred_shape(node.left, shapes), inferred_shape(node.right, shapes)
        if a is None or b is None:
            return None
        return _matmul_of(a, b) if isinstance(node.op, ast.MatMult) else broadcast_of(a, b)
    if isinstance(node, ast.Call) and not node.keywords:
        name = _dotted(node.func) or ""
        head, fn = name.rsplit(".", 1) if "." in name else ("", name)
        if head not in ("np", "numpy"):
            # the program's own function (`self.predict(X)`): the shape its return recorded, keyed `predict()`
            return shapes.get(f"{fn}()")
        if not node.args:
            return None
        args = [inferred_shape(a, shapes) for a in node.args]
        if fn in _ELEMENTWISE and fn != "clip" and len(args) == 1:
            return args[0]
        if fn in ("dot", "matmul") and len(args) == 2 and None not in args:
            return _matmul_of(*args)
        if fn in _BINARY and len(args) == 2 and None not in args:
            return broadcast_of(*args)
    return None


def silent_broadcasts(statement: str, shapes: dict) -> list[tuple[str, tuple, str, tuple, tuple]]:
    """(vector text, its shape, column text, its shape, result) for each elementwise operation in the statement
    whose operands' shapes, inferred from the recorded ones, are (n,) and (n, 1): numpy makes an (n, n) result."""
    tree = parse_statement(statement)
    if tree is None:
        return []
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.BinOp) or isinstance(node.op, ast.MatMult):
            continue
        sides = [(ast.unparse(side), inferred_shape(side, shapes)) for side in (node.left, node.right)]
        if any(shape is None for _, shape in sides):
            continue
        vec = [s for s in sides if len(s[1]) == 1 and s[1][0] >= 2]
        col = [s for s in sides if len(s[1]) == 2 and s[1][1] == 1 and vec and s[1][0] == vec[0][1][0]]
        if vec and col:
            n = vec[0][1][0]
            out.append((vec[0][0], vec[0][1], col[0][0], col[0][1], (n, n)))
    return out


@register
def broadcast_shapes(session) -> list[Finding]:
    """(n,) against (n,1) broadcasting to (n,n): a value that should hold one number per sample
    holds one per pair of samples. Raised only when the operands' shapes, inferred from the shapes recorded just
    before the statement, are (n,) and (n, 1) and the statement's recorded result is itself (n, n)."""
    F = facts(session)
    out = []
    for x in F.sites:
        if x.kind == "arg":
            continue
        sr = F.ser(x.id)
        if sr is None or not len(sr):
            continue
        # Outside the recognised phases, a value computed at every training step still counts (a closure's
        # forward pass whose phase was not told).
        if x.phase not in ("forward", "loss", "backward") and not (x.phase == "other" and (sr.step >= 0).all()
                                                                    and F.training_loop is not None):
            continue
        square = [k for k, text in sr.shape.unique_first() if len(shape_of(text)) == 2 and shape_of(text)[0] == shape_of(text)[1]
                  and shape_of(text)[0] >= 2]
        if not square:
            spread = _column_of_labels_spread(F, x, sr)
            if spread is not None:
                out.append(spread)
            continue
        k0 = square[0]
        n = shape_of(sr.shape[k0])[0]
        pshapes = {}
        for p in F.parents(x.id):
            ps = F.ser(p)
            if ps is None or not len(ps):
                continue
            # the operand as it was just before this observation
            j = ps.before_seq(int(sr.seq[k0]))
            if j is not None:
                q = F.by_id[p]
                pshapes[f"{last(q.function)}()" if q.kind == "return" else base_name(q.target)] = shape_of(ps.shape[j])
        found = [b for b in silent_broadcasts(x.statement, pshapes) if b[4] == (n, n)]
        if found:
            vec, vshape, col, cshape, _ = found[0]
            out.append(_f("shape_broadcasting", "structure", "error",
                          f"`{strip_comment(x.statement.strip())}` (line {x.line}) combines {vec} of shape ({n},) with "
                          f"{col} of shape {cshape}: numpy broadcasts them to ({n}, {n}), one value per "
                          f"pair of samples instead of one per sample.", int(sr.step[k0]), int(sr.step[-1]), x.target,
                          x.line, shapes={vec: list(vshape), col: list(cshape)}, result=[n, n]))
    return out


def _column_of_labels_spread(F: Facts, x, sr) -> Finding | None:
    """`probs - target` with the target a column of class labels (n, 1) and the model's values (n, K): numpy
    repeats each sample's label across the K columns, so every column is compared with the label's number, not with
    a one-hot row. Raised only when, just before the statement's first loop observation, the subtracted operand is
    data (not computed from the parameters) of shape (n, 1) holding whole numbers, one of them 2 or more (a class
    index, not a 0/1 target), and the other operand is computed from the parameters with shape (n, K), K >= 2."""
    tree = parse_statement(x.statement)
    rows = np.nonzero(sr.step >= 0)[0]
    if tree is None or not len(rows):
        return None
    seq = int(sr.seq[rows[0]])
    known: dict[str, tuple] = {}
    by_name: dict[str, int] = {}
    for p in F.parents(x.id):
        ps = F.ser(p)
        j = ps.before_seq(seq) if ps is not None and len(ps) else None
        if j is not None and F.by_id[p].kind != "return":
            name = base_name(F.by_id[p].target)
            known[name], by_name[name] = shape_of(ps.shape[j]), p
    for node in ast.walk(tree):
        if not isinstance(node, ast.BinOp) or not isinstance(node.op, ast.Sub):
            continue
        left, right = _dotted(node.left), _dotted(node.right)
        if left not in known or right not in known:
            continue
        model, labels = known[left], known[right]
        if not (len(model) == 2 and model[1] >= 2 and labels == (model[0], 1) and model[0] >= 2):
            continue
        lp, mp = by_name[right], by_name[left]
        if lp in F.derived or lp in F.params or mp not in F.derived:
            continue
        v = F.values(lp)
        if v is None or not len(v[1]):
            continue
        vals = np.asarray(v[1][0], dtype=np.float64)
        if not (np.all(np.isfinite(vals)) and np.all(vals == np.round(vals)) and vals.max() >= 2):
            continue
        return _f("shape_broadcasting", "structure", "error",
                  f"`{strip_comment(x.statement.strip())}` (line {x.line}) subtracts {right} of shape {labels}, one class "
                  f"label per sample (whole numbers up to {vals.max():g}), from {left} of shape {model}: numpy repeats "
                  f"each label across the {model[1]} columns, so every column is compared with the label's number, "
                  f"not with a one-hot row.", int(sr.step[rows[0]]), int(sr.step[-1]), x.target, x.line,
                  shapes={left: list(model), right: list(labels)}, result=list(model), labels=True)
    return None


def _normalisations(F: Facts):
    """(site, axis text) for recorded statements dividing by a sum: `e / np.sum(e, axis=k)`, `e / e.sum(k)`."""
    for x in F.sites:
        if x.kind == "arg":
            continue
        tree = parse_statement(x.statement)
        if tree is None:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) and isinstance(node.right, ast.Call) \
                    and last(_dotted(node.right.func) or "") == "sum":
                yield x, ast.unparse(node)
                break


def _sample_count(F: Facts, shape: tuple) -> int | None:
    """The length of `shape`'s sample axis: the one axis it shares with the training inputs' shape (None if not one)."""
    i = F.inputs
    sr = F.ser(i) if i is not None else None
    if sr is None or not len(sr):
        return None
    dims = set(shape_of(sr.shape[0]))
    shared = [d for d in shape if d in dims]
    return shared[0] if len(shared) == 1 and len(set(shape)) == 2 else None


def normalisation_checks(F: Facts) -> list[dict]:
    """Each normalisation `e / sum(e, axis)` on a 2-D array in the loop: what its entries sum to in total
    (mean x size), against the sample count. Normalised over the class axis, every sample's entries sum to 1,
    so the total is the sample count; normalised over the samples, the total is the number of classes."""
    if "normalisation_checks" in F.memo:
        return F.memo["normalisation_checks"]
    out = []
    for x, text in _normalisations(F):
        sr = F.ser(x.id)
        if sr is None or not len(sr):
            continue
        m = np.nonzero((sr.step >= 0) & np.isfinite(sr[C.MEAN]) & (sr[C.N_NAN] + sr[C.N_POSINF] + sr[C.N_NEGINF] == 0))[0]
        if not len(m):
            continue
        shape = shape_of(sr.shape[m[-1]])
        if len(shape) != 2 or not np.all(sr[C.MIN][m] >= 0):
            continue
        # a square observation (a (10, 10) minibatch of ten samples over ten classes) sums to the same total
        # whichever axis was normalised: it says nothing of the axis
        m = m[np.array([len(set(shape_of(sr.shape[i]))) != 1 for i in m])]
        if not len(m):
            continue
        n = _sample_count(F, shape)
        totals = sr[C.MEAN][m] * sr[C.SIZE][m]
        other = shape[1] if n == shape[0] else shape[0]
        rec = dict(site=x, expression=text, shape=list(shape), samples=n, total=float(np.median(totals)),
                   steps=len(m), first_step=int(sr.step[m[0]]))
        if n is not None:
            per_sample = np.isclose(totals, n, rtol=1e-6)
            per_class = np.isclose(totals, other, rtol=1e-6)
            rec.update(fraction_over_samples=float(np.mean(per_class & ~per_sample)),
                       fraction_per_sample=float(np.mean(per_sample)), classes=other)
        out.append(rec)
    F.memo["normalisation_checks"] = out
    return out


@register
def normalised_over_samples(session) -> list[Finding]:
    """A normalisation (softmax) that makes each class sum to 1 over the samples instead of each sample's classes:
    the division by a sum broadcasts silently along the wrong axis."""
    F = facts(session)
    out = []
    for r in normalisation_checks(F):
        if r["samples"] is None or r["fraction_over_samples"] < 0.5:
            continue
        x = r["site"]
        out.append(_f("normalised_over_samples", "structure", "error",
                      f"`{r['expression']}` (line {x.line}) normalises a {tuple(r['shape'])} array over the "
                      f"{r['samples']} samples: its entries sum to {r['total']:.4g} in all, one per class, where one per "
                      f"sample ({r['samples']}) is a distribution for each sample; at {r['fraction_over_samples']:.0%} of "
                      f"{r['steps']} steps.", r["first_step"], None, base_name(x.target), x.line,
                      expression=r["expression"], shape=r["shape"], samples=r["samples"], classes=r["classes"],
                      total=r["total"], fraction_steps=r["fraction_over_samples"]))
    return out


# The range each derivative's argument must lie in: the output range of the activation it is written for.
RANGES = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}


def derivative_uses(F: Facts):
    """(site, name, kind, text) for each recorded statement computing `v*(1-v)` or `1 - v**2` of one name."""
    for x in F.sites:
        if x.kind == "arg":
            continue
        tree = parse_statement(x.statement)
        if tree is None:
            continue
        seen = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
                # The factors of the whole product: `d * a * (1 - a)` multiplies `d * a` by `(1 - a)`, and the
                # derivative's two factors need not be the two sides of one multiplication.
                factors = product_factors(node)
                names = {_dotted(f) for f in factors if _dotted(f)}
                for b in factors:
                    if isinstance(b, ast.BinOp) and isinstance(b.op, ast.Sub) and isinstance(b.left, ast.Constant) \
                            and b.left.value == 1 and _dotted(b.right) and _dotted(b.right) in names \
                            and _dotted(b.right) not in seen:
                        seen.add(_dotted(b.right))
                        name = _dotted(b.right)
                        pair = next((ast.unparse(node) for a in (node.left, node.right)
                                     if _dotted(a) == name and b in (node.left, node.right)), None)
                        yield x, name, "sigmoid", pair or f"{name} * (1 - {name})"
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub) and isinstance(node.left, ast.Constant) \
                    and node.left.value == 1 and isinstance(node.right, ast.BinOp) and isinstance(node.right.op, ast.Pow) \
                    and isinstance(node.right.right, ast.Constant) and node.right.right.value == 2 \
                    and _dotted(node.right.left):
                yield x, _dotted(node.right.left), "tanh", ast.unparse(node)


def product_factors(node: ast.AST) -> list[ast.AST]:
    """The factors of a chain of multiplications, left to right (`a * b * (1 - b)` gives a, b and 1 - b)."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        return product_factors(node.left) + product_factors(node.right)
    return [node]


def fed_values(F, x, name):
    """For each observation of site `x` in the loop: (step, seq, min, max, writer site, others) of `name` just
    before it. `others` holds the (min, max) of what each other writer of an attribute last wrote in the same step:
    an attribute written on several objects (`self.out` of each layer) was last written on any of them, so the
    last write before the statement need not be the one it reads."""
    xs = F.ser(x.id)
    writers = [w for w in F.resolve(name, x.function) if w != x.id and F.observed(w)]
    if xs is None or not len(xs) or not writers:
        return []
    attribute = "." in name
    out = []
    for i in np.nonzero(xs.step >= 0)[0]:
        found, earlier = [], []
        for w in writers:
            ws = F.ser(w)
            j = ws.before_seq(int(xs.seq[i]))
            if j is not None:
                found.append((int(ws.seq[j]), w, float(ws[C.MIN][j]), float(ws[C.MAX][j]), int(ws.step[j])))
                if attribute:
                    # One statement writing the attribute of each layer in turn (`self.out = ...` in a layer's
                    # forward): its earlier writes in the step are other objects' values the statement may read.
                    earlier += [(float(ws[C.MIN][k]), float(ws[C.MAX][k]))
                                for k in ws.rows_in_step(j - 1, int(xs.step[i]))]
        if not found:
            continue
        seq, w, lo, hi, _ = max(found)
        others = [(a, b) for q, v, a, b, step in found if attribute and v != w and step == int(xs.step[i])] + earlier
        if np.isfinite(lo) and np.isfinite(hi):
            out.append((int(xs.step[i]), seq, lo, hi, w, others))
    return out


def call_site_of(F, writer, seq, lo, hi):
    """(caller, expression text, caller's site) whose value, recorded just before `seq`, is exactly the argument's."""
    w = F.by_id[writer]
    if w.kind != "arg":
        return None
    for caller, expr in F.call_args(w.function, w.target[4:]):
        for r in expr_reads(expr):
            for s in F.resolve(r, caller.function):
                ss = F.ser(s)
                if ss is None or s == writer:
                    continue
                j = ss.before_seq(seq)
                if j is not None and float(ss[C.MIN][j]) == lo and float(ss[C.MAX][j]) == hi:
                    return caller, ast.unparse(expr), s
    return None



def _output_fed(F: Facts, who, kind: str, writer: int | None = None) -> str | None:
    """The other activation whose output a call site hands to a `kind` derivative (`a * (1 - a)` given a tanh's
    output): a derivative of the wrong activation, not one given the pre-activation. Without the call site (an
    argument read out of a cache, `act_grad(cache["a%d" % i])`), the argument's own values are matched to an
    activation's output earlier in the step. None when the value fed is no other activation's output, or its source
    was not found."""
    acts = {a.site: a.kind for a in F.activations if a.kind in RANGES and a.kind != kind}
    if not who:
        if writer in acts:
            return acts[writer]  # the value read inline is that activation's output itself (`out = np.tanh(...)`)
        return acts.get(F.value_source(writer, acts, same_step=True)) if writer is not None else None
    root = F.root_value(who[2])
    if root not in acts:
        root = F.value_source(root, acts)
    return acts.get(root)


def derivative_feeds(F: Facts, uses=None):
    """(derivative statements whose fed values were recorded, one record per (statement, call site)): how often
    that call site fed values outside the activation's output range. Computed once per session."""
    if "derivative_feeds" in F.memo and uses is None:
        return F.memo["derivative_feeds"]
    uses = list(derivative_uses(F)) if uses is None else uses
    measured = []
    found = []
    for x, name, kind, text in uses:
        evals = fed_values(F, x, name)
        if not evals:
            continue
        measured.append(x)
        lo_ok, hi_ok = RANGES[kind]
        # Judge each call site on its own: one function may be given the activation by one caller and
        # the pre-activation by another (or serve as the activation itself and as its derivative).
        groups: dict = {}
        for step, seq, lo, hi, w, others in evals:
            who = call_site_of(F, w, seq, lo, hi)
            key = (who[1], who[0].line) if who else (base_name(F.by_id[w].target), F.by_id[w].line)
            # Outside only when no other write it may have read was inside the range.
            outside = all(a < lo_ok - 1e-12 or b > hi_ok + 1e-12 for a, b in [(lo, hi), *others])
            groups.setdefault(key, {"who": who, "writer": w, "evals": []})["evals"].append((step, lo, hi, outside))
        for (expr, line), g in groups.items():
            ev = g["evals"]
            outside = [(s, lo, hi) for s, lo, hi, out in ev if out]
            found.append(dict(site=x, name=name, kind=kind, text=text, expr=expr, line=line, who=g["who"],
                              n=len(ev), frac=len(outside) / len(ev), lo=min(e[1] for e in ev),
                              hi=max(e[2] for e in ev), first=outside[0][0] if outside else None, range=(lo_ok, hi_ok),
                              fed_output_of=_output_fed(F, g["who"], kind, g["writer"])))
    F.memo["derivative_feeds"] = (measured, found)
    return measured, found


@register
def derivative_on_preactivation(session) -> list[Finding]:
    """`a*(1-a)` (sigmoid) or `1-a**2` (tanh) derivatives fed, at one call site, values outside the
    activation's range: that call gives them the pre-activation z instead of the activation a."""
    F = facts(session)
    out = []
    _, found = derivative_feeds(F)
    for f in found:
        if f["frac"] <= 0.5 or f["fed_output_of"]:
            continue
        x = f["site"]
        out.append(_f("derivative_on_preactivation", "structure", "error",
                      f"`{f['text']}` (line {x.line}) is the {f['kind']} derivative written in terms of the activation "
                      f"a, but " + (f"the call at line {f['line']} feeds it {f['expr']}" if f["who"] else
                                    f"it is given {f['expr']} (written at line {f['line']})")
                      + f", with values from {f['lo']:.3g} to "
                      f"{f['hi']:.3g}, outside [{f['range'][0]:g}, {f['range'][1]:g}] at {f['frac']:.0%} of "
                      f"{f['n']} evaluations.", f["first"], None, f["expr"], x.line, expression=f["text"],
                      fed=f["expr"], fed_min=f["lo"], fed_max=f["hi"], fraction_evaluations=f["frac"],
                      call_line=f["line"], statement=strip_comment(x.statement.strip())))
    return out


def _mutations(fn: ast.FunctionDef) -> list[tuple[str, int, str]]:
    """(parameter, line, text) for each in-place write to a parameter before it is rebound."""
    params = [a.arg for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs]
    params = [p for p in params if p not in ("self", "cls")]
    out = []
    rebound: set[str] = set()
    for stmt in ast.walk(fn):
        if not isinstance(stmt, ast.stmt):
            continue
        if isinstance(stmt, ast.Assign):
            for t in stmt.targets:
                if isinstance(t, ast.Name) and t.id in params:
                    rebound.add(t.id)
                if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) and t.value.id in params \
                        and t.value.id not in rebound:
                    out.append((t.value.id, stmt.lineno, ast.unparse(stmt)))
        elif isinstance(stmt, ast.AugAssign):
            t = stmt.target
            base = t.value if isinstance(t, ast.Subscript) else t
            if isinstance(base, ast.Name) and base.id in params and base.id not in rebound:
                out.append((base.id, stmt.lineno, ast.unparse(stmt)))
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            c = stmt.value
            if isinstance(c.func, ast.Attribute) and isinstance(c.func.value, ast.Name) \
                    and c.func.value.id in params and c.func.attr in _MUTATORS and c.func.value.id not in rebound:
                out.append((c.func.value.id, stmt.lineno, ast.unparse(stmt)))
            for kw in c.keywords:
                if kw.arg == "out" and isinstance(kw.value, ast.Name) and kw.value.id in params:
                    out.append((kw.value.id, stmt.lineno, ast.unparse(stmt)))
    out.sort(key=lambda t: t[1])
    return out


def _rebinds(F: Facts, caller, name: str) -> bool | None:
    """Whether the statement making the call assigns its result back to `name` (None: the line does not parse)."""
    text = strip_comment(F.line_text(caller.file, caller.line)).strip()
    tree = parse_statement(text)
    if tree is None or not tree.body:
        return None
    stmt = tree.body[0]
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(stmt, ast.AnnAssign) else []
    names = set()
    for t in targets:
        for node in ast.walk(t):
            d = _dotted(node) if isinstance(node, (ast.Name, ast.Attribute)) else None
            if d:
                names.add(d)
    return name in names


def _result_names(F: Facts, function: str) -> dict[str, int]:
    """Names the callers bind the result of `function` to, with the site that records each."""
    out = {}
    for y in F.sites:
        if y.kind in ("assign", "unpack") and any(last(c) == last(function) for c in y.calls):
            out[base_name(y.target)] = y.id
    return out


def argument_mutations(F: Facts) -> list[dict]:
    """Each function that writes into an argument in place, per parameter: what the callers pass, whether they
    rebind it to the result or pass a trained parameter, whether the array measurably changed and whether the
    caller sees the change (reads the name after the call, or keeps the function's result, the same array,
    under another name). Computed once per session."""
    if "argument_mutations" in F.memo:
        return F.memo["argument_mutations"]
    out = []
    for qual, fn in F.function_defs.items():
        muts = _mutations(fn)
        by_param: dict[str, list] = {}
        for p, line, text in muts:
            by_param.setdefault(p, []).append((line, text))
        for p, writes in by_param.items():
            callers = F.call_args(qual, p)
            if not callers:
                continue
            passed, rebound = [], []
            for caller, expr in callers:
                d = _dotted(expr)
                if d and d not in passed:
                    passed.append(d)
                if d and _rebinds(F, caller, d):
                    rebound.append(d)
            rec = {"function": qual, "parameter": p, "writes": writes, "passed": passed, "rebound": rebound,
                   "parameters_passed": [v for v in passed if base_name(v) in F.param_names or
                                         any(q.startswith(v + "[") or q.startswith(v + ".") for q in F.param_names)],
                   "changed": None, "evidence": {}, "reads_after": [], "result_alias": None}
            entry = [x for x in F.sites if x.function == qual and x.kind == "arg" and x.target == f"arg {p}"]
            after = [x for x in F.sites if x.function == qual and x.kind in ("setitem", "augassign", "update")
                     and base_name(x.target) == p]
            if entry and after and F.observed(entry[0].id) and F.observed(after[-1].id):
                se, sa = F.ser(entry[0].id), F.ser(after[-1].id)
                m = min(len(se), len(sa))
                if m:
                    diff = (se[C.MIN][:m] != sa[C.MIN][:m]) | (se[C.MAX][:m] != sa[C.MAX][:m]) | \
                           (se[C.MEAN][:m] != sa[C.MEAN][:m])
                    rec["changed"] = float(np.mean(diff))
                    k = int(np.argmax(diff)) if diff.any() else 0
                    rec["evidence"] = dict(fraction_calls_changed=rec["changed"], entry_min=float(se[C.MIN][k]),
                                           entry_max=float(se[C.MAX][k]), after_min=float(sa[C.MIN][k]),
                                           after_max=float(sa[C.MAX][k]), step=int(se.step[k]))
                    # The function returns the mutated array: the caller's result is that same array.
                    rets = [x for x in F.sites if x.function == qual and x.kind == "return" and F.observed(x.id)
                            and re.fullmatch(rf"return\s+{re.escape(p)}", strip_comment(x.statement.strip()))]
                    if rets:
                        for name, sid in _result_names(F, qual).items():
                            if name not in passed and F.observed(sid):
                                sr = F.ser(sid)
                                j = sr.at_step(rec["evidence"]["step"])
                                if j is not None and float(sr[C.MIN][j]) == rec["evidence"]["after_min"] and \
                                        float(sr[C.MAX][j]) == rec["evidence"]["after_max"]:
                                    rec["result_alias"] = name
                                    break
            rec["reads_after"] = _read_after_call(F, qual, passed)
            out.append(rec)
    F.memo["argument_mutations"] = out
    return out


def inplace_premises(rec: dict) -> tuple[bool | None, bool | None, bool | None]:
    """(the caller keeps its array, the array changed, the caller sees the change) for one argument mutation."""
    keeps = not rec["rebound"] and not rec["parameters_passed"] and bool(rec["passed"])
    changed = None if rec["changed"] is None else rec["changed"] > 0
    sees = bool(rec["reads_after"] or rec["result_alias"]) if changed is not None else None
    return keeps, changed, sees


@register
def inplace_mutation(session) -> list[Finding]:
    """A function that writes into an argument the caller still owns, and the caller sees its array changed:
    static analysis of the source plus the argument's values on entry and after the writes."""
    F = facts(session)
    out = []
    for rec in argument_mutations(F):
        keeps, changed, sees = inplace_premises(rec)
        if not (keeps and changed and sees):
            continue
        p, writes, passed, ev = rec["parameter"], rec["writes"], rec["passed"], dict(rec["evidence"])
        ev.update(function=rec["function"], parameter=p, lines=[w[0] for w in writes], passed=passed,
                  caller_reads_after=rec["reads_after"], result_alias=rec["result_alias"])
        who = " and ".join(f"`{v}`" for v in passed)
        nums = (f" On entry {p} ran from {ev['entry_min']:.3g} to {ev['entry_max']:.3g}; after line {writes[-1][0]} it "
                f"holds {ev['after_min']:.3g} to {ev['after_max']:.3g}.")
        later = (f" The caller reads {rec['reads_after'][0]} again afterwards and gets the overwritten values."
                 if rec["reads_after"] else
                 f" The caller keeps it next to the result {rec['result_alias']}, the same array.")
        out.append(_f("inplace_mutation", "structure", "error" if rec["reads_after"] else "warning",
                      f"{last(rec['function'])}() overwrites its argument {p} in place (`{writes[0][1]}`, line "
                      f"{writes[0][0]}); the caller passes {who}, so {who} is changed too.{nums}{later}",
                      ev.get("step"), None, passed[0], writes[0][0], **ev))
    return out


def _read_after_call(F: Facts, function: str, passed: list[str]) -> list[str]:
    """Names passed to `function` that the caller reads again after the call in the same step."""
    out = []
    order = F.first_step_order
    for y in F.sites:
        if not any(last(c) == last(function) for c in y.calls) or y.id not in order:
            continue
        pos = order.index(y.id)
        for v in passed:
            for z in order[pos + 1:]:
                zz = F.by_id[z]
                if zz.function == y.function and v in zz.reads and base_name(zz.target) != v:
                    out.append(v)
                    break
    return out
