"""The numeric-mechanism cause rules on tiny programs traced in process: each premise holding, failing, unmeasured.

Expected numbers (steps, which elements reach a bound) are replayed here in plain numpy, never copied from a trace.
"""

from __future__ import annotations

import importlib.util
import textwrap
import warnings

import numpy as np
import pytest

import nandoctor
from nandoctor.analysis import rules as R
from nandoctor.analysis.causes import _numeric
from nandoctor.detectors.facts import facts

MECHANISMS = {"division_by_zero", "log_of_zero", "exp_overflow", "softmax_overflow_no_max_subtraction",
              "wrong_loss_for_activation", "sigmoid_saturation_bce_0over0", "output_saturation_margin",
              "nan_in_input_data"}


def trace_source(tmp_path, src: str, call: str = "train()"):
    """Write `src` as a module, trace its functions in process while `call` runs, and return the session."""
    path = tmp_path / "prog.py"
    path.write_text(textwrap.dedent(src))
    spec = importlib.util.spec_from_file_location(f"prog_{abs(hash(str(tmp_path)))}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with nandoctor.trace(namespace=vars(module)) as t:
            eval(call, vars(module))  # noqa: S307 - the test's own call expression
    return t.session


def tags(session) -> list[str]:
    return [c.tag for c in session.causes]


def cause(session, tag):
    return next(c for c in session.causes if c.tag == tag)


def checks(session, code) -> dict:
    _, _, by_code = R.evaluate_rules(session, facts(session), session.findings)
    return {c.premise: c for c in by_code.get(code, [])}


# -- log_of_zero ----------------------------------------------------------------------------------

LOGREG = """
import numpy as np

def train(steps=4, guard=False):
    X = np.array([[1.0, 2.0], [2.0, 1.0], [-1.0, -2.0], [-2.0, -1.0]])
    y = np.array([1.0, 1.0, 0.0, 0.0])
    w = np.array([20.0, 20.0])
    for i in range(steps):
        p = 1 / (1 + np.exp(-(X @ w)))
        if guard:
            p = np.clip(p, 1e-7, 1 - 1e-7)
        loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
        w = w - 0.01 * X.T @ (p - y) / len(y)
"""


def test_log_of_zero_holds_at_the_replayed_step(tmp_path):
    s = trace_source(tmp_path, LOGREG)
    # replay: the first step whose sigmoid output is exactly 1.0 makes log(1 - p) = log(0)
    X = np.array([[1.0, 2.0], [2.0, 1.0], [-1.0, -2.0], [-2.0, -1.0]])
    p = 1 / (1 + np.exp(-(X @ np.array([20.0, 20.0]))))
    assert (p == 1.0).any()
    assert tags(s)[0] == "log_of_zero"
    c = cause(s, "log_of_zero")
    assert c.evidence["step"] == 0 and c.evidence["operation"] == "log(0)"
    assert "np.log(1 - p)" in c.summary
    assert any("clip" in f.after for f in c.fixes)
    assert not MECHANISMS - {"log_of_zero"} & set(tags(s))


def test_log_of_zero_fails_when_the_log_never_gets_zero(tmp_path):
    s = trace_source(tmp_path, LOGREG, "train(guard=True)")
    assert s.first_nonfinite is None
    assert not MECHANISMS & set(tags(s))
    assert checks(s, "log_of_zero")["first_nonfinite_located"].status == R.FAILS


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_log_of_a_column_of_a_table_too_large_to_keep_is_log_of_zero(tmp_path):
    # `np.log(X[:, j])` on a 600 x 4 table (too large for its values to be kept): the statement is not replayed, but
    # the -inf it wrote comes from a log of an exact 0, and the table's least value before the write is 0.
    from conftest import analysed_session, untraced

    src = """
        import numpy as np
        rng = np.random.default_rng(2)
        X = np.column_stack([rng.uniform(20, 200, 600), rng.uniform(1, 9, 600),
                             rng.integers(0, 3, 600) * 12.0, rng.uniform(0.5, 30, 600)])
        X = X.copy()
        for j in (0, 2, 3):
            X[:, j] = np.log(X[:, j])
        y = X[:, 0] * 0.5
        w = np.zeros(4)
        for step in range(20):
            w = w - 0.01 * X.T @ (X @ w - y) / len(y)
    """
    g = untraced(src)
    assert np.isneginf(g["X"][:, 2]).any() and np.isfinite(g["X"][:, [0, 1, 3]]).all()
    s = analysed_session(tmp_path, src)
    c = cause(s, "log_of_zero")
    assert c.evidence["operation"] == "log(0)"
    assert "np.log(X[:, j])" in c.summary


def test_an_unreplayed_first_nonfinite_is_not_checked(tmp_path, monkeypatch):
    s = trace_source(tmp_path, LOGREG)
    real = _numeric.first_nonfinite_info

    def unreplayed(session):
        info = dict(real(session))
        info.update(operation="nan", expression="")
        return info

    monkeypatch.setattr(_numeric, "first_nonfinite_info", unreplayed)
    drafts, not_checked, by_code = R.evaluate_rules(s, facts(s), s.findings)
    assert not {d.tag for d in drafts} & (MECHANISMS - {"nan_in_input_data", "output_saturation_margin"})
    assert "log_of_zero" in {n.tag for n in not_checked}
    assert by_code["log_of_zero"][0].status == R.NOT_CHECKED


# -- sigmoid_saturation_bce_0over0 and division_by_zero -------------------------------------------

BCE_GRADIENT = """
import numpy as np

def train(steps=3, simplified=False):
    X = np.array([[3.0, 1.0], [2.0, 2.0], [-1.0, -3.0], [0.5, -0.2]])
    y = np.array([1.0, 1.0, 0.0, 1.0])
    w = np.array([15.0, 15.0])
    for i in range(steps):
        a = 1 / (1 + np.exp(-(X @ w)))
        if simplified:
            delta = a - y
        else:
            delta = (-y / a + (1 - y) / (1 - a)) * a * (1 - a)
        w = w - 0.01 * X.T @ delta
"""


# One column vector at a time, the labels handed out by a loop over a list (never recorded): the failing statement
# cannot be replayed, but `1 - a` is read from a recorded a that holds an exact 1.0.
BCE_COLUMNS = """
import numpy as np

def train():
    rng = np.random.default_rng(1)
    points = [rng.uniform(-3, 3, (2, 1)) for _ in range(60)]
    marks = [np.array([[float(p[0, 0] + p[1, 0] > 0)]]) for p in points]
    w = rng.normal(0.0, 1.0, (1, 2))
    for epoch in range(40):
        for x, y in zip(points, marks):
            a = 1.0 / (1.0 + np.exp(-(w @ x)))
            dz = (-(y / a) + (1 - y) / (1 - a)) * a * (1 - a)
            w -= 5.0 * dz @ x.T
"""


def test_a_divisor_one_minus_a_recorded_exactly_one_is_a_zero_division_without_replay(tmp_path):
    s = trace_source(tmp_path, BCE_COLUMNS)
    c = checks(s, "sigmoid_saturation_bce_0over0")
    assert c["divides_by_zero"].status == R.HOLDS, c["divides_by_zero"].why
    assert c["first_nonfinite_located"].numbers["operation"] == "0/0"
    assert "sigmoid_saturation_bce_0over0" in tags(s)[:3]  # behind the rate of 5 that threw a to 1.0, if raised


def test_sigmoid_saturation_is_primary_on_a_stable_run(tmp_path):
    s = trace_source(tmp_path, BCE_GRADIENT)
    X = np.array([[3.0, 1.0], [2.0, 2.0], [-1.0, -3.0], [0.5, -0.2]])
    a = 1 / (1 + np.exp(-(X @ np.array([15.0, 15.0]))))
    at_one = int(np.sum(a == 1.0))
    assert at_one >= 1
    assert tags(s)[0] == "sigmoid_saturation_bce_0over0"
    c = cause(s, "sigmoid_saturation_bce_0over0")
    assert c.evidence["divisor"] == "1 - a" and c.evidence["elements_at_bound"] == at_one
    assert any("a - y" in f.after for f in c.fixes)
    # the same 0/0 is not also a plain division by zero
    assert "division_by_zero" not in tags(s)
    assert checks(s, "division_by_zero")["divisor_not_saturated_sigmoid"].status == R.FAILS


# The loss is computed first and only reported: its log(1 - a) is the first non-finite value, and the gradient
# computed next divides by the same 1 - a on its own.
BCE_LOSS_FIRST = """
import numpy as np

def train(steps=3):
    X = np.array([[3.0, 1.0], [2.0, 2.0], [-1.0, -3.0], [0.5, -0.2]])
    y = np.array([1.0, 1.0, 0.0, 1.0])
    w = np.array([15.0, 15.0])
    losses = []
    for i in range(steps):
        a = 1 / (1 + np.exp(-(X @ w)))
        loss = -np.mean(y * np.log(a) + (1 - y) * np.log(1 - a))
        losses.append(loss)
        delta = (-y / a + (1 - y) / (1 - a)) * a * (1 - a)
        w = w - 0.01 * X.T @ delta
    return losses
"""


def test_a_zero_division_after_a_reported_log_of_zero_is_the_saturated_sigmoid(tmp_path):
    X = np.array([[3.0, 1.0], [2.0, 2.0], [-1.0, -3.0], [0.5, -0.2]])
    a = 1 / (1 + np.exp(-(X @ np.array([15.0, 15.0]))))
    y = np.array([1.0, 1.0, 0.0, 1.0])
    with np.errstate(all="ignore"):
        assert np.isinf(np.log(1 - a)).any() and np.isnan((1 - y) / (1 - a)).any()
    s = trace_source(tmp_path, BCE_LOSS_FIRST)
    assert s.first_nonfinite.operation.startswith("log")
    c = checks(s, "sigmoid_saturation_bce_0over0")
    assert c["divides_by_zero"].status == R.HOLDS, c["divides_by_zero"].why
    assert "on its own" in c["divides_by_zero"].why
    assert "sigmoid_saturation_bce_0over0" in tags(s)[:3]


def test_sigmoid_saturation_fails_without_the_division(tmp_path):
    s = trace_source(tmp_path, BCE_GRADIENT, "train(simplified=True)")
    assert s.first_nonfinite is None and not MECHANISMS & set(tags(s))


STANDARDIZE = """
import numpy as np

def standardize(xb, eps):
    return (xb - xb.mean(axis=0)) / (xb.std(axis=0) + eps)

def train(eps=0.0):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(9, 3))
    y = X @ np.array([1.0, -2.0, 0.5])
    w = np.zeros(3)
    for start in range(0, 9, 4):
        xb = standardize(X[start:start + 4], eps)
        yb = y[start:start + 4]
        w = w - 0.1 * xb.T @ (xb @ w - yb) / len(yb)
"""


def test_division_by_zero_on_a_one_row_batch(tmp_path):
    s = trace_source(tmp_path, STANDARDIZE)
    # replay: batches of 4 over 9 rows leave a last batch of one row, whose std is exactly 0 (step 2)
    assert [len(range(9)[k:k + 4]) for k in range(0, 9, 4)] == [4, 4, 1]
    assert tags(s)[0] == "division_by_zero"
    c = cause(s, "division_by_zero")
    assert c.evidence["step"] == 2 and c.evidence["operation"] == "0/0"
    assert not {"sigmoid_saturation_bce_0over0", "other:division by zero"} & set(tags(s))
    assert checks(s, "sigmoid_saturation_bce_0over0")["divisor_saturated_sigmoid"].status == R.FAILS


def test_division_by_zero_fails_with_an_epsilon(tmp_path):
    s = trace_source(tmp_path, STANDARDIZE, "train(eps=1e-8)")
    assert s.first_nonfinite is None and "division_by_zero" not in tags(s)


# -- exp_overflow and softmax_overflow_no_max_subtraction -----------------------------------------

EXP_RATIO = """
import numpy as np

def sigmoid(z, stable):
    if stable:
        return 1 / (1 + np.exp(-z))
    return np.exp(z) / (1 + np.exp(z))

def train(stable=False):
    X = np.array([[4.0, 3.0], [5.0, 2.0], [-4.0, -3.0], [-3.0, -5.0]], dtype=np.float32)
    y = np.array([1.0, 1.0, 0.0, 0.0], dtype=np.float32)
    w = np.array([15.0, 15.0], dtype=np.float32)
    for i in range(3):
        p = sigmoid(X @ w, stable)
        w = w - np.float32(0.1) * X.T @ (p - y)
"""


def test_exp_overflow_in_float32(tmp_path):
    s = trace_source(tmp_path, EXP_RATIO)
    z = np.array([[4.0, 3.0], [5.0, 2.0]], dtype=np.float32) @ np.array([15.0, 15.0], dtype=np.float32)
    assert float(z.max()) > float(np.log(np.finfo(np.float32).max))  # past exp's limit in float32
    assert tags(s)[0] == "exp_overflow"
    c = cause(s, "exp_overflow")
    assert "overflow" in c.evidence["operation"]
    assert any("1 / (1 + np.exp(-z))" in f.after for f in c.fixes)
    assert checks(s, "softmax_overflow_no_max_subtraction")["softmax_form"].status == R.FAILS


LOGCOSH = """
import numpy as np

def logcosh(r):
    return np.mean(np.log(np.cosh(r)))

def train():
    X = np.array([[0.5, -1.0], [1.5, 0.2], [-0.3, 0.8], [1.0, 1.0]])
    t = np.array([800.0, 900.0, 760.0, 5000.0])
    w = np.zeros(2)
    for epoch in range(3):
        r = X @ w - t
        loss = logcosh(r)
        w -= 0.1 * X.T @ np.tanh(r) / len(r)
"""


def test_exp_overflow_names_cosh_and_fixes_log_cosh(tmp_path):
    s = trace_source(tmp_path, LOGCOSH)
    assert np.isinf(np.cosh(800.0))  # the first residuals are past cosh's limit in float64
    assert tags(s)[0] == "exp_overflow"
    c = cause(s, "exp_overflow")
    assert c.evidence["operation"].startswith("cosh overflow") and "cosh() overflows" in c.summary
    fix = next(f for f in c.fixes if "logaddexp" in f.after)
    # the patched line computes the same loss where cosh is finite, and a finite one where it overflows
    r = np.array([0.3, -2.0, 5000.0])
    patched = eval(fix.after.strip().removeprefix("return "), {"np": np, "r": r[:2]})
    assert patched == pytest.approx(float(np.mean(np.log(np.cosh(r[:2])))))
    assert np.isfinite(eval(fix.after.strip().removeprefix("return "), {"np": np, "r": r}))


def test_exp_overflow_fails_with_the_stable_form(tmp_path):
    s = trace_source(tmp_path, EXP_RATIO, "train(stable=True)")
    assert not {"exp_overflow", "softmax_overflow_no_max_subtraction"} & set(tags(s))


SOFTMAX = """
import numpy as np

def softmax(z, shift):
    if shift:
        z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)

def train(shift=False):
    X = np.array([[200.0, 0.0], [0.0, 300.0], [150.0, 150.0]])
    Y = np.eye(2)[[0, 1, 0]]
    W = np.array([[3.0, 1.0], [1.0, 3.0]])
    for i in range(3):
        P = softmax(X @ W, shift)
        W = W - 0.001 * X.T @ (P - Y)
"""


def test_softmax_overflow_without_the_max_shift(tmp_path):
    s = trace_source(tmp_path, SOFTMAX)
    logits = np.array([[200.0, 0.0], [0.0, 300.0], [150.0, 150.0]]) @ np.array([[3.0, 1.0], [1.0, 3.0]])
    assert logits.max() > np.log(np.finfo(np.float64).max)
    # Inputs of 200 and 300 are unnormalized too (they drive the logits there): both causes are true.
    assert "softmax_overflow_no_max_subtraction" in tags(s)[:2] and set(tags(s)[:2]) <= {
        "softmax_overflow_no_max_subtraction", "unnormalized_inputs"}
    c = cause(s, "softmax_overflow_no_max_subtraction")
    assert any("z.max(axis=-1, keepdims=True)" in f.after for f in c.fixes)
    assert "exp_overflow" not in tags(s)
    assert checks(s, "exp_overflow")["not_unshifted_softmax"].status == R.FAILS


def test_softmax_with_the_max_shift_raises_nothing(tmp_path):
    s = trace_source(tmp_path, SOFTMAX, "train(shift=True)")
    assert s.first_nonfinite is None
    assert not {"exp_overflow", "softmax_overflow_no_max_subtraction"} & set(tags(s))


KERNEL_WEIGHTS = """
import numpy as np

def smooth(queries, known, values, width, shift):
    scores = -((queries[:, None] - known[None, :]) ** 2) / (2.0 * width ** 2)
    if shift:
        scores = scores - scores.max(axis=1, keepdims=True)
    weights = np.exp(scores)
    weights = weights / weights.sum(axis=1, keepdims=True)
    return weights @ values

def train(shift=False):
    known = np.array([0.0, 1.0, 5.0])
    values = np.array([1.0, 2.0, 3.0])
    for width in (0.5, 0.05):
        est = smooth(np.array([0.5, 3.0, 4.8]), known, values, width, shift)
"""


def test_softmax_whose_exps_all_underflow_is_0_over_0(tmp_path):
    s = trace_source(tmp_path, KERNEL_WEIGHTS)
    scores = -((np.array([0.5, 3.0, 4.8])[:, None] - np.array([0.0, 1.0, 5.0])[None, :]) ** 2) / (2 * 0.05 ** 2)
    # the query at 3.0 is 2 from every known point: all its exps are exactly 0 at width 0.05, none at width 0.5
    assert np.all(np.exp(scores[1]) == 0) and scores.min() < np.log(np.finfo(np.float64).smallest_subnormal)
    assert tags(s)[0] == "softmax_overflow_no_max_subtraction"
    c = cause(s, "softmax_overflow_no_max_subtraction")
    assert "0/0" in c.evidence["operation"] and c.evidence["underflow"] == pytest.approx(scores.min())
    assert any("scores.max(axis=-1, keepdims=True)" in f.after for f in c.fixes)


def test_exps_divided_by_a_sum_taken_on_the_line_before_underflow_to_0_over_0(tmp_path):
    # the same weights normalised in two statements: the divisor is a name whose statement sums the exps
    src = KERNEL_WEIGHTS.replace("    weights = weights / weights.sum(axis=1, keepdims=True)\n",
                                 "    total = np.sum(weights, axis=1, keepdims=True)\n    weights = weights / total\n")
    assert "weights / total" in src
    s = trace_source(tmp_path, src)
    scores = -((np.array([0.5, 3.0, 4.8])[:, None] - np.array([0.0, 1.0, 5.0])[None, :]) ** 2) / (2 * 0.05 ** 2)
    assert np.all(np.exp(scores[1]) == 0)  # the replay: a row of exps all exactly 0
    assert tags(s)[0] == "softmax_overflow_no_max_subtraction"
    c = cause(s, "softmax_overflow_no_max_subtraction")
    assert "0/0" in c.evidence["operation"] and c.evidence["underflow"] == pytest.approx(scores.min())


def test_softmax_shifted_by_its_max_does_not_underflow(tmp_path):
    s = trace_source(tmp_path, KERNEL_WEIGHTS, "train(shift=True)")
    assert s.first_nonfinite is None
    assert "softmax_overflow_no_max_subtraction" not in tags(s)


# -- wrong_loss_for_activation --------------------------------------------------------------------

TANH_BCE = """
import numpy as np

def train(output="tanh"):
    X = np.array([[1.0, 0.5], [0.5, 1.0], [-1.0, -0.5], [-0.5, -1.0]])
    y = np.array([1.0, 1.0, 0.0, 0.0])
    w = np.array([0.5, 0.5])
    for i in range(3):
        z = X @ w
        a = np.tanh(z) if output == "tanh" else 1 / (1 + np.exp(-z))
        loss = -np.mean(y * np.log(a) + (1 - y) * np.log(1 - a))
        w = w - 0.1 * X.T @ (a - y) / len(y)
"""


def test_tanh_output_under_a_log_loss(tmp_path):
    s = trace_source(tmp_path, TANH_BCE)
    a0 = np.tanh(np.array([[1.0, 0.5], [0.5, 1.0], [-1.0, -0.5], [-0.5, -1.0]]) @ np.array([0.5, 0.5]))
    assert tags(s)[0] == "wrong_loss_for_activation"
    c = cause(s, "wrong_loss_for_activation")
    assert c.evidence["output_min"] == pytest.approx(float(a0.min()), rel=1e-5)
    assert "log_of_zero" not in tags(s)


def test_tanh_output_handed_to_a_loss_that_adds_an_epsilon_under_its_log(tmp_path):
    """`bce(out, y)` with `np.log(out + 1e-8)`: the epsilon guards log(0), not the tanh's negative outputs."""
    from conftest import analysed_session

    src = """
        import numpy as np
        X = np.array([[1.0, 0.5], [0.5, 1.0], [-1.0, -0.5], [-0.5, -1.0]])
        y = np.array([1.0, 1.0, 0.0, 0.0])
        w = np.array([0.5, 0.5])


        def bce(out, target):
            return -np.mean(target * np.log(out + 1e-8) + (1 - target) * np.log(1 - out + 1e-8))


        for i in range(3):
            out = np.tanh(X @ w)
            loss = bce(out, y)
            w = w - 0.1 * X.T @ (out - y) / len(y)
    """
    s = analysed_session(tmp_path, src)
    c = cause(s, "wrong_loss_for_activation")
    a0 = np.tanh(np.array([[1.0, 0.5], [0.5, 1.0], [-1.0, -0.5], [-0.5, -1.0]]) @ np.array([0.5, 0.5]))
    assert c.evidence["output_min"] == pytest.approx(float(a0.min()), rel=1e-5)
    assert (c.evidence["output"], c.evidence["activation"]) == ("out", "tanh")


def test_a_linear_output_under_a_log_loss_guarded_by_a_named_epsilon(tmp_path):
    """`np.log(p + eps)` with `eps = 1e-9` a variable, and the loss's own gradient dividing by `p * (1 - p)`: the
    log's argument is measured negative (the epsilon's recorded value shifts the range), and the division by
    p * (1 - p) of that output is the same mismatch, no derivative fed the pre-activation."""
    from conftest import analysed_session

    src = """
        import numpy as np
        X = np.array([[1.0, 0.5], [0.5, 1.0], [-1.0, -0.5], [-0.5, -1.0]])
        y = np.array([1.0, 1.0, 0.0, 0.0])
        w = np.array([0.5, 0.5])


        class BCELoss:
            def forward(self, p, t):
                self.p, self.t = p, t
                eps = 1e-9
                return -np.mean(t * np.log(p + eps) + (1 - t) * np.log(1 - p + eps))

            def backward(self):
                eps = 1e-9
                return (self.p - self.t) / (self.p * (1 - self.p) + eps) / len(self.p)


        crit = BCELoss()
        for i in range(3):
            p = X @ w
            loss = crit.forward(p, y)
            grad = crit.backward()
            w = w - 0.1 * X.T @ grad
    """
    s = analysed_session(tmp_path, src)
    p0 = np.array([[1.0, 0.5], [0.5, 1.0], [-1.0, -0.5], [-0.5, -1.0]]) @ np.array([0.5, 0.5])
    assert s.first_nonfinite.operation == "log(<0)"
    c = cause(s, "wrong_loss_for_activation")
    assert c.evidence["output_min"] == pytest.approx(float(p0.min()), rel=1e-9)
    assert tags(s)[0] == "wrong_loss_for_activation" and "derivative_on_preactivation" not in tags(s)


def test_sigmoid_output_under_a_log_loss_is_fine(tmp_path):
    s = trace_source(tmp_path, TANH_BCE, "train(output='sigmoid')")
    assert s.first_nonfinite is None and "wrong_loss_for_activation" not in tags(s)


# -- nan_in_input_data (flow-sensitive) -----------------------------------------------------------

MISSING = """
import numpy as np

def train():
    rng = np.random.default_rng(1)
    table = rng.normal(size=(20, 2))
    table[[3, 11], 1] = np.nan
    y = (table[:, 0] > 0).astype(float)
    X = (table - np.nanmean(table, axis=0)) / np.nanstd(table, axis=0)
    w = np.zeros(2)
    for i in range(5):
        p = 1 / (1 + np.exp(-(X @ w)))
        w = w - 0.5 * X.T @ (p - y) / len(y)
"""
# The same table, with the missing readings imputed (the name X rebound) before the model reads it.
IMPUTED = MISSING.replace("    w = np.zeros(2)\n", "    X = np.where(np.isnan(X), 0.0, X)\n    w = np.zeros(2)\n")


def test_nan_that_reaches_the_model(tmp_path):
    s = trace_source(tmp_path, MISSING)
    assert tags(s)[0] == "nan_in_input_data"
    c = cause(s, "nan_in_input_data")
    assert c.evidence["n_nan"] == 2 and c.evidence["data"] == "X"
    assert not MECHANISMS - {"nan_in_input_data"} & set(tags(s))


def test_nan_imputed_before_the_model_reads_it(tmp_path):
    s = trace_source(tmp_path, IMPUTED)
    assert "nan_in_input_data" not in tags(s)
    assert checks(s, "nan_in_input_data")["nonfinite_reaches_model"].status == R.FAILS
    assert not [f for f in s.findings if f.severity == "error"], [f.message for f in s.findings]


def test_nan_in_data_without_a_model_is_not_checked(tmp_path):
    src = """
    import numpy as np

    def summarize():
        table = np.array([[1.0, 2.0], [np.nan, 4.0], [5.0, 6.0]])
        for k in range(3):
            centred = table[k] - table.mean(axis=0)
            print(centred)
    """
    s = trace_source(tmp_path, src, "summarize()")
    got = checks(s, "nan_in_input_data")
    assert got["data_nonfinite"].status == R.HOLDS
    assert got["nonfinite_reaches_model"].status == R.NOT_CHECKED
    assert "nan_in_input_data" not in tags(s)


# -- output_saturation_margin ---------------------------------------------------------------------

MARGIN = """
import numpy as np

def train(scale=14.0, simplified=False):
    X = np.array([[2.0, 0.3], [1.8, 0.4], [-2.0, -0.3], [-1.9, -0.2]])
    y = np.array([1.0, 1.0, 0.0, 0.0])
    w = np.array([scale, 0.0])
    for i in range(4):
        a = 1 / (1 + np.exp(-(X @ w)))
        if simplified:
            grad_out = a - y
        else:
            grad_out = (-y / a + (1 - y) / (1 - a)) * a * (1 - a)
        w = w - 1e-6 * X.T @ grad_out
"""


def test_outputs_a_rounding_away_from_one(tmp_path):
    s = trace_source(tmp_path, MARGIN)
    X = np.array([[2.0, 0.3], [1.8, 0.4], [-2.0, -0.3], [-1.9, -0.2]])
    a = 1 / (1 + np.exp(-(X @ np.array([14.0, 0.0]))))
    gap = 1.0 - float(a.max())
    assert 0 < gap < 1e-8  # finite, yet more than half of float64's digits gone
    assert s.first_nonfinite is None
    assert "output_saturation_margin" in tags(s)
    c = cause(s, "output_saturation_margin")
    assert c.evidence["gap"] == pytest.approx(gap, rel=1e-3)
    assert c.evidence["use"] == "division" and "(1 - y) / (1 - a)" in c.summary.replace("(1 - y)/(1 - a)",
                                                                                       "(1 - y) / (1 - a)") or \
        c.evidence["expression"] == "1 - a"
    assert any("a - y" in f.after for f in c.fixes)


def test_margin_without_a_fragile_expression(tmp_path):
    s = trace_source(tmp_path, MARGIN, "train(simplified=True)")
    assert "output_saturation_margin" not in tags(s)


def test_margin_fails_on_a_comfortable_output(tmp_path):
    s = trace_source(tmp_path, MARGIN, "train(scale=2.0)")
    assert "output_saturation_margin" not in tags(s)
    assert checks(s, "output_saturation_margin")["output_near_one"].status == R.FAILS


LOGGED_MARGIN = """
import numpy as np

def train(guard="eps"):
    X = np.array([[2.0, 0.3], [1.8, 0.4], [-2.0, -0.3], [-1.9, -0.2]])
    y = np.array([1.0, 1.0, 0.0, 0.0])
    w = np.array([17.0, 0.0])
    for i in range(4):
        a = 1 / (1 + np.exp(-(X @ w)))
        eps = 1e-12
        loss = -np.mean(y * np.log(a) + (1 - y) * np.log(1 - a + GUARD))
        w = w - 1e-6 * X.T @ (a - y)
"""


@pytest.mark.parametrize("guard, raised", [("eps", False), ("0.0", True)])
def test_an_epsilon_kept_in_a_variable_guards_the_log(tmp_path, guard, raised):
    s = trace_source(tmp_path, LOGGED_MARGIN.replace("GUARD", guard))
    X = np.array([[2.0, 0.3], [1.8, 0.4], [-2.0, -0.3], [-1.9, -0.2]])
    a = 1 / (1 + np.exp(-(X @ np.array([17.0, 0.0]))))
    assert 0 < 1.0 - float(a.max()) < 1e-14  # a few roundings from 1.0: `1 - a` keeps one or two digits
    assert s.first_nonfinite is None
    unguarded = checks(s, "output_saturation_margin")["unguarded"]
    assert (unguarded.status == R.HOLDS) == raised
    if not raised:
        assert unguarded.numbers["epsilon"] == 1e-12 and "output_saturation_margin" not in tags(s)


CLASS_EPSILON_MARGIN = """
import numpy as np

class Loss:
    eps = 1e-9

    def backward(self, a, y):
        return (a - y) / (a * (1 - a) + self.eps)

class Step:
    def __init__(self):
        self.eps = 1e-4

    def apply(self, w, g):
        return w - 1e-6 * g / (np.abs(g) + self.eps)

def train():
    X = np.array([[2.0, 0.3], [1.8, 0.4], [-2.0, -0.3], [-1.9, -0.2]])
    y = np.array([1.0, 1.0, 0.0, 0.0])
    w = np.array([14.0, 0.0])
    loss, step = Loss(), Step()
    for i in range(4):
        a = 1 / (1 + np.exp(-(X @ w)))
        g = loss.backward(a, y) * a * (1 - a)
        w = step.apply(w, X.T @ g)
"""


def test_an_epsilon_kept_on_the_class_guards_the_divisor(tmp_path):
    s = trace_source(tmp_path, CLASS_EPSILON_MARGIN)
    X = np.array([[2.0, 0.3], [1.8, 0.4], [-2.0, -0.3], [-1.9, -0.2]])
    a = 1 / (1 + np.exp(-(X @ np.array([14.0, 0.0]))))
    assert 0 < 1.0 - float(a.max()) < 1e-8  # the replay: most digits of `1 - a` gone
    c = checks(s, "output_saturation_margin")
    assert c["fragile_expression"].status == R.HOLDS
    # the class's own epsilon, not the other class's attribute of the same name
    assert c["unguarded"].status == R.FAILS and c["unguarded"].numbers["epsilon"] == 1e-9
    assert "output_saturation_margin" not in tags(s)


# -- a mechanism pushed by an upstream cause ------------------------------------------------------

def _demo_replay(iterations):
    """The founding net in plain numpy: (update ratio of w_ij per step, first step with a non-finite output)."""
    np.random.seed(1)
    w_ij = 2 * np.random.rand(3, 4) - 1
    w_jk = 2 * np.random.rand(4, 1) - 1
    x = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [0, 1, 0], [1, 0, 0], [1, 1, 1], [0, 0, 0]])
    y = np.array([[0, 1, 1, 1, 1, 0, 0]]).T
    ratios, first_bad = [], None
    with np.errstate(all="ignore"):
        for i in range(iterations):
            z_ij = x @ w_ij
            a_ij = np.where(z_ij > 0, z_ij, 0.01 * z_ij)
            a_jk = 1 / (1 + np.exp(-(a_ij @ w_jk)))
            dl_jk = -y / a_jk + (1 - y) / (1 - a_jk)
            da_jk = a_jk * (1 - a_jk)
            da_ij = np.where(z_ij > 0, 1.0, 0.01)
            g_ij = x.T @ ((da_jk * dl_jk) @ w_jk.T * da_ij)
            g_jk = a_ij.T @ (dl_jk * da_jk)
            if first_bad is None and not np.isfinite(dl_jk).all():
                first_bad = i
            ratios.append(np.linalg.norm(g_ij) / np.linalg.norm(w_ij))
            w_ij, w_jk = w_ij - g_ij, w_jk - g_jk
    return np.array(ratios), first_bad


