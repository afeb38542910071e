"""Drives TheAlgorithms/Python machine_learning/logistic_regression.py (logistic regression from scratch: one
module function, a local theta array, full-batch gradient descent for 70,000 iterations, mean cross-entropy printed
every 100) by running the file as a script on iris-like data; knob: the learning rate (alpha of its main block)."""

import os
import runpy
import sys

import numpy as np

import _common

PROJECT = "algorithms_logistic_iris"
REPO = "TheAlgorithms/Python"
COMMIT = "f5988cc09713315817df6a7e327e258013a94440"
FILE = "machine_learning/logistic_regression.py"
# healthy: the script's alpha (printed loss 0.608 at iteration 0 -> 0.107 at 69,900, setosa-vs-rest accuracy 0.953
# on the two sepal features); broken: a hundred times larger, what a user tries when 70,000 iterations feel slow:
# sepal lengths are ~6 and nothing is scaled, so the steps overshoot, theta swings to norm ~60, the sigmoid rounds to
# exactly 0.0 or 1.0 for most flowers, cost_function's log(1 - h) is -inf and every printed loss is nan (700 of 700);
# the final theta's true cross-entropy is 30.7 and it calls every flower "not setosa" (accuracy 0.667)
LEARNING_RATE = {"healthy": "0.1", "broken": "10"}

# The script loads iris through scikit-learn and plots the decision boundary with matplotlib. The stand-ins: a
# load_iris that draws 150 flowers (50 per species) from the real iris per-class means and standard deviations,
# rounded to millimetres as the real table is, from its own seeded generator; and a pyplot that draws nothing.
STUBS = {
    "sklearn/__init__.py": '"""Stand-in for scikit-learn: logistic_regression.py uses datasets.load_iris only."""\n',
    "sklearn/datasets.py": '''"""Stand-in for sklearn.datasets.load_iris: flowers drawn from iris statistics."""
import types

import numpy as np

# sepal length, sepal width, petal length, petal width (cm): mean and standard deviation per species
_MEANS = [(5.006, 3.428, 1.462, 0.246), (5.936, 2.770, 4.260, 1.326), (6.588, 2.974, 5.552, 2.026)]
_STDS = [(0.352, 0.379, 0.174, 0.105), (0.516, 0.314, 0.470, 0.198), (0.636, 0.322, 0.552, 0.275)]


def load_iris(return_X_y=False, as_frame=False):
    rng = np.random.RandomState(3)
    data = np.concatenate([rng.normal(m, s, (50, 4)) for m, s in zip(_MEANS, _STDS)])
    data = np.maximum(np.round(data, 1), 0.1)
    target = np.repeat(np.arange(3), 50)
    if return_X_y:
        return data, target
    return types.SimpleNamespace(
        data=data, target=target, target_names=np.array(["setosa", "versicolor", "virginica"]),
        feature_names=["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"])
''',
    "matplotlib/__init__.py": '"""Stand-in for matplotlib: nothing is drawn."""\n',
    "matplotlib/pyplot.py": '''"""Stand-in for matplotlib.pyplot: the script's plots draw nothing."""


def figure(*args, **kwargs):
    return None


def scatter(*args, **kwargs):
    return None


def contour(*args, **kwargs):
    return None


def legend(*args, **kwargs):
    return None


def show(*args, **kwargs):
    return None
''',
}


class Tee(_common.Tee):
    """_common.Tee with the stream's encoding, which doctest.testmod reads from sys.stdout."""

    @property
    def encoding(self):
        return self.through.encoding


def main() -> None:
    args = _common.parse(__doc__)
    patches = {FILE: [("alpha = 0.1", f"alpha = {LEARNING_RATE[args.knob]}")]}
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, {FILE: FILE}, patches, stubs=STUBS)
    _common.seed(0)  # nothing in the script draws random numbers; the stand-in iris has its own seeded generator
    # runs the file as `python machine_learning/logistic_regression.py` does (its doctests first, then the fit);
    # the copy of its output kept here is scored
    tee = Tee(sys.stdout)
    sys.stdout = tee
    try:
        run = runpy.run_path(os.path.join(src, FILE), run_name="__main__")
    finally:
        sys.stdout = tee.through
    printed = [float(line.split("loss: ", 1)[1]) for line in tee.kept.getvalue().splitlines()
               if line.startswith("loss: ")]
    theta, x, y = run["theta"], run["x"], run["y"]
    z = np.dot(x, theta)
    # the mean cross-entropy of the final theta computed without rounding the sigmoid (log(1 + e^z) - y z)
    loss = float(np.mean(np.logaddexp(0.0, z) - y * z))
    _common.result(project=PROJECT, knob=args.knob, first_printed_loss=printed[0], last_printed_loss=printed[-1],
                   nan_printed=sum(np.isnan(p) for p in printed), printed=len(printed), loss=loss,
                   train_acc=float(np.mean((run["sigmoid_function"](z) > 0.5) == y)),
                   theta_norm=float(np.linalg.norm(theta)))


if __name__ == "__main__":
    main()
