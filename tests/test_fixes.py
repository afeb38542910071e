"""Fix texts written against the user's own lines, and the fix groups of each cause: on tiny programs traced in
process, the first group applies to the source, parses, and the re-traced patched program no longer raises the cause;
what the patched program computes is checked in plain numpy."""

from __future__ import annotations

import contextlib
import io
import textwrap
import warnings

import numpy as np
import pytest

from nandoctor.explain.fixes import advice, is_patch, replace_number
from nandoctor.model import Fix
from nandoctor.verify import apply_fix, fix_groups


@pytest.mark.parametrize("text, new, want", [
    ("np.float32(0.05)", "0.005", "np.float32(0.005)"),
    ("1", "0.1", "0.1"),
    ("lr=1e-3", "1e-4", "lr=1e-4"),
    ("x2 * 0.5", "0.05", "x2 * 0.05"),
    ("rate", "0.01", "0.01"),
])
def test_replace_number_changes_the_number_not_a_name(text, new, want):
    assert replace_number(text, new) == want


def test_advice_is_labelled_and_is_no_patch():
    a = advice("draw smaller weights", "why")
    assert a.title == "Advice: draw smaller weights" and a.line is None and not is_patch(a)
    assert not fix_groups([a])
    assert is_patch(Fix("t", 3, "x = 1", "x = 2"))