def test_a_pushed_mechanism_ranks_below_the_upstream_cause(tmp_path):
    from pathlib import Path

    demo = Path(nandoctor.__file__).parent / "demo" / "net341.py"
    s = trace_source(tmp_path, demo.read_text(),
                     "Net341().train(np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [0, 1, 0], [1, 0, 0], [1, 1, 1], "
                     "[0, 0, 0]]), np.array([[0, 1, 1, 1, 1, 0, 0]]).T, 1, 260)")
    ratios, first_bad = _demo_replay(260)
    order = tags(s)
    assert order[0] == "learning_rate_too_high"
    mech = cause(s, "sigmoid_saturation_bce_0over0")
    spike = mech.evidence["unstable_from"]
    # the step named as unstable is, in the replay, an update 100 times its 50 predecessors, before the 0/0
    assert mech.evidence["step"] == first_bad and spike < first_bad
    assert ratios[spike] > 100 * np.median(ratios[spike - 50:spike])
    assert order.index("sigmoid_saturation_bce_0over0") > order.index("learning_rate_too_high")
    assert "already unstable" in mech.summary


# -- a guard already in the code ------------------------------------------------------------------

CLIPPED_FLOAT32 = """
import numpy as np

def train():
    X = np.array([[2.0, 1.0], [1.0, 2.0], [-2.0, -1.0], [-1.0, -2.0]], dtype=np.float32)
    y = np.array([1.0, 1.0, 0.0, 0.0], dtype=np.float32)
    w = np.array([9.0, 9.0], dtype=np.float32)
    for i in range(3):
        p = 1 / (1 + np.exp(-(X @ w)))
        p = np.clip(p, 1e-8, 1 - 1e-8)
        loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
        w = w - np.float32(0.01) * X.T @ (p - y)
"""


