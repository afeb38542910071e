"""Issue 5: the report folder -- HTML, summary.png, findings.json, terminal verdict, re-rendering."""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path

import numpy as np
import pytest

import nandoctor
from nandoctor.model import Cause, ChainLink, Finding, Fix, FpEvent
from nandoctor.report import findings_text, write_report
from nandoctor.report.html import TIMESTAMP_ID, esc, expression_span, render_html, rich, source_excerpt
from nandoctor.report.png import SIZE_PX, summary_model
from nandoctor.report.terminal import verdict_lines
from nandoctor.report.timeline import MAX_POINTS, downsample
from nandoctor.report.words import num

from conftest import ROOT, SEED, SEED_LINE_0OVER0, run_nandoctor

SCHEMA = ROOT / "nandoctor" / "report" / "findings.schema.json"
EVIL = "<script>alert(1)</script>"


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG signature"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def short_seed(tmp_path: Path, steps: int = 300) -> Path:
    """The founding case cut to a few hundred steps: it still goes NaN at step 249, in a second."""
    src = SEED.read_text().replace("net.train(x, y, 1, 10000)", f"net.train(x, y, 1, {steps})")
    assert f"net.train(x, y, 1, {steps})" in src
    p = tmp_path / "seed_short.py"
    p.write_text(src)
    return p


def fresh(seed_run):
    """A private Session of the founding case (the shared fixture must not be mutated)."""
    return nandoctor.load(seed_run[1])


def with_records(session, *, causes=None, findings=None, events=None):
    """Give a loaded session specific causes/findings/events: constructed test input for the renderers."""
    if causes is not None:
        session._causes = list(causes)
    if findings is not None:
        session._findings = list(findings)
    if events is not None:
        session.__dict__["events"] = list(events)
    return session


TOP_CAUSE = Cause(
    tag="sigmoid_saturation_bce_0over0", rank=1,
    summary="a_jk saturated to exactly 1.0 at step 249, so (1 - a_jk) was 0 and the loss gradient divided 0 by 0",
    chain=(ChainLink("learning rate 1 makes the step-120 update 285x the median", step=120, site="self.w_ij", line=57,
                     numbers={"ratio": 285.0}),
           ChainLink("z_jk reaches 66.73, above 36.74 where float64 sigmoid is exactly 1.0", step=249, site="z_jk", line=44,
                     numbers={"z_jk max": 66.73}),
           ChainLink("a_jk is exactly 1.0 at elements (2, 0), (4, 0)", step=249, site="a_jk", line=45,
                     numbers={"a_jk": 1.0})),
    fixes=(Fix("Use the simplified gradient", line=SEED_LINE_0OVER0, before="dl_jk = -y/a_jk + (1 - y)/(1 - a_jk)",
               after="dz_jk = a_jk - y  # replaces dl_jk * da_jk", why="the product simplifies to a - y"),),
    findings=("first_nonfinite",),
)
SECOND_CAUSE = Cause(tag="missing_bias", rank=2, summary="input row [0, 0, 0] always gives output 0.5: there is no bias")


# -- pure pieces --------------------------------------------------------------------------------
def test_downsample_keeps_a_one_step_spike_in_100k_steps():
    steps = np.arange(100_000)
    v = np.ones(100_000)
    v[73_123] = 5e6
    v[10] = np.nan
    s = downsample(steps, v, 0, 99_999)
    assert len(s.x) <= MAX_POINTS
    assert s.y_max.max() == 5e6
    spike_bin = int(np.argmax(s.y_max))
    assert s.x[spike_bin] <= 73_123 < s.x[spike_bin] + 100_000 / MAX_POINTS + 1
    assert np.all(np.isfinite(s.y_max)), "a NaN mixed with finite values must not hide the bin's max"


def test_downsample_bin_of_only_nan_stays_nan():
    steps = np.arange(10)
    v = np.array([1, 2, np.nan, np.nan, 3, 1, 1, 1, 1, 1], dtype=float)
    s = downsample(steps, v, 0, 9, max_points=5)
    assert np.isnan(s.y_max[1]) and s.y_max[0] == 2 and s.y_max[2] == 3


