"""Structure and data detectors: missing bias, dead or frozen units, inputs, dtypes, shapes,
derivatives fed the wrong values, and functions that mutate their arguments."""

from __future__ import annotations

import ast
import re

import numpy as np

from .. import columns as C
from ..model import Finding
from . import Limits, register
from .evaluate import value_at
from .facts import Facts, _dotted, activation_of, base_name, facts, last, strip_comment
from .numerics import _f

# Unnormalized inputs: where the inputs meet the weights, a feature whose mean or spread (sqrt(mean^2 +
# std^2)) is above 10 (DESIGN.md §4: "feature scales >> 1"); standardized features sit near 1, 0-1 data below.
INPUT_SCALE = 10.0
# Kept as a configurable name for existing configs; the scale above is what is judged now.
INPUT_SPREAD = 100.0
# A unit is dead when it is exactly zero for every sample over the last 10% of the steps; a site
# whose value never changes over the loop is frozen (exactly equal stats at every step).
DEAD_TAIL = 0.1
# Derivative formulas of activations and the range their argument must lie in.
BIAS_NAME = re.compile(r"^(b|bias|biases|b\d+|b_\w+|\w*_b|\w*bias\w*|beta|intercept|theta0|w0|b[A-Z]\w*)$", re.IGNORECASE)
_MUTATORS = ("fill", "sort", "resize", "put", "itemset", "clip", "partition", "setfield")
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
                    d = _dotted(side)
                    if d and d in F.param_names and d not in out:
                        out.append(d)
            if isinstance(node, ast.Call) and last(ast.unparse(node.func)) == "add":
                for a in node.args:
                    d = _dotted(a)
                    if d and d in F.param_names and d not in out:
                        out.append(d)
    return out


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
    act = activation_of(F, o) if o is not None else None
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


