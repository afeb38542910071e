"""The gradient is summed over a large batch instead of averaged: each step is batch-size times too large."""

from __future__ import annotations

import ast

import numpy as np

from ...detectors.optimisation import (batch_axis_size, loss_series, oversized_steps, sound_run_words, summed_gradients,
                                       summed_loss, trouble)
from ...explain.fixes import as_group, divide_gradient_fix, lower_lr_fix
from ...detectors.facts import _dotted, base_name, parse_statement, strip_comment
from ...model import ChainLink, Fix
from ..rules import PRIMARY, Draft, RuleOutcome, cause_rule
from ._numeric import early_step_ratio


def _one_row(F, sid: int) -> bool:
    """The statement reads the input data only through one row picked by a loop's counter (`features[idx]` in
    `for idx in range(m)`): what it adds up lies within one sample."""
    x = F.by_id[sid]
    tree = parse_statement(x.statement or "")
    if tree is None:
        return False
    counters = {t for lp in F.s.loops if lp.function == x.function and "range(" in (lp.header or "")
                for t in lp.targets}
    data = {base_name(F.by_id[r].target) for r in F.input_roots}
    picked = any(isinstance(node, ast.Subscript) and _dotted(node.value) in data
                 and isinstance(node.slice, ast.Name) and node.slice.id in counters for node in ast.walk(tree))
    # a read of the whole table is one outside any subscript
    inside = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Subscript)}
    whole = any(isinstance(n, (ast.Name, ast.Attribute)) and _dotted(n) in data and id(n) not in inside
                for n in ast.walk(tree))
    return picked and not whole


@cause_rule(
    "gradient_sum_not_mean",
    "The gradient is summed over the batch instead of averaged",
    premises=(
        ("gradient_summed", "a gradient contracts over a batch of at least SUM_BATCH samples (an axis its operands' "
                            "recorded shapes have and its result has not, rows or columns alike), or a loop adds up "
                            "that many per-sample gradients before an update, and nothing divides by their number"),
        ("loss_not_summed", "the measured loss does not itself sum over SUM_BATCH values or more without dividing (a "
                            "summed loss has a summed gradient: its rate sizes the step), or no loss was found"),
        ("run_unstable", "the run blows up (a NaN or inf, a loss that ends well above its start, or diverging "
                         "weights) or makes no progress: a loss measured at three steps or more that ends no lower "
                         "than its first value, or one that jumped to several times its first value and swings up and "
                         "down from then on"),
        ("step_too_large_by_the_sum", "the first update moved the weights by SUM_RATIO_HIGH of their norm or more, and "
                                      "divided by the batch size it would move them by less than SUM_RATIO_DIVIDED of "
                                      "it (a first step from a small start may be a large part of the weights; one "
                                      "larger than the weights themselves is thrown out)"),
    ),
    thresholds={"SUM_BATCH": 32, "SUM_RATIO_HIGH": 0.1, "SUM_RATIO_DIVIDED": 1.0},
    # Weights that start too large blow the first steps up whatever the gradient is divided by.
    yields_to=("weights_init_too_large", "parameter_not_updated"),
)
def rule(ctx) -> RuleOutcome:
    """A summed gradient whose measured steps are too large by about the batch size."""
    F = ctx.facts
    out = RuleOutcome()
    summed = summed_gradients(F)
    # A batch is the samples axis of a 2-D input; a 1-D sample (a per-sample loop) sums over features only.
    b, shape = batch_axis_size(F)
    if summed and summed[0].get("reduced"):
        # The axis the gradient's own statement adds up, from its operands' recorded shapes (a minibatch, not the
        # whole table it was cut from; samples in rows or in columns alike).
        b, shape = summed[0]["reduced"], "recorded"
    elif summed and shape and _one_row(F, summed[0]["gradient"]):
        # `np.dot(features[idx], v)` in `for idx in range(m)`: one sample's row, whose sum runs over its features
        b, shape = 1, "one row per step, picked by a loop counter"
    if summed and summed[0].get("accumulated"):
        # A loop adding per-sample gradients: the batch is the number of additions measured before one update.
        b, shape = summed[0]["batch"], "per-sample loop"
    ok = bool(summed) and b is not None and b >= ctx.threshold("SUM_BATCH")
    if not out.check("gradient_summed", ok,
                     ((f"`{F.by_id[summed[0]['gradient']].statement.strip()}` adds up {b} per-sample gradients "
                       f"before each update and nothing divides by {b}") if summed[0].get("accumulated") else
                      (f"`{F.by_id[summed[0]['gradient']].statement.strip()}` adds up an axis of {b} values its "
                       f"operands have and its result has not, and nothing divides by {b}") if shape == "recorded" else
                      f"`{F.by_id[summed[0]['gradient']].statement.strip()}` sums over {b} samples of the {shape} "
                      f"input and nothing divides by {b}") if ok else
                     ("no gradient sums over a batch without dividing" if not summed else
                      f"the input reaching the model is {shape or 'unrecorded'}: not a batch of "
                      f"{ctx.threshold('SUM_BATCH'):g} or more samples"), batch=b):
        return out
    whole = summed_loss(F)
    if not out.check("loss_not_summed", not whole, whole["what"] if whole else "no measured loss sums without dividing"):
        return out
    bad = trouble(F, ctx.session)
    if bad is not None and not bad:
        # Steps thrown far out by the first summed update can leave the loss stuck above where it began, finite.
        bad = _no_progress(F) or _thrown_and_swinging(F, ctx.findings) or bad
    if not out.check("run_unstable", None if bad is None else bool(bad),
                     bad.get("what", "") if bad else ("neither a loss nor the weights were measured" if bad is None
                                                     else sound_run_words(F))):
        return out
    limit = ctx.threshold("SUM_RATIO_HIGH")
    big = oversized_steps(F, ctx.findings, bad.get("step"), limit)
    # The first update is the only one the gradient's scale alone decides: once a summed step has thrown the
    # weights out, the next ratios measure the divergence it started (a ratio of 40 becomes 2e4 a step later).
    early = early_step_ratio(F, steps=1)
    if big and early is not None and early["ratio"] < big["ratio"]:
        big = dict(big, how="early", name=early["name"], ratio=early["ratio"], step=early["upto"])
    if not out.check("step_too_large_by_the_sum", None if big is None else bool(big) and big["ratio"] >= limit
                     and big["ratio"] / b < ctx.threshold("SUM_RATIO_DIVIDED"),
                     "no update ratio was measured" if big is None else
                     (f"steps moved {big['name']} by {big['ratio']:.2g} of its norm"
                      + (f" at its first update (step {big['step']})" if big["how"] == "early" else "")
                      + f"; divided by {b}: {big['ratio'] / b:.2g}" if big else "no step was too large"),
                     **({k: v for k, v in big.items() if k != "update"} if big else {})):
        return out
    g = F.by_id[summed[0]["gradient"]]
    msg = (f"The gradient is summed over the batch instead of averaged: `{g.statement.strip()}` (line {g.line}) sums "
           f"over {b} samples, the steps moved {big['name']} by {big['ratio']:.2g} of its norm ({big['ratio'] / b:.2g} "
           f"with the mean), and {bad['what']}.")
    name = F.by_id[F.inputs].target if F.inputs is not None else None
    # Every summed gradient is averaged, as one group: averaging one and not the others leaves those steps large.
    if summed[0].get("accumulated"):
        fixes = as_group(_divide_update_fix(F, d["update"], b) for d in summed if d.get("accumulated"))
    else:
        fixes = as_group(divide_gradient_fix(F, d["update"], name) for d in summed)
    lr = lower_lr_fix(F, summed[0]["update"], factor=float(b))
    if lr is not None:
        fixes.append(Fix("Or: " + lr.title[0].lower() + lr.title[1:], lr.line, lr.before, lr.after, lr.why))
    chain = [ChainLink(msg, None, g.target, g.line, {"batch": b, "ratio": big["ratio"]}),
             ChainLink(bad["what"], bad.get("step"), None, None, {k: v for k, v in bad.items() if k != "what"})]
    out.drafts.append(Draft("gradient_sum_not_mean", PRIMARY + 1, msg, chain, fixes, ["gradient_sum_not_mean"],
                            {"batch": b, "ratio": big["ratio"]}))
    return out


