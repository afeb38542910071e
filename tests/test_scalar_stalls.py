"""Stall causes measured on code that learns Python floats one sample at a time, and on layer outputs kept in a list."""

from __future__ import annotations

import math
import random
import textwrap

import numpy as np

from nandoctor.analysis.rules import FAILS, HOLDS, evaluate_rules
from nandoctor.cli import trace_script
from nandoctor.detectors import detect
from nandoctor.detectors.facts import base_name, facts

# Off-origin positive readings, a boundary that needs an offset, per-sample steps on two Python floats.
OFF_ORIGIN_ROWS = """
import math
import random
random.seed(2)
rows = []
for _ in range(60):
    a = random.uniform(0.0, 4.0)
    b = random.uniform(0.0, 4.0)
    rows.append(([a, b], 1.0 if a + b > 5.0 else 0.0))
"""
NO_OFFSET = OFF_ORIGIN_ROWS + """class Scorer:
    def __init__(self):
        self.w = [0.0, 0.0]{offset_init}
        self.pace = 0.05

    def learn(self, x, t):
        s = self.w[0] * x[0] + self.w[1] * x[1]{offset_term}
        d = 1.0 / (1.0 + math.exp(-s)) - t
        self.w[0] -= self.pace * d * x[0]
        self.w[1] -= self.pace * d * x[1]{offset_step}


def logloss():
    tot = 0.0
    for x, t in rows:
        q = 1.0 / (1.0 + math.exp(-(model.w[0] * x[0] + model.w[1] * x[1]{offset_term_model})))
        q = min(max(q, 1e-12), 1 - 1e-12)
        tot -= t * math.log(q) + (1 - t) * math.log(1 - q)
    return tot / len(rows)


model = Scorer()
for rnd in range({rounds}):
    for x, t in rows:
        model.learn(x, t)
    print(logloss())
print(model.w)
"""


def _source(offset: bool, rounds: int = 12) -> str:
    return NO_OFFSET.format(rounds=rounds, offset_init="\n        self.c = 0.0" if offset else "",
                            offset_term=" + self.c" if offset else "", offset_term_model=" + model.c" if offset else "",
                            offset_step="\n        self.c -= self.pace * d" if offset else "")


def _run(tmp_path, source, name):
    script = tmp_path / f"{name}.py"
    script.write_text(textwrap.dedent(source))
    _, session = trace_script(str(script), [], tmp_path / f"{name}_out", formats=("json",))
    drafts, _, checks = evaluate_rules(session, facts(session), detect(session))
    return session, {d.tag: d for d in drafts}, {code: {c.premise: c for c in cs} for code, cs in checks.items()}


def _replay_no_offset(rounds: int = 12):
    """(misses d, targets t, values of w[0] after each write) of the per-sample loop, in plain Python."""
    random.seed(2)
    rows = []
    for _ in range(60):
        a = random.uniform(0.0, 4.0)
        b = random.uniform(0.0, 4.0)
        rows.append(([a, b], 1.0 if a + b > 5.0 else 0.0))
    w = [0.0, 0.0]
    misses, targets, w0 = [], [], []
    for _ in range(rounds):
        for x, t in rows:
            d = 1.0 / (1.0 + math.exp(-(w[0] * x[0] + w[1] * x[1]))) - t
            w[0] -= 0.05 * d * x[0]
            w[1] -= 0.05 * d * x[1]
            misses.append(d)
            targets.append(t)
            w0.append(w[0])
    return np.array(misses), np.array(targets), np.array(w0)


