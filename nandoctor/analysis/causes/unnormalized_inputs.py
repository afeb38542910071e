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
                         "INPUT_STALL_LEVEL of its start, or the unit that reads the inputs stays saturated, or "
                         "its cross-entropy ends no better than a guess (INPUT_CHANCE_FRACTION of ln K or more over "
                         "the last tenth, for K classes)"),
    ),
    thresholds={"INPUT_SCALE": 10.0, "INPUT_SLOW_DROP": 0.1, "INPUT_SATURATED": 0.5, "INPUT_STALL_LEVEL": 0.5,
                "INPUT_CHANCE_FRACTION": 0.9},
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
    if not large and sc.get("unmeasured"):
        large = None  # the columns measured are small, but others the model reads were not recorded
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
    # A cross-entropy that fell from a huge start but ends where a uniform guess over the K classes would (ln K):
    # the large inputs saturate the output, which learns nothing the classes tell apart.
    guess = None
    if lp is not None and not (bad or slow or stuck or stalled):
        from .weights_init_too_large import _final_tenth_mean, chance_level

        chance, end = chance_level(F), _final_tenth_mean(F)
        if chance is not None and end is not None and end >= ctx.threshold("INPUT_CHANCE_FRACTION") * chance[1]:
            guess = (f"the loss went from {lp['first']:.4g} to {lp['last']:.4g}, and over the last tenth of the run it "
                     f"averages {end:.4g}, no better than a guess among the {chance[0]} classes of {chance[2]} "
                     f"(ln {chance[0]} = {chance[1]:.4g})")
    status = True if bad or (slow and not picking_up) or stuck or stalled or guess else (
        None if bad is None and lp is None else False)
    why = bad["what"] if bad else (f"the loss only went from {lp['first']:.4g} to {lp['last']:.4g}" if slow and not picking_up
                                   else stuck["what"] if stuck else guess if guess
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


def _made_from(node) -> str | None:
    """The recorded name an appended element holds: `age`, or the name a conversion wraps (`float(floor)`)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("float", "int", "abs") \
            and len(node.args) == 1 and isinstance(node.args[0], ast.Name) and not node.keywords:
        return node.args[0].id
    return None


def _index_values(scope, name: str, at) -> set[int] | None:
    """The constant indices a variable index takes where `at` reads it: the `range(k)` (or `range(a, b)`) of the loop
    or comprehension that binds it, or None when it is not such a range."""
    for node in ast.walk(scope):
        gens = [(node.target, node.iter)] if isinstance(node, ast.For) else \
            [(g.target, g.iter) for g in node.generators] if isinstance(node, (ast.GeneratorExp, ast.ListComp,
                                                                               ast.SetComp)) else []
        for target, it in gens:
            if not (isinstance(target, ast.Name) and target.id == name and any(n is at for n in ast.walk(node))):
                continue
            if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "range" \
                    and all(isinstance(a, ast.Constant) and isinstance(a.value, int) for a in it.args) \
                    and 1 <= len(it.args) <= 2:
                bounds = [a.value for a in it.args]
                return set(range(*bounds))
            return None
    return None


def _fed_columns(loop, params: set, cols: list | None, row: str | None, width: int) -> set[int]:
    """The positions of a table's rows that a statement of the loop multiplies a parameter by: unpacked names
    (`for age, inc, t in rows:` ... `w1 * age`) or items of the row (`for row in rows:` ... `w[j] * row[j]` with j
    over a constant range, or `row[0]`)."""
    fed = set()
    for stmt in ast.walk(loop):
        if not isinstance(stmt, (ast.Assign, ast.AugAssign)):
            continue
        for node in ast.walk(stmt.value):
            if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult)):
                continue
            # The factors of a product chain (`alpha * miss * row[j]`), and whether a parameter is one of them.
            factors, todo = [], [node]
            while todo:
                f = todo.pop()
                if isinstance(f, ast.BinOp) and isinstance(f.op, ast.Mult):
                    todo += [f.left, f.right]
                else:
                    factors.append(f)
            roots = {getattr(f.value if isinstance(f, ast.Subscript) else f, "id", None) for f in factors}
            if isinstance(stmt, ast.AugAssign):
                target = stmt.target.value if isinstance(stmt.target, ast.Subscript) else stmt.target
                roots.add(getattr(target, "id", None))
            if not roots & params:
                continue
            for f in factors:
                if cols is not None and isinstance(f, ast.Name) and f.id in cols:
                    fed.add(cols.index(f.id))
                elif row is not None and isinstance(f, ast.Subscript) and isinstance(f.value, ast.Name) \
                        and f.value.id == row:
                    index = f.slice
                    if isinstance(index, ast.Constant) and isinstance(index.value, int):
                        fed.add(index.value % width if index.value < 0 else index.value)
                    elif isinstance(index, ast.Name):
                        values = _index_values(loop, index.id, f)
                        if values is not None:
                            fed |= {v for v in values if 0 <= v < width}
    return fed


def list_rows_scale(F) -> dict | None:
    """The scale of a pure-Python table's columns that reach the model: rows appended from recorded numbers
    (`rows.append([age, income, float(spend)])`), then iterated by a loop whose statements multiply the parameters by
    the unpacked names (`for a, inc, t in rows:`) or by items of the row (`for row in rows:` ... `w[j] * row[j]`).
    Per column from the numbers recorded where they were made. None when no such table was found, or when the table
    is rebound or written into between the appends and the loop that feeds the model (the values made are then not
    the values used). A loop that only rebinds its own name (`for row in rows: row = [...]`) leaves the table as it
    was."""
    params = {n.split("[")[0].split(".")[0] for n in F.param_names}
    if not params:
        return None
    best = None
    for qual, scope in _scopes(F):
        nodes = [n for n in ast.walk(scope)]
        for loop in nodes:
            if not isinstance(loop, ast.For) or not isinstance(loop.iter, ast.Name):
                continue
            if isinstance(loop.target, ast.Tuple) and all(isinstance(e, ast.Name) for e in loop.target.elts):
                cols, row = [e.id for e in loop.target.elts], None
            elif isinstance(loop.target, ast.Name):
                cols, row = None, loop.target.id
            else:
                continue
            table = loop.iter.id
            appends = [n for n in nodes if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                       and n.func.attr == "append" and isinstance(n.func.value, ast.Name) and n.func.value.id == table
                       and len(n.args) == 1 and isinstance(n.args[0], (ast.List, ast.Tuple))
                       and (cols is None or len(n.args[0].elts) == len(cols)) and n.lineno < loop.lineno]
            if len(appends) != 1:
                continue
            store = appends[0]
            width = len(store.args[0].elts)
            fed = _fed_columns(loop, params, cols, row, width)
            if not fed:
                continue
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
            made = [_made_from(e) for e in store.args[0].elts]
            stats, unmeasured = [], []
            for k in sorted(fed):
                src = made[k]
                writers = [x for x in F.sites if x.function == qual and base_name(x.target) == src
                           and x.line < store.lineno and F.observed(x.id)] if src else []
                vals = np.concatenate([F.ser(x.id)[C.MEAN][F.ser(x.id).step < 0] for x in writers]) if writers else \
                    np.array([])
                vals = vals[np.isfinite(vals)]
                if len(vals) < 2:
                    unmeasured.append(src or f"column {k}")
                    continue
                stats.append((src, float(np.mean(vals)), float(np.std(vals)), float(vals.min()), float(vals.max())))
            if not stats:
                continue
            site = next((x for x in F.sites if x.line == store.lineno and x.function == qual), None)
            if site is None:
                continue
            mean = max(abs(m) for _, m, _, _, _ in stats)
            std = max(sd for _, _, sd, _, _ in stats)
            got = {"site": site.id, "name": table, "line": store.lineno, "shape": f"rows of {width}",
                   "how": f"per column from the numbers appended ({', '.join(n for n, *_ in stats)})",
                   "largest_mean": mean, "largest_std": std, "low": min(lo for *_, lo, _ in stats),
                   "high": max(hi for *_, hi in stats), "unmeasured": unmeasured}
            got["largest_rms"] = float(np.hypot(mean, std))
            got["unit_range"] = bool(got["low"] >= 0 and got["high"] <= 1)
            if best is None or got["largest_rms"] > best["largest_rms"]:
                best = got
    return best
