"""On each half of the corpus, every fix nandoctor shows as *cures* after re-running it also runs clean with plain python."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parent / "corpus"
sys.path.insert(0, str(CORPUS))
import fixcheck  # noqa: E402

sys.path.remove(str(CORPUS))

BROKEN = [e for e in json.loads((CORPUS / "manifest.json").read_text())["scripts"] if e["status"] == "broken"]


@pytest.mark.corpus
@pytest.mark.parametrize("entry", BROKEN, ids=[f"{e['split']}:{Path(e['file']).stem}" for e in BROKEN])
def test_a_fix_shown_as_curing_runs_clean_with_plain_python(entry, tmp_path):
    rows = fixcheck.check_verified(entry, tempfile.mkdtemp(dir=tmp_path))
    shown = [r for r in rows if r["verdict"].startswith("cures")]
    assert all(r["verdict"] == "cures, confirmed" for r in shown), shown
