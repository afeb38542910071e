"""The program model (analysis/program.py): which loop trains and where the parameters live, on tiny traced sources."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from nandoctor.analysis.program import base_key
from nandoctor.trace.tracer import Tracer


def traced(src: str, tmp_path):
    """Trace `src` in process as a script and return its session."""
    src = textwrap.dedent(src)
    path = tmp_path / "prog.py"
    path.write_text(src)
    tracer = Tracer()
    tracer.start()
    try:
        exec(tracer.compile(src, str(path)), {"__name__": "__main__", "__file__": str(path)})
    finally:
        tracer.stop()
    from nandoctor.session import Session

    return Session(tracer.recording(), step_loop=tracer.step_loop)


def line_of(src: str, text: str) -> int:
    """The 1-based line of the first line of dedented `src` that starts with `text` (stripped)."""
    for i, line in enumerate(textwrap.dedent(src).splitlines(), 1):
        if line.strip().startswith(text):
            return i
    raise AssertionError(text)


def loop_line(session, lid):
    return {lp.id: lp.line for lp in session.loops}.get(lid)


def param_names(session) -> set[str]:
    return {base_key(session.sites[u].target) for u in session.structure.updates}


def state_names(session) -> set[str]:
    return {base_key(session.sites[u].target) for u in session.structure.state}


FULL_BATCH = """
import numpy as np
rng = np.random.default_rng(0)
X = rng.normal(size=(40, 3))
y = X @ np.array([1.0, -2.0, 0.5])
w = np.zeros(3)
b = 0.0
lr = 0.1
for epoch in range(30):
    err = X @ w + b - y
    w -= lr * X.T @ err / len(y)
    b -= lr * err.mean()
for i in range(3):
    print(np.mean((X[i] @ w + b - y[i]) ** 2))
"""


def test_full_batch_loop_is_the_training_loop_and_the_evaluation_loop_is_not(tmp_path):
    s = traced(FULL_BATCH, tmp_path)
    want = line_of(FULL_BATCH, "for epoch")
    assert loop_line(s, s.plan.step_loop) == want
    assert loop_line(s, s.plan.training_loop) == want
    assert s.plan.n_steps == 30
    assert param_names(s) == {"w", "b"}
    assert f"line {want}" in s.plan.reason and "30 iterations" in s.plan.reason


MINIBATCH = """
import numpy as np
rng = np.random.default_rng(1)
X = rng.normal(size=(60, 2))
y = X @ np.array([0.5, -1.0])
W = np.zeros(2)
for epoch in range(5):
    total = 0.0
    for start in range(0, 60, 20):
        xb, yb = X[start:start + 20], y[start:start + 20]
        err = xb @ W - yb
        total += np.sum(err ** 2)
        W -= 0.1 * xb.T @ err / 20
"""


def test_epoch_loop_of_minibatches_is_the_training_loop_and_minibatches_are_steps(tmp_path):
    s = traced(MINIBATCH, tmp_path)
    assert loop_line(s, s.plan.training_loop) == line_of(MINIBATCH, "for epoch")
    assert loop_line(s, s.plan.step_loop) == line_of(MINIBATCH, "for start")
    assert s.plan.n_steps == 5 * 3
    assert s.plan.epoch_loop == s.plan.training_loop
    # `total` is set afresh in each epoch and summed into: working storage, no parameter
    assert param_names(s) == {"W"}
    assert "total" in state_names(s)


PER_LAYER_LIST = """
import numpy as np
rng = np.random.default_rng(2)
X = rng.normal(size=(16, 2))
y = rng.normal(size=(16, 1))
Ws = [rng.normal(size=(2, 4)) * 0.3, rng.normal(size=(4, 1)) * 0.3]
for step in range(8):
    acts = [X]
    for W in Ws:
        acts.append(np.tanh(acts[-1] @ W))
    delta = (acts[-1] - y) / len(y)
    for i in reversed(range(len(Ws))):
        grad = acts[i].T @ delta
        delta = (delta @ Ws[i].T) * (1 - acts[i] ** 2)
        Ws[i] -= 0.1 * grad
"""


def test_per_layer_loops_are_passed_over(tmp_path):
    s = traced(PER_LAYER_LIST, tmp_path)
    assert loop_line(s, s.plan.training_loop) == line_of(PER_LAYER_LIST, "for step")
    assert loop_line(s, s.plan.step_loop) == line_of(PER_LAYER_LIST, "for step")
    assert param_names(s) == {"Ws"}
    per_param = [r for r in s.structure.loop_roles.values() if r.kind == "per-parameter"]
    assert [loop_line(s, r.loop) for r in per_param] == [line_of(PER_LAYER_LIST, "for i in reversed")]


DICT_AND_ADAM = """
import numpy as np
rng = np.random.default_rng(3)
X = rng.normal(size=(20, 3))
y = X @ np.array([1.0, 0.0, -1.0])
params = {"w": np.zeros(3), "b": np.zeros(1)}
m = {k: np.zeros_like(v) for k, v in params.items()}
cache = {k: np.zeros_like(v) for k, v in params.items()}
for it in range(12):
    err = X @ params["w"] + params["b"] - y
    grads = {"w": X.T @ err / 20, "b": np.array([err.mean()])}
    for k in params:
        m[k] = 0.9 * m[k] + 0.1 * grads[k]
        cache[k] = 0.99 * cache[k] + 0.01 * grads[k] ** 2
        params[k] = params[k] - 0.05 * m[k] / (np.sqrt(cache[k]) + 1e-8)
"""


def test_dict_parameters_with_optimizer_state(tmp_path):
    s = traced(DICT_AND_ADAM, tmp_path)
    assert loop_line(s, s.plan.training_loop) == line_of(DICT_AND_ADAM, "for it in")
    assert param_names(s) == {"params"}
    assert {"m", "cache"} <= state_names(s)
    assert all("optimizer state" in s.structure.state[u] for u in s.structure.state
               if base_key(s.sites[u].target) in ("m", "cache"))


# An optimizer object walks the list every call hands it (`opt.step(model.params(), grads)`), stepping each array in
# place; the model reads them as `self.w` and `self.b`.
HANDED_LIST = """
import numpy as np
rng = np.random.default_rng(0)
X = rng.uniform(30, 160, size=(60, 2))
y = X @ np.array([0.02, -0.01]) + 1.0
class Linear:
    def __init__(self):
        self.w = np.zeros(2)
        self.b = np.zeros(1)
    def __call__(self, X):
        return X @ self.w + self.b
    def params(self):
        return [self.w, self.b]
class Sgd:
    def __init__(self, lr):
        self.lr = lr
    def step(self, params, grads):
        for p, g in zip(params, grads):
            p -= self.lr * g
model = Linear()
opt = Sgd(1e-5)
for it in range(40):
    err = model(X) - y
    opt.step(model.params(), [X.T @ err / len(y), np.array([err.mean()])])
"""


def test_arrays_a_method_returns_as_a_list_to_an_optimizer_are_the_parameters(tmp_path):
    s = traced(HANDED_LIST, tmp_path)
    from nandoctor.detectors.facts import facts

    F = facts(s)
    assert F.source_index.handed_lists[("Sgd.step", "params")] == (("self.w", "Linear.params"),
                                                                   ("self.b", "Linear.params"))
    assert "p" in param_names(s)  # the model reads what the optimizer steps, under the names self.w and self.b
    assert {("", "self.w"), ("", "self.b")} <= F.param_keys
    # so the table meets the weights where the model reads them: the inputs are found
    assert F.inputs is not None and F.by_id[F.inputs].target == "X"


def test_a_list_handed_over_is_not_followed_when_a_call_hands_something_else(tmp_path):
    src = HANDED_LIST.replace("opt.step(model.params(),", "opt.step(list(vars(model).values()),")
    s = traced(src, tmp_path)
    from nandoctor.detectors.facts import facts

    assert ("Sgd.step", "params") not in facts(s).source_index.handed_lists
    assert "p" not in param_names(s)


# Each array taken out of its holder into a local name, then stepped in place through it; nothing reads the local
# afterwards, but the stored array is what the model reads.
TAKEN_OUT = """
import numpy as np
rng = np.random.default_rng(0)
X = rng.normal(size=(50, 3))
y = X @ np.array([1.0, -2.0, 0.5]) + 0.3
class Model:
    def __init__(self):
        self.W = rng.normal(size=3) * 0.1
        self.b = np.zeros(1)
        self.params = {"W": self.W, "b": self.b}
    def step(self, lr):
        err = X @ self.W + self.b - y
        grads = {"W": X.T @ err / 50, "b": np.array([err.mean()])}
        for name, g in grads.items():
            p = PICK
            p -= lr * g
m = Model()
for it in range(30):
    m.step(0.1)
"""


@pytest.mark.parametrize("pick", ["self.params[name]", "getattr(self, name)"])
def test_a_local_taken_from_its_holder_and_stepped_in_place_is_the_parameters_update(tmp_path, pick):
    src = TAKEN_OUT.replace("PICK", pick)
    s = traced(src, tmp_path)
    assert param_names(s) == {"p"}
    assert not state_names(s)
    # the stored arrays moved: replayed untraced, the model's W is no longer its start
    ns = {"__name__": "__replay__"}
    exec(textwrap.dedent(src), ns)
    start = np.random.default_rng(0)
    start.normal(size=(50, 3))
    assert not np.allclose(ns["m"].W, start.normal(size=3) * 0.1)


# A layer that keeps its output for the backward pass and turns it into its own slope there, in place: the output is
# set afresh by every forward pass, so the rescaling carries nothing from one step to the next.
RESCALED_CACHE = """
import numpy as np
rng = np.random.default_rng(1)
X = rng.normal(size=(40, 2))
y = (X[:, :1] > 0).astype(float)
class Squash:
    def forward(self, z):
        self.out = 1.0 / (1.0 + np.exp(-z))
        return self.out
    def backward(self, g):
        RESCALE
        return g * self.out
W = rng.normal(size=(2, 1))
act = Squash()
for it in range(25):
    p = act.forward(X @ W)
    d = act.backward((p - y) / 40)
    W -= 0.5 * X.T @ d
"""


@pytest.mark.parametrize("rescale", ["np.multiply(self.out, 1.0 - self.out, out=self.out)",
                                     "self.out *= 1.0 - self.out"])
def test_an_output_set_afresh_then_rescaled_in_place_is_no_parameter(tmp_path, rescale):
    s = traced(RESCALED_CACHE.replace("RESCALE", rescale), tmp_path)
    assert param_names(s) == {"W"}


PAIRS_IN_A_LIST = """
import numpy as np
rng = np.random.default_rng(3)
X = rng.uniform(-2, 2, size=(2, 120))
Y = (np.sum(X ** 2, axis=0) < 2.0).astype(float).reshape(1, 120)
layers = [[rng.normal(size=(8, 2)) * 0.7, np.zeros((8, 1))], [rng.normal(size=(1, 8)) * 0.35, np.zeros((1, 1))]]
velocity = [[np.zeros_like(W), np.zeros_like(b)] for W, b in layers]
for it in range(20):
    A1 = np.tanh(layers[0][0] @ X + layers[0][1])
    A2 = 1 / (1 + np.exp(-(layers[1][0] @ A1 + layers[1][1])))
    dZ2 = (A2 - Y) / 120
    dZ1 = (layers[1][0].T @ dZ2) * (1 - A1 ** 2)
    grads = [[dZ1 @ X.T, dZ1.sum(axis=1, keepdims=True)], [dZ2 @ A1.T, dZ2.sum(axis=1, keepdims=True)]]
    for (W, b), (vW, vb), (gW, gb) in zip(layers, velocity, grads):
        vW *= 0.9
        vW -= 0.5 * gW
        vb *= 0.9
        vb -= 0.5 * gb
        W += vW
        b += vb
"""


def test_pairs_unpacked_from_a_zip_walk_their_own_containers(tmp_path):
    """`for (W, b), (vW, vb), (gW, gb) in zip(layers, velocity, grads)`: W and b are the parameters, the velocity
    is optimizer state, and the gradients are neither."""
    s = traced(PAIRS_IN_A_LIST, tmp_path)
    assert {"W", "b"} <= param_names(s) and not {"vW", "vb", "grads", "velocity"} & param_names(s)


POOLING = """
import numpy as np
rng = np.random.default_rng(4)
signals = rng.normal(size=(10, 8))
labels = (signals.sum(1) > 0).astype(float)
v = np.zeros(4)
def forward(s):
    pooled = np.zeros(4)
    for j in range(4):
        pooled[j] = s[2 * j:2 * j + 2].max()
    return pooled, 1 / (1 + np.exp(-(pooled @ v)))
for epoch in range(3):
    for s, t in zip(signals, labels):
        pooled, p = forward(s)
        v -= 0.1 * (p - t) * pooled
