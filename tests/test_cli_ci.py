"""CI use: --fail-on exit codes, -q/-v, `report --format json` to stdout, and the help texts."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

import nandoctor
from nandoctor.cli import FAIL_ON_EXIT, _finding_lines, fail_reasons
from nandoctor.model import Finding, to_dict

from conftest import run_nandoctor

NAN_SCRIPT = '''\
import sys
import numpy as np
w = np.ones(3)
with np.errstate(all="ignore"):
    for i in range(6):
        w = w * 1e100
        largest = float(np.abs(w).max())  # w is used, not only printed: a value the loop trains
print("trained", w.tolist())
sys.exit(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
'''

CLEAN_SCRIPT = '''\
import numpy as np
w = np.ones(3)
for i in range(6):
    w = w * 0.999
print("trained", w.tolist())
'''


@pytest.fixture(scope="module")
def scripts(tmp_path_factory):
    d = tmp_path_factory.mktemp("ci")
    (d / "nan.py").write_text(NAN_SCRIPT)
    (d / "clean.py").write_text(CLEAN_SCRIPT)
    return d


def _run(scripts, *args):
    return run_nandoctor(["run", "--format", "json,session", *args], cwd=str(scripts))


def test_fail_on_nan_exit_codes(scripts):
    plain = _run(scripts, "-o", "r0", "nan.py")
    assert plain.returncode == 0  # without --fail-on the script's status stands
    failed = _run(scripts, "--fail-on", "nan", "-o", "r1", "nan.py")
    assert failed.returncode == FAIL_ON_EXIT == 3
    assert "nandoctor: --fail-on nan: a non-finite value at step 3, line 6" in failed.stderr
    assert failed.stdout == plain.stdout == "trained [inf, inf, inf]\n"  # stdout stays the script's own
    # the script's own non-zero exit status wins over --fail-on
    own = _run(scripts, "--fail-on", "nan", "-o", "r2", "nan.py", "5")
    assert own.returncode == 5 and "--fail-on" not in own.stderr
    clean = _run(scripts, "--fail-on", "warning", "-o", "r3", "clean.py")
    assert clean.returncode == 0, clean.stderr
    assert "--fail-on" not in clean.stderr


def test_fail_on_from_config_and_quiet(scripts, tmp_path):
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "pyproject.toml").write_text("[tool.nandoctor]\nfail_on = 'nan'\nformats = ['json', 'session']\n")
    (proj / "nan.py").write_text(NAN_SCRIPT)
    proc = run_nandoctor(["run", "-q", "nan.py"], cwd=str(proj))
    assert proc.returncode == 3
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("nandoctor:")]
    assert len(lines) == 1 and lines[0].startswith("nandoctor: --fail-on nan: a non-finite value at step 3, line 6")
    quiet_clean = _run(scripts, "-q", "-o", "r4", "clean.py")
    assert quiet_clean.returncode == 0 and "nandoctor:" not in quiet_clean.stderr
    loud = _run(scripts, "-o", "r5", "clean.py")
    assert "nandoctor:" in loud.stderr


def test_verbose_lists_every_finding(scripts):
    proc = _run(scripts, "-v", "-o", "rv", "nan.py")
    doc = json.loads((scripts / "rv" / "findings.json").read_text())
    listed = [ln for ln in proc.stderr.splitlines() if ln.startswith("nandoctor:   [")]
    assert len(listed) == len(doc["findings"])
    for f in doc["findings"]:
        assert any(f"[{f['severity']}] {f['code']}" in ln for ln in listed)
    assert proc.stderr.rstrip().splitlines()[-1].startswith("nandoctor: report:")  # the path stays last
    both = _run(scripts, "-q", "-v", "clean.py")
    assert both.returncode == 2 and "choose one of --quiet and --verbose" in both.stderr


def test_report_format_json_prints_findings_to_stdout(scripts):
    _run(scripts, "-o", "rj", "nan.py")
    folder = scripts / "rj"
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    proc = run_nandoctor(["report", "--format", "json", str(folder)], cwd=str(scripts))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)  # stdout is the document and nothing else
    assert doc == json.loads((folder / "findings.json").read_text())
    assert doc["schema"] == 1 and doc["run"]["exit_status"] == 0
    assert proc.stderr == ""
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before  # nothing rewritten
    missing = run_nandoctor(["report", "--format", "json", str(scripts / "nope")], cwd=str(scripts))
    assert missing.returncode == 2 and missing.stdout == ""


def _session(findings):
    class Tiny:
        def run(self):
            v = np.ones(2)
            for i in range(3):
                v = v * 2.0
            return v

    with nandoctor.trace(Tiny()) as t:
        Tiny().run()
    rec = t.session.recording
    return nandoctor.Session(dataclasses.replace(rec, analysis={"findings": [to_dict(f) for f in findings], "causes": []}))


def test_fail_reasons_levels_nest():
    warn = Finding(code="loss_stalled", kind="optimisation", severity="warning", message="stalled", first_step=1)
    err = Finding(code="weight_divergence", kind="optimisation", severity="error", message="diverged", first_step=2)
    info = Finding(code="margin", kind="numerics", severity="info", message="fine")
    s = _session([info])
    assert fail_reasons(s, "nan") == fail_reasons(s, "error") == fail_reasons(s, "warning") == []
    s = _session([warn, info])
    assert fail_reasons(s, "nan") == [] and fail_reasons(s, "error") == []
    assert fail_reasons(s, "warning") == ["1 warning finding (loss_stalled)"]
    s = _session([err, warn])
    assert fail_reasons(s, "nan") == []
    assert fail_reasons(s, "error") == ["1 error finding (weight_divergence)"]
    assert fail_reasons(s, "warning") == ["1 error finding (weight_divergence)", "1 warning finding (loss_stalled)"]
    lines = _finding_lines(s)
    assert lines[0].startswith("nandoctor:   [error] weight_divergence step 2: diverged")
    assert lines[1].startswith("nandoctor:   [warning] loss_stalled step 1: stalled")


def test_help_is_complete():
    top = run_nandoctor(["--help"])
    assert top.returncode == 0
    for word in ("run", "demo", "report", "--format json", "[tool.nandoctor]", "%load_ext nandoctor", "pytest --nandoctor"):
        assert word in top.stdout, word
    run = run_nandoctor(["run", "--help"]).stdout
    for opt in ("--output", "--include", "--exclude", "--step-loop", "--format", "--threshold", "--config",
                "--no-config", "--quiet", "--verbose", "--progress", "--fail-on", "Exit status", "3 when --fail-on"):
        assert opt in run, opt
    report = run_nandoctor(["report", "--help"]).stdout
    assert "--format json" in report and "stdout" in report and "--quiet" in report
    demo = run_nandoctor(["demo", "--help"]).stdout
    assert "--fail-on" in demo and "--quiet" in demo