def test_a_clip_bound_that_rounds_to_one_is_named(tmp_path):
    s = trace_source(tmp_path, CLIPPED_FLOAT32)
    assert float(np.clip(np.float32(1.0), 1e-8, 1 - 1e-8)) == 1.0  # the bound is 1.0 in float32
    c = cause(s, "log_of_zero")
    assert c.evidence["clip_upper_in_dtype"] == 1.0 and "rounds to exactly 1.0" in c.summary
    assert c.fixes[0].after.endswith("np.clip(p, 1e-8, 1 - 1e-06)")
    assert float(np.float32(1 - 1e-6)) < 1.0  # the proposed bound survives in float32


SOFTPLUS_BCE = """
import numpy as np

def train(output="softplus"):
    X = np.array([[2.0, 1.0], [1.0, 2.0], [-1.0, -0.5], [-0.5, -1.0]])
    y = np.array([1.0, 1.0, 0.0, 0.0])
    w = np.array([0.5, 0.5])
    for i in range(3):
        z = X @ w
        p = np.log1p(np.exp(z)) if output == "softplus" else 1 / (1 + np.exp(-z))
        loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1.0 - p))
        w = w - 0.1 * X.T @ (p - y) / len(y)
"""


def test_softplus_output_above_one_under_log_one_minus(tmp_path):
    # log(1 - p) fails once p passes 1: the rule measures p's maximum, not its minimum.
    s = trace_source(tmp_path, SOFTPLUS_BCE)
    p0 = np.log1p(np.exp(np.array([[2.0, 1.0], [1.0, 2.0], [-1.0, -0.5], [-0.5, -1.0]]) @ np.array([0.5, 0.5])))
    assert p0.max() > 1 > p0.min() > 0
    st = checks(s, "wrong_loss_for_activation")
    assert st["output_goes_negative"].status == R.HOLDS
    c = cause(s, "wrong_loss_for_activation")
    assert c.evidence["output_max"] == pytest.approx(float(p0.max()), rel=1e-5)


