"""Issue 3: the first non-finite value -- statement, sub-expression, elements, operation -- and unchanged output.

Expected values are computed here with plain numpy (replaying the founding net, re-running each
sample's arithmetic under errstate(all='ignore')), never copied from a traced run.
"""

from __future__ import annotations

import contextlib
import io
import json
import runpy
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from conftest import SAMPLES, SEED, run_nandoctor, run_python

FPE = SAMPLES / "fpe"
SAMPLE_NAMES = sorted(p.stem for p in FPE.glob("*.py"))
DEMO = Path(__file__).resolve().parent.parent / "nandoctor" / "demo" / "net341.py"


# -- running the samples ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def fpe_runs(tmp_path_factory):
    """Every sample traced (`nandoctor run`, json + session) and plain, two subprocesses at a time."""
    base = tmp_path_factory.mktemp("fpe")

    def one(name):
        path = str(FPE / f"{name}.py")
        cwd = base / name
        cwd.mkdir()
        out = cwd / "report"
        traced = run_nandoctor(["run", "-o", str(out), "--format", "json,session", path], cwd=str(cwd), timeout=300)
        plain = run_python([path], cwd=str(cwd), timeout=300)
        return name, (traced, plain, out)

    with ThreadPoolExecutor(2) as pool:
        return dict(pool.map(one, SAMPLE_NAMES))


def _load(fpe_runs, name):
    import nandoctor

    traced, plain, out = fpe_runs[name]
    assert (out / "findings.json").exists(), traced.stderr
    return nandoctor.load(out), json.loads((out / "findings.json").read_text())


def _globals(name) -> dict:
    """The sample's module namespace, run untraced with numpy silenced (its own arithmetic, plain numpy)."""
    with np.errstate(all="ignore"), contextlib.redirect_stdout(io.StringIO()):
        return runpy.run_path(str(FPE / f"{name}.py"))


def _argwhere(mask) -> list[list[int]]:
    return [list(map(int, i)) for i in np.argwhere(mask)]


def _check(session, doc, *, statement, expression, operation, elements, step=None, source=None):
    fn = session.first_nonfinite
    assert fn is not None, "no first non-finite value recorded"
    assert fn.statement == statement
    assert fn.expression == expression
    assert fn.operation == operation
    assert [list(e) for e in fn.elements] == elements
    if step is not None:
        assert fn.step == step
    if source is not None:
        assert fn.source == source
    js = doc["first_nonfinite"]
    assert js is not None
    for key in ("statement", "expression", "operation", "step", "line", "function", "file"):
        assert js[key] == getattr(fn, key), key
    assert js["elements"] == elements
    return fn


# -- the founding case -----------------------------------------------------------------------------

def _replay_founding(dtype=np.float64):
    """The 3-4-1 net in plain numpy: (first step whose dl_jk is non-finite, its elements, operands there)."""
    np.random.seed(1)
    w_ij = (2 * np.random.rand(3, 4) - 1).astype(dtype)
    w_jk = (2 * np.random.rand(4, 1) - 1).astype(dtype)
    x = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [0, 1, 0], [1, 0, 0], [1, 1, 1], [0, 0, 0]]).astype(dtype)
    y = np.array([[0, 1, 1, 1, 1, 0, 0]]).T.astype(dtype)
    one = dtype(1)
    with np.errstate(all="ignore"):
        for i in range(10000):
            z_ij = x @ w_ij
            a_ij = np.where(z_ij > 0, z_ij, z_ij * dtype(0.01))
            a_jk = one / (one + np.exp(-(a_ij @ w_jk)))
            num, den = one - y, one - a_jk
            dl_jk = -y / a_jk + num / den
            if not np.isfinite(dl_jk).all():
                assert np.isfinite(-y / a_jk).all()  # the first term is fine: the second one is the origin
                bad = ~np.isfinite(num / den)
                return i, _argwhere(bad), num[bad], den[bad]
            da_jk = a_jk * (one - a_jk)
            da_ij = np.where(z_ij > 0, one, dtype(0.01))
            gradient_ij = x.T @ ((dl_jk * da_jk) @ w_jk.T * da_ij)
            gradient_jk = a_ij.T @ (dl_jk * da_jk)
            w_ij = w_ij - gradient_ij
            w_jk = w_jk - gradient_jk
    return None


