"""A run frozen by one oversized step: the learning-rate rule's measured evidence, against a plain-numpy replay."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import analysed_session, judge_rule

# One step with a rate of 2000 throws the logistic unit's pre-activation to about -330 for every sample: its
# derivative prob * (1 - prob) is then ~1e-143, so no later step moves anything and the loss never changes.
FROZEN = """
import numpy as np
gen = np.random.default_rng(5)
feats = np.column_stack([gen.normal(0.0, 0.2, (60, 2)), np.ones(60)])
goal = 1.0 / (1.0 + np.exp(-(feats @ np.array([0.8, -0.5, -1.0]))))
coef = np.array([0.1, -0.1, 0.5])
for it in range(20):
    prob = 1.0 / (1.0 + np.exp(-(feats @ coef)))
    loss = np.mean((prob - goal) ** 2)
    slope = feats.T @ (2.0 * (prob - goal) * prob * (1.0 - prob)) / len(goal)
    coef -= RATE * slope
"""


def _replay(rate: float):
    gen = np.random.default_rng(5)
    feats = np.column_stack([gen.normal(0.0, 0.2, (60, 2)), np.ones(60)])
    goal = 1.0 / (1.0 + np.exp(-(feats @ np.array([0.8, -0.5, -1.0]))))
    coef = np.array([0.1, -0.1, 0.5])
    ratios, losses = [], []
    with np.errstate(all="ignore"):
        for _ in range(20):
            prob = 1.0 / (1.0 + np.exp(-(feats @ coef)))
            losses.append(np.mean((prob - goal) ** 2))
            step = rate * feats.T @ (2.0 * (prob - goal) * prob * (1.0 - prob)) / len(goal)
            ratios.append(np.linalg.norm(step) / np.linalg.norm(coef))
            coef = coef - step
    return np.array(ratios), np.array(losses)


def test_one_oversized_step_that_freezes_the_run_is_the_learning_rate(tmp_path):
    s = analysed_session(tmp_path, FROZEN.replace("RATE", "2000.0"))
    statuses, out = judge_rule(s, "learning_rate_too_high")
    assert statuses["run_unstable"] == "holds" and statuses["steps_too_large"] == "holds"
    ratios, losses = _replay(2000.0)
    big = next(c for c in out.checks if c.premise == "steps_too_large")
    assert big.numbers["ratio"] == pytest.approx(ratios[0], rel=1e-6)
    assert big.numbers["step"] == 0
    assert np.ptp(losses[1:]) <= 1e-6 * losses[1] and losses[1] >= 0.5 * losses[0]  # the replay is frozen too
    assert [c.tag for c in s.causes][:1] == ["learning_rate_too_high"]


def test_a_run_that_keeps_learning_is_not_frozen(tmp_path):
    s = analysed_session(tmp_path, FROZEN.replace("RATE", "2.0"))
    statuses, _ = judge_rule(s, "learning_rate_too_high")
    ratios, losses = _replay(2.0)
    assert np.ptp(losses[1:]) > 1e-6 * losses[1]  # the replay's loss keeps changing
    assert statuses["run_unstable"] == "fails"


# Per-sample steps on a sigmoid net (784-wide digits in miniature): a rate of 0.5 throws hidden units to a
# pre-activation past 36.74, where the float64 sigmoid is exactly 1.0, and they stay there at most later steps; the
# loss keeps most of its start. Over the whole run the median step is under a tenth of the weights' norm, so only the
# pinned units show the steps' harm.
PINNED = """
import numpy as np
rng = np.random.default_rng(3)
protos = rng.uniform(0, 1, (10, 256)) > 0.6
labels = rng.integers(0, 10, 3000)
images = np.clip(protos[labels] + rng.normal(0, 0.3, (3000, 256)), 0, 1)
targets = np.eye(10)[labels]
w1 = rng.uniform(-0.5, 0.5, (20, 256))
w2 = rng.uniform(-0.5, 0.5, (10, 20))
b1 = np.zeros((20, 1))
b2 = np.zeros((10, 1))
rate = RATE
for x, t in zip(images, targets):
    x = x.reshape(256, 1)
    t = t.reshape(10, 1)
    h_pre = b1 + w1 @ x
    h = 1 / (1 + np.exp(-h_pre))
    o_pre = b2 + w2 @ h
    o = 1 / (1 + np.exp(-o_pre))
    err = np.sum((o - t) ** 2) / 10
    d_o = o - t
    w2 += -rate * d_o @ h.T
    b2 += -rate * d_o
    d_h = w2.T @ d_o * (h * (1 - h))
    w1 += -rate * d_h @ x.T
    b1 += -rate * d_h
"""


def _replay_pinned(rate: float):
    """(first step with a hidden unit exactly 1.0 or None, steps from there with one, per-step losses)."""
    rng = np.random.default_rng(3)
    protos = rng.uniform(0, 1, (10, 256)) > 0.6
    labels = rng.integers(0, 10, 3000)
    images = np.clip(protos[labels] + rng.normal(0, 0.3, (3000, 256)), 0, 1)
    targets = np.eye(10)[labels]
    w1 = rng.uniform(-0.5, 0.5, (20, 256))
    w2 = rng.uniform(-0.5, 0.5, (10, 20))
    b1, b2 = np.zeros((20, 1)), np.zeros((10, 1))
    pinned, losses = [], []
    with np.errstate(all="ignore"):
        for x, t in zip(images, targets):
            x, t = x.reshape(256, 1), t.reshape(10, 1)
            h = 1 / (1 + np.exp(-(b1 + w1 @ x)))
            o = 1 / (1 + np.exp(-(b2 + w2 @ h)))
            pinned.append(bool(np.any(h == 1.0)))
            losses.append(np.sum((o - t) ** 2) / 10)
            d_o = o - t
            w2 += -rate * d_o @ h.T
            b2 += -rate * d_o
            d_h = w2.T @ d_o * (h * (1 - h))
            w1 += -rate * d_h @ x.T
            b1 += -rate * d_h
    first = pinned.index(True) if True in pinned else None
    return first, (sum(pinned[first:]) if first is not None else 0), np.array(losses)


def test_units_pinned_at_their_bound_after_large_steps_are_the_learning_rate(tmp_path):
    s = analysed_session(tmp_path, PINNED.replace("RATE", "0.5"))
    statuses, out = judge_rule(s, "learning_rate_too_high")
    first, held, losses = _replay_pinned(0.5)
    unstable = next(c for c in out.checks if c.premise == "run_unstable")
    assert statuses["run_unstable"] == "holds" and unstable.numbers["kind"] == "saturated"
    assert unstable.numbers["step"] == first
    assert f"exactly 1 at {held} of the {len(losses) - 1 - first} steps" in unstable.why
    assert unstable.numbers["loss_first"] == pytest.approx(losses[0])
    assert unstable.numbers["loss_end"] >= 0.5 * losses[0]
    assert statuses["steps_too_large"] == "holds"
    assert [c.tag for c in s.causes][:1] == ["learning_rate_too_high"]


def test_a_small_rate_pins_no_unit(tmp_path):
    s = analysed_session(tmp_path, PINNED.replace("RATE", "0.05"))
    statuses, _ = judge_rule(s, "learning_rate_too_high")
    assert _replay_pinned(0.05)[0] is None
    assert statuses["run_unstable"] == "fails"
