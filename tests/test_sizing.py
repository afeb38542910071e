"""Sizing: the log-scale bisection finds the boundary between fine and failing runs and keeps every searched value."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

import nandoctor.sizing as sizing
from nandoctor.cli import main
from nandoctor.sizing import RESOLUTION, SAFETY_FACTOR, SizingError, size_init_scale, size_learning_rate
from nandoctor.sweep import FINE, NAN, STALL, PointResult, RunMeasures

from test_sweep import FIT, expected_outcome, replay


def _eigen_boundary() -> float:
    """2 / the largest eigenvalue of the MSE's Hessian: gradient descent contracts every direction below it."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    return 2 / np.linalg.eigvalsh(2 * X.T @ X / 40).max()


def _replayed_map(tasks, workers):
    """Stands in for the process pool: each task's learning rate replayed in plain numpy, classified alike."""
    out = []
    for task in tasks:
        (knob, lr), = task.settings
        losses = replay(lr)
        finite = np.isfinite(losses)
        first_bad = None if finite.all() else int(np.argmax(~finite))
        m = RunMeasures(0, None, 60, first_bad, "loss", float(losses[0]), float(losses[finite][-1]),
                        float(losses[finite].min()), not finite.all())
        out.append(PointResult(((knob.name, lr),), expected_outcome(lr), "replayed", m))
    return out


@pytest.fixture
def replayed(monkeypatch, tmp_path):
    monkeypatch.setattr(sizing, "_local_map", _replayed_map)

    def write(lr):
        script = tmp_path / "fit.py"
        script.write_text(FIT.replace("lr = 0.05", f"lr = {lr}"))
        return script
    return write


@pytest.mark.parametrize("start", [0.05, 40.0])
def test_bisection_brackets_the_boundary_from_either_side(replayed, start):
    result = size_learning_rate(replayed(start), (), "lr", workers=2)
    assert result.original == start
    for trial in result.trials:
        assert trial.outcome == expected_outcome(trial.value)
    assert result.largest_good is not None and result.smallest_bad is not None
    assert expected_outcome(result.largest_good) == FINE and expected_outcome(result.smallest_bad) != FINE
    assert result.smallest_bad / result.largest_good <= RESOLUTION
    # Below 2/lambda_max every direction contracts, so the loss falls: a failing rate lies above it.
    assert result.smallest_bad >= _eigen_boundary()
    assert result.recommended == pytest.approx(result.largest_good / SAFETY_FACTOR, rel=1e-2)
    assert result.recommended_trial.value == result.recommended and result.recommended_trial.outcome == FINE
    assert [t.value for t in result.searched()] == sorted(t.value for t in result.trials)
    assert "use" in result.summary() and f"{result.largest_good:.3g}" in result.summary()


def test_nothing_fine_gives_no_recommendation(replayed, monkeypatch):
    def all_nan(tasks, workers):
        return [PointResult(((t.settings[0][0].name, t.settings[0][1]),), NAN, "first non-finite value at step 0",
                            RunMeasures(0, None, 60, 0, None, None, None, None, True)) for t in tasks]
    monkeypatch.setattr(sizing, "_local_map", all_nan)
    result = size_learning_rate(replayed(0.05), (), "lr", workers=1)
    assert result.recommended is None and result.largest_good is None
    assert result.note.startswith("no value tried was fine") and len(result.trials) == 1 + sizing.BRACKET_STEPS


def test_bounds_and_run_budget_are_kept(replayed):
    result = size_learning_rate(replayed(0.05), (), "lr", workers=2, high=0.3, max_runs=3)
    assert all(t.value <= 0.3 for t in result.trials)
    assert len(result.trials) <= 3 + 1  # the recommended value's check is one run past the budget
    assert result.smallest_bad is None and "not reached" in result.note


def test_bad_knobs_are_clear_errors(tmp_path):
    script = tmp_path / "fit.py"
    script.write_text(FIT)
    with pytest.raises(SizingError, match="not a variable"):
        size_learning_rate(script, (), "rate")
    (tmp_path / "signed.py").write_text("lr = -0.1\n")
    with pytest.raises(SizingError, match="positive"):
        size_learning_rate(tmp_path / "signed.py", (), "lr")
    with pytest.raises(SizingError, match="steps_knob"):
        size_learning_rate(script, (), "lr", steps=10)
    with pytest.raises(SizingError, match="not a file"):
        size_init_scale(tmp_path / "missing.py", (), 6)


def test_the_cli_size_option_prints_every_searched_value_and_writes_json(replayed, tmp_path):
    script = replayed(0.05)
    result = CliRunner().invoke(main, ["sweep", "--size", "lr", "--workers", "2", "-o", str(tmp_path / "size"),
                                       str(script)])
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "size" / "sizing.json").read_text())
    assert len([line for line in result.output.splitlines() if line.strip()[:1].isdigit()]) == len(doc["trials"])
    assert doc["recommended"] == pytest.approx(doc["largest_good"] / SAFETY_FACTOR, rel=1e-2)
    assert [t["value"] for t in doc["trials"]] == sorted(t["value"] for t in doc["trials"])


@pytest.mark.slow
def test_sizing_with_real_runs_agrees_with_the_replay(tmp_path):
    script = tmp_path / "fit.py"
    script.write_text(FIT.replace("lr = 0.05", "lr = 0.5"))
    result = size_learning_rate(script, (), "lr", workers=2, resolution=3.0)
    assert script.read_text() == FIT.replace("lr = 0.05", "lr = 0.5")
    for trial in result.trials:
        assert trial.outcome == expected_outcome(trial.value), trial
        assert trial.loss_first == pytest.approx(replay(trial.value)[0], rel=1e-9)
    assert result.smallest_bad / result.largest_good <= 3.0 and result.recommended_trial.outcome == FINE


def test_a_window_between_a_stall_and_a_failure_is_searched(replayed, monkeypatch):
    # Outcomes by rate: stall below 0.02, fine up to 0.04, nan above: the 10x steps jump over the window.
    def windowed(tasks, workers):
        out = []
        for task in tasks:
            (knob, lr), = task.settings
            outcome = STALL if lr < 0.02 else FINE if lr <= 0.04 else NAN
            out.append(PointResult(((knob.name, lr),), outcome, outcome,
                                   RunMeasures(0, None, 60, None, "loss", 1.0, 1.0, 1.0, False)))
        return out
    monkeypatch.setattr(sizing, "_local_map", windowed)
    result = size_learning_rate(replayed(0.1), (), "lr", workers=2, max_runs=20)
    assert 0.02 <= result.largest_good <= 0.04 and result.smallest_bad / result.largest_good <= RESOLUTION
    assert {t.outcome for t in result.trials} == {STALL, FINE, NAN}


def test_a_fix_that_changes_the_rate_names_the_knob_to_size(replayed):
    from nandoctor.model import Fix

    script = replayed(0.05)
    fix = Fix("Lower the learning rate lr from 0.05 to 0.005", 7, "lr = 0.05", "lr = 0.005")
    by_fix = size_learning_rate(script, (), fix, workers=2)
    by_name = size_learning_rate(script, (), "lr", workers=2)
    assert by_fix.where == "line 7: `lr = 0.05`" and by_fix.recommended == by_name.recommended
    assert by_fix.searched() == by_name.searched()
