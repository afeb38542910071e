"""pytest plugin: `pytest --nandoctor` or `@pytest.mark.nandoctor` fails a test whose code computed a NaN or an infinity, with the diagnosis.

Registered through the `pytest11` entry point, so it is loaded whenever nandoctor is installed; without
the flag or the marker it does nothing at all (no import of numpy or of the tracer, no hook installed).

With it, each test's call phase runs traced: the functions and classes of the test's module and of
the user modules already imported from under the rootdir (never site-packages, the standard library
or nandoctor) are recompiled with recording hooks for the duration of the test and restored after
it, as `nandoctor.trace()` does. The test runs to its end; if a NaN or an infinity was computed, a
passing test fails with a message naming the statement, the step and the top cause, and a failing
test gets the same diagnosis as an extra section. Absorbed values (an `exp` overflow that a sigmoid
turns into a finite 0.0) do not fail a test.
"""

from __future__ import annotations

import ast
import os
import re
import sys

import pytest

_DIAGNOSIS = pytest.StashKey[str]()
# Findings that restate the non-finite value itself rather than explain it.
_SYMPTOMS = ("first_nonfinite", "weights_nonfinite", "nonfinite_in_data")
_CONFIG = pytest.StashKey[object]()


def pytest_addoption(parser):
    group = parser.getgroup("nandoctor", "nandoctor: why did my numpy code go NaN")
    group.addoption("--nandoctor", action="store_true", default=False,
                    help="trace every test with nandoctor; a test fails if its code computed a NaN or an "
                         "infinity, with the statement, the step and the top cause")
    group.addoption("--nandoctor-report", metavar="DIR", default=None,
                    help="also write the nandoctor report of each such test into DIR/<test id>/")


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "nandoctor(step_loop=None): trace this test with nandoctor and fail it if its code computed a NaN "
        "or an infinity (what --nandoctor does for every test)",
    )


def _marker(item):
    return item.get_closest_marker("nandoctor")


def _enabled(item) -> bool:
    return bool(item.config.getoption("nandoctor", False)) or _marker(item) is not None


def _config(item):
    """The [tool.nandoctor] table of the rootdir's pyproject.toml, read once per run."""
    cfg = item.config.stash.get(_CONFIG, None)
    if cfg is None:
        from .analysis.catalogue import known_thresholds
        from .config import load_config

        cfg = load_config(str(item.config.rootpath), known=known_thresholds)
        item.config.stash[_CONFIG] = cfg
    return cfg


def _user_modules(item, exclude) -> list:
    """Modules imported from files under the rootdir, other than the test's own: user code to trace."""
    import fnmatch

    from .trace.importhook import _protected_roots, _under

    root = os.path.realpath(str(item.config.rootpath))
    protected = [p for p in _protected_roots() if not _under(root, p)]
    own = getattr(item, "module", None)
    out = []
    for mod in list(sys.modules.values()):
        path = getattr(mod, "__file__", None)
        if mod is own or not path or not path.endswith(".py"):
            continue
        real = os.path.realpath(path)
        if not _under(real, root) or any(_under(real, p) for p in protected):
            continue
        if any(fnmatch.fnmatch(real, pat) or fnmatch.fnmatch(os.path.basename(real), pat) for pat in exclude):
            continue
        out.append(mod)
    return out


def _targets(modules) -> list:
    import types

    out = []
    for mod in modules:
        name = mod.__name__
        for obj in list(vars(mod).values()):
            if isinstance(obj, (types.FunctionType, type)) and getattr(obj, "__module__", None) == name:
                out.append(obj)
    return out


def _assert_rewriter(item):
    """Re-apply pytest's assertion rewriting to recompiled test functions, so failures keep their detail."""
    try:
        from _pytest.assertion.rewrite import rewrite_asserts
    except ImportError:  # pragma: no cover -- pytest internals moved: plain asserts still work
        return None
    sources: dict[str, bytes] = {}

    def transform(module, fn):
        if "@py_builtins" not in fn.__globals__:
            return  # this module was not rewritten by pytest (not a test module or conftest)
        filename = fn.__code__.co_filename
        if filename not in sources:
            with open(filename, "rb") as f:
                sources[filename] = f.read()
        try:
            rewrite_asserts(module, sources[filename], filename, item.config)
        except Exception:  # noqa: BLE001 -- keep the plain asserts rather than break the test
            return
        # The rewriter's inserted imports carry a start line only; give every node a valid range.
        ast.fix_missing_locations(module)
        for node in ast.walk(module):
            if getattr(node, "end_lineno", None) is not None and node.end_lineno < node.lineno:
                node.end_lineno = node.lineno

    return transform


def _start(item):
    from .api import trace
    from .trace.tracer import active_tracer

    if active_tracer() is not None:  # the test traces something itself: leave it alone
        return None
    cfg = _config(item)
    marker = _marker(item)
    step_loop = (marker.kwargs.get("step_loop") if marker is not None else None) or cfg.step_loop
    module = getattr(item, "module", None)
    extra = _targets(_user_modules(item, cfg.exclude))
    t = trace(namespace=module.__dict__ if module is not None else {}, functions=extra, step_loop=step_loop,
              transform=_assert_rewriter(item))
    t.tracer.meta.update(script=item.nodeid, argv=[], config=cfg.as_meta(), step_loop=step_loop)
    t.__enter__()
    return t


