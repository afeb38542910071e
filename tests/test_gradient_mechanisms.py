"""Gradient measurements on code written in other styles: arrays replaced whole in a list, steps that reverse,
a derivative in pure-Python per-sample code, gradients returned in a dict."""

from __future__ import annotations

import contextlib
import io
import math
import random
import re
import textwrap
from pathlib import Path

import numpy as np
import pytest

from nandoctor.analysis.causes.gradient_sign_wrong import reversing_steps
from nandoctor.analysis.rules import FAILS, HOLDS, evaluate_rules, load_rules
from nandoctor.cli import trace_script
from nandoctor.detectors import detect
from nandoctor.detectors.facts import facts
from nandoctor.detectors.optimisation import update_ratios

# the rule's declared thresholds for consecutive updates pointing opposite ways
_REVERSAL = tuple(load_rules()["gradient_sign_wrong"].thresholds[k] for k in ("REVERSAL_COSINE", "REVERSAL_SHARE"))


def _run(tmp_path, source, name):
    script = tmp_path / f"{name}.py"
    script.write_text(textwrap.dedent(source))
    _, session = trace_script(str(script), [], tmp_path / f"{name}_out", formats=("json",))
    F = facts(session)
    drafts, _, checks = evaluate_rules(session, F, detect(session))
    return F, {d.tag: d for d in drafts}, {code: {c.premise: c for c in cs} for code, cs in checks.items()}


# Logistic regression on labels -1/+1 with its parameters in a list, each replaced whole at every step.
LIST_PARAMS = """
import numpy as np
gen = np.random.default_rng(4)
feats = gen.normal(0.0, 1.0, (200, 3))
labels = np.where(feats @ np.array([1.5, -2.0, 0.5]) > 0, 1.0, -1.0)
params = [np.full(3, 0.1), 0.0]
for it in range(40):
    margin = labels * (feats @ params[0] + params[1])
    coeff = {sign}labels / (1.0 + np.exp(margin))
    params[0] = params[0] - 0.3 * feats.T @ coeff / len(labels)
    params[1] = params[1] - 0.3 * float(np.mean(coeff))
    loss = float(np.mean(np.logaddexp(0.0, -margin)))
"""


def _replay_list_params(sign):
    gen = np.random.default_rng(4)
    feats = gen.normal(0.0, 1.0, (200, 3))
    labels = np.where(feats @ np.array([1.5, -2.0, 0.5]) > 0, 1.0, -1.0)
    w, b, changes = np.full(3, 0.1), 0.0, []
    for _ in range(40):
        coeff = sign * labels / (1.0 + np.exp(labels * (feats @ w + b)))
        new = w - 0.3 * feats.T @ coeff / len(labels)
        changes.append(np.linalg.norm(new - w))
        w, b = new, b - 0.3 * float(np.mean(coeff))
    return np.array(changes)


def test_array_replaced_whole_in_a_list_has_update_norms(tmp_path):
    F, drafts, _ = _run(tmp_path, LIST_PARAMS.format(sign="-"), "list_descent")
    u = next(u for u in F.updates if F.by_id[u].target == "params[0]")
    steps, up, before, ratio = update_ratios(F, u)
    want = _replay_list_params(-1.0)
    # The first write has no kept value before it; every later one is the difference of consecutive values.
    assert len(up) == len(want) - 1
    assert np.allclose(up, want[1:], rtol=1e-9)
    assert "gradient_sign_wrong" not in drafts


def test_ascent_on_list_parameters_is_the_sign(tmp_path):
    F, drafts, checks = _run(tmp_path, LIST_PARAMS.format(sign=""), "list_ascent")
    back = reversing_steps(F, None, *_REVERSAL)
    assert back is not None and not back["reversing"] and back["cosine"] > 0.5
    sign = checks["gradient_sign_wrong"]
    assert all(c.status == HOLDS for c in sign.values()), {p: (c.status, c.why) for p, c in sign.items()}
    assert "gradient_sign_wrong" in drafts


OVERSHOOT = """
import numpy as np
gen = np.random.default_rng(21)
cols = gen.normal(0.0, 1.0, (3, 150))
cols[1] = 0.8 * cols[0] + 0.2 * cols[1]
target = np.array([1.0, -0.5, 0.3]) @ cols
coef = np.zeros(3)
for count in range(60):
    resid = coef @ cols - target
    coef = coef - {rate} * (cols @ resid) * 2.0 / cols.shape[1]
    mse = float(np.mean(resid ** 2))
"""


def test_overshoot_is_not_ascent(tmp_path):
    F, drafts, checks = _run(tmp_path, OVERSHOOT.format(rate=0.75), "overshoot")
    back = reversing_steps(F, None, *_REVERSAL)
    # Replayed: the largest curvature of the mse is 2 * the top eigenvalue of cols @ cols.T / n; a rate above 2 / it
    # makes the component along that direction flip sign at every step.
    gen = np.random.default_rng(21)
    cols = gen.normal(0.0, 1.0, (3, 150))
    cols[1] = 0.8 * cols[0] + 0.2 * cols[1]
    top = float(np.linalg.eigvalsh(2.0 * cols @ cols.T / 150)[-1])
    assert 0.75 * top > 2.0
    assert back is not None and back["reversing"] and back["cosine"] < -0.9
    assert checks["gradient_sign_wrong"]["steps_small"].status == FAILS
    assert "gradient_sign_wrong" not in drafts


NEURON = """
import math
import random
points = []
for i in range(49):
    u = -1.0 + 2.0 * (i % 7) / 6
    v = -1.0 + 2.0 * (i // 7) / 6
    points.append((u, v, math.tanh(1.8 * u - 1.2 * v + 0.4)))
wu, wv, off = 0.05, -0.05, 0.0
for sweep in range(8):
    for u, v, t in points:
        out = math.tanh(wu * u + wv * v + off)
        slope = {slope}
        delta = 2.0 * (out - t) * slope
        wu -= 0.1 * delta * u
        wv -= 0.1 * delta * v
        off -= 0.1 * delta
"""


