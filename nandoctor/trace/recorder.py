"""The hot path: hooks that instrumented code calls, and batched conversion of what they saw into chunks.

The hooks only append to a list (a copy of each small array, or one row of statistics for a large
one). Every few thousand entries the list is turned into a chunk: statistics computed vectorised over
all observations of a site at once, loop events, and the raw values of small sites.
"""

from __future__ import annotations

import sys
import threading
import time
import traceback
from dataclasses import dataclass, field

import numpy as np

from .. import columns as C
from .instrument import ARGS, AUGREC, DELTA, EXIT, ITER, REC, UNPACK, UPD, Registry
from .stats import IDX, NSTATS, stats_rows

# Arrays up to this many elements are copied on the hot path and summarised later in batches;
# larger ones are summarised at once (a copy would cost more than the statistics).
SMALL_COPY = 4096
# Raw values of sites up to this many elements are kept for detectors (per-sample evidence).
KEEP_VALUES_MAX = 256
# Per site, raw values are kept for this many observations, then only for the latest ones.
KEEP_VALUES_OBS = 20_000
# A chunk is cut at this many entries, or after FLUSH_SECONDS, whichever comes first.
FLUSH_ENTRIES = 65_536
FLUSH_SECONDS = 1.0
CHECK_EVERY = 2048

ITER_MARK = "iter"
EXIT_MARK = "exit"
EV_ITER, EV_EXIT = 0, 1


class _Summary:
    """Statistics of a large array, taken at once on the hot path."""

    __slots__ = ("row", "shape", "dtype")

    def __init__(self, row, shape, dtype):
        self.row = row
        self.shape = shape
        self.dtype = dtype


@dataclass
class Chunk:
    """What one flush produced: observations, loop events, small-site values, events and errors."""

    obs_seq: np.ndarray
    obs_site: np.ndarray
    obs_shape: np.ndarray
    obs_dtype: np.ndarray
    obs_stats: np.ndarray  # (n, NSTATS)
    ev_seq: np.ndarray
    ev_loop: np.ndarray
    ev_kind: np.ndarray
    values: list = field(default_factory=list)  # (site, shape_code, seq array, 2-D float64 data)


