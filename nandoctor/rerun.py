"""The re-run worker: `python -m nandoctor.rerun SPEC.json` traces one patched copy lightly and writes measures.json."""

from __future__ import annotations

import json
import sys
from pathlib import Path

BUDGET_EXCEPTION = "StepBudgetReached"


def rerun(spec: dict) -> dict:
    """Trace `spec["script"]` with `spec["args"]` into `spec["out"]`, capped by `spec.get("budget")`; measure it.

    Light capture: the session is recorded as usual but not analysed for causes and no report is drawn; only
    the measures a verdict compares are computed (nandoctor.verify.measure). Returns the measures as a dict."""
    from .cli import run_traced
    from .session import Session
    from .store import StoreError, read_session_files
    from .verify import measure

    out = Path(spec["out"])
    outcome, _ = run_traced(spec["script"], list(spec.get("args", [])), out, step_loop=spec.get("step_loop"),
                            formats=("json",), budget=spec.get("budget"), analyse=False)
    doc: dict = {"exit_status": outcome.exit_code, "signal": outcome.signal}
    try:
        recording = read_session_files(out)
    except (StoreError, OSError, ValueError) as e:
        doc["error"] = f"the re-run left no readable session: {e}"
        return doc
    meta = recording.meta
    exception = meta.get("exception") or None
    stopped = bool(exception and exception.startswith(BUDGET_EXCEPTION))
    session = Session(recording)
    found = measure(session)
    doc.update(found.to_dict())
    doc.update(exit_status=0 if stopped else outcome.exit_code, exception=None if stopped else exception,
               stopped_by_budget=stopped, elapsed=meta.get("elapsed"))
    return doc


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m nandoctor.rerun SPEC.json", file=sys.stderr)
        return 2
    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    doc = rerun(spec)
    target = Path(spec["out"]) / "measures.json"
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps(doc), encoding="utf-8")
    tmp.replace(target)  # the parent reads a whole file or none
    return 0


if __name__ == "__main__":
    sys.exit(main())
