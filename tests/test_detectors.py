"""Detectors and causes on the founding case, its answer variant and the demo, against an
independent plain-numpy replay of the same network."""

from __future__ import annotations

import math

import numpy as np
import pytest

from conftest import SEED, SEED_LINE_0OVER0


def replay(init_scale: float, lr: float, iterations: int, keep_from: int = 0, keep_to: int = 300):
    """The 3-4-1 net of the founding case in plain numpy, with no nandoctor involved.

    Returns per-step update/weight ratios of w_ij, the z_jk and a_jk of kept steps, and the final a_jk.
    """
    rng = np.random.RandomState(1)
    w_ij = (2 * rng.rand(3, 4) - 1) * init_scale
    w_jk = (2 * rng.rand(4, 1) - 1) * init_scale
    x = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [0, 1, 0], [1, 0, 0], [1, 1, 1], [0, 0, 0]])
    y = np.array([[0, 1, 1, 1, 1, 0, 0]]).T
    ratios, z_kept, a_kept = [], {}, {}
    with np.errstate(all="ignore"):
        for i in range(iterations):
            z_ij = x @ w_ij
            a_ij = np.where(z_ij > 0, z_ij, z_ij * 0.01)
            z_jk = a_ij @ w_jk
            a_jk = 1 / (1 + np.exp(-z_jk))
            if keep_from <= i < keep_to:
                z_kept[i], a_kept[i] = z_jk.copy(), a_jk.copy()
            dl_jk = -y / a_jk + (1 - y) / (1 - a_jk)
            da_jk = a_jk * (1 - a_jk)
            dl_ij = (da_jk * dl_jk) @ w_jk.T
            da_ij = np.where(z_ij > 0, 1.0, 0.01)
            g_ij = x.T @ (dl_ij * da_ij)
            g_jk = a_ij.T @ (dl_jk * da_jk)
            ratios.append(np.linalg.norm(lr * g_ij) / np.linalg.norm(w_ij))
            w_ij = w_ij - lr * g_ij
            w_jk = w_jk - lr * g_jk
    return np.array(ratios), z_kept, a_kept, a_jk


@pytest.fixture(scope="module")
def seed_truth():
    return replay(1.0, 1.0, 260)


def _cause(session, tag):
    return next((c for c in session.causes if c.tag == tag), None)


def _source_line(path, line):
    return path.read_text().splitlines()[line - 1]


# -- thresholds ---------------------------------------------------------------------------------------

def test_dtype_limits_match_numpy():
    from nandoctor.detectors.facts import LIMITS

    for name, dt in (("float64", np.float64), ("float32", np.float32)):
        lim = LIMITS[name]
        one = dt(1)
        # just past the limit the sigmoid is exactly 1.0; well below it is not
        assert one / (one + np.exp(-dt(lim.sigmoid_one + 0.01))) == one
        assert one / (one + np.exp(-dt(lim.sigmoid_one - 0.5))) < one
        assert lim.exp_max == pytest.approx(float(np.log(np.finfo(dt).max)), abs=0.01)
    assert LIMITS["float64"].sigmoid_one == pytest.approx(36.74, abs=0.01)
    assert LIMITS["float32"].sigmoid_one == pytest.approx(16.64, abs=0.01)
    assert LIMITS["float64"].exp_max == pytest.approx(709.78, abs=0.01)
    assert LIMITS["float32"].exp_max == pytest.approx(88.72, abs=0.01)


# -- the founding case -------------------------------------------------------------------------------

@pytest.fixture(params=["seed", "demo"])
def founding(request, seed_session, demo_session):
    return seed_session if request.param == "seed" else demo_session


def test_founding_top_three_causes(founding):
    tags = [c.tag for c in founding.causes[:3]]
    assert set(tags) == {"learning_rate_too_high", "missing_bias", "inplace_mutation_aliasing"}, tags
    assert [c.rank for c in founding.causes] == list(range(1, len(founding.causes) + 1))


