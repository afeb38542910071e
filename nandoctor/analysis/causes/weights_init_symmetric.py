"""The weights start all equal: the hidden units of a layer stay identical copies of each other through training."""

from __future__ import annotations

import re

import numpy as np

from ... import columns as C
from ...detectors.facts import base_name
from ...detectors.structure import BIAS_NAME, shape_of
from ...explain.fixes import advice, random_init_fixes
from ...model import ChainLink
from ..rules import PRIMARY, Draft, RuleOutcome, cause_rule
from ...detectors.optimisation import rows_by_shape, stepped_updates
from ._passes import samples_axis_length, update_sites

_CONSTANT_INIT = re.compile(r"(zeros|ones|full|empty)\s*\(|\[\s*[-\d.]+\s*\]\s*\*")


def _identical_axes(w: np.ndarray, relative: float = 1e-12) -> list[int]:
    """Axes along which every slice equals the first within `relative` of the largest weight (1: the columns are
    copies, 0: the rows), with >= 2 slices."""
    # Relative to the array's own scale: weights of size 1e-4 that differ by 1e-4 are different units, however
    # small (a floor at 1 would call any small-valued array, such as a momentum buffer, a set of copies).
    tol = relative * (float(np.max(np.abs(w))) if w.size else 0.0)
    out = []
    if w.shape[1] >= 2 and np.all(np.abs(w - w[:, :1]) <= tol):
        out.append(1)
    if w.shape[0] >= 2 and np.all(np.abs(w - w[:1, :]) <= tol):
        out.append(0)
    return out


def _pinned_at_start(F, u: int, least: int = 3) -> bool:
    """A weight matrix whose in-loop steps (at least `least`) all change it by exactly zero, from a start at one value
    (its least value equal to its largest)."""
    sr = F.ser(u)
    if sr is None or not len(sr) or BIAS_NAME.match(base_name(F.by_id[u].target).rsplit(".", 1)[-1]):
        return False
    inside = np.nonzero(sr.step >= 0)[0]
    if len(inside) < least or np.nanmax(sr[C.SIZE][inside]) < 2:
        return False
    moved = sr[C.UPDATE_L2][inside].astype(np.float64)
    first = inside[0]
    return bool(np.isfinite(moved).all() and np.all(moved == 0) and sr[C.MIN][first] == sr[C.MAX][first])


