"""Differential testing: a fixed sample of six real projects' tests passes and fails alike, plain and with their modules rewritten."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _load_script():
    spec = importlib.util.spec_from_file_location("nd_differential_script", os.path.join(ROOT, "scripts", "differential.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve the module by name
    spec.loader.exec_module(module)
    return module


differential = _load_script()


@pytest.mark.slow
@pytest.mark.parametrize("project", differential.PROJECTS, ids=lambda project: project.name)
def test_sample_outcomes_match(project, tmp_path):
    if differential.installed_version(project) is None:
        pytest.skip(f"{project.name} is not installed: pip install -e '.[differential]' (or '.[test]')")
    result = differential.compare(project, sample=True, out_dir=str(tmp_path), jobs=2)
    assert not result.problem, result.problem
    # A sample that ran nothing, or only skips, would compare nothing.
    assert result.counts.get("passed", 0) > 0, result.counts
    assert result.instrumented_modules > 0 and result.sites > 0
    assert result.differing == [], "\n".join(f"{test}: plain {a}, instrumented {b}" for test, a, b in result.differing)
    assert result.internal_errors == [], result.internal_errors


def _run_pytest(tmp_path, *extra):
    """A tiny project and its test, run through the plugin; the outcomes it saved."""
    package = tmp_path / "ndprobe_pkg"
    package.mkdir()
    (package / "__init__.py").write_text(textwrap.dedent("""
        def double(values):
            out = [v * 2 for v in values]
            return out
    """))
    (package / "test_double.py").write_text(textwrap.dedent("""
        import sys
        import ndprobe_pkg

        def test_double():
            assert ndprobe_pkg.double([1, 2]) == [2, 4]

        def test_fails():
            assert ndprobe_pkg.double([1]) == [3]

        def test_is_instrumented():
            # The module's code calls the recording hooks only when it was rewritten.
            names = ndprobe_pkg.double.__code__.co_names
            assert any(name.startswith("__nd_") for name in names) == ("--nd-instrument" in sys.argv)
    """))
    outcomes = tmp_path / "outcomes.json"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), ROOT, os.environ.get("PYTHONPATH", "")]))
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-c", str(tmp_path / "pytest.ini"), "-p", "no:cacheprovider",
         "-p", "nandoctor._differential", "--nd-outcomes", str(outcomes), "--pyargs", "ndprobe_pkg", *extra],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    return proc, json.loads(outcomes.read_text())


@pytest.mark.slow
@pytest.mark.parametrize("instrument", [False, True], ids=["plain", "instrumented"])
def test_plugin_saves_outcomes_and_instruments_only_when_asked(tmp_path, instrument):
    extra = ("--nd-instrument", "ndprobe_pkg") if instrument else ()
    proc, saved = _run_pytest(tmp_path, *extra)
    outcomes = {nodeid.split("::")[-1]: outcome for nodeid, outcome in saved["outcomes"].items()}
    assert outcomes == {"test_double": "passed", "test_fails": "failed", "test_is_instrumented": "passed"}, proc.stdout
    if instrument:
        assert saved["instrumented_modules"] == ["ndprobe_pkg"]
        assert saved["sites"] > 0
        assert saved["internal_errors"] == []
    else:
        assert "instrumented_modules" not in saved


@pytest.mark.slow
def test_plugin_refuses_a_package_imported_too_early(tmp_path):
    # pytest itself is imported before any plugin: its code would run uninstrumented, so the run stops.
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([ROOT, os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-c", str(tmp_path / "pytest.ini"), "-p", "no:cacheprovider",
         "-p", "nandoctor._differential", "--nd-instrument", "pytest", str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode != 0
    assert "--nd-instrument pytest: already imported" in proc.stderr + proc.stdout
