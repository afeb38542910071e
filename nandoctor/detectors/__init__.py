"""Detectors: pure functions from a session to findings, run in catalogue order."""

from __future__ import annotations

import contextvars

from ..config import threshold
from ..model import Finding

# The meta of the session being analysed: its config's thresholds are the ones in force.
_META: contextvars.ContextVar[dict] = contextvars.ContextVar("nandoctor_session_meta", default={})


class Limits:
    """A detector module's thresholds for the session being analysed: `LIM.SPIKE_FACTOR` is the value
    `[tool.nandoctor] thresholds` or `--threshold spike_factor=...` set for this run, else the module's
    constant SPIKE_FACTOR (config names are the constants' names in lower case; `config.threshold`)."""

    def __init__(self, module_globals: dict):
        self._defaults = module_globals

    def __getattr__(self, name: str):
        return threshold(_META.get(), name.lower(), self._defaults[name])


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
    token = _META.set(getattr(session, "meta", None) or {})
    # Analysis must stay silent: no numpy warnings or error callbacks reach the user's terminal.
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            for fn in DETECTORS:
                try:
                    out.extend(fn(session))
                except Exception as e:  # noqa: BLE001
                    session.errors.append(f"detector {fn.__name__} failed: {type(e).__name__}: {e}")
    finally:
        _META.reset(token)
    return out


# The catalogue, in order (DESIGN.md §4). Imported last: each module registers with `register` above.
from . import numerics, optimisation, structure, results, crash  # noqa: E402,F401
