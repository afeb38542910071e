"""Drives NoorFatima01/LogisticRegressionNewtonMethod (CS229 problem set 1, problem 1(b): p01b_logreg.py's
LogisticRegression(LinearModel) fitted by Newton's method in fit(), theta from zeros, the gradient and Hessian of the
mean log-loss, theta -= inv(H) . grad in a while loop until the L1 change is under eps = 1e-5; util.load_dataset
reads the x_* columns of a CSV and adds the column of ones only when asked with add_intercept=True) by run.py's
first call, main() on ds1_train.csv / ds1_valid.csv, on synthetic ds1-like data; knob: whether main loads the
inputs with the intercept column (add_intercept=True) or with load_dataset's default (no column of ones)."""

import math
import os

import numpy as np

import _common

PROJECT = "cs229_logreg_newton"
REPO = "NoorFatima01/LogisticRegressionNewtonMethod"
COMMIT = "ef56c0c9e28316f1aa8c27e15a0140b6ff3a86ed"
FILES = {"src/p01b_logreg.py": "p01b_logreg.py", "src/util.py": "util.py", "src/linear_model.py": "linear_model.py"}
# main()'s two load_dataset calls ask for the intercept column; the broken knob calls load_dataset with its default
# add_intercept=False, the learner's forgotten flag: the model is theta . x with no constant term, a decision boundary
# through the origin
LOADS = {
    "healthy": ["util.load_dataset(train_path,add_intercept=True)", "util.load_dataset(eval_path, add_intercept=True)"],
    "broken": ["util.load_dataset(train_path)", "util.load_dataset(eval_path)"],
}
# healthy: Newton's method stops after 8 steps at theta = (-12.2, 3.27, 7.0e-05) (intercept, x_1, x_2):
# mean log-loss 0.225 on the 800 training points, training accuracy 0.91, validation accuracy 0.89 (0.275 log-loss).
# broken: Newton's method converges as well (4 steps), but to the best boundary through the origin; the classes sit
# along the same ray from the origin (x_2 grows with x_1 in both, the positives further out), so no such line
# separates them: theta = (0.107, 0.00123), every point called positive, training accuracy 0.50 (the share of
# positives), mean log-loss 0.656 (0.718 on the validation set, accuracy 0.39)
N_TRAIN, N_VALID = 800, 100  # ds1_train.csv and ds1_valid.csv have 800 and 100 rows


def write_ds1(path: str, n: int, rng: np.random.Generator) -> None:
    """ds1's layout (header x_1,x_2,y; labels 0.0 / 1.0): x_1 around 2.6 for the negatives and 4.8 for the
    positives (sd 0.8), x_2 a skewed positive quantity, log-normal around 25 x_1 (so 15 to 450, as ds1's x_2 is)."""
    y = (rng.random(n) < 0.5).astype(float)
    x1 = rng.normal(2.6 + 2.2 * y, 0.8)
    x2 = np.exp(rng.normal(np.log(25 * np.clip(x1, 0.3, None)), 0.45))
    with open(path, "w") as f:
        f.write("x_1,x_2,y\n")
        for a, b, c in zip(x1, x2, y):
            f.write(f"{a:.17g},{b:.17g},{c:.1f}\n")


def log_loss(p: np.ndarray, y: np.ndarray) -> float:
    with np.errstate(all="ignore"):
        return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def main() -> None:
    args = _common.parse(__doc__)
    patches = {"p01b_logreg.py": list(zip(LOADS["healthy"], LOADS[args.knob]))}
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, FILES, patches)
    rng = np.random.default_rng(7)
    os.makedirs(os.path.join(src, "data"))
    os.makedirs(os.path.join(src, "output"))  # main() saves its predictions to output/p01b_pred_1.txt
    write_ds1(os.path.join(src, "data", "ds1_train.csv"), N_TRAIN, rng)
    write_ds1(os.path.join(src, "data", "ds1_valid.csv"), N_VALID, rng)
    os.environ.setdefault("MPLBACKEND", "Agg")  # util imports pyplot
    os.chdir(src)
    _common.seed(0)  # nothing random in the fit; for form
    util = _common.load("util")
    p01b = _common.load("p01b_logreg")
    # main() ends with two util.plot calls (training and validation points with the decision boundary, saved as
    # PNGs); the plot solves theta[0] + theta[1] x_1 + theta[2] x_2 = 0 and so needs three parameters. The stand-in
    # draws nothing and keeps the points and theta it is handed, which main() does not return.
    seen = []

    def keep_plot(x, y, theta, save_path=None, correction=1.0):
        seen.append((x, y, np.array(theta, dtype=float)))

    util.plot = keep_plot
    # run.py's first line (its paths are relative to src/, the data one folder up; here the data sit in data/)
    p01b.main(train_path="data/ds1_train.csv", eval_path="data/ds1_valid.csv", pred_path="output/p01b_pred_1.txt")
    (x_train, y_train, theta), (x_valid, y_valid, _) = seen
    model = p01b.LogisticRegression()
    model.theta = theta
    p_train, p_valid = model.predict(x_train), model.predict(x_valid)
    saved = np.loadtxt(os.path.join(src, "output", "p01b_pred_1.txt"))
    _common.result(project=PROJECT, knob=args.knob, train_loss=log_loss(p_train, y_train),
                   valid_loss=log_loss(p_valid, y_valid),
                   train_acc=float(np.mean((p_train > 0.5) == y_train)),
                   valid_acc=float(np.mean(saved == y_valid)), positives=float(np.mean(y_train)),
                   n_params=len(theta), theta=",".join(f"{t:.4g}" for t in theta),
                   finite_theta=bool(all(math.isfinite(t) for t in theta)))


if __name__ == "__main__":
    main()
