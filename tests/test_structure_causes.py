"""The code-structure cause rules on tiny programs traced in process: each premise holds, fails or is not checked
on numbers measured in the run; expected numbers come from running the same program untraced."""

from __future__ import annotations

import numpy as np
import pytest

from nandoctor.analysis.rules import FAILS, HOLDS, NOT_CHECKED
from nandoctor.detectors.facts import facts

from conftest import analysed_session as trace, untraced, judge_rule


judge = judge_rule


def tags(session) -> list[str]:
    return [c.tag for c in session.causes]


# -- derivative_on_preactivation ----------------------------------------------------------------------

PREACT = """
import numpy as np
rng = np.random.default_rng(0)
X = rng.normal(size=(8, 2))
y = (X[:, :1] > 0).astype(float)
W1 = rng.normal(size=(2, 3))
W2 = rng.normal(size=(3, 1))
fed = []

def sig(z):
    return 1 / (1 + np.exp(-z))

def sig_prime(s):
    return s * (1 - s)

for step in range(30):
    z1 = X @ W1
    a1 = sig(z1)
    a2 = sig(a1 @ W2)
    d2 = (a2 - y) * sig_prime(a2)
    fed.append(FED)
    d1 = (d2 @ W2.T) * sig_prime(FED)
    W2 = W2 - 0.5 * a1.T @ d2
    W1 = W1 - 0.5 * X.T @ d1
"""


def test_preactivation_holds_when_the_call_gives_z(tmp_path):
    src = PREACT.replace("FED", "z1")
    s = trace(tmp_path, src)
    st, out = judge(s, "derivative_on_preactivation")
    assert st == {"derivative_written_in_output": HOLDS, "fed_values_recorded": HOLDS, "fed_outside_output_range": HOLDS,
                  "fed_no_other_output": HOLDS}
    fed = untraced(src)["fed"]
    ev = out.drafts[0].evidence
    assert ev["fed"] == "z1" and ev["fed_min"] == pytest.approx(min(v.min() for v in fed))
    assert ev["fed_max"] == pytest.approx(max(v.max() for v in fed))
    assert "derivative_on_preactivation" in tags(s)


INLINE_PREACT = """
import numpy as np
rng = np.random.default_rng(0)
X = rng.normal(size=(8, 2))
y = (X[:, :1] > 0).astype(float)
W1 = rng.normal(size=(2, 3))
W2 = rng.normal(size=(3, 1))
for step in range(30):
    h_in = X @ W1
    h = 1 / (1 + np.exp(-h_in))
    out = 1 / (1 + np.exp(-(h @ W2)))
    back = out - y
    back_h = (back @ W2.T) * FED * (1 - FED)
    W2 = W2 - 0.5 * h.T @ back
    W1 = W1 - 0.5 * X.T @ back_h
"""


@pytest.mark.parametrize("fed, holds", [("h_in", True), ("h", False)])
def test_preactivation_inside_a_longer_product(tmp_path, fed, holds):
    # `(back @ W2.T) * v * (1 - v)`: the derivative's two factors are not the two sides of one multiplication.
    src = INLINE_PREACT.replace("FED", fed)
    s = trace(tmp_path, src)
    st, out = judge(s, "derivative_on_preactivation")
    assert st["derivative_written_in_output"] == HOLDS
    assert st["fed_outside_output_range"] == (HOLDS if holds else FAILS)
    if holds:
        replay = untraced(src.replace("for step in range(30):", "seen = []\nfor step in range(30):")
                          .replace("    back = out - y", "    seen.append(h_in)\n    back = out - y"))
        ev = out.drafts[0].evidence
        assert ev["fed"] == "h_in" and ev["fed_min"] == pytest.approx(min(v.min() for v in replay["seen"]))
    assert ("derivative_on_preactivation" in tags(s)) == holds


def test_preactivation_fails_when_every_call_gives_the_activation(tmp_path):
    s = trace(tmp_path, PREACT.replace("FED", "a1"))
    st, _ = judge(s, "derivative_on_preactivation")
    assert st["fed_outside_output_range"] == FAILS
    assert "derivative_on_preactivation" not in tags(s)


LAYERS = """
import numpy as np
rng = np.random.default_rng(2)
X = rng.uniform(-1.0, 1.0, (30, 3))
Y = X @ rng.normal(size=(3, 2))

class Layer:
    def __init__(self, n_in, n_out, squash):
        self.W = rng.normal(0.0, 1.0, (n_in, n_out))
        self.squash = squash

    def forward(self, x):
        self.x = x
        self.out = x @ self.W
        if self.squash:
            self.out = np.tanh(self.out)
        return self.out

    def backward(self, g):
        if self.squash:
            g = g * (1 - DERIVED ** 2)
        self.dW = self.x.T @ g / len(g)
        return g @ self.W.T

layers = [Layer(3, 5, True), Layer(5, 2, False)]
for it in range(40):
    h = X
    for layer in layers:
        h = layer.forward(h)
    g = 2 * (h - Y)
    for layer in reversed(layers):
        g = layer.backward(g)
    for layer in layers:
        layer.W -= 0.05 * layer.dW
"""


def test_an_attribute_each_layer_writes_is_judged_on_what_its_own_layer_may_have_written(tmp_path):
    # The output layer writes its own self.out (outside [-1, 1]) after the hidden layer's tanh: the last write of
    # self.out before the hidden layer's backward is not the one it reads, and the tanh it reads is in range.
    s = trace(tmp_path, LAYERS.replace("DERIVED", "self.out"))
    assert np.abs(untraced(LAYERS.replace("DERIVED", "self.out"))["h"]).max() > 1  # the output layer's own values
    assert "derivative_on_preactivation" not in [f.code for f in s.findings]
    assert "derivative_on_preactivation" not in tags(s)
    # The program model: self.out, set afresh and then squashed in forward(), is no parameter.
    assert "self.out" not in {facts(s).by_id[u].target for u in facts(s).updates}


# One statement writes each layer's self.out in turn, squashed or not by the layer's own flag: the output layer's
# write is the last before the hidden layers' backward, but theirs were written by the same statement in the step.
ONE_STATEMENT = LAYERS.replace("""        self.out = x @ self.W
        if self.squash:
            self.out = np.tanh(self.out)""", """        z = x @ self.W
        self.out = np.tanh(z) if self.squash else z""").replace(
    "[Layer(3, 5, True), Layer(5, 2, False)]", "[Layer(3, 5, True), Layer(5, 5, True), Layer(5, 2, False)]")


def test_an_attribute_one_statement_writes_for_every_layer_is_judged_on_each_layers_write(tmp_path):
    src = ONE_STATEMENT.replace("DERIVED", "self.out")
    assert "if self.squash else z" in src and "Layer(5, 5, True)" in src
    ns = untraced(src)
    assert np.abs(ns["h"]).max() > 1  # the output layer's values, outside the tanh's range
    assert all(np.abs(layer.out).max() <= 1 for layer in ns["layers"][:2])  # the squashed layers' own
    s = trace(tmp_path, src)
    assert "derivative_on_preactivation" not in [f.code for f in s.findings]
    assert "derivative_on_preactivation" not in tags(s)


def test_a_pre_activation_attribute_fed_to_the_derivative_is_still_found(tmp_path):
    src = LAYERS.replace("self.out = x @ self.W", "self.z = x @ self.W\n        self.out = self.z").replace(
        "DERIVED", "self.z")
    s = trace(tmp_path, src)
    assert "derivative_on_preactivation" in [f.code for f in s.findings]


def test_one_function_as_activation_and_derivative_is_judged_per_call(tmp_path):
    # `nonlin(x, deriv=True)` gets z for the forward pass and the activation for the derivative.
    s = trace(tmp_path, """
        import numpy as np
        rng = np.random.default_rng(1)
        X = rng.normal(size=(6, 2)) * 3
        y = (X[:, :1] > 0).astype(float)
        W = rng.normal(size=(2, 1))

        def nonlin(x, deriv=False):
            if deriv:
                return x * (1 - x)
            return 1 / (1 + np.exp(-x))

        for step in range(25):
            a = nonlin(X @ W)
            W = W + 0.5 * X.T @ ((y - a) * nonlin(a, deriv=True))
    """)
    st, _ = judge(s, "derivative_on_preactivation")
    assert st["fed_outside_output_range"] == FAILS


def test_preactivation_not_checked_when_the_derivative_never_runs_in_the_loop(tmp_path):
    s = trace(tmp_path, """
        import numpy as np
        z = np.linspace(-3, 3, 5)
        once = z * (1 - z)
        w = np.ones(3)
        for step in range(20):
            w = w - 0.1 * w
    """)
    st, _ = judge(s, "derivative_on_preactivation")
    assert st["fed_values_recorded"] == NOT_CHECKED


# -- wrong_derivative_formula -------------------------------------------------------------------------

TANH = """
import numpy as np
rng = np.random.default_rng(2)
X = rng.normal(size=(2, N))
Y = (X[:1] * X[1:] > 0).astype(float)
W1 = rng.normal(size=(H, 2)) * 0.5
W2 = rng.normal(size=(1, H)) * 0.5

def tanh_d(a):
    return FORMULA

for it in range(40):
    A1 = np.tanh(W1 @ X)
    A2 = 1 / (1 + np.exp(-(W2 @ A1)))
    dZ2 = A2 - Y
    dZ1 = (W2.T @ dZ2) * tanh_d(A1)
    W2 = W2 - 0.5 * dZ2 @ A1.T / N
    W1 = W1 - 0.5 * dZ1 @ X.T / N
"""


