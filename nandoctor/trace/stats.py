"""Per-observation tensor statistics, computed vectorised over many observations at once."""

from __future__ import annotations

import math
import os

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
        # Converting an element calls its __float__: only elements of Python's and numpy's own number
        # types are read (their types tested by identity: a metaclass's __hash__ or __eq__ is user code too).
        if not all(id(type(x)) in _PLAIN_NUMBER_TYPES for x in block.flat):
            return None
        try:
            return block.astype(np.float64)
        except (TypeError, ValueError, OverflowError):
            return None
    return None


# ids of the number types whose conversion to float runs no user code: Python's and numpy's own
_PLAIN_NUMBER_TYPES = frozenset(map(id, {float, int, bool, *(t for t in np.sctypeDict.values()
                                                             if issubclass(t, (np.number, np.bool_)))}))


def stats_rows(block: np.ndarray, delta: np.ndarray | None = None, out: np.ndarray | None = None) -> np.ndarray:
    """Statistics of each row of an (n, size) block, as an (n, NSTATS) float64 array.

    Means, extremes and norms are over finite elements; non-finite elements are counted.
    `delta`, if given, is the (n, size) change an update made, for the update norm. `out`, if
    given, is the (n, NSTATS) array to fill. Call under np.errstate(all="ignore"): these operations must never reach the user's callback.

    Rows whose elements are all finite (found from their min and max alone, since NaN and inf
    propagate into both) take a fused path of a few reductions and no masking; only the rare
    rows holding NaN or inf pay for masked arithmetic. Narrow blocks are transposed first:
    numpy reduces a (7, n) array along axis 0 some thirty times faster than an (n, 7) one along axis 1.
    """
    n = block.shape[0]
    if n == 1 and block.ndim == 2 and _PAIRWISE_FROM <= block.shape[1] <= _NARROW:
        # One row alone would be summed pairwise; several are transposed and summed column by column. A row's
        # statistics must not depend on how many rows a flush happened to group with it: summed as two.
        two = stats_rows(np.concatenate([block, block]), None if delta is None else np.concatenate([delta, delta]))
        if out is None:
            return two[:1].copy()
        out[:] = two[:1]
        return out
    if out is None:
        out = np.empty((n, NSTATS))
    out.fill(np.nan)
    size = block.shape[1] if block.ndim == 2 else 0
    out[:, _SIZE] = size
    a = as_float_rows(block) if block.ndim == 2 else None
    if a is None or size == 0 or n == 0:
        out[:, _N_NAN:_N_NEGINF + 1] = 0
        if delta is not None and a is not None:
            out[:, _UPDATE_L2] = 0.0
        return out
    x = _Layout(a)
    lo = x.red(np.minimum)
    hi = x.red(np.maximum)
    good = np.isfinite(lo) & np.isfinite(hi)
    if good.all():
        _finite_rows(x, lo, hi, out)
    else:
        if good.any():
            sub = np.full((int(good.sum()), NSTATS), np.nan)
            sub[:, _SIZE] = size
            _finite_rows(x.rows(good), lo[good], hi[good], sub)
            out[good] = sub
        bad = ~good
        sub = np.full((int(bad.sum()), NSTATS), np.nan)
        sub[:, _SIZE] = size
        xb = x.rows(bad)
        # Rows with no finite element at all (a run gone NaN: the common case here) need only counts.
        some = xb.count(np.isfinite(xb.m)) > 0
        if some.all():
            _masked_rows(xb, sub)
        else:
            none = ~some
            xn = xb.rows(none)
            cnt = np.empty((int(none.sum()), 3))
            cnt[:, 0] = xn.count(np.isnan(xn.m))
            cnt[:, 1] = xn.count(xn.m == np.inf)
            cnt[:, 2] = size - cnt[:, 0] - cnt[:, 1]
            sub[none, _N_NAN:_N_NEGINF + 1] = cnt
            sub[none, _FRAC_ZERO] = 0.0
            if some.any():
                part = np.full((int(some.sum()), NSTATS), np.nan)
                part[:, _SIZE] = size
                _masked_rows(xb.rows(some), part)
                sub[some] = part
        out[bad] = sub
    if delta is not None:
        d = as_float_rows(delta)
        if d is not None:
            out[:, _UPDATE_L2] = _norms(_Layout(d))
    return out


# Blocks at most this wide are transposed so that reductions run across observations.
_NARROW = 256
_PAIRWISE_FROM = 8  # numpy sums fewer elements than this one by one, as a column sum does


