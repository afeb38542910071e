"""The observations as numpy columns, in seq order: what the analysis reads, without pandas (the frame is for users)."""

from __future__ import annotations

from functools import cached_property

import numpy as np

from .. import columns as C
from ..model import Site

# Counts are whole numbers: stored as float statistics, read as integers.
INTEGER_STATS = (C.SIZE, C.N_NAN, C.N_POSINF, C.N_NEGINF)
# The columns that say which observation a row is (the rest are its statistics), in the frame's order.
ID_COLUMNS = tuple(c for c in C.ALL if c not in C.STATS)


class Categories:
    """A text column as integer codes into sorted texts (the frame's categorical codes); indexing gives the text."""

    def __init__(self, codes: np.ndarray, texts: list[str]):
        self.codes = codes
        self.texts = texts

    @classmethod
    def from_table(cls, texts: list[str], codes: np.ndarray) -> "Categories":
        """`texts[codes]` with only the texts used, sorted, as the categories: equal texts share one code."""
        codes = np.asarray(codes, dtype=np.int64)
        if not len(codes):
            return cls(codes, [])
        used = np.unique(codes)
        cats, inverse = np.unique(np.array([texts[i] for i in used], dtype=object), return_inverse=True)
        lookup = np.full(len(texts), -1, dtype=np.int64)
        lookup[used] = inverse
        return cls(lookup[codes], [str(c) for c in cats])

    def __getitem__(self, i):
        if isinstance(i, (int, np.integer)):
            c = int(self.codes[i])
            return self.texts[c] if c >= 0 else ""
        return Categories(self.codes[i], self.texts)

    def __len__(self) -> int:
        return len(self.codes)

    def matches(self, text: str) -> np.ndarray:
        """A boolean mask of the rows holding `text`."""
        code = self.texts.index(text) if text in self.texts else -2
        return self.codes == code

    def unique_first(self) -> list[tuple[int, str]]:
        """(first row, text) of each distinct value, in row order."""
        u, first = np.unique(self.codes, return_index=True)
        return sorted((int(k), self.texts[int(c)] if c >= 0 else "") for c, k in zip(u, first))


class ObservationTable:
    """One row per observation: step, epoch, seq, site, line and every statistic as arrays; shape, dtype,
    name and function as Categories. `table[column]` is that column; nothing here is ever written."""

    def __init__(self, sites: list[Site], obs_seq, obs_site, obs_shape, obs_dtype, obs_stats, step, epoch,
                 shapes: list[str], dtypes: list[str]):
        n = len(obs_seq)
        self.sites = sites
        site = np.asarray(obs_site, dtype=np.int64)
        # The raw statistics themselves (a view), one row per observation, columns in `columns.STATS` order.
        self.stats = stats = np.asarray(obs_stats, dtype=np.float64).reshape(n, len(C.STATS))
        self._columns = {C.STEP: np.asarray(step, dtype=np.int64), C.EPOCH: np.asarray(epoch, dtype=np.int64),
                         C.SEQ: np.asarray(obs_seq, dtype=np.int64), C.SITE: site}
        for k, col in enumerate(C.STATS):
            self._columns[col] = stats[:, k].astype(np.int64) if col in INTEGER_STATS else stats[:, k]
        self._shape_codes, self._dtype_codes = obs_shape, obs_dtype
        self._shapes, self._dtypes = list(shapes) + [""], list(dtypes) + [""]

    def __len__(self) -> int:
        return len(self._columns[C.SEQ])

    def __contains__(self, column: str) -> bool:
        return column in C.ALL

    def __getitem__(self, column: str):
        if column in self._columns:
            return self._columns[column]
        if column == C.SHAPE:
            return self.shape
        if column == C.DTYPE:
            return self.dtype
        if column == C.NAME:
            return Categories.from_table([s.target for s in self.sites] or [""], self._columns[C.SITE])
        if column == C.FUNCTION:
            return Categories.from_table([s.function for s in self.sites] or [""], self._columns[C.SITE])
        if column == C.PHASE:
            code = {p: k for k, p in enumerate(C.PHASES)}
            phases = np.array([code.get(s.phase, code["other"]) for s in self.sites] or [code["other"]], np.int64)
            return Categories(phases[self._columns[C.SITE]], list(C.PHASES))
        if column == C.LINE:
            lines = np.array([s.line for s in self.sites] or [0], dtype=np.int64)
            return lines[self._columns[C.SITE]]
        raise KeyError(column)

    @cached_property
    def shape(self) -> Categories:
        return Categories.from_table(self._shapes, self._shape_codes)

    @cached_property
    def dtype(self) -> Categories:
        return Categories.from_table(self._dtypes, self._dtype_codes)

    def nonfinite(self) -> np.ndarray:
        """Rows holding a NaN or an infinity."""
        return (self[C.N_NAN] + self[C.N_POSINF] + self[C.N_NEGINF]) > 0