"""


def test_window_loops_are_not_steps_and_per_sample_steps_sit_in_epochs(tmp_path):
    s = traced(POOLING, tmp_path)
    assert loop_line(s, s.plan.training_loop) == line_of(POOLING, "for epoch")
    assert loop_line(s, s.plan.step_loop) == line_of(POOLING, "for s, t in")
    assert s.plan.n_steps == 30
    assert s.structure.loop_roles[[lp.id for lp in s.loops if lp.line == line_of(POOLING, "for j in")][0]].kind == "no-update"


GRAPH = """
class Value:
    def __init__(self, data, parents=()):
        self.data = data
        self.grad = 0.0
        self.parents = parents
        self.back = lambda: None
    def __mul__(self, other):
        out = Value(self.data * other.data, (self, other))
        def back():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out.back = back
        return out
    def __add__(self, other):
        out = Value(self.data + other.data, (self, other))
        def back():
            self.grad += out.grad
            other.grad += out.grad
        out.back = back
        return out
    def backward(self):
        order, seen = [], set()
        def visit(v):
            if id(v) not in seen:
                seen.add(id(v))
                for p in v.parents:
                    visit(p)
                order.append(v)
        visit(self)
        self.grad = 1.0
        for node in reversed(order):
            node.back()

w, b = Value(0.5), Value(0.0)
for k in range(6):
    x, t = Value(2.0), Value(-3.0)
    diff = w * x + b + t * Value(-1.0) * Value(-1.0)
    loss = diff * diff
    for p in (w, b):
        p.grad = 0.0
    loss.backward()
    for p in (w, b):
        p.data -= 0.01 * p.grad
"""


def test_graph_walk_and_parameter_walk_are_passed_over(tmp_path):
    s = traced(GRAPH, tmp_path)
    assert loop_line(s, s.plan.training_loop) == line_of(GRAPH, "for k in range")
    assert loop_line(s, s.plan.step_loop) == line_of(GRAPH, "for k in range")
    assert "p.data" in param_names(s)
    assert not any(n.endswith(".grad") for n in param_names(s))


NO_TRAINING = """
import numpy as np
rng = np.random.default_rng(5)
X = rng.normal(size=(30, 2))
y = X @ np.array([2.0, 1.0])
w = np.linalg.solve(X.T @ X, X.T @ y)
rows = []
for row in X:
    rows.append(row @ w - 1.0)
print(w, sum(rows))
"""


def test_no_training_loop_means_no_steps(tmp_path):
    s = traced(NO_TRAINING, tmp_path)
    assert s.plan.step_loop is None and s.plan.training_loop is None
    assert s.plan.n_steps == 0


SWEEP = """
import numpy as np
rng = np.random.default_rng(6)
X = rng.normal(size=(20, 2))
y = X @ np.array([1.0, 1.0])
def train(lr):
    w = np.zeros(2)
    for epoch in range(10):
        w -= lr * X.T @ (X @ w - y) / 20
    return w
for lr in (0.01, 0.1):
    train(lr)
"""


def test_a_loop_that_restarts_training_is_no_training_loop(tmp_path):
    s = traced(SWEEP, tmp_path)
    assert loop_line(s, s.plan.training_loop) == line_of(SWEEP, "for epoch")
    sweep = [lp.id for lp in s.loops if lp.line == line_of(SWEEP, "for lr in")][0]
    assert s.structure.loop_roles[sweep].kind == "restart"


CLASS_LISTS = """
import numpy as np
rng = np.random.default_rng(7)
class Net:
    def __init__(self):
        self.weights = [rng.normal(size=(2, 3)), rng.normal(size=(3, 1))]
        self.layers = [Dense(3), Dense(1)]
    def step(self, X, y, lr):
        h = np.tanh(X @ self.weights[0])
        out = h @ self.weights[1]
        d = (out - y) / len(y)
        grads = [X.T @ ((d @ self.weights[1].T) * (1 - h ** 2)), h.T @ d]
        self.weights = [w - lr * g for w, g in zip(self.weights, grads)]
        for layer in self.layers:
            layer.update(lr)
class Dense:
    def __init__(self, n):
        self.W = np.ones(n)
        self.dW = np.zeros(n)
    def update(self, lr):
        self.W -= lr * self.dW
        return self.W.sum()
X = rng.normal(size=(8, 2))
y = rng.normal(size=(8, 1))
net = Net()
for epoch in range(4):
    net.step(X, y, 0.1)
"""


def test_list_rebinding_and_layer_objects(tmp_path):
    s = traced(CLASS_LISTS, tmp_path)
    assert loop_line(s, s.plan.training_loop) == line_of(CLASS_LISTS, "for epoch")
    assert {"self.weights", "self.W"} <= param_names(s)


PURE_PYTHON = """
import random
random.seed(0)
data = [((random.random(), random.random()), random.random()) for _ in range(12)]
w = [0.0, 0.0]
bias = 0.0
velocity = 0.0
X = [x for x, _ in data]
for epoch in range(4):
    for x, t in data:
        g = w[0] * x[0] + w[1] * x[1] + bias - t
        w[0] -= 0.1 * g * x[0]
        w[1] -= 0.1 * g * x[1]
        velocity = 0.9 * velocity + g
        bias -= 0.01 * velocity
"""


def test_pure_python_floats_and_lists_with_momentum(tmp_path):
    s = traced(PURE_PYTHON, tmp_path)
    assert loop_line(s, s.plan.training_loop) == line_of(PURE_PYTHON, "for epoch")
    assert loop_line(s, s.plan.step_loop) == line_of(PURE_PYTHON, "for x, t in")
    assert param_names(s) == {"w", "bias"}
    assert "velocity" in state_names(s)


ACCUMULATE = """
import numpy as np
rng = np.random.default_rng(8)
X = rng.normal(size=(10, 2))
y = rng.normal(size=10)
X = (X - X.mean(0)) / X.std(0)
W = np.zeros(2)
for epoch in range(5):
    dW = np.zeros(2)
    for xi, yi in zip(X, y):
        dW += (xi @ W - yi) * xi
    W -= 0.1 * dW / len(y)
"""


def test_gradient_accumulator_and_standardized_input_are_no_parameters(tmp_path):
    s = traced(ACCUMULATE, tmp_path)
    assert loop_line(s, s.plan.training_loop) == line_of(ACCUMULATE, "for epoch")
    assert loop_line(s, s.plan.step_loop) == line_of(ACCUMULATE, "for epoch")
    assert param_names(s) == {"W"}
    assert {"dW", "X"} <= state_names(s)


def test_findings_json_names_the_training_loop(tmp_path):
    from nandoctor.report.findings_json import training_loop_dict

    s = traced(MINIBATCH, tmp_path)
    got = training_loop_dict(s)
    assert got["line"] == line_of(MINIBATCH, "for epoch")
    assert got["header"].startswith("for epoch")
    assert got["function"] == "<module>" and got["reason"]


STANDARDIZED = """
import numpy as np
rng = np.random.default_rng(9)
X = rng.normal(5.0, 3.0, size=(30, 3))
Y = np.eye(3)[rng.integers(0, 3, 30)]
X = (X - X.mean(axis=0)) / X.std(axis=0)
W = np.zeros((3, 3))
for it in range(6):
    scores = X @ W
    probs = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    err = probs - Y
    W -= 0.1 * X.T @ err / 30
"""

FEATURES_BY_SAMPLES = """
import numpy as np
rng = np.random.default_rng(10)
X = rng.normal(size=(2, 25))
y = (X[0:1] > 0).astype(float)
W = rng.normal(size=(1, 2)) * 0.1
for it in range(6):
    a = 1 / (1 + np.exp(-(W @ X)))
    W -= 0.5 * (a - y) @ X.T / 25
"""


def test_facts_is_the_program_model_and_the_input_is_the_value_that_reaches_the_model(tmp_path):
    from nandoctor.analysis.program import ProgramModel
    from nandoctor.detectors.facts import facts

    s = traced(STANDARDIZED, tmp_path)
    F = facts(s)
    assert isinstance(F, ProgramModel)
    assert [s.sites[u].target for u in F.updates] == ["W"]
    # the standardized X (second write) is what `X @ W` meets, not the raw draw
    assert F.inputs is not None and s.sites[F.inputs].line == line_of(STANDARDIZED, "X = (X - X.mean")
    assert F.layout.samples_axis == 0
    assert F.layout.one_hot_targets is True
    assert s.sites[F.target].target == "Y"


def test_features_by_samples_layout(tmp_path):
    from nandoctor.detectors.facts import facts

    s = traced(FEATURES_BY_SAMPLES, tmp_path)
    F = facts(s)
    assert F.layout.samples_axis == 1
    assert F.layout.one_hot_targets is None or F.layout.one_hot_targets is False


UNUSED_RATE = """
import numpy as np
X = np.linspace(-1, 1, 20).reshape(10, 2)
y = X @ np.array([1.0, -1.0])
learning_rate = 0.05
step = 0.2
w = np.zeros(2)
for it in range(5):
    err = X @ w - y
    w -= step * X.T @ err / 10
"""


def test_hyperparameters_read_by_updates_and_one_never_read(tmp_path):
    from nandoctor.detectors.facts import facts

    s = traced(UNUSED_RATE, tmp_path)
    hp = {s.sites[k].target: v for k, v in facts(s).hyperparameters.items()}
    assert hp["learning_rate"] == "defined, never read"
    assert hp["step"].startswith("read by the update at line")


SOLVER_STYLE = """
import numpy as np
rng = np.random.default_rng(11)
X = rng.normal(size=(12, 2))
y = X @ np.array([1.0, 2.0])
class Layer:
    def __init__(self):
        self.W = np.zeros(2)
        self.dW = np.zeros(2)
    def forward(self, x):
        self.x = x
        return x @ self.W
def sgd(w, dw, config):
    w -= config["lr"] * dw
    return w, config
model = {"w": np.zeros(2), "c": np.float32(0.0)}
configs = {"w": {"lr": 0.1}, "c": {"lr": 0.1}}
layer = Layer()
for t in range(7):
    err = X @ model["w"] + model["c"] + layer.forward(X) - y
    grads = {"w": X.T @ err / 12, "c": np.float32(err.mean())}
    layer.dW = X.T @ err / 12
    for p, w in model.items():
        next_w, next_config = sgd(w, grads[p], configs[p])
        model[p] = next_w
        configs[p] = next_config
    layer.W -= 0.1 * layer.dW
"""


def test_solver_style_update_rule_and_a_layer_object_updated_from_outside(tmp_path):
    s = traced(SOLVER_STYLE, tmp_path)
    assert loop_line(s, s.plan.training_loop) == line_of(SOLVER_STYLE, "for t in range")
    assert {"model", "layer.W"} <= param_names(s)
    walk = [lp.id for lp in s.loops if lp.line == line_of(SOLVER_STYLE, "for p, w in")][0]
    assert s.structure.loop_roles[walk].kind == "per-parameter"


STORE_AND_LAYERS = """
import numpy as np


class Dense:
    def __init__(self, kernel, shift):
        self.kernel = kernel
        self.shift = shift

    def run(self, inp):
        self.inp = inp.reshape(inp.shape[0], -1)
        return self.inp @ self.kernel + self.shift

    def back(self, up):
        self.g_kernel = self.inp.T @ up
        self.g_shift = up.sum(axis=0)
        return up @ self.kernel.T


class Rectifier:
    def run(self, inp):
        self.on = inp > 0
        return inp * self.on

    def back(self, up):
        return up * self.on


class Smoother:
    def run(self, inp):
        self.avg = 0.9 * self.avg + 0.1 * inp.mean(axis=0)
        return inp


class Net:
    def __init__(self, gen):
        self.store = {}
        self.store["A"] = 0.1 * gen.standard_normal((6, 8))
        self.store["a"] = np.zeros(8)
        self.store["B"] = 0.1 * gen.standard_normal((8, 3))
        self.store["b"] = np.zeros(3)
        self.decay = 1e-4
        self.stack = [Dense(self.store["A"], self.store["a"]), Rectifier(), Dense(self.store["B"], self.store["b"])]

    def scores(self, feats):
        h = feats
        for layer in self.stack:
            h = layer.run(h)
        return h

    def grads(self, feats, onehot):
        z = self.scores(feats)
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p = p / p.sum(axis=1, keepdims=True)
        up = (p - onehot) / len(feats)
        for layer in reversed(self.stack):
            up = layer.back(up)
        g = {}
        g["A"], g["a"] = self.stack[0].g_kernel, self.stack[0].g_shift
        g["B"], g["b"] = self.stack[2].g_kernel, self.stack[2].g_shift
        g["A"] += self.decay * self.store["A"]
        return g


gen = np.random.default_rng(3)
cls = gen.integers(0, 3, 90)
feats_all = gen.normal(0, 1, (3, 6))[cls] + 0.4 * gen.normal(size=(90, 6))
onehot_all = np.eye(3)[cls]
net = Net(gen)
seen = []
for it in range(12):
    pick = gen.choice(90, 30)
    fb, tb = feats_all[pick], onehot_all[pick]
    g = net.grads(fb, tb)
    for name in ("A", "a", "B", "b"):
        seen.append(float(np.linalg.norm(net.store[name])))
        net.store[name] -= 0.5 * g[name]
