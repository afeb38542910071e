"""Reports: findings.json, the terminal verdict, the HTML page and the PNG summary. The only writer of report files."""

from __future__ import annotations

import json
import os
from pathlib import Path

from .findings_json import findings_document

# Files each format writes (the "session" format is the session folder itself).
FILES = {"html": "report.html", "png": "summary.png", "json": "findings.json"}


def _write_atomic(path: Path, data: bytes | str) -> None:
    """Write to a temporary name and rename, so a reader never sees half a file."""
    tmp = path.with_name(path.name + ".tmp")
    if isinstance(data, str):
        data = data.encode("utf-8")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def findings_text(session) -> str:
    return json.dumps(findings_document(session), indent=1, allow_nan=False, ensure_ascii=False) + "\n"


def write_report(session, directory, formats=None) -> str:
    """Write the requested report files into `directory`; returns the folder path. Silent: the numbers it reads
    (all-NaN slices of a run that went NaN) raise no numpy warning on the user's terminal."""
    import warnings

    import numpy as np

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return _write_report(session, directory, formats)


def _write_report(session, directory, formats=None) -> str:
    from ..config import FORMATS

    formats = tuple(formats or FORMATS)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown report format {unknown[0]!r}; choose from {', '.join(FORMATS)}")
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    if "session" in formats and session.directory is None:
        session.save(out)
    # Each file on its own: one that cannot be drawn leaves the others written, and its error is raised after them.
    failed = []
    if "json" in formats:
        _write_atomic(out / FILES["json"], findings_text(session))
    if "png" in formats:
        from .png import render_png

        try:
            _write_atomic(out / FILES["png"], render_png(session))
        except Exception as e:  # noqa: BLE001 - raised once the other files are written
            failed.append(e)
    if "html" in formats:
        from .html import render_html

        _write_atomic(out / FILES["html"], render_html(session))
    if failed:
        raise failed[0]
    return str(out)
