"""The targets lie outside what the output activation can produce: a sigmoid asked for 2, or for scores up to 10."""

from __future__ import annotations

import re

import numpy as np

from ... import columns as C
from ...detectors.facts import array_root, base_name, strip_comment
from ...explain.fixes import advice, caller_assignment
from ...model import ChainLink, Fix
from ..rules import STRUCTURAL, Draft, RuleOutcome, cause_rule
from ._passes import site_words, target_site

RANGES = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0), "softmax": (0.0, 1.0)}


def output_activation(F, t):
    """The sigmoid/tanh/softmax whose values are compared with the targets: one value per target, or the output the
    program model pairs with the targets (a minibatch's output meets the rows `goal[idx]` picks, fewer than all)."""
    size = F.ser(t)[C.SIZE][0]
    per = _per_sample(F.ser(t).shape[0])
    acts = [a for a in F.activations if a.kind in RANGES and _within_range(F, a) and (
        F.ser(a.site)[C.SIZE][-1] == size or a.site == F.output and _per_sample(F.ser(a.site).shape[-1]) == per)]
    if F.output is not None:
        own = [a for a in acts if a.site == F.output]
        if own:
            return own[0]
        # The output unpacked from a call (`h, out = predict(x)`) holds the values the function's activation made.
        bounded = {a.site: a for a in F.activations if a.kind in RANGES and _within_range(F, a)}
        source = F.value_source(F.output, bounded)
        if source is not None:
            return bounded[source]
        if _within_bounds_nowhere(F, F.output):
            # The prediction the program model pairs with the targets is no activation's and leaves every bounded
            # range: another activation of the same size (a recurrent gate, a hidden layer) is not what meets them.
            return None
    combine = F.loss_side[2]
    if F.output is None and combine is not None and F.loss_side[1] == t:
        # The prediction read from a list of each layer's output where it meets the targets (`acts[-1] - target`,
        # with `acts.append(np.tanh(...))`): the activation that list is filled with, one value per target at one
        # of its writes (the last layer's).
        read = {base_name(r) for r in F.by_id[combine].reads}
        filled = [a for a in F.activations if a.kind in RANGES and _within_range(F, a)
                  and F.by_id[a.site].kind == "append" and base_name(F.by_id[a.site].target) in read
                  and size in set(F.ser(a.site)[C.SIZE].astype(int).tolist())]
        if filled:
            return filled[0]
    return max(acts, key=lambda a: len(F.ser(a.site)), default=None)


def _recorded_range(F, sid: int) -> tuple[float, float]:
    """The least and largest value recorded at a site over the run (NaN when none was)."""
    sr = F.ser(sid)
    with np.errstate(all="ignore"):
        return float(np.nanmin(sr[C.MIN].astype(float))), float(np.nanmax(sr[C.MAX].astype(float)))


def _within_bounds_nowhere(F, sid: int) -> bool:
    """Whether a value's recorded range leaves [-1, 1]: no sigmoid, tanh or softmax could have made it."""
    sr = F.ser(sid)
    if sr is None or not len(sr):
        return False
    low, high = _recorded_range(F, sid)
    return bool(np.isfinite(low) and low < -1.0 or np.isfinite(high) and high > 1.0)


def _within_range(F, a) -> bool:
    """Whether every value recorded at the activation's site lies in its range: a statement that only calls the
    function (`err * sigmoid(z)`, a derivative in the backward pass) records values outside it and is no output."""
    lo, hi = RANGES[a.kind]
    low, high = _recorded_range(F, a.site)
    return not (np.isfinite(low) and low < lo) and not (np.isfinite(high) and high > hi)


def _per_sample(shape_text) -> int:
    """How many values a row holds: 1 for (n,) and (n, 1), k for (n, k) (class indices vs. k probabilities differ)."""
    import re

    dims = [int(d) for d in re.findall(r"\d+", str(shape_text))]
    return int(np.prod(dims[1:])) if len(dims) > 1 else 1