@register
def dead_units(session) -> list[Finding]:
    """Hidden units exactly zero for every sample (dead ReLUs), and outputs that never change."""
    F = facts(session)
    out = []
    for x in F.sites:
        if x.id not in F.forward_sites or x.kind == "arg" or x.id == F.output:
            continue
        sr = F.ser(x.id)
        if sr is None:
            continue
        loop = np.nonzero(sr.step >= 0)[0]
        if len(loop) < 10:
            continue
        tail = loop[-max(1, int(len(loop) * DEAD_TAIL)):]
        lo = np.nanmin(sr[C.MIN][loop]) if np.isfinite(sr[C.MIN][loop]).any() else np.nan
        if not (lo >= 0):
            continue  # dead units are a ReLU thing: values that are never negative
        if not any(re.search(r"(relu|maximum|max\(|> ?0)", F.by_id[p].statement + " ".join(F.by_id[p].calls), re.I)
                   for p in [x.id] + F.parents(x.id)):
            continue
        v = F.values(x.id)
        if v is not None and len(v[2]) == 2:
            steps, data, shape = v
            m = steps >= 0
            if m.sum() < 10:
                continue
            rows = data[m].reshape(int(m.sum()), *shape)
            k = max(1, int(len(rows) * DEAD_TAIL))
            dead = np.all(rows[-k:] == 0, axis=(0, 1))
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
                frac = 0.0
        if frac >= 0.5:
            n = int(dead.sum()) if dead is not None else None
            sev = "error" if frac >= 0.999 else "warning"
            out.append(_f("dead_units", "structure", sev,
                          f"{x.target}: {f'{n} of {len(dead)} units are' if n is not None else 'all units are'} exactly "
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
        if bad.any() and sr.step[bad][0] < 0:
            i = int(np.argmax(bad))
            n_nan, n_inf = int(sr[C.N_NAN][i]), int(sr[C.N_POSINF][i] + sr[C.N_NEGINF][i])
            out.append(_f("nonfinite_in_data", "data", "error",
                          f"The data {x.target} (line {x.line}) already holds {n_nan} NaN and {n_inf} inf values "
                          f"before training: every result computed from them is NaN.", int(sr.step[i]), int(sr.step[i]),
                          x.target, x.line, n_nan=n_nan, n_inf=n_inf))
            break
    return out


@register
def integer_dtype(session) -> list[Finding]:
    """Parameters or computed values stored in an integer dtype: fractional updates are truncated."""
    F = facts(session)
    out = []
    named = set()
    for u in F.updates:
        sr = F.ser(u)
        name = base_name(F.by_id[u].target)
        if sr is None or not len(sr) or name in named:
            continue
        named.add(name)
        dt = str(sr.dtype[-1])
        try:
            kind = np.dtype(dt).kind
        except TypeError:
            continue
        if kind in "iub":
            m = sr.step >= 0
            zero = float(np.mean(sr[C.UPDATE_L2][m] == 0)) if m.any() else float("nan")
            out.append(_f("integer_dtype_truncation", "structure", "error",
                          f"{name} is an integer array ({dt}): every update is truncated to whole numbers "
                          f"({zero:.0%} of the updates changed nothing).", None, None, name, F.by_id[u].line,
                          dtype=dt, frac_updates_zero=zero))
    # integer values written into by float computations in the loop
    for x in F.sites:
        if x.kind not in ("setitem", "augassign") or x.phase not in ("forward", "backward", "loss", "update"):
            continue
        sr = F.ser(x.id)
        if sr is None or not len(sr):
            continue
        try:
            kind = np.dtype(str(sr.dtype[-1])).kind
        except TypeError:
            continue
        if kind in "iu" and base_name(x.target) not in named and \
                re.search(r"(/|\*\s*0?\.\d|exp|log|sqrt|lr|rate|alpha)", x.statement):
            named.add(base_name(x.target))
            out.append(_f("integer_dtype_truncation", "structure", "error",
                          f"`{strip_comment(x.statement.strip())}` (line {x.line}) writes fractional values into an "
                          f"integer array ({sr.dtype[-1]}): they are truncated.", None, None, base_name(x.target), x.line,
                          dtype=str(sr.dtype[-1])))
    return out


def _shape(text) -> tuple:
    return tuple(int(v) for v in re.findall(r"\d+", str(text)))


@register
def broadcast_shapes(session) -> list[Finding]:
    """(n,) against (n,1) broadcasting to (n,n): a value that should hold one number per sample
    holds one per pair of samples."""
    F = facts(session)
    out = []
    for x in F.sites:
        if x.phase not in ("forward", "loss", "backward") or x.kind == "arg":
            continue
        sr = F.ser(x.id)
        if sr is None or not len(sr):
            continue
        square = [k for k, text in sr.shape.unique_first() if len(_shape(text)) == 2 and _shape(text)[0] == _shape(text)[1]
                  and _shape(text)[0] >= 2]
        if not square:
            continue
        k0 = square[0]
        n = _shape(sr.shape[k0])[0]
        pshapes = {}
        for p in F.parents(x.id):
            ps = F.ser(p)
            if ps is None or not len(ps):
                continue
            # the operand as it was just before this observation
            j = ps.before_seq(int(sr.seq[k0]))
            if j is not None:
                pshapes[base_name(F.by_id[p].target)] = _shape(ps.shape[j])
        vec = [k for k, s in pshapes.items() if s == (n,)]
        col = [k for k, s in pshapes.items() if s == (n, 1) or s == (1, n)]
        if vec and col:
            out.append(_f("shape_broadcasting", "structure", "error",
                          f"`{strip_comment(x.statement.strip())}` (line {x.line}) combines {vec[0]} of shape ({n},) with "
                          f"{col[0]} of shape {pshapes[col[0]]}: numpy broadcasts them to ({n}, {n}), one value per "
                          f"pair of samples instead of one per sample.", int(sr.step[k0]), int(sr.step[-1]), x.target,
                          x.line, shapes={k: list(v) for k, v in pshapes.items()}, result=[n, n]))
    return out


def _derivative_uses(F: Facts):
    """(site, name, kind, node text) for statements computing `v*(1-v)` or `1 - v**2` of a name."""
    for x in F.sites:
        if x.kind == "arg":
            continue
        try:
            tree = ast.parse(strip_comment(x.statement.strip()))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
                for a, b in ((node.left, node.right), (node.right, node.left)):
                    if isinstance(b, ast.BinOp) and isinstance(b.op, ast.Sub) and isinstance(b.left, ast.Constant) \
                            and b.left.value == 1 and _dotted(b.right) and _dotted(b.right) == _dotted(a):
                        yield x, _dotted(a), "sigmoid", ast.unparse(node)
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub) and isinstance(node.left, ast.Constant) \
                    and node.left.value == 1 and isinstance(node.right, ast.BinOp) and isinstance(node.right.op, ast.Pow) \
                    and isinstance(node.right.right, ast.Constant) and node.right.right.value == 2 and _dotted(node.right.left):
                yield x, _dotted(node.right.left), "tanh", ast.unparse(node)


@register
def derivative_on_preactivation(session) -> list[Finding]:
    """`a*(1-a)` (sigmoid) or `1-a**2` (tanh) derivatives fed values outside the activation's range:
    they were given the pre-activation z instead of the activation a."""
    F = facts(session)
    out = []
    seen = set()
    for x, name, kind, text in _derivative_uses(F):
        lo_ok, hi_ok = (0.0, 1.0) if kind == "sigmoid" else (-1.0, 1.0)
        for w in F.resolve(name, x.function):
            sr = F.ser(w)
            if sr is None or not len(sr):
                continue
            root = F.root_value(w)
            m = (sr.step >= 0) & np.isfinite(sr[C.MIN]) & np.isfinite(sr[C.MAX])
            if m.sum() == 0 or root in seen:
                continue
            outside = (sr[C.MIN][m] < lo_ok - 1e-12) | (sr[C.MAX][m] > hi_ok + 1e-12)
            frac = float(outside.mean())
            if frac > 0.5:
                seen.add(root)
                src = F.by_id[root].target
                lo, hi = float(np.min(sr[C.MIN][m])), float(np.max(sr[C.MAX][m]))
                out.append(_f("derivative_on_preactivation", "structure", "error",
                              f"`{text}` (line {x.line}) is the {kind} derivative written in terms of the activation "
                              f"a, but it is fed {src}, with values from {lo:.3g} to {hi:.3g}, outside "
                              f"[{lo_ok:g}, {hi_ok:g}]: it was given the pre-activation.", int(sr.step[m][0]), None,
                              src, x.line, expression=text, fed=src, fed_min=lo, fed_max=hi, fraction_steps=frac,
                              statement=strip_comment(x.statement.strip())))
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


@register
def inplace_mutation(session) -> list[Finding]:
    """A function that writes into an argument the caller still owns: the caller's array changes
    behind its back. Static analysis of the source plus the argument's values on entry and after."""
    F = facts(session)
    out = []
    for qual, fn in F.function_defs.items():
        muts = _mutations(fn)
        if not muts:
            continue
        by_param: dict[str, list] = {}
        for p, line, text in muts:
            by_param.setdefault(p, []).append((line, text))
        for p, writes in by_param.items():
            callers = F.call_args(qual, p)
            passed = []
            for caller, expr in callers:
                d = _dotted(expr)
                if d and d not in passed:
                    passed.append(d)
            if not callers:
                continue  # never called while traced
            if any(base_name(v) in F.param_names for v in passed):
                continue  # an update function that changes the parameters in place does so on purpose
            ev = {"function": qual, "parameter": p, "lines": [w[0] for w in writes], "passed": passed}
            # Runtime evidence: the argument on entry against the same array after the writes.
            entry = [x for x in F.sites if x.function == qual and x.kind == "arg" and x.target == f"arg {p}"]
            after = [x for x in F.sites if x.function == qual and x.kind in ("setitem", "augassign", "update")
                     and base_name(x.target) == p]
            changed = None
            if entry and after and F.observed(entry[0].id) and F.observed(after[-1].id):
                se, sa = F.ser(entry[0].id), F.ser(after[-1].id)
                m = min(len(se), len(sa))
                if m:
                    diff = (se[C.MIN][:m] != sa[C.MIN][:m]) | (se[C.MAX][:m] != sa[C.MAX][:m]) | (se[C.MEAN][:m] != sa[C.MEAN][:m])
                    changed = float(np.mean(diff))
                    k = int(np.argmax(diff)) if diff.any() else 0
                    ev.update(fraction_calls_changed=changed, entry_min=float(se[C.MIN][k]), entry_max=float(se[C.MAX][k]),
                              after_min=float(sa[C.MIN][k]), after_max=float(sa[C.MAX][k]), step=int(se.step[k]))
            if changed == 0.0:
                continue
            used_after = _read_after_call(F, qual, passed)
            ev["caller_reads_after"] = used_after
            short = last(qual)
            who = " and ".join(f"`{v}`" for v in passed) or "its argument"
            nums = ""
            if "entry_min" in ev:
                nums = (f" On entry {p} ran from {ev['entry_min']:.3g} to {ev['entry_max']:.3g}; after line "
                        f"{writes[-1][0]} it holds {ev['after_min']:.3g} to {ev['after_max']:.3g}.")
            later = f" The caller reads {used_after[0]} again afterwards and gets the overwritten values." if used_after else \
                " Nothing reads it afterwards yet, so the damage is latent: any later use of it is wrong."
            out.append(_f("inplace_mutation", "structure", "error" if used_after else "warning",
                          f"{short}() overwrites its argument {p} in place (`{writes[0][1]}`, line {writes[0][0]}); the "
                          f"caller passes {who}, so {who} is changed too.{nums}{later}",
                          ev.get("step"), None, passed[0] if passed else p, writes[0][0], **ev))
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
