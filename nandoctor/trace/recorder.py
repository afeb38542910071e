"""The hot path: hooks that instrumented code calls, and batched conversion of what they saw into chunks.

Each hook appends one 4-tuple to a single list: (code, payload, shape, dtype). For a small array the
payload is `v.tobytes()` (a copy without the cost of a new ndarray object), with the array's shape
tuple and dtype object; scalars are kept as they are; large arrays are summarised at once. Loop
iterations and exits append (negative code, None, None, None). Every few thousand entries, or every
second, the list becomes a chunk: the columns are pulled apart with one zip, observations are
grouped by (site, kind, dtype, shape) with numpy, each group's bytes are joined into one (n, size)
block and summarised vectorised over all its observations at once (`stats.stats_rows`).

Long runs stay bounded: past `full_obs` observations of a site, a `Thinner` keeps a decimated
history (see its docstring) that never drops a spike or the rows around a non-finite value.
"""

from __future__ import annotations

import math
import os
import threading
import time
import traceback
from dataclasses import dataclass, field

import numpy as np

from .. import columns as C
from .instrument import ARGS, AUGREC, DELTA, EXIT, ITER, REC, UNPACK, UPD, Registry
from .stats import IDX, NSTATS, stats_one, stats_rows

# Arrays up to this many elements are copied on the hot path and summarised later in batches;
# larger ones are summarised at once (a copy would cost more than the statistics).
SMALL_COPY = 4096
# Raw values of sites up to this many elements are kept for detectors (per-sample evidence).
KEEP_VALUES_MAX = 256
# Every observation of a site is kept up to this many (rows and small-site values); beyond it the
# history is thinned. NANDOCTOR_FULL_OBS overrides; 0 keeps everything (unbounded memory).
FULL_OBS = 20_000
# A chunk is cut at this many entries, or after FLUSH_SECONDS, whichever comes first.
FLUSH_ENTRIES = 65_536
FLUSH_SECONDS = 1.0
CHECK_EVERY = 2048

EV_ITER, EV_EXIT = 0, 1

# Entry codes: sid + kind * KIND for observations; -1 - (2 * loop + EV_*) for loop events.
KIND = 1 << 40
K_PLAIN, K_OLD, K_DELTA, K_SUMMARY, K_SCALAR = 0, 1, 2, 3, 4
_F8 = np.dtype(np.float64)


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
        for sid, h in self.held.items():
            if len(h["ord"]):
                part, kept_seq, upto = self._decide(sid, h, final)
                if part is not None:
                    released.append(part)
                if upto is not None:
                    kept_values.extend(self._release_values(sid, kept_seq, upto))
        if not cut and len(out_idx) <= 1 and not released:
            return None, [], kept_values  # nothing beyond the cap: every row
        parts_idx = np.concatenate(out_idx) if out_idx else np.zeros(0, np.int64)
        return parts_idx, released, kept_values

    def _decide(self, sid, h, final):
        """Decide the held windows of one site that are complete and guarded; returns released rows."""
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
            return None, None, None
        r = slice(0, n_ready)
        keep_r = keep[r] | _window_picks(wkey[r], stats[r])
        sel = np.flatnonzero(keep_r)
        part = (h["seq"][sel], np.full(len(sel), sid, np.int32), h["shape"][sel], h["dtype"][sel], stats[sel])
        upto = int(h["seq"][n_ready - 1])
        self.sig_before[sid] = int(sig[n_ready - 1])
        for k in ("ord", "seq", "shape", "dtype", "stats"):
            h[k] = h[k][n_ready:]
        return part, part[0], upto

    def _release_values(self, sid, kept_seq, upto):
        out, rest = [], []
        for code, vseq, data in self.held_values.get(sid, []):
            decided = vseq <= upto
            m = decided & np.isin(vseq, kept_seq)
            if m.any():
                out.append((sid, code, vseq[m], data[m]))
            if (~decided).any():
                rest.append((code, vseq[~decided], data[~decided]))
        self.held_values[sid] = rest
        return out


def _nf_sig(stats: np.ndarray) -> np.ndarray:
    """Which kinds of non-finite value each row holds: NaN 1, +inf 2, -inf 4."""
    return ((stats[:, IDX[C.N_NAN]] > 0) * 1 + (stats[:, IDX[C.N_POSINF]] > 0) * 2
            + (stats[:, IDX[C.N_NEGINF]] > 0) * 4).astype(np.int64)


