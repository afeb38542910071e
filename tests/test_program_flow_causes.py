"""Rules on programs whose values flow through closures, generators, lists of tables, autoencoders and parameter
lists: traced in process, premises judged on measured values, expected numbers from the same program run plainly."""

from __future__ import annotations

import numpy as np

from nandoctor.analysis.causes._passes import target_site
from nandoctor.analysis.rules import FAILS, HOLDS
from nandoctor.detectors.facts import facts

from conftest import analysed_session as trace, untraced, judge_rule
from nandoctor.trace.recorder import float_list_array


judge = judge_rule


# -- closures ----------------------------------------------------------------------------------------------

CLOSURE = """
import numpy as np
gen = np.random.default_rng(3)
hours = gen.uniform(0.0, 1.0, (60, 2))
grades = 1.0 + 3.0 * hours[:, 0] + 0.5 * hours[:, 1]

def make_model(n_in):
    state = {"w": gen.normal(0.0, 0.1, n_in), "b": 0.0}

    def predict(rows):
        return 1.0 / (1.0 + np.exp(-(rows @ state["w"] + state["b"])))

    def learn(rows, answers, pace):
        out = predict(rows)
        delta = (out - answers) * out * (1.0 - out)
        state["w"] = state["w"] - pace * rows.T @ delta / len(answers)
        state["b"] = state["b"] - pace * float(np.mean(delta))
        return float(np.mean((out - answers) ** 2))

    return learn

learn = make_model(2)
for turn in range(40):
    mse = learn(hours, grades, 1.0)
"""


def test_a_closure_dict_written_by_one_closure_and_read_by_another_is_a_parameter(tmp_path):
    s = trace(tmp_path, CLOSURE)
    F = facts(s)
    # the dict the enclosing function set up, and its entries the learning closure steps
    assert {F.by_id[p].target for p in F.params} == {"state", "state['w']", "state['b']"}
    status, _ = judge(s, "targets_outside_activation_range")
    assert status["targets_outside"] == HOLDS
    top = float(untraced(CLOSURE)["grades"].max())
    assert top > 1.0  # the replay: the targets leave a sigmoid's range


def test_closure_targets_inside_the_range_fail_the_premise(tmp_path):
    s = trace(tmp_path, CLOSURE.replace("grades = 1.0 +", "grades = 0.2 * (1.0 +").replace(
        "hours[:, 1]\n", "hours[:, 1]) / 4.5\n", 1))
    status, _ = judge(s, "targets_outside_activation_range")
    assert status["targets_outside"] == FAILS


NONLOCAL = """
import numpy as np
gen = np.random.default_rng(5)
inputs = np.column_stack([gen.uniform(0.0, 1.0, 12), np.ones(12)])
power = 2.0 * inputs[:, 0] + 0.3

def fitter(n_cols):
    coef = np.zeros((n_cols, 1))

    def residual():
        return inputs @ coef - power

    def update(pace):
        nonlocal coef
        r = residual()
        coef = coef - pace * inputs.T @ r / len(r)
        return float(np.mean(r ** 2))

    return update

update = fitter(2)
for rnd in range(5):
    mse = update(0.1)
"""


def test_a_nonlocal_rebinding_broadcasting_a_column_against_a_vector_is_found(tmp_path):
    s = trace(tmp_path, NONLOCAL)
    status, out = judge(s, "shape_broadcasting_bug")
    assert status["silent_broadcast"] == HOLDS
    n = len(untraced(NONLOCAL)["power"])
    assert out.drafts[0].evidence["result"] == [n, n]


def test_the_same_closure_with_a_column_target_has_no_broadcast(tmp_path):
    s = trace(tmp_path, NONLOCAL.replace("power = 2.0 * inputs[:, 0] + 0.3", "power = (2.0 * inputs[:, 0] + 0.3)[:, None]"))
    status, _ = judge(s, "shape_broadcasting_bug")
    assert status["silent_broadcast"] == FAILS


# -- generators of minibatches ------------------------------------------------------------------------------

