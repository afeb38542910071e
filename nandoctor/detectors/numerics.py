"""Numerics detectors: the first non-finite value, exp overflow, division or log at zero, saturation."""

from __future__ import annotations

import ast
import math

import numpy as np

from .. import columns as C
from ..model import Finding
from . import Limits, register
from .evaluate import replay
from .facts import Facts, base_name, facts, last, strip_comment

# A sigmoid output within this distance of 1 loses most of its digits in `1 - a` (DESIGN.md §4:
# "catastrophic cancellation: 1 - a with a within 1e-8 of 1" — half of float64's ~16 digits gone).
CANCEL_TOL = 1e-8
# "Near saturation": a(1-a) < 1e-4 means a sits within ~1e-4 of a bound (the frame's frac_sat_near),
# where the sigmoid gradient has shrunk 2500-fold from its peak of 0.25 (DESIGN.md §4).
NEAR_SAT_FRACTION = 0.5  # "on most of the batch" (DESIGN.md §4)
# The tail of the run judged for sustained conditions: the last 10% of the steps.
TAIL = 0.1
LIM = Limits(globals())  # these thresholds, or what the run's configuration set them to


def _f(code, kind, severity, message, first=None, last_=None, site=None, line=None, **evidence) -> Finding:
    return Finding(code=code, kind=kind, severity=severity, message=message,
                   first_step=None if first is None else int(first), last_step=None if last_ is None else int(last_),
                   site=site, line=line, evidence=_clean(evidence))


def _clean(d):
    out = {}
    for k, v in d.items():
        if isinstance(v, (np.floating, np.integer)):
            v = v.item()
        if isinstance(v, float):
            v = float(f"{v:.6g}") if math.isfinite(v) else v
        out[k] = v
    return out


def first_nonfinite_info(session) -> dict | None:
    """Where the first inf or NaN came from, as a dict: a thin reading of the session's one search
    (Session.first_nonfinite_search): its event if any, else its recorded value plus a replay."""
    F = facts(session)
    if "first_nonfinite" not in F.memo:
        F.memo["first_nonfinite"] = _first_nonfinite_info(session, F)
    return F.memo["first_nonfinite"]


def _first_nonfinite_info(session, F) -> dict | None:
    ev = session.first_nonfinite
    if ev is not None:
        return {"step": ev.step, "line": ev.line, "file": ev.file, "function": ev.function, "statement": ev.statement,
                "expression": ev.expression, "operation": ev.operation, "elements": [list(e) for e in ev.elements][:8],
                "operands": {k: list(v)[:8] for k, v in (ev.operands or {}).items()}, "site": ev.site, "source": "event"}
    obs = session.first_nonfinite_observation()
    if obs is None:
        return None
    return recorded_info(F, obs["site"], obs["step"], obs["n_nan"], obs["n_posinf"] + obs["n_neginf"], obs)


def recorded_info(F, sid: int, step: int, n_nan, n_inf, where) -> dict:
    """A non-finite value recorded at site `sid` in `step`, as first_nonfinite_info gives it ("source": "frame"):
    where it was written (`where`: line, file, function and statement), and its operation, replayed from the kept
    values when they allow ("nan" or "inf" when not)."""
    info = {"step": step, "line": where["line"], "file": where["file"], "function": where["function"],
            "statement": strip_comment(where["statement"].strip()), "expression": "", "operation": "nan" if n_nan else "inf",
            "elements": [], "operands": {}, "site": sid, "source": "frame", "n_nan": n_nan, "n_inf": n_inf}
    got = replay(F, sid, step) if sid in F.by_id else None
    if got:
        info.update(expression=got["expression"], operation=got["operation"], elements=got["elements"], operands=got["operands"])
    return info


@register
def first_nonfinite(session) -> list[Finding]:
    """The first inf or NaN of the run, down to the sub-expression when it can be replayed."""
    info = first_nonfinite_info(session)
    if info is None:
        return []
    F = facts(session)
    sid = info.get("site")
    site = F.by_id[sid].target if sid is not None and sid in F.by_id else None
    where = f"`{info['expression']}` computed {info['operation']}" if info.get("expression") else f"it holds {info['operation']}"
    elems = f" at elements {', '.join(str(tuple(e)) for e in info['elements'][:4])}" if info.get("elements") else ""
    msg = (f"The first non-finite value appears at step {info['step']}, line {info['line']} "
           f"(`{strip_comment(info['statement'])}`): {where}{elems}.")
    severity = "error"
    if info["step"] < 0 and sid in F.data_like:
        # A NaN written into the data (a missing reading) that is dropped or imputed before the model reads it.
        reach = data_reaching_model(F)
        if reach is not None and not any(e["nonfinite"] for e in reach):
            severity = "info"
            msg += " The data the model reads is finite: it is removed or replaced first."
    out = [_f("first_nonfinite", "numerics", severity, msg, info["step"], info["step"], site, info["line"], **{
        k: info[k] for k in ("expression", "operation", "elements", "operands", "statement")})]
    op = info.get("operation", "")
    if op in ("0/0", "x/0"):
        out.append(_f("division_by_zero", "numerics", "error",
                      f"Step {info['step']}, line {info['line']}: `{info['expression']}` divides by exactly zero ({op}).",
                      info["step"], info["step"], site, info["line"], expression=info["expression"], operation=op,
                      operands=info["operands"]))
    elif op.startswith("log("):
        out.append(_f("log_of_zero", "numerics", "error",
                      f"Step {info['step']}, line {info['line']}: `{info['expression']}` takes the log of "
                      f"{'zero' if op == 'log(0)' else 'a negative number'}.",
                      info["step"], info["step"], site, info["line"], expression=info["expression"], operation=op,
                      operands=info["operands"]))
    return out


