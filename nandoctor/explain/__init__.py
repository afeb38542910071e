"""Explanation: ranked root causes with chains from symptom back to cause, and fixes."""

from __future__ import annotations

import ast
import re
from collections import defaultdict

import numpy as np

from .. import columns as C
from ..detectors.facts import Facts, _dotted, activation_of, base_name, facts, last, strip_comment
from ..detectors.numerics import first_nonfinite_info
from ..detectors.optimisation import loss_series, update_ratios
from ..analysis.rules import LATENT, PRIMARY, STRUCTURAL, WEAK, Draft, evaluate_rules, load_rules
from ..model import Cause, ChainLink, Finding, Fix
from .chain import _num, walk
from .fixes import copy_fix, lower_lr_fix, np_alias



def explain(session, findings: list[Finding]) -> list[Cause]:
    """Ranked causes for these findings: each with its chain of evidence and fixes on the user's lines."""
    F = facts(session)
    by: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by[f.code].append(f)
    drafts: list[Draft] = []
    import warnings

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        # Declared rules (analysis/causes/) own their codes: a builder below that still makes the same
        # code is not used for it. The builders are being moved into rules, one cause at a time.
        declared = set(load_rules())
        ruled, not_checked, _ = evaluate_rules(session, F, findings)
        session.not_checked = not_checked
        drafts.extend(ruled)
        for build in BUILDERS:
            try:
                drafts.extend(d for d in build(session, F, by) if d.tag not in declared)
            except Exception as e:  # noqa: BLE001 - one builder must not sink the others
                session.errors.append(f"cause builder {build.__name__} failed: {type(e).__name__}: {e}")
    # A numeric mechanism that a measured cause drove the values into (`chained_to`) is the symptom's
    # formula, not its root: it ranks below the causes.
    chained = {d.evidence.get("chained_to") for d in ruled if d.evidence.get("chained_to")}
    for d in drafts:
        if d.tag in chained and d.score > WEAK:
            d.score = WEAK
            d.summary += " The formula itself is fragile: it fails whenever the values reach it, whatever pushed them."
    best: dict[str, Draft] = {}
    for d in drafts:
        if d.tag not in best or d.score > best[d.tag].score:
            best[d.tag] = d
    ordered = sorted(best.values(), key=lambda d: -d.score)
    return [Cause(tag=d.tag, rank=k + 1, summary=d.summary, chain=tuple(d.chain), fixes=tuple(x for x in d.fixes if x),
                  findings=tuple(dict.fromkeys(d.findings)), evidence=_clean(d.evidence))
            for k, d in enumerate(ordered)]


def _clean(d):
    out = {}
    for k, v in d.items():
        out[k] = _num(v) if not isinstance(v, (dict, list, tuple)) else v
    return out


def _line(F: Facts, sid: int) -> str:
    x = F.by_id[sid]
    return strip_comment(F.line_text(x.file, x.line)) or strip_comment(x.statement.strip())


# -- the non-finite symptom and what drove it -------------------------------------------------------

def _mechanism(F: Facts, info: dict, by) -> str:
    """The numeric mechanism of the first non-finite value, as a cause tag."""
    op = info.get("operation", "") or ""
    expr = info.get("expression", "") or ""
    stmt = info.get("statement", "") or ""
    sid = info.get("site")
    names = set(re.findall(r"[A-Za-z_][\w.]*", expr))
    acts = {base_name(F.by_id[a.site].target): a for a in F.activations}
    involved = [acts[n] for n in names if n in acts]
    if sid is not None and sid in F.by_id:
        # the statement's own operands, followed through arguments to the caller's values
        for p in F.parent_map.get(sid, []):
            a = activation_of(F, F.root_value(p))
            if a is not None and a not in involved and base_name(F.by_id[p].target) in names:
                involved.append(a)
    if op in ("0/0", "x/0"):
        if any(a.kind == "sigmoid" for a in involved) or re.search(r"/\s*\(?\s*1\s*-", expr):
            return "sigmoid_saturation_bce_0over0"
        return "other:division by zero"
    if op.startswith("log("):
        if op == "log(<0)" and (any(a.kind == "tanh" for a in involved) or not involved):
            return "wrong_loss_for_activation"
        return "log_of_zero"
    if "exp overflow" in op or "exp" in op:
        softmax = any(a.kind == "softmax" for a in F.activations) or "softmax" in (info.get("function") or "").lower()
        if softmax and not re.search(r"(max|amax)\s*\(", stmt) and not re.search(r"-\s*\w+\.max\(", stmt):
            return "softmax_overflow_no_max_subtraction"
        return "exp_overflow"
    return "exploding_gradient"


