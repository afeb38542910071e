"""Drives pbharrin/machinelearninginaction chapter 5 (Peter Harrington's Machine Learning in Action, the book's own
code: Ch05/logRegres.py, Python 2 with `from numpy import *`: loadDataSet() reads testSet.txt and prepends a 1.0 to
each row as the intercept input, sigmoid(inX) = 1/(1+exp(-inX)), stocGradAscent1(), the chapter's improved
stochastic gradient ascent: weights = ones(n), an outer loop over numIter passes (150 by default) and an inner loop
over the m rows, each step one row picked by random.uniform (numpy's global generator), the step size
alpha = 4/(1.0+j+i)+0.0001, error = label - h and weights = weights + alpha * error * row) as the chapter's session
runs it: dataArr, labelMat = loadDataSet(); weights = stocGradAscent1(array(dataArr), labelMat); then
classifyVector on each row. The data is a synthetic testSet.txt with the book file's layout and class shapes (two
Gaussian clouds in x1, x2). Knob: the direction of stocGradAscent1's step, + alpha * error * row (ascent on the
log-likelihood, as written) or - alpha * error * row (the descent rule w - alpha * grad applied to the ascent
direction error * row)."""

import os

import numpy as np

import _common

PROJECT = "mlia_logreg_stocgrad"
REPO = "pbharrin/machinelearninginaction"
COMMIT = "6d71774805b945016a57df97c2f59d8cf2b4b1fd"
FILES = {"Ch05/logRegres.py": "logRegres.py"}
# The knob, stocGradAscent1's update line (stocGradAscent0 has the same text without randIndex, so the patch target
# is unique). healthy: as written, gradient ascent on the log-likelihood, error = label - h times the row.
# broken: the reader who learnt "w = w - alpha * gradient" from another text keeps the book's error = label - h (the
# ascent direction, minus the gradient of the log-loss) and subtracts it: every step descends the likelihood.
STEP = {"healthy": [],
        "broken": [("            weights = weights + alpha * error * dataMatrix[randIndex]\n",
                    "            weights = weights - alpha * error * dataMatrix[randIndex]\n")]}
# healthy: mean log-loss 5.55 at the starting weights (ones) -> 0.154 after the 150 passes, training accuracy 0.94,
# 0.95 on 500 fresh points; weights [11.0, 0.016, -1.42] (the book finds [4.1, 0.48, -0.62] on its 100 points with
# gradAscent), largest |logit| 23.
# broken: each step pushes the row it draws further to the wrong side, and a confidently wrong row (error +-1) keeps
# pushing while a right one (error 0) stops: the weights run off to [901, 89, 12238], the logits reach 2e5, sigmoid's
# exp(-inX) overflows (RuntimeWarning, sigmoid 0 there), label 1 is predicted for 91% of the rows, every label-0 row
# is wrong: log-loss 5.55 -> 62,044, training accuracy 0.454, fresh points 0.472. The weights stay finite.
# Setup patches, both knobs, Python 2 -> 3 on the same lines:
# - stocGradAscent1 deletes from dataIndex = range(m), a list in Python 2: list(range(m)) in Python 3.
# - colicTest() and multiTest() (not called here) end with print statements, which Python 3 does not compile.
PY3 = [("        dataIndex = range(m)\n", "        dataIndex = list(range(m))\n"),
       ('    print "the error rate of this test is: %f" % errorRate\n',
        '    print("the error rate of this test is: %f" % errorRate)\n'),
       ('    print "after %d iterations the average error rate is: %f" % (numTests, errorSum/float(numTests))\n',
        '    print("after %d iterations the average error rate is: %f" % (numTests, errorSum/float(numTests)))\n')]
# No budget patch: the chapter's numIter=150 passes, here over 3,000 synthetic rows (the book's file has 100):
# 450,000 per-row steps, some 5 s.
N_TRAIN, N_FRESH = 3000, 500


def write_test_set(path: str, n: int, rng: np.random.Generator) -> np.ndarray:
    """The book's testSet.txt layout (x1, x2, label, tab-separated) and its two classes' shapes: label 0 around
    (0.1, 10.7), label 1 around (0.0, 3.0) and wider, 53% label 1; not quite separable."""
    labels = (rng.random(n) < 0.53).astype(int)
    x1 = np.where(labels == 1, rng.normal(0.0, 1.3, n), rng.normal(0.1, 1.0, n))
    x2 = np.where(labels == 1, rng.normal(3.0, 3.0, n), rng.normal(10.7, 1.9, n))
    rows = np.column_stack([x1, x2, labels])
    with open(path, "w") as f:
        for a, b, c in rows:
            f.write(f"{a:.6f}\t{b:.6f}\t{int(c)}\n")
    return rows


def log_loss(weights: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
    """Mean negative log-likelihood of the labels under sigmoid(X . weights), by the stable log(1 + exp(-z)) form."""
    z = X @ np.asarray(weights, dtype=float)
    return float(np.mean(np.logaddexp(0.0, -z) * y + np.logaddexp(0.0, z) * (1 - y)))


def main() -> None:
    args = _common.parse(__doc__)
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, FILES, {"logRegres.py": PY3 + STEP[args.knob]})
    rng = np.random.default_rng(5)
    write_test_set(os.path.join(src, "testSet.txt"), N_TRAIN, rng)
    fresh = write_test_set(os.path.join(src, "freshSet.txt"), N_FRESH, rng)
    os.chdir(src)  # loadDataSet() opens testSet.txt in the working folder
    _common.seed(0)  # stocGradAscent1 draws its rows with numpy's random.uniform
    logRegres = _common.load("logRegres")
    dataArr, labelMat = logRegres.loadDataSet()  # the chapter's session
    X, y = np.array(dataArr), np.array(labelMat, dtype=float)
    first_loss = log_loss(np.ones(X.shape[1]), X, y)  # stocGradAscent1 starts from ones(n)
    weights = logRegres.stocGradAscent1(np.array(dataArr), labelMat)  # numIter=150, as the chapter calls it
    train_acc = float(np.mean([logRegres.classifyVector(row, weights) == label for row, label in zip(X, y)]))
    X_fresh = np.column_stack([np.ones(len(fresh)), fresh[:, :2]])
    fresh_acc = float(np.mean([logRegres.classifyVector(row, weights) == label
                               for row, label in zip(X_fresh, fresh[:, 2])]))
    print("weights:", np.array2string(np.asarray(weights), precision=4))
    _common.result(project=PROJECT, knob=args.knob, first_loss=first_loss, last_loss=log_loss(weights, X, y),
                   train_acc=train_acc, fresh_acc=fresh_acc, passes=150, rows=len(y),
                   max_abs_w=float(np.abs(weights).max()), finite_weights=bool(np.isfinite(weights).all()))


if __name__ == "__main__":
    main()
