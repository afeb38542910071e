"""Large arrays: exact rows up to EXACT_ROWS_MAX elements in C and in Python alike, and above it the
screening schedule of stats.BigArrays: what it checks in full, when, and what it can miss."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from nandoctor import columns as C
from nandoctor.trace import stats as S
from nandoctor.trace.stats import IDX, BigArrays, stats_rows


class FakeTrap:
    """What BigArrays asks of what forces its full checks (NonfiniteCount, or the opt-in trap)."""

    def __init__(self):
        self.n_flags = 0
        self.forced = True

    def in_force(self):
        return self.forced

    def bump(self):
        self.n_flags += 1


def _big(rng, scale=1.0):
    return rng.normal(size=(400, 256)) * scale  # 102,400 elements: screened


def _rows(b, sid, values, deltas=None):
    out = []
    for i, v in enumerate(values):
        out.append(b.row(sid, v, None if deltas is None else deltas[i]))
    return np.array(out)


def _full_check(row) -> bool:
    return bool(np.isfinite(row[IDX[C.L2]]))


def test_screened_rows_follow_the_schedule():
    rng = np.random.default_rng(0)
    b = BigArrays(screening=True)
    b.trap = FakeTrap()
    vals = [_big(rng) for _ in range(40)]
    deltas = [rng.normal(size=(400, 256)) * 1e-3 for _ in range(40)]
    rows = _rows(b, 1, vals, deltas)
    every = BigArrays.exact_every(vals[0].size)
    assert every == 4
    full = [i for i, r in enumerate(rows) if _full_check(r)]
    # The site's first FULL_FIRST observations are checked in full (the delta has three estimates to compare with
    # from the third on).
    assert full == [i for i in range(40) if i % every == 0 or i < max(3, BigArrays.FULL_FIRST)], full
    assert b.screened == 40 - len(full)
    for i, r in enumerate(rows):
        assert r[IDX[C.SIZE]] == vals[i].size
        if i in full:
            assert math.isclose(r[IDX[C.L2]], float(np.linalg.norm(vals[i])), rel_tol=1e-12)
            assert math.isclose(r[IDX[C.UPDATE_L2]], float(np.linalg.norm(deltas[i])), rel_tol=1e-12)
        else:
            assert np.isnan(r[[IDX[C.L2], IDX[C.UPDATE_L2], IDX[C.MEAN], IDX[C.MIN], IDX[C.MAX]]]).all()
            assert (r[[IDX[C.N_NAN], IDX[C.N_POSINF], IDX[C.N_NEGINF]]] == 0).all()


def test_a_layer_loop_site_measures_each_layers_start():
    """One statement reading every layer's matrix in turn (`W = model['W' + str(j)]` in a loop over layers):
    the site's first observations are each layer's first, and each is measured in full, least and largest
    values included; with only the site's first checked, the second layer's start is never read (its
    observations fall between the scheduled checks, one in two)."""
    b = BigArrays(screening=True)
    b.trap = FakeTrap()
    first, second = np.zeros((784, 100)), np.full((100, 784), 0.25)
    assert first.size > BigArrays.SCREEN_ABOVE and first.size == second.size
    rows = _rows(b, 1, [first, second] * 6)  # a plain read: no update's delta
    assert rows[0][IDX[C.MIN]] == rows[0][IDX[C.MAX]] == 0.0
    assert rows[1][IDX[C.MIN]] == rows[1][IDX[C.MAX]] == 0.25
    assert np.isnan(rows[BigArrays.FULL_FIRST + 1][IDX[C.MIN]])  # screened later, as before


def test_exact_mode_checks_every_observation(monkeypatch):
    monkeypatch.setenv("NANDOCTOR_EXACT_LARGE", "1")
    rng = np.random.default_rng(0)
    b = BigArrays()
    b.trap = FakeTrap()
    rows = _rows(b, 1, [_big(rng) for _ in range(12)], [rng.normal(size=(400, 256)) for _ in range(12)])
    assert b.screened == 0 and all(_full_check(r) for r in rows)
    assert np.isfinite(rows[:, IDX[C.UPDATE_L2]]).all()


@pytest.mark.parametrize("what", ["delta spike", "non-finite delta", "flag", "non-finite seen", "errstate", "no trap"])
def test_what_forces_a_full_check(what):
    rng = np.random.default_rng(1)
    b = BigArrays(screening=True)
    trap = FakeTrap()
    b.trap = None if what == "no trap" else trap
    k = 10  # not a scheduled full check (every 4th), nor are k - 1 and k + 1
    vals = [_big(rng) for _ in range(12)]
    deltas = [rng.normal(size=(400, 256)) * 1e-3 for _ in range(12)]
    rows = []
    for i in range(12):
        v, d = vals[i], deltas[i]
        if i == k:
            if what == "delta spike":
                d = d * 50
            elif what == "non-finite delta":
                d = d.copy()
                d[0, 100] = np.inf  # in the sample's first run
            elif what == "flag":
                trap.n_flags += 1
            elif what == "non-finite seen":  # another site's row holds a NaN: counted by BigArrays itself
                mid = rng.normal(size=10_000)
                mid[3] = np.nan
                assert b.row(2, mid)[IDX[C.N_NAN]] == 1 and trap.n_flags == 1
            elif what == "errstate":
                trap.forced = False
        rows.append(b.row(1, v, d))
        trap.forced = True
    assert _full_check(rows[k]) or rows[k][IDX[C.N_NAN]] > 0
    if what == "no trap":
        assert b.screened == 0
    else:
        assert not _full_check(rows[k - 1]) and not _full_check(rows[k + 1])  # screened around it
    if what == "delta spike":
        assert math.isclose(rows[k][IDX[C.L2]], float(np.linalg.norm(vals[k])), rel_tol=1e-12)
        assert math.isclose(rows[k][IDX[C.UPDATE_L2]], float(np.linalg.norm(deltas[k] * 50)), rel_tol=1e-12)
    if what == "non-finite delta":
        assert np.isfinite(rows[k][IDX[C.MEAN]])  # the whole row: the update's norm is over its finite elements


def test_nonfinite_count_is_nandoctors_own():
    """Without the trap, what forces full checks is counted by nandoctor: float64 rows holding a NaN or an
    infinity, above the arrays the Python hooks may summarise later; numpy's error state is never read."""
    count = S.NonfiniteCount()
    b = BigArrays(screening=True)
    b.trap = count
    rng = np.random.default_rng(7)
    with np.errstate(all="ignore"):  # a script's errstate changes nothing
        for n, bad, counted in ((S.ROWS_AT_ONCE_ABOVE, np.nan, 0), (10_000, 1.0, 0), (10_000, np.inf, 1),
                                (S.EXACT_ROWS_MAX + 1, -np.inf, 2)):
            v = rng.normal(size=n)
            v[5] = bad
            b.row(3 + n, v)
            assert count.n_flags == counted, n
    assert count.in_force() and count.screening_state()[1:] == (None, None)