class _Layout:
    """An (n, size) block held as rows, or transposed to (size, n) when narrow; reductions give n values."""

    __slots__ = ("m", "ax", "n", "size")

    def __init__(self, a: np.ndarray, transposed: bool | None = None):
        n, size = a.shape
        self.n, self.size = n, size
        if transposed is None:
            transposed = size <= _NARROW and n > 1
        if transposed:
            self.m, self.ax = np.ascontiguousarray(a.T), 0
        else:
            self.m, self.ax = a, 1

    @classmethod
    def of(cls, m: np.ndarray, ax: int) -> "_Layout":
        x = cls.__new__(cls)
        x.m, x.ax = m, ax
        x.n, x.size = (m.shape[1], m.shape[0]) if ax == 0 else m.shape
        return x

    def red(self, ufunc, m=None) -> np.ndarray:
        return ufunc.reduce(self.m if m is None else m, axis=self.ax)

    def col(self, v: np.ndarray) -> np.ndarray:
        """A per-row vector shaped to broadcast against the block."""
        return v[None, :] if self.ax == 0 else v[:, None]

    def rows(self, mask: np.ndarray) -> "_Layout":
        return _Layout.of(np.compress(mask, self.m, axis=1 - self.ax), self.ax)

    def sumsq(self, m=None) -> np.ndarray:
        m = self.m if m is None else m
        if self.ax == 0:
            return np.einsum("ij,ij->j", m, m)
        # Along rows: the squares, then np.add.reduce, whose pairwise summation `_fasthooks.c` repeats
        # exactly (einsum's own accumulation order depends on the CPU's vector width).
        return np.add.reduce(m * m, axis=1)

    def count(self, cond: np.ndarray) -> np.ndarray:
        return np.count_nonzero(cond, axis=self.ax)


def _scaled_norms(x: _Layout, absmax: np.ndarray, m=None) -> np.ndarray:
    """Row L2 norms computed on rows divided by their absmax: squares near 1e200 would overflow."""
    scale = np.where(absmax > 0, absmax, 1.0)
    s = (x.m if m is None else m) / x.col(scale)
    return scale * np.sqrt(x.sumsq(s))


def _norms(x: _Layout) -> np.ndarray:
    """Row L2 norms over the finite elements (the update norm)."""
    if x.size == 0:
        return np.zeros(x.n)
    sq = x.sumsq()
    # A plain sum of squares is exact enough unless it overflowed, underflowed or met a non-finite.
    redo = ~np.isfinite(sq) | ((sq < _TINY_SQ) & (sq > 0))
    out = np.sqrt(sq)
    if redo.any():
        r = x.rows(redo)
        m = np.where(np.isfinite(r.m), r.m, 0.0)
        out[redo] = _scaled_norms(r, r.red(np.maximum, np.abs(m)), m)
    return out


# Sums of squares below this may have lost digits to underflow (squares of ~1e-154 and smaller).
_TINY_SQ = 1e-290
# Above this absmax a square may overflow.
_HUGE = 1e150
# var = E[x^2] - mean^2 loses digits when the spread is tiny next to the mean; below this ratio
# of var to E[x^2], the variance is recomputed from deviations (two more passes, rare rows only).
_CANCEL = 1e-4


def _finite_rows(x: _Layout, lo: np.ndarray, hi: np.ndarray, out: np.ndarray) -> None:
    """Stats of rows known to hold only finite values: sum, sum of squares, zero count, saturation."""
    size = x.size
    out[:, _N_NAN:_N_NEGINF + 1] = 0
    mean = x.red(np.add) / size
    absmax = np.maximum(np.abs(lo), np.abs(hi))
    sq = x.sumsq()
    l2 = np.sqrt(sq)
    extreme = (absmax > _HUGE) | ((sq < _TINY_SQ) & (absmax > 0))
    if extreme.any():
        l2[extreme] = _scaled_norms(x.rows(extreme), absmax[extreme])
    ex2 = sq / size
    var = ex2 - mean * mean
    redo = extreme | (var < _CANCEL * ex2) | ~np.isfinite(var)
    if redo.any():
        r = x.rows(redo)
        dev = r.m - r.col(mean[redo])
        var[redo] = (_scaled_norms(r, r.red(np.maximum, np.abs(dev)), dev) ** 2) / size
    out[:, _MIN] = lo
    out[:, _MAX] = hi
    out[:, _MEAN] = mean
    out[:, _STD] = np.sqrt(np.maximum(var, 0.0))
    out[:, _ABSMAX] = absmax
    out[:, _L2] = l2
    out[:, _FRAC_ZERO] = (size - np.count_nonzero(x.m, axis=x.ax)) / size
    _saturation(x, lo, hi, np.ones(x.n, bool), out)


