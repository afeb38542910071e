"""The hot path's shortcuts change nothing: C hooks against Python hooks, run de-duplication, merged statistics calls."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nandoctor import columns as C
from nandoctor.trace import recorder as R
from nandoctor.trace.instrument import ARGS, AUGREC, DELTA, ITER, REC, UPD, Registry
from nandoctor.trace.recorder import Recorder
from nandoctor.trace.stats import stats_rows

from conftest import SEED


def _recorder(monkeypatch, pure: bool, **kw) -> Recorder:
    if pure:
        monkeypatch.setenv("NANDOCTOR_PURE_PYTHON", "1")
    else:
        monkeypatch.delenv("NANDOCTOR_PURE_PYTHON", raising=False)
    return Recorder(Registry(), **kw)


def test_c_hooks_are_built_and_used(monkeypatch):
    """The install builds the C hooks on this machine (gcc and the Python headers are there)."""
    r = _recorder(monkeypatch, False)
    r.hooks()
    assert r.hooks_impl == "c"
    r = _recorder(monkeypatch, True)
    r.hooks()
    assert r.hooks_impl == "python"


def _drive(h):
    """Every kind of value the hooks meet, in an order that exercises first sightings and fallbacks."""
    rec, upd, args, it = h[REC], h[UPD], h[ARGS], h[ITER]
    rng = np.random.default_rng(5)
    a = rng.normal(size=(7, 4))
    w = rng.normal(size=(3, 4))
    kept = []  # values the script keeps and mutates after recording: the log must hold copies
    for step in range(40):
        it(0)
        z = rec(0, a * step)
        kept.append(z)
        rec(0, z.T.copy())  # same size, other shape: never read as the site's shape
        rec(0, z.T)  # not C-contiguous
        rec(0, z.astype(np.float32))  # other dtype
        rec(0, z.astype(z.dtype.newbyteorder()))  # byte-swapped
        rec(1, float(step) / 3)  # Python float
        rec(1, np.float64(step))  # numpy scalar
        rec(2, step)  # int: not recorded
        rec(3, [1.0, 2.0])  # list: not recorded
        rec(4, np.array(2.5 * step))  # 0-d
        rec(5, np.array([None, 1.0], dtype=object))
        rec(6, z > 0)
        rec(7, np.full(5000, float(step)))  # large: summarised at once
        rec(8, np.ma.masked_array(z, mask=z > 1))
        rec(9, np.nan * z if step > 30 else z)  # goes all-NaN
        rec(10, np.array([0.0, -0.0])[step % 2:step % 2 + 1])  # +0.0 and -0.0: different bytes
        args((11, 12, 13), (z, 0.01, "text"))
        args((11,), (z, 1.0))  # mismatched lengths: the slow path decides
        w2 = w - 0.01 * step * np.ones_like(w)
        upd(14, w, w2)
        upd(14, w.astype(np.float32), w2)  # old of another dtype
        upd(14, w[:2], w2)  # old of another shape
        upd(15, np.arange(12).reshape(3, 4), np.arange(12).reshape(3, 4) + step)  # integers
        # Mid-sized float64 arrays: the C hooks summarise the ordinary ones at once (statistics rows).
        m = rng.normal(size=(20, 30)) * (step + 1)
        rec(16, m)
        rec(16, np.full((20, 30), 1.0))  # constant: the variance is lost to cancellation, numpy's path
        rec(17, np.where(m > 2.5, np.nan, m) if step % 3 == 0 else m)  # NaN at some steps: numpy's path
        rec(17, np.tanh(m))  # within [-1, 1]: saturation counts
        upd(18, m, m * 0.9)  # an update: the row carries the update norm
        upd(18, m, m)  # a zero update
        h[AUGREC](19, m - h[DELTA](19, 0.1 * m))  # an augmented update: delta copied, then the row
        w = w2
        z *= -1.0  # mutated after recording
    return kept


def _flushed(r: Recorder):
    r.flush(final=True)
    cat = lambda k: np.concatenate([getattr(c, k) for c in r.chunks])  # noqa: E731
    vals = sorted((sid, code, seq.tobytes(), data.tobytes()) for c in r.chunks for sid, code, seq, data in c.values)
    return {k: cat(k) for k in ("obs_seq", "obs_site", "obs_shape", "obs_dtype", "obs_stats", "ev_seq")}, vals, r


def test_c_and_python_hooks_record_the_same(monkeypatch):
    out = []
    for pure in (True, False):
        r = _recorder(monkeypatch, pure, flush_entries=1 << 30)
        h = r.hooks()
        _drive(h)
        log, pay = list(r.log), list(r.payloads)
        bufs = {sid: (k[:3], k[5]) + tuple(bytes(b) for b in (k[3], k[4], k[6], k[7])) for sid, k in r.fast.items()}
        cols, vals, r = _flushed(r)
        # The flush took every buffered byte, flag and row.
        assert all(len(k[3]) == len(k[4]) == len(k[6]) == len(k[7]) == len(k[8]) == 0 for k in r.fast.values())
        out.append((log, pay, bufs, cols, vals, r))
    (log_p, pay_p, bufs_p, cols_p, vals_p, rp), (log_c, pay_c, bufs_c, cols_c, vals_c, rc) = out
    assert rp.hooks_impl == "python" and rc.hooks_impl == "c"
    # The same entries, but where the C hooks computed a statistics row the Python hooks logged the bytes.
    assert len(log_c) == len(log_p) == len(pay_c) == len(pay_p)
    row_sites = {c % R.KIND for c in log_c if c >= 0 and c // R.KIND == R.K_ROW}
    assert row_sites == {16, 17, 18, 19}, row_sites
    assert R.K_ROW not in {c // R.KIND for c in log_p if c >= 0}
    for c, p, a, b in zip(log_c, log_p, pay_c, pay_p):
        if c >= 0 and c // R.KIND == R.K_ROW:
            assert p >= 0 and p % R.KIND == c % R.KIND and p // R.KIND in (R.K_PLAIN, R.K_OLD, R.K_DELTA)
            assert a is None
            continue
        assert c == p
        assert type(a) is type(b)
        if isinstance(a, (bytes, float)) or a is None:
            assert a == b or (a != a and b != b)
    # Sites 16 and 17 also met rows the C hooks leave to numpy (a constant, NaN): both kinds are there.
    assert {c // R.KIND for c in log_c if c >= 0 and c % R.KIND in (16, 17)} == {R.K_PLAIN, R.K_ROW}
    assert {s: b for s, b in bufs_c.items() if s not in row_sites} == {s: b for s, b in bufs_p.items() if s not in row_sites}
    assert sum(len(b[2]) + len(b[3]) for b in bufs_c.values()) > 0
    assert any(b"\x01" in b[4] for b in bufs_c.values()), "no repeat was flagged: the test drives none"
    # The statistics are the same, bit for bit, including the rows computed in C.
    for k in cols_p:
        assert np.array_equal(cols_c[k], cols_p[k], equal_nan=True), k
    assert vals_c == vals_p
    assert rc.errors == rp.errors == []
    assert rc.shapes == rp.shapes and rc.dtypes == rp.dtypes


def test_ints_strings_and_none_stay_in_c_and_record_nothing_in_either_hooks(monkeypatch):
    # An index, a counter or a hash of pure-Python code holds nothing the analysis reads: the C hooks take them
    # without a call into Python, and the Python hooks drop them too.
    monkeypatch.delenv("NANDOCTOR_PURE_PYTHON", raising=False)
    slow_calls = []
    log, pay, fast = [], [], {}
    h = R._c_hooks(log, pay, fast, R.K_SCALAR * R.KIND, lambda s, v: slow_calls.append(v) or v,
                   lambda s, v: slow_calls.append(v), lambda s, o, n: n)
    assert h is not None
    values = [3, -(10 ** 30), "word", None, True, False]
    for v in values:
        assert h.rec(5, v) is v
    h.args((5, 6), (7, "x"))
    assert slow_calls == [] and log == [] and pay == []
    h.rec(5, 2.5)  # a float is recorded, in C as well
    assert len(log) == 1 and pay == [2.5]
    r = _recorder(monkeypatch, True, flush_entries=1 << 30)
    rec_python = r.hooks()[REC]
    for v in values:
        assert rec_python(5, v) is v
    assert r.hooks_impl == "python" and list(r.log) == [] and r.errors == []


def _c_row_hooks(monkeypatch):
    """C hooks on fresh lists, summarising float64 arrays of 257 to 65,536 elements at once (whatever
    NANDOCTOR_PURE_PYTHON says for the rest of the suite)."""
    monkeypatch.delenv("NANDOCTOR_PURE_PYTHON", raising=False)
    log, pay, fast = [], [], {}
    h = R._c_hooks(log, pay, fast, R.K_SCALAR * R.KIND, lambda s, v: v, lambda s, v: None, lambda s, o, n: n)
    assert h is not None
    return h, log, fast


def _random_rows(rng, n_cases):
    """Arrays of the kinds the statistics treat specially: signs, zeros, ones, [-1, 1], huge, tiny, near-constant."""
    for t in range(n_cases):
        n = int(rng.integers(257, 8193))
        kind = t % 8
        if kind == 0:
            v = rng.normal(size=n) * 10.0 ** float(rng.integers(-8, 9))
        elif kind == 1:
            v = rng.random(n)
            v[rng.random(n) < 0.3] = 0.0
            v[rng.random(n) < 0.1] = 1.0
            v[rng.random(n) < 0.05] = -0.0
        elif kind == 2:
            v = np.tanh(rng.normal(size=n) * 5)
            v[rng.random(n) < 0.1] = -1.0
        elif kind == 3:
            v = rng.normal(size=n) + 1e6  # the variance is lost to cancellation: left to numpy
        elif kind == 4:
            v = np.maximum(rng.normal(size=n), 0.0)  # ReLU
        elif kind == 5:
            v = 1.0 - rng.random(n) * 1e-5  # saturated near 1
        elif kind == 6:
            v = rng.normal(size=n) * 10.0 ** float(rng.choice([-170, 160]))  # squares under- or overflow
        else:
            v = rng.normal(size=n)
            v[int(rng.integers(n))] = rng.choice([np.nan, np.inf, -np.inf])
        yield t, v, v + rng.normal(size=n) * 10.0 ** float(rng.integers(-6, 1))


def test_c_rows_equal_stats_rows_bit_for_bit(monkeypatch):
    """Every row the C hooks compute equals numpy's `stats_rows` of the same array exactly (pairwise sums,
    saturation counts, update norms); the rows numpy treats specially are left to it."""
    h, log, fast = _c_row_hooks(monkeypatch)
    rng = np.random.default_rng(11)
    n_rows = n_left = 0
    for t, v, old in _random_rows(rng, 1200):
        fast[t] = (v.shape, v.dtype, v.nbytes) + (bytearray(), bytearray(), t + R.KIND, bytearray(), bytearray(),
                                                   bytearray(), t + R.K_ROW * R.KIND)
        for how in ("rec", "upd", "row"):
            n_log = len(log)
            if how == "rec":
                h.rec(t, v)
                ref_delta = None
            elif how == "upd":
                h.upd(t, old, v)
                with np.errstate(invalid="ignore"):  # inf - inf: that row is numpy's
                    ref_delta = v - old
            else:
                with np.errstate(invalid="ignore"):
                    d = v - old
                assert h.row(t, v, d) in (True, False)
                ref_delta = d
            with np.errstate(all="ignore"):
                ref = stats_rows(v.reshape(1, -1), None if ref_delta is None else ref_delta.reshape(1, -1))[0]
            computed = len(log) > n_log and log[-1] // R.KIND == R.K_ROW
            # What stats_rows treats specially (its masked, scaled or two-pass paths), computed independently.
            with np.errstate(all="ignore"):
                sq = np.sum(v.astype(np.longdouble) ** 2)  # long double: no underflow at 1e-340
                ex2, mean = sq / v.size, np.mean(v.astype(np.longdouble))
                absmax = np.abs(v).max()
            special = (not np.isfinite(v).all() or absmax > 1e150 or (absmax > 0 and sq < 1e-290)
                       or ex2 - mean * mean < 1e-4 * ex2)
            if computed:
                n_rows += 1
                assert not special, (t, how)
                row = np.frombuffer(bytes(fast[t][8][-len(ref) * 8:]), np.float64)
                assert np.array_equal(row, ref, equal_nan=True), (t, how, row, ref)
            else:
                n_left += 1
                if how == "rec":
                    assert special, (t, v[:5])
    assert n_rows >= 1500 and n_left >= 1500, (n_rows, n_left)  # half the kinds are ordinary


def _reference_stats(monkeypatch, pure=False):
    """The chunk statistics computed with run de-duplication switched off."""
    with monkeypatch.context() as m:
        m.setattr(R, "EXPAND_RUNS", True)
        r = _recorder(monkeypatch, pure, flush_entries=1 << 30)
        _drive(r.hooks())
        return _flushed(r)


def test_runs_of_equal_observations_give_the_same_statistics(monkeypatch):
    calls = []
    real = R._runs

    def spy(blob, m):
        out = real(blob, m)
        calls.append(out is not None)
        return out

    monkeypatch.setattr(R, "_runs", spy)
    r = _recorder(monkeypatch, False, flush_entries=1 << 30)
    _drive(r.hooks())
    cols, vals, _ = _flushed(r)
    assert any(calls), "no group was de-duplicated: the test drives no repeats"
    monkeypatch.setattr(R, "_runs", real)
    ref_cols, ref_vals, _ = _reference_stats(monkeypatch)
    for k in cols:
        assert np.array_equal(cols[k], ref_cols[k], equal_nan=True), k
    assert vals == ref_vals


def test_runs_compare_bytes_not_values():
    """NaN rows repeat (equal bytes though NaN != NaN); +0.0 and -0.0 differ (equal values, other bytes)."""
    nan = np.full((40, 3), np.nan)
    runs = R._runs(nan.tobytes(), 40)
    assert runs is not None and list(runs[0]) == [0] and list(runs[1]) == [40]
    z = np.zeros((40, 1))
    z[1::2] = -0.0
    assert R._runs(z.tobytes(), 40) is None
    a = np.repeat(np.arange(10.0), 4).reshape(40, 1)
    starts, lens = R._runs(a.tobytes(), 40)
    assert list(starts) == list(range(0, 40, 4)) and list(lens) == [4] * 10
    assert R._runs(np.arange(40.0).tobytes(), 40) is None  # nothing repeats
    assert R._runs(b"", 40) is None
    odd = np.repeat(np.arange(8, dtype=np.uint8), 5).reshape(40, 1)  # rows of one byte
    assert list(R._runs(odd.tobytes(), 40)[1]) == [5] * 8


def test_merged_statistics_calls_equal_row_by_row(monkeypatch):
    """Groups of one width share a statistics call; each row still equals its own computation."""
    r = _recorder(monkeypatch, False, flush_entries=1 << 30)
    _drive(r.hooks())
    cols, _, r = _flushed(r)
    by_seq = {}
    for c in r.chunks:
        for sid, code, seq, data in c.values:
            for s, row in zip(seq, data):
                by_seq[int(s)] = row
    checked = 0
    for i, s in enumerate(cols["obs_seq"]):
        row = by_seq.get(int(s))
        if row is None or cols["obs_stats"][i, C.STATS.index(C.UPDATE_L2)] == cols["obs_stats"][i, C.STATS.index(C.UPDATE_L2)]:
            continue  # updates need their old value; the values hold the new one only
        want = stats_rows(row.reshape(1, -1))[0]
        np.testing.assert_allclose(cols["obs_stats"][i], want, rtol=1e-12, atol=0, equal_nan=True)
        checked += 1
    assert checked > 400


def _session_arrays(out: Path, pure: bool):
    env = dict(os.environ)
    env.pop("NANDOCTOR_PURE_PYTHON", None)
    if pure:
        env["NANDOCTOR_PURE_PYTHON"] = "1"
    subprocess.run([sys.executable, "-m", "nandoctor", "run", "-q", "--format", "session", "-o", str(out), str(SEED)],
                   env=env, check=True, capture_output=True)
    import nandoctor

    s = nandoctor.load(out)
    return s


def test_seed_session_identical_under_c_and_python_hooks(tmp_path):
    py = _session_arrays(tmp_path / "py", True)
    c = _session_arrays(tmp_path / "c", False)
    assert py.meta.get("hooks") == "python" and c.meta.get("hooks") == "c"
    for k in ("obs_seq", "obs_site", "obs_shape", "obs_dtype", "obs_stats", "ev_seq", "ev_loop", "ev_kind"):
        assert np.array_equal(getattr(py.recording, k), getattr(c.recording, k), equal_nan=True), k
    from nandoctor.model import to_dict

    assert [to_dict(f) for f in py.findings] == [to_dict(f) for f in c.findings]


def _saturation_by_definition(row: np.ndarray):
    """frac_sat_exact and frac_sat_near of one row, straight from the definition (DESIGN.md §4)."""
    if not np.isfinite(row).any():
        return np.nan, np.nan
    f = row[np.isfinite(row)]
    lo, hi = f.min(), f.max()
    if lo >= 0 and hi <= 1:
        b = 0.0
    elif lo >= -1 and hi <= 1:
        b = -1.0
    else:
        return np.nan, np.nan
    exact = np.count_nonzero((row == b) | (row == 1.0)) / row.size
    near = np.count_nonzero((np.abs(row - b) < 1e-4) | (np.abs(row - 1.0) < 1e-4)) / row.size
    return exact, near


@pytest.mark.parametrize("width", [1, 3, 10, 300])
def test_saturation_fractions_follow_the_definition(width):
    """The one-sided counting from each row's min and max gives exactly the two-sided definition."""
    rng = np.random.default_rng(width)
    n = 60
    blocks = [
        rng.random((n, width)),
        rng.random((n, width)) * 2 - 1,
        np.clip(rng.normal(0.5, 0.6, (n, width)), 0, 1),
        np.clip(rng.normal(0, 1, (n, width)), -1, 1),
        np.where(rng.random((n, width)) < 0.5, 1 - 10.0 ** -rng.integers(0, 20, (n, width)),
                 10.0 ** -rng.integers(0, 20, (n, width))),
        -1 + 10.0 ** -rng.integers(0, 20, (n, width)),
        rng.normal(0, 3, (n, width)),
    ]
    blocks[5][::4, 0] = np.nan
    ex, ne = C.STATS.index(C.FRAC_SAT_EXACT), C.STATS.index(C.FRAC_SAT_NEAR)
    for block in blocks:
        got = stats_rows(block)
        want = np.array([_saturation_by_definition(r) for r in block])
        assert np.array_equal(got[:, [ex, ne]], want, equal_nan=True)


