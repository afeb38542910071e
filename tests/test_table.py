"""The observation table: the frame's columns as numpy arrays, read by the analysis without pandas."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest

from conftest import analysed_session
from nandoctor.frame.table import INTEGER_STATS

SCRIPT = """
import numpy as np
rng = np.random.default_rng(0)
X = rng.normal(size=(16, 3))
y = X @ np.array([1.0, -2.0, 0.5])
w = np.zeros(3)
for epoch in range(5):
    for k in range(0, 16, 8):
        err = X[k:k + 8] @ w - y[k:k + 8]
        loss = float(np.mean(err ** 2))
        w -= 0.1 * X[k:k + 8].T @ err / 8
    last = np.log(np.abs(w) - 10.0)  # NaN: a non-finite row for the table to count
"""


def test_every_column_is_the_recording_s_and_the_frame_shows_it(tmp_path):
    from nandoctor import columns as C

    session = analysed_session(tmp_path, SCRIPT)
    table, rec, sites = session.table, session.recording, session.sites
    n = len(rec.obs_seq)
    assert len(table) == n > 20
    site_of = [sites[int(i)] for i in rec.obs_site]
    step, epoch = session._steps

    def text(texts, code):
        return texts[int(code)] if 0 <= code < len(texts) else ""

    # Expected row by row from the recording and the program's sites, one value at a time.
    want = {C.STEP: list(step), C.EPOCH: list(epoch), C.SEQ: list(rec.obs_seq), C.SITE: list(rec.obs_site),
            C.NAME: [s.target for s in site_of], C.FUNCTION: [s.function for s in site_of],
            C.LINE: [s.line for s in site_of], C.PHASE: [s.phase if s.phase in C.PHASES else "other" for s in site_of],
            C.SHAPE: [text(rec.shapes, c) for c in rec.obs_shape], C.DTYPE: [text(rec.dtypes, c) for c in rec.obs_dtype]}
    for k, column in enumerate(C.STATS):
        want[column] = [float(row[k]) for row in np.asarray(rec.obs_stats).reshape(n, len(C.STATS))]
    frame = session.frame
    assert list(frame.columns) == list(C.ALL)
    for column in C.ALL:
        assert column in table
        got = table[column]
        shown = [str(v) if hasattr(got, "codes") else v for v in frame[column]]
        if hasattr(got, "codes"):  # a text column
            got = [got[i] for i in range(len(got))]
        else:
            assert got.dtype == (np.float64 if column in C.STATS and column not in INTEGER_STATS else np.int64), column
            assert frame[column].to_numpy().dtype == got.dtype, column
            got = got.tolist()
        for values in (got, shown):  # compared as arrays: a NaN statistic equals NaN
            np.testing.assert_array_equal(_array(values), _array(want[column]), err_msg=column)
    nonfinite = [bool(want[C.N_NAN][i] + want[C.N_POSINF][i] + want[C.N_NEGINF][i]) for i in range(n)]
    assert any(nonfinite) and table.nonfinite().tolist() == nonfinite
    with pytest.raises(KeyError):
        table["no such column"]


def _array(values: list) -> np.ndarray:
    return np.array(values, dtype=object if isinstance(values[0], str) else np.float64)


def test_a_run_with_no_observations_has_an_empty_frame_of_every_column():
    import pandas as pd

    from nandoctor import columns as C
    from nandoctor.frame.build import build_frame
    from nandoctor.frame.table import ObservationTable

    none = np.zeros(0, np.int64)
    frame = build_frame(ObservationTable([], none, none, none, none, np.zeros((0, len(C.STATS))), none, none, [], []))
    assert list(frame.columns) == list(C.ALL) and len(frame) == 0
    assert all(frame[c].dtype == np.int64 for c in (C.STEP, C.SEQ, C.LINE, *INTEGER_STATS))
    assert all(isinstance(frame[c].dtype, pd.CategoricalDtype) for c in (C.NAME, C.PHASE, C.SHAPE, C.DTYPE))
    assert list(frame[C.PHASE].cat.categories) == list(C.PHASES)


def test_categories_share_one_code_per_text():
    from nandoctor.frame.table import Categories

    cats = Categories.from_table(["(3,)", "(2, 2)", "(3,)", ""], np.array([2, 0, 1, -1, 2]))
    assert [cats[i] for i in range(5)] == ["(3,)", "(3,)", "(2, 2)", "", "(3,)"]
    assert cats.codes[0] == cats.codes[1] == cats.codes[4] != cats.codes[2]
    assert cats.unique_first() == [(0, "(3,)"), (2, "(2, 2)"), (3, "")]
    assert [cats[1:3][i] for i in range(2)] == ["(3,)", "(2, 2)"]
    assert cats.matches("(3,)").tolist() == [True, True, False, False, True]
    assert not cats.matches("(9,)").any()


@pytest.mark.slow
def test_a_traced_run_is_analysed_without_pandas(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(textwrap.dedent(SCRIPT))
    probe = textwrap.dedent(f"""
        import sys
        from nandoctor.cli import trace_script
        _, session = trace_script({str(script)!r}, [], {str(tmp_path / "out")!r}, formats=("json",))
        assert session.causes is not None and session.findings
        print("pandas" in sys.modules)
    """)
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "False"
