"""report.html in a real headless chromium: self-contained, inert against markup, and every interaction works
(hover, zoom, scale toggle, the step inspector, the network diagram, the phone layout, dark mode)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

import numpy as np

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

    def __init__(self, browser, html: Path, viewport=VIEWPORT, color_scheme="light"):
        self.url = html.resolve().as_uri()
        self.context = browser.new_context(viewport=viewport, color_scheme=color_scheme)
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
        assert all(ok and w > 0 and h > 0 for ok, w, h in imgs), imgs
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
        # Only the page's own data block and two scripts; the injected markup stays text.
        assert page.evaluate("Array.from(document.scripts).map(s => s.type || s.id || 'js')") == [
            "application/json", "js", "js"]
        assert page.evaluate("document.querySelectorAll('img:not(.fig)').length") == 0
        visible = page.get_by_text(EVIL, exact=False).first
        visible.scroll_into_view_if_needed()
        assert visible.is_visible()
        assert EVIL in page.locator("body").inner_text()
        page.screenshot(path=str(tmp_path / "evil.png"))
    finally:
        v.close()


# -- the interactive report on the founding case ------------------------------------------------------------
def replay_founding_case(steps: int) -> dict[int, dict[str, np.ndarray]]:
    """The founding case's training loop replayed in plain numpy: every value of each step, by name."""
    np.random.seed(1)
    w_ij = 2 * np.random.rand(3, 4) - 1
    w_jk = 2 * np.random.rand(4, 1) - 1
    x = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [0, 1, 0], [1, 0, 0], [1, 1, 1], [0, 0, 0]])
    y = np.array([[0, 1, 1, 1, 1, 0, 0]]).T
    out = {}
    with np.errstate(all="ignore"):
        for step in range(steps):
            z_ij = x @ w_ij
            a_ij = np.where(z_ij > 0, z_ij, z_ij * 0.01)
            a_jk = 1 / (1 + np.exp(-(a_ij @ w_jk)))
            dl_jk = -y / a_jk + (1 - y) / (1 - a_jk)
            da_jk = a_jk * (1 - a_jk)
            da_ij = np.where(z_ij > 0, 1.0, 0.01)
            gradient_ij = x.T @ ((da_jk * dl_jk) @ w_jk.T * da_ij)
            gradient_jk = a_ij.T @ (dl_jk * da_jk)
            w_ij = w_ij - gradient_ij
            w_jk = w_jk - gradient_jk
            out[step] = {"gradient_ij": gradient_ij, "a_jk": a_jk, "self.w_ij": w_ij, "self.w_jk": w_jk}
    return out


@pytest.fixture(scope="module")
def replay():
    return replay_founding_case(251)


def _cell_elements(page, site: str, column: int) -> np.ndarray:
    text = page.locator(f'#nd-inspect-table tr[data-site="{site}"] td').nth(column).locator(".nd-elements")
    raw = json.loads(text.get_attribute("data-elements"))
    return np.array([float(v) for v in raw])


