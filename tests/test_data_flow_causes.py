"""Data-flow premises on tiny scripts traced in process: a second name for one array written in place, a setting
in a dict nothing reads, a pure-Python table's columns, and a sum of squares read once per pass.

Expected numbers are replayed here in plain Python or numpy, never copied from a trace.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from nandoctor.analysis import rules as R
from nandoctor.detectors.facts import facts
from nandoctor.detectors.optimisation import _adds_a_square, loss_series


def trace_script(tmp_path, source: str):
    """Trace a whole script (top-level code included), as `nandoctor run` does."""
    from nandoctor.cli import trace_script as run

    script = tmp_path / "train.py"
    script.write_text(textwrap.dedent(source))
    _, session = run(str(script), [], tmp_path / "out", formats=("json",))
    return session


def checks(session, code) -> dict:
    _, _, by_code = R.evaluate_rules(session, facts(session), session.findings)
    return {c.premise: c for c in by_code.get(code, [])}


def tags(session) -> list[str]:
    return [c.tag for c in session.causes]


# -- two names for one array ----------------------------------------------------------------------

SIGMOID_FIT = """
import numpy as np
gen = np.random.default_rng(4)
feats = gen.normal(0.0, 1.0, (60, 2))
share = 1.0 / (1.0 + np.exp(-(1.2 * feats[:, 0] - 0.7 * feats[:, 1])))
w = np.zeros(2)
for rnd in range(60):
    pred = 1.0 / (1.0 + np.exp(-(feats @ w)))
    {residual}
    cost = float(np.mean(err ** 2))
    slope = err * pred * (1.0 - pred)
    w -= 3.0 * feats.T @ slope / 60
"""


def test_a_second_name_written_in_place_changes_what_the_gradient_reads(tmp_path):
    s = trace_script(tmp_path, SIGMOID_FIT.format(residual="err = pred\n    err -= share"))
    c = checks(s, "inplace_mutation_aliasing")
    assert {k: v.status for k, v in c.items()} == {k: R.HOLDS for k in ("writes_argument", "caller_keeps_array",
                                                                        "array_changed", "caller_sees_change")}
    assert tags(s)[0] == "inplace_mutation_aliasing"
    ev = s.causes[0].evidence
    # At the first step the weights are zero: pred is 0.5 everywhere, and the write leaves pred - share.
    gen = np.random.default_rng(4)
    feats = gen.normal(0.0, 1.0, (60, 2))
    share = 1.0 / (1.0 + np.exp(-(1.2 * feats[:, 0] - 0.7 * feats[:, 1])))
    assert ev["step"] == 0 and ev["before_min"] == ev["before_max"] == 0.5
    assert ev["after_min"] == pytest.approx((0.5 - share).min()) and ev["after_max"] == pytest.approx((0.5 - share).max())
    assert "gradient_sign_wrong" not in tags(s)


def test_a_residual_made_as_a_new_array_raises_no_alias(tmp_path):
    s = trace_script(tmp_path, SIGMOID_FIT.format(residual="err = pred - share"))
    assert "inplace_mutation_aliasing" not in tags(s)


# -- a setting in a dict that nothing reads ---------------------------------------------------------

SETTINGS = """
import numpy as np
settings = {{"step": 0.4, "rounds": 80}}
gen = np.random.default_rng(1)
pts = gen.normal(0.0, 1.0, (50, 2))
goal = pts @ np.array([1.5, -2.0]) + 0.3
coef = np.zeros(2)
for k in range(settings["rounds"]):
    miss = pts @ coef - goal
    loss = float(np.mean(miss ** 2))
    coef -= {rate} * pts.T @ miss / 50
