"""The terminal verdict: 3 to 8 lines on stderr, each starting "nandoctor:"."""

from __future__ import annotations

import os

from . import words

PREFIX = "nandoctor:"
MAX_CAUSES = 3
WIDTH = 200  # one line per cause: the first sentence of its summary, shortened past this


MAX_LINES = 8


def verdict_lines(session, report_dir: str) -> list[str]:
    """The verdict: first non-finite value, top causes one line each, what was not traced or not checked,
    findings count, report path (at most MAX_LINES; the coverage lines go first when there is no room)."""
    fn = session.first_nonfinite
    v = words.verdict(session)
    if fn is not None:
        head = words.one_line(
            f"{PREFIX} first {words.result_word(fn)} at step {fn.step}, line {fn.line} ({fn.function}): "
            f"{fn.expression or fn.statement} computed {fn.operation}", WIDTH + 40)
    else:
        # No event: the verdict still reports NaN found in the recorded values, a crash, or what was checked.
        head = words.one_line(f"{PREFIX} {v.headline}", WIDTH + 40)
    causes = sorted(session.causes, key=lambda c: c.rank)
    cause_lines = [words.one_line(  # tag first: it survives the shortening that keeps each cause on one line
        f"{PREFIX} cause {c.rank} [{c.tag}]: {words.first_sentence(c.summary or words.tag_title(c.tag), WIDTH)}", WIDTH)
        for c in causes[:MAX_CAUSES]]
    counts = {s: sum(f.severity == s for f in session.findings) for s in words.SEVERITY_ORDER}
    found = ", ".join(f"{n} {s}{'s' if n != 1 else ''}" for s, n in counts.items() if n) or "nothing"
    extra = len(causes) - MAX_CAUSES
    more = f" ({extra} more cause{'s' if extra != 1 else ''} in the report)" if extra > 0 else ""
    if not causes:
        more = "; no root cause identified" if (fn is not None or counts["error"] or counts["warning"]) else ""
    tail = [f"{PREFIX} findings: {found}{more}"]
    if session.errors:
        tail.append(words.one_line(f"{PREFIX} {internal_errors_text(session)}; see the report", WIDTH + 40))
    html = os.path.join(report_dir, "report.html")
    tail.append(f"{PREFIX} report: {html if os.path.exists(html) else report_dir}")
    coverage = []
    if v.status == "healthy":  # the headline says nothing was found: say what was looked at
        coverage.append(words.one_line(f"{PREFIX} checked: {v.checked}", WIDTH + 40))
    if v.not_traced:
        # Longer than the other lines: the folder to --include is the point and must not be cut off.
        coverage.append(words.one_line(f"{PREFIX} {'; '.join(v.not_traced)}", 3 * WIDTH))
    if v.probed:
        coverage.append(words.one_line(f"{PREFIX} {v.probed}", 2 * WIDTH))
    if v.not_checked:
        coverage.append(words.one_line(f"{PREFIX} not checked: {'; '.join(v.not_checked)}", WIDTH + 40))
    room = MAX_LINES - 1 - len(cause_lines) - len(tail)
    return [head, *cause_lines, *coverage[:max(room, 0)], *tail]


def evidence_lost(session) -> list[tuple[str, int, int]]:
    """(site target, line, observations lost) for each site whose observations nandoctor's own errors cost,
    most first, from the recorded errors."""
    from ..trace.recorder import lost_observations

    out = []
    for sid, n in lost_observations(session.errors).items():
        try:
            site = session.site(sid)
            out.append((site.target, site.line, n))
        except (KeyError, IndexError):  # a site the session does not hold
            out.append((f"#{sid}", 0, n))
    return sorted(out, key=lambda t: (-t[2], t[1], t[0]))


def internal_errors_text(session, most: int = 3) -> str:
    """'2 internal errors: site `self.w_ij` (line 23) lost 14 observations', or what they cost if nothing."""
    n = len(session.errors)
    head = f"{n} internal error{'s' if n != 1 else ''}"
    lost = evidence_lost(session)
    if not lost:
        return f"{head} (no recorded observation lost; parts of the analysis may be missing)"
    parts = [f"site `{target}`{f' (line {line})' if line else ''} lost {k} observation{'s' if k != 1 else ''}"
             for target, line, k in lost[:most]]
    if len(lost) > most:
        parts.append(f"{len(lost) - most} more site{'s' if len(lost) - most != 1 else ''}")
    return f"{head}: " + ", ".join(parts)
