"""The initialisation and stall rules on tiny traced programs: each premise holds, fails or is not checked,
with the numbers compared against a plain-numpy replay of the same program."""

from __future__ import annotations

import textwrap
import warnings

import numpy as np
import pytest

from conftest import analysed_session, premise_checks, untraced
from nandoctor.analysis.rules import FAILS, HOLDS, NOT_CHECKED, evaluate_rules
from nandoctor.detectors import detect
from nandoctor.detectors.facts import facts




def _statuses(checks):
    return {k: c.status for k, c in checks.items()}


def _tags(session):
    return [c.tag for c in session.causes]


# -- weights_init_too_large -------------------------------------------------------------------------

TANH_NET = """
import numpy as np
rng = np.random.default_rng(4)
X = rng.standard_normal((64, 4))
Y = (X[:, :1] * X[:, 1:2] > 0).astype(float)
W1 = rng.standard_normal((4, 6)) * {scale}
W2 = rng.standard_normal((6, 1)) * 0.5
for step in range(30):
    H = np.tanh(X @ W1)
    P = 1 / (1 + np.exp(-(H @ W2)))
    G = (P - Y) / len(X)
    gW2 = H.T @ G
    gW1 = X.T @ ((G @ W2.T) * (1 - H ** 2))
    W1 -= 0.1 * gW1
    W2 -= 0.1 * gW2
"""


def _replay_tanh(scale):
    rng = np.random.default_rng(4)
    X = rng.standard_normal((64, 4))
    W1 = rng.standard_normal((4, 6)) * scale
    H = np.tanh(X @ W1)
    near = float(np.mean((H + 1 < 1e-4) | (1 - H < 1e-4)))
    return near, X


def test_too_large_holds_when_hidden_tanh_starts_saturated(tmp_path):
    s = analysed_session(tmp_path, TANH_NET.format(scale=30.0))
    c = premise_checks(s, "weights_init_too_large")
    assert _statuses(c) == {"first_pass_observed": HOLDS, "inputs_moderate": HOLDS, "starts_extreme": HOLDS,
                            "training_hurt": HOLDS}
    near, _ = _replay_tanh(30.0)
    assert c["starts_extreme"].numbers["fraction_near_bound"] == pytest.approx(near)
    end = _replay_tanh_run(30.0)
    assert end >= 0.2 and f"{end:.0%}" in c["training_hurt"].why
    assert "weights_init_too_large" in _tags(s)


def test_too_large_fails_on_a_sane_start(tmp_path):
    s = analysed_session(tmp_path, TANH_NET.format(scale=0.5))
    c = premise_checks(s, "weights_init_too_large")
    assert c["starts_extreme"].status == FAILS
    near, X = _replay_tanh(0.5)
    assert near < 0.2 and c["inputs_moderate"].numbers["input_std"] == pytest.approx(float(X.std()))
    assert "weights_init_too_large" not in _tags(s)


def test_too_large_grows_through_a_deep_relu_stack(tmp_path):
    s = analysed_session(tmp_path, """
        import numpy as np
        rng = np.random.default_rng(8)
        X = rng.standard_normal((32, 5))
        y = X[:, :1] - X[:, 1:2]
        layers = [rng.standard_normal((5, 16)) * 3.0] + [rng.standard_normal((16, 16)) * 3.0 for _ in range(6)]
        head = rng.standard_normal((16, 1)) * 3.0
        for step in range(5):
            a = X
            for W in layers:
                a = np.maximum(a @ W, 0)
            out = a @ head
            err = out - y
            head -= 1e-30 * (a.T @ err)
    """)
    c = premise_checks(s, "weights_init_too_large")
    assert c["starts_extreme"].status == HOLDS
    rng = np.random.default_rng(8)
    X = rng.standard_normal((32, 5))
    a = X
    ws = [rng.standard_normal((5, 16)) * 3.0] + [rng.standard_normal((16, 16)) * 3.0 for _ in range(6)]
    head = rng.standard_normal((16, 1)) * 3.0
    for W in ws:
        a = np.maximum(a @ W, 0)
    biggest = max(float(np.std(a @ head)), float(np.std(a)))
    assert c["starts_extreme"].numbers["spread_ratio"] == pytest.approx(biggest / float(X.std()), rel=1e-6)


def test_too_large_not_checked_without_a_training_loop(tmp_path):
    s = analysed_session(tmp_path, """
        import numpy as np
        X = np.random.default_rng(1).standard_normal((10, 3))
        W = np.ones((3, 2)) * 50
        H = np.tanh(X @ W)
        print(H.mean())
    """)
    c = premise_checks(s, "weights_init_too_large")
    assert c["first_pass_observed"].status == NOT_CHECKED
    assert "weights_init_too_large" not in _tags(s)


# -- weights_init_too_small -------------------------------------------------------------------------

SIGMOID_FXS = """
import numpy as np
rng = np.random.default_rng(11)
X = rng.standard_normal((3, 200))
Y = (X[0:1] + X[1:2] > 0).astype(float)
sizes = [3, 12, 12, 1]
Ws = [rng.standard_normal((b, a)) * {scale} for a, b in zip(sizes[:-1], sizes[1:])]
sig = lambda z: 1 / (1 + np.exp(-z))
for it in range(60):
    A1 = sig(Ws[0] @ X)
    A2 = sig(Ws[1] @ A1)
    A3 = sig(Ws[2] @ A2)
    cost = float(np.mean((A3 - Y) ** 2))
    d3 = (A3 - Y) * A3 * (1 - A3)
    d2 = (Ws[2].T @ d3) * A2 * (1 - A2)
    d1 = (Ws[1].T @ d2) * A1 * (1 - A1)
    Ws[2] -= 2.0 * d3 @ A2.T / 200
    Ws[1] -= 2.0 * d2 @ A1.T / 200
    Ws[0] -= 2.0 * d1 @ X.T / 200
"""


def _replay_sigmoid(scale, steps=60):
    rng = np.random.default_rng(11)
    X = rng.standard_normal((3, 200))
    Y = (X[0:1] + X[1:2] > 0).astype(float)
    sizes = [3, 12, 12, 1]
    Ws = [rng.standard_normal((b, a)) * scale for a, b in zip(sizes[:-1], sizes[1:])]
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    costs, first = [], None
    for _ in range(steps):
        A1 = sig(Ws[0] @ X)
        A2 = sig(Ws[1] @ A1)
        A3 = sig(Ws[2] @ A2)
        first = A3.std() if first is None else first
        costs.append(float(np.mean((A3 - Y) ** 2)))
        d3 = (A3 - Y) * A3 * (1 - A3)
        d2 = (Ws[2].T @ d3) * A2 * (1 - A2)
        d1 = (Ws[1].T @ d2) * A1 * (1 - A1)
        Ws[2] -= 2.0 * d3 @ A2.T / 200
        Ws[1] -= 2.0 * d2 @ A1.T / 200
        Ws[0] -= 2.0 * d1 @ X.T / 200
    return float(first), float(X.std()), costs


def test_too_small_holds_on_a_collapsed_start_that_never_moves(tmp_path):
    s = analysed_session(tmp_path, SIGMOID_FXS.format(scale=1e-3))
    c = premise_checks(s, "weights_init_too_small")
    assert _statuses(c) == {"weights_small": HOLDS, "first_output_observed": HOLDS, "output_collapsed": HOLDS,
                            "hidden_not_saturated": HOLDS, "training_stalls": HOLDS}
    out_std, in_std, costs = _replay_sigmoid(1e-3)
    assert c["output_collapsed"].numbers["output_std"] == pytest.approx(out_std, rel=1e-6)
    assert c["output_collapsed"].numbers["input_std"] == pytest.approx(in_std)
    assert c["training_stalls"].numbers["loss_first"] == pytest.approx(costs[0])
    assert "weights_init_too_small" in _tags(s)


def test_a_collapsed_output_behind_a_saturated_layer_is_no_small_start(tmp_path):
    # The same small weights on inputs a hundred thousand times larger: the first layer's sigmoids are pinned at 0 and
    # 1, so the signal was blown up, not shrunk, before the small layers after it flattened the prediction.
    src = SIGMOID_FXS.format(scale=1e-3).replace("X = rng.standard_normal((3, 200))",
                                                 "X = rng.standard_normal((3, 200)) * 1e5")
    s = analysed_session(tmp_path, src)
    c = premise_checks(s, "weights_init_too_small")
    assert c["output_collapsed"].status == HOLDS and c["hidden_not_saturated"].status == FAILS
    rng = np.random.default_rng(11)
    X = rng.standard_normal((3, 200)) * 1e5
    W1 = rng.standard_normal((12, 3)) * 1e-3
    A1 = 1 / (1 + np.exp(-(W1 @ X)))
    pinned = float(np.mean((A1 < 1e-4) | (1 - A1 < 1e-4)))  # the replay: the first layer at its bounds
    assert pinned >= 0.5
    assert c["hidden_not_saturated"].numbers["hidden_at_bounds"] == pytest.approx(pinned)
    assert "weights_init_too_small" not in _tags(s)


def test_too_small_fails_when_the_first_output_varies(tmp_path):
    s = analysed_session(tmp_path, SIGMOID_FXS.format(scale=1.5))
    c = premise_checks(s, "weights_init_too_small")
    out_std, in_std, _ = _replay_sigmoid(1.5)
    assert out_std / in_std > 0.01
    # weights this large are measured as such first
    assert c["weights_small"].status == FAILS and min(_replay_gains(1.5)) > 0.25


# -- weights_init_symmetric -------------------------------------------------------------------------

CLASS_NET = """
import numpy as np

class Net:
    def __init__(self, rng, zero):
        self.W1 = np.zeros((2, 5)) if zero else rng.standard_normal((2, 5))
        self.b1 = np.zeros(5)
        self.W2 = np.zeros((5, 1)) if zero else rng.standard_normal((5, 1))
        self.b2 = np.zeros(1)

    def fit(self, X, t, epochs):
        for epoch in range(epochs):
            h = 1 / (1 + np.exp(-(X @ self.W1 + self.b1)))
            p = 1 / (1 + np.exp(-(h @ self.W2 + self.b2)))
            d2 = (p - t) / len(X)
            d1 = (d2 @ self.W2.T) * h * (1 - h)
            self.W2 -= 0.5 * h.T @ d2
            self.b2 -= 0.5 * d2.sum(0)
            self.W1 -= 0.5 * X.T @ d1
            self.b1 -= 0.5 * d1.sum(0)

rng = np.random.default_rng(5)
X = rng.uniform(-1, 1, (120, 2))
t = (X[:, :1] * X[:, 1:] > 0).astype(float)
Net(rng, {zero}).fit(X, t, 40)
"""


def test_symmetric_holds_when_every_unit_stays_a_copy(tmp_path):
    s = analysed_session(tmp_path, CLASS_NET.format(zero=True))
    c = premise_checks(s, "weights_init_symmetric")
    assert set(_statuses(c).values()) == {HOLDS}
    # replay: the zero start keeps every column of W1 equal while the weights move
    rng = np.random.default_rng(5)
    X = rng.uniform(-1, 1, (120, 2))
    t = (X[:, :1] * X[:, 1:] > 0).astype(float)
    W1, b1, W2, b2 = np.zeros((2, 5)), np.zeros(5), np.zeros((5, 1)), np.zeros(1)
    after_first = None
    for _ in range(40):
        h = 1 / (1 + np.exp(-(X @ W1 + b1)))
        p = 1 / (1 + np.exp(-(h @ W2 + b2)))
        d2 = (p - t) / len(X)
        d1 = (d2 @ W2.T) * h * (1 - h)
        W2 -= 0.5 * h.T @ d2
        b2 -= 0.5 * d2.sum(0)
        W1 -= 0.5 * X.T @ d1
        b1 -= 0.5 * d1.sum(0)
        after_first = (W1.copy(), W2.copy()) if after_first is None else after_first
    assert np.allclose(W1, W1[:, :1], rtol=0, atol=1e-12) and np.any(W2 != 0)
    # the rule compares the first kept value (after the first update) with the last
    k = 0 if "W1" in c["units_identical_at_end"].why else 1
    moved = float(np.max(np.abs((W1, W2)[k] - after_first[k])))
    assert c["units_identical_at_end"].numbers["moved"] == pytest.approx(moved)
    assert "weights_init_symmetric" in _tags(s)