def test_derivative_in_pure_python_per_sample_code_is_replayed(tmp_path):
    # The logistic derivative given a tanh output differs from 1 - out**2 wherever out is not 0.
    out = math.tanh(0.3)
    assert abs(out * (1 - out) - (1 - out * out)) > 0.1
    _, drafts, checks = _run(tmp_path, NEURON.format(slope="out * (1.0 - out)"), "neuron_wrong")
    wrong = checks["wrong_derivative_formula"]
    assert wrong["mismatch_measured"].status == HOLDS, wrong["mismatch_measured"].why
    assert "wrong_derivative_formula" in drafts
    _, drafts, checks = _run(tmp_path, NEURON.format(slope="1.0 - out * out"), "neuron_right")
    assert checks["wrong_derivative_formula"]["mismatch_measured"].status == FAILS
    assert "wrong_derivative_formula" not in drafts


DICT_GRADS = """
import numpy as np
gen = np.random.default_rng(11)
rows = np.concatenate([gen.normal(c, 1.0, (100, 2)) for c in ([2.0, 0.0], [-1.0, 2.0], [0.0, -2.0])])
idx = np.repeat(np.arange(3), 100)
p = {{"M": gen.normal(0.0, 0.1, (2, 3)), "c": np.zeros(3)}}
vel = {{k: np.zeros_like(v) for k, v in p.items()}}


def grads(rows, idx):
    s = rows @ p["M"] + p["c"]
    e = np.exp(s - s.max(axis=1, keepdims=True))
    pr = e / e.sum(axis=1, keepdims=True)
    pr[np.arange(len(idx)), idx] -= 1.0
    return {{"M": rows.T @ pr{div}, "c": pr.sum(axis=0){div}}}


for epoch in range(30):
    g = grads(rows, idx)
    for k in p:
        vel[k] = 0.9 * vel[k] - 0.5 * g[k]
        p[k] += vel[k]
"""


# `p[k] -= 0.5 * g[k]`: with plain steps the update reads only the dict, which records no array; the return that
# fills it is judged all the same
PLAIN_DICT_GRADS = DICT_GRADS.replace("vel[k] = 0.9 * vel[k] - 0.5 * g[k]\n        p[k] += vel[k]", "p[k] -= 0.5 * g[k]")


@pytest.mark.parametrize("source", [DICT_GRADS, PLAIN_DICT_GRADS], ids=["momentum", "plain"])
def test_gradient_returned_in_a_dict_is_summed(tmp_path, source):
    assert PLAIN_DICT_GRADS != DICT_GRADS
    _, _, checks = _run(tmp_path, source.format(div=""), "dict_sum")
    s = checks["gradient_sum_not_mean"]["gradient_summed"]
    assert s.status == HOLDS, s.why
    assert s.numbers["batch"] == 300
    _, drafts, checks = _run(tmp_path, source.format(div=" / len(idx)"), "dict_mean")
    assert checks["gradient_sum_not_mean"]["gradient_summed"].status == FAILS
    assert "gradient_sum_not_mean" not in drafts


# The same gradients in a class's method: its returned dict records no array, yet the method ran (its other
# statements recorded values), so the sum it returns is judged; a backward method that never ran sums nothing.
CLASS_DICT_GRADS = """
import numpy as np


class Sorter:
    def __init__(self, gen):
        self.p = {{"M": gen.normal(0.0, 0.1, (2, 3)), "c": np.zeros(3)}}
        self.vel = {{k: np.zeros_like(v) for k, v in self.p.items()}}

    def grads(self, rows, idx):
        s = rows @ self.p["M"] + self.p["c"]
        e = np.exp(s - s.max(axis=1, keepdims=True))
        pr = e / e.sum(axis=1, keepdims=True)
        pr[np.arange(len(idx)), idx] -= 1.0
        return {{"M": rows.T @ pr, "c": pr.sum(axis=0)}}

    def unused_grads(self, rows, idx):
        return {{"M": rows.T @ rows[:, :1], "c": rows.sum(axis=0)}}

    def step(self, rows, idx):
        g = self.grads(rows, idx)
        for k in self.p:
            self.vel[k] = 0.9 * self.vel[k] - 0.5 * g[k]{div}
            self.p[k] += self.vel[k]


gen = np.random.default_rng(11)
rows = np.concatenate([gen.normal(c, 1.0, (100, 2)) for c in ([2.0, 0.0], [-1.0, 2.0], [0.0, -2.0])])
idx = np.repeat(np.arange(3), 100)
model = Sorter(gen)
for epoch in range(30):
    model.step(rows, idx)
"""


def test_gradient_returned_in_a_dict_by_a_method_that_ran_is_summed(tmp_path):
    F, _, checks = _run(tmp_path, CLASS_DICT_GRADS.format(div=""), "method_sum")
    s = checks["gradient_sum_not_mean"]["gradient_summed"]
    assert s.status == HOLDS, s.why
    assert s.numbers["batch"] == 300
    returns = {x.function: x.id for x in F.sites if x.kind == "return"}
    assert F.ran(returns["Sorter.grads"]) and not F.observed(returns["Sorter.grads"])
    assert not F.ran(returns["Sorter.unused_grads"])
    _, _, checks = _run(tmp_path, CLASS_DICT_GRADS.format(div=" / len(idx)"), "method_mean")
    assert checks["gradient_sum_not_mean"]["gradient_summed"].status == FAILS


# The sample e14_amber_quay_a: float32 weights grown from zero by Adam toward targets near 95 through a softplus,
# the loss printed before the loop and once per epoch; exp overflows at step 31. The norm climbs steadily over the
# first updates, as it would under ascent, but the loss fell from its value before the loop: descent.
AMBER = (Path(__file__).resolve().parent / "samples" / "cases" / "e14_amber_quay_a.py").read_text()


