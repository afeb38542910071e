"""The re-run worker: a light traced run whose measures.json matches the script's own numbers."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nandoctor.rerun import main, rerun

SRC = """import numpy as np
x = np.linspace(0, 1, 8)
y = 3 * x + 1
w, b = 0.0, 0.0
for step in range(60):
    err = w * x + b - y
    loss = np.mean(err ** 2)
    w = w - 0.5 * np.mean(2 * err * x)
    b = b - 0.5 * np.mean(2 * err)
"""


def _replay():
    x = np.linspace(0, 1, 8)
    y = 3 * x + 1
    w, b, losses = 0.0, 0.0, []
    for _ in range(60):
        err = w * x + b - y
        losses.append(float(np.mean(err ** 2)))
        w, b = w - 0.5 * np.mean(2 * err * x), b - 0.5 * np.mean(2 * err)
    return losses


def test_the_worker_wants_one_spec_file(capsys):
    assert main([]) == 2 and "usage" in capsys.readouterr().err


@pytest.mark.slow
def test_the_worker_measures_the_loss_the_script_computes(tmp_path):
    (tmp_path / "fit.py").write_text(SRC)
    spec = {"script": str(tmp_path / "fit.py"), "args": [], "out": str(tmp_path / "out")}
    (tmp_path / "spec.json").write_text(json.dumps(spec))
    assert main([str(tmp_path / "spec.json")]) == 0
    doc = json.loads((tmp_path / "out" / "measures.json").read_text())
    losses = _replay()
    assert doc["steps"] == 60 and doc["first_nonfinite_step"] is None and doc["exit_status"] == 0
    assert doc["loss_first"] == pytest.approx(losses[0]) and doc["loss_last"] == pytest.approx(losses[-1])
    assert doc["loss_min"] == pytest.approx(min(losses)) and not doc["stopped_by_budget"]
    # the report's heavy parts are not drawn for a re-run
    assert not (tmp_path / "out" / "report.html").exists()
    assert rerun(dict(spec, out=str(tmp_path / "out2"), budget={"max_steps": 10, "budget_loop": [spec["script"], 5]}))[
        "steps"] == 10