def _picked_from(F, t: int, t_min: float, t_max: float):
    """The data array a per-step target is picked from: the array read by its statement whose recorded values span
    the picks' range most tightly; None when none spans it."""
    spans = []
    for p in F.parents(t):
        sr = F.ser(p)
        if p not in F.data_like or p in F.input_roots or sr is None or not len(sr) or sr[C.SIZE][0] <= 1:
            continue
        p_min, p_max = float(sr[C.MIN][-1]), float(sr[C.MAX][-1])
        if p_min <= t_min and p_max >= t_max:
            spans.append((p_max - p_min, sr.seq[-1], p))
    return F.by_id[min(spans)[2]] if spans else None


def _integer(dtype_text: str) -> bool:
    try:
        return np.dtype(dtype_text).kind in "iu"
    except TypeError:
        return False


def _indexes_with(F, name: str) -> tuple[str, int] | None:
    """(text, line) of a subscript that indexes another array with `name` (`probs[labels, np.arange(n)]`,
    `Y[np.arange(n), y] = 1`); None when the sources hold none."""
    import ast

    for tree in F.trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.Subscript) and array_root(node.value) != name:
                parts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
                if any(isinstance(e, ast.Name) and e.id == name for e in parts):
                    return ast.unparse(node), node.lineno
    return None


def _conditional(statement: str) -> bool:
    """Whether a statement holds a conditional expression (`a if c else b`)."""
    import ast

    try:
        return any(isinstance(n, ast.IfExp) for n in ast.walk(ast.parse(strip_comment(statement.strip()))))
    except SyntaxError:
        return False


