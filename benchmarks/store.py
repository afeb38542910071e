"""Session size and load time: compact.npz packed (schema 2) against the plain arrays schema 1 wrote.

    python benchmarks/store.py                           # founding case (10,000 steps), answer variant (500,000)
    python benchmarks/store.py --answer-steps 100000     # the answer variant cut to 100,000 steps
    python benchmarks/store.py --skip-answer --reps 5

Each run is made the way a user makes it, in a child process: `nandoctor demo -o DIR` for the founding case
and `nandoctor run -o DIR net341_answer.py` (its iteration count patched when --answer-steps is given). Then:

- size: the saved session (session.json, sites.json, events.json, analysis.json, compact.npz, chunks/), and the
  whole report folder (with report.html, summary.png, findings.json). Targets: 5 MB for the founding case,
  50 MB for the 500,000-step run.
- schema 1: the same recording written as schema 1 wrote it (compact.npz of plain arrays, np.savez) into a
  copy of the folder, and its size: the "before" figure, measured on the same numbers.
- load: `nandoctor.load(DIR)` reading every array, in a fresh process, median of --reps, for both folders; and
  the report build (load + html + png + findings.json), the measure benchmarks/run.py holds to 3 s for the
  100,000-step answer variant. Both folders are read once before timing, so both are in the page cache.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ANSWER = ROOT / "nandoctor" / "demo" / "net341_answer.py"
ENV = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
           PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
ENV.pop("NANDOCTOR_RAISE", None)
PY = sys.executable
MB = 1_000_000
SESSION_FILES = ("session.json", "sites.json", "events.json", "analysis.json", "compact.npz")
SIZE_TARGETS = {10_000: 5 * MB, 500_000: 50 * MB}  # steps -> bytes (the report-folder issue's targets)
REPORT_BUILD_TARGET = 3.0  # seconds, benchmarks/run.py's target for the 100k-step session

# Each child prints its wall seconds, its CPU seconds (every thread's) and a count. On a shared machine the wall
# time swings with the other jobs; the CPU time is the work done, which contention barely changes.
LOAD = (
    "import sys, time\n"
    "import nandoctor\n"
    "t, c = time.perf_counter(), time.process_time()\n"
    "r = nandoctor.load(sys.argv[1]).recording\n"
    "n = sum(a.nbytes for a in r.columns().values()) + sum(d.nbytes for p in r.values.values() for *_, d in p)\n"
    "print(time.perf_counter() - t, time.process_time() - c, n)\n"
)
BUILD = (
    "import sys, time\n"
    "import nandoctor\n"
    "from nandoctor.report import write_report\n"
    "t, c = time.perf_counter(), time.process_time()\n"
    "s = nandoctor.load(sys.argv[1])\n"
    "write_report(s, sys.argv[2], formats=('html', 'png', 'json'))\n"
    "print(time.perf_counter() - t, time.process_time() - c, len(s.frame))\n"
)


def child(cmd: list[str]) -> tuple[float, str]:
    t = time.perf_counter()
    p = subprocess.run(cmd, env=ENV, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        raise SystemExit(f"benchmarks/store.py: {' '.join(cmd)} failed ({p.returncode}):\n{p.stderr[-3000:]}")
    return wall, p.stdout


def session_bytes(folder: Path) -> int:
    files = [folder / name for name in SESSION_FILES] + list((folder / "chunks").glob("*"))
    return sum(p.stat().st_size for p in files if p.is_file())


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def schema1_copy(folder: Path, dest: Path) -> Path:
    """The folder's session as schema 1 stored it: the same arrays as plain npz members (np.savez)."""
    sys.path.insert(0, str(ROOT))
    from nandoctor.store import COMPACT, SessionWriter, read_json, read_session_files, write_json
    from nandoctor.trace.recorder import Chunk

    dest.mkdir(parents=True)
    for name in SESSION_FILES[:-1]:
        if (folder / name).exists():
            shutil.copy2(folder / name, dest / name)
    (dest / "chunks").mkdir()
    rec = read_session_files(folder)
    writer = SessionWriter.reopen(dest)
    values = [(sid, code, seq, data) for sid, parts in rec.values.items() for code, seq, data in parts]
    writer.write_chunk(Chunk(**rec.columns(), values=values), list(rec.shapes), list(rec.dtypes),
                       path=dest / COMPACT, packed=False)
    head = read_json(dest / "session.json")
    write_json(dest / "session.json", dict(head, schema=1))
    return dest


