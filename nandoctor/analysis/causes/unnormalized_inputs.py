"""The inputs that reach the model are on a large scale (not standardized), and the run blows up or stalls."""

from __future__ import annotations

import ast

import numpy as np

from ... import columns as C
from ...detectors.facts import _matmul_operands, base_name
from ...detectors.optimisation import loss_progress, sound_run_words, trouble
from ...detectors.structure import input_scale
from ...explain.fixes import normalize_fixes
from ...model import ChainLink
from ..rules import PRIMARY, Draft, RuleOutcome, cause_rule
from ._passes import site_words


@cause_rule(
    "unnormalized_inputs",
    "The inputs are not normalized",
    premises=(
        ("inputs_measured", "the values of the input array multiplied by the weights were kept"),
        ("inputs_large", "a feature of those inputs has a mean or spread above INPUT_SCALE (not standardized, not 0-1)"),
        ("run_troubled", "the run blows up, its loss barely falls and is not falling faster in the second half of "
                         "the run than in the first, its loss flattens in the second half while still above "
                         "INPUT_STALL_LEVEL of its start, or the unit that reads the inputs stays saturated"),
    ),
    thresholds={"INPUT_SCALE": 10.0, "INPUT_SLOW_DROP": 0.1, "INPUT_SATURATED": 0.5, "INPUT_STALL_LEVEL": 0.5},
    # the initial weights multiplying the inputs' own spread a hundredfold or more (a ratio that does not depend
    # on the inputs' scale) make the blow-up whatever that scale
    yields_to=("weights_init_too_large",),
)
def rule(ctx) -> RuleOutcome:
    """Large raw features, measured where they meet the weights, in a run that blows up or stalls."""
    F = ctx.facts
    out = RuleOutcome()
    sc = input_scale(F)
    listed = sc is None
    if sc is None:
        sc = list_rows_scale(F)
    if not out.check("inputs_measured", None if sc is None else True,
                     f"{site_words(F, sc['site'])} (line {sc['line']}), shape {sc['shape']}, judged {sc['how']}" if sc else
                     "no input array was found meeting the weights"):
        return out
    lim = ctx.threshold("INPUT_SCALE")
    large = sc["largest_rms"] > lim and not sc["unit_range"]
    if not out.check("inputs_large", large,
                     f"its features reach a mean of {sc['largest_mean']:.4g} and a spread of {sc['largest_std']:.4g}"
                     + (" (all values within 0..1)" if sc["unit_range"] else ""), **sc):
        return out
    bad = trouble(F, ctx.session)
    lp = loss_progress(F)
    slow = lp is not None and lp["drop"] < ctx.threshold("INPUT_SLOW_DROP")
    # A loss falling faster in the second half of the run than in the first is picking up, not held back: badly
    # scaled inputs slow a descent down as it goes (the steep directions done, the flat ones left).
    early = (lp["first"] - lp["middle"]) / max(abs(lp["first"]), 1e-12) if lp is not None and "middle" in lp else None
    picking_up = slow and early is not None and lp["late_drop"] > max(early, 0.0)
    stuck = saturated_reader(F, sc["site"], ctx.threshold("INPUT_SATURATED"))
    # A loss that fell at first and then flattened while still above a large share of its start: the steep
    # directions are done and the flat ones, set by the small features, barely move.
    level = ctx.threshold("INPUT_STALL_LEVEL")
    stalled = (lp is not None and not slow and "late_drop" in lp and lp["first"] > 0 and lp["last"] > level * lp["first"]
               and 0 <= lp["late_drop"] < ctx.threshold("INPUT_SLOW_DROP"))
    status = True if bad or (slow and not picking_up) or stuck or stalled else (None if bad is None and lp is None
                                                                                 else False)
    why = bad["what"] if bad else (f"the loss only went from {lp['first']:.4g} to {lp['last']:.4g}" if slow and not picking_up
                                   else stuck["what"] if stuck
                                   else f"the loss went from {lp['first']:.4g} to {lp['middle']:.4g} by the middle of the "
                                        f"run and only on to {lp['last']:.4g} in its second half, still "
                                        f"{lp['last'] / lp['first']:.0%} of its start" if stalled
                                   else f"the loss went from {lp['first']:.4g} to {lp['middle']:.4g} in the first half "
                                        f"and on to {lp['last']:.4g} in the second, falling faster as it goes"
                                   if picking_up else sound_run_words(F))
    if not out.check("run_troubled", status, why):
        return out
    msg = (f"The inputs {site_words(F, sc['site'])} are not normalized: a feature reaches a mean of {sc['largest_mean']:.4g} and a "
           f"spread of {sc['largest_std']:.4g} where it meets the weights, and {why}.")
    chain = [ChainLink(msg, None, sc["name"], sc["line"], {k: v for k, v in sc.items() if k != "site"})]
    score = PRIMARY + 1 if bad else PRIMARY - 12
    out.drafts.append(Draft("unnormalized_inputs", score, msg, chain, [] if listed else normalize_fixes(F, sc["site"]),
                            [f.code for f in ctx.findings.get("unnormalized_inputs", [])],
                            {k: v for k, v in sc.items() if k != "site"}))
    return out


