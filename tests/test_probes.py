"""Diagnosis by intervention: the symptom, the interventions a program allows, the run-time step scaling and the
verdicts, each against a plain-numpy replay of the same program."""

from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path

import numpy as np
import pytest

from conftest import SEED, analysed_session
from nandoctor import probes
from nandoctor.verify import CURES, HELPS, NO_EFFECT, NOT_VERIFIED, WORSE, Measures

# -- the verdict on a stalled run --------------------------------------------------------------------------------

STALLED = Measures(steps=100, loss_how="mse", loss_first=1.0, loss_last=0.97, loss_min=0.97, exit_status=0)


@pytest.mark.parametrize("after,verdict", [
    (Measures(steps=100, loss_how="mse", loss_first=1.0, loss_last=0.2, loss_min=0.2, exit_status=0), CURES),
    # below the original's end, but its own loss did not fall by a tenth: it started lower, not learned more
    (Measures(steps=100, loss_how="mse", loss_first=0.5, loss_last=0.48, loss_min=0.48, exit_status=0), HELPS),
    (Measures(steps=100, loss_how="mse", loss_first=1.0, loss_last=0.96, loss_min=0.96, exit_status=0), NO_EFFECT),
    (Measures(steps=100, first_nonfinite_step=7, loss_how="mse", loss_first=1.0, loss_last=None, exit_status=0), WORSE),
    (Measures(steps=100, exit_status=1, exception="ValueError: shapes"), WORSE),
    (Measures(steps=100, exit_status=0), NOT_VERIFIED),
    (None, NOT_VERIFIED),
])
def test_a_stall_is_cured_only_when_the_loss_ends_a_tenth_lower_than_both_starts(after, verdict):
    got, reason = probes.stall_verdict(STALLED, after, "timed out")
    assert got == verdict, reason


# -- which interventions a program allows --------------------------------------------------------------------------

ZERO_START = """
import numpy as np
rng = np.random.default_rng(0)
X = rng.normal(size=(64, 3))
y = (X @ np.array([[1.0], [-2.0], [0.5]]) > 0).astype(float)
W1 = np.zeros((3, 5))
W2 = np.zeros((5, 1))
for step in range(200):
    h = np.tanh(X @ W1)
    p = 1 / (1 + np.exp(-(h @ W2)))
    loss = float(np.mean((p - y) ** 2))
    d2 = (p - y) * p * (1 - p) / len(X)
    d1 = (d2 @ W2.T) * (1 - h ** 2)
    W2 -= 0.5 * h.T @ d2
    W1 -= 0.5 * X.T @ d1
"""


def _replay_zero_start(steps=200):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 3))
    y = (X @ np.array([[1.0], [-2.0], [0.5]]) > 0).astype(float)
    W1, W2 = np.zeros((3, 5)), np.zeros((5, 1))
    losses = []  # the script's own loss, which never moves from 0.25 (every output stays 0.5)
    for _ in range(steps):
        h = np.tanh(X @ W1)
        p = 1 / (1 + np.exp(-(h @ W2)))
        losses.append(float(np.mean((p - y) ** 2)))
        d2 = (p - y) * p * (1 - p) / len(X)
        d1 = (d2 @ W2.T) * (1 - h ** 2)
        W2 -= 0.5 * h.T @ d2
        W1 -= 0.5 * X.T @ d1
    return np.array(losses), W1


def test_a_stall_from_all_zero_weights_is_probed_with_a_random_start_and_a_bias(tmp_path):
    losses, w1 = _replay_zero_start()
    assert not w1.any()  # replayed: from zeros tanh passes nothing back, the first layer never moves
    session = analysed_session(tmp_path, ZERO_START)
    session._causes = []  # the rules' own verdict aside: what the probes alone would try
    kind, what = probes.symptom(session)
    assert kind == probes.STALL
    assert f"{losses[0]:.4g}" in what and f"{losses[-1]:.4g}" in what
    made, skipped = probes.candidates(session, kind)
    tags = [tag for tag, *_ in made]
    assert tags.index("weights_init_symmetric") < tags.index("learning_rate_too_low")  # most specific first
    random_start = next(fixes for tag, _, fixes, *_ in made if tag == "weights_init_symmetric")
    assert {fx.line for fx in random_start} <= {6, 7} and random_start
    for fx in random_start:
        assert "np.random.randn(" in fx.after and "np.zeros" not in fx.after
        compile(fx.after.strip(), "fix", "exec")
    assert "missing_bias" in tags
    assert dict(skipped).get("unnormalized_inputs") == \
        "the inputs are already standardized (every feature's mean near 0, spread near 1)"