def test_learning_rate_cause_has_the_step_248_spike(founding, seed_truth):
    ratios, z_kept, a_kept, _ = seed_truth
    c = _cause(founding, "learning_rate_too_high")
    ev = c.evidence
    assert ev["spike_step"] == 248
    assert ev["ratio"] == pytest.approx(ratios[248], rel=1e-4)
    typical = float(np.median(ratios[248 - 50:248]))
    assert ev["typical_ratio"] == pytest.approx(typical, rel=1e-3)
    assert ev["ratio"] > 100 * ev["typical_ratio"]
    assert ev["chained_to"] == "sigmoid_saturation_bce_0over0"
    assert ev["first_nonfinite_step"] == 249


def test_learning_rate_chain_walks_from_the_rate_to_the_0_over_0(founding, seed_truth):
    _, z_kept, a_kept, _ = seed_truth
    chain = founding.causes[0].chain if founding.causes[0].tag == "learning_rate_too_high" else \
        _cause(founding, "learning_rate_too_high").chain
    sites = [link.site for link in chain]
    # root first: the learning rate, the update of the hidden weights, ..., the output, the 0/0
    assert sites[0] == "learning_rate" and chain[0].numbers["learning_rate"] == 1
    upd = next(link for link in chain if link.site == "self.w_ij")
    assert upd.step == 248
    z = next(link for link in chain if link.site == "z_jk")
    assert z.step == 249
    assert z.numbers["max"] == pytest.approx(float(z_kept[249].max()), rel=1e-5)  # stored to 6 digits
    assert z.numbers["max"] >= z.numbers["threshold"] == pytest.approx(36.74, abs=0.01)
    a = next(link for link in chain if link.site == "a_jk")
    exact = int(np.sum(a_kept[249] == 1.0))
    assert exact == 2 and a.numbers["at_bound"] == exact
    assert chain[-1].site == "dl_jk" and chain[-1].step == 249
    assert chain[-1].numbers["operation"] == "0/0"
    assert sorted(tuple(e) for e in chain[-1].numbers["elements"]) == [(2, 0), (4, 0)]
    assert sites.index("learning_rate") < sites.index("self.w_ij") < sites.index("z_jk") < sites.index("a_jk")


def test_fixes_quote_the_users_lines(seed_session):
    c = _cause(seed_session, "learning_rate_too_high")
    simp = next(f for f in c.fixes if "a_jk - y" in f.after)
    assert simp.line == SEED_LINE_0OVER0
    assert simp.before == _source_line(SEED, SEED_LINE_0OVER0).split("#")[0].strip()
    lr = next(f for f in c.fixes if "learning rate" in f.title.lower())
    assert lr.before == _source_line(SEED, lr.line).strip()
    assert "net.train(x, y, 0.1, 10000)" in lr.after
    div = next(f for f in c.fixes if "len(x)" in f.after)
    assert div.before in _source_line(SEED, div.line)
    bias = _cause(seed_session, "missing_bias")
    assert any(f.after.startswith(f.before) and "+ self.b" in f.after for f in bias.fixes)


def test_missing_bias_zero_row_is_exactly_half(seed_session, seed_truth):
    _, _, a_kept, _ = seed_truth
    f = next(f for f in seed_session.findings if f.code == "missing_bias")
    assert f.evidence["row"] == [0.0, 0.0, 0.0]
    truth = {float(a_kept[i][6, 0]) for i in range(250)}
    assert truth == {0.5} and f.evidence["stuck_value"] == 0.5
    assert f.evidence["accuracy_cap"] == pytest.approx(6 / 7)


def test_inplace_mutation_names_the_function_and_the_callers_array(founding):
    func, param = "leaky_relu_grad", "z"
    f = next(f for f in founding.findings if f.code == "inplace_mutation")
    assert func in f.message and "z_ij" in f.message
    assert f.evidence["passed"] == ["z_ij"] and f.evidence["parameter"] == param
    # runtime evidence: the argument on entry held negative values, the same array afterwards only 0.01 and 1
    assert f.evidence["entry_min"] < 0 and f.evidence["after_min"] == pytest.approx(0.01)
    c = _cause(founding, "inplace_mutation_aliasing")
    assert any("z_ij.copy()" in x.after for x in c.fixes)