"""


def test_a_setting_never_read_while_a_literal_sets_the_step(tmp_path):
    s = trace_script(tmp_path, SETTINGS.format(rate="0.002"))
    c = checks(s, "hyperparameter_defined_not_used")
    assert c["hyperparameter_unread"].status == R.HOLDS and c["other_value_in_effect"].status == R.HOLDS
    cause = next(x for x in s.causes if x.tag == "hyperparameter_defined_not_used")
    assert cause.evidence["defined"] == 0.4 and cause.evidence["in_effect"] == [0.002]
    assert any(f.after and 'settings["step"]' in f.after for f in cause.fixes)


VELOCITY = """
import numpy as np
gen = np.random.default_rng(2)
pts = gen.normal(0.0, 1.0, (80, 3))
goal = pts @ np.array([0.5, -1.0, 2.0])
store = {{"coef": np.zeros(3)}}
speed = {{"coef": np.zeros(3)}}
rate = 0.05
keep = 0.8
for k in range(60):
    miss = pts @ store["coef"] - goal
    loss = float(np.mean(miss ** 2))
    g = {{"coef": pts.T @ miss / 80}}
    for name in store:
        speed[name] = keep * speed[name] - {step} * g[name]
        store[name] += speed[name]
"""


def test_a_rate_never_read_while_the_velocity_adds_a_literal_step(tmp_path):
    # `speed[name] = keep * speed[name] - 0.003 * g[name]`, then `store[name] += speed[name]`: the literal scaling
    # the gradient in the velocity is the rate in effect (the one scaling the velocity's own value is the momentum).
    s = trace_script(tmp_path, VELOCITY.format(step="0.003"))
    c = checks(s, "hyperparameter_defined_not_used")
    assert c["other_value_in_effect"].status == R.HOLDS, c["other_value_in_effect"].why
    cause = next(x for x in s.causes if x.tag == "hyperparameter_defined_not_used")
    assert cause.evidence["defined"] == 0.05 and cause.evidence["in_effect"] == [0.003]
    assert [(f.before, f.after) for f in cause.fixes] == [
        ("speed[name] = keep * speed[name] - 0.003 * g[name]", "speed[name] = keep * speed[name] - rate * g[name]")]


def test_the_rate_read_in_the_velocity_raises_nothing(tmp_path):
    s = trace_script(tmp_path, VELOCITY.format(step="rate"))
    assert "hyperparameter_defined_not_used" not in tags(s)


def test_a_setting_beside_a_list_of_sizes_is_still_a_setting(tmp_path):
    # Settings often hold a list beside the numbers (layer sizes); the step is still never read.
    src = SETTINGS.replace('"rounds": 80}}', '"rounds": 80, "sizes": [2, 1]}}').format(rate="0.002")
    assert '"sizes": [2, 1]' in src
    s = trace_script(tmp_path, src)
    c = checks(s, "hyperparameter_defined_not_used")
    assert c["hyperparameter_unread"].status == R.HOLDS, c["hyperparameter_unread"].why
    assert 'settings["step"]' in c["hyperparameter_unread"].why
    assert "hyperparameter_defined_not_used" in tags(s)


def test_the_setting_read_raises_nothing(tmp_path):
    s = trace_script(tmp_path, SETTINGS.format(rate='settings["step"]'))
    assert "hyperparameter_defined_not_used" not in tags(s)


# -- a pure-Python table ----------------------------------------------------------------------------

LIST_TABLE = """
import math
rows = []
for i in range(60):
    size = 10.0 + (i * 37) % 990 + math.sin(i)
    age = 1.0 + (i * 7) % 30
    price = 40.0 + 0.01 * size + 0.4 * age + 0.3 * math.cos(i)
    rows.append([size, age, price])
{scaling}
b_size, b_age, base = 0.0, 0.0, 0.0
history = []
for epoch in range(40):
    sq = 0.0
    for s, a, p in rows:
        d = base + b_size * s + b_age * a - p
        sq += d * d
        base -= {rate} * d
        b_size -= {rate} * d * s
        b_age -= {rate} * d * a
    history.append(sq / len(rows))