# Pure Python: a (2, 8) matrix of nested lists into tanh units, and an output weight kept as a list of floats stepped
# entry by entry (`W2[j] -= ...`): two layers, though only one is a matrix.
NESTED_LISTS = """
import math
import random
random.seed(5)
data = []
for _ in range(60):
    px, py = random.uniform(-1, 1), random.uniform(-1, 1)
    data.append(([px, py], 1.0 if px * px + py * py < 0.4 else 0.0))
H = 8
W1 = [[{start} for j in range(H)] for i in range(2)]
W2 = [{start} for j in range(H)]
b2 = 0.0
for epoch in range(20):
    for x, t in data:
        h = [math.tanh(x[0] * W1[0][j] + x[1] * W1[1][j]) for j in range(H)]
        o = 1.0 / (1.0 + math.exp(-(sum(W2[j] * h[j] for j in range(H)) + b2)))
        d_o = o - t
        for j in range(H):
            d_h = d_o * W2[j] * (1 - h[j] * h[j])
            W2[j] -= 0.05 * d_o * h[j]
            W1[0][j] -= 0.05 * d_h * x[0]
            W1[1][j] -= 0.05 * d_h * x[1]
        b2 -= 0.05 * d_o
"""


def test_symmetric_nested_lists_with_an_output_weight_stepped_entry_by_entry(tmp_path):
    zero = NESTED_LISTS.format(start="0.0")
    ns = untraced(zero)
    assert all(w == 0.0 for row in ns["W1"] for w in row) and all(w == 0.0 for w in ns["W2"])  # never moved
    s = analysed_session(tmp_path, zero)
    c = premise_checks(s, "weights_init_symmetric")
    assert c["several_layers"].status == HOLDS and "W2" in c["several_layers"].why, c["several_layers"].why
    assert _statuses(c) == {"several_layers": HOLDS, "weights_kept": HOLDS, "units_identical_from_start": HOLDS,
                            "units_identical_at_end": HOLDS}
    assert _tags(s)[:1] == ["weights_init_symmetric"]
    s = analysed_session(tmp_path, NESTED_LISTS.format(start="random.uniform(-1, 1)"), "random_start")
    assert premise_checks(s, "weights_init_symmetric")["units_identical_from_start"].status == FAILS
    assert "weights_init_symmetric" not in _tags(s)


def test_symmetric_fails_on_a_random_start(tmp_path):
    s = analysed_session(tmp_path, CLASS_NET.format(zero=False))
    c = premise_checks(s, "weights_init_symmetric")
    assert c["units_identical_from_start"].status == FAILS
    assert "weights_init_symmetric" not in _tags(s)


# -- dead_relu --------------------------------------------------------------------------------------

RELU_NET = """
import numpy as np
rng = np.random.default_rng(2)
X = rng.standard_normal((80, 3))
y = np.abs(X[:, :1]) - 0.5
W1 = rng.standard_normal((3, 10)) * 0.5
b1 = np.full(10, {bias})
W2 = rng.standard_normal((10, 1)) * 0.3
b2 = np.zeros(1)
for epoch in range(40):
    z = X @ W1 + b1
    a = np.maximum(z, 0)
    out = a @ W2 + b2
    e = (out - y) / len(X)
    dz = (e @ W2.T) * (z > 0)
    W2 -= 0.1 * a.T @ e
    b2 -= 0.1 * e.sum(0)
    W1 -= 0.1 * X.T @ dz
    b1 -= 0.1 * dz.sum(0)
"""


def test_dead_relu_holds_when_every_unit_is_off(tmp_path):
    s = analysed_session(tmp_path, RELU_NET.format(bias=-20.0))
    c = premise_checks(s, "dead_relu")
    assert _statuses(c) == {"relu_observed": HOLDS, "units_dead": HOLDS, "not_killed_by_blowup": HOLDS,
                            "learning_hurt": HOLDS}
    rng = np.random.default_rng(2)
    X = rng.standard_normal((80, 3))
    W1 = rng.standard_normal((3, 10)) * 0.5
    assert np.all(X @ W1 - 20.0 < 0)  # every unit is off for every sample from the start, so nothing moves W1
    cause = next(x for x in s.causes if x.tag == "dead_relu")
    assert cause.evidence["dead_from_start"] is True
    assert any("zeros(" in f.after for f in cause.fixes)


# Layer objects whose weights are all positive meet inputs that are all negative: every ReLU is dead from the start,
# so the zero biases never move. Biases equal by design, a probability clipped inside a helper and the value handed
# from layer to layer are no layer's weights started symmetric.
POSITIVE_WEIGHTS_NEGATIVE_INPUTS = """
import numpy as np
rng = np.random.default_rng(11)
X = -rng.uniform(0.2, 1.0, (60, 4))
y = (X[:, :1] + X[:, 1:2] < -1.2).astype(float)


class Dense:
    def __init__(self, n_in, n_out):
        self.W = rng.random((n_in, n_out))
        self.b = np.zeros((1, n_out))

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, grad):
        self.dW = self.x.T @ grad
        self.db = grad.sum(axis=0, keepdims=True)
        return grad @ self.W.T

    def step(self, lr):
        self.W -= lr * self.dW
        self.b -= lr * self.db


class ReLU:
    def forward(self, x):
        self.mask = x > 0
        return x * self.mask

    def backward(self, grad):
        return grad * self.mask

    def step(self, lr):
        pass


def bce_grad(a, t):
    a = np.clip(a, 1e-7, 1 - 1e-7)
    return (a - t) / (a * (1 - a)) / len(t)


model = [Dense(4, 6), ReLU(), Dense(6, 1)]


def run(x):
    for layer in model:
        x = layer.forward(x)
    return 1.0 / (1.0 + np.exp(-x))


for epoch in range(60):
    g = bce_grad(run(X), y) * run(X) * (1 - run(X))
    for layer in reversed(model):
        g = layer.backward(g)
    for layer in model:
        layer.step(0.5)
"""


def test_zero_biases_frozen_behind_dead_units_are_no_symmetric_start(tmp_path):
    ns = untraced(POSITIVE_WEIGHTS_NEGATIVE_INPUTS)
    first = ns["model"][0]
    assert np.all(ns["X"] @ first.W <= 0) and not np.any(first.b)  # dead from the start, biases never moved
    s = analysed_session(tmp_path, POSITIVE_WEIGHTS_NEGATIVE_INPUTS)
    c = premise_checks(s, "weights_init_symmetric")
    assert c["units_identical_from_start"].status != HOLDS, c["units_identical_from_start"].why
    assert "weights_init_symmetric" not in _tags(s)
    assert "dead_relu" in _tags(s)


# Three zero matrices, each too large for its values to be kept: their least and largest values are recorded at
# every step, and a matrix whose least value equals its largest holds one value in every entry.
ZERO_LARGE = """
import numpy as np
rng = np.random.default_rng(9)
X = rng.normal(0.0, 1.0, (50, 6))
y = np.eye(10)[(np.abs(X[:, 0] * 3).astype(int) % 10)]
params = [np.zeros((6, 48)), np.zeros((48, 32)), np.zeros((32, 10))]


def sig(z):
    return 1.0 / (1.0 + np.exp(-z))


for it in range(200):
    a1 = sig(X @ params[0])
    a2 = sig(a1 @ params[1])
    out = sig(a2 @ params[2])
    d3 = (out - y) / len(X)
    d2 = (d3 @ params[2].T) * a2 * (1 - a2)
    d1 = (d2 @ params[1].T) * a1 * (1 - a1)
    grads = [X.T @ d1, a1.T @ d2, a2.T @ d3]
    for p, g in zip(params, grads):
        p -= 2.0 * g
"""


def test_symmetric_matrices_too_large_to_keep_are_judged_on_their_least_and_largest_values(tmp_path):
    ns = untraced(ZERO_LARGE)
    middle = ns["params"][1]
    assert middle.size > 256 and np.all(middle == middle.flat[0]) and middle.flat[0] != 0  # moved, all equal
    s = analysed_session(tmp_path, ZERO_LARGE)
    c = premise_checks(s, "weights_init_symmetric")
    assert c["weights_kept"].status == HOLDS and "least value equal to their largest" in c["weights_kept"].why
    assert c["units_identical_at_end"].status == HOLDS
    assert "weights_init_symmetric" in _tags(s)


def test_symmetric_matrices_apart_by_rounding_only_are_still_one_value(tmp_path):
    # The same zero start, its copies put a few ulps apart as a BLAS kernel summing columns in blocks leaves them
    # (each entry times 1 + k * 2**-52): least and largest differ by rounding alone, far within SYMMETRY_DRIFT.
    src = ZERO_LARGE.replace("        p -= 2.0 * g", "        p -= 2.0 * g\n"
                             "        p *= 1 + (np.arange(p.size).reshape(p.shape) % 3) * 2.0 ** -52")
    ns = untraced(src)
    middle = ns["params"][1]
    assert middle.size > 256 and middle.min() != middle.max()
    assert (middle.max() - middle.min()) <= 1e-6 * np.abs(middle).max()  # grown over 200 steps, still tiny
    s = analysed_session(tmp_path, src)
    c = premise_checks(s, "weights_init_symmetric")
    assert c["weights_kept"].status == HOLDS, c["weights_kept"].why
    assert "weights_init_symmetric" in _tags(s)


# XOR in plain Python: every hidden unit's weight list starts as [0.3, 0.3], and each entry is stepped in turn.
XOR_LISTS = """
import math
import random
random.seed(3)
data = [((-1.1, -0.9), 0.0), ((-1.0, 1.1), 1.0), ((0.9, -1.0), 1.0), ((1.05, 0.95), 0.0)]
hid_w = [[0.3, 0.3] for _ in range(3)]
hid_b = [0.0] * 3
out_w = [0.3] * 3
out_b = 0.0
for epoch in range(300):
    for x, t in data:
        hs = [math.tanh(hid_w[j][0] * x[0] + hid_w[j][1] * x[1] + hid_b[j]) for j in range(3)]
        p = 1.0 / (1.0 + math.exp(-(sum(out_w[j] * hs[j] for j in range(3)) + out_b)))
        d_z = p - t
        for j in range(3):
            d_h = d_z * out_w[j] * (1 - hs[j] ** 2)
            out_w[j] -= 0.5 * d_z * hs[j]
            hid_w[j][0] -= 0.5 * d_h * x[0]
            hid_w[j][1] -= 0.5 * d_h * x[1]
            hid_b[j] -= 0.5 * d_h
        out_b -= 0.5 * d_z
"""


def test_weights_stepped_one_entry_at_a_time_are_judged_as_each_step_leaves_them(tmp_path):
    ns = untraced(XOR_LISTS)
    assert all(row == ns["hid_w"][0] for row in ns["hid_w"])  # the replay: the units are still copies at the end
    s = analysed_session(tmp_path, XOR_LISTS)
    c = premise_checks(s, "weights_init_symmetric")
    # after unit 0's entries are written and before unit 1's, the rows differ: not how the step leaves them
    assert c["units_identical_from_start"].status == HOLDS, c["units_identical_from_start"].why
    assert "weights_init_symmetric" in _tags(s)


# Five of eight units start with a bias of -40 and never live; the other three learn the task.
PART_DEAD = """
import numpy as np
rng = np.random.default_rng(6)
X = rng.normal(0.0, 1.0, (24, 3))
y = (np.sin(X[:, 0]) + 0.5 * X[:, 1] * X[:, 2])[:, None]
W1 = rng.normal(0.0, 0.7, (3, 8))
b1 = np.where(np.arange(8) < {dead}, -40.0, 0.1)
W2 = rng.normal(0.0, 0.3, (8, 1))
losses = []
for step in range(400):
    h = np.maximum(X @ W1 + b1, 0)
    out = h @ W2
    losses.append(float(np.mean((out - y) ** 2)))
    d = 2 * (out - y) / len(y)
    dh = (d @ W2.T) * (h > 0)
    W2 -= 0.05 * h.T @ d
    W1 -= 0.05 * X.T @ dh
    b1 -= 0.05 * dh.sum(axis=0)
"""


def test_dead_units_that_leave_the_rest_learning_are_no_cause(tmp_path):
    losses = untraced(PART_DEAD.format(dead=5))["losses"]
    assert losses[-1] < 0.25 * losses[0]  # the replay: the three live units fit the task
    s = analysed_session(tmp_path, PART_DEAD.format(dead=5))
    c = premise_checks(s, "dead_relu")
    assert c["units_dead"].status == HOLDS and c["learning_hurt"].status == FAILS, c["learning_hurt"].why
    assert "dead_relu" not in _tags(s)


def test_every_unit_dead_hurts_whatever_the_loss_did(tmp_path):
    s = analysed_session(tmp_path, PART_DEAD.format(dead=8))
    c = premise_checks(s, "dead_relu")
    assert c["learning_hurt"].status == HOLDS
    assert "dead_relu" in _tags(s)


