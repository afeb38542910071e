"""recording.py: the typed hand-off from capture to analysis, the names the C and Python hooks share, and the
one first-non-finite search every entry point reads."""

from __future__ import annotations

import dataclasses
import json
import textwrap
import warnings

import numpy as np
import pytest

import nandoctor
from nandoctor import columns as C
from nandoctor.recording import EV_COLUMNS, OBS_COLUMNS, ROW_COLUMNS, Recording
from nandoctor.session import Session
from nandoctor.store import read_session_files
from nandoctor.trace import recorder as R
from nandoctor.trace.tracer import Tracer


def session_of(tracer: Tracer):
    """The Session over a finished tracer's recording, as `nandoctor.trace` builds it."""
    from nandoctor.session import Session

    return Session(tracer.recording(), step_loop=tracer.step_loop)


def trace_source(src: str, tmp_path, name: str = "prog.py") -> Tracer:
    """Trace a program in this process (its source saved as a file, so replays can read it)."""
    src = textwrap.dedent(src)
    path = tmp_path / name
    path.write_text(src)
    tracer = Tracer(meta={"script": str(path), "argv": [str(path)]})
    tracer.start()
    try:
        code = tracer.compile(src, str(path))
        with np.errstate(all="ignore"):
            exec(code, {"__name__": "__main__", "__file__": str(path)})
    finally:
        tracer.stop()
    return tracer


TRAINING = """
    import numpy as np
    w = np.array([0.5, -0.25, 1.0])
    x = np.array([1.0, 2.0, 3.0])
    for step in range(6):
        g = 2.0 * (w @ x - 1.0) * x
        w = w - 0.01 * g
    shape_change = np.zeros((2, 2))
"""


def _same_recordings(a: Recording, b: Recording) -> None:
    for name in ROW_COLUMNS:
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and np.array_equal(x, y, equal_nan=True), name
    assert a.sites == b.sites and a.loops == b.loops and a.events == b.events
    assert a.shapes == b.shapes and a.dtypes == b.dtypes
    assert sorted(a.values) == sorted(b.values)
    for sid in a.values:
        for (ca, qa, da), (cb, qb, db) in zip(a.values[sid], b.values[sid]):
            assert ca == cb and np.array_equal(qa, qb) and np.array_equal(da, db)


# -- the Recording -----------------------------------------------------------------------------------------

def test_recording_is_frozen_and_every_field_typed(tmp_path):
    rec = trace_source(TRAINING, tmp_path).recording()
    assert isinstance(rec, Recording)
    with pytest.raises(dataclasses.FrozenInstanceError):
        rec.obs_seq = np.zeros(0)
    for name, dtype in OBS_COLUMNS + EV_COLUMNS:
        assert getattr(rec, name).dtype == np.dtype(dtype), name
    assert rec.obs_stats.shape == (rec.n_observations, len(C.STATS))
    assert isinstance(rec.sites, tuple) and all(s.id == i for i, s in enumerate(rec.sites))
    # The statistics by name are the columns.STATS columns.
    assert np.array_equal(rec.stat(C.L2), rec.obs_stats[:, C.STATS.index(C.L2)], equal_nan=True)


def test_live_and_loaded_recordings_agree(tmp_path):
    tracer = trace_source(TRAINING, tmp_path)
    live = session_of(tracer)
    live.save(tmp_path / "saved")
    loaded = nandoctor.load(tmp_path / "saved")
    assert isinstance(loaded.recording, Recording) and isinstance(live.recording, Recording)
    _same_recordings(live.recording, loaded.recording)
    assert loaded.recording.analysis is not None and live.recording.analysis is None


def test_session_reads_only_the_recording(tmp_path):
    """Session.raw is a deprecated, read-only view of the same data."""
    session = session_of(trace_source(TRAINING, tmp_path))
    with pytest.warns(DeprecationWarning):
        raw = session.raw
    with pytest.raises(TypeError):
        raw["obs_seq"] = np.zeros(0)
    for name in ROW_COLUMNS:
        assert raw[name] is getattr(session.recording, name)
    # A plain dict of the earlier form still builds a session (converted once, at the door).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        again = Session(dict(raw))
    assert isinstance(again.recording, Recording) and again.plan.n_steps == session.plan.n_steps


