"""Parameters kept in a dict under computed keys (`params['W' + str(l)]`, f"b{l}"): capture records the element a
statement wrote, and the rules judge those parameters (a zero start that never moves, no false shape change)."""

from __future__ import annotations

import textwrap

import numpy as np

from conftest import analysed_session, premise_checks
from nandoctor.analysis.rules import FAILS, HOLDS
from nandoctor.detectors.facts import facts
from nandoctor.trace.instrument import KEY, KEYOF, NOOP_HOOKS

# A features x samples ReLU net whose parameters live in a dict filled and stepped under computed keys, as the
# deeplearning.ai assignments write it; {init} is the only difference between the twins.
DICT_NET = """
import numpy as np
np.random.seed(1)
X = np.random.randn(2, 60)
Y = (X[0:1] * X[1:2] > 0).astype(float)
dims = [2, 6, 4, 1]
params = {{}}
for l in range(1, len(dims)):
    params['W' + str(l)] = {init}
    params[f"b{{l}}"] = np.zeros((dims[l], 1))
for it in range(STEPS):
    acts = [X]
    for l in range(1, len(dims)):
        Z = params['W' + str(l)] @ acts[-1] + params[f"b{{l}}"]
        acts.append(1 / (1 + np.exp(-Z)) if l == len(dims) - 1 else np.maximum(Z, 0))
    dZ = acts[-1] - Y
    for l in range(len(dims) - 1, 0, -1):
        dW = dZ @ acts[l - 1].T / X.shape[1]
        db = dZ.sum(axis=1, keepdims=True) / X.shape[1]
        dA = params['W' + str(l)].T @ dZ
        params['W' + str(l)] -= 0.5 * dW
        params[f"b{{l}}"] -= 0.5 * db
        dZ = dA * (acts[l - 1] > 0)
print("W1_sum=%.6f" % params['W1'].sum())
"""
STEPS = 40
ZERO = "np.zeros((dims[l], dims[l - 1]))"
HE = "np.random.randn(dims[l], dims[l - 1]) * np.sqrt(2 / dims[l - 1])"


def _source(init: str) -> str:
    return textwrap.dedent(DICT_NET.format(init=init)).replace("STEPS", str(STEPS))




def _replay(init: str) -> dict:
    """The parameters at the end, in plain numpy (the same program, run untraced)."""
    scope: dict = {}
    exec(compile(_source(init), "replay", "exec"), scope)
    return scope["params"]


def test_outside_a_trace_the_key_hooks_pass_values_through():
    assert NOOP_HOOKS[KEY](3, "W1") == "W1"
    assert NOOP_HOOKS[KEYOF](3) == (None,)


def test_the_element_written_under_a_computed_key_is_recorded(tmp_path):
    session = analysed_session(tmp_path, _source(HE))
    steps = [x.id for x in session.recording.sites if x.kind == "update" and x.target == "params['W' + str(l)]"]
    assert len(steps) == 1
    series = facts(session).ser(steps[0])
    # one array per layer, each observed at every step (W3, W2, W1 in the backward loop's order)
    assert {text for _, text in series.shape.unique_first()} == {"(1, 4)", "(4, 6)", "(6, 2)"}
    assert len(series) == 3 * STEPS
    # the values kept (small arrays only) are the layers' own, as plain numpy computes them
    final = {str(w.shape): w for name, w in _replay(HE).items() if name.startswith("W")}
    kept = [(text, np.asarray(data)) for text, _, data in session.values(steps[0])]
    assert kept
    for text, data in kept:
        assert np.allclose(data[-1].reshape(final[text].shape), final[text])


def test_a_zero_start_that_never_moves_is_symmetric(tmp_path):
    checks = premise_checks(analysed_session(tmp_path, _source(ZERO)), "weights_init_symmetric")
    assert {k: c.status for k, c in checks.items()} == {
        "several_layers": HOLDS, "weights_kept": HOLDS, "units_identical_from_start": HOLDS,
        "units_identical_at_end": HOLDS}
    # the replay agrees: W1 ends exactly where it started, at zero
    assert not np.any(_replay(ZERO)["W1"])
    assert checks["units_identical_at_end"].numbers["moved"] == 0.0


def test_a_random_start_is_not_symmetric_nor_a_shape_change(tmp_path):
    session = analysed_session(tmp_path, _source(HE))
    assert premise_checks(session, "weights_init_symmetric")["units_identical_from_start"].status == FAILS
    # W1, W2, W3 and the biases pass through one update statement each: several shapes at every step, none new
    assert premise_checks(session, "parameter_shape_per_sample").get("parameter_per_sample") is None or \
        premise_checks(session, "parameter_shape_per_sample")["parameter_per_sample"].status != HOLDS
    assert "weights_init_symmetric" not in [c.tag for c in session.causes]