"""


def test_dict_store_shared_with_layer_objects(tmp_path):
    """Parameters in a dict the layer objects hold too, updated key by key: the loop over the minibatches trains;
    neither the forward pass's carried local, nor the per-call gradient dict, nor a layer class that never ran
    makes the layer loops training loops; each key's update is judged against that key's own norm."""
    import numpy as np

    from nandoctor.analysis.program import base_key
    from nandoctor.detectors.facts import facts

    s = traced(STORE_AND_LAYERS, tmp_path)
    F = facts(s)
    assert loop_line(s, s.plan.step_loop) == line_of(STORE_AND_LAYERS, "for it in range")
    assert [s.sites[u].target for u in F.updates] == ["net.store[name]"]
    layer_loops = [lp.id for lp in s.loops if lp.header.startswith("for layer in")]
    assert len(layer_loops) == 2
    assert all(s.structure.loop_roles[lid].kind != "training" for lid in layer_loops)
    # `g["A"] += ...` writes a dict made afresh at each call (`g = {}`, never recorded: it holds no array)
    g_update = [x.id for x in s.sites if x.target.startswith("g[")][0]
    assert g_update in s.structure.per_call or g_update in s.structure.state, s.structure.state.get(g_update)
    # the model's own name for the container is the parameters' too, and the batch that meets them is rows picked
    # anew at each step (`fb, tb = feats_all[pick], onehot_all[pick]`) from the table the inputs come from
    assert ("", "self.store") in F.param_keys
    assert F.inputs is not None and base_key(s.sites[F.inputs].target) == "feats_all"
    fb = next(x.id for x in s.sites if x.target == "fb")
    assert F.root_data(fb) == F.inputs
    # each write is compared with the same key's value one step before: a plain replay's norms
    plain: dict = {}
    exec(compile(textwrap.dedent(STORE_AND_LAYERS), "replay", "exec"), plain)
    expected = np.array(plain["seen"])
    _, before = F.weight_norm_before(F.updates[0])
    assert len(before) == len(expected) == 48
    assert np.isnan(before[:4]).all()  # the first write of each key: its start was written under another name
    np.testing.assert_allclose(before[4:], expected[4:], rtol=1e-9)


def _series(steps, shapes, norms, changes):
    import numpy as np

    from nandoctor import columns as C
    from nandoctor.detectors.facts import Series
    from nandoctor.frame.table import Categories

    cats = sorted(set(shapes))
    n = len(steps)
    return Series(0, np.asarray(steps), np.arange(n), {C.L2: np.asarray(norms, float), C.UPDATE_L2: np.asarray(changes, float)},
                  Categories(np.array([cats.index(x) for x in shapes]), cats), np.array(["float64"] * n))


def test_replaced_rows_pairs_each_write_with_its_own_array():
    import numpy as np

    from nandoctor.detectors.facts import replaced_rows

    # two arrays written in turn at each step, each changing by 0.1 of a norm far from the other's
    cycling = _series([0, 0, 1, 1, 2, 2], ["(3, 2)", "(2,)"] * 3, [5.0, 0.1, 5.1, 0.2, 5.2, 0.3], [0.1] * 6)
    assert replaced_rows(cycling).tolist() == [-1, -1, 0, 1, 2, 3]
    # one array updated twice per step (per-sample updates): the value replaced is the one just written
    twice = _series([0, 0, 1, 1, 2, 2], ["(3,)"] * 6, [1.0, 1.1, 1.2, 1.3, 1.4, 1.5], [0.1] * 6)
    assert replaced_rows(twice).tolist() == (np.arange(6) - 1).tolist()


# -- parameters in containers and objects, and their updates ----------------------------------------

LIST_REBUILT = """
import numpy as np
rng = np.random.default_rng(1)
data = rng.normal(size=(3, 16))
goal = np.tanh(data[:1] - data[2:])
class Net:
    def __init__(self):
        self.weights = [rng.normal(size=(4, 3)) * 0.5, rng.normal(size=(1, 4)) * 0.5]
    def grads(self, x, t):
        h = np.tanh(self.weights[0] @ x)
        d = (self.weights[1] @ h - t) / x.shape[1]
        return [((self.weights[1].T @ d) * (1 - h * h)) @ x.T, d @ h.T]
    def fit(self, x, t, eta):
        for rnd in range(6):
            nabla = self.grads(x, t)
            self.weights = [w - eta * nw for w, nw in zip(self.weights, nabla)]
net = Net()
net.fit(data, goal, 0.5)
"""


def _replay_list_rebuilt():
    """The whole parameter set's update norm over its norm before, at each step, replayed in plain numpy."""
    import numpy as np

    rng = np.random.default_rng(1)
    data = rng.normal(size=(3, 16))
    goal = np.tanh(data[:1] - data[2:])
    ws = [rng.normal(size=(4, 3)) * 0.5, rng.normal(size=(1, 4)) * 0.5]
    ratios = []
    for _ in range(6):
        h = np.tanh(ws[0] @ data)
        d = (ws[1] @ h - goal) / data.shape[1]
        nabla = [((ws[1].T @ d) * (1 - h * h)) @ data.T, d @ h.T]
        new = [w - 0.5 * nw for w, nw in zip(ws, nabla)]
        up = np.sqrt(sum(np.sum((a - b) ** 2) for a, b in zip(new, ws)))
        ratios.append(up / np.sqrt(sum(np.sum(w ** 2) for w in ws)))
        ws = new
    return np.array(ratios)


def test_a_list_rebuilt_by_a_comprehension_is_updated_element_by_element(tmp_path):
    import numpy as np

    from nandoctor.detectors.facts import facts
    from nandoctor.detectors.optimisation import update_ratios

    s = traced(LIST_REBUILT, tmp_path)
    F = facts(s)
    [u] = [u for u in F.updates if F.by_id[u].target == "self.weights"]
    steps, up, before, ratio = update_ratios(F, u)
    assert steps.tolist() == list(range(6))  # the first step too: it replaced the list's initial arrays
    np.testing.assert_allclose(ratio, _replay_list_rebuilt(), rtol=1e-6)


ZIP_ADAGRAD = """
import numpy as np
rng = np.random.default_rng(2)
xs = rng.normal(size=(20, 3))
ts = xs @ np.array([[1.0], [-1.0], [0.5]])
W = rng.normal(size=(3, 1)) * 0.1
b = np.zeros(1)
mW, mb = np.zeros_like(W), np.zeros_like(b)
smooth = 1.0
for it in range(8):
    r = xs @ W + b - ts
    smooth = 0.9 * smooth + 0.1 * float(np.mean(r * r))
    dW, db = xs.T @ r / len(xs), r.mean(axis=0)
    for param, dparam, mem in zip([W, b], [dW, db], [mW, mb]):
        mem += dparam * dparam
        param += -0.5 * dparam / np.sqrt(mem + 1e-8)
    print(it, smooth)
"""


def test_zip_loop_variables_are_parameters_and_optimizer_state_by_position(tmp_path):
    import numpy as np

    from nandoctor.detectors.facts import facts
    from nandoctor.detectors.optimisation import update_ratios

    s = traced(ZIP_ADAGRAD, tmp_path)
    F = facts(s)
    roles = {F.by_id[u].target: why for u, why in F.update_roles.items()}
    assert roles["param"] == "parameter"
    assert roles["mem"].startswith("optimizer state")  # it walks [mW, mb], read only by the update of param
    assert roles["smooth"].startswith("only printed")
    [u] = [u for u in F.updates if F.by_id[u].target == "param"]
    steps, up, before, ratio = update_ratios(F, u)
    # Replayed: each step's update of W and b together against their norm before it (b starts at zero).
    rng = np.random.default_rng(2)
    xs = rng.normal(size=(20, 3))
    ts = xs @ np.array([[1.0], [-1.0], [0.5]])
    W, b = rng.normal(size=(3, 1)) * 0.1, np.zeros(1)
    mW, mb, want = np.zeros_like(W), np.zeros_like(b), []
    for _ in range(8):
        r = xs @ W + b - ts
        dW, db = xs.T @ r / len(xs), r.mean(axis=0)
        mW += dW * dW
        mb += db * db
        sW, sb = -0.5 * dW / np.sqrt(mW + 1e-8), -0.5 * db / np.sqrt(mb + 1e-8)
        want.append(np.sqrt(np.sum(sW ** 2) + np.sum(sb ** 2)) / np.sqrt(np.sum(W ** 2) + np.sum(b ** 2)))
        W += sW
        b += sb
    assert steps[0] == 0  # the first update is judged against the arrays the list literal holds
    np.testing.assert_allclose(ratio, np.array(want)[steps], rtol=1e-6)


ZIP_IN_PLACE = """
import numpy as np
def fit(xs, ts, pace):
    rng = np.random.default_rng(3)
    params = [rng.normal(size=(2, 1)), np.zeros(1)]
    for rnd in range(5):
        w, c = params
        r = xs @ w + c - ts
        grads = [xs.T @ r / len(xs), r.mean(axis=0)]
        for p, g in zip(params, grads):
            p -= pace * g
    return params
rng = np.random.default_rng(4)
xs = rng.normal(size=(10, 2))
fit(xs, xs[:, :1] - xs[:, 1:], 0.1)
"""


def test_a_loop_variable_is_an_element_of_the_container_it_walks(tmp_path):
    from nandoctor.detectors.facts import facts

    s = traced(ZIP_IN_PLACE, tmp_path)
    F = facts(s)
    [u] = [u for u in F.updates if F.by_id[u].target == "p"]
    assert [F.by_id[g].target for g in F.gradient_of(u)] == ["grads"]  # `g` is an element of grads
    assert {F.by_id[w].target for w in F.init_writers(u)} >= {"params"}
    assert not [c for c in s.causes if c.tag == "parameter_not_updated"]  # `p -= ...` writes into params' arrays


CALLED_LAYERS = """
import numpy as np
class Dense:
    def __init__(self, n_in, n_out, rng):
        self.W = rng.normal(size=(n_in, n_out)) / np.sqrt(n_in)
    def __call__(self, x):
        self.x = x
        return x @ self.W
rng = np.random.default_rng(5)
feats = rng.normal(size=(12, 3))
wanted = feats @ np.array([[1.0], [0.0], [-1.0]])
stack = [Dense(3, 4, rng), Dense(4, 1, rng)]
for sweep in range(5):
    h = feats
    for layer in stack:
        h = layer(h)
    miss = h - wanted
    g = miss / len(feats)
    for layer in reversed(stack):
        gW = layer.x.T @ g
        g = g @ layer.W.T
        layer.W -= 0.1 * gW
"""


def test_a_forward_pass_through_call_finds_the_inputs_and_targets(tmp_path):
    from nandoctor.detectors.facts import facts

    s = traced(CALLED_LAYERS, tmp_path)
    F = facts(s)
    assert F.by_id[F.inputs].target == "feats"
    assert F.by_id[F.target].target == "wanted"
    assert "layer.W" in {F.by_id[u].target for u in F.updates}


NAMED_LIST = """
import numpy as np
rng = np.random.default_rng(6)
xs = rng.normal(size=(2, 16))
ts = xs[:1] - xs[1:]
hid_w, out_w = rng.normal(size=(4, 2)), rng.normal(size=(1, 4))
params = [hid_w, out_w]
for it in range(5):
    h = np.tanh(hid_w @ xs)
    d = (out_w @ h - ts) / xs.shape[1]
    grads = [((out_w.T @ d) * (1 - h * h)) @ xs.T, d @ h.T]
    for p, g in zip(params, grads):
        p -= 0.1 * g
"""


def test_a_list_of_named_arrays_walked_by_an_update_makes_those_names_parameters(tmp_path):
    from nandoctor.detectors.facts import facts

    s = traced(NAMED_LIST, tmp_path)
    F = facts(s)
    assert {("<module>", "hid_w"), ("<module>", "out_w")} <= F.param_keys
    assert [F.by_id[c].target for c in F.input_candidates] == ["xs"]  # not the gradient list the update reads


LAYER_WALK = """
import numpy as np
rng = np.random.default_rng(0)
rows = rng.normal(size=(30, 2))
goal = rows[:, 0] - 2 * rows[:, 1]


class Dense:
    def __init__(self, n_in, n_out):
        self.k = rng.normal(0, 0.5, (n_in, n_out))

    def forward(self, v):
        self.v = v
        self.out = np.tanh(v @ self.k)
        return self.out

    def backward(self, g):
        g = g * (1 - self.out ** 2)
        back = g @ self.k.T
        self.k -= 0.05 * np.outer(self.v, g)
        return back


net = [Dense(2, 4), Dense(4, 1)]
for epoch in range(3):
    for i in range(30):
        h = rows[i]
        for layer in net:
            h = layer.forward(h)
        g = h - goal[i]
        for layer in reversed(net):
            g = layer.backward(g)
"""


def test_a_row_carried_through_the_layers_is_no_parameter_and_the_layers_are_the_forward_pass(tmp_path):
    s = traced(LAYER_WALK, tmp_path)
    assert param_names(s) == {"self.k"}
    line = line_of(LAYER_WALK, "self.out = np.tanh(v @ self.k)")
    walk = line_of(LAYER_WALK, "h = layer.forward(h)")
    phases = {x.line: x.phase for x in s.sites}
    assert phases[line] == "forward" and phases[walk] == "forward"