def _where(item, file, line, function) -> str:
    try:
        rel = os.path.relpath(file, str(item.config.rootpath))
        if not rel.startswith(".."):
            file = rel
    except ValueError:
        pass
    return f"{file}:{line} ({function})"


def diagnosis(session, item=None) -> str | None:
    """The failure text for a session whose code computed a NaN or an infinity; None for a clean one."""
    try:
        ev = session.first_nonfinite
    except Exception:  # noqa: BLE001 -- the value backstop below still answers
        ev = None
    obs = session.first_nonfinite_observation()
    if ev is None and obs is None:
        return None
    where = (lambda f, ln, fn: _where(item, f, ln, fn)) if item is not None else (lambda f, ln, fn: f"{f}:{ln} ({fn})")
    lines = []
    if ev is not None:
        lines.append(f"nandoctor: first non-finite value at step {ev.step}, {where(ev.file, ev.line, ev.function)}")
        lines.append(f"    {ev.statement.strip()}")
        what = ev.expression or ev.statement.strip()
        lines.append(f"  {what} computed {ev.operation or ev.error}")
    else:
        held = ", ".join(f"{obs[k]} {w}" for k, w in (("n_nan", "NaN"), ("n_posinf", "+inf"), ("n_neginf", "-inf"))
                         if obs[k])
        lines.append(f"nandoctor: first non-finite value at step {obs['step']}, "
                     f"{where(obs['file'], obs['line'], obs['function'])}")
        lines.append(f"    {obs['statement'].strip()}")
        lines.append(f"  {obs['target']} held {held}")
    try:
        causes = sorted(session.causes, key=lambda c: c.rank)
        findings = session.findings
    except Exception as e:  # noqa: BLE001
        causes, findings = [], []
        lines.append(f"  (analysis failed: {type(e).__name__}: {e})")
    if causes:
        c = causes[0]
        lines.append(f"  top cause: {c.summary or c.tag} [{c.tag}]")
        for fix in c.fixes[:1]:
            if fix.before and fix.after:
                lines.append(f"  fix (line {fix.line}): {fix.before.strip()}  ->  {fix.after.strip()}")
            elif fix.title:
                lines.append(f"  fix: {fix.title}")
    else:
        # No ranked cause: name the earliest serious findings instead, skipping the symptoms themselves.
        order = {"error": 0, "warning": 1}
        worst = sorted((f for f in findings if f.severity in order and f.code not in _SYMPTOMS),
                       key=lambda f: (f.first_step if f.first_step is not None else 1 << 62, order[f.severity]))
        lines.append("  top cause: none identified" + ("; earliest findings:" if worst else ""))
        for f in worst[:2]:
            at = f" at step {f.first_step}" if f.first_step is not None else ""
            lines.append(f"    [{f.severity}] {f.code}{at}: {f.message}")
    return "\n".join(lines)


def _stop(t, item) -> str | None:
    t.__exit__(None, None, None)
    try:
        session = t.session
        text = diagnosis(session, item)
    except Exception as e:  # noqa: BLE001 -- nandoctor's own failure must not fail the test
        item.warn(pytest.PytestWarning(f"nandoctor could not analyse this test: {type(e).__name__}: {e}"))
        return None
    if text is None:
        return None
    out = item.config.getoption("nandoctor_report", None)
    if out:
        folder = os.path.join(out, re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid).strip("_"))
        try:
            session.save(folder)
            session.report(folder)
            text += f"\n  report: {folder}"
        except Exception as e:  # noqa: BLE001 -- the diagnosis stands without the report
            text += f"\n  (report not written: {type(e).__name__}: {e})"
    return text


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    if not _enabled(item):
        yield
        return
    from .config import ConfigError

    t = None
    try:
        t = _start(item)
    except ConfigError as e:  # a bad [tool.nandoctor] table fails the test: the user asked for tracing
        item.stash[_DIAGNOSIS] = f"nandoctor: {e}"
    except Exception as e:  # noqa: BLE001 -- nandoctor's own failure: warn and run the test untraced
        item.warn(pytest.PytestWarning(f"nandoctor could not trace this test: {type(e).__name__}: {e}"))
    try:
        yield
    finally:
        if t is not None:
            text = _stop(t, item)
            if text is not None:
                item.stash[_DIAGNOSIS] = text


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    if call.when != "call":
        return
    text = item.stash.get(_DIAGNOSIS, None)
    if text is None:
        return
    del item.stash[_DIAGNOSIS]
    rep = outcome.get_result()
    if hasattr(rep, "wasxfail"):
        return  # an expected failure stays what the test author declared
    if rep.passed:
        rep.outcome = "failed"
        rep.longrepr = text
    elif rep.failed:
        try:
            rep.longrepr.addsection("nandoctor", text)
        except AttributeError:
            rep.longrepr = f"{rep.longrepr}\n\n{text}"
