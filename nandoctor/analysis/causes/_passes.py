"""Measurements the initialisation and stall rules share: one forward pass, the data, the loss, the updates."""

from __future__ import annotations

import ast
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from ... import columns as C
from ...detectors.facts import _TARGET_HINT, _dotted, base_name, last, parse_statement
from ...detectors.structure import shape_of

_LOSS_NAME = re.compile(r"(loss|cost|error|objective|nll|mse|xent|J$)", re.IGNORECASE)
_SQUASH = re.compile(r"(tanh|sigmoid|logistic|expit|exp\(\s*-|\bsigm?\b)", re.IGNORECASE)


def loop_rows(F, sid: int) -> np.ndarray:
    """Row indices of a site's observations inside the training loop (all rows when no loop was found)."""
    sr = F.ser(sid)
    if sr is None or not len(sr):
        return np.zeros(0, dtype=int)
    inside = np.nonzero(sr.step >= 0)[0]
    # With a training loop, a statement that never ran in it (data made in a loop of its own before training) has
    # no rows there; only a script with no training loop at all is read whole.
    trained = getattr(F.s.plan, "training_loop", None) is not None
    return inside if len(inside) or trained else np.arange(len(sr))


@dataclass(frozen=True)
class Pass:
    """One forward pass: the rows recorded between two starts of the same once-per-step statement."""

    rows: tuple  # ((seq, site id, row index), ...) in seq order
    first_seq: int
    end_seq: int


def _pace_site(F) -> int | None:
    """The statement recorded exactly once per training step that starts a step earliest."""
    counts = {x.id: len(loop_rows(F, x.id)) for x in F.sites if F.observed(x.id)}
    counts = {k: v for k, v in counts.items() if v >= 2}
    if not counts:
        return None
    # The smallest count two statements share: once per step. A statement under `if i % 100 == 0` runs
    # far fewer times than there are steps, so counts below half the steps do not set the pace.
    floor = F.n_steps / 2 if F.n_steps > 2 else 2
    shared = Counter(v for v in counts.values() if v >= floor)
    if not shared:
        return None
    twice = [n for n, c in shared.items() if c >= 2]
    pace = min(twice) if twice else min(shared)
    once = [k for k, v in counts.items() if v == pace]
    return min(once, key=lambda k: F.ser(k).seq[loop_rows(F, k)[0]])


def forward_pass(F, which: str = "first") -> Pass | None:
    """The rows of the first (or last) training pass, up to the statement that first reads the targets.

    Before that statement everything recorded is computed from the inputs and the parameters: the
    forward pass, whatever the roles the program model could assign."""
    memo = F.memo.setdefault("init_passes", {})
    if which in memo:
        return memo[which]
    pace = _pace_site(F)
    out = None
    if pace is not None:
        ps = F.ser(pace)
        pr = loop_rows(F, pace)
        # When the training loop was found, a step is a pass; otherwise a pass runs from one start of the
        # once-per-step statement to the next.
        by_step = len(pr) <= 1.5 * F.n_steps and (ps.step[pr] >= 0).all()
        if by_step:
            step = int(ps.step[pr[0]]) if which == "first" else int(ps.step[pr[-1]])
        elif which == "first":
            lo, hi = int(ps.seq[pr[0]]), int(ps.seq[pr[1]])
        else:
            lo, hi = int(ps.seq[pr[-1]]), np.iinfo(np.int64).max
        rows = []
        for x in F.sites:
            sr = F.ser(x.id)
            if sr is None or not len(sr):
                continue
            if by_step:
                idx = np.nonzero(sr.step == step)[0]
            else:
                idx = np.nonzero((sr.seq >= lo) & (sr.seq < hi))[0]
            rows.extend((int(sr.seq[i]), x.id, int(i)) for i in idx)
        rows.sort()
        lo = rows[0][0] if rows else 0
        hi = rows[-1][0] if rows else 0
        names = target_names(F)
        # A function receiving the targets (`train_step(X, y)`) may still run the forward pass first: the
        # targets arriving as an argument are left out, and the pass ends where a statement reads them.
        rows = [r for r in rows if not (F.by_id[r[1]].kind == "arg" and base_name(F.by_id[r[1]].target) in names)]
        cut = len(rows)
        for k, (_, sid, _) in enumerate(rows):
            x = F.by_id[sid]
            if x.kind != "arg" and any(base_name(r) in names or last(r) in names for r in x.reads):
                cut = k
                break
        cut = _before_first_update(F, rows, cut)
        out = Pass(tuple(rows[:cut]), lo, hi)
    memo[which] = out
    return out


