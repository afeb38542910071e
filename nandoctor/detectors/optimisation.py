"""Optimisation detectors: update spikes and growth, update/weight ratios, vanishing updates,
weight divergence, the loss curve, and gradients summed instead of averaged."""

from __future__ import annotations

import ast
import builtins
import re

import numpy as np

from .. import columns as C
from ..model import PRINTED, Finding
from . import Limits, register
from .facts import (Facts, base_name, expr_reads, facts, kept_output_target, last, own_name, parse_statement, running_median,
                    same_position_before, step_positions, strip_comment, unmeasured)
from .numerics import _f, first_nonfinite_info

# A spike: an update more than 10x the running median of the updates before it (DESIGN.md §4).
SPIKE_FACTOR = 10.0
# The running median looks back this many steps: long enough to be typical, short enough to follow
# the slow drift of a healthy run.
SPIKE_WINDOW = 50
# A spike only matters when it moves the weights noticeably: 1% of their norm is 10x the healthy
# update/weight ratio of about 1e-3 (Karpathy, "A Recipe for Training Neural Networks", CS231n notes).
SPIKE_MIN_RATIO = 0.01
# Update/weight ratio above 0.1 means each step rewrites a tenth of the weights; ~1e-3 is healthy
# (DESIGN.md §4; CS231n "ratio of weights:updates").
RATIO_HIGH = 0.1
HEALTHY_RATIO = 1e-3
# Sustained growth: >= 2x per check over 5 consecutive checks (DESIGN.md §4); a run is judged at
# about 50 evenly spaced checks.
GROWTH_FACTOR = 2.0
GROWTH_CHECKS = 5
N_CHECKS = 50
# Vanishing: mean |g| below 1e-7, or update/weight below 1e-4 sustained (DESIGN.md §4).
VANISH_GRAD = 1e-7
VANISH_RATIO = 1e-4
# Weights that grow 1000-fold over the run are diverging, not learning (a healthy net's weight norm
# changes by a small factor; cf. weight-norm plots in Goodfellow et al., ch. 8).
DIVERGE_FACTOR = 1e3
# ... and that end far from the O(1) scale of a net fed normalized data (a 1e-3 init growing to 1 is
# learning, not diverging).
DIVERGE_NORM = 1e3
# Loss judgement: rising when the end is 1.5x the start; stalled when it moves < 1% over the run;
# oscillating when > 40% of consecutive checks reverse direction with swings > 10% of the level.
LOSS_RISE = 1.5
LOSS_STALL = 0.01
OSC_REVERSALS = 0.4
OSC_SWING = 0.1
# Steps this many times the value itself over the first updates: growth from zero makes the k-th step 1/k of the
# value, and a noisy value crossing zero a few times itself; ten times, step after step, is a blow-up.
OUTGROW = 10.0
# Summing over a batch this large multiplies the effective learning rate by that much.
SUM_BATCH = 32
# Changes of a value that reverse direction at this share of consecutive pairs or more swing back and forth: a
# descent overshooting its valley. A climb away from it (a reversed gradient) keeps one direction.
SWING_SHARE = 0.3
LIM = Limits(globals())  # these thresholds, or what the run's configuration set them to


def update_ratios(F: Facts, u: int):
    """(steps, update norm, weight norm before, ratio) of an update site, in-loop rows (read-only arrays)."""
    key = ("update_ratios", u)
    if key not in F.memo:
        # Every detector and cause rule asks for them, some once per update site and step.
        F.memo[key] = tuple(_read_only(a) for a in _update_ratios(F, u))
    return F.memo[key]


def _read_only(a: np.ndarray) -> np.ndarray:
    a = np.array(a)
    a.setflags(write=False)
    return a


def _update_ratios(F: Facts, u: int):
    sr = F.ser(u)
    steps, before = F.weight_norm_before(u)
    if sr is None or not len(steps):
        z = np.zeros(0)
        return z.astype(np.int64), z, z, z
    up = sr[C.UPDATE_L2]
    if not np.isfinite(up).any() and len(set(sr[C.SIZE].tolist())) > 1:
        steps, up, before = _element_changes(sr)
    if not np.isfinite(up).any() and np.nanmax(sr[C.SIZE]) > 1:
        # An array replaced whole (`params[0] = params[0] - lr * g`) has no recorded update norm; when its
        # values were kept at every write, the update is the difference of consecutive values.
        up = kept_value_deltas(F, u, up)
    if not np.isfinite(up).any() and np.nanmax(sr[C.SIZE]) <= 1:
        whole = _scalar_elements_per_step(sr)
        if whole is not None:
            # One statement writing several elements of one parameter per step (`coef[k] -= ...` over k): the
            # update is judged on the parameter as a whole, not on one element that happens to sit near zero.
            steps, up, before = whole
            with np.errstate(all="ignore"):
                ratio = up / before
            m = (steps >= 0) & np.isfinite(up) & np.isfinite(before) & (before > 0)
            return steps[m], up[m], before[m], ratio[m]
    if not np.isfinite(up).any() and np.nanmax(sr[C.SIZE]) <= 1:
        # A scalar (a Python float, a numpy scalar) has no recorded update norm, but its value is
        # recorded at every write: the update is the change from the value before it.
        up = scalar_deltas(F, u)
    m = (steps >= 0) & np.isfinite(up) & np.isfinite(before)
    if _writes_several_arrays(sr):
        # One statement writing several arrays each step (`params[k] -= lr * grads[k]` over a dict's keys): the
        # step is judged on the parameters together, as one vector (the root of the summed squares of each array's
        # update against that of their norms before it). A bias grown from zero, whose own ratio starts near 1,
        # then weighs by its size instead of counting as one vote in a median beside the weights.
        steps, up, before = _per_step_totals(steps[m], up[m], before[m])
        m = np.isfinite(up) & np.isfinite(before)
    with np.errstate(all="ignore"):
        ratio = up / before
    m &= before > 0
    return steps[m], up[m], before[m], ratio[m]


def kept_value_deltas(F: Facts, u: int, up: np.ndarray) -> np.ndarray:
    """‖value after - value before‖ of each write of an array parameter, from its values kept at every write
    (a row with no kept value before it stays NaN); `up` unchanged when the values were not kept at every write
    or the site writes several arrays in turn."""
    sr = F.ser(u)
    kept = F.values(u)
    if kept is None or _writes_several_arrays(sr):
        return up
    steps, data, _ = kept
    if len(steps) != len(sr.step) or not np.array_equal(steps, sr.step) or data.shape[1] != int(np.nanmax(sr[C.SIZE])):
        return up
    # The kept copy is the value written: its norm matches the recorded one, or the rows are not the same writes.
    with np.errstate(all="ignore"):
        norms = np.sqrt(np.sum(data * data, axis=1))
        l2 = sr[C.L2].astype(np.float64)
        fin = np.isfinite(norms) & np.isfinite(l2)
        if not fin.any() or not np.allclose(norms[fin], l2[fin], rtol=1e-3, atol=1e-12):
            return up
        out = np.full(len(steps), np.nan)
        out[1:] = np.sqrt(np.sum((data[1:] - data[:-1]) ** 2, axis=1))
    return out


def _writes_several_arrays(sr) -> bool:
    """Whether an update site writes several different arrays in turn each step (its k-th write of a step replaced
    its k-th write of an earlier step, not the write just before it)."""
    from .facts import replaced_rows

    replaced = replaced_rows(sr)
    return bool(len(replaced) and not np.array_equal(replaced, np.arange(len(replaced)) - 1))


def _per_step_totals(steps, up, before):
    """(steps, norm of the step's whole update, norm of the whole parameter set before it), one row per step."""
    if not len(steps):
        return steps, up, before
    starts = np.r_[0, np.nonzero(np.diff(steps))[0] + 1]

    def norm(parts):
        # scaled by the largest part, so that norms near the float range's end do not overflow when squared
        top = np.maximum.reduceat(np.abs(parts), starts)
        with np.errstate(all="ignore"):
            scaled = parts / np.repeat(np.where(top > 0, top, 1.0), np.diff(np.r_[starts, len(parts)]))
            return top * np.sqrt(np.add.reduceat(scaled ** 2, starts))

    return steps[starts], norm(up), norm(before)


def _scalar_elements_per_step(sr):
    """(steps, norm of the change, norm before) per step of a site writing the same number (two or more) of scalar
    elements at most loop steps: the k-th write of a step is the same element as the k-th write of the step before
    (a fixed iteration order), so the change of each element is exact and the step's update and the parameter's
    norm are taken over all the elements written. Only a step whose previous step was recorded whole is compared
    (recording thins out in long runs). None when no count of two elements or more recurs, or some step writes more
    than that count."""
    steps = sr.step
    inloop = steps >= 0
    if inloop.sum() < 4:
        return None
    st = steps[inloop]
    vals = sr[C.MEAN].astype(np.float64)[inloop]
    bounds = np.r_[0, np.nonzero(np.diff(st))[0] + 1, len(st)]
    counts = np.diff(bounds)
    if len(counts) < 3:
        return None
    values, freq = np.unique(counts, return_counts=True)
    # The full count of a step: the largest count recorded at a tenth of the steps or more (a long run's recording
    # thins out to single writes, the steps recorded whole still write every element), never exceeded.
    common = values[freq >= max(3, 0.1 * len(counts))]
    if not len(common):
        return None
    per = int(common.max())
    if per < 2 or values.max() > per:
        return None
    keep = counts == per
    first = st[bounds[:-1]][keep]
    # One row per step recorded whole, its elements in writing order; a step is compared with the step before it.
    rows = vals[bounds[:-1][keep][:, None] + np.arange(per)]
    at = {int(step): k for k, step in enumerate(first)}
    pairs = [(k, at[int(step) - 1]) for k, step in enumerate(first) if int(step) - 1 in at]
    if len(pairs) < 3:
        return None
    now, prev = np.asarray(pairs).T
    with np.errstate(all="ignore"):
        up = np.sqrt(np.sum((rows[now] - rows[prev]) ** 2, axis=1))
        before = np.sqrt(np.sum(rows[prev] ** 2, axis=1))
    return first[now].astype(np.int64), up, before


def _element_changes(sr):
    """(steps, change, norm before) of a write site cycling through several elements (`params[key] = ...` over a
    dict's keys): the k-th write of a step is the same element as the k-th write of the step before (a container's
    iteration order is fixed), so each row is compared with that one. A scalar's change is exact; an array's is the
    change of its norm, a lower bound of the update's norm (|‖a‖ - ‖b‖| <= ‖a - b‖)."""
    steps = sr.step
    sizes = sr[C.SIZE]
    norms = sr[C.L2].astype(np.float64)
    means = sr[C.MEAN].astype(np.float64)
    lane = same_position_before(step_positions(steps))
    j = np.maximum(lane, 0)
    pair = (lane >= 0) & (steps[j] != steps) & (sizes[j] == sizes)
    up = np.full(len(steps), np.nan)
    before = np.full(len(steps), np.nan)
    before[pair] = norms[j][pair]
    up[pair] = np.where(sizes <= 1, np.abs(means - means[j]), np.abs(norms - norms[j]))[pair]
    return steps, up, before


def value_before(F: Facts, u: int) -> float:
    """The value a scalar parameter held before its first update (its initialisation), NaN if unrecorded."""
    sr = F.ser(u)
    name = base_name(F.by_id[u].target)
    for w in F.resolve(name, F.by_id[u].function):
        if w != u and F.observed(w):
            ws = F.ser(w)
            if ws.seq[0] < sr.seq[0] and ws[C.SIZE][0] <= 1:
                return float(ws[C.MEAN][0])
    return float("nan")


def scalar_deltas(F: Facts, u: int) -> np.ndarray:
    """|value after - value before| of each write of a scalar parameter (NaN where the value before is unknown)."""
    vals = F.ser(u)[C.MEAN].astype(np.float64)
    prev = np.empty_like(vals)
    prev[1:] = vals[:-1]
    if len(prev):
        prev[0] = value_before(F, u)
    with np.errstate(all="ignore"):
        return np.abs(vals - prev)


