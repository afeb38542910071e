"""Issue 2: tracing a script, the per-step frame, the runner's parity with python, trace() and sessions."""

from __future__ import annotations

import json
import os
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import nandoctor
from nandoctor import columns as C

from conftest import SEED, run_nandoctor, run_python

SEED_SITES = ("z_ij", "a_ij", "z_jk", "a_jk", "dl_jk", "da_jk", "dl_ij", "da_ij", "gradient_ij", "gradient_jk",
              "self.w_ij", "self.w_jk")


def replay_seed(n_steps: int):
    """The founding net in plain numpy, written here independently: z_jk and the weights at each step."""
    rng = np.random.RandomState(1)
    w_ij = 2 * rng.rand(3, 4) - 1
    w_jk = 2 * rng.rand(4, 1) - 1
    x = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [0, 1, 0], [1, 0, 0], [1, 1, 1], [0, 0, 0]])
    y = np.array([[0, 1, 1, 1, 1, 0, 0]]).T
    z_jks = []
    with np.errstate(all="ignore"):
        for _ in range(n_steps):
            z_ij = x @ w_ij
            a_ij = np.where(z_ij > 0, z_ij, z_ij * 0.01)
            z_jk = a_ij @ w_jk
            a_jk = 1 / (1 + np.exp(-z_jk))
            z_jks.append(z_jk.copy())
            dl_jk = -y / a_jk + (1 - y) / (1 - a_jk)
            da_jk = a_jk * (1 - a_jk)
            dl_ij = (da_jk * dl_jk) @ w_jk.T
            da_ij = np.where(z_ij > 0, 1.0, np.where(z_ij <= 0, 0.01, z_ij))
            g_ij = x.T @ (dl_ij * da_ij)
            g_jk = a_ij.T @ (dl_jk * da_jk)
            w_ij = w_ij - 1 * g_ij
            w_jk = w_jk - 1 * g_jk
    return z_jks, w_ij, w_jk


# -- the founding case under `nandoctor run` ------------------------------------------------

def _train_rows(frame):
    return frame[frame[C.FUNCTION] == "Net341.train"]


def test_seed_frame_has_every_step(seed_run, seed_session):
    proc, _ = seed_run
    assert proc.returncode == 0, proc.stderr[-2000:]
    frame = seed_session.frame
    train = _train_rows(frame)
    train = train[train[C.NAME].isin(SEED_SITES[:10])]
    steps = np.sort(train[C.STEP].unique())
    assert steps[0] == 0 and steps[-1] == 9999 and len(steps) == 10000


@pytest.mark.parametrize("name", SEED_SITES)
def test_seed_site_once_per_step(seed_session, name):
    train = _train_rows(seed_session.frame)
    rows = train[train[C.NAME] == name]
    if name.startswith("self."):
        rows = rows[rows[C.PHASE] == "update"]
    counts = rows.groupby(C.STEP).size()
    assert len(counts) == 10000
    assert (counts == 1).all()
    assert list(counts.index[:3]) == [0, 1, 2]


def test_seed_z_jk_matches_plain_replay(seed_session):
    z_jks, _, _ = replay_seed(250)
    train = _train_rows(seed_session.frame)
    z = train[train[C.NAME] == "z_jk"].set_index(C.STEP)
    for step in (0, 248, 249):
        expected = np.abs(z_jks[step]).max()
        assert abs(z.loc[step, C.ABSMAX] - expected) <= 1e-12 * max(1.0, expected)
        assert abs(z.loc[step, C.MAX] - z_jks[step].max()) <= 1e-12 * max(1.0, expected)


def test_seed_phases(seed_session):
    by_name = {}
    for s in seed_session.sites:
        if s.function == "Net341.train":
            by_name.setdefault(s.target, set()).add(s.phase)
    for name in ("z_ij", "a_ij", "z_jk", "a_jk"):
        assert by_name[name] == {"forward"}, name
    for name in ("dl_jk", "da_jk", "dl_ij", "da_ij", "gradient_ij", "gradient_jk"):
        assert by_name[name] == {"backward"}, name
    assert by_name["self.w_ij"] == {"update"}
    assert by_name["self.w_jk"] == {"update"}