def test_step_positions_and_earlier_rows_at_the_same_position():
    import numpy as np

    from nandoctor.detectors.facts import same_position_before, step_positions

    rng = np.random.default_rng(3)
    for _ in range(200):
        steps = np.sort(rng.integers(-1, 6, int(rng.integers(0, 30))))
        # the reference: one row at a time
        position, lane, last_at = np.zeros(len(steps), np.int64), np.full(len(steps), -1), {}
        for i in range(len(steps)):
            position[i] = position[i - 1] + 1 if i and steps[i] == steps[i - 1] else 0
            lane[i] = last_at.get(int(position[i]), -1)
            last_at[int(position[i])] = i
        assert step_positions(steps).tolist() == position.tolist()
        assert same_position_before(position).tolist() == lane.tolist()


def test_running_median_is_the_rolling_median_of_the_values_before():
    import numpy as np
    import pandas as pd

    from nandoctor.detectors.facts import running_median

    rng = np.random.default_rng(4)
    for _ in range(300):
        n, window = int(rng.integers(0, 200)), int(rng.integers(3, 60))
        x = rng.normal(size=n)
        x[rng.random(n) < 0.2 * rng.random()] = np.nan
        x[rng.random(n) < 0.1 * rng.random()] = np.inf
        x[rng.random(n) < 0.1 * rng.random()] = -np.inf
        # pandas' rolling median skips infinities as it skips NaN
        want = pd.Series(x).rolling(window, min_periods=3).median().shift(1).to_numpy()
        np.testing.assert_allclose(running_median(x, window), want, rtol=1e-12, atol=0)


# Adam written as a course's function: the moments live in dicts passed in and handed back (`parameters, v, s =
# adam(parameters, grads, v, s, t)`), each corrected into a dict made for the step that only the update reads.
ADAM_ROUND_TRIP = """
import numpy as np
rng = np.random.default_rng(4)
X = rng.normal(size=(2, 120))
Y = (X[0:1] * X[1:2] > 0).astype(float)

def adam(parameters, grads, v, s, t, lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8):
    v_hat, s_hat = {}, {}
    for key in parameters:
        v["d" + key] = beta1 * v["d" + key] + (1 - beta1) * grads["d" + key]
        v_hat["d" + key] = v["d" + key] / (1 - beta1 ** t)
        s["d" + key] = beta2 * s["d" + key] + (1 - beta2) * grads["d" + key] ** 2
        s_hat["d" + key] = s["d" + key] / (1 - beta2 ** t)
        parameters[key] = parameters[key] - lr * v_hat["d" + key] / (np.sqrt(s_hat["d" + key]) + eps)
    return parameters, v, s

parameters = {"W1": rng.normal(size=(4, 2)) * 0.5, "W2": rng.normal(size=(1, 4)) * 0.5}
v = {"d" + k: np.zeros_like(p) for k, p in parameters.items()}
s = {"d" + k: np.zeros_like(p) for k, p in parameters.items()}
t = 0
for epoch in range(40):
    A1 = np.tanh(parameters["W1"] @ X)
    A2 = 1 / (1 + np.exp(-(parameters["W2"] @ A1)))
    dZ2 = (A2 - Y) / X.shape[1]
    grads = {"dW2": dZ2 @ A1.T, "dW1": ((parameters["W2"].T @ dZ2) * (1 - A1 ** 2)) @ X.T}
    t = t + 1
    parameters, v, s = adam(parameters, grads, v, s, t)
"""


def test_adam_moments_handed_back_and_forth_are_optimizer_state(tmp_path):
    s = traced(ADAM_ROUND_TRIP, tmp_path)
    assert "parameters" in param_names(s)
    assert not {"v", "s", "v_hat", "s_hat"} & param_names(s)
    assert {"v", "s"} <= state_names(s)



# A helper that computes its result from its arguments alone, called with the weights by one caller and with the
# data by another (also inside a test, `as_float(raw) if is_list(raw) else raw`); and numpy's `np.zeros` beside a
# function of the program's own named `zeros`. None of them makes the data a value computed from the weights.
SHARED_HELPERS = """
import numpy as np


def as_float(a):
    return np.asarray(a, dtype=float)


def zeros(shape):
    return np.zeros(shape)


def is_list(a):
    return isinstance(a, list)


rng = np.random.default_rng(0)
raw = rng.normal(size=(50, 3)).tolist()
W = as_float(rng.normal(size=(3, 1)) * 0.1)
b = zeros((1,))
X = as_float(raw) if is_list(raw) else raw
y = X @ np.array([[1.0], [2.0], [-1.0]]) + np.zeros((50, 1))
for step in range(20):
    out = X @ W + b
    err = out - y
    W = as_float(W - 0.1 * X.T @ err / 50)
    b = b - 0.1 * err.mean(axis=0)
"""


def test_a_shared_helper_does_not_make_the_data_computed_from_the_weights(tmp_path):
    from nandoctor.detectors.facts import facts

    s = traced(SHARED_HELPERS, tmp_path)
    F = facts(s)
    assert F.inputs is not None and F.by_id[F.inputs].target == "X"
    assert F.inputs not in F.derived
    made_y = [x.id for x in F.sites if x.target == "y"]
    assert made_y and not set(made_y) & F.derived  # `np.zeros` is numpy's, not the program's `zeros`


def test_a_same_named_function_in_a_module_that_never_ran_feeds_nothing(tmp_path):
    from nandoctor.cli import trace_script
    from nandoctor.detectors.facts import facts

    (tmp_path / "legacy.py").write_text(textwrap.dedent("""
        class Model:
            def fit(self, X, y):
                X = self.weights @ X
                return X
    """))
    script = tmp_path / "train.py"
    script.write_text(textwrap.dedent("""
        import numpy as np
        import legacy


        class Model:
            def fit(self, X, y):
                self.w = np.zeros(X.shape[1])
                for it in range(15):
                    err = X @ self.w - y
                    self.w -= 0.1 * X.T @ err / len(y)
                return self.w


        rng = np.random.default_rng(3)
        X = rng.normal(size=(30, 2))
        Model().fit(X, X @ np.array([1.0, -1.0]))
    """))
    _, session = trace_script(str(script), [], tmp_path / "out", formats=("json",))
    F = facts(session)
    legacy = [x.id for x in F.sites if x.file.endswith("legacy.py")]
    assert legacy and all(F._shadowed(w) for w in legacy)
    ran = [x.id for x in F.sites if x.file.endswith("train.py") and x.function == "Model.fit"]
    assert not {p for r in ran for p in F.parents(r)} & set(legacy)


# Layer objects hand out their arrays through a method (`return {"W": self.W, "b": self.b}`, an activation layer's
# `return {}`); the optimizer takes that fresh dict for each layer and updates its entries in place.
PARAMS_METHOD = """
import numpy as np
rng = np.random.default_rng(2)


class Linear:
    def __init__(self, n_in, n_out):
        self.W = rng.normal(size=(n_in, n_out)) * 0.3
        self.b = np.zeros(n_out)

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, g):
        self.dW, self.db = self.x.T @ g, g.sum(axis=0)
        return g @ self.W.T

    def params(self):
        return {"W": self.W, "b": self.b}

    def grads(self):
        return {"W": self.dW, "b": self.db}


class Tanh:
    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, g):
        return g * (1 - self.out ** 2)

    def params(self):
        return {}

    def grads(self):
        return {}


layers = [Linear(3, 5), Tanh(), Linear(5, 1)]
X = rng.normal(size=(40, 3))
y = X[:, :1] - X[:, 1:2]
for step in range(25):
    out = X
    for layer in layers:
        out = layer.forward(out)
    g = 2 * (out - y) / len(X)
    for layer in reversed(layers):
        g = layer.backward(g)
    for layer in layers:
        params, grads = layer.params(), layer.grads()
        for key in params:
            params[key] -= 0.1 * grads[key]
"""


def test_entries_of_a_dict_a_params_method_returns_are_the_parameters(tmp_path):
    s = traced(PARAMS_METHOD, tmp_path)
    assert "params" in param_names(s)
    assert loop_line(s, s.plan.step_loop) == line_of(PARAMS_METHOD, "for step")



# A helper reading the model's module-level weights (`return 1 / (1 + np.exp(-(rows @ W)))`) is no function of its
# arguments alone: what it returns to the training loop is computed from the parameters.
GLOBAL_WEIGHTS_HELPER = """
import numpy as np
rng = np.random.default_rng(0)
X = rng.normal(size=(80, 3))
y = (X @ np.array([1.0, -2.0, 0.5]) > 0).astype(float).reshape(-1, 1)
W = rng.normal(size=(3, 1)) * 0.1


def predict(rows):
    return 1 / (1 + np.exp(-(rows @ W)))


for step in range(30):
    out = predict(X)
    err = out - y
    W -= 0.5 * X.T @ err / len(X)
"""


def test_a_helper_reading_module_weights_passes_them_to_its_caller(tmp_path):
    from nandoctor.detectors.facts import facts

    s = traced(GLOBAL_WEIGHTS_HELPER, tmp_path)
    F = facts(s)
    out = [x.id for x in F.sites if x.target == "out"]
    assert out and set(out) <= F.derived
    assert F.output is not None and F.by_id[F.output].target == "out"


# The arrays listed once (`params = [W1, W2]`) and stepped in place through an index by a hand-written Adam: the
# forward pass reads them as W1 and W2, the very arrays the list holds.
LISTED_BY_INDEX = """
import numpy as np
rng = np.random.default_rng(3)
X = rng.normal(size=(64, 2))
Y = np.eye(2)[(X[:, 0] * X[:, 1] > 0).astype(int)]
W1 = rng.normal(size=(2, 8))
W2 = rng.normal(size=(8, 2)) * 0.3
params = [W1, W2]
m = [np.zeros_like(p) for p in params]
for t in range(1, 41):
    h = np.maximum(0, X @ W1)
    z = h @ W2
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    dz = (p - Y) / len(X)
    grads = [X.T @ ((dz @ W2.T) * (h > 0)), h.T @ dz]
    for i in range(len(params)):
        m[i] = 0.9 * m[i] + 0.1 * grads[i]
        params[i] -= 0.05 * m[i]
"""


def subdir(tmp_path, name):
    (tmp_path / name).mkdir()
    return tmp_path / name


def test_arrays_listed_and_stepped_in_place_by_index_are_the_parameters_the_forward_reads(tmp_path):
    from nandoctor.detectors.facts import facts

    s = traced(LISTED_BY_INDEX, tmp_path)
    F = facts(s)
    names = {F.by_id[p].target for p in F.params}
    assert {"W1", "W2"} <= names, names
    # the replay: the list's elements are W1 and W2 themselves, changed by the steps
    ns: dict = {}
    exec(textwrap.dedent(LISTED_BY_INDEX), ns)
    assert ns["params"][0] is ns["W1"] and ns["params"][1] is ns["W2"]
    # the same step replacing the element breaks the link: W1 is then never stepped
    s2 = traced(LISTED_BY_INDEX.replace("params[i] -= 0.05 * m[i]", "params[i] = params[i] - 0.05 * m[i]"),
                subdir(tmp_path, "replaced"))
    assert "W1" not in {facts(s2).by_id[p].target for p in facts(s2).params}


# Per-sample gradients summed into running sums reset at each epoch, with a rate decayed by a constant factor.
RUNNING_SUMS = """
import numpy as np
rng = np.random.default_rng(2)
table = rng.normal(size=(30, 3))
target = table @ np.array([0.5, -1.0, 2.0]) + 0.7
weights = np.zeros(3)
offset = 0.0
rate = 0.01
for epoch in range(20):
    acc = np.zeros(3)
    acc_off = 0.0
    for k in range(len(table)):
        dz = float(table[k] @ weights + offset - target[k])
        acc += dz * table[k]
        acc_off += dz
    weights -= rate * acc
    offset -= rate * acc_off
    rate *= 0.99
"""


def test_a_running_sum_reset_to_a_constant_is_no_setting_and_a_decayed_rate_is(tmp_path):
    from nandoctor.detectors.facts import facts

    s = traced(RUNNING_SUMS, tmp_path)
    F = facts(s)
    reset = next(x.id for x in F.sites if x.target == "acc_off" and x.kind == "assign")
    rate = next(x.id for x in F.sites if x.target == "rate" and x.kind == "assign")
    assert not F.is_hyper(reset)
    assert F.is_hyper(rate)
    offset_update = next(u for u in F.updates if F.by_id[u].target == "offset")
    assert {F.by_id[h].target for h in F.lr_sites(offset_update)} == {"rate"}


def test_a_rate_taken_from_a_schedule_and_printed_is_no_parameter(tmp_path):
    # `step = schedule.get(epoch, step)` reads itself, like an update; the model never reads it, only the updates
    # (as their step size) and a progress line.
    src = RUNNING_SUMS.replace("rate = 0.01\n", "schedule = {0: 0.01, 10: 0.02}\nrate = schedule[0]\n").replace(
        "    rate *= 0.99\n", "    rate = schedule.get(epoch, rate)\n    print(f'rate={rate}')\n")
    s = traced(src, tmp_path)
    assert param_names(s) == {"weights", "offset"}
    assert any(v.startswith("optimizer state") for k, v in s.structure.state.items()
               if base_key(s.sites[k].target) == "rate")