def _symptom_text(info: dict) -> str:
    expr = info.get("expression") or info.get("statement", "")
    op = info.get("operation", "")
    elems = info.get("elements") or []
    at = f" at elements {', '.join(str(tuple(e)) for e in elems[:3])}" if elems else ""
    ops = info.get("operands") or {}
    optxt = "; ".join(f"{k} = {v[:3]}" for k, v in list(ops.items())[:2]) if ops else ""
    return f"`{expr}` computes {op}{at}" + (f" ({optxt})" if optxt else "") + " and the NaN spreads to the weights"


def build_nonfinite(session, F: Facts, by) -> list[Draft]:
    info = first_nonfinite_info(session)
    if info is None:
        return []
    if by.get("nonfinite_in_data") and (info["step"] < 0 or info.get("source") == "frame" and info["step"] <= 0):
        return []  # the data builder owns it
    mech = _mechanism(F, info, by)
    sid = info.get("site")
    step = info["step"]
    chain = []
    if sid is not None and sid in F.by_id:
        chain = walk(F, sid, step, _symptom_text(info), {k: info.get(k) for k in ("operation", "elements") if info.get(k)})
    codes = ["first_nonfinite"] + [c for c in ("division_by_zero", "log_of_zero", "exp_overflow", "exact_saturation",
                                               "catastrophic_cancellation") if by.get(c)]
    if mech == "exploding_gradient":
        # No numeric mechanism of its own: what drove the values there (the learning rate, a summed
        # gradient, raw inputs, gradients growing layer by layer) is for the optimisation rules to measure.
        return []
    mech_fixes = _mechanism_fixes(session, F, mech, info, by)
    return [Draft(mech, PRIMARY, _mech_summary(mech, info, F, standalone=True), chain, mech_fixes, codes,
                  {"operation": info.get("operation"), "step": step, "expression": info.get("expression")})]


def _mech_summary(mech: str, info: dict, F: Facts, standalone: bool) -> str:
    step, expr, op = info["step"], info.get("expression") or info.get("statement"), info.get("operation")
    base = {
        "sigmoid_saturation_bce_0over0": "The sigmoid output reaches exactly 1.0 (or 0.0) and the cross-entropy "
                                         "gradient divides by 1 - a (or a)",
        "log_of_zero": "The log in the loss gets exactly 0",
        "exp_overflow": "exp() overflows",
        "softmax_overflow_no_max_subtraction": "The softmax exponentiates the raw logits without subtracting their max",
        "wrong_loss_for_activation": "The loss does not fit the output activation",
        "learning_rate_too_high": "The learning rate is too high",
    }.get(mech, mech.replace("_", " ").capitalize())
    text = f"{base}: at step {step} `{expr}` computes {op}."
    if not standalone:
        text += " The formula itself is fragile: it fails whenever the output saturates, whatever pushed it there."
    return text


