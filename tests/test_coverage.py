"""Modules loaded by path are traced when they are the user's; what nandoctor did not trace is named."""

from __future__ import annotations

import json
import textwrap

import pytest

from nandoctor import columns as C

from conftest import run_nandoctor, run_python

HELPER = """
import numpy as np

def grad(w, x):
    g = 2 * x * w
    return g
"""

RUNME = """
import numpy as np
scale = np.arange(4.0) * 0.5
print("runme ran as", __name__, __file__.endswith("runme.py"))
"""

MAIN = """
import importlib.util, os, runpy, sys
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("helper", os.path.join(here, "helper.py"))
helper = importlib.util.module_from_spec(spec)
sys.modules["helper"] = helper
spec.loader.exec_module(helper)
print(helper.__name__, helper.__file__ == os.path.join(here, "helper.py"), sys.modules["helper"] is helper)
ns = runpy.run_path(os.path.join(here, "runme.py"))
print(ns["scale"], ns["__name__"], ns["__file__"] == os.path.join(here, "runme.py"))
w = np.ones(3)
for step in range(5):
    g = helper.grad(w, np.arange(3.0))
    w = w - 0.01 * g
print(w)
"""


def _write(folder, files: dict):
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text))


def _sites(out):
    return json.loads((out / "sites.json").read_text())["sites"]


@pytest.mark.slow
def test_sibling_modules_loaded_by_path_are_traced_and_run_as_under_python(tmp_path):
    proj = tmp_path / "proj"
    _write(proj, {"helper.py": HELPER, "runme.py": RUNME, "main.py": MAIN})
    plain = run_python([str(proj / "main.py")], cwd=tmp_path)
    out = tmp_path / "out"
    traced = run_nandoctor(["run", "-o", str(out), str(proj / "main.py")], cwd=tmp_path)
    assert plain.returncode == traced.returncode == 0, traced.stderr
    assert traced.stdout == plain.stdout
    assert [ln for ln in traced.stderr.splitlines() if not ln.startswith("nandoctor:")] == plain.stderr.splitlines()
    recorded = {(s["file"].rsplit("/", 1)[-1], s["target"]) for s in _sites(out)}
    assert {("helper.py", "g"), ("helper.py", "return"), ("runme.py", "scale")} <= recorded
    meta = json.loads((out / "session.json").read_text())["meta"]
    assert meta["not_traced"] == []


FAR = """
def forward(x):
    h = x * 2.0
    return h
"""

USES_FAR = """
import runpy, sys
sys.path.insert(0, {lib!r})
import helpers.mlp
ns = runpy.run_path({path!r})
print(helpers.mlp.forward(3.0), ns["forward"](1.0))
"""


@pytest.mark.slow
def test_a_module_outside_the_folder_is_named_in_the_verdict(tmp_path):
    lib = tmp_path / "lib"
    _write(lib / "helpers", {"__init__.py": "", "mlp.py": FAR})
    proj = tmp_path / "proj"
    _write(proj, {"train.py": USES_FAR.format(lib=str(lib), path=str(lib / "helpers" / "mlp.py"))})
    plain = run_python([str(proj / "train.py")], cwd=tmp_path)
    out = tmp_path / "out"
    traced = run_nandoctor(["run", "-o", str(out), str(proj / "train.py")], cwd=tmp_path)
    assert traced.stdout == plain.stdout == "6.0 2.0\n"
    assert not any(s["file"].startswith(str(lib)) for s in _sites(out))
    meta = json.loads((out / "session.json").read_text())["meta"]
    assert {n["file"] for n in meta["not_traced"]} == {str(lib / "helpers" / "mlp.py"), str(lib / "helpers" / "__init__.py")}
    line = next(ln for ln in traced.stderr.splitlines() if ln.startswith("nandoctor: not traced: "))
    assert "helpers/mlp.py" in line and f"from {lib} (outside the script's folder; add --include {lib})" in line
    # With the folder included, the same module is traced.
    out2 = tmp_path / "out2"
    again = run_nandoctor(["run", "--include", str(lib), "-o", str(out2), str(proj / "train.py")], cwd=tmp_path)
    assert again.stdout == plain.stdout
    assert ("mlp.py", "h") in {(s["file"].rsplit("/", 1)[-1], s["target"]) for s in _sites(out2)}
    assert json.loads((out2 / "session.json").read_text())["meta"]["not_traced"] == []


ENGINE = """
class Value:
    def __init__(self, data):
        self.data = data
        self.grads = [0.0]

    def __mul__(self, other):
        out = Value(self.data * other.data)
        return out
"""