def test_wrong_derivative_holds_on_a_measured_mismatch(tmp_path):
    s = trace(tmp_path, TANH.replace("FORMULA", "1 - a").replace("N)", "20)").replace("/ N", "/ 20").replace("H", "3"))
    st, out = judge(s, "wrong_derivative_formula")
    assert st == {"derivative_site": HOLDS, "values_recorded": HOLDS, "mismatch_measured": HOLDS}
    given, got, want = out.drafts[0].evidence["sample"]
    assert got == pytest.approx(1 - given) and want == pytest.approx(1 - given ** 2)


def test_wrong_derivative_fails_on_the_correct_tanh_derivative(tmp_path):
    s = trace(tmp_path, TANH.replace("FORMULA", "1 - a ** 2").replace("N)", "20)").replace("/ N", "/ 20").replace("H", "3"))
    st, _ = judge(s, "wrong_derivative_formula")
    assert st["mismatch_measured"] == FAILS
    assert "wrong_derivative_formula" not in tags(s)


def test_wrong_derivative_holds_from_ranges_when_values_are_too_large_to_keep(tmp_path):
    # 1 - a over tanh outputs in (-1, 1) exceeds 1, which 1 - a**2 never does.
    src = TANH.replace("FORMULA", "1 - a").replace("N)", "300)").replace("/ N", "/ 300").replace("H", "4")
    s = trace(tmp_path, src)
    st, out = judge(s, "wrong_derivative_formula")
    assert st["mismatch_measured"] == HOLDS
    A1 = untraced(src)["A1"]
    assert out.drafts[0].evidence["ranges"]["got_range"][1] > 1 >= (1 - A1 ** 2).max()


def test_wrong_derivative_not_checked_when_ranges_cannot_tell(tmp_path):
    # A formula inside the derivative's range (1 - a**4 vs 1 - a**2) cannot be judged from min and max alone.
    s = trace(tmp_path, TANH.replace("FORMULA", "1 - a ** 4").replace("N)", "300)").replace("/ N", "/ 300").replace("H", "4"))
    st, _ = judge(s, "wrong_derivative_formula")
    assert st["mismatch_measured"] == NOT_CHECKED



# One sample at a time: the error is a numpy scalar (`err = y - t`, from what the forward method returns), and the
# output layer's gradient `err * h` multiplies it by the tanh output. The hidden layer's derivative is the sigmoid's
# `a * (1 - a)` or the tanh's own.
PER_SAMPLE_TANH = """
import numpy as np
rng = np.random.default_rng(2)
X = rng.uniform(-1, 1, size=(60, 2))
T = (X[:, 0] ** 2 + X[:, 1] ** 2 < 0.45).astype(float)

class Net:
    def __init__(self):
        self.W1 = rng.normal(0, 0.7, size=(5, 2))
        self.w2 = rng.normal(0, 0.4, size=5)

    def deriv(self, a):
        return FORMULA

    def forward(self, x):
        h = np.tanh(self.W1 @ x)
        return 1 / (1 + np.exp(-(self.w2 @ h))), h

    def loss(self):
        p = np.array([self.forward(x)[0] for x in X])
        return float(-np.mean(T * np.log(p) + (1 - T) * np.log(1 - p)))

net = Net()
print(net.loss())
for epoch in range(6):
    for x, t in zip(X, T):
        y, h = net.forward(x)
        err = y - t
        grad_w2 = err * h
        delta = err * net.w2 * net.deriv(h)
        net.w2 -= 0.1 * grad_w2
        net.W1 -= 0.1 * np.outer(delta, x)
    print(net.loss())
"""


POOLED_TANH = """
import numpy as np
rng = np.random.default_rng(1)
X = rng.normal(size=(60, 5, 2))
y = (X[:, :, 0].mean(axis=1) > 0).astype(float)
W = rng.normal(0, 0.5, (2, 4))
v = rng.normal(0, 0.5, 4)
def forward(X):
    hid = np.tanh(np.einsum("ntd,dh->nth", X, W))
    pooled = hid.mean(axis=1)
    out = 1 / (1 + np.exp(-(pooled @ v)))
    return hid, pooled, out
for epoch in range(40):
    hid, pooled, out = forward(X)
    dz = (out - y) / len(y)
    dv = pooled.T @ dz
    dpre = np.repeat(np.outer(dz, v)[:, None, :], 5, axis=1) / 5 * (1 - hid ** 2)
    W -= 1.0 * np.einsum("ntd,nth->dh", X, dpre)
    v -= 1.0 * dv
SCORED
"""


def test_a_forward_value_the_gradient_also_reads_is_no_derivative(tmp_path):
    # `pooled = hid.mean(axis=1)` feeds the output and the output weights' gradient: a forward value, not a
    # derivative of the tanh written wrong.
    s = trace(tmp_path, POOLED_TANH.replace("SCORED", ""))
    assert "wrong_derivative_formula" not in tags(s)
    st, _ = judge(s, "wrong_derivative_formula")
    assert st.get("mismatch_measured") != HOLDS


def test_a_rescaling_of_the_outputs_after_training_is_no_derivative(tmp_path):
    # Predictions mapped back to their units once training is over: `(out + 0.9) / 1.8 * span` runs once.
    src = POOLED_TANH.replace("SCORED", "pred = forward(X)[2]\nlo, hi = y.min(), y.max()\n"
                                        "pred_units = (pred + 0.9) / 1.8 * (hi - lo) + lo")
    s = trace(tmp_path, src)
    assert "wrong_derivative_formula" not in tags(s)


def test_a_per_sample_error_times_an_activation_is_no_derivative(tmp_path):
    s = trace(tmp_path, PER_SAMPLE_TANH.replace("FORMULA", "1 - a ** 2"))
    st, _ = judge(s, "wrong_derivative_formula")
    assert st["mismatch_measured"] == FAILS  # the tanh's own derivative, replayed
    assert "wrong_derivative_formula" not in tags(s)


def test_a_sigmoid_derivative_given_a_tanh_output_is_the_wrong_formula_not_a_pre_activation(tmp_path):
    s = trace(tmp_path, PER_SAMPLE_TANH.replace("FORMULA", "a * (1 - a)"))
    st, out = judge(s, "wrong_derivative_formula")
    assert st["mismatch_measured"] == HOLDS
    st, _ = judge(s, "derivative_on_preactivation")
    assert st["fed_outside_output_range"] == HOLDS and st["fed_no_other_output"] == FAILS
    h = untraced(PER_SAMPLE_TANH.replace("FORMULA", "a * (1 - a)"))["h"]
    assert h.min() < 0  # a tanh output: the sigmoid derivative's range [0, 1] does not hold it
    assert tags(s)[0] == "wrong_derivative_formula"


SIGMOID_METHODS = """
import numpy as np

class Net:
    def __init__(self):
        rng = np.random.default_rng(4)
        self.p = {"a": rng.normal(size=(2, 4)) * 0.5, "b": rng.normal(size=(4, 1)) * 0.5}

    @staticmethod
    def squash(z):
        return 1 / (1 + np.exp(-z))

    def slope(self, s):
        return FORMULA

    def run(self, xs):
        self.h = self.squash(xs @ self.p["a"])
        self.o = self.squash(self.h @ self.p["b"])
        return self.o

    def grads(self, xs, ts):
        d_o = (self.o - ts) / len(ts)
        d_h = (d_o @ self.p["b"].T) * self.slope(self.h)
        return {"b": self.h.T @ d_o, "a": xs.T @ d_h}

    def step(self, grads):
        for k in self.p:
            self.p[k] -= 0.5 * grads[k]

rng = np.random.default_rng(5)
xs = rng.normal(size=(12, 2))
ts = (xs[:, :1] * xs[:, 1:] > 0).astype(float)
net = Net()
for it in range(30):
    net.run(xs)
    net.step(net.grads(xs, ts))
"""


def test_wrong_derivative_found_in_a_method_multiplied_into_the_error(tmp_path):
    # The backward method has no backward-sounding name; the slope is still multiplied into the error signal.
    src = SIGMOID_METHODS.replace("FORMULA", "1.0 - s")
    s = trace(tmp_path, src)
    st, out = judge(s, "wrong_derivative_formula")
    assert st == {"derivative_site": HOLDS, "values_recorded": HOLDS, "mismatch_measured": HOLDS}
    given, got, want = out.drafts[0].evidence["sample"]
    assert got == pytest.approx(1 - given) and want == pytest.approx(given * (1 - given))


def test_wrong_derivative_fails_on_the_correct_sigmoid_slope_in_a_method(tmp_path):
    s = trace(tmp_path, SIGMOID_METHODS.replace("FORMULA", "s * (1.0 - s)"))
    st, _ = judge(s, "wrong_derivative_formula")
    assert st["mismatch_measured"] == FAILS


def test_a_loss_term_of_the_output_is_not_taken_for_a_derivative(tmp_path):
    # log(a) reads the activation alone, but it is combined with the targets, not multiplied into their error.
    s = trace(tmp_path, """
        import numpy as np
        rng = np.random.default_rng(1)
        xs = rng.normal(size=(10, 2))
        ts = (xs[:, :1] > 0).astype(float)
        w = np.zeros((2, 1))
        for it in range(20):
            a = 1 / (1 + np.exp(-(xs @ w)))
            log_a = np.log(a)
            loss = -np.mean(ts * log_a)
            w = w - 0.1 * xs.T @ (a - ts) / 10
    """)
    st, _ = judge(s, "wrong_derivative_formula")
    assert st["derivative_site"] == FAILS


