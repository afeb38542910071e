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
