"""The report's fix plan (report/fixplan.py): the one diff, each re-run's verdict and numbers, failed fixes under
"tried", causes in verified order, the sized learning rate, and the page without a verification."""

from __future__ import annotations

import contextlib
import difflib
import io
import re
import warnings

import numpy as np
import pytest

from nandoctor.report import fixplan
from nandoctor.report.html import esc, render_html
from nandoctor.sizing import SearchedValue, Sizing
from nandoctor.verify import CURES, NO_EFFECT, Measures, RankedCause, Trial, Verification, fix_groups

from test_report import short_seed


@pytest.fixture(scope="module")
def short(tmp_path_factory):
    """The founding case cut to 300 steps (NaN at step 249), traced in process."""
    from nandoctor.cli import trace_script

    tmp = tmp_path_factory.mktemp("fixplan")
    script = short_seed(tmp)
    with warnings.catch_warnings(), np.errstate(all="ignore"), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        _, session = trace_script(str(script), [], tmp / "out", formats=("json",))
    return session, script


def _measures(first_bad, losses, accuracies, steps=300):
    loss = tuple((k * 10, v) for k, v in enumerate(losses))
    acc = tuple((k * 10, v) for k, v in enumerate(accuracies))
    finite = [v for v in losses if v is not None]
    return Measures(steps=steps, first_nonfinite_step=first_bad, loss_how="computed", loss_first=finite[0],
                    loss_last=finite[-1], loss_min=min(finite), loss_curve=loss, accuracy_first=accuracies[0],
                    accuracy_final=accuracies[-1], accuracy_best=max(accuracies), accuracy_curve=acc, n_samples=7)


def _verification(session):
    """A verification of the session's own causes: its first cause's first fix cures, its last cause's fails."""
    causes = sorted(session.causes, key=lambda c: c.rank)
    first, last = causes[0], causes[-1]
    good_group, bad_group = fix_groups(first.fixes)[0], fix_groups(last.fixes)[0]
    before = _measures(249, [0.66, 0.5, 0.41, None], [0.57, 0.71, 0.71, 0.71])
    cured = _measures(None, [0.66, 0.3, 0.2, 0.125], [0.57, 0.86, 0.86, 0.857])
    worked = Trial(good_group[0].title, (first.tag,), tuple(good_group), CURES, "no non-finite value in 300 steps",
                   cured)
    failed = Trial(bad_group[0].title, (last.tag,), tuple(bad_group), NO_EFFECT, "nothing the verdict measures changed",
                   before)
    plan = Trial("plan", (first.tag,), tuple(good_group), CURES, "the plan's own reason", cured)
    ranking = [RankedCause(last.tag, last.rank, 1, CURES, "made up to move it first")] + [
        RankedCause(c.tag, c.rank, k + 2, NO_EFFECT, "") for k, c in enumerate(x for x in causes if x is not last)]
    searched = tuple(SearchedValue(v, "fine" if v < 0.8 else "nan", "r", v < 0.8, 0.66, 0.1 if v < 0.8 else None,
                                   None if v < 0.8 else 249, 0.857) for v in (0.1, 0.316, 0.562, 0.75, 1.0))
    sizing = Sizing("learning_rate", "line 60", 1.0, searched, 0.75, 1.0, 0.375, 2.0, None, "")
    return Verification("verified", "each fix re-run over the whole run", None, before, (worked, failed), plan,
                        ("a left-out fix: no effect",), tuple(ranking), 12.5, (sizing,), ("a note on sizing",))


def _section(page: str, anchor: str, end: str) -> str:
    start = page.index(f'id="{anchor}"')
    return page[start:page.index(end, start)]