GENERATOR = """
import numpy as np
rng = np.random.default_rng(4)
area = rng.uniform(40.0, 400.0, 80)
table = np.column_stack([area, rng.integers(1, 8, 80).astype(float)])
price = 1.5 * table[:, 0] + 20.0 * table[:, 1]

def batches(features, answers, size):
    for start in range(0, len(answers), size):
        yield features[start:start + size], answers[start:start + size]

coef = np.zeros(2)
for sweep in range(3):
    for feats, answers in batches(table, price, 20):
        resid = feats @ coef - answers
        coef = coef - 0.01 * feats.T @ resid / len(answers)
"""


def test_minibatches_drawn_from_a_generator_are_traced_back_to_the_data(tmp_path):
    s = trace(tmp_path, GENERATOR)
    F = facts(s)
    assert F.inputs is not None and F.by_id[F.inputs].target == "table"
    status, out = judge(s, "unnormalized_inputs")
    assert status["inputs_measured"] == HOLDS and status["inputs_large"] == HOLDS
    spread = float(untraced(GENERATOR)["table"].std())
    assert spread > 10.0


# -- softmax written over two statements ---------------------------------------------------------------------

SOFTMAX = """
import numpy as np
gen = np.random.default_rng(11)
points = gen.uniform(40.0, 215.0, (30, 4)).astype(np.float32)
labels = np.arange(30) % 3

class Scorer:
    def __init__(self):
        self.mat = np.full((4, 3), 0.3, dtype=np.float32)

    def __call__(self, rows):
        logits = rows @ self.mat
        expd = np.exp(logits)
        return expd / expd.sum(axis=1, keepdims=True)

model = Scorer()
for rnd in range(3):
    probs = model(points)
    grad = probs.copy()
    grad[np.arange(30), labels] -= 1.0
    model.mat -= 0.001 * points.T @ grad / 30
"""


def test_an_exp_divided_by_its_sum_in_the_next_statement_is_a_softmax(tmp_path):
    s = trace(tmp_path, SOFTMAX)
    logits_max = float((untraced(SOFTMAX)["points"] @ np.full((4, 3), 0.3, np.float32)).max())
    assert logits_max > 88.7  # float32 exp overflows on the first pass
    status, _ = judge(s, "softmax_overflow_no_max_subtraction")
    assert status["softmax_form"] == HOLDS and status["max_not_subtracted"] == HOLDS
    status, _ = judge(s, "exp_overflow")
    assert status["not_unshifted_softmax"] == FAILS


# -- autoencoders and summed gradients ------------------------------------------------------------------------

AUTOENCODER = """
import numpy as np
gen = np.random.default_rng(5)
readings = gen.normal(0.0, 1.0, (400, 3)) @ gen.normal(0.0, 1.0, (3, 6)) / 3.0
enc = gen.normal(0.0, 0.1, (6, 2))
dec = gen.normal(0.0, 0.1, (2, 6))
for epoch in range(40):
    hidden = readings @ enc
    rebuilt = hidden @ dec
    diff = rebuilt - readings
    cost = np.mean(np.sum(diff ** 2, axis=1))
    g_dec = hidden.T @ diff
    g_enc = readings.T @ (diff @ dec.T)
    dec -= 0.05 * g_dec
    enc -= 0.05 * g_enc
"""


def test_an_autoencoder_compares_its_output_with_its_inputs(tmp_path):
    s = trace(tmp_path, AUTOENCODER)
    F = facts(s)
    assert F.target is not None and F.by_id[F.target].target == "readings"
    assert target_site(F) == F.target


DEEP_AUTOENCODER = """
import numpy as np
rng = np.random.default_rng(5)
X = rng.normal(size=(300, 3)) @ rng.normal(size=(3, 8))
X = (X - X.mean(axis=0)) / X.std(axis=0)
sizes = [8, 6, 2, 6, 8]
params = [(0.01 * rng.normal(size=(a, b)), np.zeros(b)) for a, b in zip(sizes[:-1], sizes[1:])]

def forward(X):
    acts = [X]
    for k, (W, b) in enumerate(params):
        z = acts[-1] @ W + b
        acts.append(z if k == len(params) - 1 else np.tanh(z))
    return acts

for epoch in range(60):
    acts = forward(X)
    diff = acts[-1] - X
    g = 2 * diff / len(X)
    for k in reversed(range(len(params))):
        W, b = params[k]
        gW, gb = acts[k].T @ g, g.sum(axis=0)
        if k > 0:
            g = (g @ W.T) * (1 - acts[k] ** 2)
        W -= 0.02 * gW
        b -= 0.02 * gb
"""


