"""The learning rate is too high: steps that move the weights by a large part of their norm make the run blow up."""

from __future__ import annotations

import ast

import numpy as np

from ... import columns as C
from ...detectors.facts import base_name, parse_statement
from ...detectors.numerics import first_nonfinite_info
from ...detectors.optimisation import LIM as STEP_LIMITS
from ...detectors.optimisation import (batch_axis_size, bias_named, loss_progress, loss_series, oversized_steps,
                                       step0_blowup, stepped_updates, summed_gradients, summed_loss, thrown_off,
                                       trouble, typical_ratio, update_ratios)
from ...detectors.structure import shape_of
from ...explain.fixes import advice, divide_gradient_fix, lower_lr_fix
from ...model import ChainLink
from ..rules import LATENT, PRIMARY, Draft, RuleOutcome, cause_rule
from ._frozen import frozen_after_step, saturated_after_spikes
from ._numeric import early_step_ratio
from ._passes import is_squashing


def nonfinite_chain(ctx, info) -> tuple[list, list, str]:
    """(chain walked back from the first non-finite value, that mechanism's fixes, its mechanism tag)."""
    from ...explain.chain import walk
    from ._numeric import mechanism, mechanism_fixes

    F = ctx.facts
    sid = info.get("site")
    mech = mechanism(F, info, ctx.findings)
    chain = []
    if sid is not None and sid in F.by_id:
        text = f"`{info.get('expression') or info.get('statement')}` computes {info.get('operation')}"
        chain = walk(F, sid, info["step"], text, {k: info.get(k) for k in ("operation", "elements") if info.get(k)})
    return chain, mechanism_fixes(F, mech, info), mech


def thrown_dead(F, findings) -> dict:
    """The loss jumping to LOSS_JUMP x its first value at two checks in a row, and ReLU units that were alive at the
    first step dead to the end after that jump (a dead_units error whose units were not already dead at the first
    step). {} when not measured so."""
    from ...detectors.optimisation import LOSS_JUMP, loss_series
    from ._passes import loop_rows

    ls = loss_series(F)
    dead = [f for f in findings.get("dead_units", []) if f.severity == "error"]
    if ls is None or not dead or np.isfinite(ls[1]).sum() < 5:
        return {}
    steps, loss, how = ls
    first = float(loss[0])
    high = loss > LOSS_JUMP * first
    twice = np.nonzero(high[1:] & high[:-1])[0]
    if first <= 0 or not len(twice):
        return {}
    j = int(twice[0])
    for f in dead:
        sid = next((x.id for x in F.sites if x.target == f.site and x.line == f.line), None)
        rows = loop_rows(F, sid) if sid is not None else []
        if not len(rows):
            continue
        sr = F.ser(sid)
        alive_first = float(sr[C.FRAC_ZERO][rows[0]])
        died = int(f.first_step) if f.first_step is not None else None
        if np.isfinite(alive_first) and alive_first < f.evidence.get("fraction_dead", 1.0) - 1e-9 \
                and (died is None or died >= int(steps[j])):
            peak = float(np.max(loss[j:]))
            return dict(kind="thrown", step=int(steps[j]), loss_first=first, loss_peak=peak,
                        what=f"the loss ({how}) jumped from {first:.4g} to {peak:.4g} at step {int(steps[j])}, and "
                             f"{f.evidence.get('fraction_dead', 1.0):.0%} of {f.site}'s units, {alive_first:.0%} zero at "
                             f"the first step, output exactly 0 for every sample from step {died} to the end")
    return {}


