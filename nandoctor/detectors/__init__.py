"""Detectors: pure functions from a session to findings, run in catalogue order."""

from __future__ import annotations

from ..model import Finding

# Each detector takes a Session and returns a list of Findings. Registered in catalogue order.
DETECTORS: list = []


def register(fn):
    DETECTORS.append(fn)
    return fn


def detect(session) -> list[Finding]:
    """All findings of all detectors. A detector that fails is recorded as nandoctor's own error."""
    import warnings

    import numpy as np

    out: list[Finding] = []
    # Analysis must stay silent: no numpy warnings or error callbacks reach the user's terminal.
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for fn in DETECTORS:
            try:
                out.extend(fn(session))
            except Exception as e:  # noqa: BLE001
                session.errors.append(f"detector {fn.__name__} failed: {type(e).__name__}: {e}")
    return out


# The catalogue, in order (DESIGN.md §4). Imported last: each module registers with `register` above.
from . import numerics, optimisation, structure, results, crash  # noqa: E402,F401
