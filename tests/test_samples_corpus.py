"""Checks of the sample corpus itself (tests/samples/cases), not of nandoctor.

Every claim in ``expected.json`` is re-measured here in plain, untraced numpy: the exit status, the first
floating-point error (``np.seterr(raise)``), the first non-finite value (a ``sys.settrace`` value scan), the
documented symptom, and that the one documented fix removes it (so each sample carries exactly one defect).
"""

from __future__ import annotations

import math
import re
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

CASES = Path(__file__).resolve().parent / "samples" / "cases"
sys.path.insert(0, str(CASES))
import verify  # noqa: E402

from nandoctor.analysis.rules import load_rules  # noqa: E402

sys.path.remove(str(CASES))

EXPECTED = verify.load_expected()
BY_FILE = {e["file"]: e for e in EXPECTED}
# The cause codes are the declared rules' (nandoctor/analysis/causes/): one module per code.
CAUSE_TAGS = set(load_rules())
LATENT = {"output_saturation_margin"}
FAMILIES = {"linear_svm", "logistic_regression", "softmax_regression", "linear_regression", "mlp_softmax", "mlp", "rnn",
            "net341", "cosine_regression", "scoring", "cnn", "perceptron", "conv1d_regression", "autoencoder",
            "mlp_regression", "random_features", "poisson_regression", "matrix_factorization", "gaussian_mixture", "rbm"}
SYMPTOMS = {"nan", "inf", "no_learning", "poor_accuracy", "slow", "none"}
DEFECTIVE = [e["file"] for e in EXPECTED if not e["healthy"]]
HEALTHY = [e["file"] for e in EXPECTED if e["healthy"]]
WITH_NONFINITE = [e["file"] for e in EXPECTED if e["first_nonfinite"] is not None]

# The claims re-measured in plain runs (several hundred of them) check the test data, not nandoctor: they are
# marked corpus and run when samples change (`pytest tests/test_samples_corpus.py --corpus`); the suite itself
# checks only the declarations.
_cache: dict = {}


@pytest.fixture(scope="module", autouse=True)
def _prewarm(tmp_path_factory, request):
    """Run the plain scripts and their fixed variants two at a time (the machines have 2 cores), when the tests
    that read them run (`--corpus`)."""
    from concurrent.futures import ThreadPoolExecutor

    if not request.config.getoption("--corpus"):
        yield
        return

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(plain, sorted(BY_FILE)))
        list(pool.map(lambda n: fixed(n, tmp_path_factory), DEFECTIVE))
    yield


def plain(name):
    """``python name`` once per session (the scripts are deterministic)."""
    if name not in _cache:
        _cache[name] = verify.run_script(name)
    return _cache[name]


_MKTEMP = threading.Lock()  # tmp_path_factory numbers its folders by listing them: two threads can take one number


def fixed(name, tmp_path_factory):
    key = ("fixed", name)
    if key not in _cache:
        src = verify.fixed_source(name, BY_FILE[name]["fix"])
        with _MKTEMP:
            folder = tmp_path_factory.mktemp("fix")
        _cache[key] = verify.run_source(src, folder, stem=Path(name).stem + "_fixed")
    return _cache[key]


def final_loss(stdout):
    ls = verify.losses(stdout)
    assert ls, f"no loss printed:\n{stdout}"
    return ls[-1]


# --------------------------------------------------------------------------------------------------------------
# the catalogue as a whole


def test_every_sample_is_listed_and_well_formed():
    on_disk = {p.name for p in CASES.glob("*.py")} - {"verify.py"}
    assert on_disk == set(BY_FILE), "expected.json and the .py files disagree"
    assert len(EXPECTED) >= 18
    for e in EXPECTED:
        assert e["family"] in FAMILIES and e["symptom"] in SYMPTOMS, e["file"]
        # A latent defect (outputs a rounding away from exact saturation) has no symptom yet.
        assert e["healthy"] == (e["defect"] is None), e["file"]
        assert (e["symptom"] == "none") == (e["healthy"] or e["defect"] in LATENT), e["file"]
        assert e["defect"] is None or e["defect"] in CAUSE_TAGS, e["file"]
        assert set(e["acceptable_causes"]) <= CAUSE_TAGS
        assert isinstance(e["notes"], str) and re.search(r"\d", e["notes"]), "notes must carry numbers"
        assert (e["fix"] is None) == e["healthy"], e["file"]
        fnf = e["first_nonfinite"]
        if fnf is not None:
            assert set(fnf) == {"line", "expression", "operation"}