"""

SCALE_ROWS = ("top = [max(r[j] for r in rows) for j in range(2)]\n"
              "rows = [[r[0] / top[0], r[1] / top[1], r[2]] for r in rows]")


def _table():
    out = []
    for i in range(60):
        size = 10.0 + (i * 37) % 990 + np.sin(i)
        age = 1.0 + (i * 7) % 30
        out.append([size, age, 40.0 + 0.01 * size + 0.4 * age + 0.3 * np.cos(i)])
    return np.array(out)


def test_raw_columns_of_a_list_table_with_a_loss_that_flattens_high(tmp_path):
    s = trace_script(tmp_path, LIST_TABLE.format(scaling="", rate="3e-7"))
    c = checks(s, "unnormalized_inputs")
    assert {k: v.status for k, v in c.items()} == {"inputs_measured": R.HOLDS, "inputs_large": R.HOLDS,
                                                   "run_troubled": R.HOLDS}
    table = _table()
    n = c["inputs_large"].numbers
    assert n["largest_mean"] == pytest.approx(table[:, 0].mean()) and n["largest_std"] == pytest.approx(table[:, 0].std())
    assert "unnormalized_inputs" in tags(s)[:1]


def test_a_rescaled_list_table_is_not_measured_from_the_raw_rows(tmp_path):
    s = trace_script(tmp_path, LIST_TABLE.format(scaling=SCALE_ROWS, rate="0.05"))
    assert "unnormalized_inputs" not in tags(s)


def test_a_sum_of_squares_is_read_once_per_pass(tmp_path):
    assert _adds_a_square("sq += d * d") and _adds_a_square("total += (p - y) ** 2")
    assert not _adds_a_square("sq += d") and not _adds_a_square("w += g * h")
    s = trace_script(tmp_path, LIST_TABLE.format(scaling="", rate="3e-7"))
    steps, loss, how = loss_series(facts(s))
    # replay: the per-pass mean squared error the script appends to history
    table, b, want = _table(), np.zeros(3), []
    for _ in range(40):
        sq = 0.0
        for size, age, price in table:
            d = b[2] + b[0] * size + b[1] * age - price
            sq += d * d
            b -= 3e-7 * d * np.array([size, age, 1.0])
        want.append(sq / 60)
    assert "history" in how and len(loss) == 40
    assert loss == pytest.approx(want, rel=1e-9)


CENTRES = """
import numpy as np
gen = np.random.default_rng(3)
pts = np.vstack([gen.normal(c, 0.5, (30, 2)) for c in ([0, 0], [4, 4], [0, 5])])
cents = pts[[0, 1, 2]].copy()
for it in range(20):
    lab = ((pts[:, None, :] - cents[None]) ** 2).sum(axis=2).argmin(axis=1)
    {keep}
    for k in range(3):
        cents[k] = pts[lab == k].mean(axis=0)
    shift = float(np.abs(cents - prev).max())
    if shift < 1e-6:
        break
"""


def test_comparing_two_names_for_one_array_sees_no_change(tmp_path):
    s = trace_script(tmp_path, CENTRES.format(keep="prev = cents"))
    c = checks(s, "inplace_mutation_aliasing")
    assert c["array_changed"].status == R.HOLDS and "compares prev with cents" in c["array_changed"].why
    assert tags(s)[0] == "inplace_mutation_aliasing"
    (tmp_path / "copy").mkdir()
    s = trace_script(tmp_path / "copy", CENTRES.format(keep="prev = cents.copy()"))
    assert "inplace_mutation_aliasing" not in tags(s)


# -- two names that are attributes or items, and a chained assignment --------------------------------

SETTLE = """
import numpy as np
gen = np.random.default_rng(2)
cols = gen.normal(size=(3, 80))
target = np.array([0.5, -1.0, 2.0]) @ cols


class Fit:
    def __init__(self):
        self.w = np.zeros(3)

    def run(self):
        for it in range(500):
            g = (self.w @ cols - target) @ cols.T / 80
            {keep}
            self.w -= 0.1 * g
            if np.max(np.abs(self.w - before)) < 1e-9:
                break
        return it