def test_an_autoencoder_output_appended_to_a_list_is_compared_with_its_inputs(tmp_path):
    # `acts = forward(X)` hands back a list nothing records; the reconstruction is its last appended value
    s = trace(tmp_path, DEEP_AUTOENCODER)
    F = facts(s)
    assert F.target is not None and F.by_id[F.target].target == "X"
    assert F.output is not None and F.by_id[F.output].kind == "append"
    assert F.by_id[F.loss_side[2]].target == "diff"


def test_a_summed_autoencoder_gradient_is_judged_on_its_first_update(tmp_path):
    s = trace(tmp_path, AUTOENCODER)
    status, out = judge(s, "gradient_sum_not_mean")
    assert status["gradient_summed"] == HOLDS and status["step_too_large_by_the_sum"] == HOLDS
    ns = untraced(AUTOENCODER.replace("range(40)", "range(1)"))
    # the replay of the first update: its ratio, divided by the 400 samples, is small
    gen = np.random.default_rng(5)
    gen.normal(0.0, 1.0, (400, 3)), gen.normal(0.0, 1.0, (3, 6))  # the data's draws, so the weights' come next
    enc0, dec0 = gen.normal(0.0, 0.1, (6, 2)), gen.normal(0.0, 0.1, (2, 6))
    # the median over the two weight arrays of their first update's |delta| / |w|
    first = float(np.median([np.linalg.norm(ns["enc"] - enc0) / np.linalg.norm(enc0),
                             np.linalg.norm(ns["dec"] - dec0) / np.linalg.norm(dec0)]))
    measured = next(c for c in out.checks if c.premise == "step_too_large_by_the_sum").numbers["ratio"]
    assert np.isclose(measured, first, rtol=1e-6) and first / 400 < 0.1


def test_a_mean_autoencoder_gradient_is_no_summed_gradient(tmp_path):
    s = trace(tmp_path, AUTOENCODER.replace("hidden.T @ diff\n", "hidden.T @ diff / len(readings)\n").replace(
        "(diff @ dec.T)\n", "(diff @ dec.T) / len(readings)\n"))
    status, _ = judge(s, "gradient_sum_not_mean")
    assert status["gradient_summed"] == FAILS


# -- updates lost on a parameter list of mixed shapes ---------------------------------------------------------

PARAM_LIST = """
import numpy as np
gen = np.random.default_rng(41)
series = gen.normal(0.0, 1.0, (6, 5))
params = [gen.normal(0.0, 0.3, 3), gen.normal(0.0, 0.3, (3, 3))]
for epoch in range(3):
    for s in range(6):
        state = np.tanh(params[1] @ np.tanh(params[0] * series[s, 0]))
        miss = state.sum() - series[s].mean()
        grads = (miss * np.ones(3), miss * np.ones((3, 3)))
        for p, g in zip(params, grads):
            p = p - 0.05 * g
"""


def test_a_rebound_loop_name_over_arrays_of_two_shapes_is_measured_lost(tmp_path):
    s = trace(tmp_path, PARAM_LIST)
    status, out = judge(s, "parameter_not_updated")
    assert status["update_lost"] == HOLDS
    first = np.random.default_rng(41)
    first.normal(0.0, 1.0, (6, 5))
    assert np.array_equal(untraced(PARAM_LIST)["params"][0], first.normal(0.0, 0.3, 3))  # never changed


def test_the_same_list_updated_in_place_is_not_lost(tmp_path):
    s = trace(tmp_path, PARAM_LIST.replace("p = p - 0.05 * g", "p -= 0.05 * g"))
    status, _ = judge(s, "parameter_not_updated")
    assert status.get("update_lost") in (None, FAILS) or status["rebinding_update"] == FAILS


def test_the_same_list_in_float32_updated_in_place_lands(tmp_path):
    # `p -= step` in float32 changes p by the step only to within float32 rounding of p: the update still landed.
    src = PARAM_LIST.replace("gen.normal(0.0, 0.3, 3), gen.normal(0.0, 0.3, (3, 3))",
                             "gen.normal(0.0, 0.3, 3).astype(np.float32), gen.normal(0.0, 0.3, (3, 3)).astype(np.float32)")
    s = trace(tmp_path, src.replace("p = p - 0.05 * g", "p -= np.float32(1e-4) * g.astype(np.float32)"))
    status, _ = judge(s, "parameter_not_updated")
    assert status.get("update_lost") == FAILS


