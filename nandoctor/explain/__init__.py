"""Explanation: ranked root causes with chains from symptom back to cause, and fixes."""

from __future__ import annotations

import re
from collections import defaultdict

import numpy as np

from ..detectors.facts import Facts, base_name, facts, last, strip_comment
from ..detectors.numerics import first_nonfinite_info
from ..detectors.optimisation import batch_size, loss_series, summed_gradients, update_ratios
from ..analysis.rules import LATENT, PRIMARY, WEAK, Draft, evaluate_rules, load_rules
from ..model import Cause, ChainLink, Finding, Fix
from .chain import _num
from .fixes import divide_gradient_fix, hyper_value, lower_lr_fix
# The module, not its names: it imports explain.chain, so it may still be loading when this module is.
from ..analysis.causes import _numeric as mechanisms

# Input features above this scale make a fixed learning rate unstable on their own.
INPUT_SCALE_ROOT = 100.0
# A learning rate at or below this, with updates < 1e-4 of the weights, is the reason for slow learning.
LOW_LR = 1e-3


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
    """The numeric mechanism of the first non-finite value, as the code of the rule that names it."""
    op = info.get("operation", "") or ""
    if op in ("0/0", "x/0"):
        return "sigmoid_saturation_bce_0over0" if mechanisms.saturated_divisor(F, info, by)[0] else "division_by_zero"
    if op.startswith("log"):
        return "wrong_loss_for_activation" if "<" in op else "log_of_zero"
    if "exp" in op and "overflow" in op:
        return "softmax_overflow_no_max_subtraction" if mechanisms.softmax_form(F, info)[0] and not mechanisms.subtracts_max(F, info) \
            else "exp_overflow"
    return "exploding_gradient"


_MECHANISM_FIXES = {"sigmoid_saturation_bce_0over0": "bce_fixes", "log_of_zero": "log_fix", "exp_overflow": "exp_fix",
                    "softmax_overflow_no_max_subtraction": "softmax_fix", "division_by_zero": "division_fix"}


def _instability(F: Facts, by, before_step=None):
    """Findings that show the optimisation itself going unstable (before a step, if given)."""
    return mechanisms.instability(by, before_step)


def _instability_root(session, F: Facts, by) -> tuple[str, list, list, dict]:
    """(tag, fixes, finding codes, evidence) for what made the optimisation unstable."""
    upd = F.updates[0] if F.updates else None
    for f in by.get("derivative_on_preactivation", []):
        # The rule analysis/causes/derivative_on_preactivation.py owns this cause (and its fixes); this draft is dropped.
        return "derivative_on_preactivation", [], [f.code], dict(f.evidence)
    b = batch_size(F)
    summed = summed_gradients(F)
    if summed and b is not None and b >= 32:
        u = summed[0]["update"]
        name = F.by_id[F.inputs].target if F.inputs is not None else None
        fx = [divide_gradient_fix(F, d["update"], name) for d in summed[:2]]
        return "gradient_sum_not_mean", fx + [lower_lr_fix(F, u, factor=float(b))], ["gradient_sum_not_mean"], {"batch": b}
    for f in by.get("unnormalized_inputs", []):
        if f.evidence.get("max_scale", 0) >= INPUT_SCALE_ROOT or f.evidence.get("spread", 0) >= INPUT_SCALE_ROOT:
            return "unnormalized_inputs", _normalize_fixes(F), [f.code], dict(f.evidence)
    fixes = []
    if upd is not None:
        fixes.append(lower_lr_fix(F, upd))
        if summed:
            name = F.by_id[F.inputs].target if F.inputs is not None else None
            fixes.append(divide_gradient_fix(F, summed[0]["update"], name))
    return "learning_rate_too_high", fixes, [], {}


