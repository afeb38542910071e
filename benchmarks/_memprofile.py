"""Memory profile of one traced run, stage by stage: what `nandoctor run` holds at each checkpoint.

Usage: python benchmarks/_memprofile.py SCRIPT [--report] [--tracemalloc] [--json]

Mirrors `cli.trace_script`: start the tracer, run the script, stop (final flush), then `tracer.recording()`,
the Session, its frame, the detectors and explanation, the saved analysis and (with --report) the
HTML/PNG/JSON report. At each checkpoint it prints the current RSS, the peak RSS since the previous
checkpoint (the kernel's high-water mark, reset after each one), and with --tracemalloc the Python heap
(current and peak) as tracemalloc sees it. pandas and matplotlib are imported in a stage of their own
so that their ~100 MB of code and data is not charged to the analysis.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))


def _status() -> dict:
    out = {}
    with open("/proc/self/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM"):
                out[k] = int(v.split()[0]) / 1024
    return out


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


class Checkpoints:
    def __init__(self, tm: bool):
        self.tm = tm
        self.rows = []
        self.t = time.perf_counter()

    def __call__(self, name: str) -> None:
        s = _status()
        row = {"stage": name, "rss": round(s["VmRSS"], 1), "peak": round(s["VmHWM"], 1),
               "s": round(time.perf_counter() - self.t, 2)}
        if self.tm:
            import tracemalloc

            cur, peak = tracemalloc.get_traced_memory()
            row["py_cur"] = round(cur / 2**20, 1)
            row["py_peak"] = round(peak / 2**20, 1)
            tracemalloc.reset_peak()
        self.rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
        _reset_peak()
        self.t = time.perf_counter()


def recorder_sizes(rec) -> dict:
    """MB held by the recorder's chunks, by column, and by the thinner."""
    mb = lambda b: round(b / 2**20, 1)  # noqa: E731
    cols = {}
    n_vals = n_val_parts = 0
    for c in rec.chunks:
        for k in ("obs_seq", "obs_site", "obs_shape", "obs_dtype", "obs_stats", "ev_seq", "ev_loop", "ev_kind"):
            cols[k] = cols.get(k, 0) + getattr(c, k).nbytes
        for _, _, seq, data in c.values:
            n_vals += seq.nbytes + data.nbytes
            n_val_parts += 1
    held = sum(a.nbytes for h in rec.thinner.held.values() for a in h.values())
    held_v = sum(s.nbytes + d.nbytes for parts in rec.thinner.held_values.values() for _, s, d in parts)
    return {"chunks": len(rec.chunks), "rows": int(sum(len(c.obs_seq) for c in rec.chunks)),
            **{k: mb(v) for k, v in cols.items()}, "values": mb(n_vals), "value_parts": n_val_parts,
            "held_rows": mb(held), "held_values": mb(held_v), "log": len(rec.log)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("script")
    ap.add_argument("--report", action="store_true", help="also render report.html, summary.png, findings.json")
    ap.add_argument("--tracemalloc", action="store_true")
    ap.add_argument("--detail", action="store_true", help="break down what the recorder holds at the end of the run")
    ap.add_argument("--trim", action="store_true", help="malloc_trim(0) at the end of the run (freed heap back to the OS)")
    ap.add_argument("--json", action="store_true", help="print the checkpoints as one JSON line on stdout")
    args = ap.parse_args()
    if args.tracemalloc:
        import tracemalloc

        tracemalloc.start()
    cp = Checkpoints(args.tracemalloc)
    import numpy  # noqa: F401

    cp("python+numpy")
    import nandoctor  # noqa: F401
    from nandoctor.session import Session
    from nandoctor.store import SessionWriter
    from nandoctor.trace.runner import run_script
    from nandoctor.trace.tracer import Tracer

    cp("import nandoctor")
    out = tempfile.mkdtemp(prefix="nd-mem-")
    script = os.path.abspath(args.script)
    writer = SessionWriter(out, {"script": script})
    tracer = Tracer(writer=writer, include_roots=(os.path.dirname(script),), meta={"script": script})
    tracer.start()
    real_stdout = sys.stdout
    sys.stdout = open(os.devnull, "w")
    try:
        outcome = run_script(script, [], tracer)
    finally:
        sys.stdout = real_stdout
    cp("script ran (before the final flush)")
    if args.trim:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
        cp("malloc_trim(0)")
    if args.detail:
        print(json.dumps(recorder_sizes(tracer.recorder)), file=sys.stderr, flush=True)
        if args.tracemalloc:
            import tracemalloc

            for st in tracemalloc.take_snapshot().statistics("lineno")[:12]:
                print(f"  {st.size / 2**20:7.1f} MB {st.count:8d} {st.traceback}", file=sys.stderr)
    tracer.stop()
    cp("tracer.stop (final flush)")
    recording = tracer.recording()
    n_rows = recording.n_observations
    cp("tracer.recording()")
    import matplotlib
    import pandas  # noqa: F401

    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401

    cp("import pandas + matplotlib")
    session = Session(recording, step_loop=None, directory=out)
    del recording
    _ = session.plan, session._steps, session.sites
    cp("session plan/steps/sites")
    _ = session.frame
    cp("session.frame")
    session.analyze()
    cp("detect + explain")
    writer.write_analysis(session.analysis_dict())
    cp("analysis.json")
    if args.report:
        from nandoctor.report import write_report

        write_report(session, out, formats=("json",))
        cp("report: findings.json")
        write_report(session, out, formats=("png",))
        cp("report: summary.png")
        write_report(session, out, formats=("html",))
        cp("report: report.html")
    gc.collect()
    cp("end")
    if args.tracemalloc and args.detail:
        import tracemalloc

        print("largest Python allocations alive at the end:", file=sys.stderr)
        for st in tracemalloc.take_snapshot().statistics("lineno")[:25]:
            print(f"  {st.size / 2**20:7.1f} MB {st.count:8d} {st.traceback}", file=sys.stderr)
    if args.json:
        print(json.dumps({"rows": n_rows, "exit": outcome.exit_code, "checkpoints": cp.rows}))
    import shutil

    shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