def test_seed_frame_columns_and_nonfinite_counts(seed_session):
    frame = seed_session.frame
    assert tuple(frame.columns) == C.ALL
    train = _train_rows(frame)
    dl = train[train[C.NAME] == "dl_jk"].set_index(C.STEP)
    # Independently: the replay's dl_jk at step 249 holds NaN where a_jk is exactly 1 and y is 1... or 0/0.
    z_jks, _, _ = replay_seed(250)
    y = np.array([[0, 1, 1, 1, 1, 0, 0]]).T
    with np.errstate(all="ignore"):
        a = 1 / (1 + np.exp(-z_jks[249]))
        dl_true = -y / a + (1 - y) / (1 - a)
    assert dl.loc[249, C.N_NAN] == np.isnan(dl_true).sum() > 0
    assert dl.loc[248, C.N_NAN] == 0


def test_seed_update_norm_recorded(seed_session):
    train = _train_rows(seed_session.frame)
    w = train[(train[C.NAME] == "self.w_ij") & (train[C.PHASE] == "update")].set_index(C.STEP)
    g = train[train[C.NAME] == "gradient_ij"].set_index(C.STEP)
    # learning rate 1: the update's norm is the gradient's norm.
    for step in (0, 100, 248):
        assert w.loc[step, C.UPDATE_L2] == pytest.approx(g.loc[step, C.L2], rel=1e-12)


# -- the patient is unchanged ---------------------------------------------------------------

def test_seed_output_unchanged(seed_run, tmp_path):
    proc, _ = seed_run
    plain = run_python([str(SEED)], cwd=str(tmp_path))
    assert proc.stdout == plain.stdout
    ours = [ln for ln in proc.stderr.splitlines() if not ln.startswith("nandoctor:")]
    assert ours == plain.stderr.splitlines()
    assert proc.returncode == plain.returncode == 0


def test_final_weights_bit_identical(tmp_path):
    """Import the founding case from a wrapper script and save the trained weights, traced and not."""
    work = tmp_path / "w"
    work.mkdir()
    (work / "net341.py").write_text(SEED.read_text())
    (work / "wrap.py").write_text(textwrap.dedent("""
        import sys
        import numpy as np
        from net341 import Net341
        ann = Net341()
        x = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [0, 1, 0], [1, 0, 0], [1, 1, 1], [0, 0, 0]])
        y = np.array([[0, 1, 1, 1, 1, 0, 0]]).T
        ann.train(x, y, 1, int(sys.argv[2]))
        np.savez(sys.argv[1], w_ij=ann.w_ij, w_jk=ann.w_jk)
    """))
    plain = run_python([str(work / "wrap.py"), str(tmp_path / "plain.npz"), "240"], cwd=str(work))
    traced = run_nandoctor(["run", "-o", str(tmp_path / "rep"), str(work / "wrap.py"), str(tmp_path / "traced.npz"),
                            "240"], cwd=str(work))
    assert plain.returncode == 0 and traced.returncode == 0, traced.stderr
    a, b = np.load(tmp_path / "plain.npz"), np.load(tmp_path / "traced.npz")
    for k in ("w_ij", "w_jk"):
        assert a[k].dtype == b[k].dtype and a[k].tobytes() == b[k].tobytes()
    # The imported module was traced too: its train loop gave the steps.
    s = nandoctor.load(tmp_path / "rep")
    assert s.plan.n_steps == 240
    assert "Net341.train" in set(s.frame[C.FUNCTION])


# -- runner parity --------------------------------------------------------------------------

PROBE = """
import sys, json
print(json.dumps({"argv": sys.argv, "name": __name__, "file": __file__, "path0": sys.path[0],
                  "main_file": sys.modules["__main__"].__file__, "spec": repr(__spec__),
                  "stdin": sys.stdin.read()}))
"""


def test_runner_argv_name_file_stdin(tmp_path):
    script = tmp_path / "probe.py"
    script.write_text(PROBE)
    plain = run_python([str(script), "a", "--flag", "-o", "x y"], cwd=str(tmp_path), stdin="hello")
    traced = run_nandoctor(["run", "-o", str(tmp_path / "r"), str(script), "a", "--flag", "-o", "x y"],
                           cwd=str(tmp_path), stdin="hello")
    assert traced.returncode == plain.returncode == 0, traced.stderr
    assert json.loads(traced.stdout) == json.loads(plain.stdout)


