"""Measure behaviour parity on many generated programs: `python scripts/fuzz.py N [--seed S] [--all]`.

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
import collections
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [ROOT, os.path.join(ROOT, "tests")]

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402

import fuzzgen  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=2000, help="programs to run")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--all", action="store_true", help="include the known failures")
    parser.add_argument("--subprocess", action="store_true",
                        help="compare plain `python` with the real `nandoctor run` (about 2 s a program)")
    parser.add_argument("--examples", type=int, default=1, help="example programs to print per difference")
    args = parser.parse_args()
    known = fuzzgen.KNOWN_FAILURES if args.subprocess else fuzzgen.KNOWN_INPROCESS
    exclude = frozenset() if args.all else known
    counts = collections.Counter()
    by_cause: collections.Counter = collections.Counter()
    examples: dict = {}
    t0 = time.monotonic()
    compare = fuzzgen.compare_subprocess if args.subprocess else fuzzgen.compare

    @seed(args.seed)
    @settings(max_examples=args.n, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(fuzzgen.semantic_program(exclude=exclude))
    def measure(program):
        counts["programs"] += 1
        counts["blocks"] += len(program.blocks)
        if not compare(program):
            return
        counts["differed"] += 1
        found = False
        for i, block in enumerate(program.blocks):
            diffs = compare(program.only(i))
            if diffs:
                found = True
                fields = ",".join(d.split(" differs")[0] for d in diffs)
                cause = (",".join(sorted({":".join(t.split(":")[:2]) for t in block.tags})), fields)
                by_cause[cause] += 1
                old = examples.get(cause)
                if old is None or len(block.text) < len(old[0]):
                    examples[cause] = (block.text, diffs)
        if not found:
            by_cause[("combination", "differs only with other blocks")] += 1
            examples.setdefault(("combination", "differs only with other blocks"), (program.source, []))

    measure()
    elapsed = time.monotonic() - t0
    print(f"fuzz: {counts['programs']} programs ({counts['blocks']} blocks) in {elapsed:.0f}s, "
          f"{counts['differed']} differed{' (known failures included)' if args.all else ''}")
    for cause, n in by_cause.most_common():
        print(f"\n{n:6d} x {cause[0]}: {cause[1]}")
        text, diffs = examples[cause]
        print("       " + text.replace("\n", "\n       "))
        for d in diffs[:3]:
            print(f"       -> {d[:300]}")
    return 1 if counts["differed"] else 0


if __name__ == "__main__":
    sys.exit(main())
