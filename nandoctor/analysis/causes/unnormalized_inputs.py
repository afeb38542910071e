"""The inputs that reach the model are on a large scale (not standardized), and the run blows up or stalls."""

from __future__ import annotations


from ...detectors.optimisation import loss_progress, trouble
from ...detectors.structure import input_scale
from ...explain.fixes import normalize_fixes
from ...model import ChainLink
from ..rules import PRIMARY, Draft, RuleOutcome, cause_rule


@cause_rule(
    "unnormalized_inputs",
    "The inputs are not normalized",
    premises=(
        ("inputs_measured", "the values of the input array multiplied by the weights were kept"),
        ("inputs_large", "a feature of those inputs has a mean or spread above INPUT_SCALE (not standardized, not 0-1)"),
        ("run_troubled", "the run blows up, or its loss barely falls and is not falling faster in the second half of "
                         "the run than in the first"),
    ),
    thresholds={"INPUT_SCALE": 10.0, "INPUT_SLOW_DROP": 0.1},
    # the initial weights multiplying the inputs' own spread a hundredfold or more (a ratio that does not depend
    # on the inputs' scale) make the blow-up whatever that scale
    yields_to=("weights_init_too_large",),
)
def rule(ctx) -> RuleOutcome:
    """Large raw features, measured where they meet the weights, in a run that blows up or stalls."""
    F = ctx.facts
    out = RuleOutcome()
    sc = input_scale(F)
    if not out.check("inputs_measured", None if sc is None else True,
                     f"{sc['name']} (line {sc['line']}), shape {sc['shape']}, judged {sc['how']}" if sc else
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
    status = True if bad or (slow and not picking_up) else (None if bad is None and lp is None else False)
    why = bad["what"] if bad else (f"the loss only went from {lp['first']:.4g} to {lp['last']:.4g}" if slow and not picking_up
                                   else f"the loss went from {lp['first']:.4g} to {lp['middle']:.4g} in the first half "
                                        f"and on to {lp['last']:.4g} in the second, falling faster as it goes"
                                   if picking_up else "the run stays finite and the loss falls")
    if not out.check("run_troubled", status, why):
        return out
    msg = (f"The inputs {sc['name']} are not normalized: a feature reaches a mean of {sc['largest_mean']:.4g} and a "
           f"spread of {sc['largest_std']:.4g} where it meets the weights, and {why}.")
    chain = [ChainLink(msg, None, sc["name"], sc["line"], {k: v for k, v in sc.items() if k != "site"})]
    score = PRIMARY + 1 if bad else PRIMARY - 12
    out.drafts.append(Draft("unnormalized_inputs", score, msg, chain, normalize_fixes(F, sc["site"]),
                            [f.code for f in ctx.findings.get("unnormalized_inputs", [])],
                            {k: v for k, v in sc.items() if k != "site"}))
    return out
