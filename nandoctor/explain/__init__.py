"""Explanation: ranked root causes with chains from symptom back to cause, and fixes."""

from __future__ import annotations

from ..model import Cause, Finding


def explain(session, findings: list[Finding]) -> list[Cause]:
    """Ranked causes for these findings (none until the cause builders are in place)."""
    return []
