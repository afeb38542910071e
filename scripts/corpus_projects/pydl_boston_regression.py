"""Drives nash911/PyDL ("yet another Python-based deep learning library utilising NumPy only": layer objects FC / RNN /
LSTM / GRU / Conv with their own forward and backward, a NN container, and training classes SGD, Momentum, RMSprop and
Adam built on PlainTraining.train(), whose epoch loop slices minibatches of 256, calls loss(), loss_gradient(),
NN.backward() and the optimiser's update_network(); Adam keeps its first and second moments per layer in the lists
_m and _v) by its pydl/examples/boston_fc_example.py: a 13-65-65-1 regression net (FC ReLU with dropout 0.5, FC Tanh,
FC Linear, Xavier-scaled randn weights), trained by SGD(step_size=1e-3, reg_lambda=0.1) and then, after
nn.reinitialize_network(), by Adam(step_size=1e-3), each with train(X, y, normalize='mean', ...) on the half mean
squared error, 70 / 30 train / test split, a log line every 100 epochs; here on synthetic Boston-housing-like data
(sklearn.datasets.load_boston, gone from scikit-learn, is a stand-in with the thirteen columns on their real scales);
knob: whether the two train() calls pass normalize='mean' (as written) or leave it out (its default None: raw
columns, TAX and B in the hundreds)."""

import contextlib
import io
import os
import re
import runpy
import sys

import numpy as np

import _common

PROJECT = "pydl_boston_regression"
REPO = "nash911/PyDL"
COMMIT = "897b62265f01a33d193e97dbe5da9e407e4d22c5"
EXAMPLE = "pydl/examples/boston_fc_example.py"
# The knob, the normalize argument of the example's two train() calls. PlainTraining.prepare_data() z-scores the
# training columns (and the test columns with the training mean and std) when normalize='mean'; with None the
# columns go in raw. The target (median value, 5..50) is not normalised in either case.
# broken: the raw columns (TAX 187..666, B up to 397, AGE up to 100) times the Xavier-ReLU weights give first-layer
# pre-activations in the hundreds (after 200 Adam epochs: median |z| 98, largest 615); the 65 Tanh units behind them
# take inputs in the hundreds (np.exp(-2 x) overflows for some: RuntimeWarning), 99% of their outputs are exactly +-1
# (derivative 0) with the same sign for nearly every district, so the output layer sees almost constant features and
# both runs settle on predicting about the mean. SGD: loss 254 at epoch 0 -> 22.9 at epoch 100 -> 22.6 at epoch
# 1,000; Adam: 297 -> 23.4; test RMSE 4.85 for both (a constant prediction of the mean: half variance 23.0).
# healthy: SGD 261 -> 15.8 at epoch 100 -> 4.13 at epoch 1,000 (test RMSE 2.20); Adam 295 -> 48.7 -> 3.07 (test loss
# 4.69, RMSE 2.16). No nan or inf either way.
KNOB = {"healthy": [],
        "broken": [("    sgd.train(X, y, normalize='mean', epochs", "    sgd.train(X, y, epochs"),
                   ("    adam.train(X, y, normalize='mean', epochs", "    adam.train(X, y, epochs")]}
# Budget, both knobs: 5,000 -> 1,000 epochs in each of the two train() calls (two minibatches of at most 256 of the
# 354 training rows an epoch; the run some 17 s, 4 s of it matplotlib redrawing the learning curves).
BUDGET = [("epochs=5000, plot='SGD')", "epochs=1000, plot='SGD')"),
          ("epochs=5000, plot='Adam')", "epochs=1000, plot='Adam')")]
# Setup, both knobs: shuffle_split_data() reshapes a regression target with np.reshape(y, newshape=(-1, 1)), a
# keyword deprecated in numpy 2.1 and gone from the numpy 2.4 here; the positional form is the same call.
NEWSHAPE = ("                labels = np.reshape(y, newshape=(-1, 1))\n            else:\n                labels = y\n",
            "                labels = np.reshape(y, (-1, 1))\n            else:\n                labels = y\n")