def test_session_folder_of_the_earlier_format_loads(tmp_path):
    """A folder written with literal array names (the format on disk before the Recording) reads back."""
    from nandoctor.model import SCHEMA_VERSION, Loop, Site, to_dict

    folder = tmp_path / "old"
    (folder / "chunks").mkdir(parents=True)
    site = Site(id=0, file="old.py", line=3, col=4, end_line=3, end_col=20, function="<module>", target="w",
                kind="update", statement="w = w - 0.1 * w", reads=("w",), loop=0)
    loop = Loop(id=0, file="old.py", line=2, function="<module>", header="for i in range(3):", targets=("i",))
    (folder / "session.json").write_text(json.dumps({"schema": SCHEMA_VERSION, "meta": {"script": "old.py"}}))
    (folder / "sites.json").write_text(json.dumps({"sites": [to_dict(site)], "loops": [to_dict(loop)],
                                                   "sources": {"old.py": "w = 1.0\nfor i in range(3):\n    w = w - 0.1 * w\n"}}))
    (folder / "events.json").write_text(json.dumps({"events": [], "errors": ["an old error"]}))
    stats = np.full((3, len(C.STATS)), 1.5)
    data = np.arange(6.0).reshape(3, 2)
    chunk = {
        "obs_seq": np.array([1, 3, 5], np.int64), "obs_site": np.zeros(3, np.int32),
        "obs_shape": np.zeros(3, np.int32), "obs_dtype": np.zeros(3, np.int32), "obs_stats": stats,
        "ev_seq": np.array([0, 2, 4, 6], np.int64), "ev_loop": np.zeros(4, np.int32),
        "ev_kind": np.array([0, 0, 0, 1], np.int8), "shapes": np.array(["(2,)"]), "dtypes": np.array(["<f8"]),
        "v0_meta": np.array([0, 0], np.int64), "v0_seq": np.array([1, 3, 5], np.int64), "v0_data": data,
    }
    np.savez(folder / "chunks" / "000000.npz", **chunk)
    rec = read_session_files(folder)
    assert rec.sites == (site,) and rec.loops == (loop,) and rec.errors == ("an old error",)
    for name in ROW_COLUMNS:
        assert np.array_equal(getattr(rec, name), chunk[name]), name
    assert rec.shapes == ("(2,)",) and rec.dtypes == ("<f8",)
    (code, seq, values), = rec.values[0]
    assert code == 0 and np.array_equal(seq, [1, 3, 5]) and np.array_equal(values, data)
    session = nandoctor.load(folder)
    assert session.plan.n_steps == 3 and len(session.frame) == 3
    # The same folder compacted (one file, named in session.json) reads the same.
    np.savez(folder / "compact.npz", **chunk)
    (folder / "chunks" / "000000.npz").unlink()
    (folder / "session.json").write_text(json.dumps({"schema": SCHEMA_VERSION, "meta": {"compacted": True}}))
    _same_recordings(rec, read_session_files(folder))


def test_nested_trace_slices_a_recording(tmp_path):
    """A trace block inside a running trace reports on its own slice of the Recording."""
    tracer = Tracer(meta={"script": "<outer>"})
    tracer.start()
    try:
        w = np.ones(3)
        with nandoctor.trace(namespace={}) as inner:
            pass
        seq_range = inner._seq_range
    finally:
        tracer.stop()
    part = inner.session.recording
    assert isinstance(part, Recording)
    assert all(seq_range[0] <= s < seq_range[1] for s in part.obs_seq)
    del w


# -- names shared by the C and the Python hooks ------------------------------------------------------------

def test_chunk_columns_are_the_recordings():
    assert tuple(f.name for f in dataclasses.fields(R.Chunk) if f.name != "values") == ROW_COLUMNS


def test_fast_entries_and_row_slots_are_named_once():
    fasthooks = pytest.importorskip("nandoctor.trace._fasthooks")
    assert fasthooks.FAST_ENTRY_FIELDS == R.FastEntry._fields == R.FAST_ENTRY_FIELDS
    positions = {name: getattr(R, "FE_" + name.upper()) for name in R.FAST_ENTRY_FIELDS}
    assert positions == {name: i for i, name in enumerate(R.FAST_ENTRY_FIELDS)}
    # The C rows fill statistics by name; row_layout maps each name to its column in columns.STATS order.
    assert set(fasthooks.ROW_SLOTS) <= set(C.STATS)
    assert R.row_layout()[5] == tuple(C.STATS.index(name) for name in fasthooks.ROW_SLOTS)


def test_c_and_python_hooks_build_the_same_entries(tmp_path, monkeypatch):
    pytest.importorskip("nandoctor.trace._fasthooks")
    c_tracer = trace_source(TRAINING, tmp_path, "c.py")
    assert c_tracer.recorder.hooks_impl == "c"
    monkeypatch.setenv("NANDOCTOR_PURE_PYTHON", "1")
    py_tracer = trace_source(TRAINING, tmp_path, "py.py")
    assert py_tracer.recorder.hooks_impl == "python"
    for tracer in (c_tracer, py_tracer):
        for sid, entry in tracer.recorder.fast.items():
            assert type(entry) is tuple and len(entry) in (R.FE_CELL, len(R.FAST_ENTRY_FIELDS))
            named = R.FastEntry(*entry)
            assert named.update_code == sid + R.K_OLD * R.KIND and named.row_code == sid + R.K_ROW * R.KIND
    c_rec, py_rec = c_tracer.recording(), py_tracer.recording()
    for name in ROW_COLUMNS:
        assert np.array_equal(getattr(c_rec, name), getattr(py_rec, name), equal_nan=True), name