def _before_first_update(F, rows, cut: int) -> int:
    """`cut`, or the position of the pass's first parameter update (or optimizer state write) when it comes earlier:
    the values written after an update (a loss evaluated after the step, under a name the targets reach by another name) are the next
    weights' doing, not the pass's. Updates before any statement reads what they step (a step from the gradient of
    the step before, a Nesterov look-ahead `w -= mom * v` before the forward) leave it as it is."""
    # Optimizer state and gradient accumulators are written by the update step as well (`vel = beta * vel - lr * g`).
    updates = set(F.updates) | {sid for sid, role in F.update_roles.items()
                                if role.startswith(("optimizer state", "gradient accumulator"))}
    stepped = {base_name(F.by_id[sid].target) for sid in updates if sid in F.by_id}
    opened = False
    for k, (_, sid, _) in enumerate(rows[:cut]):
        x = F.by_id[sid]
        if sid in updates:
            if opened:
                return k
        elif x.kind != "arg" and any(base_name(r) in stepped for r in x.reads):
            # the pass has begun once a statement reads what the updates step (an index drawn before does not)
            opened = True
    return cut


def target_site(F) -> int | None:
    """The training targets as last written before the loop: the program model's, else data recorded before the
    loop named like targets."""
    t = _target_site(F)
    return None if t is None else last_before_loop(F, t)


def last_before_loop(F, sid: int) -> int:
    """The last write before the loop of the name a data site writes: `X = (X - X.mean(0)) / X.std(0)` (or
    `Y = np.tanh(Y)`) rebinds the name, and the last version before the loop is what trains."""
    x = F.by_id[sid]
    later = [w for w in F.resolve(base_name(x.target), x.function)
             if F.observed(w) and F.ser(w).step[0] < 0 and F.ser(w).seq[0] > F.ser(sid).seq[0]]
    return max(later, key=lambda w: F.ser(w).seq[0]) if later else sid


def _target_site(F) -> int | None:
    named = None
    for sid in F.data_sites:
        x = F.by_id[sid]
        if x.kind != "arg" and _TARGET_HINT.match(last(base_name(x.target))) and F.ser(sid).step[0] < 0:
            named = sid
            break
    if F.target is not None and (named is None or _TARGET_HINT.match(last(base_name(F.by_id[F.target].target)))):
        return F.target
    # A name alone does not make data the targets: the array the loss compares the output with wins unless the
    # named one has as many rows (a label vector beside it), e.g. `truth` of shape (3,) is a coefficient vector.
    if F.target is not None and named is not None and F.observed(F.target):
        rows = shape_of(F.ser(F.target).shape[0])[:1]
        if rows != shape_of(F.ser(named).shape[0])[:1]:
            return F.target
    return named


def input_site(F) -> int | None:
    """The training inputs as last written before the loop (the program model's, else data not named like targets)."""
    cand = F.inputs
    if cand is None:
        t = target_site(F)
        found = [sid for sid in F.data_sites if sid != t and F.by_id[sid].kind != "arg" and F.ser(sid).step[0] < 0
                 and not _TARGET_HINT.match(last(base_name(F.by_id[sid].target)))]
        # a table of floats before a vector of labels
        found.sort(key=lambda sid: (len(shape_of(F.ser(sid).shape[0])) != 2, "f" not in str(F.ser(sid).dtype[0])))
        cand = found[0] if found else None
    return None if cand is None else last_before_loop(F, cand)


def target_names(F) -> set[str]:
    t = target_site(F)
    names = {base_name(F.by_id[t].target)} if t is not None else set()
    # the targets under the names a function receives them by, also handed on from function to function
    # (`model.step(X, labels)` passing them on to `self.grads(rows, idx)`)
    for _ in range(3):
        before = len(names)
        for x in F.sites:
            if x.kind == "arg" and t is not None and x.target[4:] not in names:
                for caller, expr in F.call_args(x.function, x.target[4:]):
                    if any(base_name(r) in names for r in _reads(expr)):
                        names.add(x.target[4:])
        if len(names) == before:
            break
    return names


def _reads(node) -> list[str]:
    from ...detectors.facts import expr_reads

    return expr_reads(node)