def test_expression_span_uses_columns_bytes_or_text():
    line = "            dl_jk = -y/a_jk + (1 - y)/(1 - a_jk) # comment"
    a = line.index("(1 - y)")
    b = a + len("(1 - y)/(1 - a_jk)")
    assert expression_span(line, "(1 - y)/(1 - a_jk)", a, b) == (a, b)
    assert expression_span(line, "(1 - y)/(1 - a_jk)") == (a, b)  # no columns: found by text
    assert expression_span(line, "(1-y)/(1-a_jk)") == (a, b)  # unparsed spacing differs
    uni = "    α_out = β / (1 - α)"
    bstart = len(uni[: uni.index("β / (1 - α)")].encode())  # AST columns count UTF-8 bytes
    bend = len(uni.encode())
    s = expression_span(uni, "β / (1 - α)", bstart, bend)
    assert uni[s[0]:s[1]] == "β / (1 - α)"
    assert expression_span(line, "nowhere(z)") is None


def test_numbers_keep_the_digits_that_matter():
    assert num(1.0) == "1.0"
    assert num(0.99999999997) != "1" and num(0.99999999997).startswith("0.9999999999")
    assert num(float("nan")) == "nan" and num(float("-inf")) == "-inf"
    assert num(66.7321) == "66.73"


# -- the founding case ------------------------------------------------------------------------
def test_run_writes_every_report_file(seed_run):
    proc, out = seed_run
    assert proc.returncode == 0, proc.stderr
    for name in ("report.html", "summary.png", "findings.json", "session.json"):
        assert (out / name).is_file(), name


def test_summary_png_is_a_big_enough_png(seed_run):
    w, h = png_size((seed_run[1] / "summary.png").read_bytes())
    assert (w, h) == SIZE_PX and w >= 1200 and h >= 700
    from PIL import Image

    with Image.open(seed_run[1] / "summary.png") as im:
        im.load()  # decodes every pixel: a truncated or corrupt file fails here
        assert im.size == (w, h)
        # Not a blank canvas: a real figure has many colours.
        assert len(im.convert("RGB").getcolors(maxcolors=100_000) or range(100_001)) > 50


def test_findings_json_validates_against_the_schema(seed_run):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    doc = json.loads((seed_run[1] / "findings.json").read_text())
    jsonschema.validate(doc, schema)
    # The schema is not vacuous: a broken document fails it.
    bad = dict(doc, findings=[{"code": "x", "severity": "fatal"}])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_findings_json_with_constructed_causes_validates(seed_run):
    jsonschema = pytest.importorskip("jsonschema")
    s = with_records(fresh(seed_run), causes=[TOP_CAUSE, SECOND_CAUSE])
    doc = json.loads(findings_text(s))
    jsonschema.validate(doc, json.loads(SCHEMA.read_text()))
    assert doc["causes"][0]["chain"][1]["numbers"] == {"z_jk max": 66.73}
    assert doc["causes"][0]["fixes"][0]["before"].startswith("dl_jk =")


def test_first_nonfinite_is_highlighted_with_operands(seed_run):
    s = fresh(seed_run)
    ev = s.first_nonfinite
    assert ev is not None, "the founding case must have a first non-finite event"
    page = render_html(s)
    marks = re.findall(r'<mark class="nd-expr">(.*?)</mark>', page)
    assert marks and marks[0] == esc("(1 - y)/(1 - a_jk)")
    # The statement line itself is shown, numbered, around the mark.
    assert re.search(rf'<span class="l stmt"><span class="n">{SEED_LINE_0OVER0}</span>\s*dl_jk = -y/a_jk \+ <mark', page)
    # Operand values at the bad elements (2, 0) and (4, 0).
    table = page[page.index('class="operands"'):]
    table = table[: table.index("</table>")]
    assert "(2, 0)" in table and "(4, 0)" in table and "0/0" in table
    assert esc("(1 - a_jk)") in table