SATURATED_MOMENTUM = """
import numpy as np
rng = np.random.default_rng(14)
X = rng.uniform(1900.0, 2000.0, (3, 200))
Y = rng.normal(0.0, 1.0, (1, 200))
W1 = rng.normal(0.0, 0.5, (6, 3))
b1 = np.zeros((6, 1))
W2 = rng.normal(0.0, 0.5, (1, 6))
b2 = np.zeros((1, 1))
params = [W1, b1, W2, b2]
velocity = [np.zeros_like(p) for p in params]
for it in range(1500):
    A1 = np.tanh(W1 @ X + b1)
    out = W2 @ A1 + b2
    d2 = (out - Y) / 200
    d1 = (W2.T @ d2) * (1 - A1 ** 2)
    grads = [d1 @ X.T, np.sum(d1, axis=1, keepdims=True), d2 @ A1.T, np.sum(d2, axis=1, keepdims=True)]
    for p, v, g in zip(params, velocity, grads):
        v *= 0.9
        v -= 0.05 * g
        p += v
"""


def test_steps_within_rounding_and_a_zero_velocity_are_no_lost_update_and_no_symmetric_start(tmp_path):
    # Raw years saturate every tanh unit, so the first layer's gradient, and its velocity, stay exactly zero; the
    # output layer converges until its steps fall below the rounding of its weights. Neither is a lost update, and
    # the all-zero velocity is optimizer state, not a layer started symmetric.
    replay = untraced(SATURATED_MOMENTUM)
    assert not np.any(replay["velocity"][0])  # the first layer's velocity never left zero
    assert np.all(np.abs(replay["W1"] @ replay["X"]) > 20)  # every unit saturated, so 1 - A1 ** 2 is exactly 0
    s = trace(tmp_path, SATURATED_MOMENTUM)
    status, _ = judge(s, "parameter_not_updated")
    assert status.get("update_lost") != HOLDS
    status, _ = judge(s, "weights_init_symmetric")
    assert status.get("units_identical_from_start") != HOLDS
    assert "parameter_not_updated" not in [c.tag for c in s.causes]
    assert "weights_init_symmetric" not in [c.tag for c in s.causes]


LAYER_GRADIENT_HANDOFF = """
import numpy as np
gen = np.random.default_rng(5)
class Scale:
    def __init__(self):
        self.k = gen.normal(size=3)
    def backward(self, grad):
        self.dk = grad
        return grad * self.k
layers = [Scale(), Scale()]
def backward(grad):
    for layer in layers[::-1]:
        grad = layer.backward(grad)
for it in range(6):
    backward(gen.normal(size=3))
    for layer in layers:
        layer.k -= 0.01 * layer.dk
"""


def test_a_value_handed_through_a_call_is_no_lost_update(tmp_path):
    # `grad = layer.backward(grad)` rebinds a function's parameter that nothing reads after the loop, but it adds
    # no step to the value it held: no parameter's update.
    s = trace(tmp_path, LAYER_GRADIENT_HANDOFF)
    status, _ = judge(s, "parameter_not_updated")
    assert status["rebinding_update"] == FAILS


# -- targets chosen by what the loss compares ---------------------------------------------------------------

EINSUM = """
import numpy as np
gen = np.random.default_rng(8)
frames = gen.normal(0.0, 1.0, (40, 3))
truth = np.array([0.6, -0.25, 0.4])
mixed = np.einsum("nc,c->n", frames, truth)
gains = np.zeros(3)
for loop in range(5):
    gap = np.einsum("nc,c->n", frames, gains) - mixed
    gains = gains - 0.1 * np.einsum("nc,n->c", frames, gap) / len(gap)
"""


def test_a_coefficient_vector_named_like_targets_is_not_the_targets(tmp_path):
    s = trace(tmp_path, EINSUM)
    F = facts(s)
    assert F.by_id[target_site(F)].target == "mixed"
    status, _ = judge(s, "parameter_shape_per_sample")
    assert status["parameter_per_sample"] == FAILS