def test_runner_relative_script_path(tmp_path):
    script = tmp_path / "probe.py"
    script.write_text(PROBE)
    plain = run_python(["probe.py"], cwd=str(tmp_path), stdin="")
    traced = run_nandoctor(["run", "-o", "r", "probe.py"], cwd=str(tmp_path), stdin="")
    assert json.loads(traced.stdout) == json.loads(plain.stdout)


def test_runner_python_dash_m_entry(tmp_path):
    script = tmp_path / "probe.py"
    script.write_text("print('ok')\n")
    proc = run_nandoctor(["--help"], cwd=str(tmp_path))
    assert proc.returncode == 0 and "run" in proc.stdout


def test_runner_sys_exit_code(tmp_path):
    script = tmp_path / "ex.py"
    script.write_text("import sys\nprint('before')\nsys.exit(17)\n")
    plain = run_python([str(script)], cwd=str(tmp_path))
    traced = run_nandoctor(["run", "-o", str(tmp_path / "r"), str(script)], cwd=str(tmp_path))
    assert plain.returncode == traced.returncode == 17
    assert traced.stdout == plain.stdout


@pytest.mark.parametrize("code", ["import sys\nsys.exit('bye')\n", "raise SystemExit(None)\n", "raise SystemExit(300)\n"])
def test_runner_sys_exit_variants(tmp_path, code):
    script = tmp_path / "ex.py"
    script.write_text(code)
    plain = run_python([str(script)], cwd=str(tmp_path))
    traced = run_nandoctor(["run", "-o", str(tmp_path / "r"), str(script)], cwd=str(tmp_path))
    assert traced.returncode == plain.returncode
    ours = [ln for ln in traced.stderr.splitlines() if not ln.startswith("nandoctor:")]
    assert ours == plain.stderr.splitlines()


def test_runner_uncaught_exception_traceback(tmp_path):
    script = tmp_path / "boom.py"
    script.write_text(textwrap.dedent("""
        import numpy as np

        def inner(a):
            b = a * 2
            return b[10]

        def outer():
            a = np.arange(3)
            return inner(a)

        print("start")
        outer()
    """))
    plain = run_python([str(script)], cwd=str(tmp_path))
    traced = run_nandoctor(["run", "-o", str(tmp_path / "r"), str(script)], cwd=str(tmp_path))
    assert plain.returncode == traced.returncode == 1
    assert traced.stdout == plain.stdout
    ours = [ln for ln in traced.stderr.splitlines() if not ln.startswith("nandoctor:")]
    assert ours == plain.stderr.splitlines()
    assert "nandoctor" not in "\n".join(ours).replace(str(tmp_path), "")
    assert "IndexError" in ours[-1]


def test_runner_missing_script(tmp_path):
    proc = run_nandoctor(["run", str(tmp_path / "nope.py")], cwd=str(tmp_path))
    assert proc.returncode == 2
    assert "nope.py" in proc.stderr and "No such file" in proc.stderr
    assert not (tmp_path / "reports").exists()


def test_runner_syntax_error(tmp_path):
    script = tmp_path / "bad.py"
    script.write_text("x = 1\ndef f(:\n    pass\n")
    plain = run_python([str(script)], cwd=str(tmp_path))
    traced = run_nandoctor(["run", "-o", str(tmp_path / "r"), str(script)], cwd=str(tmp_path))
    assert plain.returncode == traced.returncode == 1
    ours = [ln for ln in traced.stderr.splitlines() if not ln.startswith("nandoctor:")]
    assert ours == plain.stderr.splitlines()
    assert "SyntaxError" in ours[-1]