def test_highlight_from_a_constructed_event_uses_its_columns(seed_run):
    s = fresh(seed_run)
    src = s.sources[str(SEED)].splitlines()
    line = src[SEED_LINE_0OVER0 - 1]
    col = line.index("-y/a_jk")
    ev = FpEvent(step=7, seq=0, file=str(SEED), line=SEED_LINE_0OVER0, function="Net341.train",
                 statement=line.split("#")[0].strip(), expression="-y/a_jk", error="divide by zero",
                 operation="x/0", elements=((3, 0),), operands={"-y": [-1.0], "a_jk": [0.0]},
                 col=col, end_col=col + len("-y/a_jk"))
    html = source_excerpt(s, ev)
    assert '<mark class="nd-expr">-y/a_jk</mark>' in html
    page = render_html(with_records(s, events=[ev]))
    assert "First infinity at step 7" in page


def test_html_sections_for_causes_findings_fixes_and_run(seed_run):
    s = with_records(fresh(seed_run), causes=[TOP_CAUSE, SECOND_CAUSE])
    page = render_html(s)
    verdict = page[page.index('id="verdict"'):page.index("</section>")]
    assert "249" in verdict and esc(TOP_CAUSE.summary) in verdict and esc(SECOND_CAUSE.summary) in verdict
    # chain link by link, with numbers, in root-to-symptom order
    chain = page[page.index('<ol class="chain">'):]
    pos = [chain.index(esc(link.text)) for link in TOP_CAUSE.chain]
    assert pos == sorted(pos)
    assert "z_jk max = 66.73" in chain and "step 120" in chain
    # the fix, before and after
    assert '<div class="before">' in page and esc("dz_jk = a_jk - y  # replaces dl_jk * da_jk") in page
    # findings grouped by severity, errors first
    fs = page[page.index('id="findings"'):]
    # (within each part: the findings the causes explain, and the other problems found)
    parts = [p for p in re.split(r'<h3 id="findings-', fs) if ">Errors (" in p and ">Warnings (" in p]
    assert parts and all(p.index(">Errors (") < p.index(">Warnings (") for p in parts)
    for f in s.findings:
        assert rich(f.message) in page
    # per-site table and run metadata
    assert '<table class="sites">' in page and "<code>a_jk</code>" in page
    assert esc(str(SEED)) in page and "numpy" in page
    # self-contained: no external reference; only the page's own scripts, each allowed by its hash
    check_scripts(page)
    for ref in re.findall(r'(?:src|href)="([^"]*)"', page):
        assert ref.startswith(("data:image/png;base64,", "#")), ref
    assert len(re.findall(rf'id="{TIMESTAMP_ID}"', page)) == 1


def test_summary_model_names_first_nan_step_and_top_cause(seed_run):
    s = with_records(fresh(seed_run), causes=[TOP_CAUSE, SECOND_CAUSE])
    m = summary_model(s)
    text = "\n".join(m.texts())
    assert "First NaN/inf at step 249" in text
    assert TOP_CAUSE.summary in text
    from nandoctor.analysis.rules import load_rules

    assert load_rules()[TOP_CAUSE.tag].title in text  # the top cause's title, as its rule declares it
    assert any("a_jk" in p.label for p in m.panels), "a chain site is plotted"
    assert any(mk.step == 249 and mk.kind == "nonfinite" for mk in m.markers)
    assert any(mk.step == 120 for mk in m.markers), "the finding at step 120 is marked"
    assert m.size_px[0] >= 1200 and m.size_px[1] >= 700


def test_terminal_verdict(seed_run):
    proc, out = seed_run
    ours = [ln for ln in proc.stderr.splitlines() if ln.startswith("nandoctor:")]
    assert 3 <= len(ours) <= 8, ours
    assert "step 249" in ours[0] and "(1 - y)/(1 - a_jk)" in ours[0] and "0/0" in ours[0]
    assert ours[-1] == f"nandoctor: report: {out / 'report.html'}"
    s = with_records(fresh(seed_run), causes=[TOP_CAUSE, SECOND_CAUSE])
    lines = verdict_lines(s, str(out))
    assert 3 <= len(lines) <= 8 and all(ln.startswith("nandoctor:") for ln in lines)
    assert any("cause 1 [sigmoid_saturation_bce_0over0]:" in ln and "exactly 1.0" in ln for ln in lines)
    assert any(ln.startswith("nandoctor: cause 2 [missing_bias]: input row") for ln in lines)


