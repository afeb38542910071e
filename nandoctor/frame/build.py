"""The tidy frame: one row per (step, site) observation, built from raw chunk columns."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import columns as C
from ..model import Site


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
    """A DataFrame with the columns of `columns.ALL`, in seq order."""
    n = len(obs_seq)
    names = np.array([s.target for s in sites] or [""], dtype=object)
    phases = np.array([s.phase for s in sites] or ["other"], dtype=object)
    funcs = np.array([s.function for s in sites] or [""], dtype=object)
    lines = np.array([s.line for s in sites] or [0], dtype=np.int64)
    site_idx = obs_site.astype(np.int64)
    data = {
        C.STEP: step.astype(np.int64),
        C.EPOCH: epoch.astype(np.int64),
        C.SEQ: obs_seq.astype(np.int64),
        C.SITE: site_idx,
        C.NAME: pd.Categorical(names[site_idx]) if n else pd.Categorical([]),
        C.PHASE: pd.Categorical(phases[site_idx], categories=list(C.PHASES)) if n else pd.Categorical([], categories=list(C.PHASES)),
        C.FUNCTION: pd.Categorical(funcs[site_idx]) if n else pd.Categorical([]),
        C.LINE: lines[site_idx] if n else np.zeros(0, np.int64),
        C.SHAPE: pd.Categorical(np.array(shapes + [""], dtype=object)[obs_shape]) if n else pd.Categorical([]),
        C.DTYPE: pd.Categorical(np.array(dtypes + [""], dtype=object)[obs_dtype]) if n else pd.Categorical([]),
    }
    stats = obs_stats.reshape(n, len(C.STATS))
    for k, col in enumerate(C.STATS):
        data[col] = stats[:, k]
    frame = pd.DataFrame(data, columns=list(C.ALL))
    frame[C.SIZE] = frame[C.SIZE].astype(np.int64)
    for col in (C.N_NAN, C.N_POSINF, C.N_NEGINF):
        frame[col] = frame[col].astype(np.int64)
    return frame
