"""ReLU units are dead: exactly zero for every sample to the end of training, so no gradient flows through them."""

from __future__ import annotations

import re

import numpy as np

from ... import columns as C
from ...detectors.facts import strip_comment
from ...detectors.structure import _MASK_OF, _RELU_CODE, _SELF_MASK, _applies_relu
from ...explain.fixes import advice, lower_lr_fix
from ...model import ChainLink, Fix
from ..rules import LATENT, PRIMARY, Draft, RuleOutcome, cause_rule
from ._passes import loop_rows



def _relu_in(line: str) -> bool:
    """A source line applies a ReLU: np.maximum(0, z), relu(z), np.where(z > 0, z, 0), z * (z > 0), or takes the
    positive mask a ReLU multiplies by (`mask = z > 0`). `np.where(s > 0, s, 1.0)` (a guard) is none."""
    return bool(_RELU_CODE.search(line) or _SELF_MASK.search(line) or _MASK_OF.match(line))


@cause_rule(
    "dead_relu",
    "ReLU units are dead",
    premises=(
        ("relu_observed", "a ReLU's output was recorded over at least 10 training steps"),
        ("units_dead", "at least half of its units are exactly zero for every sample over the last 10% of the steps"),
        ("not_killed_by_blowup", "the units were dead from the start, or died while the weights stayed finite and "
                                 "did not diverge (else the blow-up killed them)"),
        ("learning_hurt", "the dead units cost the run: at least DEAD_ALL of them are dead, so the layer passes almost "
                          "nothing back, or the loss did not fall below LEARNED_SHARE of where it started"),
    ),
    thresholds={"DEAD_ALL": 0.9, "LEARNED_SHARE": 0.5},
    # Inputs measured far off unit scale that troubled the run make the first steps large enough to push every
    # pre-activation below zero: the dead units are then their consequence, and the fix is to scale the inputs.
    # Weights that start as copies and stay so (all zeros: every pre-activation exactly 0) leave nothing to pass
    # through either: the symmetric start is the cause, the dead units its consequence.
    yields_to=("unnormalized_inputs", "weights_init_symmetric"),
)
def rule(ctx) -> RuleOutcome:
    """Half or more of a ReLU layer's units output exactly 0 for every sample through the end of training."""
    F = ctx.facts
    out = RuleOutcome()
    relus = [x for x in F.sites if x.kind != "arg" and _applies_relu(F, x) and len(loop_rows(F, x.id)) >= 10]
    found = ctx.findings.get("dead_units", [])
    # A program with no ReLU anywhere in its sources cannot have dead ReLUs: that premise fails, it is not unmeasured.
    in_source = any(_relu_in(strip_comment(line)) for src in ctx.session.sources.values() for line in src.splitlines())
    seen = bool(relus) or bool(found)
    if not out.check("relu_observed", True if seen else (None if in_source else False),
                     f"{len(relus)} ReLU statements recorded in the loop" if seen
                     else "a ReLU is in the code but its output was not recorded over 10 training steps" if in_source
                     else "the program computes no ReLU"):
        return out
    if not out.check("units_dead", bool(found),
                     found[0].message if found else "every recorded ReLU has live units at the end of training",
                     n=len(found)):
        return out
    f = max(found, key=lambda g: (g.severity == "error", g.evidence.get("fraction_dead", 0), g.site != "return"))
    sid = next((x.id for x in F.sites if x.target == f.site and x.line == f.line), None)
    from_start = None
    chain = [ChainLink(f.message, f.first_step, f.site, f.line, dict(f.evidence))]
    summary = f.message
    if sid is not None:
        sr = F.ser(sid)
        rows = loop_rows(F, sid)
        if f.evidence.get("passes"):
            # The statement runs once per layer each step: the finding is about one of those passes.
            rows = rows[int(f.evidence["pass_index"])::int(f.evidence["passes"])]
        zero0 = float(sr[C.FRAC_ZERO][rows[0]])
        if np.isfinite(zero0):
            from_start = zero0 >= f.evidence.get("fraction_dead", 1.0) - 1e-9 and zero0 >= 0.5
            chain.insert(0, ChainLink(f"At step {int(sr.step[rows[0]])} {zero0:.0%} of {f.site}'s values are already "
                                      f"exactly 0", int(sr.step[rows[0]]), f.site, f.line, {"fraction_zero_first": zero0}))
            summary += (f" They are dead from the first step ({zero0 * 100:.4g}% of the values are 0 at step "
                        f"{int(sr.step[rows[0]])}): the initialisation puts the pre-activations below 0." if from_start else
                        f" At step {int(sr.step[rows[0]])} only {zero0:.0%} were 0: the units died during training.")
    fixes = []
    if from_start:
        for x in F.sites:
            if F.observed(x.id) and F.ser(x.id).step[0] >= 0:
                continue  # written inside the loop: not the initialisation
            for k in range(x.line, max(x.line, x.end_line) + 1):
                line = strip_comment(F.line_text(x.file, k))
                m = re.search(r"full\(\s*(\([^()]*\)|[^,()]+)\s*,\s*(-\s*[\d.]+)\s*\)", line)
                if m:
                    fixes.append(Fix("Start the biases at 0, not below it", k, line,
                                     line.replace(m.group(0), f"zeros({m.group(1)})"),
                                     f"A bias of {m.group(2).replace(' ', '')} puts every pre-activation below 0, where "
                                     f"the ReLU outputs 0 and passes no gradient."))
                    break
            if fixes:
                break
        if not fixes:
            fixes.append(advice("initialise so the pre-activations start around 0: zero biases and weights with a "
                                "spread of sqrt(2/fan_in)",
                             "A ReLU whose input is below 0 for every sample outputs 0 and passes no gradient, so it "
                             "never recovers."))
    elif F.updates:
        fx = lower_lr_fix(F, F.updates[0])
        if fx:
            fixes.append(fx)
    # Alive at the start, dead after the weights were thrown far from where they began: the death is that
    # blow-up's consequence, and the cause is what threw them (the rate, the initial scale).
    thrown = [g for c in ("weight_divergence", "weights_nonfinite") for g in ctx.findings.get(c, [])]
    status = True if from_start or not thrown else (False if from_start is False else None)
    if not out.check("not_killed_by_blowup", status,
                     "dead from the first step" if from_start else
                     "the weights stayed finite and did not diverge" if not thrown else
                     f"the units were alive at the start and died after: {thrown[0].message}" if from_start is False
                     else f"{thrown[0].message}, and the share of dead units at the first step was not measured"):
        return out
    dead = float(f.evidence.get("fraction_dead", 0.0))
    course = _loss_course(F)
    if dead >= ctx.threshold("DEAD_ALL"):
        hurt, why = True, f"{dead:.0%} of the units are dead: the layer passes almost nothing back"
    elif course is None:
        hurt, why = None, f"{dead:.0%} of the units are dead, and no loss was measured to show what that cost"
    else:
        first, end, how = course
        hurt = end > ctx.threshold("LEARNED_SHARE") * first
        why = (f"{dead:.0%} of the units are dead and the loss ({how}) goes from {first:.4g} to {end:.4g}"
               + ("" if hurt else ": the units still alive learn the task"))
    if not out.check("learning_hurt", hurt, why, fraction_dead=dead):
        return out
    score = PRIMARY - 5 if f.severity == "error" else LATENT
    out.drafts.append(Draft("dead_relu", score, summary, chain, fixes, [g.code for g in found],
                            dict(f.evidence, dead_from_start=from_start)))
    return out


def _loss_course(F) -> tuple[float, float, str] | None:
    """(loss where the run started, loss where it ended, what the loss is): the first and the last tenth's means of
    the loss series, the start lowered to the loss measured before training; None with fewer than 5 finite values."""
    from ...detectors.optimisation import loss_before_training, loss_series

    ls = loss_series(F)
    if ls is None or np.isfinite(ls[1]).sum() < 5:
        return None
    loss = ls[1][np.isfinite(ls[1])]
    tenth = max(1, len(loss) // 10)
    first, end = float(np.mean(loss[:tenth])), float(np.mean(loss[-tenth:]))
    ahead = loss_before_training(F)
    if ahead is not None and ahead > 0:
        first = max(first, ahead) if first <= 0 else min(first, ahead)
    if not first > 0:
        return None
    return first, end, ls[2]