# -- inplace_mutation_aliasing ------------------------------------------------------------------------

VIEWS = """
import numpy as np
rng = np.random.default_rng(4)
pixels = rng.uniform(0.0, 255.0, (48, 6))
labels = (pixels[:, 0] > pixels[:, 1]).astype(float)
w = np.zeros(6)
for epoch in range(4):
    for s in range(0, 48, 16):
        xb = pixels[s:s + 16]
        SCALE
        p = 1.0 / (1.0 + np.exp(-(xb @ w)))
        w -= 0.5 * xb.T @ (p - labels[s:s + 16]) / 16
"""


def test_a_slice_written_in_place_changes_the_data_the_next_epoch_reads(tmp_path):
    src = VIEWS.replace("SCALE", "xb /= 255.0")
    s = trace(tmp_path, src)
    st, out = judge(s, "inplace_mutation_aliasing")
    assert st == {"writes_argument": HOLDS, "caller_keeps_array": HOLDS, "array_changed": HOLDS,
                  "caller_sees_change": HOLDS}
    assert untraced(src)["pixels"].max() < 255.0 / 255 ** 3  # the plain run divided the stored data at every epoch
    ev = out.drafts[0].evidence
    first = np.random.default_rng(4).uniform(0.0, 255.0, (48, 6))
    assert ev["before_max"] == pytest.approx(first[:16].max()) and ev["after_max"] == pytest.approx(first[:16].max() / 255)
    fix = out.drafts[0].fixes[0]
    assert (fix.before, fix.after) == ("xb = pixels[s:s + 16]", "xb = pixels[s:s + 16].copy()")
    assert untraced(src.replace(fix.before, fix.after))["pixels"].max() == pytest.approx(first.max())
    assert tags(s)[0] == "inplace_mutation_aliasing"


def test_a_parameter_updated_through_its_slices_is_no_aliasing(tmp_path):
    src = VIEWS.replace("        w -= 0.5 * xb.T @ (p - labels[s:s + 16]) / 16\n",
                        "        part = w[0:3]\n        part -= 0.5 * (xb.T @ (p - labels[s:s + 16]) / 16)[0:3]\n"
                        "        w[3:] -= 0.5 * (xb.T @ (p - labels[s:s + 16]) / 16)[3:]\n").replace("SCALE", "")
    assert "part = w[0:3]" in src
    s = trace(tmp_path, src)
    assert "inplace_mutation_aliasing" not in tags(s)


def test_a_slice_scaled_into_a_new_array_leaves_the_data_alone(tmp_path):
    s = trace(tmp_path, VIEWS.replace("xb = pixels[s:s + 16]", "xb = pixels[s:s + 16] / 255.0").replace("SCALE", ""))
    assert "inplace_mutation_aliasing" not in tags(s)



def test_a_slice_handed_to_a_function_that_writes_it_changes_the_data(tmp_path):
    """`scale(pixels[s:s + 16])` where `scale` does `rows /= 255.0`: the view is written in the function."""
    src = VIEWS.replace("        xb = pixels[s:s + 16]\n        SCALE\n", "        xb = scale(pixels[s:s + 16])\n").replace(
        "w = np.zeros(6)\n", "w = np.zeros(6)\n\n\ndef scale(rows):\n    rows /= 255.0\n    return rows\n\n\n")
    assert "xb = scale(pixels[s:s + 16])" in src
    s = trace(tmp_path, src)
    st, out = judge(s, "inplace_mutation_aliasing")
    assert set(st.values()) == {HOLDS}
    assert untraced(src)["pixels"].max() < 255.0 / 255 ** 3  # replayed: every epoch divided the stored data again
    fix = out.drafts[0].fixes[0]  # inside the function: every caller's array stays its own
    assert (fix.before, fix.after) == ("rows /= 255.0", "rows = rows.copy()\n    rows /= 255.0")
    from nandoctor.verify import apply_fix

    first = np.random.default_rng(4).uniform(0.0, 255.0, (48, 6))
    assert untraced(apply_fix(src, fix))["pixels"].max() == pytest.approx(first.max())
    kept = src.replace("rows /= 255.0", "rows = rows / 255.0")
    assert "inplace_mutation_aliasing" not in tags(trace(tmp_path, kept, "kept"))


INPLACE = """
import numpy as np
rng = np.random.default_rng(3)
X = rng.normal(size=(5, 3))
y = rng.normal(size=(5, 1))
W = rng.normal(size=(3, 1))
seen = []

def clip_grad(g):
    BODY
    return g

for step in range(20):
    err = X @ W - y
    grad = X.T @ err / 5
    before = grad.copy()
    step_g = clip_grad(grad)
    seen.append((before, grad.copy()))
    W = W - 0.1 * step_g
    norm = np.linalg.norm(grad)
"""


def test_inplace_holds_when_the_caller_reads_its_changed_array(tmp_path):
    src = INPLACE.replace("BODY", "g[g > 0.05] = 0.05")
    s = trace(tmp_path, src)
    st, out = judge(s, "inplace_mutation_aliasing")
    assert st == {"writes_argument": HOLDS, "caller_keeps_array": HOLDS, "array_changed": HOLDS,
                  "caller_sees_change": HOLDS}
    seen = untraced(src)["seen"]
    changed = np.mean([not np.array_equal(a, b) for a, b in seen])
    assert out.drafts[0].evidence["fraction_calls_changed"] == pytest.approx(changed)
    assert out.drafts[0].evidence["caller_reads_after"] == ["grad"]


def test_inplace_fails_when_the_caller_rebinds_the_dict_it_passed(tmp_path):
    s = trace(tmp_path, """
        import numpy as np
        params = {"W": np.ones((3, 1)), "b": np.zeros(1)}
        X = np.arange(12.0).reshape(4, 3) / 10
        y = np.ones((4, 1))

        def update(params, grads, lr):
            for key in ("W", "b"):
                params[key] = params[key] - lr * grads[key]
            return params

        for step in range(20):
            err = X @ params["W"] + params["b"] - y
            grads = {"W": X.T @ err / 4, "b": err.mean(axis=0)}
            params = update(params, grads, 0.1)
    """)
    st, _ = judge(s, "inplace_mutation_aliasing")
    assert st["caller_keeps_array"] == FAILS
    assert "inplace_mutation_aliasing" not in tags(s)


def test_inplace_fails_without_a_write_into_an_argument(tmp_path):
    s = trace(tmp_path, INPLACE.replace("BODY", "g = np.minimum(g, 0.05)"))
    st, _ = judge(s, "inplace_mutation_aliasing")
    assert st == {"writes_argument": FAILS}


def test_inplace_not_checked_on_a_python_list(tmp_path):
    s = trace(tmp_path, """
        def halve(v):
            v[0] = v[0] / 2
            return v

        w = 1.0
        for step in range(10):
            grads = [w * 2.0, 1.0]
            g = halve(grads)
            w = w - 0.1 * g[0]
            total = grads[0] + grads[1]
    """)
    st, _ = judge(s, "inplace_mutation_aliasing")
    assert st["array_changed"] == NOT_CHECKED


# -- integer_dtype_truncation ---------------------------------------------------------------------------

def test_integer_holds_on_uint8_data_prep(tmp_path):
    src = """
        import numpy as np
        rng = np.random.default_rng(4)
        images = rng.integers(1, 200, size=(6, 4), dtype=np.uint8)
        images[:] = images / 255.0
        w = np.zeros(4)
        for step in range(10):
            w = w - 0.1 * (images.mean(axis=0) - w)
    """
    s = trace(tmp_path, src)
    st, out = judge(s, "integer_dtype_truncation")
    assert st == {"integer_store": HOLDS, "float_result": HOLDS, "values_lost": HOLDS}
    images = untraced(src)["images"]
    assert out.drafts[0].evidence["zeros_after"] == pytest.approx(np.mean(images == 0))
    assert out.drafts[0].evidence["zeros_before"] == 0


def test_integer_fails_on_a_bool_mask_and_integer_counts(tmp_path):
    s = trace(tmp_path, """
        import numpy as np
        z = np.linspace(-1, 1, 6)
        mask = np.zeros(6, dtype=bool)
        counts = np.zeros(6, dtype=int)
        w = np.ones(6)
        for step in range(10):
            mask[:] = (z * w) > 0
            counts += 1
            w = w - 0.1 * mask * w
    """)
    st, _ = judge(s, "integer_dtype_truncation")
    assert st == {"integer_store": HOLDS, "float_result": FAILS}


def test_integer_not_checked_without_the_array_before_the_write(tmp_path):
    s = trace(tmp_path, """
        import numpy as np
        for row in (np.arange(5),):
            row[:] = row / 3
        w = 1.0
        for step in range(10):
            w = w - 0.1 * w
    """)
    st, _ = judge(s, "integer_dtype_truncation")
    assert st["values_lost"] == NOT_CHECKED