def test_interactive_report_on_desktop(browser, seed_run, replay):
    html = seed_run[1] / "report.html"
    assert html.stat().st_size <= 5_000_000
    v = Visit(browser, html)
    try:
        page = v.page
        # Usable within a second: the charts are drawn by the time the page reports ready.
        page.wait_for_selector("html.nd-ready", timeout=1000)
        charts = page.locator("figure.nd-chart")
        assert charts.first.get_attribute("data-curve") == "loss"
        assert charts.nth(1).get_attribute("data-curve") == "accuracy"
        assert page.locator("figure.nd-chart canvas").count() >= 4
        # Hover shows a value.
        over = page.locator("#chart-loss .u-over")
        over.scroll_into_view_if_needed()
        box = over.bounding_box()
        page.mouse.move(box["x"] + box["width"] * 0.4, box["y"] + box["height"] / 2, steps=3)
        page.wait_for_timeout(50)
        readout = page.locator("#chart-loss .nd-readout").inner_text()
        assert re.match(r"step \d+ · loss = [0-9.e-]+", readout), readout
        # Zoom: dragging across a chart narrows the range every chart shows.
        before = page.locator("#nd-range").inner_text()
        page.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + 20)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + 20, steps=5)
        page.mouse.up()
        after = page.locator("#nd-range").inner_text()
        lo, hi = map(int, re.search(r"steps (\d+) to (\d+)", after).groups())
        assert after != before and hi - lo < 0.5 * 260, (before, after)
        page.locator("#nd-zoom-bad").click()
        lo, hi = map(int, re.search(r"steps (\d+) to (\d+)", page.locator("#nd-range").inner_text()).groups())
        assert lo < 249 < hi and hi - lo <= 50
        # The scale toggle says which scale is shown, and switches it.
        toggle = page.locator("figure.nd-chart .nd-scale").first
        first = toggle.inner_text()
        toggle.click()
        assert toggle.inner_text() != first and {first.split()[1], toggle.inner_text().split()[1]} == {"log", "linear"}
        # Markers are named on the page.
        assert "first NaN or infinity (step 249)" in page.locator("ol.nd-markers").inner_text()
        # Clicking a chain link opens that step's inspector with the values of the replayed run.
        link = page.locator('ol.chain > li[data-inspect="248"]').first
        link.click()
        assert page.locator("#inspector").get_attribute("data-step") == "248"
        np.testing.assert_allclose(_cell_elements(page, "gradient_ij", 3), replay[248]["gradient_ij"].ravel(), rtol=1e-9)
        np.testing.assert_allclose(_cell_elements(page, "gradient_ij", 2), replay[247]["gradient_ij"].ravel(), rtol=1e-9)
        np.testing.assert_allclose(_cell_elements(page, "a_jk", 3), replay[248]["a_jk"].ravel(), rtol=1e-9)
        assert page.locator("#inspector").bounding_box()["y"] < VIEWPORT["height"]  # scrolled to
        # The diagram at step 248: no NaN weight; at step 249 exactly the replay's NaN elements are marked.
        assert page.locator(".nd-net .nd-w.nan").count() == 0
        page.locator("#nd-step-next").click()
        assert page.locator("#inspector").get_attribute("data-step") == "249"
        nan_w = [(w, idx) for w in ("self.w_ij", "self.w_jk") for idx in zip(*np.nonzero(~np.isfinite(replay[249][w])))]
        marked = page.evaluate("Array.from(document.querySelectorAll('.nd-net .nd-w.nan'))"
                               ".map(e => [e.dataset.weight, e.dataset.index])")
        assert sorted(marked) == sorted([w, f"{i},{j}"] for w, (i, j) in nan_w) and marked
        first_nan = page.locator(".nd-net circle.first")
        assert first_nan.count() == 1 and first_nan.get_attribute("data-layer") == "2"
        assert "samples 2, 4" in page.locator("#nd-network-words").inner_text()
        # The scrubber walks the embedded steps.
        page.locator("#nd-step-scrub").fill("0")
        assert page.locator("#inspector").get_attribute("data-step") == "0"
        # Clicking a point on a curve inspects the step under the pointer.
        page.locator("#nd-whole").click()
        over.scroll_into_view_if_needed()
        box = over.bounding_box()
        page.mouse.click(box["x"] + 2, box["y"] + box["height"] / 2)
        assert int(page.locator("#inspector").get_attribute("data-step")) < 50
        assert v.console_errors == []
        assert [u for u in v.requests if u != v.url] == [] and v.blocked == []
    finally:
        v.close()


def _luminance(rgb: str) -> float:
    parts = [float(p) / 255 for p in re.findall(r"[\d.]+", rgb)[:3]]
    lin = [p / 12.92 if p <= 0.03928 else ((p + 0.055) / 1.055) ** 2.4 for p in parts]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


COLOURS = """() => {
  const c = e => getComputedStyle(document.querySelector(e));
  const card = c('section').backgroundColor;
  return {body: c('body').backgroundColor, ink: c('body').color, card: card, muted: c('.muted').color,
          link: c('.nd-inspect-hint').color, head: c('header.top').backgroundColor, nav: c('header.top nav a').color,
          markbg: c('mark.nd-expr').backgroundColor, mark: c('mark.nd-expr').color};
}"""


def test_dark_mode_follows_the_system_and_keeps_contrast(browser, seed_run):
    v = Visit(browser, seed_run[1] / "report.html")
    try:
        page = v.page
        page.wait_for_selector("html.nd-ready", timeout=1000)
        light = page.evaluate(COLOURS)
        page.emulate_media(color_scheme="dark")
        page.wait_for_timeout(100)
        dark = page.evaluate(COLOURS)
        assert _luminance(light["body"]) > 0.8 and _luminance(dark["body"]) < 0.05
        for scheme in (light, dark):  # WCAG AA: 4.5 for body text
            for fg, bg in (("ink", "card"), ("muted", "card"), ("link", "card"), ("nav", "head"), ("mark", "markbg")):
                assert _contrast(scheme[fg], scheme[bg]) >= 4.5, (fg, bg, scheme)
        assert page.locator("figure.nd-chart canvas").count() >= 4  # charts redrawn in the new colours
        toggle = page.locator("figure.nd-chart .nd-scale").first  # still switches the redrawn chart
        first = toggle.inner_text()
        toggle.click()
        assert toggle.inner_text() != first
        assert page.locator("figure.nd-chart").first.locator("canvas").count() == 1
        assert v.console_errors == []
    finally:
        v.close()