def test_sigmoid_output_under_log_one_minus_is_fine(tmp_path):
    s = trace_source(tmp_path, SOFTPLUS_BCE, "train(output='sigmoid')")
    assert s.first_nonfinite is None and "wrong_loss_for_activation" not in tags(s)


def trace_script(tmp_path, source: str):
    """Trace a whole script (top-level code included), as `nandoctor run` does."""
    from nandoctor.cli import trace_script as run

    script = tmp_path / "train.py"
    script.write_text(textwrap.dedent(source))
    _, session = run(str(script), [], tmp_path / "out", formats=("json",))
    return session


SENSOR_ROWS = """
import numpy as np
gen = np.random.default_rng(3)
readings = np.vstack([gen.uniform(1200, 4800, 80), gen.uniform(2000, 9000, 80)])
steam = 0.004 * readings[0] + 0.001 * readings[1] + gen.normal(0, 0.3, 80)
{scaling}
coef = np.zeros((1, 2))
offset = 0.0
for sweep in range(40):
    resid = coef @ {fed} + offset - steam
    coef -= 0.05 * (resid @ {fed}.T) / 80
    offset -= 0.05 * resid.mean()
"""


SCALED = "scaled = (readings - readings.mean(axis=1, keepdims=True)) / readings.std(axis=1, keepdims=True)"


