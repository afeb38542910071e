"""Runs every corpus script under `nandoctor run` and scores the diagnosis against the manifest, per split."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
TOP = 3
# One BLAS thread: two scripts run at once on the machine, and threaded BLAS on a shared core is slower.
ENV_PINS = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def read_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def run_one(entry: dict, out_root: str, timeout: float) -> dict:
    """Trace one script in its own folder; what the saved session says about it."""
    path = HERE / entry["file"]
    out_dir = os.path.join(out_root, path.stem)
    env = dict(os.environ, **ENV_PINS)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    start = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-m", "nandoctor", "run", "-q", "--format", "json,session",
                               "-o", out_dir, path.name], cwd=path.parent, capture_output=True, text=True,
                              env=env, timeout=timeout)
        rc, stderr = done.returncode, done.stderr
    except subprocess.TimeoutExpired:
        rc, stderr = "timeout", ""
    findings = read_json(os.path.join(out_dir, "findings.json")) or {}
    run = findings.get("run") or {}
    causes = sorted(findings.get("causes", []), key=lambda c: c.get("rank", 99))
    loop = run.get("training_loop")
    if loop is None:  # sessions written before findings.json named the loop: read the plan
        analysis = read_json(os.path.join(out_dir, "analysis.json")) or {}
        sites = read_json(os.path.join(out_dir, "sites.json")) or {}
        plan = analysis.get("plan") or {}
        loops = {lp["id"]: lp for lp in sites.get("loops", [])}
        if plan.get("step_loop") in loops:
            lp = loops[plan["step_loop"]]
            loop = {"line": lp["line"], "header": lp["header"], "file": lp["file"]}
    return {
        "file": entry["file"], "rc": rc, "seconds": round(time.monotonic() - start, 2),
        "session_written": bool(findings), "causes": [c["tag"] for c in causes],
        "severities": sorted({f.get("severity") for f in findings.get("findings", [])} - {None}),
        "errors": findings.get("errors", []), "loop": loop,
        "nandoctor_stderr": [ln for ln in stderr.splitlines() if ln.startswith("nandoctor:")][-3:],
    }


def judge(entry: dict, got: dict) -> dict:
    """The scores of one script: rank of the primary cause, false causes in the top three, loop found."""
    top = got["causes"][:TOP]
    out = {"file": entry["file"], "split": entry["split"], "status": entry["status"], "cause": entry["cause"],
           "top": top, "loop_expected": (entry.get("training_loop") or {}).get("line")}
    chosen = got["loop"]
    out["loop_chosen"] = chosen["line"] if chosen and os.path.basename(chosen.get("file", "")) == Path(entry["file"]).name else (
        f"{os.path.basename(chosen['file'])}:{chosen['line']}" if chosen else None)
    out["loop_ok"] = out["loop_chosen"] == out["loop_expected"]
    if entry["status"] == "broken":
        allowed = {entry["cause"], *entry.get("secondary", [])}
        out["rank"] = next((k for k, tag in enumerate(got["causes"], 1) if tag == entry["cause"]), None)
        out["in_top"] = out["rank"] is not None and out["rank"] <= TOP
        out["false_top"] = [t for t in top if t not in allowed]
    else:
        out["healthy_error"] = "error" in got["severities"]
        out["healthy_cause"] = list(got["causes"])
    out["session_written"] = got["session_written"]
    return out


def summary(rows: list[dict], split: str) -> dict:
    rs = [r for r in rows if r["split"] == split]
    broken = [r for r in rs if r["status"] == "broken"]
    healthy = [r for r in rs if r["status"] == "healthy"]
    with_loop = [r for r in rs if r["loop_expected"] is not None]
    return {
        "split": split, "broken": len(broken), "healthy": len(healthy),
        "primary_in_top3": sum(r["in_top"] for r in broken),
        "broken_with_false_top3": sum(bool(r["false_top"]) for r in broken),
        "healthy_with_error": sum(r["healthy_error"] for r in healthy),
        "healthy_with_cause": sum(bool(r["healthy_cause"]) for r in healthy),
        "loop_right": sum(r["loop_ok"] for r in with_loop), "with_loop": len(with_loop),
        "no_loop_right": sum(r["loop_chosen"] is None for r in rs if r["loop_expected"] is None),
        "no_loop": sum(r["loop_expected"] is None for r in rs),
        "no_session": sum(not r["session_written"] for r in rs),
    }


def line(s: dict) -> str:
    pct = 100.0 * s["primary_in_top3"] / s["broken"] if s["broken"] else 0.0
    return (f"{s['split']:>4}: primary cause in top {TOP} {s['primary_in_top3']}/{s['broken']} ({pct:.0f}%); "
            f"broken scripts with a false top-{TOP} cause {s['broken_with_false_top3']}; "
            f"healthy with an error finding {s['healthy_with_error']}/{s['healthy']}, with a cause "
            f"{s['healthy_with_cause']}/{s['healthy']}; training loop right {s['loop_right']}/{s['with_loop']}, "
            f"no-loop scripts with no loop chosen {s['no_loop_right']}/{s['no_loop']}; no session {s['no_session']}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=("dev", "test", "both"), default="dev",
                    help="which half to run (default dev: tune on dev only)")
    ap.add_argument("--only", nargs="*", help="only files whose name contains one of these")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--json", help="write the per-script records here")
    ap.add_argument("--out", help="folder for the report folders (default: a temporary one)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every script's line")
    args = ap.parse_args(argv)
    manifest = json.loads((HERE / "manifest.json").read_text())["scripts"]
    splits = ("dev", "test") if args.split == "both" else (args.split,)
    entries = [e for e in manifest if e["split"] in splits and (not args.only or any(o in e["file"] for o in args.only))]
    out_root = args.out or tempfile.mkdtemp(prefix="nandoctor-corpus-")
    with ThreadPoolExecutor(args.jobs) as pool:
        got = list(pool.map(lambda e: run_one(e, out_root, args.timeout), entries))
    rows = [dict(judge(e, g), run=g) for e, g in zip(entries, got)]
    for r in rows:
        bad = (r["status"] == "broken" and (not r["in_top"] or r["false_top"])) or (
            r["status"] == "healthy" and (r["healthy_error"] or r["healthy_cause"])) or not r["loop_ok"]
        # The test half is scored, never looked into: its per-script lines are not printed.
        if r["split"] == "dev" and (args.verbose or bad):
            mark = "ok " if not bad else "BAD"
            want = r["cause"] or "healthy"
            print(f"{mark} {r['file']:<40} want {want:<36} got {', '.join(r['top']) or '-':<60} "
                  f"loop {r['loop_chosen']} (want {r['loop_expected']})", flush=True)
    for split in splits:
        print(line(summary(rows, split)))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"summary": [summary(rows, s) for s in splits], "rows": rows}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
