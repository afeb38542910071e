"""[tool.nandoctor] in pyproject.toml: discovery, validation with clear errors, and CLI flags overriding it."""

from __future__ import annotations

import json
import textwrap

import pytest

import nandoctor
from nandoctor.config import THRESHOLDS, Config, ConfigError, find_pyproject, load_config, threshold

from conftest import run_nandoctor

SCRIPT = '''\
import numpy as np
from helper import double

w = np.ones(3)
for i in range(5):
    g = double(w) * 0.1
    w = w - g
print("done", float(w.sum()))
'''

HELPER = '''\
def double(v):
    out = v * 2.0
    return out
'''


def _project(tmp_path, table: str, *, script=SCRIPT):
    (tmp_path / "pyproject.toml").write_text(textwrap.dedent(table))
    src = tmp_path / "src"
    src.mkdir()
    (src / "train.py").write_text(script)
    (src / "helper.py").write_text(HELPER)
    return src / "train.py"


def test_found_from_script_folder_upwards_and_resolved(tmp_path):
    script = _project(tmp_path, '''
        [project]
        name = "x"
        [tool.nandoctor]
        include = ["lib"]
        exclude = ["*_gen.py"]
        output = "build/nd"
        step_loop = "train.py:5"
        fail_on = "error"
        formats = ["json", "session"]
        [tool.nandoctor.thresholds]
        spike_factor = 20
    ''')
    cfg = load_config(start=script.parent)
    assert cfg.path == str((tmp_path / "pyproject.toml").resolve())
    assert cfg.include == (str((tmp_path / "lib").resolve()),)
    assert cfg.exclude == ("*_gen.py",)
    assert cfg.output == str((tmp_path / "build" / "nd").resolve())
    assert cfg.step_loop == "train.py:5" and cfg.fail_on == "error"
    assert cfg.formats == ("json", "session")
    assert cfg.thresholds == {"spike_factor": 20}


def test_nearest_pyproject_without_table_is_skipped(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.nandoctor]\noutput = 'out'\n")
    inner = tmp_path / "pkg"
    inner.mkdir()
    (inner / "pyproject.toml").write_text("[project]\nname = 'inner'\n")
    assert find_pyproject(inner) == tmp_path / "pyproject.toml"
    assert load_config(start=inner).output == str((tmp_path / "out").resolve())


