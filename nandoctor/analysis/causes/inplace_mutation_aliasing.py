"""A function writes into an array its caller still holds, and the caller measurably sees that array changed."""

from __future__ import annotations

from ...detectors.facts import last
from ...detectors.structure import argument_mutations, inplace_premises
from ...explain.fixes import copy_fix
from ...model import ChainLink
from ..rules import LATENT, Draft, RuleOutcome, cause_rule


@cause_rule(
    "inplace_mutation_aliasing",
    "A function overwrites an array its caller still uses",
    premises=(
        ("writes_argument", "a called function writes into one of its arguments in place"),
        ("caller_keeps_array", "the caller passes an array it keeps: not a trained parameter, not rebound to the result"),
        ("array_changed", "the argument's values after the writes differ from its values on entry"),
        ("caller_sees_change", "the caller reads the array after the call, or keeps the result (the same array) under another name"),
    ),
)
def rule(ctx) -> RuleOutcome:
    """A function overwrites its argument in place and the caller measurably sees its own array changed."""
    F = ctx.facts
    out = RuleOutcome()
    recs = argument_mutations(F)
    if not out.check("writes_argument", bool(recs),
                     f"{len(recs)} called functions write into an argument" if recs else
                     "no called function writes into its arguments"):
        return out
    judged = [(r, *inplace_premises(r)) for r in recs]
    kept = [j for j in judged if j[1]]
    first = recs[0]
    why = (f"{last(first['function'])}() is passed {', '.join(first['passed']) or 'nothing named'}"
           + (", rebound to its result" if first["rebound"] else "")
           + (", a trained parameter" if first["parameters_passed"] else ""))
    if not out.check("caller_keeps_array", bool(kept),
                     f"{last(kept[0][0]['function'])}() is passed {', '.join(kept[0][0]['passed'])}, which its caller keeps"
                     if kept else why):
        return out
    measured = [j for j in kept if j[2] is not None]
    changed = [j for j in measured if j[2]]
    if not out.check("array_changed", bool(changed) if measured else None,
                     (f"{last(changed[0][0]['function'])}()'s argument {changed[0][0]['parameter']} changed at "
                      f"{changed[0][0]['changed']:.0%} of the calls" if changed else
                      "the argument's values on entry and after the writes are the same at every call") if measured else
                     "the argument was not recorded on entry and after the writes"):
        return out
    seen = [j for j in changed if j[3]]
    if not out.check("caller_sees_change", bool(seen),
                     (f"the caller reads {seen[0][0]['reads_after'][0]} after the call" if seen and seen[0][0]["reads_after"]
                      else f"the caller keeps {seen[0][0]['result_alias']}, the same array" if seen else
                      "the caller neither reads the array after the call nor keeps the mutated result under another name")):
        return out
    for rec, *_ in seen:
        p, writes, passed = rec["parameter"], rec["writes"], rec["passed"]
        ev = dict(rec["evidence"], function=rec["function"], parameter=p, lines=[w[0] for w in writes], passed=passed,
                  caller_reads_after=rec["reads_after"], result_alias=rec["result_alias"])
        who = " and ".join(f"`{v}`" for v in passed)
        short = last(rec["function"])
        summary = (f"{short}() overwrites its argument {p} in place (`{writes[0][1]}`, line {writes[0][0]}); the caller "
                   f"passes {who}, so {who} is changed too. On entry {p} ran from {ev['entry_min']:.3g} "
                   f"to {ev['entry_max']:.3g}; after line {writes[-1][0]} from {ev['after_min']:.3g} to {ev['after_max']:.3g}.")
        chain = [ChainLink(f"{short}() writes into its argument {p} (line {writes[0][0]})", ev.get("step"), p,
                           writes[0][0], {k: ev[k] for k in ("entry_min", "entry_max", "after_min", "after_max")})]
        if rec["reads_after"]:
            chain.append(ChainLink(f"The caller reads {rec['reads_after'][0]} afterwards and gets the overwritten values",
                                   ev.get("step"), rec["reads_after"][0], None, {}))
        else:
            chain.append(ChainLink(f"The caller keeps {passed[0]} and the result {rec['result_alias']}: one array under "
                                   f"two names, the first no longer holding what was assigned to it", ev.get("step"),
                                   rec["result_alias"], None, {}))
        score = LATENT + 25 if rec["reads_after"] else LATENT
        out.drafts.append(Draft("inplace_mutation_aliasing", score, summary, chain,
                                copy_fix(F, rec["function"], p, passed), ["inplace_mutation"], ev))
    return out