FOUNDING_STATEMENT = "dl_jk = -y/a_jk + (1 - y)/(1 - a_jk)"


@pytest.mark.parametrize("which", ["seed", "demo"])
def test_founding_case(which, request):
    session = request.getfixturevalue(f"{which}_session")
    proc, out = request.getfixturevalue(f"{which}_run")
    step, elements, num, den = _replay_founding()
    assert num.tolist() == [0.0] * len(elements) and den.tolist() == [0.0] * len(elements)
    doc = json.loads((Path(out) / "findings.json").read_text())
    fn = _check(session, doc, statement=FOUNDING_STATEMENT, expression="(1 - y)/(1 - a_jk)", operation="0/0",
                elements=elements, step=step, source="replay")
    assert fn.operands == {"(1 - y)": num.tolist(), "(1 - a_jk)": den.tolist()}
    assert doc["first_nonfinite"]["operands"] == fn.operands
    assert fn.error == "invalid value" and not fn.absorbed
    # The one-line verdict on stderr names the step and the sub-expression (its wording is the reporter's).
    verdict = [ln for ln in proc.stderr.splitlines()
               if ln.startswith("nandoctor:") and f"step {step}" in ln and fn.expression in ln]
    assert verdict, proc.stderr


def test_founding_case_runs_like_python(seed_run, tmp_path):
    proc, _ = seed_run
    plain = run_python([str(SEED)], cwd=str(tmp_path))
    assert proc.stdout == plain.stdout
    assert _without_ours(proc.stderr) == plain.stderr
    assert proc.returncode == plain.returncode


# -- one sample per classification, and the special cases ----------------------------------------

def test_0over0(fpe_runs):
    s, doc = _load(fpe_runs, "div_0over0")
    g = _globals("div_0over0")
    counts, totals = np.broadcast_arrays(g["counts"], g["totals"])
    fn = _check(s, doc, statement="probs = counts / totals", expression="counts / totals", operation="0/0",
                elements=_argwhere((counts == 0) & (totals == 0)))
    assert fn.operands["totals"] == [0.0] * len(fn.elements)


def test_x_over_0(fpe_runs):
    s, doc = _load(fpe_runs, "div_xover0")
    g = _globals("div_xover0")
    c, d = np.broadcast_arrays(g["centered"], g["spread"])
    _check(s, doc, statement="Z = centered / spread", expression="centered / spread", operation="x/0",
           elements=_argwhere((d == 0) & (c != 0)))
    assert s.first_nonfinite.error == "divide by zero"


def test_inf_minus_inf(fpe_runs):
    s, doc = _load(fpe_runs, "inf_minus_inf")
    g = _globals("inf_minus_inf")
    a, b = np.broadcast_arrays(g["scores"], g["scores"].max(axis=1, keepdims=True))
    _check(s, doc, statement="shifted = scores - scores.max(axis=1, keepdims=True)",
           expression="scores - scores.max(axis=1, keepdims=True)", operation="inf-inf",
           elements=_argwhere(np.isinf(a) & np.isinf(b) & (np.sign(a) == np.sign(b))))
    # The -inf of the mask (and of the scores computed from it) is deliberate: not the first non-finite.
    assert s.first_nonfinite.source == "replay" and s.first_nonfinite.error == "invalid value"


def test_0_times_inf(fpe_runs):
    s, doc = _load(fpe_runs, "zero_times_inf")
    g = _globals("zero_times_inf")
    w, p = g["weights"], g["penalty"]
    _check(s, doc, statement="cost = weights * penalty", expression="weights * penalty", operation="0*inf",
           elements=_argwhere(((w == 0) & np.isinf(p)) | (np.isinf(w) & (p == 0))))