def test_weights_grown_from_zero_while_the_loss_falls_from_its_value_before_the_loop_are_descent(tmp_path):
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), np.errstate(all="ignore"):
        exec(compile(AMBER, "replay", "exec"), {"__name__": "__replay__"})
    first, epoch0 = re.search(r"first_loss=([\d.]+)\nepoch 0 mse ([\d.]+)", printed.getvalue()).groups()
    assert float(epoch0) < float(first)  # the replay: the first epoch lowered the loss
    _, drafts, checks = _run(tmp_path, AMBER, "amber")
    worse = checks["gradient_sign_wrong"]["worse_from_first_steps"]
    assert worse.status == FAILS and "descent, not ascent" in worse.why, worse.why
    assert "gradient_sign_wrong" not in drafts


# The sample f14_lantern_grid_a: a features x samples softmax net whose gradients add up 1500 columns, from weights
# drawn at 0.1. Its first summed step moves W1 by hundreds of times its norm; averaged, the same step would be a large
# part of the weights still (a first step from a small start often is), but smaller than the weights themselves.
LANTERN = (Path(__file__).resolve().parent / "samples" / "cases" / "f14_lantern_grid_a.py").read_text()


def test_a_summed_first_step_that_the_mean_brings_below_the_weights_is_the_sum(tmp_path):
    replay = LANTERN.replace("for i in range(200):", "for i in range(1):").replace(
        "    for key in parameters:\n        parameters[key] = ",
        "    FIRST.append(np.linalg.norm(learning_rate * grads['W1']) / np.linalg.norm(parameters['W1']))\n"
        "    for key in parameters:\n        parameters[key] = ", 1)
    first: list = []
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(replay, "replay", "exec"), {"FIRST": first, "__name__": "__replay__"})
    assert 0.1 < first[0] / 1500 < 1.0 < first[0]  # the replay: large with the sum, below the weights with the mean
    _, drafts, checks = _run(tmp_path, LANTERN, "lantern")
    c = checks["gradient_sum_not_mean"]
    assert c["gradient_summed"].numbers["batch"] == 1500
    big = c["step_too_large_by_the_sum"]
    assert big.status == HOLDS, big.why
    assert 0.1 < big.numbers["ratio"] / 1500 < 1.0
    assert "gradient_sum_not_mean" in drafts


# A tanh layer whose derivative comes from a table of lambdas, called inline in the backward statement: no site holds
# the derivative, so it cannot be replayed; full-batch plain steps.
TABLE_DERIVATIVE = """
import numpy as np
rng = np.random.default_rng(7)
feats = rng.uniform(-1.0, 1.0, size=(3, 240))
target = np.sin(1.5 * feats[0:1]) + 0.5 * feats[1:2] * feats[2:3]
table = {{"tanh": (np.tanh, lambda out: {slope})}}
fwd, dfwd = table["tanh"]
net = {{"W1": rng.normal(0.0, 0.6, size=(12, 3)), "b1": np.zeros((12, 1)),
       "W2": rng.normal(0.0, 0.3, size=(1, 12)), "b2": np.zeros((1, 1))}}
history = []
for epoch in range(500):
    a1 = fwd(net["W1"] @ feats + net["b1"])
    err = net["W2"] @ a1 + net["b2"] - target
    cost = float(np.mean(err ** 2))
    history.append(cost)
    d_pred = 2.0 * err / 240
    d_a1 = net["W2"].T @ d_pred
    d_z1 = d_a1 * dfwd(a1)
    grads = {{"W1": d_z1 @ feats.T, "b1": d_z1.sum(axis=1, keepdims=True),
             "W2": d_pred @ a1.T, "b2": d_pred.sum(axis=1, keepdims=True)}}
    for key in net:
        net[key] -= 0.3 * grads[key]
"""


def _longest_climb(history):
    best = run = 0
    for rose in np.diff(history) > 0:
        run = run + 1 if rose else 0
        best = max(best, run)
    return best


def test_inline_derivative_judged_by_the_loss_climbing_under_steady_steps(tmp_path):
    wrong, right = TABLE_DERIVATIVE.format(slope="1.0 - out"), TABLE_DERIVATIVE.format(slope="1.0 - out * out")
    replayed = {}
    for name, src in (("wrong", wrong), ("right", right)):
        space: dict = {}
        exec(textwrap.dedent(src), space)  # noqa: S102 - the test's own program, replayed untraced
        replayed[name] = np.array(space["history"])
    # replayed untraced: with 1 - out the loss falls far, then climbs for many steps in a row; with 1 - out * out never
    assert replayed["wrong"].min() < 0.5 * replayed["wrong"][0] and _longest_climb(replayed["wrong"]) >= 20
    assert _longest_climb(replayed["right"]) == 0
    _, drafts, checks = _run(tmp_path, wrong, "table_wrong")
    assert "wrong_derivative_formula" in drafts
    ev = drafts["wrong_derivative_formula"].evidence
    assert ev["factor"] == "dfwd(a1)" and ev["climb_steps"] == _longest_climb(replayed["wrong"])
    _, drafts, checks = _run(tmp_path, right, "table_right")
    assert "wrong_derivative_formula" not in drafts
    assert checks["wrong_derivative_formula"]["mismatch_measured"].status == FAILS


# A logistic layer called through lambdas with no name that says so, on arrays too large for their values to be
# kept: the activation is recognised from the recorded ranges, its derivative from them too.
LAMBDA_LAYER = """
import numpy as np
gen = np.random.default_rng(2)
rows = gen.normal(0.0, 1.0, (150, 2))
goal = (rows[:, :1] * rows[:, 1:] > 0).astype(float)
act = lambda z: 1.0 / (1.0 + np.exp(-z))
dact = lambda a: {slope}
w_in, w_out = gen.normal(0.0, 1.0, (2, 8)), gen.normal(0.0, 0.5, (8, 1))
for it in range(30):
    pre = rows @ w_in
    hid = act(pre)
    out = hid @ w_out
    err = out - goal
    loss = float(np.mean(err ** 2))
    slope = dact(hid)
    back = (err @ w_out.T) * slope
    w_out = w_out - 0.1 * hid.T @ err / 150
    w_in = w_in - 0.1 * rows.T @ back / 150
"""


