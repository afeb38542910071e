"""The initial weights are too large: before the first update the units are saturated or the values explode."""

from __future__ import annotations

import re

import numpy as np

from ... import columns as C
from ...detectors.facts import _TARGET_HINT, base_name, last, strip_comment
from ...detectors.optimisation import loss_progress, loss_series, trouble
from ...detectors.structure import shape_of
from ...explain.fixes import advice, init_scale_fixes, np_alias
from ...model import ChainLink, Fix
from ..rules import PRIMARY, Draft, RuleOutcome, cause_rule
from ._passes import (forward_pass, input_site, is_squashing, learned_names, loop_rows, loss_values, site_words,
                      target_site, weight_gains)

_RANDOM_INIT = re.compile(r"(randn|standard_normal|normal\(|rand\(|uniform\()")


@cause_rule(
    "weights_init_too_large",
    "The initial weights are too large",
    premises=(
        ("first_pass_observed", "the forward pass was recorded before the first update"),
        ("inputs_moderate", "the inputs have a moderate scale, or the forward values' spread is init_growth times "
                            "the inputs' own or more, so large values come from the weights"),
        ("starts_extreme", "before any update a hidden sigmoid/tanh is saturated or the forward values are far "
                           "larger than the inputs, or a weight matrix drawn before the loop starts with a gain "
                           "(root-mean-square times the square root of its smaller dimension) of INIT_LARGE_GAIN or "
                           "more, large whichever dimension is the fan-in"),
        ("training_hurt", "the start still hurts at the end: that sigmoid/tanh is still saturated in the last step "
                          "(init_saturated_fraction of its values, or init_saturation_kept of its share at the start), "
                          "or a sigmoid/tanh's mean slope is INIT_SLOPE_KEPT of its largest or less over both the "
                          "first and the last tenth of the steps, "
                          "or the run blows up, or its loss barely falls, or a cross-entropy ends no better than "
                          "chance (init_chance_fraction of ln K or more, for K classes measured on the predicted "
                          "distribution)"),
    ),
    thresholds={"init_saturated_fraction": 0.2, "init_growth": 100.0, "init_input_scale_max": 10.0,
                "init_slow_drop": 0.1, "init_chance_fraction": 0.9, "init_saturation_kept": 0.5,
                "INIT_LARGE_GAIN": 6.0, "INIT_SLOPE_KEPT": 0.35},
)
def rule(ctx) -> RuleOutcome:
    """Before any update a hidden sigmoid/tanh sits at its bounds, or the forward values dwarf the inputs."""
    F = ctx.facts
    out = RuleOutcome()
    first = forward_pass(F, "first")
    if not F.updates and not F.n_steps:
        # No training loop: weights drawn at random and never trained (random features, an extreme learning
        # machine) are judged on the one pass the script computes with them.
        return _untrained_draw(ctx, F, out)
    if not out.check("first_pass_observed", bool(first and first.rows) or None,
                     f"{len(first.rows)} values recorded in the first pass before the targets are read" if first and first.rows
                     else "no training pass was recorded before the targets are read"):
        return out
    i = input_site(F)
    if i is None:
        out.check("inputs_moderate", None, "no input data was recorded before the loop")
        return out
    si = F.ser(i)
    in_max, in_std = float(si[C.ABSMAX][0]), float(si[C.STD][0])
    sat_limit, growth_limit = ctx.threshold("init_saturated_fraction"), ctx.threshold("init_growth")
    moderate = bool(np.isfinite(in_max) and in_max <= ctx.threshold("init_input_scale_max") and in_std > 0)
    # Large inputs saturate any squashing unit, but a spread multiplied by init_growth or more on the way
    # through is the weights' doing whatever the inputs' scale (the ratio does not depend on it).
    spread = _largest_spread(F, first)
    amplified = bool(in_std > 0 and spread is not None and spread[0] / in_std >= growth_limit)
    if not out.check("inputs_moderate", moderate or amplified,
                     f"the inputs {F.by_id[i].target} reach {in_max:.3g} with a spread of {in_std:.3g}"
                     + (f", and {site_words(F, spread[1])} (line {F.by_id[spread[1]].line}) spreads "
                        f"{spread[0] / in_std:.3g} times as wide before the first update" if amplified else ""),
                     input_absmax=in_max, input_std=in_std):
        return out
    t = target_site(F)
    t_size = float(F.ser(t)[C.SIZE][0]) if t is not None else None
    output_row = next((r for r in reversed(first.rows) if t_size is not None and F.ser(r[1])[C.SIZE][r[2]] == t_size), None)
    saturated, biggest, pinned = None, spread, []
    for seq, sid, row in first.rows:
        sr = F.ser(sid)
        std = float(sr[C.STD][row])
        near = float(sr[C.FRAC_SAT_NEAR][row])
        # Values all at 0 fill [0, 1] "near its bound" too: saturation needs values that reach out towards 1.
        reach = float(sr[C.ABSMAX][row])
        if (seq, sid, row) != output_row and np.isfinite(near) and near >= sat_limit and is_squashing(F, sid) \
                and reach >= 0.5 and std > 0 and (reach >= 1 - 1e-4 or not _centred_at_zero(F, sid)):
            pinned.append((near, float(sr[C.FRAC_SAT_EXACT][row]), sid, row))
            if saturated is None or near > saturated[0]:
                saturated = pinned[-1]
        elif sid in F.derived and np.isfinite(near) and near >= sat_limit and _both_bounds(sr, row) \
                and not _is_distribution(sr, row):
            # A squashing function the code hands around as a value (`self.squash = np.tanh`) is not named at
            # the call; values piled at both ends of [-1, 1] or [0, 1] are its output all the same.
            pinned.append((near, float(sr[C.FRAC_SAT_EXACT][row]), sid, row))
    ratio = biggest[0] / in_std if biggest else float("nan")
    grown = bool(np.isfinite(ratio) and ratio >= growth_limit)
    if saturated:
        near, exact, sid, row = saturated
        x = F.by_id[sid]
        why = (f"before the first update {site_words(F, sid)} (line {x.line}) has {near:.0%} of its values within 1e-4 of its "
               f"bounds ({exact:.0%} exactly at them)")
    elif biggest:
        std, sid, row = biggest
        x = F.by_id[sid]
        why = (f"before the first update {site_words(F, sid)} (line {x.line}) has a "
               f"spread of {std:.3g}, {ratio:.3g} times the inputs' spread of {in_std:.3g}")
    else:
        why = "no forward value had a measured spread before the first update"
    # The weights' own scale, whatever the roles found: a matrix whose root-mean-square times the square root of its
    # smaller dimension is INIT_LARGE_GAIN or more multiplies the spread it is given by at least that much in either
    # layout (a 1/sqrt(fan_in) start gives about 1).
    heavy = None
    if not (saturated or grown):
        big_gains = [g for g in weight_gains(F) if g["step"] < 0 and g["large_gain"] >= ctx.threshold("INIT_LARGE_GAIN")]
        if big_gains:
            heavy = max(big_gains, key=lambda g: g["large_gain"])
            why = (f"{why}; {heavy['name']} {heavy['shape']} (line {heavy['line']}) starts with a root-mean-square of "
                   f"{heavy['large_gain'] / np.sqrt(min(heavy['shape'])):.3g} on {min(heavy['shape'])} to "
                   f"{max(heavy['shape'])} inputs per unit: it multiplies the spread it is given by "
                   f"{heavy['large_gain']:.3g} or more")
    if not out.check("starts_extreme", bool(saturated) or grown or bool(heavy), why,
                     fraction_near_bound=saturated[0] if saturated else None, spread_ratio=ratio,
                     weight_gain=heavy["large_gain"] if heavy else None):
        return out
    # A large start that training recovers from is no cause: a healthy run can begin saturated and shake it off.
    hurt, hurt_why = _still_hurting(ctx, F, pinned, sat_limit)
    if not out.check("training_hurt", hurt, hurt_why):
        return out
    why = f"{why}; {hurt_why}"
    loss = loss_values(F)
    loss_txt = ""
    if heavy and biggest is None:
        sid, row = next(((p, 0) for p in F.params if F.by_id[p].line == heavy["line"] and F.observed(p)), (None, None))
        if sid is None:
            return out
    ev = {"input_std": in_std, "spread_ratio": ratio, "step": int(F.ser(sid).step[row])}
    if heavy:
        ev["weight_gain"] = heavy["large_gain"]
    if loss is not None and np.isfinite(loss[1][0]):
        ev["first_loss"] = float(loss[1][0])
        loss_txt = f"; the first loss is {loss[1][0]:.3g}"
    if saturated:
        ev.update(fraction_near_bound=saturated[0], fraction_exact=saturated[1], site=F.by_id[sid].target)
    summary = f"The initial weights are too large: {why}{loss_txt}."
    chain = [ChainLink(summary, ev["step"], F.by_id[sid].target, F.by_id[sid].line, dict(ev))]
    out.drafts.append(Draft("weights_init_too_large", PRIMARY - 5, summary, chain, _init_fixes(F),
                            [f.code for f in ctx.findings.get("exact_saturation", [])], ev))
    return out


