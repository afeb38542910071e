"""Drives Maiyatang2010/algorithm_per_week (FM/fm.py: a second-order factorization machine for binary labels -1/+1,
an FM class whose load_data reads a space-separated table, takes the label column out and min-max scales every
feature column with sklearn's MinMaxScaler in normlize(), and whose train() starts from w_0 = 0, w = 0 and a latent
matrix v = normalvariate(0, 0.2) * ones((n, k)), then makes one SGD step per row, 100 passes over the rows in order,
on the logistic loss log(1 + exp(-y y_hat)) with learning rate 0.01) run as its __main__ block does, FM(train_path, 8,
" ").train() then test(test_path, 8, " "), on synthetic diabetes-screening rows shaped like the Pima Indians table its
train_data.txt and test_data.txt hold; knob: whether load_data min-max scales the features."""

import contextlib
import os
import runpy
import sys

import numpy as np

import _common

PROJECT = "fm_pima_diabetes"
REPO = "Maiyatang2010/algorithm_per_week"
COMMIT = "f612753544af1a72ef94a1aaec313c6a1b2161e5"
FILES = {"FM/fm.py": "fm.py"}
# load_data's return line. NumPy 2 no longer has np.mat (the np.matrix constructor); np.asmatrix is the same
# call, so both knobs port it on this one line. healthy: the features through normlize() (MinMaxScaler: every column
# into [0, 1]), as written; broken: the scaling left out, the raw table handed to the FM, the learner's "the columns
# are already numbers": insulin up to 675 in the training rows, glucose up to 199, pairwise products x_i x_j up to
# 4.6e5.
# healthy: its test() prints "test accuracy: 0.8396" (the majority class is 0.698 of the test rows); the driver's log
# loss 0.306 on the 268 test rows and 0.262 on the 500 training rows (train accuracy 0.890), all weights finite,
# largest |v| 1.5. broken: v starts at -0.037 everywhere and the first row's y_hat is already 572; each step moves v by
# alpha times gradients of order x_i x_j |v| (a row whose label already agrees with a huge y_hat moves nothing): the
# largest |v| is 9.9 after the first row, 9.1e2 after the third, 8.5e4 after the fourth, 1.4e7 after the fifth and
# 1e152 by the hundredth, y_hat is inf at row 100 and nan from row 101, and w_0, w and v are nan from row 102 of the
# first pass to the end (numpy's overflow and invalid-value warnings in exp, multiply and dot); every prediction is
# nan, and test() counts a nan as neither under nor over 0.5, so it prints "test accuracy: 1.0000": the driver counts
# a nan prediction as wrong (accuracy 0) and reports the project's own figure beside it
LOAD = {"healthy": "return np.asmatrix(self.normlize(features)), labels",
        "broken": "return np.asmatrix(features), labels"}
# sklearn is not installed here and fm.py uses it only for MinMaxScaler().fit_transform: a stand-in computing the same
# (x - column min) / (column max - column min), a zero range treated as 1 as sklearn does
STUBS = {
    "sklearn/__init__.py": '"""Stand-in for scikit-learn: preprocessing.MinMaxScaler only."""\n',
    "sklearn/preprocessing.py": '''"""Stand-in for sklearn.preprocessing: MinMaxScaler with the default feature_range (0, 1)."""

import numpy as np


class MinMaxScaler:
    def fit_transform(self, X):
        X = np.asarray(X, dtype=float)
        low = X.min(axis=0)
        span = X.max(axis=0) - low
        span[span == 0.0] = 1.0
        return (X - low) / span
''',
}
N_TRAIN, N_TEST = 500, 268  # the sizes of the repository's train_data.txt and test_data.txt