# -- tables held in Python lists ---------------------------------------------------------------------------


def test_a_list_of_float_rows_is_a_table_and_other_lists_are_not():
    rows = [[1.0, 2], [3.5, 4]]
    assert np.array_equal(float_list_array(rows), np.array(rows, dtype=float))
    assert float_list_array([1.0, 2.0]) is None  # a flat weight list keeps its element-write reading
    assert float_list_array([[1, 2], [3, 4]]) is None  # integers only: counts, not measurements
    assert float_list_array([[1.0], [2.0, 3.0]]) is None  # ragged
    assert float_list_array([[1.0, "a"], [2.0, 3.0]]) is None


def test_a_nan_made_in_a_list_table_before_training_is_found_where_it_is_made(tmp_path):
    src = """
    import numpy as np
    raw = np.column_stack([np.arange(10.0), np.full(10, 4.0)])
    scaled = ((raw - raw.mean(axis=0)) / raw.std(axis=0)).tolist()
    w = [0.0, 0.0]
    for rnd in range(3):
        for row in scaled:
            miss = sum(a * b for a, b in zip(w, row)) - 1.0
            w = [a - 0.1 * miss * b for a, b in zip(w, row)]
    """
    s = trace(tmp_path, src)
    f = next(f for f in s.findings if f.code == "first_nonfinite")
    assert f.line == 4
    assert np.isnan(np.array(untraced(src)["scaled"])).sum() == 10


# -- names taken from a container at the top of each pass ---------------------------------------------------------

TAKEN = """
import numpy as np
gen = np.random.default_rng(8)
X = gen.normal(0.0, 1.0, (40, 3))
y = X @ np.array([0.5, -1.0, 2.0]) + 0.3
model = {"w": np.zeros(3), "b": 0.0}
for epoch in range(30):
    w, b = model["w"], model["b"]
    err = X @ w + b - y
    loss = float(np.mean(err ** 2))
    w = w - 0.1 * X.T @ err / len(y)
    b = b - 0.1 * float(np.mean(err))
"""


def test_names_taken_from_a_dict_and_rebound_are_measured_lost(tmp_path):
    s = trace(tmp_path, TAKEN)
    status, out = judge(s, "parameter_not_updated")
    assert status["rebinding_update"] == HOLDS and status["update_moves"] == HOLDS and status["update_lost"] == HOLDS
    kept = untraced(TAKEN)["model"]
    assert not np.any(kept["w"]) and kept["b"] == 0.0  # the plain run's model never moved
    fixes = {(fx.before, fx.after) for d in out.drafts for fx in d.fixes}
    # the array is updated in place (the dict holds it); the number is stored back, having no place to write into
    assert ("w = w - 0.1 * X.T @ err / len(y)", "w -= 0.1 * X.T @ err / len(y)") in fixes
    assert ("b = b - 0.1 * float(np.mean(err))", "b = b - 0.1 * float(np.mean(err)); model['b'] = b") in fixes
    for before, after in fixes:  # each fix, applied, lets the model learn in a plain run
        fixed = untraced(TAKEN.replace(before, after))["model"]
        assert np.any(fixed["w"] if "w" in before else fixed["b"])


TAKEN_UNTIL_STILL = """
import numpy as np
gen = np.random.default_rng(12)
X = gen.uniform(-1.0, 1.0, (80, 3))
y = (X @ np.array([1.5, -0.5, 0.8]))[:, None]
class Dense:
    def __init__(self, n_in, n_out):
        self.W = gen.normal(0.0, 0.5, (n_in, n_out))
        self.b = np.zeros((1, n_out))
    def forward(self, x):
        self.x = x
        return x @ self.W + self.b
    def backward(self, d):
        self.grads = {"W": self.x.T @ d, "b": d.sum(axis=0, keepdims=True)}
        return d @ self.W.T
layers = [Dense(3, 6), Dense(6, 1)]
def predict(x):
    for layer in layers:
        x = layer.forward(x)
    return x
def mse():
    return float(np.mean((predict(X) - y) ** 2))
prev, change, it = mse(), 1.0, 0
while change > 1e-7 and it < 500:
    d = 2 * (predict(X) - y) / len(y)
    for layer in reversed(layers):
        d = layer.backward(d)
    for layer in layers:
        for name in ("W", "b"):
            p = getattr(layer, name)
            p = p - 0.05 * layer.grads[name]
    cur = mse()
    change, prev, it = abs(prev - cur), cur, it + 1
"""