def _untrained_draw(ctx, F, out: RuleOutcome) -> RuleOutcome:
    """The premises on a script with no training loop: a sigmoid/tanh computed once from moderate data and a weight
    matrix drawn at random is saturated, and nothing ever changes that matrix."""
    def dims(sid):
        return shape_of(F.ser(sid).shape[0])

    # The samples: as many as the targets have rows (data drawn at random too is told from weights by them).
    samples = {dims(x.id)[0] for x in F.sites if F.observed(x.id) and x.kind != "arg" and dims(x.id)
               and _TARGET_HINT.match(last(base_name(x.target)))}
    found = None
    for x in F.sites if samples else ():
        sr = F.ser(x.id)
        if sr is None or not len(sr) or x.kind == "arg" or not is_squashing(F, x.id):
            continue
        draws, data = [], []
        for p in F.parents(x.id):
            w = F.by_id[p]
            ps = F.ser(p)
            if ps is None or not len(ps) or w.kind == "arg" or len(dims(p)) != 2:
                continue
            line = strip_comment((w.statement or "").strip().splitlines()[0]) if (w.statement or "").strip() else ""
            if _RANDOM_INIT.search(line) and not samples & set(dims(p)):
                draws.append(p)
            else:
                data.append(p)
        near = float(sr[C.FRAC_SAT_NEAR][0])
        if draws and data and np.isfinite(near) and (found is None or near > found[0]):
            found = (near, x.id, draws[0], data[0])
    if not out.check("first_pass_observed", found is not None or None,
                     (f"no training loop: the script computes {site_words(F, found[1])} (line "
                      f"{F.by_id[found[1]].line}) once, from {F.by_id[found[3]].target} and {F.by_id[found[2]].target} "
                      f"drawn at random (line {F.by_id[found[2]].line})") if found else
                     "no training loop, and no sigmoid/tanh computed from data and a weight matrix drawn at random"
                     if samples else "no training loop, and no targets to tell the data's rows from a weight matrix"):
        return out
    near, sid, draw, data = found
    ds = F.ser(data)
    in_max, in_std = float(ds[C.ABSMAX][0]), float(ds[C.STD][0])
    if not out.check("inputs_moderate", bool(np.isfinite(in_max) and in_max <= ctx.threshold("init_input_scale_max")
                                             and in_std > 0),
                     f"the data {F.by_id[data].target} reach {in_max:.3g} with a spread of {in_std:.3g}",
                     input_absmax=in_max, input_std=in_std):
        return out
    sr = F.ser(sid)
    exact = float(sr[C.FRAC_SAT_EXACT][0])
    why = (f"{site_words(F, sid)} (line {F.by_id[sid].line}) has {near:.0%} of its values within 1e-4 of its bounds "
           f"({exact:.0%} exactly at them)")
    if not out.check("starts_extreme", near >= ctx.threshold("init_saturated_fraction"), why, fraction_near_bound=near):
        return out
    name = F.by_id[draw].target
    hurt = f"no loop updates {name}: the script's result is computed from these values as they were drawn"
    out.check("training_hurt", True, hurt)
    ws = F.ser(draw)
    summary = (f"The initial weights are too large: {name} (line {F.by_id[draw].line}) is drawn with a spread of "
               f"{float(ws[C.STD][0]):.3g} on data of spread {in_std:.3g}, and {why}; {hurt}.")
    ev = {"input_std": in_std, "fraction_near_bound": near, "fraction_exact": exact, "site": F.by_id[sid].target,
          "weight_std": float(ws[C.STD][0]), "step": -1}
    chain = [ChainLink(summary, None, F.by_id[sid].target, F.by_id[sid].line, dict(ev))]
    out.drafts.append(Draft("weights_init_too_large", PRIMARY - 5, summary, chain,
                            init_scale_fixes(F, {base_name(name)}),
                            [f.code for f in ctx.findings.get("exact_saturation", [])], ev))
    return out