def test_integer_holds_on_standardised_columns_written_into_an_empty_integer_table(tmp_path):
    # `np.empty_like` of an integer table is not recorded, and what it held says nothing: the loss is measured by
    # replaying the quotient at the column's smallest and largest entry with its recorded mean and spread.
    src = """
        import numpy as np
        rng = np.random.default_rng(3)
        raw = np.column_stack([rng.integers(900, 3000, 40), rng.integers(1995, 2021, 40)])
        Z = np.empty_like(raw)
        for j in range(raw.shape[1]):
            col = raw[:, j]
            Z[:, j] = (col - col.mean()) / col.std()
        coef = np.linalg.lstsq(np.column_stack([np.ones(40), Z]), raw[:, 0] * 0.01, rcond=None)[0]
    """
    s = trace(tmp_path, src)
    st, out = judge(s, "integer_dtype_truncation")
    assert st == {"integer_store": HOLDS, "float_result": HOLDS, "values_lost": HOLDS}
    last_col = untraced(src)["raw"][:, 0]  # the first write's column
    scaled = (last_col - last_col.mean()) / last_col.std()
    text = out.drafts[0].summary
    assert f"run from {scaled.min():.3g} to {scaled.max():.3g}" in text
    assert f"whole numbers {int(scaled.min())} to {int(scaled.max())}" in text
    fix = out.drafts[0].fixes[0]
    assert fix.before == "Z = np.empty_like(raw)" and fix.after == "Z = np.empty_like(raw).astype(float)"


def test_integer_holds_on_z_scores_written_into_a_zeroed_integer_table(tmp_path):
    # `np.zeros_like` of an integer table held zeros before; z-scores of every column have a spread of 1, and the
    # table's spread after the last write is what truncation left of it.
    src = """
        import numpy as np
        rng = np.random.default_rng(9)
        raw = np.stack([rng.integers(0, 80, 120), rng.integers(25, 220, 120)], axis=1)
        mu = raw.mean(axis=0)
        sd = raw.std(axis=0)
        Z = np.zeros_like(raw)
        for j in range(raw.shape[1]):
            Z[:, j] = (raw[:, j] - mu[j]) / sd[j]
        coef = np.linalg.lstsq(np.column_stack([np.ones(120), Z]), raw[:, 1] * 0.5, rcond=None)[0]
    """
    s = trace(tmp_path, src)
    st, out = judge(s, "integer_dtype_truncation")
    assert st == {"integer_store": HOLDS, "float_result": HOLDS, "values_lost": HOLDS}
    Z = untraced(src)["Z"]
    assert f"the array's spread is {Z.std():.3g}" in out.drafts[0].summary


def test_integer_holds_on_z_scores_of_a_training_split_written_into_a_zeroed_integer_table(tmp_path):
    # The statistics come from the training rows only (`raw[train].mean(axis=0)`): still z-scores of the columns.
    src = """
        import numpy as np
        rng = np.random.default_rng(4)
        raw = np.stack([rng.integers(0, 60, 150), rng.integers(10, 300, 150)], axis=1)
        train = rng.random(150) < 0.7
        mu = raw[train].mean(axis=0)
        sd = raw[train].std(axis=0)
        Z = np.zeros_like(raw)
        for j in range(raw.shape[1]):
            Z[:, j] = (raw[:, j] - mu[j]) / sd[j]
        coef = np.linalg.lstsq(np.column_stack([np.ones(150), Z]), raw[:, 1] * 0.5, rcond=None)[0]
    """
    Z = untraced(src)["Z"]
    assert Z.std() < 0.9  # truncation left less than the spread of 1 the z-scores had
    s = trace(tmp_path, src)
    st, out = judge(s, "integer_dtype_truncation")
    assert st == {"integer_store": HOLDS, "float_result": HOLDS, "values_lost": HOLDS}
    assert f"the array's spread is {Z.std():.3g}" in out.drafts[0].summary


def test_integer_does_not_replay_a_wide_rescaling(tmp_path):
    # Scores scaled to 0-255 keep their size as whole numbers: storing them into uint8 is the usual conversion.
    s = trace(tmp_path, """
        import numpy as np
        rng = np.random.default_rng(5)
        grey = np.empty((6, 5), dtype=np.uint8)
        for i in range(6):
            row = rng.normal(size=5)
            grey[i] = (row - row.min()) / (row.max() - row.min()) * 255
    """)
    st, _ = judge(s, "integer_dtype_truncation")
    assert st["values_lost"] != HOLDS


# -- shape_broadcasting_bug ---------------------------------------------------------------------------

SOFTMAX = """
import numpy as np
rng = np.random.default_rng(5)
X = rng.normal(size=(XDIMS))
y = rng.integers(0, 3, NS)
W = rng.normal(size=(WDIMS)) * 0.1

def softmax(s):
    e = np.exp(s - s.max())
    return e / np.sum(e, AXIS)

for step in range(15):
    p = softmax(FORWARD)
    g = p.copy()
    W = W - 0.1 * GRAD
"""


def test_shape_holds_on_a_softmax_normalised_over_the_samples(tmp_path):
    src = (SOFTMAX.replace("XDIMS", "12, 4").replace("NS", "12").replace("WDIMS", "4, 3").replace("AXIS", "axis=0")
           .replace("FORWARD", "X @ W").replace("GRAD", "X.T @ g"))
    s = trace(tmp_path, src)
    st, out = judge(s, "shape_broadcasting_bug")
    assert st == {"shapes_recorded": HOLDS, "silent_broadcast": HOLDS}
    p = untraced(src)["p"]
    assert out.drafts[0].evidence["total"] == pytest.approx(p.sum()) and p.sum() == pytest.approx(3)


def test_shape_holds_on_a_column_minus_a_vector(tmp_path):
    s = trace(tmp_path, """
        import numpy as np
        X = np.linspace(0, 1, 16).reshape(8, 2)
        y = X.sum(axis=1)
        w = np.zeros((2, 1))
        for step in range(10):
            err = X @ w - y
            w = w - 0.1 * X.T @ err / 8
    """)
    st, out = judge(s, "shape_broadcasting_bug")
    assert st["silent_broadcast"] == HOLDS and out.drafts[0].evidence["result"] == [8, 8]


def test_shape_fails_on_a_softmax_over_the_classes(tmp_path):
    s = trace(tmp_path, SOFTMAX.replace("XDIMS", "12, 4").replace("NS", "12").replace("WDIMS", "4, 3")
              .replace("AXIS", "axis=1, keepdims=True").replace("FORWARD", "X @ W").replace("GRAD", "X.T @ g"))
    st, _ = judge(s, "shape_broadcasting_bug")
    assert st["silent_broadcast"] == FAILS


def test_square_minibatches_say_nothing_of_the_full_tables_axis(tmp_path):
    # Minibatches of 3 samples over 3 classes give (3, 3) probabilities, whose entries sum to 3 whichever axis was
    # normalised; the (12, 3) table scored after training, normalised per sample, is what shows the axis.
    src = """
        import numpy as np
        rng = np.random.default_rng(5)
        X = rng.normal(size=(12, 4))
        y = rng.integers(0, 3, 12)
        W = rng.normal(size=(4, 3)) * 0.1

        def softmax(s):
            e = np.exp(s - s.max(axis=1, keepdims=True))
            return (e.T / np.sum(e, axis=1)).T

        for step in range(15):
            rows = rng.permutation(12)[:3]
            p = softmax(X[rows] @ W)
            g = p.copy()
            g[np.arange(3), y[rows]] -= 1
            W = W - 0.1 * X[rows].T @ g
        scores = softmax(X @ W)
    """
    assert np.allclose(untraced(src)["scores"].sum(axis=1), 1.0)
    from nandoctor.detectors import detect

    s = trace(tmp_path, src)
    assert not [f for f in detect(s) if f.code == "normalised_over_samples"]


def test_shape_not_checked_when_the_sample_axis_is_ambiguous(tmp_path):
    # Features x samples with as many features as classes: which axis holds the samples cannot be told.
    s = trace(tmp_path, SOFTMAX.replace("XDIMS", "3, 4").replace("NS", "4").replace("WDIMS", "3, 3")
              .replace("AXIS", "axis=0").replace("FORWARD", "(W @ X).T").replace("GRAD", "(X @ g).T"))
    st, _ = judge(s, "shape_broadcasting_bug")
    assert st["silent_broadcast"] == NOT_CHECKED


def test_a_layer_as_wide_as_a_tiny_batch_is_no_broadcast(tmp_path):
    # Four points through four units: `data @ first` is itself (4, 4), and the bias row adds along it. The data is a
    # closure's enclosing argument, resolved there; the call that only hands values over combines nothing.
    source = """
        import numpy as np
        corners = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
        parity = np.array([[0.0], [1.0], [1.0], [0.0]])
        def make(data):
            def forward(first, first_b, second):
                hid = np.tanh(data @ first + first_b)
                return hid, hid @ second
            return forward
        forward = make(corners)
        gen = np.random.default_rng(0)
        first, first_b, second = gen.uniform(-1, 1, (2, 4)), np.zeros(4), gen.uniform(-1, 1, (4, 1))
        for sweep in range(20):
            hid, out = forward(first, first_b, second)
            d_out = (out - parity) / 4
            d_hid = (d_out @ second.T) * (1 - hid ** 2)
            second = second - 0.5 * hid.T @ d_out
            first = first - 0.5 * corners.T @ d_hid
            first_b = first_b - 0.5 * d_hid.sum(0)
    """
    s = trace(tmp_path, source)
    ns = untraced(source)
    assert ns["hid"].shape == (4, 4)  # the (n, n) shape is the layer's, as numpy computes it
    F = facts(s)
    hid = next(x for x in F.sites if x.target == "hid" and x.kind == "assign")
    assert "arg data" in {F.by_id[p].target for p in F.parents(hid.id)}  # the enclosing function's argument
    assert not [f for f in s.findings if f.code == "shape_broadcasting"]
    assert "shape_broadcasting_bug" not in tags(s)


