"""pytest plugin for differential testing: a project's own modules compiled through the rewriter, each test's outcome saved.

Loaded explicitly (`-p nandoctor._differential`), never through an entry point. Both runs of a
comparison load it, so both import the same modules before the project's tests start:

    --nd-outcomes FILE     write {nodeid: outcome} (and, when instrumenting, what the trace saw) as JSON
    --nd-instrument PKG    start a Tracer with no writer, and compile every module of the installed
                           package PKG (found under its own directory, never a dependency) through
                           `compile_instrumented` as it is imported, with the recording hooks live

Test files and conftest.py stay with pytest's assertion rewriter, so failure messages and the
collection are pytest's own; every other module under the package directory, helpers included, is
instrumented. The package must not be imported before the finder is installed: that would leave its
code uninstrumented while the run claims otherwise, so it is a usage error.
"""

from __future__ import annotations

import fnmatch
import importlib.machinery
import importlib.util
import json
import os
import sys
import traceback

import pytest

from nandoctor.trace.instrument import compile_instrumented
from nandoctor.trace.tracer import Tracer

_TEST_FILES = ("test_*.py", "*_test.py", "conftest.py")


class _InstrumentingLoader(importlib.machinery.SourceFileLoader):
    """Compiles one module of the project with recording hooks; writes no bytecode (it differs from Python's)."""

    state: "_State"

    def get_code(self, fullname):
        path = self.get_filename(fullname)
        code = compile_instrumented(self.get_data(path), path, self.state.tracer.registry)
        self.state.instrumented.append(fullname)
        return code


class _ProjectFinder:
    """A meta-path finder that takes the project's non-test modules, found where Python would find them."""

    def __init__(self, state: "_State", root: str):
        self.root = os.path.realpath(root)
        self.loader_cls = type("Loader", (_InstrumentingLoader,), {"state": state})

    def find_spec(self, fullname, path=None, target=None):
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is None or not isinstance(spec.loader, importlib.machinery.SourceFileLoader):
            return None
        origin = os.path.realpath(spec.origin or "")
        if not origin.startswith(self.root + os.sep) or not origin.endswith(".py"):
            return None
        if any(fnmatch.fnmatch(os.path.basename(origin), pattern) for pattern in _TEST_FILES):
            return None  # pytest's assertion rewriter imports it, as in the plain run
        spec.loader = self.loader_cls(fullname, spec.origin)
        return spec

    def invalidate_caches(self):
        pass


class _State:
    """One run: the outcomes collected, and the trace with what it instrumented and its internal errors."""

    def __init__(self, package: str | None):
        self.package = package
        self.outcomes: dict[str, str] = {}
        self.tracer: Tracer | None = None
        self.finder: _ProjectFinder | None = None
        self.instrumented: list[str] = []
        self.internal_errors: list[dict] = []
        self.current_test = ""

    def start(self) -> None:
        package = self.package
        already = sorted(name for name in sys.modules if name == package or name.startswith(package + "."))
        if already:
            raise pytest.UsageError(
                f"--nd-instrument {package}: already imported before the finder could be installed "
                f"({', '.join(already[:5])}); its code would run uninstrumented")
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            raise pytest.UsageError(f"--nd-instrument {package}: no installed package of that name")
        self.tracer = Tracer(writer=None)
        recorder = self.tracer.recorder
        original = recorder.internal_error

        def internal_error(exc, _original=original):
            frames = traceback.extract_tb(exc.__traceback__) if exc.__traceback__ else []
            where = [f"{os.path.basename(f.filename)}:{f.lineno} {f.name}" for f in frames[-3:]]
            self.internal_errors.append({
                "test": self.current_test,
                "error": "".join(traceback.format_exception_only(type(exc), exc)).strip()[:300],
                "where": where,
            })
            _original(exc)

        recorder.internal_error = internal_error
        self.tracer.start()
        self.finder = _ProjectFinder(self, spec.submodule_search_locations[0])
        sys.meta_path.insert(0, self.finder)

    def stop(self) -> None:
        try:
            if self.finder is not None and self.finder in sys.meta_path:
                sys.meta_path.remove(self.finder)
        finally:
            self.finder = None
            if self.tracer is not None:
                self.tracer.stop()

    def drop_chunks(self) -> None:
        # No writer: what was recorded is checked for errors, not kept, so a long suite's memory stays flat.
        if self.tracer is not None:
            self.tracer.recorder.chunks.clear()


_STATE = pytest.StashKey[_State]()


def pytest_addoption(parser):
    group = parser.getgroup("nandoctor-differential", "nandoctor differential testing")
    group.addoption("--nd-outcomes", metavar="FILE", default=None,
                    help="write every test's outcome (and the trace's summary) as JSON to FILE")
    group.addoption("--nd-instrument", metavar="PACKAGE", default=None,
                    help="compile the installed PACKAGE's own modules through nandoctor's rewriter, hooks live")


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    # Before the initial conftests: a project's conftest.py imports the project.
    state = _State(early_config.known_args_namespace.nd_instrument)
    early_config.stash[_STATE] = state
    if state.package:
        state.start()


def pytest_runtest_logstart(nodeid, location):
    state = _state_of_current()
    if state is not None:
        state.current_test = nodeid


def pytest_runtest_logreport(report):
    state = _state_of_current()
    if state is None:
        return
    outcome = _outcome(report)
    if report.when == "teardown":
        # A failing teardown turns a passed test into an error; the call phase decides otherwise.
        if outcome == "error" and state.outcomes.get(report.nodeid) in (None, "passed"):
            state.outcomes[report.nodeid] = "error"
        state.drop_chunks()
    elif outcome is not None:
        state.outcomes[report.nodeid] = outcome


def pytest_collectreport(report):
    state = _state_of_current()
    if state is not None and report.failed:
        state.outcomes[report.nodeid or "<collection>"] = "collect-error"


def _outcome(report) -> str | None:
    if hasattr(report, "wasxfail"):
        return "xpassed" if report.passed else "xfailed"
    if report.failed:
        return "failed" if report.when == "call" else "error"
    if report.skipped:
        return "skipped"
    return "passed" if report.when in ("setup", "call") else None


_CURRENT: list[_State] = []


def _state_of_current() -> _State | None:
    return _CURRENT[-1] if _CURRENT else None


def pytest_configure(config):
    state = config.stash.get(_STATE, None)
    if state is not None:
        _CURRENT.append(state)


def pytest_unconfigure(config):
    state = config.stash.get(_STATE, None)
    if state is None:
        return
    try:
        state.stop()
    finally:
        if state in _CURRENT:
            _CURRENT.remove(state)
    path = config.getoption("nd_outcomes")
    if path:
        summary = {"outcomes": state.outcomes}
        if state.package:
            summary.update({
                "package": state.package,
                "instrumented_modules": sorted(set(state.instrumented)),
                "sites": len(state.tracer.registry.sites) if state.tracer else 0,
                "internal_errors": state.internal_errors,
            })
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(summary, handle, indent=0, sort_keys=True)
