"""The initial weights are too small: the first output barely varies across samples and training does not move it."""

from __future__ import annotations

import numpy as np

from ... import columns as C
from ...detectors.facts import base_name, expr_reads
from ...model import ChainLink
from ..rules import PRIMARY, Draft, RuleOutcome, cause_rule
from ...explain.fixes import advice, init_scale_fixes
from ._passes import forward_pass, input_site, is_squashing, learned_names, loss_values, site_words, target_site, weight_gains


def output_row(F, p, t):
    """The last value in a pass with as many elements as the targets: the prediction."""
    if p is None or t is None:
        return None
    t_size = F.ser(t)[C.SIZE][0]
    sizes = {t_size}
    # A minibatch: a function argument in the pass handed a slice of the inputs (`learn(xs[i], ys[i])`) holds a
    # part of the samples; the prediction for them has the targets' values per sample times as many.
    i = input_site(F)
    if i is not None and F.ser(i)[C.SIZE][0] > 0:
        i_name, per = base_name(F.by_id[i].target), t_size / F.ser(i)[C.SIZE][0]
        for _, sid, row in p.rows:
            x = F.by_id[sid]
            if x.kind == "arg" and any(i_name in {base_name(r) for r in expr_reads(e)}
                                       for _, e in F.call_args(x.function, x.target[4:])):
                sizes.add(F.ser(sid)[C.SIZE][row] * per)
    # (an argument the size of a minibatch is what the batch was handed, not a prediction)
    rows = [(sid, row) for _, sid, row in reversed(p.rows) if F.ser(sid)[C.SIZE][row] in sizes
            and (F.by_id[sid].kind != "arg" or F.ser(sid)[C.SIZE][row] == t_size)]
    # Of those, the program model's forward pass (the output and what it is computed from, or a value under the
    # output's name): a gradient of the last layer's weights can be as large as a minibatch's predictions.
    if F.output is not None:
        out_name = base_name(F.by_id[F.output].target)
        forward = [(sid, row) for sid, row in rows
                   if sid in F.forward_sites or base_name(F.by_id[sid].target) == out_name]
        rows = forward or rows
    return rows[0] if rows else None


def _first_layer_gain(F):
    """(spread ratio, words) of the first pre-activation of the first training pass against the inputs', or None:
    the argument of a sigmoid/tanh function, passed something computed (not a copy or a slice of the data).
    A squashed output would not do: its spread is bounded whatever the weights."""
    import ast

    i = input_site(F)
    first = forward_pass(F, "first")
    if i is None or not first or not first.rows:
        return None
    in_std = float(F.ser(i)[C.STD][0])
    if not in_std > 0:
        return None
    plain = (ast.Name, ast.Subscript, ast.Attribute)
    squashers = {F.by_id[x.id].function for x in F.sites if x.kind == "return" and is_squashing(F, x.id)}
    for _, sid, row in first.rows:
        x = F.by_id[sid]
        if x.kind != "arg" or x.function not in squashers:
            continue
        exprs = [e for _, e in F.call_args(x.function, x.target[4:])]
        if not exprs or all(isinstance(e, plain) for e in exprs):
            continue
        std = float(F.ser(sid)[C.STD][row])
        if np.isfinite(std):
            return std / in_std, f"{site_words(F, sid)} (line {x.line})"
    return None


