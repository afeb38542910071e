"""Explanation: the declared cause rules' drafts, ranked into causes with chains and fixes."""

from __future__ import annotations

import warnings

import numpy as np

from ..analysis.rules import WEAK, Draft, evaluate_rules
from ..detectors.facts import facts
from ..model import Cause, Finding
from .chain import _num
from .fixes import located, with_numpy_imports


def explain(session, findings: list[Finding]) -> list[Cause]:
    """Ranked causes for these findings: each with its chain of evidence and fixes on the user's lines."""
    F = facts(session)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        drafts, not_checked, _ = evaluate_rules(session, F, findings)
    session.not_checked = not_checked
    # A numeric mechanism that a measured cause drove the values into (`chained_to`) is the symptom's
    # formula, not its root: it ranks below the causes.
    chained = {d.evidence.get("chained_to") for d in drafts if d.evidence.get("chained_to")}
    for d in drafts:
        if d.tag in chained and d.score > WEAK:
            d.score = WEAK
            d.summary += " The formula itself is fragile: it fails whenever the values reach it, whatever pushed them."
    best: dict[str, Draft] = {}
    for d in drafts:
        if d.tag not in best or d.score > best[d.tag].score:
            best[d.tag] = d
    ordered = sorted(best.values(), key=lambda d: -d.score)
    script = (getattr(session, "meta", None) or {}).get("script")
    return [Cause(tag=d.tag, rank=k + 1, summary=d.summary, chain=tuple(d.chain),
                  fixes=tuple(with_numpy_imports(F, located(F, [x for x in d.fixes if x], script), script)),
                  findings=tuple(dict.fromkeys(d.findings)), evidence=_clean(d.evidence))
            for k, d in enumerate(ordered)]


def _clean(d):
    out = {}
    for k, v in d.items():
        out[k] = _num(v) if not isinstance(v, (dict, list, tuple)) else v
    return out