def test_first_nonfinite_is_the_0_over_0(seed_session):
    f = next(f for f in seed_session.findings if f.code == "first_nonfinite")
    assert f.first_step == 249 and f.line == SEED_LINE_0OVER0
    assert f.evidence["operation"] == "0/0"
    sat = next(f for f in seed_session.findings if f.code == "exact_saturation")
    assert sat.first_step == 249 and sat.evidence["pre_value"] == pytest.approx(66.7281, abs=1e-3)


def test_detectors_are_pure(seed_session, capsys):
    from nandoctor.detectors import detect

    a = detect(seed_session)
    b = detect(seed_session)
    assert a == b
    assert capsys.readouterr() == ("", "")


# -- the answer variant -------------------------------------------------------------------------------

def test_answer_variant_is_near_saturation_without_blow_up(answer_session):
    s = answer_session
    assert s.first_nonfinite is None
    assert not any(f.code == "first_nonfinite" for f in s.findings)
    near = next(f for f in s.findings if f.code == "near_saturation" and f.site == "a_jk")
    # outputs within about 1e-12 of 1.0 at the end: margin and digits lost in 1 - a_jk
    margin = near.evidence["margin_to_one"]
    assert 1e-13 < margin < 1e-10
    assert near.evidence["digits_lost_in_1_minus"] == pytest.approx(-math.log10(margin), abs=0.1)
    assert near.evidence["z_margin"] > 0  # still short of the exact-saturation threshold
    canc = next(f for f in s.findings if f.code == "catastrophic_cancellation")
    assert canc.evidence["digits_lost"] > 10
    tags = [c.tag for c in s.causes]
    assert "missing_bias" in tags
    assert not {"learning_rate_too_high", "exploding_gradient", "gradient_sum_not_mean"} & set(tags)
    assert not [f for f in s.findings if f.code in ("update_spike", "sustained_growth", "weight_divergence")
                and f.severity == "error"]


def test_answer_variant_margin_matches_replay(answer_session):
    """The last step's closest output to 1.0, recomputed in plain numpy (500,000 steps, ~15 s)."""
    *_, a_last = replay(0.1, 0.1, 500_000, keep_to=0)
    near = next(f for f in answer_session.findings if f.code == "near_saturation" and f.site == "a_jk")
    assert near.evidence["margin_to_one"] == pytest.approx(1.0 - float(a_last.max()), rel=1e-6)


# -- the loss, wherever the script computes it ---------------------------------------------------------
def _traced(tmp_path, source: str):
    import textwrap

    from nandoctor.cli import trace_script

    script = tmp_path / "train.py"
    script.write_text(textwrap.dedent(source))
    _, session = trace_script(str(script), [], tmp_path / "out", formats=("json",))
    return session


def _fit(lr: float, epochs: int):
    """Plain replay of the scripts below: least squares on a fixed line, the loss before each update."""
    x = np.linspace(-1.0, 1.0, 20)
    y = 3.0 * x + 1.0
    w, b, losses = 0.0, 0.0, []
    for _ in range(epochs):
        err = w * x + b - y
        losses.append(float(np.mean(err ** 2)))
        w -= lr * float(np.mean(err * x))
        b -= lr * float(np.mean(err))
    return losses, float(np.mean((w * x + b - y) ** 2))


LINE_FIT = """
import numpy as np
x = np.linspace(-1.0, 1.0, 20)
y = 3.0 * x + 1.0
w, b = 0.0, 0.0
{before}
for epoch in range({epochs}):
    err = w * x + b - y
    {inside}
    w -= {lr} * float(np.mean(err * x))
    b -= {lr} * float(np.mean(err))
{after}
"""


def test_a_loss_computed_only_inside_print_is_measured(tmp_path):
    from nandoctor.detectors.facts import facts
    from nandoctor.detectors.optimisation import loss_series

    s = _traced(tmp_path, LINE_FIT.format(before="", epochs=30, lr=0.1, after="",
                                          inside='print(f"epoch {epoch} loss: {np.mean(err ** 2):.4f}")'))
    steps, values, how = loss_series(facts(s))
    want, _ = _fit(0.1, 30)
    assert "printed loss" in how and list(steps) == list(range(30))
    assert values == pytest.approx(want, rel=1e-12)