rounds = Fit().run()
"""


def test_an_attribute_kept_under_a_second_name_is_compared_with_itself(tmp_path):
    s = trace_script(tmp_path, SETTLE.format(keep="before = self.w"))
    c = checks(s, "inplace_mutation_aliasing")
    assert c["writes_argument"].status == R.HOLDS and "`before = self.w`" in c["writes_argument"].why
    assert c["array_changed"].status == R.HOLDS
    assert "compares before with self.w" in c["caller_sees_change"].why
    assert tags(s)[0] == "inplace_mutation_aliasing"
    # replay: the first step moves the zero weights by -0.1 * g
    gen = np.random.default_rng(2)
    cols = gen.normal(size=(3, 80))
    target = np.array([0.5, -1.0, 2.0]) @ cols
    step = -0.1 * (-target @ cols.T / 80)
    ev = s.causes[0].evidence
    assert ev["after_min"] == pytest.approx(step.min()) and ev["after_max"] == pytest.approx(step.max())
    (tmp_path / "copy").mkdir()
    s = trace_script(tmp_path / "copy", SETTLE.format(keep="before = self.w.copy()"))
    assert "inplace_mutation_aliasing" not in tags(s)


MOMENTS = """
import numpy as np
gen = np.random.default_rng(1)
feats = gen.normal(size=(50, 3))
goal = feats @ np.array([1.0, -2.0, 0.5])
coef = np.zeros(3)
{buffers}
for t in range(1, 30):
    g = feats.T @ (feats @ coef - goal) / 50
    first *= 0.9
    first += 0.1 * g
    second *= 0.999
    second += 0.001 * g * g
    coef -= 0.05 * first / (np.sqrt(second) + 1e-8)
"""


def test_a_chained_assignment_made_before_the_loop_binds_one_array(tmp_path):
    broken = MOMENTS.format(buffers="first = second = np.zeros(3)")
    # replay: one array for both moments goes negative under the square root
    assert not np.isfinite(untraced_globals(broken)["coef"]).all()
    assert np.isfinite(untraced_globals(MOMENTS.format(buffers="first = np.zeros(3)\nsecond = np.zeros(3)"))["coef"]).all()
    s = trace_script(tmp_path, broken)
    c = checks(s, "inplace_mutation_aliasing")
    assert {k: v.status for k, v in c.items()} == {k: R.HOLDS for k in ("writes_argument", "caller_keeps_array",
                                                                        "array_changed", "caller_sees_change")}
    assert tags(s)[0] == "inplace_mutation_aliasing"
    fix = s.causes[0].fixes[0]
    assert fix.after == "first = np.zeros(3)\nsecond = np.zeros(3)"
    (tmp_path / "two").mkdir()
    s = trace_script(tmp_path / "two", MOMENTS.format(buffers="first = np.zeros(3)\nsecond = np.zeros(3)"))
    assert "inplace_mutation_aliasing" not in tags(s)


def untraced_globals(source: str) -> dict:
    ns: dict = {"__name__": "__replay__"}
    with np.errstate(all="ignore"):
        exec(compile(textwrap.dedent(source), "<replay>", "exec"), ns)
    return ns


# -- a pure-Python table read item by item -----------------------------------------------------------

ROWS = """
import random
random.seed(5)
table = []
for _ in range(40):
    size = random.uniform(300, 3000)
    rooms = random.randint(1, 6)
    table.append([size, float(rooms), 0.002 * size + rooms])
{scaling}
w = [0.0, 0.0]
for sweep in range(5):
    for row in table:
        miss = sum(w[j] * row[j] for j in range(2)) - row[2]
        for j in range(2):
            w[j] -= 0.01 * miss * row[j]