def test_exp_overflow_with_argument(fpe_runs):
    s, doc = _load(fpe_runs, "exp_overflow")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(8, 3)) * 4.0
    y = np.eye(2)[rng.integers(0, 2, size=8)]
    W = rng.normal(size=(3, 2))
    limit = np.log(np.finfo(np.float64).max)
    with np.errstate(all="ignore"):
        for step in range(200):
            logits = X @ W
            if (logits > limit).any():
                break
            e = np.exp(logits)
            W = W - 5.0 * X.T @ (e / e.sum(axis=1, keepdims=True) - y)
    bad = logits > limit
    first = logits[bad][0]
    _check(s, doc, statement="e = np.exp(logits)", expression="np.exp(logits)",
           operation=f"exp overflow (arg {first:.1f})", elements=_argwhere(bad), step=step)


def test_log_of_zero(fpe_runs):
    s, doc = _load(fpe_runs, "log_zero")
    g = _globals("log_zero")
    X, y = g["X"], g["y"]
    w = np.zeros(2)
    with np.errstate(all="ignore"):
        for step in range(300):
            p = 1 / (1 + np.exp(-(X @ w)))
            if (p == 0).any() or (p == 1).any():
                break
            w = w - 2.0 * X.T @ (p - y)
    assert not (p == 0).any()  # so log(p) is fine and log(1 - p) is the first
    _check(s, doc, statement="loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))",
           expression="np.log(1 - p)", operation="log(0)", elements=_argwhere(1 - p == 0), step=step)


def test_sqrt_of_negative(fpe_runs):
    s, doc = _load(fpe_runs, "sqrt_negative")
    g = _globals("sqrt_negative")
    fn = _check(s, doc, statement="std = np.sqrt(var)", expression="np.sqrt(var)", operation="sqrt(<0)",
                elements=_argwhere(g["var"] < 0))
    assert fn.operands["var"] == g["var"][g["var"] < 0].tolist()


def test_power_overflow(fpe_runs):
    s, doc = _load(fpe_runs, "power_overflow")
    g = _globals("power_overflow")
    with np.errstate(all="ignore"):
        r = g["x"][:, None] ** g["degree"][None, :]
    _check(s, doc, statement="features = x[:, None] ** degree[None, :]", expression="x[:, None] ** degree[None, :]",
           operation="power overflow", elements=_argwhere(np.isinf(r))[:64])


def test_nan_born_in_matmul_overflow(fpe_runs):
    s, doc = _load(fpe_runs, "matmul_overflow")
    g = _globals("matmul_overflow")
    with np.errstate(all="ignore"):
        h = g["x"] @ g["W"]
    assert np.isfinite(g["x"]).all() and np.isfinite(g["W"]).all()
    _check(s, doc, statement="h = x @ W", expression="x @ W", operation="matmul overflow",
           elements=_argwhere(~np.isfinite(h)))
    assert np.isnan(g["centred"]).any()  # the NaN comes later, from the inf
    later = [e for e in s.events if e.seq > s.first_nonfinite.seq]
    assert any(e.operation == "inf-inf" for e in later)


def test_nan_in_input_data(fpe_runs):
    s, doc = _load(fpe_runs, "nan_input")
    g = _globals("nan_input")
    _check(s, doc, statement='data = np.genfromtxt(io.StringIO(CSV), delimiter=",", skip_header=1)',
           expression='np.genfromtxt(io.StringIO(CSV), delimiter=",", skip_header=1)',
           operation="nan in input data", elements=_argwhere(np.isnan(g["data"])), source="value")


def test_einsum_overflow_found_by_backstop(fpe_runs):
    s, doc = _load(fpe_runs, "einsum_overflow")
    g = _globals("einsum_overflow")
    _check(s, doc, statement='C = np.einsum("ij,jk->ik", A, B)', expression='np.einsum("ij,jk->ik", A, B)',
           operation="einsum overflow", elements=_argwhere(~np.isfinite(g["C"])), source="value")