def spikes(F: Facts, u: int) -> list[dict]:
    """Update spikes of one parameter: > SPIKE_FACTOR x running median and >= SPIKE_MIN_RATIO of the weights."""
    steps, up, before, ratio = update_ratios(F, u)
    if len(up) < 8:
        return []
    med = running_median(up, LIM.SPIKE_WINDOW)
    rmed = running_median(ratio, LIM.SPIKE_WINDOW)
    with np.errstate(all="ignore"):
        factor = up / med
    hit = np.isfinite(factor) & (factor > LIM.SPIKE_FACTOR) & (ratio >= LIM.SPIKE_MIN_RATIO)
    out = []
    for i in np.nonzero(hit)[0][:20]:
        out.append({"step": int(steps[i]), "update_norm": float(up[i]), "weight_norm": float(before[i]),
                    "ratio": float(ratio[i]), "typical_ratio": float(rmed[i]), "factor": float(factor[i]),
                    "typical_update": float(med[i])})
    return out


# What follows a spike within this many steps is its consequence; a loss that doubles against its
# recent median within that window has been thrown off.
AFTERMATH = 5
LOSS_JUMP = 2.0


def _loss_jump_after(F: Facts, step: int) -> bool:
    ls = loss_series(F)
    if ls is None:
        return False
    steps, loss = ls[0], ls[1]
    i = int(np.searchsorted(steps, step, side="right"))
    before = loss[max(0, i - LIM.SPIKE_WINDOW):i]
    before = before[np.isfinite(before)]
    # The loss of the AFTERMATH steps after the spike: a loss read every hundred steps has none there to judge by.
    after = loss[i:][steps[i:] <= step + AFTERMATH]
    if len(before) < 3 or not len(after):
        return False
    med = float(np.median(before))
    if np.any(~np.isfinite(after)):
        return True
    # Thrown off and never recovered: the loss jumped and the run ends above where it was.
    final = loss[np.isfinite(loss)][-1]
    return bool(np.nanmax(after) > LOSS_JUMP * med and final > med)


# `bHidden`, `bOut`, `bs`, `bh`: a camel-case b or a b and one lower-case letter (case-sensitive there): `beta`,
# `batch` and `bins` name no bias.
_BIAS = re.compile(r"^(b|bias|biases|b\d+|b_\w+|\w*_b|\w*bias\w*|intercept|(?-i:b[A-Z]\w*|b[a-z]\d*)|d?b[hoy]?)$", re.IGNORECASE)


def _bias_like(F: Facts, u: int) -> bool:
    """Biases (and anything initialised to zeros) have tiny norms: their update/weight ratio is
    naturally large and says nothing about the learning rate."""
    if _BIAS.match(own_name(F.by_id[u].target)):
        return True
    _, before = F.weight_norm_before(u)
    return bool(len(before) and before[0] == 0)


def bias_named(F: Facts, u: int) -> bool:
    """Named like a bias: its norm starts at zero and stays small, so its ratio says little about the rate.
    (A weight initialised to zeros is still judged, from the rows where its norm is not zero.)"""
    return bool(_BIAS.match(own_name(F.by_id[u].target)))


def _param(F, u):
    return base_name(F.by_id[u].target)


@register
def update_spike(session) -> list[Finding]:
    """A single update far larger than the ones before it."""
    F = facts(session)
    fn = first_nonfinite_info(session)
    out = []
    for u in F.updates:
        sp = spikes(F, u)
        if not sp:
            continue
        # The spike that matters most: the last one before the first non-finite value, else the largest.
        before_nf = [d for d in sp if fn is not None and d["step"] <= fn["step"]]
        s0 = before_nf[-1] if before_nf else max(sp, key=lambda d: d["ratio"])
        near_nf = fn is not None and 0 <= fn["step"] - s0["step"] <= AFTERMATH
        jumped = _loss_jump_after(F, s0["step"])
        # A big spike is an error when something breaks right after it: a NaN, or the loss jumping.
        # Healthy runs at a high learning rate show isolated spikes that the next steps absorb.
        if s0["ratio"] >= LIM.RATIO_HIGH and (near_nf or jumped) and not (_bias_like(F, u) and not near_nf):
            sev = "error"
        elif s0["ratio"] >= LIM.RATIO_HIGH or near_nf:
            sev = "warning"
        else:
            sev = "info"
        name = _param(F, u)
        msg = (f"At step {s0['step']} the update of {name} jumped to {s0['update_norm']:.3g}, "
               f"{s0['factor']:.3g}x the running median: it changed the weights by {s0['ratio']:.2g} of their norm "
               f"({s0['weight_norm']:.3g}), against a typical {s0['typical_ratio']:.2g}.")
        if len(sp) > 1:
            msg += f" {len(sp)} such spikes in all, the first at step {sp[0]['step']}."
        out.append(_f("update_spike", "optimisation", sev, msg, s0["step"], sp[-1]["step"], name, F.by_id[u].line,
                      n_spikes=len(sp), spike_steps=[d["step"] for d in sp], before_nonfinite=bool(near_nf), **{k: v for k, v in s0.items() if k != "step"}, spike_step=s0["step"],
                      update_site=int(u)))
    return out


@register
def update_ratio_high(session) -> list[Finding]:
    """Updates that are a large fraction of the weights at most steps (not a single spike)."""
    F = facts(session)
    out = []
    for u in F.updates:
        steps, up, before, ratio = update_ratios(F, u)
        if len(ratio) < 3 or _bias_like(F, u):
            continue
        med = float(np.median(ratio))
        if med > LIM.RATIO_HIGH:
            name = _param(F, u)
            out.append(_f("update_ratio_high", "optimisation", "warning",
                          f"Each update of {name} changes it by a median {med:.2g} of its norm (healthy is about "
                          f"{LIM.HEALTHY_RATIO:g}, above {LIM.RATIO_HIGH:g} is too big).", int(steps[0]), int(steps[-1]), name,
                          F.by_id[u].line, median_ratio=med, max_ratio=float(np.max(ratio))))
    return out


def _checks(steps, values):
    """About N_CHECKS evenly spaced (step, value) samples of a series."""
    n = len(values)
    if n == 0:
        return steps, values
    idx = np.unique(np.linspace(0, n - 1, min(n, LIM.N_CHECKS + 1)).astype(int))
    return steps[idx], values[idx]


def _growth_run(values):
    """Longest run of consecutive check-to-check ratios >= GROWTH_FACTOR, and where it ends."""
    with np.errstate(all="ignore"):
        r = values[1:] / values[:-1]
    best, cur, end = 0, 0, -1
    for i, v in enumerate(r):
        cur = cur + 1 if np.isfinite(v) and v >= LIM.GROWTH_FACTOR else 0
        if cur > best:
            best, end = cur, i + 1
    return best, end


@register
def sustained_growth(session) -> list[Finding]:
    """Gradients or updates that keep doubling: >= 2x per check over 5 checks."""
    F = facts(session)
    out = []
    cands = []
    for u in F.updates:
        cands.append((u, "update"))
        for g in F.gradient_of(u):
            cands.append((g, "gradient"))
    seen = set()
    for sid, role in cands:
        if sid in seen:
            continue
        seen.add(sid)
        sr = F.ser(sid)
        if sr is None:
            continue
        col = sr[C.UPDATE_L2] if role == "update" else sr[C.L2]
        m = sr.step >= 0
        m &= ~unmeasured(sr)  # a screened large array: judged on the rows checked in full
        st, v = _checks(sr.step[m], col[m])
        run, end = _growth_run(v)
        if run >= LIM.GROWTH_CHECKS:
            a = end - run
            name = base_name(F.by_id[sid].target)
            # Growth that runs to the end of the run (or into inf) is a blow-up; growth that stops is
            # often a healthy start from small weights.
            fin = np.isfinite(v)
            to_end = end >= int(np.nonzero(fin)[0][-1]) - 1 if fin.any() else True
            out.append(_f("sustained_growth", "optimisation", "error" if to_end else "warning",
                          f"The {role} {name} kept growing: from {v[a]:.3g} at step {st[a]} to {v[end]:.3g} at step "
                          f"{st[end]}, at least {LIM.GROWTH_FACTOR:g}x per check for {run} checks in a row.",
                          int(st[a]), int(st[end]), name, F.by_id[sid].line, role=role, start=float(v[a]),
                          end=float(v[end]), checks=int(run)))
    return out


@register
def weight_divergence(session) -> list[Finding]:
    """Weights that grow without bound or turn non-finite."""
    F = facts(session)
    out = []
    for u in F.updates:
        sr = F.ser(u)
        m = sr.step >= 0
        if m.sum() < 2:
            continue
        l2 = sr[C.L2][m]
        bad = (sr[C.N_NAN][m] + sr[C.N_POSINF][m] + sr[C.N_NEGINF][m]) > 0
        steps = sr.step[m]
        _, before = F.weight_norm_before(u)
        known = before[m][np.isfinite(before[m]) & (before[m] > 0)]
        # the first norm known before an update (a site writing several arrays in turn may not know the first's)
        start = known[0] if len(known) else before[m][0]
        name = _param(F, u)
        if bad.any():
            i = int(np.argmax(bad))
            out.append(_f("weights_nonfinite", "optimisation", "error",
                          f"{name} holds NaN or inf from step {steps[i]} on: every later step computes with it.",
                          int(steps[i]), int(steps[-1]), name, F.by_id[u].line, step=int(steps[i])))
            continue
        fin = np.isfinite(l2)
        if not fin.any() or not np.isfinite(start) or start <= 0:
            continue
        peak = float(np.max(l2[fin]))
        st, v = _checks(steps[fin], l2[fin])
        run, end = _growth_run(v)
        to_end = run >= LIM.GROWTH_CHECKS and end >= len(v) - 2
        if (peak / start > LIM.DIVERGE_FACTOR and peak > DIVERGE_NORM) or to_end:
            out.append(_f("weight_divergence", "optimisation", "error",
                          f"The norm of {name} grew from {start:.3g} to {peak:.3g} ({peak / start:.3g}x): the weights are "
                          f"diverging.", int(steps[0]), int(steps[-1]), name, F.by_id[u].line, start=float(start),
                          peak=peak))
    return out


