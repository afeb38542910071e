"""Screenshots of the committed example reports at 1440x900 and 390x844 (first screen, the curves, and for the
founding case the network at step 249), in Debian's chromium; no browser is downloaded.

Usage: python scripts/report_screenshots.py   (after scripts/make_examples.sh)
"""

from pathlib import Path
from playwright.sync_api import sync_playwright
root = Path(__file__).resolve().parent.parent / "reports"
(root / "screenshots").mkdir(exist_ok=True)
with sync_playwright() as p:
    b = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--headless"])
    for name in ("demo", "seed_341_answer", "healthy_mlp"):
        for w, h in ((1440, 900), (390, 844)):
            ctx = b.new_context(viewport={"width": w, "height": h})
            pg = ctx.new_page()
            errs = []
            pg.on("pageerror", lambda e: errs.append(str(e)))
            pg.goto((root / name / "report.html").resolve().as_uri())
            pg.wait_for_selector("html.nd-ready")
            pg.screenshot(path=str(root / "screenshots" / f"{name}_{w}x{h}.png"))
            pg.evaluate("document.getElementById('curves').scrollIntoView()")
            pg.wait_for_timeout(100)
            pg.screenshot(path=str(root / "screenshots" / f"{name}_{w}x{h}_curves.png"))
            if name == "demo":
                pg.locator('ol.chain > li[data-inspect="249"]').first.click()
                pg.evaluate("document.getElementById('network').scrollIntoView()")
                pg.wait_for_timeout(100)
                pg.screenshot(path=str(root / "screenshots" / f"{name}_{w}x{h}_network_step249.png"))
            assert not errs, errs
            ctx.close()
    b.close()
