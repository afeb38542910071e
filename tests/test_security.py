"""Issue 7: the report escapes user text, writes only in its folder, loads without executing code, fetches nothing."""

from __future__ import annotations

import html.parser
import json
import pickle
import shutil
import socket
import textwrap
from pathlib import Path

import numpy as np
import pytest

import nandoctor
from conftest import run_nandoctor

# Markers that would run in a browser if they reached the page unescaped.
HOSTILE_NAME = "evil<img src=x onerror=alert(1)>.py"
HOSTILE = textwrap.dedent("""
    # </script><script>alert('comment')</script>
    import sys
    import numpy as np
    label = "<script>alert('string')</script>"
    w = np.array([1.0, 2.0])
    for step in range(30):
        w = w * 50.0  # <b onmouseover=alert('inline')>
    bad = w - w
    raise ValueError("<script>alert('exception')</script> " + label + " " + " ".join(sys.argv[1:]))
""")


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    work = tmp_path_factory.mktemp("hostile")
    script = work / HOSTILE_NAME
    script.write_text(HOSTILE)
    out = work / "report"
    proc = run_nandoctor(["run", "-o", str(out), str(script), "<svg onload=alert('argv')>"], cwd=str(work))
    return proc, out


class _Collect(html.parser.HTMLParser):
    """Tags, attributes and the text inside <script> and <style> of a page."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.script_text: list[str] = []
        self.style_text: list[str] = []
        self._in = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in = tag if tag in ("script", "style") else None

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "script":
            self.script_text.append(data)
        elif self._in == "style":
            self.style_text.append(data)


def test_user_text_is_escaped_in_html(hostile_report):
    proc, out = hostile_report
    assert proc.returncode == 1, proc.stderr[-2000:]
    page = (out / "report.html").read_text(encoding="utf-8")
    for raw in ("<script>alert(", "<img src=x onerror", "<b onmouseover", "<svg onload", "</script><script>"):
        assert raw not in page, raw
    # The hostile text is in the report, as text: escaped, not dropped.
    assert "alert(&#x27;exception&#x27;)" in page or "alert(&#39;exception&#39;)" in page or \
        "&lt;script&gt;alert(" in page or "\\u003cscript" in page
    parsed = _Collect()
    parsed.feed(page)
    # No element carries an event handler: nandoctor's page has none, so any would be injected.
    for tag, attrs in parsed.tags:
        assert not any(a.lower().startswith("on") for a in attrs), (tag, attrs)
        assert tag not in ("img", "svg", "iframe", "object", "embed") or not attrs.get("src", "").startswith("x")
    for text in parsed.script_text:
        assert "alert(" not in text  # data embedded in a script block is escaped inside it too


def test_no_alert_in_a_browser(hostile_report):
    """Load the hostile report in Chromium: no dialog opens and no request leaves the file."""
    sync_api = pytest.importorskip("playwright.sync_api")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("no chromium (apt-get install chromium)")
    _, out = hostile_report
    dialogs, requests = [], []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("request", lambda r: requests.append(r.url))
            page.goto((out / "report.html").resolve().as_uri())
            page.wait_for_timeout(500)
            for el in page.query_selector_all("*")[:2000:50]:  # hover a sample of elements
                try:
                    el.hover(timeout=100)
                except Exception:  # noqa: BLE001 -- invisible elements cannot be hovered
                    pass
        finally:
            browser.close()
    assert dialogs == []
    outside = [u for u in requests if not u.startswith(("file:", "data:", "blob:", "about:"))]
    assert outside == []


def test_report_references_nothing_outside_itself(hostile_report):
    _, out = hostile_report
    page = (out / "report.html").read_text(encoding="utf-8")
    parsed = _Collect()
    parsed.feed(page)
    for tag, attrs in parsed.tags:
        for key in ("src", "href", "action", "data", "poster", "srcset", "xlink:href", "formaction"):
            v = (attrs.get(key) or "").strip()
            assert v == "" or v.startswith(("#", "data:")), (tag, key, v)
    for text in parsed.style_text:
        assert "@import" not in text
        assert "url(http" not in text.replace(" ", "") and "url(//" not in text.replace(" ", "")
    for text in parsed.script_text:
        for api in ("fetch(", "XMLHttpRequest", "WebSocket", "sendBeacon", "EventSource", "import("):
            assert api not in text, api


def test_rendering_opens_no_socket(hostile_report, tmp_path, monkeypatch):
    """Re-render the saved session with every way to open a connection booby-trapped."""
    _, out = hostile_report
    calls = []

    def trap(*a, **kw):
        calls.append(a)
        raise OSError("network use during report rendering")

    monkeypatch.setattr(socket.socket, "connect", trap)
    monkeypatch.setattr(socket.socket, "connect_ex", trap)
    monkeypatch.setattr(socket, "create_connection", trap)
    monkeypatch.setattr(socket, "getaddrinfo", trap)
    s = nandoctor.load(out)
    s.report(tmp_path / "again")
    assert calls == []
    assert (tmp_path / "again" / "report.html").exists()


# -- files stay in the output folder -------------------------------------------------------

def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


@pytest.mark.parametrize("name", ["...py", "..py", ".py", "a b;$(touch pwned).py", "<x>|*?.py"])
def test_default_output_folder_stays_inside_reports(tmp_path, name):
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    script = work / name
    script.write_text("import numpy as np\nw = np.ones(2)\nfor i in range(3):\n    w = w * 2\nprint(w)\n")
    before = _tree(tmp_path)
    proc = run_nandoctor(["run", "--format", "json,session", name], cwd=str(work))
    assert proc.returncode == 0, proc.stderr[-2000:]
    new = _tree(tmp_path) - before
    assert new, "nothing written"
    reports = work / "reports"
    for rel in new:
        p = (tmp_path / rel).resolve()
        assert p == reports or reports in p.parents, rel
    subdirs = [p for p in reports.iterdir()]
    assert len(subdirs) == 1 and subdirs[0].is_dir() and subdirs[0].parent == reports
    assert not (work / "pwned").exists()
    assert nandoctor.load(subdirs[0]).meta["exit_status"] == 0


def test_script_given_through_dotdot_writes_under_cwd(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "cwd" / "deep").mkdir(parents=True)
    (tmp_path / "x" / "s.py").write_text("w = 1.0\nfor i in range(2):\n    w = w * 2\n")
    before = _tree(tmp_path)
    proc = run_nandoctor(["run", "--format", "json,session", "../../x/s.py"], cwd=str(tmp_path / "cwd" / "deep"))
    assert proc.returncode == 0, proc.stderr[-2000:]
    new = _tree(tmp_path) - before
    assert new and all(n == "cwd/deep/reports" or n.startswith("cwd/deep/reports/s") for n in new), new


# -- loading never executes code ---------------------------------------------------------------

class _Boom:
    """Unpickling this writes a marker file: proof that code ran."""

    marker = ""

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _malicious_session(d: Path, marker: Path) -> None:
    d.mkdir()
    (d / "session.json").write_text(json.dumps({"schema": 1, "meta": {"script": "x.py", "argv": ["x.py"]}}))
    (d / "sites.json").write_text(json.dumps({"sites": [], "loops": [], "sources": {"x.py": "__import__('os')"}}))
    (d / "events.json").write_text(json.dumps({"events": [], "errors": []}))
    (d / "chunks").mkdir()
    _Boom.marker = str(marker)
    evil = np.array([_Boom()], dtype=object)
    zeros = {k: np.zeros(0, np.int64) for k in ("obs_seq", "obs_site", "obs_shape", "obs_dtype", "ev_seq", "ev_loop",
                                                "ev_kind")}
    # Every column pickled: whichever one the reader opens first is poison.
    np.savez(d / "chunks" / "000000.npz", **{**zeros, "obs_seq": evil, "obs_stats": evil, "shapes": evil,
                                                "dtypes": evil}, allow_pickle=True)
    np.save(d / "chunks" / "000001.npy", evil, allow_pickle=True)
    with open(d / "analysis.pkl", "wb") as f:  # a stray pickle in the folder is never opened
        pickle.dump(_Boom(), f)


def test_loading_a_pickled_session_executes_nothing(tmp_path):
    marker = tmp_path / "PWNED"
    d = tmp_path / "session"
    _malicious_session(d, marker)
    try:
        s = nandoctor.load(d)
        _ = s.frame
        errors = list(s.errors)
    except Exception as e:  # noqa: BLE001 -- refusing the folder outright is fine too
        errors = [str(e)]
    assert not marker.exists(), "loading the session executed code"
    assert any("pickle" in e.lower() or "unreadable" in e.lower() for e in errors), errors
    proc = run_nandoctor(["report", "--format", "json", str(d)], cwd=str(tmp_path))
    assert not marker.exists(), "nandoctor report executed code"
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]


def test_store_and_session_never_unpickle_or_eval():
    """The readers of a session folder use no pickle and no eval (a static check of their source)."""
    root = Path(nandoctor.__file__).parent
    for rel in ("store.py", "packing.py", "session.py", "model.py"):
        text = (root / rel).read_text()
        assert "allow_pickle=True" not in text, rel
        assert "pickle" not in text.replace("allow_pickle=False", "").replace("no pickle", "").replace(
            "Never unpickles", ""), rel
        assert "eval(" not in text and "exec(" not in text, rel