def test_verified_plan_shows_one_diff_verdicts_numbers_and_the_sizing(short):
    session, script = short
    v = _verification(session)
    session.verification = v
    try:
        page = render_html(session)
    finally:
        session.verification = None
    plan = _section(page, "fix-plan", "</section>")
    # The diff, computed here with difflib from the file's text with each patched line replaced by hand.
    fx = v.plan.fixes
    lines = script.read_text().splitlines(keepends=True)
    for f in sorted(fx, key=lambda f: -f.line):
        old = lines[f.line - 1]
        lines[f.line - 1] = old.replace(f.before.strip(), f.after.strip(), 1)
    expected = "".join(difflib.unified_diff(script.read_text().splitlines(keepends=True), lines,
                                            fromfile=f"a/{script.name}", tofile=f"b/{script.name}"))
    shown = "\n".join(_html_text(m) for m in re.findall(r'<span class="(?:add|del|ctx|hunk|file)">(.*?)</span>',
                                                        plan.split('<pre class="udiff', 2)[1]))
    assert shown.split("\n") == [line.rstrip("\n") or " " for line in expected.splitlines()]
    # The verdicts: the working fix among the fixes, the failed one only under "tried".
    tried = plan[plan.index('id="fixes-tried"'):]
    worked = plan[plan.index('id="fixes-worked"'):plan.index('id="fixes-tried"')]
    assert esc(v.trials[1].name) in tried and esc(v.trials[1].name) not in worked
    assert esc(v.trials[0].name) in worked and "cures" in worked
    # Each row of the measures table carries its own two values.
    assert re.search(r"loss, last</th><td class=\"num\">0\.41</td><td class=\"num\">0\.125</td>", plan)
    assert re.search(r"accuracy, final</th><td class=\"num\">71\.0%</td><td class=\"num\">85\.7%</td>", plan)
    # The sizing: every searched value listed, the bracket and the recommendation named.
    sized = plan[plan.index('id="sizing-0"'):]
    for t in v.sizings[0].searched():
        assert f'<td class="num">{t.value:.4g}</td>' in sized
    assert "between <strong>0.75</strong> (fine) and <strong>1</strong> (nan)" in sized
    assert "the recommendation <strong>0.375</strong> keeps a factor of 2" in sized and "a note on sizing" in plan
    # Causes in verified order: the cause the ranking put first is cause 1 everywhere.
    first_tag = v.ranking[0].tag
    cause1 = _section(page, "cause-1", "</section>")
    assert f">{esc(first_tag)}<" in cause1
    assert f"before the re-runs the analysis ranked it {v.ranking[0].rank}" in cause1
    # Its failed fix is under "tried" in the cause, not under "How to fix it".
    assert 'id="tried-1"' in cause1 and cause1.index('id="tried-1"') < cause1.index(esc(v.trials[1].fixes[0].title))
    assert '<a href="#fix-plan">Fix plan</a>' in page


def _html_text(fragment: str) -> str:
    import html

    return html.unescape(fragment)


def test_plan_document_merges_both_runs_on_the_union_of_their_steps(short):
    session, _ = short
    v = _verification(session)
    session.verification = v
    try:
        doc = fixplan.plan_document(session)
    finally:
        session.verification = None
    plan = next(r for r in doc["runs"] if r["id"] == "plan")
    loss = next(c for c in plan["curves"] if c["kind"] == "loss")
    assert loss["x"] == [0, 10, 20, 30]
    assert loss["series"][0]["y"] == [0.66, 0.5, 0.41, None] and loss["series"][1]["y"] == [0.66, 0.3, 0.2, 0.125]
    acc = next(c for c in plan["curves"] if c["kind"] == "accuracy")
    assert acc["percent"] and acc["series"][1]["y"][-1] == 0.857
    assert [p["value"] for p in doc["sizings"][0]["points"]] == [0.1, 0.316, 0.562, 0.75, 1.0]
    assert doc["sizings"][0]["recommended"] == 0.375


def test_without_verification_the_page_says_the_fixes_were_not_rerun_and_how(short):
    session, script = short
    assert session.verification is None and fixplan.plan_document(session) is None
    page = render_html(session)
    plan = _section(page, "fix-plan", "</section>")
    assert "The fix plan (not re-run)" in plan and "were not re-run" in plan
    assert f"nandoctor run --verify on {script.name}" in plan and "session.verify()" in plan
    assert '<pre class="udiff' in plan
    assert 'id="fixes-tried"' not in plan


def test_a_failed_verification_gives_its_reason_and_no_verdicts(short):
    session, _ = short
    session.verification = Verification("not verified", "not re-run: it reads stdin")
    try:
        page = render_html(session)
    finally:
        session.verification = None
    plan = _section(page, "fix-plan", "</section>")
    assert "not re-run: it reads stdin" in plan and "vbadge" not in plan


def test_findings_are_split_into_why_it_failed_and_other_problems(short):
    session, _ = short
    page = render_html(session)
    fs = _section(page, "findings", "</section>")
    explained = {code for c in session.causes for code in c.findings}
    why = fs[fs.index('id="findings-why"'):fs.index('id="findings-other"')] if 'id="findings-other"' in fs \
        else fs[fs.index('id="findings-why"'):]
    other = fs[fs.index('id="findings-other"'):] if 'id="findings-other"' in fs else ""
    for f in session.findings:
        tag = f'<span class="tag" title="the detector\'s code">{esc(f.code)}</span>'
        assert tag in (why if f.code in explained else other), f.code