def test_default_output_folder(tmp_path):
    script = tmp_path / "tiny.py"
    script.write_text("import numpy as np\nw = np.ones(3)\nfor i in range(5):\n    w = w - 0.1 * w\n")
    proc = run_nandoctor(["run", str(script)], cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    s = nandoctor.load(tmp_path / "reports" / "tiny")
    assert s.plan.n_steps == 5
    assert s.meta["exit_status"] == 0 and s.meta["interrupted"] is False


# -- steps ----------------------------------------------------------------------------------

NESTED = """
import numpy as np
rng = np.random.RandomState(0)
X = rng.randn(40, 3)
Y = X @ np.array([1.0, -2.0, 0.5])
w = np.zeros(3)
lr = 0.05
for epoch in range(4):
    for b in range(0, 40, 10):
        xb = X[b:b + 10]
        yb = Y[b:b + 10]
        pred = xb @ w
        err = pred - yb
        grad = xb.T @ err / len(xb)
        w -= lr * grad
print(w)
"""


def test_nested_loops_give_epoch_and_step(tmp_path):
    script = tmp_path / "nested.py"
    script.write_text(NESTED)
    proc = run_nandoctor(["run", "-o", str(tmp_path / "r"), str(script)], cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    s = nandoctor.load(tmp_path / "r")
    f = s.frame
    grad = f[f[C.NAME] == "grad"]
    assert list(grad[C.STEP]) == list(range(16))
    assert list(grad[C.EPOCH]) == [e for e in range(4) for _ in range(4)]
    phases = {x.target: x.phase for x in s.sites}
    assert phases["w"] == "update" and phases["pred"] == "forward"
    assert phases["grad"] == "backward"


def test_step_loop_override(tmp_path):
    script = tmp_path / "nested.py"
    script.write_text(NESTED)
    line = next(i for i, ln in enumerate(NESTED.splitlines(), 1) if ln.startswith("for epoch"))
    proc = run_nandoctor(["run", "-o", str(tmp_path / "r"), "--step-loop", f"nested.py:{line}", str(script)],
                         cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    s = nandoctor.load(tmp_path / "r")
    grad = s.frame[s.frame[C.NAME] == "grad"]
    assert list(grad[C.STEP]) == [e for e in range(4) for _ in range(4)]


def test_per_parameter_loop_is_not_the_step(tmp_path):
    script = tmp_path / "perparam.py"
    script.write_text(textwrap.dedent("""
        import numpy as np
        params = [np.ones((2, 2)), np.ones(2)]
        for it in range(6):
            grads = [p * 0.5 for p in params]
            loss = sum(float((p ** 2).sum()) for p in params)
            for p, g in zip(params, grads):
                p -= 0.1 * g
    """))
    proc = run_nandoctor(["run", "-o", str(tmp_path / "r"), str(script)], cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    s = nandoctor.load(tmp_path / "r")
    assert s.plan.n_steps == 6
    assert sorted(s.frame[s.frame[C.NAME] == "p"][C.STEP].unique()) == list(range(6))


# -- trace() --------------------------------------------------------------------------------

class TinyNet:
    def __init__(self):
        self.w = np.array([[0.5], [-0.25]])

    def forward(self, x):
        z = x @ self.w
        return z

    def train(self, x, y, lr, n):
        for i in range(n):
            out = self.forward(x)
            err = out - y
            grad = x.T @ err / len(x)
            self.w = self.w - lr * grad


class Sub(TinyNet):
    def train(self, x, y, lr, n):
        super().train(x, y, lr, n)


def _code_ids(cls):
    return {k: (id(v), id(v.__code__)) for klass in cls.__mro__ if klass is not object
            for k, v in vars(klass).items() if callable(v) and hasattr(v, "__code__")}


def test_trace_net_frame_and_restore():
    x = np.array([[1.0, 2.0], [0.5, -1.0], [2.0, 0.0]])
    y = np.array([[1.0], [0.0], [2.0]])
    before = _code_ids(TinyNet)
    net = TinyNet()
    with nandoctor.trace(net) as t:
        net.train(x, y, 0.1, 7)
    assert _code_ids(TinyNet) == before
    f = t.frame
    err = f[f[C.NAME] == "err"]
    assert list(err[C.STEP]) == list(range(7))
    # Independent replay of the same arithmetic.
    w = np.array([[0.5], [-0.25]])
    for _ in range(7):
        e = x @ w - y
        last_err = e
        w = w - 0.1 * (x.T @ e / len(x))
    assert err[C.L2].iloc[-1] == pytest.approx(np.linalg.norm(last_err), rel=1e-12)
    assert np.array_equal(net.w, w)


def test_trace_restores_when_block_raises():
    before = _code_ids(Sub)
    net = Sub()
    with pytest.raises(ZeroDivisionError):
        with nandoctor.trace(net):
            net.train(np.ones((2, 2)), np.ones((2, 1)), 0.1, 2)
            1 / 0
    assert _code_ids(Sub) == before
    # super() still works after the swap back.
    net.train(np.ones((2, 2)), np.ones((2, 1)), 0.1, 1)


def test_trace_subclass_uses_user_bases():
    net = Sub()
    with nandoctor.trace(net) as t:
        net.train(np.ones((3, 2)), np.ones((3, 1)), 0.1, 3)
    assert set(t.frame[t.frame[C.NAME] == "grad"][C.STEP]) == {0, 1, 2}


def _module_level_train(n):
    w = np.array([1.0, -1.0])
    for i in range(n):
        g = 2 * w
        w = w - 0.25 * g
    return w


def test_trace_without_net_traces_calling_module():
    before = _module_level_train.__code__
    with nandoctor.trace() as t:
        _module_level_train(4)
    assert _module_level_train.__code__ is before
    g = t.frame[t.frame[C.NAME] == "g"]
    assert list(g[C.STEP]) == [0, 1, 2, 3]


def test_trace_class_defined_in_exec_namespace(tmp_path):
    """Classes from a notebook-like namespace: source registered in linecache, as IPython does."""
    import linecache

    src = textwrap.dedent("""
        import numpy as np
        class CellNet:
            def __init__(self):
                self.w = np.ones(2)
            def fit(self, n):
                for i in range(n):
                    step_size = 0.5 * self.w
                    self.w = self.w - step_size
    """)
    fname = "<ipython-input-7-cellnet>"
    linecache.cache[fname] = (len(src), None, src.splitlines(True), fname)
    ns: dict = {"__name__": "__main__"}
    exec(compile(src, fname, "exec"), ns)
    net = ns["CellNet"]()
    try:
        with nandoctor.trace(net) as t:
            net.fit(3)
    finally:
        linecache.cache.pop(fname, None)
    ss = t.frame[t.frame[C.NAME] == "step_size"]
    assert list(ss[C.STEP]) == [0, 1, 2]


def test_explicit_step_markers(tmp_path):
    script = tmp_path / "marks.py"
    script.write_text(textwrap.dedent("""
        import numpy as np
        import nandoctor
        w = np.ones(2)
        def train_once(w):
            g = 0.5 * w
            return w - 0.1 * g
        k = 0
        while k < 5:
            w = train_once(w)
            nandoctor.step()
            k += 1
    """))
    proc = run_nandoctor(["run", "-o", str(tmp_path / "r"), str(script)], cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    s = nandoctor.load(tmp_path / "r")
    assert s.plan.reason == "nandoctor.step() markers"
    g = s.frame[s.frame[C.NAME] == "g"]
    assert list(g[C.STEP]) == [-1, 0, 1, 2, 3]


# -- sessions -------------------------------------------------------------------------------

def test_session_files_have_schema_and_no_pickle(seed_run):
    from nandoctor.model import SCHEMA_VERSION

    _, out = seed_run
    head = json.loads((out / "session.json").read_text())
    assert head["schema"] == SCHEMA_VERSION == 2
    # A run that ended cleanly keeps one compact file; the incremental chunks are gone.
    assert head["meta"]["compacted"] is True
    assert not list((out / "chunks").glob("*.npz"))
    chunks = [out / "compact.npz"]
    for path in chunks:
        with np.load(path, allow_pickle=False) as z:
            for k in z.files:
                assert z[k].dtype != object


def test_compaction_merges_each_sites_value_blocks(tmp_path):
    """`nandoctor run` compacts a session read back from its chunks: one value block per (site, shape), the same values."""
    from nandoctor.store import SessionWriter, read_session_files

    script = tmp_path / "many_flushes.py"
    script.write_text(textwrap.dedent("""
        import numpy as np
        w = np.ones(3)
        for i in range(3000):
            w = w - 0.001 * w
    """))
    env = {"NANDOCTOR_FLUSH_SECONDS": "0.01"}
    proc = run_nandoctor(["run", "--format", "session", "-o", str(tmp_path / "r"), str(script)], cwd=str(tmp_path),
                         env=env)
    assert proc.returncode == 0, proc.stderr
    compacted = read_session_files(tmp_path / "r")
    # The same run's chunks, as they were before compaction: rerun without the final compaction step.
    import nandoctor.store as store

    original = store.SessionWriter.compact
    try:
        store.SessionWriter.compact = lambda self, recording: None
        from nandoctor.cli import trace_script

        trace_script(str(script), [], tmp_path / "chunked", formats=("json",))
    finally:
        store.SessionWriter.compact = original
    chunked = read_session_files(tmp_path / "chunked")
    assert len(list((tmp_path / "chunked" / "chunks").glob("*.npz"))) >= 1
    for sid, parts in compacted.values.items():
        codes = [code for code, _, _ in parts]
        assert len(codes) == len(set(codes)), f"site {sid}: {len(parts)} blocks for {len(set(codes))} shapes"
        for code in set(codes):
            seq_c = np.concatenate([q for c, q, _ in chunked.values[sid] if c == code])
            data_c = np.concatenate([d for c, _, d in chunked.values[sid] if c == code])
            (seq_k, data_k), = [(q, d) for c, q, d in parts if c == code]
            order = np.argsort(seq_c, kind="stable")
            assert np.array_equal(seq_k, seq_c[order]) and np.array_equal(data_k, data_c[order])


def test_load_roundtrip_equals_live_session(tmp_path):
    x = np.array([[1.0, 2.0], [0.5, -1.0]])
    y = np.array([[1.0], [0.0]])
    net = TinyNet()
    with nandoctor.trace(net) as t:
        net.train(x, y, 0.1, 5)
    t.save(tmp_path / "s")
    s = nandoctor.load(tmp_path / "s")
    import pandas.testing as pdt

    pdt.assert_frame_equal(s.frame, t.frame)
    assert [a.target for a in s.sites] == [b.target for b in t.session.sites]


def test_load_rejects_non_session(tmp_path):
    from nandoctor.store import StoreError

    with pytest.raises(StoreError):
        nandoctor.load(tmp_path)
    proc = run_nandoctor(["report", str(tmp_path / "missing")])
    assert proc.returncode == 2 and "no such session folder" in proc.stderr


# -- the demo -------------------------------------------------------------------------------

def test_demo_numerically_is_the_founding_case(demo_run, demo_session, seed_session):
    """`nandoctor demo` and `nandoctor run` of the bundled founding case record the same numbers, and the
    demo's z_jk is the independent plain-numpy replay's, up to the step it goes NaN."""
    proc, out = demo_run
    assert proc.returncode == 0, proc.stderr[-2000:]
    d = _train_rows(demo_session.frame)
    s = _train_rows(seed_session.frame)
    for name in ("z_jk", "a_jk", "dl_jk", "gradient_ij"):
        dv = d[d[C.NAME] == name].set_index(C.STEP)
        sv = s[s[C.NAME] == name].set_index(C.STEP)
        for step in (0, 100, 248, 249):
            for col in (C.MIN, C.MAX, C.L2, C.N_NAN):
                a, b = dv.loc[step, col], sv.loc[step, col]
                assert (a == b) or (np.isnan(a) and np.isnan(b)), (name, step, col, a, b)
    z_jks, _, _ = replay_seed(250)
    z = d[d[C.NAME] == "z_jk"].set_index(C.STEP)
    for step in (0, 100, 248, 249):
        assert z.loc[step, C.MAX] == z_jks[step].max() and z.loc[step, C.MIN] == z_jks[step].min()
    assert demo_session.plan.n_steps == 10000


def test_hook_names_match_instrumenter():
    from nandoctor.trace.instrument import HOOK_NAMES

    from conftest import HOOK_NAMES as checked

    assert set(HOOK_NAMES) == set(checked)


# -- trace() inside a traced script, and warnings of nandoctor's own re-evaluation ----------

def test_trace_block_inside_nandoctor_run(tmp_path):
    script = tmp_path / "nested.py"
    script.write_text(textwrap.dedent("""
        import numpy as np
        import nandoctor

        class Net:
            def __init__(self):
                self.w = np.array([1.0, -0.5])
            def fit(self, n):
                for i in range(n):
                    g = 0.5 * self.w
                    self.w = self.w - 0.1 * g

        net = Net()
        net.fit(3)
        with nandoctor.trace(net) as t:
            net.fit(4)
        print(sorted(set(t.frame[t.frame["name"] == "g"]["step"])))
        print(repr(net.w))
    """))
    plain = run_python([str(script)], cwd=str(tmp_path))
    traced = run_nandoctor(["run", "-o", str(tmp_path / "r"), str(script)], cwd=str(tmp_path))
    assert plain.returncode == traced.returncode == 0, traced.stderr
    assert traced.stdout == plain.stdout
    assert plain.stdout.splitlines()[0] == "[0, 1, 2, 3]"
    assert nandoctor.load(tmp_path / "r").plan.n_steps == 7


def test_operand_reevaluation_warns_nothing(tmp_path):
    """Re-evaluating `a.astype(float)` at a flagged statement must not add a ComplexWarning."""
    script = tmp_path / "cw.py"
    script.write_text(textwrap.dedent("""
        import numpy as np
        a = np.array([1e308 + 1e308j, 2j])
        b = a.astype(float) * np.array([1e308, 0.0])
        for i in range(3):
            c = np.exp(np.array([1000.0])) - np.exp(np.array([1000.0]))
        print(b, c)
    """))
    plain = run_python([str(script)], cwd=str(tmp_path))
    traced = run_nandoctor(["run", "-o", str(tmp_path / "r"), str(script)], cwd=str(tmp_path))
    assert "ComplexWarning" in plain.stderr
    ours = [ln for ln in traced.stderr.splitlines() if not ln.startswith("nandoctor:")]
    assert ours == plain.stderr.splitlines()
    assert traced.stdout == plain.stdout


def test_large_array_runs_are_deterministic(tmp_path):
    """Arrays above the summarise-at-once size: two runs give the same frame and findings.json."""
    script = tmp_path / "big.py"
    script.write_text(textwrap.dedent("""
        import numpy as np
        rng = np.random.RandomState(0)
        X = rng.randn(256, 64)
        W = rng.randn(64, 160) * 0.1
        T = X @ rng.randn(64, 160)
        for step in range(60):
            out = X @ W
            err = out - T
            grad = X.T @ err / len(X)
            W -= 0.05 * grad
    """))
    outs = []
    for k in range(2):
        proc = run_nandoctor(["run", "-o", str(tmp_path / f"r{k}"), "--format", "json,session", str(script)],
                             cwd=str(tmp_path))
        assert proc.returncode == 0, proc.stderr
        outs.append(tmp_path / f"r{k}")
    assert (outs[0] / "findings.json").read_bytes() == (outs[1] / "findings.json").read_bytes()
    import pandas.testing as pdt

    a, b = nandoctor.load(outs[0]).frame, nandoctor.load(outs[1]).frame
    assert (a[C.SIZE] > 8192).any()
    pdt.assert_frame_equal(a, b)


def test_compaction_is_crash_safe(tmp_path):
    """Killed between writing compact.npz and recording it: the chunks are still what is read."""
    import shutil

    script = tmp_path / "tiny.py"
    script.write_text("import numpy as np\nw = np.ones(3)\nfor i in range(50):\n    w = w - 0.1 * w\n")
    proc = run_nandoctor(["run", "-o", str(tmp_path / "r"), "--format", "session", str(script)], cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    full = nandoctor.load(tmp_path / "r").frame
    # The state just before the chunks were removed: chunks present, meta not yet compacted.
    from nandoctor.store import SessionWriter, read_json

    head = read_json(tmp_path / "r" / "session.json")
    half = tmp_path / "half"
    shutil.copytree(tmp_path / "r", half)
    s = nandoctor.load(half)
    meta = dict(head["meta"], compacted=False)
    w = SessionWriter.__new__(SessionWriter)  # write the chunk files of the same raw data
    w.dir, w.pid, w.meta, w.n_chunks = half, __import__("os").getpid(), meta, 0
    rec = s.recording
    w.write_chunk(__import__("nandoctor.trace.recorder", fromlist=["Chunk"]).Chunk(**rec.columns(), values=[]),
                  list(rec.shapes), list(rec.dtypes))
    (half / "compact.npz").write_bytes(b"torn")  # a half-written compact file is never read
    w.update_meta()
    import pandas.testing as pdt

    pdt.assert_frame_equal(nandoctor.load(half).frame, full)
