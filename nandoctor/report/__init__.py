"""Reports: findings.json, the terminal verdict, the HTML page and the PNG summary. The only writer of report files."""

from __future__ import annotations

import json
import os
from pathlib import Path

from .findings_json import findings_document


def write_report(session, directory, formats=None) -> str:
    """Write the requested report files into `directory`; returns the folder path."""
    from ..cli import FORMATS

    formats = tuple(formats or FORMATS)
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    if "session" in formats and session.directory is None:
        session.save(out)
    if "json" in formats:
        doc = findings_document(session)
        tmp = out / "findings.json.tmp"
        tmp.write_text(json.dumps(doc, indent=1, allow_nan=False) + "\n", encoding="utf-8")
        os.replace(tmp, out / "findings.json")
    if "html" in formats or "png" in formats:
        try:
            from . import html, png  # noqa: F401
        except ImportError:
            html = png = None
        if "png" in formats and png is not None:
            png.write_png(session, out / "summary.png")
        if "html" in formats and html is not None:
            text = html.render_html(session)
            tmp = out / "report.html.tmp"
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, out / "report.html")
    return str(out)
