"""Drives zotroneneis/machine_learning_basics (the softmax_regression notebook: a SoftmaxRegressor class with weights
and bias as attributes, full-batch gradient descent written in its train(), softmax as exp(scores) / sum exp(scores))
by the notebook's cells on make_blobs data; knob: the units of the input features (raw, unscaled values)."""

import contextlib
import json
import math
import os
import sys

import numpy as np

import _common

PROJECT = "mlbasics_softmax_blobs"
REPO = "zotroneneis/machine_learning_basics"
COMMIT = "24f6f8358be72849bfea6eab164bd7dc1e45e328"
NOTEBOOK = "softmax_regression.ipynb"
# healthy: the blobs as make_blobs draws them (centres in [-10, 10], unit spread: loss 3.35 at iteration 0 -> 0.086
# at the last, 799, test accuracy 0.982); broken: the same points in units a hundred times smaller, as raw
# measurements come (centimetres instead of metres, values from about -900 to 1,300), fed in unscaled as the notebook
# feeds its blobs: the scores X w reach about 1,350 on the first pass, exp overflows to inf for nearly half the
# points in the softmax, which does not subtract the row maximum, inf / inf makes their probabilities nan, so the
# loss from iteration 0 and every weight after the first update are nan, and the test accuracy is that of always
# predicting class 0 (0.249)
UNITS = {"healthy": 1.0, "broken": 100.0}
# The notebook's code cells, by index in its JSON: the imports (2), the blobs and their plot (4), the split (5), the
# SoftmaxRegressor class (7), training and the loss plot (9), the test accuracy (11): all of them, in order.
CELLS = (2, 4, 5, 7, 9, 11)
# budget: 40,000 blobs instead of 5,000, so that a plain run takes a few seconds (800 iterations, as written)
N_SAMPLES = 40000


def sklearn_stub(units: float) -> dict[str, str]:
    """The notebook imports scikit-learn for make_blobs, train_test_split and load_iris (never called): stand-ins
    that draw as sklearn does from numpy's global random state (the notebook seeds it with 13)."""
    return {
        "sklearn/__init__.py": '"""Stand-in for scikit-learn: only what the notebook imports."""\n',
        "sklearn/datasets.py": f'''"""Stand-in for sklearn.datasets: make_blobs as sklearn draws it; load_iris
(imported, never called)."""
import numpy as np

# corpus driver knob: the units the features come in (1.0: as make_blobs draws them)
UNITS = {units!r}


def make_blobs(n_samples=100, n_features=2, centers=None, cluster_std=1.0, center_box=(-10.0, 10.0), shuffle=True,
               random_state=None):
    generator = np.random.mtrand._rand
    n_centers = 3 if centers is None else centers
    centers = generator.uniform(center_box[0], center_box[1], size=(n_centers, n_features))
    per_center = [n_samples // n_centers] * n_centers
    for i in range(n_samples % n_centers):
        per_center[i] += 1
    X = np.concatenate([generator.normal(loc=centers[i], scale=cluster_std, size=(n, n_features))
                        for i, n in enumerate(per_center)])
    y = np.concatenate([np.full(n, i) for i, n in enumerate(per_center)])
    if shuffle:
        indices = np.arange(n_samples)
        generator.shuffle(indices)
        X, y = X[indices], y[indices]
    return X * UNITS, y


def load_iris(*args, **kwargs):
    raise NotImplementedError("stand-in: the notebook imports load_iris but never calls it")
''',
        "sklearn/model_selection.py": '''"""Stand-in for sklearn.model_selection.train_test_split:
ShuffleSplit from numpy's global random state."""
import math

import numpy as np


def train_test_split(*arrays, test_size=0.25, random_state=None):
    n = len(arrays[0])
    n_test = math.ceil(test_size * n)
    permutation = np.random.mtrand._rand.permutation(n)
    test, train = permutation[:n_test], permutation[n_test:]
    return [part for a in arrays for part in (a[train], a[test])]
''',
    }


# The cells plot the blobs and the loss curve; this stand-in draws nothing.
PYPLOT_STUB = {
    "matplotlib/__init__.py": '"""Stand-in for matplotlib: the notebook only plots."""\n',
    "matplotlib/pyplot.py": '"""Stand-in for matplotlib.pyplot: every call draws nothing."""\n\n\n'
                            "def _nothing(*args, **kwargs):\n    return None\n\n\n"
                            "figure = scatter = plot = title = xlabel = ylabel = show = _nothing\n",
}


def notebook_module(notebook: dict) -> str:
    cells = notebook["cells"]
    text = "\n\n".join("".join(cells[i]["source"]).rstrip() for i in CELLS) + "\n"
    return _common.patch(text, "X, y_true = make_blobs(centers=4, n_samples = 5000)",
                         f"X, y_true = make_blobs(centers=4, n_samples = {N_SAMPLES})", "softmax_regression.py")


def main() -> None:
    args = _common.parse(__doc__)
    stubs = {**sklearn_stub(UNITS[args.knob]), **PYPLOT_STUB}
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, {}, stubs=stubs)
    notebook = json.loads(_common.read(REPO, COMMIT, NOTEBOOK))
    with open(os.path.join(src, "softmax_regression.py"), "w", encoding="utf-8") as f:
        f.write(notebook_module(notebook))
    os.chdir(src)
    _common.seed(0)
    printed = _common.Tee(sys.stdout)
    with contextlib.redirect_stdout(printed):
        run = _common.load("softmax_regression")  # runs the cells in order, as the notebook does
    lines = printed.kept.getvalue().splitlines()
    accuracy = [float(line.rsplit(": ", 1)[1].rstrip("%")) / 100 for line in lines
                if line.startswith("Classification accuracy on test set")][-1]
    losses = [float(value) for value in run.loss]  # cell 9 binds train()'s list of losses to `loss`
    first_nan = next((i for i, value in enumerate(losses) if math.isnan(value)), "none")
    _common.result(project=PROJECT, knob=args.knob, first_loss=losses[0], last_loss=losses[-1],
                   min_loss=np.nanmin(losses) if not all(map(math.isnan, losses)) else float("nan"),
                   first_nan_iteration=first_nan, test_acc=accuracy,
                   finite_weights=bool(np.isfinite(run.regressor.weights).all()))


if __name__ == "__main__":
    main()
