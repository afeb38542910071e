"""Every sample script behaves bit-identically traced and untraced (output, exit status, final arrays).

Every `*.py` under `tests/samples/` (recursively, whatever exists when the suite runs) is run twice, once for the
test session (tests/sample_runs.py): plain `python SCRIPT`, the reference, with a `sitecustomize` that saves the
script's globals at exit; and through the real `nandoctor run` CLI (the json and session outputs), whose child
interpreter runs the same sitecustomize. Compared: stdout, stderr (less nandoctor's `nandoctor:` lines), exit
status, and the ndarrays, numpy scalars and Python numbers of the module globals (one level into lists, dicts and
user objects), in dtype, shape and bytes (NaN payloads and signed zeros included).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from sample_runs import SAMPLES, samples


def _our_stderr(text: str) -> str:
    """Traced stderr without nandoctor's own lines (each marked `nandoctor:`)."""
    return "".join(ln for ln in text.splitlines(keepends=True) if not ln.startswith("nandoctor:"))


def _load_npz(path: Path) -> dict:
    if not path.exists():
        return {}
    with np.load(path, allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


SAMPLE_IDS = [str(p.relative_to(SAMPLES)) for p in samples()]


def test_there_are_samples():
    assert len(SAMPLE_IDS) >= 10, SAMPLE_IDS
    assert any(s.startswith("odd/") for s in SAMPLE_IDS)


# Known, documented divergences (README "Known limits"): each must still fail, or the mark goes.
KNOWN_OUTPUT_DIVERGENCE: dict[str, str] = {}


def _with_known(ids):
    return [pytest.param(i, marks=pytest.mark.xfail(reason=KNOWN_OUTPUT_DIVERGENCE[i], strict=True))
            if i in KNOWN_OUTPUT_DIVERGENCE else i for i in ids]


@pytest.mark.parametrize("sample", _with_known(SAMPLE_IDS))
def test_output_and_exit_status_identical(parity_runs, sample):
    r = parity_runs[sample]
    plain, traced = r["python"], r["traced"]
    assert plain["rc"] != "timeout", "plain run timed out"
    assert traced["rc"] == plain["rc"], traced["err"][-3000:]
    assert traced["out"] == plain["out"]
    assert _our_stderr(traced["err"]) == plain["err"]


@pytest.mark.parametrize("sample", SAMPLE_IDS)
def test_final_arrays_bit_identical(parity_runs, sample):
    r = parity_runs[sample]
    # The harness runs end as the script does; what matters is that both ended the same way.
    assert r["traced"]["rc"] == r["python"]["rc"], r["traced"]["err"][-3000:]
    plain = _load_npz(r["work"] / "plain.npz")
    traced = _load_npz(r["work"] / "traced.npz")
    assert (r["work"] / "plain.npz").exists(), r["python"]["err"][-3000:]
    assert sorted(traced) == sorted(plain)
    for k, a in plain.items():
        b = traced[k]
        assert (b.dtype, b.shape) == (a.dtype, a.shape), k
        assert b.tobytes() == a.tobytes(), f"{sample}: {k} differs:\nplain  {a!r}\ntraced {b!r}"


@pytest.mark.parametrize("sample", SAMPLE_IDS)
def test_session_readable_without_internal_errors(parity_runs, sample):
    """The traced run left a readable session, its metadata matching the run, and nandoctor had no errors."""
    import nandoctor

    r = parity_runs[sample]
    folder = r["work"] / "report"
    if r["python"]["rc"] == 2 and not folder.exists():
        pytest.skip("the script could not be opened: no session")
    s = nandoctor.load(folder)
    rc = r["python"]["rc"]  # -N: died by signal N (an uncaught Ctrl-C), which the session says as 128 + N
    assert s.meta["exit_status"] == (128 - rc if rc < 0 else rc)
    assert s.meta["interrupted"] is (rc < 0)
    frame = s.frame
    assert frame is not None
    assert s.errors == [], s.errors
    assert "internal error" not in r["traced"]["err"], r["traced"]["err"][-3000:]
    json.dumps(s.meta)  # plain JSON: nothing live leaked into the metadata
