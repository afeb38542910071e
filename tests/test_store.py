"""store.py: a compacted session folder reads back bit for bit and small; old, newer and damaged folders."""

from __future__ import annotations

import json
import textwrap

import numpy as np
import pytest

import nandoctor
from nandoctor import store
from nandoctor.model import SCHEMA_VERSION
from nandoctor.recording import ROW_COLUMNS, Recording
from nandoctor.store import COMPACT, SessionWriter, StoreError, read_session_files

from conftest import SEED
from test_recording import trace_source

MB = 1_000_000


def write_folder(rec: Recording, folder, *, compact: bool = True) -> SessionWriter:
    w = SessionWriter(folder, rec.meta)
    w.write_sites(list(rec.sites), list(rec.loops), rec.sources)
    w.write_events(list(rec.events), list(rec.errors))
    if compact:
        w.compact(rec)
    return w


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and np.ascontiguousarray(a).tobytes() == b.tobytes()


def assert_bit_identical(live: Recording, loaded: Recording) -> None:
    """Every recorded value the same bytes (NaN payloads included), and the same structure."""
    for name in ROW_COLUMNS:
        assert _same_bits(getattr(live, name), getattr(loaded, name)), name
    assert live.sites == loaded.sites and live.loops == loaded.loops and live.events == loaded.events
    assert live.shapes == loaded.shapes and live.dtypes == loaded.dtypes and live.sources == loaded.sources
    assert sorted(live.values) == sorted(loaded.values)
    for sid, parts in live.values.items():
        by_code = {code: (seq, data) for code, seq, data in loaded.values[sid]}
        assert len(by_code) == len(loaded.values[sid]) == len(parts)
        for code, seq, data in parts:
            assert _same_bits(seq, by_code[code][0]) and _same_bits(data, by_code[code][1]), (sid, code)


@pytest.fixture(scope="module")
def founding_live(tmp_path_factory):
    """The founding case's 10,000 steps traced in this process: NaN from step 249 on."""
    return trace_source(SEED.read_text(), tmp_path_factory.mktemp("founding"), "net341.py").recording()


@pytest.fixture(scope="module")
def small_live(tmp_path_factory):
    """A short run in float64 and float32 that overflows to inf and then NaN part way."""
    src = textwrap.dedent("""
        import numpy as np
        rng = np.random.default_rng(0)
        x = rng.normal(size=(8, 3))
        w = rng.normal(size=(3, 2)).astype(np.float32)
        scale = 1.0
        for step in range(300):
            h = np.tanh(x @ w)
            scale = scale * 3.0
            g = (x.T @ h) * scale
            w = w - 0.01 * g.astype(np.float32)
    """)
    return trace_source(src, tmp_path_factory.mktemp("small")).recording()


def test_founding_case_round_trips_bit_for_bit_within_5_mb(founding_live, tmp_path):
    rec = founding_live
    assert rec.n_observations > 200_000 and np.isnan(rec.obs_stats).any()
    write_folder(rec, tmp_path / "s")
    assert json.loads((tmp_path / "s" / "session.json").read_text())["meta"]["compacted"] is True
    assert not list((tmp_path / "s" / "chunks").glob("*.npz"))
    assert_bit_identical(rec, read_session_files(tmp_path / "s"))
    plain = sum(a.nbytes for a in rec.columns().values()) + sum(d.nbytes for p in rec.values.values() for *_, d in p)
    size = sum(f.stat().st_size for f in (tmp_path / "s").rglob("*") if f.is_file())
    assert plain > 50 * MB and size <= 5 * MB, (plain, size)


def test_a_session_saved_through_the_api_is_packed(tmp_path):
    src = textwrap.dedent("""
        import numpy as np
        w = np.array([0.5, -0.25, 1.0])
        x = np.array([1.0, 2.0, 3.0])
        for step in range(40):
            g = 2.0 * (w @ x - 1.0) * x
            w = w - 0.01 * g
    """)
    rec = trace_source(src, tmp_path).recording()
    session = nandoctor.Session(rec)
    session.save(tmp_path / "saved")
    with np.load(tmp_path / "saved" / COMPACT, allow_pickle=False) as z:
        assert "packing" in z.files
    loaded = nandoctor.load(tmp_path / "saved")
    assert_bit_identical(rec, loaded.recording)
    assert loaded.meta["compacted"] is True
    # Saving a loaded session again keeps it exact (its meta says compacted: the new folder is written afresh).
    loaded.save(tmp_path / "again")
    assert_bit_identical(rec, read_session_files(tmp_path / "again"))