@pytest.mark.parametrize("pure", [False, True])
def test_failed_flush_loses_its_chunk_only(monkeypatch, pure):
    """A flush that fails part-way drops its own entries; later chunks still read the right bytes."""
    r = _recorder(monkeypatch, pure, flush_entries=1 << 30)
    h = r.hooks()
    real = R.Recorder._block  # called per group, in the middle of the flush's work
    fail = {"now": False}

    def flaky(*a, **kw):
        if fail["now"]:
            raise RuntimeError("injected")
        return real(*a, **kw)

    monkeypatch.setattr(R.Recorder, "_block", flaky)
    for i in range(300):
        h[ITER](0)
        h[REC](0, np.full((2, 2), float(i)))
        h[UPD](1, np.full(3, float(i)), np.full(3, float(i + 1)))
        if i % 100 == 99:
            fail["now"] = i == 199
            r.flush()
            fail["now"] = False
    r.flush(final=True)
    assert any("injected" in e for e in r.errors)
    seen = {0: [], 1: []}
    for c in r.chunks:
        for sid, _code, seq, data in c.values:
            for s, row in zip(seq, data):
                step = (int(s) - 1) // 3  # entries per step: iteration, rec, update
                want = step if sid == 0 else step + 1
                assert np.all(row == want), (sid, int(s), row)
                seen[sid].append(step)
    # The first and the third chunk survive, the second (steps 100-199) was dropped.
    assert sorted(seen[0]) == list(range(100)) + list(range(200, 300))
    assert sorted(seen[1]) == list(range(100)) + list(range(200, 300))