def build_nonfinite(session, F: Facts, by) -> list[Draft]:
    """The upstream cause that pushed the first non-finite value's mechanism (the mechanism itself is a rule in
    analysis/causes/): the learning rate, summed gradients, raw inputs, measured unstable before that step."""
    info = first_nonfinite_info(session)
    if info is None or mechanisms.data_owns(info, by):
        return []
    mech = _mechanism(F, info, by)
    sid = info.get("site")
    step = info["step"]
    chain = mechanisms.symptom_chain(F, info, by) if sid is not None and sid in F.by_id else []
    unstable = _instability(F, by, before_step=step)
    codes = ["first_nonfinite"] + [c for c in ("division_by_zero", "log_of_zero", "exp_overflow", "exact_saturation",
                                               "catastrophic_cancellation") if by.get(c)]
    fixer = _MECHANISM_FIXES.get(mech)
    mech_fixes = getattr(mechanisms, fixer)(F, info) if fixer else []
    out = []
    if unstable and mech != "wrong_loss_for_activation":
        tag, fixes, rcodes, ev = _instability_root(session, F, by)
        spike = next((f for f in unstable if f.code == "update_spike"), unstable[0])
        ev.update({k: spike.evidence.get(k) for k in ("ratio", "typical_ratio", "update_norm", "weight_norm", "factor")
                   if k in spike.evidence})
        ev.update(spike_step=spike.first_step, first_nonfinite_step=step, operation=info.get("operation"))
        if mech != "exploding_gradient":
            ev["chained_to"] = mech
        words = {"learning_rate_too_high": "The learning rate is too high",
                 "gradient_sum_not_mean": "The gradient is summed over the batch instead of averaged",
                 "unnormalized_inputs": "The inputs are not normalized",
                 "derivative_on_preactivation": "The activation's derivative is applied to the pre-activation"}[tag]
        summary = (f"{words}: at step {spike.first_step} one update moved {spike.site} by "
                   f"{spike.evidence.get('ratio', float('nan')):.2g} of its norm (typical "
                   f"{spike.evidence.get('typical_ratio', float('nan')):.2g})" if spike.code == "update_spike" else
                   f"{words}: {spike.message[0].lower() + spike.message[1:].rstrip('.')}")
        summary += f"; at step {step} `{info.get('expression') or info.get('statement')}` computes {info.get('operation')}."
        out.append(Draft(tag, PRIMARY, summary, chain, fixes + mech_fixes, codes + rcodes + [f.code for f in unstable], ev))
        return out
    if mech == "exploding_gradient":
        tag, fixes, rcodes, ev = _instability_root(session, F, by)
        out.append(Draft(tag, PRIMARY, f"{tag.replace('_', ' ').capitalize()}: at step {step} "
                         f"`{info.get('expression') or info.get('statement')}` computes {info.get('operation')}.",
                         chain, fixes, codes + rcodes, {"operation": info.get("operation"), "step": step,
                                                        "expression": info.get("expression")}))
    # Huge raw inputs push the pre-activations past the dtype's limits on their own.
    for f in by.get("unnormalized_inputs", []):
        if f.evidence.get("max_scale", 0) >= INPUT_SCALE_ROOT and not any(d.tag == "unnormalized_inputs" for d in out):
            out.append(Draft("unnormalized_inputs", PRIMARY - 5,
                             f"{f.message} They drive the values that overflow at step {step}.",
                             [ChainLink(f.message, None, f.site, f.line, dict(f.evidence))] + chain[-2:],
                             _normalize_fixes(F), [f.code], dict(f.evidence, chained_to=mech)))
    return out


def _normalize_fixes(F: Facts) -> list[Fix]:
    i = F.inputs
    if i is None:
        return []
    x = F.by_id[i]
    name = base_name(x.target)
    line = _line(F, i)
    return [Fix(f"Standardize the inputs {name}", x.line, line,
                f"{line}\n{name} = ({name} - {name}.mean(axis=0)) / {name}.std(axis=0)",
                "Features on scales of thousands make the loss surface steep in some directions: a learning rate "
                "small enough for them is too small for the others.")]


# -- the other causes --------------------------------------------------------------------------------

def build_gradient_uphill(session, F: Facts, by) -> list[Draft]:
    """The loss rises from the very first steps while the steps are small: the gradient points uphill.

    Tagged gradient_sign_wrong (the corpus code for an uphill gradient); wrong_derivative_formula is the rule that
    replays a derivative at its call site's values."""
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
    return [Draft("gradient_sign_wrong", PRIMARY - 2, msg, [ChainLink(msg, int(steps[0]), None, None,
                  {"loss_first_steps": [float(v) for v in first[:5]], "loss_last": float(loss[-1])})], fixes,
                  [f.code for f in by.get("loss_rising", [])], {"loss_first": float(first[0]), "loss_last": float(loss[-1])})]