"""


def test_a_table_whose_rows_are_read_by_index_is_judged_per_column(tmp_path):
    # A loop that rebinds only its own name leaves the table as it was.
    s = trace_script(tmp_path, ROWS.format(scaling="for row in table:\n    row = [v / 1000 for v in row]"))
    c = checks(s, "unnormalized_inputs")
    assert c["inputs_measured"].status == R.HOLDS and c["inputs_large"].status == R.HOLDS
    import random
    random.seed(5)
    sizes = []
    for _ in range(40):
        sizes.append(random.uniform(300, 3000))
        random.randint(1, 6)
    assert c["inputs_large"].numbers["largest_mean"] == pytest.approx(np.mean(sizes))
    assert tags(s)[0] == "unnormalized_inputs"
    (tmp_path / "scaled").mkdir()
    s = trace_script(tmp_path / "scaled", ROWS.format(scaling="table = [[v / 1000 for v in row] for row in table]"))
    # The rebuilt table is what the loop reads: measured small (sizes in thousands of the unit), or not found.
    assert checks(s, "unnormalized_inputs").get("inputs_large", None) is None or \
        checks(s, "unnormalized_inputs")["inputs_large"].status != R.HOLDS
    assert "unnormalized_inputs" not in tags(s)


# One sample at a time, the error written as one number without a loss's name (`e = ...`): where the prediction
# meets the label, one non-negative number per step.
UNNAMED_ERROR = """
import numpy as np
rng = np.random.default_rng(4)
images = rng.uniform(0.0, 1.0, (120, 6))
labels = np.eye(3)[(images[:, 0] + images[:, 1] > 1.0).astype(int) + (images[:, 2] > 0.8)]
w_i_h = rng.uniform(-0.5, 0.5, (5, 6))
w_h_o = rng.uniform(-0.5, 0.5, (3, 5))
for epoch in range(2):
    for img, l in zip(images, labels):
        img = img[:, None]
        l = l[:, None]
        h = 1 / (1 + np.exp(-(w_i_h @ img)))
        o = 1 / (1 + np.exp(-(w_h_o @ h)))
        e = 1 / len(o) * np.sum((o - l) ** 2, axis=0)
        delta_o = o - l
        w_h_o += -0.1 * delta_o @ h.T
        delta_h = w_h_o.T @ delta_o * (h * (1 - h))
        w_i_h += -0.1 * delta_h @ img.T
"""


def test_the_one_number_made_where_predictions_meet_the_labels_is_the_loss(tmp_path):
    s = trace_script(tmp_path, UNNAMED_ERROR)
    ls = loss_series(facts(s))
    assert ls is not None and ls[2].startswith("e (line"), ls and ls[2]
    ns = {}
    exec(textwrap.dedent(UNNAMED_ERROR).replace("for epoch in range(2):", "for epoch in range(0):"), ns)
    o = 1 / (1 + np.exp(-(ns["w_h_o"] @ (1 / (1 + np.exp(-(ns["w_i_h"] @ ns["images"][0][:, None])))))))
    first = float(np.sum((o - ns["labels"][0][:, None]) ** 2) / 3)
    assert abs(float(ls[1][0]) - first) < 1e-12  # the first sample's error, replayed before any update


# Per-sample SGD on a matrix's rows: `np.dot(feats[idx], v)` adds up one sample's features, not a batch.
ROW_PICKED = """
import numpy as np
rng = np.random.default_rng(3)
feats = np.asmatrix(rng.uniform(0, 400, (300, 6)))
labels = np.where(rng.random(300) > 0.5, 1.0, -1.0)
v = np.asmatrix(np.full((6, 1), 0.1))
for it in range(2):
    for idx in range(300):
        score = np.dot(feats[idx], v)
        grad = (1.0 / (1.0 + np.exp(-labels[idx] * score[0, 0])) - 1) * labels[idx] * feats[idx].T
        v = v - 0.01 * grad
"""


def test_a_row_picked_by_the_loop_counter_is_no_summed_batch(tmp_path):
    from conftest import analysed_session, judge_rule

    s = analysed_session(tmp_path, ROW_PICKED)
    statuses, out = judge_rule(s, "gradient_sum_not_mean")
    assert statuses["gradient_summed"] == "fails"
    assert "one row per step" in next(c for c in out.checks if c.premise == "gradient_summed").why
    assert "gradient_sum_not_mean" not in [c.tag for c in s.causes]