@cause_rule(
    "weights_init_symmetric",
    "The weights start symmetric: every hidden unit is a copy of the others",
    premises=(
        ("several_layers", "the model has more than one layer of weights, so a layer's units are hidden, or one weight "
                           "matrix starts at one value and every step adds exactly zero to it (several layers' weights "
                           "held in one array: no gradient reaches any entry)"),
        ("weights_kept", "a weight matrix's values were kept over training, as each step left them (or, too large to "
                         "keep, its least value equal to its largest, within SYMMETRY_DRIFT of them, at every recorded "
                         "step: one value in every entry)"),
        ("units_identical_from_start", "its units' weights are all equal after the first update"),
        ("units_identical_at_end", "they are still all equal at the end (within SYMMETRY_DRIFT of the largest weight: "
                                   "rounding alone separates copies that far), though training changed them, or "
                                   "the update ran at every kept step and left them exactly as they started; for "
                                   "weights too large to keep, every weight matrix of the model started at one value "
                                   "(no unit differs from another anywhere, and no dropout in the sources separates "
                                   "them), and the loss fell by less than SYMMETRIC_STALL_DROP of its first value"),
    ),
    thresholds={"SYMMETRY_DRIFT": 1e-3, "SYMMETRIC_STALL_DROP": 0.05},
)
def rule(ctx) -> RuleOutcome:
    """A layer's units share identical weights from the first update to the last: they never break symmetry."""
    F = ctx.facts
    out = RuleOutcome()
    ups = update_sites(F)
    shapes = set()
    n = samples_axis_length(F)
    matrices = set()
    for u in ups:
        sr = F.ser(u)
        # a value with one row per sample is the data passing through, not a layer's weights, unless the program
        # model found it a parameter (a tiny data set as long as a layer is wide: four XOR points, four units)
        mine = {s for _, text in sr.shape.unique_first() if len(s := shape_of(text)) == 2 and (n not in s or u in F.updates)}
        shapes.update(mine)
        if mine:
            matrices.add(base_name(F.by_id[u].target))
    # One matrix feeding hidden units, and another weight (a vector for one output unit, a list of Python floats
    # stepped entry by entry: `W2[j] -= lr * d_o * h[j]`) reading them: two layers. Offsets are no layer.
    other = sorted({name for u in ups if (name := base_name(F.by_id[u].target)) not in matrices
                    and u in F.updates and not BIAS_NAME.match(name.rsplit(".", 1)[-1])})
    several = len(shapes) >= 2 or (len(shapes) == 1 and bool(other))
    # One matrix that holds several layers' weights (word vectors stacked over context vectors, read in slices): it
    # starts at one value and every step adds exactly zero, so from that start no gradient reaches any entry.
    pinned = None if several else next((u for u in ups if u in F.updates and _pinned_at_start(F, u)), None)
    if not out.check("several_layers", (several or pinned is not None) if ups else None,
                     (f"{len(shapes)} weight matrix shapes are updated: {sorted(shapes)}"
                      + (f", and other weights: {', '.join(other)}" if len(shapes) == 1 and other else "")
                      + (f"; {base_name(F.by_id[pinned].target)} starts at one value and every one of its steps adds "
                         f"exactly zero" if pinned is not None else "")) if ups
                     else "no parameter update was recorded", shapes=sorted(shapes)):
        return out
    kept = []
    for u in ups:
        if BIAS_NAME.match(base_name(F.by_id[u].target).rsplit(".", 1)[-1]):
            continue  # offsets start equal (at zero) by design: a unit is its incoming weights, not its offset
        try:
            groups = F.s.values(u)
        except Exception:  # noqa: BLE001 - kept values are optional evidence
            groups = []
        for text, steps, data in groups:
            shape = shape_of(text)
            if len(shape) == 2 and max(shape) >= 2 and min(shape) >= 1 and len(steps) >= 2:
                steps = np.asarray(steps)
                data = np.asarray(data, dtype=np.float64).reshape(len(steps), *shape)
                # A statement writing one entry at a time (`hid_w[j][0] -= ...` over the units): the value as the
                # step leaves it, not half-way through the units.
                last = np.append(steps[1:] != steps[:-1], True)
                if last.sum() >= 2:
                    kept.append((u, shape, steps[last], data[last]))
    constant = 0
    drift = ctx.threshold("SYMMETRY_DRIFT")
    if not kept:
        # Too large to keep, but recorded with their least and largest values at every step: a matrix whose least
        # value equals its largest at every measured step holds one value in every entry all along.
        for u in ups:
            if BIAS_NAME.match(base_name(F.by_id[u].target).rsplit(".", 1)[-1]):
                continue
            sr = F.ser(u)
            # one statement stepping several arrays in turn: each shape on its own
            for rows in rows_by_shape(sr, len(sr)):
                rows = rows[sr.step[rows] >= 0]
                shape = shape_of(sr.shape[int(rows[0])]) if len(rows) else ()
                if len(shape) != 2 or min(shape) < 1 or max(shape) < 2:
                    continue
                lo, hi = sr[C.MIN][rows].astype(float), sr[C.MAX][rows].astype(float)
                m = np.isfinite(lo) & np.isfinite(hi)
                # Equal to within drift of the value itself: copies updated by the same gradient drift apart only
                # by the order a matrix product sums in, which depends on the machine's BLAS kernels.
                near = np.abs(hi - lo) <= drift * np.maximum(np.abs(lo), np.abs(hi))
                if m.sum() >= 2 and np.all(near[m]):
                    steps = sr.step[rows][m]
                    # Every entry is known at every one of these steps (the one value the least and largest share):
                    # the first, the first that differs from it (if any) and the last stand for them all.
                    vals = lo[m]
                    moved = np.nonzero(vals != vals[0])[0]
                    ends = np.array([vals[0], vals[moved[0] if len(moved) else 0], vals[-1]]).reshape(3, 1, 1)
                    kept.append((u, shape, steps, np.broadcast_to(ends, (3, *shape))))
                    constant += 1
    if not kept:
        starts = _first_values(F, stepped_updates(F))
        # every weight matrix the steps update must have its start measured: one left unmeasured may be random
        if len(starts) >= 2 and all(v is not None and v[2] == v[3] and np.isfinite(v[2]) for v in starts.values()):
            return _constant_starts_outcome(ctx, out, starts)
    if not out.check("weights_kept", bool(kept) or None,
                     (f"{constant} weight matrices measured at every step with their least value equal to their "
                      f"largest (to within {drift:g} of them)" if constant else f"{len(kept)} weight matrices kept over training") if kept
                     else "no weight matrix's values were kept"):
        return out
    found = None
    for u, shape, steps, data in kept:
        start = _identical_axes(data[0])
        # Copies updated by the same gradient drift apart only by rounding (the order a matrix product sums in
        # differs between columns): in float32 by ~1e-4 of the weights after thousands of steps. Units that
        # really differ differ by the size of the weights themselves.
        end = _identical_axes(data[-1], ctx.threshold("SYMMETRY_DRIFT"))
        both = [a for a in start if a in end]
        changed = bool(np.any(data[-1] != data[0]))
        # The update statement itself recorded these values, so it ran at each of these steps: values identical at
        # all of them mean every update added exactly zero. A start of equal units whose gradient is exactly zero
        # (all-zero weights before a zero-centred activation: ReLU or tanh of 0 passes nothing back) is a fixed point.
        frozen = (bool(both) and not changed and not bool(np.any(data[1:] != data[:-1]))
                  and len(np.unique(steps)) >= 2)
        if start and (found is None or (both and (changed or frozen) and not found[4])):
            found = (u, shape, steps, data, bool(both and (changed or frozen)), start, both)
    if found is None:
        u, shape, steps, data = kept[0]
        out.check("units_identical_from_start", False,
                  f"{F.by_id[u].target} {shape}: its units' weights differ after the first update")
        return out
    u, shape, steps, data, ok, start, both = found
    name = base_name(F.by_id[u].target)
    axis_words = {1: "columns", 0: "rows"}
    out.check("units_identical_from_start", True,
              f"{name} {shape}: all its {axis_words[start[0]]} are equal at step {int(steps[0])}")
    spread = float(np.max(np.abs(data[-1] - data[0]), initial=0.0))
    frozen = ok and spread == 0.0
    if not out.check("units_identical_at_end", ok,
                     f"at step {int(steps[-1])} the {axis_words[both[0]]} of {name} are still equal, exactly as they "
                     f"started: its update ran at {len(steps)} kept steps and added exactly zero each time" if frozen else
                     f"at step {int(steps[-1])} the {axis_words[both[0]]} of {name} are still equal after moving by up to "
                     f"{spread:.3g}" if ok else f"at step {int(steps[-1])} {name} has not moved since step {int(steps[0])}"
                     if both else f"by step {int(steps[-1])} the units of {name} differ",
                     moved=spread, steps=len(steps)):
        return out
    axis = both[0]
    units = shape[1] if axis == 1 else shape[0]
    if len(both) == 2:  # every entry equal: the units are copies along whichever axis holds them
        axis_words = {axis: "entries"}
        units = shape[0] * shape[1]
    ev = {"parameter": name, "shape": list(shape), "units": units, "steps_checked": len(steps), "moved": spread,
          "value_end": float(data[-1].flat[0])}
    if frozen:
        summary = (f"The weights start symmetric: the {units} {axis_words[axis]} of {name} {shape} are identical at step "
                   f"{int(steps[0])} (all {float(data[0].flat[0]):.3g}) and unchanged at step {int(steps[-1])}: the "
                   f"update ran at all {len(steps)} kept steps and added exactly zero, so from this start every unit "
                   f"gets the same, zero, gradient and the layer never learns.")
    else:
        summary = (f"The weights start symmetric: the {units} {axis_words[axis]} of {name} {shape} are identical at "
                   f"step {int(steps[0])} and still identical at step {int(steps[-1])} ({len(steps)} steps kept), "
                   f"although the updates moved them by up to {spread:.3g}: every unit gets the same gradient, so the "
                   f"layer acts as one unit.")
    chain = [ChainLink(summary, int(steps[0]), name, F.by_id[u].line, ev)]
    out.drafts.append(Draft("weights_init_symmetric", PRIMARY - 5, summary, chain, _random_start_fixes(F, name), [], ev))
    return out