def _sensor_rows():
    gen = np.random.default_rng(3)
    return np.vstack([gen.uniform(1200, 4800, 80), gen.uniform(2000, 9000, 80)])


def test_unnormalized_rows_of_a_features_x_samples_table(tmp_path):
    s = trace_script(tmp_path, SENSOR_ROWS.format(scaling="", fed="readings"))
    c = checks(s, "unnormalized_inputs")
    assert {k: v.status for k, v in c.items()} == {"inputs_measured": R.HOLDS, "inputs_large": R.HOLDS,
                                                   "run_troubled": R.HOLDS}
    readings = _sensor_rows()
    # judged on the whole array when its values were not kept, per feature when they were
    n = c["inputs_large"].numbers
    whole = (abs(readings.mean()), readings.std())
    per_feature = (np.abs(readings.mean(axis=1)).max(), readings.std(axis=1).max())
    assert (n["largest_mean"], n["largest_std"]) in (pytest.approx(whole), pytest.approx(per_feature))
    assert tags(s)[0] == "unnormalized_inputs"


def test_standardized_rows_that_reach_the_model_are_not_flagged(tmp_path):
    s = trace_script(tmp_path, SENSOR_ROWS.format(scaling=SCALED, fed="scaled"))
    c = checks(s, "unnormalized_inputs")
    assert c["inputs_large"].status == R.FAILS
    assert "unnormalized_inputs" not in tags(s)