def build_slow(session, F: Facts, by) -> list[Draft]:
    """Updates that barely move the weights: a learning rate too low, or gradients that vanish."""
    vf = by.get("vanishing_updates", []) + by.get("vanishing_gradient", [])
    if not vf:
        return []
    upd = next((u for u in F.updates if base_name(F.by_id[u].target) == vf[0].site), F.updates[0] if F.updates else None)
    hv = hyper_value(F, upd) if upd is not None else None
    codes = [f.code for f in vf] + [f.code for f in by.get("loss_stalled", [])]
    chain = [ChainLink(f.message, f.first_step, f.site, f.line, dict(f.evidence)) for f in vf[:2]]
    flagged = {f.site for f in vf}
    all_params = {base_name(F.by_id[u].target) for u in F.updates}
    if hv is not None and hv["value"] <= LOW_LR:
        msg = (f"The learning rate {hv['name']} = {hv['value']:g} is too low: {vf[0].message}")
        fx = lower_lr_fix(F, upd, factor=1 / 100)
        fixes = [Fix(fx.title.replace("Lower", "Raise"), fx.line, fx.before, fx.after,
                     "Updates below 1e-4 of the weights barely change them; about 1e-3 is healthy.")] if fx else []
        score = PRIMARY - 10 if by.get("loss_stalled") else LATENT
        return [Draft("learning_rate_too_low", score, msg, chain, fixes, codes, {"learning_rate": hv["value"]})]
    if by.get("vanishing_gradient") and not by.get("vanishing_updates"):
        f = by["vanishing_gradient"][0]
        score = PRIMARY - 10 if by.get("loss_stalled") or by.get("accuracy_ceiling") else LATENT + 10
        return [Draft("vanishing_gradient", score, f.message, chain, [], codes, dict(f.evidence))]
    if flagged != all_params or by.get("vanishing_gradient"):
        msg = (f"The gradient vanishes before it reaches {', '.join(sorted(flagged))}: {vf[0].message} Other "
               f"parameters ({', '.join(sorted(all_params - flagged)) or 'none'}) still move.")
        score = PRIMARY - 10 if by.get("loss_stalled") or by.get("accuracy_ceiling") else LATENT
        return [Draft("vanishing_gradient", score, msg, chain, [], codes, dict(vf[0].evidence))]
    return []


def build_instability(session, F: Facts, by) -> list[Draft]:
    """Unstable optimisation without any NaN: spikes, growth, divergence."""
    if first_nonfinite_info(session) is not None:
        return []
    unstable = _instability(F, by)
    if not unstable:
        # No blow-up, but a loss that keeps swinging while each update moves the weights a lot.
        osc, big = by.get("loss_oscillating", []), by.get("update_ratio_high", [])
        if osc and big:
            tag, fixes, rcodes, ev = _instability_root(session, F, by)
            ev.update(median_ratio=big[0].evidence.get("median_ratio"), reversals=osc[0].evidence.get("reversals"))
            chain = [ChainLink(big[0].message, big[0].first_step, big[0].site, big[0].line, dict(big[0].evidence)),
                     ChainLink(osc[0].message, osc[0].first_step, None, None, dict(osc[0].evidence))]
            return [Draft(tag, LATENT + 10, f"{big[0].message} {osc[0].message}", chain, fixes,
                          rcodes + ["update_ratio_high", "loss_oscillating"], ev)]
        return []
    tag, fixes, rcodes, ev = _instability_root(session, F, by)
    f = unstable[0]
    ev.update({k: f.evidence.get(k) for k in ("ratio", "typical_ratio", "factor") if k in f.evidence})
    score = PRIMARY - 15 if any(x.code in ("sustained_growth", "weight_divergence") for x in unstable) else LATENT
    return [Draft(tag, score, f.message, [ChainLink(x.message, x.first_step, x.site, x.line, dict(x.evidence))
                                         for x in unstable[:3]], fixes, rcodes + [x.code for x in unstable], ev)]


def build_unnormalized(session, F: Facts, by) -> list[Draft]:
    out = []
    for f in by.get("unnormalized_inputs", []):
        out.append(Draft("unnormalized_inputs", WEAK, f.message, [ChainLink(f.message, None, f.site, f.line,
                         dict(f.evidence))], _normalize_fixes(F), [f.code], dict(f.evidence)))
    return out


def build_sum(session, F: Facts, by) -> list[Draft]:
    out = []
    for f in by.get("gradient_sum_not_mean", [])[:1]:
        name = F.by_id[F.inputs].target if F.inputs is not None else None
        u = next((u for u in F.updates if F.by_id[u].target == f.evidence.get("update")), None)
        fixes = [divide_gradient_fix(F, u, name)] if u is not None else []
        out.append(Draft("gradient_sum_not_mean", WEAK - 5, f.message, [ChainLink(f.message, None, f.site, f.line,
                         dict(f.evidence))], fixes, [f.code], dict(f.evidence)))
    return out


BUILDERS = [build_nonfinite, build_gradient_uphill, build_slow, build_instability, build_unnormalized, build_sum]