def test_a_loss_printed_only_four_times_is_the_run_s_progress(tmp_path):
    from nandoctor.detectors.facts import facts
    from nandoctor.detectors.optimisation import loss_progress

    inside = 'if epoch % 10 == 0:\n        print(f"epoch {epoch} loss: {np.mean(err ** 2):.4f}")'
    s = _traced(tmp_path, LINE_FIT.format(before="", epochs=40, lr=0.01, after="", inside=inside))
    progress = loss_progress(facts(s))
    want, _ = _fit(0.01, 40)
    assert progress["steps"] == 4 and "printed loss" in progress["how"]
    assert progress["first"] == pytest.approx(want[0], rel=1e-12) and progress["last"] == pytest.approx(want[30], rel=1e-12)


def test_a_hinge_loss_at_zero_is_no_dead_relu_layer(tmp_path):
    src = """
        import numpy as np
        g = np.random.default_rng(0)
        pts = np.vstack([g.normal(2.5, 0.5, (40, 2)), g.normal(-2.5, 0.5, (40, 2))])
        side = np.r_[np.ones(40), -np.ones(40)]
        w, off = np.zeros(2), 0.0
        def hinge(w, off):
            return np.mean(np.maximum(0.0, 1.0 - side * (pts @ w + off)))
        losses = []
        for r in range(60):
            inside = side * (pts @ w + off) < 1.0
            n = max(inside.sum(), 1)
            w = w + 0.1 * (side[inside] @ pts[inside]) / n
            off = off + 0.1 * side[inside].sum() / n
            losses.append(hinge(w, off))
    """
    s = _traced(tmp_path, src)
    import textwrap
    from conftest import untraced

    assert untraced(textwrap.dedent(src))["losses"][-1] == 0.0  # every point clears the margin: the hinge is 0
    assert "dead_units" not in [f.code for f in s.findings] and "dead_relu" not in [c.tag for c in s.causes]


def test_a_printed_value_without_a_loss_label_is_not_taken_as_the_loss(tmp_path):
    from nandoctor.detectors.facts import facts
    from nandoctor.detectors.optimisation import loss_series

    s = _traced(tmp_path, LINE_FIT.format(before="", epochs=30, lr=0.1, after="",
                                          inside='print(f"epoch {epoch} slope {w:.4f}")'))
    got = loss_series(facts(s))
    assert got is None or "slope" not in got[2]


def test_a_log_likelihood_is_read_with_its_sign_turned(tmp_path):
    from nandoctor.detectors.facts import facts
    from nandoctor.detectors.optimisation import loss_series

    s = _traced(tmp_path, LINE_FIT.format(before="", epochs=30, lr=0.1, after="",
                                          inside="log_likelihood = -float(np.mean(err ** 2))"))
    steps, values, how = loss_series(facts(s))
    want, _ = _fit(0.1, 30)
    assert "sign turned" in how and values == pytest.approx(want, rel=1e-12)


def test_a_loss_computed_only_before_and_after_the_loop_is_two_values(tmp_path):
    from nandoctor.detectors.facts import facts
    from nandoctor.detectors.optimisation import loss_series

    src = """
        import numpy as np
        x = np.linspace(-1.0, 1.0, 20)
        y = 3.0 * x + 1.0
        w, b = 0.0, 0.0
        def cost():
            return float(np.mean((w * x + b - y) ** 2))
        first = cost()
        for epoch in range(30):
            grads = (float(np.mean((w * x + b - y) * x)), float(np.mean(w * x + b - y)))
            w -= 0.01 * grads[0]
            b -= 0.01 * grads[1]
        print(f"final={cost()}")
    """
    s = _traced(tmp_path, src)
    steps, values, how = loss_series(facts(s))
    want, final = _fit(0.01, 30)
    assert "before the training loop and after it" in how
    assert list(steps) == [0, 29] and values == pytest.approx([want[0], final], rel=1e-12)