def test_standardized_copy_made_but_the_raw_rows_passed(tmp_path):
    # Flow: a scaled copy exists, but the product reads the raw readings.
    s = trace_script(tmp_path, SENSOR_ROWS.format(scaling=SCALED, fed="readings"))
    c = checks(s, "unnormalized_inputs")
    assert c["inputs_measured"].numbers == {} or "readings" in c["inputs_measured"].why
    assert c["inputs_large"].status == R.HOLDS
    assert "unnormalized_inputs" in tags(s)[:1]


RISK = """
import numpy as np

class Risk:
    def __init__(self):
        self.weights = np.random.RandomState(1).normal(0, 0.01, 3)
        self.shift = 0.0

    def prob(self, table):
        return 1.0 / (1.0 + np.exp(-(table @ self.weights + self.shift)))

    def train(self, table, sick):
        for r in range(60):
            p = self.prob(table)
            delta = (p - sick) * p * (1 - p)
            self.weights = self.weights - 0.5 * table.T @ delta / len(sick)
            self.shift = self.shift - 0.5 * delta.mean()

src = np.random.RandomState(8)
table = np.column_stack([src.normal(220, 40, 200), src.normal(130, 18, 200), src.normal(150, 22, 200)])
sick = (table[:, 0] - 220 + 0.5 * (table[:, 1] - 130) > 0).astype(float)
ready = (table - table.mean(axis=0)) / table.std(axis=0)
Risk().train({fed}, sick)
"""


def _replay_risk():
    """The share of sigmoid outputs within 1e-4 of 0 or 1 in the last of RISK's steps on the raw table."""
    src = np.random.RandomState(8)
    table = np.column_stack([src.normal(220, 40, 200), src.normal(130, 18, 200), src.normal(150, 22, 200)])
    sick = (table[:, 0] - 220 + 0.5 * (table[:, 1] - 130) > 0).astype(float)
    w, b = np.random.RandomState(1).normal(0, 0.01, 3), 0.0
    with np.errstate(all="ignore"):
        for _ in range(60):
            p = 1.0 / (1.0 + np.exp(-(table @ w + b)))
            delta = (p - sick) * p * (1 - p)
            w = w - 0.5 * table.T @ delta / len(sick)
            b = b - 0.5 * delta.mean()
    return float(np.mean((p < 1e-4) | (p > 1 - 1e-4)))


def test_unnormalized_inputs_that_pin_the_sigmoid(tmp_path):
    # No NaN and no loss variable: the stall is measured on the sigmoid that reads the raw table.
    s = trace_script(tmp_path, RISK.format(fed="table"))
    c = checks(s, "unnormalized_inputs")
    share = _replay_risk()
    assert share >= 0.5
    assert c["run_troubled"].status == R.HOLDS
    from nandoctor.analysis.causes.unnormalized_inputs import saturated_reader

    pinned = saturated_reader(facts(s), c["inputs_large"].numbers["site"], 0.5)
    assert pinned is not None and pinned["share"] == pytest.approx(share)
    assert tags(s)[0] == "unnormalized_inputs"
    # the small start is not blamed for a sigmoid pinned at its bounds
    assert c and checks(s, "weights_init_too_small")["training_stalls"].status == R.FAILS