@register
def vanishing_updates(session) -> list[Finding]:
    """Gradients near zero, or updates below 1e-4 of the weights, from the start of training."""
    F = facts(session)
    out = []
    ls = loss_series(F)
    improving = ls is not None and len(ls[1]) > 2 and ls[1][-1] < 0.5 * ls[1][0]
    for u in F.updates:
        steps, up, before, ratio = update_ratios(F, u)
        if len(ratio) < 10:
            continue
        # The first steps: a converged run has tiny updates at the end but not at the start.
        k = max(3, min(20, len(ratio) // 10))
        early = float(np.median(ratio[:k]))
        whole = float(np.median(ratio))
        name = _param(F, u)
        grads = F.gradient_of(u)
        gmean = None
        for g in grads:
            sr = F.ser(g)
            m = sr.step >= 0
            with np.errstate(all="ignore"):
                rms = sr[C.L2][m] / np.sqrt(np.maximum(sr[C.SIZE][m], 1))
            if np.isfinite(rms).any():
                gmean = float(np.nanmedian(rms))
        if early < LIM.VANISH_RATIO and whole < LIM.VANISH_RATIO and not improving:
            out.append(_f("vanishing_updates", "optimisation", "warning",
                          f"Updates of {name} are only {whole:.2g} of its norm (median), below {LIM.VANISH_RATIO:g}, from "
                          f"the first steps on: the weights barely move.", int(steps[0]), int(steps[-1]), name,
                          F.by_id[u].line, median_ratio=whole, early_ratio=early, gradient_rms=gmean))
        elif gmean is not None and gmean < LIM.VANISH_GRAD and not improving:
            out.append(_f("vanishing_gradient", "optimisation", "warning",
                          f"The gradient of {name} has a typical size of {gmean:.2g}, below {LIM.VANISH_GRAD:g}: "
                          f"no learning signal reaches it.", int(steps[0]), int(steps[-1]), name, F.by_id[u].line,
                          gradient_rms=gmean))
    return out


# -- the loss ---------------------------------------------------------------------------------------

_LOSS_NAME = re.compile(r"(loss|cost|error|err|objective|nll|mse|mae|sse|xent|bce|hinge|entropy|J$|^ce$|_ce$)",
                        re.IGNORECASE)
# A quantity training raises (a log-likelihood): read as a loss with its sign turned, so that it falls as training works.
_GAIN_NAME = re.compile(r"(likelihood|loglik|log_lik|^ll$|^ll_|_ll$|^avg_ll|^mean_ll|^logp$)", re.IGNORECASE)


def _share_of_matches(statement: str) -> bool:
    """The statement's value is a share or count of comparisons that hold (`np.mean(pred == y)`,
    `(a.argmax(1) == y).sum() / n`): an accuracy, which rises as training succeeds, not a loss."""
    try:
        node = ast.parse(strip_comment(statement.strip())).body[0]
    except (SyntaxError, IndexError):
        return False
    value = getattr(node, "value", None)
    while isinstance(value, ast.BinOp) and isinstance(value.op, (ast.Div, ast.Mult)):
        value = value.left if not isinstance(value.left, ast.Constant) else value.right
    if isinstance(value, ast.Call) and isinstance(value.func, (ast.Attribute, ast.Name)):
        name = value.func.attr if isinstance(value.func, ast.Attribute) else value.func.id
        if name in ("mean", "sum", "average", "count_nonzero"):
            args = list(value.args) + ([value.func.value] if isinstance(value.func, ast.Attribute) else [])
            return any(isinstance(a, ast.Compare) for a in args)
    return False


def loss_series(F: Facts):
    """(steps, loss per step, how) from a scalar loss site, else computed from outputs and targets (once per
    session: every detector and the verdict read it)."""
    if "loss_series" not in F.memo:
        F.memo["loss_series"] = _loss_series(F)
    return F.memo["loss_series"]


def loss_before_training(F: Facts) -> float | None:
    """The loss site's value recorded before the first training step (`print(loss(X, y))` ahead of the loop, by the
    same statement the loop's losses come from): the loss the first update starts from. None when it recorded none."""
    best = _loss_site(F, F.sites)
    if best is None:
        return None
    sid, sign = best
    sr = F.ser(sid)
    inside = np.nonzero(sr.step >= 0)[0]
    if not len(inside):
        return None
    ahead = np.nonzero((sr.step < 0) & (sr.seq < sr.seq[inside[0]]))[0]
    value = float(sign * sr[C.MEAN][ahead[-1]]) if len(ahead) else None
    return value if value is not None and np.isfinite(value) else None


def _loss_series(F: Facts):
    best = _loss_site(F, F.sites)
    if best is None:
        # Many scripts compute their loss only where they print it (`print(f"loss {np.mean(err ** 2):.4f}")`).
        best = _loss_site(F, F.printed, named_only=True)
    if best is not None:
        sid, sign = best
        sr = F.ser(sid)
        m = sr.step >= 0
        steps, vals = sr.step[m], sign * sr[C.MEAN][m]
        x = F.by_id[sid]
        # one value per step: the last; of a loss function called several times a step (on the training data,
        # then on held-out data), the first call's, as data handed to a function at several calls is the training
        # set's at the first
        if x.kind == "return":
            keep = np.append(True, steps[1:] != steps[:-1])
        else:
            keep = np.append(steps[1:] != steps[:-1], True)
        what = _loss_words(x)
        how = f"{what} (line {x.line})" if sign > 0 else f"{what} with its sign turned (line {x.line}): it is maximised"
        return steps[keep], vals[keep], how
    summed = running_total_losses(F)
    if summed is not None:
        # one value per step: the mean of what the step's writes added (each a sample's or a batch's loss)
        steps, added, how = summed
        starts = np.r_[0, np.nonzero(np.diff(steps))[0] + 1]
        counts = np.diff(np.r_[starts, len(steps)])
        return steps[starts], np.add.reduceat(added, starts) / counts, how
    pv = paired_values(F)
    if pv is None:
        return residual_losses(F) or before_and_after_loss(F)
    steps, out, tgt, kind = pv
    with np.errstate(all="ignore"):
        if kind == "binary":
            o = np.clip(out, 1e-12, 1 - 1e-12)
            loss = -np.mean(tgt * np.log(o) + (1 - tgt) * np.log(1 - o), axis=1)
            how = "binary cross-entropy computed from the outputs and targets"
        else:
            loss = np.mean((out - tgt) ** 2, axis=1)
            how = "mean squared error computed from the outputs and targets"
    return steps, loss, how


def _printed_label(x) -> str:
    """The label of a printed value's site (`print loss` -> "loss")."""
    return x.target[len(PRINTED) + 1:]


def _loss_words(x) -> str:
    """A loss site as the verdict names it: its target, or "the printed <label>"."""
    return f"the printed {_printed_label(x)}" if x.kind == PRINTED else x.target


def _loss_name(x) -> int:
    """+1 when a site's name says it is a loss, -1 when it says it is a quantity training raises, 0 otherwise."""
    names = [last(base_name(_printed_label(x) if x.kind == PRINTED else x.target))]
    if x.kind == "return" or (x.kind == PRINTED and x.calls):
        names += [last(x.function)] if x.kind == "return" else [last(c) for c in x.calls]
    if any(_LOSS_NAME.search(n) for n in names):
        return 1
    if any(_GAIN_NAME.search(n) for n in names):
        return -1
    return 0


def _loss_site(F: Facts, sites, named_only: bool = False) -> tuple[int, int] | None:
    """(site, sign) of the scalar recorded at three training steps or more that is best taken as the loss: named as
    one (or as a log-likelihood, sign -1) or computed in the loss phase. None when no site qualifies."""
    best = None
    squashed = _activation_sites(F)
    # Where the predictions meet the targets: one non-negative number made there is the loss, whatever its name
    # (`e = 1 / len(o) * np.sum((o - l) ** 2, axis=0)`).
    meets = F.loss_side[2]
    for x in sites:
        sr = F.ser(x.id)
        if sr is None or x.kind == "arg":
            continue
        m = sr.step >= 0
        if m.sum() < 3 or np.nanmax(sr[C.SIZE][m]) > 1:
            continue
        sign = _loss_name(x)
        named = sign != 0
        if named_only and not named:
            continue
        if not named and x.id in squashed and x.id != meets:
            continue  # a sigmoid's or tanh's output (one sample's prediction in per-sample code) is no loss
        lows, highs = sr[C.MIN][m], sr[C.MAX][m]
        # (A value NaN at every step has no range to judge: nanmin would warn on the script's stderr.)
        lows, highs = lows[~np.isnan(lows)], highs[~np.isnan(highs)]
        if sign >= 0 and len(lows) and lows.min() < 0:
            continue  # a signed residual (`err = pred - y`) or a logit is not a loss: losses are not negative
        if sign < 0 and len(highs) and highs.max() > 0:
            continue  # a log-likelihood is not positive
        if len(lows) and len(highs) and highs.max() == lows.min() and not (named and set(x.reads) - set(x.calls)):
            # the same value at every step (a running total's reset, `total = 0.0`, a floor `p = 1e-9`) measures
            # nothing; a loss computed from the model that never moves is measured (training changes nothing)
            continue
        if x.kind in ("augassign", "update") or base_name(x.target) in x.reads:
            continue  # a running total (`running += batch_loss`) grows within an epoch whatever the training does
        if _share_of_matches(x.statement if x.kind != PRINTED else f"_ = {_printed_text(F, x)}"):
            continue
        if x.phase == "loss" or named or x.id == meets:
            score = (named, x.phase == "loss" or x.id == meets, int(m.sum()))
            if best is None or score > best[0]:
                best = (score, x.id, -1 if sign < 0 else 1)
    return None if best is None else (best[1], best[2])


def _printed_text(F: Facts, x) -> str:
    """The source text of a printed value (one line), or "0" when it spans lines."""
    lines = (F.s.sources.get(x.file) or "").splitlines()
    if x.line != x.end_line or not 0 < x.line <= len(lines):
        return "0"
    return lines[x.line - 1].encode()[x.col:x.end_col].decode(errors="replace") or "0"


def before_and_after_loss(F: Facts):
    """(steps, loss, how) from a loss computed only before the training loop and after it (`first = loss()` ...
    `print(f"final {loss()}")`): two values, at the first step and the last. None when no named loss was recorded
    both before the first step and after the last."""
    last_step = F.n_steps - 1
    if last_step < 1:
        return None
    for x in F.sites + F.printed:
        if x.kind == "arg" or _loss_name(x) <= 0:
            continue
        sr = F.ser(x.id)
        if sr is None or not len(sr) or np.nanmax(sr[C.SIZE]) > 1:
            continue
        before = sr.step < 0
        after = sr.step >= last_step
        if not before.any() or not after.any() or (sr.step[~before] < last_step).sum() > 1:
            continue
        first, final = float(sr[C.MEAN][before][0]), float(sr[C.MEAN][after][-1])
        if first < 0 or final < 0:
            continue
        what = _loss_words(x)
        return (np.array([0, last_step]), np.array([first, final]),
                f"{what} (line {x.line}), computed before the training loop and after it")
    return None


def residual_losses(F: Facts):
    """(steps, mean squared residual, how) from a recorded difference between the model's output and the targets
    (`resid = X @ w + b - y`), one value per step: the mean of its squares is its mean squared plus its variance,
    both recorded. None when no such difference was recorded in the loop."""
    t = F.target
    if t is None or F.ser(t) is None or not len(F.ser(t)):
        return None
    t_name, t_size = base_name(F.by_id[t].target), F.ser(t)[C.SIZE][0]
    for x in F.sites:
        if x.kind != "assign" or x.id not in F.derived or t_name not in {base_name(r) for r in x.reads}:
            continue
        sr = F.ser(x.id)
        if sr is None or not len(sr):
            continue
        tree = _parse(x.statement)
        if tree is None or not any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.Sub) for n in ast.walk(tree)):
            continue
        m = (sr.step >= 0) & (sr[C.SIZE] == t_size) & (t_size > 1)
        if m.sum() < 5:
            continue
        steps = sr.step[m]
        with np.errstate(all="ignore"):
            mse = sr[C.MEAN][m].astype(np.float64) ** 2 + sr[C.STD][m].astype(np.float64) ** 2
        keep = np.append(steps[1:] != steps[:-1], True)
        return steps[keep], mse[keep], f"the mean squared {x.target} (line {x.line}), from its recorded mean and spread"
    return None


def _parse(statement: str):
    try:
        return ast.parse(statement.strip())
    except SyntaxError:
        return None


def _activation_sites(F: Facts) -> set[int]:
    """The sites holding an activation's output, and the returns of the functions those sites call."""
    acts = F.activations
    calls = {last(c) for a in acts for c in F.by_id[a.site].calls}
    return {a.site for a in acts} | {x.id for x in F.sites if x.kind == "return" and last(x.function) in calls}


def _adds_a_square(statement: str) -> bool:
    """`total += d * d` or `total += d ** 2`: a running sum of squared errors, whatever the total is called."""
    try:
        tree = ast.parse(strip_comment(statement.strip()))
    except SyntaxError:
        return False
    stmt = tree.body[0] if tree.body else None
    if not isinstance(stmt, ast.AugAssign) or not isinstance(stmt.op, ast.Add):
        return False
    v = stmt.value
    if isinstance(v, ast.BinOp) and isinstance(v.op, ast.Mult):
        return ast.dump(v.left) == ast.dump(v.right)
    return isinstance(v, ast.BinOp) and isinstance(v.op, ast.Pow) and isinstance(v.right, ast.Constant) \
        and v.right.value == 2