def _window_picks(wkey: np.ndarray, stats: np.ndarray) -> np.ndarray:
    """Rows to keep from consecutive windows (equal wkey): last, extremes, median and outliers."""
    n = len(wkey)
    keep = np.zeros(n, bool)
    starts = np.flatnonzero(np.concatenate(([True], wkey[1:] != wkey[:-1])))
    ends = np.concatenate((starts[1:], [n]))
    seg = np.repeat(np.arange(len(starts)), ends - starts)
    keep[ends - 1] = True
    for k in _EXTREME_STATS:
        v = stats[:, k]
        fin = np.isfinite(v)
        if not fin.any():
            continue
        for vv in (np.where(fin, v, -np.inf), np.where(fin, -v, -np.inf)):
            o = np.lexsort((vv, seg))  # by window, then value: the last of each window is its max
            last = o[ends - 1]
            keep[last[fin[last]]] = True
    l2 = stats[:, IDX[C.L2]]
    o = np.lexsort((np.where(np.isfinite(l2), l2, np.inf), seg))
    keep[o[starts + (ends - starts - 1) // 2]] = True
    for k in _SPIKE_STATS:
        v = np.abs(stats[:, k])
        fin = np.isfinite(v)
        if not fin.any():
            continue
        o = np.lexsort((np.where(fin, v, np.inf), seg))
        nfin = np.add.reduceat(fin.astype(np.int64), starts)
        med = v[o[starts + np.maximum(nfin - 1, 0) // 2]]
        with np.errstate(all="ignore"):
            ratio = np.where(fin, v / med[seg], 0.0)
        cand = ratio > SPIKE_KEEP
        if not cand.any():
            continue
        o = np.lexsort((-ratio, seg))  # within each window, largest ratio first
        rank = np.empty(n, np.int64)
        rank[o] = np.arange(n) - starts[seg[o]]
        keep |= cand & (rank < OUTLIERS)
    return keep


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

    def __init__(self, registry: Registry, sink=None, *, flush_entries=FLUSH_ENTRIES, flush_seconds=FLUSH_SECONDS,
                 full_obs: int | None = None):
        self.registry = registry
        self.thinner = Thinner(_full_obs_default() if full_obs is None else full_obs)
        self.sink = sink  # called with each Chunk (the session store); may be None
        # The log: four parallel columns, appended in this order by the hooks (dtypes_log last, so
        # its length counts the complete entries when another thread flushes).
        self.log: list = []  # codes: sid + kind * KIND, or a loop event (negative)
        self.payloads: list = []
        self.shapes_log: list = []
        self.dtypes_log: list = []
        self.base = 0  # seq of log[0]
        self.pending: dict = {}  # site -> delta of an augmented update, until its value is read
        self.shapes: dict[str, int] = {}
        self.dtypes: dict[str, int] = {}
        self.chunks: list[Chunk] = []
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
        """The functions instrumented code calls, bound tightly for speed.

        The common case (a small ndarray) costs one type test, one size test, one dtype identity
        test, `tobytes()` and one append; everything else goes through `take`.
        """
        log = self.log  # the codes column: its length is the number of entries
        ca, pa, sa, da = self.log.append, self.payloads.append, self.shapes_log.append, self.dtypes_log.append
        ndarray = np.ndarray
        generic = np.generic
        small = SMALL_COPY
        pending = self.pending
        rec_self = self
        f8 = _F8
        k_old, k_delta, k_sum, k_scalar = K_OLD * KIND, K_DELTA * KIND, K_SUMMARY * KIND, K_SCALAR * KIND

        def summarize(sid, v, delta=None):
            # A large array (or one of objects): its statistics now, since copying it would cost more.
            with np.errstate(all="ignore"):
                row = stats_one(np.asarray(v), None if delta is None else np.asarray(delta))
            p_, s_ = (row, v.dtype.str), v.shape; ca(sid + k_sum); pa(p_); sa(s_); da(None)

        def take(sid, v):
            t = type(v)
            if t is ndarray:
                dt = v.dtype
                if v.size <= small and (dt is f8 or not dt.hasobject):
                    p_, s_ = v.tobytes(), v.shape; ca(sid); pa(p_); sa(s_); da(dt)
                else:
                    summarize(sid, v)
            elif t is float:
                p_, s_ = v, None; ca(sid + k_scalar); pa(p_); sa(s_); da(float)
            elif isinstance(v, generic):
                p_, s_ = v, None; ca(sid + k_scalar); pa(p_); sa(s_); da(v.dtype)
            elif isinstance(v, ndarray):  # np.matrix, masked arrays: record the plain data
                take(sid, np.array(np.ma.getdata(v)))

        def nd_rec(sid, v):
            try:
                if type(v) is ndarray and v.size <= small and v.dtype is f8:
                    p_, s_ = v.tobytes(), v.shape; ca(sid); pa(p_); sa(s_); da(f8)
                else:
                    take(sid, v)
            except RecursionError:  # at the script's recursion limit: calling anything would overflow again
                pass
            except Exception as e:  # noqa: BLE001 -- never break the patient
                rec_self.internal_error(e)
            return v

        def nd_upd(sid, old, new):
            try:
                if type(new) is ndarray and type(old) is ndarray and old.shape == new.shape:
                    dt = new.dtype
                    if new.size <= small and old.dtype is dt and (dt is f8 or not dt.hasobject):
                        p_, s_ = (new.tobytes(), old.tobytes()), new.shape; ca(sid + k_old); pa(p_); sa(s_); da(dt)
                    elif new.dtype.kind in "fiub" and old.dtype.kind in "fiub":
                        with np.errstate(all="ignore"):
                            delta = np.asarray(new, dtype=np.float64) - np.asarray(old, dtype=np.float64)
                        summarize(sid, new, delta)
                    else:  # complex or object: a float64 cast would warn (ComplexWarning) or fail
                        summarize(sid, new)
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
                    # Small deltas are copied now: the update may be computed in place later.
                    pending[sid] = (d.tobytes(), d.shape, d.dtype) if d.size <= small else d
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
                if type(v) is ndarray and d is not None:
                    dt = v.dtype
                    if type(d) is tuple:
                        if d[1] == v.shape and d[2] is dt and v.size <= small and (dt is f8 or not dt.hasobject):
                            p_, s_ = (v.tobytes(), d[0]), v.shape; ca(sid + k_delta); pa(p_); sa(s_); da(dt)
                            return
                        if d[1] == v.shape:
                            summarize(sid, v, np.frombuffer(d[0], dtype=d[2]).reshape(d[1]))
                            return
                    elif type(d) is ndarray and d.shape == v.shape:
                        summarize(sid, v, d)
                        return
                take(sid, v)
            except RecursionError:  # at the script's recursion limit: calling anything would overflow again
                pass
            except Exception as e:  # noqa: BLE001
                rec_self.internal_error(e)

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
                    if type(v) is ndarray and v.size <= small and v.dtype is f8:
                        p_, s_ = v.tobytes(), v.shape; ca(sid); pa(p_); sa(s_); da(f8)
                    else:
                        take(sid, v)
            except RecursionError:  # at the script's recursion limit: calling anything would overflow again
                pass
            except Exception as e:  # noqa: BLE001
                rec_self.internal_error(e)

        def nd_iter(lid):
            ca(-1 - 2 * lid); pa(None); sa(None); da(None)
            if len(log) >= rec_self.next_check:
                rec_self.maybe_flush()

        def nd_exit(lid):
            ca(-2 - 2 * lid); pa(None); sa(None); da(None)

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

    def flush(self, final: bool = False) -> Chunk | None:
        """Turn the entries logged so far into a chunk and hand it to the sink.

        `final` also releases the rows the thinner still holds back (the end of the run).
        """
        # The final flush waits for a flush in progress, but never forever (a signal handler may run it
        # on the thread that holds the lock).
        if not (self.flush_lock.acquire(timeout=2.0) if final else self.flush_lock.acquire(blocking=False)):
            return None
        try:
            n = len(self.dtypes_log)
            if n == 0 and not (final and self.thinner.holding()):
                self.last_flush = time.monotonic()
                return None
            entries = []
            for col in (self.dtypes_log, self.shapes_log, self.payloads, self.log):
                entries.append(col[:n])
                del col[:n]
            entries.reverse()
            base = self.base
            self.base += n
            self.next_check = len(self.log) + CHECK_EVERY
            try:
                with np.errstate(all="ignore"):
                    chunk = self._process(entries, base, final=final)
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

    def _process(self, entries: list, base: int, final: bool = False) -> Chunk:
        """A chunk from the four log columns of `entries`, whose first entry has seq `base`."""
        codes_t, pay_t, shape_t, dtype_t = entries
        n = len(codes_t)
        codes = np.array(codes_t, dtype=np.int64)
        seq_all = np.arange(base, base + n, dtype=np.int64)
        is_ev = codes < 0
        x = -codes[is_ev] - 1
        ev_seq = seq_all[is_ev]
        ev_loop = (x >> 1).astype(np.int32)
        ev_kind = (x & 1).astype(np.int8)

        obs = np.flatnonzero(~is_ev)
        order = obs[np.argsort(codes[obs], kind="stable")]
        sc = codes[order]
        cuts = np.flatnonzero(sc[1:] != sc[:-1]) + 1
        starts = np.concatenate(([0], cuts)).tolist() if len(order) else []
        ends = np.concatenate((cuts, [len(order)])).tolist() if len(order) else []
        # Identity of each entry's dtype object and hash of its shape tuple: grouping keys without
        # touching entries one by one in Python. The dtype objects stay alive in `entries`, so ids are unique.
        dt_id = np.fromiter(map(id, dtype_t), np.int64, n)
        sh_hash = np.fromiter(map(hash, shape_t), np.int64, n)
        payloads = np.fromiter(pay_t, dtype=object, count=n)

        seqs, sites, shapes, dtypes, rows, values = [], [], [], [], [], []
        # Statistics of plain groups are written straight into one array, in group order.
        n_obs = len(order)
        stats_all = np.empty((n_obs, NSTATS))
        filled = 0
        for s0, s1 in zip(starts, ends):
            idx = order[s0:s1]
            code = int(sc[s0])
            kind, sid = divmod(code, KIND)
            if kind == K_SUMMARY:
                for i in idx.tolist():
                    row, dstr = pay_t[i]
                    seqs.append(seq_all[i:i + 1])
                    sites.append(np.array([sid], np.int32))
                    shapes.append(np.array([self._code(self.shapes, str(tuple(shape_t[i])))], np.int32))
                    dtypes.append(np.array([self._code(self.dtypes, dstr)], np.int32))
                    rows.append(row.reshape(1, NSTATS))
                continue
            d0, h0 = dt_id[idx[0]], sh_hash[idx[0]]
            if (dt_id[idx] == d0).all() and (sh_hash[idx] == h0).all():
                groups = [idx]
            else:
                keys = np.stack([dt_id[idx], sh_hash[idx]], axis=1)
                _, inv = np.unique(keys, axis=0, return_inverse=True)
                inv = inv.reshape(-1)
                groups = [idx[inv == u] for u in range(int(inv.max()) + 1)]
            for g in groups:
                i0 = int(g[0])
                block, delta, shape, dstr = self._block(kind, g, payloads, shape_t[i0], dtype_t[i0])
                if block is None:
                    continue
                m = len(g)
                gseq = seq_all[g]
                shape_code = self._code(self.shapes, str(tuple(shape)))
                seqs.append(gseq)
                sites.append(np.full(m, sid, dtype=np.int32))
                shapes.append(np.full(m, shape_code, dtype=np.int32))
                dtypes.append(np.full(m, self._code(self.dtypes, dstr), dtype=np.int32))
                stats_rows(block, delta, out=stats_all[filled:filled + m])
                rows.append(stats_all[filled:filled + m])
                filled += m
                if block.shape[1] <= KEEP_VALUES_MAX and block.dtype.kind in "fiub":
                    values.append((sid, shape_code, gseq, block.astype(np.float64)))
        if seqs:
            cols = (np.concatenate(seqs), np.concatenate(sites), np.concatenate(shapes), np.concatenate(dtypes),
                    stats_all if filled == n_obs and len(rows) and rows[0].base is stats_all else np.concatenate(rows))
        else:
            cols = (np.zeros(0, np.int64), np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0, np.int32),
                    np.zeros((0, NSTATS)))
        idx, released, values = self.thinner.thin(cols, values, final=final)
        # One gather puts the kept rows in seq order.
        if idx is None:
            o = np.argsort(cols[0], kind="stable")
            out = [c[o] for c in cols]
        else:
            out = [c[idx] for c in cols]
            if released:
                out = [np.concatenate([out[k]] + [r[k] for r in released]) for k in range(5)]
            o = np.argsort(out[0], kind="stable")
            out = [c[o] for c in out]
        return Chunk(*out, ev_seq=ev_seq, ev_loop=ev_loop, ev_kind=ev_kind, values=values)

    def _block(self, kind, g, payloads, shape, dt):
        """The (m, size) block of a group of observations, its update delta or None, shape and dtype text."""
        m = len(g)
        if kind == K_SCALAR:
            vals = payloads[g].tolist()
            if dt is float:
                return np.array(vals, dtype=np.float64).reshape(m, 1), None, (), "float"
            return np.array(vals, dtype=dt).reshape(m, 1), None, (), dt.str
        size = math.prod(shape)
        pays = payloads[g].tolist()
        if kind == K_PLAIN:
            new, other = pays, None
        else:
            new, other = zip(*pays)
        if dt.hasobject:
            # Bytes of an object array are pointers: no statistics, only the count (see README).
            return np.zeros((m, 0)), None, shape, dt.str
        blob = b"".join(new)
        if len(blob) != m * size * dt.itemsize:  # a shape-hash collision: never misread bytes
            raise ValueError(f"observations of one group differ in size ({len(blob)} bytes for {m} x {shape})")
        block = np.frombuffer(blob, dtype=dt).reshape(m, size)
        delta = None
        if other is not None:
            ob = np.frombuffer(b"".join(other), dtype=dt).reshape(m, size)
            if kind == K_DELTA:
                delta = ob
            elif dt.kind == "c":
                delta = block - ob
            else:
                delta = block.astype(np.float64) - ob.astype(np.float64)
        return block, delta, shape, dt.str
