"""Shared fixtures: the leak check every test runs under, and traced sessions of the founding case."""

from __future__ import annotations

import builtins
import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pandas  # noqa: F401 -- `import nandoctor` is lazy; importing pandas registers six's meta-path finder,
import pytest  # which must happen before the leak check's first snapshot, not inside a test

ROOT = Path(__file__).resolve().parent.parent
# The founding case, as bundled: the demo is numerically the founding script, and its answer variant is the
# accepted answer's (weights x0.1, learning rate 0.1, 500,000 steps). Tests use only files inside the repository.
SEED = ROOT / "nandoctor" / "demo" / "net341.py"
SEED_ANSWER = ROOT / "nandoctor" / "demo" / "net341_answer.py"
SEED_LINE_0OVER0 = 41  # `dl_jk = -y/a_jk + (1 - y)/(1 - a_jk)`: where the founding case first goes NaN
SAMPLES = Path(__file__).resolve().parent / "samples"
# nandoctor's own errors raise in every test instead of being recorded, where a test would never see them:
# subprocess runs inherit NANDOCTOR_RAISE=1, and in-process traces default to raise_errors=True. A test that
# provokes internal errors on purpose says so: env={"NANDOCTOR_RAISE": "0"}, or raise_errors=False.
os.environ["NANDOCTOR_RAISE"] = "1"


def _raise_in_process() -> None:
    from importlib import import_module

    api, cli = import_module("nandoctor.api"), import_module("nandoctor.cli")
    tracer = import_module("nandoctor.trace.tracer")  # `nandoctor.trace` the attribute is the trace() API
    for fn in (api.trace.__init__, cli.trace_script, tracer.Tracer.__init__):
        assert "raise_errors" in fn.__kwdefaults__, fn
        fn.__kwdefaults__["raise_errors"] = True


_raise_in_process()

HOOK_NAMES = ("__nd_rec__", "__nd_upd__", "__nd_delta__", "__nd_augrec__", "__nd_unpack__", "__nd_args__",
              "__nd_iter__", "__nd_exit__", "__nd_old__", "__nd_begin__", "__nd_updv__", "__nd_keep__", "__nd_kept__",
              "__nd_wkeep__", "__nd_wkept__", "__nd_setattr__", "__nd_key__", "__nd_keyof__")


def _hook_state():
    from nandoctor.trace.instrument import NOOP_HOOKS

    # After a trace the hooks stay bound as no-ops (instrumented code may still run): absent and no-op
    # are the same state; any other function left in builtins is a live hook that leaked.
    return (
        {k: None if builtins.__dict__.get(k) in (None, NOOP_HOOKS.get(k)) else builtins.__dict__.get(k)
         for k in HOOK_NAMES},
        np.geterr(),
        np.geterrcall(),
        sys.gettrace(),
        sys.getprofile(),
        threading.gettrace() if hasattr(threading, "gettrace") else None,
        tuple(type(f).__name__ for f in sys.meta_path),
        warnings_state(),
    )


def warnings_state():
    import warnings

    return (warnings.showwarning, len(warnings.filters))


@pytest.fixture(autouse=True)
def no_leaked_hooks():
    """No hook, numpy error state, trace function or import hook survives a test."""
    before = _hook_state()
    yield
    after = _hook_state()
    assert after == before, f"nandoctor left state behind:\nbefore={before}\nafter={after}"


def analysed_session(tmp_path, source: str, name: str = "prog"):
    """Trace `source` in this process; the analysed session."""
    import textwrap

    from nandoctor.cli import trace_script

    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(source))
    _, session = trace_script(str(path), [], tmp_path / f"{name}_out", formats=("json",), raise_errors=True)
    assert session is not None
    return session


def judge_rule(session, code: str):
    """({premise: status}, outcome) of the declared rule `code` on this session."""
    from collections import defaultdict

    from nandoctor.analysis.rules import RuleContext, load_rules
    from nandoctor.detectors.facts import facts

    rule = load_rules()[code]
    by = defaultdict(list)
    for f in session.findings:
        by[f.code].append(f)
    out = rule.evaluate(RuleContext(session, facts(session), by, rule))
    return {c.premise: c.status for c in out.checks}, out


def premise_checks(session, code: str) -> dict:
    """{premise: check} of the declared rule `code`, evaluated with every other rule as the analysis runs them."""
    import warnings

    import numpy as np

    from nandoctor.analysis.rules import evaluate_rules
    from nandoctor.detectors.facts import facts

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        _, _, checks = evaluate_rules(session, facts(session), session.findings)
    return {c.premise: c for c in checks.get(code, [])}


def edited_sample(name: str, edits: dict) -> str:
    """The source of tests/samples/cases/`name` with each edit (old -> new) made exactly once."""
    from pathlib import Path

    text = (Path(__file__).resolve().parent / "samples" / "cases" / name).read_text()
    for old, new in edits.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def chunks_reversed(recording, parts: int = 3):
    """The recording with its rows in `parts` chunks written in reverse order, as a session read back from its
    chunks may hold them (not in seq order)."""
    import dataclasses

    import numpy as np

    from nandoctor.recording import OBS_COLUMNS

    n = len(recording.obs_seq)
    cut = [k * n // parts for k in range(parts + 1)]
    order = np.concatenate([np.arange(a, b) for a, b in zip(cut[:-1], cut[1:])][::-1])
    assert (np.diff(recording.obs_seq[order]) < 0).any()
    return dataclasses.replace(recording, **{name: getattr(recording, name)[order] for name, _ in OBS_COLUMNS})


def untraced(source: str) -> dict:
    """The program's globals after running it plainly: the independent replay."""
    import textwrap

    import numpy as np

    ns: dict = {"__name__": "__replay__"}
    with np.errstate(all="ignore"):
        exec(compile(textwrap.dedent(source), "<replay>", "exec"), ns)
    return ns


def run_nandoctor(args, cwd=None, stdin=None, env=None, timeout=600):
    """`python -m nandoctor ARGS` in a subprocess; returns CompletedProcess with text output."""
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "nandoctor", *args], cwd=cwd, input=stdin, capture_output=True,
                          text=True, env=e, timeout=timeout)