def test_a_healthy_run_is_not_probed(tmp_path):
    healthy = ZERO_START.replace("np.zeros((3, 5))", "rng.normal(size=(3, 5))").replace(
        "np.zeros((5, 1))", "rng.normal(size=(5, 1))").replace("0.5 *", "2.0 *")
    session = analysed_session(tmp_path, healthy)
    assert probes.symptom(session) is None
    assert probes.probe_session(session).status == "not probed"


# -- the run-time scaling of the updates' steps ---------------------------------------------------------------------

SCALED = """
import numpy as np

def fit(rate, steps):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(32, 2))
    y = X @ np.array([1.5, -0.5]) + 0.25
    w = np.zeros(2)
    b = 0.0
    for _ in range(steps):
        err = X @ w + b - y
        w = w - rate * (X.T @ err) / len(X)
        b -= rate * float(err.mean())
    return w, b

w, b = fit(0.05, 40)
np.save("final.npy", np.append(w, b))
"""


def _replay_scaled(rate):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(32, 2))
    y = X @ np.array([1.5, -0.5]) + 0.25
    w, b = np.zeros(2), 0.0
    for _ in range(40):
        err = X @ w + b - y
        w = w - rate * (X.T @ err) / len(X)
        b -= rate * float(err.mean())
    return np.append(w, b)


@pytest.mark.slow
@pytest.mark.parametrize("factor", [0.1, 10.0])
def test_scaled_updates_step_as_the_scaled_rate_does(tmp_path, monkeypatch, factor):
    """Both forms of update (`w = w - step`, `b -= step`, a Python float) take `factor` times their step."""
    from nandoctor.cli import run_traced

    monkeypatch.chdir(tmp_path)
    script = tmp_path / "fit.py"
    script.write_text(SCALED)
    scale = {"factor": factor, "where": [[str(script), 12], [str(script), 13]]}
    outcome, _ = run_traced(str(script), [], tmp_path / "out", formats=("json",), analyse=False,
                            budget={"scale_updates": scale})
    assert outcome.exit_code == 0
    got = np.load(tmp_path / "final.npy")
    assert np.allclose(got, _replay_scaled(0.05 * factor), rtol=1e-9, atol=1e-12)
    assert not np.allclose(got, _replay_scaled(0.05), rtol=1e-6)


# -- a whole probe: the founding case with its raised causes set aside ---------------------------------------------

def _first_nan_founding(lr, sign=1.0):
    """The demo's 3-4-1 net in plain numpy, its updates `sign` times the gradient at rate `lr`: the first step whose
    weights are not finite, None when all 10000 are."""
    rng = np.random.RandomState(1)
    w_ij, w_jk = (2 * rng.rand(3, 4) - 1), (2 * rng.rand(4, 1) - 1)
    x = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [0, 1, 0], [1, 0, 0], [1, 1, 1], [0, 0, 0]])
    y = np.array([[0, 1, 1, 1, 1, 0, 0]]).T
    with np.errstate(all="ignore"):
        for step in range(10000):
            z_ij = x @ w_ij
            a_ij = np.where(z_ij > 0, z_ij, z_ij * 0.01)
            a_jk = 1 / (1 + np.exp(-(a_ij @ w_jk)))
            dl_jk = -y / a_jk + (1 - y) / (1 - a_jk)
            da_jk = a_jk * (1 - a_jk)
            g_ij = x.T @ (((da_jk * dl_jk) @ w_jk.T) * np.where(z_ij > 0, 1.0, 0.01))
            g_jk = a_ij.T @ (dl_jk * da_jk)
            w_ij, w_jk = w_ij - sign * lr * g_ij, w_jk - sign * lr * g_jk
            if not (np.isfinite(w_ij).all() and np.isfinite(w_jk).all()):
                return step
    return None


