"""The terminal verdict: 3 to 8 lines on stderr, each starting "nandoctor:"."""

from __future__ import annotations

import os

from . import words

PREFIX = "nandoctor:"
MAX_CAUSES = 3
WIDTH = 200  # one line per cause: the first sentence of its summary, shortened past this


def verdict_lines(session, report_dir: str) -> list[str]:
    """The verdict: first non-finite value, top causes one line each, findings count, report path."""
    lines = []
    fn = session.first_nonfinite
    if fn is not None:
        lines.append(words.one_line(
            f"{PREFIX} first {words.result_word(fn)} at step {fn.step}, line {fn.line} ({fn.function}): "
            f"{fn.expression or fn.statement} computed {fn.operation}", WIDTH + 40))
    else:
        # No event: the verdict still reports NaN found in the recorded values, a crash, or a clean run.
        lines.append(words.one_line(f"{PREFIX} {words.verdict(session).headline}", WIDTH + 40))
    causes = sorted(session.causes, key=lambda c: c.rank)
    for c in causes[:MAX_CAUSES]:
        # Tag first: it survives the shortening that keeps each cause on one line.
        lines.append(words.one_line(
            f"{PREFIX} cause {c.rank} [{c.tag}]: {words.first_sentence(c.summary or words.tag_title(c.tag), WIDTH)}", WIDTH))
    counts = {s: sum(f.severity == s for f in session.findings) for s in words.SEVERITY_ORDER}
    found = ", ".join(f"{n} {s}{'s' if n != 1 else ''}" for s, n in counts.items() if n) or "nothing"
    extra = len(causes) - MAX_CAUSES
    more = f" ({extra} more cause{'s' if extra != 1 else ''} in the report)" if extra > 0 else ""
    if not causes:
        more = "; no root cause identified" if (fn is not None or counts["error"] or counts["warning"]) else ""
    lines.append(f"{PREFIX} findings: {found}{more}")
    if session.errors:
        lines.append(f"{PREFIX} ({len(session.errors)} internal error(s) recorded; see the report)")
    html = os.path.join(report_dir, "report.html")
    lines.append(f"{PREFIX} report: {html if os.path.exists(html) else report_dir}")
    return lines