def pima_like(n: int, rng: np.random.Generator) -> np.ndarray:
    """Rows of the Pima Indians diabetes table's eight columns, at its scales (pregnancies, plasma glucose, diastolic
    blood pressure, triceps skin fold with 30% zeros, serum insulin with 49% zeros, BMI, diabetes pedigree, age), and
    a last column +1 (diabetic) or -1; the label is drawn from a logistic model of glucose, BMI, pedigree, pregnancies
    and age (30% positives)."""
    preg = rng.poisson(3.8, n).clip(0, 17)
    glucose = rng.normal(121, 31, n).clip(44, 199).round()
    pressure = rng.normal(72, 12, n).clip(24, 122).round()
    skin = np.where(rng.random(n) < 0.3, 0, rng.normal(29, 10, n).clip(7, 99).round())
    insulin = np.where(rng.random(n) < 0.49, 0, rng.lognormal(4.8, 0.6, n).clip(14, 846).round())
    bmi = rng.normal(32.4, 6.9, n).clip(18, 67).round(1)
    pedigree = rng.lognormal(-0.95, 0.6, n).clip(0.078, 2.42).round(3)
    age = (21 + rng.gamma(1.6, 7.5, n)).clip(21, 81).round()
    z = (0.035 * (glucose - 121) + 0.09 * (bmi - 32.4) + 0.9 * (pedigree - 0.47) + 0.12 * (preg - 3.8)
         + 0.02 * (age - 33) - 0.65)
    label = np.where(rng.random(n) < 1.0 / (1.0 + np.exp(-3.0 * z)), 1.0, -1.0)
    return np.c_[preg, glucose, pressure, skin, insulin, bmi, pedigree, age, label]


def scores(model, path: str) -> dict:
    """Log loss and accuracy of the trained FM on a file, through the project's own load_data and predict (a nan
    prediction counts as wrong)."""
    features, labels = model.load_data(path, 8, " ")
    with np.errstate(all="ignore"):
        p = np.array([float(r[0, 0]) for r in model.predict(features)])
        positive = labels == 1.0
        loss = -np.mean(np.log(np.clip(np.where(positive, p, 1.0 - p), 1e-15, 1.0)))
    correct = np.isfinite(p) & ((p >= 0.5) == positive)
    return {"loss": float(loss), "acc": float(correct.mean()), "nonfinite": int((~np.isfinite(p)).sum())}


def main() -> None:
    args = _common.parse(__doc__)
    patches = {"fm.py": [("return np.mat(self.normlize(features)), labels", LOAD[args.knob])]}
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, FILES, patches, stubs=STUBS)
    rng = np.random.default_rng(0)
    for name, n in (("train_data.txt", N_TRAIN), ("test_data.txt", N_TEST)):
        np.savetxt(os.path.join(src, name), pima_like(n, rng), fmt="%.4e", delimiter=" ")  # the files' own format
    os.chdir(src)
    _common.seed(0)  # v's starting value is random.normalvariate(0, 0.2)
    printed = _common.Tee(sys.stdout)
    with contextlib.redirect_stdout(printed):
        module = runpy.run_path("fm.py", run_name="__main__")  # trains, then prints "test accuracy: ..."
    reported = float(printed.kept.getvalue().rsplit("test accuracy:", 1)[1].split()[0])
    fm = module["fm"]
    test, train = scores(fm, "test_data.txt"), scores(fm, "train_data.txt")
    labels = np.loadtxt("test_data.txt", delimiter=" ")[:, 8]
    _common.result(project=PROJECT, knob=args.knob, test_loss=test["loss"], test_acc=test["acc"],
                   train_loss=train["loss"], train_acc=train["acc"], project_reported_test_acc=reported,
                   majority_acc=float(max(np.mean(labels == 1.0), np.mean(labels == -1.0))),
                   nonfinite_predictions=test["nonfinite"] + train["nonfinite"],
                   max_abs_v=float(np.abs(fm._v).max()),
                   finite_weights=bool(np.isfinite(fm._w_0) and np.isfinite(fm._w).all()
                                       and np.isfinite(fm._v).all()))


if __name__ == "__main__":
    main()
