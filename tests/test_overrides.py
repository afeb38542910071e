"""Overrides: a script's own numeric hyperparameter found by name, line or fix, and rewritten in a parsed copy."""

from __future__ import annotations

import numpy as np
import pytest

from nandoctor.model import Fix
from nandoctor.overrides import (LITERAL, SCALE, OverrideError, assigned_literals, find_knob, find_scale,
                                 find_variable, knob_from_fix, override_file, set_knobs)

from conftest import SEED

SCRIPT = """\
import numpy as np

np.random.seed(3)
lr = 0.5  # the learning rate
config = {"decay": 0.99, "name": "run"}
W = 2 * np.random.rand(3, 2) - 1


class Model:
    def __init__(self, momentum=0.9):
        self.momentum = momentum
        self.eps = -1e-3


def train(x, rate, steps):
    return x * rate * steps


for _ in range(2):
    lr *= config["decay"]
out = train(1.0, 0.25, 100)
m = Model()
"""


def run(source: str) -> dict:
    namespace: dict = {}
    exec(compile(source, "overridden", "exec"), namespace)
    return namespace


@pytest.mark.parametrize("name, text, line", [
    ("lr", "0.5", 4),  # an assignment, later decayed in place: the literal is still its start
    ("decay", "0.99", 5),  # a dict entry
    ("eps", "-1e-3", 12),  # an attribute, a signed literal
    ("momentum", "0.9", 10),  # a parameter default no call overrides
    ("rate", "0.25", 21),  # a parameter given a literal at its only call
])
def test_find_variable_finds_the_one_literal(name, text, line):
    knob = find_variable(SCRIPT, name)
    assert (knob.text, knob.line, knob.kind) == (text, line, LITERAL)
    assert knob.value == float(text)
    assert SCRIPT.splitlines()[line - 1][knob.col:knob.end_col] == text


def test_set_knobs_changes_only_the_value_and_the_script_runs_with_it():
    out = set_knobs(SCRIPT, [(find_variable(SCRIPT, "lr"), 0.125), (find_variable(SCRIPT, "rate"), 3.0),
                             (find_variable(SCRIPT, "eps"), -0.5)])
    got, orig = run(out), run(SCRIPT)
    assert got["lr"] == pytest.approx(0.125 * 0.99 ** 2)
    assert got["out"] == 1.0 * 3.0 * 100
    assert got["m"].eps == -0.5
    changed = [(a, b) for a, b in zip(SCRIPT.splitlines(), out.splitlines()) if a != b]
    assert len(changed) == 3 and orig["W"].tolist() == got["W"].tolist()
    assert "lr = 0.125  # the learning rate" in out  # the comment is kept


def test_an_integer_literal_set_to_a_whole_number_stays_an_integer():
    knob = find_knob(SCRIPT, "21:100")
    out = set_knobs(SCRIPT, [(knob, 7)])
    assert "train(1.0, 0.25, 7)" in out
    assert run(out)["out"] == 1.0 * 0.25 * 7


def test_scale_multiplies_the_assigned_value():
    knob = find_knob(SCRIPT, "scale:6")
    assert knob.kind == SCALE and knob.text == "2 * np.random.rand(3, 2) - 1"
    got = run(set_knobs(SCRIPT, [(knob, 0.1)]))["W"]
    np.random.seed(3)
    assert np.array_equal(got, 0.1 * (2 * np.random.rand(3, 2) - 1))


def test_the_founding_case_learning_rate_is_the_literal_at_the_call():
    source = SEED.read_text()
    knob = find_variable(source, "learning_rate")
    line = source.splitlines()[knob.line - 1]
    assert "net.train(" in line and knob.text == "1" and knob.value == 1.0
    fix = Fix("Lower the learning rate", knob.line, line.strip(), line.strip().replace("(x, y, 1,", "(x, y, 0.1,"))
    assert knob_from_fix(source, fix.line, fix.before, fix.after).col == knob.col
    assert "net.train(x, y, 0.03, 10000)" in override_file(SEED, [("learning_rate", 0.03)])


@pytest.mark.parametrize("source, name, message", [
    ("lr = 0.1\nlr = 0.2\n", "lr", "in 2 places"),
    ("lr = base / 10\n", "lr", "not a variable the script assigns from a numeric literal"),
    ("x = 1\n", "lr", "not a variable"),
    ("x = (\n", "x", "does not parse"),
    ("x = 1\n", "not a name", "not a Python name"),
])
def test_find_variable_refuses_what_is_not_one_literal(source, name, message):
    with pytest.raises(OverrideError, match=message):
        find_variable(source, name)


def test_line_addresses_need_a_single_literal_or_name_it():
    with pytest.raises(OverrideError, match="holds 3 numeric literals"):
        find_knob(SCRIPT, "21")
    with pytest.raises(OverrideError, match="holds no numeric literal"):
        find_knob(SCRIPT, "1")
    with pytest.raises(OverrideError, match="not in the script"):
        find_knob(SCRIPT, "999")
    assert find_knob(SCRIPT, "21:0.25").text == "0.25"
    with pytest.raises(OverrideError, match="no assignment"):
        find_scale(SCRIPT, 1)


def test_the_error_lists_the_names_that_can_be_set():
    with pytest.raises(OverrideError) as info:
        find_variable("alpha = 0.1\nbeta = 2\nbeta += 1\n", "gamma")
    assert "alpha" in str(info.value) and "beta" not in str(info.value)
    assert assigned_literals("alpha = 0.1\nbeta = 2\nbeta += 1\n") == {"alpha": 0.1}


def test_a_fix_that_changes_no_single_number_names_no_knob():
    with pytest.raises(OverrideError, match="exactly one number"):
        knob_from_fix(SCRIPT, 4, "lr = 0.5", "lr = 0.5 / 2")


def test_overlapping_knobs_and_non_finite_values_are_refused():
    knob = find_variable(SCRIPT, "lr")
    with pytest.raises(OverrideError, match="overlap"):
        set_knobs(SCRIPT, [(knob, 1.0), (knob, 2.0)])
    with pytest.raises(OverrideError, match="cannot set"):
        set_knobs(SCRIPT, [(knob, float("nan"))])


def test_non_ascii_text_before_the_literal_keeps_columns_right():
    source = "note = 'é—ü'; lr = 0.5\n"
    assert run(set_knobs(source, [(find_variable(source, "lr"), 0.25)]))["lr"] == 0.25
