"""The hot path: hooks that instrumented code calls, and batched conversion of what they saw into chunks.

Each hook appends an entry to two parallel lists, the log of codes (site and kind, or a loop event)
and the payloads. The common cases are handled in C by `_fasthooks.c` when it is built: a small array
whose site has seen its shape and dtype before goes onto the end of that site's own buffer (or, when
its bytes repeat the site's previous observation, only a repeat flag does); a float64 array of up to
EXACT_ROWS_MAX elements becomes its statistics row at once; a larger one is screened or checked as
`stats.BigArrays` decides. Their payload is None. Other values carry their payload: a scalar as it
is, a small array of another shape as its bytes with shape and dtype, a large array as its
statistics computed at once. Every second (or 65,536 entries) a flush turns the entries into a
chunk: observations are grouped by code with numpy, each group's distinct rows are summarised
vectorised (one `stats.stats_rows` call per row width), and one gather puts the rows in seq order.

Long runs stay bounded: past `full_obs` observations of a site, a `Thinner` keeps a decimated
history (see its docstring) that never drops a spike or the rows around a non-finite value.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import signal
import sys
import threading
import time
import traceback
import types
from dataclasses import dataclass, field
from operator import itemgetter
from typing import NamedTuple

import numpy as np

from .. import columns as C
from . import PACKAGE_DIR
from ..recording import EV_EXIT, EV_ITER  # noqa: F401 -- the loop-event kinds, declared with the columns
from .instrument import (ARGS, AUGREC, BEGIN, DELTA, EXIT, ITER, KEEP, KEPT, KEY, KEYOF, OLD, REC, SETATTR, UNPACK,
                         UPD, UPDV, WKEEP, WKEPT,
                         Registry)
from .stats import EXACT_ROWS_MAX, IDX, NSTATS, BigArrays, stats_rows

# Arrays up to this many elements are copied on the hot path and summarised later in batches;
# larger ones are summarised at once (a copy would cost more than the statistics). Where the C hooks
# are built, float64 arrays from KEEP_VALUES_MAX up to stats.EXACT_ROWS_MAX elements are summarised at
# once, in C, into the very row the batch would give (`_fasthooks.c`, "Statistics rows").
SMALL_COPY = 8192
# Raw values of sites up to this many elements are kept for detectors (per-sample evidence).
KEEP_VALUES_MAX = 256
# Every observation of a site is kept up to this many (rows and small-site values; 12,000 keeps every step
# of the 10,000-step seed with room to spare); beyond it the
# history is thinned. NANDOCTOR_FULL_OBS overrides; 0 keeps everything (unbounded memory).
FULL_OBS = 12_000
# A chunk is cut at this many entries, or after FLUSH_SECONDS, whichever comes first.
FLUSH_ENTRIES = 65_536
FLUSH_SECONDS = 1.0
# Past this many entries the history is large and the peak is history + one flush's transient copies
# (the log, joined payload blocks, statistics temporaries: ~35 MB at 65,536 entries), so chunks are cut
# at LONG_FLUSH_ENTRIES instead: 500k steps of the answer variant peak at 195 MB instead of 228 while
# recording. Short runs (the 10k-step seed logs ~250k entries) keep the larger chunks: each flush costs
# ~7 ms of fixed per-group and thinning work on the training thread.
LONG_RUN_ENTRIES = 1_000_000
LONG_FLUSH_ENTRIES = 16_384
CHECK_EVERY = 2048
# A chunk is also cut once the small arrays copied for it hold this many bytes: at 65,536 entries, copies of a
# float32 array of 7,200 elements would hold 1.9 GB (and the statistics convert them to float64). Where entries
# are large, the size is checked more often than every CHECK_EVERY entries, down to every CHECK_MIN.
FLUSH_BYTES = 32 << 20
CHECK_MIN = 64
# Flushes of at least this many entries hand the heap pages they freed back to the OS (`_trim`).
TRIM_ENTRIES = 8192


# Entry codes: sid + kind * KIND for observations; -1 - (2 * loop + EV_*) for loop events.
KIND = 1 << 40
K_PLAIN, K_OLD, K_DELTA, K_SUMMARY, K_SCALAR, K_GSCALAR, K_GEN, K_ROW = 0, 1, 2, 3, 4, 5, 6, 7
_F8 = np.dtype(np.float64)

# numpy scalar types whose value a Python number holds exactly, by id: (type, converter, code offset). The
# type is held, so that its id stays its own.
_NUMBER_TYPES = ((float, (np.float16, np.float32, np.float64)), (complex, (np.complex64, np.complex128)),
                 (int, (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64)),
                 (bool, (np.bool_,)))
# Such a scalar is logged under kind K_NUMBER + k, k its dtype's place in NUMBER_DTYPES, with its value as a
# Python number for payload: nothing the garbage collector tracks.
NUMBER_DTYPES = tuple(np.dtype(t) for _, types in _NUMBER_TYPES for t in types)
K_NUMBER = 8
_SCALAR_OF = {id(t): (t, conv, (K_NUMBER + NUMBER_DTYPES.index(np.dtype(t))) * KIND)
              for conv, types in _NUMBER_TYPES for t in types}

# nandoctor's own errors are kept as text (at most MAX_ERRORS); one that cost a site observations ends in
# this form, kept up to date as the same error recurs there, so that the report can say what it cost.
MAX_ERRORS = 100
_LOST = re.compile(r" \[site (\d+): (\d+) observations? lost\]$")


# Types whose values hold no numbers to summarise (counters, names, code): not counted as unsummarised.
_NOT_VALUES = frozenset(id(t) for t in (type(None), bool, int, str, bytes, type, range, slice, types.FunctionType,
                                        types.BuiltinFunctionType, types.MethodType, types.ModuleType,
                                        types.GeneratorType, type(Ellipsis), type(NotImplemented)))


# Tables held as Python lists of lists of floats, up to this many numbers, are recorded as float64 arrays
# (pure-Python code keeps its data in them); longer ones would cost a Python-level scan per observation.
LIST_VALUES_MAX = 20000


def float_list_array(v: list) -> np.ndarray | None:
    """A table held as a list of equal-length lists of Python floats and ints (at least one float) as a float64
    array; None for anything else. Only exact float and int elements are read (their conversion runs no user
    code), so recording it cannot change what the script computes. Flat lists (a pure-Python weight vector, a
    running gradient) stay unrecorded: the program model reads those through their element writes."""
    n = len(v)
    if n < 2 or n > LIST_VALUES_MAX or type(v[0]) is not list:
        return None
    width = len(v[0])
    if not width or n * width > LIST_VALUES_MAX:
        return None
    seen_float = False
    for row in v:
        if type(row) is not list or len(row) != width:
            return None
        for e in row:
            t = type(e)
            if t is float:
                seen_float = True
            elif t is not int:
                return None
    return np.array(v, dtype=np.float64) if seen_float else None


# id(type) -> (the type, how its instances' `data` and `grad` are read, or None); the type is held so that its id is
# not reused by another (a notebook redefines its classes)
_NODE_READERS: dict[int, tuple] = {}


def _node_reader(t: type):
    """("dict", object's own `__dict__` getter) or ("slots", data's member, grad's member) for a type whose
    instances may be scalar autograd nodes; None otherwise. Found on the type's MRO dicts, never by getattr."""
    mro = type.__dict__["__mro__"].__get__(t)
    members = {}
    for klass in mro:
        d = type.__dict__["__dict__"].__get__(klass)
        for name in ("data", "grad"):
            m = d.get(name)
            if name not in members and m is not None:
                members[name] = m
    if all(type(members.get(n)) is types.MemberDescriptorType for n in ("data", "grad")):
        return ("slots", members["data"], members["grad"])
    if members:  # a class attribute, property or other descriptor named data or grad: not read
        return None
    for klass in mro:
        found = type.__dict__["__dict__"].__get__(klass).get("__dict__")
        if found is not None:
            # object's own getter (a getset descriptor of the type), never a property the class defines
            if type(found) is types.GetSetDescriptorType and found.__objclass__ is klass:
                return ("dict", found)
            return None
    return None


def node_number(t: type, v) -> float | None:
    """The number a scalar autograd node holds (`Value(data=0.3, grad=0.0)`: a `data` that is a Python float or int
    beside a `grad`, in the instance dict or in `__slots__`), as a float; None for anything else. They are read with
    object's own dict getter or the slots' member descriptors, found on the type without running any of its code,
    and only exact float and int values are read: recording a node cannot run the script's code."""
    known = _NODE_READERS.get(id(t))
    if known is not None and known[0] is t:
        reader = known[1]
    else:
        try:
            reader = _node_reader(t)
        except Exception:  # noqa: BLE001 -- an exotic type is not a node
            reader = None
        _NODE_READERS[id(t)] = (t, reader)
    if reader is None:
        return None
    try:
        if reader[0] == "slots":
            reader[2].__get__(v)  # raises AttributeError when unset: then no node
            x = reader[1].__get__(v)
        else:
            d = reader[1].__get__(v)
            if type(d) is not dict or "grad" not in d:
                return None
            x = d.get("data")
    except Exception:  # noqa: BLE001
        return None
    tx = type(x)
    return float(x) if tx is float or tx is int else None


# Parameters held as a short Python list of arrays (`self.weights = [w - eta * nw for ...]`) are recorded element
# by element, in the list's order, like a statement writing several arrays each step; a longer list is a data
# set held as arrays, whose every element would cost an observation.
ARRAY_LIST_MAX = 32


def array_list(v: list) -> list | None:
    """The arrays of a short list of plain numeric numpy arrays, or of exact lists or tuples of them (`[[W, b], ...]`,
    `[(W, b), ...]`), flattened in order; None for anything else. array_parts' walk (which runs no user code), kept
    to lists of lists and tuples and to ARRAY_LIST_MAX numeric arrays."""
    if not 0 < len(v) <= ARRAY_LIST_MAX or any(type(e) is dict for e in v):
        return None
    parts = array_parts(v)
    if parts is None or len(parts) > ARRAY_LIST_MAX or any(a.dtype.kind not in "fiub" for _, a in parts):
        return None
    return [a for _, a in parts]


def _holds_parameters(registry, sid: int) -> bool:
    """See Recorder.hooks' holds_parameters: decided from the registered sites and loops, no value read."""
    if sid >= len(registry.sites):
        return False
    target = registry.sites[sid].target
    if "[" in target or target.startswith(("arg ", "return")):
        return False
    if any(s.kind == "update" and s.target == target for s in registry.sites):
        return True
    word = re.compile(r"(?<![\w.])" + re.escape(target) + r"(?![\w])")
    return any(lp.header.startswith("for ") and word.search(lp.header.split(" in ", 1)[-1]) for lp in registry.loops)


# A list, tuple or dict of arrays (`self.weights = [...]`, `tower[:] = [(W, b), ...]`, `params = {"W1": ...}`) is
# recorded array by array, each at a site of its own (`self.weights[0]`), up to this many arrays; larger
# collections (a dataset kept as a list of samples) stay unrecorded, counted among the values not summarised.
ELEMENT_ARRAYS_MAX = 64
# Arrays written in place from their own value (`np.subtract(w, g, out=w)`) are copied before the call, up to this
# size, so that the step is measured; a larger one is recorded after the call without its step.
INPLACE_COPY_MAX = 1 << 20


def array_parts(v) -> list | None:
    """[(place, array)] for the arrays an exact list, tuple or dict holds, directly or in one nested list, tuple or
    dict (`[(W, b), ...]`), places written as in source (`[0][1]`, `['W1']`); None when anything else is held or
    there are more than ELEMENT_ARRAYS_MAX arrays. Only exact containers with int or str keys are read: walking
    them runs no user code."""
    out: list = []

    def walk(x, place, depth):
        t = type(x)
        if t is np.ndarray:
            if x.dtype.hasobject:
                return False
            out.append((place, x))
            return len(out) <= ELEMENT_ARRAYS_MAX
        if depth > 1:
            return False
        if t is list or t is tuple:
            if not x or len(x) > ELEMENT_ARRAYS_MAX:
                return False
            return all(walk(e, f"{place}[{i}]", depth + 1) for i, e in enumerate(x))
        if t is dict:
            if not x or len(x) > ELEMENT_ARRAYS_MAX:
                return False
            for k, e in dict.items(x):
                if type(k) is not str and type(k) is not int:
                    return False
                if not walk(e, f"{place}[{k!r}]", depth + 1):
                    return False
            return True
        return False

    return out if walk(v, "", 0) and out else None


def lost_observations(errors) -> dict[int, int]:
    """site id -> how many of its observations nandoctor's own errors cost, read from the error texts."""
    lost: dict[int, int] = {}
    for text in errors:
        m = _LOST.search(text) if type(text) is str else None
        if m is not None:
            lost[int(m[1])] = lost.get(int(m[1]), 0) + int(m[2])
    return lost


def _load_trim():
    """glibc's malloc_trim, or None: hands the heap pages a flush freed back to the OS (ctypes drops the GIL)."""
    if os.environ.get("NANDOCTOR_NO_TRIM"):
        return None
    try:
        import ctypes
        import ctypes.util

        name = ctypes.util.find_library("c")
        fn = ctypes.CDLL(name).malloc_trim if name else None
        if fn is not None:
            fn.argtypes, fn.restype = [ctypes.c_size_t], ctypes.c_int
        return fn
    except (OSError, AttributeError, ImportError):  # not glibc (macOS, musl, Windows)
        return None


_malloc_trim = _load_trim()


def _trim() -> None:
    if _malloc_trim is not None:
        _malloc_trim(0)



@contextlib.contextmanager
def interrupts_held():
    """Hold a Ctrl-C that comes while the block runs, then act on it once the block is done.

    A chunk's entries leave the log before they are processed, so an interrupt in the middle would lose
    them. Python runs its signal handlers in the main thread between bytecodes, wherever it is: the
    script's handler is put back after the block and called then, with the script's own frame.
    """
    # By ident: threading.current_thread() on the flusher's bare thread would register a dummy Thread that the
    # script's threading.enumerate() then lists.
    if threading.get_ident() != threading.main_thread().ident:
        yield  # handlers only ever run on the main thread: one coming now waits for it anyway
        return
    try:
        handler = signal.getsignal(signal.SIGINT)
    except (ValueError, OSError):
        handler = None
    if not callable(handler):  # SIG_IGN, SIG_DFL or set outside Python: no Python code runs on it
        yield
        return
    held = []
    signal.signal(signal.SIGINT, lambda signum, frame: held.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, handler)
        if held:
            frame = sys._getframe(1)
            while frame is not None and (frame.f_code.co_filename.startswith(PACKAGE_DIR)
                                         or frame.f_code.co_filename == contextlib.__file__):
                frame = frame.f_back
            handler(held[0], frame)

class FastEntry(NamedTuple):
    """A site's fast entry (`Recorder.fast[site]`), the state the hooks keep per site. Stored as a plain tuple
    (`fast_entry`), read by position through the FE_* constants here and the same-named enum in
    `_fasthooks.c`, which exports its names (FAST_ENTRY_FIELDS): `_c_hooks` refuses the C hooks unless they
    equal these fields, so both paths read one layout. The entry of a small or mid-sized site ends after
    `row_code`; a large float64 site's also holds `cell`."""

    shape: tuple  # the shape its plain entries have (fixed at the site's first small array)
    dtype: np.dtype  # their dtype
    nbytes: int  # their size in bytes
    plain_buf: bytearray  # bytes of its buffered plain observations, back to back (see `_put`)
    update_buf: bytearray  # bytes of its buffered updates: new value then old, back to back
    update_code: int  # the log code of a buffered update (site + K_OLD * KIND)
    plain_flags: bytearray  # one byte per buffered plain observation: 1 when it repeats the previous one
    update_flags: bytearray  # the same for buffered updates
    row_buf: bytearray  # statistics rows the C hooks computed at once (NSTATS float64 each)
    row_code: int  # the log code of such a row (site + K_ROW * KIND)
    cell: bytearray | None = None  # a large site's screening state (stats.BigArrays.cell)


FAST_ENTRY_FIELDS = FastEntry._fields
# Positions of the fields, for the hot path (a plain tuple indexed by a constant is the fastest read).
(FE_SHAPE, FE_DTYPE, FE_NBYTES, FE_PLAIN_BUF, FE_UPDATE_BUF, FE_UPDATE_CODE, FE_PLAIN_FLAGS, FE_UPDATE_FLAGS,
 FE_ROW_BUF, FE_ROW_CODE, FE_CELL) = range(len(FAST_ENTRY_FIELDS))


def fast_entry(sid: int, v, cell: bytearray | None = None) -> tuple:
    """A new site's fast entry for values like `v`, as the plain tuple the hooks read (FastEntry's layout)."""
    entry = FastEntry(v.shape, v.dtype, v.nbytes, bytearray(), bytearray(), sid + K_OLD * KIND, bytearray(),
                      bytearray(), bytearray(), sid + K_ROW * KIND, cell)
    return tuple(entry) if cell is not None else tuple(entry)[:FE_CELL]


def _c_hooks(log, payloads, fast, k_scalar, rec, args, upd, updates=None):
    """The C implementation of the hooks' common case (`_fasthooks.c`), or None: not built, switched off
    by NANDOCTOR_PURE_PYTHON, or numpy's array layout not the one it reads. It falls back to `rec`,
    `args` and `upd` for everything but a small array of its site's fast shape and dtype, or a float;
    `updates` (the delta and augrec hooks, the pending deltas, the screening sample) lets it screen
    large updates too."""
    if os.environ.get("NANDOCTOR_PURE_PYTHON"):
        return None
    try:
        from . import _fasthooks
    except ImportError:
        return None
    if getattr(_fasthooks, "FAST_ENTRY_FIELDS", None) != FAST_ENTRY_FIELDS:
        return None  # built from another version of the source: it would misread the entries
    try:
        probe = np.zeros(3)
        extra = (row_layout(),) if updates is None else (row_layout(), updates)
        return _fasthooks.Hooks(log, payloads, fast, np.ndarray, k_scalar, rec, args, upd,
                                probe, probe.__array_interface__["data"][0], 3, probe.dtype, 1, *extra)
    except (TypeError, RuntimeError, ValueError):
        return None


def row_layout() -> tuple:
    """What the C hooks need to compute statistics rows as `stats.stats_rows` does: which arrays (float64,
    over KEEP_VALUES_MAX and up to EXACT_ROWS_MAX elements), the row's column of each statistic they fill
    (by name: `_fasthooks.ROW_SLOTS`), and stats_rows' thresholds."""
    from . import _fasthooks
    from . import stats as S

    cols = _fasthooks.ROW_SLOTS  # names of columns.STATS
    # Above KEEP_VALUES_MAX: no values kept. Above _NARROW: stats_rows never transposes such a block, so its
    # sums run along the row, pairwise.
    return (_F8, max(KEEP_VALUES_MAX, S._NARROW), EXACT_ROWS_MAX, SMALL_COPY, NSTATS, tuple(IDX[c] for c in cols),
            S._TINY_SQ, S._HUGE, S._CANCEL, S.SAT_NEAR_TOL)


def _put(buf: bytearray, flags: bytearray, data: bytes) -> None:
    """Record a buffered entry's bytes, as `_fasthooks.c` does: when they equal the buffer's last row (the
    site's previous observation: a constant input, an array gone all-NaN) only the flag 1, otherwise
    the flag 0 and the bytes. The buffer grows by half when it must grow: bytearray's own policy adds
    an eighth, and each move of a large buffer copies it."""
    n = len(data)
    if n and len(buf) >= n and buf[-n:] == data:
        flags.append(1)
        return
    flags.append(0)
    size = len(buf) + n
    if size >= buf.__alloc__() and size > 64:
        old = len(buf)
        buf.extend(bytes(size + size // 2 - old))
        del buf[old:]  # keeps the allocation unless `data` is most of the buffer
    buf += data


def _full_obs_default() -> int:
    try:
        return int(os.environ.get("NANDOCTOR_FULL_OBS", FULL_OBS))
    except ValueError:
        return FULL_OBS


# -- thinning -------------------------------------------------------------------------------------
# Beyond the cap, each site's history is cut into windows of consecutive observations: the first
# FULL_OBS * 2**k .. FULL_OBS * 2**(k+1) observations form stage k, split into WINDOWS_PER_STAGE windows,
# so windows double in length with each stage and the rows kept grow with the log of the run length.
WINDOWS_PER_STAGE = 128
# Rows kept in full on each side of a change in a site's non-finite status (first NaN, first inf, back).
GUARD = 16
# A row is an outlier worth keeping when a spike statistic exceeds this multiple of its window's
# median: 3x, well under the 10x a spike detector uses, so every detectable spike is kept.
SPIKE_KEEP = 3.0
# At most this many outliers per statistic and window (the largest), which bounds the worst case.
OUTLIERS = 8
_SPIKE_STATS = (IDX[C.ABSMAX], IDX[C.L2], IDX[C.UPDATE_L2])
_EXTREME_STATS = (IDX[C.ABSMAX], IDX[C.L2], IDX[C.UPDATE_L2], IDX[C.MEAN], IDX[C.MIN], IDX[C.MAX])


class Thinner:
    """Keeps every observation of a site up to `full` of them, then a decimated history.

    From each window of the decimated part it keeps the last row, the rows holding the largest and
    smallest absmax, L2, update norm, mean, min and max, the window's median row by L2, and every
    row whose absmax, L2 or update norm is more than SPIKE_KEEP times the window's median (up to
    OUTLIERS per statistic). Around every change in a site's non-finite status it keeps GUARD rows
    on either side in full; to see the rows before such a change, a window is decided only once
    GUARD later observations of its site have arrived (the rows held back are released at the end).
    Small-site values follow their rows. `full <= 0` keeps everything.
    """

    def __init__(self, full: int):
        self.full = int(full)
        self.count: dict[int, int] = {}
        self.held: dict[int, dict] = {}
        self.held_values: dict[int, list] = {}
        self.keep_until: dict[int, int] = {}
        self.sig_before: dict[int, int] = {}  # non-finite signature of the row before the held ones

    def holding(self) -> bool:
        return any(len(h["ord"]) for h in self.held.values())

    def thin(self, cols, values, *, final=False):
        """(rows of `cols` to emit, released held rows as column tuples, values to emit) for one chunk."""
        if self.full <= 0:
            return None, [], values
        seq, site, shp, dt, st = cols
        if len(site) and not self.holding():
            # The common case, every site still under the cap: no sort, every row passes.
            bc = np.bincount(site)
            sids = np.flatnonzero(bc).tolist()
            tot = [self.count.get(sid, 0) + int(bc[sid]) for sid in sids]
            if max(tot) <= self.full:
                for sid, t in zip(sids, tot):
                    self.count[sid] = t
                    if t == self.full:  # thinning starts with its next row: remember this one's status
                        self.sig_before[sid] = int(_nf_sig(st[np.flatnonzero(site == sid)[-1:]])[0])
                return None, [], values
        out_idx = []  # rows of this chunk passed through in full
        released = []  # (seq, site, shape, dtype, stats) parts released from held rows
        cut: dict[int, int] = {}  # site -> first seq of this chunk beyond the cap
        if len(site):
            order = np.argsort(site, kind="stable")
            ss = site[order]
            b = np.flatnonzero(ss[1:] != ss[:-1]) + 1
            for part in np.split(order, b):
                sid = int(site[part[0]])
                c0 = self.count.get(sid, 0)
                m = len(part)
                self.count[sid] = c0 + m
                n_full = max(0, min(m, self.full - c0))
                if n_full:
                    out_idx.append(part[:n_full])
                    self.sig_before[sid] = int(_nf_sig(st[part[n_full - 1:n_full]])[0])
                if n_full < m:
                    rest = part[n_full:]
                    cut[sid] = int(seq[rest[0]])
                    h = self.held.setdefault(sid, {"ord": np.zeros(0, np.int64), "seq": np.zeros(0, np.int64),
                                                   "shape": np.zeros(0, np.int32), "dtype": np.zeros(0, np.int32),
                                                   "stats": np.zeros((0, NSTATS))})
                    h["ord"] = np.concatenate([h["ord"], np.arange(c0 + n_full, c0 + m, dtype=np.int64)])
                    h["seq"] = np.concatenate([h["seq"], seq[rest]])
                    h["shape"] = np.concatenate([h["shape"], shp[rest]])
                    h["dtype"] = np.concatenate([h["dtype"], dt[rest]])
                    h["stats"] = np.concatenate([h["stats"], st[rest]])
        kept_values = []
        for sid, code, vseq, data in values:
            c = cut.get(sid)
            if c is None:
                kept_values.append((sid, code, vseq, data))
                continue
            m = vseq < c
            if m.any():
                kept_values.append((sid, code, vseq[m], data[m]))
            if (~m).any():
                self.held_values.setdefault(sid, []).append((code, vseq[~m], data[~m]))
        # Every site's complete windows are picked from in one call: the picks cost ~0.3 ms of numpy
        # overhead per call, which per site and flush came to 1.3 s of a 100,000-step run.
        ready = [(sid, h) + r for sid, h in self.held.items() if len(h["ord"])
                 for r in [self._ready(sid, h, final)] if r is not None]
        if ready:
            picks = _window_picks(np.concatenate([(np.int64(i) << 40) + r[3] for i, r in enumerate(ready)]),
                                  np.concatenate([h["stats"][:n] for _, h, n, *_ in ready]))
            at = 0
            for sid, h, n_ready, _, keep, sig_last in ready:
                part, upto = self._release(sid, h, n_ready, keep | picks[at:at + n_ready], sig_last)
                at += n_ready
                released.append(part)
                kept_values.extend(self._release_values(sid, part[0], upto))
        if not cut and not released:
            return None, [], kept_values  # nothing beyond the cap: every row
        parts_idx = np.concatenate(out_idx) if out_idx else np.zeros(0, np.int64)
        return parts_idx, released, kept_values

    def _ready(self, sid, h, final):
        """The held rows of one site whose windows are complete and guarded, or None.

        Returns (rows ready, their window keys, rows kept regardless, non-finite status of the last).
        """
        o, stats = h["ord"], h["stats"]
        full, newest = self.full, self.count[sid] - 1
        stage = np.floor(np.log2(o / full)).astype(np.int64)
        stage = np.maximum(stage, 0)
        stage = stage - (o < (full << stage))  # float log2 rounding at exact powers
        stage = stage + (o >= (full << (stage + 1)))
        w = np.maximum(1, full // WINDOWS_PER_STAGE) << stage
        local = (o - (full << stage)) // w
        wkey = (stage << 32) + local
        wend = (full << stage) + (local + 1) * w - 1
        ready = np.ones(len(o), bool) if final else (wend + GUARD <= newest)
        # Non-finite status changes, over everything held (the guard needs rows on both sides).
        sig = _nf_sig(stats)
        prev = np.concatenate(([self.sig_before.get(sid, 0)], sig[:-1]))
        trans = o[sig != prev]
        keep = np.zeros(len(o), bool)
        if len(trans):
            pos = np.searchsorted(trans, o)
            near_next = (pos < len(trans)) & (trans[np.minimum(pos, len(trans) - 1)] - o <= GUARD)
            near_prev = (pos > 0) & (o - trans[np.maximum(pos - 1, 0)] <= GUARD)
            keep |= near_next | near_prev | np.isin(o, trans)
            self.keep_until[sid] = max(self.keep_until.get(sid, -1), int(trans[-1]) + GUARD)
        keep |= o <= self.keep_until.get(sid, -1)
        n_ready = int(np.count_nonzero(ready))  # ordinals ascend, so the ready rows come first
        if n_ready == 0:
            return None
        return n_ready, wkey[:n_ready], keep[:n_ready], int(sig[n_ready - 1])

    def _release(self, sid, h, n_ready, keep_r, sig_last):
        """(kept rows among the first n_ready held rows of a site, seq of the last of those); drops them all."""
        sel = np.flatnonzero(keep_r)
        stats = h["stats"]
        part = (h["seq"][sel], np.full(len(sel), sid, np.int32), h["shape"][sel], h["dtype"][sel], stats[sel])
        upto = int(h["seq"][n_ready - 1])
        self.sig_before[sid] = sig_last
        for k in ("ord", "seq", "shape", "dtype", "stats"):
            h[k] = h[k][n_ready:]
        return part, upto

    def _release_values(self, sid, kept_seq, upto):
        out, rest = [], []
        for code, vseq, data in self.held_values.get(sid, []):
            decided = vseq <= upto
            # kept_seq ascends: a binary search finds each value's row (np.isin sorts both every time)
            pos = np.minimum(np.searchsorted(kept_seq, vseq), max(len(kept_seq) - 1, 0))
            m = decided & (kept_seq[pos] == vseq) if len(kept_seq) else np.zeros(len(vseq), bool)
            if m.any():
                out.append((sid, code, vseq[m], data[m]))
            if (~decided).any():
                rest.append((code, vseq[~decided], data[~decided]))
        self.held_values[sid] = rest
        return out


# A constant input (x, y), or an array gone all-NaN, repeats the bytes of its previous observation at
# every step, and the statistics of a run of equal observations need computing once (the seed's 9,750
# all-NaN steps cost 4x more in the masked path of `stats_rows` than finite ones). Buffered sites flag
# repeats as they are recorded (`_put`); the other groups of bytes (augmented updates, sites of
# several shapes) are compared here, when at least this large. Runs of neighbours, not any repeat:
# comparing neighbouring rows is one vectorised pass over the bytes already joined.
DEDUP_MIN = 32
# How many neighbouring pairs, evenly spread, are compared first; only a group with an equal pair
# among them is compared in full.
DEDUP_PROBE = 64


def _runs(blob: bytes, m: int) -> tuple[np.ndarray, np.ndarray] | None:
    """(first row of each run of byte-equal neighbouring rows, run lengths) of m rows in `blob`, or None when few repeat."""
    if m < DEDUP_MIN or not blob:
        return None
    # Raw bytes, as 8-byte words when rows allow: equal bytes, never float equality (NaN != NaN, 0.0 == -0.0).
    word = np.uint64 if (len(blob) // m) % 8 == 0 else np.uint8
    b = np.frombuffer(blob, dtype=word).reshape(m, -1)
    probe = np.arange(0, m - 1, max(1, (m - 1) // DEDUP_PROBE))
    pre = b[:, :4]  # wide rows: compare a prefix first, the whole row only where the prefixes agree
    probe = probe[(pre[probe] == pre[probe + 1]).all(axis=1)]
    if not (b[probe] == b[probe + 1]).all(axis=1).any():
        return None
    new = np.empty(m, bool)
    new[0] = True
    np.any(b[1:] != b[:-1], axis=1, out=new[1:])
    starts = np.flatnonzero(new)
    if len(starts) > m // 2:
        return None
    return starts, np.diff(starts, append=m)


def _distinct(blob: bytes, m: int) -> tuple[bytes, tuple | None]:
    """(bytes of the first row of each run, runs) of m rows in `blob`; (blob, None) when few repeat."""
    runs = _runs(blob, m)
    if runs is None:
        return blob, None
    return np.frombuffer(blob, np.uint8).reshape(m, -1)[runs[0]].tobytes(), runs


# Tests set this to compute every observation's statistics from its own row (the reference for runs).
EXPAND_RUNS = False


def _nf_sig(stats: np.ndarray) -> np.ndarray:
    """Which kinds of non-finite value each row holds: NaN 1, +inf 2, -inf 4."""
    return ((stats[:, IDX[C.N_NAN]] > 0) * 1 + (stats[:, IDX[C.N_POSINF]] > 0) * 2
            + (stats[:, IDX[C.N_NEGINF]] > 0) * 4).astype(np.int64)


def _window_picks(wkey: np.ndarray, stats: np.ndarray) -> np.ndarray:
    """Rows to keep from consecutive windows (equal wkey): last, extremes, median and outliers.

    Where a window's extreme is tied, the last such row is kept; medians are the lower middle of a
    stable sort. Windows usually all have one length (complete windows of one stage): then each
    statistic is one (windows, length) array, and extremes and sorts run along its rows; otherwise
    extremes come from segment maxima (`maximum.reduceat`) and sorts from `lexsort` by window.
    """
    n = len(wkey)
    keep = np.zeros(n, bool)
    starts = np.flatnonzero(np.concatenate(([True], wkey[1:] != wkey[:-1])))
    ends = np.concatenate((starts[1:], [n]))
    lens = ends - starts
    seg = np.repeat(np.arange(len(starts)), lens)
    keep[ends - 1] = True
    width = int(lens[0]) if len(lens) else 0
    if len(lens) > 1 and (lens == width).all():
        def last_max(vv):  # the last row holding each window's maximum
            return starts + (width - 1 - np.argmax(vv.reshape(-1, width)[:, ::-1], axis=1))

        def order(key):  # rows sorted by key within each window (stable), windows in turn
            return (np.argsort(key.reshape(-1, width), axis=1, kind="stable") + starts[:, None]).ravel()
    else:
        def last_max(vv):
            at = np.flatnonzero(vv == np.maximum.reduceat(vv, starts)[seg])
            return at[np.concatenate((seg[at][1:] != seg[at][:-1], [True]))]

        def order(key):
            return np.lexsort((key, seg))
    for k in _EXTREME_STATS:
        v = stats[:, k]
        fin = np.isfinite(v)
        if not fin.any():
            continue
        for vv in (np.where(fin, v, -np.inf), np.where(fin, -v, -np.inf)):
            last = last_max(vv)
            keep[last[fin[last]]] = True
    l2 = stats[:, IDX[C.L2]]
    o = order(np.where(np.isfinite(l2), l2, np.inf))
    keep[o[starts + (lens - 1) // 2]] = True
    for k in _SPIKE_STATS:
        v = np.abs(stats[:, k])
        fin = np.isfinite(v)
        if not fin.any():
            continue
        o = order(np.where(fin, v, np.inf))
        nfin = np.add.reduceat(fin.astype(np.int64), starts)
        med = v[o[starts + np.maximum(nfin - 1, 0) // 2]]
        with np.errstate(all="ignore"):
            ratio = np.where(fin, v / med[seg], 0.0)
        cand = np.flatnonzero(ratio > SPIKE_KEEP)
        if not len(cand):
            continue
        # Within each window, the OUTLIERS largest ratios (candidates outrank every other row).
        o = cand[np.lexsort((-ratio[cand], seg[cand]))]
        first = np.searchsorted(seg[o], seg[o], side="left")
        keep[o[np.arange(len(o)) - first < OUTLIERS]] = True
    return keep


# What an update or a kept container left for the hook after it, keyed by (site, caller's frame): at most
# this many at once (more are stale ones, left by statements an exception cut short; the oldest go).
STASH_MAX = 256
_MISSING = object()
_type_dict = type.__dict__["__dict__"].__get__  # a class's own namespace, whatever its metaclass says
_type_mro = type.__dict__["__mro__"].__get__
_OBJECT_GETATTRIBUTE = object.__dict__["__getattribute__"]
_MODULE_GETATTRIBUTE = types.ModuleType.__dict__["__getattribute__"]
_BUILTIN_SLOTS = (types.GetSetDescriptorType, types.MemberDescriptorType)


def _in_mro(mro, name):
    for klass in mro:
        d = _type_dict(klass)
        if name in d:
            return d[name]
    return _MISSING


def plain_attribute(obj, name: str):
    """obj.name as Python's attribute lookup finds it, when that runs no user code; else _MISSING.

    Only the machinery of `object.__getattribute__` (or a module's) is followed, through the classes'
    own dictionaries: a value in the instance's `__dict__` or a `__slots__` member, shadowed by no data
    descriptor, or a plain class attribute (one with no `__get__`). A property, any other descriptor, a
    custom `__getattribute__` or an attribute only `__getattr__` provides gives _MISSING, and nothing is called.
    """
    mro = _type_mro(type(obj))
    getattribute = _in_mro(mro, "__getattribute__")
    if getattribute is not _OBJECT_GETATTRIBUTE and getattribute is not _MODULE_GETATTRIBUTE:
        return _MISSING
    found = _in_mro(mro, name)
    if found is not _MISSING:
        kind_mro = _type_mro(type(found))
        if _in_mro(kind_mro, "__set__") is not _MISSING or _in_mro(kind_mro, "__delete__") is not _MISSING:
            if type(found) is types.MemberDescriptorType:  # a __slots__ member: read by C code only
                try:
                    return found.__get__(obj, type(obj))
                except AttributeError:
                    return _MISSING
            return _MISSING  # a property or another data descriptor: user code, or Python's own (left alone)
    slot = _in_mro(mro, "__dict__")
    if type(slot) in _BUILTIN_SLOTS:
        try:
            namespace = slot.__get__(obj, type(obj))
        except (AttributeError, TypeError):
            namespace = None
        if type(namespace) is dict:
            value = dict.get(namespace, name, _MISSING)
            if value is not _MISSING:
                return value
    if found is not _MISSING and _in_mro(_type_mro(type(found)), "__get__") is _MISSING:
        return found
    return _MISSING


@dataclass
class Chunk:
    """What one flush produced: observations, loop events and small-site values.

    Its columns are the Recording's row columns (recording.ROW_COLUMNS, documented there), by the same
    names; build it by keyword."""

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

    def __init__(self, registry: Registry, sink=None, *, flush_entries=FLUSH_ENTRIES, flush_seconds=FLUSH_SECONDS,
                 full_obs: int | None = None):
        self.registry = registry
        self.thinner = Thinner(_full_obs_default() if full_obs is None else full_obs)
        self.sink = sink  # called with each Chunk (the session store); may be None
        # The log: two parallel columns, the code (sid + kind * KIND, or a negative loop event) appended
        # before the payload, so the payloads' length counts the complete entries when another thread flushes.
        self.log: list = []
        self.payloads: list = []
        self.fast: dict[int, tuple] = {}  # site -> the (shape, dtype, nbytes) its plain entries have
        self.hooks_impl = "python"  # or "c": which implementation of the common case `hooks` installed
        self.accel = None  # the C hooks (`_fasthooks.Hooks`), when `hooks` made them
        self.big = BigArrays()
        self.base = 0  # seq of log[0]
        self.pending: dict = {}  # site -> delta of an augmented update, until its value is read
        self.shapes: dict[str, int] = {}
        self._shape_codes: dict[tuple, int] = {}  # shape tuple -> its code in `shapes`
        self._last_row: dict[int, bytes] = {}  # buffered code -> the last distinct row a flush took
        self.dtypes: dict[str, int] = {}
        self.chunks: list[Chunk] = []
        self.errors: list[str] = []
        # Values of types nandoctor does not summarise (a scalar autograd node, a list of weights), counted by
        # type so the verdict can say what it did not see: id(type) -> [type, count, up to 16 site ids].
        self.unsummarised: dict[int, list] = {}
        self.error_counts: dict[tuple[int, str], int] = {}  # (site, error text) -> observations it cost there
        self._error_at: dict[tuple[int, str], int] = {}  # (site, error text) -> its line in `errors`
        self.flush_entries = flush_entries
        self.flush_seconds = flush_seconds
        self.next_check = self.check_every = CHECK_EVERY
        self.last_flush = time.monotonic()
        self.flush_lock = threading.Lock()
        self.on_chunk = []  # extra listeners (the value backstop, progress)
        self.raise_errors = False

    # -- errors ------------------------------------------------------------------------
    def internal_error(self, exc: BaseException, sid: int | None = None, lost: int = 1) -> None:
        """Record nandoctor's own failure; the patient goes on. `sid`: the site whose `lost` observations it
        cost (None: no observation), counted per site and error, and said in the error's text."""
        text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        if sid is None:
            if len(self.errors) < MAX_ERRORS:
                self.errors.append(text)
        else:
            key = (sid, text)
            n = self.error_counts.get(key, 0) + lost
            at = self._error_at.get(key)
            line = f"{text} [site {sid}: {n} observation{'s' if n != 1 else ''} lost]"
            if at is not None:
                self.error_counts[key] = n
                self.errors[at] = line
            elif len(self.errors) < MAX_ERRORS:
                self.error_counts[key] = n
                self._error_at[key] = len(self.errors)
                self.errors.append(line)
        if self.raise_errors:
            raise exc

    def lost_observations(self) -> dict[int, int]:
        """site id -> observations nandoctor's own errors cost it (errors past MAX_ERRORS are not counted)."""
        return lost_observations(self.errors)

    # -- hooks -------------------------------------------------------------------------
    def hooks(self) -> dict:
        """The functions instrumented code calls, bound tightly for speed.

        The common case, a small array with its site's usual shape and dtype (`self.fast`, fixed at the
        first small array the site sees), costs one type test, one dict lookup, a dtype identity and a
        shape comparison, a copy of the data onto the end of the site's own buffer, and two appends
        (the code, and None for the payload: nothing the garbage collector tracks, nothing allocated
        per entry, and the flush finds each site's observations already side by side). Everything
        else goes through `take`. Data is written before the code: an entry counted by a flush on
        another thread has its bytes in the buffer.
        """
        log = self.log  # the codes column: its length is the number of entries
        ca, pa = self.log.append, self.payloads.append
        ndarray = np.ndarray
        generic = np.generic
        small = SMALL_COPY
        pending = self.pending
        rec_self = self
        fast = self.fast
        fget = fast.get
        k_delta, k_sum = K_DELTA * KIND, K_SUMMARY * KIND
        k_scalar, k_gscalar, k_gen = K_SCALAR * KIND, K_GSCALAR * KIND, K_GEN * KIND
        big = self.big
        keep_max = KEEP_VALUES_MAX
        exact_max = EXACT_ROWS_MAX
        f8 = _F8
        frombuffer = np.frombuffer
        generic_tobytes, generic_dtype = np.generic.tobytes, np.generic.__dict__["dtype"].__get__
        scalar_of = _SCALAR_OF
        ndarray_view = np.ndarray.view
        accel = None  # the C hooks, once made (below): they summarise mid-sized float64 arrays at once
        unsummarised, not_values = self.unsummarised, _NOT_VALUES
        registry = self.registry
        list_sites: dict[int, bool] = {}

        def holds_parameters(sid):
            """Whether the list a site binds is recorded element by element: a name some statement rebuilds from
            itself (`self.weights = [w - eta * nw for ...]`) or a for loop walks (`zip(params, grads)`), bound
            whole. A write into one element (`layers[i][j] += ...`) keeps the whole container, and a list of
            activations built afresh each pass (`outs = [x]`) is no parameter's."""
            got = list_sites.get(sid)
            if got is None:
                got = list_sites[sid] = _holds_parameters(registry, sid)
            return got

        def summarize(sid, v, delta=None):
            # A large array (or one of objects): its statistics now, since copying it would cost more.
            row = big.row(sid, v, delta)
            p_ = (row, v.dtype.str, v.shape); ca(sid + k_sum); pa(p_)

        def key(sid, v):
            """The site's fast entry, registered at its first small plain array; None if v has another shape or dtype.

            (shape, dtype, nbytes, buffer of plain entries, buffer of update entries, update code,
            repeat flags of plain entries, repeat flags of update entries, buffer of statistics rows the C
            hooks computed, their code); see `_put` and `_fasthooks.c`.
            """
            k = fget(sid)
            if k is None:
                k = fast[sid] = fast_entry(sid, v)
            return k if (v.shape == k[FE_SHAPE] and v.dtype == k[FE_DTYPE]) else None

        def big_entry(sid, v):
            # A large float64 array: its fast entry carries the site's screening state (stats.BigArrays.cell),
            # with which the C hooks screen the site's next observations and updates themselves.
            if sid not in fast:
                big.cell(sid, v.size)
                fast[sid] = fast_entry(sid, v, big.buffers[sid])

        def take(sid, v):
            t = type(v)
            if t is ndarray:
                dt = v.dtype
                if v.size <= small and not dt.hasobject:
                    k = key(sid, v)
                    if k is not None:
                        _put(k[FE_PLAIN_BUF], k[FE_PLAIN_FLAGS], v.tobytes()); ca(sid); pa(None)
                    else:
                        p_ = (v.tobytes(), v.shape, dt); ca(sid + k_gen); pa(p_)
                else:
                    if dt is f8 and v.size <= exact_max:
                        # The C hooks summarise the site's next ones, and this one too when they are built.
                        if key(sid, v) is not None and accel is not None and accel.row(sid, v, None):
                            return
                    elif dt is f8:
                        big_entry(sid, v)
                    summarize(sid, v)
            elif t is float:
                ca(sid + k_scalar); pa(v)
            elif id(t) in not_values:
                # ints, strings, None, functions (an index, a counter, a hash in pure-Python code): tested before
                # the subclass checks below, which would cost as much again on every such value
                return
            # Types are tested with issubclass on type(v), and read through numpy's own descriptors: isinstance
            # reads __class__, and an attribute of a user subclass may be a property or go through its
            # __getattribute__ or __getattr__, all code the script would not have run.
            elif id(t) in scalar_of:
                # A numpy scalar's value as a Python number (exact for these types; the code says the dtype),
                # not the scalar: the log must not keep alive what the script frees. Looked up by id: hashing
                # a type may run a metaclass's __hash__.
                s_ = scalar_of[id(t)]; p_ = s_[1](v); ca(sid + s_[2]); pa(p_)
            elif issubclass(t, generic):  # other numpy scalars and user subclasses: their bytes
                d_ = generic_dtype(v)
                if not d_.hasobject:  # a structured scalar holding objects: its bytes are pointers
                    p_ = (generic_tobytes(v), d_); ca(sid + k_gscalar); pa(p_)
            elif issubclass(t, ndarray):  # np.matrix, masked arrays, user subclasses: the plain data
                take(sid, ndarray_view(v, ndarray))
            elif t is list and (a_ := float_list_array(v)) is not None:
                # A pure-Python table's numbers as an array, copied so later appends do not show.
                take(sid, a_)
            elif t is list and holds_parameters(sid) and (l_ := array_list(v)) is not None:
                for e_ in l_:  # a list of parameter arrays bound whole: each element, in order
                    take(sid, e_)
            elif (t is list or t is tuple or t is dict) and expands(sid) and (parts_ := array_parts(v)) is not None:
                elements(sid, parts_)
            else:
                # (a built-in container is never a scalar autograd node: no attribute lookup for it)
                n_ = None if t is list or t is tuple or t is dict else node_number(t, v)
                if n_ is not None:
                    ca(sid + k_scalar); pa(n_)  # a scalar autograd node: its number
                elif (u_ := unsummarised.get(id(t))) is None:
                    unsummarised[id(t)] = [t, 1, {sid}]
                else:
                    u_[1] += 1
                    if len(u_[2]) < 16:
                        u_[2].add(sid)

        registry = self.registry
        expandable: dict[int, bool] = {}
        previous: dict[int, object] = {}  # element site of a container written in place -> the array it held

        def expands(sid):
            """Whether a container recorded at `sid` is recorded array by array (not an argument or return value:
            those are the caller's or the callee's, recorded where they are bound)."""
            e_ = expandable.get(sid)
            if e_ is None:
                # A container written into at one place (`layers[i]["b"] -= ...`) is recorded whole at each write:
                # walking it would record every array it holds each time. Only what a statement replaced (an
                # update, `tower[:] = ...`, setattr, append): a container first bound by a plain assignment
                # (`layers = [[W, b], ...]`) keeps its parameters at the names its updates write, where the program
                # model finds them.
                if sid >= len(registry.sites):  # a site registered after this hook was bound: not a container's
                    return False
                kind_ = registry.sites[sid].kind
                e_ = expandable[sid] = kind_ == "append" or sid in registry.prefixes
            return e_

        def elements(sid, parts, old_parts=None):
            """Each array of a container at a site of its own; paired with the array it replaced when that is known
            (the old value of an update, or, for a container written into, what the same place held last time)."""
            olds = dict(old_parts) if old_parts else None
            setitem = registry.sites[sid].kind == "setitem"
            for place, a_ in parts:
                child = registry.element_site(sid, place)
                o_ = olds.get(place) if olds is not None else None
                if o_ is None and setitem:
                    o_ = previous.get(child)
                    previous[child] = a_ if a_.size <= exact_max else None
                if o_ is not None and o_ is not a_ and o_.shape == a_.shape and o_.dtype == a_.dtype:
                    upd_fn(child, o_, a_)
                else:
                    rec_fn(child, a_)

        def nd_rec(sid, v):
            try:
                if type(v) is ndarray:
                    k = fget(sid)
                    if k is not None and v.dtype is k[FE_DTYPE] and v.shape == k[FE_SHAPE] and v.size <= small:
                        _put(k[FE_PLAIN_BUF], k[FE_PLAIN_FLAGS], v.tobytes()); ca(sid); pa(None)
                        return v
                take(sid, v)
            except RecursionError:  # at the script's recursion limit: calling anything would overflow again
                pass
            except Exception as e:  # noqa: BLE001 -- never break the patient
                rec_self.internal_error(e, sid)
            return v

        def nd_upd(sid, old, new):
            try:
                if type(new) is ndarray and type(old) is ndarray and old.shape == new.shape:
                    dt = new.dtype
                    k = key(sid, new) if new.size <= small and old.dtype == dt and not dt.hasobject else None
                    if k is not None:
                        _put(k[FE_UPDATE_BUF], k[FE_UPDATE_FLAGS], new.tobytes() + old.tobytes()); ca(k[FE_UPDATE_CODE]); pa(None)
                    elif new.dtype.kind in "fiub" and old.dtype.kind in "fiub":
                        if dt is f8 and new.size <= exact_max:
                            key(sid, new)  # the C hooks summarise the site's next ones
                        with np.errstate(all="ignore"):
                            delta = np.asarray(new, dtype=np.float64) - np.asarray(old, dtype=np.float64)
                        summarize(sid, new, delta)
                    else:  # complex or object: a float64 cast would warn (ComplexWarning) or fail
                        summarize(sid, new)
                elif type(new) is list and type(old) is list and (n_ := array_list(new)) is not None \
                        and (o_ := array_list(old)) is not None and len(o_) == len(n_) \
                        and all(a_.shape == b_.shape for a_, b_ in zip(o_, n_)):
                    # A list of arrays rebuilt from itself (`self.weights = [w - eta * nw for w, nw in
                    # zip(self.weights, ...)]`): each element is an update of the element it replaced.
                    for a_, b_ in zip(o_, n_):
                        nd_upd(sid, a_, b_)
                elif (type(new) in (list, tuple, dict) and type(old) in (list, tuple, dict) and expands(sid)
                      and (parts_ := array_parts(new)) is not None):
                    # `self.weights = [w - eta * nw for w, nw in zip(self.weights, nabla_w)]`: each array paired
                    # with the one at its place in the container it replaced.
                    elements(sid, parts_, array_parts(old))
                else:
                    take(sid, new)
            except RecursionError:  # at the script's recursion limit: calling anything would overflow again
                pass
            except Exception as e:  # noqa: BLE001
                rec_self.internal_error(e, sid)
            return new

        def nd_delta(sid, d):
            try:
                if type(d) is ndarray and not d.dtype.hasobject:  # an object array's bytes are pointers
                    # Small deltas are copied now: the update may be computed in place later.
                    pending[sid] = (d.tobytes(), d.shape, d.dtype) if d.size <= small else d
                    if d.size > exact_max and d.dtype is f8:
                        big.delta_seen(sid, d)  # judged now, as the C hook does: before the update runs
                else:  # nothing to pair the value with (a scalar's delta is not used): and nothing held
                    pending.pop(sid, None)
            except RecursionError:  # at the script's recursion limit: calling anything would overflow again
                pass
            except Exception as e:  # noqa: BLE001
                rec_self.internal_error(e)
            return d

        def nd_augrec(sid, v):
            try:
                d = pending.pop(sid, None)
                if type(v) is ndarray and d is not None:
                    dt = v.dtype
                    if type(d) is tuple:
                        if (d[1] == v.shape and d[2] == dt and v.size <= small and not dt.hasobject
                                and key(sid, v) is not None):
                            if (accel is not None and v.size > keep_max and dt is f8
                                    and accel.row(sid, v, frombuffer(d[0], dt).reshape(d[1]))):
                                return
                            p_ = v.tobytes() + d[0]; ca(sid + k_delta); pa(p_)
                            return
                        if d[1] == v.shape:
                            summarize(sid, v, np.frombuffer(d[0], dtype=d[2]).reshape(d[1]))
                            return
                    elif type(d) is ndarray and d.shape == v.shape:
                        if dt is f8 and v.size <= exact_max:
                            if accel is not None and key(sid, v) is not None and accel.row(sid, v, d):
                                return
                        elif dt is f8:
                            big_entry(sid, v)
                        summarize(sid, v, d)
                        return
                if accel is not None:  # no delta to pair it with: a plain observation, the C hooks' common case
                    accel.rec(sid, v)
                else:
                    take(sid, v)
            except RecursionError:  # at the script's recursion limit: calling anything would overflow again
                pass
            except Exception as e:  # noqa: BLE001
                rec_self.internal_error(e, sid)

        def nd_unpack(sids, value):
            sid = None  # the site being recorded when an error comes
            try:
                if type(value) is tuple and len(value) == len(sids):
                    rec = nd_rec if accel is None else accel.rec  # the C hooks' common case, when built
                    for sid, v in zip(sids, value):
                        if sid >= 0:
                            rec(sid, v)
            except RecursionError:  # at the script's recursion limit: calling anything would overflow again
                pass
            except Exception as e:  # noqa: BLE001
                rec_self.internal_error(e, sid)
            return value

        def nd_args(sids, values):
            sid = None  # the site being recorded when an error comes
            try:
                for sid, v in zip(sids, values):
                    if type(v) is ndarray:
                        k = fget(sid)
                        if k is not None and v.dtype is k[FE_DTYPE] and v.shape == k[FE_SHAPE] and v.size <= small:
                            _put(k[FE_PLAIN_BUF], k[FE_PLAIN_FLAGS], v.tobytes()); ca(sid); pa(None)
                            continue
                    take(sid, v)
            except RecursionError:  # at the script's recursion limit: calling anything would overflow again
                pass
            except Exception as e:  # noqa: BLE001
                rec_self.internal_error(e, sid)

        def nd_iter(lid):
            ca(-1 - 2 * lid); pa(None)
            if len(log) >= rec_self.next_check:
                rec_self.maybe_flush()

        def nd_exit(lid):
            ca(-2 - 2 * lid); pa(None)

        rec_fn, args_fn, upd_fn = nd_rec, nd_args, nd_upd
        delta_fn, augrec_fn = nd_delta, nd_augrec
        accel = self.accel = _c_hooks(log, self.payloads, fast, k_scalar, nd_rec, nd_args, nd_upd,
                                      (nd_delta, nd_augrec, pending, big.SCREEN_BLOCKS, big.SCREEN_RUN,
                                       big.SCREEN_SPIKE))
        if accel is not None:
            rec_fn, args_fn, upd_fn = accel.rec, accel.args, accel.upd
            delta_fn, augrec_fn = accel.delta, accel.augrec
            self.hooks_impl = "c"

        # Updates and containers, recorded without reading a target Python would not read (instrument.py):
        # `old` stashes the update's own read of its target, `updv` pairs it with the new value; `keep`
        # stashes the container a statement writes to, `kept` records it once the statement is done.
        # Keys hold the caller's frame, so a recursive or interleaved run of the same statement (a
        # generator) keeps its own; a statement an exception cut short leaves its entry, which the next
        # run of the same site in the same frame replaces, `begin` drops, or STASH_MAX pushes out.
        stash = self.stash = {}
        getframe = sys._getframe
        stash_max = STASH_MAX
        missing = _MISSING

        def stasher(store):
            # One value per (site, caller's frame), returned unchanged so the hook sits inside the expression.
            def stash_value(sid, v):
                try:
                    store[sid, id(getframe(1))] = v
                    if len(store) > stash_max:
                        del store[next(iter(store))]
                except Exception as e:  # noqa: BLE001 -- never break the patient
                    rec_self.internal_error(e)
                return v
            return stash_value

        nd_old = stasher(stash)

        def nd_begin(sid):
            try:
                stash.pop((sid, id(getframe(1))), None)
            except Exception as e:  # noqa: BLE001
                rec_self.internal_error(e)
            return sid

        def nd_updv(sid, new):
            try:
                old = stash.pop((sid, id(getframe(1))), missing)
                if old is missing:  # the right-hand side did not read the target this time
                    rec_fn(sid, new)
                else:
                    upd_fn(sid, old, new)
            except RecursionError:  # at the script's recursion limit: calling anything would overflow again
                pass
            except Exception as e:  # noqa: BLE001
                rec_self.internal_error(e)
            return new

        def record_kept(sid, v):
            if v is missing:
                pending.pop(sid, None)  # an augmented update's delta, with no value to pair it with
            elif sid in pending:
                augrec_fn(sid, v)
            else:
                rec_fn(sid, v)

        def nd_kept_attr(sid, attr, obj=missing):
            """The attribute an augmented assignment bound on `obj`, read only where that runs no user code."""
            try:
                record_kept(sid, missing if obj is missing else plain_attribute(obj, attr))
            except RecursionError:  # at the script's recursion limit: calling anything would overflow again
                pass
            except Exception as e:  # noqa: BLE001
                rec_self.internal_error(e)

        def nd_kept(sid, attr=None):
            try:
                v = stash.pop((sid, id(getframe(1))), missing)
                if type(attr) is tuple and len(attr) == 1:
                    # A subscript target with a plain index: the element an exact list or dict now holds
                    # (a parameter in `weights[i]` or `params["W1"]`), read with no user code; else the container.
                    key = attr[0]
                    if type(v) is list and type(key) is int and -len(v) <= key < len(v):
                        v = list.__getitem__(v, key)
                    elif type(v) is dict and type(key) in (str, int) and dict.__contains__(v, key):
                        v = dict.__getitem__(v, key)
                    attr = None
                if attr is not None:
                    nd_kept_attr(sid, attr, v)
                else:
                    record_kept(sid, v)
            except RecursionError:  # at the script's recursion limit: calling anything would overflow again
                pass
            except Exception as e:  # noqa: BLE001
                rec_self.internal_error(e)

        # `setattr(obj, name, value)`: the object and the name are stashed as the call's arguments are evaluated;
        # the value is recorded as a write of `obj.<name>`, paired with the attribute it replaces when the statement
        # is an update (read without running user code).
        sa_stash: dict = {}
        ndarray_copy = np.ndarray.copy

        def nd_setattr(tid, slot, v):
            try:
                key_ = (tid, id(getframe(1)))
                if slot == 0:
                    sa_stash[key_] = [v]
                    if len(sa_stash) > stash_max:
                        del sa_stash[next(iter(sa_stash))]
                elif slot == 1:
                    e_ = sa_stash.get(key_)
                    if e_ is not None and len(e_) == 1:
                        e_.append(v)
                else:
                    e_ = sa_stash.pop(key_, None)
                    if e_ is not None and len(e_) == 2 and type(e_[1]) is str:
                        sid = registry.attribute_site(tid, e_[1])
                        if registry.sites[sid].kind == "update":
                            o_ = plain_attribute(e_[0], e_[1])
                            if o_ is not missing:
                                upd_fn(sid, o_, v)
                                return v
                        rec_fn(sid, v)
            except RecursionError:  # at the script's recursion limit: calling anything would overflow again
                pass
            except Exception as e:  # noqa: BLE001 -- never break the patient
                rec_self.internal_error(e)
            return v

        def nd_wkeep(sid, v, copy):
            """The array a call is about to write into; a copy of it first when the call computes from it."""
            try:
                o_ = None
                if copy and type(v) is ndarray and not v.dtype.hasobject and v.size <= INPLACE_COPY_MAX:
                    o_ = ndarray_copy(v)
                stash[sid, id(getframe(1))] = (v, o_)  # an in-place write's site is no other hook's: keys never meet
                if len(stash) > stash_max:
                    del stash[next(iter(stash))]
            except RecursionError:  # at the script's recursion limit: calling anything would overflow again
                pass
            except Exception as e:  # noqa: BLE001
                rec_self.internal_error(e)
            return v

        def nd_wkept(sid):
            """The array the statement wrote into, after it: paired with its copy from before, when one was made."""
            try:
                e_ = stash.pop((sid, id(getframe(1))), None)
                if e_ is not None:
                    v, o_ = e_
                    if o_ is not None and o_.shape == v.shape:
                        upd_fn(sid, o_, v)
                    else:
                        rec_fn(sid, v)
            except RecursionError:  # at the script's recursion limit: calling anything would overflow again
                pass
            except Exception as e:  # noqa: BLE001
                rec_self.internal_error(e, sid)

        # A subscript target's computed index (`params['W' + str(l)]`), as Python evaluated it, until `kept`
        # takes it (through keyof) to record the element the statement wrote.
        key_stash: dict = {}

        nd_key = stasher(key_stash)

        def nd_keyof(sid):
            try:
                return (key_stash.pop((sid, id(getframe(1))), None),)
            except Exception as e:  # noqa: BLE001
                rec_self.internal_error(e)
                return (None,)

        old_fn, begin_fn, updv_fn, kept_fn = nd_old, nd_begin, nd_updv, nd_kept
        if accel is not None:  # the same, in C: the stash keyed by the caller's frame without a frame object
            accel.attach_kept(nd_kept_attr)
            old_fn, begin_fn, updv_fn, kept_fn = accel.old, accel.begin, accel.updv, accel.kept

        def clear_stash():
            stash.clear()
            sa_stash.clear()
            key_stash.clear()
            if accel is not None:
                accel.clear_stash()

        self.clear_stash = clear_stash

        return {
            REC: rec_fn,
            UPD: upd_fn,
            DELTA: delta_fn,
            AUGREC: augrec_fn,
            UNPACK: nd_unpack,
            ARGS: args_fn,
            ITER: nd_iter,
            EXIT: nd_exit,
            OLD: old_fn,
            BEGIN: begin_fn,
            UPDV: updv_fn,
            KEEP: old_fn,  # the same stash: a site either updates its target or writes into a container
            KEPT: kept_fn,
            SETATTR: nd_setattr,
            WKEEP: nd_wkeep,
            WKEPT: nd_wkept,
            KEY: nd_key,
            KEYOF: nd_keyof,
        }

    def arm(self, trap) -> None:
        """Let the C hooks screen large arrays as stats.BigArrays does, reading `trap`'s state (None: never)."""
        self.big.trap = trap
        state = None if trap is None else trap.screening_state()
        if self.accel is not None:
            self.accel.arm(state)

    # -- chunks ------------------------------------------------------------------------
    def maybe_flush(self) -> None:
        held = self.copied_bytes()
        logged = len(self.log)
        # The next check comes before a quarter of FLUSH_BYTES more can arrive at this rate of bytes per entry.
        per_entry = held / logged if logged else 0.0
        self.check_every = (CHECK_EVERY if per_entry * CHECK_EVERY <= FLUSH_BYTES / 4
                            else max(CHECK_MIN, int(FLUSH_BYTES / 4 / per_entry)))
        self.next_check = logged + self.check_every
        limit = self.flush_entries if self.base < LONG_RUN_ENTRIES else min(self.flush_entries, LONG_FLUSH_ENTRIES)
        if logged >= limit or held >= FLUSH_BYTES or time.monotonic() - self.last_flush >= self.flush_seconds:
            self.flush()

    def copied_bytes(self) -> int:
        """Bytes of array copies the sites' buffers hold for the next chunk."""
        return sum(len(k[FE_PLAIN_BUF]) + len(k[FE_UPDATE_BUF]) for k in list(self.fast.values()))

    def flush(self, final: bool = False) -> Chunk | None:
        """Turn the entries logged so far into a chunk and hand it to the sink.

        `final` also releases the rows the thinner still holds back (the end of the run).
        """
        # The final flush waits for a flush in progress, but never forever (a signal handler may run it
        # on the thread that holds the lock).
        if not (self.flush_lock.acquire(timeout=2.0) if final else self.flush_lock.acquire(blocking=False)):
            return None
        try:
            n = len(self.payloads)  # appended after the code: counts the complete entries
            if n == 0 and not (final and self.thinner.holding()):
                self.last_flush = time.monotonic()
                return None
            codes_t, pay_t = self.log[:n], self.payloads[:n]
            del self.log[:n]
            del self.payloads[:n]
            base = self.base
            self.base += n
            self.next_check = len(self.log) + self.check_every
            try:
                with np.errstate(all="ignore"), interrupts_held():
                    chunk = self._process(codes_t, pay_t, base, final=final)
            except Exception as e:  # noqa: BLE001
                # The chunk's observations are lost: counted per site, for the report to say what it cost.
                codes = np.asarray(codes_t, dtype=np.int64)
                sites, counts = np.unique(codes[codes >= 0] % KIND, return_counts=True)
                if not len(sites):
                    self.internal_error(e)
                for sid, n in zip(sites.tolist(), counts.tolist()):
                    self.internal_error(e, sid, n)
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
            # A small flush freed too little to be worth a heap walk (~1 ms), unless it ends a long run,
            # whose final flush releases the rows the thinner held back.
            if n >= TRIM_ENTRIES or (final and self.base >= LONG_RUN_ENTRIES):
                _trim()
            self.last_flush = time.monotonic()
            return chunk
        finally:
            self.flush_lock.release()

    def _shape_code(self, shape: tuple) -> int:
        code = self._shape_codes.get(shape)
        if code is None:
            code = self._shape_codes[shape] = self._code(self.shapes, str(tuple(shape)))
        return code

    def _code(self, table: dict, key: str) -> int:
        code = table.get(key)
        if code is None:
            code = table[key] = len(table)
        return code

    def _process(self, codes_t: list, pay_t: list, base: int, final: bool = False) -> Chunk:
        """A chunk from the logged codes and payloads, the first of which has seq `base`.

        Observations are grouped by code (a stable sort, so each group keeps seq order), each group is
        summarised at once into consecutive rows, and one gather puts the rows back in seq order.
        """
        n = len(codes_t)
        codes = np.array(codes_t, dtype=np.int64) if n else np.zeros(0, np.int64)
        seq_all = np.arange(base, base + n, dtype=np.int64)
        is_ev = codes < 0
        x = -codes[is_ev] - 1
        ev_seq = seq_all[is_ev]
        ev_loop = (x >> 1).astype(np.int32)
        ev_kind = (x & 1).astype(np.int8)

        obs = np.flatnonzero(~is_ev)
        n_obs = len(obs)
        ocodes = codes[obs]
        perm = np.argsort(ocodes, kind="stable")  # group order -> row of the observation in seq order
        seq_o = seq_all[obs]
        # Filled in group order (row i describes observation perm[i]), reordered once at the end. The
        # statistics are computed once per distinct observation into `ustats`; row i's are ustats[src[i]].
        shape_g = np.empty(n_obs, np.int32)
        dtype_g = np.empty(n_obs, np.int32)
        src = np.empty(n_obs, np.intp)
        ustats = np.empty((n_obs, NSTATS))  # pages never written are never touched
        nu = 0
        values = []
        same_width: dict = {}  # (width, dtype, delta dtype) -> [(first row, rows, block, delta, runs)]
        if n_obs:
            sc = ocodes[perm]
            cuts = np.flatnonzero(sc[1:] != sc[:-1]) + 1
            starts = np.concatenate(([0], cuts)).tolist()
            ends = np.concatenate((cuts, [n_obs])).tolist()
            obs_perm = obs[perm]
        else:
            starts = ends = []
        # First take every group's bytes out of the sites' buffers, so that a failure further on loses
        # this chunk only and never leaves a buffer holding bytes of entries already dropped.
        taken = {}
        for s0, s1 in zip(starts, ends):
            code = int(sc[s0])
            kind, sid = divmod(code, KIND)
            if kind in (K_PLAIN, K_OLD):
                taken[s0] = self._take_buffered(code, kind, sid, s1 - s0)
            elif kind == K_ROW:
                taken[s0] = self._take_rows(sid, s1 - s0)
        for s0, s1 in zip(starts, ends):
            code = int(sc[s0])
            kind, sid = divmod(code, KIND)
            m = s1 - s0
            # Each group becomes parts of (data, runs, rows, shape, dtype): data is the distinct rows'
            # bytes joined (runs says how often each repeats, None when none does) or a tuple of
            # scalars; `kind` says how to read it.
            if kind == K_ROW:  # rows the C hooks computed
                shape, dt = self.fast[sid][FE_SHAPE], self.fast[sid][FE_DTYPE]
                shape_g[s0:s1] = self._shape_code(shape)
                dtype_g[s0:s1] = self._code(self.dtypes, dt.str)
                ustats[nu:nu + m] = taken.pop(s0)
                src[s0:s1] = np.arange(nu, nu + m)
                nu += m
                continue
            if kind in (K_PLAIN, K_OLD):
                shape, dt = self.fast[sid][FE_SHAPE], self.fast[sid][FE_DTYPE]
                parts = [(*taken.pop(s0), m, shape, dt)]
            else:
                ix = obs_perm[s0:s1].tolist()
                pays = itemgetter(*ix)(pay_t) if m > 1 else (pay_t[ix[0]],)
                if kind == K_SUMMARY:
                    rows_, dstrs, shps = zip(*pays)
                    shape_g[s0:s1] = [self._shape_code(shape) for shape in shps]
                    dtype_g[s0:s1] = [self._code(self.dtypes, d) for d in dstrs]
                    ustats[nu:nu + m] = rows_
                    src[s0:s1] = np.arange(nu, nu + m)
                    nu += m
                    continue
                if kind == K_DELTA:
                    shape, dt = self.fast[sid][FE_SHAPE], self.fast[sid][FE_DTYPE]
                    parts = [(*_distinct(b"".join(pays), m), m, shape, dt)]
                elif kind == K_SCALAR:
                    parts = [(pays, None, m, (), float)]
                elif kind >= K_NUMBER:  # numpy scalars as Python numbers: back to their dtype, exactly
                    dt = NUMBER_DTYPES[kind - K_NUMBER]
                    parts = [(np.array(pays, dtype=dt).tobytes(), None, m, (), dt)]
                    kind = K_PLAIN
                else:  # numpy scalars by dtype, or a site seen with several shapes or dtypes by (shape, dtype)
                    by: dict = {}
                    if kind == K_GSCALAR:  # (bytes, dtype) of each: read as 0-d arrays of the dtype
                        for i, (_, d) in enumerate(pays):
                            by.setdefault(((), d), []).append(i)
                        parts = [(b"".join(pays[i][0] for i in ix_), None, len(ix_), k[0], k[1])
                                 for k, ix_ in by.items()]
                        kind = K_PLAIN
                    else:
                        for i, (_, shape, d) in enumerate(pays):
                            by.setdefault((shape, d), []).append(i)
                        parts = [(*_distinct(b"".join(pays[i][0] for i in ix_), len(ix_)), len(ix_), k[0], k[1])
                                 for k, ix_ in by.items()]
                        kind = K_PLAIN
                    if len(parts) > 1:  # parts take consecutive rows too: regroup this group's rows
                        sub = np.concatenate([np.asarray(ix_, np.intp) for ix_ in by.values()])
                        perm[s0:s1] = perm[s0:s1][sub]
            f = s0
            for data, runs, m, shape, dt in parts:
                if runs is not None and EXPAND_RUNS:  # the reference path of the tests
                    data, runs = np.frombuffer(data, np.uint8).reshape(len(runs[0]), -1).repeat(runs[1], 0).tobytes(), None
                block, delta, dstr = self._block(kind, m if runs is None else len(runs[0]), data, shape, dt)
                shape_code = self._shape_code(shape)
                shape_g[f:f + m] = shape_code
                dtype_g[f:f + m] = self._code(self.dtypes, dstr)
                key = (block.shape[1], block.dtype.str, None if delta is None else delta.dtype.str)
                same_width.setdefault(key, []).append((f, m, block, delta, runs))
                if block.shape[1] <= KEEP_VALUES_MAX and block.dtype.kind in "fiub":
                    vals = block.astype(np.float64)
                    values.append((sid, shape_code, seq_o[perm[f:f + m]],
                                   vals if runs is None else np.repeat(vals, runs[1], axis=0)))
                f += m
        # One statistics call per (width, dtype): each call costs ~0.1 ms of fixed numpy overhead,
        # and the seed alone logs some 30 groups per flush.
        for items in same_width.values():
            k = sum(len(it[2]) for it in items)
            if len(items) == 1:
                stats_rows(items[0][2], items[0][3], out=ustats[nu:nu + k])
            else:
                stats_rows(np.concatenate([it[2] for it in items]),
                           None if items[0][3] is None else np.concatenate([it[3] for it in items]),
                           out=ustats[nu:nu + k])
            for f, m, block, _, runs in items:
                # Equal observations have equal statistics: computed once per run, pointed at by each.
                first = np.arange(nu, nu + len(block))
                src[f:f + m] = first if runs is None else np.repeat(first, runs[1])
                nu += len(block)
        if n_obs:
            inv = np.empty(n_obs, np.intp)
            inv[perm] = np.arange(n_obs)
            cols = (seq_o, (ocodes % KIND).astype(np.int32), shape_g[inv], dtype_g[inv], ustats[src[inv]])
        else:
            cols = (seq_o, np.zeros(0, np.int32), shape_g, dtype_g, ustats)
        idx, released, values = self.thinner.thin(cols, values, final=final)
        if idx is None:
            out = cols
        elif released:
            out = [np.concatenate([c[idx]] + [r[k] for r in released]) for k, c in enumerate(cols)]
            o = np.argsort(out[0], kind="stable")
            out = [c[o] for c in out]
        else:
            o = np.sort(idx)
            out = [c[o] for c in cols]
        obs_seq, obs_site, obs_shape, obs_dtype, obs_stats = out  # the order of OBS_COLUMNS, as `cols` above
        return Chunk(obs_seq=obs_seq, obs_site=obs_site, obs_shape=obs_shape, obs_dtype=obs_dtype, obs_stats=obs_stats,
                     ev_seq=ev_seq, ev_loop=ev_loop, ev_kind=ev_kind, values=values)

    def _take_buffered(self, code, kind, sid, m):
        """(bytes, runs) of the first m entries of a buffered site: the distinct rows, and None or (first
        entry of each run of repeats, run lengths). Removes them from the site's buffer and flags."""
        k = self.fast[sid]
        if kind == K_PLAIN:
            buf, flags, width = k[FE_PLAIN_BUF], k[FE_PLAIN_FLAGS], k[FE_NBYTES]
        else:
            buf, flags, width = k[FE_UPDATE_BUF], k[FE_UPDATE_FLAGS], 2 * k[FE_NBYTES]
        fl = np.frombuffer(flags[:m], np.uint8).copy()
        del flags[:m]
        n_new = m - int(np.count_nonzero(fl))
        blob = buf[:n_new * width]
        del buf[:n_new * width]
        if len(fl) < m or len(blob) < n_new * width:  # never misread bytes
            raise ValueError(f"site {sid}: {len(fl)} flags and {len(blob)} bytes buffered for {m} x {width}")
        if m and fl[0]:
            # Counted after an earlier flush took the row it repeats (another thread flushed in between).
            blob = self._last_row[code] + blob
            fl[0] = 0
        if len(blob):
            self._last_row[code] = bytes(blob[-width:]) if width else b""
        if not fl.any():
            return blob, None
        starts = np.flatnonzero(fl == 0)
        return blob, (starts, np.diff(starts, append=m))

    def _take_rows(self, sid, m):
        """The first m statistics rows the C hooks computed for a site, as an (m, NSTATS) array; removes them."""
        buf = self.fast[sid][FE_ROW_BUF]
        n = m * NSTATS * 8
        if len(buf) < n:  # never misread bytes
            raise ValueError(f"site {sid}: {len(buf)} bytes of rows buffered for {m} rows")
        rows = np.frombuffer(buf[:n], np.float64).reshape(m, NSTATS)
        del buf[:n]
        return rows

    def _block(self, kind, m, data, shape, dt):
        """A group of m distinct observations as (block, update delta or None, dtype text).

        `data` is their bytes joined (K_SCALAR: a tuple of the Python floats).
        """
        if kind == K_SCALAR:
            return np.array(data, dtype=np.float64).reshape(m, 1), None, "float"
        size = math.prod(shape)
        width = size * (1 if kind == K_PLAIN else 2)
        if len(data) != m * width * dt.itemsize:  # never misread bytes
            raise ValueError(f"observations of one group differ in size ({len(data)} bytes for {m} x {shape})")
        block = np.frombuffer(data, dtype=dt).reshape(m, width)
        if kind == K_PLAIN:
            return block, None, dt.str
        new, other = block[:, :size], block[:, size:]
        if kind == K_DELTA:
            return new, other, dt.str
        if dt.kind == "c":
            return new, new - other, dt.str
        return new, new.astype(np.float64) - other.astype(np.float64), dt.str
