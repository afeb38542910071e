"""Causal chains: walk the data-flow graph of sites back from a symptom, taking the operand with
extreme numbers, to a parameter update, a hyperparameter or the input data."""

from __future__ import annotations

import math

import numpy as np

from .. import columns as C
from ..detectors.facts import Facts, activation_of, base_name
from ..detectors.optimisation import update_ratios
from ..model import ChainLink

# How far back a value must jump to count as extreme: 3x its running median (a value that merely
# drifts does not explain a sudden failure).
JUMP = 3.0
# A value whose one-step change is 10x its usual step-to-step change was just pushed.
CHANGE = 10.0
WINDOW = 50
MAX_LINKS = 10


def _num(v):
    if isinstance(v, (np.floating, np.integer)):
        v = v.item()
    if isinstance(v, float) and math.isfinite(v):
        return float(f"{v:.6g}")
    return v


def _row(F: Facts, sid: int, step: int):
    sr = F.ser(sid)
    if sr is None or not len(sr):
        return None, None
    i = sr.at_step(step)
    if i is None:
        j = int(np.searchsorted(sr.step, step, side="right")) - 1
        return sr, (j if j >= 0 else None)
    return sr, i


def _jump(sr, i) -> float:
    """absmax at row i against the median absmax of the rows before it."""
    lo = max(0, i - WINDOW)
    # Large arrays may keep only their norm at most steps: fall back to it.
    col = C.ABSMAX if np.isfinite(sr[C.ABSMAX][i]) else C.L2
    prev = sr[col][lo:i]
    prev = prev[np.isfinite(prev)]
    if len(prev) < 3:
        return 1.0
    med = float(np.median(prev))
    cur = sr[col][i]
    if not np.isfinite(cur) or med <= 0:
        return 1.0
    return float(cur / med)


def extremeness(F: Facts, sid: int, step: int) -> tuple[float, dict, str]:
    """(score, numbers, words) for a site's value at a step: non-finite, at a bound, past a dtype
    limit, or jumped against its own recent history."""
    sr, i = _row(F, sid, step)
    if sr is None or i is None:
        return 0.0, {}, ""
    nums = {"min": _num(sr[C.MIN][i]), "max": _num(sr[C.MAX][i]), "absmax": _num(sr[C.ABSMAX][i])}
    bad = int(sr[C.N_NAN][i] + sr[C.N_POSINF][i] + sr[C.N_NEGINF][i])
    if bad:
        nums["non_finite"] = bad
        return 100.0, nums, f"holds {bad} non-finite value(s)"
    score, words = 0.0, []
    act = activation_of(F, sid)
    if act is not None:
        at1 = sr[C.MAX][i] == 1.0
        at0 = sr[C.MIN][i] == (0.0 if act.kind != "tanh" else -1.0)
        if at1 or at0:
            frac = sr[C.FRAC_SAT_EXACT][i]
            n = int(round(frac * sr[C.SIZE][i])) if np.isfinite(frac) else None
            nums["at_bound"] = n
            score += 60
            words.append(f"is exactly {'1.0' if at1 else sr[C.MIN][i]:g}" + (f" for {n} element(s)" if n else "")
                         if not at1 else "is exactly 1.0" + (f" for {n} element(s)" if n else ""))
    # Pre-activations past the point where the activation rounds to its bound.
    for a in F.activations:
        if a.pre == sid:
            lim = F.limits(sid)
            thr = lim.sigmoid_one if a.kind == "sigmoid" else lim.tanh_one
            if sr[C.ABSMAX][i] >= thr and a.kind in ("sigmoid", "tanh"):
                nums["threshold"] = thr
                score += 40
                words.append(f"reaches {sr[C.ABSMAX][i]:.4g}, past {thr} where {a.kind} is exactly "
                             f"{'±' if a.kind == 'tanh' else ''}1.0 in {lim.dtype}")
            break
    j = _jump(sr, i)
    if j >= JUMP:
        nums["jump"] = _num(j)
        score += 10 * math.log10(j)
        words.append(f"jumped {j:.3g}x against its recent median")
    c, delta = _change(sr, i)
    if c >= CHANGE:
        nums["change"] = _num(delta)
        nums["change_vs_typical"] = _num(c)
        score += 5 * math.log10(c)
        words.append(f"changed by {delta:.3g} in one step, {c:.3g}x its usual step-to-step change")
    return score, nums, "; ".join(words)


def _change(sr, i) -> tuple[float, float]:
    """(how many times its usual step-to-step change, the change) of a site's norm at row i."""
    lo = max(0, i - WINDOW - 1)
    l2 = sr[C.L2][lo:i + 1]
    if len(l2) < 5 or not np.all(np.isfinite(l2)):
        return 1.0, 0.0
    d = np.abs(np.diff(l2))
    typical = float(np.median(d[:-1]))
    if typical <= 0:
        return 1.0, float(d[-1])
    return float(d[-1] / typical), float(d[-1])


