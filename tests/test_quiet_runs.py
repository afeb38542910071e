"""Healthy idioms stay quiet and forgotten updates are measured: tiny programs traced in process, each check
against numbers replayed untraced."""

from __future__ import annotations

import numpy as np

from nandoctor.analysis.rules import FAILS, HOLDS
from nandoctor.report import words

from conftest import analysed_session as trace, untraced, judge_rule


judge = judge_rule


def codes(session) -> list[str]:
    return [f.code for f in session.findings]


# -- a bias in the parameters' dict that the loop never updates -----------------------------------------------

RIDGE = """
import numpy as np
rng = np.random.default_rng(3)
rows = rng.normal(size=(64, 3))
goal = rows @ np.array([1.0, -1.0, 0.5]) + OFFSET
model = {"coef": np.zeros(3), "shift": 0.0}
best = np.inf
for epoch in range(40):
    err = rows @ model["coef"] + model["shift"] - goal
    model["coef"] = model["coef"] - 0.1 * rows.T @ err / len(err)
    UPDATE
    best = min(best, float(np.mean(err ** 2)))
hits = np.mean((rows @ model["coef"] > 0) == (goal > 0))
"""


def test_a_bias_never_updated_is_raised_when_the_residual_keeps_its_offset(tmp_path):
    src = RIDGE.replace("OFFSET", "3.0").replace("UPDATE", "pass")
    s = trace(tmp_path, src)
    st, out = judge(s, "parameter_not_updated")
    assert st == {"rebinding_update": HOLDS, "update_moves": HOLDS, "update_lost": HOLDS}
    ev = out.drafts[0].evidence
    assert ev["term"] == "model['shift']"
    # The residual over the last tenth of the 40 steps, replayed: its mean is the offset the shift should absorb.
    replay = untraced(src)
    assert untraced(src)["model"]["shift"] == 0.0
    rng = np.random.default_rng(3)
    rows = rng.normal(size=(64, 3))
    goal = rows @ np.array([1.0, -1.0, 0.5]) + 3.0
    coef, means = np.zeros(3), []
    for _ in range(40):
        err = rows @ coef - goal
        means.append(err.mean())
        coef = coef - 0.1 * rows.T @ err / len(err)
    assert np.allclose(coef, replay["model"]["coef"])
    assert np.isclose(ev["residual_mean"], np.mean(means[-4:]), rtol=1e-4)
    assert "parameter_not_updated" in [c.tag for c in s.causes]


def test_a_bias_never_updated_on_centred_targets_is_harmless(tmp_path):
    s = trace(tmp_path, RIDGE.replace("OFFSET", "0.0").replace("UPDATE", "pass"))
    st, _ = judge(s, "parameter_not_updated")
    assert st["update_lost"] == FAILS  # the residual's mean stays near 0: nothing for the shift to absorb


def test_the_healthy_ridge_stays_quiet(tmp_path):
    s = trace(tmp_path, RIDGE.replace("OFFSET", "3.0").replace(
        "UPDATE", 'model["shift"] = model["shift"] - 0.1 * err.mean()'))
    st, _ = judge(s, "parameter_not_updated")
    assert st["rebinding_update"] == FAILS
    assert not s.causes
    # `best = np.inf` is a sentinel, not data holding inf; the dict's shift is a bias; `hits` is an accuracy.
    assert "nonfinite_in_data" not in codes(s) and "missing_bias" not in codes(s)
    cov = words.coverage(s)
    assert cov.loss is None or "hits" not in cov.loss


def test_a_term_handed_to_a_container_or_a_call_may_be_updated_under_another_name():
    import ast

    from nandoctor.analysis.causes.parameter_not_updated import _may_alias

    def aliased(src, text):
        return _may_alias([ast.parse(src)], text)

    fwd = "err = rows @ coef + shift - goal\n"
    assert not aliased(fwd + "print(shift.shape, float(shift[0]))\n", "shift")
    assert aliased(fwd + "params = [coef, shift]\n", "shift")
    assert aliased(fwd + "for p, g in zip((coef, shift), grads):\n    p -= g\n", "shift")
    assert aliased(fwd + "step(shift)\n", "shift")
    assert aliased(fwd + "alias = shift\n", "shift")
    elem = "err = rows @ model['coef'] + model['shift'] - goal\n"
    assert not aliased(elem + "model['coef'] = model['coef'] - 0.1\n", "model['shift']")
    assert aliased(elem + "for v in model.values():\n    v -= 0.1\n", "model['shift']")
    assert aliased(elem + "update(model)\n", "model['shift']")


# -- a ReLU layer object written as the value times its own mask ----------------------------------------------

