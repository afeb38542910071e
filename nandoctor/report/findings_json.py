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
        "causes": [
            {
                "tag": c.tag, "rank": c.rank, "summary": c.summary,
                "chain": to_dict(c)["chain"], "fixes": to_dict(c)["fixes"],
                "findings": list(c.findings), "evidence": to_dict(c)["evidence"],
            }
            for c in session.causes
        ],
        # Causes that could not be judged: a premise they need was not measured on this run.
        "not_checked": [to_dict(n) for n in getattr(session, "not_checked", [])],
        "errors": list(session.errors),
    }
