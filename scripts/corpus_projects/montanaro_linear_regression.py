"""Drives FrancescoMontanaro/Machine-Learning-from-scratch (Machine Learning/Supervised Learning/Regression/Linear
Regression: a LinearRegression class whose fit runs full-batch gradient descent with a ridge term from zero weights)
with the training cells of its train.ipynb on make_regression data; knob: the notebook's learning rate."""

import json
import os

import numpy as np

import _common

PROJECT = "montanaro_linear_regression"
REPO = "FrancescoMontanaro/Machine-Learning-from-scratch"
COMMIT = "3ff3244b834878b2e920684d81a834249d2d6952"
FOLDER = "Machine Learning/Supervised Learning/Regression/Linear Regression"
# the notebook imports `from src.linear_regression import LinearRegression`, from the folder it sits in
FILES = {f"{FOLDER}/src/__init__.py": "src/__init__.py",
         f"{FOLDER}/src/linear_regression.py": "src/linear_regression.py"}
NOTEBOOK = f"{FOLDER}/train.ipynb"
# The notebook's cells that import, set the constants, load, build, fit, predict and print the test MSE (by index;
# the markdown headings and the last cell's plot are left out).
TRAINING_CELLS = (0, 2, 4, 6, 8, 10, 11)
# healthy: the notebook's rate (training MSE 5335 at the zero start -> 400.5, the noise floor of 20^2; test MSE 402;
# w 70.21 for a true coefficient of 70.17); broken: a hundred times smaller, a rate a user picks "to be safe": after
# the same 1,000 epochs w has covered a tenth of the way (6.69), training MSE 5335 -> 4440, test MSE 4451
LEARNING_RATE = {"healthy": "0.01", "broken": "0.0001"}

# The notebook draws its data with sklearn.datasets.make_regression, splits it with train_test_split and imports
# pyplot for the plot cell. The stand-ins: make_regression and train_test_split as scikit-learn documents them
# (standard normal X, coefficients 100 * U(0, 1), Gaussian noise of the given scale, rows shuffled; a seeded
# permutation, the first ceil(test_size * n) rows for testing), from their own RandomState(random_state); and a
# pyplot that draws nothing.
STUBS = {
    "sklearn/__init__.py": '"""Stand-in for scikit-learn: the notebook uses datasets.make_regression and '
                           'model_selection.train_test_split."""\n',
    "sklearn/datasets.py": '''"""Stand-in for sklearn.datasets.make_regression (a random linear regression problem)."""
import numpy as np


def make_regression(n_samples=100, n_features=100, n_informative=10, noise=0.0, bias=0.0, random_state=None,
                    **kwargs):
    rng = np.random.RandomState(random_state)
    n_informative = min(n_features, n_informative)
    X = rng.standard_normal(size=(n_samples, n_features))
    ground_truth = np.zeros((n_features, 1))
    ground_truth[:n_informative, :] = 100 * rng.uniform(size=(n_informative, 1))
    y = np.dot(X, ground_truth) + bias
    order = rng.permutation(n_samples)
    X, y = X[order], y[order]
    if noise > 0.0:
        y += rng.normal(scale=noise, size=y.shape)
    return X, np.squeeze(y)
''',
    "sklearn/model_selection.py": '''"""Stand-in for sklearn.model_selection.train_test_split (one seeded shuffle split)."""
import math

import numpy as np


def train_test_split(*arrays, test_size=0.25, random_state=None, **kwargs):
    n = len(arrays[0])
    n_test = math.ceil(test_size * n)
    order = np.random.RandomState(random_state).permutation(n)
    test, train = order[:n_test], order[n_test:]
    out = []
    for a in arrays:
        out += [a[train], a[test]]
    return out
''',
    "matplotlib/__init__.py": '"""Stand-in for matplotlib: only pyplot, which draws nothing."""\n',
    "matplotlib/pyplot.py": '''"""Stand-in for matplotlib.pyplot: the notebook's plot calls draw nothing."""


def scatter(*args, **kwargs):
    return None


def plot(*args, **kwargs):
    return None


def show(*args, **kwargs):
    return None
''',
}


def notebook_module(notebook: dict, knob: str) -> str:
    cells = notebook["cells"]
    text = "\n\n".join("".join(cells[index]["source"]).rstrip() for index in TRAINING_CELLS) + "\n"
    where = "train.py"
    text = _common.patch(text, "learning_rate = 0.01 #", f"learning_rate = {LEARNING_RATE[knob]} #", where)
    # budget, the other way round: 1,000 samples fit in 0.01 s; a million take the 1,000 epochs about 4 s of CPU
    text = _common.patch(text, "n_samples = 1000 #", "n_samples = 1000000 #", where)
    return text


def main() -> None:
    args = _common.parse(__doc__)
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, FILES, stubs=STUBS)
    notebook = json.loads(_common.read(REPO, COMMIT, NOTEBOOK))
    with open(os.path.join(src, "train.py"), "w", encoding="utf-8") as f:
        f.write(notebook_module(notebook, args.knob))
    os.chdir(src)
    _common.seed(0)  # the notebook draws through the seeded stand-ins only; nothing else is random
    nb = _common.load("train")  # runs the cells in order, as the notebook does (it prints the test MSE)
    model, x, y = nb.model, nb.X_train, nb.y_train
    # fit starts from zero weights and bias, so its first epoch's training MSE is the mean of y squared
    first = float(np.mean(y ** 2))
    last = float(np.mean((model.predict(x) - y) ** 2))
    _common.result(project=PROJECT, knob=args.knob, first_train_mse=first, train_mse=last, test_mse=float(nb.mse),
                   w=float(model.weights[0]), b=float(model.bias),
                   finite=bool(np.isfinite(model.weights).all() and np.isfinite(model.bias)))


if __name__ == "__main__":
    main()
