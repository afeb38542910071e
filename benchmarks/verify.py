"""What verifying the fixes costs: wall time of `nandoctor run --verify on` against `nandoctor run` (same script).

    python benchmarks/verify.py                 # the founding case and one sample script, 2 pairs each
    python benchmarks/verify.py --pairs 3 --json out.json
    python benchmarks/verify.py --pairs 1 --answer   # also the answer variant's bias fix (several minutes)

Each pair runs `nandoctor run SCRIPT` then `nandoctor run --verify on SCRIPT` (every report format both times),
alternating so a busy machine weighs on both alike. Printed per script: the medians of the wall times, the ratio
verify/run, the ratio of what verification adds to the run ((verify - run) / run, target at most 3 on 2 cores),
the CPU seconds of each (this process's children), and the machine's load average when it started, since on a
shared box the wall times say as much about the neighbours as about nandoctor.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ENV = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
           PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
ENV.pop("NANDOCTOR_RAISE", None)
SCRIPTS = {
    "founding case (net341.py)": ROOT / "nandoctor" / "demo" / "net341.py",
    "sample linreg_float32_lr.py": ROOT / "tests" / "samples" / "cases" / "linreg_float32_lr.py",
}
TARGET_ADDED = 3.0  # verification adds at most 3x the traced run


def timed(args: list[str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the children) of one `python -m nandoctor ARGS`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "nandoctor", *args], cwd=str(cwd), env=ENV, capture_output=True,
                          text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"nandoctor {' '.join(args)} exited {proc.returncode}: {proc.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def bench(script: Path, pairs: int) -> dict:
    runs, verifies = [], []
    with tempfile.TemporaryDirectory(prefix="nandoctor-bench-verify-") as tmp:
        work = Path(tmp)
        for k in range(pairs):
            runs.append(timed(["run", "-q", "-o", str(work / f"run{k}"), str(script)], work))
            verifies.append(timed(["run", "-q", "--verify", "on", "-o", str(work / f"verify{k}"), str(script)], work))
        doc = json.loads((work / f"verify{pairs - 1}" / "findings.json").read_text())
    v = doc.get("verification") or {}
    run_wall = statistics.median(w for w, _ in runs)
    verify_wall = statistics.median(w for w, _ in verifies)
    return {
        "run_wall": run_wall, "verify_wall": verify_wall, "ratio": verify_wall / run_wall,
        "added_ratio": (verify_wall - run_wall) / run_wall,
        "run_cpu": statistics.median(c for _, c in runs), "verify_cpu": statistics.median(c for _, c in verifies),
        "reruns": len(v.get("trials", [])) + (1 if v.get("plan") and len(v.get("trials", [])) > 1 else 0),
        "status": v.get("status"),
    }


def answer_variant() -> None:
    """The answer variant (500,000 steps): does the verified bias fix free sample [0, 0, 0] from 0.5?"""
    script = ROOT / "nandoctor" / "demo" / "net341_answer.py"
    with tempfile.TemporaryDirectory(prefix="nandoctor-bench-answer-") as tmp:
        wall, cpu = timed(["run", "-q", "--verify", "on", "-o", str(Path(tmp) / "r"), str(script)], Path(tmp))
        doc = json.loads((Path(tmp) / "r" / "findings.json").read_text())
    v = doc["verification"]
    print(f"answer variant: run --verify on {wall:.0f} s ({cpu:.0f} CPU s), {v['reason']}")
    before = v["original"]
    for t in v["trials"]:
        if "missing_bias" in t["causes"]:
            m = t["measures"] or {}
            print(f"  bias fix: {t['verdict']}; stuck samples {before['stuck_samples']} (outputs "
                  f"{before['stuck_values']}) -> {m.get('stuck_samples')}; final accuracy "
                  f"{before['accuracy_final']:.0%} -> {m.get('accuracy_final', 0):.0%}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=2)
    ap.add_argument("--json")
    ap.add_argument("--answer", action="store_true",
                    help="also verify the answer variant (500,000 steps; several minutes) and show the bias fix")
    args = ap.parse_args(argv)
    load = os.getloadavg()[0]
    print(f"cores {os.cpu_count()}, load average {load:.2f} at the start")
    results = {}
    for name, script in SCRIPTS.items():
        r = bench(script, args.pairs)
        results[name] = r
        ok = "ok" if r["added_ratio"] <= TARGET_ADDED else "OVER TARGET"
        print(f"{name}: run {r['run_wall']:.1f} s, run --verify on {r['verify_wall']:.1f} s "
              f"({r['reruns']} re-runs, {r['status']}): {r['ratio']:.2f}x the run, verification adds "
              f"{r['added_ratio']:.2f}x (target <= {TARGET_ADDED:g}x: {ok}); CPU {r['run_cpu']:.1f} s vs "
              f"{r['verify_cpu']:.1f} s", flush=True)
    if args.answer:
        answer_variant()
    if args.json:
        Path(args.json).write_text(json.dumps({"load_average": load, "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