def test_activation_behind_a_lambda_is_recognised_from_its_ranges(tmp_path):
    wrong, right = LAMBDA_LAYER.format(slope="a * (1.0 + a)"), LAMBDA_LAYER.format(slope="a * (1.0 - a)")
    F, drafts, _ = _run(tmp_path, wrong, "lambda_wrong")
    hid = [a for a in F.activations if F.by_id[a.site].target == "hid"]
    assert hid and hid[0].kind == "sigmoid" and F.by_id[hid[0].pre].target == "pre"
    assert "wrong_derivative_formula" in drafts
    # replayed in plain numpy: a * (1 + a) on logistic outputs exceeds 0.25, the logistic derivative's largest value
    a = 1.0 / (1.0 + np.exp(-np.linspace(-3, 3, 7)))
    assert np.max(a * (1 + a)) > 0.25 >= np.max(a * (1 - a))
    _, drafts, _ = _run(tmp_path, right, "lambda_right")
    assert "wrong_derivative_formula" not in drafts


# A tanh layer whose output reaches its derivative through a cache dict (`cache["A1"]`), features x samples.
CACHED = """
import numpy as np
gen = np.random.default_rng(5)
X = gen.normal(0.0, 1.0, (2, 200))
Y = (np.sum(X ** 2, axis=0, keepdims=True) > 1.4).astype(float)
P = {{"W1": gen.normal(0.0, 0.5, (6, 2)), "W2": gen.normal(0.0, 0.5, (1, 6))}}


def slope(a):
    return {slope}


def forward(X):
    A1 = np.tanh(P["W1"] @ X)
    A2 = 1.0 / (1.0 + np.exp(-(P["W2"] @ A1)))
    return A2, {{"A1": A1, "A2": A2}}


for it in range(60):
    A2, cache = forward(X)
    dZ2 = cache["A2"] - Y
    dW2 = dZ2 @ cache["A1"].T / 200
    dZ1 = (P["W2"].T @ dZ2) * slope(cache["A1"])
    dW1 = dZ1 @ X.T / 200
    P["W1"] = P["W1"] - 0.5 * dW1
    P["W2"] = P["W2"] - 0.5 * dW2
"""


def test_a_derivative_given_the_activation_through_a_cache_dict_is_replayed(tmp_path):
    a = np.tanh(0.5)
    assert abs((1 - a * 2) - (1 - a ** 2)) > 0.1  # the slip differs from tanh's derivative
    F, drafts, checks = _run(tmp_path, CACHED.format(slope="1 - a*2"), "cached_wrong")
    assert checks["wrong_derivative_formula"]["mismatch_measured"].status == HOLDS
    ev = drafts["wrong_derivative_formula"].evidence
    assert (ev["given"], ev["activation"], ev["given_is"]) == ("a", "tanh", "output")
    _, drafts, checks = _run(tmp_path, CACHED.format(slope="1 - a ** 2"), "cached_right")
    assert checks["wrong_derivative_formula"]["mismatch_measured"].status != HOLDS  # from ranges: undecided
    assert "wrong_derivative_formula" not in drafts


def test_a_value_source_is_named_only_when_one_site_matches(tmp_path):
    F, _, _ = _run(tmp_path, CACHED.format(slope="1 - a ** 2"), "sources")
    arg = next(x.id for x in F.sites if x.kind == "arg" and x.function == "slope")
    a1 = [x.id for x in F.sites if x.target == "A1"]
    a2 = [x.id for x in F.sites if x.target == "A2"]
    assert F.value_source(arg, a1 + a2) == a1[0]
    assert F.value_source(arg, a2) is None


# The loss gradient comes from a function picked from a table at run time (`grad = self.grad_fn(out, y)`), which
# divides by the batch; the layer then sums its rows. What the callee computed was not linked to the call, so
# "nothing divides" is not measured; called by its own name, the same code is read and judged.
PICKED_GRAD_FN = """
import numpy as np


def mse_grad(pred, goal):
    return 2.0 * (pred - goal){div}


class Fit:
    def __init__(self, rng):
        self.w = rng.standard_normal(4) * 0.1
        self.b = np.zeros(1)
        self.grad_fn = {{"mse": mse_grad}}["mse"]

    def step(self, rows, goal):
        pred = rows @ self.w + self.b
        g = {call}(pred, goal)
        gw = rows.T @ g
        gb = g.sum(keepdims=True)
        self.w -= 0.05 * gw
        self.b -= 0.05 * gb


rng = np.random.default_rng(2)
rows = rng.standard_normal((200, 4))
goal = rows @ np.array([1.0, -1.0, 0.5, 2.0]) + 0.3
fit = Fit(rng)
for epoch in range(40):
    fit.step(rows, goal)
"""


def test_a_gradient_from_a_function_picked_at_run_time_is_not_called_summed(tmp_path):
    _, _, checks = _run(tmp_path, PICKED_GRAD_FN.format(div=" / len(goal)", call="self.grad_fn"), "picked")
    assert checks["gradient_sum_not_mean"]["gradient_summed"].status == FAILS
    _, _, checks = _run(tmp_path, PICKED_GRAD_FN.format(div="", call="mse_grad"), "named")
    s = checks["gradient_sum_not_mean"]["gradient_summed"]
    assert s.status == HOLDS, s.why
    assert s.numbers["batch"] == 200


# A sigmoid neuron on Python floats, its data a list of (x1, x2, label) tuples, stepped one sample at a time; the
# log loss printed before the loop and after each pass. `a - t` (or `t - a`) is the error at the output, read from
# a label no array holds: not a derivative of the sigmoid.
TUPLE_NEURON = """
import math
import random
import random
random.seed(11)
data = []
for _ in range(120):
    u, v = random.uniform(0.0, 1.0), random.uniform(0.0, 1.0)
    data.append((u, v, 1.0 if 3.0 * u + 2.0 * v - 2.4 + random.gauss(0.0, 0.3) > 0 else 0.0))
w1 = w2 = b = 0.0


def sigmoid(z):
    z = max(-40.0, min(40.0, z))
    return 1.0 / (1.0 + math.exp(-z))


def cost():
    total = 0.0
    for x1, x2, t in data:
        a = sigmoid(w1 * x1 + w2 * x2 + b)
        total += -(t * math.log(a + 1e-12) + (1 - t) * math.log(1 - a + 1e-12))
    return total / len(data)


print(cost())
for epoch in range(12):
    for x1, x2, t in data:
        a = sigmoid(w1 * x1 + w2 * x2 + b)
        delta = {delta}
        w1 = w1 - 0.2 * delta * x1
        w2 = w2 - 0.2 * delta * x2
        b = b - 0.2 * delta
    print(cost())
"""


