"""Applies nandoctor's own first fix for each top cause to a scratch copy, re-runs it traced, and counts verdicts."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from nandoctor.model import Fix, from_dict  # noqa: E402
from nandoctor.verify import fix_groups, traced_run, try_fix  # noqa: E402


def check_one(entry: dict, scratch: str, top: int) -> list[dict]:
    script = HERE / entry["file"]
    out = Path(tempfile.mkdtemp(prefix="base-", dir=scratch))
    before = traced_run(script, [], out, timeout=300)
    if before is None:
        return [{"file": entry["file"], "tag": None, "verdict": "no session", "reason": ""}]
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    rows = []
    for cause in sorted(doc.get("causes", []), key=lambda c: c["rank"])[:top]:
        fixes = [from_dict(Fix, f) for f in cause.get("fixes", [])]
        groups = fix_groups(fixes)
        if not groups:
            advice = [f.title for f in fixes]
            rows.append({"file": entry["file"], "tag": cause["tag"], "rank": cause["rank"], "verdict": "no fix",
                         "reason": "the cause offers only advice: " + "; ".join(advice) if advice else
                         "the cause offers no fix", "true": cause["tag"] == entry["cause"]})
            continue
        trial = try_fix(script, [], cause["tag"], groups[0], before, scratch=scratch)
        rows.append({"file": entry["file"], "tag": cause["tag"], "rank": cause["rank"], "fix": list(trial.fix_titles),
                     "verdict": trial.verdict, "reason": trial.reason, "true": cause["tag"] == entry["cause"]})
    return rows


def plain_python_clean(script: Path, fixes, scratch: str, timeout: float = 600) -> tuple[bool, str]:
    """Run the patched copy with plain `python` (no nandoctor): clean when it exits 0 and prints no NaN or
    infinity and numpy warns of no overflow, invalid value or division by zero."""
    import re
    import shutil
    import subprocess

    from nandoctor.verify import _copy_tree, patch_files

    work = Path(tempfile.mkdtemp(prefix="plain-", dir=scratch))
    try:
        _copy_tree(script.parent, work)
        for path, (_, text) in patch_files(script, fixes).items():
            (work / path.relative_to(script.parent)).write_text(text, encoding="utf-8")
        try:
            proc = subprocess.run([sys.executable, script.name], cwd=str(work), capture_output=True, text=True,
                                  timeout=timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return False, f"plain python did not finish in {timeout:.0f} s"
        if proc.returncode != 0:
            return False, f"plain python exits {proc.returncode}: {proc.stderr.strip().splitlines()[-1:]}"
        bad = re.search(r"\b(nan|inf)\b", proc.stdout, re.IGNORECASE)
        if bad:
            return False, f"plain python prints `{bad.group(0)}`"
        warned = re.search(r"RuntimeWarning: (overflow|invalid value|divide by zero)[^\n]*", proc.stderr)
        if warned:
            return False, f"plain python warns: {warned.group(0)}"
        return True, "plain python runs clean"
    finally:
        shutil.rmtree(work, ignore_errors=True)


def check_verified(entry: dict, scratch: str) -> list[dict]:
    """Verify the script's fixes (nandoctor.verify.verify_session), then run the top fix shown as *cures* with plain
    python: a fix shown as curing must really run clean."""
    from nandoctor.session import load
    from nandoctor.verify import CURES, verify_session

    script = HERE / entry["file"]
    out = Path(tempfile.mkdtemp(prefix="base-", dir=scratch))
    if traced_run(script, [], out, timeout=300) is None:
        return [{"file": entry["file"], "tag": None, "verdict": "no session", "reason": ""}]
    session = load(out)
    v = verify_session(session, jobs=1, scratch=scratch, size=False)  # a search confirms nothing here
    if v.status != "verified":
        return [{"file": entry["file"], "tag": None, "verdict": "not verified", "reason": v.reason}]
    top = next((r for r in v.ranking if r.verdict == CURES), None)
    if top is None:
        best = v.ranking[0] if v.ranking else None
        return [{"file": entry["file"], "tag": best.tag if best else None, "verdict": "no cure shown",
                 "reason": best.reason if best else "", "true": bool(best and best.tag == entry["cause"])}]
    trial = next(t for t in v.trials if top.tag in t.causes and t.verdict == CURES)
    clean, why = plain_python_clean(script, trial.fixes, scratch)
    return [{"file": entry["file"], "tag": top.tag, "fix": [f.title for f in trial.fixes],
             "verdict": "cures, confirmed" if clean else "cures, NOT confirmed", "reason": why,
             "true": top.tag == entry["cause"]}]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=("dev", "test", "both"), default="dev")
    ap.add_argument("--samples", action="store_true",
                    help="the broken samples of tests/samples/cases instead of the corpus (counted as split 'samples')")
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--top", type=int, default=1, help="try the fix of each of the top N causes (default 1)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--json")
    ap.add_argument("--verified", action="store_true",
                    help="verify all fixes and the plan (nandoctor.verify), then run the top fix shown as cures with "
                         "plain python to confirm it")
    args = ap.parse_args(argv)
    manifest = json.loads((HERE / "manifest.json").read_text())["scripts"]
    splits = ("dev", "test") if args.split == "both" else (args.split,)
    if args.samples:
        cases = json.loads((HERE.parent / "samples" / "cases" / "expected.json").read_text())
        manifest = [{"file": f"../samples/cases/{e['file']}", "cause": e["defect"], "split": "samples",
                     "status": "broken"} for e in cases if not e["healthy"]]
        splits = ("samples",)
    entries = [e for e in manifest if e["split"] in splits and e["status"] == "broken"
               and (not args.only or any(o in e["file"] for o in args.only))]
    scratch = tempfile.mkdtemp(prefix="nandoctor-fixcheck-")
    with ThreadPoolExecutor(args.jobs) as pool:
        if args.verified:
            results = list(pool.map(lambda e: check_verified(e, scratch), entries))
        else:
            results = list(pool.map(lambda e: check_one(e, scratch, args.top), entries))
    rows = [dict(r, split=e["split"]) for e, rs in zip(entries, results) for r in rs]
    for r in rows:
        if r["split"] in ("dev", "samples"):  # the test half is counted, never looked into
            print(f"{r['verdict']:<12} {r['file']:<40} {r.get('tag') or '-':<36} {r['reason']}", flush=True)
    for split in splits:
        rs = [r for r in rows if r["split"] == split and r.get("tag")]
        counts = Counter(r["verdict"] for r in rs)
        if args.verified:
            shown = [r for r in rs if r["verdict"].startswith("cures")]
            confirmed = sum(r["verdict"] == "cures, confirmed" for r in shown)
            print(f"{split}: {len(rs)} scripts with a verified ranking; a fix shown as cures on {len(shown)}, "
                  f"confirmed by plain python on {confirmed}/{len(shown)}; the shown cause is the true one on "
                  f"{sum(bool(r.get('true')) for r in shown)}/{len(shown)}")
            continue
        cleared = sum(r["verdict"] in ("cures", "helps") for r in rs)
        tried = sum(r["verdict"] not in ("no fix",) for r in rs)
        print(f"{split}: {len(rs)} causes tried; the finding cleared by its own fix {cleared}/{tried} "
              f"({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))})")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
