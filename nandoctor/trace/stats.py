"""Per-observation tensor statistics, computed vectorised over many observations at once."""

from __future__ import annotations

import numpy as np

from .. import columns as C

# Tolerance for "near" saturation: a(1-a) < 1e-4 means a lies within about 1e-4 of 0 or 1,
# the point where a sigmoid's gradient has shrunk 2500-fold from its peak of 0.25 (DESIGN.md §4).
SAT_NEAR_TOL = 1e-4

NSTATS = len(C.STATS)
IDX = {name: k for k, name in enumerate(C.STATS)}


def as_float_rows(block: np.ndarray) -> np.ndarray | None:
    """(n, size) float64 view of a stacked block, or None for arrays with no numeric meaning."""
    kind = block.dtype.kind
    if kind == "f" and block.dtype.itemsize == 8:
        return block
    if kind in "fiub":
        return block.astype(np.float64)
    if kind == "c":
        return np.abs(block)  # magnitude is what overflows
    if kind == "O":
        try:
            return block.astype(np.float64)
        except (TypeError, ValueError):
            return None
    return None


def stats_rows(block: np.ndarray, delta: np.ndarray | None = None) -> np.ndarray:
    """Statistics of each row of an (n, size) block, as an (n, NSTATS) float64 array.

    Means, extremes and norms are over finite elements; non-finite elements are counted.
    `delta`, if given, is the (n, size) change an update made, for the update norm.
    Call under np.errstate(all="ignore"): these operations must never reach the user's callback.
    """
    n = block.shape[0]
    out = np.full((n, NSTATS), np.nan)
    size = block.shape[1] if block.ndim == 2 else 0
    out[:, IDX[C.SIZE]] = size
    a = as_float_rows(block) if block.ndim == 2 else None
    if a is None or size == 0:
        out[:, IDX[C.N_NAN]] = 0
        out[:, IDX[C.N_POSINF]] = 0
        out[:, IDX[C.N_NEGINF]] = 0
        if delta is not None and a is not None:
            out[:, IDX[C.UPDATE_L2]] = 0.0
        return out
    finite = np.isfinite(a)
    all_finite = finite.all(axis=1)
    if all_finite.all():
        out[:, IDX[C.N_NAN]] = 0
        out[:, IDX[C.N_POSINF]] = 0
        out[:, IDX[C.N_NEGINF]] = 0
        count = np.full(n, float(size))
        lo = a.min(axis=1)
        hi = a.max(axis=1)
        total = a.sum(axis=1)
        af = a
    else:
        out[:, IDX[C.N_NAN]] = np.isnan(a).sum(axis=1)
        out[:, IDX[C.N_POSINF]] = (a == np.inf).sum(axis=1)
        out[:, IDX[C.N_NEGINF]] = (a == -np.inf).sum(axis=1)
        count = finite.sum(axis=1).astype(np.float64)
        lo = np.where(finite, a, np.inf).min(axis=1)
        hi = np.where(finite, a, -np.inf).max(axis=1)
        af = np.where(finite, a, 0.0)
        total = af.sum(axis=1)
    has = count > 0
    lo = np.where(has, lo, np.nan)
    hi = np.where(has, hi, np.nan)
    mean = np.where(has, total / np.maximum(count, 1), np.nan)
    dev = np.where(finite, af - mean[:, None], 0.0) if not all_finite.all() else af - mean[:, None]
    std = np.sqrt((dev * dev).sum(axis=1) / np.maximum(count, 1))
    absmax = np.maximum(np.abs(lo), np.abs(hi))
    # Scaled norm: squares of values near 1e200 would overflow, the norm itself need not.
    scale = np.where(absmax > 0, absmax, 1.0)
    scaled = af / scale[:, None]
    l2 = scale * np.sqrt((scaled * scaled).sum(axis=1))
    out[:, IDX[C.MIN]] = lo
    out[:, IDX[C.MAX]] = hi
    out[:, IDX[C.MEAN]] = mean
    out[:, IDX[C.STD]] = np.where(has, std, np.nan)
    out[:, IDX[C.ABSMAX]] = absmax
    out[:, IDX[C.L2]] = np.where(has, l2, np.nan)
    out[:, IDX[C.FRAC_ZERO]] = (a == 0).sum(axis=1) / size
    # Saturation, for values that lie in [0, 1] or [-1, 1].
    unit = has & (lo >= 0) & (hi <= 1)
    sym = has & ~unit & (lo >= -1) & (hi <= 1)
    bound_lo = np.where(unit, 0.0, -1.0)[:, None]
    exact = ((a == bound_lo) | (a == 1.0)).sum(axis=1) / size
    near = ((np.abs(a - bound_lo) < SAT_NEAR_TOL) | (np.abs(a - 1.0) < SAT_NEAR_TOL)).sum(axis=1) / size
    ok = unit | sym
    out[:, IDX[C.FRAC_SAT_EXACT]] = np.where(ok, exact, np.nan)
    out[:, IDX[C.FRAC_SAT_NEAR]] = np.where(ok, near, np.nan)
    if delta is not None:
        d = as_float_rows(delta)
        if d is not None:
            dfin = np.where(np.isfinite(d), d, 0.0)
            dmax = np.abs(dfin).max(axis=1) if d.shape[1] else np.zeros(n)
            dscale = np.where(dmax > 0, dmax, 1.0)
            ds = dfin / dscale[:, None]
            out[:, IDX[C.UPDATE_L2]] = dscale * np.sqrt((ds * ds).sum(axis=1))
    return out