def test_an_unflagged_nan_is_found_at_the_next_full_check():
    """The documented limit: a NaN that came into a screened array with no non-finite value seen elsewhere
    reads as none until the array's next full check (at most exact_every observations later)."""
    rng = np.random.default_rng(2)
    b = BigArrays(screening=True)
    b.trap = FakeTrap()
    rows = []
    first = BigArrays.FULL_FIRST + 1  # past the first observations (checked in full), not a scheduled check
    assert first % BigArrays.exact_every(_big(rng).size) == 1
    for i in range(first + 4):
        v = _big(rng)
        if i >= first:
            v[17, 3] = np.nan
        rows.append(b.row(1, v))
    assert [int(r[IDX[C.N_NAN]]) for r in rows] == [0] * (first + 3) + [1]
    assert not any(_full_check(r) for r in rows[first:first + 3])


def test_an_update_spike_off_the_sample_waits_for_the_next_full_check():
    """The other documented limit: a spike confined to elements the sample does not read."""
    rng = np.random.default_rng(5)
    b = BigArrays(screening=True)
    b.trap = FakeTrap()
    rows = []
    k = BigArrays.FULL_FIRST + 2  # past the first observations (checked in full), not a scheduled check
    for i in range(k + 3):
        d = rng.normal(size=(400, 256)) * 1e-3
        if i == k:
            d[210, :] *= 1e4  # one row (elements 53,760 on), between the sampled runs (every 12,800)
        rows.append(b.row(1, _big(rng), d))
    assert np.isnan(rows[k][IDX[C.UPDATE_L2]]) and _full_check(rows[k + 2])