@pytest.mark.slow
def test_the_founding_case_unexplained_is_probed_and_the_lower_rate_removes_its_nan(tmp_path):
    import shutil

    from nandoctor.cli import trace_script

    assert _first_nan_founding(1.0) is not None and _first_nan_founding(0.1) is None  # replayed: lr 1 goes NaN
    script = tmp_path / "net341.py"
    shutil.copy(SEED, script)
    _, session = trace_script(str(script), [], tmp_path / "out", formats=("json",))
    session._causes = []
    probing = probes.probe_session(session, jobs=2)
    assert probing.status == "probed", probing.reason
    by_tag = {p.tag: p for p in probing.probes}
    lower = by_tag["learning_rate_too_high"]
    assert lower.verdict == CURES, lower.reason
    assert lower.fixes and lower.diff
    named = probes.probed_causes(probing)
    cured = [p.tag for p in probing.probes if p.verdict == CURES]
    assert [c.tag for c in named] == cured[:1]
    order = [tag for tag, _ in probes.PROBES[probes.BLOWUP]]
    assert cured == sorted(cured, key=order.index)
    assert named[0].summary.startswith("Re-run with ")
    assert script.read_text() == SEED.read_text()  # the user's file is never written


@pytest.mark.slow
def test_a_probing_that_removed_nothing_is_said_and_read_back(tmp_path):
    """The verdict names what was re-run and what each did; findings.json and a reloaded session carry it."""
    import json

    import jsonschema

    import nandoctor
    from conftest import run_nandoctor

    script = tmp_path / "flat.py"
    script.write_text(textwrap.dedent("""
        import numpy as np
        rs = np.random.RandomState(7)
        feats = rs.randn(4, 200)
        target = np.array([[0.5, -1.0, 2.0, 0.3]]) @ feats
        coef = np.zeros((1, 4))
        for r in range(300):
            resid = coef @ feats - target
            cost = float((resid ** 2).mean())
            coef = coef - 1e-9 * (resid @ feats.T) / feats.shape[1]
    """))
    done = run_nandoctor(["run", "--probe", "auto", "-o", str(tmp_path / "out"), str(script)], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    doc = json.loads((tmp_path / "out" / "findings.json").read_text())
    jsonschema.validate(doc, json.loads((Path(nandoctor.__file__).parent / "report" / "findings.schema.json").read_text()))
    probing = doc["probing"]
    assert probing["status"] == "probed" and not any(p["verdict"] == CURES for p in probing["probes"])
    rate = next(p for p in probing["probes"] if p["cause"] == "learning_rate_too_low")
    assert rate["change"] == "the learning rate multiplied by 1000"  # every rung lowered the loss a little
    assert "learning_rate_too_low" not in [c["tag"] for c in doc["causes"]]
    said = [ln for ln in done.stderr.splitlines() if ln.startswith("nandoctor: probed the loss")]
    assert len(said) == 1 and "no single change removed it" in said[0]
    import html

    page = html.unescape((tmp_path / "out" / "report.html").read_text(encoding="utf-8"))
    assert "Re-runs:</strong> " + said[0][len("nandoctor: "):] in page
    again = nandoctor.load(tmp_path / "out")
    assert again.probing is not None and [p.tag for p in again.probing.probes] == [p["cause"] for p in probing["probes"]]


@pytest.mark.slow
def test_a_raised_cause_whose_own_fix_makes_the_run_worse_is_withdrawn(tmp_path):
    """A false `gradient_sign_wrong` put on the founding case: flipping its correct updates blows up sooner, so the
    cause is withdrawn, and the probes then find what holds."""
    import shutil

    from nandoctor.cli import trace_script
    from nandoctor.detectors.facts import facts
    from nandoctor.explain.fixes import flip_update_fixes
    from nandoctor.model import Cause

    flipped, kept = _first_nan_founding(1.0, -1.0), _first_nan_founding(1.0)
    assert flipped is not None and kept is not None and flipped < kept  # replayed: flipping blows up sooner
    script = tmp_path / "net341.py"
    shutil.copy(SEED, script)
    _, session = trace_script(str(script), [], tmp_path / "out", formats=("json",))
    session._causes = [Cause("gradient_sign_wrong", 1, "planted", fixes=tuple(flip_update_fixes(facts(session))))]
    probing = probes.probe_session(session, jobs=2)
    assert [p.tag for p in probing.refuted] == ["gradient_sign_wrong"]
    assert probing.refuted[0].verdict == WORSE
    assert probing.status == "probed"  # no cause stood: the interventions ran
    after = probes.with_probed(session.causes, probing)
    assert "gradient_sign_wrong" not in [c.tag for c in after]
    assert [c.tag for c in after] == [p.tag for p in probing.cured()][:1]


@pytest.mark.slow
def test_a_raised_cause_whose_own_fix_changes_nothing_does_not_stop_the_probes(tmp_path):
    """A false cause put first on the founding case, its fix a change that computes nothing different: its re-run
    keeps the NaN (no effect), so the interventions run and the lower rate, which removes the NaN, goes first."""
    import shutil

    from nandoctor.cli import trace_script
    from nandoctor.model import Cause, Fix

    assert _first_nan_founding(1.0) is not None and _first_nan_founding(0.1) is None  # replayed
    script = tmp_path / "net341.py"
    shutil.copy(SEED, script)
    line = SEED.read_text().splitlines().index("import numpy as np") + 1
    _, session = trace_script(str(script), [], tmp_path / "out", formats=("json",))
    inert = Fix("an import spelled out", line, "import numpy as np", "import numpy as np  # as before")
    session._causes = [Cause("dead_relu", 1, "planted", fixes=(inert,))]
    probing = probes.probe_session(session, jobs=2)
    assert [(p.tag, p.verdict) for p in probing.checked] == [("dead_relu", NO_EFFECT)]
    assert probing.status == "probed" and not probing.refuted
    after = probes.with_probed(session.causes, probing)
    assert [c.tag for c in after] == [probing.cured()[0].tag, "dead_relu"]
    assert "learning_rate_too_high" in [p.tag for p in probing.cured()]
    # `--probe auto`: with the cause standing, the interventions are held to the time the run allows
    held = probes.probe_session(session, jobs=2, limit_seconds=0.001)
    assert held.status == "not probed" and "would take about" in held.reason and not held.probes
    assert [(p.tag, p.verdict) for p in held.checked] == [("dead_relu", NO_EFFECT)]


def test_a_classifier_no_better_than_the_majority_class_is_a_stall_and_is_cured_only_above_it():
    from nandoctor.verify import Measures

    share = 203 / 250  # replayed: the most common class of 250 targets holds 203 of them
    at_chance = Measures(steps=400, loss_how="loss", loss_first=0.6931, loss_last=0.6205, loss_min=0.6205,
                         accuracy_first=share, accuracy_final=share, accuracy_best=share, n_samples=250,
                         majority_share=share)
    kind, what = probes._at_chance(at_chance)
    assert kind == probes.STALL and f"{share:.1%}" in what and "250 samples" in what
    # a bit better than the majority, or too few samples to tell: no symptom
    above = dataclasses.replace(at_chance, accuracy_best=share + probes.CHANCE_MARGIN + 1 / 250)
    assert probes._at_chance(above) is None
    assert probes._at_chance(dataclasses.replace(at_chance, n_samples=probes.CHANCE_SAMPLES - 1)) is None
    # a re-run whose loss falls further but whose accuracy stays at chance does not cure; one that leaves it does
    lower = dataclasses.replace(at_chance, loss_last=0.40)
    assert probes.stall_verdict(at_chance, lower)[0] != probes.CURES
    assert probes.stall_verdict(at_chance, dataclasses.replace(lower, accuracy_best=0.948))[0] == probes.CURES


def test_a_noisy_loss_ends_at_the_median_of_its_last_values():
    from nandoctor.verify import Measures

    rng = np.random.default_rng(4)
    values = 1.0 / (1.0 + np.arange(100) / 10) + rng.uniform(0.0, 0.05, 100)
    values[-1] = 3.0  # one unlucky batch read last
    curve = tuple((int(s), float(v)) for s, v in enumerate(values))
    m = Measures(steps=100, loss_how="loss", loss_first=float(values[0]), loss_last=3.0, loss_min=float(values.min()),
                 loss_curve=curve)
    start, end, words = probes._loss_ends(m)
    assert start == values[0] and end == pytest.approx(float(np.median(values[-5:]))) and "last 5" in words
    assert probes._loss_ends(dataclasses.replace(m, loss_curve=curve[:15]))[1] == 3.0  # too few to take a median


# -- the causes after the re-runs --------------------------------------------------------------------------------

def _probing(checked=(), probes_run=(), refuted=()):
    def probe(tag, verdict):
        return probes.Probe(tag, f"change for {tag}", (), verdict, f"reason for {tag}")

    return probes.Probing("probed" if probes_run else "not probed", "", tuple(probe(*p) for p in probes_run),
                          checked=tuple(probe(*p) for p in checked), refuted=tuple(probe(*p) for p in refuted))


def _causes(*tags):
    from nandoctor.model import Cause

    return [Cause(tag, k, f"summary of {tag}") for k, tag in enumerate(tags, 1)]


def test_causes_keep_their_order_while_the_first_ones_own_fix_cures():
    got = probes.with_probed(_causes("a", "b", "c"), _probing(checked=[("a", CURES), ("b", NO_EFFECT), ("c", CURES)]))
    assert [(c.tag, c.rank) for c in got] == [("a", 1), ("b", 2), ("c", 3)]


def test_when_the_first_causes_fix_does_not_cure_the_causes_are_ordered_by_what_their_fixes_did():
    checked = [("a", NO_EFFECT), ("c", CURES), ("d", HELPS)]  # b offers advice only: not re-run
    got = probes.with_probed(_causes("a", "b", "c", "d"), _probing(checked=checked))
    # a cure first; then b, whose premises nothing re-ran; then what helped; what changed nothing last
    assert [(c.tag, c.rank) for c in got] == [("c", 1), ("b", 2), ("d", 3), ("a", 4)]


def test_a_cause_no_re_run_tested_stays_before_a_change_that_cured():
    got = probes.with_probed(_causes("a", "b"), _probing(checked=[("b", NO_EFFECT)], probes_run=[("q", CURES)]))
    assert [c.tag for c in got] == ["a", "q", "b"]  # a offers advice only: its measured premises stand


def test_a_change_that_cured_goes_before_raised_causes_whose_fixes_did_not():
    got = probes.with_probed(_causes("a", "b"), _probing(checked=[("a", NO_EFFECT), ("b", HELPS)],
                                                         probes_run=[("p", NO_EFFECT), ("q", CURES), ("r", CURES)]))
    assert [c.tag for c in got] == ["q", "b", "a"]
    assert got[0].evidence["also_cured"] == ["change for r"]  # the first that cured names it; the other is told


def test_a_raised_cause_that_a_probe_proves_keeps_its_words_and_leads_with_the_probes_fix():
    from nandoctor.model import Cause, Fix

    raised = [Cause("x", 1, "x first", fixes=(Fix("x's own", 3, "a", "b"),)),
              Cause("lr", 2, "the rule's words", fixes=(Fix("rule's lr fix", 5, "lr = 1", "lr = 0.1"),))]
    probing = _probing(checked=[("x", NO_EFFECT), ("lr", HELPS)], probes_run=[("lr", CURES)])
    probing = dataclasses.replace(probing, probes=(dataclasses.replace(
        probing.probes[0], fixes=(Fix("probe's lr fix", 5, "lr = 1", "lr = 0.01"),)),))
    got = probes.with_probed(raised, probing)
    assert [c.tag for c in got] == ["lr", "x"]
    assert got[0].summary == "the rule's words"
    assert [f.title for f in got[0].fixes] == ["probe's lr fix", "rule's lr fix"]
    assert got[0].evidence["probe"]["verdict"] == CURES


def test_a_withdrawn_cause_is_gone_and_the_rest_keep_their_order_when_the_first_cures():
    got = probes.with_probed(_causes("a", "b"), _probing(checked=[("a", WORSE), ("b", CURES)], refuted=[("a", WORSE)]))
    assert [(c.tag, c.rank) for c in got] == [("b", 1)]
