"""The tidy frame: the observation table as a pandas DataFrame, for users (`t.frame`); the analysis reads the table."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import columns as C
from .table import ID_COLUMNS, INTEGER_STATS, Categories, ObservationTable


def build_frame(table: ObservationTable) -> pd.DataFrame:
    """A DataFrame with the columns of `columns.ALL`, in seq order, made from the observation table's columns.

    The float statistics are not copied: the frame's float block is the session's raw statistics (a view), so a
    500,000-step session holds its statistics once, not twice. nandoctor never writes into a frame; whoever does
    writes into the session's raw statistics as well. Categoricals are built from codes, never from per-row object
    arrays.
    """
    frame = pd.DataFrame(table.stats, columns=list(C.STATS), copy=False)
    for k, col in enumerate(ID_COLUMNS):  # a Series made without a copy is inserted without one
        v = table[col]
        frame.insert(k, col, _categorical(v) if isinstance(v, Categories) else pd.Series(v, copy=False))
    # Replacing a column splits the float block into views around it (no copy of the others).
    for col in INTEGER_STATS:
        frame[col] = table[col]
    return frame


def _categorical(cats: Categories) -> pd.Categorical:
    return pd.Categorical.from_codes(cats.codes, categories=np.array(cats.texts, dtype=object))