def _mechanism_fixes(session, F: Facts, mech: str, info: dict, by) -> list[Fix]:
    fixes: list[Fix] = []
    sid = info.get("site")
    npx = np_alias(F)
    if mech == "sigmoid_saturation_bce_0over0":
        fixes.extend(_bce_fixes(F, info))
    elif mech == "log_of_zero" and sid is not None:
        line = _line(F, sid)
        new = re.sub(r"((?:np\.|numpy\.)?log)\(([^()]*(?:\([^()]*\))?[^()]*)\)",
                     lambda m: f"{m.group(1)}({npx}clip({m.group(2)}, 1e-7, None))", line)
        if new != line:
            fixes.append(Fix("Keep the log's argument away from 0", F.by_id[sid].line, line, new,
                             "log(0) is -inf; clipping at 1e-7 bounds the loss without changing healthy values."))
    elif mech == "softmax_overflow_no_max_subtraction" and sid is not None:
        line = _line(F, sid)
        m = re.search(r"exp\((\w+)\)", line)
        if m:
            z = m.group(1)
            fixes.append(Fix("Subtract the row max before exp", F.by_id[sid].line, line,
                             line.replace(m.group(0), f"exp({z} - {z}.max(axis=1, keepdims=True))", 1),
                             "softmax(z) = softmax(z - max z); the largest exponent becomes 0, so exp cannot overflow."))
    elif mech == "exp_overflow" and sid is not None:
        line = _line(F, sid)
        m = re.search(r"((?:np\.|numpy\.)?exp)\((\w+)\)\s*/\s*\(\s*1\s*\+\s*(?:np\.|numpy\.)?exp\(\2\)\s*\)", line)
        if m:
            fixes.append(Fix("Use the form of the sigmoid that cannot overflow", F.by_id[sid].line, line,
                             line.replace(m.group(0), f"1 / (1 + {m.group(1)}(-{m.group(2)}))"),
                             "exp(z)/(1+exp(z)) is inf/inf = NaN for large z; 1/(1+exp(-z)) tends to 1 instead."))
        else:
            m = re.search(r"((?:np\.|numpy\.)?exp)\((-?\s*\w+)\)", line)
            if m:
                lim = F.limits(sid).exp_max
                fixes.append(Fix("Clip the argument of exp", F.by_id[sid].line, line,
                                 line.replace(m.group(0), f"{m.group(1)}({npx}clip({m.group(2)}, -{int(lim)}, {int(lim)}))"),
                                 f"exp overflows above {lim} in {F.limits(sid).dtype}."))
    elif mech == "wrong_loss_for_activation":
        for a in F.activations:
            if a.kind == "tanh" and a.site == F.output or (a.kind == "tanh" and F.output is None):
                x = F.by_id[a.site]
                fixes.append(Fix("Use a sigmoid output with the cross-entropy", x.line, _line(F, a.site),
                                 "a sigmoid: 1 / (1 + exp(-z))",
                                 "Binary cross-entropy needs outputs in (0, 1); tanh gives (-1, 1) and log of a "
                                 "negative number is NaN. With a sigmoid, its derivative is a*(1-a)."))
        for x in F.sites:
            if x.kind == "return" and re.search(r"tanh", F.by_id[x.id].statement) and not fixes:
                fixes.append(Fix("Use a sigmoid output with the cross-entropy", x.line, _line(F, x.id),
                                 "return 1 / (1 + np.exp(-z))", "tanh outputs can be negative: log of them is NaN."))
    return fixes


def _bce_fixes(F: Facts, info: dict) -> list[Fix]:
    """`-y/a + (1-y)/(1-a)` times `a*(1-a)` is `a - y`: the gradient at the logit, with no division."""
    sid = info.get("site")
    if sid is None or sid not in F.by_id:
        return []
    x = F.by_id[sid]
    line = _line(F, sid)
    m = re.search(r"/\s*\(\s*1\s*-\s*([\w.]+)\s*\)", line)
    if not m:
        return []
    a = m.group(1)
    t = None
    m2 = re.search(r"\(\s*1\s*-\s*([\w.]+)\s*\)\s*/", line)
    if m2:
        t = m2.group(1)
    if t is None:
        m3 = re.search(r"-\s*([\w.]+)\s*/\s*" + re.escape(a), line)
        t = m3.group(1) if m3 else "y"
    lhs = line.split("=", 1)[0].strip() if "=" in line and not line.lstrip().startswith("return") else None
    fixes = []
    # Where the sigmoid derivative of `a` is taken, so the simplification can drop it.
    deriv = None
    for y in F.sites:
        if y.phase == "backward" and y.kind in ("assign", "unpack") and a in y.reads and y.id != sid and y.calls \
                and any(re.search(r"deriv|prime|grad", c, re.I) for c in y.calls):
            deriv = y
            break
    if lhs:
        fixes.append(Fix(f"Simplify the output gradient to {a} - {t}", x.line, line,
                         f"{lhs} = {a} - {t}  # = (-{t}/{a} + (1-{t})/(1-{a})) * {a}*(1-{a}), with no division",
                         f"-{t}/{a} + (1-{t})/(1-{a}) times the sigmoid derivative {a}*(1-{a}) is exactly {a} - {t}: "
                         f"the same gradient at the logit, finite even when {a} is exactly 0 or 1."))
        if deriv is not None:
            dl = _line(F, deriv.id)
            dlhs = dl.split("=", 1)[0].strip()
            fixes.append(Fix(f"…and drop the sigmoid derivative it already contains", deriv.line, dl,
                             f"{dlhs} = 1  # {a} - {t} already includes {a}*(1-{a})",
                             "Multiplying by the derivative again would count it twice."))
    npx = np_alias(F, x.file)
    note = "" if npx else " (add clip to the `from numpy import ...` line)"
    fixes.append(Fix(f"Or clip {a} away from exactly 0 and 1{note}", x.line, line,
                     line.replace(f"(1 - {a})", f"(1 - {npx}clip({a}, 1e-7, 1 - 1e-7))").replace(
                         f"/{a}", f"/{npx}clip({a}, 1e-7, 1 - 1e-7)").replace(f"/ {a}", f"/ {npx}clip({a}, 1e-7, 1 - 1e-7)"),
                     "Clipping keeps 1 - a and a nonzero; the simplification above is better (no clipping bias)."))
    return fixes