# Momentum kept in plain Python numbers on an object, its velocity reset to 0.0 once before training.
SCALAR_MOMENTUM = """
import random
random.seed(3)
rows = [(f, 95.0 * f + 40.0) for f in (random.uniform(0.2, 1.7) for _ in range(30))]


class Fit:
    def __init__(self):
        self.slope, self.base, self.vs, self.vb = 0.0, 0.0, 0.0, 0.0

    def step(self, x, t):
        miss = self.slope * x + self.base - t
        self.vs = 0.9 * self.vs + miss * x
        self.vb = 0.9 * self.vb + miss
        self.slope -= 1e-4 * self.vs
        self.base -= 1e-4 * self.vb


fit = Fit()
for lap in range(20):
    for x, t in rows:
        fit.step(x, t)
"""


def test_a_velocity_reset_before_training_is_read_by_the_steps_as_the_loop_writes_it(tmp_path):
    from nandoctor.detectors.facts import facts

    s = traced(SCALAR_MOMENTUM, tmp_path)
    F = facts(s)
    slope = next(u for u in F.updates if F.by_id[u].target == "self.slope")
    grads = F.gradient_of(slope)
    assert grads and all((F.ser(g).step >= 0).any() for g in grads), [F.by_id[g].line for g in grads]
    assert {F.by_id[g].target for g in grads} == {"self.vs"}


APPENDED_PAIRS = """
import numpy as np
rng = np.random.default_rng(3)
data = rng.normal(size=(50, 2))
goal = data[:, :1] - 2 * data[:, 1:]
pairs = []
for n_in, n_out in ((2, 5), (5, 1)):
    pairs.append((rng.normal(0, 0.5, (n_in, n_out)), np.zeros(n_out)))
for sweep in range(12):
    h = np.tanh(data @ pairs[0][0] + pairs[0][1])
    out = h @ pairs[1][0] + pairs[1][1]
    d = (out - goal) / len(data)
    grads = [(data.T @ ((d @ pairs[1][0].T) * (1 - h * h)), ((d @ pairs[1][0].T) * (1 - h * h)).sum(0)),
             (h.T @ d, d.sum(0))]
    fresh = []
    for k in range(2):
        W, c = pairs[k]
        gW, gc = grads[k]
        fresh.append((W - 0.1 * gW, c - 0.1 * gc))
    pairs = fresh
    print(sweep, float(np.mean((out - goal) ** 2)))
"""


def test_a_list_of_pairs_rebuilt_by_appending_steps_is_updated(tmp_path):
    # `fresh.append((W - 0.1 * gW, ...))` from `W, c = pairs[k]`, then `pairs = fresh`: the parameters live in a list
    # rebuilt at each step, and the loop that rebuilds it is the training loop.
    s = traced(APPENDED_PAIRS, tmp_path)
    assert "pairs" in param_names(s)
    assert loop_line(s, s.plan.training_loop) == line_of(APPENDED_PAIRS, "for sweep in range(12):")
    assert s.plan.n_steps == 12


# Images drawn in a loop of their own before training: that loop's statements never run in a training step.
DATA_LOOP_FIRST = """
import numpy as np
rng = np.random.default_rng(7)
def make(n):
    imgs = np.zeros((n, 4, 4))
    for i in range(n):
        k = rng.integers(0, 4)
        imgs[i, k, :] = 1.0
    return imgs + rng.normal(0, 0.3, imgs.shape)
X = make(80).reshape(80, -1)
Y = np.eye(2)[(X[:, :8].sum(axis=1) > 1).astype(int)]
W = rng.normal(0, 1, (16, 2))
for epoch in range(30):
    h = np.tanh(X @ W)
    p = np.exp(h) / np.exp(h).sum(axis=1, keepdims=True)
    W -= 0.5 * X.T @ ((p - Y) * (1 - h ** 2)) / 80
"""


def test_the_first_forward_pass_is_the_first_training_step_not_a_data_loop_before_it(tmp_path):
    from nandoctor.analysis.causes._passes import forward_pass, loop_rows
    from nandoctor.detectors.facts import facts

    s = traced(DATA_LOOP_FIRST, tmp_path)
    F = facts(s)
    made = [x.id for x in F.sites if x.function == "make" and F.observed(x.id)]
    assert made and all(len(loop_rows(F, sid)) == 0 for sid in made)
    first = forward_pass(F, "first")
    lines = {F.by_id[sid].line for _, sid, _ in first.rows}
    assert line_of(DATA_LOOP_FIRST, "h = np.tanh") in lines
    assert not lines & {F.by_id[sid].line for sid in made}



# An optimizer built with the list of arrays it steps (`Adam([w, b])`), keeping it as `self.params`; the script's
# predictions are called `p` too, the name the optimizer's loop gives each parameter inside its method.
CONSTRUCTED_WITH_LIST = """
import numpy as np
rng = np.random.default_rng(0)
X = rng.normal(size=(50, 3))
y = (X @ np.array([1.0, -1.0, 0.5]) > 0).astype(float)
class Adam:
    def __init__(self, params, lr):
        self.params = params
        self.lr = lr
    def step(self, grads):
        for p, g in zip(self.params, grads):
            p -= self.lr * g
w = np.zeros(3)
b = np.zeros(1)
opt = Adam([w, b], 0.5)
for t in range(30):
    p = 1 / (1 + np.exp(-(X @ w + b)))
    dz = p - y
    opt.step([X.T @ dz / len(y), np.array([dz.mean()])])
"""


def test_a_loop_variable_stepped_in_a_method_is_that_method_s_own_name(tmp_path):
    s = traced(CONSTRUCTED_WITH_LIST, tmp_path)
    from nandoctor.detectors.facts import facts, local_names

    F = facts(s)
    assert ("Adam.step", "p") in local_names(s.sources[next(iter(s.sources))])
    # the predictions the script names `p` are no parameter: the `p` stepped in place is the method's own
    assert not [x for x in F.sites if x.function == "<module>" and x.target == "p" and x.id in F.params]


def test_arrays_a_constructor_is_handed_as_a_list_are_the_parameters_its_methods_step(tmp_path):
    s = traced(CONSTRUCTED_WITH_LIST, tmp_path)
    from nandoctor.detectors.facts import facts

    F = facts(s)
    assert F.source_index.handed_lists[("Adam.step", "self.params")] == (("w", "<module>"), ("b", "<module>"))
    assert {("<module>", "w"), ("<module>", "b")} <= F.param_keys
    assert F.inputs is not None and F.by_id[F.inputs].target == "X"


# A dataclass's fields are class attributes until an instance writes its own: `self.w` in `predict` reads the field,
# and `model.w` is stepped outside the class.
DATACLASS_MODEL = """
from dataclasses import dataclass, field
import numpy as np
rng = np.random.default_rng(1)
X = rng.normal(size=(40, 2))
y = X @ np.array([2.0, -1.0]) + 3.0
@dataclass
class Linear:
    w: np.ndarray = field(default_factory=lambda: np.zeros(2))
    b: float = 0.0
    def predict(self, X):
        return X @ self.w + self.b
model = Linear()
for it in range(20):
    err = model.predict(X) - y
    model.w = model.w - 0.1 * X.T @ err / len(y)
    model.b = model.b - 0.1 * err.mean()
"""


def test_a_dataclass_field_read_as_self_w_is_the_parameter_stepped_as_model_w(tmp_path):
    s = traced(DATACLASS_MODEL, tmp_path)
    from nandoctor.detectors.facts import facts

    F = facts(s)
    field_w = [x.id for x in F.sites if x.function == "Linear" and x.target == "w"]
    assert field_w and field_w[0] in F.params
    assert F.resolve("self.w", "Linear.predict") == field_w
    ret = next(x.id for x in F.sites if x.kind == "return" and x.function == "Linear.predict")
    assert ret in F.derived  # the prediction is computed from the parameters, not data


# Two layer classes both keep their output as `self.out`; each backward reads its own class's.
TWO_LAYER_CLASSES = """
import numpy as np
class Tanh:
    def forward(self, x):
        self.out = np.tanh(x)
        return self.out
    def backward(self, g):
        return g * (1 - self.out ** 2)
class Sigmoid:
    def forward(self, x):
        self.out = 1 / (1 + np.exp(-x))
        return self.out
    def backward(self, g):
        return g * self.out * (1 - self.out)
t, s = Tanh(), Sigmoid()
for i in range(3):
    s.backward(t.backward(s.forward(t.forward(np.linspace(-2, 2, 5) + i))))
"""


def test_self_attributes_resolve_to_the_writes_of_their_own_class(tmp_path):
    s = traced(TWO_LAYER_CLASSES, tmp_path)
    from nandoctor.detectors.facts import facts

    F = facts(s)
    assert F.class_names == {"Tanh", "Sigmoid"}
    tanh_out = [x.id for x in F.sites if x.function == "Tanh.forward" and x.target == "self.out"]
    sig_out = [x.id for x in F.sites if x.function == "Sigmoid.forward" and x.target == "self.out"]
    assert F.resolve("self.out", "Tanh.backward") == tanh_out
    assert F.resolve("self.out", "Sigmoid.backward") == sig_out
    # outside the classes an attribute chain keeps every writer
    assert sorted(F.resolve("self.out", "<module>")) == sorted(tanh_out + sig_out)


# Weights in a dict, each layer's pre-activation computed from the last entry of a list of layer outputs the same
# loop appends to; the updates write locals taken from the dict in a backward loop over the layers.
LAYER_OUTPUT_LIST = """
import numpy as np
rng = np.random.default_rng(0)
X = rng.uniform(0, 1, size=(64, 6))
model = {"W1": rng.normal(0, 0.1, (6, 4)), "b1": np.zeros((1, 4)), "W2": rng.normal(0, 0.1, (4, 6)), "b2": np.zeros((1, 6))}
def forward(x):
    act_h, act_a = [x], [x]
    for j in range(2):
        a = act_h[-1].dot(model["W" + str(j + 1)]) + model["b" + str(j + 1)]
        act_a.append(a)
        act_h.append(1 / (1 + np.exp(-a)))
    return act_h, act_a
for epoch in range(5):
    for k in range(0, 64, 16):
        xb = X[k:k + 16]
        act_h, act_a = forward(xb)
        g = act_h[-1] - xb
        for j in range(2, 0, -1):
            W = model["W" + str(j)]
            b = model["b" + str(j)]
            dW = act_h[j - 1].T.dot(g)
            db = g.sum(axis=0, keepdims=True)
            g = g.dot(W.T) * act_h[j - 1] * (1 - act_h[j - 1])
            W -= 0.1 * dW / 16
            b -= 0.1 * db / 16
"""


def test_a_value_computed_from_the_last_layer_output_of_a_list_is_no_rebuilt_parameter_list(tmp_path):
    s = traced(LAYER_OUTPUT_LIST, tmp_path)
    assert "a" not in param_names(s)  # computed with one element of the list, not the list rebound
    assert {"W", "b"} <= param_names(s)
    assert loop_line(s, s.plan.step_loop) == line_of(LAYER_OUTPUT_LIST, "for k in range(0, 64, 16):")


# The gradient function handed to the descent loop as an argument and called under that argument's name.
HANDED_FUNCTION = """
import numpy as np
rng = np.random.default_rng(0)
X = rng.uniform(0, 20, size=(30, 3))
y = X @ np.array([1.0, 0.5, -0.2]) + 2.0
def compute_gradient(X, y, w, b):
    e = X @ w + b - y
    return X.T @ e / len(y), e.mean()
def gradient_descent(X, y, w_in, b_in, gradient_function, alpha, iters):
    w, b = w_in, b_in
    for i in range(iters):
        dj_dw, dj_db = gradient_function(X, y, w, b)
        w = w - alpha * dj_dw
        b = b - alpha * dj_db
    return w, b
w, b = gradient_descent(X, y, np.zeros(3), 0.0, compute_gradient, 1e-3, 30)
"""


def test_a_function_handed_in_and_called_by_its_argument_s_name_gets_the_caller_s_values(tmp_path):
    s = traced(HANDED_FUNCTION, tmp_path)
    from nandoctor.detectors.facts import facts

    F = facts(s)
    handed = F.call_args("compute_gradient", "w")
    assert [(c.function, e.id) for c, e in handed] == [("gradient_descent", "w")]
    # so the model's weights reach `X @ w` inside it, and the inputs are found where they meet them
    assert F.inputs is not None and F.by_id[F.inputs].target in ("X", "arg X")
    made = next(x.id for x in F.sites if x.target == "e" and x.function == "compute_gradient")
    assert made in F.derived