def run_python(args, cwd=None, stdin=None, env=None, timeout=600):
    """Plain `python ARGS` in a subprocess, for parity comparisons."""
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([sys.executable, *args], cwd=cwd, input=stdin, capture_output=True, text=True, env=e,
                          timeout=timeout)


@pytest.fixture(scope="session")
def seed_run(tmp_path_factory):
    """The founding case run once under `nandoctor run` (subprocess): (CompletedProcess, out_dir)."""
    out = tmp_path_factory.mktemp("seed") / "report"
    proc = run_nandoctor(["run", "-o", str(out), str(SEED)], cwd=str(tmp_path_factory.mktemp("cwd")))
    return proc, out


@pytest.fixture(scope="session")
def seed_session(seed_run):
    import nandoctor

    return nandoctor.load(seed_run[1])


@pytest.fixture(scope="session")
def verified_seed_run(tmp_path_factory):
    """The founding case under `nandoctor run --verify on` (every fix, the plan and the learning rate's search
    re-run): slow, so run once for the session."""
    out = tmp_path_factory.mktemp("verified") / "report"
    proc = run_nandoctor(["run", "--verify", "on", "-o", str(out), str(SEED)],
                         cwd=str(tmp_path_factory.mktemp("cwd")))
    assert (out / "report.html").is_file(), proc.stderr[-2000:]
    return proc, out


@pytest.fixture(scope="session")
def answer_run(tmp_path_factory):
    """The accepted answer's variant (500,000 iterations) under `nandoctor run`: slow, so run once."""
    out = tmp_path_factory.mktemp("answer") / "report"
    proc = run_nandoctor(["run", "-o", str(out), str(SEED_ANSWER)], cwd=str(tmp_path_factory.mktemp("cwd")))
    return proc, out


@pytest.fixture(scope="session")
def answer_session(answer_run):
    import nandoctor

    return nandoctor.load(answer_run[1])


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "report"
    proc = run_nandoctor(["demo", "-o", str(out)], cwd=str(tmp_path_factory.mktemp("cwd")))
    return proc, out


@pytest.fixture(scope="session")
def demo_session(demo_run):
    import nandoctor

    return nandoctor.load(demo_run[1])


@pytest.fixture(scope="session")
def parity_runs(tmp_path_factory):
    """Every sample run plain and under `nandoctor run`, once for the session (tests/sample_runs.py): the parity
    tests compare the two runs, the cause tests read the traced run's session."""
    from sample_runs import run_samples

    return run_samples(tmp_path_factory.mktemp("parity"))


# A traced run re-runs nothing unless a test asks for it with `--probe` (tests/test_probes.py tests the re-runs):
# they would cost the suite minutes and change none of what the other tests check.
os.environ["NANDOCTOR_PROBE"] = "off"


def pytest_configure(config):
    # The suite starts nandoctor in a thousand subprocesses; where PYTHONDONTWRITEBYTECODE is set (CI images, some
    # containers), each would compile the package from source again. Compiling it once here (the controller, before
    # any worker starts) writes the byte code every later process reads.
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        import compileall

        compileall.compile_dir(str(ROOT / "nandoctor"), quiet=2)
    # An xdist worker runs with SIGINT ignored, and an ignored signal stays ignored in every process it starts:
    # the tests that send Ctrl-C to a script (plain or traced) need the disposition a terminal gives.
    if os.environ.get("PYTEST_XDIST_WORKER"):
        import signal

        signal.signal(signal.SIGINT, signal.default_int_handler)


def pytest_addoption(parser):
    parser.addoption("--corpus", action="store_true",
                     help="also run the tests marked corpus: the checks of the samples' own claims in plain Python "
                          "(minutes) and the corpus measurements (every corpus script traced and its fixes re-run, "
                          "about an hour)")


# Test files that share a slow session fixture run in one worker when the suite runs in parallel
# (`pytest -n 2 --dist loadgroup`): each worker builds its own session fixtures, and these take minutes.
SHARED_SLOW_FIXTURES = {
    "test_detectors.py": "answer_run",
    "test_store.py": "answer_run",
    "test_verify.py": "verified_seed_run",
    "test_report_browser.py": "verified_seed_run",
    "test_parity.py": "parity_runs",
    "test_causes_samples.py": "parity_runs",
}


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the groups
def pytest_collection_modifyitems(config, items):
    # Under `--dist loadgroup` a file's tests stay together (its module fixtures are built once), and files
    # sharing a slow session fixture stay together too. Without xdist the mark is inert.
    for item in items:
        name = item.path.name
        item.add_marker(pytest.mark.xdist_group(SHARED_SLOW_FIXTURES.get(name, name)))
    if config.getoption("--corpus"):
        return
    skip = pytest.mark.skip(reason="a check of the corpora themselves: run with --corpus")
    for item in items:
        if "corpus" in item.keywords:
            item.add_marker(skip)
