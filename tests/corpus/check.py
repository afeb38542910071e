"""Runs every corpus script with plain python and checks the symptom the manifest declares for it."""

from __future__ import annotations

import argparse
import json
import math
import re
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULT_LINE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(\S+)$")
TIME_LIMIT_S = 10.0  # CPU seconds per script


def load_manifest():
    return json.loads((HERE / "manifest.json").read_text())


def run_script(entry):
    """Run one script in its own folder; returns (returncode, metrics, seconds, stderr tail)."""
    path = HERE / entry["file"]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen([sys.executable, path.name], cwd=path.parent, stdout=out, stderr=err, text=True)
        # CPU time of this child alone: wall time says more about the machine's load than about the script
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = usage.ru_utime + usage.ru_stime
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    metrics = {}
    for line in stdout.splitlines():
        match = RESULT_LINE.match(line.strip())
        if match:
            try:
                metrics[match.group(1)] = float(match.group(2))
            except ValueError:
                pass
    tail = stderr.strip().splitlines()[-1] if stderr.strip() else ""
    return proc.returncode, metrics, seconds, tail


def verdict(entry, returncode, metrics):
    """Problems with this run against the manifest's declaration; an empty list means it matches."""
    problems = []
    symptom = entry["symptom"] if entry["status"] == "broken" else "healthy"
    final = metrics.get("final_loss")
    first = metrics.get("first_loss")
    if symptom == "crash":
        if returncode == 0:
            problems.append("expected a crash, exit code 0")
        return problems
    if returncode != 0:
        return [f"exit code {returncode}"]
    if symptom == "healthy":
        bad = [k for k, v in metrics.items() if not math.isfinite(v)]
        if bad:
            problems.append(f"non-finite {bad}")
        if final is not None and first is not None and math.isfinite(final) and not final < first:
            problems.append(f"loss did not fall ({first:.4g} -> {final:.4g})")
    elif symptom == "nan":
        if not any(math.isnan(v) for v in metrics.values()):
            problems.append("no NaN among the printed results")
    elif symptom == "inf":
        if not any(math.isinf(v) for v in metrics.values()):
            problems.append("no inf among the printed results")
    elif symptom == "diverges":
        if final is None or first is None:
            problems.append("first_loss/final_loss not printed")
        elif math.isfinite(final) and not final > first:
            problems.append(f"loss did not grow ({first:.4g} -> {final:.4g})")
    elif symptom == "stalls":
        if final is None or first is None:
            problems.append("first_loss/final_loss not printed")
        elif not math.isfinite(final):
            problems.append("went non-finite rather than stalling")
        elif final < 0.9 * first and "final_loss_min" not in entry.get("expect", {}):
            problems.append(f"loss fell by more than 10% ({first:.4g} -> {final:.4g})")
    elif symptom == "wrong_accuracy":
        if not entry.get("expect"):
            problems.append("wrong_accuracy needs an expect bound in the manifest")
    else:
        problems.append(f"unknown symptom {symptom!r}")
    for key, bound in entry.get("expect", {}).items():
        name, _, side = key.rpartition("_")
        value = metrics.get(name)
        if value is None:
            problems.append(f"{name} not printed")
        elif side == "min" and not value >= bound:
            problems.append(f"{name}={value:.4g} < {bound}")
        elif side == "max" and not value <= bound:
            problems.append(f"{name}={value:.4g} > {bound}")
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", help="only these files (substring match)")
    parser.add_argument("-j", "--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    entries = [e for e in load_manifest()["scripts"] if not args.names or any(n in e["file"] for n in args.names)]
    with ThreadPoolExecutor(args.jobs) as pool:
        runs = list(pool.map(run_script, entries))
    failures = 0
    print(f"{'file':44} {'split':5} {'status':7} {'cause':36} {'symptom':14} {'cpu s':>5}  result")
    for entry, (returncode, metrics, seconds, tail) in zip(entries, runs):
        problems = verdict(entry, returncode, metrics)
        if seconds > TIME_LIMIT_S:
            problems.append(f"took {seconds:.1f}s")
        failures += bool(problems)
        shown = entry["symptom"] if entry["status"] == "broken" else "-"
        result = "ok" if not problems else "FAIL: " + "; ".join(problems) + (f" [{tail}]" if tail else "")
        print(f"{Path(entry['file']).name:44} {entry['split']:5} {entry['status']:7} {entry['cause'] or '-':36} "
              f"{shown:14} {seconds:5.1f}  {result}")
    print(f"{len(entries) - failures} of {len(entries)} scripts behave as the manifest says")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