def _preact_fixes(F: Facts, f: Finding) -> list[Fix]:
    fed = f.evidence.get("fed")
    for a in F.activations:
        if a.pre is not None and base_name(F.by_id[a.pre].target) == fed:
            act_name = base_name(F.by_id[a.site].target)
            for x in F.sites:
                if fed in x.reads and x.calls and x.phase == "backward":
                    line = _line(F, x.id)
                    return [Fix(f"Give the derivative the activation {act_name}, not {fed}", x.line, line,
                                re.sub(rf"\b{re.escape(fed)}\b", act_name, line),
                                f"{f.evidence.get('expression')} is the derivative written in terms of the "
                                f"activation's output.")]
    return []


# -- the other causes --------------------------------------------------------------------------------

def build_integer(session, F: Facts, by) -> list[Draft]:
    out = []
    for f in by.get("integer_dtype_truncation", [])[:1]:
        fixes = []
        name = f.site
        for x in F.sites:
            if base_name(x.target) == name and x.kind == "assign" and not F.ser(x.id) is None and F.ser(x.id).step[0] < 0:
                line = _line(F, x.id)
                try:
                    call = ast.parse(line.split("=", 1)[1].strip()).body[0].value
                except (SyntaxError, IndexError, AttributeError):
                    call = None
                if isinstance(call, ast.Call) and not any(k.arg == "dtype" for k in call.keywords):
                    seg = line.split("=", 1)[1].strip()
                    new = line.replace(seg, seg[:-1] + ", dtype=float)", 1) if seg.endswith(")") else line
                else:
                    new = re.sub(r"dtype\s*=\s*[\w.]+", "dtype=float", line)
                fixes.append(Fix(f"Make {name} a float array", x.line, line, new,
                                 "An integer array cannot hold 0.2; numpy truncates each update back to a whole number."))
                break
        chain = [ChainLink(f.message, f.first_step, f.site, f.line, dict(f.evidence))]
        for g in by.get("loss_stalled", [])[:1]:
            chain.append(ChainLink(g.message, g.last_step, g.site, g.line, dict(g.evidence)))
        out.append(Draft("integer_dtype_truncation", STRUCTURAL + 2, f"The parameters are integers: {f.message}", chain,
                         fixes, [f.code], dict(f.evidence)))
    return out


def build_shape(session, F: Facts, by) -> list[Draft]:
    out = []
    for f in by.get("shape_broadcasting", [])[:1]:
        shapes = f.evidence.get("shapes", {})
        vec = [k for k, v in shapes.items() if len(v) == 1]
        fixes = []
        sid = next((x.id for x in F.sites if x.target == f.site and x.line == f.line), None)
        if sid is not None and vec:
            line = _line(F, sid)
            v = base_name(vec[0].replace("arg ", ""))
            new = re.sub(rf"\b{re.escape(v)}\b(?!\.reshape)", f"{v}.reshape(-1, 1)", line, count=1)
            fixes.append(Fix(f"Make {v} a column like the other operand", f.line, line, new,
                             "(n,) minus (n, 1) broadcasts to (n, n); both must be (n, 1)."))
        out.append(Draft("shape_broadcasting_bug", STRUCTURAL + 3, f.message, [ChainLink(f.message, f.first_step, f.site,
                         f.line, dict(f.evidence))], fixes, [f.code], dict(f.evidence)))
    return out


