"""Initialisation and learning-rate mechanisms on tiny traced programs: an all-zero start that never moves, a
weight matrix's own starting gain, steps raised part-way by a schedule, and the roles these rely on."""

from __future__ import annotations

import numpy as np

from conftest import analysed_session, premise_checks
from nandoctor.analysis.causes._passes import weight_gains
from nandoctor.analysis.rules import FAILS, HOLDS
from nandoctor.detectors.facts import facts
from nandoctor.detectors.optimisation import _only_subscripted




ZERO_NET = """
import numpy as np
rng = np.random.default_rng(1)
grid = rng.uniform(-1, 1, (2, 40))
goal = np.sin(grid[:1]) * grid[1:]
A = {start}
B = np.zeros((1, 6))
for it in range(25):
    act = np.tanh(A @ grid)
    out = B @ act
    g = 2 * (out - goal) / 40
    gA = ((B.T @ g) * (1 - act ** 2)) @ grid.T
    gB = g @ act.T
    A -= 0.3 * gA
    B -= 0.3 * gB
"""


def test_symmetric_holds_on_zeros_that_never_move(tmp_path):
    s = analysed_session(tmp_path, ZERO_NET.format(start="np.zeros((6, 2))"))
    c = premise_checks(s, "weights_init_symmetric")
    assert c["units_identical_at_end"].status == HOLDS, c["units_identical_at_end"].why
    assert "weights_init_symmetric" in [x.tag for x in s.causes]


def test_symmetric_fails_when_only_the_second_layer_is_zero(tmp_path):
    # A random first layer gives the units different activations, so the zero second layer's units differ at once.
    s = analysed_session(tmp_path, ZERO_NET.format(start="rng.normal(0, 0.7, (6, 2))"))
    assert "weights_init_symmetric" not in [x.tag for x in s.causes]


WIDE_NET = """
import numpy as np
rng = np.random.default_rng(2)
feats = rng.uniform(0, 1, (60, 48))
feats -= feats.mean(axis=0)
label = (feats[:, 0] > 0).astype(float)[:, None]
Win = rng.standard_normal((48, 96)) * {scale}
Wout = rng.standard_normal((96, 1)) * 0.1
for it in range(20):
    h = 1 / (1 + np.exp(-(feats @ Win)))
    p = 1 / (1 + np.exp(-(h @ Wout)))
    g = (p - label) / 60
    gh = (g @ Wout.T) * h * (1 - h)
    Wout -= 0.5 * h.T @ g
    Win -= 0.5 * feats.T @ gh
"""


def _replay_gain(scale):
    rng = np.random.default_rng(2)
    rng.uniform(0, 1, (60, 48))
    w = rng.standard_normal((48, 96)) * scale
    return float(np.sqrt(np.mean(w ** 2)) * np.sqrt(48))


def test_weight_gain_measures_the_smaller_dimension(tmp_path):
    s = analysed_session(tmp_path, WIDE_NET.format(scale="1.0"))
    F = facts(s)
    got = {g["name"]: g for g in weight_gains(F)}
    assert np.isclose(got["Win"]["large_gain"], _replay_gain(1.0), rtol=1e-6)
    assert premise_checks(s, "weights_init_too_large")["starts_extreme"].status == HOLDS


def test_weight_gain_of_a_fan_in_start_is_not_extreme(tmp_path):
    s = analysed_session(tmp_path, WIDE_NET.format(scale="np.sqrt(1.0 / 48)"))
    assert _replay_gain(np.sqrt(1.0 / 48)) < 1.5
    assert premise_checks(s, "weights_init_too_large")["starts_extreme"].status == FAILS


def test_a_column_bias_stepped_from_zero_has_no_starting_gain(tmp_path):
    """A (16, 1) bias that starts at zero is no weight matrix, and its value one step later is no start."""
    s = analysed_session(tmp_path, """
        import numpy as np
        rng = np.random.default_rng(3)
        X = rng.normal(size=(2, 200))
        Y = (X[:1] * X[1:] > 0).astype(float)
        W1, b1 = rng.normal(size=(16, 2)) * np.sqrt(1 / 2), np.zeros((16, 1))
        W2, b2 = rng.normal(size=(1, 16)) * np.sqrt(1 / 16), np.zeros((1, 1))
        for it in range(30):
            A1 = np.tanh(W1 @ X + b1)
            A2 = 1 / (1 + np.exp(-(W2 @ A1 + b2)))
            dZ2 = (A2 - Y) / 200
            dZ1 = (W2.T @ dZ2) * (1 - A1 ** 2)
            W2 -= 0.5 * dZ2 @ A1.T
            b2 -= 0.5 * dZ2.sum(axis=1, keepdims=True)
            W1 -= 0.5 * dZ1 @ X.T
            b1 -= 0.5 * dZ1.sum(axis=1, keepdims=True)
    """)
    got = {g["name"] for g in weight_gains(facts(s))}
    assert got == {"W1", "W2"}
    assert "weights_init_too_small" not in [c.tag for c in s.causes]