def _first_values(F, ups) -> dict[tuple[str, tuple], tuple]:
    """(name, shape) -> (seq, line, least, largest) of each weight matrix's earliest recorded value with its least and
    largest value (its start), or None when no record of it has them, over the sites of the parameters stepped by
    `ups` (their names); offsets left out."""
    updated = {base_name(F.by_id[u].target) for u in ups}
    out: dict[tuple[str, tuple], tuple] = {}
    for p in F.params:
        x = F.by_id[p]
        name = base_name(x.target)
        if BIAS_NAME.match(name.rsplit(".", 1)[-1]) or (name not in updated and p not in ups):
            continue
        sr = F.ser(p)
        if sr is None or not len(sr):
            continue
        for rows in rows_by_shape(sr, len(sr)):
            shape = shape_of(sr.shape[int(rows[0])])
            if len(shape) != 2 or min(shape) < 1 or max(shape) < 2:
                continue
            rows = rows[np.isfinite(sr[C.MIN][rows].astype(float)) & np.isfinite(sr[C.MAX][rows].astype(float))]
            key = (name, shape)
            if not len(rows):
                out.setdefault(key, None)
                continue
            i = int(rows[np.argmin(sr.seq[rows])])
            if out.get(key) is None or sr.seq[i] < out[key][0]:
                out[key] = (int(sr.seq[i]), x.line, float(sr[C.MIN][i]), float(sr[C.MAX][i]))
    return out