def pass_totals(F: Facts, total, resets):
    """(steps, value, how) of a sum of squares known by its statement alone (`sq += d * d`), read where the code
    itself reads the finished total: a scalar statement reading it once per pass (`history.append(sq / n)`), after
    the writes of the pass and before the next reset. One sample's squared error against another's says nothing
    about the training; the pass's total does."""
    name = base_name(total.target)
    n_resets = sum(int(np.sum(np.asarray(rseq) >= 0)) for rseq, _ in resets)
    ts = F.ser(total.id)
    for y in F.sites:
        if y.id == total.id or y.function != total.function or name not in y.reads or y.line <= total.line:
            continue
        if y.kind in ("augassign", "update") or base_name(y.target) == name:
            continue
        sr = F.ser(y.id)
        if sr is None or len(sr) < 3 or np.nanmax(sr[C.SIZE]) > 1:
            continue
        m = sr.step >= 0
        vals = sr[C.MEAN][m]
        # Once per pass: about as many readings as resets, each after at least one write of the total.
        if m.sum() < 3 or abs(int(m.sum()) - n_resets) > 1 or np.nanmin(vals) < 0:
            continue
        if len(ts.seq) and ts.seq[0] > sr.seq[m][0]:
            continue
        return sr.step[m], vals.astype(np.float64), f"{y.target} (line {y.line}), read from the squares summed into {name}"
    return None


def running_total_losses(F: Facts):
    """(steps, loss added at each write, how) from a loss summed into a running total (`total += -log(p)`) that a
    constant reset (`total = 0.0`) starts again each pass: each write's increment over the write (or reset) before
    it is that write's own loss. None when no such total was recorded."""
    for x in F.sites:
        named = bool(_LOSS_NAME.search(last(base_name(x.target))))
        if x.kind not in ("augassign", "update") or not (named or _adds_a_square(x.statement)):
            continue
        sr = F.ser(x.id)
        if sr is None or not len(sr) or np.nanmax(sr[C.SIZE]) > 1:
            continue
        m = sr.step >= 0
        if m.sum() < 3:
            continue
        resets = []
        for w in F.resolve(base_name(x.target), x.function):
            ws = F.ser(w)
            if w == x.id or ws is None or not len(ws) or F.by_id[w].kind in ("augassign", "update"):
                continue
            if np.nanmax(ws[C.MAX]) == np.nanmin(ws[C.MIN]):
                resets.append((ws.seq, float(ws[C.MIN][0])))
        if not resets:
            continue
        if not named:
            # A sum of squares known by its statement alone is read where the code reads the finished total.
            passed = pass_totals(F, x, resets)
            if passed is not None:
                return passed
            continue
        vals, seqs = sr[C.MEAN].astype(np.float64), sr.seq
        inc = np.full(len(vals), np.nan)
        for i in range(len(vals)):
            # the latest of the previous write and the resets before this write is what this write added to
            base, at = (vals[i - 1], seqs[i - 1]) if i else (np.nan, -1)
            for rseq, rval in resets:
                k = np.searchsorted(rseq, seqs[i]) - 1
                if k >= 0 and rseq[k] > at:
                    base, at = rval, rseq[k]
            inc[i] = vals[i] - base
        keep = m & np.isfinite(inc)
        if keep.sum() >= 3:
            return sr.step[keep], inc[keep], f"the per-step loss summed into {base_name(x.target)} (line {x.line})"
    return None


def paired_values(F: Facts):
    """(steps, outputs (n, k), targets (n, k) broadcast, kind) when the output and target values are kept."""
    kept = kept_output_target(F)
    if kept is None:
        return None
    so, do, _, st, dt, _ = kept
    if do.shape[1] != dt.shape[1]:
        return None
    # targets: the latest kept value at or before each output step
    j = np.searchsorted(st, so, side="right") - 1
    ok = (j >= 0) & (so >= 0)
    if not ok.any():
        return None
    tg = dt[j[ok]]
    out = do[ok]
    binary = np.all(np.isin(tg[np.isfinite(tg)], (0.0, 1.0)))
    inside = np.nanmin(out) >= 0 and np.nanmax(out) <= 1 if np.isfinite(out).any() else False
    kind = "binary" if binary and inside else "regression"
    return so[ok], out, tg, kind


@register
def loss_curve(session) -> list[Finding]:
    """The loss rising, oscillating or stalled, from a loss site or the outputs and targets."""
    F = facts(session)
    ls = loss_series(F)
    if ls is None:
        return []
    steps, loss, how = ls
    fin = np.isfinite(loss)
    if fin.sum() < 5:
        return []
    st, v = _checks(steps[fin], loss[fin])
    first, end = float(v[0]), float(v[-1])
    out = []
    ev = dict(source=how, loss_first=first, loss_last=end, lowest=float(np.min(v)))
    if end > LIM.LOSS_RISE * first and end > 1e-8:
        out.append(_f("loss_rising", "optimisation", "warning",
                      f"The loss ({how}) rose from {first:.4g} at step {st[0]} to {end:.4g} at step {st[-1]}.",
                      int(st[0]), int(st[-1]), None, None, **ev))
    d = np.diff(v)
    if len(d) >= 6:
        rev = np.mean(np.sign(d[1:]) * np.sign(d[:-1]) < 0)
        level = np.maximum(np.abs(v[1:-1]), 1e-12)
        swing = np.median(np.abs(d[1:]) / level)
        if rev > LIM.OSC_REVERSALS and swing > LIM.OSC_SWING:
            out.append(_f("loss_oscillating", "optimisation", "warning",
                          f"The loss ({how}) swings up and down: {rev:.0%} of checks reverse direction, with typical "
                          f"swings of {swing:.0%} of its level.", int(st[0]), int(st[-1]), None, None,
                          reversals=float(rev), swing=float(swing), **ev))
    if abs(end - first) < LIM.LOSS_STALL * max(abs(first), 1e-12) and end > 1e-3 and len(v) > 5:
        out.append(_f("loss_stalled", "optimisation", "warning",
                      f"The loss ({how}) barely moved: {first:.4g} at step {st[0]}, {end:.4g} at step {st[-1]}.",
                      int(st[0]), int(st[-1]), None, None, **ev))
    return out


# -- summed gradients -----------------------------------------------------------------------------

def _divides(stmt: str, counts: frozenset = frozenset()) -> bool:
    """Does a statement average: divide, call mean, or multiply by 1/n? `counts`: names the program sets to a number
    of samples (`k = xb.shape[1]`)."""
    try:
        tree = ast.parse(strip_comment(stmt.strip()))
    except SyntaxError:
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Div, ast.FloorDiv)) \
                and _is_count(node.right, counts):
            return True
        if isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Div) and _is_count(node.value, counts):
            return True
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            for side in (node.left, node.right):
                if isinstance(side, ast.BinOp) and isinstance(side.op, ast.Div) and isinstance(side.left, ast.Constant) \
                        and _is_count(side.right, counts):
                    return True
        if isinstance(node, ast.Call) and last(ast.unparse(node.func)) in ("mean", "average", "nanmean"):
            return True
    return False


_COUNT_NAME = re.compile(r"^(n|m|N|M|b|B|bs|batch\w*|num\w*|n_\w+|\w*_?size|count|len\w*|samples?|n\w{0,3})$")


def _is_count(node, counts: frozenset = frozenset()) -> bool:
    """Does an expression look like a number of samples: len(x), x.shape[0], n, batch_size, 2 * m, or a name in
    `counts`?"""
    if isinstance(node, ast.Call) and last(ast.unparse(node.func)) in ("len", "float", "int"):
        return True
    text = ast.unparse(node)
    if "shape" in text or "size" in text or "len(" in text:
        return True
    if isinstance(node, ast.Name):
        return bool(_COUNT_NAME.match(node.id)) or node.id in counts
    if isinstance(node, ast.Attribute):
        return bool(_COUNT_NAME.match(node.attr))
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return node.value >= 2
    if isinstance(node, ast.BinOp):
        return _is_count(node.left, counts) or _is_count(node.right, counts)
    return False


def _count_names(F: Facts) -> frozenset:
    """Names the program sets to a number of samples read off an array (`k = xb.shape[1]`, `n = len(X)`)."""
    out = set()
    for x in F.sites:
        if x.kind != "assign" or "." in x.target or "[" in x.target:
            continue
        tree = parse_statement(x.statement)
        stmt = tree.body[0] if tree is not None and tree.body else None
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            value = stmt.value
            if (isinstance(value, ast.Call) and last(ast.unparse(value.func)) == "len") or (
                    isinstance(value, ast.Subscript) and isinstance(value.value, ast.Attribute)
                    and value.value.attr == "shape"):
                out.add(stmt.targets[0].id)
    return frozenset(out)


def _contracts(stmt: str) -> bool:
    """Does a statement sum over the batch: dot, matmul, @, sum, einsum, outer?"""
    try:
        tree = ast.parse(strip_comment(stmt.strip()))
    except SyntaxError:
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
            return True
        if isinstance(node, ast.Call) and last(ast.unparse(node.func)) in ("dot", "matmul", "sum", "einsum", "tensordot", "inner"):
            return True
    return False


def _opaque_call(F: Facts, sid: int) -> bool:
    """A value assigned from a call to a function held in a variable or an attribute (`grad = self.grad_fn(out, y)`,
    picked from a table at run time): no function of the program has that name and no return was linked to it, so
    what the callee computes (a division by the batch, say) was not seen."""
    x = F.by_id[sid]
    if x.kind not in ("assign", "update"):
        return False
    try:
        node = ast.parse(strip_comment(x.statement.strip())).body[0]
    except (SyntaxError, IndexError):
        return False
    call = getattr(node, "value", None)
    if not isinstance(call, ast.Call):
        return False
    func = call.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "self":
        name = func.attr
    elif isinstance(func, ast.Name) and not hasattr(builtins, func.id):
        name = func.id
    else:
        return False
    defined = {last(f) for f in F.function_defs}
    return name not in defined and not any(F.by_id[p].kind == "return" for p in F.parent_map.get(sid, []))


def summed_gradients(F: Facts) -> list[dict]:
    """Updates whose gradient sums over the batch with no division by its size anywhere on the way."""
    batch = batch_size(F)
    counts = _count_names(F)
    out = []
    for u in F.updates:
        # Gradients handed over in a container (`g = grads(x, y)` returning a dict, then `p[k] -= rate * g[k]`)
        # record no array of their own: the container is read back to the statements that fill it.
        grads = F.gradient_of(u) or F.gradient_containers(u)
        if not grads or _divides(F.by_id[u].statement):
            continue
        # The values feeding the update, back to the model's output (which is not averaged).
        stop = {a.site for a in F.activations} | ({F.output} if F.output is not None else set())
        # Each value is judged by the text that computes it: for `cost, grad = f()` only the returned element
        # the gradient comes from (the mean of a loss returned beside it does not average the gradient).
        # A returned element's value is recorded where the caller unpacks it (`shaped`).
        seen, todo, chain, text, shaped = set(), [(g, None, g) for g in grads], [], {}, {}
        while todo:
            g, position, child = todo.pop()
            if g in seen or g in F.params or g in F.data_like:
                continue
            seen.add(g)
            chain.append(g)
            element = _returned_element(F.by_id[g].statement, position) if F.by_id[g].kind == "return" else None
            # An argument's recorded statement is its whole function: it computes nothing itself.
            text[g] = ast.unparse(element) if element is not None else "" if F.by_id[g].kind == "arg" else \
                F.by_id[g].statement
            shaped[g] = child if element is not None else g
            if g in stop:
                continue
            parents = F.parent_map.get(g, [])
            if element is not None:
                read = {base_name(r) for r in expr_reads(element)}
                parents = [q for q in parents if base_name(F.by_id[q].target) in read]
            k = _unpacked_position(F.by_id[g]) if F.by_id[g].kind == "unpack" else None
            todo.extend((q, k, g) for q in parents)
        if not chain:
            continue
        if any(_divides(text[g], counts) for g in chain):
            continue
        if any(_opaque_call(F, g) for g in chain):
            continue  # a value made by a function chosen at run time: whether it divides was not seen
        # A statement that never ran in this run (a convolution's backward in a run that trains a dense net) sums
        # nothing here; one that records no array (a dict of gradients returned) ran when its function did.
        contracting = [g for g in chain if _contracts(text[g]) and F.ran(shaped[g])
                       and (F.by_id[g].kind != "return" or shaped[g] != g or _every_value_contracts(text[g]))]
        if contracting:
            c = contracting[0]
            out.append({"update": u, "gradient": c, "batch": batch,
                        "reduced": reduced_length(F, shaped[c], F.parent_map.get(c, []))})
            continue
        for g in chain:
            adds = _accumulations_per_update(F, g, u)
            if adds is not None and adds >= 2:
                out.append({"update": u, "gradient": g, "batch": adds, "accumulated": True})
                break
    return out