def test_rows_up_to_the_exact_range_are_stats_rows():
    """Between SUBSAMPLE_ABOVE and EXACT_ROWS_MAX elements, every observation's row is stats_rows' (the C
    hooks compute the same row, tested in test_hot_path)."""
    rng = np.random.default_rng(3)
    b = BigArrays()
    for n in (S.SUBSAMPLE_ABOVE + 1, 20_000, S.EXACT_ROWS_MAX):
        for i in range(5):
            v = rng.normal(size=n)
            d = rng.normal(size=n) * 1e-2
            with np.errstate(all="ignore"):
                ref = stats_rows(v.reshape(1, -1), d.reshape(1, -1))[0]
            assert np.array_equal(b.row(n, v, d), ref, equal_nan=True)


SCRIPT = textwrap.dedent('''
    import numpy as np

    rng = np.random.default_rng(0)
    X = rng.random((64, 150))
    Y = (X.sum(axis=1, keepdims=True) > 75).astype(float)
    W1 = rng.normal(0, 0.1, (150, 200))   # 30,000 elements: an exact row at every step
    W2 = rng.normal(0, 0.1, (200, 1))
    V = rng.normal(0, 0.1, (150, 500))    # 75,000 elements: screened between full checks
    for step in range(60):
        g = X.T @ (X @ V) / 1e4
        V -= 0.01 * g
        h = np.maximum(X @ W1, 0.0)       # 12,800 elements
        p = 1 / (1 + np.exp(-(h @ W2)))
        d2 = (p - Y) / len(X)
        dW2 = h.T @ d2
        dh = d2 @ W2.T * (h > 0)
        dW1 = X.T @ dh
        W1 -= 0.5 * dW1
        W2 -= 0.5 * dW2
    print(float(np.mean((p > 0.5) == Y)))
''')


def _session(tmp_path: Path, pure: bool, name: str):
    script = tmp_path / "net.py"
    script.write_text(SCRIPT)
    env = dict(os.environ)
    env.pop("NANDOCTOR_PURE_PYTHON", None)
    if pure:
        env["NANDOCTOR_PURE_PYTHON"] = "1"
    out = tmp_path / name
    subprocess.run([sys.executable, "-m", "nandoctor", "run", "-q", "--format", "session", "-o", str(out), str(script)],
                   env=env, check=True, capture_output=True)
    import nandoctor

    return nandoctor.load(out)


def test_mid_and_large_rows_identical_under_c_and_python(tmp_path):
    py = _session(tmp_path, True, "py")
    c = _session(tmp_path, False, "c")
    assert py.meta.get("hooks") == "python" and c.meta.get("hooks") == "c"
    for k in ("obs_seq", "obs_site", "obs_stats"):
        assert np.array_equal(getattr(py.recording, k), getattr(c.recording, k), equal_nan=True), k
    # Shapes and dtypes are codes into tables filled in the order the flush meets them: compare the texts.
    for k, table in (("obs_shape", "shapes"), ("obs_dtype", "dtypes")):
        texts = [[getattr(s.recording, table)[i] for i in getattr(s.recording, k)] for s in (py, c)]
        assert texts[0] == texts[1], k
    # Every row of the 30,000-element weights is a full one, at every step.
    sizes = c.recording.obs_stats[:, IDX[C.SIZE]]
    big = c.recording.obs_stats[sizes == 30_000]
    assert len(big) >= 60 and np.isfinite(big[:, IDX[C.MEAN]]).all() and np.isfinite(big[:, IDX[C.UPDATE_L2]]).any()
    # The 75,000-element ones are screened between full checks, the same way in both.
    huge = c.recording.obs_stats[sizes == 75_000]
    assert 0 < np.isnan(huge[:, IDX[C.L2]]).sum() < len(huge)


def test_sse2_and_avx2_kernels_agree(tmp_path):
    """The baseline kernels and the AVX2 ones compute the same rows (same additions in the same order)."""
    from nandoctor.trace import _fasthooks

    code = textwrap.dedent('''
        import sys, numpy as np
        from nandoctor.trace import _fasthooks
        rng = np.random.default_rng(4)
        out = []
        for n in (9, 100, 257, 1000, 4097, 65536, 200001):
            a = rng.normal(size=n); a[::11] = 0.0
            out.append(_fasthooks.moments(a))
        print(_fasthooks.kernels(), repr(out))
    ''')
    runs = {}
    for kernels in ("sse2", ""):
        env = dict(os.environ, NANDOCTOR_KERNELS=kernels)
        r = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)
        name, text = r.stdout.split(" ", 1)
        runs[name] = text
    assert "sse2" in runs
    if _fasthooks.kernels() == "avx2":
        assert runs["avx2"] == runs["sse2"]
    rng = np.random.default_rng(4)
    for n, got in zip((9, 100, 257, 1000, 4097, 65536, 200001), eval(runs["sse2"])):
        a = rng.normal(size=n)
        a[::11] = 0.0
        assert got == (float(np.add.reduce(a)), float(np.add.reduce(a * a)), float(a.min()), float(a.max()),
                       n - int(np.count_nonzero(a)))