def _replay_tuple_neuron(sign):
    """The costs printed (before the loop, then after each pass), replayed in plain Python."""
    random.seed(11)
    data = []
    for _ in range(120):
        u, v = random.uniform(0.0, 1.0), random.uniform(0.0, 1.0)
        data.append((u, v, 1.0 if 3.0 * u + 2.0 * v - 2.4 + random.gauss(0.0, 0.3) > 0 else 0.0))
    w = [0.0, 0.0, 0.0]

    def prob(x1, x2):
        z = max(-40.0, min(40.0, w[0] * x1 + w[1] * x2 + w[2]))
        return 1.0 / (1.0 + math.exp(-z))

    def cost():
        return sum(-(t * math.log(prob(x1, x2) + 1e-12) + (1 - t) * math.log(1 - prob(x1, x2) + 1e-12))
                   for x1, x2, t in data) / len(data)

    costs = [cost()]
    for _ in range(12):
        for x1, x2, t in data:
            d = sign * (prob(x1, x2) - t)
            w = [w[0] - 0.2 * d * x1, w[1] - 0.2 * d * x2, w[2] - 0.2 * d]
        costs.append(cost())
    return costs


def test_the_error_against_labels_held_in_tuples_is_no_derivative(tmp_path):
    costs = _replay_tuple_neuron(1.0)
    assert costs[-1] < 0.5 * costs[0]  # it learns
    _, drafts, checks = _run(tmp_path, TUPLE_NEURON.format(delta="a - t"), "tuple_descent")
    assert "wrong_derivative_formula" not in drafts
    assert checks["wrong_derivative_formula"]["derivative_site"].status != HOLDS


def test_a_loss_checked_after_each_pass_starts_from_its_value_before_the_loop(tmp_path):
    costs = _replay_tuple_neuron(-1.0)
    # Climbing: the first check, after a whole pass, is already far above the cost before the loop, and the later
    # checks rise less than 1.5-fold from it; only the cost before the loop shows the run got worse.
    assert costs[1] > 5 * costs[0] and max(costs[1:]) < 1.5 * costs[1]
    _, drafts, checks = _run(tmp_path, TUPLE_NEURON.format(delta="t - a"), "tuple_ascent")
    worse = checks["gradient_sign_wrong"]["run_worsens"]
    assert worse.status == HOLDS, worse.why
    assert f"rose from {costs[0]:.4g}" in worse.why
    assert "wrong_derivative_formula" not in drafts


# A tanh hidden layer read out by a logistic loss on its raw tanh output: the log of a negative output is NaN from
# the first step, while the weights grow as a separable problem's do under descent.
TANH_LOG = """
import numpy as np
gen = np.random.default_rng(9)
X = gen.normal(0.0, 1.0, (300, 2))
y = (X[:, :1] + X[:, 1:] > 0).astype(float)
W1, b1 = gen.normal(0.0, 0.5, (2, 8)), np.zeros(8)
W2, b2 = gen.normal(0.0, 0.5, (8, 1)), np.zeros(1)
for it in range(300):
    h = np.tanh(X @ W1 + b1)
    out = {out}
    loss = -np.mean(y * np.log(out) + (1 - y) * np.log(1 - out))
    d = (out - y) / len(X)
    dh = (d @ W2.T) * (1 - h ** 2)
    W2 -= 0.5 * h.T @ d
    b2 -= 0.5 * d.sum(axis=0)
    W1 -= 0.5 * X.T @ dh
    b1 -= 0.5 * dh.sum(axis=0)
"""


def test_weights_that_grow_while_the_loss_is_never_finite_are_not_judged_a_climb(tmp_path):
    with np.errstate(all="ignore"):
        gen = np.random.default_rng(9)
        X = gen.normal(0.0, 1.0, (300, 2))
        W1, b1 = gen.normal(0.0, 0.5, (2, 8)), np.zeros(8)
        W2 = gen.normal(0.0, 0.5, (8, 1))
        first = np.tanh(np.tanh(X @ W1 + b1) @ W2)
    assert first.min() < 0  # the log of the first output is NaN already
    _, drafts, checks = _run(tmp_path, TANH_LOG.format(out="np.tanh(h @ W2 + b2)"), "tanh_log")
    assert checks["gradient_sign_wrong"]["worse_from_first_steps"].status not in (HOLDS, FAILS)
    assert "gradient_sign_wrong" not in drafts
    assert "wrong_loss_for_activation" in drafts


# Two tanh layers and a linear output, each layer's output kept in a cache under a computed key and read back layer by
# layer in reverse (`slope(cache["a%d" % i])`): the value a derivative is given was written earlier in the step, not
# last. The output layer's own values (`a = act(z) if i < 2 else z`) are no tanh's.
LAYER_CACHE = """
import numpy as np
gen = np.random.default_rng(8)
X = gen.normal(0.0, 1.0, (120, 2))
y = (X[:, :1] * X[:, 1:] > 0).astype(float)
params = {{f"W{{i}}": gen.normal(0.0, 0.7, shape) for i, shape in enumerate([(2, 8), (8, 8), (8, 1)])}}


def act(z):
    return np.tanh(z)


def slope(a):
    return {slope}


for it in range(40):
    cache = {{"a0": X}}
    a = X
    for i in range(3):
        z = a @ params["W%d" % i]
        a = act(z) if i < 2 else z
        cache["a%d" % (i + 1)] = a
    d = (1.0 / (1.0 + np.exp(-a)) - y) / len(y)
    for i in (2, 1, 0):
        g = cache["a%d" % i].T @ d
        if i > 0:
            d = (d @ params["W%d" % i].T) * slope(cache["a%d" % i])
        params["W%d" % i] = params["W%d" % i] - 0.5 * g
"""