MULTIPLICATIVE = """
import numpy as np
rng = np.random.default_rng(0)
V = rng.uniform(0.1, 1.0, (20, 3)) @ rng.uniform(0.1, 1.0, (3, 12))
W = rng.uniform(0.1, 1.0, (20, 3))
H = rng.uniform(0.1, 1.0, (3, 12))
for it in range(30):
    H *= (W.T @ V) / (W.T @ W @ H + 1e-9)
    W *= (V @ H.T) / (W @ H @ H.T + 1e-9)
    clip = min(1.0, 10.0 / np.linalg.norm(W))
    W *= clip
    loss = np.linalg.norm(V - W @ H)
"""


def test_multiplicative_steps_computed_with_matrix_products_are_parameter_updates(tmp_path):
    s = traced(MULTIPLICATIVE, tmp_path)
    assert {"W", "H"} <= param_names(s)
    assert loop_line(s, s.plan.step_loop) == line_of(MULTIPLICATIVE, "for it in range(30):")
    # a rescaling by a number (a clipping coefficient) is no step of its own
    scaled = next(x for x in s.sites if x.statement.strip() == "W *= clip")
    assert scaled.id not in s.structure.updates


# A base class's constructor writes `self.out`; the subclass's backward reads it, and a sibling class writes its own.
INHERITED_ATTRIBUTE = """
import numpy as np
class Layer:
    def __init__(self, n):
        self.out = np.zeros(n)
class Tanh(Layer):
    def forward(self, x):
        return np.tanh(x) + self.out
class Other:
    def __init__(self):
        self.out = np.ones(3)
t, o = Tanh(3), Other()
for i in range(3):
    t.forward(np.linspace(-1, 1, 3) + i)
"""


def test_self_attributes_resolve_to_the_writes_of_base_classes_too(tmp_path):
    s = traced(INHERITED_ATTRIBUTE, tmp_path)
    from nandoctor.detectors.facts import facts

    F = facts(s)
    assert F.class_kin["Tanh"] == {"Tanh", "Layer"} and F.class_kin["Layer"] == {"Layer", "Tanh"}
    base = [x.id for x in F.sites if x.function == "Layer.__init__" and x.target == "self.out"]
    assert base and F.resolve("self.out", "Tanh.forward") == base


def test_a_call_written_as_obj_dot_call_is_indexed(tmp_path):
    src = """
import numpy as np
class Square:
    def __call__(self, x):
        return x * x
sq = Square()
w = np.ones(2)
for i in range(3):
    y = sq.__call__(w)
    w -= 0.1 * y
"""
    s = traced(src, tmp_path)
    from nandoctor.analysis.program import index_sources

    idx = index_sources(s.sources)  # an explicit `.__call__` attribute is no plain name
    assert "__call__" in idx.calls_in["<module>"]
    assert "w" in param_names(s)


LAYER_TUPLES = """
import numpy as np

rng = np.random.default_rng(0)
X = rng.normal(0, 1, (64, 2))
y = (X[:, :1] * X[:, 1:] > 0).astype(float)
layers = []
for fan_in, fan_out in [(2, 8), (8, 1)]:
    W = rng.normal(0, 1, (fan_in, fan_out)) * 0.5
    b = np.zeros(fan_out)
    layers.append((W, b))


def forward(X, layers):
    acts = [X]
    for i, (W, b) in enumerate(layers):
        acts.append(np.tanh(acts[-1] @ W + b))
    return acts


for epoch in range(5):
    acts = forward(X, layers)
    loss = np.mean((acts[-1] - y) ** 2)
    delta = 2 * (acts[-1] - y) / len(X) * (1 - acts[-1] ** 2)
    grads = []
    for i in range(len(layers) - 1, -1, -1):
        W, b = layers[i]
        grads.append((acts[i].T @ delta, delta.sum(axis=0)))
        if i > 0:
            delta = (delta @ W.T) * (1 - acts[i] ** 2)
    grads.reverse()
    layers = [(W - 0.1 * dW, b - 0.1 * db) for (W, b), (dW, db) in zip(layers, grads)]
"""


def test_a_loop_target_of_a_function_is_drawn_from_its_container_not_the_modules_name(tmp_path):
    """`for i, (W, b) in enumerate(layers)` inside forward binds W there: it reads what the list holds, not the
    module's `W = ...` of the initialisation loop (which then passed for data, and its `b` for the targets)."""
    from nandoctor.detectors.facts import facts

    session = traced(LAYER_TUPLES, tmp_path)
    F = facts(session)
    init = line_of(LAYER_TUPLES, "W = rng.normal")
    found = {F.by_id[w].line for w in F.resolve("W", "forward")}
    assert init not in found
    assert any(F.by_id[w].target.endswith("layers") for w in F.resolve("W", "forward"))
    output, target, meet = F.loss_side
    assert F.by_id[target].target == "y"


AVERAGED = """
import numpy as np
rng = np.random.default_rng(12)
X = np.hstack([rng.normal(0, 1, (120, 2)) + np.repeat([[1.5, 1.0], [-1.5, -1.0]], 60, axis=0), np.ones((120, 1))])
y = np.repeat([1.0, -1.0], 60)
w = np.zeros(3)
total = np.zeros(3)
seen = 0
for epoch in range(15):
    for i in rng.permutation(120):
        if y[i] * (X[i] @ w) <= 0:
            w += y[i] * X[i]
        total += w
        seen += 1
w_avg = total / seen
print(np.mean(np.sign(X @ w_avg) == y))
"""


def test_a_running_total_of_the_weights_is_no_parameter(tmp_path):
    """`total += w` adds the weights themselves at every sample: the total grows by design (an averaged perceptron),
    so it is neither a parameter nor diverging weights."""
    from nandoctor.detectors import detect
    from nandoctor.detectors.facts import facts

    session = traced(AVERAGED, tmp_path)
    F = facts(session)
    roles = {F.by_id[u].target: r for u, r in F.update_roles.items()}
    assert roles["total"].startswith("a running total of another learned value") and roles["w"] == "parameter"
    assert not [f for f in detect(session) if f.code == "weight_divergence" and f.site == "total"]


def test_a_weight_stepped_by_its_velocity_is_no_running_total(tmp_path):
    """`W += v` adds another stepped value whole too, but W is read by the model, not only divided into an average:
    W is the parameter (the velocity kept in a dict as well)."""
    from nandoctor.detectors.facts import facts

    session = traced("""
import numpy as np
rng = np.random.default_rng(2)
X = rng.normal(0, 1, (40, 3))
y = X @ np.array([0.5, -1.0, 2.0])
W = np.zeros(3)
v = np.zeros(3)
state = {}
for step in range(30):
    miss = X @ W - y
    loss = np.mean(miss ** 2)
    g = X.T @ miss / 40
    v = 0.9 * v - 0.05 * g
    state["v"] = v
    W += v
""", tmp_path)
    F = facts(session)
    roles = {F.by_id[u].target: r for u, r in F.update_roles.items()}
    assert roles["W"] == "parameter"


# Every layer's activation collected in a list the forward function hands back; the loss reads its last entry. The
# hidden layers are tanh, the output a sigmoid, chosen in one conditional expression.
LAYER_LIST = """
import numpy as np
np.random.seed(0)
X = np.random.randn(120, 2)
y = (X[:, :1] * X[:, 1:] > 0).astype(float)
params = []
for n_in, n_out in [(2, 8), (8, 8), (8, 1)]:
    params.append([np.random.randn(n_in, n_out) / np.sqrt(n_in), np.zeros(n_out)])


def hidden_act(z):
    return np.tanh(z)


def hidden_act_grad(a):
    return 1.0 - a ** 2


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def run(xb):
    outs = [xb]
    h = xb
    for k, (W, b) in enumerate(params):
        z = h @ W + b
        h = sigmoid(z) if k == len(params) - 1 else hidden_act(z)
        outs.append(h)
    return outs


for epoch in range(30):
    outs = run(X)
    g = (outs[-1] - y) / len(X)
    for k in range(len(params) - 1, -1, -1):
        W, b = params[k]
        gW = outs[k].T @ g
        gb = g.sum(axis=0)
        if k > 0:
            g = (g @ W.T) * hidden_act_grad(outs[k])
        W -= 0.5 * gW
        b -= 0.5 * gb
"""


def test_the_last_entry_of_a_handed_back_list_of_activations_is_the_output(tmp_path):
    from nandoctor.detectors.facts import facts

    session = traced(LAYER_LIST, tmp_path)
    F = facts(session)
    out = F.by_id[F.output]
    assert (out.kind, out.target, out.line) == ("append", "outs", line_of(LAYER_LIST, "outs.append(h)"))
    assert F.by_id[F.target].target == "y"
    # the tanh helper is part of the forward pass the output is computed from, not a backward value
    tanh = next(x.id for x in F.sites if x.kind == "return" and x.function == "hidden_act")
    assert tanh in F.forward_sites


def test_values_outside_an_activations_range_are_not_its_outputs(tmp_path):
    from nandoctor.analysis.causes.wrong_derivative_formula import _within_output, derivative_candidates, replay
    from nandoctor.detectors.facts import facts

    session = traced(LAYER_LIST, tmp_path)
    F = facts(session)
    assert _within_output("sigmoid", 0.0, 1.0) and not _within_output("sigmoid", -0.5, 0.7)
    assert _within_output("tanh", -0.9, 0.9) and not _within_output("tanh", -0.9, 1.5)
    # the tanh derivative reads the list of every layer's output, matched to the sigmoid's output; given tanh
    # outputs (negative ones among them) it is not replayed against the sigmoid's derivative
    for y, op, act, which in derivative_candidates(F):
        got = replay(F, y, op, act.kind, which)
        assert got is None or got["wrong"] == 0
    assert "wrong_derivative_formula" not in [c.tag for c in session.causes]


# A momentum optimizer keeping each velocity in a dict through a local copy, stepping the layers' arrays in place.
STORED_VELOCITY = """
import numpy as np
rng = np.random.default_rng(1)
X = rng.normal(size=(64, 3))
t = X @ np.array([[1.0], [-2.0], [0.5]])
params = {"W": rng.normal(0, 0.3, (3, 1)), "b": np.zeros((1, 1))}


class Momentum:
    def __init__(self, lr, mu=0.9):
        self.lr, self.mu, self.vel = lr, mu, {}

    def step(self, named):
        for name, p, g in named:
            v = self.vel.get(name, np.zeros_like(p))
            v = self.mu * v - self.lr * g
            self.vel[name] = v
            p += v


opt = Momentum(0.05)
for it in range(40):
    err = X @ params["W"] + params["b"] - t
    grads = {"W": X.T @ err / 64, "b": err.mean(axis=0, keepdims=True)}
    opt.step([(k, params[k], grads[k]) for k in params])
"""


def test_a_velocity_stored_from_a_local_copy_is_optimizer_state(tmp_path):
    session = traced(STORED_VELOCITY, tmp_path)
    roles = {session.sites[u].target: r for u, r in session.structure.state.items()}
    assert roles.get("self.vel[name]", "").startswith("optimizer state")
    assert "p" in param_names(session) and "self.vel" not in param_names(session)


# Layer objects keep their arrays in `self.params` dicts; another method lists (name, array, gradient) triples, and
# the optimizer steps each array in place through its loop variable: nothing in the source ties `p` to the dicts.
NAMED_TRIPLES = """
import numpy as np
rng = np.random.default_rng(2)
X = rng.normal(size=(48, 2))
t = np.tanh(X @ np.array([[1.5], [-1.0]]))


class Dense:
    def __init__(self, fan_in, fan_out):
        self.params, self.grads = {}, {}
        self.params["W"] = rng.normal(0, 0.5, (fan_in, fan_out))
        self.params["b"] = np.zeros((1, fan_out))

    def forward(self, x):
        self.inp = x
        return x @ self.params["W"] + self.params["b"]

    def backward(self, g):
        self.grads["W"] = self.inp.T @ g
        self.grads["b"] = g.sum(axis=0, keepdims=True)
        return g @ self.params["W"].T


class Net:
    def __init__(self):
        self.layers = [Dense(2, 6), Dense(6, 1)]

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, g):
        for layer in self.layers[::-1]:
            g = layer.backward(g)

    def named(self):
        out = []
        for i, layer in enumerate(self.layers):
            for key, p in layer.params.items():
                out.append((f"{i}.{key}", p, layer.grads[key]))
        return out


def sgd(named, lr):
    for name, p, g in named:
        p -= lr * g


net = Net()
for it in range(30):
    out = net.forward(X)
    err = out - t
    net.backward(2 * err / len(X))
    sgd(net.named(), 0.1)
"""


def test_arrays_a_loop_variable_steps_are_found_by_their_values(tmp_path):
    from nandoctor.detectors.facts import facts

    session = traced(NAMED_TRIPLES, tmp_path)
    F = facts(session)
    stepped = [F.by_id[w] for w in F._stepped_by_value(next(u for u in F.updates if F.by_id[u].target == "p"))]
    # the weights' writes; the biases start at zero and are stepped too, but a zero start matches nothing by value
    assert {(x.target, x.line) for x in stepped} == {("self.params['W']", line_of(NAMED_TRIPLES, 'self.params["W"] ='))}
    assert ("", "self.params") in F.param_keys
    assert F.by_id[F.output].target == "out" and F.by_id[F.target].target == "t"
    assert F.output in F.derived