SOURCES = {
    "bias": """import numpy as np
rng = np.random.default_rng(0)
m = 300
hours = rng.normal(3.0, 0.5, (m, 2))
passed = (hours.sum(axis=1) > 6.0).astype(float)
coef = np.zeros(2)
rate = 0.5
for it in range(800):
    prob = 1 / (1 + np.exp(-(hours @ coef)))
    step = hours.T @ (prob - passed) / m
    coef -= rate * step
print(np.mean((prob > 0.5) == passed))
""",
    "bias_neuron": """
import math
import random
random.seed(11)
rows = []
for _ in range(150):
    hours, attended = random.uniform(0.0, 10.0), random.uniform(0.3, 1.0)
    rows.append(([hours / 10.0, attended], 1.0 if 0.6 * hours + 5.0 * attended > 6.5 else 0.0))


class Neuron:
    def __init__(self, n):
        self.w = [0.0] * n

    def forward(self, x):
        return 1.0 / (1.0 + math.exp(-sum(wi * xi for wi, xi in zip(self.w, x))))

    def update(self, x, target, lr):
        err = self.forward(x) - target
        for k in range(len(self.w)):
            self.w[k] -= lr * err * x[k]


unit = Neuron(2)
for epoch in range(60):
    for x, t in rows:
        unit.update(x, t, 0.2)
hits = sum((unit.forward(x) > 0.5) == (t == 1.0) for x, t in rows) / len(rows)
""",
    "bias_lists": """
import random
random.seed(3)
rows = []
for _ in range(150):
    a, c = random.uniform(1, 5), random.uniform(1, 5)
    if abs(a + c - 6) > 0.5:
        rows.append(([a, c], 1 if a + c > 6 else -1))
gains = [0.0, 0.0]


def decide(r):
    total = sum(g * v for g, v in zip(gains, r))
    return 1 if total >= 0 else -1


for sweep in range(200):
    wrong = 0
    for r, t in rows:
        if decide(r) != t:
            wrong += 1
            for j in range(len(gains)):
                gains[j] += t * r[j]
    if wrong == 0:
        break
hits = sum(decide(r) == t for r, t in rows) / len(rows)
""",
    "init_small": """import numpy as np
rng = np.random.default_rng(1)
feats = rng.uniform(-2, 2, (2, 256))
target = np.sin(feats[0:1]) + 0.3 * feats[1:2]
layers = [rng.standard_normal((16, 2)) * 0.001, rng.standard_normal((16, 16)) * 0.001, rng.standard_normal((1, 16)) * 0.001]
offsets = [np.zeros((16, 1)), np.zeros((16, 1)), np.zeros((1, 1))]
for epoch in range(300):
    acts = [feats]
    for k, (mat, off) in enumerate(zip(layers, offsets)):
        z = mat @ acts[-1] + off
        acts.append(np.tanh(z) if k < 2 else z)
    diff = acts[-1] - target
    grad = 2 * diff / feats.shape[1]
    for k in range(2, -1, -1):
        gmat = grad @ acts[k].T
        goff = grad.sum(axis=1, keepdims=True)
        if k > 0:
            grad = (layers[k].T @ grad) * (1 - acts[k] ** 2)
        layers[k] -= 0.05 * gmat
        offsets[k] -= 0.05 * goff
print(float(np.mean(diff ** 2)))
""",
    "sign": """import numpy as np
rng = np.random.default_rng(2)
xs = rng.normal(0, 1, (200, 3))
ys = xs @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.normal(size=200)
theta = np.zeros(3)
for it in range(200):
    miss = xs @ theta - ys
    cost = np.mean(miss ** 2)
    theta += 0.05 * xs.T @ miss / len(ys)
print(cost)
""",
    "stale": """import numpy as np
rng = np.random.default_rng(3)
xs = rng.normal(0, 1, (200, 2))
ys = xs @ np.array([1.5, -0.5]) + 1.0
wt = np.zeros(2)
off = 0.0
guess = xs @ wt + off
for it in range(300):
    g_w = xs.T @ (guess - ys) / len(ys)
    g_o = np.mean(guess - ys)
    wt = wt - 0.1 * g_w
    off = off - 0.1 * g_o
print(np.mean((xs @ wt + off - ys) ** 2))
""",
    "scale": """import numpy as np
rng = np.random.default_rng(4)
area = rng.uniform(500, 3500, 300)
rooms = rng.integers(1, 6, 300).astype(float)
rows = np.vstack([area, rooms, np.ones(300)])
price = (0.002 * (area - 2000) + 0.5 * (rooms - 3)).reshape(1, -1)
gain = np.zeros((1, 3))
for it in range(300):
    est = gain @ rows
    err = est - price
    gain -= 1e-6 * err @ rows.T / rows.shape[1]
print(float(np.mean(err ** 2)))
""",
    "nan": """import numpy as np
rng = np.random.default_rng(5)
grid = rng.normal(0, 1, (300, 3))
grid[rng.choice(300, 5, replace=False), 1] = np.nan
label = (grid[:, 0] - np.nan_to_num(grid[:, 1]) > 0).astype(float)
vec = np.zeros(3)
shift = 0.0
for it in range(300):
    out = 1 / (1 + np.exp(-(grid @ vec + shift)))
    vec -= 0.5 * grid.T @ (out - label) / len(label)
    shift -= 0.5 * np.mean(out - label)
print(vec)
""",
    "per_sample": """import numpy as np
rng = np.random.default_rng(6)
pts = rng.normal(0, 1, (120, 2))
vals = pts @ np.array([2.0, -1.0]) + 3.0 + 0.1 * rng.normal(size=120)
slope = np.zeros(2)
lift = np.zeros(len(vals))
for it in range(300):
    resid = pts @ slope + lift - vals
    slope -= 0.1 * pts.T @ resid / len(vals)
    lift -= 0.1 * resid
print(np.mean(resid ** 2))
""",
    "preact": """import numpy as np
def squash(v):
    return 1 / (1 + np.exp(-v))
def squash_slope(s):
    return s * (1 - s)
rng = np.random.default_rng(7)
pts = rng.uniform(-2, 2, (400, 2))
lab = ((pts ** 2).sum(axis=1, keepdims=True) < 2).astype(float)
A = rng.normal(0, 1, (2, 10)); a0 = np.zeros((1, 10))
B = rng.normal(0, 1, (10, 1)); b0 = np.zeros((1, 1))
for it in range(2000):
    h_in = pts @ A + a0
    h = squash(h_in)
    o_in = h @ B + b0
    o = squash(o_in)
    d_o = (o - lab) * squash_slope(o_in)
    d_h = (d_o @ B.T) * squash_slope(h_in)
    B -= 2.0 * h.T @ d_o / 400
    b0 -= 2.0 * d_o.mean(axis=0, keepdims=True)
    A -= 2.0 * pts.T @ d_h / 400
    a0 -= 2.0 * d_h.mean(axis=0, keepdims=True)
print(np.mean((o > 0.5) == lab))
""",
    "bias_dict": """
import numpy as np
rng = np.random.default_rng(8)
rows = rng.uniform(3.0, 5.0, (400, 1))
level = 2.0 * (rows - 4.0)
net = {"k": np.zeros((1, 1))}
for sweep in range(300):
    guess = rows @ net["k"]
    gap = guess - level
    net["k"] -= 0.02 * (rows.T @ gap) / len(rows)
final = float(np.mean(gap ** 2))
""",
    "deriv": """
import numpy as np
def squash(v):
    return np.tanh(v)
def squash_slope(out):
    return 1 - out
rng = np.random.default_rng(9)
pts = rng.uniform(-2, 2, (300, 2))
lab = np.sin(pts[:, :1]) * np.cos(pts[:, 1:])
P = rng.normal(0, 0.5, (2, 12)); p0 = np.zeros((1, 12))
Q = rng.normal(0, 0.5, (12, 1)); q0 = np.zeros((1, 1))
for it in range(1500):
    h = squash(pts @ P + p0)
    o = h @ Q + q0
    d_o = 2 * (o - lab) / len(pts)
    d_h = (d_o @ Q.T) * squash_slope(h)
    Q -= 0.1 * h.T @ d_o
    q0 -= 0.1 * d_o.sum(axis=0, keepdims=True)
    P -= 0.1 * pts.T @ d_h
    p0 -= 0.1 * d_h.sum(axis=0, keepdims=True)
cost = float(np.mean((o - lab) ** 2))
""",
    "hyper": """
import numpy as np
rng = np.random.default_rng(10)
u = rng.uniform(0, 1, 300)
v = 3.0 * u - 1.0 + 0.05 * rng.normal(size=300)
learning_rate = 0.5
slope, icpt = 0.0, 0.0
for it in range(400):
    miss = slope * u + icpt - v
    slope -= 0.00001 * np.mean(miss * u)
    icpt -= 0.00001 * np.mean(miss)
final = float(np.mean(miss ** 2))
""",
    "copies": """
import numpy as np
class Layer:
    def __init__(self, rng, a, b):
        self.mat = rng.normal(0, 0.5, (a, b))
        self.off = np.zeros(b)
    def __call__(self, x):
        return x @ self.mat + self.off
    def state(self):
        return [self.mat.copy(), np.array(self.off)]
rng = np.random.default_rng(11)
xs = rng.normal(0, 1, (200, 3))
ys = xs @ np.array([[1.0], [-1.0], [0.5]]) + 0.2
lay = Layer(rng, 3, 1)
for it in range(300):
    out = lay(xs)
    d = (out - ys) / len(xs)
    for value, grad in zip(lay.state(), [xs.T @ d, d.sum(axis=0)]):
        value -= 0.2 * grad
final = float(np.mean((lay(xs) - ys) ** 2))
""",
}