def test_a_derivative_read_back_from_a_cache_of_every_layer_is_matched_within_the_step(tmp_path):
    a = np.tanh(0.5)
    assert abs(a * (1 - a) - (1 - a ** 2)) > 0.1  # the sigmoid's formula differs from tanh's derivative
    F, drafts, checks = _run(tmp_path, LAYER_CACHE.format(slope="a * (1 - a)"), "layer_cache_wrong")
    assert checks["wrong_derivative_formula"]["mismatch_measured"].status == HOLDS
    ev = drafts["wrong_derivative_formula"].evidence
    assert (ev["activation"], ev["given_is"]) == ("tanh", "output")
    # a tanh's output given to a sigmoid's formula: the formula is wrong, not fed the pre-activation
    assert checks["derivative_on_preactivation"]["fed_no_other_output"].status == FAILS
    assert "derivative_on_preactivation" not in drafts
    _, drafts, _ = _run(tmp_path, LAYER_CACHE.format(slope="1 - a ** 2"), "layer_cache_right")
    assert "wrong_derivative_formula" not in drafts and "derivative_on_preactivation" not in drafts


# A features x samples autoencoder on minibatches whose error is divided by the batch's size, read into a name of its
# own (`k = xb.shape[1]`, then `d2 = 2 * (xh - xb) / k`): every gradient below it is a mean.
COUNTED = """
import numpy as np
np.random.seed(4)
X = np.random.randn(6, 300)
W_1, b_1 = np.random.randn(3, 6) * 0.4, np.zeros((3, 1))
W_2, b_2 = np.random.randn(6, 3) * 0.4, np.zeros((6, 1))
for ep in range(8):
    for s in range(0, 300, 50):
        xb = X[:, s:s + 50]
        k = xb.shape[1]
        a1 = np.tanh(W_1 @ xb + b_1)
        xh = W_2 @ a1 + b_2
        d2 = 2 * (xh - xb) / {count}
        d1 = (W_2.T @ d2) * (1 - a1 ** 2)
        dW1 = d1 @ xb.T
        dW2 = d2 @ a1.T
        W_1 = W_1 - 0.05 * dW1
        b_1 = b_1 - 0.05 * d1.sum(axis=1, keepdims=True)
        W_2 = W_2 - 0.05 * dW2
        b_2 = b_2 - 0.05 * d2.sum(axis=1, keepdims=True)
"""


def test_an_error_divided_by_a_count_read_into_a_name_makes_mean_gradients(tmp_path):
    _, drafts, checks = _run(tmp_path, COUNTED.format(count="k"), "counted")
    assert checks["gradient_sum_not_mean"]["gradient_summed"].status == FAILS
    assert "gradient_sum_not_mean" not in drafts
    # The same error not divided sums over the 50 columns.
    _, _, checks = _run(tmp_path, COUNTED.format(count="1"), "uncounted")
    assert checks["gradient_sum_not_mean"]["gradient_summed"].status == HOLDS


# The sample v12_pylon_snaps_b: an autoencoder whose Adam steps its dict of gradients output layer first (`for k, g
# in grads.items()`), at a rate far too low. Adam's steps are about the rate in every layer, whatever the gradient's
# size, and the dict's order is not the forward pass's: the layers' update ratios say nothing of a vanishing gradient.
def test_adam_steps_over_a_dict_of_gradients_are_no_vanishing_gradient(tmp_path):
    from nandoctor.analysis.causes._numeric import normalised_step, ratios_toward_the_input

    src = (Path(__file__).parent / "samples" / "cases" / "v12_pylon_snaps_b.py").read_text()
    assert "learning_rate=1e-5" in src and "for k, g in grads.items():" in src
    F, drafts, _ = _run(tmp_path, src, "pylon")
    assert any(normalised_step(F, u) for u in F.updates)
    assert ratios_toward_the_input(F) is None
    assert "vanishing_gradient" not in drafts
    assert "learning_rate_too_low" in drafts


# A tanh recurrent net whose backward pass writes the derivative inline in the product with the error signal, as a
# sigmoid's (`dh * h * (1 - h)`), where h is read back from the list of hidden states.
INLINE_TANH = """
import numpy as np
rng = np.random.default_rng(8)
seqs = rng.normal(0.0, 1.0, (40, 6))
targets = np.tanh(seqs.sum(axis=1) * 0.3)
Wx = rng.normal(0.0, 0.5, (4, 1))
Wh = rng.normal(0.0, 0.3, (4, 4))
Wy = rng.normal(0.0, 0.5, (1, 4))
for epoch in range(8):
    for seq, target in zip(seqs, targets):
        hs = [np.zeros((4, 1))]
        for x in seq:
            hs.append(np.tanh(Wx * x + Wh @ hs[-1]))
        out = float((Wy @ hs[-1])[0, 0])
        err = out - target
        dWy = err * hs[-1].T
        dh = Wy.T * err
        dWx, dWh = np.zeros_like(Wx), np.zeros_like(Wh)
        for t in reversed(range(len(seq))):
            h = hs[t + 1]
            draw = dh * h * (1 - h)
            dWx += draw * seq[t]
            dWh += draw @ hs[t].T
            dh = Wh.T @ draw
        Wx -= 0.05 * dWx
        Wh -= 0.05 * dWh
        Wy -= 0.05 * dWy
"""