def test_a_kill_while_packing_leaves_the_chunks_readable(small_live, tmp_path, monkeypatch):
    """Killed while compact.npz is being written: session.json does not say compacted, the chunks are read."""
    rec = small_live
    assert np.isnan(rec.obs_stats).any() and "<f4" in rec.dtypes
    folder = tmp_path / "s"
    w = write_folder(rec, folder, compact=False)
    from nandoctor.trace.recorder import Chunk

    values = [(sid, code, seq, data) for sid, parts in rec.values.items() for code, seq, data in parts]
    w.write_chunk(Chunk(**rec.columns(), values=values), list(rec.shapes), list(rec.dtypes))

    def killed(path, arrays, **kw):
        with open(path, "wb") as f:
            f.write(b"PK\x03\x04 half a zip")
        raise KeyboardInterrupt

    monkeypatch.setattr(store, "write_packed", killed)
    with pytest.raises(KeyboardInterrupt):
        w.compact(rec)
    assert not (folder / COMPACT).exists() and json.loads((folder / "session.json").read_text())["meta"].get(
        "compacted") is None
    assert_bit_identical(rec, read_session_files(folder))
    # The next run in the same folder starts clean: the torn temporary file goes too.
    assert (folder / "compact.tmp.npz").exists()
    SessionWriter(folder, {})
    assert not (folder / "compact.tmp.npz").exists()


def test_a_schema_1_folder_still_loads(small_live, tmp_path):
    """The previous format: compact.npz of plain arrays, session.json schema 1."""
    rec = small_live
    folder = tmp_path / "old"
    w = write_folder(rec, folder, compact=False)
    from nandoctor.trace.recorder import Chunk

    values = [(sid, code, seq, data) for sid, parts in rec.values.items() for code, seq, data in parts]
    w.write_chunk(Chunk(**rec.columns(), values=values), list(rec.shapes), list(rec.dtypes), path=folder / COMPACT)
    (folder / "session.json").write_text(json.dumps({"schema": 1, "meta": dict(rec.meta, compacted=True)}))
    with np.load(folder / COMPACT, allow_pickle=False) as z:
        assert "packing" not in z.files and z["obs_stats"].dtype == np.float64
    assert_bit_identical(rec, read_session_files(folder))


@pytest.mark.parametrize("schema, message", [(SCHEMA_VERSION + 1, "newer nandoctor, upgrade"), (0, "reads schemas"),
                                             ("2", "reads schemas"), (None, "reads schemas")])
def test_an_unknown_schema_is_a_clear_error(tmp_path, schema, message):
    (tmp_path / "session.json").write_text(json.dumps({"schema": schema, "meta": {}}))
    with pytest.raises(StoreError, match=message):
        read_session_files(tmp_path)


def test_a_damaged_compact_file_is_an_error_not_an_empty_session(small_live, tmp_path):
    write_folder(small_live, tmp_path / "s")
    data = (tmp_path / "s" / COMPACT).read_bytes()
    (tmp_path / "s" / COMPACT).write_bytes(data[: len(data) // 2])
    with pytest.raises(StoreError, match="compact.npz: unreadable"):
        nandoctor.load(tmp_path / "s")


@pytest.mark.slow
def test_the_500000_step_answer_variant_fits_in_50_mb(answer_run):
    """The answer variant under `nandoctor run` (shared fixture): its session files within 50 MB, and it loads."""
    proc, out = answer_run
    assert proc.returncode == 0, proc.stderr[-2000:]
    session_files = [out / name for name in ("session.json", "sites.json", "events.json", "analysis.json", COMPACT)]
    size = sum(p.stat().st_size for p in session_files if p.exists()) + sum(
        p.stat().st_size for p in (out / "chunks").glob("*"))
    assert size <= 50 * MB, size
    rec = read_session_files(out)
    assert rec.meta["compacted"] is True and len(rec.ev_seq) > 500_000
