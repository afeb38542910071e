"""The findings.json document (schema 1): the contract other tools read."""

from __future__ import annotations

from .. import __version__
from ..model import to_dict

SCHEMA = 1


def first_nonfinite_dict(ev) -> dict | None:
    if ev is None:
        return None
    return {
        "step": ev.step,
        "file": ev.file,
        "line": ev.line,
        "function": ev.function,
        "statement": ev.statement,
        "expression": ev.expression,
        "operation": ev.operation,
        "elements": [list(e) for e in ev.elements],
        "operands": to_dict(ev)["operands"],
        "error": ev.error,
        "source": ev.source,
    }


def training_loop_dict(session) -> dict | None:
    """The loop the user trains in (the epoch loop around minibatch steps), and why it was chosen."""
    plan = session.plan
    lid = getattr(plan, "training_loop", None)
    if lid is None:
        lid = plan.step_loop
    if lid is None:
        return None
    for lp in session.loops:
        if lp.id == lid:
            return {"file": lp.file, "line": lp.line, "header": lp.header, "function": lp.function,
                    "reason": plan.reason}
    return None


def findings_document(session) -> dict:
    meta = session.meta
    verification = getattr(session, "verification", None)
    return {
        "schema": SCHEMA,
        "tool": {"name": "nandoctor", "version": __version__},
        "run": {
            "script": meta.get("script"),
            "argv": list(meta.get("argv") or []),
            "exit_status": meta.get("exit_status"),
            "steps": session.plan.n_steps,
            "interrupted": bool(meta.get("interrupted")),
            "exception": meta.get("exception"),
            "training_loop": training_loop_dict(session),
        },
        "first_nonfinite": first_nonfinite_dict(session.first_nonfinite),
        "findings": [
            {
                "code": f.code, "kind": f.kind, "severity": f.severity, "first_step": f.first_step,
                "last_step": f.last_step, "site": f.site, "line": f.line, "message": f.message,
                "evidence": to_dict(f)["evidence"],
            }
            for f in session.findings
        ],
        "causes": [_cause_dict(c, verification) for c in session.causes],
        # Causes that could not be judged: a premise they need was not measured on this run.
        "not_checked": [to_dict(n) for n in getattr(session, "not_checked", [])],
        "errors": list(session.errors),
        # The re-runs of the fixes (`nandoctor run --verify`, Session.verify()); null when they were not run.
        "verification": verification_dict(verification),
        # The intervention re-runs of a broken run no raised cause explained (`nandoctor run --probe`); null when
        # they were not run.
        "probing": probing_dict(getattr(session, "probing", None)),
    }


def probing_dict(probing) -> dict | None:
    """The probing as findings.json carries it: why it ran (or not), each change's verdict and reason."""
    if probing is None:
        return None
    return {"status": probing.status, "reason": probing.reason, "symptom": probing.symptom,
            "probes": [_probe_dict(p) for p in probing.probes],
            "not_tried": [{"cause": tag, "why": why} for tag, why in probing.not_tried],
            "causes_tested": [_probe_dict(p) for p in probing.checked],
            "withdrawn": [p.tag for p in probing.refuted]}


def _probe_dict(p) -> dict:
    return {"cause": p.tag, "change": p.change, "verdict": p.verdict, "reason": p.reason}


def _cause_dict(c, verification) -> dict:
    """A cause; with a verification, its fixes split into those not failed ("fixes") and those tried that
    failed ("tried": no effect, made it worse, did not apply), each group with its verdict."""
    doc = {"tag": c.tag, "rank": c.rank, "summary": c.summary, "chain": to_dict(c)["chain"],
           "fixes": to_dict(c)["fixes"], "findings": list(c.findings), "evidence": to_dict(c)["evidence"]}
    if verification is None or verification.status != "verified":
        return doc
    from ..verify import NO_EFFECT, NOT_APPLIED, WORSE, fix_groups

    failed = (NO_EFFECT, WORSE, NOT_APPLIED)
    fixes, tried, verdicts = [], [], []
    grouped = {id(f) for g in fix_groups(c.fixes) for f in g}
    for fx in c.fixes:
        if id(fx) not in grouped:
            fixes.append(to_dict(fx))  # advice: shown, never applied
    for group in fix_groups(c.fixes):
        trial = verification.trial_of(group)
        entry = [to_dict(fx) for fx in group]
        if trial is not None and trial.verdict in failed:
            tried.extend(dict(e, verdict=trial.verdict, reason=trial.reason) for e in entry)
        else:
            fixes.extend(entry)
        verdicts.append({"fixes": [fx.title for fx in group], "verdict": "not tried" if trial is None else
                         trial.verdict, "reason": "" if trial is None else trial.reason})
    ranked = next((r for r in verification.ranking if r.tag == c.tag), None)
    doc.update(fixes=fixes, tried=tried, verified={
        "verdict": ranked.verdict if ranked else "not tried", "rank_before": ranked.rank if ranked else None,
        "reason": ranked.reason if ranked else "", "groups": verdicts})
    return doc


def _trial_dict(trial) -> dict | None:
    if trial is None:
        return None
    m = trial.measures
    return {"name": trial.name, "causes": list(trial.causes), "fixes": [to_dict(f) for f in trial.fixes],
            "verdict": trial.verdict, "reason": trial.reason, "knob": trial.knob, "diff": trial.diff,
            "measures": None if m is None else m.to_dict()}


def verification_dict(verification) -> dict | None:
    """The verification as findings.json carries it: budget, the original's measures, each trial, the plan."""
    if verification is None:
        return None
    b = verification.budget
    return {
        "status": verification.status,
        "reason": verification.reason,
        "budget": None if b is None else {"max_steps": b.max_steps, "timeout_seconds": b.timeout,
                                          "reason": b.reason},
        "original": None if verification.before is None else verification.before.to_dict(),
        "trials": [_trial_dict(t) for t in verification.trials],
        "plan": _trial_dict(verification.plan),
        "plan_left_out": list(verification.plan_left_out),
        "ranking": [to_dict(r) for r in verification.ranking],
        "wall_seconds": verification.wall_seconds,
        "sizings": [z.to_dict() for z in verification.sizings],
        "sizing_notes": list(verification.sizing_notes),
    }