def _saturation(x: _Layout, lo, hi, has, out) -> None:
    """Fractions exactly at and near the bound, for rows whose values lie in [0, 1] or [-1, 1].

    A row's min and max tell which sides can hold such elements: a softmax row far from 0 and 1 costs
    nothing, and a row touching one side is counted on that side only. Within [b, 1], `|v - b|` is
    `v - b` and `|v - 1|` is `1 - v`, exactly, so the counts equal those of the two-sided formulas.
    """
    size = x.size
    unit = has & (lo >= 0) & (hi <= 1)
    sym = has & ~unit & (lo >= -1) & (hi <= 1)
    ok = unit | sym
    out[:, _FRAC_SAT_EXACT] = np.nan
    out[:, _FRAC_SAT_NEAR] = np.nan
    if not ok.any():
        return
    b = np.where(unit, 0.0, -1.0)
    exact = np.zeros(x.n)
    near = np.zeros(x.n)
    low = ok & (lo - b < SAT_NEAR_TOL)
    high = ok & (1.0 - hi < SAT_NEAR_TOL)
    if low.any():
        r = x if low.all() else x.rows(low)
        bl = r.col(b[low])
        exact[low] += r.count(r.m == bl)
        near[low] += r.count((r.m - bl) < SAT_NEAR_TOL)
    if high.any():
        r = x if high.all() else x.rows(high)
        exact[high] += r.count(r.m == 1.0)
        near[high] += r.count((1.0 - r.m) < SAT_NEAR_TOL)
    out[ok, _FRAC_SAT_EXACT] = exact[ok] / size
    out[ok, _FRAC_SAT_NEAR] = near[ok] / size


def _masked_rows(x: _Layout, out: np.ndarray) -> None:
    """Stats of rows holding NaN or inf: counts of each kind, the rest over the finite elements."""
    a, size = x.m, x.size
    finite = np.isfinite(a)
    out[:, _N_NAN] = x.count(np.isnan(a))
    out[:, _N_POSINF] = x.count(a == np.inf)
    out[:, _N_NEGINF] = x.count(a == -np.inf)
    count = x.count(finite).astype(np.float64)
    lo = x.red(np.minimum, np.where(finite, a, np.inf))
    hi = x.red(np.maximum, np.where(finite, a, -np.inf))
    af = np.where(finite, a, 0.0)
    total = x.red(np.add, af)
    has = count > 0
    lo = np.where(has, lo, np.nan)
    hi = np.where(has, hi, np.nan)
    mean = np.where(has, total / np.maximum(count, 1), np.nan)
    dev = np.where(finite, af - x.col(mean), 0.0)
    std = np.sqrt(x.red(np.add, dev * dev) / np.maximum(count, 1))
    absmax = np.maximum(np.abs(lo), np.abs(hi))
    l2 = _scaled_norms(x, np.where(has, absmax, 0.0), af)
    out[:, _MIN] = lo
    out[:, _MAX] = hi
    out[:, _MEAN] = mean
    out[:, _STD] = np.where(has, std, np.nan)
    out[:, _ABSMAX] = absmax
    out[:, _L2] = np.where(has, l2, np.nan)
    out[:, _FRAC_ZERO] = x.count(a == 0) / size
    _saturation(x, lo, hi, has, out)


# Arrays larger than this are summarised at once on the hot path. Their non-finite counts, min, max,
# absmax, L2 and update norms are exact; mean, std, frac_zero and the saturation fractions come
# from a strided subsample of about SUBSAMPLE elements (every k-th element in memory order),
# which keeps the cost near three passes over the data instead of a dozen (the saturation
# fractions alone cost six passes on an input batch that lies in [0, 1]).
SUBSAMPLE_ABOVE = 1 << 13
SUBSAMPLE = 1 << 12
# float64 arrays up to this many elements get their full, exact row at every observation: computed in C
# by the hooks (`_fasthooks.c`, from KEEP_VALUES_MAX up), or here by `stats_rows` where C is not
# built; both give the same row, bit for bit. Above it, `BigArrays` schedules and screens.
EXACT_ROWS_MAX = 1 << 16
# float64 arrays above this many elements get their row when observed, by the C hooks and the Python ones
# alike (recorder.SMALL_COPY: smaller ones may be copied and summarised later): the ones whose non-finite
# values NonfiniteCount counts, so that both take the same screening decisions.
ROWS_AT_ONCE_ABOVE = 8192


