"""The training loop the program model chooses (analysis/program.py), on tiny traced sources written unlike each other."""

from __future__ import annotations

import textwrap

from test_program import line_of, loop_line, traced

from nandoctor.recording import EV_ITER
from nandoctor.store import write_json

# A tensor autograd engine in miniature: every operation builds a node whose constructor sets its `grad` afresh,
# backward walks the graph in reverse topological order, and an optimizer loop steps each parameter node.
NODE_ENGINE = """
import numpy as np
rng = np.random.default_rng(3)
class Node:
    def __init__(self, value, parents=()):
        self.value = value
        self.grad = np.zeros_like(value)
        self.parents = parents
        self.back = None
    def __matmul__(self, other):
        out = Node(self.value @ other.value, (self, other))
        def back():
            self.grad += out.grad @ other.value.T
            other.grad += self.value.T @ out.grad
        out.back = back
        return out
    def __sub__(self, other):
        out = Node(self.value - other.value, (self, other))
        def back():
            self.grad += out.grad
            other.grad -= out.grad
        out.back = back
        return out
    def square_mean(self):
        out = Node(np.array((self.value ** 2).mean()), (self,))
        def back():
            self.grad += out.grad * 2 * self.value / self.value.size
        out.back = back
        return out
    def __repr__(self):
        return f"Node(value={self.value}, grad={self.grad})"
def backward(loss):
    order, seen = [], set()
    def visit(node):
        if id(node) not in seen:
            seen.add(id(node))
            for parent in node.parents:
                visit(parent)
            order.append(node)
    visit(loss)
    loss.grad = np.ones_like(loss.value)
    for node in reversed(order):
        if node.back is not None:
            node.back()
features = rng.normal(size=(64, 3))
targets = features @ np.array([[1.0], [-2.0], [0.5]])
weight = Node(rng.normal(size=(3, 1)) * 0.1)
params = [weight]
for epoch in range(4):
    for start in range(0, 64, 16):
        batch = Node(features[start:start + 16])
        wanted = Node(targets[start:start + 16])
        loss = ((batch @ weight) - wanted).square_mean()
        for p in params:
            p.grad = np.zeros_like(p.grad)
        backward(loss)
        for p in params:
            step = p.grad.copy()
            step += 1e-4 * p.value
            p.value -= 0.1 * step
print(float(loss.value))
"""


def test_nodes_built_afresh_each_step_do_not_restart_training(tmp_path):
    s = traced(NODE_ENGINE, tmp_path)
    assert loop_line(s, s.plan.training_loop) == line_of(NODE_ENGINE, "for epoch")
    assert loop_line(s, s.plan.step_loop) == line_of(NODE_ENGINE, "for start")
    roles = {loop_line(s, lid): role.kind for lid, role in s.structure.loop_roles.items()}
    assert roles[line_of(NODE_ENGINE, "for node in reversed")] != "training"


# One function trains when asked to and only evaluates otherwise; it is called on held-out columns between
# sweeps and once more after training (features x samples, one sample per inner iteration, a global weight row).
TRAIN_OR_EVALUATE = """
import numpy as np
rng = np.random.default_rng(8)
columns = rng.normal(size=(3, 50))
tags = (columns[0] - columns[2] > 0).astype(float)
weights = np.zeros(3)
def run(cols, wanted, learn):
    global weights
    total = 0.0
    for k in range(cols.shape[1]):
        p = 1 / (1 + np.exp(-(weights @ cols[:, k])))
        total += -(wanted[k] * np.log(p + 1e-12) + (1 - wanted[k]) * np.log(1 - p + 1e-12))
        if learn:
            weights = weights - 0.5 * (p - wanted[k]) * cols[:, k]
    return total / cols.shape[1]
for sweep in range(6):
    run(columns[:, :40], tags[:40], True)
    if sweep % 3 == 2:
        run(columns[:, 40:], tags[40:], False)
print(run(columns[:, 40:], tags[40:], False))
"""