# -- parameter_not_updated ----------------------------------------------------------------------------

REBIND = """
import numpy as np
rng = np.random.default_rng(6)
X = rng.normal(size=(NS, 3))
y = X @ np.array([[1.0], [-2.0], [0.5]])
weights = [rng.normal(size=(3, 1))]
for step in range(20):
    rows = ROWS
    err = X[rows] @ weights[0] - y[rows]
    grads = [X[rows].T @ err / len(rows)]
    UPDATE
"""


def test_not_updated_holds_on_a_rebound_loop_name(tmp_path):
    src = REBIND.replace("NS", "10").replace("ROWS", "np.arange(10)").replace(
        "UPDATE", "for W, dW in zip(weights, grads):\n        W = W - 0.1 * dW")
    s = trace(tmp_path, src)
    st, out = judge(s, "parameter_not_updated")
    assert st == {"rebinding_update": HOLDS, "update_moves": HOLDS, "update_lost": HOLDS}
    assert out.drafts[0].evidence["pairs_lost"] == 19  # every pair of consecutive steps starts from the old W
    rng = np.random.default_rng(6)
    rng.normal(size=(10, 3))
    assert np.array_equal(untraced(src)["weights"][0], rng.normal(size=(3, 1)))  # the list still holds the initial W


def test_every_rebound_loop_name_gets_its_in_place_fix_in_one_group(tmp_path):
    from nandoctor.verify import apply_fix, fix_groups

    src = ("import numpy as np\nrng = np.random.default_rng(6)\nX = rng.normal(size=(10, 3))\n"
           "y = X @ np.array([[1.0], [-2.0], [0.5]]) + 0.5\n"
           "weights, biases = [rng.normal(size=(3, 1))], [np.zeros((1, 1))]\nfor step in range(20):\n"
           "    err = X @ weights[0] + biases[0] - y\n"
           "    grads, bgrads = [X.T @ err / 10], [err.mean(axis=0, keepdims=True)]\n"
           "    for W, dW in zip(weights, grads):\n        W = W - 0.1 * dW\n"
           "    for b, db in zip(biases, bgrads):\n        b = b - 0.1 * db\n")
    s = trace(tmp_path, src)
    cause = next(c for c in s.causes if c.tag == "parameter_not_updated")
    group = fix_groups(cause.fixes)[0]
    assert [(fx.line, fx.after) for fx in group] == [(10, "W -= 0.1 * dW"), (12, "b -= 0.1 * db")]
    fixed = src
    for fx in sorted(group, key=lambda f: -f.line):
        fixed = apply_fix(fixed, fx)
    # replayed: with both in place, the weights and the bias move
    after = untraced(fixed)
    assert not np.array_equal(after["weights"][0], untraced(src)["weights"][0]) and after["biases"][0][0, 0] != 0.0


def test_not_updated_fails_when_the_new_value_is_written_back(tmp_path):
    s = trace(tmp_path, REBIND.replace("NS", "10").replace("ROWS", "np.arange(10)").replace(
        "UPDATE", "for i, (W, dW) in enumerate(zip(weights, grads)):\n        W = W - 0.1 * dW\n        weights[i] = W"))
    st, _ = judge(s, "parameter_not_updated")
    assert st["rebinding_update"] == FAILS


# The weights an object holds, each taken by name with getattr in the step and rebound there.
BY_NAME = """
import numpy as np
rng = np.random.default_rng(6)
X = rng.normal(size=(10, 3))
y = X @ np.array([[1.0], [-2.0], [0.5]])


class Fit:
    def __init__(self):
        self.W = rng.normal(size=(3, 1))

    def step(self):
        err = X @ self.W - y
        for name, g in {"W": X.T @ err / 10}.items():
            p = getattr(self, name)
            UPDATE


fit = Fit()
for it in range(20):
    fit.step()
"""


def test_not_updated_holds_on_a_weight_taken_by_getattr_and_rebound(tmp_path):
    src = BY_NAME.replace("UPDATE", "p = p - 0.1 * g")
    start = np.random.default_rng(6)
    start.normal(size=(10, 3))
    assert np.array_equal(untraced(src)["fit"].W, start.normal(size=(3, 1)))  # the object keeps its first W
    st, out = judge(trace(tmp_path, src), "parameter_not_updated")
    assert st["rebinding_update"] == HOLDS and st["update_lost"] == HOLDS, st
    assert "getattr(self, name)" in out.checks[0].why


def test_not_updated_fails_when_the_weight_taken_by_getattr_is_set_back(tmp_path):
    src = BY_NAME.replace("UPDATE", "setattr(self, name, p - 0.1 * g)")
    st, _ = judge(trace(tmp_path, src), "parameter_not_updated")
    assert st["rebinding_update"] == FAILS


def test_not_updated_not_checked_on_large_minibatch_updates(tmp_path):
    src = """
        import numpy as np
        rng = np.random.default_rng(7)
        X = rng.normal(size=(200, 20))
        y = X @ rng.normal(size=(20, 20))
        weights = [rng.normal(size=(20, 20))]
        for step in range(15):
            rows = rng.integers(0, 200, 16)
            err = X[rows] @ weights[0] - y[rows]
            grads = [X[rows].T @ err / 16]
            for W, dW in zip(weights, grads):
                W = W - 0.01 * dW
    """
    s = trace(tmp_path, src)
    st, _ = judge(s, "parameter_not_updated")
    assert st["update_lost"] == NOT_CHECKED


# -- hyperparameter_defined_not_used ------------------------------------------------------------------

HYPER = """
import numpy as np
X = np.linspace(0, 1, 20).reshape(10, 2)
y = X @ np.array([2.0, -1.0])
learning_rate = RATE

def train(X, y, lr=0.001, epochs=30):
    w = np.zeros(2)
    for epoch in range(epochs):
        w = w - lr * X.T @ (X @ w - y) / len(y)
    return w

w = train(X, y, CALL)
"""


def test_hyperparameter_holds_when_a_default_takes_its_place(tmp_path):
    s = trace(tmp_path, HYPER.replace("RATE", "0.5").replace(", CALL", ""))
    st, out = judge(s, "hyperparameter_defined_not_used")
    assert st == {"hyperparameter_unread": HOLDS, "other_value_in_effect": HOLDS}
    assert out.drafts[0].evidence["defined"] == 0.5 and out.drafts[0].evidence["in_effect"] == [0.001]


def test_hyperparameter_fails_when_it_is_passed(tmp_path):
    s = trace(tmp_path, HYPER.replace("RATE", "0.5").replace("CALL", "lr=learning_rate"))
    st, _ = judge(s, "hyperparameter_defined_not_used")
    assert st == {"hyperparameter_unread": FAILS}


def test_hyperparameter_fails_when_the_default_is_the_same_value(tmp_path):
    s = trace(tmp_path, HYPER.replace("RATE", "0.001").replace(", CALL", ""))
    st, _ = judge(s, "hyperparameter_defined_not_used")
    assert st["other_value_in_effect"] == FAILS


def test_hyperparameter_not_checked_without_a_training_loop(tmp_path):
    s = trace(tmp_path, """
        import numpy as np
        epochs = 50
        X = np.linspace(0, 1, 6).reshape(3, 2)
        w = np.linalg.lstsq(X, X.sum(axis=1), rcond=None)[0]
    """)
    st, _ = judge(s, "hyperparameter_defined_not_used")
    assert st["other_value_in_effect"] == NOT_CHECKED


def test_hyperparameter_ignores_a_per_sample_error_as_a_rate(tmp_path):
    # Pure-Python per-sample updates read the error scalar; it takes both signs, so it is no step size.
    src = """
        step_size = 0.01
        pairs = [(u / 4.0, 0.7 * u / 4.0 - 1.2) for u in range(-12, 13)]
        slope, offset = 4.0, 4.0
        for rnd in range(20):
            for u, v in pairs:
                miss = slope * u + offset - v
                slope -= 0.0001 * (miss * u)
                offset -= 0.0001 * miss
    """
    s = trace(tmp_path, src)
    st, out = judge(s, "hyperparameter_defined_not_used")
    assert st == {"hyperparameter_unread": HOLDS, "other_value_in_effect": HOLDS}
    assert out.drafts[0].evidence["in_effect"] == [0.0001]


LAYER_COPIES = """
import numpy as np

class Dense:
    def __init__(self, rng, n_in, n_out):
        self.kernel = rng.normal(0.0, 0.3, (n_in, n_out))

    def weights(self):
        return [HANDOUT]

rng = np.random.default_rng(6)
xs = rng.normal(size=(30, 2))
ys = np.sin(xs[:, :1])
first, second = Dense(rng, 2, 5), Dense(rng, 5, 1)
for sweep in range(15):
    act = np.tanh(xs @ first.kernel)
    diff = (act @ second.kernel - ys) / 30
    d_act = (diff @ second.kernel.T) * (1 - act ** 2)
    for layer, grad in zip([first, second], [xs.T @ d_act, act.T @ diff]):
        for value in layer.weights():
            value -= 0.1 * grad
"""


