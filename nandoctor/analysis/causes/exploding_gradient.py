"""The gradient grows by orders of magnitude on its way back through the layers or time steps, and the run blows up."""

from __future__ import annotations

from ...detectors.optimisation import sound_run_words, trouble
from ...model import ChainLink
from ..rules import PRIMARY, Draft, RuleOutcome, cause_rule


@cause_rule(
    "exploding_gradient",
    "The gradient explodes on its way back",
    premises=(
        ("backward_growth", "a backward value grows by GROW or more within one step, over its repeated updates"),
        ("run_unstable", "the run blows up: a NaN or inf, a loss that ends well above its start, or diverging weights"),
    ),
)
def rule(ctx) -> RuleOutcome:
    """Within-step backward growth (BPTT, layer loops), measured, in a run that blows up."""
    F = ctx.facts
    out = RuleOutcome()
    found = ctx.findings.get("exploding_gradient", [])
    if not out.check("backward_growth", bool(found), found[0].message if found else
                     "no backward value grew by 1e4 within a step"):
        return out
    bad = trouble(F, ctx.session)
    if not out.check("run_unstable", None if bad is None else bool(bad),
                     bad.get("what", "") if bad else sound_run_words(F)):
        return out
    f = found[0]
    msg = f"{f.message} Then {bad['what']}."
    chain = [ChainLink(f.message, f.first_step, f.site, f.line, dict(f.evidence)),
             ChainLink(bad["what"], bad.get("step"), None, None, {k: v for k, v in bad.items() if k != "what"})]
    out.drafts.append(Draft("exploding_gradient", PRIMARY - 8, msg, chain, [], [f.code], dict(f.evidence)))
    return out
