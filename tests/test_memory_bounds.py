"""Long runs stay bounded: past the cap the history is thinned, yet keeps every update spike and the NaN onset."""

from __future__ import annotations

import numpy as np
import pytest

from nandoctor import columns as C
from nandoctor.trace.instrument import Registry
from nandoctor.trace import recorder as R
from nandoctor.trace.recorder import Recorder

STEPS = 6000
CAP = 500
# Windows per stage for this short run: 500 // 16 = 31 observations per first-stage window (the
# default, 128 windows of a 20,000-observation cap, gives 156).
WPS = 16
SPIKES = (700, 701, 1333, 2950, 4000, 5999)  # two adjacent, one at the very end
NAN_AT = 4500


def _run(full_obs: int, nan_at: int | None = None):
    """Drive the hooks like an instrumented 4-site training loop; returns the raw columns and values."""
    rec = Recorder(Registry(), full_obs=full_obs, flush_entries=4096)
    h = rec.hooks()
    rec_, upd, it, ex = h["__nd_rec__"], h["__nd_upd__"], h["__nd_iter__"], h["__nd_exit__"]
    rng = np.random.default_rng(0)
    w = rng.normal(size=(3, 4))
    for i in range(STEPS):
        it(0)
        x = rng.normal(size=(7, 3))
        if nan_at is not None and i >= nan_at:
            x[0, 0] = np.nan
        z = rec_(0, x @ w)
        a = rec_(1, np.tanh(z))
        g = rec_(2, rng.normal(size=(3, 4)) * 1e-3 + 0 * (x.T @ a))
        if i in SPIKES:
            g = g * 500.0  # an injected update spike
        w = upd(3, w, w - g)
    ex(0)
    rec.flush(final=True)
    chunks = rec.chunks
    cat = lambda k: np.concatenate([getattr(c, k) for c in chunks])  # noqa: E731
    values = {}
    for c in chunks:
        for sid, _code, seq, data in c.values:
            values.setdefault(sid, []).append((seq, data))
    return cat("obs_seq"), cat("obs_site"), cat("obs_stats"), cat("ev_seq"), values


def _steps(obs_seq, ev_seq):
    return np.searchsorted(ev_seq, obs_seq, side="right") - 1


def _spike_steps(steps, up):
    """Steps whose update norm is > 10x the median of the 50 updates before (the detector's rule)."""
    out = []
    for i in range(8, len(up)):
        med = np.median(up[max(0, i - 50):i])
        if up[i] > 10 * med:
            out.append(int(steps[i]))
    return out


@pytest.fixture(scope="module")
def runs():
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(R, "WINDOWS_PER_STAGE", WPS)
        return _run(0), _run(CAP)


def test_full_run_sees_every_injected_spike(runs):
    (seq, site, st, ev, _), _ = runs
    m = site == 3
    assert _spike_steps(_steps(seq[m], ev), st[m, C.STATS.index(C.UPDATE_L2)]) == list(SPIKES)


def test_thinned_history_keeps_every_spike_with_its_value(runs):
    (seq_f, site_f, st_f, ev_f, _), (seq_t, site_t, st_t, ev_t, _) = runs
    k = C.STATS.index(C.UPDATE_L2)
    full = dict(zip(_steps(seq_f[site_f == 3], ev_f).tolist(), st_f[site_f == 3, k]))
    thin = dict(zip(_steps(seq_t[site_t == 3], ev_t).tolist(), st_t[site_t == 3, k]))
    for s in SPIKES:
        assert s in thin, f"spike at step {s} was thinned away"
        assert thin[s] == full[s]
    # The thinned series still reads as spikes under the detector's own rule.
    steps = np.array(sorted(thin))
    found = _spike_steps(steps, np.array([thin[s] for s in steps]))
    assert set(SPIKES) <= set(found)


def test_rows_are_bounded_and_first_steps_complete(runs):
    (seq_f, site_f, *_), (seq_t, site_t, st_t, ev_t, values) = runs
    for sid in range(4):
        n_full, n_thin = int((site_f == sid).sum()), int((site_t == sid).sum())
        assert n_full == STEPS
        # The cap in full, then per stage at most a handful of rows per window.
        stages = int(np.ceil(np.log2(STEPS / CAP)))
        assert n_thin <= CAP + stages * WPS * 12
        assert n_thin < STEPS / 2
        steps = _steps(seq_t[site_t == sid], ev_t)
        assert (steps[:CAP] == np.arange(CAP)).all()
        assert steps[-1] == STEPS - 1  # the last observation is always kept
        # Kept values follow the kept rows, so they are bounded too.
        vseq = np.concatenate([s for s, _ in values[sid]])
        assert np.array_equal(np.sort(vseq), seq_t[site_t == sid])  # every kept row has its values, no others


def test_full_resolution_around_the_first_nan(monkeypatch):
    monkeypatch.setattr(R, "WINDOWS_PER_STAGE", WPS)
    seq, site, st, ev, _ = _run(CAP, nan_at=NAN_AT)
    m = site == 0
    steps = _steps(seq[m], ev)
    assert st[m][steps == NAN_AT, C.STATS.index(C.N_NAN)][0] > 0
    assert st[m][steps == NAN_AT - 1, C.STATS.index(C.N_NAN)][0] == 0
    for s in range(NAN_AT - 16, NAN_AT + 17):
        assert s in steps, f"step {s} next to the first NaN was thinned away"


def test_cap_zero_keeps_everything(runs):
    (seq, site, *_), _ = runs
    assert len(seq) == 4 * STEPS


def _float32_loop(steps: int):
    """A loop logging two fresh float32 arrays of 7,200 elements per step (copied for the batch, not summarised
    at once); returns (rows per chunk, statistics rows in seq order)."""
    per_chunk, stats = [], []

    def sink(chunk, _):
        per_chunk.append(len(chunk.obs_seq))
        stats.append(chunk.obs_stats)

    rec = Recorder(Registry(), sink, flush_entries=1 << 30, flush_seconds=1e9, full_obs=0)
    h = rec.hooks()
    rec_, it, ex = h["__nd_rec__"], h["__nd_iter__"], h["__nd_exit__"]
    rng = np.random.default_rng(3)
    for _ in range(steps):
        it(0)
        z = rec_(0, rng.normal(size=(300, 24)).astype(np.float32))
        rec_(1, np.tanh(z))
    ex(0)
    rec.flush(final=True)
    return per_chunk, np.concatenate(stats)


def test_copies_of_large_small_arrays_are_flushed_by_their_bytes(monkeypatch):
    monkeypatch.setattr(R, "FLUSH_BYTES", 8 << 20)
    monkeypatch.setattr(R, "CHECK_EVERY", 512)
    per_chunk, stats = _float32_loop(300)  # 600 copies of 28,800 bytes: 17 MB
    # Checked about a quarter of the budget before it can be passed: no chunk holds much more than the budget.
    assert len(per_chunk) >= 2
    assert max(per_chunk) * 300 * 24 * 4 <= 1.5 * R.FLUSH_BYTES
    monkeypatch.setattr(R, "FLUSH_BYTES", 1 << 40)
    whole, same = _float32_loop(300)
    assert len(whole) == 1 and np.array_equal(stats, same, equal_nan=True)