@cause_rule(
    "targets_outside_activation_range",
    "The targets lie outside the output activation's range",
    premises=(
        ("targets_measured", "the training targets were recorded"),
        ("bounded_output", "the prediction compared with them comes out of a sigmoid, tanh or softmax"),
        ("targets_are_values", "the targets are values the output is asked to reach, not integer class indices "
                               "a statement picks the output's entries with (`probs[labels, np.arange(n)]`)"),
        ("targets_outside", "targets lie outside the range that activation can produce"),
    ),
    thresholds={"targets_outside_fraction": 0.01},
)
def rule(ctx) -> RuleOutcome:
    """Some targets sit beyond the bounds of the output activation: it can never reach them."""
    F = ctx.facts
    out = RuleOutcome()
    t = target_site(F)
    if not out.check("targets_measured", t is not None or None,
                     f"targets {base_name(F.by_id[t].target)} (line {F.by_id[t].line})" if t is not None
                     else "no training targets were recorded"):
        return out
    a = output_activation(F, t)
    # An activation named in the code but applied on one branch only (`np.tanh(z) if i < last else z`) may not
    # be what the output passes through: that is not measured, so the premise is left unchecked.
    branchy = a is not None and a.how == "code" and any(
        _conditional(F.by_id[s].statement) for s in [a.site] + F.parents(a.site) if s in F.by_id)
    if not out.check("bounded_output", None if branchy else a is not None,
                     f"{site_words(F, a.site)} (line {F.by_id[a.site].line}) applies a {a.kind} on one branch of a "
                     f"conditional only" if branchy else
                     f"{site_words(F, a.site)} (line {F.by_id[a.site].line}) is a {a.kind}" if a is not None else
                     "no sigmoid, tanh or softmax output has one value per target"):
        return out
    tname = base_name(F.by_id[t].target)
    picks = _indexes_with(F, tname) if _integer(F.dtype_of(t)) else None
    if not out.check("targets_are_values", picks is None,
                     f"{tname} holds integers that `{picks[0]}` (line {picks[1]}) picks entries with: class indices"
                     if picks else f"{tname} is not used as integer indices"):
        return out
    lo, hi = RANGES[a.kind]
    st = F.ser(t)
    t_min, t_max = float(st[C.MIN][0]), float(st[C.MAX][0])
    v = F.values(t)
    frac = None
    entry = F.entry_of_data(t)
    if entry:
        # One target per step, picked from the data (`t = stars[i]`): its range is over every step's pick.
        with np.errstate(all="ignore"):
            t_min, t_max = float(np.nanmin(st[C.MIN].astype(float))), float(np.nanmax(st[C.MAX].astype(float)))
            picked = st[C.MIN].astype(float)
            picked = picked[np.isfinite(picked)]
        frac = float(np.mean((picked < lo) | (picked > hi))) if len(picked) else None
    elif v is not None:
        vals = v[1][0]
        vals = vals[np.isfinite(vals)]
        frac = float(np.mean((vals < lo) | (vals > hi))) if len(vals) else None
    outside = (t_min < lo or t_max > hi) and (frac is None or frac >= ctx.threshold("targets_outside_fraction"))
    share = f" ({frac:.0%} of them)" if frac is not None else ""
    if not out.check("targets_outside", bool(outside),
                     f"{tname} runs from {t_min:.4g} to {t_max:.4g}{share if outside else ''}; a {a.kind} gives "
                     f"({lo:g}, {hi:g})", target_min=t_min, target_max=t_max, fraction_outside=frac):
        return out
    sa = F.ser(a.site)
    p_min, p_max = float(np.nanmin(sa[C.MIN])), float(np.nanmax(sa[C.MAX]))
    summary = (f"The targets lie outside the output's range: {tname} runs from {t_min:.4g} to {t_max:.4g}{share}, but "
               f"the prediction {site_words(F, a.site)} (line {F.by_id[a.site].line}) is a {a.kind}, which stays in "
               f"({lo:g}, {hi:g}); over training it reached {p_min:.4g} to {p_max:.4g}.")
    ev = {"activation": a.kind, "target_min": t_min, "target_max": t_max, "fraction_outside": frac,
          "prediction_min": p_min, "prediction_max": p_max}
    x = F.by_id[t]
    if entry:  # scaled where the array it is picked from is made
        x = _picked_from(F, t, t_min, t_max) or x
    if x.kind == "arg":
        # Targets passed into the training function: scaled where the caller makes them.
        made = sorted((p for p in F.parents(t) if F.observed(p)), key=lambda p: F.ser(p).seq[0])
        x = F.by_id[made[0]] if made else x
    line = strip_comment(x.statement.strip().splitlines()[0]) if x.statement.strip() else ""
    # A whole rebinding of the name (`stars = np.clip(stars, 1, 5)`) is an assignment too; `stars *= 2` is not.
    where, assigned = x.line, x.kind == "assign" or (x.kind == "update" and re.match(r"\s*[\w.]+\s*=[^=]", line))
    if x.kind == "arg":
        found = caller_assignment(F, x.id)
        if found is not None:
            where, line, assigned = found[1], strip_comment(F.line_text(found[0], found[1])).strip(), True
    fixes = []
    if line and "=" in line and assigned:
        lhs, rhs = line.split("=", 1)
        if t_min >= lo and a.kind != "tanh":
            # Divided by the largest target rounded up (3 digits), so none lands above 1 by a rounding.
            top = float(f"{t_max:.3g}")
            top = top if top >= t_max else float(f"{t_max * (1 + 1e-3):.3g}")
            # Targets that all lie above the range (class ids 1 and 2) are shifted to start at 0 first.
            new = f"{lhs}= ({rhs.strip()}) / {top:g}" if t_min < hi else \
                f"{lhs}= ({rhs.strip()} - {t_min:g}) / {t_max - t_min:g}"
            fixes.append(Fix(f"Scale {tname} into ({lo:g}, {hi:g})", where, line, new,
                             f"A {a.kind} cannot output {t_max:g}; rescale the targets (and scale the predictions back) "
                             f"or use a linear output for unbounded targets."))
    if not fixes:
        fixes.append(advice(f"map {tname} into ({lo:g}, {hi:g}) or use an output activation whose range holds it",
                            f"A {a.kind} output cannot reach {t_max:g}."))
    chain = [ChainLink(summary, None, tname, x.line, ev)]
    out.drafts.append(Draft("targets_outside_activation_range", STRUCTURAL, summary, chain, fixes, [], ev))
    return out
