"""The stability map: runs classified from their own numbers, the same results on the local pool and on Dask."""

from __future__ import annotations

import importlib.util
import json
import os
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from conftest import run_nandoctor
from nandoctor.cli import main
from nandoctor.overrides import find_knob, set_knobs
from nandoctor.sweep import (DIVERGE_RISE, DIVERGENCE, FAILED, FINE, NAN, NOT_MEASURED, SATURATION, STALL,
                             STALL_GAIN, PointResult, PointTask, RunMeasures, SweepError, SweepResult, classify,
                             grid_tasks, parse_sets, parse_values, run_point, sweep, table, write_outputs)

try:  # imported before any test runs: it installs import finders the per-test leak check would count as leaked
    import distributed
except ImportError:
    distributed = None

# Least squares by gradient descent: the loss is the script's own `loss`, replayed below in plain numpy.
FIT = """\
import numpy as np

rng = np.random.default_rng(0)
X = rng.normal(size=(40, 3))
y = X @ np.array([1.5, -2.0, 0.5]) + 0.1 * rng.normal(size=40)
w = np.zeros(3)
lr = 0.05
for step in range(60):
    pred = X @ w
    loss = np.mean((pred - y) ** 2)
    grad = 2 * X.T @ (pred - y) / len(y)
    w = w - lr * grad
print(loss)
"""
RATES = (1e-4, 0.05, 1.5, 1000.0)


