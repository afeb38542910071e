"""Differential testing: real projects' test suites, plain and with their own modules rewritten by nandoctor, per-test outcomes compared.

    python scripts/differential.py                     # the full run (every project below)
    python scripts/differential.py --sample            # the fixed sample CI runs (tests/test_differential.py)
    python scripts/differential.py --projects toolz,pint --out /tmp/differential

Each project's tests run twice with the same arguments, order and seeds: once plain, once with the
plugin `nandoctor._differential` compiling the project's own modules through `compile_instrumented`
under a started Tracer. Both runs load the plugin (it records each test's outcome), so they import
the same modules. Prints a table (project, version, tests, outcomes differing, nandoctor internal
errors) and every differing test; exits 1 if any outcome differs or a project could not run.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import importlib.metadata
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@dataclass(frozen=True)
class Project:
    """One project: the distribution pinned in pyproject's `differential` extra, its package, what to run."""

    name: str  # distribution name
    package: str  # the import package whose modules are instrumented
    targets: tuple[str, ...]  # --pyargs targets of the full run
    sample: tuple[str, ...]  # --pyargs targets (or node ids) of CI's sample
    options: tuple[str, ...] = ()  # extra pytest options, the same in both runs
    timeout: int = 3600


PROJECTS = (
    # functional code: currying, introspection of signatures, generators everywhere
    Project("toolz", "toolz", ("toolz",), ("toolz.tests",)),
    # graphs: generators, views, descriptors, decorators that rewrite arguments (the graph classes,
    # generators, utilities and file formats; the algorithms' suites take hours instrumented on 2 cores)
    Project("networkx", "networkx", ("networkx.classes", "networkx.generators", "networkx.utils", "networkx.readwrite"),
            ("networkx.classes.tests.test_graph", "networkx.generators.tests.test_classic")),
    # arbitrary-precision numerics: contexts, mixins, pure-Python big-integer arithmetic in every loop
    Project("mpmath", "mpmath", tuple(f"mpmath.tests.{name}" for name in (
        "test_basic_ops", "test_bitwise", "test_convert", "test_division", "test_identify", "test_interval",
        "test_matrices", "test_mpmath", "test_pickle", "test_power", "test_rootfinding", "test_str", "test_trig")),
            ("mpmath.tests.test_basic_ops", "mpmath.tests.test_convert")),
    # formulas to design matrices with numpy: its tests live inside its modules, so every file is collected
    Project("patsy", "patsy", ("patsy",), ("patsy.desc", "patsy.constraint"), ("-o", "python_files=*.py")),
    # units: metaprogrammed registries, operator overloading, numpy ufunc and array-function protocols
    Project("pint", "pint", ("pint",), ("pint.testsuite.test_umath", "pint.testsuite.test_numpy_func")),
    # symbolic maths: caching decorators, metaclasses, __slots__, descriptors, deep recursion
    Project("sympy", "sympy", ("sympy.core", "sympy.logic", "sympy.sets"),
            ("sympy.core.tests.test_basic", "sympy.core.tests.test_sympify")),
)


@dataclass
class Result:
    project: Project
    version: str = ""
    tests: int = 0
    differing: list[tuple[str, str, str]] = field(default_factory=list)  # (test, plain, instrumented)
    instrumented_modules: int = 0
    sites: int = 0
    internal_errors: list[dict] = field(default_factory=list)
    problem: str = ""  # why the project could not be compared
    seconds: tuple[float, float] = (0.0, 0.0)
    counts: dict = field(default_factory=dict)  # outcome -> number, in the plain run
    partial: bool = False  # compare only the tests both runs finished (a run was stopped early)
    unfinished: int = 0  # tests that only one of the two runs finished


def installed_version(project: Project) -> str | None:
    try:
        return importlib.metadata.version(project.name)
    except importlib.metadata.PackageNotFoundError:
        return None