def spread(F, sid: int, row: int) -> float:
    """The standard deviation of a site's value at one observation (NaN when not measured)."""
    return float(F.ser(sid)[C.STD][row])


def is_squashing(F, sid: int) -> bool:
    """A sigmoid or tanh output: named so by the program model, or written as one in the code."""
    if any(a.site == sid and a.kind in ("sigmoid", "tanh") for a in F.activations):
        return True
    x = F.by_id[sid]
    text = x.statement if x.kind != "arg" else ""
    if x.kind == "return":
        text += " " + x.function
    return bool(_SQUASH.search(text + " " + " ".join(x.calls)))


def loss_values(F) -> tuple[int, np.ndarray] | None:
    """(site, values in order) of a scalar loss recorded in the loop, named like a loss."""
    best = None
    for x in F.sites:
        sr = F.ser(x.id)
        if sr is None or x.kind == "arg" or not _LOSS_NAME.search(last(base_name(x.target)) if x.kind != "return"
                                                                   else last(x.function)):
            continue
        rows = loop_rows(F, x.id)
        if len(rows) < 3 or np.nanmax(sr[C.SIZE][rows]) > 1:
            continue
        if x.kind in ("augassign", "update") or base_name(x.target) in x.reads:
            continue  # a running total (`reg_loss += np.sum(w * w)` over the weights) is not the loss
        if np.all(sr[C.MEAN][rows] == sr[C.MEAN][rows][0]):
            continue  # one value at every step (`loss = 0.0` before the sum): nothing measured
        if best is None or len(rows) > best[0]:
            best = (len(rows), x.id, sr[C.MEAN][rows])
    if best is None:
        # No site named like a loss: the scalar the detectors take as the loss (where the predictions meet the
        # targets, or computed in the loss phase: `return -np.mean(t * np.log(p) ...)` of a function `bce`).
        from ...detectors.optimisation import _loss_site

        found = _loss_site(F, F.sites)
        if found is not None:
            rows = loop_rows(F, found[0])
            if len(rows) >= 3:
                best = (len(rows), found[0], found[1] * F.ser(found[0])[C.MEAN][rows])
    return None if best is None else (best[1], best[2])


def samples_axis_length(F) -> int | None:
    """The number of training samples: the input dimension that the targets share."""
    i, t = input_site(F), target_site(F)
    if i is None or t is None:
        return None
    si = shape_of(F.ser(i).shape[0])
    st = shape_of(F.ser(t).shape[0])
    shared = [d for d in si if d in st and d > 1]
    # The targets' longest axis is their samples (one value or one row of K per sample): when the inputs do not
    # share it, what they share is a class count or a width, not the samples.
    if shared and st and max(st) not in shared:
        return None
    return max(shared) if shared else None


def update_sites(F) -> list[int]:
    """Statements that change a learned value in the loop: in-place updates (`W -= lr * g`, `layer.W -= ...`,
    `w = w - lr * g`) that read something besides the value itself, with the program model's updates of that kind.
    A value the program model gave another role (optimizer state, a gradient accumulator: `v -= lr * g`, then
    `p += v`; a local rebound inside a helper: `a = np.clip(a, lo, hi)`) is written like a weight but is none."""
    helpers = {(F.by_id[sid].function, base_name(F.by_id[sid].target)) for sid, role in F.update_roles.items()
               if sid in F.by_id and role != "parameter"}
    out = []
    for x in F.sites:
        if x.kind not in ("update", "augassign") or not F.observed(x.id) or len(loop_rows(F, x.id)) < 2:
            continue
        own = base_name(x.target)
        if x.id not in F.updates and ((x.function, own) in helpers or x.id in F.structure.per_call):
            continue  # set afresh at each call (`x = layer.forward(x)` over the layers): nothing carries over
        if x.id in F.updates or [r for r in x.reads if base_name(r) != own and r != "self" and not own.startswith(r + ".")]:
            out.append(x.id)
    return out


def site_words(F, sid: int) -> str:
    """A site as the user would name it: `h`, `sig()'s result`, `sig()'s argument z`."""
    x = F.by_id[sid]
    fn = last(x.function)
    if x.kind == "return":
        return f"{fn}()'s result"
    if x.kind == "arg":
        return f"{fn}()'s argument {x.target[4:]}"
    return x.target


