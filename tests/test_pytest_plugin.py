"""The pytest plugin, run through pytester: --nandoctor, the marker, the diagnosis, restoration, and no effect when off."""

from __future__ import annotations

import sys

import pytest

pytest_plugins = ["pytester"]

NET_MODULE = '''
import numpy as np

class Net:
    def __init__(self):
        self.w = np.array([[0.5], [-0.3], [0.8]])

    def sigmoid(self, z):
        return 1 / (1 + np.exp(-z))

    def train(self, x, y, lr, n):
        for i in range(n):
            a = self.sigmoid(x @ self.w)
            dl = -y / a + (1 - y) / (1 - a)
            g = x.T @ (dl * a * (1 - a))
            self.w = self.w - lr * g
        return self.w

X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1.0]])
Y = np.array([[0, 1, 1, 0.0]]).T
'''

TESTS = '''
import numpy as np
import pytest
from mynet import Net, X, Y

def test_blows_up():
    Net().train(X, Y, 50.0, 200)

def test_healthy():
    w = Net().train(X, Y, 0.1, 20)
    assert np.isfinite(w).all()

def test_own_failure_keeps_detail():
    w = Net().train(X, Y, 50.0, 200)
    total = float(w.sum())
    assert total == 1.5

def test_inline_loop():
    w = np.ones(3)
    with np.errstate(all="ignore"):
        for step in range(10):
            w = w * 1e80
    assert True
'''


@pytest.fixture
def project(pytester):
    pytester.makepyfile(mynet=NET_MODULE, test_net=TESTS)
    pytester.syspathinsert()
    return pytester


def test_off_by_default_changes_nothing(project):
    res = project.runpytest("-p", "no:cacheprovider")
    res.assert_outcomes(passed=3, failed=1)
    out = res.stdout.str()
    assert "plugins: nandoctor" in out  # loaded ...
    assert "non-finite" not in out and "top cause" not in out  # ... and silent


def test_inactive_plugin_imports_nothing_heavy(pytester):
    # a fresh process: the plugin is loaded through its entry point, yet neither the tracer nor
    # pandas is imported, and no nandoctor hook is installed during a test
    pytester.makepyfile(test_light='''
import builtins, sys

def test_light():
    assert "nandoctor.pytest_plugin" in sys.modules
    assert "nandoctor.api" not in sys.modules and "nandoctor.trace.tracer" not in sys.modules
    assert "pandas" not in sys.modules
    assert not any(n.startswith("__nd_") for n in vars(builtins))
''')
    res = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    res.assert_outcomes(passed=1)


def test_plugin_registered_through_entry_point(project):
    res = project.runpytest_subprocess("--help")
    out = res.stdout.str()
    assert "--nandoctor" in out and "--nandoctor-report" in out
    res = project.runpytest_subprocess("--markers")
    assert "@pytest.mark.nandoctor" in res.stdout.str()


def test_flag_fails_at_first_nonfinite_with_diagnosis(project):
    res = project.runpytest("--nandoctor", "-p", "no:cacheprovider")
    res.assert_outcomes(passed=1, failed=3)
    out = res.stdout.str()
    # the test that passed on its own now fails, with statement, step and cause lines
    block = out.split("test_blows_up")[1]
    assert "nandoctor: first non-finite value at step" in block
    assert "mynet.py:13 (Net.train)" in block
    assert "dl = -y / a + (1 - y) / (1 - a)" in block
    assert "top cause:" in block
    assert "test_healthy PASSED" in res.stdout.str() or "1 passed" in out