def test_not_updated_holds_on_in_place_writes_into_copies_of_layer_weights(tmp_path):
    # Two parameters take turns at one statement; each is compared with its own earlier writes.
    s = trace(tmp_path, LAYER_COPIES.replace("HANDOUT", "np.array(self.kernel)"))
    st, out = judge(s, "parameter_not_updated")
    assert st == {"rebinding_update": HOLDS, "update_moves": HOLDS, "update_lost": HOLDS}
    assert out.drafts[0].evidence["pairs_landed"] == 0
    # The fix returns the arrays themselves from the method that handed out copies.
    (fix,) = out.drafts[0].fixes
    assert (fix.before, fix.after) == ("[np.array(self.kernel)]", "[self.kernel]")


def test_not_updated_not_raised_when_the_layer_hands_out_its_own_array(tmp_path):
    s = trace(tmp_path, LAYER_COPIES.replace("HANDOUT", "self.kernel"))
    st, _ = judge(s, "parameter_not_updated")
    assert st["update_lost"] in (FAILS, NOT_CHECKED)
    assert "parameter_not_updated" not in tags(s)


# -- wrong_derivative_formula: a ReLU's derivative from its recorded statistics -----------------------

RELU_SLOPE = """
import numpy as np
rng = np.random.default_rng(4)
feats = rng.uniform(-1, 1, size=(64, 3))
goal = np.abs(feats[:, :1] - feats[:, 1:2])
inner = rng.normal(size=(3, 40)) * 0.7
outer = rng.normal(size=(40, 1)) * 0.3

def rectify(v):
    return np.maximum(v, 0.0)

def rectify_slope(v):
    return SLOPE

for it in range(30):
    pre = feats @ inner
    hid = rectify(pre)
    guess = hid @ outer
    miss = (guess - goal) / len(feats)
    back = (miss @ outer.T) * rectify_slope(pre)
    outer = outer - 0.2 * hid.T @ miss
    inner = inner - 0.2 * feats.T @ back
"""


def test_wrong_derivative_holds_on_a_relu_slope_that_is_not_a_mask(tmp_path):
    # max(v, 0) handed back as the ReLU's derivative: 64 x 40 values are too many to keep, so the rule reads the
    # statistics: a 0/1 mask's mean equals its share of non-zero values; max(v, 0)'s does not.
    src = RELU_SLOPE.replace("SLOPE", "np.maximum(v, 0.0)")
    s = trace(tmp_path, src)
    st, out = judge(s, "wrong_derivative_formula")
    assert st == {"derivative_site": HOLDS, "values_recorded": HOLDS, "mismatch_measured": HOLDS}
    ev = out.drafts[0].evidence
    assert ev["activation"] == "relu" and ev["wrong"] == ev["compared"] == 30
    start = untraced(src.replace("range(30)", "range(0)"))
    first = np.maximum(start["feats"] @ start["inner"], 0.0)  # the slope's values at step 0
    assert ev["step"] == 0 and ev["mean"] == pytest.approx(float(first.mean()), rel=1e-6)
    assert ev["nonzero"] == pytest.approx(float((first > 0).mean()), rel=1e-6)
    assert "wrong_derivative_formula" in tags(s)


def test_wrong_derivative_fails_on_the_relu_mask(tmp_path):
    s = trace(tmp_path, RELU_SLOPE.replace("SLOPE", "(v > 0).astype(v.dtype)"))
    st, _ = judge(s, "wrong_derivative_formula")
    assert st["mismatch_measured"] == FAILS
    assert "wrong_derivative_formula" not in tags(s)


# -- inplace_mutation_aliasing: a list that keeps one array the loop overwrites -----------------------

KEPT_STATES = """
import numpy as np
rng = np.random.default_rng(6)
seqs = rng.uniform(-0.5, 0.5, size=(30, 5))
feed, loop, read = rng.normal(size=4) * 0.5, rng.normal(size=(4, 4)) * 0.3, rng.normal(size=4) * 0.3

def run(seq):
    state = np.zeros(4)
    trail = [state.copy()]
    for value in seq:
        STEP
        trail.append(state)
    return trail

for epoch in range(3):
    for seq in seqs:
        trail = run(seq)
        miss = read @ trail[-1] - seq.sum()
        raw = miss * read * (1.0 - trail[1] ** 2)
        read = read - 0.05 * miss * trail[-1]
        feed = feed - 0.05 * raw * seq[0]
"""


def test_inplace_holds_when_a_list_keeps_the_array_the_loop_overwrites(tmp_path):
    src = KEPT_STATES.replace("STEP", "state[:] = np.tanh(feed * value + loop @ state)")
    s = trace(tmp_path, src)
    st, out = judge(s, "inplace_mutation_aliasing")
    assert st == {"writes_argument": HOLDS, "caller_keeps_array": HOLDS, "array_changed": HOLDS,
                  "caller_sees_change": HOLDS}
    ev = out.drafts[0].evidence
    assert ev["list"] == "trail" and ev["name"] == "state"
    # Replayed: the first two stores of the first sequence, as the loop computed them.
    ns = untraced(src.replace("for epoch in range(3)", "for epoch in range(0)"))
    state = np.zeros(4)
    first = np.tanh(ns["feed"] * ns["seqs"][0][0] + ns["loop"] @ state)
    second = np.tanh(ns["feed"] * ns["seqs"][0][1] + ns["loop"] @ first)
    assert ev["step"] >= 0 and ev["fraction_stores_changed"] == pytest.approx(1.0)
    trail = ns["run"](ns["seqs"][0])
    assert all(t is trail[-1] for t in trail[1:])  # one array under every entry
    assert not np.allclose(first, second)
    assert any(f.after.strip().startswith("state = np.tanh(") for f in out.drafts[0].fixes)


def test_inplace_fails_when_the_loop_rebinds_the_array_it_stores(tmp_path):
    s = trace(tmp_path, KEPT_STATES.replace("STEP", "state = np.tanh(feed * value + loop @ state)"))
    st, _ = judge(s, "inplace_mutation_aliasing")
    assert st["writes_argument"] == FAILS
    assert "inplace_mutation_aliasing" not in tags(s)


def test_inplace_list_of_numbers_is_not_an_alias(tmp_path):
    # `total += x` on a float rebinds it: the list keeps each value, nothing is shared.
    s = trace(tmp_path, """
        import numpy as np
        w = np.ones(3)
        for it in range(12):
            history = []
            total = 0.0
            for k in range(4):
                total += float(w.sum()) * k
                history.append(total)
            w = w - 0.01 * np.sign(w) * history[-1] / 100
    """)
    st, _ = judge(s, "inplace_mutation_aliasing")
    assert st.get("caller_sees_change") != HOLDS
    assert "inplace_mutation_aliasing" not in tags(s)


DECAY = """
import numpy as np
feats = np.linspace(-1, 1, 40).reshape(20, 2)
goal = feats @ np.array([1.5, -2.0]) + 0.5
shrink = 1e-4
coef, vel, cut = np.zeros(2), np.zeros(2), 0.0
for it in range(60):
    miss = feats @ coef + cut - goal
    grad = feats.T @ miss / len(goal)
    vel = 0.8 * vel - 0.1 * (grad + TERM)
    coef = coef + vel
    cut = cut - 0.1 * miss.mean()
"""


def test_hyperparameter_holds_when_a_literal_sets_the_decay(tmp_path):
    s = trace(tmp_path, DECAY.replace("TERM", "0.3 * coef"))
    st, out = judge(s, "hyperparameter_defined_not_used")
    assert st == {"hyperparameter_unread": HOLDS, "other_value_in_effect": HOLDS}
    ev = out.drafts[0].evidence
    assert ev["name"] == "shrink" and ev["role"] == "factor" and ev["in_effect"] == [0.3]
    fix = out.drafts[0].fixes[0]
    assert fix.after == "vel = 0.8 * vel - 0.1 * (grad + shrink * coef)"


def test_hyperparameter_fails_when_the_decay_constant_is_read(tmp_path):
    s = trace(tmp_path, DECAY.replace("TERM", "shrink * coef"))
    st, _ = judge(s, "hyperparameter_defined_not_used")
    assert st == {"hyperparameter_unread": FAILS}


# -- wrong_derivative_formula: the gradient at a softmax's logits sums to 0 over the classes --------------

SOFTMAX_GRAD = """
import numpy as np
rng = np.random.default_rng(9)
labels = rng.integers(0, 4, size=120)
cols = np.eye(4)[:, labels][:3] * 2.0 + rng.normal(size=(3, 120)) * 0.5
onehot = np.eye(4)[:, labels]
mix = rng.normal(size=(4, 3)) * 0.01
for it in range(25):
    raw = mix @ cols
    ex = np.exp(raw - raw.max(axis=0, keepdims=True))
    probs = ex / ex.sum(axis=0, keepdims=True)
    d_raw = GRAD
    mix = mix - 0.5 * d_raw @ cols.T / 120
"""


def test_wrong_derivative_holds_on_a_softmax_gradient_that_does_not_sum_to_zero(tmp_path):
    src = SOFTMAX_GRAD.replace("GRAD", "(probs - onehot) * probs * (1.0 - probs)")
    s = trace(tmp_path, src)
    st, out = judge(s, "wrong_derivative_formula")
    assert st == {"derivative_site": HOLDS, "values_recorded": HOLDS, "mismatch_measured": HOLDS}
    ev = out.drafts[0].evidence
    start = untraced(src.replace("range(25)", "range(1)"))
    assert ev["classes"] == 4 and ev["step"] == 0
    assert ev["mean"] == pytest.approx(float(start["d_raw"].mean()), rel=1e-6)
    assert abs(start["d_raw"].sum(axis=0)).max() > 1e-3  # per sample, the classes do not cancel


