"""The optimisation-dynamics cause rules on tiny scripts traced in process: premises hold, fail or are not checked."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from nandoctor.analysis.rules import FAILS, HOLDS, NOT_CHECKED, evaluate_rules
from nandoctor.cli import trace_script
from nandoctor.detectors import detect
from nandoctor.detectors.facts import facts

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


def _replay_ratios(lr, op):
    rng = np.random.default_rng(0)
    X = rng.normal(0, 1, (64, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.3
    w = rng.normal(0, 1.0, 3)
    out = []
    with np.errstate(all="ignore"):
        for _ in range(60):
            grad = X.T @ (X @ w - y) / len(X)
            new = w - lr * grad if op == "-" else w + lr * grad
            out.append(np.linalg.norm(new - w) / np.linalg.norm(w))
            w = new
    return np.array(out)


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


def test_learning_rate_too_low(tmp_path):
    session, drafts, checks = _run(tmp_path, LINREG.format(lr=1e-6, op="-"), "lr_low")
    low = checks["learning_rate_too_low"]
    assert all(low[p].status == HOLDS for p in low), {p: (c.status, c.why) for p, c in low.items()}
    assert np.median(_replay_ratios(1e-6, "-")) < 1e-3


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
