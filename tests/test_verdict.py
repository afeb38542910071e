"""The verdict says what it checked: counts of what was recorded, too little to judge, causes not checked."""

from __future__ import annotations

import ast
import textwrap

import numpy as np

from nandoctor.analysis.rules import NotChecked
from nandoctor.cli import trace_script
from nandoctor.report import words
from nandoctor.report.terminal import verdict_lines


def _traced(tmp_path, source: str, name: str = "script.py"):
    script = tmp_path / name
    script.write_text(textwrap.dedent(source))
    outcome, session = trace_script(str(script), [], tmp_path / "out", formats=("json",))
    assert outcome.exit_code == 0 and session is not None
    return session


NO_ARRAYS = """
halves = [k * 0.5 for k in range(5)]
total = sum(halves)
label = "done"
print(total, label)
"""


def test_a_script_with_nothing_to_observe_says_so_with_counts(tmp_path, capsys):
    session = _traced(tmp_path, NO_ARRAYS)
    v = words.verdict(session)
    assert v.status == "unjudged"
    assigns = sum(x.kind not in ("arg", "return", "print") for x in session.sites)  # values printed are no assignment
    assert assigns == sum(isinstance(n, ast.Assign) for n in ast.walk(ast.parse(NO_ARRAYS)))
    assert v.headline.startswith(f"Traced {assigns} assignments in 1 file; no arrays; ")
    assert "no parameters updated: nothing to judge the training by" in v.headline
    assert "no problems found" not in v.headline and "healthy" not in v.headline.lower()
    lines = verdict_lines(session, str(tmp_path / "out"))
    assert lines[0] == f"nandoctor: {v.headline}"
    assert capsys.readouterr().out.startswith("5.0 done")


def test_not_checked_causes_are_listed_in_the_terminal_and_the_html(tmp_path):
    session = _traced(tmp_path, NO_ARRAYS)
    # With no arrays, the data rule could not look at data: no data array was recorded.
    assert "nan_in_input_data" in [n.tag for n in session.not_checked]
    # Keep two entries, so the terminal line has room to show both in full.
    session.not_checked = [n for n in session.not_checked if n.tag == "nan_in_input_data"] + [NotChecked("learning_rate_too_low", "The learning rate is too low",
                                                            "the update ratio was measured",
                                                            "the update ratio of w was not measured (w is a Python float)")]
    lines = verdict_lines(session, str(tmp_path / "out"))
    line = next(ln for ln in lines if ln.startswith("nandoctor: not checked: "))
    assert "nan_in_input_data — no data array was recorded" in line
    assert "learning_rate_too_low — the update ratio of w was not measured (w is a Python float)" in line
    from nandoctor.report.html import render_html

    html = render_html(session)
    assert "Causes not checked" in html and "learning_rate_too_low — the update ratio of w was not measured" in html


HEALTHY = """
import numpy as np

rng = np.random.RandomState(0)
x = rng.rand(16, 3)
y = x @ np.array([[1.0], [-2.0], [0.5]])
w = np.zeros((3, 1))
for step in range(40):
    pred = x @ w
    grad = x.T @ (pred - y) / len(x)
    w = w - 0.5 * grad
print(float(np.abs(pred - y).mean()) < 0.5)
"""


def _replay_ratios(steps: int) -> np.ndarray:
    """Update/weight norms of the healthy script's w in plain numpy (steps with nonzero weights only)."""
    rng = np.random.RandomState(0)
    x = rng.rand(16, 3)
    y = x @ np.array([[1.0], [-2.0], [0.5]])
    w = np.zeros((3, 1))
    out = []
    for _ in range(steps):
        new = w - 0.5 * (x.T @ (x @ w - y) / len(x))
        if np.linalg.norm(w) > 0:
            out.append(np.linalg.norm(new - w) / np.linalg.norm(w))
        w = new
    return np.array(out)


def test_a_clean_healthy_training_says_what_was_checked(tmp_path):
    session = _traced(tmp_path, HEALTHY)
    v = words.verdict(session)
    assert not session.causes and session.first_nonfinite is None
    cov = words.coverage(session)
    assert cov.steps == 40 and cov.params == ("w",) and cov.ratios_measured == ("w",)
    # Measured wherever the weights before the update were nonzero: every step but the first.
    assert cov.ratio_steps == len(_replay_ratios(40)) == 39
    # Every assignment of the script but the generator `rng` holds an array.
    assert cov.arrays == sum(isinstance(n, ast.Assign) for n in ast.walk(ast.parse(HEALTHY))) - 1
    assert v.status in ("healthy", "problems")
    if v.status == "healthy":
        assert "40 steps" in v.headline and "no problems found" not in v.headline
        assert v.detail == f"Checked: {words.checked_text(cov)}."
        lines = verdict_lines(session, str(tmp_path / "out"))
        assert any(ln.startswith("nandoctor: checked: traced ") for ln in lines)
    text = words.checked_text(cov)
    assert "40 training steps (the loop at line 8)" in text
    assert "1 parameter updated (w), the update ratio of 1 parameter measured at up to 39 steps" in text


def test_every_verdict_line_fits_the_terminal_budget(tmp_path):
    session = _traced(tmp_path, NO_ARRAYS)
    session.not_checked = [NotChecked(f"code_{k}", "t", "p", "why") for k in range(3)]
    lines = verdict_lines(session, str(tmp_path / "out"))
    assert 3 <= len(lines) <= 8 and all(ln.startswith("nandoctor:") for ln in lines)
    assert lines[-1].startswith("nandoctor: report:")


PURE_FLOATS = """
w = 0.0
b = 0.0
xs = [0.0, 1.0, 2.0, 3.0]
ys = [1.0, 3.0, 5.0, 7.0]
for step in range(30):
    gw = 0.0
    gb = 0.0
    for x, y in zip(xs, ys):
        err = w * x + b - y
        gw += err * x
        gb += err
    w -= 0.05 * gw / len(xs)
    b -= 0.05 * gb / len(xs)
print(round(w, 3), round(b, 3))
"""


def test_pure_python_training_is_judged_only_on_what_was_measured(tmp_path):
    session = _traced(tmp_path, PURE_FLOATS)
    cov = words.coverage(session)
    v = words.verdict(session)
    assert cov.arrays == 0 and cov.steps == 30
    measured = bool(cov.params and cov.ratios_measured)
    if v.status in ("healthy", "unjudged"):  # nothing found: said to be healthy only where it was measured
        assert (v.status == "unjudged") is not measured
    else:
        assert v.checked == words.checked_text(cov)
    if v.status == "unjudged":
        assert v.headline.endswith("too little measured to judge the training" if cov.params
                                   else "nothing to judge the training by")
        assert "no problems" not in v.headline and "no error or warning" not in v.headline