class Recorder:
    """Collects observations from the hooks of one trace and cuts them into chunks."""

    def __init__(self, registry: Registry, sink=None, *, flush_entries=FLUSH_ENTRIES, flush_seconds=FLUSH_SECONDS):
        self.registry = registry
        self.sink = sink  # called with each Chunk (the session store); may be None
        self.log: list = []
        self.base = 0  # seq of log[0]
        self.pending: dict = {}  # site -> delta of an augmented update, until its value is read
        self.shapes: dict[str, int] = {}
        self.dtypes: dict[str, int] = {}
        self.chunks: list[Chunk] = []
        self.values_kept: dict[int, int] = {}
        self.errors: list[str] = []
        self.flush_entries = flush_entries
        self.flush_seconds = flush_seconds
        self.next_check = CHECK_EVERY
        self.last_flush = time.monotonic()
        self.flush_lock = threading.Lock()
        self.on_chunk = []  # extra listeners (the value backstop, progress)
        self.raise_errors = False

    # -- errors ------------------------------------------------------------------------
    def internal_error(self, exc: BaseException) -> None:
        """Record nandoctor's own failure; the patient goes on."""
        text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        if len(self.errors) < 100:
            self.errors.append(text)
        if self.raise_errors:
            raise exc

    # -- hooks -------------------------------------------------------------------------
    def hooks(self) -> dict:
        """The functions instrumented code calls, bound tightly for speed."""
        log = self.log
        append = log.append
        ndarray = np.ndarray
        generic = np.generic
        small = SMALL_COPY
        pending = self.pending
        rec_self = self

        def summarize(v, old=None):
            with np.errstate(all="ignore"):
                flat = np.asarray(v).reshape(1, -1)
                delta = None
                if old is not None:
                    delta = (np.asarray(v, dtype=np.float64) - np.asarray(old, dtype=np.float64)).reshape(1, -1)
                return _Summary(stats_rows(flat, delta)[0], v.shape, v.dtype.str)

        def take(sid, v):
            t = type(v)
            if t is ndarray:
                if v.size <= small:
                    append((sid, v.copy()))
                else:
                    append((sid, summarize(v)))
            elif t is float or isinstance(v, generic):
                append((sid, v))
            elif isinstance(v, ndarray):  # np.matrix, masked arrays: record the plain data
                take(sid, np.array(np.ma.getdata(v)))

        def nd_rec(sid, v):
            try:
                take(sid, v)
            except RecursionError:  # at the script's recursion limit: calling anything would overflow again
                pass
            except Exception as e:  # noqa: BLE001 -- never break the patient
                rec_self.internal_error(e)
            return v

        def nd_upd(sid, old, new):
            try:
                if type(new) is ndarray and type(old) is ndarray and old.shape == new.shape:
                    if new.size <= small:
                        append((sid, new.copy(), old.copy()))
                    else:
                        append((sid, summarize(new, old)))
                else:
                    take(sid, new)
            except RecursionError:  # at the script's recursion limit: calling anything would overflow again
                pass
            except Exception as e:  # noqa: BLE001
                rec_self.internal_error(e)
            return new

        def nd_delta(sid, d):
            try:
                if type(d) is ndarray:
                    pending[sid] = d.copy() if d.size <= small else d
                elif isinstance(d, (float, generic)):
                    pending[sid] = d
            except RecursionError:  # at the script's recursion limit: calling anything would overflow again
                pass
            except Exception as e:  # noqa: BLE001
                rec_self.internal_error(e)
            return d

        def nd_augrec(sid, v):
            try:
                d = pending.pop(sid, None)
                if type(v) is ndarray and d is not None and getattr(d, "shape", None) == v.shape:
                    if v.size <= small:
                        append((sid, v.copy(), _Delta(d)))
                    else:
                        append((sid, summarize_delta(v, d)))
                else:
                    take(sid, v)
            except RecursionError:  # at the script's recursion limit: calling anything would overflow again
                pass
            except Exception as e:  # noqa: BLE001
                rec_self.internal_error(e)

        def summarize_delta(v, d):
            with np.errstate(all="ignore"):
                flat = np.asarray(v).reshape(1, -1)
                return _Summary(stats_rows(flat, np.asarray(d).reshape(1, -1))[0], v.shape, v.dtype.str)

        def nd_unpack(sids, value):
            try:
                if type(value) is tuple and len(value) == len(sids):
                    for sid, v in zip(sids, value):
                        if sid >= 0:
                            take(sid, v)
            except RecursionError:  # at the script's recursion limit: calling anything would overflow again
                pass
            except Exception as e:  # noqa: BLE001
                rec_self.internal_error(e)
            return value

        def nd_args(sids, values):
            try:
                for sid, v in zip(sids, values):
                    take(sid, v)
            except RecursionError:  # at the script's recursion limit: calling anything would overflow again
                pass
            except Exception as e:  # noqa: BLE001
                rec_self.internal_error(e)

        def nd_iter(lid):
            append((~lid, ITER_MARK))
            if len(log) >= rec_self.next_check:
                rec_self.maybe_flush()

        def nd_exit(lid):
            append((~lid, EXIT_MARK))

        return {
            REC: nd_rec,
            UPD: nd_upd,
            DELTA: nd_delta,
            AUGREC: nd_augrec,
            UNPACK: nd_unpack,
            ARGS: nd_args,
            ITER: nd_iter,
            EXIT: nd_exit,
        }

    # -- chunks ------------------------------------------------------------------------
    def maybe_flush(self) -> None:
        self.next_check = len(self.log) + CHECK_EVERY
        if len(self.log) >= self.flush_entries or time.monotonic() - self.last_flush >= self.flush_seconds:
            self.flush()

    def flush(self) -> Chunk | None:
        """Turn the entries logged so far into a chunk and hand it to the sink."""
        if not self.flush_lock.acquire(blocking=False):
            return None
        try:
            n = len(self.log)
            if n == 0:
                self.last_flush = time.monotonic()
                return None
            entries = self.log[:n]
            del self.log[:n]
            base = self.base
            self.base += n
            self.next_check = len(self.log) + CHECK_EVERY
            try:
                with np.errstate(all="ignore"):
                    chunk = self._process(entries, base)
            except Exception as e:  # noqa: BLE001
                self.internal_error(e)
                return None
            self.chunks.append(chunk)
            for listener in self.on_chunk:
                try:
                    listener(chunk)
                except Exception as e:  # noqa: BLE001
                    self.internal_error(e)
            if self.sink is not None:
                try:
                    self.sink(chunk, self)
                except Exception as e:  # noqa: BLE001
                    self.internal_error(e)
            self.last_flush = time.monotonic()
            return chunk
        finally:
            self.flush_lock.release()

    def _code(self, table: dict, key: str) -> int:
        code = table.get(key)
        if code is None:
            code = table[key] = len(table)
        return code

    def _process(self, entries: list, base: int) -> Chunk:
        ev_seq, ev_loop, ev_kind = [], [], []
        groups: dict = {}
        summaries: list = []
        for i, e in enumerate(entries):
            sid = e[0]
            if sid < 0:
                ev_seq.append(base + i)
                ev_loop.append(~sid)
                ev_kind.append(EV_ITER if e[1] is ITER_MARK else EV_EXIT)
                continue
            v = e[1]
            if type(v) is np.ndarray:
                key = (sid, v.shape, v.dtype.str, len(e) == 3)
            elif type(v) is _Summary:
                summaries.append((base + i, sid, v))
                continue
            else:
                key = (sid, (), type(v).__name__ if type(v) is float else np.asarray(v).dtype.str, False)
            g = groups.get(key)
            if g is None:
                g = groups[key] = ([], [], [])
            g[0].append(base + i)
            g[1].append(v)
            if len(e) == 3:
                g[2].append(e[2])
        seqs, sites, shapes, dtypes, rows = [], [], [], [], []
        values = []
        for (sid, shape, dtype, has_old), (gseq, gvals, golds) in groups.items():
            if type(gvals[0]) is np.ndarray:
                block = np.stack(gvals).reshape(len(gvals), -1)
            else:
                block = np.asarray(gvals).reshape(len(gvals), 1)
            delta = None
            if has_old:
                olds = golds
                try:  # an object or string array has no update norm; it must not cost the whole chunk
                    if type(olds[0]) is _Delta:
                        delta = np.stack([o.d for o in olds]).reshape(len(olds), -1)
                    else:
                        fb = block.astype(np.float64) if block.dtype.kind != "c" else block
                        delta = fb - np.stack(olds).reshape(len(olds), -1)
                except (TypeError, ValueError):
                    delta = None
            st = stats_rows(block, delta)
            shape_code = self._code(self.shapes, str(tuple(shape)))
            dtype_code = self._code(self.dtypes, dtype)
            gseq_a = np.asarray(gseq, dtype=np.int64)
            seqs.append(gseq_a)
            sites.append(np.full(len(gseq), sid, dtype=np.int32))
            shapes.append(np.full(len(gseq), shape_code, dtype=np.int32))
            dtypes.append(np.full(len(gseq), dtype_code, dtype=np.int32))
            rows.append(st)
            if block.shape[1] <= KEEP_VALUES_MAX and block.dtype.kind in "fiub":
                kept = self.values_kept.get(sid, 0)
                room = KEEP_VALUES_OBS - kept
                if room > 0:
                    take = min(room, len(gseq))
                    values.append((sid, shape_code, gseq_a[:take], block[:take].astype(np.float64)))
                    self.values_kept[sid] = kept + take
        for seq, sid, s in summaries:
            seqs.append(np.array([seq], dtype=np.int64))
            sites.append(np.array([sid], dtype=np.int32))
            shapes.append(np.array([self._code(self.shapes, str(tuple(s.shape)))], dtype=np.int32))
            dtypes.append(np.array([self._code(self.dtypes, s.dtype)], dtype=np.int32))
            rows.append(s.row.reshape(1, NSTATS))
        if seqs:
            seq = np.concatenate(seqs)
            order = np.argsort(seq, kind="stable")
            obs = (
                seq[order],
                np.concatenate(sites)[order],
                np.concatenate(shapes)[order],
                np.concatenate(dtypes)[order],
                np.concatenate(rows)[order],
            )
        else:
            obs = (
                np.zeros(0, np.int64),
                np.zeros(0, np.int32),
                np.zeros(0, np.int32),
                np.zeros(0, np.int32),
                np.zeros((0, NSTATS)),
            )
        return Chunk(
            *obs,
            ev_seq=np.asarray(ev_seq, dtype=np.int64),
            ev_loop=np.asarray(ev_loop, dtype=np.int32),
            ev_kind=np.asarray(ev_kind, dtype=np.int8),
            values=values,
        )


class _Delta:
    """The change an augmented update applied, kept beside the new value."""

    __slots__ = ("d",)

    def __init__(self, d):
        self.d = d