_TAKES_LOG = re.compile(r"\blog(?:1p|2|10|_softmax|_loss)?\s*\(")


def chance_level(F) -> tuple[int, float, str] | None:
    """(K, ln K, the value's name) when the loss is a cross-entropy (its statement takes a log) and the loop computes a
    distribution over K >= 2 classes: a (samples, K) value in [0, 1] whose mean is 1/K at every step (each row sums to
    1). None when either was not measured."""
    loss = loss_values(F)
    if loss is None:
        return None
    best = None
    for x in F.sites:
        sr = F.ser(x.id)
        if sr is None or x.kind == "arg":
            continue
        rows = loop_rows(F, x.id)
        if len(rows) < 3:
            continue
        shapes = {tuple(int(v) for v in re.findall(r"\d+", str(s))) for s in sr.shape[rows]}
        widths = {s[-1] for s in shapes if len(s) == 2}
        if len(widths) != 1 or len(shapes) != len({s for s in shapes if len(s) == 2}):
            continue
        k = widths.pop()
        if k < 2 or not (np.all(sr[C.MIN][rows] >= 0) and np.all(sr[C.MAX][rows] <= 1)):
            continue
        if np.allclose(sr[C.MEAN][rows], 1.0 / k, rtol=1e-6, atol=0) and (best is None or len(rows) > best[0]):
            best = (len(rows), k, site_words(F, x.id), x.id)
    if best is None:
        return None
    statement = F.by_id[loss[0]].statement
    if not _TAKES_LOG.search(statement):
        # A log taken in a statement before (`picked = np.log(probs[rows, y])`, then `loss = -picked.mean()`): of the
        # distribution itself; the negative mean of a density's log normaliser (`-log_norm.mean()`, computed from the
        # log-densities before the distribution is) is no cross-entropy over its classes. Or `loss = self.loss_fn(y,
        # p)`: the value a function returned by a statement taking a log (matched on the recorded values), the
        # cross-entropy computed where the loss object is defined.
        dist = base_name(F.by_id[best[3]].target)
        of_dist = "log" in statement and any(
            _TAKES_LOG.search(F.by_id[w].statement or "") and dist in {base_name(r) for r in F.by_id[w].reads}
            for r in F.by_id[loss[0]].reads for w in F.resolve(r, F.by_id[loss[0]].function))
        returned = [x.id for x in F.sites if x.kind == "return" and _TAKES_LOG.search(x.statement or "")
                    and F.observed(x.id)]
        if not of_dist and F.value_source(loss[0], returned) is None:
            return None
    return best[1], float(np.log(best[1])), best[2]


