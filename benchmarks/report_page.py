"""The interactive report page: its size (target at most 5 MB), its build time from a saved session, and how soon
chromium has drawn it (target: charts, inspector and diagram ready within 1 s of navigation).

Run: python benchmarks/report_page.py [SESSION_DIR ...]   (default: a fresh `nandoctor demo` session)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
SIZE_TARGET = 5_000_000
READY_TARGET_MS = 1000


def build_seconds(session_dir: Path, out: Path, reps: int = 2) -> float:
    """Best wall time of load + analysis + report.html, each in a fresh process (imports included)."""
    code = ("import sys, time\nt = time.perf_counter()\nimport nandoctor\nfrom nandoctor.report import write_report\n"
            "s = nandoctor.load(sys.argv[1]); s.analyze()\nwrite_report(s, sys.argv[2], formats=('html',))\n"
            "print(time.perf_counter() - t)\n")
    best = float("inf")
    for _ in range(reps):
        proc = subprocess.run([sys.executable, "-c", code, str(session_dir), str(out)], capture_output=True, text=True,
                              check=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
        best = min(best, float(proc.stdout.strip().splitlines()[-1]))
    return best


def ready_ms(html: Path, reps: int = 3) -> float:
    """Best time from navigation start to the page marking itself ready (charts drawn), in chromium."""
    from playwright.sync_api import sync_playwright

    best = float("inf")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        for _ in range(reps):
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(html.resolve().as_uri())
            page.wait_for_selector("html.nd-ready")
            best = min(best, page.evaluate("window.ndReadyMs"))
            page.close()
        browser.close()
    return best


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        sessions = [Path(a) for a in argv]
        if not sessions:
            demo = Path(tmp) / "demo"
            subprocess.run([sys.executable, "-m", "nandoctor", "demo", "-o", str(demo)], capture_output=True,
                           env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
            sessions = [demo]
        for k, session in enumerate(sessions):
            out = Path(tmp) / f"out{k}"
            seconds = build_seconds(session, out)
            html = out / "report.html"
            size = html.stat().st_size
            ms = ready_ms(html)
            print(f"{session}: report.html {size / 1e6:.2f} MB (target {SIZE_TARGET / 1e6:.0f} MB), built in "
                  f"{seconds:.2f} s (load + analysis + html), ready in chromium {ms:.0f} ms after navigation "
                  f"(target {READY_TARGET_MS} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