def test_user_errstate_ignore_found_by_backstop_replay(fpe_runs):
    s, doc = _load(fpe_runs, "errstate_ignore")
    g = _globals("errstate_ignore")
    a, y = g["a"], g["y"]
    assert np.isfinite(-y / a).all()
    with np.errstate(all="ignore"):
        bad = ~np.isfinite((1 - y) / (1 - a))
    labels = ["0/0" if n == 0 else "x/0" for n in (1 - y)[bad]]
    op = labels[0] if len(set(labels)) == 1 else ", ".join(dict.fromkeys(labels))
    _check(s, doc, statement="dl = -y / a + (1 - y) / (1 - a)", expression="(1 - y) / (1 - a)", operation=op,
           elements=_argwhere(bad), source="replay")


def test_inf_absorbed_by_sigmoid_is_not_the_origin(fpe_runs):
    s, doc = _load(fpe_runs, "sigmoid_absorbed")
    g = _globals("sigmoid_absorbed")
    z, a, y = g["z"], g["a"], g["y"]
    fn = _check(s, doc, statement="dl = -y / a + (1 - y) / (1 - a)", expression="-y / a", operation="0/0",
                elements=_argwhere((y == 0) & (a == 0)))
    absorbed = [e for e in s.events if e.absorbed]
    assert absorbed, "the exp overflow inside sigmoid was not recorded as absorbed"
    ev = absorbed[0]
    limit = np.log(np.finfo(np.float64).max)
    assert ev.seq < fn.seq and ev.expression == "np.exp(-z)" and ev.statement == "return 1 / (1 + np.exp(-z))"
    assert [list(e) for e in ev.elements] == _argwhere(-z > limit)
    assert ev.operation == f"exp overflow (arg {(-z)[-z > limit][0]:.1f})"


def test_float32_net(fpe_runs):
    s, doc = _load(fpe_runs, "float32_net")
    step32, elements, num, den = _replay_founding(np.float32)
    step64 = _replay_founding(np.float64)[0]
    assert step32 < step64  # float32 saturates first: the sample really exercises float32
    _check(s, doc, statement="dl_jk = -y / a_jk + (1 - y) / (1 - a_jk)", expression="(1 - y) / (1 - a_jk)",
           operation="0/0", elements=elements, step=step32)


def test_seterr_raise_still_raises_and_is_recorded(fpe_runs):
    traced, plain, _ = fpe_runs["seterr_raise"]
    assert plain.returncode == traced.returncode == 1
    assert "FloatingPointError: divide by zero encountered in divide" in plain.stderr
    s, doc = _load(fpe_runs, "seterr_raise")
    rates = np.array([0.5, 0.25, 0.0, 0.125])
    _check(s, doc, statement="periods = budget / rates", expression="budget / rates", operation="x/0",
           elements=_argwhere(rates == 0), source="raise")


def test_training_loop_in_a_thread(fpe_runs):
    s, doc = _load(fpe_runs, "thread_loop")
    x = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    t = np.array([[1.0], [0.0], [1.0], [0.0]])
    w = np.array([[0.5], [0.5]])
    with np.errstate(all="ignore"):
        for step in range(60):
            a = 1 / (1 + np.exp(-(x @ w)))
            first, second = -t / a, (1 - t) / (1 - a)
            if not np.isfinite(first).all() or not np.isfinite(second).all():
                break
            w = w - 8.0 * x.T @ (first + second)
    assert np.isfinite(first).all()
    num, den = np.broadcast_arrays(1 - t, 1 - a)
    bad = ~np.isfinite(second)
    labels = {"0/0" if n == 0 else "x/0" for n in num[bad]}
    assert len(labels) == 1
    _check(s, doc, statement="dl = -t / a + (1 - t) / (1 - a)", expression="(1 - t) / (1 - a)",
           operation=labels.pop(), elements=_argwhere(bad), step=step)


