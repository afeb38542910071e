"""The interactive report's data (report/interactive.py): pooled curves, distance from a bound, screened arrays,
the inspector's steps and values, the layered-net diagram, and JSON that cannot close its script element."""

from __future__ import annotations

import contextlib
import io
import json
import textwrap
import warnings
from types import SimpleNamespace

import numpy as np
import pytest

from nandoctor import columns as C
from nandoctor.report.interactive import (MAX_INSPECT_RECORDS, MAX_INSPECT_STEPS, OVERVIEW_POINTS, ReportData, _chain,
                                          _checked, _pool, json_for_script)
from nandoctor.trace.stats import EXACT_ROWS_MAX, IDX

DRIFT = """
import numpy as np

def sigmoid(z):
    return 1 / (1 + np.exp(-z))

w = np.array([[0.5, -0.25]])
x = np.array([[1.0], [2.0]])
for i in range(100):
    z = 0.3 * i + x.T @ w.T
    a = sigmoid(z)
    w = w * 1.0
"""


def _trace(tmp_path, source: str):
    from nandoctor.cli import trace_script

    script = tmp_path / "prog.py"
    script.write_text(textwrap.dedent(source))
    with warnings.catch_warnings(), np.errstate(all="ignore"), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        _, session = trace_script(str(script), [], tmp_path / "out", formats=("json",))
    return session


@pytest.fixture(scope="module")
def drift(tmp_path_factory):
    return _trace(tmp_path_factory.mktemp("drift"), DRIFT)


def test_pooling_keeps_a_one_step_spike_and_every_step_of_the_detail_window():
    steps = np.arange(200_000)
    values = np.ones(len(steps))
    values[123_457] = 1e6
    x, top, bottom = _pool(steps, values, 0, len(steps) - 1, (150_000, 150_300))
    outside = [k for k, s in enumerate(x) if not 150_000 <= s <= 150_300]
    assert len(outside) <= OVERVIEW_POINTS + 1
    assert max(top) == 1e6 and min(bottom) == 1.0
    assert [s for s in x if 150_000 <= s <= 150_300] == list(range(150_000, 150_301))
    assert x == sorted(x)


def test_an_all_nan_bin_stays_a_gap():
    steps = np.arange(10)
    values = np.where(steps == 4, np.nan, steps.astype(float))
    x, top, _ = _pool(steps, values, 0, 9, None)
    assert top[x.index(4)] == "NaN" and top[x.index(5)] == 5.0


def test_a_drift_towards_one_is_plotted_as_its_distance_from_one(drift):
    data = ReportData(drift)
    site = next(s for s in drift.sites if s.target == "a" and s.kind != "arg")
    curves = data._site_curves(SimpleNamespace(site_id=site.id, label="a", why="test"))
    bound = next(c for c in curves if c.get("bound"))
    assert bound["scale"] == "log"
    # Independently: 1 - the largest sigmoid output at each step, in float64.
    z = 0.3 * np.arange(100)[:, None] + (np.array([[1.0], [2.0]]).T @ np.array([[0.5, -0.25]]).T)
    expected = 1 - np.max(1 / (1 + np.exp(-z)), axis=1)
    got = np.array(bound["series"][0]["y"], dtype=float)
    assert bound["x"] == list(range(100))
    np.testing.assert_allclose(got, expected, rtol=1e-5)
    assert got[-1] < 1e-11  # the drift to 1 - 1e-12 that a linear plot of a shows as a flat 1.0


def test_screened_records_are_left_out_and_the_curve_says_so():
    size = EXACT_ROWS_MAX + 1
    stats = np.full((4, len(C.STATS)), 1.0)
    stats[:, IDX[C.SIZE]] = size
    stats[1:3, IDX[C.ABSMAX]] = np.nan  # not read
    stats[:, IDX[C.N_NAN]] = 0
    obs = SimpleNamespace(stats=stats, nonfinite=lambda rows: np.zeros(len(rows)))
    assert _checked(obs, np.arange(4)).tolist() == [True, False, False, True]
    stats[2, IDX[C.N_NAN]] = 3  # a record holding NaN was read, whatever its statistics
    obs.nonfinite = lambda rows: stats[rows, IDX[C.N_NAN]]
    assert _checked(obs, np.arange(4)).tolist() == [True, False, True, True]


def test_inspector_embeds_each_step_with_the_one_before_and_the_elements(drift):
    data = ReportData(drift)
    steps = data.inspect_steps()
    assert len(steps) <= MAX_INSPECT_STEPS and 0 in steps and 99 in steps
    assert all(s - 1 in steps for s in steps if s > 0)
    table = data.inspector(steps)
    row = next(r for r in table["sites"] if r["target"] == "a")
    rec = row["values"]["98"]
    z = 0.3 * 98 + np.array([[1.0], [2.0]]).T @ np.array([[0.5, -0.25]]).T
    expected = 1 / (1 + np.exp(-z))
    np.testing.assert_allclose(rec["elements"], expected.ravel(), rtol=1e-12)
    assert rec["shape"] == "(1, 1)" and rec["nan"] == 0 and rec["n"] == 1


