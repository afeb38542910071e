"""`nandoctor sweep` on the founding case: the stable learning rates locally and on a Dask cluster, and the sized rate.

    python benchmarks/sweep_founding.py                  # about 4 minutes on a 2-core box
    python benchmarks/sweep_founding.py --points 5 --skip-size --json out.json

Runs, each a `python -m nandoctor` subprocess with its output in a scratch folder:
  1. one traced run of the demo (`nandoctor run --format json`), the unit the ratios are given in;
  2. `nandoctor sweep --set learning_rate=0.01..10` on the local process pool;
  3. the same with `--scheduler` pointing at a LocalCluster (2 worker processes, one thread each) started here;
  4. `nandoctor sweep --size learning_rate` (bisection for the largest rate that stays finite and learns).
It prints the table, whether the two engines gave the same points (every measure but the wall time), the stable
range, the sized rate and each wall time as a multiple of the single traced run. The target for a grid is its
points divided by the cores, times 1.5 (the pool keeps every core busy; the rest is start-up and the heat map).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "nandoctor" / "demo" / "net341.py"
ENV = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
           PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
ENV.pop("NANDOCTOR_RAISE", None)
GRID_TARGET = 1.5  # a grid's wall time at most this times (points / cores) traced runs


def nandoctor(*args, cwd) -> tuple[float, subprocess.CompletedProcess]:
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "nandoctor", *args], cwd=cwd, env=ENV, capture_output=True,
                          text=True)
    if proc.returncode != 0:
        sys.exit(f"nandoctor {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    return time.monotonic() - t0, proc


def comparable(doc: dict) -> list:
    return [{**p, "measures": {k: v for k, v in p["measures"].items() if k != "elapsed"}} for p in doc["points"]]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=7)
    ap.add_argument("--range", default="0.01..10")
    ap.add_argument("--skip-size", action="store_true")
    ap.add_argument("--json", default=None, help="Also write the figures to this file.")
    args = ap.parse_args()
    # The cluster's scheduler (here, in this process) and workers unpickle the tasks: they import nandoctor from
    # this checkout, as the sweep's own subprocesses do.
    os.environ["PYTHONPATH"] = ENV["PYTHONPATH"]
    sys.path.insert(0, str(ROOT))
    from distributed import LocalCluster

    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="nandoctor-bench-sweep-") as tmp:
        tmp = Path(tmp)
        one, _ = nandoctor("run", "-q", "--format", "json", "-o", str(tmp / "run"), str(DEMO), cwd=tmp)
        sets = ["--set", f"learning_rate={args.range}", "--points", str(args.points)]
        local_s, local_proc = nandoctor("sweep", *sets, "-o", str(tmp / "local"), str(DEMO), cwd=tmp)
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
            dask_s, _ = nandoctor("sweep", *sets, "--scheduler", cluster.scheduler_address, "-o", str(tmp / "dask"),
                                  str(DEMO), cwd=tmp)
        local = json.loads((tmp / "local" / "sweep.json").read_text())
        remote = json.loads((tmp / "dask" / "sweep.json").read_text())
        figures = {
            "cores": cores,
            "points": len(local["points"]),
            "traced_run_s": round(one, 2),
            "local_sweep_s": round(local_s, 2),
            "dask_sweep_s": round(dask_s, 2),
            "local_ratio": round(local_s / one, 2),
            "dask_ratio": round(dask_s / one, 2),
            "grid_target_ratio": round(GRID_TARGET * len(local["points"]) / cores, 2),
            "same_results": comparable(local) == comparable(remote),
            "stable_local": local["stable"],
            "stable_dask": remote["stable"],
            "outcomes": {str(p["values"]["learning_rate"]): p["outcome"] for p in local["points"]},
        }
        print(local_proc.stdout)
        if not args.skip_size:
            size_s, size_proc = nandoctor("sweep", "--size", "learning_rate", "-o", str(tmp / "size"), str(DEMO),
                                          cwd=tmp)
            sized = json.loads((tmp / "size" / "sizing.json").read_text())
            print(size_proc.stdout)
            figures.update(size_s=round(size_s, 2), size_ratio=round(size_s / one, 2), size_runs=len(sized["trials"]),
                           largest_good=sized["largest_good"], smallest_bad=sized["smallest_bad"],
                           recommended=sized["recommended"], recommended_outcome=sized["recommended_outcome"])
    for k, v in figures.items():
        print(f"{k:20s} {v}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1))
    if not figures["same_results"]:
        sys.exit("the local pool and the Dask cluster gave different points")


if __name__ == "__main__":
    main()
