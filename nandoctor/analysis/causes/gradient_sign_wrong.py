"""The update climbs the gradient: small steps, and the loss (or the weights) worsens steadily from the first steps."""

from __future__ import annotations

import ast

import numpy as np

from ...detectors.optimisation import (consecutive_cosines, loss_before_training, loss_series, oversized_steps,
                                       sound_run_words, trouble, update_ratios)
from ...detectors.facts import parse_statement, strip_comment
from ...explain.fixes import flip_update_fixes
from ...model import ChainLink
from ..rules import PRIMARY, Draft, RuleOutcome, cause_rule


def worsening_from_start(F, k: int = 4) -> dict | None:
    """The loss rising at each of the first k steps, or a weight norm rising at (nearly) every early update.

    Either one is enough: a per-sample loss is noisy even when every step climbs, while the weights then
    grow steadily. None when neither was measured."""
    found = None
    ls = loss_series(F)
    if ls is not None and np.isfinite(ls[1]).sum() >= 2 * k:
        loss = ls[1][np.isfinite(ls[1])]
        first = loss[:k]
        rising = bool(np.all(np.diff(first) > 0) and first[-1] > 1.01 * first[0])
        found = {"how": "loss", "rising": rising, "first": [float(v) for v in first], "source": ls[2],
                 "what": f"the loss ({ls[2]}) goes {', '.join(f'{v:.4g}' for v in first)}, ..."}
        if rising:
            return found
    elif ls is not None and np.isfinite(ls[1]).sum() >= k:
        # A loss kept rarely (once per epoch): too few values for the first k steps to stand for the run, but a
        # loss that rises at every one of them, well above its first value, climbed all along.
        loss = ls[1][np.isfinite(ls[1])]
        rising = bool(np.all(np.diff(loss) > 0) and loss[-1] > 1.5 * loss[0])
        found = {"how": "loss", "rising": rising, "first": [float(v) for v in loss[:k]], "source": ls[2],
                 "what": f"the loss ({ls[2]}) rises at every one of its {len(loss)} values, "
                         f"{', '.join(f'{v:.4g}' for v in loss[:k])}, ..."}
        if rising:
            return found
    # A loss computed at every step but not finite from its first or second value on, at most of them (the log of
    # a negative output, a log of 0 from the first update): whether it falls with growing weights was not measured,
    # and growth alone does not tell ascent from descent. (A climb that ends in NaN has finite values first.)
    blind = ls is not None and len(ls[1]) >= k and np.isfinite(ls[1][:k]).sum() < 2 and np.isfinite(ls[1]).mean() < 0.5
    for u in F.updates:
        steps, up, before, ratio = update_ratios(F, u)  # rows where the norm before is above zero
        if len(before) < 20:
            continue
        # Ten evenly spaced checks up to where it had doubled (at least 20 updates: per-sample steps are
        # noisy one by one, and a weight grown from zero doubles within its first updates).
        fin = np.isfinite(before)
        doubled = np.nonzero(fin & (before > 2 * before[0]))[0]
        end = max(int(doubled[0]) + 1 if len(doubled) else len(before), 20)
        early = before[np.unique(np.linspace(0, end - 1, 10).astype(int))]
        share = float(np.mean(np.diff(early) > 0))
        # Steadily: it rises at every one of the later checks, with no swing back (overshoot swings).
        steady = bool(np.all(np.diff(early[len(early) // 2 - 1:]) > 0))
        name = F.by_id[u].target
        falling = loss_falls_over(ls, steps, end, loss_before_training(F))
        if falling is not None and steady and early[-1] > 1.5 * early[0]:
            # Weights that grow while the loss falls are descending (a separable problem's weights grow so):
            # growth is evidence of ascent only where the loss does not fall with it.
            got = {"how": "weights", "rising": False, "share": share,
                   "what": f"the norm of {name} grows over its first {end} updates while the loss ({ls[2]}) falls "
                           f"from {falling[0]:.4g} to {falling[1]:.4g}"
                           + (f" (after rising from {falling[2]:.4g})" if falling[2] is not None else "")
                           + ": descent, not ascent"}
            if found is None or found.get("how") == "loss":
                found = got
            continue
        if blind and steady and early[-1] > 1.5 * early[0]:
            found = {"how": "weights", "rising": None, "share": share,
                     "what": f"the norm of {name} grows over its first {end} updates, but the loss ({ls[2]}) is finite "
                             f"at only {int(np.isfinite(ls[1]).sum())} of its {len(ls[1])} values: whether it falls with "
                             f"them was not measured"}
            continue
        got = {"how": "weights", "rising": bool(steady and early[-1] > 1.5 * early[0]), "share": share,
               "what": f"the norm of {name} climbs without swinging back over its first {end} updates "
                       f"({', '.join(f'{v:.3g}' for v in early[len(early) // 2 - 1:])})" if steady else
                       f"the norm of {name} swings over its first {end} updates ({share:.0%} of ten checks rise)"}
        if got["rising"] or found is None:
            found = got
        if got["rising"]:
            break
    return found


def reversing_steps(F, until: int | None, cosine: float, share_needed: float, pairs: int = 5) -> dict | None:
    """Whether consecutive updates of a parameter point in opposite directions (median cosine of each update with the
    one before it below `cosine`, and a share of at least `share_needed` of them below 0) before step `until`,
    measured on the values kept at every write of an array parameter. None when no parameter's values were kept at
    `pairs` + 2 writes or more."""
    best = None
    for u in F.updates:
        cos = consecutive_cosines(F, u, until)
        if cos is None or len(cos) < pairs:
            continue
        med = float(np.median(cos))
        # Nearly every pair reversing: per-sample steps reverse with the sample (one label pulls, the next pushes),
        # half the time or so; an overshoot reverses at every step.
        share = float(np.mean(cos < 0))
        reversing = med < cosine and share >= share_needed
        got = {"reversing": reversing, "share": share, "cosine": med, "name": F.by_id[u].target, "n": int(len(cos)),
               "what": f"consecutive updates of {F.by_id[u].target} point opposite ways in {share:.0%} of {len(cos)} "
                       f"pairs of steps (median cosine {med:.2f})"
                       + (": the steps overshoot, they do not climb" if reversing else "")}
        if got["reversing"]:
            return got
        best = best or got
    return best


def loss_falls_over(ls, steps: np.ndarray, end: int, before: float | None = None) -> tuple | None:
    """(loss at the start, loss at the end, None) when the loss falls over the steps of a weight's first `end`
    updates, extended to the loss's first three finite values (a loss kept once per epoch); (loss in the middle, at
    the end, at the start) when it rises and then falls by a tenth; `before`, the loss measured ahead of the first
    step, opens the series. None when it does not fall or was not measured there."""
    if ls is None or not len(steps):
        return None
    lsteps, loss = ls[0], ls[1]
    if before is not None:
        lsteps, loss = np.r_[-1, lsteps], np.r_[before, loss]
    fin = np.isfinite(loss)
    if fin.sum() < 2:
        return None
    last_step = max(int(steps[min(end, len(steps)) - 1]), int(lsteps[fin][min(2, int(fin.sum()) - 1)]))
    window = loss[fin & (lsteps <= last_step)]
    if len(window) < 2:
        return None
    # A per-sample loss is noisy: compare the means of the window's first and last thirds when it is long.
    third = max(1, len(window) // 3)
    start, stop = float(np.mean(window[:third])), float(np.mean(window[-third:]))
    if stop < 0.99 * start:
        return start, stop, None
    # A loss that jumps at the first steps and then comes down by a tenth while the weights keep growing: a climb
    # keeps rising or levels off, it does not come back down.
    middle = float(np.mean(window[third:len(window) - third])) if len(window) >= 3 else None
    if middle is not None and middle > start and stop < 0.9 * middle:
        return middle, stop, start
    return None


def _repeated_gradient(F) -> str | None:
    """The name of a gradient an update applies that comes back bit-identical at every step or every pass over
    the data while its parameter moves (measured as forward_outside_loop measures it), else None."""
    from .forward_outside_loop import _applied, _repeats
    from ._passes import loop_rows

    for u in F.updates:
        for g in _applied(F, u):
            if len(loop_rows(F, g)) >= 3 and _repeats(F, g)[0]:
                return F.by_id[g].target
    return None


def step_spread(F) -> dict | None:
    """How much the update norms vary (std over mean) for the weight whose updates were measured longest."""
    best = None
    for u in F.updates:
        steps, up, before, ratio = update_ratios(F, u)
        up = up[np.isfinite(up)]
        if len(up) < 5 or np.mean(up) <= 0:
            continue
        got = {"name": F.by_id[u].target, "cv": float(np.std(up) / np.mean(up)), "n": int(len(up))}
        if best is None or got["n"] > best["n"]:
            best = got
    return best


def _rate_free(F, u: int) -> bool:
    """Whether an update steps by a value with no rate in it: no setting is read (F.lr_sites) and no number scales
    the step (`beta = beta - np.linalg.solve(H, grad)`, not `w -= 0.5 * g`)."""
    if F.lr_sites(u):
        return False
    tree = parse_statement(strip_comment(F.by_id[u].statement.strip()))
    stmt = tree.body[0] if tree is not None and tree.body else None
    if isinstance(stmt, ast.AugAssign):
        step = stmt.value
    elif isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.BinOp) and isinstance(stmt.value.op, (ast.Sub, ast.Add)):
        step = stmt.value.right
    else:
        return False
    numbers = [n for n in ast.walk(step) if isinstance(n, ast.Constant) and isinstance(n.value, (int, float))
               and not isinstance(n.value, bool)]
    return not numbers and any(isinstance(n, ast.Call) for n in ast.walk(step))


@cause_rule(
    "gradient_sign_wrong",
    "The update climbs the gradient instead of descending it",
    premises=(
        ("run_worsens", "the run gets worse: a NaN or inf, a loss that ends well above its start, or diverging weights"),
        ("steps_small", "the updates were a small part of the weights before the run got worse, or large without "
                        "overshooting (below the weights' own norm, no change alternating in sign, no spike, no value "
                        "growing geometrically), consecutive updates do not point opposite ways, and no per-sample "
                        "step moves a linear prediction by LMS_GAIN times its error"),
        ("worse_from_first_steps", "the loss rises, or the weights grow while the loss does not fall, from the very "
                                   "first steps, steadily"),
        ("steps_follow_the_weights", "the steps change from one update to the next (the gradient is recomputed "
                                     "from the current weights, not frozen, and no pass over "
                                     "the data repeats the last pass's gradients)"),
    ),
    # Overshoot: consecutive updates pointing opposite ways (median cosine below REVERSAL_COSINE) in nearly every
    # pair (REVERSAL_SHARE); per-sample steps reverse with the sample about half the time. A climb: consecutive
    # updates pointing the same way (median cosine ALIGNED_COSINE or more) in nearly every pair (REVERSAL_SHARE).
    thresholds={"ASCENT_RATIO": 0.1, "STEP_VARIES": 1e-3, "REVERSAL_COSINE": -0.5, "REVERSAL_SHARE": 0.9,
                "ALIGNED_COSINE": 0.9},
    # A gradient computed with a wrong formula or a wrong broadcast climbs as a flipped sign does.
    # Inputs overwritten under the model also make the loss climb from small, recomputed steps.
    # Units kept identical from their start can lower the loss only as one unit: weights growing while the loss
    # does not fall say nothing of the sign there.
    yields_to=("derivative_on_preactivation", "wrong_derivative_formula", "shape_broadcasting_bug",
               "inplace_mutation_aliasing", "weights_init_symmetric"),
)
def rule(ctx) -> RuleOutcome:
    """Small steps that make things worse from the start: each step goes uphill."""
    F = ctx.facts
    out = RuleOutcome()
    bad = trouble(F, ctx.session)
    if not out.check("run_worsens", None if bad is None else bool(bad),
                     bad.get("what", "") if bad else ("neither a loss nor the weights were measured" if bad is None
                                                     else sound_run_words(F))):
        return out
    big = oversized_steps(F, ctx.findings, bad.get("step"), ctx.threshold("ASCENT_RATIO"))
    # Steps large only by their size (no spike, no change alternating in sign, no geometric growth) do not overshoot:
    # a descent that overshoots swings or grows, while one that climbs from the first update is going uphill.
    # values growing geometrically: over the steps (sustained growth) or on the way back within one (an exploding
    # gradient)
    growing = [f for f in ctx.findings.get("sustained_growth", []) if f.severity == "error"] + \
        [f for f in ctx.findings.get("exploding_gradient", []) if f.severity != "info"]
    # A step larger than the weights themselves is too large whatever its direction: only steps below the weights'
    # own norm are judged by what they did.
    # A step with no rate in it (a Newton step, `beta - np.linalg.solve(H, grad)`) is as large as the model it
    # solves says: only whether it overshoots is judged, not its size against the weights.
    level = bool(big) and big["how"] == "median" and not growing and (
        big["ratio"] < 1.0 or big.get("update") is not None and _rate_free(F, big["update"]))
    # Steps that reverse direction from one update to the next overshoot a valley, whatever their size: a climb
    # keeps going the same way.
    back = reversing_steps(F, bad.get("step"), ctx.threshold("REVERSAL_COSINE"), ctx.threshold("REVERSAL_SHARE"))
    if back is not None and back["reversing"]:
        out.check("steps_small", False, back["what"], cosine=back["cosine"])
        return out
    # A per-sample step on a linear prediction that moves it by more than twice its error overshoots that sample
    # (the error changes sign and grows), however small the step is beside the weights.
    # (the gain's limits are the learning-rate rule's, which names this case)
    from ...config import threshold
    from ...detectors.optimisation import stepped_updates
    from ..rules import RULES
    from .learning_rate_too_high import overshooting_gain

    declared = RULES["learning_rate_too_high"].thresholds
    gain = overshooting_gain(F, stepped_updates(F), bad.get("step"),
                             threshold(ctx.session, "LMS_GAIN", declared["LMS_GAIN"]),
                             threshold(ctx.session, "LMS_ENTRY_MAX", declared["LMS_ENTRY_MAX"]))
    if gain:
        out.check("steps_small", False, f"{gain['name']} is stepped by the rate {gain['rate']:.3g} times the row "
                  f"{gain['row']} (squared norm {gain['sumsq']:.3g}): each step moves the prediction on that row by "
                  f"{gain['gain']:.3g} times its error, overshooting it", gain=gain["gain"])
        return out
    # Large steps, however they grow, that keep pointing the same way: a descent whose steps are too large overshoots
    # the valley along the direction it diverges in (each step reverses the last there), a climb never turns back.
    # A loss rising from its first step puts the trouble at the start: the directions are read over the whole run then
    # (the cosines of changes that are not finite are left out).
    if back is None and big:
        back = reversing_steps(F, None, ctx.threshold("REVERSAL_COSINE"), ctx.threshold("REVERSAL_SHARE"))
    ahead = (bool(big) and not level and back is not None and back["cosine"] >= ctx.threshold("ALIGNED_COSINE")
             and 1.0 - back["share"] >= ctx.threshold("REVERSAL_SHARE"))
    if ahead:
        out.check("steps_small", True, f"{big['name']} moved by {big['ratio']:.2g} of its norm ({big['how']}), but "
                  f"consecutive updates of {back['name']} point the same way in {1.0 - back['share']:.0%} of "
                  f"{back['n']} pairs of steps (median cosine {back['cosine']:.2f}): the steps did not overshoot",
                  ratio=big["ratio"], cosine=back["cosine"])
        level = True
    elif not out.check("steps_small", None if big is None else not big or level,
                     "no update ratio was measured" if big is None else
                     (f"{big['name']} moved by a median {big['ratio']:.2g} of its norm, but no change alternated in sign, "
                      f"spiked or grew geometrically: the steps did not overshoot" if level else
                      f"{big['name']} moved by {big['ratio']:.2g} of its norm ({big['how']})" if big else
                      f"no step moved a weight by {ctx.threshold('ASCENT_RATIO'):g} of its norm before step "
                      f"{bad.get('step')}"), **({"ratio": big["ratio"]} if big else {})):
        return out
    w = worsening_from_start(F)
    if not out.check("worse_from_first_steps", None if w is None else w["rising"],
                     w["what"] if w else "neither the loss nor a weight norm was measured over the first steps"):
        return out
    spread = step_spread(F)
    repeated = _repeated_gradient(F)
    if repeated is not None:
        # Steps that vary only with the minibatch, each pass repeating the last, do not follow the weights:
        # a stale gradient, not a reversed one, keeps pushing the same way.
        out.check("steps_follow_the_weights", False, f"the gradient {repeated} comes back bit-identical at every "
                  "step or every pass over the data: it does not follow the weights", gradient=repeated)
        return out
    if not out.check("steps_follow_the_weights", None if spread is None else spread["cv"] > ctx.threshold("STEP_VARIES"),
                     "no update norm was measured" if spread is None else
                     f"the update norms of {spread['name']} vary by {spread['cv']:.2g} of their mean over the run"
                     + ("" if spread["cv"] > ctx.threshold("STEP_VARIES") else ": the same step every time, from a "
                        "gradient that does not follow the weights"), **(spread or {})):
        return out
    if ahead:
        msg = (f"The update climbs the gradient: {w['what']}, while each step moved {big['name']} by "
               f"{big['ratio']:.2g} of its norm the same way as the step before (median cosine {back['cosine']:.2f} over {back['n']} "
               f"pairs of steps), never turning back, and {bad['what']}. Steps "
               f"along the negative gradient that are too large overshoot and reverse: the sign of the update (or of "
               f"the gradient) is reversed.")
    elif level:
        msg = (f"The update climbs the gradient: {w['what']}, while each step moved {big['name']} by a median "
               f"{big['ratio']:.2g} of its norm without overshooting (no change alternating in sign, no geometric "
               f"growth), and {bad['what']}. Steps along the negative gradient that do not overshoot lower the loss: "
               f"the sign of the update (or of the gradient) is reversed.")
    else:
        msg = (f"The update climbs the gradient: {w['what']}, while each step is a small part of the weights, and "
               f"{bad['what']}. Small steps along the negative gradient can only lower the loss: the sign of the "
               f"update (or of the gradient) is reversed.")
    chain = [ChainLink(w["what"], None, None, None, {k: v for k, v in w.items() if k != "what"}),
             ChainLink(bad["what"], bad.get("step"), None, None, {k: v for k, v in bad.items() if k != "what"})]
    codes = [f.code for c in ("loss_rising", "weight_divergence", "sustained_growth") for f in ctx.findings.get(c, [])]
    out.drafts.append(Draft("gradient_sign_wrong", PRIMARY - 2, msg, chain, flip_update_fixes(F), codes,
                            {"how": w["how"], "trouble_step": bad.get("step")}))
    return out
