"""Issue 5: report.html in a real headless chromium -- self-contained, readable, and inert against markup."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import run_nandoctor

from test_report import EVIL, evil_script

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 720}


def _unavailable(why: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser test cannot run in CI: {why}")
    pytest.skip(why)


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Visit:
    """One page load with every console message, request and dialog recorded."""

    def __init__(self, browser, html: Path):
        self.url = html.resolve().as_uri()
        self.context = browser.new_context(viewport=VIEWPORT)
        self.requests: list[str] = []
        self.blocked: list[str] = []
        self.console_errors: list[str] = []
        self.dialogs: list[str] = []

        def route(r):
            # Only the report file itself may load; anything else is recorded and refused.
            if r.request.url == self.url:
                r.continue_()
            else:
                self.blocked.append(r.request.url)
                r.abort()

        self.context.route("**/*", route)
        self.page = self.context.new_page()
        self.page.on("request", lambda req: self.requests.append(req.url))
        self.page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(self.url, wait_until="load")

    def close(self):
        self.context.close()

    def images(self):
        return self.page.evaluate(
            "Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.naturalHeight])")


def test_seed_report_in_chromium(browser, seed_run, tmp_path):
    html = seed_run[1] / "report.html"
    v = Visit(browser, html)
    try:
        page = v.page
        assert v.console_errors == []
        assert [u for u in v.requests if u != v.url] == [] and v.blocked == []
        imgs = v.images()
        assert imgs and all(ok and w > 0 and h > 0 for ok, w, h in imgs), imgs
        mark = page.locator("mark.nd-expr").first
        assert mark.inner_text() == "(1 - y)/(1 - a_jk)"
        assert mark.is_visible()
        box = page.locator("#verdict").bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= VIEWPORT["height"]
        assert box["x"] >= 0 and box["x"] + box["width"] <= VIEWPORT["width"]
        assert "249" in page.locator("#verdict h1").inner_text()
        # The highlighted expression sits on screen once scrolled to, not clipped away.
        mark.scroll_into_view_if_needed()
        mbox = mark.bounding_box()
        assert mbox and mbox["width"] > 20 and mbox["height"] > 5
        shot = tmp_path / "report_first_screen.png"
        page.screenshot(path=str(shot))
        page.screenshot(path=str(tmp_path / "report_full.png"), full_page=True)
        assert shot.stat().st_size > 10_000
    finally:
        v.close()


def test_markup_shows_as_text_and_never_runs(browser, tmp_path):
    script = evil_script(tmp_path)
    out = tmp_path / "r"
    proc = run_nandoctor(["run", "-o", str(out), str(script)], cwd=str(tmp_path))
    assert proc.returncode == 1, proc.stderr
    v = Visit(browser, out / "report.html")
    try:
        page = v.page
        page.wait_for_timeout(300)  # give an injected handler (onerror) the chance to fire
        assert v.dialogs == []
        assert v.console_errors == []
        assert [u for u in v.requests if u != v.url] == [] and v.blocked == []
        assert page.evaluate("document.querySelectorAll('script').length") == 0
        assert page.evaluate("document.querySelectorAll('img:not(.fig)').length") == 0
        visible = page.get_by_text(EVIL, exact=False).first
        visible.scroll_into_view_if_needed()
        assert visible.is_visible()
        assert EVIL in page.locator("body").inner_text()
        page.screenshot(path=str(tmp_path / "evil.png"), full_page=True)
    finally:
        v.close()
