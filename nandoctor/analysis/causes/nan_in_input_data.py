"""The input data holds NaN or inf before the first step: every value it touches is non-finite."""

from __future__ import annotations

from ...detectors.facts import base_name
from ...explain.fixes import np_alias
from ...model import ChainLink, Fix
from ..rules import PRIMARY, Draft, RuleOutcome, cause_rule


@cause_rule(
    "nan_in_input_data",
    "The input data holds NaN or inf",
    premises=(
        ("data_observed", "the data arrays were recorded before training"),
        ("data_nonfinite", "a data array holds NaN or inf before it meets the parameters"),
    ),
)
def rule(ctx) -> RuleOutcome:
    """The data arrays hold NaN or inf before training."""
    F = ctx.facts
    out = RuleOutcome()
    if not out.check("data_observed", bool(F.data_sites) or None,
                     f"{len(F.data_sites)} data arrays recorded" if F.data_sites else "no data array was recorded"):
        return out
    found = ctx.findings.get("nonfinite_in_data", [])
    if not out.check("data_nonfinite", bool(found),
                     found[0].message if found else "no recorded data array holds NaN or inf", n=len(found)):
        return out
    for f in found:
        sid = next((x.id for x in F.sites if x.target == f.site and x.line == f.line), None)
        line = F.code_line(sid) if sid is not None else ""
        name = base_name(f.site or "data")
        npx = np_alias(F)
        fixes = [Fix(f"Drop the rows of {name} that hold NaN or inf", f.line, line,
                     f"{line}\n{name} = {name}[{npx}isfinite({name}).all(axis=1)]" if line else "",
                     "One missing value makes every prediction and gradient that touches it NaN.")]
        chain = [ChainLink(f"The data {f.site} holds {f.evidence.get('n_nan')} NaN and {f.evidence.get('n_inf')} inf "
                           f"values before training", f.first_step, f.site, f.line, dict(f.evidence))]
        for g in ctx.findings.get("weights_nonfinite", [])[:1]:
            chain.append(ChainLink(g.message, g.first_step, g.site, g.line, dict(g.evidence)))
        out.drafts.append(Draft("nan_in_input_data", PRIMARY + 3, f"The input data already holds NaN: {f.message}", chain,
                                fixes, [f.code] + [g.code for g in ctx.findings.get("weights_nonfinite", [])],
                                dict(f.evidence)))
    return out
