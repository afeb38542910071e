"""No NaN yet, but the output sits so close to 1.0 that `1 - a` under a division or a log has lost most of its digits."""

from __future__ import annotations

import ast
import math

import numpy as np

from ... import columns as C
from ...detectors.facts import activation_of, base_name, last
from ...detectors.numerics import first_nonfinite_info
from ...model import ChainLink
from ..rules import LATENT, Draft, RuleOutcome, cause_rule
from ._numeric import bce_fixes, bounded_outputs, log_fix


def _fragile_use(statement: str, expression: str) -> str | None:
    """'division' or 'log' when `expression` (a `1 - a`) is a divisor or a log's argument in `statement`."""
    try:
        tree = ast.parse(statement.strip())
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            if any(ast.unparse(n) == expression for n in ast.walk(node.right)):
                return "division"
        if isinstance(node, ast.Call) and last(ast.unparse(node.func)) in ("log", "log2", "log10") and node.args:
            if any(ast.unparse(n) == expression for n in ast.walk(node.args[0])):
                return "log"
    return None


@cause_rule(
    "output_saturation_margin",
    "The output is a rounding away from exact saturation",
    premises=(
        ("run_stays_finite", "every recorded value stays finite (once it is not, the mechanism rules speak)"),
        ("output_near_one", "a sigmoid or tanh output comes within the dtype's last digits of 1.0"),
        ("fragile_expression", "`1 - a` of that output is a divisor or a log's argument and loses those digits"),
        ("unguarded", "no clip or added epsilon that the dtype can hold keeps `1 - a` away from 0 on its way there"),
    ),
    thresholds={"saturation_digits_fraction": 0.5},
)
def rule(ctx) -> RuleOutcome:
    """Outputs within a few ulps of 1.0 feed `1 - a` into a division or a log: one more push gives 0/0 or log(0)."""
    F = ctx.facts
    out = RuleOutcome()
    info = first_nonfinite_info(ctx.session)
    if not out.check("run_stays_finite", info is None,
                     "no recorded value is non-finite" if info is None else
                     f"the first non-finite value is at step {info['step']}, line {info['line']}"):
        return out
    outputs = [(sid, kind) for sid, kind in bounded_outputs(F) if F.observed(sid)]
    if not outputs:
        # No value of the run is a sigmoid or tanh (measured from values and code): nothing can saturate.
        out.check("output_near_one", False, "no sigmoid or tanh output in this run")
        return out
    fraction = ctx.threshold("saturation_digits_fraction")
    measured = []
    for sid, kind in outputs:
        sr = F.ser(sid)
        loop = (sr.step >= 0) & np.isfinite(sr[C.MAX])
        if not loop.any():
            continue
        i = int(np.argmax(np.where(loop, sr[C.MAX], -np.inf)))
        lim = F.limits(sid)
        gap = float(1.0 - sr[C.MAX][i])
        digits = lim.digits if gap <= 0 else min(lim.digits, -math.log10(gap))
        measured.append(((sid, kind), int(sr.step[i]), gap, digits, lim))
    if not measured:
        out.check("output_near_one", None, "the outputs were not recorded inside the training loop")
        return out
    near = [m for m in measured if m[3] >= fraction * m[4].digits]
    best = max(near or measured, key=lambda m: m[3] / m[4].digits)
    (out_site, kind), step, gap, digits, lim = best
    name = F.by_id[out_site].target
    if not out.check("output_near_one", bool(near),
                     f"{name} ({kind}) comes {gap:.3g} from 1.0 at step {step}: {digits:.1f} of the "
                     f"{lim.digits:.1f} digits of {lim.dtype} (limit {fraction:g} of them)",
                     output=name, gap=gap, step=step, digits=round(digits, 1), dtype_digits=round(lim.digits, 1)):
        return out
    # The `1 - a` must be of one of the outputs measured near 1.0 (the same value under another name counts).
    by_name = {}
    for m in near:
        target = base_name(F.by_id[m[0][0]].target)
        by_name.setdefault(target, m)
        by_name.setdefault(last(target), m)
    fragile, cancels = [], []
    for f in ctx.findings.get("catastrophic_cancellation", []):
        m = by_name.get(base_name(f.site or "")) or by_name.get(last(base_name(f.site or "")))
        if m is None:
            continue
        cancels.append(f)
        use = _fragile_use(f.evidence.get("statement", ""), f.evidence.get("expression", ""))
        if use and f.evidence.get("digits_lost", 0) >= fraction * f.evidence.get("digits_total", lim.digits):
            fragile.append((f, use, m))
    if not out.check("fragile_expression", bool(fragile),
                     (f"line {fragile[0][0].line}: `{fragile[0][0].evidence.get('expression')}` is a "
                      f"{'divisor' if fragile[0][1] == 'division' else 'log argument'} and loses "
                      f"{fragile[0][0].evidence.get('digits_lost')} digits") if fragile else
                     (f"`1 - {name}` loses digits only where it is multiplied, not divided or logged"
                      if cancels else f"no `1 - {name}` was measured losing digits"),
                     n=len(fragile)):
        return out
    f, use, best = fragile[0]
    (out_site, kind), step, gap, digits, lim = best
    # The value that reaches the expression may be clipped first (`p = np.clip(p, 1e-12, 1 - 1e-12)`), or the
    # expression adds an epsilon: then one more push cannot make it 0 (unless the bound rounds to 1.0 in the dtype).
    from ._numeric import guard_note

    stmt = next((x.id for x in F.sites if x.line == f.line and F.observed(x.id)), None)
    note, guard = guard_note(F, {"site": stmt, "step": step, "expression": f.evidence.get("expression") or ""}) \
        if stmt is not None else ("", {})
    holds = not guard or guard.get("clip_upper_in_dtype") == 1.0 or guard.get("clip_lower_in_dtype") == 0.0
    if not out.check("unguarded", holds, note.replace(" and it still fails", "") if not holds else
                     (note or f"line {f.line} neither clips nor adds an epsilon"), **{k: v for k, v in guard.items()
                                                                                       if k != "guard_fix"}):
        return out
    name = F.by_id[out_site].target
    act = activation_of(F, out_site)
    expr = f.evidence.get("expression")
    z_txt = ""
    if act is not None and act.pre is not None and F.observed(act.pre):
        ps = F.ser(act.pre)
        j = ps.at_step(step)
        if j is not None and np.isfinite(ps[C.ABSMAX][j]):
            thr = lim.sigmoid_one if kind == "sigmoid" else lim.tanh_one
            z_txt = (f"; its input {F.by_id[act.pre].target} reaches {ps[C.ABSMAX][j]:.4g}, "
                     f"{thr - ps[C.ABSMAX][j]:.3g} short of {thr} where {kind} rounds to exactly 1.0")
    where = f"comes {gap:.3g} from 1.0" if gap > 0 else "reaches exactly 1.0"
    kept = max(0.0, float(f.evidence.get("digits_total", lim.digits)) - float(f.evidence.get("digits_lost", 0)))
    summary = (f"{name} ({kind} output) {where} at step {step} ({digits:.1f} of the {lim.digits:.1f} digits of "
               f"{lim.dtype}){z_txt}. Line {f.line} uses `{expr}` as a {'divisor' if use == 'division' else 'log argument'}"
               f" and it keeps {kept:.1f} significant digits; when {base_name(name)} rounds to exactly 1.0 it is 0 and "
               f"the {'division gives 0/0 or x/0' if use == 'division' else 'log gives -inf'}.")
    chain = [ChainLink(f"{name} {where}", step, name, F.by_id[out_site].line,
                       {"gap": gap, "digits": round(digits, 1)}),
             ChainLink(f.message, f.first_step, f.site, f.line, dict(f.evidence))]
    sid = next((x.id for x in F.sites if x.line == f.line and x.kind != "arg"), None)
    fixes = [] if sid is None else bce_fixes(F, {"site": sid}) if use == "division" else log_fix(F, {"site": sid})
    out.drafts.append(Draft("output_saturation_margin", LATENT, summary, chain, fixes,
                            ["catastrophic_cancellation"] + [g.code for g in ctx.findings.get("near_saturation", [])],
                            {"output": name, "gap": gap, "digits_lost": round(digits, 1), "dtype": lim.dtype,
                             "expression": expr, "use": use, "line": f.line}))
    return out
