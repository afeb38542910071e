"""Fix verification: patches applied to copies, verdicts judged from the re-run's numbers, user files untouched."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from nandoctor.model import Fix, from_dict
from nandoctor.verify import (CURES, HELPS, NO_EFFECT, NOT_APPLIED, WORSE, PatchError, RunOutcome, apply_fix,
                              fix_groups, judge, traced_run, try_fix)

SRC = "import numpy as np\n\ndef f(x):\n    y = x * 2  # double\n    return y\n\nprint(f(np.ones(3)))\n"


def test_apply_fix_replaces_the_expression_and_keeps_indent_and_comment():
    out = apply_fix(SRC, Fix("halve", 4, "y = x * 2", "y = x / 2"))
    assert out.splitlines()[3] == "    y = x / 2  # double"
    assert out.splitlines()[:3] == SRC.splitlines()[:3] and out.splitlines()[4:] == SRC.splitlines()[4:]


def test_apply_fix_indents_continuation_lines():
    out = apply_fix(SRC, Fix("copy", 4, "y = x * 2", "x = x.copy()\ny = x * 2"))
    assert out.splitlines()[3:5] == ["    x = x.copy()", "    y = x * 2  # double"]
    compile(out, "patched", "exec")


@pytest.mark.parametrize("fix, message", [
    (Fix("wrong line", 3, "y = x * 2", "y = 0"), "does not hold"),
    (Fix("no line", None, "y = x * 2", "y = 0"), "not in the file"),
    (Fix("past the end", 99, "y = x * 2", "y = 0"), "not in the file"),
    (Fix("breaks syntax", 4, "y = x * 2", "y = (x * 2"), "does not parse"),
])
def test_apply_fix_refuses_what_it_cannot_apply(fix, message):
    with pytest.raises(PatchError, match=message):
        apply_fix(SRC, fix)


def test_fix_groups_join_the_and_fixes_to_the_one_before():
    fixes = [Fix("A", 1, "a"), Fix("…and B", 2, "b"), Fix("Or C", 3, "c"), Fix("D", 4, "d")]
    assert [[f.title for f in g] for g in fix_groups(fixes)] == [["A", "…and B"], ["Or C"], ["D"]]


def test_advice_forms_no_group():
    fixes = [Fix("Advice: draw smaller weights", None, "", "", "why"), Fix("A", 1, "a", "b"),
             Fix("Check line 3", 3, "", "")]
    assert [[f.title for f in g] for g in fix_groups(fixes)] == [["A"]]


def test_a_group_is_applied_bottom_up_so_inserted_lines_do_not_move_the_others(tmp_path):
    # The first patch inserts a line above the second: applied top-down, the second would miss its line.
    src = "a = 1\nb = a + 1\nprint(a, b)\n"
    user = tmp_path / "user"
    user.mkdir()
    (user / "s.py").write_text(src)
    group = [Fix("declare", 1, "a = 1", "a = 1\nc = 3"), Fix("…and use", 2, "a + 1", "a + c")]
    trial = try_fix(user / "s.py", [], "x", group, _run(["x"]), scratch=tmp_path, timeout=120)
    assert trial.verdict != NOT_APPLIED, trial.reason
    assert trial.patched["s.py"] == "a = 1\nc = 3\nb = a + c\nprint(a, b)\n"


def _run(causes=(), nonfinite=None, errors=(), status=0):
    return RunOutcome(tuple(causes), nonfinite, tuple(errors), status, 100)


@pytest.mark.parametrize("after, verdict", [
    (_run(), CURES),
    (_run(["other"], None, ["first_nonfinite"]), HELPS),
    (_run([], 80), HELPS),
    (_run(["lr"], None), NO_EFFECT),
    (_run([], 10), WORSE),
    (_run([], None, (), 1), WORSE),
    (None, WORSE),
])
def test_judge_reads_the_verdict_from_the_numbers(after, verdict):
    before = _run(["lr", "other"], 40, ["first_nonfinite"])
    assert judge("lr", before, after)[0] == verdict


def _digest(folder: Path) -> dict:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_the_demo_learning_rate_fix_is_verified_on_a_copy(tmp_path):
    import nandoctor.demo

    user = tmp_path / "user"
    user.mkdir()
    shutil.copy(Path(nandoctor.demo.__file__).parent / "net341.py", user / "net341.py")
    before_files = _digest(user)
    before = traced_run(user / "net341.py", [], tmp_path / "base", timeout=600)
    assert before is not None and before.causes[0] == "learning_rate_too_high" and before.first_nonfinite_step == 249
    doc = json.loads((tmp_path / "base" / "findings.json").read_text())
    cause = next(c for c in doc["causes"] if c["tag"] == "learning_rate_too_high")
    group = fix_groups([from_dict(Fix, f) for f in cause["fixes"]])[0]
    trial = try_fix(user / "net341.py", [], "learning_rate_too_high", group, before, scratch=tmp_path)
    assert trial.verdict in (CURES, HELPS), trial.reason
    assert trial.after is not None and "learning_rate_too_high" not in trial.after.causes
    # The patch changed the copy, never the user's folder (the baseline run wrote its report elsewhere).
    (patched_name, patched_text), = trial.patched.items()
    assert patched_name == "net341.py" and patched_text != (user / "net341.py").read_text()
    assert _digest(user) == before_files
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("nandoctor-verify-")]


def test_a_fix_that_cannot_apply_runs_nothing(tmp_path):
    user = tmp_path / "user"
    user.mkdir()
    (user / "s.py").write_text(SRC)
    trial = try_fix(user / "s.py", [], "x", [Fix("wrong", 2, "nothing here", "y")], _run(["x"]), scratch=tmp_path)
    assert trial.verdict == NOT_APPLIED and trial.after is None and "does not hold" in trial.reason
    assert (user / "s.py").read_text() == SRC


SAMPLES = Path(__file__).resolve().parent / "samples" / "cases"


@pytest.mark.slow
@pytest.mark.parametrize("name, tag", [
    ("linreg_house_toplevel.py", "unnormalized_inputs"),  # standardized where the inputs are made
    ("kiln_hours_b.py", "unnormalized_inputs"),  # the inputs reach the model through a method's argument
    ("net341_toplevel.py", "missing_bias"),  # a bias declared, added and stepped in two layers
])
def test_the_first_fix_group_of_a_sample_cures_it_on_a_copy(tmp_path, name, tag):
    user = tmp_path / "user"
    user.mkdir()
    shutil.copy(SAMPLES / name, user / name)
    before = traced_run(user / name, [], tmp_path / "base", timeout=600)
    assert before is not None and tag in before.causes[:3], before
    doc = json.loads((tmp_path / "base" / "findings.json").read_text())
    cause = next(c for c in doc["causes"] if c["tag"] == tag)
    group = fix_groups([from_dict(Fix, f) for f in cause["fixes"]])[0]
    trial = try_fix(user / name, [], tag, group, before, scratch=tmp_path)
    assert trial.verdict in (CURES, HELPS), trial.reason
    assert trial.after is not None and tag not in trial.after.causes