def test_a_loop_that_stops_after_one_pass_measures_the_model_unchanged_over_its_updates(tmp_path):
    # The step rebinds a name taken with getattr, so the loss does not change and the loop stops after one pass:
    # no two steps to pair the update's writes, but the layers compute the same values after the step as before.
    replay = untraced(TAKEN_UNTIL_STILL)
    assert replay["it"] == 1 and replay["change"] == 0.0
    s = trace(tmp_path, TAKEN_UNTIL_STILL)
    status, out = judge(s, "parameter_not_updated")
    assert status["update_lost"] == HOLDS, status
    fixes = {(fx.before, fx.after) for d in out.drafts for fx in d.fixes}
    assert ("p = p - 0.05 * layer.grads[name]", "p -= 0.05 * layer.grads[name]") in fixes
    fixed = untraced(TAKEN_UNTIL_STILL.replace("p = p - 0.05 *", "p -= 0.05 *"))
    assert fixed["it"] > 1 and fixed["prev"] < replay["prev"]  # the fix, run plainly, learns


def test_the_same_loop_stepping_in_place_is_no_lost_update(tmp_path):
    s = trace(tmp_path, TAKEN_UNTIL_STILL.replace("p = p - 0.05 *", "p -= 0.05 *"))
    status, _ = judge(s, "parameter_not_updated")
    assert status.get("update_lost") != HOLDS
    assert "parameter_not_updated" not in [c.tag for c in s.causes]


def test_names_taken_and_stored_back_are_no_lost_update(tmp_path):
    s = trace(tmp_path, TAKEN + '    model["w"], model["b"] = w, b\n')
    status, _ = judge(s, "parameter_not_updated")
    assert status.get("rebinding_update") == FAILS or status.get("update_lost") == FAILS


# A dataclass model fitted in a while loop that stops once the loss stops improving; the predictions are made once,
# before the loop, so the second step's loss equals the first and the loop ends after two steps.
DATACLASS_STALE = """
from dataclasses import dataclass, field
import numpy as np
rng = np.random.default_rng(21)
X = rng.normal(size=(120, 3))
y = 3.0 + X @ np.array([0.5, 1.3, 0.2]) + rng.normal(0, 0.5, 120)
@dataclass
class LinearModel:
    w: np.ndarray = field(default_factory=lambda: np.zeros(3))
    b: float = 0.0
    def predict(self, X):
        return X @ self.w + self.b
model = LinearModel()
pred = model.predict(X)
prev, improvement, it = np.inf, np.inf, 0
while improvement > 1e-6 and it < 500:
    STALE
    err = pred - y
    loss = np.mean(err ** 2)
    improvement, prev = prev - loss, loss
    model.w = model.w - 0.05 * 2 * X.T @ err / len(y)
    model.b = model.b - 0.05 * 2 * err.mean()
    it += 1
"""


def test_a_prediction_made_once_from_a_dataclass_model_before_a_while_loop_is_stale(tmp_path):
    src = DATACLASS_STALE.replace("STALE", "pass")
    s = trace(tmp_path, src)
    st, out = judge_rule(s, "forward_outside_loop")
    assert st == {"gradient_recorded": HOLDS, "gradient_repeats": HOLDS, "parameters_move": HOLDS, "forward_stale": HOLDS}
    assert _replayed(tmp_path, src)["it"] == 2  # the replay: the loop gave up after two identical losses
    assert "forward_outside_loop" in [c.tag for c in s.causes]


def test_a_prediction_remade_in_the_while_loop_is_not_stale(tmp_path):
    src = DATACLASS_STALE.replace("STALE", "pred = model.predict(X)")
    s = trace(tmp_path, src)
    assert _replayed(tmp_path, src)["it"] > 2
    assert "forward_outside_loop" not in [c.tag for c in s.causes]


def _replayed(tmp_path, src):
    """The program's globals after a plain run from its own file (compiled without this module's future imports,
    which would turn the dataclass's annotations into strings)."""
    import runpy
    import textwrap

    path = tmp_path / "replay.py"
    path.write_text(textwrap.dedent(src))
    return runpy.run_path(str(path), run_name="__replay__")