def _update_link(F: Facts, pid: int, step: int):
    """The update of a parameter that produced the value used at `step`: its numbers and its site."""
    ups = [u for u in F.updates if F.key(u) == F.key(pid)] if pid not in F.updates else [pid]
    best = None
    for u in ups:
        steps, up, before, ratio = update_ratios(F, u)
        if not len(steps):
            continue
        k = int(np.searchsorted(steps, step, side="left")) - 1  # the update before this step's use
        if k < 0:
            continue
        lo = max(0, k - WINDOW)
        typical = float(np.median(ratio[lo:k])) if k - lo >= 3 else float("nan")
        cand = (float(ratio[k]), u, int(steps[k]), float(up[k]), float(before[k]), typical)
        if best is None or cand[0] > best[0]:
            best = cand
    return best


def walk(F: Facts, sid: int, step: int, symptom_text: str, symptom_numbers: dict) -> list[ChainLink]:
    """Links from root to symptom, walking back from site `sid` at `step`."""
    x = F.by_id[sid]
    links = [ChainLink(text=symptom_text, step=step, site=x.target, line=x.line, numbers=symptom_numbers)]
    seen = {sid}
    cur, cur_step = sid, step
    for _ in range(MAX_LINKS):
        parents = [p for p in F.parent_map.get(cur, []) if p not in seen and F.observed(p)]
        named = [p for p in parents if F.by_id[p].kind not in ("return", "arg")]
        parents = named or parents
        if not parents:
            break
        scored = []
        for p in parents:
            if p in F.params or F.is_param(p):
                up = _update_link(F, p, cur_step)
                s = 0.0
                if up is not None:
                    ratio, u, ustep, norm, before, typical = up
                    s = 30 + 10 * math.log10(max(ratio / typical, 1.0)) if np.isfinite(typical) and typical > 0 else 0.0
                    if ratio < 0.01:
                        s = 0.0
                scored.append((s, p, "param", up))
            elif p in F.data_like:
                sc, nums, words = extremeness(F, p, cur_step)
                scored.append((sc if nums.get("non_finite") else 0.0, p, "data", (nums, words)))
            else:
                sc, nums, words = extremeness(F, p, cur_step)
                scored.append((sc, p, "value", (nums, words)))
        scored.sort(key=lambda t: -t[0])
        s, p, kind, info = scored[0]
        if s <= 0:
            break
        seen.add(p)
        px = F.by_id[p]
        if kind == "param":
            ratio, u, ustep, norm, before, typical = info
            name = base_name(px.target)
            links.append(ChainLink(
                text=(f"The update of {name} at step {ustep} changed it by {norm:.3g}, {ratio:.2g} of its norm "
                      f"{before:.3g}" + _typical_words(ratio, typical)), step=ustep, site=name, line=F.by_id[u].line,
                numbers={"update_norm": _num(norm), "weight_norm": _num(before), "ratio": _num(ratio),
                         "typical_ratio": _num(typical)}))
            links.extend(_update_roots(F, u, ustep))
            break
        nums, words = info
        if kind == "data":
            links.append(ChainLink(text=f"The data {px.target} {words}", step=cur_step, site=px.target, line=px.line,
                                   numbers=nums))
            break
        links.append(ChainLink(text=f"{px.target} {words} at step {cur_step}", step=cur_step, site=px.target,
                               line=px.line, numbers=nums))
        cur = p
    return list(reversed(links))


def _typical_words(ratio: float, typical: float) -> str:
    """' (typical 0.0025)' when the run measured a typical ratio; said to be usual when this one is no larger."""
    if not (math.isfinite(typical) and typical > 0):
        return ""
    if ratio <= typical * JUMP:
        return f", about its usual {typical:.2g}"
    return f" (typical {typical:.2g})"


def _update_roots(F: Facts, u: int, ustep: int) -> list[ChainLink]:
    """What made an update large: its gradient's jump and its learning rate (roots come last here,
    the list is reversed by the caller)."""
    out = []
    for g in F.gradient_of(u):
        sr, i = _row(F, g, ustep)
        if sr is None or i is None or not np.isfinite(sr[C.L2][i]):
            continue  # not measured at that step (a large gradient screened, see stats.BigArrays)
        j = _jump(sr, i)
        gx = F.by_id[g]
        # An update may read data as well as its gradient (`w -= lr * x.T @ d`): call it the gradient only when
        # it is computed from the parameters.
        what = f"The gradient {gx.target}" if g in F.derived else f"{gx.target}, which the update reads,"
        out.append(ChainLink(text=f"{what} at step {ustep} has size {sr[C.L2][i]:.3g}"
                             + (f", {j:.3g}x its recent median" if j >= JUMP else ""), step=ustep, site=gx.target,
                             line=gx.line, numbers={"l2": _num(sr[C.L2][i]), "jump": _num(j)}))
        break
    from .fixes import hyper_value

    hv = hyper_value(F, u)
    if hv is not None:
        # What the update statement reads, not a claim about every update of the run.
        out.append(ChainLink(text=f"The learning rate {hv['name']} = {hv['value']:g} scales the update of "
                             f"{base_name(F.by_id[u].target)} (set at line {hv['line']}: `{hv['text']}`)", step=None,
                             site=hv["name"],
                             line=hv["line"], numbers={"learning_rate": hv["value"]}))
    return out