CAUSE = {"hyper": "hyperparameter_defined_not_used", "copies": "parameter_not_updated",
         "deriv": "wrong_derivative_formula", "bias_dict": "missing_bias", "bias": "missing_bias", "bias_lists": "missing_bias", "bias_neuron": "missing_bias", "init_small": "weights_init_too_small",
         "sign": "gradient_sign_wrong", "stale": "forward_outside_loop", "scale": "unnormalized_inputs",
         "nan": "nan_in_input_data", "per_sample": "parameter_shape_per_sample", "preact": "derivative_on_preactivation"}


def _trace(tmp_path, name: str, source: str):
    from nandoctor.cli import trace_script

    script = tmp_path / f"{name}.py"
    script.write_text(textwrap.dedent(source))
    with warnings.catch_warnings(), np.errstate(all="ignore"), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        _, session = trace_script(str(script), [], tmp_path / f"{name}.out", formats=("json",))
    return session


def _apply(source: str, group) -> str:
    for fx in sorted(group, key=lambda f: -f.line):
        source = apply_fix(source, fx)
    return source


def _run(source: str) -> dict:
    """The program's globals after a plain, untraced run."""
    env = {"__name__": "__main__"}
    with warnings.catch_warnings(), np.errstate(all="ignore"), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        exec(compile(source, "prog.py", "exec"), env)
    return env


_fixed: dict = {}


def _fixed_run(tmp_path_factory, key):
    """(original source, first fix group, patched source, causes of the re-traced patched program), once per case."""
    if key not in _fixed:
        tmp = tmp_path_factory.mktemp(key)
        source = SOURCES[key]
        session = _trace(tmp, key, source)
        causes = {c.tag: c for c in session.causes}
        assert CAUSE[key] in causes, [c.tag for c in session.causes]
        group = fix_groups(causes[CAUSE[key]].fixes)[0]
        patched = _apply(source, group)
        after = _trace(tmp, key + "_fixed", patched)
        _fixed[key] = (source, group, patched, [c.tag for c in after.causes])
    return _fixed[key]