@register
def exp_overflow(session) -> list[Finding]:
    """exp() overflowing to inf: from the trapped events, or inputs to exp beyond log(max float)."""
    F = facts(session)
    out = []
    seen = set()
    for ev in session.events:
        if "exp overflow" in (ev.operation or "") and (ev.line, ev.absorbed) not in seen:
            seen.add((ev.line, ev.absorbed))
            sev = "warning" if ev.absorbed else "error"
            tail = " The result stayed finite (the inf was absorbed), but it is on the edge." if ev.absorbed else ""
            out.append(_f("exp_overflow", "numerics", sev,
                          f"Step {ev.step}, line {ev.line}: `{ev.expression}` overflowed: {ev.operation}.{tail}",
                          ev.step, ev.step, None, ev.line, expression=ev.expression, operation=ev.operation,
                          absorbed=ev.absorbed))
    if out:
        return out
    # Without events: a value fed to exp() beyond the dtype's limit.
    for x in F.sites:
        if x.phase not in ("forward", "loss", "backward") or "exp" not in x.statement:
            continue
        try:
            tree = ast.parse(x.statement.strip())
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and last(ast.unparse(node.func)) == "exp" and node.args):
                continue
            arg = node.args[0]
            neg = isinstance(arg, ast.UnaryOp) and isinstance(arg.op, ast.USub)
            inner = arg.operand if neg else arg
            from .facts import _dotted

            name = _dotted(inner)
            if not name:
                continue
            for w in F.resolve(name, x.function):
                sr = F.ser(w)
                if sr is None or not len(sr):
                    continue
                lim = F.limits(w).exp_max
                edge = -sr[C.MIN] if neg else sr[C.MAX]
                hit = np.isfinite(edge) & (edge > lim)
                if hit.any():
                    i = int(np.argmax(hit))
                    key = (x.line, name)
                    if key in seen:
                        continue
                    seen.add(key)
                    out.append(_f("exp_overflow", "numerics", "warning",
                                  f"Step {sr.step[i]}, line {x.line}: `{ast.unparse(node)}` gets {'-' if neg else ''}{name} "
                                  f"up to {edge[i]:.4g}, above {lim} where exp overflows to inf in {F.dtype_of(w)}.",
                                  sr.step[i], sr.step[i], F.by_id[w].target, x.line, expression=ast.unparse(node),
                                  arg=float(edge[i]), limit=lim))
    return out


def _bound_hits(F: Facts, act):
    """Steps where an activation sits exactly at a bound, and which bound."""
    sr = F.ser(act.site)
    loop = sr.step >= 0
    hi = sr[C.MAX] == 1.0
    lo = (sr[C.MIN] == (0.0 if act.kind in ("sigmoid", "softmax") else -1.0))
    return loop & (hi | lo), hi, lo