# -- unchanged output -------------------------------------------------------------------------------

def _without_ours(stderr: str) -> str:
    return "".join(ln for ln in stderr.splitlines(keepends=True) if not ln.startswith("nandoctor:"))


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_sample_output_unchanged(fpe_runs, name):
    traced, plain, _ = fpe_runs[name]
    assert traced.stdout == plain.stdout
    assert _without_ours(traced.stderr) == plain.stderr
    assert traced.returncode == plain.returncode
    assert any(ln.startswith("nandoctor:") for ln in traced.stderr.splitlines())


# numpy's own reactions when the user's setting is in force before the trace starts (nandoctor leaves
# numpy's error state alone): print (C stderr), log and call (the user's object), warn once per location,
# ignore; and the same first non-finite value found in every mode.
MODES_SCRIPT = r'''
import os, sys, warnings
import numpy as np
import nandoctor

class Net:
    def step(self, a, b):
        q = a / b
        r = np.exp(a * 800)
        return q, r

class Log:
    def write(self, msg):
        print("LOG", msg, end="")

def call(kind, flags):
    print("CALL", kind, flags)

mode = sys.argv[1]
np.seterr(all=mode, under="ignore")
if mode in ("log", "call"):
    np.seterrcall(Log() if mode == "log" else call)
a, b = np.array([1.0, 0.0, 2.0]), np.array([0.0, 0.0, 1.0])
ctx = nandoctor.trace(Net()) if os.environ.get("TRACED") else None
if ctx is not None:
    ctx.__enter__()
try:
    net = Net()
    for i in range(3):
        net.step(a, b)
    print("errstate after:", np.geterr() if ctx is None else "(traced)")
finally:
    if ctx is not None:
        ctx.__exit__(None, None, None)
print("restored:", np.geterr(), np.geterrcall() is not None)
if ctx is not None:
    print("EVENTS", [(e.operation, e.error) for e in ctx.session.events][:4], file=sys.stderr)
'''


@pytest.mark.parametrize("mode", ["warn", "print", "log", "call", "ignore"])
def test_user_modes_honoured(mode, tmp_path):
    script = tmp_path / "modes.py"
    script.write_text(MODES_SCRIPT)
    plain = run_python([str(script), mode], cwd=str(tmp_path))
    traced = run_python([str(script), mode], cwd=str(tmp_path), env={"TRACED": "1"})
    assert plain.returncode == 0, plain.stderr
    assert traced.returncode == 0, traced.stderr
    t_lines = [ln for ln in traced.stdout.splitlines() if not ln.startswith("errstate after:")]
    p_lines = [ln for ln in plain.stdout.splitlines() if not ln.startswith("errstate after:")]
    assert t_lines == p_lines
    events = [ln for ln in traced.stderr.splitlines() if ln.startswith("EVENTS")]
    # Found in the recorded values whatever the script's mode: a / b made x/0 at one element, 0/0 at another.
    assert events and "('x/0, 0/0', 'divide by zero')" in events[0], traced.stderr
    assert traced.stderr.replace(events[0] + "\n", "") == plain.stderr


class _Divider:
    def run(self, a, b):
        q = a / b
        return q


def test_trace_api_raise_mode_records_and_restores():
    import nandoctor

    a, b = np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 2.0])
    with np.errstate(all="raise"):
        with pytest.raises(FloatingPointError, match="^divide by zero encountered in divide$") as info:
            with nandoctor.trace(_Divider()) as t:
                _Divider().run(a, b)
        assert np.geterr()["divide"] == "raise"
    # numpy's own traceback: no nandoctor frame below the user's line.
    last = info.tb
    while last.tb_next is not None:
        last = last.tb_next
    assert last.tb_frame.f_code.co_name == "run"
    fn = t.first_nonfinite
    assert fn is not None and fn.source == "raise"
    assert (fn.statement, fn.expression, fn.operation) == ("q = a / b", "a / b", "x/0")
    assert [list(e) for e in fn.elements] == _argwhere(b == 0)


