"""report.html: one self-contained page (inline CSS, base64 figures, no script, no network)."""

from __future__ import annotations

import base64
import html as _html
import os
import re
import shlex

import numpy as np

from .. import __version__
from .. import columns as C
from . import words
from .timeline import build_timelines, site_rows

# The one element whose content changes between two runs of the same script.
TIMESTAMP_ID = "nd-timestamp"
MAX_OPERAND_ROWS = 20
MAX_VERDICT_FINDINGS = 3  # without causes, the first screen lists this many findings
MAX_VERDICT_CAUSES = 4  # so the verdict stays on the first screen
EXCERPT_BEFORE = 6
EXCERPT_AFTER = 3

# A strict policy: even if a string escaped our escaping, the page could fetch nothing and run nothing.
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

CSS = """
:root{--bad:#c62828;--warn:#ef6c00;--ok:#2e7d32;--ink:#212121;--muted:#616161;--line:#e0e0e0;--code:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--ink);background:#fafafa}
main{max-width:1200px;margin:0 auto;padding:0 20px 40px}
header.top{display:flex;flex-wrap:wrap;gap:6px 18px;align-items:baseline;padding:10px 20px;background:#263238;color:#eceff1;font-size:14px}
header.top .brand{font-weight:700;font-size:16px;color:#fff}
header.top nav a{color:#b0bec5;margin-right:12px;text-decoration:none}
header.top nav a:hover{color:#fff}
code,pre,.mono{font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:13px}
section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:14px 20px;margin:16px 0}
h1{font-size:24px;line-height:1.3;margin:4px 0 8px}
h2{font-size:19px;margin:4px 0 10px}
h3{font-size:16px;margin:14px 0 6px}
.verdict{border-width:2px 2px 2px 10px}
.verdict.nonfinite,.verdict.crashed{border-color:var(--bad)}
.verdict.problems{border-color:var(--warn)}
.verdict.healthy{border-color:var(--ok)}
.verdict.unjudged{border-color:var(--muted)}
.verdict .kicker{font-size:13px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted)}
.verdict ol{margin:6px 0 0;padding-left:22px}
.verdict li{margin:2px 0}
.verdict a{color:inherit;text-decoration:none;border-bottom:1px dotted #90a4ae}
.verdict a:hover{border-bottom-color:var(--ink)}
.muted{color:var(--muted)}
.excerpt{background:var(--code);border:1px solid var(--line);border-radius:6px;overflow-x:auto;padding:6px 0}
.excerpt .l{display:block;white-space:pre;padding:0 12px}
.excerpt .n{display:inline-block;width:3.2em;color:#9e9e9e;user-select:none}
.excerpt .l.stmt{background:#fff3e0}
mark.nd-expr{background:#ffcdd2;color:#b71c1c;font-weight:700;border-bottom:2px solid var(--bad);padding:0 1px}
table{border-collapse:collapse;font-size:12.5px}
th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f5f5f5}
td.num{text-align:right;font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace;white-space:nowrap}
tr.hasbad td{background:#ffebee}
.tablewrap{overflow-x:auto}
.cause{border-left:6px solid var(--warn)}
.cause.rank1{border-left-color:var(--bad)}
.tag{display:inline-block;font:12px "DejaVu Sans Mono",monospace;background:#eceff1;border-radius:4px;padding:1px 6px;color:#37474f}
ol.chain{list-style:none;padding:0;margin:8px 0;counter-reset:link}
ol.chain>li{position:relative;border:1px solid var(--line);border-radius:6px;padding:8px 12px 8px 44px;margin:0 0 22px;background:#fcfcfc}
ol.chain>li::before{counter-increment:link;content:counter(link);position:absolute;left:10px;top:8px;width:24px;height:24px;border-radius:12px;background:#455a64;color:#fff;text-align:center;font-weight:700;font-size:13px;line-height:24px}
ol.chain>li:not(:last-child)::after{content:"\\2193  leads to";position:absolute;left:14px;bottom:-21px;font-size:12px;color:var(--muted)}
ol.chain>li:last-child{border-color:var(--bad)}
.where{font-size:12px;color:var(--muted);margin-bottom:2px}
.nums{display:flex;flex-wrap:wrap;gap:4px 8px;margin-top:4px}
.nums span{background:#e3f2fd;border-radius:4px;padding:0 6px;font:12px "DejaVu Sans Mono",monospace}
.fix{border:1px solid var(--line);border-radius:6px;padding:8px 12px;margin:10px 0;background:#fbfffb}
.fix h4{margin:0 0 4px;font-size:15px}
.diff pre{margin:2px 0 8px;padding:6px 10px;border-radius:4px;white-space:pre-wrap;word-break:break-word}
.diff .before pre{background:#ffebee;border-left:4px solid var(--bad)}
.diff .after pre{background:#e8f5e9;border-left:4px solid var(--ok)}
.diff .lbl{font-size:12px;color:var(--muted)}
.finding{border-left:4px solid var(--line);padding:4px 10px;margin:8px 0}
.finding.error{border-left-color:var(--bad)}
.finding.warning{border-left-color:var(--warn)}
.finding .ev{font-size:12px;color:#424242}
img.fig{max-width:100%;height:auto;border:1px solid var(--line);border-radius:4px}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0}
dl.meta dt{color:var(--muted)}
dl.meta dd{margin:0;word-break:break-all}
"""