@pytest.mark.parametrize("key", sorted(SOURCES))
def test_the_first_fix_group_is_a_patch_that_applies_and_clears_its_cause(tmp_path_factory, key):
    source, group, patched, after = _fixed_run(tmp_path_factory, key)
    lines = source.splitlines()
    for fx in group:
        assert is_patch(fx) and fx.before.strip() in lines[fx.line - 1], fx
    compile(patched, "patched", "exec")
    assert CAUSE[key] not in after, after


def test_the_bias_is_declared_added_and_stepped_and_the_fit_improves(tmp_path_factory):
    source, group, patched, _ = _fixed_run(tmp_path_factory, "bias")
    assert len(group) >= 4  # declared, added in the loop, its gradient, its step
    before, after = _run(source), _run(patched)
    bias = bias_name_in(group)
    assert bias in after and bias not in before
    # Inputs centred at 3 with a boundary at a sum of 6: without an offset the boundary must pass through 0.
    acc = lambda env: np.mean((env["prob"] > 0.5) == env["passed"])  # noqa: E731
    assert acc(after) > acc(before) + 0.2


def bias_name_in(group) -> str:
    return group[0].after.splitlines()[-1].split("=")[0].strip()


def test_the_bias_of_a_pure_python_perceptron_steps_once_per_mistake(tmp_path_factory):
    source, group, patched, _ = _fixed_run(tmp_path_factory, "bias_lists")
    after = _run(patched)
    assert after["hits"] == 1.0 and _run(source)["hits"] < 1.0


def test_the_bias_of_a_pure_python_neuron_steps_by_its_error_not_by_a_forward_pass_on_ones(tmp_path_factory):
    source, group, patched, _ = _fixed_run(tmp_path_factory, "bias_neuron")
    assert "forward(1.0)" not in patched  # the error line is no product of the input: it gets no twin
    after, before = _run(patched), _run(source)
    assert after["hits"] > before["hits"] + 0.1 and after["unit"].b != 0.0


def test_the_rescaled_draws_have_the_spread_of_one_over_fan_in(tmp_path_factory):
    _, group, patched, _ = _fixed_run(tmp_path_factory, "init_small")
    assert len(group) == 3
    np.random.seed(0)
    env = _run(patched.split("for epoch")[0])
    for mat in env["layers"]:
        # `mat @ acts` takes the inputs on its second axis: that is the fan-in.
        assert np.std(mat) == pytest.approx(np.sqrt(1.0 / mat.shape[1]), rel=0.5)


def test_the_standardized_inputs_keep_their_row_of_ones(tmp_path_factory):
    _, _, patched, _ = _fixed_run(tmp_path_factory, "scale")
    rows = _run(patched)["rows"]
    assert np.allclose(rows[:2].mean(axis=1), 0) and np.allclose(rows[:2].std(axis=1), 1)
    assert np.all(rows[2] == 1)


def test_the_imputed_data_keeps_its_shape_and_takes_the_column_mean(tmp_path_factory):
    source, _, patched, _ = _fixed_run(tmp_path_factory, "nan")
    raw = _run(source.split("label =")[0])["grid"]
    grid = _run(patched)["grid"]
    assert grid.shape == raw.shape and np.all(np.isfinite(grid))
    holes = ~np.isfinite(raw)
    assert np.allclose(grid[holes], np.nanmean(raw[:, 1]))


def test_a_shared_offset_and_its_averaged_step_fit_the_intercept(tmp_path_factory):
    _, _, patched, _ = _fixed_run(tmp_path_factory, "per_sample")
    env = _run(patched)
    assert env["lift"].shape == (1,) and env["lift"][0] == pytest.approx(3.0, abs=0.1)


def test_flipped_updates_descend(tmp_path_factory):
    source, _, patched, _ = _fixed_run(tmp_path_factory, "sign")
    assert _run(patched)["cost"] < 0.05 < _run(source)["cost"]


def test_the_forward_pass_recomputed_in_the_loop_fits(tmp_path_factory):
    _, _, patched, _ = _fixed_run(tmp_path_factory, "stale")
    env = _run(patched)
    assert np.mean((env["xs"] @ env["wt"] + env["off"] - env["ys"]) ** 2) < 1e-3


def test_every_derivative_call_gets_the_activation(tmp_path_factory):
    source, group, patched, _ = _fixed_run(tmp_path_factory, "preact")
    assert {fx.line for fx in group} == {i + 1 for i, l in enumerate(source.splitlines()) if "squash_slope(" in l
                                          and "_in)" in l}
    assert np.mean((_run(patched)["o"] > 0.5) == _run(patched)["lab"]) > 0.9


