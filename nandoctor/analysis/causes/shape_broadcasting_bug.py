"""Silent broadcasting: `(n, 1)` against `(n,)` makes `(n, n)`, or a normalisation divides along the samples."""

from __future__ import annotations

import re

from ...detectors.facts import base_name, strip_comment
from ...detectors.structure import normalisation_checks
from ...model import ChainLink, Fix
from ..rules import STRUCTURAL, Draft, RuleOutcome, cause_rule


@cause_rule(
    "shape_broadcasting_bug",
    "Arrays of different shapes broadcast silently into a wrong result",
    premises=(
        ("shapes_recorded", "the shapes of the values computed in the loop were recorded"),
        ("silent_broadcast", "a result was measured with a shape or sums its operands' layout does not call for"),
    ),
)
def rule(ctx) -> RuleOutcome:
    """A computed value measured with the wrong shape ((n, n) from (n, 1) and (n,)) or normalised over the samples."""
    F = ctx.facts
    out = RuleOutcome()
    shaped = [s for s, sr in F.series.items() if len(sr) and (sr.step >= 0).any()]
    if not out.check("shapes_recorded", bool(shaped) or None,
                     f"shapes recorded for {len(shaped)} values in the loop" if shaped else
                     "no value was recorded in the loop"):
        return out
    pairs = ctx.findings.get("shape_broadcasting", [])
    axes = ctx.findings.get("normalised_over_samples", [])
    norms = normalisation_checks(F)
    unjudged = [r for r in norms if r["samples"] is None]
    if not pairs and not axes and unjudged:
        r = unjudged[0]
        out.check("silent_broadcast", None,
                  f"`{r['expression']}` (line {r['site'].line}) gives a {tuple(r['shape'])} array, but which axis holds "
                  f"the samples could not be told from the inputs' shape")
        return out
    found = pairs + axes
    if not out.check("silent_broadcast", bool(found),
                     found[0].message if found else
                     f"no (n, n) result from (n,) and (n, 1) operands; {len(norms)} normalisations sum to 1 per sample",
                     n=len(found)):
        return out
    for f in pairs[:1]:
        shapes = f.evidence.get("shapes", {})
        vec = [k for k, v in shapes.items() if len(v) == 1]
        fixes = []
        sid = next((x.id for x in F.sites if x.target == f.site and x.line == f.line), None)
        # Only a plain name can be reshaped in place; an expression's result has no name to give the fix.
        if sid is not None and vec and re.fullmatch(r"[\w.]+", vec[0].replace("arg ", "")):
            line = strip_comment(F.code_line(sid)).strip()
            v = base_name(vec[0].replace("arg ", ""))
            new = re.sub(rf"\b{re.escape(v)}\b(?!\.reshape)", f"{v}.reshape(-1, 1)", line, count=1)
            if new != line:
                fixes.append(Fix(f"Make {v} a column like the other operand", f.line, line, new,
                                 "(n,) minus (n, 1) broadcasts to (n, n); both must be (n, 1)."))
        out.drafts.append(Draft("shape_broadcasting_bug", STRUCTURAL + 3, f.message,
                                [ChainLink(f.message, f.first_step, f.site, f.line, dict(f.evidence))], fixes, [f.code],
                                dict(f.evidence)))
    for f in axes[:1]:
        fixes = []
        sid = next((x.id for x in F.sites if base_name(x.target) == f.site and x.line == f.line), None)
        shape, n = f.evidence["shape"], f.evidence["samples"]
        good_axis = 1 if shape[0] == n else 0
        if sid is not None:
            line = strip_comment(F.code_line(sid)).strip()
            new = re.sub(r"axis\s*=\s*-?\d+", f"axis={good_axis}, keepdims=True", line, count=1)
            if new != line:
                fixes.append(Fix(f"Sum over the classes (axis {good_axis}), one total per sample", f.line, line, new,
                                 f"Dividing by the sum over axis {1 - good_axis} makes each class sum to 1 over the "
                                 f"samples; each sample's probabilities must sum to 1."))
        out.drafts.append(Draft("shape_broadcasting_bug", STRUCTURAL + 3, f.message,
                                [ChainLink(f.message, f.first_step, f.site, f.line, dict(f.evidence))], fixes, [f.code],
                                dict(f.evidence)))
    return out