def test_a_derivative_written_inline_in_the_backward_product_is_replayed_at_the_outputs_values(tmp_path):
    F, drafts, checks = _run(tmp_path, INLINE_TANH, "inline_tanh")
    c = checks["wrong_derivative_formula"]
    assert c["mismatch_measured"].status == HOLDS, c["mismatch_measured"].why
    d = drafts["wrong_derivative_formula"]
    # replayed: a tanh output h in (-1, 1) gives h * (1 - h) where the derivative is 1 - h ** 2
    assert d.evidence["factor"] == "h * (1 - h)" and d.evidence["wrong"] == d.evidence["compared"] > 0
    assert [(f.before, f.after) for f in d.fixes] == [("draw = dh * h * (1 - h)", "draw = dh * (1 - h ** 2)")]
    h = np.tanh(np.linspace(-2, 2, 9))
    assert not np.allclose(h * (1 - h), 1 - h ** 2)


def test_the_same_net_with_the_tanh_derivative_has_no_mismatch(tmp_path):
    F, drafts, checks = _run(tmp_path, INLINE_TANH.replace("dh * h * (1 - h)", "dh * (1 - h ** 2)"), "inline_ok")
    assert checks["wrong_derivative_formula"]["mismatch_measured"].status == FAILS
    assert "wrong_derivative_formula" not in drafts


LAYER_TANH = """
import numpy as np

class Squash:
    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, grad):
        return grad * FACTOR

rng = np.random.default_rng(5)
xs = rng.uniform(-2, 2, (300, 1))
ys = np.sin(2 * xs)
W1 = rng.normal(0, 1.0, (1, 40))
W2 = rng.normal(0, 0.3, (40, 1))
act = Squash()
for epoch in range(30):
    h = act.forward(xs @ W1)
    pred = h @ W2
    diff = (pred - ys) / len(xs)
    gW2 = h.T @ diff
    gh = act.backward(diff @ W2.T)
    gW1 = xs.T @ gh
    W1 -= 0.5 * gW1
    W2 -= 0.5 * gW2
"""


@pytest.mark.parametrize("factor, wrong", [("(1.0 - self.out)", True), ("(1.0 - self.out ** 2)", False)])
def test_a_derivative_written_from_an_attribute_too_large_to_keep_is_replayed_at_its_extremes(tmp_path, factor, wrong):
    # `self.out` holds 12,000 elements per step: no values are kept, but its smallest and largest elements are
    # recorded, and a factor computed element by element is replayed exactly there.
    src = LAYER_TANH.replace("FACTOR", factor)
    F, drafts, checks = _run(tmp_path, src, "layer_tanh")
    c = checks["wrong_derivative_formula"]
    assert c["mismatch_measured"].status == (HOLDS if wrong else FAILS), c["mismatch_measured"].why
    assert ("wrong_derivative_formula" in drafts) == wrong
    if wrong:
        d = drafts["wrong_derivative_formula"]
        from conftest import untraced

        out = untraced(src)["act"].out  # the last step's output, replayed in plain numpy
        assert d.evidence["factor"] == "1.0 - self.out" and d.evidence["wrong"] == d.evidence["compared"] > 0
        assert not np.allclose(1.0 - out, 1 - out ** 2)
        assert [f.after for f in d.fixes] == ["return grad * (1 - self.out ** 2)"]


MIXED_LAYERS = """
import numpy as np

class Layer:
    def __init__(self, n_in, n_out, kind, rng):
        self.W = rng.normal(0, 1 / np.sqrt(n_in), (n_in, n_out))
        self.kind = kind

    def forward(self, x):
        self.x = x
        z = x @ self.W
        if self.kind == "tanh":
            self.out = np.tanh(z)
        else:
            self.out = 1 / (1 + np.exp(-z))
        return self.out

    def backward(self, dout):
        if self.kind == "tanh":
            dz = dout * (1 - self.out ** 2)
        else:
            dz = dout * self.out * (1 - self.out)
        self.dW = self.x.T @ dz
        return dz @ self.W.T

rng = np.random.default_rng(6)
xs = rng.normal(0, 1, (400, 3))
ys = (xs[:, :1] * xs[:, 1:2] > 0).astype(float)
layers = [Layer(3, 40, "tanh", rng), Layer(40, 1, "sigmoid", rng)]
for epoch in range(40):
    h = xs
    for layer in layers:
        h = layer.forward(h)
    grad = (h - ys) / len(xs)
    for layer in reversed(layers):
        grad = layer.backward(grad)
    for layer in layers:
        layer.W -= 1.0 * layer.dW
"""


def test_an_attribute_written_by_two_activations_in_one_step_is_not_judged_against_either(tmp_path):
    # Each branch applies its own layer's right derivative to its own `self.out`; which object's value a run read
    # is not recorded, so neither activation's derivative may be held against the other's formula.
    F, drafts, checks = _run(tmp_path, MIXED_LAYERS, "mixed_layers")
    assert "wrong_derivative_formula" not in drafts
    assert checks["wrong_derivative_formula"].get("mismatch_measured") is None \
        or checks["wrong_derivative_formula"]["mismatch_measured"].status != HOLDS


BIAS_UNIT = """
import numpy as np
rng = np.random.default_rng(9)
data = np.hstack([np.ones((60, 1)), (rng.random((60, 6)) < 0.3).astype(float)])
W = rng.normal(0, 0.1, (7, 4))
for epoch in range(40):
    pos_probs = 1 / (1 + np.exp(-(data @ W)))
    pos_probs[:, 0] = 1
    pos_assoc = data.T @ pos_probs
    hid = (pos_probs > rng.random(pos_probs.shape)).astype(float)
    neg_vis = 1 / (1 + np.exp(-(hid @ W.T)))
    neg_vis[:, 0] = 1
    neg_hid = 1 / (1 + np.exp(-(neg_vis @ W)))
    neg_assoc = neg_vis.T @ neg_hid
    W += 0.1 * (pos_assoc - neg_assoc) / len(data)
    err = np.sum((data - neg_vis) ** 2)
"""


def test_a_constant_stored_into_an_activations_column_is_no_derivative(tmp_path):
    # `pos_probs[:, 0] = 1` makes the first hidden unit a bias unit (an RBM's contrastive divergence): the statement
    # reads the sigmoid's output and writes a constant into it, no function of its values to replay as a derivative.
    from conftest import untraced

    replay = untraced(BIAS_UNIT)
    assert (replay["pos_probs"][:, 0] == 1).all()
    F, drafts, checks = _run(tmp_path, BIAS_UNIT, "bias_unit")
    assert "wrong_derivative_formula" not in drafts