# Layers keep their arrays in `self.params`; the network yields (array, gradient) pairs; Adam keys its moments by
# `id(p)` and fills them lazily behind a membership test.
YIELDED_PAIRS = """
import numpy as np
rng = np.random.default_rng(4)
X = rng.normal(size=(40, 3))
t = X @ np.array([[0.5], [-1.0], [2.0]])


class Dense:
    def __init__(self, n_in, n_out):
        self.params, self.grads = {}, {}
        self.params["W"] = rng.normal(0, 0.5, (n_in, n_out))
        self.params["b"] = np.zeros(n_out)

    def forward(self, x):
        self.x = x
        return x @ self.params["W"] + self.params["b"]

    def backward(self, g):
        self.grads["W"] = self.x.T @ g
        self.grads["b"] = g.sum(axis=0)
        return g @ self.params["W"].T


class Net:
    def __init__(self):
        self.layers = [Dense(3, 4), Dense(4, 1)]

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, g):
        for layer in reversed(self.layers):
            g = layer.backward(g)

    def parameters(self):
        for layer in self.layers:
            for k in layer.params:
                yield layer.params[k], layer.grads[k]


class Adam:
    def __init__(self, lr):
        self.lr, self.m, self.v, self.t = lr, {}, {}, 0

    def step(self, pairs):
        self.t += 1
        for p, g in pairs:
            key = id(p)
            if key not in self.m:
                self.m[key] = np.zeros_like(p)
                self.v[key] = np.zeros_like(p)
            self.m[key] = 0.9 * self.m[key] + 0.1 * g
            self.v[key] = 0.999 * self.v[key] + 0.001 * g * g
            p -= self.lr * (self.m[key] / (1 - 0.9 ** self.t)) / (np.sqrt(self.v[key] / (1 - 0.999 ** self.t)) + 1e-8)


net, opt = Net(), Adam(0.01)
for it in range(25):
    pred = net.forward(X)
    err = pred - t
    net.backward(2 * err / len(X))
    opt.step(net.parameters())
"""


def test_entries_a_method_yields_in_pairs_are_the_parameters_and_lazily_filled_moments_are_state(tmp_path):
    from nandoctor.analysis.program import index_sources
    from nandoctor.detectors.facts import facts

    src = textwrap.dedent(YIELDED_PAIRS)
    assert index_sources({"prog.py": src}).handed_tuples[("Adam.step", "pairs")] == ((0, "params"), (1, "grads"))
    session = traced(YIELDED_PAIRS, tmp_path)
    F = facts(session)
    assert ("", "self.params") in F.param_keys and ("", "self.grads") not in F.param_keys
    roles = {session.sites[u].target: r for u, r in session.structure.state.items()}
    assert roles.get("self.m[key]", "").startswith("optimizer state")
    assert F.by_id[F.output].target == "pred"


# An RNN layer zeroes its gradient entries at the start of backward, then sums into them over the time steps; the
# network lists (array, gradient) pairs in a comprehension for the optimizer.
ZEROED_SUMS = """
import numpy as np
rng = np.random.default_rng(5)
seqs = rng.normal(size=(16, 6, 1))
goal = seqs.sum(axis=1)


class RNN:
    def __init__(self):
        self.params = {"U": rng.normal(0, 0.3, (1, 4)), "W": np.eye(4) * 0.5}
        self.grads = {}

    def forward(self, x):
        self.x, self.hs = x, [np.zeros((len(x), 4))]
        for t in range(x.shape[1]):
            self.hs.append(np.tanh(x[:, t] @ self.params["U"] + self.hs[-1] @ self.params["W"]))
        return self.hs[-1]

    def backward(self, dh):
        for k in self.params:
            self.grads[k] = np.zeros_like(self.params[k])
        for t in reversed(range(self.x.shape[1])):
            da = dh * (1 - self.hs[t + 1] ** 2)
            self.grads["U"] += self.x[:, t].T @ da
            self.grads["W"] += self.hs[t].T @ da
            dh = da @ self.params["W"].T


rnn = RNN()
V = rng.normal(0, 0.3, (4, 1))
for it in range(20):
    h = rnn.forward(seqs)
    out = h @ V
    err = out - goal
    gV = h.T @ err / len(seqs)
    rnn.backward(err @ V.T / len(seqs))
    V -= 0.05 * gV
    for p, g in [(rnn.params[k], rnn.grads[k]) for k in rnn.params]:
        p -= 0.05 * g
"""


def test_gradient_entries_zeroed_then_summed_over_time_steps_are_working_storage(tmp_path):
    session = traced(ZEROED_SUMS, tmp_path)
    roles = {session.sites[u].target: r for u, r in session.structure.state.items()}
    assert roles.get("self.grads['U']", "").startswith("working storage")
    assert roles.get("self.grads['W']", "").startswith("working storage")
    assert "self.grads" not in param_names(session)


ADD_AT = """
import numpy as np
rng = np.random.default_rng(8)
X = rng.normal(size=(90, 4))
labels = np.argmax(X[:, :3], axis=1)
W = np.zeros((4, 3))
for epoch in range(40):
    scores = X @ W
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    probs = e / e.sum(axis=1, keepdims=True)
    dscores = probs.copy()
    np.add.at(dscores, (np.arange(90), labels), -1)
    dscores /= 90
    W -= 0.5 * X.T @ dscores
"""


def test_np_add_at_reads_the_array_it_changes(tmp_path):
    from nandoctor.detectors.facts import facts

    session = traced(ADD_AT, tmp_path)
    F = facts(session)
    at = next(x for x in F.sites if x.kind == "inplace" and x.target == "dscores")
    copy = next(x for x in F.sites if x.kind == "assign" and x.target == "dscores")
    assert copy.id in F.parents(at.id) and at.id in F.derived
    assert "targets_outside_activation_range" not in [c.tag for c in session.causes]


# Activation objects whose `__call__` comes from their base class, handed to the model's constructor in a list.
INHERITED_CALL = """
import numpy as np
rng = np.random.default_rng(6)
X = rng.uniform(0, 255, size=(64, 5))
t = (X[:, :1] > 128).astype(float)


class Activation:
    def __call__(self, x):
        return self.forward(x)


class Sigmoid(Activation):
    def forward(self, x):
        self.state = 1.0 / (1.0 + np.exp(-x))
        return self.state


class Net:
    def __init__(self, activations):
        self.activations = activations
        self.W = [rng.normal(0, 0.1, (5, 3)), rng.normal(0, 0.1, (3, 1))]

    def forward(self, x):
        self.outs = [x]
        for i in range(2):
            x = self.activations[i](x @ self.W[i])
            self.outs.append(x)
        return x


net = Net([Sigmoid(), Sigmoid()])
X = X / 255.0
for it in range(30):
    out = net.forward(X)
    err = out - t
    d2 = err * out * (1 - out)
    d1 = (d2 @ net.W[1].T) * net.outs[1] * (1 - net.outs[1])
    net.W[1] -= 0.5 * net.outs[1].T @ d2
    net.W[0] -= 0.5 * X.T @ d1
"""


def test_an_objects_call_inherited_from_its_base_reads_what_the_call_hands_it(tmp_path):
    from nandoctor.detectors.facts import facts

    session = traced(INHERITED_CALL, tmp_path)
    F = facts(session)
    arg = next(x for x in F.sites if x.function == "Activation.__call__" and x.kind == "arg")
    handed = next(x for x in F.sites if x.function == "Net.forward" and x.kind == "update" and x.target == "x")
    assert handed.id in F.parents(arg.id)
    assert F._call_owner["Sigmoid"] == "Activation"
    # the list of weights the constructor sets (a list is not recorded itself) is what the steps outside change
    assert ("", "self.W") in F.param_keys and arg.id in F.derived and arg.id not in F.data_like
    assert "unnormalized_inputs" not in [c.tag for c in session.causes]


# Gradients zeroed by one method, summed into by another over the time steps (shaped by their own `.shape`), applied
# by a third.
SHAPED_SUMS = """
import numpy as np
rng = np.random.default_rng(9)
seq = rng.normal(size=(12, 1))


class Model:
    def __init__(self):
        self.w = rng.normal(0, 0.5, (1, 1))
        self.b = np.zeros((1, 1))

    def reset(self):
        self.gw = np.zeros_like(self.w)
        self.gb = np.zeros_like(self.b)

    def backward(self, x, err):
        self.gw += (err * x).reshape(self.gw.shape)
        self.gb += err.reshape(self.gb.shape)

    def step(self, lr):
        self.w -= lr * self.gw
        self.b -= lr * self.gb


m = Model()
for epoch in range(15):
    m.reset()
    for t in range(len(seq) - 1):
        pred = m.w * seq[t] + m.b
        m.backward(seq[t], pred - seq[t + 1])
    m.step(0.05)
"""


def test_sums_shaped_by_their_own_shape_are_gradient_accumulators(tmp_path):
    session = traced(SHAPED_SUMS, tmp_path)
    assert param_names(session) == {"self.w", "self.b"}
    assert {"self.gw", "self.gb"} <= state_names(session)


def test_activation_values_are_paired_with_the_preactivation_just_before_them():
    """Kept values thinned differently at two sites (one kept at calls the other was not): each output is compared
    with the pre-activation recorded just before it in the run, at the usual distance within one call."""
    from types import SimpleNamespace

    from nandoctor.detectors.facts import _matches_by_seq

    z = np.linspace(-3.0, 3.0, 40).reshape(40, 1)
    a = 1.0 / (1.0 + np.exp(-z))
    z_seq = np.arange(40) * 10  # z written at 0, 10, 20, ...; a three records later in the same call
    a_seq = z_seq + 3
    keep_z, keep_a = np.arange(40) % 2 == 0, np.arange(40) % 3 != 1  # each site kept at its own calls
    values = {1: [(0, a_seq[keep_a], a[keep_a])], 2: [(0, z_seq[keep_z], z[keep_z])]}
    table = {2: SimpleNamespace(seq=z_seq[::4])}  # the recorded history of z, thinned

    class Fake:
        s = SimpleNamespace(recording=SimpleNamespace(values=values))

        def __init__(self):
            self.memo = {}

        def ser(self, sid):
            return _Series(table[sid].seq)

    class _Series:
        def __init__(self, seq):
            self.seq = seq

        def __len__(self):
            return len(self.seq)

    assert _matches_by_seq(Fake(), 1, 2, "sigmoid") is True
    assert _matches_by_seq(Fake(), 1, 2, "tanh") is False


# An Elman-style net: the forward fills a preallocated buffer with each step's output; the backward walks the steps
# handing each output and target on reshaped (`targets[i].reshape(-1, 1)`), and compares them there.
FILLED_BUFFER = """
import numpy as np
rng = np.random.default_rng(10)
x = np.sin(np.linspace(0, 6, 30)).reshape(-1, 1)
inputs, targets = x[:-1], x[1:]


class Net:
    def __init__(self):
        self.Wx, self.Wo = rng.normal(0, 0.5, (4, 1)), rng.normal(0, 0.5, (1, 4))

    def forward(self, inputs):
        hidden = np.zeros((len(inputs), 4))
        outputs = np.zeros((len(inputs), 1))
        for i in range(len(inputs)):
            h = np.tanh(self.Wx @ inputs[i].reshape(1, 1)).ravel()
            o = self.Wo @ h
            hidden[i] = h
            outputs[i] = o
        return hidden, outputs

    def backward_step(self, inp, hid, out, tgt):
        err = out - tgt
        self.gWo += err @ hid.T
        self.gWx += ((self.Wo.T @ err) * (1 - hid ** 2)) @ inp.T

    def backward(self, inputs, hidden, outputs, targets):
        self.gWo, self.gWx = np.zeros_like(self.Wo), np.zeros_like(self.Wx)
        for i in range(len(inputs)):
            self.backward_step(inputs[i].reshape(-1, 1), hidden[i].reshape(-1, 1), outputs[i].reshape(-1, 1),
                               targets[i].reshape(-1, 1))

    def update(self, lr):
        self.Wo -= lr * self.gWo
        self.Wx -= lr * self.gWx


net = Net()
for epoch in range(20):
    hidden, outputs = net.forward(inputs)
    net.backward(inputs, hidden, outputs, targets)
    net.update(0.01)
"""


def test_a_buffer_filled_with_outputs_is_no_target_and_reshaped_entries_are(tmp_path):
    from nandoctor.detectors.facts import facts

    session = traced(FILLED_BUFFER, tmp_path)
    F = facts(session)
    out, target, combine = F.loss_side
    assert F.by_id[combine].target == "err"
    assert (F.by_id[out].target, F.by_id[target].target) == ("arg out", "arg tgt")