def _pytest(project: Project, targets, outcomes: str, instrument: bool, workdir: str, log: str) -> float:
    ini = os.path.join(workdir, "pytest.ini")
    with open(ini, "w", encoding="utf-8") as handle:
        handle.write("[pytest]\n")  # no project or nandoctor settings: both runs see pytest's defaults
    command = [
        sys.executable, "-m", "pytest", "-c", ini, "--rootdir", workdir, "-q", "-p", "no:cacheprovider",
        "-p", "no:randomly", "-p", "nandoctor._differential", "--nd-outcomes", outcomes,
        *project.options, "--pyargs", *targets,
    ]
    if _has_plugin("pytest-benchmark"):
        command += ["--benchmark-disable"]  # each benchmark runs once, as a test, not thousands of timed rounds
    if _has_plugin("hypothesis"):
        command += ["--hypothesis-seed=0"]
    if instrument:
        command += ["--nd-instrument", project.package]
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["PYTHONHASHSEED"] = "0"
    env.pop("NANDOCTOR_RAISE", None)  # the patient's outcome is compared; internal errors are counted
    started = time.monotonic()
    with open(log, "w", encoding="utf-8") as out:
        # Each run in its own empty directory: files a test leaves (a hypothesis database) never reach the other.
        subprocess.run(command, cwd=workdir, env=env, stdout=out, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL, timeout=project.timeout, check=False)
    return time.monotonic() - started


def _has_plugin(distribution: str) -> bool:
    try:
        importlib.metadata.version(distribution)
        return True
    except importlib.metadata.PackageNotFoundError:
        return False


def _run(project: Project, mode: str, targets, out_dir: str) -> tuple[dict | None, float, str]:
    """One run of the project's tests: its saved outcomes (None if it wrote none), its seconds, a problem."""
    workdir = tempfile.mkdtemp(prefix=f"{project.name}-{mode}-", dir=out_dir)
    outcomes = os.path.join(out_dir, f"{project.name}-{mode}.json")
    log = os.path.join(out_dir, f"{project.name}-{mode}.log")
    try:
        seconds = _pytest(project, targets, outcomes, mode == "instrumented", workdir, log)
    except subprocess.TimeoutExpired:
        return None, float(project.timeout), f"{mode} run timed out after {project.timeout}s (log: {log})"
    if not os.path.exists(outcomes):
        return None, seconds, f"{mode} run wrote no outcomes (log: {log})"
    with open(outcomes, encoding="utf-8") as handle:
        return json.load(handle), seconds, ""


def compare(project: Project, *, sample: bool = False, out_dir: str | None = None, jobs: int = 1) -> Result:
    """Run the project's tests plain and instrumented (`jobs` > 1: both at once); the outcomes that differ."""
    result = Result(project)
    version = installed_version(project)
    if version is None:
        result.problem = f"{project.name} is not installed (pip install -e '.[differential]')"
        return result
    result.version = version
    targets = project.sample if sample else project.targets
    out_dir = out_dir or tempfile.mkdtemp(prefix="nd-differential-")
    modes = ("plain", "instrumented")
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, min(jobs, 2))) as pool:
        done = dict(zip(modes, pool.map(lambda mode: _run(project, mode, targets, out_dir), modes)))
    result.seconds = (done["plain"][1], done["instrumented"][1])
    result.problem = "; ".join(problem for _, _, problem in done.values() if problem)
    if result.problem:
        return result
    return _compared(result, {mode: done[mode][0] for mode in modes})


def _compared(result: Result, runs: dict) -> Result:
    plain, instrumented = runs["plain"]["outcomes"], runs["instrumented"]["outcomes"]
    result.tests = len(plain)
    for outcome in plain.values():
        result.counts[outcome] = result.counts.get(outcome, 0) + 1
    if result.partial:
        # A run stopped early (SIGINT: pytest still saves what it ran): only the tests both runs finished.
        result.unfinished = len(set(plain) ^ set(instrumented))
        common = set(plain) & set(instrumented)
        plain = {test: plain[test] for test in common}
        instrumented = {test: instrumented[test] for test in common}
        result.tests = len(common)
        result.counts = {}
        for outcome in plain.values():
            result.counts[outcome] = result.counts.get(outcome, 0) + 1
    for test in sorted(set(plain) | set(instrumented)):
        if plain.get(test) != instrumented.get(test):
            result.differing.append((test, plain.get(test, "absent"), instrumented.get(test, "absent")))
    result.instrumented_modules = len(runs["instrumented"].get("instrumented_modules", []))
    result.sites = runs["instrumented"].get("sites", 0)
    result.internal_errors = runs["instrumented"].get("internal_errors", [])
    if result.instrumented_modules == 0:
        result.problem = "no module of the project was instrumented"
    if result.tests == 0:
        result.problem = "no test ran"
    return result


