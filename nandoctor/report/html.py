"""report.html: one self-contained page (inline CSS, script and data; hashed scripts only, no network)."""

from __future__ import annotations

import base64
import hashlib
import html as _html
import os
import re
import shlex
from functools import lru_cache
from pathlib import Path

import numpy as np

from .. import __version__
from .. import columns as C
from . import fixplan, words
from .interactive import MAX_ELEMENTS, OVERVIEW_POINTS, ReportData, json_for_script
from .timeline import site_rows

# The one element whose content changes between two runs of the same script.
TIMESTAMP_ID = "nd-timestamp"
MAX_OPERAND_ROWS = 20
MAX_VERDICT_FINDINGS = 3  # without causes, the first screen lists this many findings
MAX_VERDICT_CAUSES = 4  # so the verdict stays on the first screen
EXCERPT_BEFORE = 6
EXCERPT_AFTER = 3

# A strict policy: the page fetches nothing, and runs only its own two scripts (allowed by their hashes), so
# even a string that escaped our escaping could not run.
CSP_BASE = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
ASSETS = Path(__file__).with_name("assets")


@lru_cache(maxsize=None)
def asset(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


def script_hash(code: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode("ascii") + "'"


def csp() -> str:
    return f"{CSP_BASE}; script-src {script_hash(asset('uplot.min.js'))} {script_hash(asset('report.js'))}"

CSS = """
:root{--bad:#c62828;--warn:#b45309;--ok:#2e7d32;--ink:#212121;--muted:#5f6368;--line:#dcdcdc;--code:#f6f8fa;
--bg:#fafafa;--card:#fff;--head:#263238;--headink:#eceff1;--navink:#cfd8dc;--mark:#ffcdd2;--markink:#8e0000;
--stmt:#fff3e0;--th:#f1f3f4;--chip:#e3f2fd;--tag:#eceff1;--tagink:#37474f;--badrow:#ffebee;--before:#ffebee;
--after:#e8f5e9;--line1:#1565c0;--line2:#6a1b9a;--faint:#9e9e9e;--grid:#e6e6e6;--chart-bg:#fff;--pos:#1e88e5;
--neg:#ef6c00;--sat:#ef6c00;--link:#0b57d0}
@media (prefers-color-scheme: dark){:root{--bad:#ef9a9a;--warn:#ffb74d;--ok:#81c784;--ink:#e8eaed;--muted:#b0b6bc;
--line:#3c4043;--code:#1e2227;--bg:#121416;--card:#1b1e21;--head:#0d1012;--headink:#e8eaed;--navink:#c3ccd3;
--mark:#7f1d1d;--markink:#ffe4e4;--stmt:#3a2e1a;--th:#24282c;--chip:#1c3350;--tag:#2b3136;--tagink:#d5dde3;
--badrow:#3b1d1f;--before:#3b1d1f;--after:#1b3320;--line1:#8ab4f8;--line2:#d7aefb;--faint:#80868b;--grid:#34383c;
--chart-bg:#1b1e21;--pos:#8ab4f8;--neg:#ffb74d;--sat:#ffb74d;--link:#8ab4f8}}
*{box-sizing:border-box}
html{scroll-padding-top:64px}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--ink);background:var(--bg)}
main{max-width:1200px;margin:0 auto;padding:0 20px 40px}
a{color:var(--link)}
header.top{position:sticky;top:0;z-index:10;display:flex;flex-wrap:wrap;gap:4px 18px;align-items:baseline;padding:8px 20px;background:var(--head);color:var(--headink);font-size:14px;box-shadow:0 1px 4px rgba(0,0,0,.25)}
header.top .brand{font-weight:700;font-size:16px}
header.top nav{display:flex;flex-wrap:wrap;gap:2px 12px}
header.top nav a{color:var(--navink);text-decoration:none}
header.top nav a:hover,header.top nav a:focus{color:#fff;text-decoration:underline}
header.top .nd-causes{color:var(--navink)}
header.top .nd-causes a{display:inline-block;min-width:1.6em;text-align:center;border:1px solid var(--navink);border-radius:10px;margin-left:2px}
code,pre,.mono{font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:13px}
section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px 20px;margin:16px 0}
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
.verdict a{color:inherit;text-decoration:none;border-bottom:1px dotted var(--muted)}
.verdict a:hover{border-bottom-color:var(--ink)}
.muted{color:var(--muted)}
.excerpt{background:var(--code);border:1px solid var(--line);border-radius:6px;overflow-x:auto;padding:6px 0}
.excerpt .l{display:block;white-space:pre;padding:0 12px}
.excerpt .n{display:inline-block;width:3.2em;color:var(--muted);user-select:none}
.excerpt .l.stmt{background:var(--stmt)}
mark.nd-expr{background:var(--mark);color:var(--markink);font-weight:700;border-bottom:2px solid var(--bad);padding:0 1px}
table{border-collapse:collapse;font-size:12.5px}
th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--th)}
td.num{text-align:right;font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace;white-space:nowrap}
tr.hasbad td{background:var(--badrow)}
.tablewrap{overflow-x:auto}
.cause{border-left:6px solid var(--warn)}
.cause.rank1{border-left-color:var(--bad)}
.tag{display:inline-block;font:12px "DejaVu Sans Mono",monospace;background:var(--tag);border-radius:4px;padding:1px 6px;color:var(--tagink)}
ol.chain{list-style:none;padding:0;margin:8px 0;counter-reset:link}
ol.chain>li{position:relative;border:1px solid var(--line);border-radius:6px;padding:8px 12px 8px 44px;margin:0 0 22px;background:var(--card)}
ol.chain>li[data-inspect]{cursor:pointer}
ol.chain>li[data-inspect]:hover,ol.chain>li[data-inspect]:focus{outline:2px solid var(--link);outline-offset:1px}
ol.chain>li.nd-current{box-shadow:0 0 0 3px var(--link)}
.nd-inspect-hint{color:var(--link)}
ol.chain>li::before{counter-increment:link;content:counter(link);position:absolute;left:10px;top:8px;width:24px;height:24px;border-radius:12px;background:#455a64;color:#fff;text-align:center;font-weight:700;font-size:13px;line-height:24px}
ol.chain>li:not(:last-child)::after{content:"\\2193  leads to";position:absolute;left:14px;bottom:-21px;font-size:12px;color:var(--muted)}
ol.chain>li:last-child{border-color:var(--bad)}
.where{font-size:12px;color:var(--muted);margin-bottom:2px}
.nums{display:flex;flex-wrap:wrap;gap:4px 8px;margin-top:4px}
.nums span{background:var(--chip);border-radius:4px;padding:0 6px;font:12px "DejaVu Sans Mono",monospace}
.fix{border:1px solid var(--line);border-radius:6px;padding:8px 12px;margin:10px 0}
.fix h4{margin:0 0 4px;font-size:15px}
.diff pre{margin:2px 0 8px;padding:6px 10px;border-radius:4px;white-space:pre-wrap;word-break:break-word}
.diff .before pre{background:var(--before);border-left:4px solid var(--bad)}
.diff .after pre{background:var(--after);border-left:4px solid var(--ok)}
.diff .lbl{font-size:12px;color:var(--muted)}
.finding{border-left:4px solid var(--line);padding:4px 10px;margin:8px 0}
.finding.error{border-left-color:var(--bad)}
.finding.warning{border-left-color:var(--warn)}
.finding .ev{font-size:12px}
img.fig{max-width:100%;height:auto;border:1px solid var(--line);border-radius:4px}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0}
dl.meta dt{color:var(--muted)}
dl.meta dd{margin:0;word-break:break-all}
button{font:inherit;font-size:13px;color:var(--ink);background:var(--card);border:1px solid var(--muted);border-radius:5px;padding:3px 10px;cursor:pointer;min-height:30px}
button:hover,button:focus{border-color:var(--link);color:var(--link)}
button.linkish{border:none;background:none;color:var(--link);padding:0;text-decoration:underline;min-height:0;text-align:left}
select{font:inherit;font-size:13px;color:var(--ink);background:var(--card);border:1px solid var(--muted);border-radius:5px}
#nd-step-scrub{flex:1 1 200px;min-width:140px;accent-color:var(--link)}
.nd-toolbar{display:flex;flex-wrap:wrap;gap:6px 10px;align-items:center;margin:8px 0}
.nd-help{font-size:13.5px;color:var(--muted)}
ol.nd-markers{display:flex;flex-wrap:wrap;gap:2px 28px;margin:0 0 6px;padding-left:18px;font-size:13px}
figure.nd-chart{margin:14px 0;padding:8px 0;border-top:1px solid var(--line)}
figure.nd-chart figcaption{font-size:14.5px}
figure.nd-chart .nd-help{margin:2px 0 4px}
.nd-plot{width:100%;min-height:120px;background:var(--chart-bg)}
.nd-readout{font:12.5px "DejaVu Sans Mono",Menlo,monospace;min-height:1.6em;color:var(--ink)}
.nd-note{font-size:13px;color:var(--warn)}
.uplot{font-family:inherit;color:var(--ink)}
.u-select{background:rgba(11,87,208,.15)}
table.inspect td.nd-val{min-width:220px;max-width:420px}
table.inspect td.nd-bad{background:var(--badrow)}
.nd-badtext{color:var(--bad);font-weight:600}
.nd-elements{white-space:pre;overflow-x:auto;font-size:12px}
.nd-net .nd-stuck{fill:var(--warn);font-weight:600}
.nd-src{white-space:pre-wrap}
#nd-network svg{max-width:100%;height:auto;background:var(--chart-bg);border-radius:6px}
.nd-net .nd-w{stroke:var(--faint);opacity:.85}
.nd-net .nd-w.pos{stroke:var(--pos)}
.nd-net .nd-w.neg{stroke:var(--neg)}
.nd-net .nd-w.nan{stroke:var(--bad);stroke-dasharray:5 3}
.nd-net .nd-unit{fill:var(--card);stroke:var(--ink);stroke-width:1.5}
.nd-net .nd-unit.sat{stroke:var(--sat);stroke-width:4}
.nd-net .nd-unit.nan{fill:var(--bad)}
.nd-net .nd-failing{fill:none;stroke:var(--bad);stroke-width:2;stroke-dasharray:6 4}
.nd-net .nd-lbl{fill:var(--ink);font-size:12px}
@media (max-width:600px){
 body{font-size:15px}
 main{padding:0 8px 24px}
 section{padding:10px 12px;margin:10px 0}
 header.top{padding:6px 10px;font-size:13px;flex-wrap:nowrap}
 header.top nav{flex-wrap:nowrap;overflow-x:auto;white-space:nowrap;min-width:0}
 header.top>span:not(.brand){display:none}
 h1{font-size:20px}
 .excerpt{font-size:12px}
 .excerpt .n{width:2.4em}
 ol.chain>li{padding-left:38px}
 dl.meta{grid-template-columns:1fr}
}
@media print{
 :root{--ink:#000;--bg:#fff;--card:#fff;--muted:#444;--chart-bg:#fff}
 header.top{position:static;box-shadow:none;background:#fff;color:#000}
 header.top nav,.nd-toolbar,.nd-scale,.nd-readout,button:not(.linkish),#inspector{display:none !important}
 button.linkish{color:#000;text-decoration:none}
 .nd-help{font-size:9pt}
 body{background:#fff;font-size:11pt}
 main{max-width:none;padding:0}
 section{border:none;border-top:1px solid #999;border-radius:0;padding:6px 0;margin:8px 0;break-inside:auto}
 figure.nd-chart,ol.chain>li,.fix,tr{break-inside:avoid}
 .excerpt .l,pre{white-space:pre-wrap;word-break:break-all}
 .tablewrap{overflow:visible}
 table{font-size:8.5pt}
 a{color:#000;text-decoration:none}
 canvas{max-width:100% !important;height:auto !important}
}
"""


def esc(x) -> str:
    """Escape anything for HTML text or attribute values (user code, names, meta)."""
    return _html.escape("" if x is None else str(x), quote=True)


def rich(x) -> str:
    """Escaped text in which `backticked` spans (as detectors and causes write code) become <code>."""
    return re.sub(r"`([^`\n]+)`", r"<code>\1</code>", esc(x))


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
    if v.probed:
        parts.append(f"<p><strong>Re-runs:</strong> {esc(v.probed)}.</p>")
    if v.not_checked:
        parts.append("<p><strong>Causes not checked</strong> (a premise was not measured on this run):</p><ul>"
                     + "".join(f"<li>{esc(line)}</li>" for line in v.not_checked) + "</ul>")
    causes = fixplan.ordered_causes(session)
    if causes:
        order = "in the order their fixes worked when re-run" if fixplan.verified(session) else "most likely first"
        parts.append(f"<p><strong>Why, {order}:</strong></p><ol>")
        for c in causes[:MAX_VERDICT_CAUSES]:
            parts.append(f'<li><a href="#cause-{c.rank}">{rich(words.first_sentence(c.summary or words.tag_title(c.tag), 240))}</a>'
                         f' <span class="tag" title="the cause\'s code: {esc(words.tag_title(c.tag))}">{esc(c.tag)}</span></li>')
        parts.append("</ol>")
        if len(causes) > MAX_VERDICT_CAUSES:
            parts.append(f'<p class="muted">… and {len(causes) - MAX_VERDICT_CAUSES} more causes below.</p>')
        parts.append(fixplan.verdict_line(session))
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
    # The event's operation text may quote one element's argument ("exp overflow (arg 1974.1)"): each row
    # names the operation only, its own values are in its operand cells.
    operation = re.sub(r"\s*\(arg [^)]*\)", "", ev.operation) if n_rows > 1 else ev.operation
    for k in range(min(n_rows, MAX_OPERAND_ROWS)):
        idx = ev.elements[k] if k < len(ev.elements) else None
        cells = []
        for n in names:
            vals = ev.operands[n]
            if not isinstance(vals, (list, tuple)):
                vals = [vals]
            # A value recorded for fewer elements than the table has rows is not repeated onto the others.
            cells.append(f'<td class="num">{esc(words.num(vals[k]))}</td>' if k < len(vals)
                         else '<td class="num muted">not recorded</td>')
        where = esc(str(tuple(idx)) if idx is not None else "")
        rows.append(f'<tr><td class="num">{where}</td>{"".join(cells)}<td class="num">{esc(operation)}</td></tr>')
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
    chips = "".join(f"<span>{esc(words.evidence_label(k))} = {esc(words.value(v))}</span>" for k, v in d.items())
    return f'<div class="nums">{chips}</div>'


def _fix(f, trial=None, anchor: str = "", planned: bool = False, advice: bool = False) -> str:
    badge = "" if trial is None else " " + fixplan._verdict_badge(trial.verdict)
    if advice:
        badge += ' <span class="vbadge muted" title="it names no line to change">advice, not re-run</span>'
    if planned:
        badge += ' <a class="vbadge muted" href="#fix-plan">in the fix plan</a>'
    parts = ['<div class="fix">', f"<h4>{rich(f.title)}{badge}</h4>"]
    if trial is not None:
        link = f' (<a href="#{esc(anchor)}">its re-run</a>)' if anchor else ""
        parts.append(f"<p>Re-run with this change: <strong>{esc(trial.verdict)}</strong>; "
                     f"{rich(words.first_sentence(trial.reason, 240))}{link}</p>")
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


def _cause_fixes(session, c) -> str:
    """A cause's fixes: those re-run and rated cures or helps (or not re-run) as fixes, those re-run and failed
    apart under "tried", never as a fix."""
    from ..verify import is_advice

    trials = fixplan.fix_verdicts(session, c)
    v = fixplan.verification_of(session)
    good, tried = [], []
    for f in c.fixes:
        t = trials.get(id(f))
        anchor = fixplan._trial_id(v, t) if t is not None else ""
        (tried if t is not None and t.verdict not in fixplan.WORKED else good).append(
            _fix(f, t, anchor, fixplan.in_plan(session, f), advice=fixplan.verified(session) and is_advice(f)))
    parts = []
    if good:
        parts.append(f'<h3 id="fixes-{c.rank}">How to fix it</h3>')
        parts.extend(good)
    if tried:
        parts.append(f'<h3 id="tried-{c.rank}">Tried when re-run, and did not work</h3>')
        parts.extend(tried)
    return "\n".join(parts)


def _causes(session) -> str:
    causes = fixplan.ordered_causes(session)
    if not causes:
        return ""
    out = []
    for c in causes:
        parts = [f'<section id="cause-{c.rank}" class="cause rank{c.rank}">',
                 f"<h2>Cause {c.rank}: {esc(words.tag_title(c.tag))}</h2>",
                 f'<p>{rich(c.summary)} <span class="tag" title="the cause\'s code">{esc(c.tag)}</span></p>']
        ranked = fixplan.ranked(session, c.tag)
        if ranked is not None:
            moved = ("" if ranked.rank == ranked.verified_rank else
                     f"; before the re-runs the analysis ranked it {ranked.rank}")
            parts.append(f'<p class="muted">Ranked by what its fix did when re-run: '
                         f"{fixplan._verdict_badge(ranked.verdict)}{esc(moved)}.</p>")
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
                attrs = ""
                if link.step is not None and link.step >= 0:
                    attrs = (f' data-inspect="{int(link.step)}" tabindex="0" role="button" '
                             f'aria-label="Inspect step {int(link.step)}"')
                    where.append('<span class="nd-inspect-hint">inspect this step &#8594;</span>')
                parts.append(f'<li{attrs}><div class="where">{" · ".join(where) if where else ""}</div>'
                             f"<div>{rich(link.text)}</div>{_numbers(link.numbers)}</li>")
            parts.append("</ol>")
        if c.fixes:
            parts.append(_cause_fixes(session, c))
        if c.evidence:
            parts.append(f"<h3>Evidence</h3>{_numbers(c.evidence)}")
        if c.findings:
            parts.append('<p class="muted">Explains the findings: '
                         + ", ".join(f'{esc(words.finding_title(code))} <span class="tag">{esc(code)}</span>'
                                     for code in c.findings) + "</p>")
        parts.append("</section>")
        out.append("\n".join(parts))
    return "\n".join(out)


def _curves(session, data: dict) -> str:
    """The interactive curves: loss and accuracy first, then the sites the causes' chains go through."""
    bad = data.get("first_nonfinite")
    markers = "".join(
        f'<li><button type="button" class="linkish" data-inspect="{m["step"]}">{esc(m["title"])}</button></li>'
        for m in data["markers"])
    zoom = (f'<button type="button" id="nd-zoom-bad">Zoom to the first non-finite value (step {bad})</button>'
            if bad is not None else "")
    return "\n".join([
        '<section id="curves">',
        "<h2>Curves: the outcome first, then the values that led there</h2>",
        '<p class="nd-help">The loss and the accuracy come first, then each value of your code that a cause\'s chain '
        "goes through. Point at a chart to read its values; drag across it (or turn the mouse wheel) to zoom, "
        "double-click to zoom out, and click a point or a marker to inspect that step below. Each chart says "
        "whether its scale is log or linear; its button switches. Long runs are pooled into at most "
        f"{OVERVIEW_POINTS:,} points per chart keeping each bin's largest value, so a one-step spike stays "
        + (f"visible; around the first non-finite value (steps {data['detail'][0]} to {data['detail'][1]}) every "
           "step is plotted." if data.get("detail") else "visible.") + "</p>",
        '<div class="nd-toolbar" role="toolbar" aria-label="Chart range">'
        '<button type="button" id="nd-whole">Whole run</button>' + zoom +
        '<button type="button" id="nd-pan-left" aria-label="Pan left">&#9664; Pan</button>'
        '<button type="button" id="nd-pan-right" aria-label="Pan right">Pan &#9654;</button>'
        f'<span id="nd-range" class="muted">Showing steps {data["view"]["min"]} to {data["view"]["max"]} of 0 to '
        f'{data["last_step"]}.</span></div>',
        f'<p class="muted">Markers on every chart (click one to inspect its step):</p><ol class="nd-markers">{markers}</ol>'
        if markers else "",
        '<div id="nd-curves"></div>',
        '<noscript><p>The charts need JavaScript; summary.png beside this report shows the same timelines.</p></noscript>',
        "</section>",
    ])


def _inspector(data: dict) -> str:
    n = len(data["inspector"]["steps"])
    return "\n".join([
        '<section id="inspector" aria-live="polite">',
        '<h2>Inspect a step: <span id="nd-step-title">no step chosen</span></h2>',
        '<p class="nd-help">Every recorded value of your code at the chosen step beside the step before: its shape, '
        "smallest, largest and mean value, how many elements were NaN or infinite, and for arrays of up to "
        f"{MAX_ELEMENTS} elements the elements themselves (the value the step ended with). Values are embedded for "
        f"{n} steps: every step named on this page, the step before each, and evenly spaced steps over the run. "
        "Click a chain link, a marker or a point on a chart to choose one.</p>",
        '<div class="nd-toolbar"><button type="button" id="nd-step-prev">&#9664; Earlier</button>'
        '<label>Step <select id="nd-step-select"></select></label>'
        '<button type="button" id="nd-step-next">Later &#9654;</button>'
        '<input type="range" id="nd-step-scrub" min="0" max="0" step="1" value="0" '
        'aria-label="Scrub through the embedded steps"> <span id="nd-step-note" class="muted"></span></div>',
        '<div class="tablewrap"><table id="nd-inspect-table" class="inspect"></table></div>',
        "</section>",
    ])


def _network(data: dict) -> str:
    net = data["network"]
    if net.get("missing"):
        return ('<section id="network"><h2>The network</h2>'
                f'<p class="muted">Not drawn: {esc(net["missing"])}.</p></section>')
    sizes = "-".join(str(layer["units"]) for layer in net["layers"])
    return "\n".join([
        '<section id="network">',
        f"<h2>The network ({esc(sizes)}), at the inspected step</h2>",
        '<p class="nd-help">Drawn from the shapes of your weight matrices ('
        + esc(", ".join(f'{w["name"]} {tuple(w["shape"])}' for w in net["weights"]))
        + f"; {esc(net['orientation'])}). Line width is the weight's size at the inspected step (blue positive, "
        "orange negative); dashed red lines are weights holding NaN or infinity; a red unit held NaN, an orange "
        "ring marks a unit whose output sat exactly at its bound for some sample, and the boxed layer is where the "
        "first non-finite value appeared. Hover over a unit or a line for its value.</p>",
        (f'<p class="muted">Biases, added rather than multiplied, are not drawn: '
         f'{esc(", ".join(net["biases"]))}.</p>' if net.get("biases") else ""),
        '<div id="nd-network"></div>',
        '<p id="nd-network-words"></p>',
        "</section>",
    ])


def _finding_group(fs, level: str) -> list[str]:
    parts = []
    for sev in words.SEVERITY_ORDER + tuple(sorted({f.severity for f in fs} - set(words.SEVERITY_ORDER))):
        group = [f for f in fs if f.severity == sev]
        if not group:
            continue
        parts.append(f"<{level}>{esc(words.SEVERITY_WORDS.get(sev, sev.title()))} ({len(group)})</{level}>")
        for f in group:
            steps = ""
            if f.first_step is not None:
                steps = f"step {f.first_step}" if f.last_step in (None, f.first_step) else f"steps {f.first_step}–{f.last_step}"
            where = " · ".join(x for x in (steps, f"<code>{esc(f.site)}</code>" if f.site else "",
                                           f"line {f.line}" if f.line is not None else "") if x)
            parts.append(f'<div class="finding {esc(sev)}"><div><strong>{esc(words.finding_title(f.code))}</strong> '
                         f'<span class="muted">({esc(f.kind)} check <span class="tag" title="the detector\'s code">'
                         f'{esc(f.code)}</span>)</span></div><div>{rich(f.message)}</div>'
                         f'<div class="where">{where}</div>{_numbers(f.evidence)}</div>')
    return parts


def _findings(session) -> str:
    """Every finding: those a cause explains ("why it failed") apart from the others ("other problems found")."""
    fs = session.findings
    explained = {code for c in session.causes for code in c.findings}
    why = [f for f in fs if f.code in explained]
    other = [f for f in fs if f.code not in explained]
    parts = ['<section id="findings">', f"<h2>All findings ({len(fs)})</h2>"]
    if not fs:
        parts.append("<p>No detector fired.</p>")
    elif not why:
        parts.extend(_finding_group(fs, "h3"))
    else:
        parts.append(f'<h3 id="findings-why">Why it failed: the findings the causes explain ({len(why)})</h3>')
        parts.extend(_finding_group(why, "h4"))
        if other:
            parts.append(f'<h3 id="findings-other">Other problems found: findings no cause explains ({len(other)})</h3>'
                         '<p class="muted">Seen on this run but not part of the causes above; worth a look once the '
                         "run works.</p>")
            parts.extend(_finding_group(other, "h4"))
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
        ("sites", f"{len(session.sites)} in your code were instrumented; {len(site_rows(session))} of them recorded "
                  "a value (the table of sites lists those)"),
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


def _nav(session, v) -> str:
    """The sticky navigation: the sections, one link per cause."""
    nav = [("verdict", "Verdict")]
    if v.first_nonfinite_step is not None:
        nav.append(("first-nonfinite", "First NaN"))
    nav.append(("curves", "Curves"))
    causes = fixplan.ordered_causes(session)
    if causes:
        nav.append(("fix-plan", "Fix plan"))
    links = "".join(f'<a href="#{a}">{esc(t)}</a>' for a, t in nav)
    if causes:
        links += '<span class="nd-causes">Causes:' + "".join(
            f' <a href="#cause-{c.rank}" title="{esc(words.tag_title(c.tag))}">{c.rank}</a>' for c in causes) + "</span>"
    links += "".join(f'<a href="#{a}">{esc(t)}</a>' for a, t in
                     (("inspector", "Inspect a step"), ("network", "Network"), ("findings", "Findings"),
                      ("sites", "Sites"), ("run", "Run")))
    return f'<nav aria-label="Sections">{links}</nav>'


def render_html(session) -> str:
    """The whole report page as one string."""
    v = words.verdict(session)
    script = os.path.basename(str(session.meta.get("script") or "?"))
    data = ReportData(session).document()
    data["fixplan"] = fixplan.plan_document(session)
    body = [
        _verdict(session, v),
        _first_nonfinite(session),
        _curves(session, data),
        _causes(session),
        fixplan.plan_section(session),
        _inspector(data),
        _network(data),
        _findings(session),
        _sites_table(session),
        _run(session),
    ]
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{csp()}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="color-scheme" content="light dark">',
        f"<title>nandoctor: {esc(script)}</title>",
        f"<style>{asset('uplot.min.css')}\n{CSS}\n{fixplan.CSS}</style></head><body>",
        f'<header class="top"><span class="brand">nandoctor</span><span>report for <code>{esc(script)}</code> · '
        f"{esc(session.plan.n_steps)} training steps</span>{_nav(session, v)}</header>",
        "<main>",
        *[b for b in body if b],
        "</main>",
        f'<script type="application/json" id="nd-data">{json_for_script(data)}</script>',
        f"<script>{asset('uplot.min.js')}</script>",
        f"<script>{asset('report.js')}</script>",
        "</body></html>",
        "",
    ])