# The same net trained one sample at a time: each evaluation of `a` is one sample's ten units. The per-sample target
# reaches the backward method as an argument (`step(X[i], y[i])`): a sample's label, not a setting.
RELU_PER_SAMPLE = """
import numpy as np
rng = np.random.default_rng(2)
X = rng.standard_normal((80, 3))
y = np.abs(X[:, 0]) - 0.5
W1 = rng.standard_normal((3, 10)) * 0.5
b1 = np.where(np.arange(10) < 7, {bias}, 0.1)
W2 = rng.standard_normal(10) * 0.3
b2 = 0.0


def step(x, t):
    global W2, b2
    z = x @ W1 + b1
    a = np.maximum(z, 0)
    out = a @ W2 + b2
    e = out - t
    dz = e * W2 * (z > 0)
    W2 = W2 - 0.05 * e * a
    b2 = b2 - 0.05 * e
    W1[...] -= 0.05 * np.outer(x, dz)
    b1[...] -= 0.05 * dz
    return a


for epoch in range(15):
    for i in range(len(X)):
        last = step(X[i], y[i])
"""


def test_dead_relu_in_a_per_sample_loop_counts_the_units_of_each_sample(tmp_path):
    s = analysed_session(tmp_path, RELU_PER_SAMPLE.format(bias=-20.0))
    c = premise_checks(s, "dead_relu")
    assert c["units_dead"].status == HOLDS, c["units_dead"].why
    # replayed: the units that stay exactly 0 for every sample of the last epoch
    ns = untraced(RELU_PER_SAMPLE.format(bias=-20.0))
    dead = np.all(np.maximum(ns["X"] @ ns["W1"] + ns["b1"], 0) == 0, axis=0)
    assert dead.sum() == 7
    assert f"{int(dead.sum())} of 10 units" in c["units_dead"].why
    # the three live units still fit the task (replayed: the final error is a thousandth of the targets' variance),
    # so the dead ones cost the run nothing
    fit = np.maximum(ns["X"] @ ns["W1"] + ns["b1"], 0) @ ns["W2"] + ns["b2"]
    assert np.mean((fit - ns["y"]) ** 2) < 0.01 * np.var(ns["y"])
    assert c["learning_hurt"].status == FAILS
    assert "dead_relu" not in [x.tag for x in s.causes]
    assert not premise_checks(analysed_session(tmp_path, RELU_PER_SAMPLE.format(bias=0.1), "live"),
                              "dead_relu")["units_dead"].status == HOLDS
    # the label handed to step() is a sample's, not a hyperparameter
    F = facts(s)
    t = next(x.id for x in F.sites if x.kind == "arg" and x.target.split()[-1] == "t")
    assert not F.is_hyper(t)


def test_dead_relu_fails_when_units_live(tmp_path):
    s = analysed_session(tmp_path, RELU_NET.format(bias=0.1))
    assert premise_checks(s, "dead_relu")["units_dead"].status == FAILS


def test_dead_relu_fails_without_a_relu_in_the_code(tmp_path):
    # A sigmoid network computes no ReLU at all: the premise fails (nothing to list as "not checked").
    s = analysed_session(tmp_path, SIGMOID_FXS.format(scale=1.0))
    assert premise_checks(s, "dead_relu")["relu_observed"].status == FAILS
    assert "dead_relu" not in [n.tag for n in s.not_checked]


def test_dead_relu_not_checked_when_the_relu_runs_outside_the_loop(tmp_path):
    src = "import numpy as np\nx = np.linspace(-1, 1, 8)\nh = np.maximum(0, x)\nprint(h.sum())\n"
    s = analysed_session(tmp_path, src)
    assert premise_checks(s, "dead_relu")["relu_observed"].status == NOT_CHECKED


# -- forward_outside_loop ---------------------------------------------------------------------------

STALE = """
import numpy as np
rng = np.random.default_rng(9)
X = rng.standard_normal((50, 2)).astype(np.float32)
y = (X @ np.array([1.5, -0.5], dtype=np.float32) + 0.3).astype(np.float32)
w = np.zeros(2, dtype=np.float32)
{before}
for it in range(25):
    {inside}
    grad = X.T @ (pred - y) / np.float32(len(X))
    w = w - np.float32(0.1) * grad
"""