def test_step_is_the_training_step(project):
    res = project.runpytest("--nandoctor", "-p", "no:cacheprovider", "-k", "blows_up")
    out = res.stdout.str()
    import re

    m = re.search(r"first non-finite value at step (-?\d+)", out)
    assert m, out
    # replay the same training untraced to find the first step whose dl is not finite
    import numpy as np

    sys.path.insert(0, str(project.path))
    try:
        ns: dict = {}
        exec(NET_MODULE, ns)
        net, x, y = ns["Net"](), ns["X"], ns["Y"]
        first = None
        with np.errstate(all="ignore"):
            for i in range(200):
                a = net.sigmoid(x @ net.w)
                dl = -y / a + (1 - y) / (1 - a)
                if first is None and not np.isfinite(dl).all():
                    first = i
                g = x.T @ (dl * a * (1 - a))
                net.w = net.w - 50.0 * g
    finally:
        sys.path.remove(str(project.path))
    assert first is not None and int(m.group(1)) == first


def test_own_assert_failure_keeps_rewriting_and_gets_section(project):
    res = project.runpytest("--nandoctor", "-p", "no:cacheprovider", "-k", "own_failure")
    out = res.stdout.str()
    res.assert_outcomes(failed=1)
    # pytest's assertion detail survives the recompilation of the test function
    assert "where" in out or "assert nan == 1.5" in out, out
    assert "nandoctor" in out and "first non-finite value at step" in out


def test_inline_loop_in_the_test_itself(project):
    res = project.runpytest("--nandoctor", "-p", "no:cacheprovider", "-k", "inline_loop")
    res.assert_outcomes(failed=1)
    out = res.stdout.str()
    assert "w = w * 1e80" in out and "test_net.py:21 (test_inline_loop)" in out
    assert "at step 3," in out  # 1e80**4 overflows: the fourth iteration, step 3


def test_marker_opts_in_single_tests(pytester):
    pytester.makepyfile(test_mark='''
import numpy as np
import pytest

def grow(v):
    out = v * 1e300 * 1e300
    return out

@pytest.mark.nandoctor
def test_marked():
    with np.errstate(all="ignore"):
        grow(np.ones(2))

def test_unmarked():
    with np.errstate(all="ignore"):
        grow(np.ones(2))
''')
    res = pytester.runpytest("-p", "no:cacheprovider", "-rf")
    res.assert_outcomes(passed=1, failed=1)
    out = res.stdout.str()
    assert "FAILED test_mark.py::test_marked" in out
    assert "out = v * 1e300 * 1e300" in out


def test_everything_restored_after_traced_tests(pytester):
    pytester.makepyfile(test_restore='''
import builtins
import sys
import numpy as np
import pytest

def f(v):
    r = v + 1.0
    return r

CODE = f.__code__

@pytest.mark.nandoctor
def test_traced():
    assert f.__code__ is not CODE          # traced while the test runs
    f(np.ones(2))

def test_after():
    from nandoctor.trace.instrument import NOOP_HOOKS
    assert f.__code__ is CODE
    assert all(v is NOOP_HOOKS.get(n) for n, v in vars(builtins).items() if n.startswith("__nd_"))  # no-ops only
    assert np.geterr() == {"divide": "warn", "over": "warn", "under": "ignore", "invalid": "warn"}
    assert np.geterrcall() is None
    assert not any(type(m).__name__ == "UserImportHook" for m in sys.meta_path)
''')
    res = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly")
    res.assert_outcomes(passed=2)


def test_report_folder_option(project, tmp_path):
    out = tmp_path / "nd"
    res = project.runpytest("--nandoctor", f"--nandoctor-report={out}", "-p", "no:cacheprovider", "-k", "blows_up")
    res.assert_outcomes(failed=1)
    folders = list(out.iterdir())
    assert len(folders) == 1 and "test_blows_up" in folders[0].name
    assert (folders[0] / "findings.json").exists()


def test_site_packages_not_traced(pytester):
    # json lives in the standard library: its functions must keep their code while a test is traced
    pytester.makepyfile(test_std='''
import json
import pytest

CODE = json.dumps.__code__

@pytest.mark.nandoctor
def test_std():
    assert json.dumps.__code__ is CODE
''')
    res = pytester.runpytest("-p", "no:cacheprovider")
    res.assert_outcomes(passed=1)
