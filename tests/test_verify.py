"""Fix verification: patches applied to copies, verdicts judged from the re-run's numbers, user files untouched."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from pathlib import Path

import pytest

from nandoctor.model import Cause, Fix, from_dict
from nandoctor.verify import (CURES, HELPS, NO_EFFECT, NOT_APPLIED, NOT_VERIFIED, WORSE, Budget, Measures, PatchError,
                              RunOutcome, Trial, Verification, _plan_groups, apply_fix, apply_plan, fix_groups,
                              is_knob, judge, patch_files, plan_fixes, rank_causes, rerun_hazard, run_patched,
                              shifted_line, traced_run, try_fix, unified_diff, verdict_of)

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


# -- verdicts on measures ---------------------------------------------------------------------------------------

def _m(nonfinite=None, loss=(1.0, 0.5), acc=0.5, stuck=(), status=0, exception=None, steps=100):
    return Measures(steps=steps, first_nonfinite_step=nonfinite, loss_how="mse", loss_first=loss[0],
                    loss_last=loss[1], loss_min=min(loss), accuracy_final=acc, accuracy_best=acc, n_samples=4,
                    stuck_samples=tuple(stuck), stuck_values=tuple(0.5 for _ in stuck), exit_status=status,
                    exception=exception)


NAN_RUN = _m(nonfinite=40, loss=(1.0, 0.9), acc=0.5)


@pytest.mark.parametrize("before, after, verdict", [
    (NAN_RUN, _m(loss=(1.0, 0.1), acc=1.0), CURES),  # finite and learning
    (NAN_RUN, _m(loss=(1.0, 1.0), acc=0.5), HELPS),  # finite, but the loss does not fall
    (NAN_RUN, _m(nonfinite=80, loss=(1.0, 0.9)), HELPS),  # the NaN comes later
    (NAN_RUN, _m(nonfinite=40, loss=(1.0, 0.9)), NO_EFFECT),
    (NAN_RUN, _m(nonfinite=10, loss=(1.0, 0.9)), WORSE),
    (_m(stuck=(3,), acc=0.75), _m(acc=1.0, loss=(1.0, 0.1)), CURES),  # a stuck sample freed, all right
    (_m(acc=0.75), _m(acc=0.75), NO_EFFECT),
    (_m(acc=0.75), _m(acc=0.25, loss=(1.0, 0.9)), WORSE),
    (_m(), _m(status=1, exception="ValueError: shapes"), WORSE),  # the patched script crashes
    (_m(), None, NOT_VERIFIED),
    (Measures(steps=5, exit_status=0), Measures(steps=5, exit_status=0), NOT_VERIFIED),  # nothing rates the fix
])
def test_the_verdict_compares_the_same_measures(before, after, verdict):
    got, reason = verdict_of(before, after, "timed out")
    assert got == verdict, reason
    assert reason


def test_a_verdict_quotes_both_runs_numbers():
    _, reason = verdict_of(NAN_RUN, _m(loss=(1.0, 0.1), acc=1.0))
    assert "step 40" in reason and "0.9" in reason and "0.1" in reason and "100%" in reason and "50%" in reason


def test_measures_round_trip_through_json():
    m = dataclasses.replace(_m(stuck=(6,)), loss_curve=((0, 1.0), (5, None)), update_ratio_max=float("inf"))
    back = Measures.from_dict(json.loads(json.dumps(m.to_dict())))
    assert back == m


# -- the plan ---------------------------------------------------------------------------------------------------

def _trial(name, causes, fixes, verdict, knob=False):
    return Trial(name, tuple(causes), tuple(fixes), verdict, "numbers", knob=knob)


LR = Fix("Lower the learning rate", 9, "train(x, 1)", "train(x, 0.1)")
CODE = Fix("Simplify", 4, "d = -y/a + (1-y)/(1-a)", "d = a - y")
BIAS = Fix("Add a bias", 2, "w = init()", "w = init()\nb = 0")
CLASH = Fix("Other edit of line 4", 4, "d = -y/a + (1-y)/(1-a)", "d = clip(a)")
COPY = Fix("Copy", 6, "g(z)", "g(z.copy())")


def test_the_plan_keeps_what_worked_and_says_why_the_rest_stayed_out():
    trials = [_trial("lr", ["lr"], [LR], CURES, knob=True), _trial("code", ["lr", "sat"], [CODE], CURES),
              _trial("bias", ["bias"], [BIAS], HELPS), _trial("copy", ["alias"], [COPY], NO_EFFECT),
              _trial("clip", ["clip"], [CLASH], HELPS)]
    kept, left = _plan_groups(trials)
    assert [t.name for t in kept] == ["code", "bias"]
    text = " | ".join(left)
    assert "copy: no effect" in text and "lr: a changed setting" in text and "clip: it edits line 4" in text


def test_what_is_sized_a_changed_number_and_an_init_fixs_lines(tmp_path, monkeypatch):
    import nandoctor.sizing
    from nandoctor.verify import _size_knobs

    script = tmp_path / "fit.py"
    script.write_text("w = init()\nb = 0\n")
    calls = []
    monkeypatch.setattr(nandoctor.sizing, "size_knob",
                        lambda script, argv, target, **kw: calls.append((target, kw["name"])) or kw["name"])
    init = Fix("Scale the initial w by 1/sqrt(fan_in)", 1, "init()", "init() / 3")
    trials = [_trial("lr", ["learning_rate_too_high"], [LR], CURES, knob=True),
              _trial("init", ["weights_init_too_large"], [init, dataclasses.replace(init, line=2)], HELPS),
              _trial("code", ["wrong_derivative_formula"], [CODE], CURES),
              _trial("broken", ["learning_rate_too_high"], [LR], NOT_APPLIED, knob=True)]
    whole = Budget(None, None, 60.0, 1.0, "the whole run")
    sizings, notes = _size_knobs(script, [], trials, whole, 1, None)
    assert calls == [(LR, None), (["scale:1", "scale:2"], "init scale")] and notes == ()
    # A run the budget cuts short, or one whose random numbers are not seeded, is not searched, and says why.
    calls.clear()
    _, notes = _size_knobs(script, [], trials, Budget(500, ("fit.py", 3), 60.0, 1.0, "500 steps"), 1, None)
    assert calls == [] and len(notes) == 2 and all("cut at 500 steps" in n for n in notes)
    _, notes = _size_knobs(script, [], trials, whole, 1, 12345)
    assert calls == [] and all("seed" in n for n in notes)


def test_a_knob_stays_in_the_plan_when_no_code_change_cures():
    kept, _ = _plan_groups([_trial("lr", ["lr"], [LR], CURES, knob=True), _trial("code", ["x"], [CODE], HELPS)])
    assert [t.name for t in kept] == ["lr", "code"]


def test_knobs_are_changed_numbers_only():
    assert is_knob([LR]) and is_knob([Fix("scale", 3, "w = 0.5 * r", "w = 0.05 * r")])
    assert not is_knob([CODE]) and not is_knob([Fix("n", 3, "w = r", "w = 0.1 * r")]) and not is_knob([])


def test_causes_are_ranked_by_their_best_verified_fix():
    causes = [Cause("lr", 1, "s", fixes=(LR,)), Cause("alias", 2, "s", fixes=(COPY,)),
              Cause("advice", 3, "s", fixes=(Fix("Advice: scale", None),)), Cause("bias", 4, "s", fixes=(BIAS,))]
    trials = [_trial("lr", ["lr"], [LR], CURES), _trial("copy", ["alias"], [COPY], NO_EFFECT),
              _trial("bias", ["bias"], [BIAS], HELPS)]
    ranking = rank_causes(causes, trials)
    assert [(r.tag, r.verified_rank, r.verdict) for r in ranking] == [
        ("lr", 1, CURES), ("bias", 2, HELPS), ("advice", 3, "no fix"), ("alias", 4, NO_EFFECT)]
    assert ranking[-1].tried == ("copy",)


PLAN_SRC = "import numpy as np\nw = np.ones(3)\nfor i in range(5):\n    w = w - 0.1 * w\nprint(w)\n"


def test_patches_apply_bottom_up_and_print_as_a_diff(tmp_path):
    script = tmp_path / "s.py"
    script.write_text(PLAN_SRC)
    fixes = [Fix("b", 2, "w = np.ones(3)", "w = np.ones(3)\nb = 0.0"), Fix("use", 4, "w - 0.1 * w", "w - 0.1 * w + b")]
    patched = patch_files(script, fixes)
    old, new = patched[script.resolve()]
    assert old == PLAN_SRC and "b = 0.0\nfor i" in new and "w - 0.1 * w + b" in new
    diff = unified_diff(script.resolve(), patched)
    assert diff.startswith("--- a/s.py\n+++ b/s.py\n") and "+b = 0.0" in diff
    assert shifted_line(3, fixes) == 4 and shifted_line(2, fixes) == 2


def test_apply_writes_the_plan_and_keeps_each_old_text(tmp_path):
    script = tmp_path / "s.py"
    script.write_text(PLAN_SRC)
    (tmp_path / "s.py.orig").write_text("an older backup")  # never overwritten
    done = apply_plan(script, [Fix("rate", 4, "0.1", "0.01")])
    assert done == [(script.resolve(), script.resolve().with_name("s.py.orig.1"))]
    assert (tmp_path / "s.py.orig.1").read_text() == PLAN_SRC
    assert (tmp_path / "s.py.orig").read_text() == "an older backup"
    assert "0.01 * w" in script.read_text()
    with pytest.raises(PatchError):  # the file changed: the plan no longer applies, nothing is written
        apply_plan(script, [Fix("rate", 4, "0.1", "0.01")])


def test_an_unverified_plan_takes_each_causes_first_fix_and_says_so():
    class S:
        verification = None
        causes = [Cause("a", 1, "s", fixes=(CODE, Fix("Or clip", 4, "d = -y/a", "d = c"))),
                  Cause("b", 2, "s", fixes=(CLASH,)), Cause("c", 3, "s", fixes=(BIAS,))]

    fixes, backing = plan_fixes(S())
    assert fixes == [CODE, BIAS] and backing.startswith("not verified")


def test_a_verified_plan_is_the_one_that_was_re_run():
    plan = _trial("plan", ["a"], [CODE, BIAS], CURES)

    class S:
        verification = Verification("verified", "r", plan=plan)
        causes = []

    fixes, backing = plan_fixes(S())
    assert fixes == [CODE, BIAS] and backing.startswith("verified: the plan cures")


@pytest.mark.parametrize("src, said", [
    ("name = input('name? ')\n", "reads the terminal"),
    ("import sys\ndata = sys.stdin.read()\n", "reads the terminal"),
    ("import urllib.request\n", "network"),
    ("from requests import get\n", "network"),
])
def test_a_script_that_reads_stdin_or_the_network_is_not_re_run(src, said):
    assert said in rerun_hazard({"/x/s.py": src})


@pytest.mark.parametrize("src, seeded", [
    ("import numpy as np\nnp.random.seed(3)\nw = np.random.randn(3)\n", True),
    ("import numpy as np\nrng = np.random.default_rng(7)\n", True),
    ("import random\nrandom.seed(1)\n", True),
    ("import numpy as np\nw = np.random.randn(3)\n", False),
    ("import numpy as np\nrng = np.random.default_rng()\n", False),  # a fresh entropy draw seeds nothing
])
def test_whether_a_script_seeds_its_random_numbers(src, seeded):
    from nandoctor.verify import seeds_itself

    assert seeds_itself({"/x/s.py": src}) is seeded


def test_a_plain_script_is_safe_to_re_run():
    assert rerun_hazard({"/x/s.py": "import numpy as np\nprint(np.ones(2).sum())\n"}) is None


# -- re-runs in worker processes -------------------------------------------------------------------------------

LOOP_SRC = ("import numpy as np\nw = np.ones(4)\nx = np.linspace(-1, 1, 4)\n"
            "for step in range(400):\n    w = w - 0.01 * (w * x - x) * x\nprint(w)\n")


@pytest.mark.slow
def test_a_re_run_stops_at_its_step_budget_and_a_hung_one_is_killed(tmp_path):
    user = tmp_path / "user"
    user.mkdir()
    (user / "loop.py").write_text(LOOP_SRC)
    budget = Budget(25, (str(user / "loop.py"), 4), 120.0, 1.0, "test")
    after, why, _ = run_patched(user / "loop.py", [], [], budget, scratch=tmp_path)
    assert after is not None, why
    assert after.stopped_by_budget and after.exit_status == 0 and after.exception is None
    assert after.steps == 25
    # A script that does not seed its draws: re-runs seeded alike draw alike.
    (user / "dice.py").write_text("import numpy as np\nw = np.random.randn(4)\nx = np.linspace(-1, 1, 4)\n"
                                  "for step in range(30):\n    loss = np.mean((w * x - x) ** 2)\n"
                                  "    w = w - 0.1 * (w * x - x) * x\n")
    whole = Budget(None, None, 120.0, 1.0, "test")
    one = run_patched(user / "dice.py", [], [], whole, scratch=tmp_path, seed=5)[0]
    two = run_patched(user / "dice.py", [], [], whole, scratch=tmp_path, seed=5)[0]
    assert one is not None and one.loss_last is not None and one.loss_last == two.loss_last
    (user / "hang.py").write_text("import os, time\nopen('pid', 'w').write(str(os.getpid()))\ntime.sleep(600)\n")
    after, why, _ = run_patched(user / "hang.py", [], [], Budget(None, None, 4.0, 1.0, "test"), scratch=tmp_path)
    assert after is None and "time limit of 4 s" in why
    assert not (user / "pid").exists()  # it ran in the scratch copy
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("nandoctor-verify-")]


# -- the founding case ------------------------------------------------------------------------------------------

def _replay_demo(lr: float, simplified: bool, bias: bool, steps: int = 10000):
    """The demo net in plain numpy: (first non-finite step, last finite BCE loss, final accuracy)."""
    np = pytest.importorskip("numpy")
    np.random.seed(1)
    w_ij = 2 * np.random.rand(3, 4) - 1
    w_jk = 2 * np.random.rand(4, 1) - 1
    b_ij = np.zeros((1, 4))
    x = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [0, 1, 0], [1, 0, 0], [1, 1, 1], [0, 0, 0]])
    y = np.array([[0, 1, 1, 1, 1, 0, 0]]).T
    first, loss, acc = None, None, None
    with np.errstate(all="ignore"):
        for i in range(steps):
            z_ij = x @ w_ij + (b_ij if bias else 0)
            a_ij = np.where(z_ij > 0, z_ij, z_ij * 0.01)
            a_jk = 1 / (1 + np.exp(-(a_ij @ w_jk)))
            if not np.isfinite(a_jk).all():
                first = i if first is None else first
                break
            o = np.clip(a_jk, 1e-12, 1 - 1e-12)
            loss = float(-np.mean(y * np.log(o) + (1 - y) * np.log(1 - o)))
            acc = float(np.mean(np.where(y == 1, a_jk > 0.5, a_jk < 0.5)))
            if simplified:
                dl, da = a_jk - y, 1
            else:
                dl, da = -y / a_jk + (1 - y) / (1 - a_jk), a_jk * (1 - a_jk)
            if not np.isfinite(dl).all():
                first = i
            dleaky = np.where(z_ij > 0, 1.0, 0.01)
            delta = (dl * da) @ w_jk.T * dleaky
            g_jk = a_ij.T @ (dl * da)
            w_ij = w_ij - lr * (x.T @ delta)
            w_jk = w_jk - lr * g_jk
            b_ij = b_ij - lr * delta.sum(axis=0, keepdims=True)
            if first is not None:
                break
    return first, loss, acc


@pytest.mark.slow
def test_the_founding_case_fixes_and_plan_are_verified(verified_seed_run):
    """`nandoctor run --verify on` of the founding case (shared with the report's browser test): every verdict,
    the plan and the sized learning rate against a numpy replay, and findings.json valid against its schema."""
    import nandoctor

    out = verified_seed_run[1]
    v = nandoctor.load(out).verification
    assert v.status == "verified" and v.budget.max_steps is None, v.reason  # a short run: re-run whole
    assert v.before.first_nonfinite_step == _replay_demo(1, False, False)[0] == 249
    by_name = {t.name: t for t in v.trials}
    lr = next(t for t in v.trials if "learning_rate_too_high" in t.causes and t.knob)
    simple = next(t for name, t in by_name.items() if "a_jk - y" in name)
    for trial, replay in ((lr, _replay_demo(0.1, False, False)), (simple, _replay_demo(1, True, False))):
        assert trial.verdict == CURES, trial.reason
        m = trial.measures
        assert replay[0] is None and m.first_nonfinite_step is None and m.steps == 10000
        assert m.loss_last == pytest.approx(replay[1], rel=1e-6) and m.accuracy_final == pytest.approx(replay[2])
    copy = next(t for t in v.trials if "inplace_mutation_aliasing" in t.causes)
    assert copy.verdict == NO_EFFECT
    assert v.ranking[-1].tag == "inplace_mutation_aliasing" and v.ranking[-1].tried
    plan = v.plan
    titles = " ".join(f.title for f in plan.fixes)
    assert "a_jk - y" in titles and "bias" in titles and lr.fixes[0] not in plan.fixes
    replay = _replay_demo(1, True, True)
    assert plan.verdict == CURES and plan.measures.first_nonfinite_step is None and replay[0] is None
    assert plan.measures.accuracy_final == pytest.approx(replay[2]) == 1.0
    assert 6 in v.before.stuck_samples and 6 not in plan.measures.stuck_samples
    # findings.json carries the verdicts, valid against the schema; the failed fix is "tried", not a fix
    jsonschema = pytest.importorskip("jsonschema")
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    schema = json.loads((Path(__file__).parent.parent / "nandoctor" / "report" / "findings.schema.json").read_text())
    jsonschema.validate(doc, schema)
    alias = next(c for c in doc["causes"] if c["tag"] == "inplace_mutation_aliasing")
    assert alias["rank"] == len(doc["causes"]) and not [f for f in alias["fixes"] if f.get("line")]
    assert alias["tried"] and alias["tried"][0]["verdict"] == NO_EFFECT
    assert doc["verification"]["plan"]["measures"]["accuracy_final"] == 1.0
    # The learning rate the fix changes is sized by search: the boundary it brackets is where the numpy replay
    # turns from finite to NaN, and the recommended rate, a safety factor below it, trains in the replay too.
    sized = next(z for z in v.sizings if z.name == "learning_rate")
    assert sized.original == 1 and sized.largest_good < sized.smallest_bad <= 1
    assert _replay_demo(sized.largest_good, False, False)[0] is None
    assert _replay_demo(sized.smallest_bad, False, False)[0] is not None
    assert sized.recommended == pytest.approx(sized.largest_good / sized.safety_factor, rel=1e-2)
    first, loss, _ = _replay_demo(sized.recommended, False, False)
    assert first is None and sized.recommended_trial.loss_last == pytest.approx(loss, rel=1e-6)
    saved = next(z for z in doc["verification"]["sizings"] if z["name"] == "learning_rate")
    assert [t["value"] for t in saved["trials"]] == [t.value for t in sized.searched()]
    loaded = next(z for z in Verification.from_dict(json.loads(json.dumps(v.to_dict()))).sizings
                  if z.name == "learning_rate")
    assert loaded.searched() == sized.searched() and loaded.recommended_trial == sized.recommended_trial
    assert (loaded.largest_good, loaded.smallest_bad, loaded.recommended) == \
        (sized.largest_good, sized.smallest_bad, sized.recommended)


# -- the command line -------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_fix_prints_the_plan_as_a_diff_and_apply_keeps_a_backup(tmp_path):
    import nandoctor.demo
    from conftest import run_nandoctor, run_python

    shutil.copy(Path(nandoctor.demo.__file__).parent / "net341.py", tmp_path / "net341.py")
    original = (tmp_path / "net341.py").read_text()
    proc = run_nandoctor(["fix", "--verify", "off", "--apply", "-o", str(tmp_path / "r"), "net341.py"],
                         cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("--- a/net341.py\n+++ b/net341.py\n")
    assert "+            dl_jk = a_jk - y" in proc.stdout
    assert "w_ij: [[" not in proc.stdout  # the script's own output does not mix into the diff
    assert "not verified" in proc.stderr and (tmp_path / "net341.py.orig").read_text() == original
    ran = run_python(["net341.py"], cwd=str(tmp_path))
    assert ran.returncode == 0 and "nan" not in ran.stdout.lower(), ran.stdout


@pytest.mark.slow
def test_fix_from_a_saved_run_refuses_another_script(seed_run, tmp_path):
    from conftest import SEED, run_nandoctor

    proc = run_nandoctor(["fix", "--from", str(seed_run[1]), "--verify", "off", str(SEED)], cwd=str(tmp_path))
    assert proc.returncode == 0 and "+++ b/net341.py" in proc.stdout, proc.stderr
    (tmp_path / "other.py").write_text("print(1)\n")
    proc = run_nandoctor(["fix", "--from", str(seed_run[1]), "--verify", "off", "other.py"], cwd=str(tmp_path))
    assert proc.returncode == 2 and "is a run of" in proc.stderr


def test_verify_auto_skips_re_runs_that_would_take_too_long(monkeypatch, capsys):
    from nandoctor import cli, verify

    calls = []

    class S:
        causes = [Cause("lr", 1, "s", fixes=(LR,))]

        def verify(self, size):
            calls.append(size)

    monkeypatch.setattr(verify, "estimate_seconds", lambda session: 500.0)
    cli._verify(S(), "auto", 10.0, quiet=False)
    assert not calls and "would take about 500 s" in capsys.readouterr().err
    monkeypatch.setattr(verify, "estimate_seconds", lambda session: 20.0)
    cli._verify(S(), "auto", 10.0, quiet=False)
    cli._verify(S(), "on", 10.0, quiet=False)
    cli._verify(S(), "on", 10.0, quiet=False, size=False)
    # Only `on` searches the numbers the fixes change: `auto` keeps its bounded cost, `fix` prints lines.
    assert calls == [False, True, False]


def test_a_long_run_with_no_step_loop_is_not_re_run(tmp_path):
    from types import SimpleNamespace

    from nandoctor.verify import plan_budget, verify_session

    script = tmp_path / "long.py"
    script.write_text("x = 1\n")
    session = SimpleNamespace(
        meta={"script": str(script), "argv": [str(script)], "elapsed": 5000.0}, sources={str(script): "x = 1\n"},
        plan=SimpleNamespace(n_steps=10, step_loop=None), loops=[], first_nonfinite=None,
        causes=[Cause("lr", 1, "s", fixes=(Fix("rate", 1, "x = 1", "x = 2"),))])
    assert plan_budget(session).max_steps is None
    v = verify_session(session)
    assert v.status == NOT_VERIFIED and "too long to re-run" in v.reason


def test_a_session_traced_inside_python_has_no_script_to_re_run():
    from types import SimpleNamespace

    from nandoctor.verify import verify_session

    v = verify_session(SimpleNamespace(meta={}, sources={}, causes=[]))
    assert v.status == NOT_VERIFIED and "nandoctor.trace" in v.reason
    with pytest.raises(ValueError, match="alternatives"):
        verify_session(SimpleNamespace(meta={}, sources={}, causes=[]), alternatives="some")


@pytest.mark.slow
def test_run_verify_on_keeps_the_verdicts_in_the_session_and_findings(tmp_path):
    import nandoctor
    from conftest import run_nandoctor

    shutil.copy(SAMPLES / "linreg_float32_lr.py", tmp_path / "fit.py")
    proc = run_nandoctor(["run", "--verify", "on", "-o", "out", "fit.py"], cwd=str(tmp_path))
    assert proc.returncode == 0 and "fixes verified" in proc.stderr, proc.stderr
    doc = json.loads((tmp_path / "out" / "findings.json").read_text())
    v = doc["verification"]
    assert v["status"] == "verified" and v["plan"]["verdict"] == CURES
    assert v["original"]["first_nonfinite_step"] is not None and v["plan"]["measures"]["first_nonfinite_step"] is None
    session = nandoctor.load(tmp_path / "out")
    assert session.verification is not None and session.verification.plan.verdict == CURES
    proc = run_nandoctor(["fix", "--from", "out", "fit.py"], cwd=str(tmp_path))
    assert proc.returncode == 0 and "verified: the plan cures" in proc.stderr and proc.stdout.startswith("--- a/fit.py")


@pytest.mark.slow
def test_a_patch_to_an_included_folder_is_compiled_in_memory_and_never_written(tmp_path):
    """`run --include LIB`: a fix to a file of LIB (outside the script's folder) is re-run by compiling its patched
    text where the file is imported; the file on disk keeps its text."""
    lib, user = tmp_path / "lib", tmp_path / "user"
    lib.mkdir()
    user.mkdir()
    model = "def step(w, x):\n    return w + 0.5 * (x - w)\n"
    (lib / "model.py").write_text(model)
    (user / "train.py").write_text("import sys\nsys.path.insert(0, sys.argv[1])\nimport model\nw = 0.0\n"
                                   "for epoch in range(20):\n    loss = (w - 3.0) ** 2\n    w = model.step(w, 3.0)\n")
    whole = Budget(None, None, 120.0, 1.0, "test")
    plain, why, _ = run_patched(user / "train.py", [str(lib)], [], whole, scratch=tmp_path, include=[lib])
    assert plain is not None, why
    slower = Fix("slower", 2, "0.5 * (x - w)", "0.05 * (x - w)", file=str(lib / "model.py"))
    with pytest.raises(PatchError, match="outside the script's folder"):
        patch_files(user / "train.py", [slower])
    after, why, diff = run_patched(user / "train.py", [str(lib)], [slower], whole, scratch=tmp_path, include=[lib])
    assert after is not None, why
    # replay: the loss at the last epoch, before its update, with each rate
    def last_loss(rate):
        w = 0.0
        for _ in range(19):
            w = w + rate * (3.0 - w)
        return (w - 3.0) ** 2
    assert plain.loss_last == pytest.approx(last_loss(0.5)) and after.loss_last == pytest.approx(last_loss(0.05))
    assert "+    return w + 0.05 * (x - w)" in diff
    assert (lib / "model.py").read_text() == model


# -- a NaN overwritten before anything read it ---------------------------------------------------------------------

IMPUTED = """
import numpy as np
rows = [[1.0, 2.0], [2.0, None], [3.0, 7.0], [4.0, 9.0]]
table = np.array(rows, dtype=float)
{clean}
X = np.hstack([np.ones((4, 1)), table[:, :1]])
theta = np.linalg.lstsq(X, table[:, 1], rcond=None)[0]
"""


def test_a_nan_imputed_at_once_is_no_symptom_but_one_that_is_read_is(tmp_path):
    import numpy as np

    from conftest import analysed_session, untraced
    from nandoctor.verify import measure

    clean = "table = np.where(np.isfinite(table), table, np.nanmean(table, axis=0))"
    assert np.isfinite(untraced(IMPUTED.format(clean=clean))["theta"]).all()  # replayed: the fit is finite
    assert not np.isfinite(untraced(IMPUTED.format(clean=""))["theta"]).all()
    cleaned = measure(analysed_session(tmp_path, IMPUTED.format(clean=clean), "cleaned"))
    assert cleaned.first_nonfinite_step is None
    raw = measure(analysed_session(tmp_path, IMPUTED.format(clean=""), "raw"))
    assert raw.first_nonfinite_step is not None