def test_verdict_and_report_say_what_internal_errors_cost(seed_run):
    from nandoctor.trace.instrument import Registry
    from nandoctor.trace.recorder import Recorder

    s = fresh(seed_run)
    w_ij = s.site("self.w_ij")
    r = Recorder(Registry())
    for _ in range(14):
        r.internal_error(IndexError("list index out of range"), w_ij.id)
    r.internal_error(ValueError("no site"))
    s.errors[:] = r.errors
    lines = [ln for ln in verdict_lines(s, str(seed_run[1])) if "internal error" in ln]
    assert lines == [f"nandoctor: 2 internal errors: site `self.w_ij` (line {w_ij.line}) lost 14 observations; "
                     "see the report"]
    page = render_html(s)
    run = page[page.index('<section id="run">'):]
    assert f"site <code>self.w_ij</code> (line {w_ij.line}): 14 observations not recorded" in run
    s.errors[:] = ["ValueError: no site"]
    assert [ln for ln in verdict_lines(s, str(seed_run[1])) if "internal error" in ln] == [
        "nandoctor: 1 internal error (no recorded observation lost; parts of the analysis may be missing); see the report"]


def test_terminal_verdict_of_a_clean_session_still_has_three_lines(tmp_path):
    script = tmp_path / "clean.py"
    script.write_text("import numpy as np\nw = np.ones(3)\nfor i in range(5):\n    g = w * 0.1\n    w = w - g\n")
    proc = run_nandoctor(["run", "-o", str(tmp_path / "r"), str(script)], cwd=str(tmp_path))
    ours = [ln for ln in proc.stderr.splitlines() if ln.startswith("nandoctor:")]
    assert proc.returncode == 0 and 3 <= len(ours) <= 8, proc.stderr
    assert "No NaN or infinity in 5 steps" in ours[0]
    page = (tmp_path / "r" / "report.html").read_text()
    assert "No NaN or infinity in 5 steps" in page and 'class="verdict' in page


# -- determinism, escaping, re-rendering --------------------------------------------------------
def test_two_runs_are_byte_identical_but_for_the_timestamp(tmp_path):
    script = short_seed(tmp_path)
    outs = []
    for k in (1, 2):
        proc = run_nandoctor(["run", "-o", str(tmp_path / f"r{k}"), str(script)], cwd=str(tmp_path))
        assert proc.returncode == 0, proc.stderr
        outs.append(tmp_path / f"r{k}")
    a, b = (o / "findings.json" for o in outs)
    assert a.read_bytes() == b.read_bytes()
    assert json.loads(a.read_text())["first_nonfinite"]["step"] == 249
    assert (outs[0] / "summary.png").read_bytes() == (outs[1] / "summary.png").read_bytes()
    h1, h2 = ((o / "report.html").read_text() for o in outs)
    stamp = re.compile(rf'<p class="muted" id="{TIMESTAMP_ID}">[^<]*</p>')
    assert len(stamp.findall(h1)) == 1
    assert h1 != h2, "the timestamp element should differ (it holds the start time and duration)"
    assert stamp.sub("", h1) == stamp.sub("", h2)


def check_scripts(page: str) -> None:
    """The page holds exactly its data block and its two scripts, and its policy runs only those two (by hash)."""
    import base64
    import hashlib

    opening = re.findall(r"<script\b[^>]*>", page, flags=re.I)
    assert opening == ['<script type="application/json" id="nd-data">', "<script>", "<script>"], opening
    bodies = re.findall(r"<script>(.*?)</script>", page, flags=re.S)
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1)
    allowed = re.search(r"script-src ([^;]*)", policy).group(1).split()
    assert allowed == ["'sha256-" + base64.b64encode(hashlib.sha256(b.encode()).digest()).decode() + "'" for b in bodies]
    assert "default-src 'none'" in policy
    data = page[page.index('id="nd-data">') + len('id="nd-data">'):]
    data = data[:data.index("</script>")]
    assert "<" not in data and json.loads(data)