class _Flagging:
    def run(self, a, b):
        import threading

        seen = (np.geterr(), np.geterrcall(), threading.getprofile())
        q = a / b
        return q, seen


def test_trace_leaves_numpy_error_state_alone():
    """By default nothing of numpy's error machinery changes while a trace runs, and no thread profile hook
    is installed; the first non-finite value is still found and classified, from the recorded values."""
    import threading

    import nandoctor

    a, b = np.array([1.0, 0.0, 3.0]), np.array([0.0, 0.0, 1.0])
    calls = []
    before = (np.geterr(), np.geterrcall(), threading.getprofile())
    with np.errstate(all="call", under="ignore"):
        old = np.seterrcall(lambda kind, flag: calls.append(kind))
        try:
            with nandoctor.trace(_Flagging()) as t:
                _, seen = _Flagging().run(a, b)
            outside = np.geterr()
        finally:
            np.seterrcall(old)
    assert seen[0] == outside and seen[0]["divide"] == "call" and seen[2] is None
    assert calls == ["divide by zero", "invalid value"]  # the script's callback, exactly numpy's calls
    assert (np.geterr(), np.geterrcall(), threading.getprofile()) == before
    fn = t.first_nonfinite
    assert (fn.expression, fn.operation, fn.source) == ("a / b", "x/0, 0/0", "replay")
    assert [list(e) for e in fn.elements] == _argwhere(~np.isfinite(a / np.where(b == 0, np.nan, b)))


def test_fp_trap_is_opt_in(tmp_path):
    """NANDOCTOR_FP_TRAP=1 brings back numpy-flag trapping (source "flag"), visible to the script."""
    script = tmp_path / "s.py"
    script.write_text("import numpy as np\nprint(np.geterr()['divide'])\nq = np.array([1.0]) / np.array([0.0])\n")
    plain = run_python([str(script)], cwd=str(tmp_path))
    default = run_nandoctor(["run", "-q", "-o", str(tmp_path / "d"), "--format", "session", str(script)],
                            cwd=str(tmp_path))
    trapped = run_nandoctor(["run", "-q", "-o", str(tmp_path / "t"), "--format", "session", str(script)],
                            cwd=str(tmp_path), env={"NANDOCTOR_FP_TRAP": "1"})
    assert default.stdout == plain.stdout == "warn\n"
    assert trapped.stdout == "log\n"
    import nandoctor

    assert nandoctor.load(tmp_path / "d").first_nonfinite.source == "replay"
    assert nandoctor.load(tmp_path / "t").first_nonfinite.source == "flag"


class _Saturating:
    """A sigmoid whose input drifts down by 40 a step: exp(-z) overflows (absorbed: the sigmoid returns
    0.0) long before anything non-finite is recorded."""

    def sigmoid(self, z):
        return 1 / (1 + np.exp(-z))

    def train(self, steps):
        z = np.array([1.0, -3.0, 0.5])
        for i in range(steps):
            a = self.sigmoid(z)
            z = z - np.array([40.0, 41.0, 1.0])
        return a


def test_absorbed_exp_overflow_found_from_recorded_values():
    import nandoctor

    steps = 30
    limit = np.log(np.finfo(np.float64).max)
    z = np.array([1.0, -3.0, 0.5])
    for step in range(steps):
        if (-z > limit).any():
            break
        z = z - np.array([40.0, 41.0, 1.0])
    with np.errstate(over="ignore"), nandoctor.trace(_Saturating()) as t:  # found whatever numpy was told
        _Saturating().train(steps)
    absorbed = [e for e in t.session.events if e.absorbed]
    assert len(absorbed) == 1 and t.first_nonfinite is None
    ev = absorbed[0]
    assert (ev.expression, ev.statement.strip()) == ("np.exp(-z)", "return 1 / (1 + np.exp(-z))")
    assert ev.step == step and [list(e) for e in ev.elements] == _argwhere(-z > limit)
    assert ev.operation == f"exp overflow (arg {(-z)[-z > limit][0]:.1f})"
    codes = {f.code: f for f in t.session.findings}
    assert codes["exp_overflow"].severity == "warning" and codes["exp_overflow"].first_step == step


