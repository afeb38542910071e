"""The optimisation-dynamics cause rules on tiny scripts traced in process: premises hold, fail or are not checked."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest

from nandoctor.analysis.rules import FAILS, HOLDS, NOT_CHECKED, evaluate_rules
from nandoctor.cli import trace_script
from nandoctor.detectors import detect
from nandoctor.detectors.facts import facts

from conftest import edited_sample, untraced

LINREG = """
import numpy as np
rng = np.random.default_rng(0)
X = rng.normal(0, 1, (64, 3))
y = X @ np.array([1.0, -2.0, 0.5]) + 0.3
w = rng.normal(0, 1.0, 3)
lr = {lr}
for step in range(60):
    err = X @ w - y
    grad = X.T @ err / len(X)
    loss = np.mean(err ** 2)
    w = w {op} lr * grad
print(loss)
"""


def _run(tmp_path, source, name):
    script = tmp_path / f"{name}.py"
    script.write_text(textwrap.dedent(source))
    _, session = trace_script(str(script), [], tmp_path / f"{name}_out", formats=("json",))
    findings = detect(session)
    drafts, _, checks = evaluate_rules(session, facts(session), findings)
    return session, {d.tag: d for d in drafts}, {code: {c.premise: c for c in cs} for code, cs in checks.items()}


def _replay_steps(lr, op):
    """Each update's change and the weights it started from, replaying LINREG in plain numpy."""
    rng = np.random.default_rng(0)
    X = rng.normal(0, 1, (64, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.3
    w = rng.normal(0, 1.0, 3)
    out = []
    with np.errstate(all="ignore"):
        for _ in range(60):
            grad = X.T @ (X @ w - y) / len(X)
            new = w - lr * grad if op == "-" else w + lr * grad
            out.append((new - w, w))
            w = new
    return out


def _replay_ratios(lr, op):
    with np.errstate(all="ignore"):
        return np.array([np.linalg.norm(step) / np.linalg.norm(w) for step, w in _replay_steps(lr, op)])


def test_learning_rate_too_high_from_measured_ratios(tmp_path):
    session, drafts, checks = _run(tmp_path, LINREG.format(lr=2.5, op="-"), "lr_high")
    lr = checks["learning_rate_too_high"]
    assert all(lr[p].status == HOLDS for p in lr), {p: (c.status, c.why) for p, c in lr.items()}
    assert "learning_rate_too_high" in drafts
    ratios = _replay_ratios(2.5, "-")
    got = lr["steps_too_large"].numbers["ratio"]
    # the median over the first updates, up to where the weights had doubled, replayed in plain numpy
    assert ratios.min() <= got <= ratios.max()
    # not gradient ascent: its small-steps premise fails on the same run
    assert checks["gradient_sign_wrong"]["steps_small"].status == FAILS


# A float32 net whose softplus output must reach targets near 140: the weights grow by a large part of their norm
# at each step while the loss falls at every one, until exp(z) passes float32's largest value. The overflow is where
# the fit was heading (any rate gets there), not a step thrown too far.
SOFTPLUS_F32 = """
import numpy as np
rng = np.random.default_rng(3)
X = rng.uniform(-1, 1, (128, 3)).astype(np.float32)
y = (140 + 10 * X[:, :1] - 8 * X[:, 1:2]).astype(np.float32)
W1 = (rng.normal(0, 0.6, (3, 16))).astype(np.float32)
W2 = (rng.normal(0, 0.6, (16, 1))).astype(np.float32)
b2 = np.zeros(1, dtype=np.float32)
lr = np.float32(0.01)
losses = []
with np.errstate(all="ignore"):
    for step in range(60):
        h = np.tanh(X @ W1)
        z = h @ W2 + b2
        out = np.log(1.0 + np.exp(z))
        err = out - y
        loss = float(np.mean(err ** 2))
        losses.append(loss)
        dz = err * (np.exp(z) / (1.0 + np.exp(z))) / len(y)
        dW2 = h.T @ dz
        dh = dz @ W2.T * (1 - h ** 2)
        W2 = W2 - lr * dW2
        b2 = b2 - lr * dz.sum(0)
        W1 = W1 - lr * X.T @ dh
"""


def test_large_steps_on_a_loss_falling_at_every_step_to_an_overflow_are_not_the_rate(tmp_path):
    losses = np.array(untraced(SOFTPLUS_F32)["losses"])
    bad = int(np.argmin(np.isfinite(losses)))  # the first step whose loss is not finite
    assert bad >= 6 and (np.diff(losses[:bad]) < 0).all()
    session, drafts, checks = _run(tmp_path, SOFTPLUS_F32, "softplus_f32")
    steps = checks["learning_rate_too_high"]["steps_too_large"]
    assert steps.status == FAILS
    assert f"fell at {bad - 1} of the {bad - 1} steps before step {bad}" in steps.why
    assert "learning_rate_too_high" not in drafts and "exp_overflow" in drafts


# Logistic regression fitted by eight Newton steps whose gradient has its sign flipped: each step, solved from the
# Hessian with no rate in it, is many times the coefficients' norm and climbs the loss.
NEWTON_ASCENT = """
import numpy as np
rng = np.random.default_rng(4)
X = np.column_stack([np.ones(200), rng.normal(size=(200, 2))])
y = (X[:, 1] - 0.5 * X[:, 2] + rng.normal(0, 0.5, 200) > 0).astype(float)
def nll(beta):
    z = X @ beta
    return np.mean(np.logaddexp(0.0, z) - y * z)
beta = np.zeros(3)
losses = [nll(beta)]
with np.errstate(all="ignore"):
    for step in range(8):
        p = 1.0 / (1.0 + np.exp(-(X @ beta)))
        grad = X.T @ (y - p) / 200 + 1e-4 * beta
        H = (X.T * (p * (1 - p))) @ X / 200 + 1e-4 * np.eye(3)
        beta = beta - np.linalg.solve(H, grad)
        losses.append(nll(beta))
"""


def test_newton_steps_with_the_gradient_sign_flipped_climb_whatever_their_size(tmp_path):
    losses = untraced(NEWTON_ASCENT)["losses"]
    assert all(b > a for a, b in zip(losses, losses[1:5]))
    session, drafts, checks = _run(tmp_path, NEWTON_ASCENT, "newton_ascent")
    assert checks["gradient_sign_wrong"]["steps_small"].status == HOLDS
    assert "gradient_sign_wrong" in drafts and "learning_rate_too_high" not in drafts


def test_a_loss_not_finite_after_its_first_value_does_not_show_ascent(tmp_path):
    # float32 probabilities clipped to [0, 1] reach exactly 1 at the first update: the loss is NaN from then on, and
    # the offset's growth alone does not tell a climb from a descent.
    source = (Path(__file__).parent / "samples" / "cases" / "c5_clip_bounds_f32_a.py").read_text()
    session, drafts, checks = _run(tmp_path, source, "clip_bounds")
    assert checks["gradient_sign_wrong"]["worse_from_first_steps"].status == NOT_CHECKED
    assert "gradient_sign_wrong" not in drafts and "log_of_zero" in drafts


def test_healthy_rate_raises_nothing(tmp_path):
    session, drafts, checks = _run(tmp_path, LINREG.format(lr=0.1, op="-"), "lr_ok")
    assert not {"learning_rate_too_high", "gradient_sign_wrong", "learning_rate_too_low"} & set(drafts)
    assert checks["learning_rate_too_high"]["run_unstable"].status == FAILS


def test_gradient_ascent_is_not_the_learning_rate(tmp_path):
    session, drafts, checks = _run(tmp_path, LINREG.format(lr=0.01, op="+"), "ascent")
    assert "learning_rate_too_high" not in drafts
    sign = checks["gradient_sign_wrong"]
    assert sign["steps_small"].status == HOLDS
    assert sign["worse_from_first_steps"].status == HOLDS, sign["worse_from_first_steps"].why
    assert "gradient_sign_wrong" in drafts
    assert _replay_ratios(0.01, "+")[:5].max() < 0.1


def _replay_cosines(lr, op):
    steps = [step for step, _ in _replay_steps(lr, op)][:10]
    return np.array([a @ b / (np.linalg.norm(a) * np.linalg.norm(b)) for a, b in zip(steps, steps[1:])])


def test_large_steps_that_never_turn_back_climb(tmp_path):
    """Steps a large part of the weights, growing geometrically, each pointing the way of the last: a climb (a
    descent that diverges reverses at every step along the direction it diverges in)."""
    assert _replay_ratios(0.8, "+")[:5].min() > 0.1 and _replay_cosines(0.8, "+").min() > 0.9
    assert np.median(_replay_cosines(2.5, "-")) < -0.5  # the rate too high: each step reverses the last
    session, drafts, checks = _run(tmp_path, LINREG.format(lr=0.8, op="+"), "ascent_large")
    sign = checks["gradient_sign_wrong"]
    assert sign["steps_small"].status == HOLDS, sign["steps_small"].why
    assert "same way" in sign["steps_small"].why
    assert "gradient_sign_wrong" in drafts and "learning_rate_too_high" not in drafts


def test_learning_rate_too_low(tmp_path):
    session, drafts, checks = _run(tmp_path, LINREG.format(lr=1e-6, op="-"), "lr_low")
    low = checks["learning_rate_too_low"]
    assert all(low[p].status == HOLDS for p in low), {p: (c.status, c.why) for p, c in low.items()}
    assert np.median(_replay_ratios(1e-6, "-")) < 1e-3


# A rate that lets the loss fall 22% in 60 steps at a pace that barely slows (plain numpy replay: its second half
# falls 0.85 of its first), against one that falls 32% to the noise floor and then stops.
FLOORED = """
import numpy as np
rng = np.random.default_rng(0)
X = rng.normal(0, 1, (64, 3))
y = X @ np.array([1.0, -2.0, 0.5]) + 0.3 + 2.0 * rng.normal(0, 1, 64)
w = np.linalg.lstsq(X, y - 0.3, rcond=None)[0] + 0.8
for step in range(60):
    err = X @ w + 0.3 - y
    loss = np.mean(err ** 2)
    w = w - 0.1 * X.T @ err / len(X)
print(loss)
"""


def _halves(source):
    ns, losses = {}, []
    exec(compile(source.replace("    loss = np.mean(err ** 2)", "    loss = np.mean(err ** 2); LOSSES.append(loss)")
                 .replace("print(loss)", ""), "replay", "exec"), {"LOSSES": losses, **ns})
    first, middle, last = losses[0], losses[len(losses) // 2], losses[-1]
    return (first - last) / first, (middle - last) / (first - middle)


def test_a_loss_falling_at_an_unchanged_pace_is_held_back_by_the_rate(tmp_path):
    src = LINREG.format(lr=0.003, op="-")
    drop, pace = _halves(src)
    assert 0.1 < drop < 0.5 and pace > 0.7  # the replay: a real but steady fall
    session, drafts, checks = _run(tmp_path, src, "lr_steady")
    low = checks["learning_rate_too_low"]
    assert low["loss_barely_falls"].status == HOLDS, low["loss_barely_falls"].why
    assert low["loss_barely_falls"].numbers["steady"] is True
    assert all(low[p].status == HOLDS for p in low), {p: (c.status, c.why) for p, c in low.items()}
    assert "learning_rate_too_low" in drafts
    drop, pace = _halves(FLOORED)
    assert 0.1 < drop < 0.5 and pace < 0.01  # falls as far, then stops at the noise floor
    session, drafts, checks = _run(tmp_path, FLOORED, "floored")
    assert checks["learning_rate_too_low"]["loss_barely_falls"].status == FAILS
    assert "learning_rate_too_low" not in drafts


SCALAR = """
w = 0.5
b = 0.0
xs = [0.5, 1.0, 1.5, 2.0]
ys = [1.2, 2.1, 3.2, 3.9]
lr = 0.9
for step in range(40):
    gw = 0.0
    gb = 0.0
    for x, t in zip(xs, ys):
        e = w * x + b - t
        gw += 2 * e * x / len(xs)
        gb += 2 * e / len(xs)
    loss = sum((w * x + b - t) ** 2 for x, t in zip(xs, ys)) / len(xs)
    w = w - lr * gw
    b = b - lr * gb
print(loss)
"""


def test_a_python_float_has_an_update_ratio(tmp_path):
    session, drafts, checks = _run(tmp_path, SCALAR, "scalar")
    lr = checks["learning_rate_too_high"]
    assert lr["update_ratio_measured"].status == HOLDS
    assert lr["steps_too_large"].status == HOLDS, lr["steps_too_large"].why
    assert "learning_rate_too_high" in drafts


def test_no_loss_no_weights_is_not_checked(tmp_path):
    src = "import numpy as np\nx = np.ones(3)\nprint(x.sum())\n"
    session, drafts, checks = _run(tmp_path, src, "nothing")
    assert checks["learning_rate_too_high"]["update_ratio_measured"].status == NOT_CHECKED
    assert not drafts


COLUMNS = """
import numpy as np
rng = np.random.default_rng(2)
X = rng.normal(0, 1, (3, 1024))
y = np.array([[0.5, -1.0, 2.0]]) @ X
w = np.zeros((1, 3))
lr = 0.02
for step in range(40):
    for start in range(0, 1024, 128):
        xb = X[:, start:start + 128]
        resid = w @ xb - y[:, start:start + 128]
        dw = resid @ xb.T{divide}
        w = w - lr * dw
    loss = float(np.mean((w @ X - y) ** 2))
print(loss)
"""


def test_summed_gradient_on_a_features_x_samples_batch(tmp_path):
    session, drafts, checks = _run(tmp_path, COLUMNS.format(divide=""), "summed")
    s = checks["gradient_sum_not_mean"]
    assert s["gradient_summed"].status == HOLDS, s["gradient_summed"].why
    assert s["gradient_summed"].numbers["batch"] == 128  # the axis no parameter has, not the 3 features
    assert "gradient_sum_not_mean" in drafts
    # the learning rate is not blamed for a step the sum made 128 times larger
    assert "learning_rate_too_high" not in drafts


def test_averaged_gradient_is_not_summed(tmp_path):
    session, drafts, checks = _run(tmp_path, COLUMNS.format(divide=" / xb.shape[1]"), "averaged")
    assert checks["gradient_sum_not_mean"]["gradient_summed"].status == FAILS
    assert not {"gradient_sum_not_mean", "learning_rate_too_high"} & set(drafts)


INPUTS = """
import numpy as np
rng = np.random.default_rng(4)
raw = np.column_stack([rng.uniform(500, 3000, 300), rng.uniform(1, 5, 300)])
y = 0.002 * raw[:, 0] + 0.3 * raw[:, 1]
X = raw{prep}
w = np.zeros(2)
b = 0.0
lr = 0.05
for step in range(80):
    err = X @ w + b - y
    w -= lr * X.T @ err / len(y)
    b -= lr * err.mean()
    loss = float(np.mean(err ** 2))
print(loss)
"""


@pytest.mark.parametrize("prep,large", [("", True), ("\nX = (X - X.mean(axis=0)) / X.std(axis=0)", False),
                                        ("\nX = (X - X.min(axis=0)) / (X.max(axis=0) - X.min(axis=0))", False)])
def test_inputs_judged_where_they_meet_the_weights(tmp_path, prep, large):
    session, drafts, checks = _run(tmp_path, INPUTS.format(prep=prep), "inputs")
    u = checks["unnormalized_inputs"]
    assert u["inputs_measured"].status == HOLDS
    assert (u["inputs_large"].status == HOLDS) == large, u["inputs_large"].why
    rng = np.random.default_rng(4)
    raw = np.column_stack([rng.uniform(500, 3000, 300), rng.uniform(1, 5, 300)])
    if large:
        # the whole-array statistics of what reaches the weights, replayed
        got = u["inputs_large"].numbers
        assert got["largest_mean"] == pytest.approx(abs(raw.mean()), rel=1e-3)
        assert "unnormalized_inputs" in drafts
    else:
        assert "unnormalized_inputs" not in drafts


DEEP = """
import numpy as np
rng = np.random.default_rng(8)
X = rng.normal(0, 1, (100, 4))
y = (X[:, :1] > 0).astype(float)
Ws = [rng.normal(0, np.sqrt(1.0 / 4), (4, 8))] + [rng.normal(0, np.sqrt(1.0 / 8), (8, 8)) for _ in range(9)] \\
    + [rng.normal(0, np.sqrt(1.0 / 8), (8, 1))]
lr = 0.1
for step in range(60):
    acts = [X]
    for W in Ws:
        acts.append(1 / (1 + np.exp(-(acts[-1] @ W))))
    loss = float(np.mean((acts[-1] - y) ** 2))
    delta = (acts[-1] - y) * acts[-1] * (1 - acts[-1]) / len(X)
    grads = []
    for i in range(len(Ws) - 1, -1, -1):
        grads.append(acts[i].T @ delta)
        delta = (delta @ Ws[i].T) * acts[i] * (1 - acts[i])
    for W, g in zip(Ws, reversed(grads)):
        W -= lr * g
print(loss)
"""


def test_vanishing_gradient_measured_within_the_step(tmp_path):
    session, drafts, checks = _run(tmp_path, DEEP, "deep")
    v = checks["vanishing_gradient"]
    assert v["gradient_vanishes"].status == HOLDS, v["gradient_vanishes"].why
    # replay: the backward delta from the output to the first layer at step 0
    rng = np.random.default_rng(8)
    X = rng.normal(0, 1, (100, 4))
    y = (X[:, :1] > 0).astype(float)
    Ws = [rng.normal(0, np.sqrt(1.0 / 4), (4, 8))] + [rng.normal(0, np.sqrt(1.0 / 8), (8, 8)) for _ in range(9)] \
        + [rng.normal(0, np.sqrt(1.0 / 8), (8, 1))]
    acts = [X]
    for W in Ws:
        acts.append(1 / (1 + np.exp(-(acts[-1] @ W))))
    delta = (acts[-1] - y) * acts[-1] * (1 - acts[-1]) / len(X)
    norms = []
    for i in range(len(Ws) - 1, 0, -1):
        delta = (delta @ Ws[i].T) * acts[i] * (1 - acts[i])
        norms.append(np.linalg.norm(delta))
    assert norms[-1] / norms[0] < 1e-4
    assert v["loss_barely_falls"].status == HOLDS, v["loss_barely_falls"].why
    assert "vanishing_gradient" in drafts and "learning_rate_too_low" not in drafts


BLOWN = """
import numpy as np
rng = np.random.default_rng(5)
X = rng.normal(0, 1, (64, 8))
y = X[:, :1] * 0.5
W1 = rng.normal(0, 1, (8, 8)) * 40
W2 = rng.normal(0, 1, (8, 8)) * 40
W3 = rng.normal(0, 1, (8, 1)) * 40
lr = 0.01
for step in range(30):
    h1 = X @ W1
    h2 = h1 @ W2
    out = h2 @ W3
    loss = float(np.mean((out - y) ** 2))
    g = 2 * (out - y) / len(X)
    gW3 = h2.T @ g
    g2 = g @ W3.T
    gW2 = h1.T @ g2
    gW1 = X.T @ (g2 @ W2.T)
    W1 = W1 - lr * gW1
    W2 = W2 - lr * gW2
    W3 = W3 - lr * gW3
print(loss)
"""


def test_values_blown_before_the_first_update_are_not_the_learning_rate(tmp_path):
    session, drafts, checks = _run(tmp_path, BLOWN, "blown")
    lr = checks["learning_rate_too_high"]
    assert lr["stable_before_first_update"].status == FAILS, lr["stable_before_first_update"].why
    # replay: the first step's values against the largest value before the loop
    rng = np.random.default_rng(5)
    X = rng.normal(0, 1, (64, 8))
    W1, W2, W3 = (rng.normal(0, 1, (8, 8)) * 40, rng.normal(0, 1, (8, 8)) * 40, rng.normal(0, 1, (8, 1)) * 40)
    before = max(np.abs(X).max(), np.abs(W1).max(), np.abs(W2).max(), np.abs(W3).max())
    assert np.abs(X @ W1 @ W2 @ W3).max() / before > 1e4
    assert "learning_rate_too_high" not in drafts


PER_SAMPLE_SUM = """
import math
rows = [(math.sin(1.7 * i), math.cos(0.37 * i * i)) for i in range({n})]
rows = [(a, b, 2.0 * a - b + 0.5) for a, b in rows]
weights = [0.0, 0.0]
bias = 0.0
rate = {rate}
for sweep in range(40):
    grad_w = [0.0, 0.0]
    grad_b = 0.0
    total = 0.0
    for a, b, t in rows:
        diff = weights[0] * a + weights[1] * b + bias - t
        total += diff * diff
        grad_w[0] += diff * a
        grad_w[1] += diff * b
        grad_b += diff
    weights[0] -= rate * grad_w[0]{div}
    weights[1] -= rate * grad_w[1]{div}
    bias -= rate * grad_b{div}
print(total)
"""


def test_per_sample_gradients_added_up_in_a_python_loop(tmp_path):
    session, drafts, checks = _run(tmp_path, PER_SAMPLE_SUM.format(n=200, rate=0.05, div=""), "added_up")
    summed = checks["gradient_sum_not_mean"]
    assert summed["gradient_summed"].status == HOLDS, summed["gradient_summed"].why
    # the loop adds one per-sample gradient per row before each update: the rows are the batch
    assert summed["gradient_summed"].numbers["batch"] == 200
    assert summed["step_too_large_by_the_sum"].status == HOLDS, summed["step_too_large_by_the_sum"].why
    assert "gradient_sum_not_mean" in drafts
    assert checks["learning_rate_too_high"]["step_not_from_summed_gradient"].status == FAILS


def test_per_sample_gradients_averaged_in_a_python_loop(tmp_path):
    session, drafts, checks = _run(tmp_path, PER_SAMPLE_SUM.format(n=200, rate=0.5, div=" / len(rows)"), "averaged")
    assert checks["gradient_sum_not_mean"]["gradient_summed"].status == FAILS
    assert not {"gradient_sum_not_mean", "learning_rate_too_high"} & set(drafts)


DICT_MOMENTUM = """
import numpy as np
rng = np.random.default_rng(7)
inputs = rng.normal(size=(200, 2))
targets = inputs @ np.array([1.5, -0.7]) + 0.3
params = {{"coef": np.zeros(2), "offset": 0.0}}
velocity = {{"coef": np.zeros(2), "offset": 0.0}}
step_size = {step}
for epoch in range(60):
    resid = inputs @ params["coef"] + params["offset"] - targets
    loss = np.mean(resid ** 2)
    grads = {{"coef": inputs.T @ resid / len(targets), "offset": resid.mean()}}
    for key in params:
        velocity[key] = 0.9 * velocity[key] + grads[key]
        params[key] = params[key] - step_size * velocity[key]
print(loss)
"""


def _replay_offset_ratios(step):
    """The step's update ratio of the dict's entries together, replayed in plain numpy: the change of each entry (the
    scalar's exact change, the array's change of norm, which is what a rebinding's recorded norms give) against the
    norm of both before it."""
    rng = np.random.default_rng(7)
    inputs = rng.normal(size=(200, 2))
    targets = inputs @ np.array([1.5, -0.7]) + 0.3
    coef, offset, v_coef, v_off, out = np.zeros(2), 0.0, np.zeros(2), 0.0, []
    with np.errstate(all="ignore"):
        for _ in range(60):
            resid = inputs @ coef + offset - targets
            v_coef = 0.9 * v_coef + inputs.T @ resid / len(targets)
            v_off = 0.9 * v_off + resid.mean()
            new_coef, new = coef - step * v_coef, offset - step * v_off
            before = np.hypot(np.linalg.norm(coef), offset)
            if before != 0:
                out.append(np.hypot(np.linalg.norm(new_coef) - np.linalg.norm(coef), new - offset) / before)
            coef, offset = new_coef, new
    return np.array(out)


def test_parameters_written_through_a_dict_key_have_update_ratios(tmp_path):
    session, drafts, checks = _run(tmp_path, DICT_MOMENTUM.format(step=4.5), "dict_high")
    lr = checks["learning_rate_too_high"]
    assert lr["update_ratio_measured"].status == HOLDS, lr["update_ratio_measured"].why
    assert lr["run_unstable"].status == HOLDS and lr["steps_too_large"].status == HOLDS
    assert "learning_rate_too_high" in drafts
    from nandoctor.detectors.facts import facts as program
    from nandoctor.detectors.optimisation import update_ratios

    F = program(session)
    (u,) = F.updates
    ratio = update_ratios(F, u)[3]
    # one ratio per step, for the entries together: the replayed ratios
    replay = _replay_offset_ratios(4.5)[:10]
    assert np.allclose(ratio[:10], replay, rtol=1e-6)


def test_parameters_in_a_dict_with_a_small_step_raise_nothing(tmp_path):
    session, drafts, checks = _run(tmp_path, DICT_MOMENTUM.format(step=0.05), "dict_ok")
    assert checks["learning_rate_too_high"]["update_ratio_measured"].status == HOLDS
    assert "learning_rate_too_high" not in drafts


def _fake_loss(monkeypatch, values):
    from nandoctor.detectors import optimisation

    vals = np.asarray(values, float)
    monkeypatch.setattr(optimisation, "loss_series", lambda F: (np.arange(len(vals)), vals, "loss"))
    return optimisation.thrown_off


@pytest.mark.parametrize("values, thrown", [
    ([2.2, 2.1, 8.0, 7.5, 4.0, 2.3, 2.25, 2.3, 2.2, 2.28, 2.26, 2.3], True),  # jumped, never got below its start
    ([2.2, 2.1, 8.0, 7.5, 4.0, 1.5, 1.0, 0.8, 0.6, 0.5, 0.4, 0.3], False),  # jumped, then learned
    ([2.2, 2.1, 8.0, 2.0, 2.1, 2.2, 2.3, 2.2, 2.2, 2.2, 2.3, 2.2], False),  # one noisy batch is no jump
    ([2.2, 2.2, 2.2, 2.2, 2.2, 2.2, 2.2, 2.2, 2.2, 2.2, 2.2, 2.2], False),  # flat: stalled, not thrown
])
def test_thrown_off_needs_a_lasting_jump_and_no_progress_after_it(monkeypatch, values, thrown):
    got = _fake_loss(monkeypatch, values)(None)
    assert bool(got) is thrown
    if thrown:
        assert got["step"] == 2 and got["loss_peak"] == 8.0 and got["loss_first"] == 2.2
        assert got["loss_end"] == float(np.median(values[-3:]))


def test_thrown_off_is_not_judged_on_a_nonfinite_or_short_loss(monkeypatch):
    assert _fake_loss(monkeypatch, [2.2, 8.0, 9.0, np.nan, np.nan, np.nan])(None) is None
    assert _fake_loss(monkeypatch, [2.2, 8.0, 9.0])(None) is None


THROWN = """
import numpy as np
gen = np.random.default_rng(5)
cls = gen.integers(0, 4, 400)
feats = gen.normal(0, 1, (4, 12))[cls] + 0.5 * gen.normal(size=(400, 12))
onehot = np.eye(4)[cls]
params = {{"A": 0.1 * gen.standard_normal((12, 16)), "a": np.zeros(16),
          "B": 0.1 * gen.standard_normal((16, 4)), "b": np.zeros(4)}}
rate = {rate}
for it in range(150):
    pick = gen.choice(400, 40)
    x, t = feats[pick], onehot[pick]
    pre = x @ params["A"] + params["a"]
    h = np.maximum(pre, 0)
    z = h @ params["B"] + params["b"]
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p = p / p.sum(axis=1, keepdims=True)
    loss = -np.mean(np.sum(t * np.log(p + 1e-12), axis=1))
    up = (p - t) / len(x)
    grads = {{"B": h.T @ up, "b": up.sum(axis=0)}}
    back = (up @ params["B"].T) * (pre > 0)
    grads["A"], grads["a"] = x.T @ back, back.sum(axis=0)
    for name in ("A", "a", "B", "b"):
        params[name] -= rate * grads[name]
print(loss)
"""


def test_a_run_thrown_off_by_large_steps_is_the_learning_rate(tmp_path):
    session, drafts, checks = _run(tmp_path, THROWN.format(rate=15.0), "thrown")
    lr = checks["learning_rate_too_high"]
    assert lr["run_unstable"].status == HOLDS, lr["run_unstable"].why
    assert all(lr[p].status == HOLDS for p in lr), {p: (c.status, c.why) for p, c in lr.items()}
    assert "learning_rate_too_high" in drafts
    healthy = _run(tmp_path, THROWN.format(rate=0.3), "calm")
    assert "learning_rate_too_high" not in healthy[1]
    assert healthy[2]["learning_rate_too_high"]["run_unstable"].status == FAILS


# A gradient returned beside its loss (`return np.mean(...), grad`), summed over the columns of a features x samples
# table: the loss's mean averages nothing of the gradient.
RETURNED_SUM = """
import numpy as np
rng = np.random.default_rng(1)
cols = rng.normal(0, 1, (3, {n}))
out = np.array([[0.5, -1.0, 2.0]]) @ cols + 0.2
gains = np.zeros((1, 3))
def sweep(gains):
    resid = gains @ cols - out
    return float(np.mean(resid ** 2)), resid @ cols.T{divide}
for epoch in range(30):
    cost, grad = sweep(gains)
    gains = gains - 0.05 * grad
print(cost)
"""


def _replay_returned_sum(n, divide):
    """Update ratios of RETURNED_SUM replayed in plain numpy."""
    rng = np.random.default_rng(1)
    cols = rng.normal(0, 1, (3, n))
    out = np.array([[0.5, -1.0, 2.0]]) @ cols + 0.2
    gains = np.zeros((1, 3))
    ratios = []
    with np.errstate(all="ignore"):
        for _ in range(30):
            grad = (gains @ cols - out) @ cols.T / (n if divide else 1)
            new = gains - 0.05 * grad
            ratios.append(np.linalg.norm(new - gains) / np.linalg.norm(gains))
            gains = new
    return np.array(ratios)


def test_summed_gradient_returned_beside_its_loss(tmp_path):
    session, drafts, checks = _run(tmp_path, RETURNED_SUM.format(n=400, divide=""), "returned_sum")
    summed = checks["gradient_sum_not_mean"]
    assert summed["gradient_summed"].status == HOLDS, summed["gradient_summed"].why
    # the batch is the axis the statement adds up, read from its operands' recorded shapes: the 400 columns
    assert summed["gradient_summed"].numbers["batch"] == 400
    assert summed["step_too_large_by_the_sum"].status == HOLDS, summed["step_too_large_by_the_sum"].why
    # judged on the first steps (the weights start at zero: the first ratio is not defined)
    ratios = _replay_returned_sum(400, False)
    got = summed["step_too_large_by_the_sum"].numbers["ratio"]
    first = ratios[1:4][np.isfinite(ratios[1:4])]
    assert first.min() <= got <= first.max()
    assert "gradient_sum_not_mean" in drafts
    # the learning rate stands down: divided by 400 the step would be small
    assert checks["learning_rate_too_high"]["step_not_from_summed_gradient"].status == FAILS
    assert "learning_rate_too_high" not in drafts


def test_averaged_gradient_returned_beside_its_loss(tmp_path):
    session, drafts, checks = _run(tmp_path, RETURNED_SUM.format(n=400, divide=" / cols.shape[1]"), "returned_mean")
    assert checks["gradient_sum_not_mean"]["gradient_summed"].status == FAILS
    assert not {"gradient_sum_not_mean", "learning_rate_too_high"} & set(drafts)
    assert np.all(np.isfinite(_replay_returned_sum(400, True)[1:]))  # the run stays finite


# Two layers updated by one statement in a loop over layer objects, climbing a softmax cross-entropy: the
# output layer's offsets have a mean the update leaves in place (their gradient sums to zero over the classes).
LAYER_ASCENT = """
import numpy as np
rng = np.random.default_rng(3)
pts = rng.normal(0, 1, (90, 2)) + np.repeat(np.array([[2.0, 0], [-1, 2], [-1, -2]]), 30, axis=0)
hot = np.eye(3)[np.repeat(np.arange(3), 30)]
class Dense:
    def __init__(self, a, b):
        self.mat = rng.normal(0, 1 / np.sqrt(a), (a, b))
        self.off = np.zeros(b)
    def apply(self, step):
        self.mat {op}= step * self.d_mat
        self.off {op}= step * self.d_off
first, second = Dense(2, 8), Dense(8, 3)
for epoch in range(80):
    hid = np.tanh(pts @ first.mat + first.off)
    logit = hid @ second.mat + second.off
    shifted = logit - logit.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -np.mean(np.sum(hot * logp, axis=1))
    up = (np.exp(logp) - hot) / len(pts)
    second.d_mat, second.d_off = hid.T @ up, up.sum(axis=0)
    back = (up @ second.mat.T) * (1 - hid ** 2)
    first.d_mat, first.d_off = pts.T @ back, back.sum(axis=0)
    for layer in (first, second):
        layer.apply(0.1)
print(loss)
"""


def test_ascent_through_layer_objects_is_not_overshoot(tmp_path):
    session, drafts, checks = _run(tmp_path, LAYER_ASCENT.format(op="+"), "layer_ascent")
    # the rows of one statement alternate between the two layers: followed one layer at a time, nothing overshoots
    assert checks["learning_rate_too_high"]["steps_too_large"].status != HOLDS, \
        checks["learning_rate_too_high"]["steps_too_large"].why
    sign = checks["gradient_sign_wrong"]
    assert all(c.status == HOLDS for c in sign.values()), {p: (c.status, c.why) for p, c in sign.items()}
    assert "gradient_sign_wrong" in drafts and "learning_rate_too_high" not in drafts


def test_descent_through_layer_objects_raises_nothing(tmp_path):
    session, drafts, checks = _run(tmp_path, LAYER_ASCENT.format(op="-"), "layer_descent")
    assert not {"gradient_sign_wrong", "learning_rate_too_high"} & set(drafts)


def test_mean_that_carries_no_update_is_not_judged():
    from nandoctor import columns as C
    from nandoctor.detectors.optimisation import _mean_carries_update

    class Rows(dict):
        step = np.arange(6)

    # offsets whose update sums to zero: the mean moves at rounding level while each update has norm 0.1
    zero_sum = Rows({C.UPDATE_L2: np.full(6, 0.1), C.SIZE: np.full(6, 3.0), C.MEAN: np.array([0, 1e-18, 0, 2e-18, 0, 1e-18])})
    assert not _mean_carries_update(zero_sum)
    # every element moving alike: |change of the mean| x sqrt(size) equals the update's norm
    alike = Rows({C.UPDATE_L2: np.full(6, np.sqrt(3) * 0.5), C.SIZE: np.full(6, 3.0),
                  C.MEAN: np.array([0.0, 0.5, 0.0, 0.5, 0.0, 0.5])})
    assert _mean_carries_update(alike)


# Adam on a list of arrays with a tiny step: one statement writes the four arrays in turn each step.
ADAM_LIST = """
import numpy as np
rng = np.random.default_rng(4)
feats = rng.normal(0, 1, (200, 4))
goal = np.tanh(feats @ rng.normal(0, 1, (4, 2)))
ps = [rng.normal(0, 0.5, (4, 3)), np.zeros(3), rng.normal(0, 0.5, (3, 2)), np.zeros(2)]
m1 = [np.zeros_like(p) for p in ps]
m2 = [np.zeros_like(p) for p in ps]
for it in range(1, 201):
    hid = np.tanh(feats @ ps[0] + ps[1])
    gap = hid @ ps[2] + ps[3] - goal
    loss = float(np.mean(gap ** 2))
    d_out = 2 * gap / gap.size
    d_hid = (d_out @ ps[2].T) * (1 - hid ** 2)
    grads = [feats.T @ d_hid, d_hid.sum(axis=0), hid.T @ d_out, d_out.sum(axis=0)]
    for j, g in enumerate(grads):
        m1[j] = 0.9 * m1[j] + 0.1 * g
        m2[j] = 0.999 * m2[j] + 0.001 * g * g
        ps[j] = ps[j] - {step} * (m1[j] / (1 - 0.9 ** it)) / (np.sqrt(m2[j] / (1 - 0.999 ** it)) + 1e-8)
print(loss)
"""


def test_tiny_adam_steps_on_a_list_of_arrays(tmp_path):
    session, drafts, checks = _run(tmp_path, ADAM_LIST.format(step="1e-6"), "adam_tiny")
    low = checks["learning_rate_too_low"]
    # each array is compared with itself a step earlier: Adam moves every element by about the step, so all the
    # steps together (200 x 20 elements x 1e-6 x a gradient below 1) cannot lower the loss by a tenth
    assert low["steps_tiny"].status == HOLDS, low["steps_tiny"].why
    assert low["steps_tiny"].numbers["bound"] < 200 * 20 * 1e-6
    assert "learning_rate_too_low" in drafts


def test_ordinary_adam_steps_on_a_list_of_arrays(tmp_path):
    session, drafts, checks = _run(tmp_path, ADAM_LIST.format(step="1e-2"), "adam_ok")
    assert "learning_rate_too_low" not in drafts


# Six sigmoid layers, each updated by its own statement, with a small rate: no backward value is rewritten within a
# step (nothing to follow along the way back), but the layers' update ratios shrink toward the input.
SIGMOID_TOWER = """
import numpy as np
rng = np.random.default_rng(5)
feats = rng.normal(0, 1, (128, 8))
goal = np.sin(feats[:, :1])
sig = lambda z: 1 / (1 + np.exp(-z))
A = rng.normal(0, 1 / np.sqrt(8), (8, 16))
B = rng.normal(0, 1 / np.sqrt(16), (16, 16))
C = rng.normal(0, 1 / np.sqrt(16), (16, 16))
D = rng.normal(0, 1 / np.sqrt(16), (16, 16))
E = rng.normal(0, 1 / np.sqrt(16), (16, 16))
G = rng.normal(0, 1 / np.sqrt(16), (16, 1))
for step in range(150):
    h1 = sig(feats @ A)
    h2 = sig(h1 @ B)
    h3 = sig(h2 @ C)
    h4 = sig(h3 @ D)
    h5 = sig(h4 @ E)
    out = h5 @ G
    loss = np.mean((out - goal) ** 2)
    d5 = 2 * (out - goal) / len(feats)
    gG = h5.T @ d5
    d4 = (d5 @ G.T) * h5 * (1 - h5)
    gE = h4.T @ d4
    d3 = (d4 @ E.T) * h4 * (1 - h4)
    gD = h3.T @ d3
    d2 = (d3 @ D.T) * h3 * (1 - h3)
    gC = h2.T @ d2
    d1 = (d2 @ C.T) * h2 * (1 - h2)
    gB = h1.T @ d1
    d0 = (d1 @ B.T) * h1 * (1 - h1)
    gA = feats.T @ d0
    A -= RATE * gA
    B -= RATE * gB
    C -= RATE * gC
    D -= RATE * gD
    E -= RATE * gE
    G -= RATE * gG
print(loss)
"""


def _replay_tower_ratios(rate):
    """Median update ratio of each layer of SIGMOID_TOWER, input side first, replayed in plain numpy."""
    ns, ratios = {}, []
    body = SIGMOID_TOWER.replace("RATE", repr(rate)).replace(
        "    A -= ", "    ratios.append([np.linalg.norm({rate} * g) / np.linalg.norm(w) for g, w in "
                     "((gA, A), (gB, B), (gC, C), (gD, D), (gE, E), (gG, G))])\n    A -= ".format(rate=rate), 1)
    exec(compile(body.replace("print(loss)", ""), "tower", "exec"), {"ratios": ratios, "np": np}, ns)
    return np.median(np.array(ratios), axis=0)


def test_update_ratios_shrinking_toward_the_input_are_a_vanishing_gradient(tmp_path):
    session, drafts, checks = _run(tmp_path, SIGMOID_TOWER.replace("RATE", "0.002"), "tower")
    replay = _replay_tower_ratios(0.002)
    vanish = checks["vanishing_gradient"]["gradient_vanishes"]
    assert vanish.status == HOLDS, vanish.why
    got = vanish.numbers["ratios"]
    assert list(got) == ["A", "B", "C", "D", "E", "G"]  # ordered by the forward pass, input side first
    assert np.allclose(list(got.values()), replay, rtol=0.05)
    assert "vanishing_gradient" in drafts
    # not a rate too low: that one would move every layer alike
    alike = checks["learning_rate_too_low"]["steps_tiny_alike"]
    assert alike.status == FAILS, alike.why
    assert alike.numbers["spread"] == pytest.approx(replay.max() / replay.min(), rel=0.05)
    assert "learning_rate_too_low" not in drafts


SIGMOID_LIST = """
import numpy as np
rng = np.random.default_rng(5)
feats = rng.normal(0, 1, (128, 8))
goal = np.sin(feats[:, :1])
sizes = [8, 16, 16, 16, 16, 16, 1]
weights = [rng.normal(0, 1 / np.sqrt(m), (m, n)) for m, n in zip(sizes[:-1], sizes[1:])]
for step in range(150):
    acts = [feats]
    for W in weights[:-1]:
        acts.append(1 / (1 + np.exp(-(acts[-1] @ W))))
    out = acts[-1] @ weights[-1]
    loss = np.mean((out - goal) ** 2)
    delta = 2 * (out - goal) / len(feats)
    grads = [None] * len(weights)
    for i in ORDER:
        grads[i] = acts[i].T @ delta
        if i > 0:
            delta = (delta @ weights[i].T) * acts[i] * (1 - acts[i])
    for W, g in WALK:
        W -= 0.002 * g
"""


@pytest.mark.parametrize("walk,positions", [("zip(weights, grads)", list(range(6))),
                                             ("reversed(list(zip(weights, grads)))", list(range(5, -1, -1)))])
def test_one_update_statement_over_the_layers_in_forward_order_is_read_input_side_first(tmp_path, walk, positions):
    """`for W, g in zip(weights, grads): W -= ...` writes the layers in the order the forward pass reads them; the
    first steps' ratios shrink toward the input. Walked in reverse, the k-th write of a step is the k-th layer from
    the output: the input layer is the last one written."""
    src = SIGMOID_LIST.replace("ORDER", "reversed(range(len(weights)))").replace("WALK", walk)
    session, drafts, checks = _run(tmp_path, src, "tower_list")
    from nandoctor.analysis.causes._numeric import ratios_toward_the_input

    layers = ratios_toward_the_input(facts(session))
    assert [r["position"] for r in layers] == positions
    # replayed: at the first step each layer's ratio is |0.002 g| / |W|, the input layer's smallest
    ns: dict = {}
    exec(compile(src.replace("range(150)", "range(1)").replace("W -= 0.002 * g", "pass"), "replay", "exec"), ns)
    first = [np.linalg.norm(0.002 * g) / np.linalg.norm(w) for w, g in zip(ns["weights"], ns["grads"])]
    assert first[0] < first[-1] / 100
    assert checks["vanishing_gradient"]["gradient_vanishes"].status == HOLDS


def test_layer_objects_stepped_in_forward_order_are_read_input_side_first(tmp_path):
    """`for layer in layers: layer.step(lr, mom)` with `self.W += self.vW` in the method: the method has no loop of
    its own, and the loop that calls it walks the layers forwards, so the k-th write of a step is the k-th layer. The
    deep sigmoid autoencoder of the sample pair x13_quartz_prism: its first steps' ratios shrink toward the input,
    replayed in plain numpy. (Its healthy tanh twin is traced with every sample in test_causes_samples.)"""
    from nandoctor.analysis.causes._numeric import EARLY_STEPS, ratios_toward_the_input

    cases = Path(__file__).resolve().parent / "samples" / "cases"
    src = (cases / "x13_quartz_prism_b.py").read_text()
    session, drafts, checks = _run(tmp_path, src, "prism")
    layers = ratios_toward_the_input(facts(session))
    assert layers is not None and [r["position"] for r in layers] == list(range(6))
    # replayed: every layer's |change| / |W before| over the first steps after the first (a write's norm before it
    # is the array's norm at its previous write), in the order the layers are stepped
    hooked = src.replace("        self.W += self.vW", "        RATIOS.append(np.linalg.norm(self.vW) / np.linalg.norm(self.W))\n"
                                                    "        self.W += self.vW")
    assert hooked != src
    ns: dict = {"RATIOS": []}
    exec(compile(hooked.replace("range(60)", "range(1)").replace("print(", "str("), "replay", "exec"), ns)
    first = np.median(np.array(ns["RATIOS"][6:(EARLY_STEPS + 1) * 6]).reshape(EARLY_STEPS, 6), axis=0)
    assert np.allclose([r["early"] for r in layers], first, rtol=0.05)
    assert first[-1] > 1e3 * first[0]
    assert checks["vanishing_gradient"]["gradient_vanishes"].status == HOLDS
    assert "vanishing_gradient" in drafts


def test_layer_objects_stepped_backwards_are_read_from_the_end(tmp_path):
    """`for layer in reversed(layers): g = layer.backward(g, lr)` beside `head.backward(y, lr)` in the step loop: the
    hidden layers' update statement writes them output side first, so the last write of a step is the input layer;
    the step loop's own call of a same-named method walks no layers. The sample f14_cedar_steps_a (seven sigmoid
    layers): replayed in plain numpy, the first step's ratios shrink toward the input by more than 1e3, and the
    vanishing gradient, not the rate, is the cause."""
    from nandoctor.analysis.causes._numeric import ratios_toward_the_input

    src = (Path(__file__).resolve().parent / "samples" / "cases" / "f14_cedar_steps_a.py").read_text()
    session, drafts, checks = _run(tmp_path, src, "cedar")
    layers = ratios_toward_the_input(facts(session))
    assert layers is not None and [r["position"] for r in layers] == list(range(6, -1, -1))
    hooked = src.replace("        self.W -= lr * self.x.T @ dz\n        self.b -= lr * dz.sum(axis=0)\n        return dx\n\n\n"
                         "class Output",
                         "        RATIOS.append(np.linalg.norm(lr * self.x.T @ dz) / np.linalg.norm(self.W))\n"
                         "        self.W -= lr * self.x.T @ dz\n        self.b -= lr * dz.sum(axis=0)\n        return dx\n\n\n"
                         "class Output", 1)
    assert hooked != src
    ns: dict = {"RATIOS": []}
    exec(compile(hooked.replace("range(300)", "range(1)").replace("print(", "str("), "replay", "exec"), ns)
    first = ns["RATIOS"][:7][::-1]  # written output side first: reversed, the input layer first
    assert first[-1] > 1e3 * first[0]
    assert checks["vanishing_gradient"]["gradient_vanishes"].status == HOLDS
    assert "vanishing_gradient" in drafts
    assert checks["learning_rate_too_low"].get("yields_to") is not None


def test_adam_moves_every_array_alike(tmp_path):
    session, drafts, checks = _run(tmp_path, ADAM_LIST.format(step="1e-6"), "adam_alike")
    alike = checks["learning_rate_too_low"]["steps_tiny_alike"]
    # the two weight matrices (the offsets grow from zero and are left out) move by about 1e-6 per element; their
    # change is measured as the change of their norm (a lower bound), so within two orders, far from 1e3
    assert alike.status == HOLDS and alike.numbers["spread"] < 100, alike.why


# -- false second causes: a stale forward pass, weights that grow while the loss falls, one element's ratio ----

STALE_MINIBATCH = """
import numpy as np
rng = np.random.default_rng(8)
usage = rng.normal(0, 1, (120, 4))
left = (usage @ np.array([1.0, -1.0, 0.5, 0.0]) > 0).astype(float)
theta = np.zeros(4)
scores = 1 / (1 + np.exp(-(usage @ theta)))
for step in range(60):
    lo = (step % 4) * 30
    part = slice(lo, lo + 30)
    gap = scores[part] - left[part]
    theta = theta - 0.5 * usage[part].T @ gap / 30
    fresh = 1 / (1 + np.exp(-(usage @ theta)))
    loss = -np.mean(left * np.log(fresh + 1e-12) + (1 - left) * np.log(1 - fresh + 1e-12))
"""


def test_a_stale_forward_pass_is_not_gradient_ascent(tmp_path):
    session, drafts, checks = _run(tmp_path, STALE_MINIBATCH, "stale_minibatch")
    assert "forward_outside_loop" in drafts
    sign = checks["gradient_sign_wrong"]
    # each pass over the four minibatches repeats the last pass's gradients exactly: replayed in plain numpy
    rng = np.random.default_rng(8)
    usage = rng.normal(0, 1, (120, 4))
    left = (usage @ np.array([1.0, -1.0, 0.5, 0.0]) > 0).astype(float)
    scores = np.full(120, 0.5)
    gaps = [scores[(s % 4) * 30:(s % 4) * 30 + 30] - left[(s % 4) * 30:(s % 4) * 30 + 30] for s in range(8)]
    assert all(np.array_equal(gaps[i], gaps[i + 4]) for i in range(4))
    from nandoctor.analysis.causes.gradient_sign_wrong import _repeated_gradient

    assert _repeated_gradient(facts(session)) == "gap"
    if "steps_follow_the_weights" in sign:
        assert sign["steps_follow_the_weights"].status == FAILS, sign["steps_follow_the_weights"].why
    assert "gradient_sign_wrong" not in drafts


SEPARABLE_PER_SAMPLE = """
import numpy as np
rng = np.random.RandomState(3)
cols = 60
reads = rng.normal(0, 1, (2, cols))
good = (reads[0] - reads[1] > 0).astype(float)
reads[:, good == 1] += 2.0
reads[:, good == 0] -= 2.0
v = np.zeros(2)
for epoch in range(8):
    epoch_loss = 0.0
    for col in range(cols):
        p = 1.0 / (1.0 + np.exp(-(v @ reads[:, col])))
        epoch_loss += -(good[col] * np.log(p) + (1 - good[col]) * np.log(1 - p))
        v = v - 0.5 * (p - good[col]) * reads[:, col]
"""


def test_weights_that_grow_while_the_summed_loss_falls_are_descent(tmp_path):
    from nandoctor.detectors.optimisation import running_total_losses

    session, drafts, checks = _run(tmp_path, SEPARABLE_PER_SAMPLE, "separable_per_sample")
    # the per-sample losses, replayed in plain numpy, are what each `+=` added to the running total
    rng = np.random.RandomState(3)
    reads = rng.normal(0, 1, (2, 60))
    good = (reads[0] - reads[1] > 0).astype(float)
    reads[:, good == 1] += 2.0
    reads[:, good == 0] -= 2.0
    v, replay = np.zeros(2), []
    for _ in range(8):
        for col in range(60):
            p = 1.0 / (1.0 + np.exp(-(v @ reads[:, col])))
            replay.append(-(good[col] * np.log(p) + (1 - good[col]) * np.log(1 - p)))
            v = v - 0.5 * (p - good[col]) * reads[:, col]
    got = running_total_losses(facts(session))
    assert got is not None
    assert np.allclose(got[1][:60], replay[:60])
    from nandoctor.analysis.causes.gradient_sign_wrong import worsening_from_start

    # v grows from zero at every update while the loss falls: the weights' growth is judged as descent
    replay_v = np.zeros(2)
    norms = []
    for col in range(60):
        p = 1.0 / (1.0 + np.exp(-(replay_v @ reads[:, col])))
        replay_v = replay_v - 0.5 * (p - good[col]) * reads[:, col]
        norms.append(np.linalg.norm(replay_v))
    assert norms[-1] > 1.5 * norms[0] and np.mean(replay[40:60]) < np.mean(replay[:20])
    worse = worsening_from_start(facts(session))
    assert worse is not None and worse["rising"] is False and "falls" in worse["what"], worse
    sign = checks["gradient_sign_wrong"]
    if "worse_from_first_steps" in sign:
        assert sign["worse_from_first_steps"].status == FAILS, sign["worse_from_first_steps"].why
    assert "gradient_sign_wrong" not in drafts


LIST_WEIGHTS = """
import numpy as np
rng = np.random.default_rng(21)
rows = rng.normal(size=(100, 3))
flags = ((rows[:, 0] + 0.8 * rows[:, 1] - 0.5 * rows[:, 2]) > 0.2).astype(float)
coef = [0.05, -0.05, 0.05]
shift = 0.0
for lap in range(12):
    for row, flag in zip(rows, flags):
        act = coef[0] * row[0] + coef[1] * row[1] + coef[2] * row[2] + shift
        out = 1.0 / (1.0 + np.exp(-act))
        d_act = out - flag
        for k in range(3):
            coef[k] -= 0.05 * d_act * row[k]
        shift -= 0.05 * d_act
"""


def test_element_writes_are_judged_on_the_whole_parameter(tmp_path):
    from nandoctor.detectors.optimisation import update_ratios

    session, drafts, checks = _run(tmp_path, LIST_WEIGHTS, "list_weights")
    F = facts(session)
    u = next(x for x in F.updates if F.by_id[x].target.startswith("coef"))
    steps, up, before, ratio = update_ratios(F, u)
    # replayed in plain numpy: the change of the whole coefficient list per sample over its norm before
    rng = np.random.default_rng(21)
    rows = rng.normal(size=(100, 3))
    flags = ((rows[:, 0] + 0.8 * rows[:, 1] - 0.5 * rows[:, 2]) > 0.2).astype(float)
    coef, shift, replay = np.array([0.05, -0.05, 0.05]), 0.0, []
    for _ in range(12):
        for row, flag in zip(rows, flags):
            d_act = 1.0 / (1.0 + np.exp(-(coef @ row + shift))) - flag
            new = coef - 0.05 * d_act * row
            replay.append(np.linalg.norm(new - coef) / np.linalg.norm(coef))
            coef, shift = new, shift - 0.05 * d_act
    replay = np.array(replay)
    assert len(steps) >= 20
    assert np.allclose(ratio, replay[steps], rtol=1e-4, atol=1e-9)
    assert np.median(replay) < 0.1
    assert "learning_rate_too_high" not in drafts


def test_a_loss_falling_far_more_than_the_measured_steps_allow_leaves_the_rate_not_checked(tmp_path, monkeypatch):
    from nandoctor.analysis.causes import learning_rate_too_low

    session = _run(tmp_path, LINREG.format(lr=1e-6, op="-"), "lr_low_unmeasured")[0]
    real = learning_rate_too_low.first_order_drop(facts(session))
    # a loss that fell by 5% while the measured steps bound the fall at 100x less: steps went unmeasured
    monkeypatch.setattr(learning_rate_too_low, "loss_progress",
                        lambda F: {"first": 1.0, "last": 0.95, "drop": 0.05, "how": "loss"})
    monkeypatch.setattr(learning_rate_too_low, "_by_tenths", lambda F, lp: None)  # the progress above, as given
    for bound, expected in ((0.05 / 1000, NOT_CHECKED), (0.05 / 10, HOLDS)):
        monkeypatch.setattr(learning_rate_too_low, "first_order_drop", lambda F, b=bound: dict(real, bound=b))
        checks = {c.premise: c for c in evaluate_rules(session, facts(session), detect(session))[2]["learning_rate_too_low"]}
        assert checks["steps_tiny"].status == expected, checks["steps_tiny"].why


def test_a_climbing_loss_is_no_vanishing_gradient(tmp_path, monkeypatch):
    from nandoctor.analysis.causes import vanishing_gradient

    session, drafts, checks = _run(tmp_path, DEEP, "deep_climbing")
    assert checks["vanishing_gradient"]["gradient_vanishes"].status == HOLDS
    monkeypatch.setattr(vanishing_gradient, "loss_progress",
                        lambda F: {"first": 0.7, "last": 16.5, "drop": (0.7 - 16.5) / 0.7, "how": "loss"})
    climbing = {c.premise: c for c in evaluate_rules(session, facts(session), detect(session))[2]["vanishing_gradient"]}
    assert climbing["loss_barely_falls"].status == FAILS, climbing["loss_barely_falls"].why
    assert "climbs" in climbing["loss_barely_falls"].why


@pytest.mark.parametrize("values, rises", [
    ([1.3, 1.9, 5.4, 12.5] + [18.4] * 96, True),  # thrown off within its first tenth, then flat: it rose
    ([0.7, 0.2, 0.9, 0.1] * 25, False),  # a noisy per-sample loss, level on average: no rise
    ([2.0] + [1.0] * 99, False),  # fell at once and stayed: no rise
])
def test_a_long_loss_rises_when_its_end_is_above_its_start_or_its_first_tenth(monkeypatch, values, rises):
    from types import SimpleNamespace

    from nandoctor.detectors import optimisation

    vals = np.asarray(values, float)
    monkeypatch.setattr(optimisation, "loss_series", lambda F: (np.arange(len(vals)), vals, "loss"))
    monkeypatch.setattr(optimisation, "first_nonfinite_info", lambda session: None)
    monkeypatch.setattr(optimisation, "loss_before_training", lambda F: None)  # no loss measured ahead of the loop
    got = optimisation.trouble(SimpleNamespace(updates=[]), None)
    tenth = len(vals) // 10
    start, end = min(vals[0], vals[:tenth].mean()), vals[-tenth:].mean()
    assert (got.get("kind") == "loss") is rises is bool(end > optimisation.LIM.LOSS_RISE * start)


SCHEDULED_INLINE = """
import numpy as np
gen = np.random.default_rng(42)
table = gen.uniform(-1.0, 1.0, (120, 4))
price = table @ np.array([2.0, -1.0, 0.5, 3.0]) + 1.5
beta = np.zeros(4)
intercept = 0.0
for epoch in range(300):
    rate = {rate} * (0.5 ** (epoch // 100))
    resid = table @ beta + intercept - price
    beta = beta - rate * (table.T @ resid) / len(price)
    intercept = intercept - rate * resid.mean()
"""


def _replay_scheduled(base):
    """(mean squared residual per epoch, sum of |step|^2 / rate over both parameters), in plain numpy."""
    gen = np.random.default_rng(42)
    table = gen.uniform(-1.0, 1.0, (120, 4))
    price = table @ np.array([2.0, -1.0, 0.5, 3.0]) + 1.5
    beta, intercept, mse, bound = np.zeros(4), 0.0, [], 0.0
    for epoch in range(300):
        rate = base * (0.5 ** (epoch // 100))
        resid = table @ beta + intercept - price
        mse.append(np.mean(resid ** 2))
        step_b, step_i = rate * (table.T @ resid) / len(price), rate * resid.mean()
        bound += (np.sum(step_b ** 2) + step_i ** 2) / rate
        beta, intercept = beta - step_b, intercept - step_i
    return np.array(mse), bound


def test_a_recorded_residual_gives_the_loss_and_an_inline_gradient_the_bound(tmp_path):
    from nandoctor.detectors.optimisation import first_order_drop, loss_series

    session, drafts, checks = _run(tmp_path, SCHEDULED_INLINE.format(rate=2e-4), "scheduled_low")
    mse, bound = _replay_scheduled(2e-4)
    F = facts(session)
    steps, loss, how = loss_series(F)
    assert "resid" in how and np.allclose(loss, mse[steps], rtol=1e-6)
    # no variable holds the gradient: each step's norm over the rate gives it, the rate read per epoch
    assert first_order_drop(F)["bound"] == pytest.approx(bound, rel=1e-3)
    low = checks["learning_rate_too_low"]
    assert low["loss_barely_falls"].status == HOLDS and low["steps_tiny"].status == HOLDS
    assert low["steps_tiny_alike"].status == HOLDS  # one array of weights: no layers to vanish through
    assert "learning_rate_too_low" in drafts


def test_a_scheduled_healthy_rate_raises_no_low_rate(tmp_path):
    session, drafts, checks = _run(tmp_path, SCHEDULED_INLINE.format(rate=0.2), "scheduled_ok")
    assert checks["learning_rate_too_low"]["loss_barely_falls"].status == FAILS
    assert not drafts


DICT_ASCENT = """
import numpy as np
gen = np.random.RandomState(1)
pts = gen.randn(150, 2)
labels = (pts[:, 0] * pts[:, 1] > 0).astype(int)
onehot = np.eye(2)[labels]
net = {{"W1": gen.randn(2, 16) * 0.5, "b1": np.zeros(16), "W2": gen.randn(16, 2) * 0.5, "b2": np.zeros(2)}}
for epoch in range(200):
    hid = 1.0 / (1.0 + np.exp(-(pts @ net["W1"] + net["b1"])))
    logits = hid @ net["W2"] + net["b2"]
    ex = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs = ex / ex.sum(axis=1, keepdims=True)
    loss = -np.mean(np.sum(onehot * np.log(probs + 1e-12), axis=1))
    d_out = ({sign}) / len(pts)
    d_hid = (d_out @ net["W2"].T) * hid * (1 - hid)
    grads = {{"W2": hid.T @ d_out, "b2": d_out.sum(0), "W1": pts.T @ d_hid, "b1": d_hid.sum(0)}}
    for key in net:
        net[key] -= 1.0 * grads[key]
"""


def test_dict_updates_are_judged_together_and_level_large_steps_climbing_are_ascent(tmp_path):
    from nandoctor.detectors.optimisation import update_ratios

    session, drafts, checks = _run(tmp_path, DICT_ASCENT.format(sign="onehot - probs"), "dict_ascent")
    F = facts(session)
    (u,) = F.updates
    steps, up, before, ratio = update_ratios(F, u)
    # replayed: one ratio per step, the four entries' updates against their norms together (biases from zero)
    gen = np.random.RandomState(1)
    pts = gen.randn(150, 2)
    onehot = np.eye(2)[(pts[:, 0] * pts[:, 1] > 0).astype(int)]
    net = {"W1": gen.randn(2, 16) * 0.5, "b1": np.zeros(16), "W2": gen.randn(16, 2) * 0.5, "b2": np.zeros(2)}
    want = []
    for _ in range(6):
        hid = 1.0 / (1.0 + np.exp(-(pts @ net["W1"] + net["b1"])))
        logits = hid @ net["W2"] + net["b2"]
        ex = np.exp(logits - logits.max(axis=1, keepdims=True))
        probs = ex / ex.sum(axis=1, keepdims=True)
        d_out = (onehot - probs) / len(pts)
        d_hid = (d_out @ net["W2"].T) * hid * (1 - hid)
        grads = {"W2": hid.T @ d_out, "b2": d_out.sum(0), "W1": pts.T @ d_hid, "b1": d_hid.sum(0)}
        norm = np.sqrt(sum(np.sum(v ** 2) for v in net.values()))
        want.append(np.sqrt(sum(np.sum(g ** 2) for g in grads.values())) / norm)
        for key in net:
            net[key] -= grads[key]
    # (the dict literal records no value of each entry before the first update: step 0 has no norm before it)
    assert steps[0] == 1 and np.allclose(ratio[:4], np.array(want)[steps[:4]], rtol=1e-6)
    sign = checks["gradient_sign_wrong"]
    assert sign["steps_small"].status == HOLDS and "gradient_sign_wrong" in drafts
    assert "learning_rate_too_high" not in drafts


THROWN_DEAD = """
import numpy as np
rs = np.random.RandomState(3)
xs = rs.uniform(0.0, 1.0, (60, 2))
ys = xs[:, :1] + xs[:, 1:] ** 2
net = {"hid": {"w": rs.randn(2, 12), "b": np.zeros(12)}, "out": {"w": rs.randn(12, 1) * 0.4, "b": np.zeros(1)}}
vel = {n: {k: np.zeros_like(a) for k, a in layer.items()} for n, layer in net.items()}
step = {step}
for it in range(80):
    z = xs @ net["hid"]["w"] + net["hid"]["b"]
    h = np.maximum(z, 0.0)
    pred = h @ net["out"]["w"] + net["out"]["b"]
    g = 2.0 * (pred - ys) / len(xs)
    gz = (g @ net["out"]["w"].T) * (z > 0)
    grads = {"hid": {"w": xs.T @ gz, "b": gz.sum(0)}, "out": {"w": h.T @ g, "b": g.sum(0)}}
    for name, layer in net.items():
        for key in layer:
            vel[name][key] = 0.9 * vel[name][key] - step * grads[name][key]
            layer[key] += vel[name][key]
"""


def test_a_loss_jump_that_leaves_live_relu_units_dead_is_a_rate_too_high(tmp_path):
    # Replayed: the loss jumps above twice its start within the first steps, and every hidden unit, alive at the
    # first step, is zero for every sample at the end.
    rs = np.random.RandomState(3)
    xs = rs.uniform(0.0, 1.0, (60, 2))
    ys = xs[:, :1] + xs[:, 1:] ** 2
    net = {"hid": {"w": rs.randn(2, 12), "b": np.zeros(12)}, "out": {"w": rs.randn(12, 1) * 0.4, "b": np.zeros(1)}}
    vel = {n: {k: np.zeros_like(a) for k, a in layer.items()} for n, layer in net.items()}
    losses, dead = [], []
    for _ in range(80):
        z = xs @ net["hid"]["w"] + net["hid"]["b"]
        h = np.maximum(z, 0.0)
        pred = h @ net["out"]["w"] + net["out"]["b"]
        losses.append(float(np.mean((pred - ys) ** 2)))
        dead.append(float(np.mean(h == 0)))
        g = 2.0 * (pred - ys) / len(xs)
        gz = (g @ net["out"]["w"].T) * (z > 0)
        grads = {"hid": {"w": xs.T @ gz, "b": gz.sum(0)}, "out": {"w": h.T @ g, "b": g.sum(0)}}
        for name, layer in net.items():
            for key in layer:
                vel[name][key] = 0.9 * vel[name][key] - 0.9 * grads[name][key]
                layer[key] += vel[name][key]
    assert dead[0] < 0.5 and dead[-1] == 1.0 and max(losses[:5]) > 2 * losses[0] and losses[-1] < losses[0]

    session, drafts, checks = _run(tmp_path, THROWN_DEAD.replace("{step}", "0.9"), "thrown_dead")
    unstable = checks["learning_rate_too_high"]["run_unstable"]
    assert unstable.status == HOLDS and unstable.numbers["kind"] == "thrown"
    assert unstable.numbers["loss_first"] == pytest.approx(losses[0], rel=1e-6)
    assert "learning_rate_too_high" in drafts
    _, calm, calm_checks = _run(tmp_path, THROWN_DEAD.replace("{step}", "0.02"), "calm")
    assert "learning_rate_too_high" not in calm
    assert calm_checks["learning_rate_too_high"]["run_unstable"].status == FAILS


NO_LOSS_DESCENT = """
import numpy as np
gen = np.random.default_rng(3)
feats = gen.normal(size=(80, 3))
truth = feats @ np.array([1.5, -2.0, 0.5])
coef = np.zeros(3)
for sweep in range(40):
    coef = coef - 0.1 * feats.T @ (feats @ coef - truth) / len(truth)
"""


def test_a_sound_run_without_a_loss_is_described_by_its_weights_not_by_a_loss_never_measured(tmp_path):
    from conftest import analysed_session, judge_rule

    from nandoctor.detectors import optimisation

    session = analysed_session(tmp_path, NO_LOSS_DESCENT)
    checks, out = judge_rule(session, "gradient_sign_wrong")
    why = next(c.why for c in out.checks if c.premise == "run_worsens")
    assert checks["run_worsens"] == FAILS
    assert optimisation.loss_series(facts(session)) is None
    assert "no loss was measured" in why and "loss falls" not in why
    # the norm quoted is the parameter's own, replayed: the norm before the first and before the last update
    feats = np.random.default_rng(3).normal(size=(80, 3))
    truth = feats @ np.array([1.5, -2.0, 0.5])
    coef, norms = np.zeros(3), []
    for _ in range(40):
        norms.append(np.linalg.norm(coef))
        coef = coef - 0.1 * feats.T @ (feats @ coef - truth) / len(truth)
    assert f"{norms[-1]:.3g}" in why


SWINGING = """
import numpy as np
rng = np.random.default_rng(3)
X = rng.normal(0, 1, (400, 3))
y = (X @ np.array([1.0, -1.0, 0.5]) + rng.normal(0, 1.5, 400) > 0).astype(float)
w = np.array([-4.0, 4.0, -2.0])
lr = {lr}
for epoch in range(60):
    order = rng.permutation(400)
    for s in range(0, 400, 50):
        xb, yb = X[order[s:s + 50]], y[order[s:s + 50]]
        p = 1 / (1 + np.exp(-np.clip(xb @ w, -30, 30)))
        w -= lr * xb.T @ (p - yb) / len(xb)
    p_all = 1 / (1 + np.exp(-np.clip(X @ w, -30, 30)))
    loss = -np.mean(y * np.log(p_all + 1e-12) + (1 - y) * np.log(1 - p_all + 1e-12))
print(loss)
"""


def _replay_swinging_losses(lr):
    rng = np.random.default_rng(3)
    X = rng.normal(0, 1, (400, 3))
    y = (X @ np.array([1.0, -1.0, 0.5]) + rng.normal(0, 1.5, 400) > 0).astype(float)
    w = np.array([-4.0, 4.0, -2.0])
    losses = []
    for _ in range(60):
        order = rng.permutation(400)
        for s in range(0, 400, 50):
            xb, yb = X[order[s:s + 50]], y[order[s:s + 50]]
            p = 1 / (1 + np.exp(-np.clip(xb @ w, -30, 30)))
            w = w - lr * xb.T @ (p - yb) / len(xb)
        p_all = 1 / (1 + np.exp(-np.clip(X @ w, -30, 30)))
        losses.append(-np.mean(y * np.log(p_all + 1e-12) + (1 - y) * np.log(1 - p_all + 1e-12)))
    return np.array(losses)


def test_a_loss_swinging_under_steps_as_large_as_the_weights_is_the_rate(tmp_path):
    losses = _replay_swinging_losses(60.0)
    change = np.diff(losses)
    # the replayed loss falls by more than a tenth overall, yet most checks reverse direction
    assert (losses[0] - losses[-1]) / losses[0] > 0.1
    assert np.mean(np.sign(change[1:]) * np.sign(change[:-1]) < 0) > 0.4
    _, drafts, checks = _run(tmp_path, SWINGING.format(lr=60.0), "swinging")
    unstable = checks["learning_rate_too_high"]["run_unstable"]
    assert unstable.status == HOLDS and unstable.numbers["kind"] == "bouncing", unstable.why
    assert f"from {losses[0]:.4g} to {losses[-1]:.4g}" in unstable.why
    assert "learning_rate_too_high" in drafts


def test_a_loss_falling_under_small_steps_is_no_rate(tmp_path):
    losses = _replay_swinging_losses(0.5)
    assert losses[-1] < losses[0]
    _, drafts, checks = _run(tmp_path, SWINGING.format(lr=0.5), "settling")
    assert "learning_rate_too_high" not in drafts
    assert checks["learning_rate_too_high"]["run_unstable"].status == FAILS


SUMMED_LOSS = """
import numpy as np
rng = np.random.default_rng(1)
X = rng.normal(0, 1, (256, 4))
y = X @ np.array([1.0, -1.0, 0.5, 2.0]) + 0.1 * rng.normal(0, 1, 256)
w = rng.normal(0, 0.1, 4)
lr = 0.05
for epoch in range(40):
    for s in range(0, 256, 64):
        xb, yb = X[s:s + 64], y[s:s + 64]
        grad = xb.T @ (xb @ w - yb)
        w -= lr * grad
    cost = {cost}
print(cost)
"""


def test_a_summed_gradient_of_a_summed_loss_is_the_rate(tmp_path):
    _, drafts, checks = _run(tmp_path, SUMMED_LOSS.format(cost="np.sum((X @ w - y) ** 2)"), "summed_loss")
    rows = 256  # the loss adds up every row of X, the gradient the 64 of a minibatch
    whole = checks["learning_rate_too_high"]["step_not_from_summed_gradient"]
    assert whole.status == HOLDS and f"sums over an axis of {rows}" in whole.why, whole.why
    assert "learning_rate_too_high" in drafts
    assert checks["gradient_sum_not_mean"]["loss_not_summed"].status == FAILS
    assert "gradient_sum_not_mean" not in drafts


def test_a_summed_gradient_of_an_averaged_loss_is_the_sum(tmp_path):
    _, drafts, checks = _run(tmp_path, SUMMED_LOSS.format(cost="np.mean((X @ w - y) ** 2)"), "mean_loss")
    assert checks["gradient_sum_not_mean"]["loss_not_summed"].status == HOLDS
    assert checks["learning_rate_too_high"]["step_not_from_summed_gradient"].status == FAILS
    assert "gradient_sum_not_mean" in drafts


DICT_GRADS = """
import numpy as np
rng = np.random.default_rng(4)
X = rng.normal(0, 1, (2, 200))
Y = (X[0] * X[1] > 0).astype(float)[None, :]
params = {"W1": rng.normal(0, 0.5, (8, 2)), "W2": rng.normal(0, 0.5, (1, 8))}
def backward(params):
    H = np.tanh(params["W1"] @ X)
    P = 1 / (1 + np.exp(-(params["W2"] @ H)))
    dZ2 = (P - Y) / X.shape[1]
    dH = params["W2"].T @ dZ2 * (1 - H ** 2)
    return {"dW1": dH @ X.T, "dW2": dZ2 @ H.T}, -np.mean(Y * np.log(P) + (1 - Y) * np.log(1 - P))
def update(params, grads, learning_rate):
    for idx in (1, 2):
        params["W" + str(idx)] -= learning_rate * grads["dW" + str(idx)]
    return params
for step in range(300):
    grads, cost = backward(params)
    params = update(params, grads, RATE)
print(cost)
"""


def test_a_rate_too_low_measured_through_gradients_held_in_a_dict(tmp_path):
    rng = np.random.default_rng(4)
    X = rng.normal(0, 1, (2, 200))
    Y = (X[0] * X[1] > 0).astype(float)[None, :]
    W1, W2 = rng.normal(0, 0.5, (8, 2)), rng.normal(0, 0.5, (1, 8))
    sizes = []
    for _ in range(300):
        H = np.tanh(W1 @ X)
        P = 1 / (1 + np.exp(-(W2 @ H)))
        dZ2 = (P - Y) / X.shape[1]
        dW1, dW2 = (W2.T @ dZ2 * (1 - H ** 2)) @ X.T, dZ2 @ H.T
        sizes += [np.sqrt(np.mean(dW1 ** 2)), np.sqrt(np.mean(dW2 ** 2))]
        W1, W2 = W1 - 1e-5 * dW1, W2 - 1e-5 * dW2
    _, drafts, checks = _run(tmp_path, DICT_GRADS.replace("RATE", "1e-5"), "dict_grads")
    present = checks["learning_rate_too_low"]["gradient_present"]
    # no value holds the gradient (a dict entry under a computed key): its size is each step's over the rate
    assert present.status == HOLDS, present.why
    assert min(sizes) * 0.99 <= present.numbers["gradient_rms"] <= max(sizes) * 1.01
    assert "learning_rate_too_low" in drafts


THROWN_INTO_SATURATION = """
import numpy as np
rng = np.random.default_rng(0)
X = rng.normal(0, 1, (200, 2))
y = (X[:, 0] * X[:, 1] > 0).astype(int)
W1, b1 = rng.normal(0, 1, (2, 3)) / np.sqrt(2), rng.normal(0, 1, (1, 3))
W2, b2 = rng.normal(0, 1, (3, 2)) / np.sqrt(3), rng.normal(0, 1, (1, 2))
rate, reg = {rate}, 0.01
for step in range(600):
    h = np.tanh(X @ W1 + b1)
    out = np.tanh(h @ W2 + b2)
    e = np.exp(out - out.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(p[np.arange(200), y]))
    d = p.copy()
    d[np.arange(200), y] -= 1
    d /= len(X)
    d = d * (1 - out ** 2)
    dW2, db2 = h.T @ d + reg * W2, d.sum(axis=0, keepdims=True)
    dh = d @ W2.T * (1 - h ** 2)
    dW1, db1 = X.T @ dh + reg * W1, dh.sum(axis=0, keepdims=True)
    W1 += -rate * dW1
    b1 += -rate * db1
    W2 += -rate * dW2
    b2 += -rate * db2
    if step % 50 == 0:
        print(step, loss)
"""


def _replay_saturated_losses(rate):
    rng = np.random.default_rng(0)
    X = rng.normal(0, 1, (200, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    W1, b1 = rng.normal(0, 1, (2, 3)) / np.sqrt(2), rng.normal(0, 1, (1, 3))
    W2, b2 = rng.normal(0, 1, (3, 2)) / np.sqrt(3), rng.normal(0, 1, (1, 2))
    losses = []
    for _ in range(600):
        h = np.tanh(X @ W1 + b1)
        out = np.tanh(h @ W2 + b2)
        e = np.exp(out - out.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        losses.append(-np.mean(np.log(p[np.arange(200), y])))
        d = p.copy()
        d[np.arange(200), y] -= 1
        d = d / len(X) * (1 - out ** 2)
        dh = d @ W2.T * (1 - h ** 2)
        W2, b2 = W2 - rate * (h.T @ d + 0.01 * W2), b2 - rate * d.sum(axis=0, keepdims=True)
        W1, b1 = W1 - rate * (X.T @ dh + 0.01 * W1), b1 - rate * dh.sum(axis=0, keepdims=True)
    return np.array(losses)


def test_steps_that_throw_the_units_into_saturation_then_nothing_moves_are_the_rate(tmp_path):
    losses = _replay_saturated_losses(100.0)
    late = losses[2:]
    assert np.ptp(late) <= 1e-6 * np.mean(late) and np.mean(late) > losses[0]  # frozen above where it began
    _, drafts, checks = _run(tmp_path, THROWN_INTO_SATURATION.format(rate=100.0), "thrown")
    unstable = checks["learning_rate_too_high"]["run_unstable"]
    assert unstable.status == HOLDS and unstable.numbers["kind"] == "frozen", unstable.why
    assert f"(it started at {losses[0]:.4g})" in unstable.why
    assert "learning_rate_too_high" in drafts


def test_the_same_net_at_a_sound_rate_is_not_frozen(tmp_path):
    losses = _replay_saturated_losses(1.0)
    assert losses[-1] < losses[0]
    _, drafts, checks = _run(tmp_path, THROWN_INTO_SATURATION.format(rate=1.0), "sound")
    assert checks["learning_rate_too_high"]["run_unstable"].status == FAILS
    assert "learning_rate_too_high" not in drafts


@pytest.mark.parametrize("script", ["tiny_init_fxs_a.py", "deep_tanh_list_b.py"])
def test_weights_too_small_or_grown_from_zero_that_freeze_are_not_thrown_by_the_rate(tmp_path, script):
    # a first step half the norm of a tiny weight, or a bias growing from zero, throws nothing into saturation
    from pathlib import Path

    source = (Path(__file__).parent / "corpus" / "scripts" / script).read_text()
    _, drafts, checks = _run(tmp_path, source, script[:-3])
    assert checks["learning_rate_too_high"]["run_unstable"].status == FAILS
    assert "weights_init_too_small" in drafts and "learning_rate_too_high" not in drafts


# Nesterov momentum: each step opens with the look-ahead `W += mu * vel` (the velocity still zero at the first step),
# then the forward pass, then the velocity and the step. The first step's values are those computed after the
# look-ahead, before the update that follows them.
NESTEROV = """
import numpy as np
rng = np.random.default_rng(3)
X = rng.normal(size=(64, 4))
y = X @ np.array([[1.0], [-2.0], [0.5], [1.5]])
W = rng.normal(size=(4, 1)) * 0.1
vel = np.zeros_like(W)
for step in range(40):
    W += 0.9 * vel
    err = X @ W - y
    loss = float(np.mean(err ** 2))
    grad = 2 * X.T @ err / len(X)
    W -= 0.9 * vel
    vel = 0.9 * vel - LR * grad
    W += vel
"""


def test_a_look_ahead_update_before_the_forward_pass_leaves_the_first_step_measured(tmp_path):
    _, drafts, checks = _run(tmp_path, NESTEROV.replace("LR", "0.6"), "nesterov_high")
    c = checks["learning_rate_too_high"]
    assert c["stable_before_first_update"].status == HOLDS, c["stable_before_first_update"].why
    assert "learning_rate_too_high" in drafts
    _, drafts, checks = _run(tmp_path, NESTEROV.replace("LR", "0.05"), "nesterov_sound")
    assert "learning_rate_too_high" not in drafts



# Features x samples softmax regression whose scores are computed once before the loop and handed, each epoch, to a
# loss object (its forward keeps the probabilities, its backward returns the gradient): the stale scores sit six
# statements up the gradient's chain. The four classes are no samples: the targets' longest axis is. The sample
# pair x13_maple_vials holds that program and its twin, which computes the scores in the loop.
SAMPLES = Path(__file__).resolve().parent / "samples" / "cases"


def test_scores_made_once_before_the_loop_reach_the_gradient_through_a_loss_object(tmp_path):
    stale = (SAMPLES / "x13_maple_vials_a.py").read_text()
    _, drafts, checks = _run(tmp_path, stale, "stale_loss_object")
    c = checks["forward_outside_loop"]
    assert c["forward_stale"].status == HOLDS and "scores" in c["forward_stale"].why
    assert "forward_outside_loop" in drafts
    assert checks["parameter_shape_per_sample"]["samples_counted"].status == NOT_CHECKED
    for tag in ("learning_rate_too_low", "weights_init_too_small"):
        assert tag not in drafts
    fresh = (SAMPLES / "x13_maple_vials_b.py").read_text()
    assert 'loss = criterion.forward(params["W"] @ X + params["b"], Y)' in fresh  # the twin computes them each epoch
    _, drafts, _ = _run(tmp_path, fresh, "fresh_loss_object")
    assert "forward_outside_loop" not in drafts


def test_a_rate_raised_part_way_is_read_from_the_weights_not_an_offset(monkeypatch):
    """Synthetic update ratios: an offset `b2` whose norm stays near zero has ratios that jump from 0.05 to 0.11,
    while the weight `W2` keeps steps of 0.01 of its norm. The jump of the offset's ratio is no raised rate."""
    from types import SimpleNamespace

    from nandoctor.analysis.causes import learning_rate_too_high as rule_module

    steps = np.arange(60)
    series = {
        1: (steps, None, np.full(60, 0.04), np.r_[np.full(40, 0.05), np.full(20, 0.11)]),  # b2
        2: (steps, None, np.full(60, 3.0), np.full(60, 0.01)),  # W2
    }
    F = SimpleNamespace(by_id={1: SimpleNamespace(target="b2"), 2: SimpleNamespace(target="W2")})
    monkeypatch.setattr(rule_module, "update_ratios", lambda F, u: series[u])
    limit = 0.1
    # the same ratios under a weight's name are a raised rate
    F.by_id[1] = SimpleNamespace(target="V2")
    assert rule_module.raised_steps(F, [1, 2], None, limit)["name"] == "V2"
    F.by_id[1] = SimpleNamespace(target="b2")
    assert rule_module.raised_steps(F, [1, 2], None, limit) == {}


def test_one_large_step_before_a_zero_count_is_no_run_of_large_steps(tmp_path):
    """The sample n7_margin_mean_b: a hinge step averaged over the points inside the margin moves the small starting
    weights by a large part of their norm once, then every point clears the margin and the count is 0 (0/0 at the
    second step). One update judged is no run of large steps."""
    src = (Path(__file__).parent / "samples" / "cases" / "n7_margin_mean_b.py").read_text()
    assert "count = inside.sum()" in src
    session, drafts, checks = _run(tmp_path, src, "margin_mean")
    big = checks["learning_rate_too_high"]["steps_too_large"]
    assert big.status == FAILS, big.why
    assert "learning_rate_too_high" not in drafts and "division_by_zero" in drafts


# Adam at a rate of 2.0 on an autoencoder of tanh units: the first step throws the loss up, the later steps bring
# it back down while the weights keep growing (Adam's steps are about the rate whatever the gradient's size).
ADAM_JUMP = """
import numpy as np
rng = np.random.default_rng(2)
X = rng.normal(0.0, 1.0, (300, 8))
X = np.tanh(X @ rng.normal(0.0, 0.5, (8, 8)))
W = [rng.normal(0.0, 0.35, (8, 3)), rng.normal(0.0, 0.5, (3, 8))]
m = [np.zeros_like(p) for p in W]
v = [np.zeros_like(p) for p in W]
def loss():
    return np.mean((np.tanh(np.tanh(X @ W[0]) @ W[1]) - X) ** 2)
history = [loss()]
for t in range(1, 301):
    h = np.tanh(X @ W[0])
    out = np.tanh(h @ W[1])
    d_out = 2 * (out - X) / X.size * (1 - out ** 2)
    grads = [X.T @ ((d_out @ W[1].T) * (1 - h ** 2)), h.T @ d_out]
    for i, (p, g) in enumerate(zip(W, grads)):
        m[i] = 0.9 * m[i] + 0.1 * g
        v[i] = 0.999 * v[i] + 0.001 * g * g
        p -= 2.0 * (m[i] / (1 - 0.9 ** t)) / (np.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-8)
    if t % 25 == 1:
        history.append(loss())
"""


def test_a_loss_thrown_up_by_the_first_step_that_then_falls_is_no_climb(tmp_path):
    history = untraced(ADAM_JUMP)["history"]
    assert history[1] > history[0] and history[2] < 0.9 * history[1]  # the replay: up at once, then down a tenth
    session, drafts, checks = _run(tmp_path, ADAM_JUMP, "adam_jump")
    sign = checks["gradient_sign_wrong"]
    assert sign["worse_from_first_steps"].status == FAILS, sign["worse_from_first_steps"].why
    assert "gradient_sign_wrong" not in drafts
    assert "learning_rate_too_high" in drafts


def test_targets_rebound_before_the_loop_are_judged_as_rebound(tmp_path):
    # X is drawn from a normal (beyond a tanh's range) and then squashed by a tanh before training: the targets
    # the loss compares with are the squashed ones.
    session, drafts, checks = _run(tmp_path, ADAM_JUMP, "adam_jump")
    assert np.abs(untraced(ADAM_JUMP)["X"]).max() < 1.0
    assert checks["targets_outside_activation_range"]["targets_outside"].status == FAILS


# A tanh net whose layers' outputs are appended to a list, the prediction read as `acts[-1]` where it meets raw
# kWh targets (10 to 60), then scored on held-out rows every epoch: nothing records the prediction on its own, but
# the list is filled by the tanh.
TANH_LIST = """
import numpy as np
rng = np.random.default_rng(0)
X = rng.normal(size=(96, 3))
y = (35 + 8 * X[:, :1] - 5 * X[:, 1:2])
sizes = [3, 8, 1]
Ws = [rng.normal(0, 1 / np.sqrt(a), (a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
def forward(x):
    acts = [x]
    for W in Ws:
        acts.append(np.tanh(acts[-1] @ W))
    return acts
def backward(acts, target):
    grads = []
    delta = 2 * (acts[-1] - target) / len(target) * (1 - acts[-1] ** 2)
    for i in reversed(range(len(Ws))):
        grads.insert(0, acts[i].T @ delta)
        if i > 0:
            delta = (delta @ Ws[i].T) * (1 - acts[i] ** 2)
    return grads
for epoch in range(20):
    for s in range(0, 96, 32):
        acts = forward(X[s:s + 32])
        grads = backward(acts, y[s:s + 32])
        for k in range(len(Ws)):
            Ws[k] -= 0.1 * grads[k]
    held_out = forward(X[:50])[-1]
"""


def test_targets_beyond_a_tanh_whose_outputs_fill_a_list_of_layer_outputs(tmp_path):
    # the last output the list holds is the held-out pass's, 50 rows against the minibatch's 32 targets
    y = untraced(TANH_LIST)["y"]
    session, drafts, checks = _run(tmp_path, TANH_LIST, "tanh_list")
    c = checks["targets_outside_activation_range"]
    assert c["bounded_output"].status == HOLDS and "tanh" in c["bounded_output"].why
    assert c["targets_outside"].status == HOLDS
    assert f"runs from {y.min():.4g} to {y.max():.4g}" in c["targets_outside"].why


# A ReLU recurrent net started at the identity, its five arrays stepped by one statement in a loop over them: the
# second minibatch's gradient, grown through thirty time steps, moves the weights by thousands of times their norm,
# and every unit dies; nothing goes non-finite.
IDENTITY_RNN = """
import numpy as np
rng = np.random.default_rng(3)
T, H, N, batch = 30, 16, 64, 16
t = np.arange(T + 1)
phase = rng.uniform(0, 2 * np.pi, (N, 1))
waves = np.sin(0.4 * t + phase) + 0.3 * np.sin(1.1 * t + 2 * phase)
X, Y = waves[:, :-1], waves[:, 1:]
Wx = rng.normal(0.0, 0.5, (1, H))
Wh = np.eye(H)
bh = np.zeros(H)
Wy = rng.normal(0.0, 0.1, (H, 1))
params = [Wx, Wh, bh, Wy]
norms = []
for epoch in range(2):
    for s in range(0, N, batch):
        xb, yb = X[s:s + batch], Y[s:s + batch]
        hs = [np.zeros((len(xb), H))]
        for k in range(T):
            hs.append(np.maximum(xb[:, k:k + 1] @ Wx + hs[-1] @ Wh + bh, 0))
        p = np.hstack([h @ Wy for h in hs[1:]])
        dp = 2 * (p - yb) / p.size
        dWx, dWh, dbh, dWy = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(bh), np.zeros_like(Wy)
        dh_next = np.zeros((len(xb), H))
        for k in reversed(range(T)):
            dWy += hs[k + 1].T @ dp[:, k:k + 1]
            dz = (dp[:, k:k + 1] @ Wy.T + dh_next) * (hs[k + 1] > 0)
            dWx += xb[:, k:k + 1].T @ dz
            dWh += hs[k].T @ dz
            dbh += dz.sum(axis=0)
            dh_next = dz @ Wh.T
        for param, g in zip(params, [dWx, dWh, dbh, dWy]):
            param -= 0.05 * g
        norms.append(np.linalg.norm(Wh))
"""


def test_one_update_thousands_of_times_the_weights_is_too_large_and_each_array_is_judged_on_its_own(tmp_path):
    replay = untraced(IDENTITY_RNN)
    start = np.linalg.norm(np.eye(16))
    grown = np.linalg.norm(replay["Wh"])
    assert grown > 1e3 * start and np.isfinite(replay["norms"]).all()
    session, drafts, checks = _run(tmp_path, IDENTITY_RNN, "identity_rnn")
    lr = checks["learning_rate_too_high"]
    assert lr["run_unstable"].status == HOLDS
    # the recurrent matrix's growth, measured from its own start (the identity), not from the array stepped before it
    assert f"from {start:.3g} " in lr["run_unstable"].why, lr["run_unstable"].why
    assert lr["steps_too_large"].status == HOLDS, lr["steps_too_large"].why
    assert "at step 1 one update moved" in lr["steps_too_large"].why
    assert "learning_rate_too_high" in drafts


PER_SAMPLE_FROM_ZERO = """
import numpy as np
rng = np.random.default_rng(4)
xs = rng.normal(0.0, 1.0, 150)
ys = -2.0 * xs + 0.5 + rng.normal(0.0, 0.2, 150)
slope = np.float64(0.0)
offset = 0.0
rate = {rate}
history = []
for sweep in range(25):
    acc = 0.0
    for xv, yv in zip(xs, ys):
        miss = slope * xv + offset - yv
        acc += miss ** 2
        slope = slope - rate * miss * xv
        offset = offset - rate * miss
    history.append(acc / len(xs))
print(history[0], history[-1])
"""


def _replay_slope_ratios(rate):
    """Update / norm-before of the slope at each per-sample step, replayed in plain numpy (NaN-free prefix)."""
    rng = np.random.default_rng(4)
    xs = rng.normal(0.0, 1.0, 150)
    ys = -2.0 * xs + 0.5 + rng.normal(0.0, 0.2, 150)
    slope, offset, out = 0.0, 0.0, []
    with np.errstate(all="ignore"):
        for _ in range(25):
            for xv, yv in zip(xs, ys):
                miss = slope * xv + offset - yv
                new = slope - rate * miss * xv
                out.append(abs(new - slope) / abs(slope) if slope else np.nan)
                slope, offset = new, offset - rate * miss
    return np.array(out)


def test_steps_as_large_as_weights_grown_from_zero_are_the_rate(tmp_path):
    # Per-sample steps on two numbers that start at zero: growth from zero makes the k-th ratio about 1/k, but
    # these stay near the weights' own size for hundreds of updates until the run overflows.
    ratios = _replay_slope_ratios(1.7)
    assert np.nanmedian(ratios[20:300]) > 0.1 and not np.isfinite(ratios).all()
    _, drafts, checks = _run(tmp_path, PER_SAMPLE_FROM_ZERO.format(rate=1.7), "from_zero")
    lr = checks["learning_rate_too_high"]
    assert lr["steps_too_large"].status == HOLDS and "slope" in lr["steps_too_large"].why
    assert "learning_rate_too_high" in drafts


def test_small_steps_grown_from_zero_are_not_the_rate(tmp_path):
    ratios = _replay_slope_ratios(0.01)
    assert np.isfinite(ratios[1:]).all() and np.median(ratios[20:300]) < 0.1
    _, drafts, _ = _run(tmp_path, PER_SAMPLE_FROM_ZERO.format(rate=0.01), "from_zero_small")
    assert "learning_rate_too_high" not in drafts


def test_numbers_rebound_through_a_loop_over_a_list_have_no_step_to_measure(tmp_path):
    # `for w, g in zip(coefs, grads): w -= step * g` rebinds w to a new number; coefs keeps its old ones, so the
    # differences of consecutive writes are no update of any weight.
    src = """
    import numpy as np
    rng = np.random.default_rng(2)
    rows = rng.normal(0, 1, (200, 2)).tolist()
    marks = [1.0 if a + 0.5 * b > 0 else 0.0 for a, b in rows]
    coefs = [0.0, 0.0]
    shift = 0.0
    step = 0.5
    for sweep in range(20):
        total = 0.0
        for row, t in zip(rows, marks):
            s = shift + sum(c * v for c, v in zip(coefs, row))
            p = 1.0 / (1.0 + np.exp(-s))
            total -= t * np.log(p) + (1 - t) * np.log(1 - p)
            grads = [(p - t) * v for v in row]
            for w, g in zip(coefs, grads):
                w -= step * g
            shift -= step * (p - t)
        loss = total / len(rows)
        print(sweep, loss)
    print(coefs, shift)
    """
    assert untraced(src)["coefs"] == [0.0, 0.0]
    _, drafts, checks = _run(tmp_path, src, "rebound")
    assert "learning_rate_too_high" not in drafts
    assert checks["parameter_not_updated"]["rebinding_update"].status == HOLDS


def test_a_climb_from_zero_growing_one_way_is_not_the_rate(tmp_path):
    # Full-batch steps along the gradient on two numbers that start at zero: the values grow geometrically in one
    # direction (a climb), never swinging back as an overshooting descent does.
    src = """
    import numpy as np
    t = np.linspace(0.0, 1.0, 40)
    v = 1.5 * t + 0.2
    a = np.float64(0.0)
    c = np.float64(0.0)
    for it in range(600):
        r = a * t + c - v
        loss = np.mean(r ** 2)
        a = a + 0.5 * 2.0 * np.mean(r * t)
        c = c + 0.5 * 2.0 * np.mean(r)
    print(loss)
    """
    values = []
    a = c = 0.0
    t = np.linspace(0.0, 1.0, 40)
    v = 1.5 * t + 0.2
    with np.errstate(all="ignore"):
        for _ in range(60):
            r = a * t + c - v
            a, c = a + np.mean(r * t), c + np.mean(r)
            values.append(a)
    change = np.diff(values)
    assert (np.sign(change[1:]) == np.sign(change[:-1])).all()  # one direction throughout
    _, drafts, _ = _run(tmp_path, textwrap.dedent(src), "climb")
    assert "learning_rate_too_high" not in drafts and "gradient_sign_wrong" in drafts


def test_a_loss_thrown_up_then_swinging_is_unstable(monkeypatch):
    from nandoctor.analysis.causes import gradient_sum_not_mean as summed

    class Swings:
        evidence = {"reversals": 0.63, "swing": 0.54}

    thrown = np.r_[1.47, 6.8, 21.7, 48.6, 63.2, np.tile([0.3, 1.9], 40)]
    monkeypatch.setattr(summed, "loss_series", lambda F: (np.arange(len(thrown)), thrown, "cost"))
    got = summed._thrown_and_swinging(None, {"loss_oscillating": [Swings()]})
    assert got["kind"] == "swinging" and got["step"] == 1 and got["loss_peak"] == 63.2
    assert summed._thrown_and_swinging(None, {}) is None  # no swinging measured: nothing said
    calm = np.r_[1.47, 1.2, 1.0, 0.8, 0.7, 0.6]
    monkeypatch.setattr(summed, "loss_series", lambda F: (np.arange(len(calm)), calm, "cost"))
    assert summed._thrown_and_swinging(None, {"loss_oscillating": [Swings()]}) is None


TRAIN_THEN_HELD_OUT = """
import numpy as np
rng = np.random.default_rng(1)
X = rng.normal(0, 1, (500, 4))
T = np.eye(3)[(X[:, 0] > -0.5).astype(int) + (X[:, 0] > 0.5).astype(int)]
Xtr, Ttr, Xte, Tte = X[:400], T[:400], X[400:], T[400:]
W = rng.normal(0, 0.5, (4, 3))


def probs(X, W):
    E = np.exp(X @ W - (X @ W).max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def cross_entropy(T, P):
    return -np.sum(T * np.log(P + 1e-12)) / len(T)


for i in range(40):
    Ptr = probs(Xtr, W)
    ctrain = cross_entropy(Ttr, Ptr)
    ctest = cross_entropy(Tte, probs(Xte, W))
    W -= 0.5 * Xtr.T @ (Ptr - Ttr) / len(Xtr)
"""


def test_a_loss_function_called_on_training_then_held_out_data_gives_the_training_loss(tmp_path):
    from nandoctor.detectors.optimisation import loss_series

    replay = untraced(TRAIN_THEN_HELD_OUT.replace("    ctest = ", "    seen.append(ctrain)\n    ctest = ")
                      .replace("for i in range(40):", "seen = []\nfor i in range(40):"))
    session, _, _ = _run(tmp_path, TRAIN_THEN_HELD_OUT, "train_then_held_out")
    steps, loss, how = loss_series(facts(session))
    assert len(loss) == 40 and np.allclose(loss, replay["seen"], rtol=1e-12)


# Softmax regression in float32 on raw 0-16 pixel counts, features x samples: the exponentials of the unshifted scores
# overflow within a few steps, while the shifted softmax trains to full accuracy at the same rate.
RAW_SOFTMAX = """
import numpy as np
rng = np.random.default_rng(11)
k, d, n = 5, 64, 300
templates = (rng.random((k, d)) > 0.5) * 16.0
labels = rng.integers(0, k, n)
X = np.clip(np.round(templates[labels] * rng.uniform(0.5, 1.0, (n, 1)) + rng.normal(0, 6.0, (n, d))), 0, 16).T
X = X.astype(np.float32)
Y = np.zeros((k, n), dtype=np.float32)
Y[labels, np.arange(n)] = 1.0
W = (0.01 * rng.standard_normal((k, d))).astype(np.float32)
b = np.zeros((k, 1), dtype=np.float32)
lr = np.float32(0.1)
def softmax(scores):
    e = np.exp(SHIFT)
    return e / e.sum(axis=0, keepdims=True)
for epoch in range(40):
    probs = softmax(W @ X + b)
    delta = (probs - Y) / n
    W -= lr * (delta @ X.T)
    b -= lr * delta.sum(axis=1, keepdims=True)
acc = float(np.mean(np.argmax(W @ X + b, axis=0) == labels))
"""


def test_steady_large_steps_whose_only_trouble_is_an_unshifted_softmax_yield_to_it(tmp_path):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, drafts, checks = _run(tmp_path, RAW_SOFTMAX.replace("SHIFT", "scores"), "raw")
    lr = checks["learning_rate_too_high"]
    # the steps were measured large, by their median alone, and the trouble is the softmax's overflow ...
    assert lr["steps_too_large"].status == HOLDS and lr["steps_too_large"].numbers["how"] == "median"
    assert lr["run_unstable"].numbers["kind"] == "nonfinite"
    # ... which the softmax rule explains: the rate stands down
    assert lr["yields_to"].status == FAILS and lr["yields_to"].numbers["explained_by"] == "softmax_overflow_no_max_subtraction"
    assert "learning_rate_too_high" not in drafts and "softmax_overflow_no_max_subtraction" in drafts
    # the replay: the same rate with the max subtracted trains to full accuracy
    assert untraced(RAW_SOFTMAX.replace("SHIFT", "scores - scores.max(axis=0, keepdims=True)"))["acc"] == 1.0


# A linear model with a softplus output fitted to raw rents: the fit heads for scores in the thousands, and the
# softplus written as log(1 + exp(z)) overflows on the way there, under steps the size of the weights.
SOFTPLUS_RENT = """
import numpy as np
rng = np.random.default_rng(42)
X = rng.normal(size=(300, 4))
y = np.maximum(1800 + X @ np.array([400.0, 60.0, -120.0, -60.0]) + rng.normal(0, 90, 300), 150)
def softplus(z):
    return SOFTPLUS
w = rng.normal(0, 0.1, 4)
b = 0.0
for epoch in range(LR_EPOCHS):
    z = X @ w + b
    pred = softplus(z)
    dz = 2 * (pred - y) * 0.5 * (1 + np.tanh(0.5 * z)) / 300
    w -= LR * (X.T @ dz)
    b -= LR * dz.sum()
r2 = 1 - np.sum((y - softplus(X @ w + b)) ** 2) / np.sum((y - y.mean()) ** 2)
"""


def test_steady_steps_whose_only_trouble_is_an_overflowing_softplus_yield_to_the_overflow(tmp_path):
    import warnings

    src = SOFTPLUS_RENT.replace("SOFTPLUS", "np.log(1 + np.exp(z))").replace("LR_EPOCHS", "400").replace("LR", "0.05")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, drafts, checks = _run(tmp_path, src, "softplus")
    lr = checks["learning_rate_too_high"]
    assert lr["steps_too_large"].numbers["how"] == "median" and lr["steps_too_large"].numbers["ratio"] <= 10
    assert lr["yields_to"].numbers["explained_by"] == "exp_overflow"
    assert "learning_rate_too_high" not in drafts and "exp_overflow" in drafts
    # the replay: the same rate with a softplus that does not overflow fits the rents
    fixed = SOFTPLUS_RENT.replace("SOFTPLUS", "np.where(z > 20, z, np.log1p(np.exp(np.minimum(z, 20))))")
    assert untraced(fixed.replace("LR_EPOCHS", "400").replace("LR", "0.05"))["r2"] > 0.9


SUMMED_SOFTMAX = """
import numpy as np
rng = np.random.default_rng(3)
X = np.vstack([rng.normal(c, 1.0, size=(400, 2)) for c in ([0.0, 0.0], [3.0, 0.5], [0.5, 3.0])])
y = np.repeat(np.arange(3), 400)
W = np.zeros((2, 3))
lr = 0.5


def probs(X):
    z = X @ W
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def loss(X, y):
    return -np.mean(np.log(probs(X)[np.arange(len(y)), y]))


def update(X, y):
    global W
    p = probs(X)
    p[np.arange(len(y)), y] -= 1
    gW = X.T @ p
    W -= lr * gW


for it in range(60):
    update(X, y)
    if it % 10 == 0:
        print(loss(X, y))
"""


def _replay_summed_softmax():
    """The first update's step against W's norm after it, and whether the loss right after it is finite."""
    rng = np.random.default_rng(3)
    X = np.vstack([rng.normal(c, 1.0, size=(400, 2)) for c in ([0.0, 0.0], [3.0, 0.5], [0.5, 3.0])])
    y = np.repeat(np.arange(3), 400)
    W = np.zeros((2, 3))
    z = X @ W
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(len(y)), y] -= 1
    W = W - 0.5 * (X.T @ p)
    z = X @ W
    e = np.exp(z - z.max(axis=1, keepdims=True))
    with np.errstate(all="ignore"):
        first = -np.mean(np.log((e / e.sum(axis=1, keepdims=True))[np.arange(len(y)), y]))
    return float(np.abs(X.T @ p).max()), first


def test_a_value_blown_by_the_first_update_is_not_the_start(tmp_path):
    """A loss that is infinite in the first step, but only after its update ran, is that update's doing: the run was
    stable before the first update, and the gradient the update applies (summed over 1200 samples) is no forward
    value showing large initial weights."""
    largest_gradient, first_loss = _replay_summed_softmax()
    assert largest_gradient > 100 and not np.isfinite(first_loss)
    session, drafts, checks = _run(tmp_path, SUMMED_SOFTMAX, "summed_softmax")
    assert checks["learning_rate_too_high"]["stable_before_first_update"].status == HOLDS
    assert "gradient_sum_not_mean" in drafts
    assert "weights_init_too_large" not in drafts


# Minibatches of 16 with a rate of 5e-4: each batch's loss swings by half its level, so the first, middle and last
# single values say nothing of the pace; the medians of the run's tenths fall at a steady pace.
NOISY_SLOW = """
import numpy as np
rng = np.random.default_rng(4)
X = rng.normal(size=(512, 5))
y = X @ np.array([1.0, -2.0, 0.5, 3.0, -1.0]) + rng.normal(0, 1.0, 512)
w = np.zeros(5)
for epoch in range(10):
    order = rng.permutation(512)
    for k in range(0, 512, 16):
        b = order[k:k + 16]
        err = X[b] @ w - y[b]
        loss = np.mean(err ** 2)
        w -= 0.0005 * X[b].T @ err / 16
"""


def _noisy_losses():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(512, 5))
    y = X @ np.array([1.0, -2.0, 0.5, 3.0, -1.0]) + rng.normal(0, 1.0, 512)
    w = np.zeros(5)
    out = []
    for epoch in range(10):
        order = rng.permutation(512)
        for k in range(0, 512, 16):
            b = order[k:k + 16]
            err = X[b] @ w - y[b]
            out.append(np.mean(err ** 2))
            w -= 0.0005 * X[b].T @ err / 16
    return np.array(out)


def test_a_noisy_minibatch_loss_falling_at_a_steady_pace_by_its_tenths_is_held_back(tmp_path):
    from conftest import analysed_session, judge_rule

    s = analysed_session(tmp_path, NOISY_SLOW)
    statuses, out = judge_rule(s, "learning_rate_too_low")
    losses = _noisy_losses()
    k, mid = len(losses) // 10, len(losses) // 2
    first, middle, last = np.median(losses[:k]), np.median(losses[mid - k // 2:mid - k // 2 + k]), np.median(losses[-k:])
    raw_early, raw_late = losses[0] - losses[mid], losses[mid] - losses[-1]
    assert not raw_late >= 0.7 * raw_early > 0  # the single values do not show the pace
    assert middle - last >= 0.7 * (first - middle) > 0  # the tenths do
    barely = next(c for c in out.checks if c.premise == "loss_barely_falls")
    assert statuses["loss_barely_falls"] == "holds"
    assert barely.numbers["first"] == pytest.approx(first) and barely.numbers["last"] == pytest.approx(last)


# A linear model whose error broadcasts to (n, n): the weights' gradient sums to nearly nothing and the loss stays.
LINEAR_FLAT = """
import numpy as np
rng = np.random.default_rng(3)
X = rng.standard_normal((200, 2))
y = X @ np.array([0.5, -0.3]) + 1.0 + rng.normal(0, 0.1, 200)
X = (X - X.mean(0)) / X.std(0)
w = np.zeros((2, 1))
b = 0.0
for step in range(200):
    err = X @ w + b - y
    grad = X.T @ err / len(y)
    w = w - 0.1 * grad
    b = b - 0.1 * np.mean(err)
"""


def test_a_linear_model_has_no_way_back_for_a_gradient_to_vanish(tmp_path):
    values = untraced(LINEAR_FLAT)
    assert values["w"].shape == (2, 200)
    _, drafts, checks = _run(tmp_path, LINEAR_FLAT, "linear_flat")
    assert checks["vanishing_gradient"]["gradient_vanishes"].status == HOLDS
    assert checks["vanishing_gradient"]["gradient_has_a_way_back"].status == FAILS
    assert "vanishing_gradient" not in drafts



# Per-sample least squares on binary rows with 40 active features each: a rate of RATE moves the prediction on a
# row by RATE * 40 times its error.
TILED = """
import numpy as np
rng = np.random.default_rng(4)
rows = np.zeros((60, 400))
for i in range(60):
    rows[i, rng.choice(400, 40, replace=False)] = 1.0
target = rows @ rng.normal(0, 0.1, 400)
w = np.zeros(400)
rate = RATE
for sweep in range(30):
    for i in range(60):
        x = rows[i]
        err = x @ w - target[i]
        w = w - rate * err * x
"""


def test_per_sample_steps_that_overshoot_their_own_error_are_the_rate(tmp_path):
    src = TILED.replace("RATE", "0.1")
    values = untraced(src)
    assert not np.all(np.isfinite(values["w"])) or np.abs(values["w"]).max() > 1e10  # it diverges
    _, drafts, checks = _run(tmp_path, src, "tiled")
    steps = checks["learning_rate_too_high"]["steps_too_large"]
    assert steps.status == HOLDS, steps.why
    # 0.1 times the 40 ones of each row
    assert steps.numbers["gain"] == pytest.approx(0.1 * 40)
    assert "learning_rate_too_high" in drafts


def test_per_sample_steps_below_twice_the_error_are_not_the_rate(tmp_path):
    src = TILED.replace("RATE", "0.005")
    values = untraced(src)
    assert np.all(np.isfinite(values["w"]))
    _, drafts, _ = _run(tmp_path, src, "tiled_ok")
    assert "learning_rate_too_high" not in drafts


def test_per_sample_steps_through_a_sigmoid_are_not_judged_by_the_rows_norm(tmp_path):
    # the same rows and rate as TILED, the prediction squashed: its slope (a quarter at most) damps the step
    src = TILED.replace("RATE", "0.1").replace("target = rows @ rng.normal(0, 0.1, 400)",
                                               "target = (rows @ rng.normal(0, 0.1, 400) > 0).astype(float)") \
        .replace("err = x @ w - target[i]", "err = 1.0 / (1.0 + np.exp(-(x @ w))) - target[i]")
    session, _, _ = _run(tmp_path, src, "tiled_sigmoid")
    from nandoctor.analysis.causes.learning_rate_too_high import overshooting_gain
    from nandoctor.detectors.optimisation import stepped_updates

    F = facts(session)
    assert overshooting_gain(F, stepped_updates(F), None, 2.0, 10.0) is None
    linear = facts(_run(tmp_path, TILED.replace("RATE", "0.1"), "tiled_linear")[0])
    assert overshooting_gain(linear, stepped_updates(linear), None, 2.0, 10.0)["gain"] == pytest.approx(4.0)


# Weights and biases in one dict, each written under a computed key (`parameters["b" + str(l)]`): a bias grown from the
# zeros its start left unrecorded shows a first ratio far above the rate's, which is no step thrown by the rate.
DICT_KEYED_DEEP = edited_sample("a23_meadow_pebble_b.py", {
    "X, Y = load_spirals(600)": "X, Y = load_spirals(200)", "for i in range(2500):": "for i in range(700):"})


def test_a_bias_under_a_computed_key_grown_from_zero_is_no_step_thrown_by_the_rate(tmp_path):
    session, drafts, checks = _run(tmp_path, DICT_KEYED_DEEP, "dict_keyed_deep")
    # the replay: every weight matrix's largest step over the run is a sliver of its norm; only the output bias,
    # grown from zeros, has a step larger than itself
    ns = untraced(DICT_KEYED_DEEP.replace(
        "        parameters[\"W\" + str(l)] -= learning_rate * grads[\"dW\" + str(l)]\n",
        "        RATIOS.setdefault(\"W\" + str(l), []).append(np.linalg.norm(learning_rate * grads[\"dW\" + str(l)])"
        " / np.linalg.norm(parameters[\"W\" + str(l)]))\n"
        "        parameters[\"W\" + str(l)] -= learning_rate * grads[\"dW\" + str(l)]\n").replace(
        "np.random.seed(11)", "np.random.seed(11)\nRATIOS = {}"))
    assert max(max(r) for r in ns["RATIOS"].values()) < 0.5
    assert np.linalg.norm(ns["parameters"]["b5"]) > 0
    assert checks["learning_rate_too_high"]["run_unstable"].status == FAILS
    assert "learning_rate_too_high" not in drafts
    spikes = [f for f in session.findings if f.code == "update_spike"]
    assert all(session.sites[f.evidence["update_site"]].target.startswith("parameters[") for f in spikes)


# A tanh output given the sigmoid's derivative `out * (1 - out)` inline: the output layer's weights grow by a third of
# their norm per step. The derivative is wrong at the values it is given (a tanh's output, not a pre-activation), and
# the growing steps are that wrong gradient's, not the rate's.
TANH_OUTPUT_SIGMOID_SLOPE = (SAMPLES / "d23_meadow_pebble_b.py").read_text()


def test_a_sigmoid_slope_on_a_tanh_output_is_the_wrong_derivative_not_the_rate(tmp_path):
    session, drafts, checks = _run(tmp_path, TANH_OUTPUT_SIGMOID_SLOPE, "tanh_sigmoid_slope")
    plain = untraced(TANH_OUTPUT_SIGMOID_SLOPE.replace("d_z2 = d_out * out * (1 - out)",
                                                       "d_z2 = d_out * out * (1 - out)\n        SEEN.append(out.min())")
                     .replace("import numpy as np", "import numpy as np\nSEEN = []"))
    assert min(plain["SEEN"]) < -0.5  # the replay: the slope is handed the tanh's negative outputs
    assert checks["learning_rate_too_high"]["steps_too_large"].status == HOLDS  # large steps, measured...
    assert "wrong_derivative_formula" in drafts and "learning_rate_too_high" not in drafts  # ...of a wrong gradient
    # the value fed is the tanh's own output, written inline: no pre-activation was handed to the derivative
    assert checks["derivative_on_preactivation"]["fed_no_other_output"].status == FAILS
    assert "derivative_on_preactivation" not in drafts


MOMENTUM_BUFFER = """
import numpy as np
rng = np.random.default_rng(7)
X = rng.normal(0, 1, (200, 2))
y = (X[:, 0] * X[:, 1] > 0).astype(float)[:, None]


class Net:
    def __init__(self):
        self.W1 = rng.normal(0, 1.0, (2, 16))
        self.W2 = rng.normal(0, 0.25, (16, 1))

    def params(self):
        return [(self.W1, self.dW1), (self.W2, self.dW2)]


class MomentumSGD:
    def __init__(self, lr, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.velocity = {}

    def step(self, model):
        for i, (p, g) in enumerate(model.params()):
            if i not in self.velocity:
                self.velocity[i] = np.zeros_like(p)
            v = self.velocity[i]
            v *= self.momentum
            v -= self.lr * g
            p += v


net = Net()
opt = MomentumSGD(lr=RATE)
for step in range(400):
    h = np.tanh(X @ net.W1)
    p = 1 / (1 + np.exp(-(h @ net.W2)))
    loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    d = (p - y) / len(X)
    net.dW2 = h.T @ d
    net.dW1 = X.T @ ((d @ net.W2.T) * (1 - h ** 2))
    opt.step(net)
    if step % 100 == 0:
        print(step, loss)
"""


def test_a_rate_too_low_measured_through_a_momentum_buffer(tmp_path):
    # `v -= lr * g`, then `p += v`: the value the update adds is a step already scaled by the rate, not the gradient;
    # the gradient's size is what the rate's statement changed the buffer by, over the rate.
    rng = np.random.default_rng(7)
    X = rng.normal(0, 1, (200, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(float)[:, None]
    W1, W2 = rng.normal(0, 1.0, (2, 16)), rng.normal(0, 0.25, (16, 1))
    v1, v2, sizes = np.zeros_like(W1), np.zeros_like(W2), []
    for _ in range(400):
        h = np.tanh(X @ W1)
        p = 1 / (1 + np.exp(-(h @ W2)))
        d = (p - y) / len(X)
        g2, g1 = h.T @ d, X.T @ ((d @ W2.T) * (1 - h ** 2))
        sizes += [np.sqrt(np.mean(g1 ** 2)), np.sqrt(np.mean(g2 ** 2))]
        v1, v2 = 0.9 * v1 - 1e-5 * g1, 0.9 * v2 - 1e-5 * g2
        W1, W2 = W1 + v1, W2 + v2
    _, drafts, checks = _run(tmp_path, MOMENTUM_BUFFER.replace("RATE", "1e-5"), "momentum_buffer")
    present = checks["learning_rate_too_low"]["gradient_present"]
    assert present.status == HOLDS, present.why
    assert np.median(sizes) / 3 <= present.numbers["gradient_rms"] <= np.median(sizes) * 3
    assert "learning_rate_too_low" in drafts
    fix = drafts["learning_rate_too_low"].fixes[0]
    assert fix.before == "opt = MomentumSGD(lr=1e-5)" and fix.after == "opt = MomentumSGD(lr=0.001)"
    # the healthy rate: no cause
    _, drafts, _ = _run(tmp_path, MOMENTUM_BUFFER.replace("RATE", "0.5"), "momentum_buffer_ok")
    assert "learning_rate_too_low" not in drafts