def test_every_declared_cause_has_a_broken_sample():
    """Adding a cause is its rule module plus its samples: each declared code has a broken sample here."""
    missing = sorted(CAUSE_TAGS - {e["defect"] for e in EXPECTED if e["defect"]})
    assert not missing, f"declared causes with no sample in tests/samples/cases: {missing}"


def test_coverage_of_families_defects_and_styles():
    assert {e["family"] for e in EXPECTED} == FAMILIES
    assert {e["family"] for e in EXPECTED if e["healthy"]} == FAMILIES, "one healthy twin per family"
    defects = [e["defect"] for e in EXPECTED if e["defect"]]
    assert len(set(defects)) >= 14
    # a defect tag repeats only in another style (the twins written for a cause rule: layout, dtype, loop)
    styled = [(e["defect"], tuple(sorted(e["style"]))) for e in EXPECTED if e["defect"]]
    assert len(styled) == len(set(styled)), "one file per defect tag and style"
    styles = {s for e in EXPECTED for s in e["style"]}
    assert {"class", "functions", "toplevel", "float32", "minibatch", "@", "np.dot"} <= styles
    assert {"seterr", "errstate"} & styles


@pytest.mark.parametrize("name", sorted(BY_FILE))
def test_source_is_standalone_and_carries_no_hint(name):
    src = (CASES / name).read_text()
    low = src.lower()
    assert "random.seed(" in src or "randomstate(" in low or "default_rng(" in low or "random" not in low
    for banned in ("open(", "urllib", "requests", "socket", "np.load(", "loadtxt(", "read_csv", "input("):
        assert banned not in src, f"{name} must not read files or the network ({banned})"
    for word in ("bug", "defect", "wrong", "missing bias", "broken", "fixme", "todo", "mistake"):
        assert word not in low, f"{name} hints at its defect with {word!r}"
    for tag in CAUSE_TAGS:
        assert tag not in low and tag.replace("_", " ") not in low
    assert src.startswith("# "), "sober header comment first"


# --------------------------------------------------------------------------------------------------------------
# each sample: it runs, and its first floating-point error / first non-finite value is where documented


@pytest.mark.corpus
@pytest.mark.parametrize("name", sorted(BY_FILE))
def test_runs_with_documented_exit_status(name):
    e = BY_FILE[name]
    proc = plain(name)
    assert proc.returncode == e["exit_code"], proc.stderr[-2000:]
    assert proc.stdout.strip(), "prints its progress"
    # numpy's own warnings appear exactly when numpy raised a floating-point flag
    assert ("RuntimeWarning" in proc.stderr) == (e["first_fp_error_line"] is not None and e["exit_code"] == 0)


@pytest.mark.corpus
@pytest.mark.parametrize("name", sorted(BY_FILE))
def test_first_floating_point_error_line(name):
    e = BY_FILE[name]
    got = verify.first_fp_error(name)
    if e["first_fp_error_line"] is None:
        assert got == {"raised": False}
    else:
        assert got["raised"] and got["line"] == e["first_fp_error_line"], got


@pytest.mark.corpus
@pytest.mark.parametrize("name", WITH_NONFINITE)
def test_first_nonfinite_value_line_and_expression(name):
    e = BY_FILE[name]
    fnf = e["first_nonfinite"]
    lines = (CASES / name).read_text().splitlines()
    assert fnf["expression"] in lines[fnf["line"] - 1], "expression is source text of that line"
    got = verify.first_nonfinite_value(name)
    if e["exit_code"] == 0:
        assert got["found"] and got["line"] == fnf["line"], got
    else:  # the script's own np.seterr(raise) stops it before any non-finite value is bound
        assert got == {"found": False}
        assert verify.first_fp_error(name)["line"] == fnf["line"]