# The example loads scikit-learn's Boston housing data (removed from scikit-learn in 1.2): a stand-in in stubs that
# draws 506 rows of the thirteen columns on their real ranges and a median value driven mostly by RM and LSTAT.
SKLEARN_STUB = {
    "sklearn/__init__.py": '"""Stand-in for scikit-learn: only what the example imports."""\n',
    "sklearn/datasets.py": '''"""Stand-in for sklearn.datasets.load_boston: 506 synthetic districts with the thirteen
Boston-housing columns on their real scales (CRIM, ZN, INDUS, CHAS, NOX, RM, AGE, DIS, RAD, TAX, PTRATIO, B, LSTAT)
and MEDV in thousands of dollars (5..50), from a fixed generator."""
import numpy as np


class Bunch(dict):
    __getattr__ = dict.__getitem__


def load_boston():
    rng = np.random.default_rng(506)
    n = 506
    crim = np.exp(rng.normal(-0.5, 1.6, n)).clip(0.006, 89.0)
    zn = np.where(rng.random(n) < 0.26, rng.choice([12.5, 20.0, 25.0, 40.0, 80.0, 95.0], n), 0.0)
    indus = rng.uniform(0.46, 27.74, n)
    chas = (rng.random(n) < 0.07).astype(float)
    nox = rng.uniform(0.385, 0.871, n)
    rm = rng.normal(6.28, 0.70, n).clip(3.56, 8.78)
    age = (100.0 - rng.exponential(30.0, n)).clip(2.9, 100.0)
    dis = (1.13 + rng.exponential(2.7, n)).clip(1.13, 12.13)
    rad = rng.choice([1, 2, 3, 4, 5, 6, 7, 8, 24], n).astype(float)
    tax = np.where(rad == 24, 666.0, rng.uniform(187.0, 469.0, n))
    ptratio = rng.uniform(12.6, 22.0, n)
    b = (396.9 - rng.exponential(30.0, n)).clip(0.32, 396.9)
    lstat = (1.73 + rng.gamma(2.5, 4.2, n)).clip(1.73, 37.97)
    data = np.c_[crim, zn, indus, chas, nox, rm, age, dis, rad, tax, ptratio, b, lstat]
    medv = (22.5 + 7.0 * (rm - 6.28) - 0.55 * (lstat - 12.6) - 0.8 * (ptratio - 18.5) - 10.0 * (nox - 0.55)
            - 0.05 * (crim - 3.6) + 2.5 * chas - 0.4 * (dis - 3.8) + rng.normal(0.0, 2.5, n))
    return Bunch(data=data, target=medv.clip(5.0, 50.0))
''',
}
# PlainTraining.train() prints its wall-clock time at the end; the copy printed here drops it
CLOCK = [(re.compile(r"Training Time: [\d.]+\(s\)"), "Training Time: -(s)")]
LOG = re.compile(r"Epoch-(\d+) - Training Loss: (\S+) - Test Loss: (\S+) - Train Accuracy: (\S+) - "
                 r"Test Accuracy: (\S+)")


def main() -> None:
    args = _common.parse(__doc__)
    files = {path: path for folder in ("pydl/nn", "pydl/training")
             for path in _common.python_files(REPO, COMMIT, folder)}
    files.update({"pydl/__init__.py": "pydl/__init__.py", "pydl/conf.py": "pydl/conf.py", EXAMPLE: EXAMPLE})
    patches = {EXAMPLE: KNOB[args.knob] + BUDGET, "pydl/training/training.py": [NEWSHAPE]}
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, files, patches, stubs=SKLEARN_STUB)
    os.environ.setdefault("MPLBACKEND", "Agg")  # each train() draws its learning curves (plt.pause, plt.show)
    os.chdir(src)
    _common.seed(0)  # weights, the train/test shuffles, dropout masks: numpy's global generator
    sys.stdin = io.StringIO("\n")  # the example ends with input("Press Enter to continue...")
    printed = _common.Tee(sys.stdout, CLOCK)
    with contextlib.redirect_stdout(printed):
        runpy.run_path(EXAMPLE, run_name="__main__")
    if not printed.kept.getvalue().endswith("\n"):
        print()  # input()'s prompt ends without a newline
    logs = LOG.findall(printed.kept.getvalue())
    # two runs, each starting with its epoch-0 line (the loss before any step)
    starts = [i for i, line in enumerate(logs) if line[0] == "0"]
    sgd, adam = logs[starts[0]:starts[1]], logs[starts[1]:]
    target = _common.load("sklearn.datasets").load_boston().target
    _common.result(project=PROJECT, knob=args.knob,
                   first_loss=float(sgd[0][1]), sgd_last_loss=float(sgd[-1][1]), sgd_test_rmse=float(sgd[-1][4]),
                   adam_first_loss=float(adam[0][1]), last_loss=float(adam[-1][1]),
                   test_loss=float(adam[-1][2]), test_rmse=float(adam[-1][4]),
                   mean_predictor_loss=0.5 * float(np.var(target)), epochs=int(adam[-1][0]), logs=len(logs))


if __name__ == "__main__":
    main()