def learned_names(F) -> set[str]:
    """The parameters' names: the program model's, else names changed in the loop by statements reading other values,
    and the names a closed-form fit assigns (`coef = np.linalg.solve(X.T @ X, X.T @ y)`): fitted, not stepped."""
    names = set(F.param_names)
    for x in F.sites:
        if x.kind in ("assign", "unpack") and _solved(x.statement):
            names.add(base_name(x.target))
        if F.update_roles.get(x.id, "parameter") != "parameter":
            continue  # the program model found it something else: working storage, optimizer state, an accumulator
        if x.kind in ("update", "augassign") and x.loop is not None and not (F.observed(x.id) and F.ser(x.id).step[0] < 0):
            own = base_name(x.target)
            if [r for r in x.reads if base_name(r) != own and r != "self" and not own.startswith(r + ".")
                    and r.split(".")[0] not in _MODULES]:
                names.add(own)
    return names


_MODULES = {"np", "numpy", "math", "random", "scipy"}
# The linear-algebra calls a least-squares fit is solved with in one shot.
_SOLVERS = frozenset({"solve", "lstsq", "pinv", "inv"})


def _solved(statement: str | None) -> bool:
    """Whether a statement's value comes from a `linalg` solve (`np.linalg.solve`, `lstsq`, `pinv(X) @ y`)."""
    tree = parse_statement(statement or "")
    return tree is not None and any(
        isinstance(n, ast.Call) and (d := _dotted(n.func) or "").rsplit(".", 1)[-1] in _SOLVERS and "linalg" in d
        for n in ast.walk(tree))


def weight_gains(F) -> list[dict]:
    """Each weight matrix's starting scale as a gain: its root-mean-square times sqrt(its larger dimension), from the
    earliest value recorded per parameter and shape. Whichever dimension is the fan-in, the usual 1/sqrt(fan_in)
    start gives a gain of at least 1 by this measure, so a gain far below 1 is a start that is small in any layout.
    Vectors count only when no matrix was recorded (a linear model's weights); all-zero starts are left out, and so
    are the values stepped away from them (a (16, 1) bias one step after its zeros)."""
    found: dict[tuple, dict] = {}
    zero: dict[tuple, int] = {}  # (name, shape) -> seq of an all-zero value: that start, not a later one, is the start
    for p in F.params:
        sr = F.ser(p)
        if sr is None or not len(sr):
            continue
        sizes, norms = sr[C.SIZE].astype(np.float64), sr[C.L2].astype(np.float64)
        usable = (sizes >= 2) & np.isfinite(norms) & (norms != 0)
        codes = np.asarray(getattr(sr.shape, "codes", sr.shape))
        # An all-zero value, or the first value an update wrote whose change is the whole value (the value before it
        # was zero: a bias stepped away from its zeros, whose zero start itself was not recorded).
        with np.errstate(invalid="ignore"):
            from_zero = np.isclose(sr[C.UPDATE_L2].astype(np.float64), norms, rtol=1e-9, atol=0.0) & (norms > 0)
        for i in np.nonzero((sizes >= 2) & ((norms == 0) | from_zero))[0][:1]:
            key = (base_name(F.by_id[p].target), shape_of(sr.shape[int(i)]))
            seq = int(sr.seq[i]) - (1 if from_zero[i] else 0)  # the zero start came before the write
            zero[key] = min(zero.get(key, seq), seq)
        # Rows are in seq order: each shape's first usable row is its earliest value.
        for code in np.unique(codes[usable]):
            i = int(np.nonzero(usable & (codes == code))[0][0])
            shape = shape_of(sr.shape[i])
            size, l2 = float(sizes[i]), float(norms[i])
            if len(shape) not in (1, 2):
                continue
            key = (base_name(F.by_id[p].target), shape)
            if key not in found or sr.seq[i] < found[key]["seq"]:
                # large_gain: the same with its smaller dimension, a start that is large in any layout
                found[key] = {"name": key[0], "shape": shape, "seq": int(sr.seq[i]), "step": int(sr.step[i]),
                              "line": F.by_id[p].line, "gain": l2 / np.sqrt(size) * np.sqrt(max(shape)),
                              "large_gain": l2 / np.sqrt(size) * np.sqrt(min(shape))}
    # A value recorded after an all-zero start of the same array is a step away from zero, not a start.
    found = {k: g for k, g in found.items() if not (k in zero and zero[k] < g["seq"])}
    mats = [g for g in found.values() if len(g["shape"]) == 2]
    return sorted(mats or list(found.values()), key=lambda g: g["seq"])
