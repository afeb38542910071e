"""The Recording: the one typed hand-off from capture (trace/, store.py) to analysis (Session and after)."""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from . import columns as C
from .model import FpEvent, Loop, Site

# The per-row columns, declared once: (name, dtype). Observation columns hold one row per recorded value,
# loop-event columns one row per iteration start or loop exit. The recorder's chunks, the session files
# (one npz array per column, under these names; compact.npz packs them losslessly, see packing.py) and the
# Recording all use these names and dtypes.
OBS_COLUMNS: tuple[tuple[str, type], ...] = (
    ("obs_seq", np.int64),  # global order of the observation (shared with loop events and FpEvent.seq)
    ("obs_site", np.int32),  # Site.id of the statement whose value this is
    ("obs_shape", np.int32),  # index into `shapes`
    ("obs_dtype", np.int32),  # index into `dtypes`
    ("obs_stats", np.float64),  # (n, len(columns.STATS)): the value's statistics, columns.STATS order
)
EV_COLUMNS: tuple[tuple[str, type], ...] = (
    ("ev_seq", np.int64),  # global order of the loop event
    ("ev_loop", np.int32),  # Loop.id
    ("ev_kind", np.int8),  # EV_ITER (an iteration starts) or EV_EXIT (the loop ends)
)
ROW_COLUMNS: tuple[str, ...] = tuple(name for name, _ in OBS_COLUMNS + EV_COLUMNS)
COLUMN_DTYPES: dict[str, type] = dict(OBS_COLUMNS + EV_COLUMNS)
EV_ITER, EV_EXIT = 0, 1  # values of ev_kind


def empty_column(name: str) -> np.ndarray:
    """A column with no rows, of its declared dtype (and width, for obs_stats)."""
    shape = (0, len(C.STATS)) if name == "obs_stats" else (0,)
    return np.zeros(shape, COLUMN_DTYPES[name])


@dataclass(frozen=True, eq=False)
class Recording:
    """Everything one traced run recorded, live (Tracer.recording) or read back (store.read_session_files).

    Read it, never change it: a change is a new Recording (`dataclasses.replace`).
    """

    meta: dict = field(default_factory=dict)  # argv, versions, exit status, interrupted, step_loop, ...
    sites: tuple[Site, ...] = ()  # every instrumented statement; sites[i].id == i
    loops: tuple[Loop, ...] = ()  # every instrumented loop; loops[i].id == i
    sources: dict = field(default_factory=dict)  # file -> its source text, for replays and the report
    events: tuple[FpEvent, ...] = ()  # floating-point events as recorded (trap flags, raised errors), unresolved
    errors: tuple[str, ...] = ()  # nandoctor's own errors during capture, as text
    obs_seq: np.ndarray = field(default_factory=lambda: empty_column("obs_seq"))
    obs_site: np.ndarray = field(default_factory=lambda: empty_column("obs_site"))
    obs_shape: np.ndarray = field(default_factory=lambda: empty_column("obs_shape"))
    obs_dtype: np.ndarray = field(default_factory=lambda: empty_column("obs_dtype"))
    obs_stats: np.ndarray = field(default_factory=lambda: empty_column("obs_stats"))
    ev_seq: np.ndarray = field(default_factory=lambda: empty_column("ev_seq"))
    ev_loop: np.ndarray = field(default_factory=lambda: empty_column("ev_loop"))
    ev_kind: np.ndarray = field(default_factory=lambda: empty_column("ev_kind"))
    shapes: tuple[str, ...] = ()  # shape code -> str(shape tuple), e.g. "(3, 4)"
    dtypes: tuple[str, ...] = ()  # dtype code -> numpy dtype string, e.g. "float64"
    # Kept values of small sites: site id -> [(shape code, seq array (m,), data (m, size) float64)], seqs sorted
    # within a part; one part per (site, shape) when live or compacted, one per chunk otherwise.
    values: dict = field(default_factory=dict)
    analysis: dict | None = None  # analysis.json of a saved session (findings, causes, plan), else None

    def __post_init__(self):
        for name in ("sites", "loops", "events", "errors", "shapes", "dtypes"):
            value = getattr(self, name)
            if not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value))

    # -- derived -----------------------------------------------------------------------
    @property
    def n_observations(self) -> int:
        return len(self.obs_seq)

    def stat(self, name: str) -> np.ndarray:
        """One statistic (a columns.STATS name) of every observation."""
        return self.obs_stats[:, C.STATS.index(name)]

    def columns(self) -> dict[str, np.ndarray]:
        """The row columns by name (ROW_COLUMNS order)."""
        return {name: getattr(self, name) for name in ROW_COLUMNS}

    # -- the untyped form of earlier versions ------------------------------------------
    def as_dict(self) -> dict:
        """The fields as the plain dict earlier versions handed around (`Session.raw`, `Tracer.raw`)."""
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        for name in ("sites", "loops", "events", "errors", "shapes", "dtypes"):
            out[name] = list(out[name])
        if out["analysis"] is None:
            del out["analysis"]
        return out

    @classmethod
    def from_mapping(cls, raw: Mapping) -> "Recording":
        """A Recording from the plain dict of earlier versions (missing keys: empty)."""
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in raw.items() if k in names})


def read_only_view(recording: Recording) -> Mapping:
    """A read-only mapping of the recording's fields: the deprecated `raw` alias."""
    return types.MappingProxyType(recording.as_dict())


__all__ = ["Recording", "OBS_COLUMNS", "EV_COLUMNS", "ROW_COLUMNS", "COLUMN_DTYPES", "EV_ITER", "EV_EXIT",
           "empty_column", "read_only_view"]