def replay(lr: float, steps: int = 60):
    """The script's losses per step at this learning rate, computed here without nandoctor."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    y = X @ np.array([1.5, -2.0, 0.5]) + 0.1 * rng.normal(size=40)
    w = np.zeros(3)
    losses = []
    with np.errstate(all="ignore"):
        for _ in range(steps):
            pred = X @ w
            losses.append(np.mean((pred - y) ** 2))
            w = w - lr * (2 * X.T @ (pred - y) / len(y))
    return np.array(losses)


def expected_outcome(lr: float) -> str:
    losses = replay(lr)
    if not np.isfinite(losses).all():
        return NAN
    if losses[-1] > DIVERGE_RISE * losses[0]:
        return DIVERGENCE
    return STALL if (losses[0] - losses[-1]) / losses[0] < STALL_GAIN else FINE


def _measures(**kw) -> RunMeasures:
    base = dict(exit_status=0, error=None, steps=10, first_nonfinite_step=None, loss_source="loss", loss_first=1.0,
                loss_last=0.5, loss_min=0.5, loss_nonfinite=False)
    return RunMeasures(**{**base, **kw})


@pytest.mark.parametrize("kw, outcome", [
    ({}, FINE),
    ({"first_nonfinite_step": 3}, NAN),
    ({"loss_nonfinite": True}, NAN),
    ({"loss_last": 1.0 * DIVERGE_RISE * 1.01}, DIVERGENCE),
    ({"loss_last": 1.0 * (1 - STALL_GAIN / 2)}, STALL),
    ({"saturated": ("a",)}, SATURATION),
    ({"loss_first": None, "loss_last": None}, NOT_MEASURED),
    ({"exit_status": 1, "error": "ValueError: x"}, FAILED),
])
def test_classify_reads_the_runs_numbers(kw, outcome):
    assert classify(_measures(**kw))[0] == outcome


def test_values_are_log_spaced_lists_or_one():
    assert parse_values("1e-3..10", 5) == pytest.approx(np.logspace(-3, 1, 5))
    assert parse_values("0.1, 0.5,2", 9) == (0.1, 0.5, 2.0)
    assert parse_values("0.3", 9) == (0.3,)
    for bad in ("0..1", "a..b", "x"):
        with pytest.raises(SweepError):
            parse_values(bad, 5)


def test_a_set_name_the_script_does_not_assign_from_a_literal_is_a_clear_error(tmp_path):
    script = tmp_path / "fit.py"
    script.write_text(FIT)
    with pytest.raises(SweepError, match="'rate' is not a variable the script assigns"):
        parse_sets(FIT, ["rate=0.1..1"])
    result = CliRunner().invoke(main, ["sweep", "--set", "momentum=0.1..1", str(script)])
    assert result.exit_code == 2 and "'momentum' is not a variable" in result.output and "lr" in result.output
    result = CliRunner().invoke(main, ["sweep", "--set", "lr", str(script)])
    assert result.exit_code == 2 and "NAME=LOW..HIGH" in result.output


def _fake_result(tmp_path) -> SweepResult:
    source = "lr = 0.1\ninit = 1.0\n"
    axes = parse_sets(source, ["lr=0.01..1", "init=0.1..1"], 3)
    grid = {(0, 0): FINE, (1, 0): FINE, (2, 0): NAN, (0, 1): STALL, (1, 1): FINE, (2, 1): DIVERGENCE,
            (0, 2): STALL, (1, 2): SATURATION, (2, 2): NAN}
    points = tuple(PointResult((("lr", axes[0].values[i]), ("init", axes[1].values[j])), o, o,
                               _measures(first_nonfinite_step=5 if o == NAN else None))
                   for (i, j), o in sorted(grid.items(), key=lambda kv: kv[0][::-1]))
    return SweepResult(str(tmp_path / "s.py"), (), tuple(axes), points, "local", 0.0)


def test_outputs_a_heat_map_a_table_and_json_for_two_axes(tmp_path):
    result = _fake_result(tmp_path)
    paths = write_outputs(result, tmp_path / "out")
    assert Path(paths["png"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    doc = json.loads(Path(paths["json"]).read_text())
    assert [a["name"] for a in doc["axes"]] == ["lr", "init"] and len(doc["points"]) == 9
    assert doc["stable"][0] == "lr: fine from 0.01 to 0.1 with init=0.1; nan above"
    assert doc["stable"][1:] == ["lr: fine from 0.1 to 0.1 with init=0.316; divergence above; stall below",
                                 "lr: no value tried was fine with init=1 (outcomes: nan, saturation, stall)"]
    assert len(table(result).splitlines()) == 10


@pytest.mark.slow
def test_sweep_locally_matches_a_numpy_replay_and_a_local_dask_cluster(tmp_path):
    if distributed is None:
        pytest.skip("dask distributed is not installed (pip install nandoctor[test])")
    (tmp_path / "fit.py").write_text(FIT)
    before = (tmp_path / "fit.py").read_text()
    out = tmp_path / "map"
    spec = ",".join(str(r) for r in RATES)
    cli = CliRunner().invoke(main, ["sweep", "--set", f"lr={spec}", "--workers", "2", "-o", str(out),
                                    str(tmp_path / "fit.py")])
    assert cli.exit_code == 0, cli.output
    assert (tmp_path / "fit.py").read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fit.py", "map"]
    local = json.loads((out / "sweep.json").read_text())
    assert (out / "sweep.png").exists() and "outcome" in (out / "sweep.txt").read_text()
    for point, lr in zip(local["points"], RATES):
        assert point["values"] == {"lr": lr}
        assert point["outcome"] == expected_outcome(lr), (lr, point["reason"])
        losses = replay(lr)
        if np.isfinite(losses).all():
            assert point["measures"]["loss_first"] == pytest.approx(losses[0], rel=1e-9)
            assert point["measures"]["loss_last"] == pytest.approx(losses[-1], rel=1e-9)
        else:
            assert point["measures"]["first_nonfinite_step"] == int(np.argmax(~np.isfinite(losses)))
    assert {p["outcome"] for p in local["points"]} >= {FINE, NAN}

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) \
            as cluster, distributed.Client(cluster) as client:
        remote = sweep(tmp_path / "fit.py", (), [f"lr={spec}"], scheduler=client)
    assert remote.engine == "dask"

    def comparable(points):
        return [{**p, "measures": {k: v for k, v in p["measures"].items() if k != "elapsed"}} for p in points]

    assert comparable(json.loads(json.dumps(remote.to_dict()))["points"]) == comparable(local["points"])
    assert remote.stable_ranges() == local["stable"]


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("ray") is None, reason="Ray is not installed (pip install nandoctor[ray])")
def test_sweep_on_ray_gives_the_replayed_outcomes(tmp_path):
    # In a subprocess: Ray's import and its runtime would outlive a test in this process.
    (tmp_path / "fit.py").write_text(FIT)
    proc = run_nandoctor(["sweep", "--ray", "--set", "lr=0.05,1000", "-o", str(tmp_path / "map"),
                          str(tmp_path / "fit.py")], cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr[-2000:]
    doc = json.loads((tmp_path / "map" / "sweep.json").read_text())
    assert doc["engine"] == "ray"
    assert [p["outcome"] for p in doc["points"]] == [expected_outcome(0.05), expected_outcome(1000.0)]


@pytest.mark.slow
def test_a_run_past_its_time_limit_is_killed_with_its_children(tmp_path):
    script = tmp_path / "hang.py"
    script.write_text("import os, subprocess, time\nwait = 60\n"
                      "child = subprocess.Popen(['sleep', str(wait)])\n"
                      "open(os.environ['CHILD_PID'], 'w').write(str(child.pid))\ntime.sleep(wait)\n")
    pid_file = tmp_path / "child.pid"
    env = tuple({**os.environ, "CHILD_PID": str(pid_file)}.items())
    knob = find_knob(script.read_text(), "wait")
    t0 = time.monotonic()
    result = run_point(PointTask(str(script), (), ((knob, 30),), timeout=6, env=env))
    assert result.outcome == FAILED and "timed out after 6 s" in result.reason
    assert time.monotonic() - t0 < 20
    child = int(pid_file.read_text())
    for _ in range(50):  # the killed group's orphan is reaped by init shortly after
        if not Path(f"/proc/{child}").exists() or "(sleep) Z" in Path(f"/proc/{child}/stat").read_text():
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"the script's child {child} outlived the timeout")


def test_one_axis_can_scale_several_initialisations_together(tmp_path):
    source = "import numpy as np\nW1 = np.ones((2, 2))\nW2 = 3 * np.ones(2)\n"
    axis, = parse_sets(source, ["scale:2,3=0.1..1"], 2)
    assert [k.line for k in axis.knobs] == [2, 3] and axis.values == (0.1, 1.0)
    (tmp_path / "s.py").write_text(source)
    first, _ = grid_tasks(str(tmp_path / "s.py"), (), [axis])
    assert first.values == (("scale:2,3", 0.1),)
    namespace: dict = {}
    exec(set_knobs(source, list(first.settings)), namespace)
    assert np.array_equal(namespace["W1"], 0.1 * np.ones((2, 2)))
    assert np.array_equal(namespace["W2"], 0.1 * (3 * np.ones(2)))


def test_a_measures_only_point_reads_the_analysed_points_numbers_without_its_causes(tmp_path):
    # A sizing run skips the cause analysis: its measures must be the ones an analysed run reads, and the
    # outcome the replay's.
    (tmp_path / "fit.py").write_text(FIT)
    knob = find_knob(FIT, "lr")
    analysed = run_point(PointTask(str(tmp_path / "fit.py"), (), ((knob, 1000.0),)))
    measured = run_point(PointTask(str(tmp_path / "fit.py"), (), ((knob, 1000.0),), causes=False))
    assert measured.outcome == analysed.outcome == expected_outcome(1000.0)
    assert measured.measures.causes == () and analysed.measures.causes
    drop = {"causes", "elapsed"}
    assert ({k: v for k, v in measured.measures.to_dict().items() if k not in drop}
            == {k: v for k, v in analysed.measures.to_dict().items() if k not in drop})
    assert measured.measures.first_nonfinite_step == int(np.argmax(~np.isfinite(replay(1000.0))))