def build_preact(session, F: Facts, by) -> list[Draft]:
    out = []
    for f in by.get("derivative_on_preactivation", [])[:1]:
        out.append(Draft("derivative_applied_to_preactivation_vs_activation", STRUCTURAL + 1, f.message,
                         [ChainLink(f.message, f.first_step, f.site, f.line, dict(f.evidence))], _preact_fixes(F, f),
                         [f.code], dict(f.evidence)))
    return out


def build_inplace(session, F: Facts, by) -> list[Draft]:
    out = []
    for f in by.get("inplace_mutation", []):
        ev = f.evidence
        fixes = copy_fix(F, ev.get("function", ""), ev.get("parameter", ""), ev.get("passed", []))
        score = LATENT + 25 if ev.get("caller_reads_after") else LATENT
        chain = [ChainLink(f"{last(ev.get('function', ''))}() writes into its argument {ev.get('parameter')} "
                           f"(line {f.line})", ev.get("step"), ev.get("parameter"), f.line,
                           {k: ev[k] for k in ("entry_min", "entry_max", "after_min", "after_max") if k in ev})]
        if ev.get("caller_reads_after"):
            chain.append(ChainLink(f"The caller reads {ev['caller_reads_after'][0]} afterwards and gets the overwritten "
                                   f"values", ev.get("step"), ev["caller_reads_after"][0], None, {}))
        out.append(Draft("inplace_mutation_aliasing", score, f.message, chain, fixes, [f.code], dict(ev)))
    return out


def build_bias(session, F: Facts, by) -> list[Draft]:
    out = []
    for f in by.get("missing_bias", []):
        if f.severity == "info":
            continue
        fixes = _bias_fixes(F)
        chain = [ChainLink(f.message, f.first_step, f.site, f.line, dict(f.evidence))]
        for g in by.get("accuracy_ceiling", [])[:1]:
            chain.append(ChainLink(g.message, g.last_step, g.site, g.line, {"best": g.evidence.get("best")}))
        out.append(Draft("missing_bias", LATENT + 10, f.message, chain, fixes, [f.code] + [g.code for g in by.get(
            "accuracy_ceiling", []) + by.get("samples_never_learned", [])], dict(f.evidence)))
    return out


def _bias_fixes(F: Facts) -> list[Fix]:
    fixes = []
    for x in F.sites:
        if x.id not in F.forward_sites or x.kind not in ("assign",) or not any(p in x.reads for p in F.param_names):
            continue
        line = _line(F, x.id)
        params = [p for p in x.reads if p in F.param_names]
        w = params[-1]
        b = re.sub(r"(^|\.)(w|W)", r"\1b", w, count=1) if re.search(r"(^|\.)(w|W)", w) else f"{w}_bias"
        if b == w:
            b = f"{w}_bias"
        fixes.append(Fix(f"Add a bias {b} to `{base_name(x.target)}`", x.line, line, f"{line} + {b}",
                         f"Initialise {b} to zeros with one entry per output unit and update it with the sum over "
                         f"samples of the same delta that updates {w}; without it an all-zero input always gives "
                         f"activation(0)."))
        if len(fixes) >= 2:
            break
    return fixes


def build_dead(session, F: Facts, by) -> list[Draft]:
    out = []
    for f in by.get("dead_units", []):
        fixes = []
        if F.updates:
            fx = lower_lr_fix(F, F.updates[0])
            if fx:
                fixes.append(fx)
        score = PRIMARY - 5 if f.severity == "error" else LATENT
        out.append(Draft("dead_relu", score, f.message, [ChainLink(f.message, f.first_step, f.site, f.line,
                         dict(f.evidence))], fixes, [f.code], dict(f.evidence)))
    return out