@pytest.mark.corpus
@pytest.mark.parametrize("name", HEALTHY)
def test_healthy_twin_learns_cleanly(name):
    proc = plain(name)
    assert proc.returncode == 0
    assert "Warning" not in proc.stderr and "Error" not in proc.stderr
    ls = verify.losses(proc.stdout)
    if "no training loop" in BY_FILE[name]["style"] or len(ls) < 3:
        # A healthy scoring pass (no training loop), or a twin that prints only its result: it ends cleanly
        # with finite numbers; test_causes_samples checks that nandoctor raises no error on it.
        assert "nan" not in proc.stdout.lower() and "inf" not in proc.stdout.lower().replace("info", "")
        return
    assert len(ls) >= 3 and verify.all_finite(ls)
    assert ls[-1] < 0.6 * ls[0], ls
    trained = ls[1:-1] if name in ("p16_saffron_ladle_b.py",) else ls  # first_/final_loss= are its validation loss
    assert all(b <= a * 1.005 for a, b in zip(trained, trained[1:])), f"loss must not rise (0.5% minibatch noise allowed): {ls}"
    acc = verify.metric(proc.stdout, "acc")
    if acc:
        assert acc[-1] >= 0.80


# --------------------------------------------------------------------------------------------------------------
# each defective sample: its symptom, measured, and the one fix that removes it


@pytest.mark.corpus
@pytest.mark.parametrize("name", [n for n in DEFECTIVE if BY_FILE[n]["symptom"] in ("nan", "inf")])
def test_nonfinite_symptom(name):
    e = BY_FILE[name]
    proc = plain(name)
    ls = verify.losses(proc.stdout)
    if e["exit_code"] != 0:
        assert "FloatingPointError: overflow encountered in exp" in proc.stderr
        assert verify.all_finite(ls)  # it died before printing anything non-finite
        return
    if len(ls) < 2:
        # A sample that prints its result, not a loss trajectory: the result shows the symptom.
        word = "nan" if e["symptom"] == "nan" else "inf"
        assert word in proc.stdout.lower(), proc.stdout[-500:]
        return
    assert ls and verify.all_finite(ls[:1]) or name in ("logreg_tanh_output.py", "linreg_csv_table.py", "cosine_fit_columns.py",
                                                        "i3_stuck_sensor_zscore.py", "n6_review_words_a.py",
                                                        "k12_willow_spokes_b.py", "s17_meadow_thistle_b.py",
                                                        "w17_lantern_ridge_a.py", "t17_meadow_quill_b.py", "a18_lantern_meadow_b.py",
                                                        "c18_willow_basin_a.py", "e18_violet_canyon_a.py", "q5_softmax_int_per_sample.py",
                                                        "c14_cobalt_fern_a.py", "d14_copper_reeds_a.py", "e14_willow_gauge_b.py",
                                                        "n16_tide_strips_b.py", "p16_lintel_moss_b.py", "p16_gorse_pulley_a.py",
                                                        "a24_harbor_lantern_b.py", "b24_velvet_quarry_a.py")  # NaN before the first step
    if e["symptom"] == "nan":
        assert math.isnan(ls[-1]), ls
    else:
        assert math.isinf(ls[-1]) and not any(math.isnan(v) for v in ls), ls


