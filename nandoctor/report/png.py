"""summary.png: one picture that tells the story, built from a testable SummaryModel."""

from __future__ import annotations

import os
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from . import words
from .timeline import MAX_PNG_SITES, Marker, SiteTimeline, build_timelines

# 1400 x 800 px: above the 1200 x 700 minimum, and readable on a laptop screen or in a chat.
SIZE_PX = (1400, 800)
MAX_BOX_FINDINGS = 4


@dataclass
class Panel:
    label: str
    timeline: SiteTimeline


@dataclass
class SummaryModel:
    """Everything summary.png shows. The figure draws from this and nothing else."""

    title: str
    subtitle: str
    status: str
    box_lines: list[tuple[float, str, str]]  # (font size, weight, text) of the verdict box, top to bottom
    panels: list[Panel] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    x_range: tuple[int, int] = (0, 0)
    size_px: tuple[int, int] = SIZE_PX

    def texts(self) -> list[str]:
        """Every text drawn in the figure (legend entries excepted), for tests and alt text."""
        return [self.title, self.subtitle] + [t for _, _, t in self.box_lines] + [p.label for p in self.panels]


# Verdict box geometry, shared with figures.summary_png so the model holds exactly what is drawn.
BOX_TEXT_TOP = 0.97  # axes fraction where the first line starts
BOX_TEXT_BOTTOM = 0.21  # the legend sits below this
KEEP_LINES = 3  # the step, the headline and the top cause's title always stay


def box_wrap(text: str, size: float, weight: str) -> str:
    """Wrap for the box's ~470 px width; bold glyphs are wider."""
    return textwrap.fill(text, int((44 if weight == "bold" else 52) * 12 / size)) if text else ""


def box_advance(wrapped: str, size: float) -> float:
    """Vertical space (axes fraction) one wrapped entry takes, gap included."""
    return (wrapped.count("\n") + 1) * size * 0.0029 + 0.018


def fit_box(lines: list[tuple[float, str, str]]) -> list[tuple[float, str, str]]:
    """Drop trailing entries that would run into the legend; the first KEEP_LINES always stay."""
    out, y = [], BOX_TEXT_TOP
    for k, (size, weight, text) in enumerate(lines):
        adv = box_advance(box_wrap(text, size, weight), size)
        if k >= KEEP_LINES and y - adv < BOX_TEXT_BOTTOM:
            break
        out.append((size, weight, text))
        y -= adv
    return out


def plain(text: str) -> str:
    """Detector and cause texts mark code with backticks; a picture has no code font, so drop them."""
    return str(text).replace("`", "")


def summary_model(session) -> SummaryModel:
    v = words.verdict(session)
    tl = build_timelines(session, limit=MAX_PNG_SITES)
    script = os.path.basename(str(session.meta.get("script") or "?"))
    box: list[tuple[float, str, str]] = []
    headline = v.headline
    if v.first_nonfinite_step is not None:
        big = f"First NaN/inf at step {v.first_nonfinite_step}"
        box.append((20, "bold", big))
        # The headline repeats the step: keep only what follows it ("(1 - y)/(1 - a_jk) computed 0/0").
        if headline.startswith("First ") and ": " in headline:
            headline = headline.split(": ", 1)[1]
    box.append((13, "bold", headline))
    causes = sorted(session.causes, key=lambda c: c.rank)
    if causes:
        top = causes[0]
        title = words.tag_title(top.tag)
        summary = plain(top.summary)
        if summary.lower().startswith(title.lower()):
            summary = summary[len(title):].lstrip(" :;,.")
            summary = summary[:1].upper() + summary[1:]
        box.append((12, "bold", f"Top cause: {title}"))
        box.append((11, "normal", words.one_line(summary, 240)))
        if top.fixes:
            f = top.fixes[0]
            box.append((11, "bold", f"Fix: {words.one_line(plain(f.title), 120)}"))
            if f.after:
                where = f"line {f.line}: " if f.line else ""
                box.append((10, "normal", where + words.one_line(f.after, 140)))
        for c in causes[1:3]:
            box.append((10, "normal", f"Also (cause {c.rank}): {words.first_sentence(plain(c.summary or words.tag_title(c.tag)), 110)}"))
        if len(causes) > 3:
            box.append((10, "normal", f"… and {len(causes) - 3} more in report.html"))
    else:
        serious = sorted((f for f in session.findings if f.severity in ("error", "warning") and f.code != "first_nonfinite"),
                         key=lambda f: (words.SEVERITY_ORDER.index(f.severity),
                                        f.first_step if f.first_step is not None else 1 << 62))
        if serious:
            box.append((12, "bold", "No root cause identified. What nandoctor saw:"))
            for f in serious[:MAX_BOX_FINDINGS]:
                box.append((10, "normal", "• " + words.first_sentence(plain(f.message), 200)))
            if len(serious) > MAX_BOX_FINDINGS:
                box.append((10, "normal", f"… and {len(serious) - MAX_BOX_FINDINGS} more in report.html"))
        else:
            box.append((11, "normal", v.detail))
    subtitle = f"{script}: {tl.n_steps} training steps"
    if tl.note:
        subtitle += f"  (timelines end at step {tl.x_range[1]}, after the first non-finite value)"
    return SummaryModel(
        title="nandoctor: " + {"healthy": "training stayed healthy",
                               "unjudged": "too little observed to judge"}.get(v.status, "what went wrong"),
        subtitle=subtitle,
        status=v.status,
        box_lines=fit_box(box),
        panels=[Panel(t.label, t) for t in tl.sites],
        markers=tl.markers,
        x_range=tl.x_range,
    )


def render_png(session) -> bytes:
    """summary.png as bytes."""
    from .figures import summary_png

    return summary_png(summary_model(session))


def write_png(session, path) -> str:
    """Write summary.png to `path` (atomically, through the report writer's helper)."""
    from . import _write_atomic

    _write_atomic(Path(path), render_png(session))
    return str(path)