# A layer library: Tanh and Sigmoid layers both keep their output as `self.out`, called from a Sequential container
# (the step's order puts each layer's forward between other layers' work). The Tanh backward squares the wrong term.
LIBRARY_TANH = """
import numpy as np
rng = np.random.default_rng(4)
class Dense:
    def __init__(self, n_in, n_out):
        self.W = rng.normal(0, np.sqrt(1.0 / n_in), size=(n_in, n_out))
    def forward(self, x):
        self.x = x
        return x @ self.W
    def backward(self, grad):
        self.dW = self.x.T @ grad
        return grad @ self.W.T
    def step(self, lr):
        self.W -= lr * self.dW
class Tanh:
    def forward(self, x):
        self.out = np.tanh(x)
        return self.out
    def backward(self, grad):
        return grad * DERIV
class Sigmoid:
    def forward(self, x):
        self.out = 1 / (1 + np.exp(-x))
        return self.out
    def backward(self, grad):
        return grad * self.out * (1 - self.out)
class Sequential:
    def __init__(self, *layers):
        self.layers = layers
    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x
    def backward(self, grad):
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
    def step(self, lr):
        for layer in self.layers:
            if isinstance(layer, Dense):
                layer.step(lr)
X = rng.normal(size=(64, 2))
y = (X[:, :1] * X[:, 1:] > 0).astype(float)
net = Sequential(Dense(2, 8), Tanh(), Dense(8, 1), Sigmoid())
for epoch in range(40):
    p = net.forward(X)
    net.backward((p - y) / len(X) / np.clip(p * (1 - p), 1e-9, None))
    net.step(0.5)
"""


@pytest.mark.parametrize("deriv, wrong", [("(1 - self.out) ** 2", True), ("(1 - self.out ** 2)", False)])
def test_a_layer_class_s_backward_is_judged_on_its_own_class_s_output(tmp_path, deriv, wrong):
    F, drafts, checks = _run(tmp_path, LIBRARY_TANH.replace("DERIV", deriv), "layers")
    tanh_out = next(x.id for x in F.sites if x.function == "Tanh.forward" and x.target == "self.out")
    assert any(a.site == tanh_out and a.kind == "tanh" for a in F.activations)  # a forward method's statement
    site = checks["wrong_derivative_formula"]["derivative_site"]
    assert site.status == HOLDS and "Tanh.backward" not in site.why and "output of a tanh" in site.why
    assert ("wrong_derivative_formula" in drafts) is wrong
    if wrong:
        # replayed at the recorded extremes of the tanh's output: (1 - a)^2 vs 1 - a^2 differ wherever a != 0
        assert checks["wrong_derivative_formula"]["mismatch_measured"].status == HOLDS


HANDED_BACK = """
import numpy as np
rng = np.random.default_rng(4)
X = rng.normal(0, 1, (200, 2))
y = (X[:, 0] * X[:, 1] > 0).astype(float)


def forward(V, c, u, X):
    h = np.tanh(X @ V + c)
    return h, 1 / (1 + np.exp(-(h @ u)))


def step(V, c, u, X, y, rate):
    h, q = forward(V, c, u, X)
    g = (q - y) / len(y)
    du = h.T @ g
    dh = np.outer(g, u) * (1 - h)
    dV = X.T @ dh
    dc = dh.sum(axis=0)
    V = V - rate * dV
    c = c - rate * dc
    u = u - rate * du
    return V, c, u


V, c, u = rng.normal(0, 0.7, (2, 8)), np.zeros(8), rng.normal(0, 0.3, 8)
for epoch in range(40):
    V, c, u = step(V, c, u, X, y, 0.5)
print(np.mean((forward(V, c, u, X)[1] > 0.5) == y))
"""


def test_a_derivative_in_a_step_that_hands_the_parameters_back_is_judged(tmp_path):
    """Parameters handed to a step function and handed back by it (`V, c, u = step(V, c, u, ...)`) link one step's
    backward pass to the next step's forward pass: the forward pass is what comes before the output within a step,
    so `(1 - h)` after it is a backward factor, replayed against the tanh derivative 1 - h ** 2. Read after the loop
    only inside a print, the parameters are still the model's: the update line hands them to `step`."""
    h = np.tanh(np.random.default_rng(0).normal(0, 1, 50))
    assert np.abs((1 - h) - (1 - h ** 2)).max() > 0.1
    F, drafts, checks = _run(tmp_path, HANDED_BACK, "handed_back")
    dh = next(x.id for x in F.sites if x.target == "dh")
    assert dh not in F.forward_sites
    assert "wrong_derivative_formula" in drafts
    assert "1 - h" in drafts["wrong_derivative_formula"].evidence["factor"]


TIED_CODER = """
import numpy as np
rng = np.random.default_rng(6)
D = rng.uniform(0, 1, (150, 6))
V = rng.normal(0, 0.3, (6, 3))


def encode_decode(A):
    h = np.tanh(A @ V)
    return h, 1 / (1 + np.exp(-(h @ V.T)))


for it in range(200):
    h, r = encode_decode(D)
    e = r - D
    gr = e * r * (1 - r) / len(D)
    gV = gr.T @ h
    gh = gr @ V
    gV += D.T @ (gh * (1 - h ** 2))
    V -= 1.0 * gV
"""


def test_the_forward_outputs_a_function_hands_back_are_no_derivative(tmp_path):
    """`h, r = encode_decode(D)`: h is the tanh's own output handed back (read only by the backward statements of
    a tied autoencoder), not a derivative computed from the data; the derivative written, 1 - h ** 2, is right."""
    F, drafts, checks = _run(tmp_path, TIED_CODER, "tied")
    assert any(a.kind == "tanh" for a in F.activations)
    assert "wrong_derivative_formula" not in drafts
