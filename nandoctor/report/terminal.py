"""The terminal verdict: a few lines on stderr, each marked as nandoctor's."""

from __future__ import annotations

PREFIX = "nandoctor:"


def verdict_lines(session, report_dir: str) -> list[str]:
    lines = []
    fn = session.first_nonfinite
    if fn is not None:
        lines.append(
            f"{PREFIX} first non-finite value at step {fn.step}, line {fn.line}: "
            f"{fn.expression} computed {fn.operation}"
        )
    else:
        lines.append(f"{PREFIX} no non-finite value in {session.plan.n_steps} steps")
    for c in session.causes[:3]:
        lines.append(f"{PREFIX}   cause {c.rank}: [{c.tag}] {c.summary}")
    if session.errors:
        lines.append(f"{PREFIX} ({len(session.errors)} internal error(s) recorded; see the report)")
    lines.append(f"{PREFIX} report: {report_dir}")
    return lines