@cause_rule(
    "weights_init_too_small",
    "The initial weights are too small",
    premises=(
        ("weights_small", "a weight matrix starts with a gain (root-mean-square times the square root of its larger "
                          "dimension) below INIT_SMALL_GAIN, small whichever dimension is the fan-in"),
        ("first_output_observed", "the prediction and the targets were recorded in the first training pass"),
        ("output_collapsed", "before the first update the prediction is nearly the same for every sample: its spread "
                             "is a sliver of the inputs', though not zero (exactly equal is a symmetric start)"),
        ("hidden_not_saturated", "before the first update no sigmoid or tanh inside the network sits at its bounds "
                                 "for HIDDEN_SATURATED of its values or more: a layer that saturates was handed a "
                                 "signal blown up, not shrunk, whatever the weights after it"),
        ("training_stalls", "training does not move it: the loss barely falls, or the prediction is still collapsed "
                            "at the end"),
    ),
    thresholds={"init_collapse_ratio": 0.01, "init_stall_drop": 0.05, "INIT_SMALL_GAIN": 0.25,
                "HIDDEN_SATURATED": 0.5},
    # an output computed once before the loop never changes whatever the start: its flat spread is that stale value's
    yields_to=("forward_outside_loop",),
)
def rule(ctx) -> RuleOutcome:
    """The first prediction's spread is a sliver of the inputs' and stays so: nothing moves."""
    F = ctx.facts
    out = RuleOutcome()
    # The output's spread alone misleads when it is a bounded probability or the inputs are on a large scale:
    # the weights themselves must start small.
    gains = weight_gains(F)
    limit_gain = ctx.threshold("INIT_SMALL_GAIN")
    small = [g for g in gains if g["gain"] <= limit_gain]
    if gains:
        held = out.check("weights_small", bool(small),
                         f"{small[0]['name']} {small[0]['shape']} (line {small[0]['line']}) starts with a gain of "
                         f"{small[0]['gain']:.3g}" if small else
                         f"every weight matrix starts with a gain of at least {min(g['gain'] for g in gains):.3g}",
                         gains={f"{g['name']} {g['shape']}": round(g["gain"], 4) for g in gains})
    else:
        # The weights' values were not recorded: the first value a training step computes from the inputs shows
        # the first layer's gain as the ratio of its spread to theirs.
        first_gain = _first_layer_gain(F)
        held = out.check("weights_small", None if first_gain is None else first_gain[0] <= limit_gain,
                         "neither the weights' starting values nor a first computed value were recorded"
                         if first_gain is None else
                         f"the weights were not recorded; the first pre-activation a step computes, {first_gain[1]}, "
                         f"spreads {first_gain[0]:.3g} times as much as the inputs", first_layer_gain=None if first_gain is None
                         else first_gain[0])
    if not held:
        return out
    t = target_site(F)
    first = forward_pass(F, "first")
    o = output_row(F, first, t)
    if not out.check("first_output_observed", o is not None or None,
                     "the prediction and the targets were recorded in the first pass" if o is not None
                     else "no prediction with one value per target was recorded before the targets are read"):
        return out
    sid, row = o
    i = input_site(F)
    if i is None:
        out.check("output_collapsed", None, "no input data was recorded before the loop")
        return out
    # Against the inputs' spread: the network squeezes the variation it is given down to nothing. (The
    # targets' spread would mislead when they are out of the output's reach.)
    in_std = float(F.ser(i)[C.STD][0])
    o_std = float(F.ser(sid)[C.STD][row])
    limit = ctx.threshold("init_collapse_ratio")
    ratio = o_std / in_std if in_std > 0 else float("nan")
    name = site_words(F, sid)
    # All-equal values give a spread of 0 up to the rounding of their mean: that is a symmetric start.
    exact = o_std <= 1e-15 * max(1.0, abs(float(F.ser(sid)[C.MEAN][row])))
    if not out.check("output_collapsed", bool(np.isfinite(ratio) and not exact and ratio <= limit),
                     f"before the first update {name} (line {F.by_id[sid].line}) has a spread of {o_std:.3g} across "
                     f"samples against the inputs' {in_std:.3g} ({ratio:.2g} of it)", output_std=o_std, input_std=in_std):
        return out
    # The prediction collapses because the signal shrinks layer by layer; a layer inside the network pinned at its
    # bounds was handed inputs far too large: the first pass blew the signal up before a small layer flattened it.
    pinned_at = ctx.threshold("HIDDEN_SATURATED")
    pinned = None
    for _, hid, hrow in first.rows:
        if hid == sid or not is_squashing(F, hid) or F.by_id[hid].kind == "arg":
            continue
        at_bounds = float(F.ser(hid)[C.FRAC_SAT_NEAR][hrow])
        if np.isfinite(at_bounds) and at_bounds >= pinned_at:
            pinned = (hid, at_bounds)
            break
    if not out.check("hidden_not_saturated", pinned is None,
                     f"before the first update {site_words(F, pinned[0])} (line {F.by_id[pinned[0]].line}) sits at its "
                     f"bounds for {pinned[1]:.0%} of its values" if pinned else
                     "no sigmoid or tanh inside the network sits at its bounds before the first update",
                     **({"hidden_at_bounds": pinned[1]} if pinned else {})):
        return out
    loss = loss_values(F)
    stall_drop = ctx.threshold("init_stall_drop")
    if loss is not None and np.isfinite(loss[1][0]) and loss[1][0] != 0:
        vals = loss[1]
        drop = float((vals[0] - np.nanmin(vals)) / abs(vals[0]))
        stalled = drop < stall_drop
        why = (f"the loss ({site_words(F, loss[0])}) goes from {vals[0]:.4g} to {vals[-1]:.4g} at best {np.nanmin(vals):.4g}: "
               f"{drop:.1%} lower over {len(vals)} steps")
        numbers = {"loss_first": float(vals[0]), "loss_best": float(np.nanmin(vals)), "loss_drop": drop}
    else:
        last = forward_pass(F, "last")
        lo = output_row(F, last, t)
        if lo is None or lo[0] != sid:
            out.check("training_stalls", None, "neither a loss nor the last pass's prediction was recorded")
            return out
        end_std = float(F.ser(sid)[C.STD][lo[1]])
        # A squashed output pinned at its bounds also has no spread, but that is the opposite of small weights:
        # its inputs grew too large.
        pinned = float(F.ser(sid)[C.FRAC_SAT_NEAR][lo[1]])
        pinned = pinned if np.isfinite(pinned) else 0.0
        stalled = bool(np.isfinite(end_std) and end_std / in_std <= limit and pinned < 0.5)
        why = (f"at the end {name} sits at its bounds for {pinned:.0%} of the samples: saturated, not small"
               if pinned >= 0.5 else
               f"at the end {name} still has a spread of {end_std:.3g} ({end_std / in_std:.2g} of the inputs')")
        numbers = {"output_std_end": end_std, "output_at_bounds_end": pinned}
    if not out.check("training_stalls", stalled, why, **numbers):
        return out
    ev = {"output_std": o_std, "input_std": in_std, "ratio": ratio, **numbers}
    summary = (f"The initial weights are too small: before the first update {name} (line {F.by_id[sid].line}) varies "
               f"by {o_std:.2g} across samples while the inputs vary by {in_std:.2g}; {why}.")
    chain = [ChainLink(summary, int(F.ser(sid).step[row]), name, F.by_id[sid].line, ev)]
    fixes = init_scale_fixes(F, learned_names(F)) or [
        advice("draw the initial weights with a spread of sqrt(1/fan_in) (sqrt(2/fan_in) before a ReLU)",
               "Each layer then passes on a signal of the size it receives; much smaller weights shrink it layer "
               "after layer, and the gradients with it.")]
    out.drafts.append(Draft("weights_init_too_small", PRIMARY - 5, summary, chain, fixes,
                            [f.code for f in ctx.findings.get("loss_stalled", [])], ev))
    return out