def test_phone_layout_keeps_the_highlight_in_view(browser, seed_run):
    phone = {"width": 390, "height": 844}
    v = Visit(browser, seed_run[1] / "report.html", viewport=phone)
    try:
        page = v.page
        page.wait_for_selector("html.nd-ready", timeout=1000)
        assert page.evaluate("document.scrollingElement.scrollWidth") <= phone["width"]
        mark = page.locator("mark.nd-expr").first
        mark.scroll_into_view_if_needed()
        box = mark.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= phone["width"], box
        assert 0 <= box["y"] and box["y"] + box["height"] <= phone["height"]
        canvas = page.locator("#chart-loss canvas").first.bounding_box()
        assert canvas["x"] >= 0 and canvas["x"] + canvas["width"] <= phone["width"]
        assert v.console_errors == []
    finally:
        v.close()


# -- the verified fix plan on the founding case --------------------------------------------------------------
@pytest.mark.slow
def test_verified_fix_plan_in_chromium(browser, verified_seed_run):
    from test_verify import _replay_demo

    out = verified_seed_run[1]
    saved = json.loads((out / "verification.json").read_text())
    v = Visit(browser, out / "report.html")
    try:
        page = v.page
        page.wait_for_selector("html.nd-ready")
        assert v.console_errors == []
        assert [u for u in v.requests if u != v.url] == [] and v.blocked == []
        worked = page.locator("#fix-plan .fix.trial:not(.tried)")
        titles = [worked.nth(k).locator("h4").inner_text() for k in range(worked.count())]
        lr = next(k for k, t in enumerate(titles) if "learning rate" in t.lower())
        simple = next(k for k, t in enumerate(titles) if "a_jk - y" in t)
        for k in (lr, simple):
            card = worked.nth(k)
            assert card.locator(".vbadge").inner_text() == "cures"
            # Each cure's loss and accuracy curves beside the original's, drawn.
            kinds = card.locator(".nd-compare figure").evaluate_all("fs => fs.map(f => f.dataset.kind)")
            assert kinds == ["loss", "accuracy"]
            assert card.locator(".nd-compare canvas").count() >= 2
            # No NaN in the re-run's 10,000 steps: its row says so.
            row = card.locator("table.measures tr", has_text="first NaN or infinity").locator("td").nth(1)
            assert row.inner_text() == "none in 10000 steps"
        # Hovering a cure's loss chart reads both runs' values.
        over = worked.nth(lr).locator(".nd-compare figure").first.locator(".u-over")
        over.scroll_into_view_if_needed()
        box = over.bounding_box()
        page.mouse.move(box["x"] + box["width"] * 0.02, box["y"] + box["height"] / 2)
        readout = worked.nth(lr).locator(".nd-readout").first.inner_text()
        assert "original = " in readout and "with this fix = " in readout
        # The plan's final accuracy equals the demo net replayed in numpy with `a_jk - y` and biases.
        replay = _replay_demo(1, True, True)
        acc = page.locator("#fix-plan > .tablewrap table.measures tr", has_text="accuracy, final").first
        assert acc.locator("td").nth(1).inner_text() == f"{100 * replay[2]:.1f}%"
        assert page.locator("#fix-plan h3", has_text="The plan").locator(".vbadge").inner_text() == "cures"
        # A fix that changed nothing is shown under "tried", never among the fixes.
        tried = page.locator("#fix-plan .fix.trial.tried")
        assert tried.count() >= 1 and all("no effect" in tried.nth(k).inner_text() or "worse" in
                                          tried.nth(k).inner_text() for k in range(tried.count()))
        # The sized learning rate: every searched value listed, and its chart drawn.
        sizing = saved["sizings"][0]
        cells = page.locator("#sizing-0 table.searched tr td:first-child").all_inner_texts()
        assert cells == [f"{t['value']:.4g}" for t in sizing["trials"]]
        assert page.locator("#sizing-0 .nd-sizing-chart canvas").count() >= 1
    finally:
        v.close()