def test_layers_are_read_from_weight_shapes_in_either_layout():
    assert _chain([("w_ij", (3, 4)), ("w_jk", (4, 1))]) == (["w_ij", "w_jk"], [3, 4, 1], False)
    # features x samples: W (outputs, inputs)
    assert _chain([("W2", (1, 5)), ("W1", (5, 2))], {"W1": 10, "W2": 11}) == (["W1", "W2"], [2, 5, 1], True)
    assert _chain([("W2", (1, 5)), ("W1", (5, 2))], {"W1": 11, "W2": 10}) == (["W2", "W1"], [1, 5, 2], False)
    three = _chain([("a", (2, 8)), ("c", (6, 3)), ("b", (8, 6))])
    assert three == (["a", "b", "c"], [2, 8, 6, 3], False)
    assert _chain([]) is None


def test_json_cannot_close_its_script_element():
    doc = {"code": "x = '</script><script>alert(1)</script>' & 1 < 2", "v": [1.5, "NaN"]}
    text = json_for_script(doc)
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == doc


def test_a_bounded_value_that_never_nears_its_bound_gets_no_distance_chart(tmp_path):
    session = _trace(tmp_path, """
import numpy as np
w = np.array([0.1, -0.2])
for i in range(20):
    a = np.tanh(0.01 * i + w)
    w = w * 0.99
""")
    site = next(s for s in session.sites if s.target == "a")
    curves = ReportData(session)._site_curves(SimpleNamespace(site_id=site.id, label="a", why="test"))
    assert [c["id"] for c in curves] == [f"site-{site.id}-absmax"]


COLUMNS = """
import numpy as np
rng = np.random.default_rng(0)
X = rng.normal(size=(2, 8))
Y = (X[:1] > 0).astype(float)
W1 = rng.normal(size=(3, 2))
b1 = np.zeros((3, 1))
W2 = rng.normal(size=(1, 3))
b2 = np.zeros((1, 1))
for i in range(30):
    H = np.tanh(W1 @ X + b1)
    P = 1 / (1 + np.exp(-(W2 @ H + b2)))
    dZ2 = P - Y
    dW2 = dZ2 @ H.T / 8
    dH = (W2.T @ dZ2) * (1 - H ** 2)
    dW1 = dH @ X.T / 8
    W2 = W2 - 0.5 * dW2
    b2 = b2 - 0.5 * dZ2.mean(axis=1, keepdims=True)
    W1 = W1 - 0.5 * dW1
    b1 = b1 - 0.5 * dH.mean(axis=1, keepdims=True)
"""


def test_a_features_by_samples_net_is_drawn_with_its_biases_apart(tmp_path):
    session = _trace(tmp_path, COLUMNS)
    net = ReportData(session).network([10])
    assert [layer["units"] for layer in net["layers"]] == [2, 3, 1], net.get("missing")
    assert sorted(net["biases"]) == ["b1", "b2"]
    # The drawn weights at step 10, as (inputs, outputs), against a replay in numpy.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2, 8))
    Y = (X[:1] > 0).astype(float)
    W1, b1, W2, b2 = rng.normal(size=(3, 2)), np.zeros((3, 1)), rng.normal(size=(1, 3)), np.zeros((1, 1))
    for _ in range(11):
        H = np.tanh(W1 @ X + b1)
        P = 1 / (1 + np.exp(-(W2 @ H + b2)))
        dZ2 = P - Y
        dW2 = dZ2 @ H.T / 8
        dH = (W2.T @ dZ2) * (1 - H ** 2)
        dW1 = dH @ X.T / 8
        W2, b2 = W2 - 0.5 * dW2, b2 - 0.5 * dZ2.mean(axis=1, keepdims=True)
        W1, b1 = W1 - 0.5 * dW1, b1 - 0.5 * dH.mean(axis=1, keepdims=True)
    drawn = {w["name"]: np.array(w["values"]["10"]["w"], dtype=float) for w in net["weights"]}
    np.testing.assert_allclose(drawn["W1"], W1.T.ravel(), rtol=1e-3)
    np.testing.assert_allclose(drawn["W2"], W2.T.ravel(), rtol=1e-3)


def test_many_sites_get_fewer_inspected_steps_and_the_page_data_stays_small(tmp_path):
    body = "\n".join(f"    v{k} = x * {k + 1} + w" for k in range(150))
    session = _trace(tmp_path, f"import numpy as np\nx = np.ones(4)\nw = np.zeros(4)\nfor i in range(100):\n{body}\n"
                               "    w = w - 0.01 * v0\n")
    data = ReportData(session)
    steps = data.inspect_steps()
    table = data.inspector(steps)
    records = sum(len(row["values"]) for row in table["sites"])
    assert len(table["sites"]) >= 150
    assert records <= MAX_INSPECT_RECORDS + 2 * len(table["sites"])  # the step before each embedded step included
    assert len(json_for_script(data.document())) < 5_000_000
