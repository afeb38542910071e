"""Cause rules, declared once: code, title, thresholds and the premises each one needs measured.

A rule module in `nandoctor.analysis.causes` declares one rule with `@cause_rule(...)`. Its function gets a
`RuleContext` and returns a `RuleOutcome`: one `PremiseCheck` per declared premise, and a `Draft` when it
would raise the cause. The engine (`evaluate_rules`) raises the cause only when every declared premise was
checked on this run and holds; a premise that could not be measured makes the rule "not checked", which the
report says, and nothing is assumed in its place.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable

HOLDS = "holds"
FAILS = "fails"
NOT_CHECKED = "not checked"


@dataclass(frozen=True)
class Premise:
    """Something a cause needs to be true on this run, named once and worded for the report."""

    name: str  # "update_ratio_measured"
    text: str  # "the parameter's update ratio was measured at every step"


@dataclass(frozen=True)
class PremiseCheck:
    """The outcome of one premise on this run: holds, fails or not checked, with the numbers behind it."""

    premise: str
    status: str  # HOLDS, FAILS or NOT_CHECKED
    why: str = ""  # the numbers in words; for NOT_CHECKED, what could not be measured
    numbers: dict[str, Any] = field(default_factory=dict)


@dataclass
class Draft:
    """A cause a rule would raise, before ranking. `score` orders causes (see SCORES)."""

    tag: str
    score: float
    summary: str
    chain: list = field(default_factory=list)
    fixes: list = field(default_factory=list)
    findings: list = field(default_factory=list)
    evidence: dict = field(default_factory=dict)


# Scores order the causes. A cause that explains the run's main failure (a NaN, no learning) with
# numbers outranks a latent defect; a latent defect outranks a formula that only fails after another
# cause has pushed it.
PRIMARY = 95
STRUCTURAL = 90
LATENT = 55
WEAK = 40


@dataclass
class RuleOutcome:
    """What a rule measured (one check per premise) and the cause it would raise."""

    checks: list[PremiseCheck] = field(default_factory=list)
    drafts: list[Draft] = field(default_factory=list)

    def check(self, premise: str, status, why: str = "", **numbers) -> bool:
        """Record a premise: `status` is True/False/None (None: not checked) or a status word. Returns holds."""
        if status is True:
            status = HOLDS
        elif status is False:
            status = FAILS
        elif status is None:
            status = NOT_CHECKED
        self.checks.append(PremiseCheck(premise, status, why, dict(numbers)))
        return status == HOLDS

    def status(self, premise: str) -> str | None:
        for c in self.checks:
            if c.premise == premise:
                return c.status
        return None


@dataclass(frozen=True)
class CauseRule:
    """One declared cause: its vocabulary code, title, premises, thresholds and the function that measures them."""

    code: str
    title: str
    premises: tuple[Premise, ...]
    thresholds: dict[str, float]
    evaluate: Callable[["RuleContext"], RuleOutcome]
    module: str
    doc: str = ""
    # Causes that, when raised on the same run, explain this one's evidence: it then stands down. A wrong
    # derivative makes the loss climb just as a flipped sign does; the defect measured at its source wins.
    yields_to: tuple[str, ...] = ()
    # Causes it stands down for only when its own evidence is of one of the given kinds (its draft's evidence
    # "trouble"): a loss that never falls under large steps is explained by a model with no bias, a run that blew up
    # is not.
    yields_when: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass
class RuleContext:
    """What a rule reads: the session, its program model (`facts`), findings by code, and thresholds."""

    session: Any
    facts: Any
    findings: dict[str, list]
    rule: CauseRule | None = None

    def threshold(self, name: str) -> float:
        """This rule's threshold `name`: the run's configured value, else the declared default."""
        from ..config import threshold

        return threshold(self.session, name, self.rule.thresholds[name])


RULES: dict[str, CauseRule] = {}


def cause_rule(code: str, title: str, premises: tuple[tuple[str, str], ...] | list, thresholds: dict | None = None,
               yields_to: tuple[str, ...] = (), yields_when: dict[str, tuple[str, ...]] | None = None):
    """Declare the decorated function as the rule for cause `code` (one rule per code); `yields_to` and
    `yields_when` as in CauseRule."""

    def register(fn):
        if code in RULES and RULES[code].module != fn.__module__:
            raise ValueError(f"cause {code!r} is declared twice: {RULES[code].module} and {fn.__module__}")
        RULES[code] = CauseRule(code, title, tuple(Premise(n, t) for n, t in premises), dict(thresholds or {}), fn,
                                fn.__module__, (fn.__doc__ or "").strip().splitlines()[0] if fn.__doc__ else "",
                                tuple(yields_to), dict(yields_when or {}))
        return fn

    return register


def load_rules() -> dict[str, CauseRule]:
    """Every rule module in `nandoctor.analysis.causes`, imported once; the declared rules by code."""
    from . import causes

    for info in pkgutil.iter_modules(causes.__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{causes.__name__}.{info.name}")
    return RULES


def rule_thresholds() -> dict[str, float]:
    """Every threshold the declared rules read, with its default (for config validation and the docs)."""
    out: dict[str, float] = {}
    for rule in load_rules().values():
        out.update(rule.thresholds)
    return out


@dataclass(frozen=True)
class NotChecked:
    """A cause that could not be judged on this run: which premise was not measured, and why."""

    tag: str
    title: str
    premise: str
    why: str


def evaluate_rules(session, facts, findings) -> tuple[list[Draft], list[NotChecked], dict[str, list[PremiseCheck]]]:
    """Run every declared rule. Returns the drafts whose premises all hold, the rules not checked, and every check."""
    by: dict[str, list] = defaultdict(list)
    for f in findings:
        by[f.code].append(f)
    drafts: list[Draft] = []
    not_checked: list[NotChecked] = []
    checks: dict[str, list[PremiseCheck]] = {}
    for code, rule in sorted(load_rules().items()):
        ctx = RuleContext(session, facts, by, rule)
        try:
            out = rule.evaluate(ctx)
        except Exception as e:  # noqa: BLE001 - one rule must not sink the others
            session.errors.append(f"cause rule {code} failed: {type(e).__name__}: {e}")
            continue
        checks[code] = list(out.checks)
        declared = {p.name for p in rule.premises}
        seen = {c.premise: c for c in out.checks}
        missing = [p for p in rule.premises if p.name not in seen]
        unknown = [c.premise for c in out.checks if c.premise not in declared]
        if unknown:
            session.errors.append(f"cause rule {code} checked undeclared premises {unknown}")
        blocked = [seen[p.name] for p in rule.premises if p.name in seen and seen[p.name].status == NOT_CHECKED]
        failed = any(seen[p.name].status == FAILS for p in rule.premises if p.name in seen)
        if failed:
            continue
        if blocked:
            # Not checked only when nothing measured contradicts the cause: the first unmeasured premise.
            c = blocked[0]
            text = next(p.text for p in rule.premises if p.name == c.premise)
            not_checked.append(NotChecked(code, rule.title, text, c.why))
            continue
        if missing or not out.drafts:
            continue
        drafts.extend(d for d in out.drafts if d.tag == code)
    raised = {d.tag for d in drafts}
    rules = load_rules()
    for code in sorted(raised):
        by_other = [c for c in rules[code].yields_to if c in raised] if code in rules else []
        kinds = {d.evidence.get("trouble") for d in drafts if d.tag == code}
        by_other += [c for c, when in (rules[code].yields_when.items() if code in rules else ())
                     if c in raised and kinds & set(when)]
        if by_other:
            drafts = [d for d in drafts if d.tag != code]
            checks.setdefault(code, []).append(PremiseCheck("yields_to", FAILS, f"explained by {by_other[0]}, raised "
                                                            f"on this run", {"explained_by": by_other[0]}))
    return drafts, not_checked, checks