@pytest.mark.corpus
@pytest.mark.parametrize("name", DEFECTIVE)
def test_documented_fix_removes_the_symptom(name, tmp_path_factory):
    """Applying only the documented fix gives a clean, learning run: the sample carries exactly that one defect."""
    proc = fixed(name, tmp_path_factory)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Warning" not in proc.stderr
    ls = verify.losses(proc.stdout)
    if len(ls) < 3:
        # A sample that prints its result only (a scoring pass, a latent margin): the fixed run is clean.
        out = proc.stdout.lower()
        assert "nan" not in out and "inf" not in out.replace("info", ""), proc.stdout[-500:]
        return
    assert verify.all_finite(ls) and ls[-1] < 0.6 * ls[0], ls
    before = verify.losses(plain(name).stdout)
    if before and math.isfinite(before[-1]):
        if BY_FILE[name]["symptom"] == "poor_accuracy" and ls[-1] >= 0.7 * before[-1]:
            # a defect that memorises the training set: its training loss is lower, its held-out accuracy is the symptom
            assert verify.metric(proc.stdout, "accuracy")[-1] > verify.metric(plain(name).stdout, "accuracy")[-1] + 0.1
        else:
            assert ls[-1] < 0.7 * before[-1], (ls[-1], before[-1])


@pytest.mark.corpus
def test_logreg_float32_loss_is_nan_while_training_is_fine():
    out = plain("logreg_float32_toplevel.py").stdout
    assert math.isnan(verify.losses(out)[-1])
    assert verify.metric(out, "acc")[-1] == 1.0
    weights = re.search(r"final weights \[(.*?)\]", out).group(1)
    assert "nan" not in weights and "inf" not in weights
    assert np.float32(1) / (np.float32(1) + np.exp(np.float32(-16.7))) == np.float32(1)  # exact float32 saturation


@pytest.mark.corpus
def test_tanh_output_loss_nan_from_the_start_but_accuracy_fine():
    out = plain("logreg_tanh_output.py").stdout
    ls = verify.losses(out)
    assert all(math.isnan(v) for v in ls)
    assert verify.metric(out, "acc")[-1] > 0.9


@pytest.mark.corpus
def test_csv_nan_comes_from_the_data():
    ns = verify.load_namespace("linreg_csv_table.py")
    data = ns["data"]
    assert np.isnan(data).sum() == 1 and np.argwhere(np.isnan(data)).tolist() == [[9, 1]]
    assert math.isnan(final_loss(plain("linreg_csv_table.py").stdout))


@pytest.mark.corpus
def test_integer_theta_never_moves():
    out = plain("linreg_theta_loop.py").stdout
    costs = verify.losses(out)
    assert len(costs) == 11 and len(set(costs)) == 1
    assert "theta = [0 0]" in out
    assert verify.load_namespace("linreg_theta_loop.py")["theta"].dtype.kind == "i"


@pytest.mark.corpus
def test_shape_bug_stalls_at_variance_of_target():
    ns = verify.load_namespace("linreg_shapes_functions.py")
    assert ns["w"].shape == (2, 100)  # silently broadcast from (2, 1)
    var = float(np.var(ns["y"]))
    out = plain("linreg_shapes_functions.py").stdout
    assert final_loss(out) == pytest.approx(var, rel=1e-6)


@pytest.mark.corpus
def test_gradient_sum_scales_with_batch_size():
    ns = verify.load_namespace("linreg_sensor_class.py")
    model = ns["LinearModel"](4)
    X, y = ns["X"], ns["temperature"]
    g_once, _ = model.gradients(X, y)
    g_twice, _ = model.gradients(np.vstack([X, X]), np.concatenate([y, y]))
    assert np.allclose(g_twice, 2 * g_once)  # the same data seen twice doubles the step: a sum, not a mean
    assert math.isinf(final_loss(plain("linreg_sensor_class.py").stdout))


@pytest.mark.corpus
def test_unnormalized_feature_scales():
    ns = verify.load_namespace("linreg_house_toplevel.py")
    std = ns["X"].std(axis=0)
    assert std.max() / std.min() > 100


@pytest.mark.corpus
def test_dead_relu_all_units_dead():
    out = plain("mlp_relu_class.py").stdout
    accs = verify.metric(out, "acc")
    assert all(abs(a - 1 / 3) < 0.01 for a in accs[1:])
    ns = verify.load_namespace("mlp_relu_class.py")
    net, X = ns["net"], ns["X"]
    active = np.maximum(0, X @ net.W1 + net.b1) > 0
    assert active.sum() == 0  # every hidden unit is zero on every training point