# -- one first non-finite search ---------------------------------------------------------------------------

NAN_IN_DATA = """
    import numpy as np
    data = np.array([[1.0, 2.0], [float("nan"), 4.0], [5.0, 6.0]])
    w = np.array([0.1, 0.2])
    for step in range(5):
        pred = data @ w
        w = w - 0.01 * pred.mean()
"""

ZERO_OVER_ZERO = """
    import numpy as np
    w = np.array([1.0, 3.0])
    for step in range(8):
        num = np.array([1.0, 4.0 - step])
        den = np.array([2.0, 4.0 - step])
        ratio = num / den
        w = w - 0.01 * ratio
"""

EXP_OVERFLOW = """
    import numpy as np
    w = np.array([0.0, 0.0])
    for step in range(12):
        z = np.array([100.0 * step, 1.0])
        e = np.exp(z)
        w = w + 0.001 * e
"""

CLEAN = """
    import numpy as np
    w = np.array([1.0, 2.0])
    for step in range(8):
        w = w - 0.1 * w
    best = np.inf
    for step in range(3):
        best = min(best, float(w.sum()))
"""


def _first_bad_step(make, steps):
    """The first loop step whose value, computed in plain numpy, holds a NaN or an infinity."""
    with np.errstate(all="ignore"):
        return next((k for k in range(steps) if not np.all(np.isfinite(make(k)))), None)


def _entry_points(session) -> list[tuple]:
    """(step, line, site) from every entry point that answers 'where was the first NaN or inf'."""
    from nandoctor.detectors.numerics import first_nonfinite_info

    ev = session.first_nonfinite
    obs = session.first_nonfinite_observation()
    info = first_nonfinite_info(session)
    return [None if ev is None else (ev.step, ev.line, ev.site),
            None if obs is None else (obs["step"], obs["line"], obs["site"]),
            None if info is None else (info["step"], info["line"], info["site"])]


@pytest.mark.parametrize("src, line, expected_step", [
    (ZERO_OVER_ZERO, 7, _first_bad_step(lambda k: np.array([1.0, 4.0 - k]) / np.array([2.0, 4.0 - k]), 8)),
    (EXP_OVERFLOW, 6, _first_bad_step(lambda k: np.exp(np.array([100.0 * k, 1.0])), 12)),
], ids=["0/0", "exp overflow"])
def test_every_entry_point_finds_the_same_first_nonfinite_in_the_loop(tmp_path, src, line, expected_step):
    session = session_of(trace_source(src, tmp_path))
    answers = _entry_points(session)
    assert answers[0] is not None and len(set(answers)) == 1, answers
    step, got_line, site = answers[0]
    assert got_line == line and session.sites[site].line == line
    # Steps count the loop's iterations from 0, as the replay's k does.
    assert step == expected_step
    # The texts the CLI (--fail-on nan) and the pytest plugin print read the same search.
    from nandoctor.cli import _nonfinite_reason
    from nandoctor.pytest_plugin import diagnosis

    assert f"step {step}, line {line} " in _nonfinite_reason(session)
    assert f"first non-finite value at step {step}, " in diagnosis(session)
    assert f":{line} (" in diagnosis(session)


def test_every_entry_point_finds_nan_in_the_data_before_the_loop(tmp_path):
    session = session_of(trace_source(NAN_IN_DATA, tmp_path))
    answers = _entry_points(session)
    assert answers[0] is not None and len(set(answers)) == 1, answers
    _, line, site = answers[0]
    assert line == 3 and session.sites[site].target == "data"
    obs = session.first_nonfinite_observation()
    assert obs["n_nan"] == int(np.isnan(np.array([[1.0, 2.0], [np.nan, 4.0], [5.0, 6.0]])).sum())


def test_no_entry_point_answers_for_a_clean_run(tmp_path):
    """A deliberate infinity (`best = np.inf`) is not a numerical accident for any entry point."""
    from nandoctor.cli import _nonfinite_reason
    from nandoctor.pytest_plugin import diagnosis

    session = session_of(trace_source(CLEAN, tmp_path))
    assert _entry_points(session) == [None, None, None]
    assert _nonfinite_reason(session) is None and diagnosis(session) is None


def test_entry_points_agree_on_a_loaded_session(tmp_path):
    session = session_of(trace_source(ZERO_OVER_ZERO, tmp_path))
    session.save(tmp_path / "saved")
    assert _entry_points(nandoctor.load(tmp_path / "saved")) == _entry_points(session)
