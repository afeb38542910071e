"""The observation table: the frame's columns as numpy arrays, read by the analysis without pandas."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest

from conftest import analysed_session

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


def test_every_column_is_the_frame_s(tmp_path):
    from nandoctor import columns as C

    session = analysed_session(tmp_path, SCRIPT)
    frame, table = session.frame, session.table
    assert len(table) == len(frame) > 20
    for column in C.ALL:
        assert column in table
        want, got = frame[column], table[column]
        if hasattr(got, "codes"):  # a text column: the same texts, and the frame's categorical codes
            assert [str(v) for v in want] == [got[i] for i in range(len(got))], column
            assert np.array_equal(want.cat.codes.to_numpy(), got.codes), column
        else:
            assert got.dtype == want.to_numpy().dtype, column
            np.testing.assert_array_equal(got, want.to_numpy(), err_msg=column)
    nonfinite = (frame[C.N_NAN] + frame[C.N_POSINF] + frame[C.N_NEGINF] > 0).to_numpy()
    assert nonfinite.any() and np.array_equal(table.nonfinite(), nonfinite)
    with pytest.raises(KeyError):
        table["no such column"]


def test_categories_share_one_code_per_text():
    from nandoctor.frame.table import Categories

    cats = Categories.from_table(["(3,)", "(2, 2)", "(3,)", ""], np.array([2, 0, 1, -1, 2]))
    assert [cats[i] for i in range(5)] == ["(3,)", "(3,)", "(2, 2)", "", "(3,)"]
    assert cats.codes[0] == cats.codes[1] == cats.codes[4] != cats.codes[2]
    assert cats.unique_first() == [(0, "(3,)"), (2, "(2, 2)"), (3, "")]
    assert [cats[1:3][i] for i in range(2)] == ["(3,)", "(2, 2)"]


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