LAYERS = """
import numpy as np
rng = np.random.default_rng(17)

class Rectify:
    def __call__(self, inp):
        self.mask = inp > 0
        return inp * self.mask

    def back(self, grad_out):
        return grad_out * self.mask

pts = rng.normal(size=(60, 2))
lab = (pts[:, :1] * pts[:, 1:] > 0).astype(float)
first = rng.normal(0.0, 1.0, (2, 8))
shift = np.full(8, START)
second = rng.normal(0.0, 0.5, (8, 1))
act = Rectify()
for sweep in range(60):
    hid = act(pts @ first + shift)
    out = hid @ second
    g_out = (out - lab) / len(pts)
    g_hid = act.back(g_out @ second.T)
    second -= 0.1 * hid.T @ g_out
    first -= 0.1 * (pts.T @ g_hid + 1e-3 * first)
    shift -= 0.1 * g_hid.sum(0)
"""


def test_dead_units_behind_a_mask_product_are_dead_relus_not_a_stale_forward_pass(tmp_path):
    src = LAYERS.replace("START", "-8.0")
    s = trace(tmp_path, src)
    ns = untraced(src)
    assert not np.any(ns["hid"])  # every unit is 0 for every sample, replayed
    assert "dead_units" in codes(s)
    tags = [c.tag for c in s.causes]
    assert tags and tags[0] == "dead_relu"
    st, _ = judge(s, "forward_outside_loop")
    # g_hid repeats only because it is exactly 0 at every step, while weight decay moves `first`: not a stale
    # forward pass. (g_out does repeat, the dead layer's output being 0, but `second` then never moves.)
    assert not np.any(ns["g_hid"])
    assert FAILS in st.values()
    assert "forward_outside_loop" not in tags


def test_live_units_behind_a_mask_product_stay_quiet(tmp_path):
    s = trace(tmp_path, LAYERS.replace("START", "0.1"))
    assert "dead_units" not in codes(s)
    assert "dead_relu" not in [c.tag for c in s.causes]


# -- a forward pass computed once, in a loop an unchanged loss stops after two steps --------------------------

EARLY_STOP = """
import numpy as np
rng = np.random.default_rng(30)
area = rng.uniform(0.0, 1.0, (50, 3))
price = area @ np.array([3.0, -1.0, 2.0]) + 0.5
slope = np.zeros(3)
inter = 0.0
previous = np.inf
FORWARD_BEFORE
for it in range(500):
    FORWARD_IN
    gap = fitted - price
    mse = float(np.mean(gap * gap))
    slope = slope - 0.3 * (2.0 * area.T @ gap / len(price))
    inter = inter - 0.3 * 2.0 * gap.mean()
    if previous - mse < 1e-9:
        break
    previous = mse
"""


def test_a_stale_forward_pass_is_found_in_a_loop_that_stopped_after_two_steps(tmp_path):
    src = EARLY_STOP.replace("FORWARD_BEFORE", "fitted = area @ slope + inter").replace("FORWARD_IN", "pass")
    assert untraced(src)["it"] == 1  # the loss never changes, so the tolerance stops the loop at its second step
    s = trace(tmp_path, src)
    st, out = judge(s, "forward_outside_loop")
    assert st == {"gradient_recorded": HOLDS, "gradient_repeats": HOLDS, "parameters_move": HOLDS, "forward_stale": HOLDS}
    assert out.drafts[0].evidence["steps"] == 2


def test_the_recomputed_forward_pass_stays_quiet(tmp_path):
    src = EARLY_STOP.replace("FORWARD_BEFORE", "").replace("FORWARD_IN", "fitted = area @ slope + inter")
    s = trace(tmp_path, src)
    assert not s.causes
    assert "nonfinite_in_data" not in codes(s)  # `previous = np.inf` is a sentinel


# -- a softmax normalised over one sample's classes sums over no samples --------------------------------------

PER_SAMPLE_SOFTMAX = """
import numpy as np
rng = np.random.default_rng(4)
labels = np.repeat(np.arange(3), 20)
points = np.eye(3)[labels][:, :2] * 2.0 + rng.normal(0.0, 0.5, (60, 2))
weights = np.zeros((2, 3))
for epoch in range(8):
    for idx in rng.permutation(60):
        logits = points[idx] @ weights
        expd = np.exp(logits - logits.max())
        probs = expd / expd.sum()
        probs[labels[idx]] -= 1.0
        weights -= 0.05 * np.outer(points[idx], probs)
"""


def test_a_per_sample_softmax_is_not_a_gradient_summed_over_the_batch(tmp_path):
    s = trace(tmp_path, PER_SAMPLE_SOFTMAX)
    assert "gradient_sum_not_mean" not in codes(s)
    assert not s.causes
