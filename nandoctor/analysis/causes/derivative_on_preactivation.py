"""An activation's derivative written in terms of its output (`a*(1-a)`, `1-a**2`) is fed values outside that output's range."""

from __future__ import annotations

import re

from ...detectors.facts import base_name, strip_comment
from ...detectors.structure import derivative_feeds, derivative_uses
from ...model import ChainLink, Fix
from ..rules import PRIMARY, STRUCTURAL, Draft, RuleOutcome, cause_rule


@cause_rule(
    "derivative_on_preactivation",
    "An activation's derivative is given the pre-activation instead of the activation",
    premises=(
        ("derivative_written_in_output", "a statement computes an activation's derivative from its output (a*(1-a) or 1-a**2)"),
        ("fed_values_recorded", "the values fed to that derivative were recorded at its evaluations in the loop"),
        ("fed_outside_output_range", "at one call site, most evaluations are fed values outside the activation's output range"),
        ("fed_no_other_output", "what that call site feeds is not another activation's output (a sigmoid's a*(1-a) given "
                                "a tanh's output is the wrong derivative, not the pre-activation)"),
    ),
    thresholds={"preact_fraction_outside": 0.5},
    # a loss written for probabilities on an output that is none (its log measured going negative) divides by
    # p * (1 - p) of that same output: the mismatch of loss and activation, not a derivative fed the wrong value
    yields_to=("wrong_loss_for_activation",),
)
def rule(ctx) -> RuleOutcome:
    """The derivative of an activation, written in terms of its output, is fed values outside that output's range."""
    F = ctx.facts
    out = RuleOutcome()
    uses = list(derivative_uses(F))
    if not out.check("derivative_written_in_output", bool(uses),
                     f"{len(uses)} statements compute a*(1-a) or 1-a**2" if uses else
                     "no recorded statement computes a*(1-a) or 1-a**2"):
        return out
    limit = ctx.threshold("preact_fraction_outside")
    measured, findings = derivative_feeds(F, uses)
    if not out.check("fed_values_recorded", bool(measured) or None,
                     f"the values fed were recorded at {len(measured)} of {len(uses)} derivative statements" if measured
                     else "the values fed to the derivative statements were not recorded in the loop"):
        return out
    bad = [f for f in findings if f["frac"] > limit]
    best = max(findings, key=lambda f: f["frac"])
    why = (f"`{best['text']}` (line {best['site'].line}) is fed {best['expr']} (line {best['line']}) with values from "
           f"{best['lo']:.3g} to {best['hi']:.3g} at {best['frac']:.0%} of {best['n']} evaluations outside "
           f"[{best['range'][0]:g}, {best['range'][1]:g}]")
    if not out.check("fed_outside_output_range", bool(bad), why, fraction=best["frac"], threshold=limit):
        return out
    other = [f for f in bad if f["fed_output_of"]]
    bad = [f for f in bad if not f["fed_output_of"]]
    if not out.check("fed_no_other_output", bool(bad),
                     f"{other[0]['expr']} (line {other[0]['line']}) is the output of a {other[0]['fed_output_of']}, "
                     f"given to the {other[0]['kind']} derivative `{other[0]['text']}`" if not bad else
                     f"{bad[0]['expr']} (line {bad[0]['line']}) is no other activation's output"):
        return out
    nonfinite = ctx.session.first_nonfinite is not None
    for f in bad[:1]:
        x = f["site"]
        pre_of = {a.pre: a for a in F.activations if a.pre is not None}
        given = f["who"][2] if f["who"] else None
        act = pre_of.get(given)
        what = "the pre-activation" if act is not None else "values outside the activation's output range"
        summary = (f"`{f['text']}` (line {x.line}) is the {f['kind']} derivative written in terms of the activation's "
                   f"output, but the call at line {f['line']} gives it {f['expr']}, {what}: its values run from "
                   f"{f['lo']:.3g} to {f['hi']:.3g}, outside [{f['range'][0]:g}, {f['range'][1]:g}], at "
                   f"{f['frac']:.0%} of {f['n']} evaluations.")
        fixes = _fixes(F, bad, pre_of)
        ev = dict(expression=f["text"], fed=f["expr"], fed_min=f["lo"], fed_max=f["hi"], fraction_evaluations=f["frac"],
                  evaluations=f["n"], call_line=f["line"], kind=f["kind"], first_step=f["first"])
        chain = [ChainLink(summary, f["first"], f["expr"], f["line"], dict(ev))]
        score = PRIMARY if nonfinite else STRUCTURAL + 1
        out.drafts.append(Draft("derivative_on_preactivation", score, summary, chain, fixes,
                                ["derivative_on_preactivation"], ev))
    return out


def _fixes(F, bad, pre_of) -> list[Fix]:
    """One patch per call that gives a derivative the pre-activation, applied together (every such call is wrong)."""
    fixes, seen = [], set()
    for f in bad:
        given = f["who"][2] if f["who"] else None
        act = pre_of.get(given)
        if act is None or not f["who"]:
            continue
        caller = f["who"][0]
        if (caller.file, caller.line) in seen:
            continue
        line = strip_comment(F.line_text(caller.file, caller.line)).rstrip()
        act_name = base_name(F.by_id[act.site].target)
        new = re.sub(rf"(?<![\w.]){re.escape(f['expr'])}(?![\w])", act_name, line, count=1)
        if new != line:
            seen.add((caller.file, caller.line))
            title = f"Give the derivative the activation {act_name}, not {f['expr']}"
            fixes.append(Fix(title if not fixes else "…and g" + title[1:], caller.line, line.strip(), new.strip(),
                             f"{f['text']} is the derivative written in terms of the activation's output "
                             f"{act_name}; given {f['expr']} it computes something else."))
    return fixes