def summed_loss(F: Facts) -> dict | None:
    """The measured loss when its own statement adds up an axis of SUM_BATCH values or more and nothing there divides
    by their number (`cost = np.sum(term1 - term2) + l2`): a summed loss has a summed gradient by definition, so a
    summed gradient is the loss's own and the rate is what sizes the step. None when no loss site was found or it
    averages."""
    best = _loss_site(F, F.sites)
    if best is None:
        return None
    x = F.by_id[best[0]]
    text = strip_comment(x.statement.strip())
    if not _contracts(text) or _divides(text):
        return None
    count = reduced_length(F, x.id)
    if count is None or count < LIM.SUM_BATCH:
        return None
    return {"site": x.id, "count": count,
            "what": f"the loss `{text}` (line {x.line}) sums over an axis of {count} and divides by none"}


def _first_loop_shape(F: Facts, sid: int) -> tuple[int, ...] | None:
    """The shape a site recorded at its first write inside the loop (its first write when none is inside); None when
    it recorded nothing."""
    return F.loop_dims(sid) if F.observed(sid) else None


def reduced_length(F: Facts, sid: int, operands=None) -> int | None:
    """How many values a contracting statement adds up into each element, measured from the recorded shapes: the
    longest axis of a value it reads, not a parameter, that its result does not have (`resid @ rows.T`, (1, 3000) x (3000, 4) ->
    (1, 4): 3000, in either layout). `operands`: the sites it reads, when not its own parents (a returned element,
    recorded where the caller unpacks it). None when the shapes were not recorded or no axis disappears."""
    result = _first_loop_shape(F, sid)
    if result is None:
        return None
    gone = []
    x = F.by_id[sid]
    text = strip_comment(x.statement)
    reads = list(F.parent_map.get(sid, []) if operands is None else operands)

    def above(p: int) -> bool:
        w = F.by_id[p]
        return w.function == x.function and w.file == x.file and w.line < x.line

    # Of several writes of one name, those above the statement in its function reach it first in a step (the
    # minibatch's `a_h`, not the whole-set `a_h` an evaluation writes below it).
    written_above = {F.by_id[p].target for p in reads if above(p)}
    reads = [p for p in reads if F.by_id[p].target not in written_above or above(p)]
    for p in reads:
        if F.is_param(p):
            continue  # `W.T @ delta` contracts a layer's width, not the samples
        if _only_subscripted(base_name(F.by_id[p].target), text):
            continue  # `feat[i] @ theta` reads one row of feat: its recorded shape is not the operand's
        shape = _first_loop_shape(F, p)
        if shape and len(shape) >= 1:
            left = list(result)
            for d in shape:
                if d in left:
                    left.remove(d)
                elif d > 1:
                    gone.append(d)
    return max(gone) if gone else None


def _only_subscripted(name: str, text: str) -> bool:
    """Every read of `name` in the statement takes an element or a slice of it (`feat[i]`), never the whole value."""
    if not name or "." in name or "[" in name:
        return False
    hits = [m.end() for m in re.finditer(rf"(?<![\w.]){re.escape(name)}\b", text)]
    return bool(hits) and all(text[e:].lstrip().startswith("[") for e in hits)


def _unpacked_position(site) -> int | None:
    """The position of an unpacked name in its tuple target (`cost, grad = f()`: grad is 1); None if not found."""
    try:
        node = ast.parse(strip_comment(site.statement.strip())).body[0]
    except (SyntaxError, IndexError):
        return None
    if not isinstance(node, ast.Assign) or not isinstance(node.targets[0], (ast.Tuple, ast.List)):
        return None
    for k, elt in enumerate(node.targets[0].elts):
        if ast.unparse(elt) == site.target:
            return k
    return None


def _every_value_contracts(statement: str) -> bool:
    """A `return {"W": X.T @ d, "b": d.sum(0)}`: every value of a returned dict contracts, so whichever key the
    caller takes (`g[k]` over the keys) is a sum."""
    try:
        node = ast.parse(strip_comment(statement.strip())).body[0]
    except (SyntaxError, IndexError):
        return False
    return isinstance(node, ast.Return) and isinstance(node.value, ast.Dict) and bool(node.value.values) and \
        all(_contracts(ast.unparse(v)) for v in node.value.values)


def _returned_element(statement: str, position: int | None):
    """The expression a `return a, b, c` hands back at one position (None: no tuple, or no position)."""
    if position is None:
        return None
    try:
        node = ast.parse(strip_comment(statement.strip())).body[0]
    except (SyntaxError, IndexError):
        return None
    if isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple) and position < len(node.value.elts):
        return node.value.elts[position]
    return None


def _accumulations_per_update(F: Facts, g: int, u: int) -> int | None:
    """How many times a `grad += ...` site added to the gradient in the first recorded step before the update
    read it (a loop over samples summing per-sample gradients); None for any other statement or unrecorded."""
    try:
        node = ast.parse(strip_comment(F.by_id[g].statement.strip())).body[0]
    except (SyntaxError, IndexError):
        return None
    if not (isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add)):
        return None
    su, sg = F.ser(u), F.ser(g)
    if su is None or sg is None or not len(su) or not len(sg):
        return None
    first = np.nonzero(su.step >= 0)[0]
    if not len(first):
        return None
    step, seq = su.step[first[0]], su.seq[first[0]]
    return int(np.count_nonzero((sg.step == step) & (sg.seq < seq)))


def batch_axis_size(F: Facts) -> tuple[int | None, str]:
    """(samples in the input batch, its shape) for a 2-D input: the axis whose length no parameter has
    (the other one meets the weights), whichever the layout; None for a 1-D sample or an unclear layout."""
    i = F.inputs
    sr = F.ser(i) if i is not None else None
    if sr is None or not len(sr):
        return None, ""
    # The last shape the model read: in-loop rows (a minibatch) when there are some.
    m = np.nonzero(sr.step >= 0)[0]
    shape = str(sr.shape[int(m[0]) if len(m) else len(sr) - 1])
    dims = [int(d) for d in re.findall(r"\d+", shape)]
    if len(dims) != 2:
        return None, shape
    pdims = set()
    for u in F.updates:
        pdims.update(int(d) for d in re.findall(r"\d+", str(F.ser(u).shape[-1])))
    free = [d for d in dims if d not in pdims]
    if len(free) == 1:
        return free[0], shape
    if dims[0] == dims[1] or not pdims:
        return None, shape
    return max(dims), shape  # no parameter matches either axis: the samples are the longer one


def batch_size(F: Facts) -> int | None:
    i = F.inputs
    if i is None:
        return None
    sr = F.ser(i)
    if sr is None or not len(sr):
        return None
    nums = re.findall(r"\d+", str(sr.shape[-1]))
    return int(nums[0]) if nums else None


@register
def gradient_sum_not_mean(session) -> list[Finding]:
    """Gradients summed over a large batch instead of averaged: the step grows with the batch size."""
    F = facts(session)
    out = []
    if summed_loss(F):
        return out  # the loss sums over the samples itself: a summed gradient is its own gradient
    for d in summed_gradients(F):
        b = d["batch"]
        if not d.get("accumulated") and _first_loop_shape(F, d["gradient"]) is not None and d.get("reduced") is None:
            continue  # its shape was recorded and no axis of what it reads disappears: it sums over no samples
        if not d.get("accumulated") and d.get("reduced"):
            b = d["reduced"]  # what the statement adds up: a minibatch, not the whole table it was cut from
        if b is None or b < LIM.SUM_BATCH:
            continue
        g = F.by_id[d["gradient"]]
        out.append(_f("gradient_sum_not_mean", "optimisation", "warning",
                      f"`{strip_comment(g.statement.strip())}` (line {g.line}) sums over all {b} samples and nothing "
                      f"divides by {b}: each step is {b}x larger than with the mean.", None, None,
                      base_name(g.target), g.line, batch=b, update=F.by_id[d["update"]].target))
    return out


# A backward value updated many times within one step (backpropagation through time or through a
# loop over layers) that shrinks or grows by 1e4 from its first to its last update in the step:
# the gradient reaching the earliest time steps or layers has vanished or exploded (Bengio et al.
# 1994; Pascanu et al. 2013 measure the same norm ratio).
DECAY = 1e-4
GROW = 1e4
MIN_REPEATS = 5