def evil_script(tmp_path: Path) -> Path:
    """A script whose path, site names, statements, output and exception carry markup."""
    d = tmp_path / "a<script>alert(1)<"
    d.mkdir()
    p = d / "script><img src=x onerror=alert(2)>.py"
    p.write_text(
        "import numpy as np\n"
        "d = {}\n"
        "w = np.ones(3)\n"
        "for i in range(12):\n"
        "    z = w * 0.0\n"
        f"    d['{EVIL}'] = z / z if '{EVIL}' else z\n"
        f"    w = w - 0.1 * d['{EVIL}']\n"
        f"print('{EVIL}')\n"
        f"raise ValueError('{EVIL}')\n"
    )
    return p


def test_markup_in_user_code_is_escaped(tmp_path):
    script = evil_script(tmp_path)
    out = tmp_path / "r"
    proc = run_nandoctor(["run", "-o", str(out), str(script)], cwd=str(tmp_path))
    assert proc.returncode == 1 and EVIL in proc.stdout
    page = (out / "report.html").read_text()
    check_scripts(page)
    imgs = re.findall(r"<img\b[^>]*>", page, flags=re.I)
    assert all(re.fullmatch(r'<img class="fig" src="data:image/png;base64,[A-Za-z0-9+/=]+" alt="[^"<>]*">', i)
                        for i in imgs), [i[:80] for i in imgs]
    assert esc(EVIL) in page  # shown as text
    assert esc("script><img src=x onerror=alert(2)>.py") in page
    assert json.loads((out / "findings.json").read_text())["run"]["exception"] == f"ValueError: {EVIL}"


def test_report_command_rerenders_selected_formats(seed_run, tmp_path):
    proc = run_nandoctor(["report", str(seed_run[1]), "-o", str(tmp_path / "j"), "--format", "json"])
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (tmp_path / "j").iterdir()) == ["findings.json"]
    assert (tmp_path / "j" / "findings.json").read_bytes() == (seed_run[1] / "findings.json").read_bytes()
    assert any(ln.startswith("nandoctor: report:") for ln in proc.stderr.splitlines())
    proc = run_nandoctor(["report", str(seed_run[1]), "-o", str(tmp_path / "h"), "--format", "html,png"])
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (tmp_path / "h").iterdir()) == ["report.html", "summary.png"]
    bad = run_nandoctor(["report", str(seed_run[1]), "--format", "pdf"])
    assert bad.returncode != 0 and "pdf" in bad.stderr


def test_session_report_and_unknown_format(seed_run, tmp_path):
    s = fresh(seed_run)
    out = s.report(tmp_path / "again", formats=("json", "png"))
    assert sorted(p.name for p in Path(out).iterdir()) == ["findings.json", "summary.png"]
    with pytest.raises(ValueError, match="unknown report format"):
        write_report(s, tmp_path / "x", formats=("docx",))


def test_trace_report_from_python(tmp_path):
    class Tiny:
        def __init__(self):
            self.w = np.ones((2, 1))

        def train(self, x, steps):
            for i in range(steps):
                out = x @ self.w
                grad = x.T @ out / len(x)
                self.w = self.w - 0.1 * grad

    net = Tiny()
    with nandoctor.trace(net) as t:
        net.train(np.array([[1.0, 2.0], [3.0, 4.0]]), 20)
    out = Path(t.report(tmp_path / "t"))
    for name in ("report.html", "summary.png", "findings.json", "session.json"):
        assert (out / name).is_file(), name
    assert nandoctor.load(out).plan.n_steps == 20
    assert png_size((out / "summary.png").read_bytes())[0] >= 1200