def test_the_standardized_table_passed_to_the_model(tmp_path):
    s = trace_script(tmp_path, RISK.format(fed="ready"))
    assert checks(s, "unnormalized_inputs")["inputs_large"].status == R.FAILS
    assert tags(s) == []


ZSCORE = """
import numpy as np
rec = np.random.RandomState(17)
channels = rec.normal([4.0, 12.0, 7.5], [1.0, 3.0, 2.0], (120, 3))
channels[:, 2] = 7.5
fault = (channels[:, 0] > 4.0).astype(float)
spread = channels.std(axis=0)
{guard}
zs = (channels - channels.mean(axis=0)) / spread
coef = np.zeros(3)
for rnd in range(20):
    prob = 1 / (1 + np.exp(-(zs @ coef)))
    coef -= 0.5 * zs.T @ (prob - fault) / 120
"""


def test_a_zero_spread_in_a_zscore_is_a_division_by_zero(tmp_path):
    s = trace_script(tmp_path, ZSCORE.format(guard=""))
    rec = np.random.RandomState(17)
    channels = rec.normal([4.0, 12.0, 7.5], [1.0, 3.0, 2.0], (120, 3))
    channels[:, 2] = 7.5
    assert (channels.std(axis=0) == 0).sum() == 1  # the constant column's spread is exactly zero
    c = checks(s, "division_by_zero")
    assert c["divides_by_zero"].status == R.HOLDS and c["divides_by_zero"].numbers["operation"] == "0/0"
    assert tags(s)[0] == "division_by_zero"
    # the data as made was finite: the NaN is the division's, not the data's
    assert "nan_in_input_data" not in tags(s)


def test_a_guarded_zscore_raises_nothing(tmp_path):
    s = trace_script(tmp_path, ZSCORE.format(guard="spread[spread == 0] = 1.0"))
    assert tags(s) == []


def test_nan_loaded_with_the_data_stays_the_datas():
    from nandoctor.analysis.causes._numeric import zero_division

    class Nothing:
        parent_map: dict = {}
        by_id: dict = {}

    # no site for the failing statement: no operand can be read, nothing is inferred
    assert zero_division(Nothing(), {"site": None, "step": -1, "expression": "a / b"}) is None


def test_only_indexes():
    from nandoctor.detectors.facts import _only_indexes

    assert _only_indexes("d = 2 * (out - goal[idx]) * out / len(idx)", "idx", {"goal", "idx"})
    assert not _only_indexes("d = 2 * (out - goal[idx]) * out", "goal", {"goal", "idx"})
    assert not _only_indexes("loss = probs[np.arange(n), y]", "y", {"y"})  # probs is not data
    assert not _only_indexes("d = x[idx] + idx", "idx", {"x", "idx"})


def test_target_names_are_not_every_name_starting_with_t_or_y():
    from nandoctor.detectors.facts import _TARGET_HINT

    for name in ("y", "t", "y_train", "yb", "y_batch", "t2", "targets", "labels_onehot", "ytrain", "Y"):
        assert _TARGET_HINT.match(name), name
    for name in ("table", "theta", "tokens", "temps", "yhat"):
        assert not _TARGET_HINT.match(name), name


TARGET_INDEX = """
import numpy as np
rand = np.random.default_rng(19)
inputs = rand.normal(0, 1, (200, 2))
goal = 100 / (1 + np.exp(-(inputs[:, 0] + inputs[:, 1])))
net = {"A": rand.normal(0, 0.7, (2, 1)), "a": np.zeros(1)}
for epoch in range(5):
    order = rand.permutation(200)
    for k in range(0, 200, 25):
        idx = order[k:k + 25]
        out = 1 / (1 + np.exp(-(inputs[idx] @ net["A"] + net["a"])))[:, 0]
        d_out = (out - goal[idx]) * out * (1 - out) / len(idx)
        net["A"] -= 0.5 * inputs[idx].T @ d_out[:, None]
        net["a"] -= 0.5 * d_out.sum(keepdims=True)
"""


def test_targets_picked_by_an_index_are_outside_a_sigmoid(tmp_path):
    s = trace_script(tmp_path, TARGET_INDEX)
    c = checks(s, "targets_outside_activation_range")
    assert "goal" in c["targets_measured"].why
    rand = np.random.default_rng(19)
    inputs = rand.normal(0, 1, (200, 2))
    goal = 100 / (1 + np.exp(-(inputs[:, 0] + inputs[:, 1])))
    assert c["bounded_output"].status == R.HOLDS, c["bounded_output"].why
    assert c["targets_outside"].numbers["target_max"] == pytest.approx(goal.max())
    assert tags(s)[0] == "targets_outside_activation_range"


# -- a division too large to replay, judged from what its statement can compute ---------------------

ZSCORE_TABLE = """
import numpy as np

def train(guard=False):
    rng = np.random.default_rng(7)
    raw = np.column_stack([rng.normal(50, 10, 400), rng.normal(3, 1, 400), np.full(400, 2.5)])
    spread = raw.std(axis=0)
    if guard:
        spread[spread == 0.0] = 1.0
    feats = (raw - raw.mean(axis=0)) / {divisor}
    goal = feats[:, 0] - feats[:, 1]
    w = np.zeros(3)
    for step in range(20):
        w = w - 0.1 * feats.T @ (feats @ w - goal) / 400
"""


def test_an_unreplayed_zscore_over_a_constant_column_is_a_zero_division(tmp_path):
    s = trace_source(tmp_path, ZSCORE_TABLE.format(divisor="raw.std(axis=0)"))
    # replay: the third column is constant, its spread exactly 0, so (2.5 - 2.5) / 0 is 0/0
    rng = np.random.default_rng(7)
    raw = np.column_stack([rng.normal(50, 10, 400), rng.normal(3, 1, 400), np.full(400, 2.5)])
    assert raw.std(axis=0)[2] == 0.0 and raw.size > 1000
    assert tags(s)[0] == "division_by_zero"
    assert cause(s, "division_by_zero").evidence["operation"] == "0/0"
    assert not _numeric.only_division_can_fail(compile("np.log(a) / b", "<e>", "eval", 0x400))
    assert _numeric.only_division_can_fail(compile("a / np.sqrt(np.sum(a * a))", "<e>", "eval", 0x400))
    assert not _numeric.only_division_can_fail(compile("a / np.sqrt(b - c)", "<e>", "eval", 0x400))


def test_a_guarded_zscore_raises_no_zero_division(tmp_path):
    s = trace_source(tmp_path, ZSCORE_TABLE.format(divisor="spread"), "train(guard=True)")
    assert s.first_nonfinite is None and "division_by_zero" not in tags(s)


# -- division_by_zero on an empty batch ---------------------------------------------------------------