def _window_picks_by_sorting(wkey, stats):
    """The thinner's window picks computed the plain way: a sort per statistic and direction."""
    from nandoctor.trace.recorder import _EXTREME_STATS, _SPIKE_STATS, OUTLIERS, SPIKE_KEEP

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
            last = np.lexsort((vv, seg))[ends - 1]  # stable: among ties, the last row
            keep[last[fin[last]]] = True
    l2 = stats[:, C.STATS.index(C.L2)]
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
        o = np.lexsort((-ratio, seg))
        rank = np.empty(n, np.int64)
        rank[o] = np.arange(n) - starts[seg[o]]
        keep |= (ratio > SPIKE_KEEP) & (rank < OUTLIERS)
    return keep


def test_window_picks_equal_the_sorting_definition():
    rng = np.random.default_rng(1)
    for trial in range(300):
        n = int(rng.integers(1, 400))
        if trial % 2:  # windows of one length (the common case), or of any lengths
            width = int(rng.integers(1, 40))
            n = max(width, n - n % width)
            wkey = np.repeat(np.arange(n // width) * 3 + 7, width)
        else:
            wkey = np.sort(rng.integers(0, max(1, n // int(rng.integers(1, 40)) + 1), n))
        st = rng.normal(size=(n, len(C.STATS))) * rng.choice([1, 1e3], size=(n, len(C.STATS)))
        st[rng.random(st.shape) < 0.05] = np.nan
        if trial % 3 == 0:
            st = np.round(st)  # ties
        if trial % 7 == 0:
            st[:] = np.nan
        if trial % 5 == 0:
            st[rng.integers(0, n, 3), C.STATS.index(C.UPDATE_L2)] *= 1e6  # spikes
        assert np.array_equal(R._window_picks(wkey, st), _window_picks_by_sorting(wkey, st)), trial


@pytest.mark.parametrize("pure", [False, True])
def test_repeat_counted_after_its_row_was_flushed(monkeypatch, pure):
    """A flush on another thread may count an entry but not the repeat recorded right after it: the
    repeat, read by the next flush, gets the row the earlier flush took."""
    r = _recorder(monkeypatch, pure, flush_entries=1 << 30)
    h = r.hooks()
    a = np.arange(6.0).reshape(2, 3)
    h[REC](0, a.copy())  # registers the site (first sighting)
    h[REC](0, a.copy())  # equal to the row before: only the flag 1
    h[REC](0, a.copy())
    assert bytes(r.fast[0][6]) == b"\x00\x01\x01"
    # The flush counts the first two entries only; the third is "still being recorded".
    code, pay = r.log.pop(), r.payloads.pop()
    r.flush()
    r.log.append(code)
    r.payloads.append(pay)
    r.flush(final=True)
    vals = [data for c in r.chunks for sid, _code, seq, data in c.values if sid == 0]
    assert [len(v) for v in vals] == [2, 1]
    assert all((v == a.reshape(1, -1)).all() for v in vals)
    st = np.concatenate([c.obs_stats for c in r.chunks])
    assert st.shape[0] == 3 and all(np.array_equal(row, st[0], equal_nan=True) for row in st)
    assert st[0, C.STATS.index(C.MAX)] == 5.0


@pytest.mark.parametrize("size", [1, 7, 8, 9, 100, 256, 257, 1000])
def test_a_rows_statistics_do_not_depend_on_the_rows_flushed_with_it(size):
    """A flush groups a site's observations by chance (time, entry count): a row alone and the same row among
    others get the same bits (a narrow block is summed column by column, a single row would be pairwise)."""
    rng = np.random.default_rng(size)
    block = rng.normal(size=(40, size)) * 0.05
    delta = rng.normal(size=(40, size)) * 1e-3
    together = stats_rows(block, delta)
    for k in range(0, 40, 3):
        alone = stats_rows(block[k:k + 1].copy(), delta[k:k + 1].copy())[0]
        assert np.array_equal(alone, together[k], equal_nan=True), (k, alone - together[k])