# Layers kept as a list of (W, b) tuples, rebuilt each step: a copy of the list is written into, then bound back.
REBUILT_LAYERS = """
import numpy as np
rng = np.random.default_rng(5)
X = rng.uniform(-2, 2, size=(200, 3))
y = (np.sin(X[:, 0]) + 0.5 * X[:, 1]).reshape(-1, 1)
layers = [(rng.normal(size=(i, o)) / np.sqrt(i), np.zeros((1, o))) for i, o in ((3, 8), (8, 1))]

def forward(x):
    zs, outs = [], [x]
    for k, (W, b) in enumerate(layers):
        z = outs[-1] @ W + b
        zs.append(z)
        outs.append(np.tanh(z) if k == 0 else z)
    return outs[-1], outs

for epoch in range(30):
    for rows in np.array_split(rng.permutation(len(X)), 4):
        xb, yb = X[rows], y[rows]
        out, outs = forward(xb)
        err = 2 * (out - yb) / len(xb)
        new_layers = list(layers)
        for k in range(len(layers) - 1, -1, -1):
            W, b = layers[k]
            gW, gb = outs[k].T @ err, err.sum(axis=0, keepdims=True)
            err = (err @ W.T) * (1 - outs[k] ** 2)
            new_layers[k] = (W - 0.05 * gW, b - 0.05 * gb)
        layers = new_layers
"""


def test_a_copied_list_written_into_and_bound_back_holds_the_parameters(tmp_path):
    from nandoctor.detectors.facts import facts

    s = traced(REBUILT_LAYERS, tmp_path)
    assert param_names(s) == {"new_layers"}  # the entries stepped are written into the copy
    F = facts(s)
    assert {"layers", "new_layers"} <= F.param_names
    # the model's inputs are the rows it multiplies (through `outs = [x]`), the targets the rows `err` compares with;
    # `len(xb)` reads no values
    assert F.by_id[F.inputs].target == "X"
    assert F.by_id[F.target].target in ("yb", "y")
    assert F.by_id[F.loss_side[2]].target == "err"


# Softmax on integer labels: the labels meet the prediction only as the index of a write (`d[rows, labs] -= 1`),
# and again only for their count (`d /= len(labs)`).
LABELS_AS_INDEX = """
import numpy as np
rs = np.random.RandomState(7)
label_of = np.repeat(np.arange(3), 50)
points = np.array([[0.0, 2.0], [-1.8, -1.0], [1.8, -1.0]])[label_of] + rs.normal(0.0, 0.9, (150, 2))
W = rs.normal(0.0, 0.3, (2, 3))
for epoch in range(20):
    for lo in range(0, 150, 30):
        feats, labs = points[lo:lo + 30], label_of[lo:lo + 30]
        logits = feats @ W
        ex = np.exp(logits - logits.max(axis=1, keepdims=True))
        prob = ex / ex.sum(axis=1, keepdims=True)
        d = prob.copy()
        d[np.arange(len(labs)), labs] -= 1.0
        d /= len(labs)
        W -= 0.5 * feats.T @ d
"""


def test_labels_read_as_the_index_of_a_write_are_the_targets(tmp_path):
    from nandoctor.detectors.facts import facts

    s = traced(LABELS_AS_INDEX, tmp_path)
    F = facts(s)
    assert F.target is not None and F.by_id[F.target].target in ("labs", "label_of")
    combine = F.by_id[F.loss_side[2]]
    assert combine.target.startswith("d[") and combine.line == line_of(LABELS_AS_INDEX, "d[np.arange")


def test_a_prediction_copied_under_another_name_is_the_output_under_its_own(tmp_path):
    from nandoctor.detectors.facts import facts

    src = LABELS_AS_INDEX.replace("d = prob.copy()", "d = prob").replace("        d /= len(labs)\n", "") \
        .replace("W -= 0.5 * feats.T @ d", "W -= 0.5 * feats.T @ d / len(labs)")
    assert "d = prob\n" in src and "d /=" not in src
    s = traced(src, tmp_path)
    F = facts(s)
    assert F.by_id[F.output].target == "prob"
    # call_args hands out a fresh list each time: a caller extending it changes nothing for the next
    first = F.call_args("nowhere", "x")
    first.append("extended")
    assert F.call_args("nowhere", "x") == []


LAYERED_MINIBATCH = """
import numpy as np
rng = np.random.default_rng(3)
X = rng.normal(size=(60, 3))
y = np.tanh(X @ np.array([0.5, -1.0, 0.3]))[:, None]
W1, b1 = rng.normal(0, 0.5, (3, 4)), np.zeros(4)
W2, b2 = rng.normal(0, 0.5, (4, 1)), np.zeros(1)
for epoch in range(6):
    for start in range(0, 60, 15):
        xb, yb = X[start:start + 15], y[start:start + 15]
        h = np.tanh(xb @ W1 + b1)
        err = h @ W2 + b2 - yb
        gh = (err @ W2.T) * (1 - h ** 2)
        W2 -= 0.1 * h.T @ err / 15
        b2 -= 0.1 * err.mean(axis=0)
        W1 -= 0.1 * xb.T @ gh / 15
        b1 -= 0.1 * gh.mean(axis=0)
"""


def test_rows_read_back_chunk_by_chunk_choose_the_same_loops(tmp_path):
    from conftest import chunks_reversed
    from nandoctor.session import Session

    s = traced(LAYERED_MINIBATCH, tmp_path)
    assert loop_line(s, s.plan.step_loop) == line_of(LAYERED_MINIBATCH, "for start")
    again = Session(chunks_reversed(s.recording))
    assert loop_line(again, again.plan.step_loop) == line_of(LAYERED_MINIBATCH, "for start")
    assert loop_line(again, again.plan.training_loop) == line_of(LAYERED_MINIBATCH, "for epoch")
    assert again.plan.n_steps == s.plan.n_steps == 6 * 4


ADAGRAD_OVER_KEPT_LIST = """
import numpy as np
rng = np.random.default_rng(0)
X = rng.normal(size=(50, 4))
y = X @ np.array([0.5, -1.0, 0.3, 2.0])


class Linear:
    def __init__(self):
        self.W = rng.normal(0, 0.5, 4)

    def parameters(self):
        return [self.W]


class Adagrad:
    def __init__(self, params, lr):
        self.params, self.lr = params, lr
        self.state = {i: np.zeros_like(p) for i, p in enumerate(params)}

    def step(self, grads):
        for i, (p, g) in enumerate(zip(self.params, grads)):
            self.state[i] += g * g
            p -= self.lr * g / (np.sqrt(self.state[i]) + 1e-8)


model = Linear()
opt = Adagrad(model.parameters(), lr=0.5)
for step in range(30):
    err = X @ model.W - y
    opt.step([X.T @ err / len(X)])
"""


def test_a_loop_variable_over_an_optimizers_kept_list_stepped_in_place_is_the_parameter(tmp_path):
    # `for i, (p, g) in enumerate(zip(self.params, grads))`: p walks the arrays the optimizer keeps (handed
    # `model.parameters()`), and `p -= ...` writes into the model's self.W; the squared-gradient sums it reads are
    # the optimizer's. The loop header's `self` is no read of the other attributes of the optimizer.
    s = traced(ADAGRAD_OVER_KEPT_LIST, tmp_path)
    assert param_names(s) == {"p"}
    assert "self.state" in state_names(s)


def test_a_local_set_afresh_at_each_call_and_carried_through_its_loop_is_the_model_computing(tmp_path):
    # `s = 0.0`, then `s = a * s + w * x` over the window at every call: the state of one call, not a parameter, and
    # w, which only that statement reads, is the model's weight (not the state of an optimizer updating s).
    from conftest import edited_sample

    s = traced(edited_sample("c23_thistle_canoe_a.py", {"for epoch in range(40):": "for epoch in range(4):"}), tmp_path)
    assert "w" in param_names(s) and "w" not in state_names(s)
    assert {base_key(s.sites[u].target) for u in s.structure.per_call} == {"s"}


CONV_STACK_NO_TRAINING = """
import numpy as np
rng = np.random.default_rng(5)
signals = rng.normal(size=(30, 1, 16))
layers = []
for c_in, c_out in [(1, 4), (4, 4), (4, 4)]:
    W = rng.normal(0, 1.0 / np.sqrt(3 * c_in), size=(c_out, c_in, 3))
    b = np.zeros(c_out)
    layers.append((W, b))


def conv(x, W, b):
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1)))
    windows = np.stack([padded[:, :, k:k + 16] for k in range(3)], axis=-1)
    return np.einsum("nclk,ock->nol", windows, W) + b[None, :, None]


h = signals
for W, b in layers:
    h = np.tanh(conv(h, W, b))
feats = h.mean(axis=2)
"""


def test_a_name_carried_through_a_list_of_drawn_layers_is_no_parameter(tmp_path):
    # `layers.append((W, b))` of freshly drawn weights, then `h = np.tanh(conv(h, W, b))` for each: a forward pass
    # through the layers (no training at all), not a parameter whose shape follows the samples.
    s = traced(CONV_STACK_NO_TRAINING, tmp_path)
    assert "h" not in param_names(s)
    assert "recurrence over the layers" in " ".join(s.structure.state.values())


def test_a_model_built_from_layer_objects_trains_in_its_minibatch_loop(tmp_path):
    # The layers handed to Sequential are walked by its forward pass (`x = layer.forward(x)` is the data passing
    # through them) and by the optimizer (`for layer in self.model.layers`: one iteration per layer); the optimizer's
    # `p` is the attribute at its place in the tuples parameters() returns, which the model reads as self.W; the
    # columns rescaled one by one before training are preprocessing. The step is the minibatch loop.
    from conftest import edited_sample

    src = edited_sample("b23_willow_gravel_a.py", {"for epoch in range(40):": "for epoch in range(3):"})
    s = traced(src, tmp_path)
    assert param_names(s) == {"p"}
    roles = {base_key(s.sites[u].target): r for u, r in s.structure.state.items()}
    assert roles["x"] == "a recurrence over the layers" and "preprocessing" in roles["X"]
    assert loop_line(s, s.plan.step_loop) == line_of(src, "for xb, yb in get_batches")
    assert loop_line(s, s.plan.training_loop) == line_of(src, "for epoch")
    assert s.plan.n_steps == 3 * -(-1200 // 64)  # three epochs of minibatches of 64 from 1,200 rows
    kinds = {lp.line: s.structure.loop_roles[lp.id].kind for lp in s.loops}
    assert kinds[line_of(src, "for xb, yb in get_batches")] == "training"  # the model reads what p steps, as self.W
    assert kinds[line_of(src, "for li, layer in enumerate(self.model.layers)")] == "per-parameter"


FLOAT_SUMS_FROM_THE_BIAS = """
import math
import random
random.seed(1)
points = [(random.uniform(-1, 1), random.uniform(-1, 1)) for _ in range(40)]
labels = [1.0 if x * y > 0 else 0.0 for x, y in points]
W1 = [[random.uniform(-1, 1) for h in range(3)] for i in range(2)]
b1 = [0.0, 0.0, 0.0]
W2 = [random.uniform(-1, 1) for h in range(3)]


def forward(x):
    hid = []
    for h in range(3):
        s = b1[h]
        for i in range(2):
            s += x[i] * W1[i][h]
        hid.append(math.tanh(s))
    out = 0.0
    for h in range(3):
        out += hid[h] * W2[h]
    return hid, 1 / (1 + math.exp(-out))


for epoch in range(20):
    for x, t in zip(points, labels):
        hid, p = forward(x)
        d_out = p - t
        for h in range(3):
            d_hid = d_out * W2[h] * (1 - hid[h] ** 2)
            W2[h] -= 0.1 * d_out * hid[h]
            for i in range(2):
                W1[i][h] -= 0.1 * d_hid * x[i]
            b1[h] -= 0.1 * d_hid
"""


def test_a_float_summed_from_the_bias_in_each_call_is_the_model_computing(tmp_path):
    # `s = b1[h]`, then `s += x[i] * W1[i][h]`: a number built afresh at each call (a Python float, which `+=`
    # rebinds), so W1, read only there, is the model's weight and not the state of an optimizer updating s.
    s = traced(FLOAT_SUMS_FROM_THE_BIAS, tmp_path)
    assert {"W1", "W2", "b1"} <= param_names(s)
    assert "W1" not in state_names(s)


STATE_FROM_ZEROS_PER_CALL = """
import numpy as np
rng = np.random.default_rng(0)
seqs = rng.normal(size=(30, 6, 2))
targets = rng.normal(0, 0.3, size=(30, 3))
W = rng.normal(0, 0.3, (3, 2))
U = rng.normal(0, 0.3, (3, 3))


def run(xs):
    h = np.zeros(3)
    seen = []
    for x in xs:
        h = np.tanh(W @ x + U @ h)
        seen.append(h)
    return h, seen


for epoch in range(5):
    for xs, t in zip(seqs, targets):
        h, seen = run(xs)
        err = h - t
        W -= 0.01 * np.outer(err * (1 - h ** 2), xs[-1])
"""


def test_an_array_state_built_from_zeros_at_each_call_is_the_model_computing(tmp_path):
    # `h = np.zeros(3)`, then `h = np.tanh(W @ x + U @ h)` over the sequence at each call: the recurrence of one call,
    # so W, which only it and its own update read, is the model's weight.
    s = traced(STATE_FROM_ZEROS_PER_CALL, tmp_path)
    assert "W" in param_names(s) and "W" not in state_names(s)
