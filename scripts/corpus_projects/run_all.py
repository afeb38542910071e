"""Run every public-project driver plain and under `nandoctor run`, and score what nandoctor said about each.

Usage: python scripts/corpus_projects/run_all.py [--only NAME ...] [--split dev|test] [--knob broken|healthy|both]
       [--json OUT]

Per project and knob it reports: whether stdout, stderr (without `nandoctor:` lines) and the exit status are
identical traced and untraced (judged only when the plain runs agree with each other: two, or five when the
traced run differs); nandoctor's recorded internal errors; the training loop nandoctor chose against
the one a person would name (manifest.json); the top three causes and the rank of the true one.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import _common  # noqa: E402

# One BLAS thread for both runs: on a shared 2-core machine threaded BLAS turns a 3 s run into 30 s, and the
# two runs must see the same environment anyway. A fixed hash seed: two projects build their vocabulary with
# list(set(strings)), whose order (hence every word index) changes from one process to the next otherwise.
ENV_PINS = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONHASHSEED": "0"}


def run(cmd: list[str], env: dict, timeout: float) -> dict:
    start = time.monotonic()
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
        out = {"rc": done.returncode, "stdout": done.stdout, "stderr": done.stderr}
    except subprocess.TimeoutExpired as e:
        out = {"rc": "timeout", "stdout": (e.stdout or b"").decode(errors="replace") if isinstance(e.stdout, bytes)
               else (e.stdout or ""), "stderr": ""}
    out["seconds"] = round(time.monotonic() - start, 2)
    return out


def without_verdict(stderr: str) -> list[str]:
    """The traced run's stderr less nandoctor's own lines. A script whose last stderr write has no newline (a
    progress line drawn with a carriage return) has nandoctor's first line glued to its own last line; that line is
    cut where nandoctor's words begin."""
    lines = stderr.splitlines()
    kept = [line for line in lines if not line.startswith("nandoctor:")]
    ours = [i for i, line in enumerate(lines) if line.startswith("nandoctor:")]
    glued = (ours[0] if ours else len(lines)) - 1  # the user's line just before nandoctor's first
    if glued >= 0 and "nandoctor: " in lines[glued]:
        kept[glued] = lines[glued][:lines[glued].index("nandoctor: ")]
    return kept


def read_json(path: str):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def session_facts(out_dir: str, src: str) -> dict:
    """What the saved session says: internal errors, the loop chosen as the step, the causes in rank order."""
    events = read_json(os.path.join(out_dir, "events.json")) or {}
    findings = read_json(os.path.join(out_dir, "findings.json")) or {}
    sites = read_json(os.path.join(out_dir, "sites.json")) or {}
    analysis = read_json(os.path.join(out_dir, "analysis.json")) or {}
    errors = list(events.get("errors", [])) + [e for e in findings.get("errors", []) if e not in events.get("errors", [])]
    plan = analysis.get("plan") or {}
    loops = {loop["id"]: loop for loop in sites.get("loops", [])}
    chosen = None
    # The loop the user trains in (the epoch loop around minibatch steps) when the plan names it.
    lid = plan.get("training_loop") if plan.get("training_loop") is not None else plan.get("step_loop")
    if lid is not None and lid in loops:
        loop = loops[lid]
        path = os.path.relpath(loop["file"], src) if loop["file"].startswith(src) else loop["file"]
        chosen = {"file": path, "line": loop["line"], "header": loop["header"], "function": loop["function"]}
    causes = sorted(findings.get("causes", []), key=lambda c: c.get("rank", 99))
    return {"session_written": bool(findings), "internal_errors": errors, "loop": chosen,
            "n_steps": plan.get("n_steps"), "loop_reason": plan.get("reason"),
            "causes": [c["tag"] for c in causes],
            "first_nonfinite": bool(findings.get("first_nonfinite")),
            "severities": sorted({f.get("severity") for f in findings.get("findings", [])} - {None})}