SCHEDULE = """
import numpy as np
rng = np.random.default_rng(6)
t = rng.uniform(0, 1.6, 40)
rise = 3.0 * t - t ** 2 + rng.normal(0, 0.1, 40)
feat = np.stack([t, t ** 2, t ** 3], axis=1)
plan = {{0: 0.002, 10: {late}}}
theta = np.zeros(3)
shift = 0.0
pace = plan[0]


def loss():
    return float(np.mean((feat @ theta + shift - rise) ** 2))


for epoch in range(16):
    pace = plan.get(epoch, pace)
    for i in rng.permutation(40):
        miss = feat[i] @ theta + shift - rise[i]
        theta = theta - pace * miss * feat[i]
        shift = shift - pace * miss
    print(f"epoch={{epoch}} loss={{loss():.4f}}")
"""


def test_steps_raised_by_a_schedule_are_judged_from_the_jump(tmp_path):
    s = analysed_session(tmp_path, SCHEDULE.format(late="0.6"))
    c = premise_checks(s, "learning_rate_too_high")
    assert c["steps_too_large"].status == HOLDS, c["steps_too_large"].why
    assert c["steps_too_large"].numbers.get("how") == "raised"
    # the jump is where the schedule switches: epoch 10 of 40 samples each (replayed: step 400)
    assert abs(c["steps_too_large"].numbers["step"] - 400) <= 10
    assert c["step_not_from_summed_gradient"].status == HOLDS


def test_a_schedule_that_stays_stable_raises_no_rate(tmp_path):
    s = analysed_session(tmp_path, SCHEDULE.format(late="0.02"))
    assert premise_checks(s, "learning_rate_too_high")["run_unstable"].status == FAILS


def test_only_subscripted():
    assert _only_subscripted("feat", "miss = feat[i] @ theta - rise[i]")
    assert not _only_subscripted("feat", "g = feat.T @ miss")
    assert not _only_subscripted("feat", "g = feat[i] * feat")
    assert not _only_subscripted("rows", "g = cols[rows] @ w")


PINNED = """
import numpy as np
rng = np.random.default_rng(4)
cols = rng.uniform(-1, 1, (3, 30))
want = (0.5 + 0.4 * np.sin(2 * cols[0])).reshape(1, -1)
V = rng.uniform(-{spread}, {spread}, (8, 3))
U = rng.uniform(-1, 1, (1, 8)) / np.sqrt(8)
for sweep in range(12):
    for k in range(30):
        x = cols[:, k:k + 1]
        h = 1 / (1 + np.exp(-(V @ x)))
        o = U @ h
        e = o - want[:, k:k + 1]
        gh = (U.T @ e) * h * (1 - h)
        U -= 0.2 * e @ h.T
        V -= 0.2 * gh @ x.T
"""


def _replay_first_slope(spread):
    rng = np.random.default_rng(4)
    cols = rng.uniform(-1, 1, (3, 30))
    V = rng.uniform(-spread, spread, (8, 3))
    h = 1 / (1 + np.exp(-(V @ cols[:, :1])))
    return float(np.mean(h * (1 - h)) / 0.25), float(h.mean()), float(h.std())


def test_mean_slope_from_recorded_mean_and_spread(tmp_path):
    from nandoctor import columns as C
    from nandoctor.analysis.causes.weights_init_too_large import _slope_kept_low

    s = analysed_session(tmp_path, PINNED.format(spread="10.0"))
    F = facts(s)
    site = next(a.site for a in F.activations if F.by_id[a.site].target == "h")
    sr = F.ser(site)
    first = int(np.nonzero(sr.step >= 0)[0][0])
    m, sd = float(sr[C.MEAN][first]), float(sr[C.STD][first])
    want, want_m, want_sd = _replay_first_slope(10.0)
    assert np.isclose(m, want_m) and np.isclose(sd, want_sd)
    assert np.isclose((m - m * m - sd * sd) / 0.25, want)
    assert _slope_kept_low(F, 0.35) is not None


def test_mean_slope_of_a_fan_in_start_is_not_low(tmp_path):
    from nandoctor.analysis.causes.weights_init_too_large import _slope_kept_low

    s = analysed_session(tmp_path, PINNED.format(spread="0.5"))
    assert _replay_first_slope(0.5)[0] > 0.9
    assert _slope_kept_low(facts(s), 0.35) is None


PRINTED_ONLY = """
import numpy as np
rng = np.random.default_rng(6)
t = rng.uniform(0, 1.6, 40)
rise = 3.0 * t - t ** 2 + rng.normal(0, 0.1, 40)
feat = np.stack([t, t ** 2, t ** 3], axis=1)
plan = {0: 0.002, 10: 0.6}
theta = np.zeros(3)
pace = plan[0]
for epoch in range(16):
    pace = plan.get(epoch, pace)
    for i in range(40):
        miss = feat[i] @ theta - rise[i]
        theta = theta - pace * miss * feat[i]
    print(np.mean((feat @ theta - rise) ** 2))
"""


def test_divergence_of_weights_started_at_zero_is_dated_by_its_onset(tmp_path):
    # No loss is kept (only printed): the weights' own divergence dates the trouble. Started at zero, their norm
    # doubles within the first updates; the onset is where it quadruples over half its history (after the switch).
    s = analysed_session(tmp_path, PRINTED_ONLY)
    c = premise_checks(s, "learning_rate_too_high")
    assert c["run_unstable"].status == HOLDS
    assert c["steps_too_large"].status == HOLDS, c["steps_too_large"].why
    assert c["steps_too_large"].numbers["upto"] >= 400