LISTED_IN_PLACE = """
import numpy as np
gen = np.random.default_rng(3)
X = gen.normal(0.0, 1.0, (50, 3))
t = X @ np.array([1.0, 2.0, -1.0])
Wa = gen.normal(0.0, 1.0, 3)
Wb = np.zeros(1)
lr = 3.0
for step in range(30):
    err = X @ Wa + Wb - t
    grads = [X.T @ err / 50, np.array([err.mean()])]
    for p, g in zip([Wa, Wb], grads):
        p -= lr * g
"""


def test_an_augmented_step_on_the_arrays_a_loop_walks_is_no_rebinding(tmp_path):
    """`p -= lr * g` over zip([Wa, Wb], grads) changes Wa and Wb themselves (in place), even in a run that blows up."""
    ns = untraced(LISTED_IN_PLACE)
    assert not np.isfinite(ns["Wa"]).all() or np.abs(ns["Wa"]).max() > 1e6  # the arrays moved: the rate is too high
    s = trace(tmp_path, LISTED_IN_PLACE)
    site = next(x for x in s.sites if x.target == "p" and "-=" in x.statement)
    status, _ = judge(s, "parameter_not_updated")
    assert status["rebinding_update"] == FAILS, (site.kind, status)


AUTOENCODER_FROM_A_GENERATOR = """
import numpy as np
rng = np.random.default_rng(31)
X = rng.normal(0, 1, (300, 6))
X = (X - X.mean(axis=0)) / X.std(axis=0)
W1, W2 = rng.normal(0, 0.4, (6, 3)), rng.normal(0, 0.4, (3, 6))


class MSELoss:
    def forward(self, out, target):
        self.err = out - target
        return np.mean(self.err ** 2)


def batches(data, size):
    for i in range(0, len(data), size):
        chunk = data[i:i + size]
        yield chunk, chunk


loss_fn = MSELoss()
for epoch in range(20):
    for xb, yb in batches(X, 50):
        h = np.tanh(xb @ W1)
        out = 1 / (1 + np.exp(-(h @ W2)))
        loss = loss_fn.forward(out, yb)
        d = 2 * loss_fn.err * out * (1 - out) / loss_fn.err.size
        W1 -= 0.5 * xb.T @ ((d @ W2.T) * (1 - h ** 2))
        W2 -= 0.5 * h.T @ d
    print(epoch, loss)
"""


def test_an_autoencoders_targets_handed_through_a_generator_are_its_inputs(tmp_path):
    # `yield chunk, chunk`, then the loss compares the output with its `target` argument: the targets are the inputs'
    # rows, standardised (about half below zero), which the sigmoid output can never reach.
    s = trace(tmp_path, AUTOENCODER_FROM_A_GENERATOR)
    F = facts(s)
    assert F.by_id[target_site(F)].target == "arg target"
    g = untraced(AUTOENCODER_FROM_A_GENERATOR)
    assert (g["X"] < 0).mean() > 0.3
    checks, out = judge_rule(s, "targets_outside_activation_range")
    assert checks["targets_outside"] == HOLDS and out.drafts


def test_a_gradient_summed_over_stale_predictions_in_python_floats_repeats(tmp_path):
    # `dw += 2 * (p - t) * h` over `zip(hours, temps, preds)`, preds made once before the loop: each step's total is the
    # same number (a running sum is no setting), so the same update is applied again and again.
    from conftest import edited_sample

    src = edited_sample("c23_meadow_kettle_b.py", {"for step in range(2000):": "for step in range(300):"})
    g = untraced(src)
    first = sum(2 * (0.0 - t) * h for h, t in zip(g["hours"], g["temps"]))
    s = trace(tmp_path, src)
    checks, out = judge_rule(s, "forward_outside_loop")
    assert checks["gradient_repeats"] == HOLDS and out.drafts
    assert abs(g["w"] - (-300 * 0.1 * first / len(g["hours"]))) < 1e-6 * abs(g["w"])
    fix = out.drafts[0].fixes[0]
    # recomputed at the top of each step, not inside the per-sample loop that walks the stale list
    assert fix.before == "dw = 0.0" and fix.after == "preds = [w * h + b for h in hours]\ndw = 0.0"
