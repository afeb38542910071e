"""The generalisation corpus: its manifest agrees with its scripts, its labels and its split rule."""

from __future__ import annotations

import ast
import difflib
import hashlib
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parent / "corpus"
SCRIPTS = CORPUS / "scripts"

# The root-cause vocabulary; a label added to the corpus must be added here and to tests/corpus/README.md.
VOCABULARY = {
    "learning_rate_too_high", "learning_rate_too_low", "missing_bias", "inplace_mutation_aliasing",
    "gradient_sign_wrong", "wrong_derivative_formula", "derivative_on_preactivation", "unnormalized_inputs",
    "gradient_sum_not_mean", "weights_init_too_large", "weights_init_too_small", "weights_init_symmetric",
    "softmax_overflow_no_max_subtraction", "log_of_zero", "division_by_zero", "exp_overflow",
    "targets_outside_activation_range", "integer_dtype_truncation", "forward_outside_loop", "shape_broadcasting_bug",
    "nan_in_input_data", "dead_relu", "vanishing_gradient", "exploding_gradient", "wrong_loss_for_activation",
    "parameter_not_updated", "parameter_shape_per_sample", "hyperparameter_defined_not_used",
}
SYMPTOMS = {"nan", "inf", "diverges", "stalls", "wrong_accuracy", "crash"}
ALLOWED_IMPORTS = {"numpy", "math", "random", "io"}
# Words that would tell a reader (or a tool) which script is the broken one.
GIVEAWAYS = ("bug", "broken", "fixed", "mistake", "oops", "should be", "typo")


@pytest.fixture(scope="module")
def manifest():
    return json.loads((CORPUS / "manifest.json").read_text())


@pytest.fixture(scope="module")
def entries(manifest):
    return manifest["scripts"]


def group_of(path):
    stem = Path(path).stem
    return stem[:-2] if stem[-2:] in ("_a", "_b") else stem


def test_every_script_listed_once(entries):
    listed = [e["file"] for e in entries]
    assert len(listed) == len(set(listed))
    on_disk = sorted(f"scripts/{p.name}" for p in SCRIPTS.glob("*.py"))
    assert sorted(listed) == on_disk


def test_corpus_size(entries):
    counts = Counter(e["status"] for e in entries)
    assert len(entries) >= 80
    assert counts["broken"] >= 45
    assert set(counts) == {"broken", "healthy"}


def test_labels_and_symptoms(entries):
    for e in entries:
        if e["status"] == "broken":
            assert e["cause"] in VOCABULARY, e["file"]
            assert e["symptom"] in SYMPTOMS, e["file"]
            assert set(e["secondary"]) <= VOCABULARY, e["file"]
            assert e["cause"] not in e["secondary"], e["file"]
        else:
            assert e["cause"] is None and e["symptom"] is None and e["secondary"] == [], e["file"]
        assert e["description"] and e["parameters"] and e["style"], e["file"]


def test_twins_pair_up(entries):
    by_file = {e["file"]: e for e in entries}
    for e in entries:
        if e["twin"] is None:
            continue
        twin = by_file[e["twin"]]
        assert twin["twin"] == e["file"]
        assert {e["status"], twin["status"]} == {"broken", "healthy"}
        assert e["split"] == twin["split"]
        assert group_of(e["file"]) == group_of(twin["file"]) == e["group"]
    with_twin = sum(1 for e in entries if e["status"] == "broken" and e["twin"])
    assert with_twin > sum(1 for e in entries if e["status"] == "broken") / 2, "most broken scripts have a twin"


def test_twins_differ_only_by_the_fix(entries):
    """A twin is the same script with the mistake fixed: a handful of changed lines, not a rewrite."""
    for e in entries:
        if e["status"] != "broken" or not e["twin"]:
            continue
        broken = (CORPUS / e["file"]).read_text().splitlines()
        fixed = (CORPUS / e["twin"]).read_text().splitlines()
        changed = [line for line in difflib.unified_diff(broken, fixed, lineterm="", n=0)
                   if line[:1] in "+-" and not line.startswith(("+++", "---"))]
        assert 0 < len(changed) <= 12, (e["file"], len(changed))


def test_split_follows_the_recorded_rule(entries):
    """Recomputed here from the file names alone: sha256 order, alternating, broken groups apart from the rest."""
    groups = {e["group"] for e in entries}
    broken = sorted({e["group"] for e in entries if e["status"] == "broken"},
                    key=lambda g: hashlib.sha256(g.encode()).hexdigest())
    healthy_only = sorted(groups - set(broken), key=lambda g: hashlib.sha256(g.encode()).hexdigest())
    expected = {}
    for ordered in (broken, healthy_only):
        expected.update({g: ("dev", "test")[i % 2] for i, g in enumerate(ordered)})
    for e in entries:
        assert e["split"] == expected[e["group"]], e["file"]


def test_splits_balanced(entries):
    counts = Counter((e["split"], e["status"]) for e in entries)
    assert abs(counts["dev", "broken"] - counts["test", "broken"]) <= 1
    dev = counts["dev", "broken"] + counts["dev", "healthy"]
    test = counts["test", "broken"] + counts["test", "healthy"]
    assert abs(dev - test) <= 0.1 * (dev + test)


def test_failure_steps_only_where_measured(entries):
    for e in entries:
        step = e["first_nonfinite_step"]
        if step is not None:
            assert e["status"] == "broken" and e["symptom"] in ("nan", "inf") and e["training_loop"], e["file"]
            assert isinstance(step, int) and step >= -1, e["file"]


def test_training_loop_lines(entries):
    for e in entries:
        loop = e["training_loop"]
        if loop is None:
            continue
        line = (CORPUS / e["file"]).read_text().splitlines()[loop["line"] - 1].strip()
        assert line == loop["header"], e["file"]
        assert line.startswith(("for ", "while ")) and line.endswith(":"), e["file"]


def test_scripts_are_standalone_and_neutral(entries):
    """numpy and the standard library only, no file or network access, nothing naming the mistake."""
    for e in entries:
        source = (CORPUS / e["file"]).read_text()
        tree = ast.parse(source)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [(node.module or "").split(".")[0]]
            else:
                names = []
            assert set(names) <= ALLOWED_IMPORTS, (e["file"], names)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id != "open", e["file"]
        lowered = source.lower()
        assert not [w for w in GIVEAWAYS if w in lowered], e["file"]
        assert "final_loss=" in source or "accuracy=" in source or "r2=" in source, e["file"]
    names = " ".join(e["file"] for e in entries)
    assert not [label for label in VOCABULARY if label in names], "file names must not name the cause"


def test_readme_lists_the_vocabulary():
    readme = (CORPUS / "README.md").read_text()
    assert not [label for label in VOCABULARY if f"`{label}`" not in readme]


# The two checks below re-run every corpus script in plain python: checks of the (frozen) corpus itself, not of
# nandoctor, run with --corpus.
@pytest.mark.corpus
def test_check_passes():
    """Every script, run with plain python, shows the symptom (or the health) the manifest declares."""
    proc = subprocess.run([sys.executable, str(CORPUS / "check.py")], capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]


@pytest.mark.corpus
def test_failure_steps_remeasured():
    """The manifest's first_nonfinite_step values are what a fresh sys.settrace measurement finds."""
    proc = subprocess.run([sys.executable, str(CORPUS / "measure_failure.py"), "--check"], capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
