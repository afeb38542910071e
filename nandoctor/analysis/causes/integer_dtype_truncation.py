"""A float result is stored into an integer array, anywhere in the script: numpy truncates it to whole numbers."""

from __future__ import annotations

import re

from ...detectors.facts import base_name, strip_comment
from ...detectors.structure import integer_stores, truncation_lost, truncation_text
from ...model import ChainLink, Fix
from ..rules import STRUCTURAL, Draft, RuleOutcome, cause_rule


def _fixes(F, rec) -> list[Fix]:
    x = rec["site"]
    name = base_name(x.target)
    fixes = []
    for w in F.resolve(name, x.function):
        if F.by_id[w].kind == "arg":
            # A function's argument: the array is created where the caller first makes it.
            made = sorted((p for p in F.parents(w) if F.observed(p)), key=lambda p: F.ser(p).seq[0])
            w = made[0] if made else w
        y = F.by_id[w]
        # An array made uninitialised (`np.empty_like`) is not recorded: it is made earlier when it comes first in
        # the same function's source.
        made_before = (F.ser(w).seq[0] < F.ser(x.id).seq[0] if F.observed(w) else
                       y.function == x.function and y.line < x.line)
        if y.kind == "assign" and made_before:
            line = strip_comment(F.code_line(w)).rstrip()
            if "astype(" not in line.split("=", 1)[-1]:
                fixes.append(Fix(f"Make {name} a float array where it is created", y.line, line.strip(),
                                 f"{line.strip()}.astype(float)",
                                 f"An integer array cannot hold the fractions written into it at line {x.line}; "
                                 f"numpy truncates them to whole numbers without a warning."))
            break
    line = strip_comment(F.code_line(x.id)).strip()
    m = re.match(rf"{re.escape(name)}\s*\[\s*(?::\s*|\.\.\.\s*)\]\s*=\s*(.+)$", line)
    if m:
        fixes.append(Fix(f"Or bind {name} to the float result instead of writing into it", x.line, line,
                         f"{name} = {m.group(1)}", "Writing into the integer array keeps its integer dtype; a new "
                         "binding takes the result's float dtype."))
    return fixes


@cause_rule(
    "integer_dtype_truncation",
    "A float result is stored into an integer array and truncated",
    premises=(
        ("integer_store", "a value is written into an existing integer array (not a bool mask)"),
        ("float_result", "the value written is a float: true division, a fractional constant or a float operand"),
        ("values_lost", "the write measurably lost values: more zeros than before, updates or writes that changed "
                        "nothing, values written that replay to fractions within TRUNCATED_WITHIN of zero, or "
                        "z-scores written whose array keeps less than STANDARDISED_KEPT of their spread of 1"),
    ),
)
def rule(ctx) -> RuleOutcome:
    """A float result is measured being stored into an integer array, and values are measurably lost."""
    F = ctx.facts
    out = RuleOutcome()
    recs = integer_stores(F)
    if not out.check("integer_store", bool(recs),
                     f"{len(recs)} writes into integer arrays" if recs else "no recorded write into an integer array"):
        return out
    floats = [r for r in recs if r["float_because"]]
    if not out.check("float_result", bool(floats),
                     f"line {floats[0]['site'].line} stores a float ({floats[0]['float_because']})" if floats else
                     "every value written into an integer array is an integer expression"):
        return out
    judged = [(r, truncation_lost(r)) for r in floats]
    lost = [r for r, v in judged if v]
    measured = [r for r, v in judged if v is not None]
    if not out.check("values_lost", bool(lost) if measured else None,
                     (f"{base_name(lost[0]['site'].target)}: {truncation_text(lost[0])}" if lost else
                      "the integer arrays gained no zeros, every update changed them, and no value written replays to "
                      "fractions near zero") if measured else
                     "the integer array was not recorded before the write"):
        return out
    rec = lost[0]
    x = rec["site"]
    name = base_name(x.target)
    lost_text = truncation_text(rec)
    summary = (f"`{strip_comment(x.statement.strip())}` (line {x.line}) stores a float result ({rec['float_because']}) "
               f"into {name}, an integer array ({rec['dtype']}): numpy truncates it to whole numbers; {lost_text}.")
    ev = dict(dtype=rec["dtype"], float_because=rec["float_because"], zeros_before=rec["zeros_before"],
              zeros_after=rec["zeros_after"], frac_updates_zero=rec["frac_updates_zero"],
              frac_writes_unchanged=rec["frac_writes_unchanged"], line=x.line)
    chain = [ChainLink(summary, rec["first_step"], name, x.line, dict(ev))]
    for g in ctx.findings.get("loss_stalled", [])[:1]:
        chain.append(ChainLink(g.message, g.last_step, g.site, g.line, dict(g.evidence)))
    out.drafts.append(Draft("integer_dtype_truncation", STRUCTURAL + 2, summary, chain, _fixes(F, rec),
                            ["integer_dtype_truncation"], ev))
    return out