@pytest.mark.corpus
def test_wrong_derivative_fails_gradient_check():
    ns = verify.load_namespace("mlp_sigmoid_functions.py")
    X, y = ns["make_clusters"]()
    Y = np.eye(3)[y]
    params = ns["init_params"]()
    a1, probs = ns["forward"](params, X)
    grads = ns["backward"](params, X, Y, a1, probs)
    eps = 1e-6
    num = np.zeros_like(params["W2"])
    for idx in np.ndindex(num.shape):
        old = params["W2"][idx]
        params["W2"][idx] = old + eps
        lp = ns["loss_fn"](ns["forward"](params, X)[1], Y)
        params["W2"][idx] = old - eps
        lm = ns["loss_fn"](ns["forward"](params, X)[1], Y)
        params["W2"][idx] = old
        num[idx] = (lp - lm) / (2 * eps)
    cos = np.sum(num * grads["W2"]) / (np.linalg.norm(num) * np.linalg.norm(grads["W2"]))
    assert cos < -0.99
    ls = verify.losses(plain("mlp_sigmoid_functions.py").stdout)
    assert ls[-1] > 10 * ls[0]


@pytest.mark.corpus
def test_bad_init_saturates_tanh():
    ns = verify.load_namespace("mlp_patches_minibatch.py")
    X, y = ns["make_patches"]()
    W1, b1, W2, b2 = ns["init_weights"](256, 32, 3)
    hidden = np.tanh(X @ W1 + b1)
    assert np.mean(np.abs(hidden) > 0.999) > 0.5
    assert np.mean(np.abs(hidden) == 1.0) > 0.1
    loss0, _ = ns["evaluate"](X, y, W1, b1, W2, b2)
    assert loss0 > 2.5 * math.log(3)


@pytest.mark.corpus
def test_vanishing_rnn_stays_at_target_variance(tmp_path_factory):
    out = plain("rnn_first_class.py").stdout
    var = verify.metric(out, "variance of y")[-1]
    assert final_loss(out) > 0.95 * var
    control = verify.losses(fixed("rnn_first_class.py", tmp_path_factory).stdout)[-1]
    assert control < 0.1 * var  # the same net learns the task over 2 steps


@pytest.mark.corpus
def test_learning_rate_too_low_barely_moves(tmp_path_factory):
    ls = verify.losses(plain("rnn_toplevel.py").stdout)
    assert abs(ls[-1] - ls[0]) / ls[0] < 0.01
    faster = verify.losses(fixed("rnn_toplevel.py", tmp_path_factory).stdout)
    assert faster[-1] < 0.1 * faster[0]


@pytest.mark.corpus
def test_missing_bias_zero_pattern_stuck_at_half():
    ns = verify.load_namespace("net341_toplevel.py")
    assert ns["a2"][6, 0] == 0.5  # the [0, 0, 0] pattern, exactly
    assert float(ns["loss"]) >= math.log(2) / 7


@pytest.mark.corpus
def test_inplace_derivative_mutates_its_argument(tmp_path_factory):
    ns = verify.load_namespace("net341_inplace_class.py")
    ann = ns["ANN"]()
    a = np.array([[2.0, -3.0]])
    out = ann.LeakyReLUDerivative(a)
    assert out is a and a.tolist() == [[1.0, 0.01]]
    slow = final_loss(plain("net341_inplace_class.py").stdout)
    fast = final_loss(fixed("net341_inplace_class.py", tmp_path_factory).stdout)
    assert slow > 2 * fast


@pytest.mark.corpus
def test_preactivation_derivative_goes_negative():
    ns = verify.load_namespace("net341_functions.py")
    z = np.array([-2.0, 0.5, 3.0])
    assert (ns["sigmoid_prime"](z) < 0).sum() == 2  # x*(1-x) outside [0, 1] flips the gradient's sign
    assert math.isnan(final_loss(plain("net341_functions.py").stdout))