def stats_one(v: np.ndarray, delta: np.ndarray | None = None) -> np.ndarray:
    """The NSTATS statistics of one (large) array, with `delta` the change an update made, or None."""
    flat = v.reshape(1, -1)
    size = flat.shape[1]
    d = None if delta is None else delta.reshape(1, -1)
    if size <= SUBSAMPLE_ABOVE or flat.dtype.kind not in "fiub":
        return stats_rows(flat, d)[0]
    a = flat[0]
    lo, hi = a.min(), a.max()
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return stats_rows(flat, d)[0]  # non-finite values: everything exact
    k = -(-size // SUBSAMPLE)
    row = stats_rows(np.ascontiguousarray(a[::k]).reshape(1, -1))[0]
    af = a if a.dtype == np.float64 else a.astype(np.float64)
    lo, hi = float(lo), float(hi)
    absmax = max(abs(lo), abs(hi))
    row[_SIZE] = size
    row[_N_NAN:_N_NEGINF + 1] = 0
    row[_MIN], row[_MAX], row[_ABSMAX] = lo, hi, absmax
    whole = _Layout(af.reshape(1, -1), transposed=False)
    row[_L2] = _norms(whole)[0] if absmax < _HUGE else _scaled_norms(whole, np.array([absmax]))[0]
    # The subsample saw some of the elements: saturation applies only if the whole array is bounded.
    if not ((lo >= 0 and hi <= 1) or (lo >= -1 and hi <= 1)):
        row[_FRAC_SAT_EXACT] = row[_FRAC_SAT_NEAR] = np.nan
    if d is not None:
        dd = as_float_rows(d)
        row[_UPDATE_L2] = _norms(_Layout(dd, transposed=False))[0] if dd is not None else np.nan
    return row


_SIZE = IDX[C.SIZE]
_N_NAN = IDX[C.N_NAN]
_N_POSINF = IDX[C.N_POSINF]
_N_NEGINF = IDX[C.N_NEGINF]
_MIN = IDX[C.MIN]
_MAX = IDX[C.MAX]
_MEAN = IDX[C.MEAN]
_STD = IDX[C.STD]
_ABSMAX = IDX[C.ABSMAX]
_L2 = IDX[C.L2]
_FRAC_ZERO = IDX[C.FRAC_ZERO]
_FRAC_SAT_EXACT = IDX[C.FRAC_SAT_EXACT]
_FRAC_SAT_NEAR = IDX[C.FRAC_SAT_NEAR]
_UPDATE_L2 = IDX[C.UPDATE_L2]
assert (_N_NAN, _N_POSINF, _N_NEGINF) == (_N_NAN, _N_NAN + 1, _N_NAN + 2)  # sliced together above


class BigArrays:
    """Statistics of large arrays seen on the hot path: exact rows, checks and screening, on a fixed schedule.

    float64 arrays up to EXACT_ROWS_MAX elements get their full row at every observation (`stats_rows`,
    which the C hooks compute themselves). Other dtypes above SUBSAMPLE_ABOVE elements get `stats_one`.

    A *checked* observation of a larger float64 array gets the L2 norm of all its elements (one BLAS
    pass, `dot(x, x)`, which is NaN or inf iff an element is non-finite or the squares overflow) and,
    for an update, the norm of the update's delta. When EVERY_MINMAX is set, min and max (hence absmax)
    are exact too. The remaining statistics (mean, std, frac_zero, saturation fractions; see
    `_lean_full`) are computed for the first FULL_FIRST observations of a site, for every check that
    finds a non-finite value (then everything is exact, counts included), whose norm, update norm or
    absmax exceeds SPIKE times its site's running median, and otherwise every `stride(size)`-th
    observation; rows in between carry NaN for them.

    Arrays above SCREEN_ABOVE elements (a 784 x 256 weight matrix, its gradient, its update) cost a pass
    of 0.05 to 0.1 ms at every observation, out of cache as they are, so between full checks they are
    *screened*: the value is not read at all, and an update's delta only on a sample (SCREEN_BLOCKS
    runs of SCREEN_RUN consecutive elements, a few KB). A screened row carries its size and NaN for
    everything else, norms included; its non-finite counts read 0, none having been seen. The
    observation is checked in full when any of these holds:

    - it is among the site's first FULL_FIRST observations, or every `exact_every(size)`-th;
    - its delta's sample holds a non-finite value, or its norm estimate exceeds SCREEN_SPIKE times the
      median of the site's recent estimates (a jump of a broad update, which is what a learning rate
      or a gradient blow-up makes);
    - a float64 array above ROWS_AT_ONCE_ABOVE elements was seen holding a NaN or an infinity since the
      site's last full check (NonfiniteCount; with the opt-in trap, also any numpy flag, and any time
      the trap is not in force).

    A full check measures the norms exactly, and the whole row when the schedule or a spike says so.
    What screening can miss: a NaN or inf that arises in a large array, or reaches it from arrays of
    ROWS_AT_ONCE_ABOVE elements or fewer only, until the array's next full check, at most
    `exact_every(size)` observations later; and an update spike confined to elements off the sample,
    which shows at the next full check and, at once, in every smaller array it feeds.
    NANDOCTOR_EXACT_LARGE=1 (or `screening=False`) switches screening off: every observation is checked.

    The schedule depends on the data only, never on the clock, so two runs of a script give the same
    frame (and the same findings); ELEMENTS_PER_STRIDE is chosen so the full rows cost about 3% of an
    MLP step (measured on the 784-256-10 benchmark).
    """

    # A statement in a loop over layers (`W = model['W' + str(j)]`) sees each layer's matrix in turn: its first
    # observations are the layers' starts, which the initialisation's causes read (least and largest values).
    FULL_FIRST = 8
    ELEMENTS_PER_STRIDE = 1024
    MAX_STRIDE = 256
    SPIKE = 10.0
    HISTORY = 32
    EVERY_MINMAX = False
    SCREEN_ABOVE = EXACT_ROWS_MAX
    SCREEN_SPIKE = 3.0  # a delta whose estimate jumps this many times over its median gets a full check
    SCREEN_BLOCKS, SCREEN_RUN = 8, 512  # the sample: runs of consecutive elements (see _sample_sumsq)

    # A large site's screening state, in a buffer the C hooks read and write too (`_fasthooks.c`, cell):
    # int64 observations so far, exact_every(size), the trap's flag count at the last full check, armed
    # (1 once the site has a checked observation to compare with and screening is on), screening on, the
    # ticket of the pending update's delta (-1 none, 0 not ordinary, 1 ordinary), how many delta
    # estimates were made, how many the ring holds and where the next goes; then float64 their median
    # (NaN: none yet) and the ring of the last HISTORY estimates.
    SEEN, EVERY, FLAGS_AT, ARMED, SCREENING, TICKET, EST_COUNT, EST_LEN, EST_POS, EST_MED, RING = range(11)

    def __init__(self, screening: bool | None = None):
        self.screening = _screening_default() if screening is None else screening
        self.cells: dict[int, memoryview] = {}  # larger sites' screening state (SEEN, ...), as int64s
        self.fcells: dict[int, memoryview] = {}  # the same, as float64s
        self.buffers: dict[int, bytearray] = {}  # the bytes behind each cell, for the C hooks
        self.hist: dict[int, list] = {}
        self.sampled = 0  # observations given the partial row
        self.screened = 0  # observations screened (not read) here; the C hooks screen others themselves
        # What forces full checks between scheduled ones, while a trace runs: nandoctor's own count of
        # non-finite values (NonfiniteCount), or the opt-in floating-point trap (fpe.FpTrap). None: no screening.
        self.trap = None

    def cell(self, sid: int, size: int) -> memoryview:
        """A large site's screening state (see SEEN) as int64s, made at its first observation; `fcells[sid]`
        reads the same bytes as float64s."""
        c = self.cells.get(sid)
        if c is None:
            buf = self.buffers[sid] = bytearray(8 * (self.RING + self.HISTORY))
            c = self.cells[sid] = memoryview(buf).cast("q")
            f = self.fcells[sid] = memoryview(buf).cast("d")
            c[self.EVERY] = self.exact_every(size)
            c[self.FLAGS_AT] = -1
            c[self.SCREENING] = int(self.screening)
            c[self.TICKET] = -1
            f[self.EST_MED] = math.nan
        return c

    def delta_seen(self, sid: int, d: np.ndarray) -> None:
        """Judge an update's delta when it is given, before the update runs (the hooks call this, the C ones
        do the same in `judge_delta`): ordinary if its sampled norm is finite and within SCREEN_SPIKE times
        the median of the site's recent estimates. The verdict waits in the cell's ticket for `row`."""
        c = self.cell(sid, d.size)
        if not c[self.SCREENING]:
            return
        est = _sample_sumsq(d.reshape(-1))
        if not math.isfinite(est):
            c[self.TICKET] = 0
            return
        f = self.fcells[sid]
        e = math.sqrt(est)
        med = f[self.EST_MED]
        k, n, pos = c[self.EST_COUNT], c[self.EST_LEN], c[self.EST_POS]
        f[self.RING + pos] = e
        c[self.EST_POS] = (pos + 1) % self.HISTORY
        c[self.EST_LEN] = n = min(n + 1, self.HISTORY)
        c[self.EST_COUNT] = k + 1
        if n >= 3 and (math.isnan(med) or k % 4 == 0):  # refreshed every fourth, from the third on
            f[self.EST_MED] = sorted(f[self.RING:self.RING + n])[n // 2]
        c[self.TICKET] = int(not math.isnan(med) and e <= self.SCREEN_SPIKE * med)

    def mode(self) -> str:
        """How arrays above SCREEN_ABOVE elements are checked, as session.json's meta says it."""
        return "screened" if self.screening else "exact"

    @classmethod
    def exact_every(cls, size: int) -> int:
        """A screened array is checked in full every this many observations: about SCREEN_ABOVE / 2
        elements per observation on average, whatever its size."""
        return 2 * -(-size // cls.SCREEN_ABOVE)

    def row(self, sid: int, v, delta=None) -> np.ndarray:
        """The statistics row of one observation (of a large array, or of one of objects)."""
        a = v if type(v) is np.ndarray else np.asarray(v)
        d = None if delta is None else (delta if type(delta) is np.ndarray else np.asarray(delta))
        size = a.size
        if size > self.SCREEN_ABOVE and a.dtype is _F8 and (d is None or (d.dtype is _F8 and d.size == size)):
            # The screened path first, and lean: it runs right after a large product, when little of the
            # interpreter is left in cache, and costs several times what it costs in a loop.
            c = self.cell(sid, size)
            ordinary = True
            if d is not None and self.screening:
                if c[self.TICKET] == -1:  # not judged when it was given (a direct call)
                    self.delta_seen(sid, d)
                ordinary = c[self.TICKET] == 1
                c[self.TICKET] = -1
            n = c[self.SEEN]
            trap = self.trap
            # The C hooks take the same decision (`_fasthooks.c`, screen and augrec).
            if (ordinary and c[self.ARMED] and n % c[self.EVERY] and trap is not None
                    and trap.n_flags == c[self.FLAGS_AT] and trap.in_force()):
                c[self.SEEN] = n + 1
                self.screened += 1
                row = _SCREENED.copy()
                row[_SIZE] = size
                return row
        with np.errstate(all="ignore"):  # np.dot reports overflow: our arithmetic must not reach the user's setting
            if size <= SUBSAMPLE_ABOVE or a.dtype is not _F8 or (d is not None and d.dtype is not _F8):
                row = stats_one(a, d)
            elif size <= EXACT_ROWS_MAX:  # the row the C hooks compute for such arrays
                row = stats_rows(a.reshape(1, -1), None if d is None else d.reshape(1, -1))[0]
            else:
                row = self._row(sid, a, d)
        if a.dtype is _F8 and size > ROWS_AT_ONCE_ABOVE and self.trap is not None and (
                row[_N_NAN] > 0 or row[_N_POSINF] > 0 or row[_N_NEGINF] > 0):
            # A non-finite value seen: every screened array's next observation is checked in full (the C
            # hooks count the same observations, in fill_row).
            self.trap.bump()
        return row

    def _row(self, sid: int, a: np.ndarray, d, dsq: float | None = None) -> np.ndarray:
        """A checked observation of a large float64 array: its norm (and its delta's, `dsq` if known),
        and the full row when the schedule, a spike or a non-finite value calls for it."""
        c = self.cell(sid, a.size)
        n = c[self.SEEN]
        c[self.SEEN] = n + 1
        flat = a.reshape(-1)
        h = self.hist.get(sid)
        if h is None:
            h = self.hist[sid] = [[], None]  # recent keys, their medians (refreshed every 4 observations)
        recent, med = h
        if d is not None and dsq is None:
            df = d.reshape(-1)
            dsq = float(np.dot(df, df))
        c[self.FLAGS_AT] = -1 if self.trap is None else self.trap.n_flags
        # From its first checked observation on, the site may be screened (FULL_FIRST of them checked).
        c[self.ARMED] = int(self.screening and n + 1 >= self.FULL_FIRST)
        # A full row due by the schedule takes every moment in one pass; otherwise the norm alone (BLAS).
        moments = _moments(flat) if n < self.FULL_FIRST or n % self.stride(a.size) == 0 else None
        sq = float(np.dot(flat, flat)) if moments is None else moments[1]
        # Norms of the checks, each in its own slot: the array's, its update's (None for an observation with
        # no delta: a site may be both assigned and updated), its largest magnitude (None unless
        # EVERY_MINMAX). A NaN sum of squares stays NaN (then `ok` is false).
        keys = [math.sqrt(sq) if sq >= 0 else sq, None, None]
        if dsq is not None:
            keys[1] = math.sqrt(dsq) if dsq >= 0 else dsq
        if self.EVERY_MINMAX:
            lo, hi = float(flat.min()), float(flat.max())
            keys[2] = max(abs(lo), abs(hi))
        ok = all(math.isfinite(k) for k in keys if k is not None) and not (0.0 < sq < _TINY_SQ)
        full = n < self.FULL_FIRST or not ok
        if ok and not full and med is not None:
            for k, mk in zip(keys, med):
                if k is not None and mk is not None and k > self.SPIKE * mk:
                    full = True
                    break
        if ok:
            recent.append(keys)
            if len(recent) > self.HISTORY:
                del recent[0]
            if med is None and len(recent) >= 3 or n % 4 == 0:
                h[1] = [_median([x[j] for x in recent if x[j] is not None]) for j in range(len(keys))]
        if not full and n % self.stride(a.size) == 0:
            full = True
        if full:
            return stats_one(a, d) if not ok else _lean_full(flat, sq, dsq, moments)
        self.sampled += 1
        row = _PARTIAL.copy()
        row[_SIZE] = a.size
        row[_L2] = keys[0]
        if dsq is not None:
            row[_UPDATE_L2] = keys[1]
        if self.EVERY_MINMAX:
            row[_MIN], row[_MAX], row[_ABSMAX] = lo, hi, keys[2]
        return row

    @classmethod
    def stride(cls, size: int) -> int:
        """Every this many observations a large array gets its full row. A multiple of `exact_every`
        for screened arrays, so that a full row always falls on a full check."""
        k = min(cls.MAX_STRIDE, max(1, size // cls.ELEMENTS_PER_STRIDE))
        if size > cls.SCREEN_ABOVE:
            e = cls.exact_every(size)
            k = -(-k // e) * e
        return k


class NonfiniteCount:
    """What forces large arrays to a full check between scheduled ones when no trap is installed: a count,
    measured by nandoctor itself, of the float64 observations above ROWS_AT_ONCE_ABOVE elements found to hold
    a NaN or an infinity (BigArrays.row here, fill_row in the C hooks). It reads nothing of numpy's error
    state, so it holds on every thread. A NaN that first appears in a smaller array or a Python number is
    caught when it reaches a larger array or a screened update's sample, or at the array's next scheduled
    full check."""

    def __init__(self):
        self.flag_buf = bytearray(8)
        self._count = memoryview(self.flag_buf).cast("q")

    @property
    def n_flags(self) -> int:
        return self._count[0]

    def bump(self) -> None:
        self._count[0] += 1

    def in_force(self) -> bool:
        return True

    def screening_state(self) -> tuple:
        """For the C hooks' `arm`: the count's buffer, and no numpy error state to watch."""
        return (self.flag_buf, None, None)


def _c_kernel(name: str):
    """A statistics kernel of `_fasthooks` (equal to numpy's computation), or None: not built, or
    NANDOCTOR_PURE_PYTHON set. `moments`: sum, sum of squares, min, max and zeros of a float64 array in
    one pass; `sample_sumsq`: the screening sample's sum of squares."""
    if os.environ.get("NANDOCTOR_PURE_PYTHON"):
        return None
    try:
        from . import _fasthooks
    except ImportError:
        return None
    return getattr(_fasthooks, name, None)


_c_moments = _c_kernel("moments")


def _screening_default() -> bool:
    """Large arrays are screened between full checks unless NANDOCTOR_EXACT_LARGE is set (to anything but 0)."""
    return os.environ.get("NANDOCTOR_EXACT_LARGE", "0") in ("", "0")


_c_sample = _c_kernel("sample_sumsq")


def _sample_sumsq(flat: np.ndarray) -> float:
    """An estimate of a large 1-d float64 array's sum of squares from BigArrays.SCREEN_BLOCKS evenly spaced
    runs of SCREEN_RUN consecutive elements (`_fasthooks.sample_sumsq`, or numpy: the same runs)."""
    blocks, run = BigArrays.SCREEN_BLOCKS, BigArrays.SCREEN_RUN
    if _c_sample is not None and flat.flags.c_contiguous:
        return _c_sample(flat, blocks, run)
    step = flat.size // blocks
    k = min(run, step)
    s = flat[:step * blocks].reshape(blocks, step)[:, :k]
    with np.errstate(all="ignore"):
        if k % 4:  # never for a screened array (step > 8,192): any sum will do
            return float(np.einsum("ij,ij->", s, s)) * (flat.size / (k * blocks))
        # The C loop's own order, so that both make the same screening decisions: four running sums, the
        # j-th over elements j, j + 4, ... of each run in turn (np.cumsum adds in order), then paired.
        lanes = (s * s).reshape(blocks, k // 4, 4).transpose(2, 0, 1).reshape(4, -1)
        acc = np.cumsum(lanes, axis=1)[:, -1]
        return float((acc[0] + acc[1]) + (acc[2] + acc[3])) * (flat.size / (k * blocks))


_F8 = np.dtype(np.float64)
# The row of an observation the schedule does not summarise in full: NaN but for the exact columns.
_PARTIAL = np.full(NSTATS, np.nan)
_PARTIAL[_N_NAN:_N_NEGINF + 1] = 0
# The row of a screened observation (BigArrays): no norm either, and no non-finite value seen.
_SCREENED = _PARTIAL.copy()


def _median(values: list) -> float | None:
    """The upper median of a list of norms, None for an empty one (nothing to compare with yet)."""
    return sorted(values)[len(values) // 2] if values else None


def _moments(flat: np.ndarray) -> tuple:
    """(sum, sum of squares, min, max, zeros) of a finite-or-not 1-d float64 array: numpy's pairwise sums,
    from `_fasthooks.moments` in one pass where it is built, else from numpy (the same numbers)."""
    if _c_moments is not None and flat.flags.c_contiguous:
        return _c_moments(flat)
    return (float(np.add.reduce(flat)), float(np.add.reduce(flat * flat)), float(flat.min()), float(flat.max()),
            flat.size - int(np.count_nonzero(flat)))


def _lean_full(flat: np.ndarray, sq: float, dsq: float | None, moments: tuple | None = None) -> np.ndarray:
    """The statistics of a large finite float64 array from its `_moments` (computed here if not given;
    the sum of squares `sq` is given). Everything is exact except the saturation fractions, which come
    from a strided subsample (as in `stats_one`)."""
    size = flat.size
    row = np.full(NSTATS, np.nan)
    total, _, lo, hi, zeros = _moments(flat) if moments is None else moments
    mean = total / size
    absmax = max(abs(lo), abs(hi))
    if absmax >= _HUGE or 0.0 < sq < _TINY_SQ:
        return stats_one(flat)  # squares overflow or underflow: the scaled computation
    ex2 = sq / size
    var = ex2 - mean * mean
    if var < _CANCEL * ex2:
        dev = flat - mean
        var = float(np.dot(dev, dev)) / size
    row[_SIZE] = size
    row[_N_NAN:_N_NEGINF + 1] = 0
    row[_MIN], row[_MAX], row[_ABSMAX] = lo, hi, absmax
    row[_MEAN], row[_STD], row[_L2] = mean, math.sqrt(max(var, 0.0)), math.sqrt(sq)
    row[_FRAC_ZERO] = zeros / size
    if (lo >= 0 and hi <= 1) or (lo >= -1 and hi <= 1):
        k = -(-size // SUBSAMPLE)
        sub = stats_rows(np.ascontiguousarray(flat[::k]).reshape(1, -1))[0]
        row[_FRAC_SAT_EXACT], row[_FRAC_SAT_NEAR] = sub[_FRAC_SAT_EXACT], sub[_FRAC_SAT_NEAR]
    if dsq is not None:
        row[_UPDATE_L2] = math.sqrt(dsq)
    return row