def test_excerpt_escapes_any_text(seed_run):
    """Whatever the statement, expression and source hold, only our own tags reach the page."""
    hypothesis = pytest.importorskip("hypothesis")
    st = hypothesis.strategies
    s = fresh(seed_run)
    ours = re.compile(r'</?(span|mark|div|p)( class="[a-z -]+")?>')

    @hypothesis.settings(max_examples=60, deadline=None)
    @hypothesis.given(st.text(max_size=40), st.text(max_size=12), st.integers(0, 50), st.integers(0, 50))
    def check(line, expr, col, end_col):
        s.sources["<evil>"] = f"x = 1\n{line}\ny = 2\n"
        ev = FpEvent(step=1, seq=0, file="<evil>", line=2, function="f", statement=line, expression=expr,
                     error="invalid value", operation="0/0", col=col, end_col=end_col)
        out = ours.sub("", source_excerpt(s, ev))
        assert "<" not in out and ">" not in out

    check()


def test_real_causes_reach_every_output(seed_run):
    """The founding case's own causes (from the explain stage) in HTML, summary.png's model and JSON."""
    s = fresh(seed_run)
    causes = sorted(s.causes, key=lambda c: c.rank)
    assert len(causes) >= 3, "the founding case has several independent causes"
    tags = {c.tag for c in causes}
    assert {"missing_bias", "inplace_mutation_aliasing"} <= tags
    page = render_html(s)
    verdict = page[page.index('id="verdict"'):page.index("</section>")]
    for c in causes[:4]:
        assert f'href="#cause-{c.rank}"' in verdict and esc(c.tag) in verdict
    for c in causes:
        sec = page[page.index(f'id="cause-{c.rank}"'):]
        sec = sec[: sec.index("</section>")]
        for link in c.chain:
            assert rich(link.text) in sec
        for f in c.fixes:
            assert esc(f.after) in sec
    text = "\n".join(summary_model(s).texts())
    assert "First NaN/inf at step 249" in text
    from nandoctor.report.words import tag_title

    assert f"Top cause: {tag_title(causes[0].tag)}" in text
    doc = json.loads((seed_run[1] / "findings.json").read_text())
    assert [c["tag"] for c in doc["causes"]] == [c.tag for c in causes]
    # The plotted sites come from the top cause's chain, and include the saturating output.
    m = summary_model(s)
    chain_sites = {ln.site for ln in causes[0].chain}
    assert any(p.label.split(" (")[0] in chain_sites for p in m.panels)


def test_excerpt_without_stored_source_shows_the_statement(seed_run):
    s = fresh(seed_run)
    ev = FpEvent(step=3, seq=0, file="<ipython-input-7>", line=12, function="train", statement="d = -y/a + (1 - y)/(1 - a)",
                 expression="(1 - y)/(1 - a)", error="invalid value", operation="0/0")
    html = source_excerpt(s, ev)
    assert '<span class="n">12</span>d = -y/a + <mark class="nd-expr">(1 - y)/(1 - a)</mark>' in html


def test_verdict_box_keeps_what_fits(seed_run):
    """Many long causes: the box keeps the step, headline and top cause, and drops what would overflow."""
    from nandoctor.report.png import BOX_TEXT_BOTTOM, BOX_TEXT_TOP, box_advance, box_wrap

    long = "word " * 80
    from nandoctor.analysis.rules import load_rules

    causes = [Cause(tag="exp_overflow", rank=k, summary=f"cause {k} {long}",
                    fixes=(Fix(title="t " + long, after="x = 1 " + long),)) for k in range(1, 8)]
    m = summary_model(with_records(fresh(seed_run), causes=causes))
    texts = m.texts()
    assert "First NaN/inf at step 249" in texts and f"Top cause: {load_rules()['exp_overflow'].title}" in texts
    used = sum(box_advance(box_wrap(t, size, w), size) for size, w, t in m.box_lines)
    assert BOX_TEXT_TOP - used >= BOX_TEXT_BOTTOM - 1e-9
    from nandoctor.report.figures import summary_png  # the figure itself must still render

    assert png_size(summary_png(m)) == SIZE_PX