def saturated_reader(F, input_site: int, share: float) -> dict | None:
    """A sigmoid or tanh computed from the product of the inputs with the weights that ends the run with at least
    `share` of its outputs at (or next to) its bounds: a unit that large inputs pinned, so its gradient is ~0."""
    name = base_name(F.by_id[input_site].target)
    # The statements that multiply the inputs by something, and the values computed from them.
    products = {x.id for x in F.sites if name in _matmul_operands(x.statement) and F.observed(x.id)}
    reached = products | {x.id for x in F.sites if set(F.parent_map.get(x.id, [])) & products}
    for a in F.activations:
        if a.kind not in ("sigmoid", "tanh") or (a.site not in reached and a.pre not in reached):
            continue
        sr = F.ser(a.site)
        frac = sr[C.FRAC_SAT_NEAR][sr.step >= 0] if sr is not None and len(sr) else np.array([])
        frac = frac[np.isfinite(frac)]
        if len(frac) and frac[-1] >= share:
            x = F.by_id[a.site]
            return {"site": a.site, "share": float(frac[-1]),
                    "what": f"the {a.kind} computed from them ({site_words(F, a.site)}, line {x.line}) ends the run with "
                            f"{100 * frac[-1]:.0f}% of its outputs at its bounds, where its gradient vanishes"}
    return None


def _scopes(F):
    return [(q, fn) for q, fn in F.function_defs.items()] + [("<module>", t) for t in F.trees.values()]


def list_rows_scale(F) -> dict | None:
    """The scale of a pure-Python table's columns that reach the model: rows appended from recorded numbers
    (`rows.append([age, income, spend])`), then iterated (`for a, inc, t in rows:`) by a loop whose statements
    multiply the parameters by the unpacked names. Per column from the numbers recorded where they were made. None
    when no such table was found, or when the table is rebound or written into between the appends and the loop
    that feeds the model (the values made are then not the values used)."""
    params = {n.split("[")[0].split(".")[0] for n in F.param_names}
    if not params:
        return None
    best = None
    for qual, scope in _scopes(F):
        nodes = [n for n in ast.walk(scope)]
        for loop in nodes:
            if not isinstance(loop, ast.For) or not isinstance(loop.iter, ast.Name) \
                    or not isinstance(loop.target, ast.Tuple) \
                    or not all(isinstance(e, ast.Name) for e in loop.target.elts):
                continue
            table, cols = loop.iter.id, [e.id for e in loop.target.elts]
            # The unpacked names a statement multiplies a parameter by: the columns the model reads.
            fed = set()
            for stmt in ast.walk(loop):
                if not isinstance(stmt, (ast.Assign, ast.AugAssign)):
                    continue
                for node in ast.walk(stmt.value):
                    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
                        sides = [node.left, node.right]
                        names = [x.id for x in sides if isinstance(x, ast.Name)]
                        if any(n in params for n in names):
                            fed |= {n for n in names if n in cols}
            if not fed:
                continue
            appends = [n for n in nodes if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                       and n.func.attr == "append" and isinstance(n.func.value, ast.Name) and n.func.value.id == table
                       and len(n.args) == 1 and isinstance(n.args[0], (ast.List, ast.Tuple))
                       and len(n.args[0].elts) == len(cols) and n.lineno < loop.lineno]
            if len(appends) != 1 or not all(isinstance(e, ast.Name) for e in appends[0].args[0].elts):
                continue
            store = appends[0]
            # Flow: nothing rebinds the table or writes into it between the appends and the loop.
            touched = any(
                (isinstance(n, ast.Name) and n.id == table and isinstance(n.ctx, ast.Store)
                 and store.lineno < n.lineno < loop.lineno)
                or (isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Store)
                    and any(isinstance(m, ast.Name) and m.id == table for m in ast.walk(n.value)))
                or (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Name)
                    and n.func.value.id == table and n.func.attr in ("insert", "extend", "sort", "reverse"))
                for n in nodes)
            if touched:
                continue
            made = [e.id for e in store.args[0].elts]
            stats = []
            for col, src in zip(cols, made):
                if col not in fed:
                    continue
                writers = [x for x in F.sites if x.function == qual and base_name(x.target) == src
                           and x.line < store.lineno and F.observed(x.id)]
                vals = np.concatenate([F.ser(x.id)[C.MEAN][F.ser(x.id).step < 0] for x in writers]) if writers else \
                    np.array([])
                vals = vals[np.isfinite(vals)]
                if len(vals) < 2:
                    stats = None
                    break
                stats.append((src, float(np.mean(vals)), float(np.std(vals)), float(vals.min()), float(vals.max())))
            if not stats:
                continue
            site = next((x for x in F.sites if x.line == store.lineno and x.function == qual), None)
            if site is None:
                continue
            mean = max(abs(m) for _, m, _, _, _ in stats)
            std = max(sd for _, _, sd, _, _ in stats)
            got = {"site": site.id, "name": table, "line": store.lineno, "shape": f"rows of {len(cols)}",
                   "how": f"per column from the numbers appended ({', '.join(n for n, *_ in stats)})",
                   "largest_mean": mean, "largest_std": std, "low": min(lo for *_, lo, _ in stats),
                   "high": max(hi for *_, hi in stats)}
            got["largest_rms"] = float(np.hypot(mean, std))
            got["unit_range"] = bool(got["low"] >= 0 and got["high"] <= 1)
            if best is None or got["largest_rms"] > best["largest_rms"]:
                best = got
    return best