def test_report_says_how_large_arrays_were_checked(tmp_path):
    """The report's run section counts the screened records, and session.json says which mode ran."""
    from nandoctor.report.html import render_html

    c = _session(tmp_path, False, "c")
    assert c.meta.get("large_arrays") == "screened"
    stats = c.recording.obs_stats
    big = stats[:, IDX[C.SIZE]] > S.EXACT_ROWS_MAX
    screened = int((np.isnan(stats[big][:, IDX[C.L2]])).sum())
    assert screened > 0
    page = render_html(c)
    assert f"{int(big.sum()):,} records of arrays over 65,536 elements, {screened:,} of them screened" in page


def test_exact_mode_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("NANDOCTOR_EXACT_LARGE", "1")
    c = _session(tmp_path, False, "exact")
    assert c.meta.get("large_arrays") == "exact"
    stats = c.recording.obs_stats
    big = stats[stats[:, IDX[C.SIZE]] > S.EXACT_ROWS_MAX]
    assert len(big) >= 60 and np.isfinite(big[:, IDX[C.L2]]).all()


def test_sample_estimate_is_the_same_in_c_and_numpy(monkeypatch):
    """The screening sample's estimate is computed in the C loop's order by numpy too, so the C and the
    pure-Python hooks take the same screening decisions, ties included."""
    from nandoctor.trace import _fasthooks

    rng = np.random.default_rng(6)
    for n in (65_537, 102_400, 200_704, 1_000_003):
        a = rng.normal(size=n) * 10.0 ** float(rng.integers(-3, 4))
        c = _fasthooks.sample_sumsq(a, BigArrays.SCREEN_BLOCKS, BigArrays.SCREEN_RUN)
        monkeypatch.setattr(S, "_c_sample", None)
        assert S._sample_sumsq(a) == c
        monkeypatch.undo()


NAN_SCRIPT = textwrap.dedent('''
    import sys
    import numpy as np

    where, k = sys.argv[1], int(sys.argv[2])
    rng = np.random.default_rng(0)
    V = rng.normal(0, 0.1, (150, 500))    # 75,000 elements: screened between full checks
    for step in range(20):
        nan_here = step == k and where == "both"
        m = rng.normal(size=10_000) + np.where((np.arange(10_000) == 7) & nan_here, np.nan, 0.0)
        # m: a mid-sized array, whose row is computed when observed; the NaN is seen there first...
        V = V * 0.999
        if step == k:
            V.reshape(-1)[1503] = np.nan  # ...then in V, through a view no site records
        V = V + 0.0
    print(np.isnan(V).sum())
''')


@pytest.mark.parametrize("pure", [False, True])
def test_a_nonfinite_value_seen_forces_the_next_full_checks(tmp_path, pure):
    """nandoctor's own count of non-finite rows replaces the trap's flags: after a mid-sized array's row
    holds a NaN, a screened array's next observation is checked in full, in C and in Python alike."""
    script = tmp_path / "nan.py"
    script.write_text(NAN_SCRIPT)
    env = dict(os.environ)
    env.pop("NANDOCTOR_PURE_PYTHON", None)
    if pure:
        env["NANDOCTOR_PURE_PYTHON"] = "1"
    import nandoctor

    def rows(where, k):
        out = tmp_path / f"{where.replace(' ', '_')}{k}"
        subprocess.run([sys.executable, "-m", "nandoctor", "run", "-q", "--format", "session", "-o", str(out),
                        str(script), where, str(k)], env=env, check=True, capture_output=True)
        s = nandoctor.load(out)
        assert s.meta.get("hooks") == ("python" if pure else "c")
        sid = next(x.id for x in s.sites if x.statement.strip() == "V = V + 0.0")
        return s.recording.obs_stats[s.recording.obs_site == sid]  # one a step

    # A step at which `V = V + 0.0` is screened when nothing is non-finite.
    clean = rows("none", -1)
    k = next(i for i in range(5, 20) if np.isnan(clean[i, IDX[C.L2]]))
    assert rows("V only", k)[k, IDX[C.N_NAN]] == 0  # unseen: screened, found at the next full check
    assert rows("both", k)[k, IDX[C.N_NAN]] == 1  # the mid-sized array's NaN forced the full check
