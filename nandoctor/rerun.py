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
                            include=spec.get("include", ()), exclude=spec.get("exclude", ()),
                            sources=spec.get("sources"), formats=("json",), budget=spec.get("budget"),
                            analyse=False)
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


def probe(result: str, script: str, args: list[str], causes: bool = True) -> int:
    """A sweep's point in its worker process: run the script traced, measure it, write the measures as JSON.
    With `causes` the run is analysed and its causes listed (a sweep reports them); without, only the measures
    are read and no report is written (a sizing run)."""
    import os
    import tempfile
    import time

    from .cli import trace_script
    from .sweep import RunMeasures, measure

    report = Path(tempfile.mkdtemp(prefix="report-", dir=str(Path(result).parent)))
    t0 = time.monotonic()
    # NANDOCTOR_RAISE=1 (as in nandoctor's tests) makes an internal error fail the run loudly instead of quietly.
    outcome, session = trace_script(script, args, report, formats=("json",),
                                    raise_errors=os.environ.get("NANDOCTOR_RAISE") == "1", analyse=causes)
    elapsed = time.monotonic() - t0
    error = None
    if outcome.exception is not None and not isinstance(outcome.exception, SystemExit):
        error = f"{type(outcome.exception).__name__}: {outcome.exception}"
    if session is None:
        m = RunMeasures.failed(error or "nandoctor could not analyse the run", outcome.exit_code, elapsed)
    else:
        m = measure(session, outcome.exit_code, error, causes=causes)
        m = RunMeasures(**{**m.__dict__, "elapsed": round(elapsed, 3)})
    Path(result).write_text(json.dumps(m.to_dict()), encoding="utf-8")
    return 0


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) >= 3 and argv[0] in ("--probe", "--probe-measures"):
        return probe(argv[1], argv[2], argv[3:], causes=argv[0] == "--probe")
    if len(argv) != 1:
        print("usage: python -m nandoctor.rerun SPEC.json | --probe[-measures] RESULT.json SCRIPT [ARGS...]",
              file=sys.stderr)
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