@register
def exact_saturation(session) -> list[Finding]:
    """A sigmoid, tanh or softmax output exactly at 0 or 1 (-1): its gradient is exactly zero and
    `1 - a` or `log(a)` is exactly zero or -inf."""
    F = facts(session)
    out = []
    fn = first_nonfinite_info(session)
    for act in F.activations:
        sr = F.ser(act.site)
        hits, hi, lo = _bound_hits(F, act)
        if not hits.any():
            continue
        i = int(np.argmax(hits))
        step = int(sr.step[i])
        lim = F.limits(act.site)
        bound = "1.0" if hi[i] else ("0.0" if act.kind != "tanh" else "-1.0")
        frac = sr[C.FRAC_SAT_EXACT][i]
        n = int(round(frac * sr[C.SIZE][i])) if np.isfinite(frac) else None
        ev = {"activation": act.kind, "step": step, "bound": float(bound), "elements_at_bound": n,
              "steps_at_bound": int(hits.sum()), "dtype": F.dtype_of(act.site)}
        pre_txt = ""
        if act.pre is not None and F.observed(act.pre):
            ps = F.ser(act.pre)
            j = ps.at_step(step)
            if j is not None:
                zmax, zmin = ps[C.MAX][j], ps[C.MIN][j]
                thr = lim.sigmoid_one if act.kind == "sigmoid" else lim.tanh_one
                z = zmax if hi[i] else zmin
                ev.update(pre_site=F.by_id[act.pre].target, pre_value=float(z), threshold=thr)
                if act.kind in ("sigmoid", "tanh"):
                    pre_txt = (f" because {F.by_id[act.pre].target} reached {z:.4g}"
                               f" (|z| ≥ {thr} rounds {act.kind} to exactly {bound} in {lim.dtype})")
        after = fn is not None and fn["step"] >= step
        sev = "error" if after else "warning"
        ev["leads_to_nonfinite"] = bool(after)
        name = F.by_id[act.site].target
        msg = (f"{name} ({act.kind} output) is exactly {bound} at step {step}"
               f"{f' for {n} element(s)' if n else ''}{pre_txt}; its gradient there is exactly 0"
               f"{' and 1 - ' + name + ' is exactly 0' if bound == '1.0' else ''}.")
        out.append(_f("exact_saturation", "numerics", sev, msg, step, int(sr.step[hits][-1]), name,
                      F.by_id[act.site].line, **ev))
    return out


def _tail(sr):
    loop = np.nonzero(sr.step >= 0)[0]
    if len(loop) == 0:
        return loop
    k = max(1, int(len(loop) * LIM.TAIL))
    return loop[-k:]


@register
def near_saturation(session) -> list[Finding]:
    """Activations within 1e-4 of a bound on most of the batch at the end of training, with the
    margin left before they round to exactly the bound."""
    F = facts(session)
    out = []
    for act in F.activations:
        if act.kind not in ("sigmoid", "tanh"):
            continue
        sr = F.ser(act.site)
        hits, _, _ = _bound_hits(F, act)
        if hits.any():
            continue  # exact_saturation speaks for it
        tail = _tail(sr)
        if len(tail) == 0:
            continue
        near = np.nanmedian(sr[C.FRAC_SAT_NEAR][tail]) if np.isfinite(sr[C.FRAC_SAT_NEAR][tail]).any() else 0.0
        lim = F.limits(act.site)
        last_i = tail[-1]
        margin_hi = 1.0 - sr[C.MAX][last_i]
        name = F.by_id[act.site].target
        ev = {"activation": act.kind, "fraction_near": float(near), "margin_to_one": float(margin_hi),
              "dtype": lim.dtype, "closest_over_run": float(1.0 - np.nanmax(sr[C.MAX][sr.step >= 0]))}
        thr = lim.sigmoid_one if act.kind == "sigmoid" else lim.tanh_one
        ztxt = ""
        if act.pre is not None and F.observed(act.pre):
            ps = F.ser(act.pre)
            zl = ps[C.ABSMAX][_tail(ps)]
            zmax = float(np.nanmax(zl)) if np.isfinite(zl).any() else float("nan")
            ev.update(pre_site=F.by_id[act.pre].target, pre_absmax=zmax, threshold=thr, z_margin=thr - zmax)
            ztxt = (f"; {F.by_id[act.pre].target} reaches {zmax:.4g}, {thr - zmax:.3g} short of {thr} where "
                    f"{act.kind} rounds to exactly 1.0 in {lim.dtype}")
        if near >= LIM.NEAR_SAT_FRACTION:
            digits = -math.log10(margin_hi) if margin_hi > 0 else lim.digits
            ev["digits_lost_in_1_minus"] = round(min(digits, lim.digits), 1)
            msg = (f"{name} ({act.kind} output) sits within 1e-4 of its bound on {near:.0%} of the batch at the end;"
                   f" the closest output is {margin_hi:.3g} from 1.0{ztxt}. Its gradient a(1-a) is nearly zero there.")
            out.append(_f("near_saturation", "numerics", "warning", msg, int(sr.step[tail[0]]), int(sr.step[last_i]),
                          name, F.by_id[act.site].line, **ev))
        elif session.first_nonfinite is None and act.pre is not None and np.isfinite(ev.get("z_margin", np.nan)):
            out.append(_f("saturation_margin", "numerics", "info",
                          f"{name} ({act.kind} output) stays finite; its closest value is {margin_hi:.3g} from 1.0{ztxt}.",
                          None, int(sr.step[last_i]), name, F.by_id[act.site].line, **ev))
    return out


def _whole_numbers(dtype) -> bool:
    try:
        return np.dtype(str(dtype)).kind in "iub"
    except TypeError:
        return False