def test_a_named_loss_that_never_moves_is_measured(tmp_path):
    from nandoctor.detectors.facts import facts
    from nandoctor.detectors.optimisation import loss_series

    s = _traced(tmp_path, LINE_FIT.format(before="", epochs=30, lr=0.0, after="",
                                          inside="loss = float(np.mean(err ** 2))"))
    steps, values, how = loss_series(facts(s))
    want, _ = _fit(0.0, 30)
    assert how.startswith("loss") and values == pytest.approx(want) and len(set(values)) == 1


def test_one_minus_integer_labels_handed_to_a_function_loses_no_digits(tmp_path):
    # `1 - Y` on integer labels exactly 1 (reshaped in the function, so no longer the data itself) is exact; the same
    # `1 - P` on an output within 1e-8 of 1.0 loses digits
    source = """
import numpy as np
X = np.linspace(-3, 3, 40)[None, :]
Y = (X > 0).astype(int)
def loss(P, Y):
    Y = Y.reshape(P.shape)
    return -np.mean(Y * np.log(P) + (1 - Y) * np.log(1 - P))
w = np.array([[4.0]])
for step in range(20):
    P = 1 / (1 + np.exp(-(w @ X) * 2))
    cost = loss(P, Y)
    w -= 1e-3 * (P - Y) @ X.T
"""
    s = _traced(tmp_path, source)
    cancelled = {f.evidence["expression"] for f in s.findings if f.code == "catastrophic_cancellation"}
    assert "1 - Y" not in cancelled
    assert cancelled & {"1 - P"}



# A hidden layer of 100,000 values computed by one statement that already ran several times before the loop: from
# its later runs on, large arrays are screened, and an unscreened row carries no statistics (NaN, no NaN counted).
# Such a row in the first step is unmeasured, not non-finite.
SCREENED_FIRST_STEP = """
import numpy as np
rng = np.random.default_rng(1)
X = rng.normal(size=(2000, 40))
y = np.tanh(X[:, :1])
W1 = rng.normal(size=(40, 50)) * 0.1
W2 = rng.normal(size=(50, 1)) * 0.1


def forward(rows):
    H = np.tanh(rows @ W1)
    return H, H @ W2


for check in range(8):
    forward(X[check:])
for step in range(12):
    H, out = forward(X)
    err = out - y
    gH = err @ W2.T * (1 - H ** 2)
    W2 -= 0.1 * H.T @ err / len(X)
    W1 -= 0.1 * X.T @ gH / len(X)
"""


def test_an_unmeasured_large_array_in_the_first_step_is_not_a_blow_up(tmp_path):
    from nandoctor import columns as C
    from nandoctor.detectors.facts import facts
    from nandoctor.detectors.optimisation import step0_blowup

    s = _traced(tmp_path, SCREENED_FIRST_STEP)
    f = s.table
    first = f[C.STEP] == 0
    assert np.isnan(f[C.ABSMAX][first]).any() and not f.nonfinite()[first].any()  # rows left unmeasured
    got = step0_blowup(facts(s), s)
    assert got is not None and not got["nonfinite"]
    rng = np.random.default_rng(1)
    X = rng.normal(size=(2000, 40))
    W1 = rng.normal(size=(40, 50)) * 0.1
    W2 = rng.normal(size=(50, 1)) * 0.1
    H = np.tanh(X @ W1)
    assert got["peak"] <= max(np.abs(H).max(), np.abs(H @ W2).max(), np.abs(X @ W1).max()) + 1e-12


@pytest.mark.parametrize("name, bias", [("b", True), ("bs", True), ("bh", True), ("bOut", True), ("b_hidden", True),
                                        ("biases", True), ("beta", False), ("batch", False), ("bins", False),
                                        ("best_w", False)])
def test_bias_names_are_offsets_not_any_name_starting_with_b(name, bias):
    # a step measured against a bias's norm says little (it starts at zero); coefficients named beta are weights
    from nandoctor.detectors.optimisation import _BIAS

    assert bool(_BIAS.match(name)) == bias