def test_evaluation_calls_of_the_step_loop_neither_unnest_it_nor_count_as_steps(tmp_path):
    s = traced(TRAIN_OR_EVALUATE, tmp_path)
    assert loop_line(s, s.plan.training_loop) == line_of(TRAIN_OR_EVALUATE, "for sweep")
    assert loop_line(s, s.plan.step_loop) == line_of(TRAIN_OR_EVALUATE, "for k in")
    sweeps, train_columns = 6, 40
    assert s.plan.n_steps == sweeps * train_columns  # the 30 evaluation iterations are no steps
    s.analyze()
    write_json(tmp_path / "analysis.json", s.analysis_dict())  # the plan still goes to the saved session


# Hidden layers of one width, so consecutive iterations of the layer loop write arrays of the same shape; each
# layer object steps its own weights in the backward method the loop calls on it.
SAME_WIDTH_LAYERS = """
import numpy as np
rng = np.random.default_rng(5)
class Unit:
    def __init__(self, width):
        self.W = rng.normal(size=(width, width)) * np.sqrt(1.0 / width)
        self.b = np.zeros(width)
    def forward(self, a):
        self.a = a
        self.out = np.tanh(a @ self.W + self.b)
        return self.out
    def backward(self, up, rate):
        dz = up * (1 - self.out ** 2)
        down = dz @ self.W.T
        self.W -= rate * self.a.T @ dz / len(dz)
        self.b -= rate * dz.mean(axis=0)
        return down
units = [Unit(8) for _ in range(4)]
xs = rng.normal(size=(64, 8))
ys = np.tanh(xs[:, ::-1] * 0.5)
for sweep in range(30):
    a = xs
    for unit in units:
        a = unit.forward(a)
    up = 2 * (a - ys)
    for unit in reversed(units):
        up = unit.backward(up, 0.1)
print(float(np.mean((a - ys) ** 2)))
"""


def test_a_loop_over_layer_objects_of_one_shape_is_no_step(tmp_path):
    s = traced(SAME_WIDTH_LAYERS, tmp_path)
    assert loop_line(s, s.plan.step_loop) == line_of(SAME_WIDTH_LAYERS, "for sweep")
    assert s.plan.n_steps == 30
    walk = [lp.id for lp in s.loops if lp.line == line_of(SAME_WIDTH_LAYERS, "for unit in reversed")][0]
    assert s.structure.loop_roles[walk].kind == "per-parameter"


# float32, minibatches drawn from a generator, gradients summed over three minibatches before each step, the
# accumulator zeroed by slice assignment, and a `while True` loop that stops on a plateau.
ACCUMULATED_STEPS = """
import numpy as np
rng = np.random.default_rng(9)
feats = rng.normal(size=(120, 5)).astype(np.float32)
truth = (feats @ np.array([1, -1, 0.5, 0, 2], np.float32) > 0).astype(np.float32)
def batches(n, size):
    order = rng.permutation(n)
    for s in range(0, n, size):
        yield order[s:s + size]
coef = np.zeros(5, np.float32)
acc = np.zeros(5, np.float32)
rounds, last = 0, np.inf
while True:
    total = 0.0
    for i, sel in enumerate(batches(120, 10)):
        p = 1 / (1 + np.exp(-(feats[sel] @ coef)))
        acc += feats[sel].T @ (p - truth[sel]) / len(sel)
        total += float(np.mean((p - truth[sel]) ** 2))
        if (i + 1) % 3 == 0:
            coef -= 0.5 * acc / 3
            acc[:] = 0
    rounds += 1
    if abs(last - total) < 1e-4 or rounds >= 40:
        break
    last = total
"""