def test_a_bias_for_a_weight_kept_in_a_dict_goes_in_the_same_dict(tmp_path_factory):
    source, group, patched, _ = _fixed_run(tmp_path_factory, "bias_dict")
    env = _run(patched)
    added = set(env["net"]) - set(_run(source)["net"])
    assert len(added) == 1 and env["net"][added.pop()].shape == (1, 1)
    assert env["final"] < 0.9 * _run(source)["final"]


def test_the_derivative_is_rewritten_in_its_own_argument(tmp_path_factory):
    source, group, patched, _ = _fixed_run(tmp_path_factory, "deriv")
    (fx,) = group
    assert fx.before == "1 - out" and fx.after == "1 - out ** 2"
    slope = _run(patched)["squash_slope"]
    z = np.linspace(-3, 3, 7)
    # The tanh derivative, written from its output, against a central difference of tanh itself.
    assert np.allclose(slope(np.tanh(z)), (np.tanh(z + 1e-6) - np.tanh(z - 1e-6)) / 2e-6, atol=1e-6)


def test_the_defined_rate_replaces_the_literal_in_every_update(tmp_path_factory):
    source, group, patched, _ = _fixed_run(tmp_path_factory, "hyper")
    assert len(group) == 2 and all("learning_rate" in fx.after and "0.00001" in fx.before for fx in group)
    assert _run(patched)["final"] < 0.01 < _run(source)["final"]


def test_returning_the_arrays_instead_of_copies_lets_the_in_place_update_land(tmp_path_factory):
    source, group, patched, _ = _fixed_run(tmp_path_factory, "copies")
    (fx,) = group
    assert ".copy()" in fx.before and "copy" not in fx.after and "np.array" not in fx.after
    assert _run(patched)["final"] < 0.01 < _run(source)["final"]


NAMES_FROM_NUMPY = """
from numpy import array, dot, exp, random, mean

random.seed(4)
inputs = array([[0, 0, 0], [0, 0, 1], [0, 1, 0], [1, 0, 0], [1, 1, 0], [1, 0, 1], [0, 1, 1], [1, 1, 1]], float)
labels = array([[1], [0], [0], [0], [1], [1], [1], [0]], float)
weights = random.normal(0, 0.5, (3, 1))
for step in range(2000):
    out = 1 / (1 + exp(-dot(inputs, weights)))
    weights = weights - 0.5 * dot(inputs.T, out - labels) / len(inputs)
print(repr(float(out[0, 0])))
"""


def test_a_bias_fix_in_a_file_taking_numpy_names_one_by_one_imports_what_it_calls(tmp_path):
    import subprocess
    import sys

    from conftest import analysed_session

    from nandoctor.verify import patch_files

    session = analysed_session(tmp_path, NAMES_FROM_NUMPY, name="gate")
    bias = next(c for c in session.causes if c.tag == "missing_bias")
    imports = [fx for fx in bias.fixes if fx.after.startswith("from numpy import") and "\nfrom numpy import" in fx.after]
    assert len(imports) == 1 and "zeros" in imports[0].after.splitlines()[1]
    # the patched copy runs, and its decision at the origin is the biased model's, replayed in numpy (the bias is
    # added inside the minus sign: `exp(-(dot(inputs, weights) + b))`, not `exp(-dot(inputs, weights) + b)`)
    script = tmp_path / "gate.py"
    (path, (_, patched)), = patch_files(script, bias.fixes).items()
    copy = tmp_path / "patched.py"
    copy.write_text(patched)
    done = subprocess.run([sys.executable, str(copy)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    np.random.seed(4)
    inputs = np.array([[0, 0, 0], [0, 0, 1], [0, 1, 0], [1, 0, 0], [1, 1, 0], [1, 0, 1], [0, 1, 1], [1, 1, 1]], float)
    labels = np.array([[1], [0], [0], [0], [1], [1], [1], [0]], float)
    weights = np.random.normal(0, 0.5, (3, 1))
    offset = np.zeros((1, 1))
    for _ in range(2000):
        out = 1 / (1 + np.exp(-(inputs @ weights + offset)))
        weights, offset = (weights - 0.5 * inputs.T @ (out - labels) / len(inputs),
                           offset - 0.5 * np.ones((len(inputs), 1)).T @ (out - labels) / len(inputs))
    assert float(done.stdout.split()[-1]) == pytest.approx(float(out[0, 0]), rel=1e-9)