def test_no_config_anywhere_is_empty(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    cfg = load_config(start=tmp_path)
    assert cfg == Config() or (cfg.path is None and cfg.thresholds == {})


@pytest.mark.parametrize("table, needle", [
    ("[tool.nandoctor]\nouptut = 'x'\n", "unknown key 'ouptut' in [tool.nandoctor] (did you mean 'output'?)"),
    ("[tool.nandoctor]\nfail_on = 'nans'\n", "fail_on must be one of nan, error, warning, got 'nans'"),
    ("[tool.nandoctor]\ninclude = 3\n", "include must be a string or a list of strings"),
    ("[tool.nandoctor]\nstep_loop = 'train.py'\n", 'step_loop must be "FILE:LINE"'),
    ("[tool.nandoctor]\nformats = ['pdf']\n", "unknown format 'pdf'"),
    ("[tool.nandoctor.thresholds]\nspike_factr = 3\n", "unknown threshold 'spike_factr' (did you mean 'spike_factor'?)"),
    ("[tool.nandoctor.thresholds]\nspike_factor = 'high'\n", "threshold 'spike_factor' must be a number"),
    ("[tool.nandoctor]\noutput = [\n", "not valid TOML"),
])
def test_bad_tables_name_the_problem(tmp_path, table, needle):
    (tmp_path / "pyproject.toml").write_text(table)
    with pytest.raises(ConfigError) as e:
        load_config(start=tmp_path)
    assert needle in str(e.value)
    assert str(tmp_path / "pyproject.toml") in str(e.value)


def test_threshold_helper_reads_session_config():
    meta = {"config": {"thresholds": {"spike_factor": 42}}}
    assert threshold(meta, "spike_factor") == 42
    assert threshold(meta, "growth_factor") == THRESHOLDS["growth_factor"]
    assert threshold({}, "growth_factor", 7.5) == 7.5
    with pytest.raises(KeyError):
        threshold({}, "no_such_threshold")


def test_cli_unknown_key_exits_2_naming_it(tmp_path):
    script = _project(tmp_path, "[tool.nandoctor]\nstep_lop = 'train.py:5'\n")
    proc = run_nandoctor(["run", str(script)], cwd=str(tmp_path))
    assert proc.returncode == 2
    assert "unknown key 'step_lop'" in proc.stderr and "did you mean 'step_loop'" in proc.stderr
    assert str(tmp_path / "pyproject.toml") in proc.stderr
    assert proc.stdout == ""  # the script never ran


def test_cli_bad_threshold_flag_exits_2(tmp_path):
    script = _project(tmp_path, "[tool.nandoctor]\n")
    proc = run_nandoctor(["run", "--threshold", "bogus=1", str(script)], cwd=str(tmp_path))
    assert proc.returncode == 2 and "unknown threshold 'bogus'" in proc.stderr
    proc = run_nandoctor(["run", "--threshold", "spike_factor", str(script)], cwd=str(tmp_path))
    assert proc.returncode == 2 and "NAME=NUMBER" in proc.stderr


def test_cli_uses_config_and_flags_override(tmp_path):
    script = _project(tmp_path, '''
        [tool.nandoctor]
        output = "build/nd"
        exclude = ["helper.py"]
        step_loop = "train.py:5"
        formats = ["json", "session"]
        [tool.nandoctor.thresholds]
        spike_factor = 20
        growth_factor = 3
    ''')
    proc = run_nandoctor(["run", "--threshold", "spike_factor=30", str(script)], cwd=str(tmp_path / "src"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("done ")
    out = tmp_path / "build" / "nd" / "train"  # <output>/<script-stem>/, relative to the pyproject
    assert (out / "findings.json").exists() and not (out / "report.html").exists()
    s = nandoctor.load(out)
    cfg = s.meta["config"]
    assert cfg["thresholds"] == {"spike_factor": 30.0, "growth_factor": 3}
    assert cfg["path"] == str((tmp_path / "pyproject.toml").resolve())
    assert threshold(s, "spike_factor") == 30.0
    # exclude: helper.py is not traced, so none of its sites exist
    assert not any(site.file.endswith("helper.py") for site in s.sites)
    assert "--step-loop train.py:5" in s.plan.reason and s.plan.n_steps == 5
    # flags override: -o wins over output, --exclude over exclude, --no-config drops it all
    other = tmp_path / "other"
    proc = run_nandoctor(["run", "-o", str(other), "--exclude", "nothing*", "--format", "json,session", str(script)],
                         cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    s2 = nandoctor.load(other)
    assert any(site.file.endswith("helper.py") for site in s2.sites)
    assert s2.meta["config"]["thresholds"] == {"spike_factor": 20, "growth_factor": 3}
    proc = run_nandoctor(["run", "--no-config", "-o", str(other), "--format", "json,session", str(script)],
                         cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert nandoctor.load(other).meta["config"]["thresholds"] == {}
    doc = json.loads((other / "findings.json").read_text())
    assert doc["schema"] == 1


def test_cli_explicit_config_file(tmp_path):
    script = _project(tmp_path, "[project]\nname = 'x'\n")
    cfg = tmp_path / "ci.toml"
    cfg.write_text("[tool.nandoctor]\nfail_on = 'nan'\nunknown = 1\n")
    proc = run_nandoctor(["run", "--config", str(cfg), str(script)], cwd=str(tmp_path))
    assert proc.returncode == 2 and "unknown key 'unknown'" in proc.stderr and str(cfg) in proc.stderr
    proc = run_nandoctor(["run", "--config", str(tmp_path / "missing.toml"), str(script)], cwd=str(tmp_path))
    assert proc.returncode == 2 and "cannot read config" in proc.stderr


def test_configured_thresholds_reach_the_detectors(seed_run):
    """A threshold set for the run changes what the detectors find, for that analysis only."""
    import nandoctor

    plain = nandoctor.load(seed_run[1])
    assert "update_spike" in {f.code for f in plain.findings}
    strict = nandoctor.load(seed_run[1])
    strict.meta["config"] = {"thresholds": {"spike_factor": 1e12, "spike_window": 7.0}}
    strict.analyze(force=True)
    assert "update_spike" not in {f.code for f in strict.findings}
    assert not [e for e in strict.errors if "detector" in e]  # a float window is used as an integer
    again = nandoctor.load(seed_run[1])
    again.analyze(force=True)  # the configured values do not outlive their analysis
    assert "update_spike" in {f.code for f in again.findings}


def test_threshold_flag_reaches_the_detectors(tmp_path):
    """`nandoctor run --threshold` is recorded with the session and used by its analysis."""
    import subprocess
    import sys

    import nandoctor

    script = tmp_path / "wide.py"
    script.write_text(
        "import numpy as np\n"
        "rng = np.random.default_rng(0)\n"
        "x = rng.normal(size=(32, 3)) * np.array([1.0, 1.0, 500.0])\n"
        "y = (x[:, 0] > 0).astype(float)[:, None]\n"
        "w = np.zeros((3, 1))\n"
        "for step in range(50):\n"
        "    p = 1 / (1 + np.exp(-(x @ w)))\n"
        "    g = x.T @ (p - y) / len(x)\n"
        "    w = w - 1e-5 * g\n")
    codes = {}
    for name, extra in (("default", []), ("relaxed", ["--threshold", "input_scale=1e6", "--threshold", "input_spread=1e6"])):
        out = tmp_path / name
        subprocess.run([sys.executable, "-m", "nandoctor", "run", "-q", "--no-config", *extra, "-o", str(out), str(script)],
                       check=True, capture_output=True, cwd=tmp_path)
        codes[name] = {f.code for f in nandoctor.load(out).findings}
    assert "unnormalized_inputs" in codes["default"]
    assert "unnormalized_inputs" not in codes["relaxed"]


def test_documented_defaults_are_the_detectors_constants():
    """Every configurable threshold names a detector constant, and its listed default is that constant."""
    from nandoctor.detectors import numerics, optimisation, structure

    for name, default in THRESHOLDS.items():
        owners = [m for m in (numerics, optimisation, structure) if hasattr(m, name.upper())]
        assert len(owners) == 1, name
        assert getattr(owners[0], name.upper()) == default, name