def test_per_sample_noise_is_no_bounce_and_the_missing_offset_is_found(tmp_path):
    session, drafts, checks = _run(tmp_path, _source(offset=False), "no_offset")
    misses, targets, w0 = _replay_no_offset()
    # The steps follow one sample after another: their changes reverse sign no more often than chance.
    d = np.diff(w0)
    assert np.mean(np.sign(d[1:]) * np.sign(d[:-1]) < 0) <= 0.5
    assert "learning_rate_too_high" not in drafts
    assert checks["learning_rate_too_high"]["run_unstable"].status == FAILS
    stuck = checks["missing_bias"]["decision_stuck"]
    assert stuck.status == HOLDS, stuck.why
    tail = slice(len(misses) - len(misses) // 10, None)
    want = np.sqrt(np.mean(misses[tail] ** 2)) / np.std(targets[tail])
    assert stuck.numbers["miss_ratio"] == pytest_approx(want)
    assert "missing_bias" in drafts


def test_an_offset_present_raises_no_missing_bias(tmp_path):
    session, drafts, checks = _run(tmp_path, _source(offset=True), "offset")
    assert "missing_bias" not in drafts
    assert checks["missing_bias"]["no_bias_term"].status == FAILS


SLOW_FLOATS = """
import random
random.seed(1)
pairs = [(k / 20, 3.0 * k / 20 + 2.0) for k in range(20)]
slope = 0.0
icpt = 0.0
def mse():
    return sum((slope * h + icpt - v) ** 2 for h, v in pairs) / len(pairs)
for epoch in range({epochs}):
    loss = mse()
    for h, v in pairs:
        err = slope * h + icpt - v
        slope -= {step} * 2 * err * h
        icpt -= {step} * 2 * err
print(mse())
"""


def test_a_rate_too_low_on_python_floats_compares_the_floats_with_each_other(tmp_path):
    step, epochs = 1e-5, 30
    session, drafts, checks = _run(tmp_path, SLOW_FLOATS.format(step=step, epochs=epochs), "slow_floats")
    low = checks["learning_rate_too_low"]
    assert all(low[p].status == HOLDS for p in low), {p: (c.status, c.why) for p, c in low.items()}
    # Replayed: each float's median change against the largest size it reaches.
    pairs = [(k / 20, 3.0 * k / 20 + 2.0) for k in range(20)]
    slope = icpt = 0.0
    ds, di, vs, vi = [], [], [], []
    for _ in range(epochs):
        for h, v in pairs:
            err = slope * h + icpt - v
            new_s = slope - step * 2 * err * h
            ds.append(abs(new_s - slope))
            slope = new_s
            vs.append(abs(slope))
            new_i = icpt - step * 2 * err
            di.append(abs(new_i - icpt))
            icpt = new_i
            vi.append(abs(icpt))
    want = {"slope": np.median(ds) / max(vs), "icpt": np.median(di) / max(vi)}
    got = low["steps_tiny_alike"].numbers["ratios"]
    for name, ratio in want.items():
        assert got[name] == pytest_approx(ratio)
    assert "learning_rate_too_low" in drafts


def test_healthy_rate_on_python_floats_raises_no_low_rate(tmp_path):
    session, drafts, checks = _run(tmp_path, SLOW_FLOATS.format(step=0.05, epochs=30), "fast_floats")
    assert "learning_rate_too_low" not in drafts


LISTED = """
import numpy as np
rng = np.random.default_rng(0)
feats = rng.normal(size=(60, 2))
goal = np.eye(2)[(feats[:, 0] > 0).astype(int)]
mats = [rng.normal(size=(2, 4)) * 0.5, rng.normal(size=(4, 2)) * 0.5]
def run(batch):
    acts = [batch]
    for m in mats:
        acts.append(np.tanh(acts[-1] @ m))
    return acts
for epoch in range(5):
    for start in range(0, 60, 20):
        idx = np.arange(start, start + 20)
        acts = run(feats[idx])
        delta = (acts[-1] - goal[idx]) / len(idx)
        for k in reversed(range(len(mats))):
            grad = acts[k].T @ delta
            delta = (delta @ mats[k].T) * (1 - acts[k] ** 2)
            mats[k] -= 0.1 * grad
"""


def test_layer_outputs_kept_in_a_list_still_name_the_inputs_and_targets(tmp_path):
    script = tmp_path / "listed.py"
    script.write_text(LISTED)
    _, session = trace_script(str(script), [], tmp_path / "listed_out", formats=("json",))
    F = facts(session)
    assert F.target is not None and base_name(F.by_id[F.target].target) == "goal"
    assert F.inputs is not None and base_name(F.by_id[F.inputs].target) == "feats"


def pytest_approx(value):
    import pytest

    return pytest.approx(value, rel=1e-6)


MODULE_LIST = OFF_ORIGIN_ROWS + """w = [0.0, 0.0]
pace = 0.05
def learn(x, t):
    s = w[0] * x[0] + w[1] * x[1]
    d = 1.0 / (1.0 + math.exp(-s)) - t
    w[0] -= pace * d * x[0]
    w[1] -= pace * d * x[1]
for rnd in range(6):
    for x, t in rows:
        learn(x, t)
"""


def test_a_module_list_stepped_by_element_in_a_helper_is_a_parameter(tmp_path):
    session, drafts, checks = _run(tmp_path, MODULE_LIST, "module_list")
    F = facts(session)
    # `w[0] -= ...` inside learn() writes the module's list, which outlives the call: not a local rebinding
    assert sorted(F.by_id[u].target for u in F.updates) == ["w[0]", "w[1]"]
    assert checks["learning_rate_too_high"]["update_ratio_measured"].status == HOLDS


SATURATED_CODES = """
import numpy as np
rng = np.random.default_rng(3)
latent = rng.normal(size=(120, 3))
obs = latent @ rng.normal(size=(3, 6))
obs = (obs - obs.mean(axis=0)) / obs.std(axis=0)
enc = rng.normal(size=(6, 3)) * 6.0
dec = rng.normal(size=(3, 6)) * 6.0
for sweep in range(400):
    code = 1.0 / (1.0 + np.exp(-(obs @ enc)))
    resid = code @ dec - obs
    loss = np.mean(np.sum(resid ** 2, axis=1))
    g = 2 * resid / len(obs)
    d_pre = (g @ dec.T) * code * (1 - code)
    dec -= 0.2 * code.T @ g
    enc -= 0.2 * obs.T @ d_pre
"""


def _replay_saturation():
    """The share of the codes within 1e-4 of 0 or 1 in the first and the last sweep, in plain numpy."""
    rng = np.random.default_rng(3)
    latent = rng.normal(size=(120, 3))
    obs = latent @ rng.normal(size=(3, 6))
    obs = (obs - obs.mean(axis=0)) / obs.std(axis=0)
    enc = rng.normal(size=(6, 3)) * 6.0
    dec = rng.normal(size=(3, 6)) * 6.0
    shares = []
    for _ in range(400):
        code = 1.0 / (1.0 + np.exp(-(obs @ enc)))
        shares.append(float(np.mean((code < 1e-4) | (code > 1 - 1e-4))))
        resid = code @ dec - obs
        g = 2 * resid / len(obs)
        d_pre = (g @ dec.T) * code * (1 - code)
        dec -= 0.2 * code.T @ g
        enc -= 0.2 * obs.T @ d_pre
    return shares[0], shares[-1]


def test_a_saturated_start_mostly_kept_to_the_end_still_hurts(tmp_path):
    start, end = _replay_saturation()
    # below the saturated-start limit at the end, yet most of the start's saturation is still there (400 sweeps:
    # at 300 the end share sat exactly on the limit, 72 of 360 values, and rounding decided the test)
    assert end < 0.2 <= start and end >= 0.5 * start
    session, drafts, checks = _run(tmp_path, SATURATED_CODES, "saturated_codes")
    hurt = checks["weights_init_too_large"]["training_hurt"]
    assert hurt.status == HOLDS, hurt.why
    assert f"{end:.0%} of its values" in hurt.why and f"{start:.0%} at the start" in hurt.why


# A line through the origin on Python floats, the inputs centred, the targets near 23: stepped one point at a time.
CENTRED_LINE = """
import random
random.seed(7)
wind = [random.uniform(0.0, 4.0) for _ in range(80)]
minutes = [18.0 + 2.5 * v + random.gauss(0.0, 0.8) for v in wind]
mean_wind = sum(wind) / len(wind)
xs = [v - mean_wind for v in wind]
w = 0.0{offset_init}
for epoch in range(30):
    for i in range(len(xs)):
        x, y = xs[i], minutes[i]
        err = w * x{offset_term} - y
        w = w - 0.005 * err * x{offset_step}
"""


def test_targets_met_one_number_at_a_time_show_the_missing_offset(tmp_path):
    random.seed(7)
    wind = [random.uniform(0.0, 4.0) for _ in range(80)]
    minutes = np.array([18.0 + 2.5 * v + random.gauss(0.0, 0.8) for v in wind])
    assert minutes.mean() / minutes.std() > 5  # the targets sit far from 0; the centred inputs give 0 on average
    src = CENTRED_LINE.format(offset_init="", offset_term="", offset_step="")
    _, drafts, checks = _run(tmp_path, src, "centred_line")
    need = checks["missing_bias"]["offset_needed"]
    assert need.status == HOLDS, need.why
    assert f"mean {minutes.mean():.3g}" in need.why
    assert "missing_bias" in drafts
    src = CENTRED_LINE.format(offset_init="\nb = 0.0", offset_term=" + b",
                              offset_step="\n        b = b - 0.005 * err")
    _, drafts, _ = _run(tmp_path, src, "centred_line_offset")
    assert "missing_bias" not in drafts


# Per-sample regression on Python lists with momentum: each weight is moved by its velocity, which the step size
# moves (`vw[j] = 0.9 * vw[j] - rate * g`), so the rate reaches the weights only through the velocity.
LIST_MOMENTUM = """
import random
random.seed(11)
data = []
for i in range(120):
    x = [random.gauss(0.0, 1.0) for _ in range(3)]
    data.append((x, 1.4 * x[0] - 0.7 * x[1] + 2.1 * x[2] + 4.0))
w = [0.0, 0.0, 0.0]
b = 0.0
vw = [0.0, 0.0, 0.0]
vb = 0.0
rate = {rate}
for epoch in range(10):
    for x, y in data:
        err = b + sum(w[j] * x[j] for j in range(3)) - y
        for j in range(3):
            vw[j] = 0.9 * vw[j] - rate * 2.0 * err * x[j]
            w[j] = w[j] + vw[j]
        vb = 0.9 * vb - rate * 2.0 * err
        b = b + vb
"""


def test_weights_moved_by_a_velocity_are_moved_by_the_rate(tmp_path):
    from nandoctor.detectors.optimisation import stepped_updates

    with np.errstate(all="ignore"):
        ns = {}
        exec(LIST_MOMENTUM.format(rate=0.5), ns)
    assert not all(math.isfinite(v) for v in ns["w"])  # the rate of 0.5 blows the weights up
    session, drafts, checks = _run(tmp_path, LIST_MOMENTUM.format(rate=0.5), "list_momentum")
    F = facts(session)
    assert "w[j]" in {F.by_id[u].target for u in stepped_updates(F)}
    assert checks["learning_rate_too_high"]["steps_too_large"].status == HOLDS
    assert "learning_rate_too_high" in drafts


# A 2-6-1 net on Python lists stepped one point at a time, its hidden-to-output weights written element by element
# (`w2[j] -= ...` over j); long enough for the recording to thin out to single writes in most steps.
LIST_NET = """
import math
import random
random.seed(3)
pts = [((random.uniform(-1, 1), random.uniform(-1, 1))) for _ in range(40)]
pts = [(p, 1.0 if p[0] * p[1] > 0 else 0.0) for p in pts]
w1 = [[random.gauss(0, 1.0), random.gauss(0, 1.0)] for _ in range(6)]
w2 = [random.gauss(0, 0.5) for _ in range(6)]
rate = 0.0005
for epoch in range(150):
    for p, t in pts:
        h = [math.tanh(w[0] * p[0] + w[1] * p[1]) for w in w1]
        out = 1.0 / (1.0 + math.exp(-sum(v * a for v, a in zip(w2, h))))
        d = out - t
        for j in range(6):
            w2[j] -= rate * d * h[j]
"""


def _replay_list_net():
    """The ratio |change of w2| / |w2 before| at every step, in plain Python."""
    random.seed(3)
    pts = [((random.uniform(-1, 1), random.uniform(-1, 1))) for _ in range(40)]
    pts = [(p, 1.0 if p[0] * p[1] > 0 else 0.0) for p in pts]
    w1 = [[random.gauss(0, 1.0), random.gauss(0, 1.0)] for _ in range(6)]
    w2 = np.array([random.gauss(0, 0.5) for _ in range(6)])
    ratios = []
    for _ in range(150):
        for p, t in pts:
            h = np.array([math.tanh(w[0] * p[0] + w[1] * p[1]) for w in w1])
            out = 1.0 / (1.0 + math.exp(-float(w2 @ h)))
            change = 0.0005 * (out - t) * h
            ratios.append(np.linalg.norm(change) / np.linalg.norm(w2))
            w2 = w2 - change
    return np.array(ratios)


def test_list_elements_written_in_turn_are_compared_with_themselves_when_recording_thins(tmp_path, monkeypatch):
    from nandoctor.detectors.optimisation import update_ratios

    monkeypatch.setenv("NANDOCTOR_FULL_OBS", "3000")  # thin the recording of this 6000-step run
    session, drafts, _ = _run(tmp_path, LIST_NET, "list_net")
    F = facts(session)
    u = next(u for u in F.updates if F.by_id[u].target == "w2[j]")
    steps, _, _, ratio = update_ratios(F, u)
    sr = F.ser(u)
    assert len(sr.step) < 6 * 6000  # thinned: most steps kept fewer than their six writes
    want = _replay_list_net()
    assert len(ratio) >= 3
    assert np.allclose(ratio, want[steps], rtol=1e-6)
    assert "learning_rate_too_high" not in drafts