def test_wrong_derivative_fails_on_probs_minus_onehot(tmp_path):
    s = trace(tmp_path, SOFTMAX_GRAD.replace("GRAD", "probs - onehot"))
    st, _ = judge(s, "wrong_derivative_formula")
    assert st["mismatch_measured"] == FAILS
    assert "wrong_derivative_formula" not in tags(s)


def test_wrong_derivative_ignores_a_relu_recomputed_for_the_weight_gradient(tmp_path):
    # The backward pass recomputes max(pre, 0) for the output layer's gradient: a matrix product, not a derivative.
    src = RELU_SLOPE.replace("SLOPE", "(v > 0).astype(v.dtype)").replace(
        "    outer = outer - 0.2 * hid.T @ miss", "    again = np.maximum(pre, 0.0)\n    outer = outer - 0.2 * again.T @ miss")
    s = trace(tmp_path, src)
    st, _ = judge(s, "wrong_derivative_formula")
    assert st.get("mismatch_measured") != HOLDS
    assert "wrong_derivative_formula" not in tags(s)


def test_inplace_a_list_of_snapshots_read_only_after_training_changes_nothing(tmp_path):
    # Every entry of `history` is the weight array itself, but only the report after training reads it.
    s = trace(tmp_path, """
        import numpy as np
        rng = np.random.default_rng(1)
        X = rng.normal(size=(20, 3))
        y = X @ np.array([1.0, -1.0, 0.5])
        w = np.zeros(3)
        history = []
        for step in range(15):
            w -= 0.1 * X.T @ (X @ w - y) / 20
            history.append(w)
        spread = float(np.ptp([h[0] for h in history]))
        print(spread)
    """)
    st, _ = judge(s, "inplace_mutation_aliasing")
    assert st.get("caller_sees_change") != HOLDS
    assert "inplace_mutation_aliasing" not in tags(s)


def test_silent_broadcast_is_inferred_from_the_recorded_operand_shapes():
    from nandoctor.detectors.structure import broadcast_of, silent_broadcasts

    # numpy's own broadcast is the reference for the inferred shapes
    for a, b in (((5,), (5, 1)), ((4, 3), (3,)), ((2, 1), (1, 6)), ((), (7,))):
        assert broadcast_of(a, b) == np.broadcast_shapes(a, b)
    assert broadcast_of((3,), (4,)) is None
    # an unnamed column made by a matrix product: (180, 3) @ (3, 1) is (180, 1), against a (180,) vector
    rows = np.zeros((180, 3)) @ np.zeros((3, 1)) - np.zeros(180)
    got = silent_broadcasts("r = inputs @ coef - power", {"inputs": (180, 3), "coef": (3, 1), "power": (180,)})
    assert got == [("power", (180,), "inputs @ coef", (180, 1), rows.shape)]
    # nothing is combined in an index or a plain copy, and an axis added on purpose is not modelled: no finding
    assert silent_broadcasts("dw = grads[p]", {"grads": (100,), "p": ()}) == []
    assert silent_broadcasts("d = x[:, None] - x", {"x": (100,)}) == []
    # a layer as wide as the batch: (4, 3) @ (3, 4) plus a (4,) bias row is (4, 4) by design, no (n,)-(n, 1) pair
    assert silent_broadcasts("z = X @ w + b", {"X": (4, 3), "w": (3, 4), "b": (4,)}) == []


def test_a_broadcast_against_a_method_s_return_is_found_and_explains_the_grown_weights(tmp_path):
    # `err = self.predict(X) - y`: the (n, 1) operand is the method's return, the (n,) one the target; the weights'
    # gradient then takes a sample axis and self.w grows from (4, 1) to (4, n), the broadcast's consequence
    src = """
        import numpy as np
        rng = np.random.default_rng(3)
        X = rng.normal(0, 1, (60, 4))
        y = X @ np.array([1.0, -0.5, 0.0, 2.0]) + 1.0{shape}


        class Line:
            def __init__(self):
                self.w = np.zeros((4, 1))
                self.b = 0.0

            def predict(self, X):
                return X @ self.w + self.b

            def step(self, X, y):
                err = self.predict(X) - y
                self.w = self.w - 0.05 * 2 * X.T @ err / len(X)
                self.b = self.b - 0.05 * 2 * np.mean(err)


        model = Line()
        for it in range(40):
            model.step(X, y)
        """
    ns = untraced(src.format(shape=""))
    assert ns["model"].w.shape == (4, 60)  # the plain run: the broadcast grew the weights
    s = trace(tmp_path, src.format(shape=""))
    assert tags(s)[:1] == ["shape_broadcasting_bug"], tags(s)
    cause = s.causes[0]
    assert "(60, 60)" in cause.summary and "self.predict(X)" in cause.summary
    assert "parameter_shape_per_sample" not in tags(s)
    s = trace(tmp_path, src.format(shape=".reshape(-1, 1)"), "column")
    assert "shape_broadcasting_bug" not in tags(s)


def test_an_integer_target_rebound_to_its_reshape_is_no_integer_store(tmp_path):
    # `Y = Y.reshape(Y_hat.shape)` binds Y to the reshape's own (integer) result and reads Y_hat for its shape only
    src = """
        import numpy as np
        rng = np.random.default_rng(2)
        X = rng.normal(0, 1, (2, 60))
        Y = (X[0] > 0).astype(int)[None, :]
        W = rng.normal(0, 0.5, (1, 2))
        for step in range(30):
            Y_hat = 1 / (1 + np.exp(-(W @ X)))
            Y = Y.reshape(Y_hat.shape)
            W -= 0.5 * (Y_hat - Y) @ X.T / X.shape[1]
        """
    assert untraced(src)["Y"].dtype.kind == "i"  # the target stays an integer array, nothing truncated
    s = trace(tmp_path, src)
    st, _ = judge(s, "integer_dtype_truncation")
    assert st == {"integer_store": FAILS}
    assert "integer_dtype_truncation" not in [f.code for f in s.findings]


LAYER_FROM_DICT = """
    import numpy as np
    rng = np.random.default_rng(3)
    X = rng.normal(2, 1, (2, 80))
    Y = (X[0] > 2).astype(float)[None, :]
    params = {"W1": rng.normal(0, 0.5, (4, 2)), "b1": np.zeros((4, 1)),
              "W2": rng.normal(0, 0.5, (1, 4)), "b2": np.zeros((1, 1))}
    def layer(A, W, b):
        return np.tanh(W @ A + b)
    for step in range(40):
        A = X
        for i in (1, 2):
            W_cur = params["W" + str(i)]
            b_cur = params["b" + str(i)]
            A = layer(A, W_cur, b_cur)
        err = A - Y
        params["b2"] -= 0.1 * err.mean(axis=1, keepdims=True)
    """


def test_a_bias_taken_from_a_parameter_dict_and_handed_to_a_layer_is_a_bias(tmp_path):
    s = trace(tmp_path, LAYER_FROM_DICT)
    assert "missing_bias" not in [f.code for f in s.findings]
    # the same net whose layer adds nothing: no bias at all
    s = trace(tmp_path, LAYER_FROM_DICT.replace("W @ A + b", "W @ A").replace(
        'params["b2"] -= 0.1 * err.mean(axis=1, keepdims=True)', 'params["W2"] -= 0.1 * err @ A.T'))
    assert "missing_bias" in [f.code for f in s.findings]


# -- targets_outside_activation_range: integer class indices ---------------------------------------------------------

# Softmax regression in features x samples: the loss picks each sample's probability with its integer label; the
# gradient compares the probabilities with one-hot targets.
INDEX_LABELS = """
import numpy as np
rng = np.random.default_rng(11)
X = rng.normal(size=(4, 90))
labels = rng.integers(0, 5, 90)
Y = np.zeros((5, 90))
Y[labels, np.arange(90)] = 1.0
W = np.zeros((5, 4))
def xent(probs, lab):
    return float(-np.mean(np.log(probs[lab, np.arange(lab.size)] + 1e-12)))
for epoch in range(20):
    s = W @ X
    e = np.exp(s - s.max(axis=0, keepdims=True))
    probs = e / e.sum(axis=0, keepdims=True)
    loss = xent(probs, labels)
    W -= 0.5 * (probs - Y) @ X.T / 90
"""


def test_integer_labels_a_statement_picks_probabilities_with_are_no_targets_to_reach(tmp_path):
    s = trace(tmp_path, INDEX_LABELS)
    st, out = judge(s, "targets_outside_activation_range")
    if st.get("targets_measured") == HOLDS and st.get("bounded_output") == HOLDS:
        assert st["targets_are_values"] == FAILS
        check = next(c for c in out.checks if c.premise == "targets_are_values")
        assert check.why.startswith("labels holds integers that `") and "picks entries with" in check.why
    assert "targets_outside_activation_range" not in tags(s)


def test_float_targets_out_of_a_sigmoid_s_range_are_values_to_reach(tmp_path):
    src = """
import numpy as np
rng = np.random.default_rng(2)
X = rng.normal(size=(60, 3))
stars = np.round(3 + X @ np.array([0.8, -0.5, 0.3])).clip(1, 5)
w = np.zeros(3)
for epoch in range(60):
    pred = 1 / (1 + np.exp(-(X @ w)))
    err = pred - stars
    w -= 0.1 * X.T @ (err * pred * (1 - pred)) / 60
"""
    s = trace(tmp_path, src)
    st, _ = judge(s, "targets_outside_activation_range")
    assert st["targets_are_values"] == HOLDS and st["targets_outside"] == HOLDS


