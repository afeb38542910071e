"""Jupyter: the %%nandoctor / %nandoctor magics in a real IPython kernel (nbclient), and the inline summary."""

from __future__ import annotations

import dataclasses
import json
import re

import numpy as np
import pytest

import nandoctor
from nandoctor.ipython import session_html
from nandoctor.model import Cause, Finding, to_dict

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NET_CELL = '''\
import numpy as np
class Net:
    def __init__(self):
        rng = np.random.default_rng(0)
        self.w = rng.normal(size=(3, 1))
    def sigmoid(self, z):
        return 1 / (1 + np.exp(-z))
    def train(self, x, y, lr, n):
        for i in range(n):
            a = self.sigmoid(x @ self.w)
            d = -y / a + (1 - y) / (1 - a)
            g = x.T @ (d * a * (1 - a))
            self.w = self.w - lr * g
        return self.w
def scale(v):
    scaled = v * 2.0
    return scaled
x = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1.0]])
y = np.array([[0, 1, 1, 0.0]]).T
'''

TRACED_CELL = '''\
%%nandoctor -o {out}
net = Net()
def helper(v):
    doubled = v * 2
    return doubled
w = net.train(scale(x), y, 50.0, 300)
helper(3.0)
'''

CHECK_CELL = '''\
import builtins, json
from nandoctor.trace.instrument import NOOP_HOOKS
print(json.dumps({
    "helper": helper(5.0),
    "helper_plain": "__nd_rec__" not in helper.__code__.co_names,
    "train_plain": "__nd_rec__" not in Net.train.__code__.co_names and "__nd_rec__" not in scale.__code__.co_names,
    "hooks_gone": all(getattr(builtins, n, None) in (None, NOOP_HOOKS[n]) for n in ("__nd_rec__", "__nd_iter__")),
    "errstate": np.geterr(),
    "retrain_finite": bool(np.isfinite(Net().train(x, y, 0.1, 5)).all()),
}))
'''

LAST_CELL = '''\
s = %nandoctor last
obs = s.first_nonfinite_observation()
print(json.dumps({"steps": s.plan.n_steps, "names": sorted(set(s.frame["name"])), "first": obs["target"],
                  "first_line": obs["line"], "step": obs["step"], "script": s.meta["script"]}))
'''


def _outputs(cell, kind):
    return [o for o in cell.outputs if o.get("output_type") == kind]


def _html(cell):
    return [o["data"]["text/html"] for o in cell.outputs if "text/html" in o.get("data", {})]


def _stdout(cell):
    return "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream" and o.get("name") == "stdout")


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """One real kernel runs a notebook that uses every magic; returns (cells, tmp folder)."""
    tmp = tmp_path_factory.mktemp("nb")
    cells = [
        "%load_ext nandoctor",
        NET_CELL,
        TRACED_CELL.format(out="traced_out"),
        CHECK_CELL,
        LAST_CELL,
        "%%nandoctor\nboom = scale(1.0)\nraise ValueError('<boom>')",
        "%nandoctor w2 = Net().train(x, y, 0.1, 40)",
        "s2 = %nandoctor last\nprint(json.dumps({'steps': s2.plan.n_steps, 'nan': s2.first_nonfinite_observation()}))",
        "%nandoctor report line_report",
        "%%nandoctor --step-loop 2 -q\nnet3 = Net()\nfor epoch in range(3):\n    net3.w = net3.w - 0.01 * scale(net3.w)\n",
        "s3 = %nandoctor last\nprint(json.dumps({'steps': s3.plan.n_steps, 'reason': s3.plan.reason}))",
    ]
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    client = nbclient.NotebookClient(nb, timeout=180, kernel_name="python3", allow_errors=True,
                                     resources={"metadata": {"path": str(tmp)}})
    client.execute()
    return nb.cells, tmp


def test_traced_cell_shows_summary_inline(executed):
    cells, _ = executed
    traced = cells[2]
    assert not _outputs(traced, "error"), traced.outputs
    html = _html(traced)
    assert len(html) == 1, traced.outputs
    assert "nandoctor-summary" in html[0]
    assert "First non-finite value" in html[0] and "d = -y / a + (1 - y) / (1 - a)" in html[0]
    # the cell's last expression is still shown as its result
    results = _outputs(traced, "execute_result")
    assert results and results[0]["data"]["text/plain"] == "6.0"