def timed(code: str, args: list[str], reps: int) -> tuple[float, float, str]:
    """Median wall and CPU seconds the child prints, over reps (one untimed read first: both folders cached)."""
    child([PY, "-c", code, *args])
    walls, cpus, last = [], [], ""
    for _ in range(reps):
        _, out = child([PY, "-c", code, *args])
        wall, cpu, last = out.split()
        walls.append(float(wall))
        cpus.append(float(cpu))
    return statistics.median(walls), statistics.median(cpus), last


def measure(name: str, steps: int, cmd: list[str], out: Path, reps: int) -> dict:
    print(f"... {name}: {' '.join(cmd[2:])}", file=sys.stderr, flush=True)
    wall, _ = child(cmd)
    old = schema1_copy(out, out.parent / f"{out.name}_schema1")
    row = {"run": name, "steps": steps, "run_s": round(wall, 2),
           "session_bytes": session_bytes(out), "schema1_bytes": session_bytes(old), "folder_bytes": folder_bytes(out),
           "target_bytes": SIZE_TARGETS.get(steps)}
    for label, folder in (("packed", out), ("schema1", old)):
        wall, cpu, n = timed(LOAD, [str(folder)], reps)
        row[f"load_s_{label}"], row[f"load_cpu_s_{label}"] = round(wall, 3), round(cpu, 3)
        row["array_bytes"] = int(n)
        wall, cpu, rows = timed(BUILD, [str(folder), str(out.parent / f"{out.name}_{label}_report")], reps)
        row[f"build_s_{label}"], row[f"build_cpu_s_{label}"] = round(wall, 3), round(cpu, 3)
        row["frame_rows"] = int(rows)
    return row


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{cpu}, {os.cpu_count()} cores, load average {load}"


def print_table(rows: list[dict]) -> None:
    print("\n| run | steps | rows | session (schema 2, packed) | schema 1 (plain arrays) | smaller by | target "
          "| whole folder |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        target = r["target_bytes"]
        met = "-" if target is None else f"{target / MB:.0f} MB: {'met' if r['session_bytes'] <= target else 'MISSED'}"
        print(f"| {r['run']} | {r['steps']:,} | {r['frame_rows']:,} | {r['session_bytes'] / MB:.2f} MB "
              f"| {r['schema1_bytes'] / MB:.1f} MB | {r['schema1_bytes'] / r['session_bytes']:.0f}x | {met} "
              f"| {r['folder_bytes'] / MB:.2f} MB |")
    print("\nseconds, wall / CPU (medians in fresh processes; a load reads every array of the recording):\n")
    print("| run | load packed | load schema 1 | report build packed | report build schema 1 |")
    print("|---|---|---|---|---|")
    for r in rows:
        cells = [f"{r[f'{k}_s_{v}']:.2f} / {r[f'{k}_cpu_s_{v}']:.2f}"
                 for k, v in (("load", "packed"), ("load", "schema1"), ("build", "packed"), ("build", "schema1"))]
        print(f"| {r['run']} | " + " | ".join(cells) + " |")
    print(f"\nreport build target {REPORT_BUILD_TARGET:.0f} s (benchmarks/run.py, the 100,000-step answer variant)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--answer-steps", type=int, default=500_000, help="iterations of the answer variant")
    ap.add_argument("--skip-answer", action="store_true", help="only the founding case")
    ap.add_argument("--reps", type=int, default=3, help="timed loads per folder (median)")
    ap.add_argument("--json", action="store_true", help="also print the rows as one JSON line")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="nd-store-"))
    try:
        print(machine(), flush=True)
        rows = [measure("founding case (`nandoctor demo`)", 10_000,
                        [PY, "-m", "nandoctor", "demo", "-o", str(tmp / "demo")], tmp / "demo", args.reps)]
        if not args.skip_answer:
            script = ANSWER
            if args.answer_steps != 500_000:
                src, n = re.subn(r"net\.train\(x, y, 0\.1, 500000\)", f"net.train(x, y, 0.1, {args.answer_steps})",
                                 ANSWER.read_text())
                if n != 1:
                    raise SystemExit("benchmarks/store.py: net341_answer.py no longer has "
                                     "`net.train(x, y, 0.1, 500000)`")
                script = tmp / f"net341_answer_{args.answer_steps}.py"
                script.write_text(src)
            rows.append(measure("answer variant (`nandoctor run`)", args.answer_steps,
                                [PY, "-m", "nandoctor", "run", "-o", str(tmp / "answer"), str(script)],
                                tmp / "answer", args.reps))
        print(machine())
        print_table(rows)
        if args.json:
            print(json.dumps(rows))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