# -- missing_bias: a least-squares fit solved in one shot ------------------------------------------------------------

CLOSED_FORM = """
import numpy as np
rng = np.random.default_rng(7)
dist = rng.normal(0.0, 3.0, 200)
parcels = rng.normal(0.0, 2.0, 200)
minutes = 42.0 + 4.5 * dist + 1.8 * parcels + rng.normal(0.0, 2.5, 200)
X = np.column_stack(COLUMNS)
X_tr, X_te = X[:150], X[150:]
y_tr, y_te = minutes[:150], minutes[150:]
def mse(coef, A, t):
    r = A @ coef - t
    return float(np.mean(r ** 2))
coef = np.linalg.solve(X_tr.T @ X_tr, X_tr.T @ y_tr)
final = mse(coef, X_tr, y_tr)
test = mse(coef, X_te, y_te)
"""


def test_a_closed_form_fit_without_a_column_of_ones_misses_by_a_constant(tmp_path):
    src = CLOSED_FORM.replace("COLUMNS", "[dist, parcels]")
    s = trace(tmp_path, src)
    st, out = judge(s, "missing_bias")
    assert st == {"no_bias_term": HOLDS, "offset_needed": HOLDS, "decision_stuck": HOLDS}
    ns = untraced(src)
    miss = ns["X_te"] @ ns["coef"] - ns["y_te"]  # the last difference recorded after the solve
    ev = out.drafts[0].evidence
    assert ev["miss_mean_end"] == pytest.approx(miss.mean())
    assert ev["feature_mean"] == pytest.approx(ns["y_tr"].mean()) and ev["feature_std"] == pytest.approx(ns["y_tr"].std())
    assert tags(s)[0] == "missing_bias"
    # the fix puts the ones into the table both halves are cut from; applied, the fit's misses centre on zero
    fix = out.drafts[0].fixes[0]
    assert fix.before == "X = np.column_stack([dist, parcels])"
    fixed = untraced(src.replace(fix.before, fix.after))
    assert abs((fixed["X_te"] @ fixed["coef"] - fixed["y_te"]).mean()) < 0.1 * abs(miss.mean())
    from nandoctor.report.words import verdict

    assert verdict(s).headline == "No NaN or infinity and no training loop, but the model has problems"


def test_a_closed_form_fit_with_a_column_of_ones_has_its_intercept(tmp_path):
    s = trace(tmp_path, CLOSED_FORM.replace("COLUMNS", "[np.ones(200), dist, parcels]"))
    st, _ = judge(s, "missing_bias")
    assert st["no_bias_term"] == FAILS
    assert "missing_bias" not in tags(s)


# -- inplace_mutation_aliasing: a view of data that is reordered at every epoch ----------------------------------------

JITTER_VIEW = """
import numpy as np
rng = np.random.default_rng(5)
X = rng.normal(size=(120, 2))
y = (X[:, 0] + X[:, 1] > 0).astype(float)
w = np.zeros(2)
spreads = []
for epoch in range(6):
    perm = rng.permutation(len(X))
    X = X[perm]
    y = y[perm]
    spreads.append(X.std())
    for s in range(0, 120, 30):
        xb = X[s:s + 30]
        JITTER
        p = 1 / (1 + np.exp(-(xb @ w)))
        w -= 0.5 * xb.T @ (p - y[s:s + 30]) / 30
"""


def test_a_view_written_in_place_changes_data_that_is_only_reordered_between_passes(tmp_path):
    src = JITTER_VIEW.replace("JITTER", "xb += 0.3 * rng.standard_normal(xb.shape)")
    s = trace(tmp_path, src)
    st, out = judge(s, "inplace_mutation_aliasing")
    assert st == {"writes_argument": HOLDS, "caller_keeps_array": HOLDS, "array_changed": HOLDS, "caller_sees_change": HOLDS}
    ev = out.drafts[0].evidence
    spreads = untraced(src)["spreads"]  # the replay: the spread a reorder alone would keep grows pass after pass
    assert ev["before_std"] == pytest.approx(spreads[0]) and ev["after_std"] == pytest.approx(spreads[1])
    assert spreads[1] > spreads[0]
    assert out.drafts[0].fixes[0].after == "xb = X[s:s + 30].copy()"


def test_a_jittered_copy_leaves_the_reordered_data_alone(tmp_path):
    src = JITTER_VIEW.replace("JITTER", "xb = xb + 0.3 * rng.standard_normal(xb.shape)")
    s = trace(tmp_path, src)
    spreads = untraced(src)["spreads"]
    assert max(spreads) - min(spreads) < 1e-12
    assert "inplace_mutation_aliasing" not in tags(s)


LAYER_DICTS = """
import numpy as np
rng = np.random.default_rng(9)
X = rng.normal(0, 1, (90, 2))
labels = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0).astype(int)
Y = np.eye(3)[labels]
layers = [{"W": rng.normal(0, 0.5, (2, 6)), "b": np.zeros(6)}, {"W": rng.normal(0, 0.5, (6, 3)), "b": np.zeros(3)}]
for step in range(80):
    outs = [X]
    outs.append(np.tanh(outs[-1] @ layers[0]["W"] + layers[0]["b"]))
    logits = outs[-1] @ layers[1]["W"] + layers[1]["b"]
    logits -= logits.max(axis=1, keepdims=True)
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    delta = (probs - Y) / len(X)
    for i in (1, 0):
        gW = outs[i].T @ delta
        gb = delta.sum(axis=0)
        if i > 0:
            delta = (delta @ layers[i]["W"].T) * (1 - outs[i] ** 2)
        layers[i]["W"] -= 0.5 * gW
        layers[i]["b"] -= 0.5 * gb
"""


def test_working_storage_stepped_in_the_loop_is_no_learned_name(tmp_path):
    """`delta = (delta @ W.T) * ...` and `logits -= logits.max(...)` change in the loop from other values, but the
    program model found them working storage: no parameter, so `gW = outs[i].T @ delta` multiplies none."""
    from nandoctor.analysis.causes._passes import learned_names

    s = trace(tmp_path, LAYER_DICTS)
    F = facts(s)
    roles = {F.by_id[u].target: r for u, r in F.update_roles.items()}
    assert roles["delta"] != "parameter" and roles["logits"] != "parameter"
    names = learned_names(F)
    assert "delta" not in names and "logits" not in names and "layers" in names


# Softmax regression whose gradient subtracts the class labels as a column (`y.reshape(-1, 1)`) from the (n, 3)
# probabilities: numpy repeats each label across the three columns instead of making one-hot rows.
LABEL_COLUMN = """
import numpy as np
rng = np.random.default_rng(0)
X = rng.normal(size=(150, 4))
y = np.argmax(X[:, :3] + 0.3 * rng.normal(size=(150, 3)), axis=1)
W = rng.normal(0, 0.1, (4, 3))
b = np.zeros(3)
target = TARGET
for it in range(200):
    logits = X @ W + b
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs = e / e.sum(axis=1, keepdims=True)
    grad = (probs - target) / 150
    W -= 0.5 * X.T @ grad
    b -= 0.5 * grad.sum(axis=0)
"""


def test_class_labels_subtracted_as_a_column_from_the_probabilities_are_a_silent_broadcast(tmp_path):
    s = trace(tmp_path, LABEL_COLUMN.replace("TARGET", "y.reshape(-1, 1)"))
    found = [f for f in s.findings if f.code == "shape_broadcasting" and f.evidence.get("labels")]
    rng = np.random.default_rng(0)
    X = rng.normal(size=(150, 4))
    y = np.argmax(X[:, :3] + 0.3 * rng.normal(size=(150, 3)), axis=1)
    assert found and found[0].evidence["shapes"] == {"probs": [150, 3], "target": [150, 1]}
    assert f"whole numbers up to {y.max():g}" in found[0].message
    assert tags(s)[:1] == ["shape_broadcasting_bug"]


def test_one_hot_targets_subtracted_from_the_probabilities_are_no_broadcast(tmp_path):
    s = trace(tmp_path, LABEL_COLUMN.replace("TARGET", "np.eye(3)[y]"))
    assert not [f for f in s.findings if f.code == "shape_broadcasting"]
    assert "shape_broadcasting_bug" not in tags(s)


def test_a_modules_constant_read_through_the_module_is_read(tmp_path):
    # `eps = 1e-8` in a module of its own, read as `c.eps` after `import settings as c`: read, though never by its bare
    # name.
    (tmp_path / "settings.py").write_text("eps = 1e-8\n")
    s = trace(tmp_path, """
        import numpy as np
        import settings as c
        X = np.linspace(0, 1, 40).reshape(20, 2)
        y = X @ np.array([2.0, -1.0])
        w, cache, smooth = np.zeros(2), np.zeros(2), 0.0
        for step in range(30):
            g = X.T @ (X @ w - y) / len(y)
            loss = np.mean((X @ w - y) ** 2)
            cache += g * g
            w -= 0.5 * g / (np.sqrt(cache) + c.eps)
            smooth = 0.999 * smooth + 0.001 * loss
        print(smooth)
    """)
    from nandoctor.analysis.causes.hyperparameter_defined_not_used import unread_constants
    from nandoctor.detectors.facts import facts

    assert any(x.target == "eps" and x.file.endswith("settings.py") for x in s.sites)
    assert "eps" not in {u["name"] for u in unread_constants(facts(s))}
    st, _ = judge(s, "hyperparameter_defined_not_used")
    assert st["hyperparameter_unread"] == FAILS