SCALAR_TRAINING = """
from engine import Value
w = Value(0.5)
for step in range(4):
    loss = w * Value(2.0)
    w.data -= 0.1 * loss.data
print(round(w.data, 6))
"""


def test_objects_the_recorder_does_not_summarise_are_named(tmp_path):
    from nandoctor.cli import trace_script
    from nandoctor.report import words

    _write(tmp_path, {"engine.py": ENGINE, "train.py": SCALAR_TRAINING})
    outcome, session = trace_script(str(tmp_path / "train.py"), [], tmp_path / "out", formats=("json",))
    assert outcome.exit_code == 0
    counted = {t["class"]: t for t in session.meta["unsummarised"]}
    # `w`, then per step: `loss`, and in __mul__ its argument `other`, `out` and its return.
    assert counted["Value"]["count"] == 1 + 4 * 4
    assert counted["Value"]["file"] == str(tmp_path / "engine.py")
    lines = words.verdict(session).not_traced
    assert any(ln.startswith("values held in objects of class Value (engine.py) were not summarised") for ln in lines)


def test_a_scalar_autograd_nodes_number_is_recorded(tmp_path):
    from nandoctor.cli import trace_script
    from nandoctor.detectors.facts import facts

    # (a module name of its own: an in-process trace would find another test's `engine` in sys.modules)
    _write(tmp_path, {"nodes.py": ENGINE.replace("self.grads = [0.0]", "self.grad = 0.0"),
                      "train.py": SCALAR_TRAINING.replace("from engine", "from nodes")})
    outcome, session = trace_script(str(tmp_path / "train.py"), [], tmp_path / "out", formats=("json",))
    assert outcome.exit_code == 0 and not session.meta["unsummarised"]
    F = facts(session)
    loss = next(x for x in F.sites if x.target == "loss")
    w, want = 0.5, []  # replay
    for _ in range(4):
        want.append(w * 2.0)
        w -= 0.1 * w * 2.0
    assert list(F.ser(loss.id)[C.MEAN]) == pytest.approx(want, rel=1e-15)


BAD = "x = (\n"
MISSING = "/definitely/not/here.py"
LOADS_BAD = {
    "by_import.py": "import bad\n",
    "by_spec.py": ("import importlib.util\n"
                   "spec = importlib.util.spec_from_file_location('bad', __file__.replace('by_spec.py', 'bad.py'))\n"
                   "importlib.util.module_from_spec(spec)\n"
                   "spec.loader.exec_module(importlib.util.module_from_spec(spec))\n"),
    "by_runpy.py": "import runpy\nrunpy.run_path(__file__.replace('by_runpy.py', 'bad.py'))\n",
    "by_missing.py": ("import importlib.util\n"
                      f"spec = importlib.util.spec_from_file_location('gone', {MISSING!r})\n"
                      "spec.loader.exec_module(importlib.util.module_from_spec(spec))\n"),
}


@pytest.mark.slow
@pytest.mark.parametrize("script", sorted(LOADS_BAD))
def test_a_broken_module_loaded_any_way_fails_with_pythons_own_traceback(tmp_path, script):
    _write(tmp_path, {"bad.py": BAD, **LOADS_BAD})
    plain = run_python([str(tmp_path / script)], cwd=tmp_path)
    traced = run_nandoctor(["run", "-o", str(tmp_path / "out"), str(tmp_path / script)], cwd=tmp_path)
    assert plain.returncode == traced.returncode == 1
    assert [ln for ln in traced.stderr.splitlines() if not ln.startswith("nandoctor:")] == plain.stderr.splitlines()


def test_a_file_the_script_compiles_itself_is_named_as_not_traced(tmp_path):
    from nandoctor.cli import trace_script
    from nandoctor.report import words

    _write(tmp_path, {"engine.py": ENGINE,
                      "train.py": "path = __file__.replace('train.py', 'engine.py')\n"
                                  "exec(compile(open(path).read(), path, 'exec'))\n"
                                  "v = Value(2.0) * Value(3.0)\nprint(v.data)\n"})
    outcome, session = trace_script(str(tmp_path / "train.py"), [], tmp_path / "out", formats=("json",))
    assert outcome.exit_code == 0
    assert [n["file"] for n in session.meta["not_traced"]] == [str(tmp_path / "engine.py")]
    assert str(tmp_path / "engine.py") not in session.sources
    line = next(ln for ln in words.verdict(session).not_traced if ln.startswith("not traced: "))
    assert line.startswith("not traced: engine.py compiled by the script itself (compile() and exec())")