def _no_progress(F) -> dict | None:
    """The loss ending no lower than its first value in the loop, measured at three steps or more; None otherwise."""
    ls = loss_series(F)
    if ls is None:
        return None
    steps, loss = ls[0], ls[1]
    fin = np.isfinite(loss)
    if fin.sum() < 3 or not fin.all():
        return None
    first = float(loss[0])
    end = float(loss[-1])
    if end < first:
        return None
    return {"kind": "stall", "step": int(steps[0]), "loss_first": first, "loss_last": end,
            "what": f"the loss ({ls[2]}) ends at {end:.4g}, no lower than its first value {first:.4g}"}


def _thrown_and_swinging(F, findings) -> dict | None:
    """The loss jumping to LOSS_JUMP x its first value at two checks in a row and swinging up and down from then on
    (a loss_oscillating finding): steps too large for the valley, though the loss comes back below where it began at
    times. None otherwise."""
    from ...detectors.optimisation import LIM

    ls = loss_series(F)
    swings = findings.get("loss_oscillating", [])
    if ls is None or not swings:
        return None
    steps, loss = ls[0], ls[1]
    if np.isfinite(loss).sum() < 5 or not np.isfinite(loss).all() or not loss[0] > 0:
        return None
    high = loss > LIM.LOSS_JUMP * float(loss[0])
    twice = np.nonzero(high[1:] & high[:-1])[0]
    if not len(twice):
        return None
    j = int(twice[0])
    peak = float(np.max(loss[j:]))
    ev = swings[0].evidence
    return {"kind": "swinging", "step": int(steps[j]), "loss_first": float(loss[0]), "loss_peak": peak,
            "what": f"the loss ({ls[2]}) jumped from {float(loss[0]):.4g} to {peak:.4g} from step {int(steps[j])} and "
                    f"swings from then on, {ev.get('reversals', float('nan')):.0%} of its checks reversing direction by "
                    f"a typical {ev.get('swing', float('nan')):.0%} of its level"}


def _divide_update_fix(F, update: int, count: int) -> Fix | None:
    """Divide the step by the number of per-sample gradients the loop added up (measured on this run)."""
    u = F.by_id[update]
    line = strip_comment(F.line_text(u.file, u.line)).rstrip()
    if not line or "=" not in line:
        return None
    return Fix(title=f"Average the gradient: divide the step of {u.target} by the {count} samples added up",
               line=u.line, before=line, after=f"{line} / {count}",
               why="Per-sample gradients added over the whole data grow with the number of samples; their mean does not.")
