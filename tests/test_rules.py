"""The rule engine: a cause is raised only when every declared premise was measured and holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from nandoctor.analysis import rules as R
from nandoctor.analysis.catalogue import catalogue_markdown


class _Session:
    def __init__(self):
        self.errors = []
        self.meta = {}


@pytest.fixture
def isolated_rules(monkeypatch):
    """An empty rule table, so a test declares only its own rules."""
    table: dict = {}
    monkeypatch.setattr(R, "RULES", table)
    monkeypatch.setattr(R, "load_rules", lambda: table)
    return table


def _declare(status_a, status_b, draft=True):
    @R.cause_rule("demo_cause", "A demo cause", premises=(("a", "premise a"), ("b", "premise b")),
                  thresholds={"demo_limit": 2.5})
    def rule(ctx):
        out = R.RuleOutcome()
        out.check("a", status_a, "a measured", value=ctx.threshold("demo_limit"))
        out.check("b", status_b, "b not measurable" if status_b is None else "b measured")
        if draft:
            out.drafts.append(R.Draft("demo_cause", R.PRIMARY, "demo"))
        return out
    return rule


def test_all_premises_hold_raises_the_cause(isolated_rules):
    _declare(True, True)
    drafts, not_checked, checks = R.evaluate_rules(_Session(), None, [])
    assert [d.tag for d in drafts] == ["demo_cause"] and not not_checked
    assert checks["demo_cause"][0].numbers == {"value": 2.5}


def test_a_premise_not_measured_makes_it_not_checked(isolated_rules):
    _declare(True, None)
    drafts, not_checked, _ = R.evaluate_rules(_Session(), None, [])
    assert drafts == []
    assert [(n.tag, n.premise, n.why) for n in not_checked] == [("demo_cause", "premise b", "b not measurable")]


def test_a_failed_premise_raises_nothing_and_is_not_listed(isolated_rules):
    _declare(False, None)
    drafts, not_checked, _ = R.evaluate_rules(_Session(), None, [])
    assert drafts == [] and not_checked == []


def test_a_premise_left_unchecked_raises_nothing(isolated_rules):
    @R.cause_rule("lazy", "Lazy", premises=(("a", "premise a"), ("b", "premise b")))
    def rule(ctx):
        out = R.RuleOutcome()
        out.check("a", True)
        out.drafts.append(R.Draft("lazy", R.PRIMARY, "lazy"))
        return out
    drafts, _, _ = R.evaluate_rules(_Session(), None, [])
    assert drafts == []


def test_a_configured_threshold_wins(isolated_rules):
    _declare(True, True)
    session = _Session()
    session.meta = {"config": {"thresholds": {"demo_limit": 7}}}
    _, _, checks = R.evaluate_rules(session, None, [])
    assert checks["demo_cause"][0].numbers == {"value": 7.0}


def test_a_failing_rule_is_recorded_not_raised(isolated_rules):
    @R.cause_rule("broken", "Broken", premises=(("a", "premise a"),))
    def rule(ctx):
        raise ZeroDivisionError("boom")
    session = _Session()
    drafts, _, _ = R.evaluate_rules(session, None, [])
    assert drafts == [] and session.errors == ["cause rule broken failed: ZeroDivisionError: boom"]


def test_a_code_declared_twice_is_refused(isolated_rules):
    _declare(True, True)
    with pytest.raises(ValueError, match="declared twice"):
        def other(ctx):
            return R.RuleOutcome()
        other.__module__ = "elsewhere"
        R.cause_rule("demo_cause", "Again", premises=())(other)


def test_the_committed_catalogue_is_generated_from_the_declarations():
    from pathlib import Path

    doc = Path(__file__).resolve().parent.parent / "docs" / "causes.md"
    assert doc.read_text(encoding="utf-8") == catalogue_markdown(), \
        "docs/causes.md is stale: python -m nandoctor.analysis.catalogue --write"


def test_the_schema_tag_pattern_and_titles_come_from_the_declarations():
    from nandoctor.analysis.catalogue import SCHEMA_PATH, schema_text
    from nandoctor.report.words import tag_title

    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(), \
        "findings.schema.json is stale: python -m nandoctor.analysis.catalogue --write"
    for code, rule in R.load_rules().items():
        assert tag_title(code) == rule.title


def test_every_declared_rule_has_premises_and_a_module_of_its_own():
    table = R.load_rules()
    assert table
    for code, rule in table.items():
        assert rule.premises, code
        assert rule.module.rsplit(".", 1)[-1] == code, (code, rule.module)


def test_a_rule_stands_down_for_the_cause_it_yields_to(isolated_rules):
    for code, yields in (("climbs", ("formula",)), ("formula", ())):
        def rule(ctx, code=code):
            out = R.RuleOutcome()
            out.check("a", True)
            out.drafts.append(R.Draft(code, R.PRIMARY, code))
            return out
        R.cause_rule(code, code, premises=(("a", "premise a"),), yields_to=yields)(rule)
    drafts, _, checks = R.evaluate_rules(_Session(), None, [])
    assert [d.tag for d in drafts] == ["formula"]
    assert checks["climbs"][-1].status == R.FAILS and checks["climbs"][-1].numbers == {"explained_by": "formula"}


@pytest.mark.parametrize("trouble, stands_down", [("bouncing", True), ("nonfinite", False)])
def test_a_rule_stands_down_only_for_the_kinds_of_trouble_it_declares(isolated_rules, trouble, stands_down):
    def steps(ctx):
        out = R.RuleOutcome()
        out.check("a", True)
        out.drafts.append(R.Draft("steps", R.PRIMARY, "steps", evidence={"trouble": trouble}))
        return out

    def offset(ctx):
        out = R.RuleOutcome()
        out.check("a", True)
        out.drafts.append(R.Draft("offset", R.PRIMARY, "offset"))
        return out

    R.cause_rule("steps", "steps", premises=(("a", "premise a"),), yields_when={"offset": ("bouncing",)})(steps)
    R.cause_rule("offset", "offset", premises=(("a", "premise a"),))(offset)
    drafts, _, checks = R.evaluate_rules(_Session(), None, [])
    assert ("steps" not in [d.tag for d in drafts]) == stands_down
    assert (checks["steps"][-1].premise == "yields_to") == stands_down


@pytest.mark.parametrize("sample, cause, stands_aside", [
    # units that are copies of each other stall whatever the rate: the symmetric start explains the stall
    ("s6_ring_layers_a.py", "weights_init_symmetric", "learning_rate_too_low"),
    # steps written onto a copy are measured against the copy, not the weights the model uses
    ("s6_hinge_pairs_b.py", "parameter_not_updated", "learning_rate_too_high"),
    # a loss that stays put under large steps on a model with no bias: the fit it cannot make, not a bounce
    ("b18_granite_ferry_a.py", "missing_bias", "learning_rate_too_high"),
    # a log of 0 reached by steps that climb the loss from the first ones: the sign is the cause
    ("a18_velvet_compass_a.py", "gradient_sign_wrong", "log_of_zero"),
])
def test_a_cause_stands_aside_for_the_cause_that_explains_its_measurements(tmp_path, sample, cause, stands_aside):
    from conftest import analysed_session, premise_checks

    source = (Path(__file__).parent / "samples" / "cases" / sample).read_text()
    s = analysed_session(tmp_path, source)
    tags = [c.tag for c in s.causes]
    assert cause in tags and stands_aside not in tags, tags
    c = premise_checks(s, stands_aside)
    if "yields_to" in c:
        assert c["yields_to"].status == R.FAILS