def test_run_format_selects_report_files(tmp_path):
    script = tmp_path / "tiny.py"
    script.write_text("import numpy as np\nw = np.ones(2)\nfor i in range(3):\n    w = w - 0.1 * w\n")
    proc = run_nandoctor(["run", "--format", "json,png", "-o", str(tmp_path / "r"), str(script)], cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    names = {p.name for p in (tmp_path / "r").iterdir()}
    assert {"findings.json", "summary.png"} <= names and "report.html" not in names
    ours = [ln for ln in proc.stderr.splitlines() if ln.startswith("nandoctor:")]
    assert ours[-1] == f"nandoctor: report: {tmp_path / 'r'}"  # no report.html to point at: the folder


def test_each_operand_row_carries_its_own_value():
    from nandoctor.report.html import _operand_table

    ev = FpEvent(step=3, seq=1, file="f.py", line=2, function="f", statement="y = np.exp(x)", expression="np.exp(x)",
                 error="overflow", operation="exp overflow (arg 1974.1)", elements=((0,), (5,), (9,)),
                 operands={"x": [1974.1]})
    rows = re.findall(r"<tr><td class=\"num\">(.*?)</tr>", _operand_table(ev))
    assert len(rows) == 3
    assert "1974" in rows[0] and "1974" not in rows[1] + rows[2]
    assert rows[1].count("not recorded") == 1 and rows[2].count("not recorded") == 1


def test_analysis_and_report_of_a_run_gone_nan_raise_no_numpy_warning(tmp_path):
    """A loss that is NaN at every step gives all-NaN slices to every measure: neither the analysis nor the report
    may print numpy's warnings on the user's terminal (they would make a traced run's stderr differ)."""
    import warnings

    from nandoctor.cli import trace_script
    from nandoctor.detectors.facts import facts
    from nandoctor.detectors.optimisation import loss_series

    script = tmp_path / "nanloss.py"
    script.write_text("import numpy as np\nw = np.ones(3)\nx = np.array([1.0, 2.0, 3.0])\nfor step in range(20):\n"
                      "    pred = x * w\n    loss = np.sqrt(-np.abs(pred).sum() - 1.0)\n    w = w - 0.01 * x\n")
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        _, session = trace_script(str(script), [], tmp_path / "run", formats=("session",))
    session = nandoctor.load(tmp_path / "run")
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        session.analyze(force=True)
        write_report(session, tmp_path / "out", formats=("json", "html"))
    assert [str(w.message) for w in seen] == []
    # The run does give the analysis all-NaN numbers (the loss it reads is NaN at every step).
    steps, values, _ = loss_series(facts(session))
    assert np.isnan(values).all()


def test_a_timeline_over_hundreds_of_decades_renders():
    """Values from 30 to 1e252 on a log axis: the ticks stay below the largest float (a locator stepping whole
    strides of decades reached 1e360, infinite, and the summary could not be drawn)."""
    import numpy as np

    from nandoctor.report import figures

    with figures._fixed_style():
        fig = figures.new_figure(4, 3)
        ax = fig.add_subplot(1, 1, 1)
        ax.plot([0, 1, 2], [30.0, 1e252, 1e252])
        ax.set_yscale("log")
        figures._light_ticks(ax, (0, 2))
        png = figures.png_bytes(fig)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    ticks = ax.yaxis.get_majorticklocs()
    assert np.isfinite(ticks).all() and ticks.max() <= 1e307 and len(ticks) >= 2


def test_a_summary_that_cannot_be_drawn_leaves_the_report(seed_session, tmp_path, monkeypatch):
    """The figure failing to draw still writes report.html and findings.json, then raises its error."""
    from nandoctor.report import png, write_report

    def broken(session):
        raise OverflowError("cannot convert float infinity to integer")

    monkeypatch.setattr(png, "render_png", broken)
    with pytest.raises(OverflowError):
        write_report(seed_session, tmp_path / "out", formats=("json", "png", "html"))
    assert (tmp_path / "out" / "report.html").is_file() and (tmp_path / "out" / "findings.json").is_file()
    assert not (tmp_path / "out" / "summary.png").exists()