def _noise_not_bounce(F, u: int, chance: float, bounce_cosine: float) -> bool:
    """A scalar weight whose consecutive changes reverse sign no more often than chance: the steps follow one
    sample's gradient after another (noise around where the model can go), not a rate throwing the weight back
    and forth across the minimum, which reverses nearly every change. For an array kept at every write, the same
    reading of directions: consecutive changes whose median cosine stays above `bounce_cosine` are not thrown back.
    False when the changes were not measured exactly (an array's mean need not carry its update)."""
    from ...detectors.optimisation import alternation, consecutive_cosines

    sr = F.ser(u)
    if sr is None or not len(sr):
        return False
    if np.nanmax(sr[C.SIZE]) > 1:
        cos = consecutive_cosines(F, u)
        return bool(cos is not None and len(cos) >= 5 and np.median(cos) > bounce_cosine)
    reversals, _ = alternation(sr[C.MEAN][sr.step >= 0])
    return bool(np.isfinite(reversals) and reversals <= chance)


def _onset_from_zero(F, bad: dict) -> dict:
    """Diverging weights that started at exactly zero: their norm doubles again and again as they first grow, so
    "twice the first measured norm" marks the first few updates, not the divergence. The onset is then the first
    update whose norm is more than 4 times the largest over the second half of the updates before it: growth
    from zero (the k-th norm about k times the first) never quadruples over half its history, a divergence does.
    `bad` unchanged when no weight started at zero or no such update was measured."""
    for u in F.updates:
        steps, before = F.weight_norm_before(u)
        fin = np.isfinite(before)
        if len(before) < 8 or before[0] != 0 or not fin.all() and not fin[:8].all():
            continue
        if bad.get("what", "").find(f"norm of {base_name(F.by_id[u].target)} ") < 0:
            continue
        for i in range(4, len(before)):
            if not np.isfinite(before[i]):
                break
            recent = before[i // 2:i]
            if before[i] > 4 * float(np.max(recent)) > 0:
                return dict(bad, step=int(steps[i]), onset_from_zero=True)
    return bad


def raised_steps(F, stepped: list[int], until: int | None, limit: float, window: int = 10) -> dict | None:
    """Steps that became large part-way through the run, before the trouble, while the weights held still: the median
    update ratio over `window` updates jumps from below `limit` to `limit` or more and stays there until the trouble,
    with the weight's norm at the jump within twice its median over the window before. A rate raised by a schedule
    (a warm-up, a switch at some epoch) shows so; steps that grow only because the weights already diverge do not
    (the weights' norm grows first). {} when measured without such a jump, None when no ratio was measured."""
    best, measured = None, False
    for u in stepped:
        if bias_named(F, u):
            continue  # an offset's norm stays near zero: its ratio says little about the rate, as for oversized steps
        steps, _, before, ratio = update_ratios(F, u)
        end = len(ratio) if until is None else int(np.searchsorted(steps, until, side="left"))
        if end < window + 3:
            continue
        measured = True
        ok = np.isfinite(ratio[:end])
        if not ok.all():
            end = int(np.argmin(ok))
        # at least 3 updates after the jump: a fast divergence can start within a few steps of it
        for j in range(window, end - 2):
            if float(np.median(ratio[j:min(j + window, end)])) < limit:
                continue
            after = float(np.median(ratio[j:end]))
            prior = float(np.median(ratio[j - window:j]))
            held = float(np.median(before[j - window:j]))
            if after >= limit and prior < limit and held > 0 and before[j] <= 2 * held:
                cand = dict(how="raised", update=u, name=base_name(F.by_id[u].target), step=int(steps[j]),
                            ratio=after, ratio_before=prior, n=int(end - j), n_before=int(j),
                            upto=int(steps[end - 1]), norm=float(before[j]))
                if best is None or cand["norm"] > best["norm"]:
                    best = cand
            break  # only the first jump: a later one is what the first set off
    if best is None and not measured:
        return None
    return best or {}


def _converging(F, until: int | None, share: float) -> dict | None:
    """The loss before step `until` falling at `share` or more of its changes (five at least) and ending below its
    start, as a dict of what was measured; else None."""
    ls = loss_series(F)
    if ls is None or until is None:
        return None
    steps, loss, how = ls
    keep = (steps < until) & np.isfinite(loss)
    values = np.asarray(loss[keep], dtype=np.float64)
    change = np.diff(values)
    if len(change) < 5:
        return None
    falls = int(np.sum(change < 0))
    if falls < share * len(change) or not values[-1] < values[0]:
        return None
    return dict(how=how, falls=falls, changes=int(len(change)), first=float(values[0]), last=float(values[-1]))


def describe_steps(big: dict) -> str:
    if big["how"] == "spike":
        return (f"at step {big['step']} one update moved {big['name']} by {big['ratio']:.2g} of its norm "
                f"(typical {big['typical']:.2g})")
    if big["how"] == "outgrown":
        return (f"at step {big['step']} one update moved {big['name']} by {big['ratio']:.3g} times its norm "
                f"({big['norm']:.3g})" + (f", after updates of a median {big['typical']:.2g} of it"
                                           if np.isfinite(big["typical"]) else ", at its first update"))
    if big["how"] == "median":
        return (f"each update moved {big['name']} by a median {big['ratio']:.2g} of its norm over its first {big['n']} "
                f"updates (through step {big['upto']}), still {big['last']:.2g} at the last of them")
    if big["how"] == "growth":
        return (f"each update moved {big['name']} by a median {big['ratio']:.2g} of its norm over its first {big['n']} "
                f"updates, and {big['growth_site']} kept growing, from {big['growth_from']:.3g} to "
                f"{big['growth_to']:.3g} (at least 2x per check for {big['growth_checks']} checks)")
    if big["how"] == "gain":
        return (f"each update of {big['name']} multiplies the rate {big['rate']:.3g} by the row {big['row']}, whose "
                f"squared norm is a median {big['sumsq']:.3g} over {big['n']} updates: a step moves the prediction on "
                f"that row by {big['gain']:.3g} times its error, past the {big['limit']:g} at which it overshoots and "
                f"the error grows at every visit" + (f" (the updates themselves a median {big['ratio']:.2g} of the "
                                                     f"weights' norm)" if np.isfinite(big["ratio"]) else ""))
    if big["how"] == "raised":
        return (f"each update moved {big['name']} by a median {big['ratio_before']:.2g} of its norm over the "
                f"{big['n_before']} updates before step {big['step']}, then by a median {big['ratio']:.2g} over the "
                f"{big['n']} updates from there to step {big['upto']}, while its norm stayed near {big['norm']:.3g} "
                f"(the steps grew, not the weights)")
    return (f"{big['name']} overshoots: {big['reversals']:.0%} of its changes over its first {big['n']} updates "
            f"reverse sign, and they grow {big['growth']:.3g}-fold")


@cause_rule(
    "learning_rate_too_high",
    "The learning rate is too high",
    premises=(
        ("update_ratio_measured", "the update ratio |delta|/|w| of a weight was measured"),
        ("run_unstable", "the run blows up (a NaN or inf, a loss that ends well above its start, diverging weights), "
                         "or its loss jumps to several times its start and never falls below its start again (or "
                         "leaves ReLU units that were alive at the first step dead to the end), "
                         "or its loss never falls or swings up and down (reversing direction at most checks) while "
                         "every step moves the weights by a large part of their norm, "
                         "or steps so large that every update from some step on is 1e4 times smaller and the loss "
                         "never changes again"),
        ("steps_too_large", "before the blow-up, one step moved a weight by a large part of its norm, or the steps "
                            "overshot (the change alternating in sign and growing), or large steps kept growing "
                            "geometrically, or each step of a linear prediction on one sample's input row (its "
                            "entries at most LMS_ENTRY_MAX) changes that prediction by LMS_GAIN times its error or "
                            "more: the rate times the row's squared norm"),
        ("stable_before_first_update", "the values were not already blowing up in the first step, before any update"),
        ("step_not_from_summed_gradient", "the step is too large even with the gradient divided by the batch size "
                                          "(judged on the first steps), or the loss itself sums over the samples, so "
                                          "the summed gradient is its own"),
        ("gradient_not_exploding", "no backward value grew by GROW or more within a step (the gradient's own blow-up)"),
        ("gradient_formula_sound", "the backward pass was not found applying an activation's derivative to the "
                                   "pre-activation (a formula that blows up whatever the rate)"),
    ),
    # A run frozen by large steps: every update from some step on FROZEN_COLLAPSE times smaller (saturated units pass
    # back almost nothing, so the steps collapse by orders of magnitude at once, not by a gradual decay), the loss after it
    # varying by under FROZEN_SPREAD of its value and keeping FROZEN_KEPT_LOSS of its first value or more.
    # Steps whose median ratio reaches LR_RATIO_HIGH before the blow-up, from a first step smaller than the weights,
    # and whose ratio fell over n updates by less than STEADY_FALL x n-fold (growth from a negligible start falls
    # n-fold) are large steps on weights they keep growing, though the ratio falls as the norm grows.
    # A bounce throws the weights back across the minimum: consecutive changes of an array point opposite ways
    # (median cosine below BOUNCE_COSINE); noise around the minimum leaves them nearly unrelated.
    # Units rounded to exactly their bound at SATURATED_HELD or more of the steps after a large step first put them
    # there pass back nothing at those steps: the run saturated under the steps.
    # A loss falling at CONVERGING_FALLS or more of its changes up to a non-finite value was converging under those
    # steps: the value overflowed where the fit was heading.
    thresholds={"LR_RATIO_HIGH": 0.1, "START_BLOWUP": 1e4, "SUM_BATCH": 32, "BOUNCE_DROP": 0.1,
                "BOUNCE_REVERSALS": 0.5, "FROZEN_COLLAPSE": 1e4, "FROZEN_SPREAD": 1e-6, "FROZEN_KEPT_LOSS": 0.5,
                "STEADY_FALL": 0.33, "BOUNCE_COSINE": -0.3, "CONVERGING_FALLS": 0.9, "SATURATED_HELD": 0.1,
                "LMS_GAIN": 2.0, "LMS_ENTRY_MAX": 10.0},
    # the log of a negative tanh/linear output is NaN at any rate: the loss/activation mismatch explains it; a run
    # that climbs from its first update with steps that neither overshoot nor grow is going uphill, not too fast;
    # targets a bounded output cannot reach keep the error as large as their distance, and the steps with it; steps
    # written onto a copy the parameter never sees are measured against the copy, not the weights the model uses;
    # a target broadcast across the outputs' columns makes every gradient wrong, so no rate descends it; nor a
    # derivative replayed wrong at the values it is given (a sigmoid's a*(1-a) on a tanh's output)
    yields_to=("wrong_loss_for_activation", "gradient_sign_wrong", "targets_outside_activation_range",
               "parameter_not_updated", "shape_broadcasting_bug", "wrong_derivative_formula"),
    # a loss that never falls under large steps, on a model with no bias, is the fit it cannot make, not a bounce;
    # a run whose trouble is only an exp's overflow, under steps judged by their median alone (no spike, overshoot or
    # raised rate) and no larger than OUTGROW times the weights (steps of a start from small weights), overflowed where
    # a max-shifted softmax, or a softplus written not to overflow, computes the same values
    yields_when={"missing_bias": ("bouncing",), "softmax_overflow_no_max_subtraction": ("nonfinite_steady",),
                 "exp_overflow": ("nonfinite_steady",)},
)
def rule(ctx) -> RuleOutcome:
    """Updates too large for the weights, measured, before the run blows up."""
    F = ctx.facts
    out = RuleOutcome()
    limit = ctx.threshold("LR_RATIO_HIGH")
    # A number rebound through a loop variable or an argument that nothing reads afterwards (`for w, g in zip(ws, gs):
    # w -= lr * g`) has no step to measure: with no update norm recorded, its step would be the difference of
    # consecutive writes, which start from the container's values, not from each other.
    from .parameter_not_updated import rebinding_updates

    unread = {c["site"].id for c in rebinding_updates(F)
              if not np.isfinite(F.ser(c["site"].id)[C.UPDATE_L2]).any()}  # no update norm: only consecutive writes
    stepped = [u for u in stepped_updates(F) if u not in unread]
    measured = [u for u in stepped if len(update_ratios(F, u)[3])]
    if not out.check("update_ratio_measured", bool(measured) or None,
                     f"{len(measured)} of {len(stepped)} parameters updated by a step size have measured update ratios" if measured
                     else ("no parameter update was found" if not F.updates else
                           "no update ratio could be measured (no recorded change or weight norm)")):
        return out
    bad = trouble(F, ctx.session)
    if bad == {}:
        # No blow-up, but a loss that never falls while every step rewrites a large part of the weights:
        # the run bounces across the minimum (per-sample noise moves the weights by far less).
        # A loss that swings up and down at most checks under such steps is bouncing too, whatever its ends show.
        lp, tr = loss_progress(F), typical_ratio(F, stepped)
        swings = ctx.findings.get("loss_oscillating", [])
        if lp is not None and tr is not None and (abs(lp["drop"]) < ctx.threshold("BOUNCE_DROP") or swings) \
                and tr["ratio"] >= limit and not tr.get("from_zero") \
                and not _noise_not_bounce(F, tr["update"], ctx.threshold("BOUNCE_REVERSALS"),
                                          ctx.threshold("BOUNCE_COSINE")):
            swung = (f", {swings[0].evidence['reversals']:.0%} of its checks reversing direction by a typical "
                     f"{swings[0].evidence['swing']:.0%} of its level," if swings else "")
            bad = dict(kind="bouncing", step=None, what=f"the loss ({lp['how']}) only went from {lp['first']:.4g} to "
                       f"{lp['last']:.4g}{swung} while each update moved {tr['name']} by a median {tr['ratio']:.2g} "
                       f"of its norm")
    if bad == {}:
        # Thrown off: the loss jumped to several times its start and the run never got below its start again
        # (the steps that did it are judged up to the jump by steps_too_large).
        bad = thrown_off(F) or bad
    if bad == {}:
        # Or thrown into dead units: after the jump, ReLU units that were alive at the first step never output
        # anything again (the run then settles on what the dead layer lets through).
        bad = thrown_dead(F, ctx.findings) or bad
    if bad == {}:
        # Or frozen: steps so large that what follows them passes back almost nothing (saturated units), the
        # updates collapsing at once and the loss never changing again.
        bad = frozen_after_step(F, stepped, limit, ctx.threshold("FROZEN_COLLAPSE"), ctx.threshold("FROZEN_SPREAD"),
                                ctx.threshold("FROZEN_KEPT_LOSS")) or bad
    if bad == {}:
        # Or saturated: a step moved a weight by a large part of its norm, the units it feeds were rounded to exactly
        # their bound from then on at many steps (passing back exactly nothing), and the loss kept most of its start.
        bad = saturated_after_spikes(F, ctx.findings, limit, ctx.threshold("FROZEN_KEPT_LOSS"),
                                     ctx.threshold("SATURATED_HELD")) or bad
    if not out.check("run_unstable", None if bad is None else bool(bad),
                     bad.get("what", "") if bad else ("neither a loss nor the weights were measured" if bad is None
                                                     else "the run stays finite, the loss does not rise, the weights "
                                                          "do not diverge, and it does not stall under large steps"),
                     **(bad or {})):
        return out
    if bad.get("kind") == "weights":
        bad = _onset_from_zero(F, bad)
    big = oversized_steps(F, ctx.findings, bad.get("step"), limit, stepped, fall=ctx.threshold("STEADY_FALL"))
    if not big:
        # Steps that were small, then large before the trouble: the rate in force when the run broke was raised
        # part-way (a schedule), and the steps up to the trouble are judged from that point, not from the start.
        big = raised_steps(F, stepped, bad.get("step"), limit) or big
    if not big:
        # Small steps against the weights, on a linear prediction from one sample's row: each update moves that
        # prediction by the rate times the row's squared norm times its error; past twice the error it overshoots
        # and the error grows at every visit (many active features at once: tile codings, one-hot rows).
        big = overshooting_gain(F, stepped, bad.get("step"), ctx.threshold("LMS_GAIN"),
                                ctx.threshold("LMS_ENTRY_MAX")) or big
    if bad.get("kind") == "frozen" and not big:
        # the frozen run's own measured step: a spike against the updates that followed it
        big = dict(how="spike", update=bad["update"], name=bad["name"], step=bad["spike_step"], ratio=bad["ratio"],
                   typical=bad["typical"])
    # Steps large only in the sense that the weights grow under them, on a loss that fell at nearly every step up to
    # a non-finite value: the run was converging, and the value overflowed where the fit was heading, not where a
    # step threw it (a spike, an overshoot or a raised rate is a step's own event and is judged as before).
    calm = (_converging(F, bad["step"], ctx.threshold("CONVERGING_FALLS"))
            if big and big["how"] in ("median", "growth") and bad.get("kind") == "nonfinite" else None)
    if calm:
        out.check("steps_too_large", False,
                  f"{describe_steps(big)}, but the loss ({calm['how']}) fell at {calm['falls']} of the {calm['changes']} "
                  f"steps before step {bad['step']}, from {calm['first']:.4g} to {calm['last']:.4g}: the run was "
                  f"converging when the value became non-finite", **calm)
        return out
    if not out.check("steps_too_large", None if big is None else bool(big),
                     describe_steps(big) if big else
                     f"no step moved a weight by {limit:g} of its norm "
                     + (f"before step {bad['step']}" if bad.get("step") is not None else "over the run")
                     + ", nor overshot, nor kept growing", **(big or {})):
        return out
    s0 = step0_blowup(F, ctx.session)
    # A first non-finite value in the first step, but recorded after its first update, is that update's doing.
    blown_first = (s0 is not None and bad["kind"] == "nonfinite" and bad["step"] <= s0["step"]
                   and not s0["nonfinite_after_update"])
    at_start = s0 is not None and (s0["nonfinite"] or s0["growth"] >= ctx.threshold("START_BLOWUP") or blown_first)
    if blown_first:
        s0 = dict(s0, peak=float("inf"), growth=float("inf"))  # non-finite already in the first step
    out.check("stable_before_first_update", None if s0 is None else not at_start,
              (f"in step {s0['step']}, before the first update, values reach {s0['peak']:.3g}, {s0['growth']:.3g}x the "
               f"largest value before the loop ({s0['scale_before']:.3g})") if s0 else "the first step was not recorded",
              **(s0 or {}))
    if at_start:
        return out
    summed = summed_gradients(F)
    b = summed[0]["batch"] if summed and summed[0].get("accumulated") else \
        summed[0]["reduced"] if summed and summed[0].get("reduced") else batch_axis_size(F)[0]
    # Judged on the first steps when they were already large: once the weights diverge every step is huge, and
    # a sum can only be blamed for steps that were too large from the start.
    early = early_step_ratio(F)
    judged = min(big["ratio"], early["ratio"]) if early is not None and early["ratio"] >= limit else big["ratio"]
    # A sum over a handful of samples scales the step by a handful; over a large batch it is the step's size.
    large = bool(summed) and b is not None and b >= ctx.threshold("SUM_BATCH")
    from_sum = large and judged / b < limit
    # Steps that were small for many updates and then jumped, computed by the same statements all along: whatever
    # the gradient sums over, it summed over it before the jump too, so it is not what made the steps large.
    jumped = big["how"] == "raised"
    # (a gain measured on one sample's row is the rate's alone: no sum over samples enters it)
    from_sum = from_sum and not jumped and big["how"] != "gain"
    # A loss that is itself a sum over the samples has that summed gradient as its own: the rate sizes the step.
    whole = summed_loss(F) if from_sum else None
    from_sum = from_sum and not whole
    out.check("step_not_from_summed_gradient", not from_sum,
              ("the step's gain was measured on one sample's row: no sum over the samples enters it"
               if big["how"] == "gain" else
               f"the steps were a median {big['ratio_before']:.2g} of the norm for {big['n_before']} updates made by "
               f"the same statements before they jumped to {big['ratio']:.2g}: what the gradient sums over did not "
               f"change" if jumped else
               f"the gradient is summed over {b} samples, and so is the loss it descends: {whole['what']}" if whole else
               f"the gradient is summed over {b} samples; divided by {b} the step would be {judged / b:.2g} of "
               f"the norm" if from_sum else
               (f"the gradient is summed over {b} samples, but divided by {b} the step would still be "
                f"{judged / b:.2g} of the norm" if large else
                f"the gradient is summed over {b} samples, fewer than {ctx.threshold('SUM_BATCH'):g}: not what makes "
                f"the step" if summed and b else "no gradient summed over the batch was found")),
              judged_ratio=judged, batch=b)
    if from_sum:
        return out
    boom = ctx.findings.get("exploding_gradient", [])
    if not out.check("gradient_not_exploding", not boom, boom[0].message if boom else
                     "no backward value grew by 1e4 within a step"):
        return out
    pre = ctx.findings.get("derivative_on_preactivation", [])
    if not out.check("gradient_formula_sound", not pre, pre[0].message if pre else
                     "no derivative was found fed with the pre-activation"):
        return out
    u = big.get("update") if big.get("update") is not None else measured[0]
    # (a gain g over the error needs the rate divided by 10 ** ceil(log10 g) to bring it below 1)
    factor = float(10 ** np.ceil(np.log10(big["gain"]))) if big["how"] == "gain" else 10.0 if big["ratio"] < 10 else 100.0
    fixes = [lower_lr_fix(F, u, factor=factor)]
    if jumped:
        fixes.append(advice(f"keep the step size that moved {big['name']} by {big['ratio_before']:.2g} of its norm "
                            f"per update, or raise it less than the change made at step {big['step']}",
                            "The steps became large when the rate changed; the weights had not grown."))
    elif summed:
        name = F.by_id[F.inputs].target if F.inputs is not None else None
        fixes.append(divide_gradient_fix(F, summed[0]["update"], name))
    info = first_nonfinite_info(ctx.session)
    steady = bad["kind"] == "nonfinite" and big["how"] == "median" and big["ratio"] <= STEP_LIMITS.OUTGROW \
        and "exp overflow" in str((info or {}).get("operation", ""))
    ev = {"ratio": big["ratio"], "how": big["how"], "trouble": "nonfinite_steady" if steady else bad["kind"]}
    if big["how"] == "spike":
        ev.update(spike_step=big["step"], typical_ratio=big["typical"])
    summary = f"The learning rate is too high: {describe_steps(big)}"
    if bad["kind"] == "nonfinite" and info is not None:
        chain, mech_fixes, mech = nonfinite_chain(ctx, info)
        ev.update(first_nonfinite_step=info["step"], operation=info.get("operation"))
        if mech not in ("exploding_gradient",):
            ev["chained_to"] = mech
        summary += f"; {bad['what']}."
        score = PRIMARY
        fixes += mech_fixes
    else:
        chain = [ChainLink(f"The learning rate is too high: {describe_steps(big)}", big["step"], big["name"],
                           F.by_id[u].line, {k: v for k, v in big.items() if k not in ("update",)}),
                 ChainLink(f"Then {bad['what']}.", bad.get("step"), None, None,
                           {k: v for k, v in bad.items() if k not in ("what",)})]
        summary += f"; {bad['what']}."
        score = PRIMARY - 15 if bad["kind"] in ("loss", "weights", "thrown", "saturated") else LATENT + 10
    codes = [f.code for code in ("update_spike", "update_ratio_high", "sustained_growth", "weight_divergence",
                                 "loss_rising", "first_nonfinite") for f in ctx.findings.get(code, [])]
    out.drafts.append(Draft("learning_rate_too_high", score, summary, chain, fixes, codes, ev))
    return out


def overshooting_gain(F, stepped: list[int], until: int | None, limit: float, entry_max: float) -> dict | None:
    """The largest measured gain of a per-sample step on a linear prediction: for `w -= rate * error * x` with `x`
    one sample's row of data (1-D, entries at most `entry_max`), the step changes `x . w` by rate * |x|^2 times the
    error. Judged over the updates before `until` (median of the recorded rows); None when none reaches `limit`."""
    best = None
    for u in stepped:
        x = F.by_id[u]
        rates = [r for r in F.lr_sites(u) if (sr := F.ser(r)) is not None and len(sr)
                 and np.all(np.isfinite(sr[C.MEAN])) and np.all(sr[C.MEAN] > 0)]
        tree = parse_statement(x.statement or "")
        if len(rates) != 1 or tree is None:
            continue
        rate_names = {base_name(F.by_id[r].target) for r in rates}
        factors = {name for name, other in _walk_products(tree) if name not in rate_names and other not in rate_names}
        rows = []
        for name in factors:
            for w in F.resolve(name, x.function):
                sr = F.ser(w)
                if w in F.params or sr is None or not len(sr) or F.by_id[w].kind == "arg":
                    continue
                shapes = {t for _, t in sr.shape.unique_first()}
                one_row = all(len(s_) == 1 or (len(s_) == 2 and min(s_) == 1) for s_ in (shape_of(t) for t in shapes))
                if one_row and np.nanmax(np.abs(np.r_[sr[C.MIN], sr[C.MAX]])) <= entry_max:
                    rows.append(w)
        if len(rows) != 1:
            continue
        # A linear prediction only: through a sigmoid or tanh the step is damped by the unit's slope (a quarter at
        # most), so the rate times the row's squared norm overstates it.
        others = {n for n in _names_in(tree) if n not in rate_names and n not in factors}
        if any(is_squashing(F, w) for n in others for w in F.resolve(n, x.function) if F.observed(w)):
            continue
        row = F.ser(rows[0])
        at = np.nonzero((row.step >= 0) & ((row.step < until) if until is not None else True))[0]
        if len(at) < 3:
            continue
        sumsq = row[C.SIZE][at] * (row[C.STD][at].astype(np.float64) ** 2 + row[C.MEAN][at].astype(np.float64) ** 2)
        rate = float(np.median(F.ser(rates[0])[C.MEAN]))
        gain = rate * float(np.median(sumsq))
        if gain >= limit and (best is None or gain > best["gain"]):
            ratios = update_ratios(F, u)[3]
            best = dict(how="gain", update=u, name=base_name(x.target), step=int(row.step[at[0]]), gain=gain,
                        rate=rate, sumsq=float(np.median(sumsq)), row=F.by_id[rows[0]].target, n=int(len(at)),
                        limit=limit, ratio=float(np.median(ratios)) if len(ratios) else float("nan"))
    return best


def _walk_products(tree):
    """(a plain name multiplied in a statement, the text of what it is multiplied by): in `rate * (q - t) * delta`,
    delta is multiplied by `rate * (q - t)`, the rate and the error; in `rate * g`, g by the rate alone."""
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            for side, other in ((node.left, node.right), (node.right, node.left)):
                if isinstance(side, (ast.Name, ast.Attribute)):
                    yield ast.unparse(side), ast.unparse(other)


def _names_in(tree) -> set[str]:
    """The plain names and attribute chains a statement reads."""
    return {ast.unparse(n) for n in ast.walk(tree) if isinstance(n, (ast.Name, ast.Attribute))
            and isinstance(getattr(n, "ctx", None), ast.Load)}

