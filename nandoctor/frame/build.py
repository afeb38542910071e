"""The tidy frame: one row per (step, site) observation, built from raw chunk columns."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import columns as C
from ..model import Site
from .table import Categories


def build_frame(
    sites: list[Site],
    obs_seq: np.ndarray,
    obs_site: np.ndarray,
    obs_shape: np.ndarray,
    obs_dtype: np.ndarray,
    obs_stats: np.ndarray,
    step: np.ndarray,
    epoch: np.ndarray,
    shapes: list[str],
    dtypes: list[str],
) -> pd.DataFrame:
    """A DataFrame with the columns of `columns.ALL`, in seq order.

    The float statistics are not copied: the frame's float block is `obs_stats` itself (a view), so a
    500,000-step session holds its statistics once, not twice. nandoctor never writes into a frame;
    whoever does writes into the session's raw statistics as well. Categoricals are built from codes,
    never from per-row object arrays.
    """
    n = len(obs_seq)
    if not n:
        return _empty_frame(sites, obs_seq, obs_site, obs_shape, obs_dtype, obs_stats, step, epoch, shapes, dtypes)
    site_idx = np.asarray(obs_site, dtype=np.int64)
    stats = np.asarray(obs_stats, dtype=np.float64).reshape(n, len(C.STATS))
    frame = pd.DataFrame(stats, columns=list(C.STATS), copy=False)
    lines = np.array([s.line for s in sites] or [0], dtype=np.int64)
    phase_code = {p: k for k, p in enumerate(C.PHASES)}
    phases = np.array([phase_code.get(s.phase, phase_code["other"]) for s in sites] or [phase_code["other"]], np.int8)
    ids = {
        C.STEP: np.asarray(step, dtype=np.int64),
        C.EPOCH: np.asarray(epoch, dtype=np.int64),
        C.SEQ: np.asarray(obs_seq, dtype=np.int64),
        C.SITE: site_idx,
        C.NAME: _categorical([s.target for s in sites] or [""], site_idx),
        C.PHASE: pd.Categorical.from_codes(phases[site_idx], categories=list(C.PHASES)),
        C.FUNCTION: _categorical([s.function for s in sites] or [""], site_idx),
        C.LINE: lines[site_idx],
        C.SHAPE: _categorical(list(shapes) + [""], obs_shape),
        C.DTYPE: _categorical(list(dtypes) + [""], obs_dtype),
    }
    for k, (col, v) in enumerate(ids.items()):  # a Series made without a copy is inserted without one
        frame.insert(k, col, pd.Series(v, copy=False) if isinstance(v, np.ndarray) else v)
    # Replacing a column splits the float block into views around it (no copy of the others).
    for col in (C.SIZE, C.N_NAN, C.N_POSINF, C.N_NEGINF):
        frame[col] = stats[:, C.STATS.index(col)].astype(np.int64)
    return frame


def _categorical(texts: list[str], codes: np.ndarray) -> pd.Categorical:
    """pd.Categorical(texts[codes]) without the per-row object array: the used texts, sorted, as categories."""
    cats = Categories.from_table(texts, codes)
    return pd.Categorical.from_codes(cats.codes, categories=np.array(cats.texts, dtype=object))


def _empty_frame(sites, obs_seq, obs_site, obs_shape, obs_dtype, obs_stats, step, epoch, shapes, dtypes) -> pd.DataFrame:
    data = {
        C.STEP: step.astype(np.int64),
        C.EPOCH: epoch.astype(np.int64),
        C.SEQ: obs_seq.astype(np.int64),
        C.SITE: obs_site.astype(np.int64),
        C.NAME: pd.Categorical([]),
        C.PHASE: pd.Categorical([], categories=list(C.PHASES)),
        C.FUNCTION: pd.Categorical([]),
        C.LINE: np.zeros(0, np.int64),
        C.SHAPE: pd.Categorical([]),
        C.DTYPE: pd.Categorical([]),
    }
    stats = obs_stats.reshape(0, len(C.STATS))
    for k, col in enumerate(C.STATS):
        data[col] = stats[:, k]
    frame = pd.DataFrame(data, columns=list(C.ALL))
    frame[C.SIZE] = frame[C.SIZE].astype(np.int64)
    for col in (C.N_NAN, C.N_POSINF, C.N_NEGINF):
        frame[col] = frame[col].astype(np.int64)
    return frame