def _final_tenth_mean(F) -> float | None:
    """The mean of the measured loss over the last tenth of its finite values (at least one), or None."""
    ls = loss_series(F)
    if ls is None:
        return None
    vals = ls[1][np.isfinite(ls[1])]
    if not len(vals):
        return None
    return float(np.mean(vals[-max(1, len(vals) // 10):]))


def _is_distribution(sr, row: int) -> bool:
    """A (samples, K) value whose rows sum to 1 (its mean is 1/K): predicted probabilities, whose values at 0 and 1
    are confident predictions, not saturated hidden units."""
    shape = tuple(int(v) for v in re.findall(r"\d+", str(sr.shape[row])))
    return len(shape) == 2 and shape[1] >= 2 and bool(np.isclose(sr[C.MEAN][row], 1.0 / shape[1], rtol=1e-6, atol=0))


def _centred_at_zero(F, sid: int) -> bool:
    """A tanh output: its bounds are -1 and 1, so its values at 0 (an input of zeros, no bias) sit at its centre, not
    at a bound, and only values near +-1 are saturated."""
    kinds = {a.kind for a in F.activations if a.site == sid}
    if kinds:
        return kinds == {"tanh"}
    x = F.by_id[sid]
    return bool(re.search(r"\btanh\b", x.statement if x.kind != "arg" else "")) and "sigmoid" not in x.statement


def _both_bounds(sr, row: int) -> bool:
    """The values span a squashing range end to end: within 1e-4 of -1 (or of 0, all non-negative) and of 1."""
    low, high = float(sr[C.MIN][row]), float(sr[C.MAX][row])
    return bool(high <= 1.0 and high >= 1 - 1e-4 and (-1.0 <= low <= -1 + 1e-4 or 0.0 <= low <= 1e-4))


def _still_hurting(ctx, F, pinned, sat_limit) -> tuple[bool | None, str]:
    """Whether the start still hurts at the end: a unit saturated in the first pass is still saturated at the same
    place in the last step's pass (a function called per layer records each layer in turn), or (for values that
    grew) the run blows up or its loss barely falls."""
    ends = []
    kept_limit = ctx.threshold("init_saturation_kept")
    for near, _, sid, row in sorted(pinned, key=lambda p: -p[0]):
        sr = F.ser(sid)
        first_step = int(sr.step[row])
        k = row - int(np.nonzero(sr.step == first_step)[0][0])  # its place among the site's values in one step
        last = np.nonzero(sr.step == sr.step.max())[0]
        if k < len(last) and str(sr.shape[last[k]]) == str(sr.shape[row]):
            end = float(sr[C.FRAC_SAT_NEAR][last[k]])
            if np.isfinite(end):
                x = F.by_id[sid]
                # Still saturated: as much as a saturated start, or most of what it started with (a start far
                # beyond the limit that training only halves has not been shaken off).
                kept = end / near if near > 0 else 0.0
                ends.append((end >= sat_limit or kept >= kept_limit,
                             f"at step {int(sr.step[last[k]])} {site_words(F, sid)} (line {x.line}) still has {end:.0%} "
                             f"of its values within 1e-4 of its bounds ({kept:.0%} of the {near:.0%} at the start)"))
    still = next((e for e in ends if e[0]), None)
    if still:
        return still
    flat = _slope_kept_low(F, ctx.threshold("INIT_SLOPE_KEPT"))
    if flat:
        return True, flat
    # Units that left their bounds are one way to recover; a run that blew up or stalled all the same did not.
    bad = trouble(F, ctx.session)
    if bad:
        return True, bad["what"]
    lp = loss_progress(F)
    if lp is not None:
        slow = lp["drop"] < ctx.threshold("init_slow_drop")
        said = (f"{ends[0][1]}; " if ends else "") + f"the loss went from {lp['first']:.4g} to {lp['last']:.4g}"
        chance = None if slow else chance_level(F)
        end = _final_tenth_mean(F)
        if chance is not None and end is not None and end >= ctx.threshold("init_chance_fraction") * chance[1]:
            # A loss that falls a long way from a huge start can still end where guessing would: no better than
            # chance (over the last tenth of the run: a minibatch's loss swings), the start was not recovered from.
            return True, (f"{said}; over the last tenth of the run it averages {end:.4g}, no better than chance for the "
                          f"{chance[0]} classes of {chance[2]} (ln {chance[0]} = {chance[1]:.4g})")
        return slow, said
    if ends:
        return ends[0]
    return (None if bad is None else False), ("the run stays finite, and neither the loss nor the units at the end "
                                              "were measured" if bad is not None else "nothing after the start was measured")


def _slope_kept_low(F, limit: float) -> str | None:
    """A sigmoid/tanh whose mean slope stays at `limit` of its largest or less over the first and the last tenth of
    the training steps: its units sit near their bounds from start to end and pass back little gradient. The mean
    slope is exact from the recorded mean m and spread s of the outputs: mean(a(1-a)) = m - m^2 - s^2 for a sigmoid
    (largest 1/4), mean(1-a^2) = 1 - m^2 - s^2 for a tanh (largest 1), in either layout. None when none does."""
    for a in F.activations:
        if a.kind not in ("sigmoid", "tanh"):
            continue
        sr = F.ser(a.site)
        if sr is None or not len(sr):
            continue
        rows = np.nonzero(sr.step >= 0)[0]
        if len(rows) < 10:
            continue
        tenth = max(1, len(rows) // 10)

        def slope(part):
            m, s = sr[C.MEAN][part], sr[C.STD][part]
            raw = (m - m * m - s * s) / 0.25 if a.kind == "sigmoid" else 1 - m * m - s * s
            return float(np.nanmean(raw))

        start, end = slope(rows[:tenth]), slope(rows[-tenth:])
        if np.isfinite(start) and np.isfinite(end) and start <= limit and end <= limit:
            x = F.by_id[a.site]
            return (f"the {a.kind} {site_words(F, a.site)} (line {x.line}) passes back on average {start:.2g} of its "
                    f"largest slope over the first tenth of the steps and {end:.2g} over the last tenth: its units stay "
                    f"near their bounds")
    return None


def _largest_spread(F, first) -> tuple[float, int, int] | None:
    """(spread, site, row) of the widest value computed from the weights in the first pass (not a batch's index
    array: only values computed from the weights show their scale). A gradient an update applies is left out: it
    sums over the batch, and the pass reaches it when no statement was found reading the targets."""
    biggest = None
    applied = {g for u in F.updates for g in F.gradient_of(u)}
    for _, sid, row in first.rows:
        std = float(F.ser(sid)[C.STD][row])
        if np.isfinite(std) and sid in F.derived and sid not in applied and (biggest is None or std > biggest[0]):
            biggest = (std, sid, row)
    return biggest


def _init_fixes(F) -> list[Fix]:
    """Scale each random initialisation by 1/sqrt(fan_in) when its fan-in was measured; else say how."""
    learned = learned_names(F)
    fixes = init_scale_fixes(F, learned)
    if fixes:
        return fixes
    for x in F.sites:
        sr = F.ser(x.id)
        line = strip_comment(x.statement.strip().splitlines()[0]) if x.statement.strip() else ""
        if not _RANDOM_INIT.search(line) or "sqrt" in line or x.kind not in ("assign", "setitem") \
                or base_name(x.target) not in learned:
            continue  # only the parameters' own draws: the data may be random too
        if sr is not None and len(sr) and sr.step[0] >= 0:
            continue  # drawn inside the loop: noise, not an initialisation
        shape = tuple(int(v) for v in re.findall(r"\d+", str(sr.shape[0]))) if sr is not None and len(sr) else ()
        if len(shape) == 2:
            scaled = f"{np_alias(F)}sqrt(1.0 / {shape[0]})"
            # `randn(3, H) * 25.0`: the literal factor is what makes them large; replace it
            after = re.sub(r"\*\s*[\d.]+(e[-+]?\d+)?\s*$", f"* {scaled}", line) if re.search(r"\*\s*[\d.]+\s*$", line) \
                else f"{line} * {scaled}"
            fixes.append(Fix(("…and s" if fixes else "S") + f"cale the initial {base_name(x.target)} by 1/sqrt(fan_in)",
                             x.line, line, after,
                             f"Unit-variance weights on {shape[0]} inputs give pre-activations with a spread of "
                             f"sqrt({shape[0]}); scaling keeps them near 1 so the units start unsaturated."))
    if not fixes:
        for x in F.sites:
            line = strip_comment(x.statement.strip().splitlines()[0]) if x.statement.strip() else ""
            before_loop = not F.observed(x.id) or F.ser(x.id).step[0] < 0
            if _RANDOM_INIT.search(line) and x.kind in ("assign", "setitem") and before_loop and \
                    base_name(x.target) in learned:
                fixes.append(advice(f"draw {base_name(x.target)} (line {x.line}) with a spread of sqrt(1/fan_in) "
                                    f"(sqrt(2/fan_in) before a ReLU)",
                                    "Each layer then keeps the spread of its input instead of multiplying it."))
                break
    return fixes