def build_init(session, F: Facts, by) -> list[Draft]:
    """Hidden units saturated from the very first step: the weights start too large."""
    out = []
    for a in F.activations:
        if a.site == F.output or a.kind not in ("sigmoid", "tanh"):
            continue
        sr = F.ser(a.site)
        loop = np.nonzero(sr.step >= 0)[0]
        if not len(loop):
            continue
        i = loop[0]
        near = sr[C.FRAC_SAT_NEAR][i]
        exact = sr[C.FRAC_SAT_EXACT][i]
        if not (np.isfinite(near) and near >= 0.2) and not (np.isfinite(exact) and exact > 0):
            continue
        name = F.by_id[a.site].target
        ev = {"activation": a.kind, "fraction_near_bound": float(near), "fraction_exact": float(exact), "step": int(sr.step[i])}
        pre_txt = ""
        if a.pre is not None and F.observed(a.pre):
            ps = F.ser(a.pre)
            j = ps.at_step(int(sr.step[i]))
            if j is not None:
                ev["pre_std"] = float(ps[C.STD][j])
                pre_txt = f"; its input {F.by_id[a.pre].target} has a spread (std) of {ps[C.STD][j]:.3g}, where about 1 is healthy"
        fixes = []
        for pid in F.params:
            x = F.by_id[pid]
            sx = F.ser(pid)
            if sx is None or x.kind != "assign" or sx.step[0] >= 0:
                continue
            shp = re.findall(r"\d+", str(sx.shape[0]))
            line = _line(F, pid)
            if len(shp) == 2 and re.search(r"randn|normal|random|rand", line) and "sqrt" not in line:
                fixes.append(Fix(f"Scale the initial {base_name(x.target)} by 1/sqrt(fan_in)", x.line, line,
                                 f"{line} * {np_alias(F)}sqrt(1.0 / {shp[0]})",
                                 "Unit-variance weights on many inputs give pre-activations with a spread of "
                                 "sqrt(fan_in); scaling keeps them near 1 so the units start unsaturated."))
        msg = (f"At step {ev['step']} already {near:.0%} of {name} ({a.kind}) sits within 1e-4 of its bound "
               f"({exact:.0%} exactly at it){pre_txt}: the initial weights are too large.")
        out.append(Draft("bad_weight_init_scale", PRIMARY - 10, msg, [ChainLink(msg, ev["step"], name,
                         F.by_id[a.site].line, ev)], fixes, [f.code for f in by.get("exact_saturation", [])], ev))
        break
    return out


def build_wrong_derivative(session, F: Facts, by) -> list[Draft]:
    """The loss rises from the very first steps while the steps are small: the gradient points uphill."""
    if first_nonfinite_info(session) is not None:
        return []
    ls = loss_series(F)
    if ls is None:
        return []
    steps, loss, how = ls
    fin = np.isfinite(loss)
    steps, loss = steps[fin], loss[fin]
    if len(loss) < 10:
        return []
    # The first few steps: with a correct gradient and a step that is not huge, each lowers the loss.
    k = 4
    first = loss[:k]
    rising = bool(np.all(np.diff(first) > 0)) and first[-1] > first[0] * 1.01
    small = True
    for u in F.updates:
        st, up, before, ratio = update_ratios(F, u)
        if len(ratio) and ratio[0] > 0.1:
            small = False
    if not (rising and small and loss[-1] > loss[0]):
        return []
    msg = (f"The loss ({how}) rises from the first step: {first[0]:.4g}, {first[1]:.4g}, {first[2]:.4g}, … and ends at "
           f"{loss[-1]:.4g}, while each update is a small fraction of the weights. Small gradient steps can only lower "
           f"the loss, so the gradient points uphill: a sign or formula error in the backward pass.")
    fixes = []
    o, t, comb = F.loss_side
    for x in F.sites:
        if x.phase != "backward" or x.kind not in ("assign",):
            continue
        line = _line(F, x.id)
        m = re.search(r"\(\s*([\w.\[\]\"']+)\s*-\s*([\w.\[\]\"']+)\s*\)", line)
        if m and t is not None and base_name(F.by_id[t].target) in (base_name(m.group(1)), last(m.group(1))):
            fixes.append(Fix("Subtract the target from the prediction, not the other way round", x.line, line,
                             line.replace(m.group(0), f"({m.group(2)} - {m.group(1)})", 1),
                             "The gradient of the loss at the output is prediction - target; its negative makes "
                             "gradient descent climb."))
            break
    return [Draft("wrong_derivative_formula", PRIMARY - 2, msg, [ChainLink(msg, int(steps[0]), None, None,
                  {"loss_first_steps": [float(v) for v in first[:5]], "loss_last": float(loss[-1])})], fixes,
                  [f.code for f in by.get("loss_rising", [])], {"loss_first": float(first[0]), "loss_last": float(loss[-1])})]


BUILDERS = [build_nonfinite, build_integer, build_shape, build_preact, build_inplace, build_bias,
            build_dead, build_init, build_wrong_derivative]