def saved(project: Project, directory: str, partial: bool = False) -> Result:
    """The comparison of the two runs whose outcomes an earlier run saved in `directory`."""
    result = Result(project, version=installed_version(project) or "", partial=partial)
    runs = {}
    for mode in ("plain", "instrumented"):
        path = os.path.join(directory, f"{project.name}-{mode}.json")
        if not os.path.exists(path):
            result.problem = f"no saved {mode} outcomes ({path})"
            return result
        with open(path, encoding="utf-8") as handle:
            runs[mode] = json.load(handle)
    return _compared(result, runs)


def table(results: list[Result]) -> str:
    rows = [("project", "version", "tests", "differing", "internal errors", "modules", "sites", "plain s", "instr. s")]
    for r in results:
        rows.append((r.project.name, r.version or "-", str(r.tests), str(len(r.differing)),
                     str(len(r.internal_errors)), str(r.instrumented_modules), str(r.sites),
                     f"{r.seconds[0]:.0f}", f"{r.seconds[1]:.0f}"))
    rows.append(("total", "", str(sum(r.tests for r in results)), str(sum(len(r.differing) for r in results)),
                 str(sum(len(r.internal_errors) for r in results)), "", "", "", ""))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) for row in rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", default="", help="comma-separated distribution names (default: all)")
    parser.add_argument("--sample", action="store_true", help="run CI's fixed sample instead of the full suites")
    parser.add_argument("--jobs", type=int, default=1,
                        help="test runs at once (projects in parallel; each project's two runs together)")
    parser.add_argument("--from", dest="saved", default=None, metavar="DIR",
                        help="compare the outcomes an earlier run saved in DIR, running nothing")
    parser.add_argument("--partial", action="store_true",
                        help="with --from: compare only the tests both runs finished (one was stopped early)")
    parser.add_argument("--out", default=None, help="directory for the outcomes, logs and summary.json")
    args = parser.parse_args(argv)
    wanted = [name for name in args.projects.split(",") if name]
    unknown = set(wanted) - {p.name for p in PROJECTS}
    if unknown:
        parser.error(f"unknown project(s): {', '.join(sorted(unknown))}")
    out_dir = args.out or tempfile.mkdtemp(prefix="nd-differential-")
    os.makedirs(out_dir, exist_ok=True)
    chosen = [project for project in PROJECTS if not wanted or project.name in wanted]

    def run(project):
        result = compare(project, sample=args.sample, out_dir=out_dir, jobs=args.jobs)
        print(f"{project.name}: {result.tests} tests, {len(result.differing)} differing"
              + (f" -- {result.problem}" if result.problem else ""), flush=True)
        return result

    if args.saved:
        out_dir = args.saved
        results = [saved(project, args.saved, args.partial) for project in chosen]
    else:
        # Each project's two runs take two slots of `jobs`.
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs // 2)) as pool:
            results = list(pool.map(run, chosen))
    print()
    print(table(results))
    for r in results:
        for test, plain, instrumented in r.differing:
            print(f"DIFFERS {r.project.name} {test}: plain {plain}, instrumented {instrumented}")
        for error in r.internal_errors:
            print(f"INTERNAL {r.project.name} {error['test']}: {error['error']} at {' < '.join(error['where'])}")
        if r.unfinished:
            print(f"PARTIAL {r.project.name}: {r.unfinished} tests finished by one run only, not compared")
        if r.problem:
            print(f"PROBLEM {r.project.name}: {r.problem}")
    summary = [{"project": r.project.name, "version": r.version, "tests": r.tests, "counts": r.counts,
                "differing": r.differing, "internal_errors": r.internal_errors, "problem": r.problem,
                "instrumented_modules": r.instrumented_modules, "sites": r.sites, "seconds": r.seconds}
               for r in results]
    with open(os.path.join(out_dir, "summary.json"), "w", encoding="utf-8") as handle:
        json.dump(summary, handle, indent=1)
    print(f"\noutcomes and logs: {out_dir}")
    return 1 if any(r.differing or r.problem for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