def test_period_of_recorded_rows_agrees_with_comparing_every_shift():
    """The one-pass period search gives, on every sequence, the period found by comparing each shift whole:
    the shortest p <= n // 2 with row i equal to row i - p throughout, where NaN equals nothing and -0.0 is 0.0."""
    from nandoctor.analysis.causes.forward_outside_loop import _period

    def by_shifts(rows):
        n = len(rows)
        for p in range(1, n // 2 + 1):
            if np.all(rows[p:] == rows[:-p]):
                return p
        return None

    rng = np.random.default_rng(7)
    for _ in range(2000):
        cycle = rng.integers(0, int(rng.integers(1, 4)), size=(int(rng.integers(1, 8)), int(rng.integers(1, 3))))
        n = int(rng.integers(1, 40))
        rows = np.concatenate([cycle] * (n // len(cycle) + 1))[:n].astype(rng.choice([np.float64, np.float32]))
        if rng.random() < 0.3:
            rows[rng.integers(0, n)] = rng.choice([np.nan, -0.0, 5.0])
        assert _period(rows) == by_shifts(rows), rows.ravel()
    assert _period(np.zeros((20000, 4))) == 1
    assert _period(np.r_[np.zeros((19999, 4)), np.ones((1, 4))]) is None


def test_forward_outside_loop_holds_when_the_gradient_repeats(tmp_path):
    s = analysed_session(tmp_path, STALE.format(before="pred = X @ w", inside="pass"))
    c = premise_checks(s, "forward_outside_loop")
    assert _statuses(c) == {"gradient_recorded": HOLDS, "gradient_repeats": HOLDS, "parameters_move": HOLDS,
                           "forward_stale": HOLDS}
    rng = np.random.default_rng(9)
    X = rng.standard_normal((50, 2)).astype(np.float32)
    y = (X @ np.array([1.5, -0.5], dtype=np.float32) + 0.3).astype(np.float32)
    grad = X.T @ (X @ np.zeros(2, dtype=np.float32) - y) / np.float32(len(X))
    assert c["parameters_move"].numbers["median_update"] == pytest.approx(float(np.linalg.norm(0.1 * grad)), rel=1e-5)
    cause = next(x for x in s.causes if x.tag == "forward_outside_loop")
    assert cause.evidence["stale"] == "pred"


def test_forward_outside_loop_fails_when_recomputed(tmp_path):
    s = analysed_session(tmp_path, STALE.format(before="", inside="pred = X @ w"))
    assert premise_checks(s, "forward_outside_loop")["gradient_repeats"].status == FAILS


def test_forward_outside_loop_when_the_forward_runs_again_only_after_training(tmp_path):
    """`self.pred` is computed by the same statement before the loop and once after it, to report: never while the
    loop runs."""
    s = analysed_session(tmp_path, """
        import numpy as np
        rng = np.random.default_rng(9)
        X = rng.standard_normal((50, 2))
        y = X @ np.array([1.5, -0.5]) + 0.3


        class Fit:
            def __init__(self):
                self.w = np.zeros(2)

            def forward(self, X):
                self.pred = X @ self.w
                return self.pred

            def grad(self, X, y):
                return X.T @ (self.pred - y) / len(X)


        fit = Fit()
        fit.forward(X)
        for it in range(25):
            g = fit.grad(X, y)
            fit.w = fit.w - 0.1 * g
        final = np.mean((fit.forward(X) - y) ** 2)
    """)
    assert set(_statuses(premise_checks(s, "forward_outside_loop")).values()) == {HOLDS}
    cause = next(x for x in s.causes if x.tag == "forward_outside_loop")
    assert cause.evidence["stale"] == "self.pred"
    # The fix repeats the call that ran the forward method, at the top of the training loop; run plain, it fits.
    fix = cause.fixes[0]
    assert (fix.before.strip(), fix.after.strip()) == ("g = fit.grad(X, y)", "fit.forward(X)\ng = fit.grad(X, y)")
    from nandoctor.verify import apply_fix

    source = (tmp_path / "prog.py").read_text()
    assert untraced(apply_fix(source, fix))["final"] < 0.5 * untraced(source)["final"]


# Softmax regression whose gradients come back in a dict (`grads = gradients(...)`, `params[k] -= lr * grads[k]`):
# the dict records no array, so the gradient is read through it, at the `delta` that fills it.
DICT_STALE = """
import numpy as np
rng = np.random.default_rng(5)
X = np.concatenate([m + 0.8 * rng.standard_normal((50, 2)) for m in ([0.0, 1.5], [1.5, -1.0], [-1.5, -1.0])])
Y = np.eye(3)[np.repeat(np.arange(3), 50)]
params = {{"W": 0.01 * rng.standard_normal((2, 3)), "b": np.zeros(3)}}


def softmax(scores):
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def gradients(X, Y, probs):
    delta = (probs - Y) / X.shape[0]
    return {{"W": X.T @ delta, "b": delta.sum(axis=0)}}


{before}for epoch in range(60):
{inside}    grads = gradients(X, Y, probs)
    for k in params:
        params[k] -= 0.5 * grads[k]
"""
FORWARD = 'probs = softmax(X @ params["W"] + params["b"])\n'


def test_forward_outside_loop_read_through_a_dict_of_gradients(tmp_path):
    stale = DICT_STALE.format(before=FORWARD, inside="")
    ns = untraced(stale)
    first = ns["gradients"](ns["X"], ns["Y"], ns["probs"])["W"]
    # the replay: the gradient handed to every step is the one of the first step
    assert np.array_equal(first, ns["gradients"](ns["X"], ns["Y"], ns["probs"])["W"])
    s = analysed_session(tmp_path, stale)
    c = premise_checks(s, "forward_outside_loop")
    assert _statuses(c) == {"gradient_recorded": HOLDS, "gradient_repeats": HOLDS, "parameters_move": HOLDS,
                            "forward_stale": HOLDS}, {k: v.why for k, v in c.items()}
    assert "delta" in c["gradient_repeats"].why
    assert _tags(s)[:1] == ["forward_outside_loop"]
    s = analysed_session(tmp_path, DICT_STALE.format(before="", inside="    " + FORWARD), "fresh")
    assert premise_checks(s, "forward_outside_loop")["gradient_repeats"].status == FAILS
    assert "forward_outside_loop" not in _tags(s)


def test_forward_outside_loop_in_pure_python(tmp_path):
    s = analysed_session(tmp_path, """
        xs = [0.5 * i for i in range(12)]
        ys = [3.0 * x - 1.0 for x in xs]
        w, c = 0.0, 0.0
        guesses = [w * x + c for x in xs]
        for rnd in range(40):
            gw = sum((g - t) * x for g, t, x in zip(guesses, ys, xs)) / len(xs)
            gc = sum(g - t for g, t in zip(guesses, ys)) / len(xs)
            w = w - 0.01 * gw
            c = c - 0.01 * gc
    """)
    assert set(_statuses(premise_checks(s, "forward_outside_loop")).values()) == {HOLDS}


# -- parameter_shape_per_sample ---------------------------------------------------------------------

def test_per_sample_bias_in_features_x_samples(tmp_path):
    s = analysed_session(tmp_path, """
        import numpy as np
        rng = np.random.default_rng(6)
        X = rng.standard_normal((3, 40))
        Y = np.array([[1.0, -2.0, 0.5]]) @ X + 4.0
        w = np.zeros((1, 3))
        b = np.zeros((1, X.shape[1]))
        for k in range(30):
            R = w @ X + b - Y
            w -= 0.1 * R @ X.T / 40
            b -= 0.1 * R
    """)
    c = premise_checks(s, "parameter_shape_per_sample")
    assert _statuses(c) == {"samples_counted": HOLDS, "parameter_per_sample": HOLDS, "not_a_layer_width": HOLDS,
                            "not_a_factor": HOLDS}
    assert c["samples_counted"].numbers["samples"] == 40
    assert "parameter_shape_per_sample" in _tags(s)


def test_a_name_made_afresh_for_a_second_model_is_not_a_parameter_changing_shape(tmp_path):
    # W is a linear model's weights, then made again with two more columns for a second fit: two parameters under
    # one name, each update writing one shape; only a statement that writes a new size grows a parameter.
    src = """
        import numpy as np
        rng = np.random.default_rng(8)
        X = rng.standard_normal((50, 3))
        y = X @ np.array([1.0, -1.0, 0.5])
        W = np.zeros(3)
        for step in range(40):
            W = W - 0.1 * X.T @ (X @ W - y) / 50
        X = np.hstack([X, X[:, :2] ** 2])
        W = np.zeros(5)
        for step in range(40):
            W = W - 0.1 * X.T @ (X @ W - y) / 50
    """
    assert untraced(src)["W"].shape == (5,)
    s = analysed_session(tmp_path, src)
    c = premise_checks(s, "parameter_shape_per_sample")
    assert c["parameter_per_sample"].status == FAILS
    assert "parameter_shape_per_sample" not in _tags(s)


def test_a_factor_matrix_with_a_row_per_data_row_is_the_model_not_a_per_sample_parameter(tmp_path):
    # Non-negative factorisation A ~ W @ H by multiplicative updates: W has one row of factors per row of A.
    src = """
        import numpy as np
        rng = np.random.default_rng(10)

        def factorise(A, r, epochs, W, H):
            norms = [np.linalg.norm(A - np.matmul(W, H))]
            for it in range(epochs):
                H = H * (np.matmul(W.T, A) / np.matmul(np.matmul(W.T, W), H))
                W = W * (np.matmul(A, H.T) / np.matmul(W, np.matmul(H, H.T)))
                norms.append(np.linalg.norm(A - np.matmul(W, H)))
            return W, H, norms

        A = rng.random((40, 3)) @ rng.random((3, 25))
        W, H, errors = factorise(A, 3, 60, rng.random((40, 3)), rng.random((3, 25)))
    """
    errors = untraced(src)["errors"]
    assert errors[-1] < 0.5 * errors[0]
    s = analysed_session(tmp_path, src)
    c = premise_checks(s, "parameter_shape_per_sample")
    assert c["parameter_per_sample"].status == HOLDS and c["not_a_factor"].status == FAILS
    assert "np.matmul(W, H)" in c["not_a_factor"].why
    assert "parameter_shape_per_sample" not in _tags(s)


def test_a_layer_as_wide_as_the_data_is_not_per_sample(tmp_path):
    s = analysed_session(tmp_path, """
        import numpy as np
        rng = np.random.default_rng(7)
        X = rng.standard_normal((6, 2))
        y = X[:, :1] * 2.0
        W1 = rng.standard_normal((2, 6)) * 0.5
        W2 = rng.standard_normal((6, 1)) * 0.5
        for k in range(30):
            h = np.tanh(X @ W1)
            e = h @ W2 - y
            W1 -= 0.05 * X.T @ ((e @ W2.T) * (1 - h ** 2))
            W2 -= 0.05 * h.T @ e
    """)
    c = premise_checks(s, "parameter_shape_per_sample")
    assert c["parameter_per_sample"].status == HOLDS and c["not_a_layer_width"].status == FAILS



def test_a_width_one_dict_holds_on_two_axes_is_not_per_sample(tmp_path):
    # Six rows, a hidden width of six: the one dict of weights holds (2, 6) and (6, 1), six on both axes.
    s = analysed_session(tmp_path, """
        import numpy as np
        rng = np.random.default_rng(7)
        X = rng.standard_normal((6, 2))
        y = X[:, :1] * 2.0
        params = {"W1": rng.standard_normal((2, 6)) * 0.5, "W2": rng.standard_normal((6, 1)) * 0.5}
        for k in range(30):
            h = np.tanh(X @ params["W1"])
            e = h @ params["W2"] - y
            grads = {"W1": X.T @ ((e @ params["W2"].T) * (1 - h ** 2)), "W2": h.T @ e}
            for key in params:
                params[key] = params[key] - 0.05 * grads[key]
    """)
    c = premise_checks(s, "parameter_shape_per_sample")
    assert c["parameter_per_sample"].status == HOLDS and c["not_a_layer_width"].status == FAILS
    assert "parameter_shape_per_sample" not in _tags(s)



# Minibatch targets handed to a closure (`step(A[sel], passed[sel])`): the targets come from `passed`, not from the
# index `sel`; the prediction is last computed on the whole table, and judged against the table the targets are
# picked from. The healthy twin's column of ones is built by a helper (`np.stack([np.ones_like(a), a, b])`).
CLOSURE_MINIBATCH = """
import numpy as np
rng = np.random.default_rng(24)
n = 300
watched = rng.uniform(0.0, 1.0, n)
quiz = rng.uniform(0.0, 1.0, n)
passed = ((0.9 * watched + 1.1 * quiz + rng.normal(0, 0.08, n)) > 1.25).astype(float)


def build_features(watched, quiz):
    return np.stack(COLUMNS, axis=1)


def make_classifier(n_features, lr):
    w = np.zeros(n_features)

    def prob(A):
        return 1.0 / (1.0 + np.exp(-(A @ w)))

    def step(A, t):
        g = A.T @ (prob(A) - t) / len(t)
        w[:] = w - lr * g

    return prob, step


A = build_features(watched, quiz)
prob, step = make_classifier(A.shape[1], 0.5)
for epoch in range(25):
    order = rng.permutation(n)
    for k in range(0, n, 50):
        sel = order[k:k + 50]
        step(A[sel], passed[sel])
    final = prob(A)
"""


def test_a_closure_fed_minibatches_without_an_offset_is_judged_on_the_whole_table(tmp_path):
    src = CLOSURE_MINIBATCH.replace("COLUMNS", "[watched, quiz]")
    s = analysed_session(tmp_path, src)
    F = facts(s)
    t = F.target
    assert t is not None and F.by_id[F.root_data(t)].target == "passed"
    c = premise_checks(s, "missing_bias")
    assert _statuses(c) == {"no_bias_term": HOLDS, "offset_needed": HOLDS, "decision_stuck": HOLDS}
    run = untraced(src)
    assert c["decision_stuck"].numbers["output_std_end"] == pytest.approx(float(run["final"].std()), rel=1e-6)
    assert c["decision_stuck"].numbers["target_std"] == pytest.approx(float(run["passed"].std()), rel=1e-6)


def test_a_column_of_ones_built_by_a_helper_is_a_bias(tmp_path):
    s = analysed_session(tmp_path, CLOSURE_MINIBATCH.replace("COLUMNS", "[np.ones_like(watched), watched, quiz]"))
    assert premise_checks(s, "missing_bias")["no_bias_term"].status == FAILS


# -- targets_outside_activation_range ---------------------------------------------------------------

TANH_OUT = """
import numpy as np
rng = np.random.default_rng(3)
X = rng.standard_normal((90, 2))
t = {targets}
W = rng.standard_normal((2, 1)) * 0.1
c = np.zeros(1)
for ep in range(50):
    o = np.tanh(X @ W + c)
    g = (o - t) * (1 - o ** 2) / len(X)
    W -= 0.5 * X.T @ g
    c -= 0.5 * g.sum(0)
"""


def test_targets_above_a_tanh(tmp_path):
    s = analysed_session(tmp_path, TANH_OUT.format(targets="np.round(1.5 + X[:, :1])"))
    c = premise_checks(s, "targets_outside_activation_range")
    assert _statuses(c) == {"targets_measured": HOLDS, "bounded_output": HOLDS, "targets_are_values": HOLDS,
                              "targets_outside": HOLDS}
    rng = np.random.default_rng(3)
    X = rng.standard_normal((90, 2))
    t = np.round(1.5 + X[:, :1])
    assert c["targets_outside"].numbers["target_max"] == float(t.max())
    assert c["targets_outside"].numbers["fraction_outside"] == pytest.approx(float(np.mean((t < -1) | (t > 1))))


def test_targets_inside_a_tanh(tmp_path):
    s = analysed_session(tmp_path, TANH_OUT.format(targets="np.sign(X[:, :1]) * 0.8"))
    assert premise_checks(s, "targets_outside_activation_range")["targets_outside"].status == FAILS


def test_a_linear_output_is_not_swapped_for_a_hidden_tanh_of_its_size(tmp_path):
    """One tanh unit, then a linear output asked for values up to 3: the prediction the model pairs with the targets
    leaves [-1, 1], so the hidden tanh (as many values as the targets) is not what meets them."""
    src = """
import numpy as np
rng = np.random.default_rng(3)
X = rng.standard_normal((90, 2))
t = 2.0 * X[:, :1] + 0.5
W = rng.standard_normal((2, 1)) * 0.5
v = np.ones((1, 1))
for ep in range(60):
    h = np.tanh(X @ W)
    o = h @ v
    g = (o - t) / len(X)
    dh = g @ v.T * (1 - h ** 2)
    v -= 0.2 * h.T @ g
    W -= 0.2 * X.T @ dh
"""
    s = analysed_session(tmp_path, src)
    F = facts(s)
    assert F.output is not None and F.by_id[F.output].target == "o"
    assert "targets_outside_activation_range" not in [c.tag for c in s.causes]
    assert premise_checks(s, "targets_outside_activation_range")["bounded_output"].status != HOLDS


def test_steps_sized_by_targets_out_of_reach_are_the_targets_doing(tmp_path):
    # The sample h15_marble_fern_a: a sigmoid output asked for exam scores of 20 to 100, one student per step; the first
    # step moves the weights by several times their norm, then the saturated output passes nothing back.
    from pathlib import Path

    src = (Path(__file__).parent / "samples" / "cases" / "h15_marble_fern_a.py").read_text()
    assert "targets = scores" in src
    s = analysed_session(tmp_path, src)
    drafts, _, checks = evaluate_rules(s, facts(s), detect(s))
    tags = [d.tag for d in drafts]
    assert "targets_outside_activation_range" in tags
    by = {c.premise: c for c in checks["learning_rate_too_high"]}
    assert by["steps_too_large"].status == HOLDS  # large steps were measured
    assert by["yields_to"].status == FAILS and "targets_outside_activation_range" in by["yields_to"].why
    assert "learning_rate_too_high" not in tags


def test_a_linear_output_has_no_bounded_range(tmp_path):
    linear = TANH_OUT.replace("np.tanh(X @ W + c)", "X @ W + c").replace(" * (1 - o ** 2)", "")
    s = analysed_session(tmp_path, linear.format(targets="3 * X[:, :1]"))
    assert premise_checks(s, "targets_outside_activation_range")["bounded_output"].status == FAILS


# A model called through layer objects (`return self.net(x)`): nothing links what a forward method returns to the
# parameters, yet it is computed from the inputs in the loop, so it is a prediction, never the targets.
LAYER_OBJECTS = """
import numpy as np


class Module:
    def __call__(self, x):
        return self.forward(x)


class Linear(Module):
    def __init__(self, rng, n_in, n_out):
        self.w = rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / n_in)
        self.b = np.zeros(n_out)

    def forward(self, x):
        self.x = x
        return x @ self.w + self.b

    def backward(self, g):
        self.gw = self.x.T @ g
        self.gb = g.sum(axis=0)
        return g @ self.w.T


class Sigmoid(Module):
    def forward(self, x):
        self.out = 1.0 / (1.0 + np.exp(-x))
        return self.out

    def backward(self, g):
        return g * self.out * (1.0 - self.out)


class Stack(Module):
    def __init__(self, *layers):
        self.layers = layers

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def backward(self, g):
        for layer in reversed(self.layers):
            g = layer.backward(g)


class Net:
    def __init__(self, rng):
        self.net = Stack(Linear(rng, 6, 16), Sigmoid(), Linear(rng, 16, 3))

    def forward(self, x):
        return self.net(x)


rng = np.random.default_rng(4)
feats = rng.standard_normal((120, 6))
labels = np.eye(3)[np.argmax(feats[:, :3], axis=1)]
model = Net(rng)
for epoch in range(30):
    for start in range(0, 120, 40):
        xb, yb = feats[start:start + 40], labels[start:start + 40]
        logits = model.forward(xb)
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        probs = e / e.sum(axis=1, keepdims=True)
        loss = -np.mean(np.sum(yb * np.log(probs + 1e-9), axis=1))
        model.net.backward((probs - yb) / len(xb))
        for layer in model.net.layers:
            if isinstance(layer, Linear):
                layer.w -= 0.5 * layer.gw
                layer.b -= 0.5 * layer.gb
"""


def test_a_forward_return_computed_from_the_inputs_is_not_the_targets(tmp_path):
    s = analysed_session(tmp_path, LAYER_OBJECTS)
    F = facts(s)
    assert F.target is not None and F.by_id[F.target].target == "yb"
    assert F.by_id[F.output].target == "probs"
    c = premise_checks(s, "targets_outside_activation_range")
    assert c["targets_outside"].status == FAILS  # one-hot rows lie in [0, 1]
    assert not untraced(LAYER_OBJECTS)["labels"].min() < 0



# A module-level dict of weights stepped inside a function that never binds the name (`params[k] -= ...` in
# `adam_step`), read by the forward function; a sigmoid output asked for percentages. The dict is the parameters (its
# writes in the function are the module's), and a loss that barely falls under Adam's small steps is the targets'
# floor, not a rate too low.
PERCENT_TARGETS = """
import numpy as np
rng = np.random.default_rng(58)
N, D, H = 200, 3, 6
X = rng.normal(size=(N, D))
y = 100 / (1 + np.exp(-(X @ np.array([1.1, -0.8, 0.6]) - 0.3))).reshape(-1, 1)
params = {"W1": rng.normal(scale=0.8, size=(D, H)), "b1": np.zeros((1, H)),
          "W2": rng.normal(scale=0.4, size=(H, 1)), "b2": np.zeros((1, 1))}
state = {"m": {k: np.zeros_like(v) for k, v in params.items()}, "v": {k: np.zeros_like(v) for k, v in params.items()},
         "t": 0}


def forward(xb):
    z1 = xb @ params["W1"] + params["b1"]
    a1 = np.maximum(z1, 0)
    out = 1 / (1 + np.exp(-(a1 @ params["W2"] + params["b2"])))
    return z1, a1, out


def gradients(xb, yb):
    z1, a1, out = forward(xb)
    d_z2 = 2 * (out - yb) / len(xb) * out * (1 - out)
    g = {"W2": a1.T @ d_z2, "b2": d_z2.sum(axis=0, keepdims=True)}
    d_z1 = (d_z2 @ params["W2"].T) * (z1 > 0)
    g["W1"], g["b1"] = xb.T @ d_z1, d_z1.sum(axis=0, keepdims=True)
    return g


def adam_step(g, lr=0.005):
    state["t"] += 1
    for k in params:
        state["m"][k] = 0.9 * state["m"][k] + 0.1 * g[k]
        state["v"][k] = 0.999 * state["v"][k] + 0.001 * g[k] ** 2
        m_hat = state["m"][k] / (1 - 0.9 ** state["t"])
        v_hat = state["v"][k] / (1 - 0.999 ** state["t"])
        params[k] -= lr * m_hat / (np.sqrt(v_hat) + 1e-8)


for epoch in range(15):
    perm = rng.permutation(N)
    for i in range(0, N, 25):
        idx = perm[i:i + 25]
        adam_step(gradients(X[idx], y[idx]))
    loss = float(np.mean((forward(X)[2] - y) ** 2))
"""


def test_a_module_dict_stepped_in_a_function_holds_the_parameters(tmp_path):
    s = analysed_session(tmp_path, PERCENT_TARGETS)
    F = facts(s)
    assert ("<module>", "params") in F.param_keys
    assert F.output is not None and F.by_id[F.output].target == "out"
    c = premise_checks(s, "targets_outside_activation_range")
    assert _statuses(c) == {"targets_measured": HOLDS, "bounded_output": HOLDS, "targets_are_values": HOLDS,
                              "targets_outside": HOLDS}
    run = untraced(PERCENT_TARGETS)
    assert c["targets_outside"].numbers["target_max"] <= float(run["y"].max())
    low = premise_checks(s, "learning_rate_too_low")
    assert low["loss_barely_falls"].status == HOLDS and low["yields_to"].status == FAILS
    assert _tags(s)[0] == "targets_outside_activation_range"


# -- missing_bias -----------------------------------------------------------------------------------

OFFSET = """
import numpy as np

class Scorer:
    def __init__(self):
        self.w = np.zeros(2)
        {init}

    def prob(self, X):
        return 1 / (1 + np.exp(-(X @ self.w{plus})))

    def train(self, X, t):
        for sweep in range(300):
            p = self.prob(X)
            err = p - t
            self.w -= 0.3 * X.T @ err / len(X)
            {update}

rng = np.random.default_rng(12)
raw = rng.standard_normal((200, 2))
t = (raw.sum(axis=1) > 0).astype(float)
Scorer().train(raw + 3.0, t)
"""


def test_missing_bias_on_inputs_off_the_origin(tmp_path):
    s = analysed_session(tmp_path, OFFSET.format(init="", plus="", update=""))
    c = premise_checks(s, "missing_bias")
    assert _statuses(c) == {"no_bias_term": HOLDS, "offset_needed": HOLDS, "decision_stuck": HOLDS}
    rng = np.random.default_rng(12)
    raw = rng.standard_normal((200, 2)) + 3.0
    # 400 values are summarised, not kept: the ratio is over the whole array
    assert c["offset_needed"].numbers["ratio"] == pytest.approx(float(abs(raw.mean()) / raw.std()))
    assert "missing_bias" in _tags(s)


SHUFFLED_OFFSET = """
import numpy as np

rng = np.random.default_rng(5)
X = np.vstack([rng.normal([1.2, 1.0], 0.45, (150, 2)), rng.normal([2.9, 3.1], 0.45, (150, 2))])
y = np.concatenate([np.zeros(150), np.ones(150)])
idx = rng.permutation(len(y))
X, y = X[idx], y[idx]
params = {"w": np.zeros(2)}

def logits(params, X):
    return X @ params["w"]

for it in range(300):
    p = 1.0 / (1.0 + np.exp(-logits(params, X)))
    grads = {"w": X.T @ (p - y) / len(y)}
    for key in params:
        params[key] = params[key] - 0.2 * grads[key]
"""


def test_missing_bias_through_a_shuffle_of_inputs_and_targets_together(tmp_path):
    # `X, y = X[idx], y[idx]` and a permutation of `len(y)` rows: the inputs do not read the targets' values, so
    # the product in `logits` is the decision, not a step computed from the targets
    s = analysed_session(tmp_path, SHUFFLED_OFFSET)
    c = premise_checks(s, "missing_bias")
    assert c["no_bias_term"].status == HOLDS, c["no_bias_term"]
    assert "missing_bias" in _tags(s)


def test_missing_bias_fails_with_a_bias(tmp_path):
    s = analysed_session(tmp_path, OFFSET.format(init="self.c = 0.0", plus=" + self.c", update="self.c -= 0.3 * err.mean()"))
    assert premise_checks(s, "missing_bias")["no_bias_term"].status == FAILS
    assert "missing_bias" not in _tags(s)


REGRESSION_THROUGH_ORIGIN = """
import numpy as np

rng = np.random.default_rng(4)
feats = np.vstack([rng.uniform(3.0, 5.0, 60), rng.uniform(-1.0, 1.0, 60)])
level = (2.0 * (feats[0] - 4.0) - feats[1])[None, :]
coef = np.zeros((1, 2))
{init}
for ep in range(400):
    fit = coef @ feats{plus}
    gap = fit - level
    coef -= 0.05 * gap @ feats.T / 60
    {update}
"""


def _replay_gap_rms(with_offset: bool) -> float:
    """Root mean square of the misses over the last tenth of the 400 steps, replayed in plain numpy."""
    rng = np.random.default_rng(4)
    feats = np.vstack([rng.uniform(3.0, 5.0, 60), rng.uniform(-1.0, 1.0, 60)])
    level = (2.0 * (feats[0] - 4.0) - feats[1])[None, :]
    coef, off, sq = np.zeros((1, 2)), 0.0, []
    for _ in range(400):
        gap = coef @ feats + off - level
        sq.append(gap.mean() ** 2 + gap.std() ** 2)
        coef = coef - 0.05 * gap @ feats.T / 60
        if with_offset:
            off -= 0.05 * gap.mean()
    return float(np.sqrt(np.mean(sq[-40:])))


def test_missing_bias_holds_when_a_regression_keeps_large_misses(tmp_path):
    # the prediction varies (not flat), but without an offset its misses stay most of the targets' spread
    s = analysed_session(tmp_path, REGRESSION_THROUGH_ORIGIN.format(init="", plus="", update=""))
    c = premise_checks(s, "missing_bias")
    assert _statuses(c) == {"no_bias_term": HOLDS, "offset_needed": HOLDS, "decision_stuck": HOLDS}
    assert c["decision_stuck"].numbers["miss_rms_end"] == pytest.approx(_replay_gap_rms(False), rel=1e-6)
    assert "missing_bias" in _tags(s)


def test_missing_bias_fails_on_the_same_regression_with_an_offset(tmp_path):
    s = analysed_session(tmp_path, REGRESSION_THROUGH_ORIGIN.format(init="off = 0.0", plus=" + off",
                                                          update="off -= 0.05 * gap.mean()"))
    assert premise_checks(s, "missing_bias")["no_bias_term"].status == FAILS
    assert "missing_bias" not in _tags(s)


def test_too_large_ignores_a_batch_index_array(tmp_path):
    # `cols` (indices up to 599) is recorded in the first pass but is not computed from the weights
    s = analysed_session(tmp_path, """
        import numpy as np
        rng = np.random.default_rng(2)
        feats = rng.normal(size=(2, 600))
        level = (feats[0] - feats[1])[None, :]
        coef = np.zeros((1, 2))
        for ep in range(20):
            for start in range(0, 600, 50):
                cols = rng.permutation(600)[start:start + 50]
                fit = coef @ feats[:, cols]
                gap = fit - level[:, cols]
                coef -= 0.1 * gap @ feats[:, cols].T / 50
    """)
    assert premise_checks(s, "weights_init_too_large")["starts_extreme"].status != HOLDS
    assert "weights_init_too_large" not in _tags(s)


def test_missing_bias_not_checked_without_a_weighted_sum(tmp_path):
    s = analysed_session(tmp_path, """
        import numpy as np
        data = np.random.default_rng(0).normal(5.0, 1.0, 100)
        m = 0.0
        for i in range(50):
            m = m - 0.1 * (m - data.mean())
    """)
    assert premise_checks(s, "missing_bias")["no_bias_term"].status == NOT_CHECKED


def test_an_accumulator_reset_to_zeros_is_not_a_stale_gradient(tmp_path):
    # `g = zeros` repeats bit for bit at every step; the update reads the accumulated `g += ...` instead
    s = analysed_session(tmp_path, """
        import numpy as np
        rng = np.random.default_rng(10)
        X = rng.standard_normal((40, 3))
        y = X @ np.array([0.5, -1.0, 2.0])
        w = np.zeros(3)
        for it in range(30):
            g = np.zeros(3)
            for row, target in zip(X, y):
                g += (row @ w - target) * row
            w -= 0.01 * g / len(X)
    """)
    c = premise_checks(s, "forward_outside_loop")
    assert c["gradient_repeats"].status == FAILS
    assert "forward_outside_loop" not in _tags(s)


def test_dead_units_counted_per_unit_in_features_x_samples(tmp_path):
    # 4 units x 30 samples, kept whole: two units are off for every sample, the others live
    s = analysed_session(tmp_path, """
        import numpy as np
        rng = np.random.default_rng(13)
        X = rng.standard_normal((2, 30))
        Y = X[:1] - X[1:]
        W1 = rng.standard_normal((4, 2)) * 0.1
        b1 = np.array([[-30.0], [-30.0], [0.5], [0.5]])
        W2 = rng.standard_normal((1, 4)) * 0.5
        for it in range(40):
            A1 = np.maximum(0, W1 @ X + b1)
            P = W2 @ A1
            E = P - Y
            dA = (W2.T @ E) * (A1 > 0)
            W2 -= 0.05 * E @ A1.T / 30
            W1 -= 0.05 * dA @ X.T / 30
            b1 -= 0.05 * dA.sum(axis=1, keepdims=True) / 30
    """)
    dead = [f for f in s.findings if f.code == "dead_units"]
    assert dead and dead[0].evidence["dead_units"] == 2 and dead[0].evidence["fraction_dead"] == pytest.approx(0.5)


def test_data_read_by_the_update_is_not_a_stale_gradient(tmp_path):
    # `self.W -= lr * (d @ X.T)` reads the inputs X, the same at every step by design
    s = analysed_session(tmp_path, """
        import numpy as np

        class Fit:
            def __init__(self):
                self.W = np.zeros((1, 2))

            def step(self, X, Y, lr):
                d = self.W @ X - Y
                self.W -= lr * d @ X.T / X.shape[1]

        rng = np.random.default_rng(15)
        X = rng.standard_normal((2, 50))
        Y = np.array([[1.0, -1.0]]) @ X
        f = Fit()
        for epoch in range(30):
            f.step(X, Y, 0.1)
    """)
    assert "forward_outside_loop" not in _tags(s)


PIXEL_NET = """
import numpy as np


def affine(x, w, b):
    return x.reshape(x.shape[0], -1) @ w + b


gen = np.random.default_rng(7)
protos = gen.uniform(0, 255, (5, 48))
kinds = gen.integers(0, 5, 300)
pixels = np.clip(0.4 * protos[kinds] + 0.6 * gen.uniform(0, 255, (300, 48)), 0, 255)
pixels = pixels - pixels.mean(axis=0)
weights = {{"w0": {scale} * gen.standard_normal((48, 32)), "b0": np.zeros(32),
           "w1": {scale} * gen.standard_normal((32, 5)), "b1": np.zeros(5)}}
for t in range(60):
    rows = gen.choice(300, 30)
    x, labels = pixels[rows], kinds[rows]
    hidden = np.maximum(affine(x, weights["w0"], weights["b0"]), 0)
    out = affine(hidden, weights["w1"], weights["b1"])
    shifted = out - out.max(axis=1, keepdims=True)
    probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    cost = -np.log(probs[np.arange(30), labels] + 1e-300).mean()
    up = probs.copy()
    up[np.arange(30), labels] -= 1
    up /= 30
    grads = {{"w1": hidden.T @ up, "b1": up.sum(axis=0)}}
    back = (up @ weights["w1"].T) * (hidden > 0)
    grads["w0"], grads["b0"] = x.T @ back, back.sum(axis=0)
    for k, w in weights.items():
        weights[k] = w - 3e-3 * grads[k]
"""


def _replay_pixel_spreads(scale):
    """(inputs' spread, the first pass's widest spread computed from the weights) in plain numpy. The inputs are the
    table the minibatches are picked from (`x, labels = pixels[rows], kinds[rows]`)."""
    gen = np.random.default_rng(7)
    protos = gen.uniform(0, 255, (5, 48))
    kinds = gen.integers(0, 5, 300)
    pixels = np.clip(0.4 * protos[kinds] + 0.6 * gen.uniform(0, 255, (300, 48)), 0, 255)
    pixels = pixels - pixels.mean(axis=0)
    w0, w1 = scale * gen.standard_normal((48, 32)), scale * gen.standard_normal((32, 5))
    x = pixels[gen.choice(300, 30)]
    hidden = np.maximum(x @ w0, 0)
    out = hidden @ w1
    return pixels.std(), max(v.std() for v in (x @ w0, hidden, out, out - out.max(axis=1, keepdims=True)))


def test_too_large_on_large_inputs_when_the_weights_multiply_their_spread(tmp_path):
    s = analysed_session(tmp_path, PIXEL_NET.format(scale=5.0))
    st = premise_checks(s, "weights_init_too_large")
    assert _statuses(st) == {"first_pass_observed": HOLDS, "inputs_moderate": HOLDS, "starts_extreme": HOLDS,
                              "training_hurt": HOLDS}, st
    in_std, widest = _replay_pixel_spreads(5.0)
    assert st["inputs_moderate"].numbers["input_std"] == pytest.approx(in_std, rel=1e-9)
    assert st["starts_extreme"].numbers["spread_ratio"] == pytest.approx(widest / in_std, rel=1e-6)
    tags = _tags(s)
    assert tags[0] == "weights_init_too_large", tags
    # the inputs' own scale is not what multiplied the spread a hundredfold
    assert "unnormalized_inputs" not in tags


def test_too_large_fails_on_large_inputs_with_weights_scaled_for_them(tmp_path):
    s = analysed_session(tmp_path, PIXEL_NET.format(scale=0.03))
    st = premise_checks(s, "weights_init_too_large")
    assert st["inputs_moderate"].status == FAILS
    in_std, widest = _replay_pixel_spreads(0.03)
    assert widest / in_std < 100
    assert "weights_init_too_large" not in _tags(s)


KILLED = """
import numpy as np
gen = np.random.default_rng(5)
cls = gen.integers(0, 4, 400)
feats = gen.normal(0, 1, (4, 12))[cls] + 0.5 * gen.normal(size=(400, 12))
onehot = np.eye(4)[cls]
params = {"A": 0.1 * gen.standard_normal((12, 16)), "a": np.zeros(16),
          "B": 0.1 * gen.standard_normal((16, 4)), "b": np.zeros(4)}
for it in range(150):
    pick = gen.choice(400, 40)
    x, t = feats[pick], onehot[pick]
    pre = x @ params["A"] + params["a"]
    h = np.maximum(pre, 0)
    z = h @ params["B"] + params["b"]
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p = p / p.sum(axis=1, keepdims=True)
    up = (p - t) / len(x)
    grads = {"B": h.T @ up, "b": up.sum(axis=0)}
    back = (up @ params["B"].T) * (pre > 0)
    grads["A"], grads["a"] = x.T @ back, back.sum(axis=0)
    for name in ("A", "a", "B", "b"):
        params[name] -= 15.0 * grads[name]
"""


def test_dead_relu_killed_after_the_weights_diverged_is_a_consequence(tmp_path):
    """A ReLU layer found dead at the end (the dead_units finding, given here) that was alive at the first step:
    a cause of its own while the weights stay sound, the consequence of the blow-up when they diverged."""
    from nandoctor.model import Finding

    s = analysed_session(tmp_path, KILLED)
    F = facts(s)
    (h,) = [x for x in s.sites if x.target == "h"]
    first_zero = float(F.ser(h.id)["frac_zero"][0]) if "frac_zero" in F.ser(h.id).cols else None
    dead = Finding("dead_units", "structure", "error", "h: every unit is exactly zero at the end.", 135, 149, "h",
                   h.line, {"fraction_dead": 1.0})
    diverged = [f for f in s.findings if f.code == "weight_divergence"]
    assert diverged, [f.code for f in s.findings]  # rate 15: the norm of params grows a hundred-billion-fold
    others = [f for f in s.findings if f.code not in ("weight_divergence", "weights_nonfinite", "dead_units")]

    def premise(findings):
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            _, _, checks = evaluate_rules(s, F, findings)
        return {c.premise: c for c in checks["dead_relu"]}

    killed = premise(others + [dead] + diverged)
    assert killed["units_dead"].status == HOLDS
    assert killed["not_killed_by_blowup"].status == FAILS, killed["not_killed_by_blowup"].why
    assert first_zero is None or first_zero < 1.0  # alive at the first step, as the premise measured
    alone = premise(others + [dead])
    assert alone["not_killed_by_blowup"].status == HOLDS, alone["not_killed_by_blowup"].why


LAYER_LOOP = """
import numpy as np
rng = np.random.default_rng(5)
X = rng.standard_normal((60, 3))
y = X[:, :1] - X[:, 1:2]
layers = [{"w": rng.standard_normal((3, 8)) * 0.8, "b": np.full(8, 0.1)},
          {"w": rng.standard_normal((8, 8)) * 0.5, "b": np.full(8, {bias})},
          {"w": rng.standard_normal((8, 1)) * 0.3, "b": np.zeros(1)}]
for it in range(30):
    sig, keep = X, []
    for i, layer in enumerate(layers):
        pre = sig @ layer["w"] + layer["b"]
        keep.append((sig, pre))
        sig = np.maximum(pre, 0.0) if i < 2 else pre
    g = 2 * (sig - y) / len(X)
    for i in (2, 1, 0):
        inp, pre = keep[i]
        if i < 2:
            g = g * (pre > 0)
        gw, gb = inp.T @ g, g.sum(axis=0)
        g = g @ layers[i]["w"].T
        layers[i]["w"] -= 0.05 * gw
        layers[i]["b"] -= 0.05 * gb
"""


def test_dead_relu_holds_on_one_dead_layer_of_a_layer_loop(tmp_path):
    # One statement computes every layer's ReLU: the dead second layer is judged on its own pass, not pooled
    # with the live first layer and the linear output.
    src = LAYER_LOOP.replace("{bias}", "-30.0")
    s = analysed_session(tmp_path, src)
    c = premise_checks(s, "dead_relu")
    assert _statuses(c) == {"relu_observed": HOLDS, "units_dead": HOLDS, "not_killed_by_blowup": HOLDS,
                            "learning_hurt": HOLDS}
    rng = np.random.default_rng(5)
    X = rng.standard_normal((60, 3))
    w1 = rng.standard_normal((3, 8)) * 0.8
    w2 = rng.standard_normal((8, 8)) * 0.5
    h1 = np.maximum(X @ w1 + 0.1, 0)
    assert (h1 > 0).any() and np.all(h1 @ w2 - 30.0 < 0)  # layer 1 lives, layer 2 is off for every sample
    found = [f for f in s.findings if f.code == "dead_units"]
    assert [(f.evidence["pass_index"], f.evidence["passes"]) for f in found] == [(1, 3)]
    cause = next(x for x in s.causes if x.tag == "dead_relu")
    assert cause.evidence["dead_from_start"] is True


def test_dead_relu_fails_on_a_layer_loop_whose_layers_live(tmp_path):
    s = analysed_session(tmp_path, LAYER_LOOP.replace("{bias}", "0.1"))
    assert premise_checks(s, "dead_relu")["units_dead"].status == FAILS


def _replay_tanh_run(scale, decay=0.0):
    """The share of hidden tanh values within 1e-4 of +-1 in the last of TANH_NET's 30 steps."""
    rng = np.random.default_rng(4)
    X = rng.standard_normal((64, 4))
    Y = (X[:, :1] * X[:, 1:2] > 0).astype(float)
    W1 = rng.standard_normal((4, 6)) * scale
    W2 = rng.standard_normal((6, 1)) * 0.5
    for _ in range(30):
        H = np.tanh(X @ W1)
        P = 1 / (1 + np.exp(-(H @ W2)))
        G = (P - Y) / len(X)
        gW2 = H.T @ G
        gW1 = X.T @ ((G @ W2.T) * (1 - H ** 2))
        W1 -= 0.1 * gW1 + decay * W1
        W2 -= 0.1 * gW2
    return float(np.mean((H + 1 < 1e-4) | (1 - H < 1e-4)))


def test_too_large_fails_when_training_shakes_the_saturation_off(tmp_path):
    # The same saturated start, but a weight decay shrinks W1 each step: by the last step the hidden units work.
    s = analysed_session(tmp_path, TANH_NET.format(scale=30.0).replace("W1 -= 0.1 * gW1", "W1 -= 0.1 * gW1 + 0.2 * W1"))
    c = premise_checks(s, "weights_init_too_large")
    assert c["starts_extreme"].status == HOLDS
    end = _replay_tanh_run(30.0, decay=0.2)
    assert end < 0.2
    assert c["training_hurt"].status == FAILS and f"{end:.0%}" in c["training_hurt"].why
    assert "weights_init_too_large" not in _tags(s)


def _replay_gains(scale):
    """Each starting matrix's root-mean-square times the square root of its larger dimension, as SIGMOID_FXS draws them."""
    rng = np.random.default_rng(11)
    rng.standard_normal((3, 200))
    sizes = [3, 12, 12, 1]
    Ws = [rng.standard_normal((b, a)) * scale for a, b in zip(sizes[:-1], sizes[1:])]
    return [float(np.sqrt(np.mean(W ** 2)) * np.sqrt(max(W.shape))) for W in Ws]


def test_too_small_fails_on_weights_of_a_sound_scale(tmp_path):
    # A bounded output's spread is small next to large inputs' whatever the weights: the weights are measured.
    s = analysed_session(tmp_path, SIGMOID_FXS.format(scale=1.5).replace("X = rng.standard_normal((3, 200))",
                                                               "X = rng.standard_normal((3, 200)) * 300"))
    c = premise_checks(s, "weights_init_too_small")
    assert c["weights_small"].status == FAILS
    assert set(c) == {"weights_small"}
    gains = _replay_gains(1.5)
    # The list's matrices are first recorded by the update that changes them, one small step after the draw.
    assert sorted(c["weights_small"].numbers["gains"].values()) == pytest.approx(sorted(gains), rel=1e-2)
    assert "weights_init_too_small" not in _tags(s)


def test_symmetric_copies_drift_only_by_rounding():
    from nandoctor.analysis.causes.weights_init_symmetric import _identical_axes

    rng = np.random.default_rng(2)
    col = rng.standard_normal((3, 1))
    # six float32 copies of one unit; two of them summed in another order, as a matrix product may
    copies = np.repeat(col, 6, axis=1).astype(np.float32)
    copies[:, 4:] += np.float32(1e-4) * copies[:, 4:]
    assert _identical_axes(copies) == []  # not bit-equal
    assert _identical_axes(copies, 1e-3) == [1]  # copies within rounding drift
    assert _identical_axes(rng.standard_normal((3, 6)), 1e-3) == []  # a random start differs by its own size


def test_symmetry_is_judged_on_the_arrays_own_scale():
    from nandoctor.analysis.causes.weights_init_symmetric import _identical_axes

    rng = np.random.default_rng(4)
    small = rng.standard_normal((20, 3)) * 1e-4  # distinct units whose values are all small (a momentum buffer)
    assert _identical_axes(small, 1e-3) == []
    assert _identical_axes(np.zeros((4, 3)), 1e-3) == [1, 0]  # exact copies are copies at any scale


STALE_BATCHES = """
import numpy as np
box = np.random.default_rng(9)
usage = box.normal(0, 1, (120, 3))
left = (usage @ np.array([1.2, -0.8, 0.5]) > 0).astype(float)
theta = np.zeros(3)
{before}
for sweep in range(6):
    for lo in range(0, 120, 40):
        part = slice(lo, lo + 40)
        {inside}
        gap = scores[part] - left[part]
        theta = theta - 0.5 * usage[part].T @ gap / 40
"""


def test_forward_outside_loop_repeats_every_pass_over_the_minibatches(tmp_path):
    s = analysed_session(tmp_path, STALE_BATCHES.format(before="scores = 1 / (1 + np.exp(-(usage @ theta)))", inside="pass"))
    c = premise_checks(s, "forward_outside_loop")
    assert _statuses(c) == {"gradient_recorded": HOLDS, "gradient_repeats": HOLDS, "parameters_move": HOLDS,
                           "forward_stale": HOLDS}
    # replay: three minibatches a pass, and the stale scores make each pass's gaps the same as the last
    box = np.random.default_rng(9)
    usage = box.normal(0, 1, (120, 3))
    left = (usage @ np.array([1.2, -0.8, 0.5]) > 0).astype(float)
    gaps = [0.5 - left[lo:lo + 40] for lo in range(0, 120, 40)]
    assert not np.array_equal(gaps[0], gaps[1])
    assert "every 3 steps" in c["gradient_repeats"].why
    assert "forward_outside_loop" in _tags(s)[:1]


def test_forward_outside_loop_fails_on_fresh_minibatch_scores(tmp_path):
    s = analysed_session(tmp_path, STALE_BATCHES.format(before="", inside="scores = 1 / (1 + np.exp(-(usage @ theta)))"))
    assert premise_checks(s, "forward_outside_loop")["gradient_repeats"].status == FAILS


CALIB = """
import numpy as np
src = np.random.RandomState(44)
raw = src.uniform(-1.5, 1.5, (120, 2))
reference = 1.8 * raw[:, 0] + 0.4 * raw[:, 1] + 3.2
vec = np.zeros({width})

def predict(vec, sample):
    return {prediction}

for rnd in range(10):
    for n in range(120):
        miss = predict(vec, raw[n]) - reference[n]
        vec = vec - 0.02 * miss * {features}
"""


def test_missing_bias_when_only_the_targets_sit_off_the_origin(tmp_path):
    s = analysed_session(tmp_path, CALIB.format(width=2, prediction="sample @ vec", features="raw[n]"))
    c = premise_checks(s, "missing_bias")
    assert _statuses(c) == {"no_bias_term": HOLDS, "offset_needed": HOLDS, "decision_stuck": HOLDS}
    src = np.random.RandomState(44)
    raw = src.uniform(-1.5, 1.5, (120, 2))
    reference = 1.8 * raw[:, 0] + 0.4 * raw[:, 1] + 3.2
    assert c["offset_needed"].numbers["ratio"] == pytest.approx(abs(reference.mean()) / reference.std())
    # replay the per-sample fit without an intercept: the misses of the last tenth of the steps
    vec, misses = np.zeros(2), []
    for _ in range(10):
        for n in range(120):
            miss = raw[n] @ vec - reference[n]
            vec = vec - 0.02 * miss * raw[n]
            misses.append(miss)
    tail = np.array(misses[-120:])
    assert c["decision_stuck"].numbers["miss_rms_end"] == pytest.approx(float(np.sqrt(np.mean(tail ** 2))))
    assert "missing_bias" in _tags(s)


def test_no_missing_bias_with_an_intercept_weight(tmp_path):
    s = analysed_session(tmp_path, CALIB.format(width=3, prediction="sample @ vec[:2] + vec[2]",
                                      features="np.append(raw[n], 1.0)"))
    assert premise_checks(s, "missing_bias")["no_bias_term"].status == FAILS
    assert "missing_bias" not in _tags(s)


KEYED = """
import numpy as np
rng = np.random.default_rng(5)
X = rng.standard_normal((2, 150))
Y = (X[0:1] * X[1:2] > 0).astype(float)
dims = [2, 8, 8, 1]


def squash(z):
    return 1 / (1 + np.exp(-z))


prm = {{}}
for l in range(1, 4):
    prm["W" + str(l)] = rng.standard_normal((dims[l], dims[l - 1])) * {scale}
for it in range(200):
    A = {{0: X}}
    for l in range(1, 4):
        A[l] = squash(prm["W" + str(l)] @ A[l - 1])
    dZ = A[3] - Y
    for l in range(3, 0, -1):
        dW = dZ @ A[l - 1].T / 150
        if l > 1:
            dZ = (prm["W" + str(l)].T @ dZ) * A[l - 1] * (1 - A[l - 1])
        prm["W" + str(l)] -= 1.0 * dW
"""


def test_too_small_measures_the_first_layer_when_the_weights_are_not_recorded(tmp_path):
    # a tuple key (prm["W", l]) is an index capture leaves alone: the weights' values are not recorded
    s = analysed_session(tmp_path, KEYED.format(scale=1e-3).replace('prm["W" + str(l)]', 'prm["W", l]'))
    c = premise_checks(s, "weights_init_too_small")
    rng = np.random.default_rng(5)
    X = rng.standard_normal((2, 150))
    W1 = rng.standard_normal((8, 2)) * 1e-3
    # the first pre-activation a step computes is the argument of squash(): W1 @ X
    want = float((W1 @ X).std() / X.std())
    got = c["weights_small"].numbers.get("first_layer_gain")
    assert got == pytest.approx(want, rel=1e-6) and c["weights_small"].status == HOLDS


def test_too_small_measures_weights_recorded_under_computed_keys(tmp_path):
    s = analysed_session(tmp_path, KEYED.format(scale=1e-3))
    c = premise_checks(s, "weights_init_too_small")
    rng = np.random.default_rng(5)
    rng.standard_normal((2, 150))
    W1 = rng.standard_normal((8, 2)) * 1e-3
    # the gain of the first layer: root-mean-square times the square root of its larger dimension
    want = float(np.sqrt(np.mean(W1 ** 2)) * np.sqrt(8))
    assert c["weights_small"].status == HOLDS
    assert c["weights_small"].numbers["gains"]["prm (8, 2)"] == pytest.approx(want, abs=1e-4)


def test_first_layer_of_a_sound_start_is_not_small(tmp_path):
    s = analysed_session(tmp_path, KEYED.format(scale=1.0))
    c = premise_checks(s, "weights_init_too_small")
    assert c["weights_small"].status == FAILS
    assert "weights_init_too_small" not in _tags(s)


def test_values_piled_at_both_ends_of_a_squashing_range():
    from nandoctor import columns as C
    from nandoctor.analysis.causes.weights_init_too_large import _both_bounds

    def series(values):
        return {C.MIN: np.array([values.min()]), C.MAX: np.array([values.max()])}

    saturated_tanh = np.tanh(np.random.default_rng(0).standard_normal(500) * 40)
    saturated_sigmoid = 1 / (1 + np.exp(-np.random.default_rng(1).standard_normal(500) * 40))
    relu = np.maximum(np.random.default_rng(2).standard_normal(500), 0)
    mild_tanh = np.tanh(np.random.default_rng(3).standard_normal(500) * 0.5)
    assert _both_bounds(series(saturated_tanh), 0) and _both_bounds(series(saturated_sigmoid), 0)
    assert not _both_bounds(series(relu), 0)  # unbounded above: not a squashing output
    assert not _both_bounds(series(mild_tanh), 0)  # never reaches its bounds


# -- dead_relu yields to unnormalized_inputs -------------------------------------------------------


def test_dead_relu_yields_to_unscaled_inputs_that_killed_the_units(tmp_path):
    from pathlib import Path

    sample = Path(__file__).parent / "samples" / "cases" / "i3_glyphs_pixels_f32.py"
    s = analysed_session(tmp_path, sample.read_text())
    c = premise_checks(s, "dead_relu")
    # every premise of its own holds: only the yield to the inputs' cause removes it
    assert _statuses(c) == {"relu_observed": HOLDS, "units_dead": HOLDS, "not_killed_by_blowup": HOLDS,
                            "learning_hurt": HOLDS, "yields_to": FAILS}
    assert c["yields_to"].numbers["explained_by"] == "unnormalized_inputs"
    inputs = premise_checks(s, "unnormalized_inputs")
    assert inputs["inputs_large"].status == HOLDS
    assert inputs["inputs_large"].numbers["high"] == float(np.iinfo(np.uint8).max)  # 8-bit pixels, unscaled
    assert "unnormalized_inputs" in _tags(s)
    assert "dead_relu" not in _tags(s)


CHANCE_START = """
import numpy as np
gen = np.random.default_rng(7)
protos = gen.uniform(0, 255, (4, 24))
kinds = gen.integers(0, 4, 200)
pixels = np.clip(0.4 * protos[kinds] + 0.6 * gen.uniform(0, 255, (200, 24)), 0, 255)
pixels = pixels - pixels.mean(axis=0)
w1 = SCALE * gen.standard_normal((24, 16))
w2 = SCALE * gen.standard_normal((16, 4))
for t in range(150):
    hidden = np.maximum(pixels @ w1, 0)
    logits = hidden @ w2
    shifted = logits - logits.max(axis=1, keepdims=True)
    probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    loss = -np.log(probs[np.arange(200), kinds] + 1e-300).mean()
    up = probs.copy()
    up[np.arange(200), kinds] -= 1
    up /= 200
    g2 = hidden.T @ up
    g1 = pixels.T @ ((up @ w2.T) * (hidden > 0))
    w2 = w2 - 3e-3 * g2
    w1 = w1 - 3e-3 * g1
"""


def test_a_loss_read_from_the_log_normaliser_is_no_cross_entropy(tmp_path):
    from nandoctor.analysis.causes.weights_init_too_large import chance_level

    # the log taken a statement before, of the distribution: a cross-entropy, with a chance level of ln 4
    picked = CHANCE_START.replace("SCALE", "5.0").replace(
        "    loss = -np.log(probs[np.arange(200), kinds] + 1e-300).mean()\n",
        "    log_picked = np.log(probs[np.arange(200), kinds] + 1e-300)\n    loss = -log_picked.mean()\n")
    assert "loss = -log_picked.mean()" in picked
    got = chance_level(facts(analysed_session(tmp_path, picked, "picked")))
    assert got is not None and got[0] == 4
    # the log of the normaliser, taken from the logits before the distribution is made: the negative mean
    # log-likelihood of a density, no cross-entropy over the classes
    normaliser = CHANCE_START.replace("SCALE", "5.0").replace(
        "    loss = -np.log(probs[np.arange(200), kinds] + 1e-300).mean()\n",
        "    log_norm = np.log(np.exp(shifted).sum(axis=1))\n    loss = -log_norm.mean()\n")
    assert "loss = -log_norm.mean()" in normaliser
    assert chance_level(facts(analysed_session(tmp_path, normaliser, "normaliser"))) is None


def test_chance_level_is_measured_on_the_predicted_distribution(tmp_path):
    from nandoctor.analysis.causes.weights_init_too_large import chance_level

    source = CHANCE_START.replace("SCALE", "5.0")
    s = analysed_session(tmp_path, source)
    ns: dict = {}
    with np.errstate(all="ignore"):
        exec(compile(textwrap.dedent(source), "<replay>", "exec"), ns)
    assert ns["probs"].shape[1] == 4 and np.allclose(ns["probs"].sum(axis=1), 1.0)
    got = chance_level(facts(s))
    assert got is not None and got[0] == 4 and got[1] == pytest.approx(np.log(4))
    c = premise_checks(s, "weights_init_too_large")
    # replayed: this run memorises its 200 samples (loss far below ln 4), so a huge start that it recovered from
    # does not still hurt; the pixel sample's run, ending at ln 5, does (test_causes_samples)
    assert ns["loss"] < 0.5 * np.log(4)
    assert c["starts_extreme"].status == HOLDS and c["training_hurt"].status == FAILS


def test_a_tanh_at_zero_is_its_centre_not_a_bound(tmp_path):
    # Equal positive weights on non-negative inputs: the tanh layer's values lie in [0, 0.76], the zeros of the
    # input [0, 0] at its centre; nothing is saturated, so the start is not too large.
    s = analysed_session(tmp_path, """
        import numpy as np
        corners = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
        parity = np.array([[0.0], [1.0], [1.0], [0.0]])
        first, second = np.full((2, 4), 0.5), np.full((4, 1), 0.5)
        for sweep in range(200):
            hid = np.tanh(corners @ first)
            out = 1.0 / (1.0 + np.exp(-(hid @ second)))
            d_out = (out - parity) / 4 * out * (1 - out)
            d_hid = (d_out @ second.T) * (1 - hid ** 2)
            second = second - 2.0 * hid.T @ d_out
            first = first - 2.0 * corners.T @ d_hid
    """)
    assert np.tanh(0.0) == 0.0 and np.tanh(1.0) < 1 - 1e-4
    c = premise_checks(s, "weights_init_too_large")
    assert c.get("starts_extreme") is None or c["starts_extreme"].status != HOLDS
    assert "weights_init_too_large" not in _tags(s)


DEEP_SIGMOID = """
import numpy as np
rng = np.random.default_rng(2)
X = rng.normal(0, 1, (200, 2))
y = ((X ** 2).sum(axis=1, keepdims=True) > 1.4).astype(float)
net = []
for n_in, n_out in zip([2, 12, 12, 12, 12, 12], [12, 12, 12, 12, 12, 1]):
    net.append({"W": rng.normal(0, 1 / np.sqrt(n_in), (n_in, n_out)), "b": np.zeros((1, n_out))})
for epoch in range(200):
    acts = [X]
    for layer in net:
        acts.append(1 / (1 + np.exp(-(acts[-1] @ layer["W"] + layer["b"]))))
    p = np.clip(acts[-1], 1e-9, 1 - 1e-9)
    loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    delta = (p - y) / len(X)
    for i in reversed(range(len(net))):
        layer = net[i]
        dW = acts[i].T @ delta
        db = delta.sum(axis=0, keepdims=True)
        if i > 0:
            delta = (delta @ layer["W"].T) * acts[i] * (1 - acts[i])
        layer["W"] -= 0.1 * dW
        layer["b"] -= 0.1 * db
"""


def test_a_bias_first_recorded_one_step_from_its_zeros_is_no_small_start(tmp_path):
    # The biases start at zero inside a dict literal nothing records; their first recorded value is one step away
    # from zero, whose change is the whole value. The weight matrices start at 1/sqrt(fan_in): a gain of about 1.
    replay = untraced(DEEP_SIGMOID)
    gains = [np.sqrt(np.mean(layer["W"] ** 2)) * np.sqrt(max(layer["W"].shape)) for layer in replay["net"]]
    assert min(gains) > 0.5
    s = analysed_session(tmp_path, DEEP_SIGMOID)
    c = premise_checks(s, "weights_init_too_small")
    assert c["weights_small"].status == FAILS, c["weights_small"].why
    assert "weights_init_too_small" not in [x.tag for x in s.causes]


# A ReLU written as closures: the mask kept in a dict, the output picked with np.where; every unit starts below its
# threshold and never fires.
CLOSURE_RELU = """
import numpy as np
rng = np.random.default_rng(3)
X = rng.normal(size=(80, 2))
y = (np.hypot(X[:, :1], X[:, 1:]) > 1.2).astype(float)
def make_layer(n_in, n_out, threshold):
    W = rng.normal(0.0, 0.1, (n_in, n_out))
    theta = np.full(n_out, threshold)
    saved = {}
    def forward(x):
        saved["x"] = x
        return x @ W - theta
    def backward(g, lr):
        nonlocal W, theta
        g_in = g @ W.T
        W = W - lr * saved["x"].T @ g
        theta = theta + lr * g.sum(axis=0)
        return g_in
    return forward, backward
def make_relu():
    saved = {}
    def forward(z):
        saved["mask"] = z > 0
        return np.where(saved["mask"], z, 0.0)
    def backward(g, lr):
        return g * saved["mask"]
    return forward, backward
layers = [make_layer(2, 12, THRESHOLD), make_relu(), make_layer(12, 1, 0.0)]
hidden = []
for epoch in range(60):
    h = X
    for fwd, _ in layers:
        h = fwd(h)
        if fwd is layers[1][0]:
            hidden.append(h.copy())
    p = 1 / (1 + np.exp(-h))
    g = (p - y) / len(X)
    for _, bwd in reversed(layers):
        g = bwd(g, 0.5)
"""


def test_a_relu_picked_with_np_where_and_a_kept_mask_is_a_relu(tmp_path):
    src = CLOSURE_RELU.replace("THRESHOLD", "1.0")
    s = analysed_session(tmp_path, src)
    c = premise_checks(s, "dead_relu")
    assert c["relu_observed"].status == "holds" and c["units_dead"].status == "holds"
    hidden = untraced(src)["hidden"]
    assert all(not h.any() for h in hidden)  # the replay: every unit is 0 for every sample at every step
    assert "dead_relu" in _tags(s)


def test_a_relu_picked_with_np_where_whose_units_fire_is_alive(tmp_path):
    src = CLOSURE_RELU.replace("THRESHOLD", "0.0")
    s = analysed_session(tmp_path, src)
    c = premise_checks(s, "dead_relu")
    assert c["relu_observed"].status == "holds" and c["units_dead"].status == "fails"
    assert untraced(src)["hidden"][-1].any()


# A deep tanh net started with weights of spread 0.01, fed minibatches by a generator; its loss is the result of a
# function named `bce`, nothing named like a loss.
SMALL_DEEP = """
import numpy as np
rng = np.random.default_rng(5)
X = rng.normal(size=(256, 2))
y = (np.hypot(X[:, :1], X[:, 1:]) > 1.1).astype(float)
dims = [2, 32, 32, 32, 1]  # as wide as a minibatch: the last layer's gradient has as many values as p
Ws = [rng.normal(0.0, SPREAD, (a, b)) for a, b in zip(dims[:-1], dims[1:])]
bs = [np.zeros(b) for b in dims[1:]]
def batches(X, y, size):
    order = rng.permutation(len(X))
    for k in range(0, len(X), size):
        sel = order[k:k + size]
        yield X[sel], y[sel]
def run(x):
    hs = [x]
    for W, b in zip(Ws[:-1], bs[:-1]):
        hs.append(np.tanh(hs[-1] @ W + b))
    return hs, 1 / (1 + np.exp(-(hs[-1] @ Ws[-1] + bs[-1])))
def bce(p, t):
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return float(-np.mean(t * np.log(p) + (1 - t) * np.log(1 - p)))
first = bce(run(X)[1], y)
for epoch in range(8):
    for xb, yb in batches(X, y, 32):
        hs, p = run(xb)
        g = (p - yb) / len(xb)
        for k in range(len(Ws) - 1, -1, -1):
            gW = hs[k].T @ g
            gb = g.sum(axis=0)
            if k > 0:
                g = (g @ Ws[k].T) * (1 - hs[k] ** 2)
            Ws[k] -= 0.1 * gW
            bs[k] -= 0.1 * gb
    seen = bce(run(X)[1], y)
"""


def test_small_weights_are_judged_on_the_prediction_and_the_loss_a_helper_returns(tmp_path):
    s = analysed_session(tmp_path, SMALL_DEEP.replace("SPREAD", "0.01"))
    c = premise_checks(s, "weights_init_too_small")
    # the prediction is `p`, not the last layer's gradient that has a minibatch's number of values too
    assert c["output_collapsed"].status == "holds" and c["output_collapsed"].why.startswith("before the first update p ")
    assert c["training_stalls"].status == "holds" and "bce()" in c["training_stalls"].why
    ns = untraced(SMALL_DEEP.replace("SPREAD", "0.01"))
    assert ns["bce"](ns["run"](ns["X"])[1], ns["y"]) > 0.69  # the replay: still at log 2 after training


# Non-negative factors too large to keep, updated by multiplicative rules; started from ones, every factor column is
# a copy of the others and stays so (the product keeps rank one).
FACTORS_START = """
import numpy as np
rng = np.random.default_rng(0)
V = rng.uniform(0.1, 1.0, (60, 3)) @ rng.uniform(0.1, 1.0, (3, 40))
W = START((60, 8))
H = START((8, 40))
losses = []
for it in range(60):
    H *= (W.T @ V) / (W.T @ W @ H + 1e-9)
    W *= (V @ H.T) / (W @ H @ H.T + 1e-9)
    loss = np.linalg.norm(V - W @ H)
    losses.append(loss)
"""


def test_weights_too_large_to_keep_that_all_start_at_one_value_are_symmetric(tmp_path):
    src = FACTORS_START.replace("START(", "np.ones(")
    s = analysed_session(tmp_path, src)
    c = premise_checks(s, "weights_init_symmetric")
    assert {k: v.status for k, v in c.items()} == {"several_layers": "holds", "weights_kept": "holds",
                                                   "units_identical_from_start": "holds",
                                                   "units_identical_at_end": "holds"}
    ns = untraced(src)
    assert np.linalg.matrix_rank(ns["W"] @ ns["H"]) == 1  # the replay: the copies never separated
    assert c["units_identical_at_end"].numbers["drop"] == pytest.approx(1 - ns["losses"][-1] / ns["losses"][0])
    assert "weights_init_symmetric" in _tags(s)


def test_weights_too_large_to_keep_started_at_random_are_not_symmetric(tmp_path):
    s = analysed_session(tmp_path, FACTORS_START.replace("START(", "rng.uniform(0.1, 1.0, "))
    assert "weights_init_symmetric" not in _tags(s)


# Random tanh features with a least-squares read-out, no training loop: the hidden weights are drawn once and used.
RANDOM_FEATURES = """
import numpy as np
rng = np.random.default_rng(11)
X_train = rng.uniform(-2, 2, (300, 4))
y_train = np.sin(1.5 * X_train[:, 0]) - 0.8 * X_train[:, 3] + rng.normal(0, 0.1, 300)
W = rng.normal(0, SPREAD, (4, 200))
b = rng.normal(0, 1.0, 200)
H_train = np.tanh(X_train @ W + b)
beta = np.linalg.solve(H_train.T @ H_train + 1e-3 * np.eye(200), H_train.T @ y_train)
pred = H_train @ beta
"""


def test_random_features_drawn_too_large_with_no_training_loop(tmp_path):
    s = analysed_session(tmp_path, RANDOM_FEATURES.replace("SPREAD", "10.0"))
    c = premise_checks(s, "weights_init_too_large")
    assert _statuses(c) == {"first_pass_observed": HOLDS, "inputs_moderate": HOLDS, "starts_extreme": HOLDS,
                            "training_hurt": HOLDS}
    # replayed: the share of tanh values within 1e-4 of +-1
    H = untraced(RANDOM_FEATURES.replace("SPREAD", "10.0"))["H_train"]
    assert c["starts_extreme"].numbers["fraction_near_bound"] == pytest.approx(float(np.mean(1 - np.abs(H) <= 1e-4)))
    cause = next(x for x in s.causes if x.tag == "weights_init_too_large")
    assert any("np.sqrt(1.0 / 4)" in f.after or "sqrt(1.0 /" in f.after for f in cause.fixes)


def test_random_features_drawn_at_a_fan_in_scale_are_no_cause(tmp_path):
    s = analysed_session(tmp_path, RANDOM_FEATURES.replace("SPREAD", "0.5"))
    assert premise_checks(s, "weights_init_too_large")["starts_extreme"].status == FAILS
    assert "weights_init_too_large" not in _tags(s)


STACKED_VECTORS = """
import numpy as np
rng = np.random.default_rng(0)
n, d = 12, 4
pairs = [(int(a), int(b)) for a, b in rng.integers(0, n, (60, 2))]
vectors = np.vstack([START, np.zeros((n, d))])
for it in range(40):
    centre, outside = vectors[:n], vectors[n:]
    grad = np.zeros_like(vectors)
    loss = 0.0
    for c, o in pairs:
        s = 1 / (1 + np.exp(-centre[c] @ outside[o]))
        loss -= np.log(s)
        grad[c] -= (1 - s) * outside[o]
        grad[n + o] -= (1 - s) * centre[c]
    vectors = vectors - 0.1 * grad / len(pairs)
    if it % 10 == 0:
        print(it, loss / len(pairs))
"""


def test_one_array_of_stacked_layers_started_at_zero_is_a_symmetric_start(tmp_path):
    # word vectors stacked over context vectors in one array, all zero: each half's gradient is a product with the
    # other half, so every step adds exactly zero (replayed here), though only one matrix shape is ever updated.
    g = untraced(STACKED_VECTORS.replace("START", "np.zeros((n, d))"))
    assert not np.any(g["vectors"]) and not np.any(g["grad"])
    s = analysed_session(tmp_path, STACKED_VECTORS.replace("START", "np.zeros((n, d))"), "zero_start")
    checks = premise_checks(s, "weights_init_symmetric")
    assert checks["several_layers"].status == HOLDS, checks["several_layers"].why
    assert "weights_init_symmetric" in _tags(s)
    fine = analysed_session(tmp_path, STACKED_VECTORS.replace("START", "rng.normal(0, 0.1, (n, d))"), "random_start")
    assert "weights_init_symmetric" not in _tags(fine)
