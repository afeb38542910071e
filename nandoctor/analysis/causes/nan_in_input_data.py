"""The data the model reads holds NaN or inf: every value computed from it is non-finite."""

from __future__ import annotations

import numpy as np

from ... import columns as C
from ...detectors.facts import strip_comment
from ...detectors.numerics import data_reaching_model
from ...explain.fixes import first_nonfinite_data, impute_fixes
from ...model import ChainLink
from ..rules import PRIMARY, Draft, RuleOutcome, cause_rule


@cause_rule(
    "nan_in_input_data",
    "The input data holds NaN or inf",
    premises=(
        ("data_observed", "the data arrays were recorded before training"),
        ("data_nonfinite", "a data array holds NaN or inf"),
        ("nonfinite_reaches_model", "the NaN or inf is in the version of the data a computation with the "
                                    "parameters reads (not in a copy that was cleaned or replaced first); with no "
                                    "parameters, a result computed from the data as loaded holds NaN or inf too"),
    ),
    # A NaN that a statement computed from finite data before the loop (a z-score dividing by a zero spread, the
    # log of a zero count) is that statement's defect: the data as loaded was sound.
    yields_to=("division_by_zero", "log_of_zero"),
)
def rule(ctx) -> RuleOutcome:
    """The data arrays the model reads hold NaN or inf."""
    F = ctx.facts
    out = RuleOutcome()
    if not out.check("data_observed", bool(F.data_sites) or None,
                     f"{len(F.data_sites)} data arrays recorded" if F.data_sites else "no data array was recorded"):
        return out
    found = ctx.findings.get("nonfinite_in_data", [])
    # The detector looks before the training loop; with no training loop, any data array holding NaN or inf.
    held = [sid for sid in F.data_sites if (F.ser(sid)[C.N_NAN] + F.ser(sid)[C.N_POSINF] + F.ser(sid)[C.N_NEGINF]).max() > 0
            ] if ctx.session.plan.training_loop is None else []
    if not out.check("data_nonfinite", bool(found) or bool(held),
                     found[0].message if found else
                     f"{F.by_id[held[0]].target} (line {F.by_id[held[0]].line}) holds NaN or inf" if held else
                     "no recorded data array holds NaN or inf", n=len(found) or len(held)):
        return out
    reach = data_reaching_model(F)
    if reach is None:
        # No parameters: the data is used by one-shot computations (a closed-form fit, a score). The NaN reaches
        # the result when a value computed from the data holds NaN or inf too.
        # Only data whose first NaN or inf came in with it (loaded, typed in), not one an operation made (an exp
        # that overflowed is that operation's defect).
        fn = ctx.session.first_nonfinite
        loaded = [fn.site] if fn is not None and fn.site in F.by_id and "input data" in (fn.operation or "") else []
        reach = _results_reached(F, loaded)
        if reach is None:
            out.check("nonfinite_reaches_model", None, "nothing is computed from parameters, and no value computed "
                                                       "from the data was recorded")
            return out
    bad = [e for e in reach if e["nonfinite"]]
    if not out.check("nonfinite_reaches_model", bool(bad),
                     (f"{F.by_id[bad[0]['reader']].target} (line {F.by_id[bad[0]['reader']].line}) reads "
                      f"{F.by_id[bad[0]['data']].target} while it holds {bad[0]['n_nan']} NaN and {bad[0]['n_inf']} inf")
                     if bad else f"the {len(reach)} data values the model reads are finite: the NaN or inf is "
                                 f"removed or replaced before it gets there", reads=len(reach), nonfinite_reads=len(bad)):
        return out
    e = bad[0]
    data, reader = F.by_id[e["data"]], F.by_id[e["reader"]]
    made = F.by_id[F.root_data(e["data"])]
    line = F.code_line(made.id)
    # Imputed where the missing values enter, before a mean or a product spreads them over whole columns.
    entry = first_nonfinite_data(F, e["data"])
    fix_site = F.by_id[entry] if entry is not None else made
    fixes = impute_fixes(F, fix_site, F.code_line(fix_site.id) if entry is not None else line)
    ev = {"data": data.target, "line": data.line, "n_nan": e["n_nan"], "n_inf": e["n_inf"], "reader": reader.target,
          "reader_line": reader.line, "read_step": e["read_step"]}
    chain = [ChainLink(f"The data {data.target} (line {data.line}) holds {e['n_nan']} NaN and {e['n_inf']} inf values",
                       e["step"], data.target, data.line, {"n_nan": e["n_nan"], "n_inf": e["n_inf"]}),
             ChainLink(f"{reader.target} (line {reader.line}) reads it at step {e['read_step']}", e["read_step"],
                       reader.target, reader.line, {})]
    spread = ctx.findings.get("weights_nonfinite", [])[:1]
    for g in spread:
        chain.append(ChainLink(g.message, g.first_step, g.site, g.line, dict(g.evidence)))
    summary = (f"The data the model reads holds NaN: {data.target} (line {data.line}) has {e['n_nan']} NaN and "
               f"{e['n_inf']} inf values when {reader.target} (line {reader.line}) reads it at step {e['read_step']}.")
    if spread:
        summary += f" The weights {spread[0].site} are non-finite from step {spread[0].first_step}."
    out.drafts.append(Draft("nan_in_input_data", PRIMARY + 3, summary, chain, fixes,
                            [f.code for f in found] + [g.code for g in spread], ev))
    return out


def _results_reached(F, held: list[int]) -> list[dict] | None:
    """With no parameters: (as data_reaching_model gives) the recorded values computed from a data array holding NaN
    or inf, a few statements down its flow, that are not plain slices of it: the script's results. None when none
    was recorded."""
    children = F.child_map
    out = []
    for d in held:
        ds = F.ser(d)
        seen, todo = {d}, [d]
        for _ in range(6):
            nxt = []
            for q in todo:
                for c in sorted(children.get(q, ())):
                    if c in seen:
                        continue
                    seen.add(c)
                    nxt.append(c)
                    cs = F.ser(c)
                    x = F.by_id[c]
                    if cs is None or not len(cs) or x.kind == "arg" or _slice_only(x.statement):
                        continue
                    bad = cs[C.N_NAN] + cs[C.N_POSINF] + cs[C.N_NEGINF]
                    j = int(np.argmax(bad > 0)) if (bad > 0).any() else 0
                    k = int(np.argmax((ds[C.N_NAN] + ds[C.N_POSINF] + ds[C.N_NEGINF]) > 0))
                    out.append({"data": d, "reader": c, "nonfinite": int(bad[j]), "n_nan": int(ds[C.N_NAN][k]),
                                "n_inf": int(ds[C.N_POSINF][k] + ds[C.N_NEGINF][k]), "step": int(ds.step[k]),
                                "read_step": int(cs.step[j])})
            todo = nxt
    if not out:
        return None
    # the computed value furthest down the flow that the NaN reached speaks for the result
    bad = [e for e in out if e["nonfinite"]]
    return sorted(bad, key=lambda e: -F.ser(e["reader"]).seq[0]) + [e for e in out if not e["nonfinite"]]


def _slice_only(statement: str) -> bool:
    """`X = table[:, :4]`: a name for part of the data, not a computation with it."""
    import ast

    try:
        tree = ast.parse(strip_comment((statement or "").strip())).body[0]
    except (SyntaxError, IndexError):
        return False
    return isinstance(tree, ast.Assign) and isinstance(tree.value, (ast.Subscript, ast.Name))