def _constant_starts_outcome(ctx, out: RuleOutcome, starts: dict) -> RuleOutcome:
    """Weights too large to keep, every matrix of which started at one value: judged on that start and the loss."""
    from ...detectors.optimisation import loss_progress

    F = ctx.facts
    names = ", ".join(f"{n} {shape} all {v[2]:.3g}" for (n, shape), v in sorted(starts.items(), key=lambda kv: kv[1][0]))
    out.check("weights_kept", True, f"too large to keep, but each weight matrix's least and largest value were "
              f"recorded at its start: {names}")
    out.check("units_identical_from_start", True, f"every weight matrix of the model starts at one value ({names}): "
              f"no unit differs from another anywhere")
    dropout = any(re.search(r"dropout|binomial\s*\(", src, re.IGNORECASE) for src in F.s.sources.values())
    lp = loss_progress(F)
    limit = ctx.threshold("SYMMETRIC_STALL_DROP")
    stalled = lp is not None and lp["drop"] < limit and not dropout
    if not out.check("units_identical_at_end", None if lp is None and not dropout else stalled,
                     "the sources apply dropout, which separates units" if dropout else
                     "no loss was measured" if lp is None else
                     f"the loss ({lp['how']}) went from {lp['first']:.4g} to {lp['last']:.4g}, "
                     f"{lp['drop']:.1%} lower" + (f": under {limit:.0%}, the copies never separated" if stalled else ""),
                     **({} if lp is None else {"loss_first": lp["first"], "loss_last": lp["last"], "drop": lp["drop"]})):
        return out
    (name, shape), v = min(starts.items(), key=lambda kv: kv[1][0])
    units = shape[1]
    summary = (f"The weights start symmetric: every weight matrix starts at one value ({names}), so every unit of a "
               f"layer computes the same thing and gets the same gradient; the units stay copies of each other and "
               f"the loss ({lp['how']}) only went from {lp['first']:.4g} to {lp['last']:.4g}.")
    ev = {"parameter": name, "shape": list(shape), "units": units, "value_start": v[2], "loss_first": lp["first"],
          "loss_last": lp["last"], "matrices": len(starts)}
    chain = [ChainLink(summary, None, name, v[1], ev)]
    out.drafts.append(Draft("weights_init_symmetric", PRIMARY - 5, summary, chain, _random_start_fixes(F, name), [], ev))
    return out


def _random_start_fixes(F, name: str) -> list:
    """Random starting values for `name` written against the code, else advice to draw them."""
    return random_init_fixes(F, name) or [
        advice(f"start {name} from small random values (a spread of about 1/sqrt(fan_in)) instead of one value for "
               f"every unit", "Different starting weights give the units different gradients, so they learn different "
               "features.")]