@register
def catastrophic_cancellation(session) -> list[Finding]:
    """`1 - a` computed with `a` within 1e-8 of 1: most significant digits cancel."""
    F = facts(session)
    out = []
    seen = set()
    order = {sid: k for k, sid in enumerate(F.first_step_order)}
    for x in sorted(F.sites, key=lambda x: order.get(x.id, len(order))):
        if x.kind == "arg" or x.phase not in ("forward", "loss", "backward") or "1" not in x.statement \
                or not F.observed(x.id):
            continue  # a statement that never ran (an untaken branch) loses no digits
        try:
            tree = ast.parse(x.statement.strip())
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub) and isinstance(node.left, ast.Constant)
                    and node.left.value == 1):
                continue
            from .facts import _dotted

            name = _dotted(node.right)
            if not name:
                continue
            for w in F.resolve(name, x.function):
                sr = F.ser(w)
                root = F.root_value(w)
                if sr is None or not len(sr) or root in seen or F.by_id[root].phase == "other":
                    continue  # data such as targets are exactly 1 by design: no digits to lose
                if _whole_numbers(sr.dtype[0]):
                    continue  # whole numbers (labels handed on as integers): `1 - y` is exact
                mx = sr[C.MAX]
                ok = (sr.step >= 0) & np.isfinite(mx) & (mx <= 1.0)
                if not ok.any():
                    continue
                gap = 1.0 - mx[ok]
                close = gap < LIM.CANCEL_TOL
                if not close.any():
                    continue
                lim = F.limits(w)
                smallest = float(np.min(gap))
                exact = smallest == 0.0
                digits = lim.digits if exact else min(lim.digits, -math.log10(smallest))
                i = int(np.argmax(close))
                step = int(sr.step[ok][i])
                first_gap = float(gap[i])
                seen.add(root)
                msg = (f"Line {x.line} computes `{ast.unparse(node)}` while {name} is within {LIM.CANCEL_TOL:g} of 1.0 from "
                       f"step {step} on ({first_gap:.3g} away: {-math.log10(first_gap) if first_gap > 0 else lim.digits:.1f}"
                       f" of {lim.digits:.1f} significant digits lost)"
                       + (f"; at step {int(sr.step[ok][gap == 0][0])} it is exactly 1.0 and `{ast.unparse(node)}` is exactly 0."
                          if exact else f"; the closest is {smallest:.3g}, losing {digits:.1f} digits."))
                out.append(_f("catastrophic_cancellation", "numerics", "warning", msg, step,
                              int(sr.step[ok][close][-1]), name, x.line, expression=ast.unparse(node),
                              smallest_gap=smallest, digits_lost=round(digits, 1), digits_total=round(lim.digits, 1),
                              statement=strip_comment(x.statement.strip())))
                break
    return out


def data_reaching_model(F: Facts) -> list[dict] | None:
    """The data values a model computation reads, flow-sensitively: for each site computed from the parameters
    and each data name it reads, the writer of that name observed last before the read. None when nothing is
    computed from parameters (no model to reach). Each entry: data site, reader site, non-finite counts."""
    readers = [r for r in F.derived if F.observed(r)]
    if not readers:
        return None
    out: dict[tuple[int, int], dict] = {}
    for r in readers:
        rs = F.ser(r)
        groups: dict[str, list[int]] = {}
        for p in F.parent_map.get(r, []):
            if p in F.data_like:
                groups.setdefault(base_name(F.by_id[p].target), []).append(p)
        for name, writers in groups.items():
            # At every observation of the reader, the value it read is the latest write of the name before it;
            # an earlier version of the name that was overwritten (cleaned, imputed, filtered) never reaches it.
            latest = np.full(len(rs), -1)
            owner = np.full(len(rs), -1)
            for k, w in enumerate(writers):
                ws = F.ser(w)
                i = np.searchsorted(ws.seq, rs.seq, side="left") - 1
                seq_w = np.where(i >= 0, ws.seq[np.maximum(i, 0)], -1)
                newer = seq_w > latest
                latest[newer], owner[newer] = seq_w[newer], k
            for k, w in enumerate(writers):
                reads = owner == k
                if not reads.any():
                    continue
                ws = F.ser(w)
                rows = np.searchsorted(ws.seq, latest[reads])
                bad = ws[C.N_NAN][rows] + ws[C.N_POSINF][rows] + ws[C.N_NEGINF][rows]
                j = int(np.argmax(bad > 0)) if (bad > 0).any() else 0
                row = int(rows[j])
                entry = {"data": w, "reader": r, "nonfinite": int(bad[j]), "n_nan": int(ws[C.N_NAN][row]),
                         "n_inf": int(ws[C.N_POSINF][row] + ws[C.N_NEGINF][row]), "step": int(ws.step[row]),
                         "read_step": int(rs.step[reads][j])}
                key = (w, r)
                if key not in out or (entry["nonfinite"] and not out[key]["nonfinite"]):
                    out[key] = entry
    return list(out.values())