def header_at(src: str, loop: dict) -> bool:
    """The manifest's loop header is really at that line of the copied file (patches keep line numbers)."""
    try:
        with open(os.path.join(src, loop["file"]), encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError:
        return False
    return 0 < loop["line"] <= len(lines) and lines[loop["line"] - 1].strip() == loop["header"]


def same_run(a: dict, b: dict) -> bool:
    return a["stdout"] == b["stdout"] and without_verdict(a["stderr"]) == without_verdict(b["stderr"]) and a["rc"] == b["rc"]


def score(entry: dict, knob: str, plain: dict, traced: dict, facts: dict, src: str, repeats: list[dict]) -> dict:
    parity = {
        "stdout": plain["stdout"] == traced["stdout"],
        "stderr": without_verdict(plain["stderr"]) == without_verdict(traced["stderr"]),
        "exit": plain["rc"] == traced["rc"],
    }
    expected = entry["loop"]
    chosen = facts["loop"]
    accepted = [expected] + entry.get("loop_also_accepted", [])
    loop_ok = bool(chosen) and any(chosen["file"] == a["file"] and chosen["line"] == a["line"] for a in accepted)
    rank = None
    if knob == "broken":
        for i, tag in enumerate(facts["causes"], 1):
            if tag in entry["accepted_tags"]:
                rank = i
                break
    # A project whose plain runs already differ (micrograd iterates sets of Value objects, whose order follows
    # memory addresses, so its sums change in the last digit) cannot be held to identical output: parity is
    # then not judged.
    repeatable = all(same_run(plain, repeat) for repeat in repeats)
    return {"project": entry["project"], "knob": knob, "parity": parity,
            "identical": all(parity.values()) if repeatable else None, "plain_repeatable": repeatable,
            "plain_rc": plain["rc"], "traced_rc": traced["rc"], "plain_s": plain["seconds"],
            "traced_s": traced["seconds"], "plain_result": last_result(plain["stdout"]),
            "loop_expected": f"{expected['file']}:{expected['line']}",
            "loop_expected_verified": header_at(src, expected),
            "loop_chosen": f"{chosen['file']}:{chosen['line']}" if chosen else None,
            "loop_chosen_header": chosen["header"] if chosen else None, "loop_ok": loop_ok,
            "top3": facts["causes"][:3], "true_rank": rank, "in_top3": rank is not None and rank <= 3,
            "internal_errors": facts["internal_errors"], "session_written": facts["session_written"],
            "n_steps": facts["n_steps"], "severities": facts["severities"],
            "first_nonfinite": facts["first_nonfinite"]}


def last_result(stdout: str) -> str | None:
    lines = [line for line in stdout.splitlines() if line.startswith("RESULT ")]
    return lines[-1][len("RESULT "):] if lines else None


def table(rows: list[dict]) -> str:
    head = ("| project | knob | parity | internal errors | loop chosen | loop expected | top-3 causes | true cause rank |"
            " plain s | traced s |\n|---|---|---|---|---|---|---|---|---|---|")
    lines = [head]
    for r in rows:
        if r.get("missing"):
            lines.append(f"| {r['project']} | {r['knob']} | mirror missing | | | | | | | |")
            continue
        if r["identical"] is None:
            parity = "not judged: plain runs differ"
        else:
            parity = "identical" if r["identical"] else "DIFFERS: " + ",".join(k for k, v in r["parity"].items() if not v)
        loop = (r["loop_chosen"] or "none") + (" ok" if r["loop_ok"] else " WRONG")
        rank = "-" if r["knob"] == "healthy" else (str(r["true_rank"]) if r["true_rank"] else "absent")
        top3 = ", ".join(r["top3"]) or "none"
        lines.append(f"| {r['project']} | {r['knob']} | {parity} | {len(r['internal_errors'])} | {loop} |"
                     f" {r['loop_expected']} | {top3} | {rank} | {r['plain_s']} | {r['traced_s']} |")
    return "\n".join(lines)


def summary(rows: list[dict]) -> str:
    ran = [r for r in rows if not r.get("missing")]
    broken = [r for r in ran if r["knob"] == "broken"]
    healthy = [r for r in ran if r["knob"] == "healthy"]
    projects = sorted({r["project"] for r in ran})
    loop_ok = sorted({r["project"] for r in ran if r["loop_ok"] and r["knob"] == "broken"})
    return "\n".join([
        f"runs: {len(ran)} ({len(projects)} projects); identical traced vs untraced: "
        f"{sum(r['identical'] is True for r in ran)}/{sum(r['identical'] is not None for r in ran)} "
        f"(not judged, plain itself not repeatable: {sum(r['identical'] is None for r in ran)})",
        f"runs with internal errors: {sum(bool(r['internal_errors']) for r in ran)}/{len(ran)} "
        f"(total {sum(len(r['internal_errors']) for r in ran)})",
        f"training loop as a person would name it (broken runs): {len(loop_ok)}/{len(broken)}",
        f"true cause in top 3 (broken runs): {sum(r['in_top3'] for r in broken)}/{len(broken)}",
        f"healthy runs with a cause: {sum(bool(r['top3']) for r in healthy)}/{len(healthy)}; "
        f"with an error finding: {sum('error' in r['severities'] for r in healthy)}/{len(healthy)}",
    ])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", help="project names (default: all in manifest.json)")
    ap.add_argument("--split", choices=("dev", "test"), help="only the projects of this half (manifest \"split\")")
    ap.add_argument("--knob", choices=("broken", "healthy", "both"), default="both")
    ap.add_argument("--json", help="write the per-run records here")
    ap.add_argument("--out", default=os.path.join(_common.SCRATCH_ROOT, "_reports"),
                    help="folder for nandoctor's report folders")
    ap.add_argument("--timeout", type=float, default=900)
    args = ap.parse_args()
    manifest = read_json(os.path.join(HERE, "manifest.json"))
    entries = [e for e in manifest["projects"] if (not args.only or e["project"] in args.only)
               and (not args.split or e.get("split", "dev") == args.split)]
    knobs = ("broken", "healthy") if args.knob == "both" else (args.knob,)
    env = dict(os.environ, **ENV_PINS)
    rows = []
    for entry in entries:
        driver = os.path.join(HERE, entry["driver"])
        src, _ = _common.scratch_dirs(entry["project"])
        for knob in knobs:
            plain = run([sys.executable, driver, "--knob", knob], env, args.timeout)
            if plain["rc"] == _common.MISSING:
                rows.append({"project": entry["project"], "knob": knob, "missing": True,
                             "message": plain["stderr"].strip()})
                print(f"{entry['project']} {knob}: mirror missing", file=sys.stderr, flush=True)
                continue
            repeat = run([sys.executable, driver, "--knob", knob], env, args.timeout)
            out_dir = os.path.join(args.out, f"{entry['project']}-{knob}")
            # the drivers' shared plumbing is not the project: left untraced so its loops and arrays never
            # compete with the project's (the driver script itself is traced, as any script is)
            traced = run([sys.executable, "-m", "nandoctor", "run", "-o", out_dir, "--include", src,
                          "--exclude", "_common.py", driver, "--knob", knob], env, args.timeout)
            repeats = [repeat]
            if same_run(plain, repeat) and not same_run(plain, traced):
                # Two plain runs can agree by chance when the order depends on memory addresses: before calling
                # a difference the tracer's, see whether plain python repeats itself on more runs.
                repeats += [run([sys.executable, driver, "--knob", knob], env, args.timeout) for _ in range(3)]
            row = score(entry, knob, plain, traced, session_facts(out_dir, src), src, repeats)
            row["report"] = out_dir
            if row["identical"] is not True:
                row["plain_stderr_tail"] = without_verdict(plain["stderr"])[-5:]
                row["traced_stderr_tail"] = without_verdict(traced["stderr"])[-5:]
                row["traced_stdout_tail"] = traced["stdout"].splitlines()[-3:]
            rows.append(row)
            print(f"{entry['project']} {knob}: identical={row['identical']} errors={len(row['internal_errors'])} "
                  f"loop={row['loop_chosen']} (expected {row['loop_expected']}) top3={row['top3']} "
                  f"rank={row['true_rank']} plain={plain['seconds']}s traced={traced['seconds']}s",
                  file=sys.stderr, flush=True)
    print(table(rows))
    print()
    print(summary(rows))
    # The projects were split before any tuning (manifest "split"): each half is scored on its own too.
    split_of = {e["project"]: e.get("split", "dev") for e in manifest["projects"]}
    for half in ("dev", "test"):
        part = [r for r in rows if split_of.get(r["project"]) == half]
        if part:
            print(f"\n{half} half ({len(part)} runs):")
            print(summary(part))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