def test_earlier_cells_traced_and_everything_restored(executed):
    cells, _ = executed
    check = json.loads(_stdout(cells[3]))
    assert check == {
        "helper": 10.0, "helper_plain": True, "train_plain": True, "hooks_gone": True,
        "errstate": {"divide": "warn", "over": "warn", "under": "ignore", "invalid": "warn"},
        "retrain_finite": True,
    }


def test_last_session_has_sites_from_earlier_and_current_cells(executed):
    cells, _ = executed
    got = json.loads(_stdout(cells[4]))
    assert got["steps"] == 300
    # Net.train and scale come from an earlier cell, helper/net/w from the traced cell itself
    for name in ("a", "d", "g", "self.w", "scaled", "doubled", "w"):
        assert name in got["names"], (name, got["names"])
    assert got["first"] == "d" and got["first_line"] == 11 and got["step"] >= 0
    assert got["script"].startswith("In[")


def test_cell_that_raises_shows_summary_then_the_error(executed):
    cells, _ = executed
    cell = cells[5]
    html = _html(cell)
    assert html and "nandoctor-summary" in html[0]
    assert "ValueError: &lt;boom&gt;" in html[0]  # the exception is named, escaped
    errors = _outputs(cell, "error")
    assert errors and errors[0]["ename"] == "ValueError" and errors[0]["evalue"] == "<boom>"


def test_line_magic_traces_a_statement(executed):
    cells, _ = executed
    assert "nandoctor-summary" in _html(cells[6])[0]
    assert "No NaN or infinity recorded" in _html(cells[6])[0]
    got = json.loads(_stdout(cells[7]))
    assert got == {"steps": 40, "nan": None}


def test_report_folders_written(executed):
    cells, tmp = executed
    assert "nandoctor: report: line_report" in _stdout(cells[8])
    for folder in ("traced_out", "line_report"):
        doc = json.loads((tmp / folder / "findings.json").read_text())
        assert doc["schema"] == 1
        assert (tmp / folder / "session.json").exists()
    loaded = nandoctor.load(tmp / "traced_out")
    assert loaded.plan.n_steps == 300
    assert loaded.first_nonfinite_observation()["target"] == "d"


def test_step_loop_as_cell_line_and_quiet(executed):
    cells, _ = executed
    assert not _html(cells[9]) and not _outputs(cells[9], "error")
    got = json.loads(_stdout(cells[10]))
    assert got["steps"] == 3 and "--step-loop" in got["reason"]


def _session_with(meta_script: str, finding_msg: str):
    raw_findings = [to_dict(Finding(code="x<y", kind="numerics", severity="error", message=finding_msg,
                                    first_step=3, line=7))]
    raw_causes = [to_dict(Cause(tag="other:<i>", rank=1, summary="a & b <script>"))]

    class Tiny:
        def run(self):
            v = np.ones(3)
            for i in range(4):
                v = v * 2.0
            return v

    with nandoctor.trace(Tiny()) as t:
        Tiny().run()
    rec = t.session.recording
    return nandoctor.Session(dataclasses.replace(rec, meta={**rec.meta, "script": meta_script},
                                                 analysis={"findings": raw_findings, "causes": raw_causes}))


def test_repr_html_is_escaped_and_self_contained():
    s = _session_with("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")
    out = s._repr_html_()
    assert "<script" not in out.lower() and "<img" not in out.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "&lt;img src=x onerror=alert(1)&gt;" in out
    assert "a &amp; b &lt;script&gt;" in out
    assert not re.search(r"""(src|href)=["']?https?:""", out)  # nothing fetched from elsewhere
    assert len(out) < 4000
    assert "No NaN or infinity recorded" in out


def test_repr_html_reports_fallback_first_nonfinite():
    class Bad:
        def run(self):
            v = np.ones(2)
            with np.errstate(all="ignore"):
                for i in range(3):
                    v = v / 0.0 - v / 0.0
            return v

    with nandoctor.trace(Bad()) as t:
        Bad().run()
    out = session_html(t.session)
    assert "First non-finite value" in out and "v = v / 0.0 - v / 0.0" in out
