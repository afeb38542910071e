"""steady_steps (detectors/optimisation.py): update ratios of steps that keep their size on weights they grow, told
apart from the 1/k fall of weights growing from a small start; ratios replayed in plain numpy."""

from __future__ import annotations

import numpy as np

from nandoctor.analysis.rules import load_rules
from nandoctor.detectors.optimisation import steady_steps

FALL = load_rules()["learning_rate_too_high"].thresholds["STEADY_FALL"]


def _ratios(start: np.ndarray, steps: list[np.ndarray]) -> np.ndarray:
    """|delta| / |w| before each update, as nandoctor measures an update ratio."""
    w = start.copy()
    out = []
    for delta in steps:
        out.append(np.linalg.norm(delta) / np.linalg.norm(w))
        w = w + delta
    return np.array(out)


def test_normalised_steps_on_a_standard_start_are_steady():
    # Adam-like steps of a fixed size per element along a fixed direction, from a start of the usual scale
    rng = np.random.default_rng(0)
    start = rng.uniform(-1, 1, 64) / np.sqrt(64)
    direction = np.sign(rng.standard_normal(64))
    ratios = _ratios(start, [0.02 * direction] * 12)
    assert ratios[0] < 1 and ratios[-1] < ratios[0]
    assert steady_steps(ratios, FALL)


def test_gradient_steps_growing_weights_from_a_small_start_are_not():
    # least squares from weights 50 times smaller than the solution: the ratio falls about like 1/k
    rng = np.random.default_rng(1)
    inputs = rng.standard_normal((100, 4))
    targets = inputs @ np.array([1.0, -2.0, 0.5, 1.5])
    w = rng.standard_normal(4) * 0.05
    deltas = []
    for _ in range(10):
        delta = -0.03 * 2 * inputs.T @ (inputs @ w - targets) / len(targets)
        deltas.append(delta)
        w = w + delta
    ratios = _ratios(w - sum(deltas), deltas)
    assert ratios[0] / ratios[-1] > FALL * len(ratios)
    assert not steady_steps(ratios, FALL)


def test_a_first_step_larger_than_the_weights_is_not_judged_steady():
    assert not steady_steps(np.array([1.5, 1.4, 1.3, 1.2]), FALL)
    assert not steady_steps(np.array([0.2, 0.2]), FALL)