def esc(x) -> str:
    """Escape anything for HTML text or attribute values (user code, names, meta)."""
    return _html.escape("" if x is None else str(x), quote=True)


def rich(x) -> str:
    """Escaped text in which `backticked` spans (as detectors and causes write code) become <code>."""
    return re.sub(r"`([^`\n]+)`", r"<code>\1</code>", esc(x))


def _png_data_uri(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


# -- highlighting ---------------------------------------------------------------------------------
def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def expression_span(line: str, expression: str, col: int = 0, end_col: int = 0) -> tuple[int, int] | None:
    """Character span of `expression` in the source `line`, from the event's columns when they agree
    with the text, else by searching for the text (whitespace-insensitive)."""
    if not expression:
        return None
    target = _squash(expression)
    if end_col > col >= 0:
        if _squash(line[col:end_col]) == target:
            return col, end_col
        # AST columns are UTF-8 byte offsets: convert when the line has non-ASCII characters.
        raw = line.encode("utf-8")
        if end_col <= len(raw):
            try:
                start = len(raw[:col].decode("utf-8"))
                stop = len(raw[:end_col].decode("utf-8"))
            except UnicodeDecodeError:
                start = stop = -1
            if start >= 0 and _squash(line[start:stop]) == target:
                return start, stop
    at = line.find(expression)
    if at >= 0:
        return at, at + len(expression)
    pattern = r"\s*".join(re.escape(ch) for ch in target)
    m = re.search(pattern, line) if pattern else None
    if m:
        return m.start(), m.end()
    return None


def source_excerpt(session, ev) -> str:
    """Numbered source lines around the event, its statement shaded and its sub-expression marked."""
    return excerpt(session, ev.file, ev.line, ev.statement, ev.expression, ev.col, ev.end_col)


def excerpt(session, file: str, line_no: int, statement: str, expression: str = "", col: int = 0,
            end_col: int = 0) -> str:
    text = session.sources.get(file)
    if text is None:
        # Not stored (a trace from a notebook, say): show the statement alone.
        lines, first, at = statement.splitlines() or [""], line_no, line_no
    else:
        all_lines = text.splitlines()
        lo = max(1, line_no - EXCERPT_BEFORE)
        hi = min(len(all_lines), line_no + EXCERPT_AFTER)
        lines, first, at = all_lines[lo - 1:hi], lo, line_no
    stmt_lines = max(1, len(statement.splitlines()))
    out = ['<div class="excerpt mono">']
    marked = False
    for k, line in enumerate(lines):
        n = first + k
        cls = "l stmt" if at <= n < at + stmt_lines else "l"
        span = None
        if not marked and at <= n < at + stmt_lines:
            span = expression_span(line, expression, col if n == at else 0, end_col if n == at else 0)
        if span:
            a, b = span
            body = f'{esc(line[:a])}<mark class="nd-expr">{esc(line[a:b])}</mark>{esc(line[b:])}'
            marked = True
        else:
            body = esc(line)
        out.append(f'<span class="{cls}"><span class="n">{n}</span>{body}</span>')
    out.append("</div>")
    if not marked and expression:
        out.append(f'<p>The operation was in <mark class="nd-expr mono">{esc(expression)}</mark>.</p>')
    return "\n".join(out)


# -- sections -------------------------------------------------------------------------------------
def _verdict(session, v: words.Verdict) -> str:
    kicker = {"nonfinite": "Verdict: your training produced a non-finite value",
              "crashed": "Verdict: the script crashed",
              "problems": "Verdict: problems found",
              "healthy": "Verdict: healthy",
              "unjudged": "Verdict: too little observed to judge"}[v.status]
    parts = [f'<section id="verdict" class="verdict {v.status}">',
             f'<div class="kicker">{esc(kicker)}</div>',
             f"<h1>{esc(v.headline)}</h1>",
             f"<p>{esc(v.detail)}</p>"]
    if v.status not in ("healthy", "unjudged") and v.checked:  # those two say it in the headline or detail
        parts.append(f'<p class="muted">Checked: {esc(v.checked)}.</p>')
    if v.not_traced:
        parts.append("<p><strong>Not seen by nandoctor:</strong></p><ul>"
                     + "".join(f"<li>{esc(line[0].upper() + line[1:])}.</li>" for line in v.not_traced) + "</ul>")
    if v.not_checked:
        parts.append("<p><strong>Causes not checked</strong> (a premise was not measured on this run):</p><ul>"
                     + "".join(f"<li>{esc(line)}</li>" for line in v.not_checked) + "</ul>")
    causes = sorted(session.causes, key=lambda c: c.rank)
    if causes:
        parts.append("<p><strong>Why, most likely first:</strong></p><ol>")
        for c in causes[:MAX_VERDICT_CAUSES]:
            parts.append(f'<li><a href="#cause-{c.rank}">{rich(words.first_sentence(c.summary or words.tag_title(c.tag), 240))}</a>'
                         f' <span class="tag">{esc(c.tag)}</span></li>')
        parts.append("</ol>")
        if len(causes) > MAX_VERDICT_CAUSES:
            parts.append(f'<p class="muted">… and {len(causes) - MAX_VERDICT_CAUSES} more causes below.</p>')
    else:
        # The headline already states the first non-finite value: list the other serious findings.
        serious = [f for f in session.findings if f.severity in ("error", "warning") and f.code != "first_nonfinite"]
        if serious:
            parts.append("<p><strong>What else nandoctor saw, most serious first:</strong></p><ul>")
            ordered = sorted(serious, key=lambda f: (words.SEVERITY_ORDER.index(f.severity),
                                                     f.first_step if f.first_step is not None else 1 << 62))
            for f in ordered[:MAX_VERDICT_FINDINGS]:
                parts.append(f"<li>{rich(words.first_sentence(f.message, 240))}</li>")
            more = len(serious) - MAX_VERDICT_FINDINGS
            parts.append("</ul>" + (f'<p class="muted">… and {more} more in <a href="#findings">the findings</a>.</p>'
                                    if more > 0 else ""))
        if v.status in ("nonfinite", "crashed"):
            parts.append('<p class="muted">No root cause was identified; the findings below hold the evidence.</p>')
    parts.append("</section>")
    return "\n".join(parts)


def _operand_table(ev) -> str:
    if not ev.operands:
        return ""
    names = list(ev.operands)
    head = "".join(f"<th><code>{esc(n)}</code></th>" for n in names)
    rows = []
    n_rows = max([len(ev.elements)] + [len(v) if isinstance(v, (list, tuple)) else 1 for v in ev.operands.values()])
    for k in range(min(n_rows, MAX_OPERAND_ROWS)):
        idx = ev.elements[k] if k < len(ev.elements) else None
        cells = []
        for n in names:
            vals = ev.operands[n]
            if not isinstance(vals, (list, tuple)):
                vals = [vals]
            x = vals[k] if k < len(vals) else (vals[0] if len(vals) == 1 else "")
            cells.append(f'<td class="num">{esc(words.num(x))}</td>')
        where = esc(str(tuple(idx)) if idx is not None else "")
        rows.append(f'<tr><td class="num">{where}</td>{"".join(cells)}<td class="num">{esc(ev.operation)}</td></tr>')
    more = ""
    if n_rows > MAX_OPERAND_ROWS:
        more = f'<p class="muted">… and {n_rows - MAX_OPERAND_ROWS} more elements.</p>'
    return (f'<h3>The values at the bad elements</h3><div class="tablewrap"><table class="operands">'
            f"<tr><th>element</th>{head}<th>operation</th></tr>{''.join(rows)}</table></div>{more}")


def _first_bad_record(session) -> str:
    """Without an event, the first recorded value holding NaN/inf still gets its place in the code."""
    from .timeline import first_bad_record, site_label

    bad = first_bad_record(session)
    if bad is None or bad.site_id >= len(session.sites):
        return ""
    site = session.sites[bad.site_id]
    return "\n".join([
        '<section id="first-nonfinite">', "<h2>Where the first NaN or infinity was recorded</h2>",
        f"<p>At training step <strong>{esc(bad.step)}</strong>, <code>{esc(site_label(site))}</code> in "
        f"<code>{esc(site.function)}</code> held {esc(bad.n_nonfinite)} non-finite element(s) out of {esc(bad.size)}. "
        "nandoctor saw it in the recorded values; no floating-point event pinpoints the operation, so the "
        "whole statement is shaded.</p>",
        excerpt(session, site.file, site.line, site.statement),
        "</section>"])


def _first_nonfinite(session) -> str:
    ev = session.first_nonfinite
    if ev is None:
        return _first_bad_record(session)
    what = words.result_word(ev)
    meaning = words.meaning(ev.operation)
    n_el = len(ev.elements)
    parts = ['<section id="first-nonfinite">',
             f"<h2>Where the first {esc(what)} appeared</h2>",
             f"<p>At training step <strong>{esc(ev.step)}</strong>, line <strong>{esc(ev.line)}</strong> of "
             f"<code>{esc(os.path.basename(ev.file))}</code>, in <code>{esc(ev.function)}</code>: the highlighted part "
             f"computed <strong>{esc(ev.operation)}</strong>"
             + (f" at {n_el} element{'s' if n_el != 1 else ''}" if n_el else "") + ".</p>",
             source_excerpt(session, ev)]
    if meaning:
        parts.append(f"<p>{esc(meaning[0].upper() + meaning[1:])}.</p>")
    if ev.absorbed:
        parts.append('<p class="muted">The statement still produced a finite result here (the bad value was absorbed).</p>')
    if ev.source == "value":
        parts.append('<p class="muted">numpy raised no warning for this (for example a BLAS <code>dot</code>); '
                     "nandoctor found it in the recorded values.</p>")
    parts.append(_operand_table(ev))
    parts.append("</section>")
    return "\n".join(parts)


def _numbers(d: dict) -> str:
    if not d:
        return ""
    chips = "".join(f"<span>{esc(k)} = {esc(words.value(v))}</span>" for k, v in d.items())
    return f'<div class="nums">{chips}</div>'


def _fix(f) -> str:
    parts = ['<div class="fix">', f"<h4>{rich(f.title)}</h4>"]
    if f.why:
        parts.append(f"<p>{rich(f.why)}</p>")
    if f.before or f.after:
        where = f"Your line {f.line}" if f.line else "Your code"
        parts.append('<div class="diff">')
        if f.before:
            parts.append(f'<div class="before"><div class="lbl">{esc(where)}</div><pre>{esc(f.before)}</pre></div>')
        if f.after:
            parts.append(f'<div class="after"><div class="lbl">Change it to</div><pre>{esc(f.after)}</pre></div>')
        parts.append("</div>")
    parts.append("</div>")
    return "\n".join(parts)


def _causes(session) -> str:
    causes = sorted(session.causes, key=lambda c: c.rank)
    if not causes:
        return ""
    out = []
    for c in causes:
        parts = [f'<section id="cause-{c.rank}" class="cause rank{c.rank}">',
                 f"<h2>Cause {c.rank}: {esc(words.tag_title(c.tag))}</h2>",
                 f'<p>{rich(c.summary)} <span class="tag">{esc(c.tag)}</span></p>']
        if c.chain:
            parts.append("<h3>What happened, link by link</h3><ol class=\"chain\">")
            for link in c.chain:
                where = []
                if link.step is not None:
                    where.append(f"step {link.step}")
                if link.site:
                    where.append(f"<code>{esc(link.site)}</code>")
                if link.line is not None:
                    where.append(f"line {link.line}")
                parts.append(f'<li><div class="where">{" · ".join(where) if where else ""}</div>'
                             f"<div>{rich(link.text)}</div>{_numbers(link.numbers)}</li>")
            parts.append("</ol>")
        if c.fixes:
            parts.append(f'<h3 id="fixes-{c.rank}">How to fix it</h3>')
            parts.extend(_fix(f) for f in c.fixes)
        if c.evidence:
            parts.append(f"<h3>Evidence</h3>{_numbers(c.evidence)}")
        if c.findings:
            parts.append('<p class="muted">Explains the findings: '
                         + ", ".join(f'<span class="tag">{esc(code)}</span>' for code in c.findings) + "</p>")
        parts.append("</section>")
        out.append("\n".join(parts))
    return "\n".join(out)


def _timelines(session) -> str:
    from .figures import timelines_png

    tl = build_timelines(session)
    img = _png_data_uri(timelines_png(tl))
    alt = "Timelines of " + ", ".join(t.label for t in tl.sites) if tl.sites else "No timelines"
    items = "".join(f"<li><code>{esc(t.label)}</code>: {esc(t.why)}"
                    + (f"; first non-finite at step {t.first_nonfinite_step}" if t.first_nonfinite_step is not None else "")
                    + "</li>" for t in tl.sites)
    markers = "".join(f"<li>{esc(m.label)}</li>" for m in tl.markers)
    return "\n".join([
        '<section id="timelines">',
        "<h2>Timelines of the sites that matter</h2>",
        "<p>Each row is one recorded value of your code. Left: its largest absolute value at each step "
        "(shaded red where it held NaN or infinity). Right: the fraction of its elements exactly at (dark "
        "line) or near (light line) the bound of a sigmoid or tanh, where gradients vanish and "
        "<code>1 - a</code> becomes 0, and the fraction that was NaN or infinite (red area). Vertical lines "
        "mark the first non-finite value and where each finding starts. Long runs are max-pooled, so a "
        "one-step spike stays visible.</p>",
        f'<img class="fig" src="{img}" alt="{esc(alt)}">',
        f'<p class="muted">{esc(tl.note)}</p>' if tl.note else "",
        f"<ul>{items}</ul>" if items else "",
        f"<p>Markers:</p><ul>{markers}</ul>" if markers else "",
        "</section>",
    ])


def _findings(session) -> str:
    fs = session.findings
    parts = ['<section id="findings">', f"<h2>All findings ({len(fs)})</h2>"]
    if not fs:
        parts.append("<p>No detector fired.</p>")
    for sev in words.SEVERITY_ORDER + tuple(sorted({f.severity for f in fs} - set(words.SEVERITY_ORDER))):
        group = [f for f in fs if f.severity == sev]
        if not group:
            continue
        parts.append(f"<h3>{esc(words.SEVERITY_WORDS.get(sev, sev.title()))} ({len(group)})</h3>")
        for f in group:
            steps = ""
            if f.first_step is not None:
                steps = f"step {f.first_step}" if f.last_step in (None, f.first_step) else f"steps {f.first_step}–{f.last_step}"
            where = " · ".join(x for x in (steps, f"<code>{esc(f.site)}</code>" if f.site else "",
                                           f"line {f.line}" if f.line is not None else "") if x)
            parts.append(f'<div class="finding {esc(sev)}"><div><span class="tag">{esc(f.code)}</span> '
                         f'<span class="muted">{esc(f.kind)}</span></div><div>{rich(f.message)}</div>'
                         f'<div class="where">{where}</div>{_numbers(f.evidence)}</div>')
    parts.append("</section>")
    return "\n".join(parts)


def _sites_table(session) -> str:
    rows = site_rows(session)
    head = ("<tr><th>site</th><th>function</th><th>line</th><th>phase</th><th>shape</th><th>records kept</th>"
            "<th>largest |value|</th><th>min</th><th>max</th><th>last norm</th><th>at bound</th>"
            "<th>with NaN/inf</th><th>first NaN/inf</th></tr>")
    body = []
    for r in rows:
        cls = ' class="hasbad"' if r.n_nonfinite_obs else ""
        short = r.function.rsplit(".", 1)[-1]  # the class is in the tooltip: the table must fit a laptop
        cells = [f"<td><code>{esc(r.label)}</code></td>", f'<td><code title="{esc(r.function)}">{esc(short)}</code></td>',
                 f'<td class="num">{r.line}</td>', f"<td>{esc(r.phase)}</td>", f'<td class="num">{esc(r.shape)}</td>',
                 f'<td class="num">{r.n_obs}</td>']
        for x in (r.absmax, r.min, r.max, r.last_l2):
            cells.append(f'<td class="num">{esc(words.num(x))}</td>')
        # Saturation is undefined for unbounded values: a dash, not "nan" (which would read as a problem).
        sat = "–" if r.sat_exact_max != r.sat_exact_max else words.num(r.sat_exact_max)
        cells.append(f'<td class="num">{esc(sat)}</td>')
        cells.append(f'<td class="num">{r.n_nonfinite_obs}</td>')
        cells.append(f'<td class="num">{"" if r.first_nonfinite_step is None else r.first_nonfinite_step}</td>')
        body.append(f"<tr{cls}>{''.join(cells)}</tr>")
    return "\n".join([
        '<section id="sites">', f"<h2>Every recorded site ({len(rows)})</h2>",
        "<p>A <em>site</em> is a place in your code whose value nandoctor recorded: an assignment, a "
        "function argument or a return value. Statistics are over the finite elements of all its records; "
        "<em>last norm</em> is the L2 norm of its last finite record, <em>at bound</em> the largest fraction of "
        "elements exactly at a sigmoid or tanh bound, <em>with NaN/inf</em> how many records held a non-finite "
        "element, and <em>first NaN/inf</em> the step of the first.</p>",
        f'<div class="tablewrap"><table class="sites">{head}{"".join(body)}</table></div>', "</section>"])


def _large_arrays(session) -> str | None:
    """How the records of arrays above EXACT_ROWS_MAX elements were checked, or None if there were none."""
    from ..trace.stats import EXACT_ROWS_MAX, IDX

    stats = session.recording.obs_stats
    if not len(stats):
        return None
    big = stats[:, IDX[C.SIZE]] > EXACT_ROWS_MAX
    if not big.any():
        return None
    counts = stats[big][:, [IDX[C.N_NAN], IDX[C.N_POSINF], IDX[C.N_NEGINF]]].sum(axis=1)
    screened = int((np.isnan(stats[big][:, IDX[C.L2]]) & (counts == 0)).sum())
    if session.meta.get("large_arrays") == "exact" or not screened:
        return f"{int(big.sum()):,} records of arrays over {EXACT_ROWS_MAX:,} elements, every one checked in full"
    return (f"{int(big.sum()):,} records of arrays over {EXACT_ROWS_MAX:,} elements, {screened:,} of them screened "
            "(not read: checked in full on a schedule and after any warning sign; NANDOCTOR_EXACT_LARGE=1 "
            "checks every one)")


def _run(session) -> str:
    m = session.meta
    argv = m.get("argv") or []
    items = [
        ("script", m.get("script")),
        ("command", "python " + " ".join(shlex.quote(str(a)) for a in argv) if argv else None),
        ("working folder", m.get("cwd")),
        ("exit status", m.get("exit_status")),
        ("interrupted", "yes" if m.get("interrupted") else "no"),
        ("exception", m.get("exception")),
        ("training steps", session.plan.n_steps),
        ("how the step loop was chosen", getattr(session.plan, "reason", None)),
        ("records kept", session.recording.n_observations),
        ("large arrays", _large_arrays(session)),
        ("sites", len(session.sites)),
        ("Python", m.get("python")),
        ("numpy", m.get("numpy")),
        ("nandoctor", m.get("nandoctor") or __version__),
    ]
    dl = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in items if v not in (None, ""))
    parts = ['<section id="run">', "<h2>The run</h2>", f'<dl class="meta">{dl}</dl>']
    if m.get("traceback"):
        parts.append(f"<h3>Traceback</h3><pre>{esc(m['traceback'])}</pre>")
    if session.errors:
        from .terminal import evidence_lost

        lost = "".join(f"<li>site <code>{esc(target)}</code>{f' (line {line})' if line else ''}: {k} observation"
                       f"{'s' if k != 1 else ''} not recorded</li>" for target, line, k in evidence_lost(session))
        parts.append("<h3>nandoctor's own errors</h3><p class=\"muted\">These did not change your script's run; "
                     f"{len(session.errors)} recorded.</p>"
                     + (f"<p>Evidence they cost:</p><ul class=\"lost\">{lost}</ul>" if lost else
                        "<p class=\"muted\">No recorded observation was lost; parts of the analysis may be missing.</p>")
                     + "<ul>" + "".join(f"<li><code>{esc(e)}</code></li>" for e in session.errors) + "</ul>")
    started = m.get("started") or "unknown time"
    took = f"; the traced run took {m['elapsed']} s" if m.get("elapsed") is not None else ""
    parts.append(f'<p class="muted" id="{TIMESTAMP_ID}">Run started {esc(started)}{esc(took)}.</p>')
    parts.append("</section>")
    return "\n".join(parts)


def render_html(session) -> str:
    """The whole report page as one string."""
    v = words.verdict(session)
    script = os.path.basename(str(session.meta.get("script") or "?"))
    nav = [("verdict", "Verdict")]
    if v.first_nonfinite_step is not None:
        nav.append(("first-nonfinite", "First NaN"))
    if session.causes:
        nav.append(("cause-1", "Causes & fixes"))
    nav += [("timelines", "Timelines"), ("findings", "Findings"), ("sites", "Sites"), ("run", "Run")]
    nav_html = "".join(f'<a href="#{a}">{esc(t)}</a>' for a, t in nav)
    body = [
        _verdict(session, v),
        _first_nonfinite(session),
        _causes(session),
        _timelines(session),
        _findings(session),
        _sites_table(session),
        _run(session),
    ]
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>nandoctor: {esc(script)}</title>",
        f"<style>{CSS}</style></head><body>",
        f'<header class="top"><span class="brand">nandoctor</span><span>report for <code>{esc(script)}</code> · '
        f"{esc(session.plan.n_steps)} training steps</span><nav>{nav_html}</nav></header>",
        "<main>",
        *[b for b in body if b],
        "</main></body></html>",
        "",
    ])