EMPTY_BATCH = """
import numpy as np

def backward(layers, probs, targets):
    m = len(targets)
    delta = probs - targets
    for layer in layers:
        layer["dW"] = layer["inp"].T @ delta / m
        layer["db"] = delta.sum(axis=0) / m

def forward(layers, h):
    for layer in layers:
        layer["inp"] = h
        h = 1 / (1 + np.exp(-(h @ layer["W"] + layer["b"])))
    return h

def train(epochs=3, extra=1):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    Y = (X @ np.array([[1.0], [-1.0], [0.5]]) > 0).astype(float)
    layers = [{"W": rng.normal(0.0, 0.3, (3, 1)), "b": np.zeros(1)}]
    for epoch in range(epochs):
        for b in range(len(X) // 10 + extra):
            xb, yb = X[b * 10:(b + 1) * 10], Y[b * 10:(b + 1) * 10]
            probs = forward(layers, xb)
            backward(layers, probs, yb)
            layers[0]["W"] = layers[0]["W"] - 0.5 * layers[0]["dW"]
            layers[0]["b"] = layers[0]["b"] - 0.5 * layers[0]["db"]
    return layers
"""


def _plain_empty_batch(src: str, extra: int):
    env: dict = {}
    exec(compile(textwrap.dedent(src), "prog", "exec"), env)
    with np.errstate(all="ignore"):
        return env["train"](extra=extra)


def test_a_count_of_rows_that_is_zero_is_replayed_as_0_over_0_and_floored_at_its_binding(tmp_path):
    # replayed here: the batch past the data has no rows, so its gradient is zeros divided by a count of 0
    assert np.isnan(_plain_empty_batch(EMPTY_BATCH, 1)[0]["W"]).all()
    assert np.isfinite(_plain_empty_batch(EMPTY_BATCH, 0)[0]["W"]).all()
    session = trace_source(tmp_path, EMPTY_BATCH)
    fn = session.first_nonfinite
    assert fn.operation == "0/0" and fn.expression == 'layer["inp"].T @ delta / m'
    found = cause(session, "division_by_zero")
    fix = found.fixes[0]
    assert (fix.before.strip(), fix.after.strip()) == ("m = len(targets)", "m = max(len(targets), 1)")
    floored = EMPTY_BATCH.replace("m = len(targets)", "m = max(len(targets), 1)")
    assert np.isfinite(_plain_empty_batch(floored, 1)[0]["W"]).all()  # the fix, run plain, stays finite


# -- nan_in_input_data with no training loop -----------------------------------------------------------------------

def test_a_nan_in_the_data_of_a_closed_form_fit_reaches_its_result(tmp_path):
    from conftest import analysed_session, untraced

    src = """
        import numpy as np
        rows = [[94, 3, 1228.0], [31, 2, 676.0], [38, 1, None], [84, 2, 1102.0], [47, 3, 773.0], [62, 2, 874.0]]
        table = np.array(rows, dtype=float)
        X = np.hstack([np.ones((len(table), 1)), table[:, :2]])
        y = table[:, 2]
        theta = np.linalg.inv(X.T @ X) @ X.T @ y
        pred = X @ theta
    """
    assert np.isnan(untraced(src)["theta"]).all()  # replayed: the one missing rent reaches every coefficient
    s = analysed_session(tmp_path, src)
    found = cause(s, "nan_in_input_data")
    assert found.evidence["data"] == "table" and found.evidence["n_nan"] == 1
    assert checks(s, "nan_in_input_data")["nonfinite_reaches_model"].status == R.HOLDS
    clean = src.replace("[38, 1, None], ", "")
    assert "nan_in_input_data" not in tags(analysed_session(tmp_path, clean, "clean"))


def test_a_division_by_a_count_of_selected_rows_that_reached_zero(tmp_path):
    """`count = inside.sum()` is 0 once no row is inside the margin: `... / count` is 0/0, located from the count's
    recorded statistics when the selected arrays were too large to keep; the fix floors the count where it is made."""
    from conftest import analysed_session, untraced

    src = """
        import numpy as np
        rng = np.random.default_rng(31)
        pts = rng.normal(size=(600, 2)) * 2
        pts = pts[np.abs(pts[:, 0] - pts[:, 1]) > 1.0]
        side = np.where(pts[:, 0] > pts[:, 1], 1.0, -1.0)
        w = np.zeros(2)
        for r in range(40):
            m = side * (pts @ w)
            inside = m < 1.0
            count = inside.sum()
            g = -(side[inside] @ pts[inside]) / count
            w = w - 0.5 * g
    """
    ns = untraced(src)
    assert np.isnan(ns["w"]).all() and ns["count"] == 0  # replayed: the margin empties, then 0/0
    s = analysed_session(tmp_path, src)
    fn = s.first_nonfinite
    assert fn.operation == "0/0" and fn.expression == "-(side[inside] @ pts[inside]) / count"
    fix = cause(s, "division_by_zero").fixes[0]
    assert (fix.before.strip(), fix.after.strip()) == ("count = inside.sum()", "count = max(inside.sum(), 1)")
    assert np.isfinite(untraced(src.replace("count = inside.sum()", "count = max(inside.sum(), 1)"))["w"]).all()



# A softmax classifier fed raw features in the hundreds, its loss computed by a loss object (`loss = loss_fn(yb,
# prob)`, the log inside its __call__): the loss falls a long way from its huge start, but ends above ln K, no
# better than a uniform guess over the K classes.
RAW_CLASSES = """
import numpy as np
rng = np.random.default_rng(5)
centers = rng.normal(size=(4, 6)) * 40 + 120
labels = rng.integers(0, 4, size=400)
X = centers[labels] + rng.normal(size=(400, 6)) * 60
Y = np.eye(4)[labels]


class CrossEntropy:
    def __call__(self, target, prob):
        return -np.sum(target * np.log(np.clip(prob, 1e-12, 1.0))) / len(target)


W = rng.normal(size=(6, 4)) * 0.1
b = np.zeros(4)
loss_fn = CrossEntropy()
for epoch in range(60):
    for start in range(0, 400, 50):
        xb, yb = X[start:start + 50], Y[start:start + 50]
        z = xb @ W + b
        e = np.exp(z - z.max(axis=1, keepdims=True))
        prob = e / e.sum(axis=1, keepdims=True)
        loss = loss_fn(yb, prob)
        g = (prob - yb) / len(xb)
        W -= 0.0002 * xb.T @ g
        b -= 0.0002 * g.sum(axis=0)
"""


def _replay_raw_classes(src):
    scope = {}
    exec(src, scope)
    return scope


def test_raw_inputs_leave_a_cross_entropy_no_better_than_a_guess(tmp_path):
    s = trace_script(tmp_path, RAW_CLASSES)
    c = checks(s, "unnormalized_inputs")
    assert c["inputs_large"].status == R.HOLDS
    assert c["run_troubled"].status == R.HOLDS and "no better than a guess" in c["run_troubled"].why
    assert "ln 4" in c["run_troubled"].why
    final = _replay_raw_classes(RAW_CLASSES)["loss"]
    assert final > np.log(4)  # the plain run's last minibatch loss, above a guess too
    assert "unnormalized_inputs" in tags(s)[:3]
    scaled = RAW_CLASSES.replace("X = centers[labels] + rng.normal(size=(400, 6)) * 60",
                                 "X = (centers[labels] + rng.normal(size=(400, 6)) * 60 - 120) / 60")
    (tmp_path / "scaled").mkdir()
    s = trace_script(tmp_path / "scaled", scaled)
    assert checks(s, "unnormalized_inputs")["inputs_large"].status == R.FAILS