@register
def gradient_through_time(session) -> list[Finding]:
    """Vanishing or exploding gradients along a loop inside one step (BPTT, layer loops)."""
    F = facts(session)
    out = []
    f = session.table
    if not len(f) or F.n_steps < 1:
        return out
    loop_steps = np.unique(f[C.STEP])
    loop_steps = loop_steps[loop_steps >= 0]
    if not len(loop_steps):
        return out
    picks = loop_steps[np.linspace(0, len(loop_steps) - 1, min(5, len(loop_steps))).astype(int)]
    # Backward values are what the parameters' gradients are computed from: a running loss total or a
    # forward state also changes many times in a step, but feeds no update.
    feeds = set()
    todo = [g for u in F.updates for g in F.gradient_of(u)]
    while todo:
        n = todo.pop()
        if n in feeds or n in F.params:
            continue
        feeds.add(n)
        todo.extend(F.parent_map.get(n, []))
    roles = getattr(getattr(F, "structure", None), "loop_roles", {}) or {}
    per_parameter = {lid for lid, r in roles.items() if r.kind == "per-parameter"}
    for x in F.sites:
        if x.loop in per_parameter and base_name(x.target) not in x.reads:
            # Written afresh for each parameter a loop walks (`next_w, cfg = sgd(w, dw, cfg)` over a dict of
            # weights): consecutive values belong to different parameters, no chain carried back through layers.
            continue
        # A recurrence that rewrites itself (`delta = (delta @ W.T) * ...`) outside the forward pass and the
        # loss is a backward value too, even when the data flow to the update goes through a container.
        recurrence = x.kind == "update" and x.phase not in ("loss", "forward") and x.id not in F.forward_sites \
            and not _LOSS_NAME.search(last(base_name(x.target)))
        if x.id not in feeds and not recurrence:
            continue
        # Data is not a gradient; but when no parameter was found everything counts as data-like, and the
        # backward values are still worth measuring.
        forward = x.phase == "forward" or (x.id in F.forward_sites and x.phase not in ("backward", "update"))
        if forward or x.id in F.params or (F.params and x.id in F.data_like) or x.kind in ("arg", "return"):
            continue
        sr = F.ser(x.id)
        if sr is None or len(sr) < MIN_REPEATS:
            continue
        # A value restarted by another write of its name (`dh = err * v` before `dh = Wh.T @ dh`) runs one
        # chain per restart: a step of per-sample backward passes holds many chains, each judged alone.
        name = base_name(x.target)
        restarts = np.sort(np.concatenate([F.ser(w).seq for w in F.writers.get(F.key(x.id), []) if w != x.id
                                           and F.ser(w) is not None and name not in F.by_id[w].reads] or [np.zeros(0)]))
        # Judge steps where the value is still finite: after a blow-up every step is NaN.
        ok_steps = np.unique(sr.step[(sr.step >= 0) & np.isfinite(sr[C.L2]) & (sr[C.L2] > 0)])
        my_picks = ok_steps[np.linspace(0, len(ok_steps) - 1, min(5, len(ok_steps))).astype(int)] if len(ok_steps) else picks
        ratios = []
        for st in my_picks:
            a, b = np.searchsorted(sr.step, st, side="left"), np.searchsorted(sr.step, st, side="right")
            if b - a < MIN_REPEATS:
                continue
            chain = np.searchsorted(restarts, sr.seq[a:b]) if len(restarts) else np.zeros(b - a, int)
            per = []
            for cid in np.unique(chain):
                l2 = sr[C.L2][a:b][chain == cid]
                l2 = l2[np.isfinite(l2) & (l2 > 0)]
                if len(l2) >= MIN_REPEATS:
                    per.append((float(l2[-1] / l2[0]), float(l2[0]), float(l2[-1]), len(l2)))
            if per:
                q = sorted(per)[len(per) // 2]  # the median chain of the step
                ratios.append((q[0], q[1], q[2], q[3], int(st)))
        if len(ratios) < min(2, len(my_picks)):
            continue
        r = np.array([q[0] for q in ratios])
        name = base_name(x.target)
        mid = ratios[len(ratios) // 2]
        if np.all(r < DECAY):
            out.append(_f("vanishing_gradient", "optimisation", "warning",
                          f"Within step {mid[4]}, {name} (line {x.line}) shrinks from {mid[1]:.3g} to {mid[2]:.3g} over "
                          f"its {mid[3]} updates ({mid[0]:.2g}x): the gradient that reaches the earliest time steps or "
                          f"layers has vanished.", int(ratios[0][4]), int(ratios[-1][4]), name, x.line,
                          decay=mid[0], first_norm=mid[1], last_norm=mid[2], repeats=mid[3]))
        elif np.all(r > GROW):
            out.append(_f("exploding_gradient", "optimisation", "warning",
                          f"Within step {mid[4]}, {name} (line {x.line}) grows from {mid[1]:.3g} to {mid[2]:.3g} over "
                          f"its {mid[3]} updates ({mid[0]:.2g}x): the gradient explodes on its way back.",
                          int(ratios[0][4]), int(ratios[-1][4]), name, x.line, growth=mid[0], first_norm=mid[1],
                          last_norm=mid[2], repeats=mid[3]))
    return out


# -- measurements the optimisation-dynamics cause rules share --------------------------------------

def trouble(F: Facts, session) -> dict | None:
    """How the run went wrong, measured: the first non-finite value, a loss that ends above its start,
    or weights that keep growing. None when none of them was measured; {} when the run stayed sound."""
    out: dict = {}
    fn = first_nonfinite_info(session)
    # NaN already in the data before training is the data's doing, not the optimisation's: judge the rest.
    if fn is not None and fn["step"] >= 0:
        out.update(kind="nonfinite", step=int(fn["step"]), what=f"at step {fn['step']} "
                   f"`{fn.get('expression') or fn.get('statement')}` computes {fn.get('operation')}")
        return out
    ls = loss_series(F)
    measured = ls is not None and np.isfinite(ls[1]).sum() >= 5
    if measured:
        steps, loss = ls[0], ls[1]
        fin = np.isfinite(loss)
        first, end = float(loss[fin][0]), float(loss[fin][-1])
        if fin.sum() >= 20:
            # A loss recorded per sample is noisy: one sample's loss against another's says nothing, so a long
            # series is judged on the mean of its first and last tenths.
            # The start is the lower of the first value and the first tenth's mean: a loss that rose within its
            # first tenth (a run thrown off in its first steps) rose all the same.
            tenth = int(fin.sum()) // 10
            first, end = min(first, float(np.mean(loss[fin][:tenth]))), float(np.mean(loss[fin][-tenth:]))
        # The same loss measured before the first step is where the run started: a loss checked only after each
        # pass (`cost()` after every epoch) has already moved at its first check.
        ahead = loss_before_training(F)
        if ahead is not None and ahead > 0:
            first = min(first, ahead)
        if end > LIM.LOSS_RISE * first and end > 1e-8:
            # The trouble starts where the loss first doubles.
            up = np.nonzero(fin & (loss > 2 * first))[0]
            step = int(steps[up[0]]) if len(up) else int(steps[fin][-1])
            return dict(kind="loss", step=step, loss_first=first, loss_last=end,
                        what=f"the loss ({ls[2]}) rose from {first:.4g} to {end:.4g}")
    grown = []
    for u in F.updates:
        all_steps, all_before = F.weight_norm_before(u)
        if len(all_before) < 3 or bias_named(F, u):
            continue
        measured = True
        # One statement stepping several arrays in turn (`for p, g in zip(params, grads): p -= lr * g`): each
        # array's norm is compared with its own start, not with the array stepped before it.
        for rows in rows_by_shape(F.ser(u), len(all_before)):
            steps, before = all_steps[rows], all_before[rows]
            fin = np.isfinite(before) & (before > 0)
            if not fin.any():
                continue
            start, peak = float(before[fin][0]), float(np.max(before[fin]))
            if peak > LIM.DIVERGE_FACTOR * start and peak > DIVERGE_NORM:
                big = np.nonzero(fin & (before > 2 * start))[0]
                grown.append((int(steps[big[0]]), start, peak, u))
    if grown:
        step, start, peak, u = min(grown, key=lambda g: g[0])
        return dict(kind="weights", step=step, what=f"the norm of {_param(F, u)} grew from {start:.3g} to {peak:.3g}")
    return out if measured else None


def rows_by_shape(sr, n: int) -> list[np.ndarray]:
    """The rows of an update site's series grouped by the shape written (one group when it writes one shape)."""
    if sr is None or sr.shape is None or len(sr) != n:
        return [np.arange(n)]
    return [np.nonzero(sr.shape.matches(text))[0] for _, text in sr.shape.unique_first()]


def sound_run_words(F: Facts) -> str:
    """What showed a run sound when `trouble` found nothing: the loss's course when it was measured, otherwise
    the weights' norms, and which of the two was not measured."""
    ls = loss_series(F)
    if ls is not None and np.isfinite(ls[1]).sum() >= 5:
        loss = ls[1][np.isfinite(ls[1])]
        return f"the run stays finite and the loss ({ls[2]}) goes from {float(loss[0]):.4g} to {float(loss[-1]):.4g}"
    for u in F.updates:
        _, before = F.weight_norm_before(u)
        before = before[np.isfinite(before)]
        if len(before) >= 3:
            return (f"no loss was measured; the run stays finite and the norm of {_param(F, u)} goes from "
                    f"{float(before[0]):.3g} to {float(before[-1]):.3g}")
    return "the run stays finite (no loss or weight norm was measured)"


# Thrown off and stalled: a loss that ends no more than this share below its start made no progress.
THROWN_DROP = 0.1


def thrown_off(F: Facts) -> dict | None:
    """A loss that jumped to LOSS_JUMP x its first value at two checks in a row (one noisy batch is no jump),
    then ended no more than THROWN_DROP below that first value: the run was thrown off and never learned
    after it (a weight pushed where its units saturate or die stays there). {} when the loss did not, None
    when fewer than 5 finite loss values were measured or it went non-finite (a blow-up, judged elsewhere)."""
    ls = loss_series(F)
    if ls is None or np.isfinite(ls[1]).sum() < 5 or not np.isfinite(ls[1]).all():
        return None
    steps, loss, how = ls
    first = float(loss[0])
    if first <= 0:
        return {}
    high = loss > LIM.LOSS_JUMP * first
    twice = np.nonzero(high[1:] & high[:-1])[0]
    if not len(twice):
        return {}
    j = int(twice[0])
    k = j
    while k < len(loss) and high[k]:
        k += 1
    peak = float(np.max(loss[j:k]))  # the top of the jump's first run of high values
    # The end as the median of the last tenth (at least 3 values): one lucky batch is not where the run ended.
    tail = loss[-max(3, len(loss) // 10):]
    end = float(np.median(tail))
    if end < (1 - LIM.THROWN_DROP) * first:
        return {}
    return dict(kind="thrown", step=int(steps[j]), loss_first=first, loss_peak=peak, loss_end=end,
                what=f"the loss ({how}) jumped from {first:.4g} to {peak:.4g} at step {int(steps[j])} and ended at "
                     f"{end:.4g} (median of its last {len(tail)} values), not {LIM.THROWN_DROP:.0%} below where it "
                     f"started")


def step0_blowup(F: Facts, session) -> dict | None:
    """Were values already blowing up at the first step, before any update ran? (the initialisation's doing)

    Compares the largest array value computed in the first step before the first update with the largest
    value recorded before the loop (data, initial parameters). None when there is no update row to stand on."""
    f = session.table
    if not len(f) or not F.updates:
        return None
    step = f[C.STEP]
    seq = f[C.SEQ]
    size = f[C.SIZE]
    absmax = f[C.ABSMAX]
    first_updates = [F.ser(u) for u in F.updates if F.ser(u) is not None and (F.ser(u).step >= 0).any()]
    if not first_updates:
        return None
    s0 = min(int(sr.step[sr.step >= 0][0]) for sr in first_updates)
    at_s0 = np.concatenate([sr.seq[sr.step == s0] for sr in first_updates])
    q0 = int(at_s0.min())
    if not ((step == s0) & (seq < q0)).any():
        # Updates that open the step before anything is computed (a Nesterov look-ahead, `p += mu * v` with the
        # velocity still zero): the step's computation runs before the updates that follow it.
        others = seq[(step == s0) & ~np.isin(f[C.SITE], list(F.updates))]
        later = at_s0[at_s0 > others.min()] if len(others) else at_s0[:0]
        q0 = int(later.min()) if len(later) else q0
    pre = (step < 0) & np.isfinite(absmax)
    now = (step == s0) & (seq < q0) & (size > 1)
    if not now.any():
        now = (step == s0) & (seq < q0) & (size >= 1)  # a pure-Python program: its values are scalars
    if not pre.any() or not now.any():
        return None
    # An array too large to summarise has no statistics (NaN, with no NaN counted): it was not measured.
    bad = f.nonfinite()
    now &= ~np.isnan(absmax) | bad
    if not now.any():
        return None
    scale0 = float(max(np.max(absmax[pre]), 1.0))
    vals = absmax[now]
    nonfinite = bool(np.any(~np.isfinite(vals)) or np.any(bad[now]))
    peak = float(np.nanmax(vals)) if np.isfinite(vals).any() else float("inf")
    # The first non-finite value recorded after the step's first update, computed from the parameters, came from the
    # update, not from the start (a constant overflowing on its own, `np.float16(60000) * 2`, came from neither).
    after = False
    if bad.any() and not (bad & (seq < q0)).any():
        first_bad = int(np.argmin(np.where(bad, seq, np.iinfo(np.int64).max)))
        sid = int(f[C.SITE][first_bad])
        after = sid in F.derived or sid in F.params
    return {"step": s0, "peak": peak, "scale_before": scale0, "growth": peak / scale0, "nonfinite": nonfinite,
            "nonfinite_after_update": after}


def consecutive_cosines(F: Facts, update: int, until: int | None = None) -> np.ndarray | None:
    """The cosine of each change of an array parameter with the change before it, over the loop's writes up to step
    `until`, from the values kept at every write. None when its values were not kept at every write."""
    kept = F.values(update)
    if kept is None:
        return None
    steps, data, _ = kept
    sr = F.ser(update)
    if sr is None or len(steps) != len(sr.step) or data.ndim != 2 or data.shape[1] < 2:
        return None
    rows = np.nonzero((steps >= 0) & (True if until is None else steps <= until))[0]
    with np.errstate(all="ignore"):
        delta = np.diff(data[rows], axis=0)
        norm = np.sqrt(np.sum(delta * delta, axis=1))
        cos = np.sum(delta[1:] * delta[:-1], axis=1) / (norm[1:] * norm[:-1])
    return cos[np.isfinite(cos)]


def alternation(values: np.ndarray) -> tuple[float, float]:
    """(share of consecutive changes that reverse sign, growth of the change from the first to the last third)."""
    v = values[np.isfinite(values)]
    d = np.diff(v)
    if len(d) < 6:
        return float("nan"), float("nan")
    rev = float(np.mean(np.sign(d[1:]) * np.sign(d[:-1]) < 0))
    k = max(2, len(d) // 3)
    with np.errstate(all="ignore"):
        growth = float(np.median(np.abs(d[-k:])) / max(np.median(np.abs(d[:k])), 1e-300))
    return rev, growth


def stepped_updates(F: Facts) -> list[int]:
    """Updates that read a step size (a scalar hyperparameter): the parameters a learning rate moves. All the
    updates when none reads one (`w -= 0.5 * g`); a rebinding that reads none (`x = layer.forward(x)`) is
    no parameter of the learning rate."""
    stepped = [u for u in F.updates if F.lr_sites(u) or _through_velocity(F, u)]
    return stepped or list(F.updates)


def _through_velocity(F: Facts, u: int) -> bool:
    """Whether an update adds a velocity (`w[j] = w[j] + vw[j]`): a value it reads that is carried over from its own
    previous value and moved by a step size each time (`vw[j] = momentum * vw[j] - step * grad`)."""
    for p in F.parents(u):
        x = F.by_id[p]
        if p in F.updates or x.loop is None or not F.observed(p) or F.is_hyper(p):
            continue
        own = base_name(x.target)
        if any(base_name(F.by_id[q].target) == own for q in F.parents(p)) and F.lr_sites(p):
            return True
    return False


def oversized_steps(F: Facts, by: dict, until: int | None, limit: float, only: list[int] | None = None,
                    fall: float | None = None) -> dict | None:
    """The measured evidence that steps were too large before `until`: a spike >= limit of a weight's norm
    (with the typical ratio before it), or a median ratio >= limit up to the point the weights had doubled,
    or a scalar weight overshooting (its change alternating in sign and growing). None if no ratio was measured.
    With `fall`: also a median >= limit from a first step smaller than the weights, whose ratio fell over the n
    updates judged by less than fall x n-fold (steps of a steady size on weights they keep growing: growth from a
    negligible start makes the k-th ratio about 1/k of the first, an n-fold fall)."""
    best = None
    measured = False
    for f in by.get("update_spike", []):
        if f.evidence.get("ratio", 0) >= limit and (until is None or f.first_step <= until) and f.severity == "error":
            # the update that spiked; several updates can share a name (`parameters['W' + str(l)]` and the biases)
            u = f.evidence.get("update_site")
            if u not in F.updates:
                u = next((u for u in F.updates if _param(F, u) == f.site), None)
            if u is not None and (bias_named(F, u) or only is not None and u not in only):
                continue
            cand = dict(how="spike", update=u, name=f.site, step=int(f.evidence.get("spike_step", f.first_step)),
                        ratio=float(f.evidence["ratio"]), typical=float(f.evidence.get("typical_ratio", float("nan"))),
                        finding=f.code)
            if best is None or cand["ratio"] > best["ratio"]:
                best = cand
    for u in (F.updates if only is None else only):
        if bias_named(F, u):
            continue
        steps, up, before, ratio = update_ratios(F, u)
        if not len(ratio):
            continue
        measured = True
        # Up to where the trouble starts, or the weights first reach twice their starting norm: steps
        # that are large only once the run is already diverging are its consequence.
        end = len(ratio)
        if until is not None:
            end = int(np.searchsorted(steps, until, side="left"))  # the steps before the trouble, not its own
        sr = F.ser(u)
        # Overshoot: the value (its mean, for an array) swinging back and forth with a growing amplitude.
        # A statement writing several arrays each step (a loop over layers, a dict's keys) is followed one array
        # at a time: the k-th write of a step against the k-th write of the steps before.
        inloop = np.nonzero(sr.step >= 0)[0]
        if until is not None:
            inloop = inloop[:max(int(np.searchsorted(sr.step[inloop], until, side="right")), 12)]
        position = _write_positions(sr.step[inloop])
        rev, growth, vals = float("nan"), float("nan"), np.zeros(0)
        for k in np.unique(position):
            rows = inloop[position == k]
            r, g = alternation(sr[C.MEAN][rows])
            if r >= 0.8 and g >= LIM.GROWTH_FACTOR and _mean_carries_update(sr, rows):
                rev, growth, vals = r, g, sr[C.MEAN][rows]
                break
        if rev >= 0.8 and growth >= LIM.GROWTH_FACTOR and (best is None or best["how"] == "median"):
            best = dict(how="overshoot", update=u, name=_param(F, u), step=int(steps[0]),
                        ratio=float(np.median(ratio[:max(end, 3)])), reversals=rev, growth=growth, n=int(len(vals)))
            continue
        init = F.weight_norm_before(u)[1]
        window = ratio[:max(end, 3)]
        # Growth from zero under steps of a steady size makes the k-th ratio about 1/k: from update 2 / limit on it is
        # below half the limit. Ratios still at the limit there are steps as large as the weights, not a start at 0.
        late = window[int(np.ceil(2 / limit)):] if limit > 0 else window[:0]
        late_large = len(late) >= 3 and float(np.median(late)) >= limit and _swings_back(sr, steps[len(window) - 1])
        if len(init) and init[0] == 0 and not float(np.median(window[:3])) > LIM.OUTGROW and not late_large:
            # grown from zero (a bias, an offset): its ratio starts at 1 and, near zero, says nothing, unless its
            # steps outgrow the value itself OUTGROW-fold (growth from zero makes the k-th step 1/k of the value)
            continue
        # Large steps that keep growing geometrically: each update larger than the one before by a constant
        # factor (a step that only looks large because the weights started near zero shrinks like 1/k).
        med = float(np.median(window))
        grows = [f for f in by.get("sustained_growth", []) if f.severity == "error" and f.site in (
            _param(F, u), *[base_name(F.by_id[g].target) for g in F.gradient_of(u)])]
        steady = fall is not None and steady_steps(window, fall)
        # Large "to the last one judged" needs more than one or two updates judged: a single step a large part of
        # small starting weights, just before the trouble, is no run of large steps unless it outgrows them.
        if med >= limit and ((window[-1] >= limit and len(window) >= 3) or float(np.median(window[:3])) > LIM.OUTGROW
                             or steady or late_large) and best is None:
            # Large from the first update to the last one judged: a weight that started near zero shows
            # large ratios that fall like 1/k as it grows; these did not fall. Or larger than the weights themselves
            # OUTGROW-fold from the first steps: growth from zero never gives that (its k-th step is 1/k of the weights).
            best = dict(how="median", update=u, name=_param(F, u), step=int(steps[0]), ratio=med,
                        last=float(window[-1]), upto=int(steps[min(max(end, 3), len(steps)) - 1]), n=int(len(window)))
        elif best is None and (j := _outgrown(window, before[:len(window)])) is not None:
            # One step OUTGROW-fold larger than weights that had not shrunk (no growth from zero, no collapse
            # first): a single update that throws the weights away, however short the run before it.
            best = dict(how="outgrown", update=u, name=_param(F, u), step=int(steps[j]), ratio=float(window[j]),
                        norm=float(before[j]), typical=float(np.median(window[:j])) if j else float("nan"))
        elif med >= limit and grows and best is None:
            g = grows[0]
            best = dict(how="growth", update=u, name=_param(F, u), step=int(steps[0]), ratio=med,
                        upto=int(steps[min(max(end, 3), len(steps)) - 1]), n=int(len(window)),
                        growth_from=float(g.evidence.get("start", float("nan"))),
                        growth_to=float(g.evidence.get("end", float("nan"))), growth_site=g.site,
                        growth_checks=int(g.evidence.get("checks", 0)))
    if best is None and not measured:
        return None
    return best or {}


def _outgrown(ratios: np.ndarray, before: np.ndarray) -> int | None:
    """The position of the first update after the first that moves the weights by more than OUTGROW times the norm
    they held, where that norm is at least half their first (not grown from zero, not collapsed); None when there is
    none. (The first update alone says little: small starting weights make any first step large beside them.)"""
    with np.errstate(invalid="ignore"):
        hit = np.nonzero(np.isfinite(ratios) & (ratios > LIM.OUTGROW) & (before >= 0.5 * before[0]) & (before > 0))[0]
    # ... and that landed: the weights the next update starts from are at least twice as large (a step lost on a
    # copy leaves them where they were)
    hit = [j for j in hit if 1 <= j < len(before) - 1 and before[j + 1] >= 2 * before[j]]
    return int(hit[0]) if hit and before[0] > 0 else None


def _swings_back(sr, upto: int) -> bool:
    """Whether the in-loop values of an update site (its mean, for an array) change direction at SWING_SHARE or more
    of consecutive changes, up to step `upto`."""
    vals = sr[C.MEAN][(sr.step >= 0) & (sr.step <= upto)].astype(np.float64)
    change = np.diff(vals)
    change = change[np.isfinite(change) & (change != 0)]
    if len(change) < 3:
        return False
    return bool(np.mean(np.sign(change[1:]) != np.sign(change[:-1])) >= LIM.SWING_SHARE)


def steady_steps(ratios: np.ndarray, fall: float) -> bool:
    """Update ratios of steps that kept their size while the weights grew under them: a first step smaller than
    the weights, and a ratio that fell over the n updates by less than fall x n-fold. Growth from a negligible start
    makes the k-th ratio about 1/k of the first (an n-fold fall); three ratios at least."""
    ratios = np.asarray(ratios, dtype=np.float64)
    return bool(len(ratios) >= 3 and ratios[-1] > 0 and ratios[0] < 1.0
                and ratios[0] / ratios[-1] < fall * len(ratios))


def _write_positions(steps: np.ndarray) -> np.ndarray:
    """For each row, how many rows of the same step came before it (0 for the first write of a step)."""
    position = np.zeros(len(steps), np.int64)
    for i in range(1, len(steps)):
        position[i] = position[i - 1] + 1 if steps[i] == steps[i - 1] else 0
    return position


def _mean_carries_update(sr, rows=None) -> bool:
    """Does an array's mean move with its updates? |change of the mean| x sqrt(size) is at most the update's norm,
    and equal when every element moves alike; a mean the updates leave in place (a softmax layer's offsets, whose
    gradient sums to zero over the classes) swings at rounding level, and its swings say nothing about overshoot.
    True for a scalar, or when the update norm was not recorded."""
    m = np.nonzero(sr.step >= 0)[0] if rows is None else rows
    up = sr[C.UPDATE_L2][m]
    size = sr[C.SIZE][m]
    if len(m) < 3 or not np.isfinite(up).any() or np.nanmax(size) <= 1:
        return True
    with np.errstate(all="ignore"):
        moved = np.abs(np.diff(sr[C.MEAN][m].astype(np.float64))) * np.sqrt(size[1:])
        share = moved / up[1:]
    share = share[np.isfinite(share)]
    return not len(share) or float(np.median(share)) >= MEAN_SHARE


# The mean's change must carry this share of the update's norm for its sign to stand for the array's.
MEAN_SHARE = 0.1


def loss_progress(F: Facts) -> dict | None:
    """(first, last, relative drop) of the measured loss; from fewer than 5 finite values only when no loss was
    computed before and after the loop (then from 3 or 4, a loss printed every hundred steps); else None."""
    ls = loss_series(F)
    if ls is None or np.isfinite(ls[1]).sum() < 5:
        around = loss_before_after(F)
        if around is not None or ls is None or np.isfinite(ls[1]).sum() < 3:
            return around
    steps, loss, how = ls
    fin = np.isfinite(loss)
    first, end = float(loss[fin][0]), float(loss[fin][-1])
    drop = (first - end) / max(abs(first), 1e-12)
    if not fin.all():
        drop = float("-inf")  # it went non-finite: it did not barely move
    finite = loss[fin]
    mid = float(finite[len(finite) // 2])
    late = (mid - end) / max(abs(mid), 1e-12) if fin.all() else float("-inf")
    return {"first": first, "last": end, "drop": drop, "middle": mid, "late_drop": late, "how": how,
            "steps": int(fin.sum())}


def loss_before_after(F: Facts) -> dict | None:
    """A loss computed only before the training loop and after it (`start = avg_loss()` ... `avg_loss()`):
    a scalar site named like a loss, or the return of a function named so, with a value before the first
    step and one at or after the last."""
    best = None
    for x in F.sites:
        sr = F.ser(x.id)
        if sr is None or len(sr) < 2 or x.kind == "arg" or np.nanmax(sr[C.SIZE]) > 1:
            continue
        named = bool(_LOSS_NAME.search(last(base_name(x.target)))) or (
            x.kind == "return" and bool(_LOSS_NAME.search(last(x.function))))
        if not named or x.kind == "augassign" or x.phase == "update":
            continue  # a running total is not the loss
        before, after = sr.step < 0, sr.step >= max(F.n_steps - 1, 1)
        if not before.any() or not after.any():
            continue
        first, end = float(sr[C.MEAN][before][0]), float(sr[C.MEAN][after][-1])
        if np.isfinite(first) and np.isfinite(end) and (best is None or x.kind == "return"):
            best = {"first": first, "last": end, "drop": (first - end) / max(abs(first), 1e-12),
                    "how": f"{x.target if x.kind != 'return' else x.function + '()'} before and after training "
                           f"(line {x.line})", "steps": 2}
    return best


def typical_ratio(F: Facts, only: list[int] | None = None) -> dict | None:
    """The median update ratio of the weights (not named like biases) whose norm did not start at zero, and of
    the rest when none did. None when no ratio was measured."""
    per = []
    for u in (F.updates if only is None else only):
        steps, up, before, ratio = update_ratios(F, u)
        if len(ratio) < 3:
            continue
        init = F.weight_norm_before(u)[1]
        per.append((bias_named(F, u), bool(len(init) and init[0] == 0), float(np.median(ratio)), _param(F, u), u))
    if not per:
        return None
    best = [p for p in per if not p[0] and not p[1]] or [p for p in per if not p[0]] or per
    top = max(best, key=lambda p: p[2])
    return {"ratio": top[2], "name": top[3], "update": top[4], "from_zero": top[1], "all": {p[3]: p[2] for p in per}}


def gradient_size(F: Facts, u: int) -> float | None:
    """The median RMS of the gradient an update reads (its value, for a scalar); None if none was recorded."""
    buffer = _step_buffer(F, u)
    if buffer is not None and _in_place(F, buffer[0]):
        # A step buffer (`v -= lr * g`, then `p += v`) holds steps, not the gradient: the gradient's size is the
        # change the rate's statement made over the rate, where it writes in place (a rebinding, `v = mu * v - lr
        # * g`, changes the buffer by more than the rate's term).
        rms = _rms_over_rate(F, *buffer)
        return float(np.median(rms)) if rms is not None else None
    vals = []
    for g in F.gradient_of(u):
        sr = F.ser(g)
        if sr is None:
            continue
        m = (sr.step >= 0) & ~unmeasured(sr)
        with np.errstate(all="ignore"):
            rms = sr[C.L2][m] / np.sqrt(np.maximum(sr[C.SIZE][m], 1))
        rms = rms[np.isfinite(rms)]
        if len(rms):
            vals.append(float(np.median(rms)))
    # No recorded gradient, but a step that is the rate times it (`rate * grads["dW" + str(i)]`), here or where the
    # same parameter is written in place (`params = update(params, grads, rate)` runs `params[k] -= rate * ...`):
    # its size is the step's over the rate.
    own = base_name(F.by_id[u].target)
    for v in ([] if vals else [u] + [v for v in F.updates if v != u and base_name(F.by_id[v].target) == own]):
        rate_site = _rate_product(F, v, any_factor=True)
        rms = _rms_over_rate(F, v, rate_site) if rate_site is not None else None
        if rms is not None:
            vals.append(float(np.median(rms)))
    return max(vals) if vals else None


def _rms_over_rate(F: Facts, site: int, rate_site: int) -> np.ndarray | None:
    """The RMS of the gradient a statement that changes a value by the rate times it (`w -= lr * g`) applied in the
    loop: its change over the rate, per element; None when no change was recorded."""
    sr = F.ser(site)
    if sr is None:
        return None
    m = np.nonzero((sr.step >= 0) & np.isfinite(sr[C.UPDATE_L2]))[0]
    ok, rate = _rates_at(F, rate_site, sr.seq[m])
    with np.errstate(all="ignore"):
        rms = sr[C.UPDATE_L2][m][ok] / rate / np.sqrt(np.maximum(sr[C.SIZE][m][ok], 1))
    rms = rms[np.isfinite(rms) & (rate > 0)]
    return rms if len(rms) else None


def _rate_product(F: Facts, u: int, any_factor: bool = False) -> int | None:
    """The recorded scalar rate an update multiplies with an expression computed in the statement itself (no variable
    holds the gradient), or, with `any_factor` (no value the update reads was recorded as its gradient), with any one
    factor (`grads["dW" + str(i)]`). None when the update is not of that form or the rate was not recorded."""
    x = F.by_id[u]
    rates = [s for s in F.lr_sites(u) if F.ser(s) is not None and len(F.ser(s))]
    tree = _parse(x.statement)
    if tree is None or len(rates) != 1:
        return None
    rate_name = base_name(F.by_id[rates[0]].target)
    plain = (ast.Name, ast.Attribute, ast.Subscript)
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            for side, other in ((node.left, node.right), (node.right, node.left)):
                if isinstance(side, (ast.Name, ast.Attribute)) and base_name(ast.unparse(side)) == rate_name \
                        and not isinstance(other, (ast.Constant,) if any_factor else plain + (ast.Constant,)):
                    return rates[0]
    return None


def _rates_at(F: Facts, rate: int, seqs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(which writes had a rate recorded before them, the rate then) for writes at `seqs`."""
    rs = F.ser(rate)
    at = np.searchsorted(rs.seq, seqs, side="left") - 1
    ok = at >= 0
    return ok, rs[C.MEAN][at[ok]].astype(np.float64)


def _steps_over_rate(F: Facts, u: int, delta: np.ndarray, rows: np.ndarray, any_factor: bool = False) -> float | None:
    """Sum of |step|^2 / rate over an update's in-loop writes when the step is the rate times the gradient
    (`_rate_product`), the rate read as it was at each write. None when the update is not of that form."""
    terms = _squares_over_rate(F, u, delta, F.ser(u).seq[rows], any_factor)
    return None if terms is None else float(np.sum(terms))


def _squares_over_rate(F: Facts, u: int, delta: np.ndarray, seqs: np.ndarray, any_factor: bool) -> np.ndarray | None:
    """|step|^2 / rate for each write at `seqs` whose step and rate were measured, the rate read as it was then
    (`_rate_product`). None when the update is not the rate times its gradient, or nothing was measured."""
    rate_site = _rate_product(F, u, any_factor)
    if rate_site is None:
        return None
    ok, rate = _rates_at(F, rate_site, seqs)
    delta = delta[ok]
    fin = np.isfinite(delta) & (rate > 0)
    return delta[fin] ** 2 / rate[fin] if fin.any() else None


def _in_place(F: Facts, site: int) -> bool:
    """The statement changes its target in place (`v -= lr * g`): its recorded change is the term it adds."""
    tree = _parse(F.by_id[site].statement)
    return tree is not None and bool(tree.body) and isinstance(tree.body[0], ast.AugAssign)


def _step_buffer(F: Facts, u: int) -> tuple[int, int] | None:
    """(the writer, its rate) of a step buffer an update adds to its parameter: a value the update reads as its
    gradient that a statement in the loop wrote as the rate times something (`v -= lr * g` or `v = mu * v - lr * g`,
    then `p += v`). None when every value the update reads is a plain gradient."""
    for g in F.gradient_of(u):
        sr = F.ser(g)
        if sr is not None and len(sr) and (sr.step >= 0).any():
            rate = _rate_product(F, g, any_factor=True)
            if rate is not None:
                return g, rate
    return None


def first_order_drop(F: Facts) -> dict | None:
    """The most the measured steps could have lowered the loss, to first order: the sum over updates of
    |step| x |gradient| (Cauchy-Schwarz bounds the decrease step . gradient by it). None when no update
    has both its step and its gradient recorded."""
    total, parts, estimated = 0.0, {}, []
    for u in F.updates:
        steps, up, before, ratio = update_ratios(F, u)
        sr = F.ser(u)
        m = sr.step >= 0
        whole = _scalar_elements_per_step(sr) if not np.isfinite(sr[C.UPDATE_L2][m]).any() \
            and np.nanmax(sr[C.SIZE][m], initial=0) <= 1 else None
        if whole is not None:
            # Several elements of a Python list written per step (`w2[j] -= rate * d * h[j]` over j): each
            # element's change is measured between steps recorded whole, the k-th write against the k-th; a long
            # run's thinned recording leaves the other steps out, so their mean stands for every step it wrote in.
            part = _elements_over_rate(F, u, whole, len(np.unique(sr.step[m])))
            if part is not None:
                parts[_param(F, u)] = part
                total += part
                estimated.append(_param(F, u))
                continue
        # Without a recorded update norm: a scalar's change from the value before it, or, for a statement writing
        # several arrays in turn (a list of layers), each array against itself a step earlier (consecutive rows
        # are different arrays), as update_ratios measured it. An array rebound with no change measured at all
        # has no known step size: no bound.
        if np.isfinite(sr[C.UPDATE_L2][m]).any():
            delta = sr[C.UPDATE_L2][m]
        elif np.nanmax(sr[C.SIZE][m], initial=0) <= 1:
            delta = scalar_deltas(F, u)[m]
        elif up is not None and np.isfinite(np.asarray(up, dtype=float)).any():
            delta = np.asarray(up, dtype=float)
        else:
            continue
        grads = [F.ser(g) for g in F.gradient_of(u) if F.ser(g) is not None]
        exact = _steps_over_rate(F, u, delta, m, any_factor=not grads) if len(delta) == m.sum() else None
        buffer = _step_buffer(F, u) if exact is None and grads and len(delta) == m.sum() else None
        if buffer is not None:
            # The update adds a buffer that already holds the rate times the gradient (`v -= lr * g`, then
            # `p += v`): the value it reads is a step, not the gradient. The gradient's size is the change that
            # statement made over the rate, when it writes in place; otherwise each step is bounded like one the rate
            # multiplies inline, |step|^2 / rate (with momentum the buffer runs ahead of one rate times the gradient,
            # so that bound is higher than the true one, never lower).
            writer, rate_site = buffer
            seqs = sr.seq[m]
            ok, rate = _rates_at(F, rate_site, seqs)
            d, seqs = delta[ok], seqs[ok]
            ws = F.ser(writer)
            at = np.searchsorted(ws.seq, seqs, side="left") - 1
            change = np.where(at >= 0, ws[C.UPDATE_L2][np.maximum(at, 0)].astype(np.float64), np.nan)
            if not _in_place(F, writer):
                change[:] = np.nan
            size = np.where(np.isfinite(change), change, d) / np.where(rate > 0, rate, np.nan)
            fin = np.isfinite(d) & np.isfinite(size)
            exact = float(np.sum(d[fin] * size[fin])) if fin.any() else None
        if exact is not None:
            # The step is the rate times a gradient computed inline (`w - rate * X.T @ r / n`) or read from a
            # container nothing recorded (`rate * grads["dW" + str(i)]`): no recorded value is that gradient, but
            # its norm is the step's over the rate, so each step lowers the loss by at most |step|^2 / rate to first
            # order.
            parts[_param(F, u)] = exact
            total += exact
            continue
        delta = delta[np.isfinite(delta)]
        if not len(delta) or not grads:
            continue
        gs = grads[0]
        gl = gs[C.L2][(gs.step >= 0) & np.isfinite(gs[C.L2])]
        if not len(gl):
            continue
        if len(gl) == len(delta):
            part = float(np.sum(delta * gl))
        else:
            part = float(np.median(delta) * np.median(gl) * len(delta))
        parts[_param(F, u)] = part
        total += part
    if not parts:
        return None
    return {"bound": total, "per_parameter": parts, "estimated": estimated}


def _elements_over_rate(F: Facts, u: int, whole, n_steps: int) -> float | None:
    """For an update writing several scalar elements per step as the rate times their gradient: the mean over the
    steps measured whole of |step|^2 / rate, times the steps the site wrote in. None when not of that form."""
    steps, up, _ = whole
    sr = F.ser(u)
    first_rows = np.searchsorted(sr.step, steps, side="left")  # each step's first write (steps run in order)
    terms = _squares_over_rate(F, u, up, sr.seq[first_rows], True)
    return None if terms is None else float(np.mean(terms) * n_steps)