EMPTY_THEN_MASKED = """
import numpy as np
rng = np.random.default_rng(0)
x = rng.normal(0, 3, (64, 16))
w = rng.normal(0, 0.1, 16)
for step in range(30):
    z = x * w
    np.full(z.shape, np.nan)  # freed at once: memory the next np.empty_like may hand back as it is
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    out[~pos] = np.exp(z[~pos]) / (1.0 + np.exp(z[~pos]))
    full = np.empty(16)
    full[:] = out.mean(axis=0)
    w -= 0.1 * (full - 0.5)
"""


def test_a_partial_write_into_empty_memory_is_no_value_of_the_program(tmp_path):
    from conftest import analysed_session
    from nandoctor.detectors.facts import facts
    from nandoctor.model import partial_writes_into_empty

    s = analysed_session(tmp_path, EMPTY_THEN_MASKED)
    assert s.first_nonfinite is None
    partial = {s.sites[i].target for i in partial_writes_into_empty(s.sites)}
    assert partial == {"out[pos]", "out[~pos]"}  # `full[:] = ...` writes every element
    F = facts(s)
    from nandoctor.detectors.facts import unmeasured

    masked = [x.id for x in s.sites if x.target in partial]
    # the rows stay, so the value flows on to what reads it, but none is measured
    assert masked and all(F.observed(i) and unmeasured(F.ser(i)).all() for i in masked)
    assert any(F.observed(x.id) and not unmeasured(F.ser(x.id)).any() for x in s.sites if x.target == "full[:]")
    assert F.loss_side is not None


# A bound left open by an argument's default (`hi=np.inf`), kept on the object: no numerical accident.
OPEN_BOUND = """
import numpy as np
class Clip:
    def __init__(self, lo=-5.0, hi=np.inf):
        self.lo = lo
        self.hi = hi
    def __call__(self, v):
        return np.clip(v, self.lo, self.hi)
rng = np.random.default_rng(0)
X = rng.normal(size=(30, 2))
y = X @ np.array([1.0, -1.0])
clip = Clip()
w = np.zeros(2)
for i in range(20):
    w -= 0.1 * clip(X.T @ (X @ w - y) / 30)
"""


def test_an_infinite_default_argument_and_its_copy_are_no_first_nonfinite_value(tmp_path):
    from conftest import analysed_session

    s = analysed_session(tmp_path, OPEN_BOUND)
    codes = [f.code for f in s.findings]
    assert "first_nonfinite" not in codes and "nonfinite_in_data" not in codes
    # the program's own values stay finite: clipping at +inf changes nothing
    from conftest import untraced

    assert np.isfinite(untraced(OPEN_BOUND)["w"]).all()


SINGLE_PRECISION = """
import numpy as np
x = np.linspace(-1, 1, 12, dtype=np.float32).reshape(4, 3)
w = np.ones(3, dtype=np.float32)
for step in range(40):
    z = x @ w
    w -= np.float32(0.01) * x.T @ z
"""


def test_a_kept_value_is_replayed_in_its_dtype_when_rows_are_read_back_chunk_by_chunk(tmp_path):
    from conftest import analysed_session, chunks_reversed
    from nandoctor.trace.backstop import kept_value

    rec = analysed_session(tmp_path, SINGLE_PRECISION).recording
    sid = next(x.id for x in rec.sites if x.statement.strip() == "z = x @ w")
    seqs = np.sort(rec.obs_seq[rec.obs_site == sid])
    for r in (rec, chunks_reversed(rec)):
        for seq in seqs[[0, len(seqs) // 2, -1]]:
            got = kept_value(r, sid, int(seq))
            assert got is not None and got[1].dtype == np.float32  # the program's dtype, not the kept float64