def test_an_accumulator_zeroed_in_place_is_no_parameter_and_its_iterations_no_steps(tmp_path):
    s = traced(ACCUMULATED_STEPS, tmp_path)
    assert loop_line(s, s.plan.training_loop) == line_of(ACCUMULATED_STEPS, "while True")
    assert loop_line(s, s.plan.step_loop) == line_of(ACCUMULATED_STEPS, "for i, sel")
    names = {s.sites[u].target for u in s.structure.updates}
    assert names == {"coef"}
    rec = s.recording
    rounds = int(((rec.ev_loop == s.plan.training_loop) & (rec.ev_kind == EV_ITER)).sum())
    assert s.plan.n_steps == rounds * (120 // 10) // 3


# A dataloader yields uint8 rows that each loop rebinds to floats; the second loop only scores.
LOADER_REBINDS = """
import numpy as np
rng = np.random.default_rng(12)
pixels = rng.integers(0, 256, size=(90, 6)).astype(np.uint8)
marks = (pixels[:, 0] > pixels[:, 5]).astype(float)
def loader(size=15):
    for s in range(0, len(pixels), size):
        yield pixels[s:s + size], marks[s:s + size]
theta = np.zeros(6)
for epoch in range(8):
    for rows, want in loader():
        rows = rows.astype(np.float64) / 255.0
        guess = 1 / (1 + np.exp(-(rows @ theta)))
        theta -= 0.5 * rows.T @ (guess - want) / len(want)
hits = 0
for rows, want in loader():
    rows = rows.astype(np.float64) / 255.0
    hits += int(((rows @ theta > 0) == want).sum())
print(hits)
"""


def test_a_loop_variable_rebound_in_its_loop_is_no_parameter(tmp_path):
    s = traced(LOADER_REBINDS, tmp_path)
    names = {s.sites[u].target for u in s.structure.updates}
    assert "theta" in names and "rows" not in names
    last_loop = max(i for i, line in enumerate(textwrap.dedent(LOADER_REBINDS).splitlines(), 1)
                    if line.startswith("for rows, want"))
    scoring = [lp.id for lp in s.loops if lp.line == last_loop][0]
    assert s.structure.loop_roles[scoring].kind not in ("training", "per-parameter")
    assert loop_line(s, s.plan.training_loop) == line_of(LOADER_REBINDS, "for epoch")


# Layer objects hand out (weight, gradient) pairs; the optimizer walks the layers and, in each, its pairs: every
# layer iteration writes a weight and a bias (two writes per iteration, each layer its own shapes), and an
# activation layer in between writes nothing.
LAYER_WALK = """
import numpy as np
rng = np.random.default_rng(6)
class Dense:
    def __init__(self, n_in, n_out):
        self.W = rng.normal(size=(n_in, n_out)) / np.sqrt(n_in)
        self.b = np.zeros(n_out)
    def forward(self, x):
        self.x = x
        return x @ self.W + self.b
    def backward(self, g):
        self.dW = self.x.T @ g
        self.db = g.sum(axis=0)
        return g @ self.W.T
    def params(self):
        return [(self.W, self.dW), (self.b, self.db)]
class Tanh:
    def forward(self, x):
        self.out = np.tanh(x)
        return self.out
    def backward(self, g):
        return g * (1 - self.out ** 2)
    def params(self):
        return []
layers = [Dense(3, 8), Tanh(), Dense(8, 1)]
X = rng.normal(size=(96, 3))
y = np.sin(X[:, :1]) + 0.5 * X[:, 1:2]
for epoch in range(5):
    for start in range(0, 96, 24):
        out = X[start:start + 24]
        for layer in layers:
            out = layer.forward(out)
        g = 2 * (out - y[start:start + 24]) / 24
        for layer in reversed(layers):
            g = layer.backward(g)
        for layer in layers:
            for p, dp in layer.params():
                p -= 0.05 * dp
"""


def test_a_walk_over_layers_writing_two_arrays_each_is_no_step_loop(tmp_path):
    s = traced(LAYER_WALK, tmp_path)
    assert loop_line(s, s.plan.step_loop) == line_of(LAYER_WALK, "for start")
    assert loop_line(s, s.plan.training_loop) == line_of(LAYER_WALK, "for epoch")
    assert s.plan.n_steps == 5 * 4
    roles = {loop_line(s, lid): role for lid, role in s.structure.loop_roles.items()}
    walk = roles[[ln for ln in roles if ln > line_of(LAYER_WALK, "for layer in reversed")][0]]
    assert walk.kind == "per-parameter" and "different shapes" in walk.why
