"""Measure behaviour parity on many generated programs: `python scripts/fuzz.py N [--jobs J] [--seed S] [--all]`.

Runs N semantics programs from tests/fuzzgen.py (comprehension, lambda and class scoping; side-effecting
targets of every kind; evaluation order; exceptions with a custom __str__; atexit and weakref.finalize;
numpy error state), each untraced and traced in this process, and prints how many differed. A program that
differs is split into its blocks, each re-run alone, so every difference is counted under the construct
that causes it, with its smallest example. `--subprocess` runs each program as a script, plain `python`
against the real `nandoctor run`, instead of in this process. `--all` also generates the constructs test_fuzz.py skips as
known failures (tests/fuzzgen.py KNOWN_FAILURES, KNOWN_INPROCESS).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [ROOT, os.path.join(ROOT, "tests")]

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402

import fuzzgen  # noqa: E402


def measure(n: int, seed_value: int, exclude: frozenset, subprocess_mode: bool) -> dict:
    """Run n programs; {'programs', 'blocks', 'differed', 'causes': {cause: [count, example, diffs]}}."""
    result = {"programs": 0, "blocks": 0, "differed": 0, "causes": {}}
    compare = fuzzgen.compare_subprocess if subprocess_mode else fuzzgen.compare

    @seed(seed_value)
    @settings(max_examples=n, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(fuzzgen.semantic_program(exclude=exclude))
    def run(program):
        result["programs"] += 1
        result["blocks"] += len(program.blocks)
        if result["programs"] % 250 == 0:  # a run stopped early still says how far it got
            print(f"fuzz[seed {seed_value}]: {result['programs']} programs, {result['differed']} differed",
                  file=sys.stderr, flush=True)
        whole = compare(program)
        if not whole:
            return
        result["differed"] += 1
        found = False
        for i, block in enumerate(program.blocks):
            diffs = compare(program.only(i))
            if diffs:
                found = True
                fields = ",".join(d.split(" differs")[0] for d in diffs)
                _note(result, ",".join(sorted({":".join(t.split(":")[:2]) for t in block.tags})) + ": " + fields,
                      block.text, diffs)
        if not found:
            _note(result, "combination: differs only with other blocks", program.source[len(fuzzgen.PRELUDE):], whole)

    run()
    return result


def _note(result: dict, cause: str, text: str, diffs: list) -> None:
    entry = result["causes"].setdefault(cause, [0, text, diffs])
    entry[0] += 1
    if len(text) < len(entry[1]):
        entry[1:] = [text, diffs]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=2000, help="programs to run")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--all", action="store_true", help="include the known failures")
    parser.add_argument("--subprocess", action="store_true",
                        help="compare plain `python` with the real `nandoctor run` (about 2 s a program)")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (each its own seed)")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # a worker's output
    args = parser.parse_args()
    known = fuzzgen.KNOWN_FAILURES if args.subprocess else fuzzgen.KNOWN_INPROCESS
    exclude = frozenset() if args.all else known
    t0 = time.monotonic()
    if args.jobs > 1:
        result = _parallel(args)
    else:
        result = measure(args.n, args.seed, exclude, args.subprocess)
    if args.json:
        print(json.dumps(result))
        return 0
    elapsed = time.monotonic() - t0
    print(f"fuzz: {result['programs']} programs ({result['blocks']} blocks) in {elapsed:.0f}s, "
          f"{result['differed']} differed{' (known failures included)' if args.all else ''}")
    for cause, (count, text, diffs) in sorted(result["causes"].items(), key=lambda kv: -kv[1][0]):
        print(f"\n{count:6d} x {cause}")
        print("       " + text.replace("\n", "\n       "))
        for d in diffs[:3]:
            print(f"       -> {d[:300]}")
    return 1 if result["differed"] else 0


def _parallel(args) -> dict:
    """Split the programs over worker processes, seeds seed*jobs+i, and add up what they found."""
    share = [args.n // args.jobs + (i < args.n % args.jobs) for i in range(args.jobs)]
    flags = [f for f, on in (("--all", args.all), ("--subprocess", args.subprocess)) if on]
    workers = [subprocess.Popen([sys.executable, __file__, str(k), "--seed", str(args.seed * args.jobs + i),
                                 "--json", *flags], stdout=subprocess.PIPE, text=True)
               for i, k in enumerate(share)]
    total = {"programs": 0, "blocks": 0, "differed": 0, "causes": {}}
    for w in workers:
        out, _ = w.communicate()
        part = json.loads(out.strip().splitlines()[-1])
        for key in ("programs", "blocks", "differed"):
            total[key] += part[key]
        for cause, (count, text, diffs) in part["causes"].items():
            entry = total["causes"].setdefault(cause, [0, text, diffs])
            entry[0] += count
            if len(text) < len(entry[1]):
                entry[1:] = [text, diffs]
    return total


if __name__ == "__main__":
    sys.exit(main())
