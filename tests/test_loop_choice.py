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
def build():
    return [Dense(3, 8), Tanh(), Dense(8, 1)]
layers = build()
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
    # (the layers come out of a call, so only the shapes their updates write show the walk)
    s = traced(LAYER_WALK, tmp_path)
    assert loop_line(s, s.plan.step_loop) == line_of(LAYER_WALK, "for start")
    assert loop_line(s, s.plan.training_loop) == line_of(LAYER_WALK, "for epoch")
    assert s.plan.n_steps == 5 * 4
    roles = {loop_line(s, lid): role for lid, role in s.structure.loop_roles.items()}
    walk = roles[[ln for ln in roles if ln > line_of(LAYER_WALK, "for layer in reversed")][0]]
    assert walk.kind == "per-parameter" and "different shapes" in walk.why


# Parameters unrolled into one flat vector (as in a course's neural network class): a helper rolls them into matrices
# with an integer offset it advances in a loop, the gradient is a local summed over the samples at each call, and
# the same forward function scores the training data in the loop and test data of the same shape after it. The
# gradient function records nothing outside its loops but its arguments: they show it called at every step.
UNROLLED = """
import numpy as np
rng = np.random.default_rng(7)
X_train = rng.normal(0.0, 1.0, (40, 3))
y_train = (X_train @ np.array([1.0, -2.0, 0.5]) > 0).astype(float)[:, None]
X_test = rng.normal(0.0, 1.0, (40, 3))
sizes = [3, 4, 1]


def roll(flat):
    mats, shift = {}, 0
    for k in range(len(sizes) - 1):
        count = sizes[k + 1] * sizes[k]
        mats[k] = flat[shift:shift + count].reshape(sizes[k + 1], sizes[k])
        shift = shift + count
    return mats


def forward(data, flat):
    mats = roll(flat)
    act = data
    for k in range(len(sizes) - 1):
        act = 1.0 / (1.0 + np.exp(-(act @ mats[k].T)))
    return act


def gradient(data, labels, flat):
    mats = roll(flat)
    grads = {}
    for k in range(len(sizes) - 1):
        grads[k] = np.zeros((sizes[k + 1], sizes[k]))
    for i in range(len(data)):
        a0 = data[i][:, None]
        a1 = 1.0 / (1.0 + np.exp(-(mats[0] @ a0)))
        a2 = 1.0 / (1.0 + np.exp(-(mats[1] @ a1)))
        d2 = a2 - labels[i][:, None]
        d1 = (mats[1].T @ d2) * a1 * (1 - a1)
        grads[1] = grads[1] + d2 @ a1.T
        grads[0] = grads[0] + d1 @ a0.T
    for k in range(len(sizes) - 1):
        grads[k] = grads[k] / len(data)
    return grads


def cost_function(data, labels, flat):
    p = forward(data, flat)
    return float(-np.mean(labels * np.log(p) + (1 - labels) * np.log(1 - p)))


theta = rng.uniform(-0.5, 0.5, 16)
history = []
for it in range(60):
    history.append(cost_function(X_train, y_train, theta))
    g = gradient(X_train, y_train, theta)
    theta = theta - 1.0 * np.hstack([g[0].ravel(), g[1].ravel()])
test_out = forward(X_test, theta)
"""


def test_an_integer_offset_a_helper_advances_and_a_per_call_sum_are_no_parameters(tmp_path):
    s = traced(UNROLLED, tmp_path)
    want = line_of(UNROLLED, "for it in range(60):")
    assert loop_line(s, s.plan.training_loop) == want, s.plan.reason
    st = s.structure
    roles = {next(x for x in s.sites if x.id == k).target: v for k, v in st.state.items()}
    assert roles["shift"].startswith("never recorded")  # a Python int the capture does not keep
    from nandoctor.detectors.facts import facts

    F = facts(s)
    assert {F.by_id[p].target for p in F.params} == {"theta"}
    # the training data, handed to forward() in the loop, not the test set scored after it
    assert F.by_id[F.inputs].target == "X_train"
