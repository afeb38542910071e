"""Drives alexsosn/MarslandMLAlgo (the code of Stephen Marsland's textbook "Machine Learning: An Algorithmic
Perspective", 2nd ed.; chapter 4's mlp.py: an mlp class with logistic hidden units, a -1 bias input appended to each
layer, weights uniform in +-1/sqrt(fan_in), full-batch gradient descent on the summed squared error with momentum 0.9
in mlptrain, and earlystopping(), which calls mlptrain for 100 iterations at a time until the validation error stops
falling) by the chapter's iris.py script: the iris table centred and divided by its largest absolute value, shuffled,
split into halves/quarters for training, validation and test, a 4-5-3 network with logistic outputs trained by
earlystopping with eta 0.1, then confmat on the test quarter; on a synthetic iris_proc.data; knob: whether the
script's two normalisation lines run."""

import os
import runpy
import sys

import numpy as np

import _common

PROJECT = "marsland_mlp_iris"
REPO = "alexsosn/MarslandMLAlgo"
COMMIT = "4277b24db88c4cb70d6b249921c5d21bc8f86eb4"
FILES = {"Ch4/mlp.py": "mlp.py", "Ch4/iris.py": "iris.py"}
# Python 2 -> 3 (each on its own line, so no line moves): the print statements, and range() -> list(range()) where
# the script shuffles the row order in place (np.random.shuffle needs a mutable sequence)
PORT_MLP = [("print count", "print(count)"),
            ('print "Stopped", new_val_error,old_val_error1, old_val_error2',
             'print("Stopped", new_val_error,old_val_error1, old_val_error2)'),
            ('print "Iteration: ",n, " Error: ",error', 'print("Iteration: ",n, " Error: ",error)'),
            ('\tprint "error"', '\tprint("error")'),
            ('            print "error"', '            print("error")'),
            ('print "Confusion matrix is:"', 'print("Confusion matrix is:")'),
            ("print cm", "print(cm)"),
            ('print "Percentage Correct: ",np.trace(cm)/np.sum(cm)*100',
             'print("Percentage Correct: ",np.trace(cm)/np.sum(cm)*100)')]
PORT_IRIS = [("print iris[0:5,:]", "print(iris[0:5,:])"),
             ("order = range(np.shape(iris)[0])", "order = list(range(np.shape(iris)[0]))")]
# The knob: the script's preprocessing, two lines right after np.loadtxt (centre each feature, then divide by the
# largest absolute value of any column, so every input lies in [-1, 1]). broken: both left out (each replaced by a
# line that keeps the columns as read), the learner's "iris is already in small numbers": lengths and widths in
# centimetres, 0.1 .. 7.9, all positive.
NORMALISE = ("iris[:,:4] = iris[:,:4]-iris[:,:4].mean(axis=0)\n", "iris[:,:4] = iris[:,:4]/imax[:4]\n")
AS_READ = ("iris[:,:4] = iris[:,:4]\n", "iris[:,:4] = iris[:,:4]\n")
# healthy: as written: the summed squared error 27.3 at the first iteration, earlystopping stops after 3 rounds of 100
# iterations with validation error (0.5 * summed squared error over 38 rows) 0.66, training error 0.58 over 75 rows,
# test accuracy 36/37 = 0.973; broken: the hidden units' summed inputs reach several units with weights of +-0.5, so
# the logistic hidden units sit near their ends and the net settles on a plateau that never tells versicolor from
# virginica: training error 29.1 -> 11.8, earlystopping stops after 4 rounds, validation error 7.4, training error
# 11.8, test accuracy 0.62 (23 of 37; no row called versicolor). Nothing becomes inf or nan.
# no budget patch: the whole script runs in well under a second.
# The repository's iris_proc.data (Fisher's 150 rows, labels 0, 1, 2) -> synthetic rows of its format, drawn per
# class from Gaussians with the real table's per-class means and standard deviations, rounded to 0.1 cm.
MEANS = np.array([[5.01, 3.43, 1.46, 0.25], [5.94, 2.77, 4.26, 1.33], [6.59, 2.97, 5.55, 2.03]])
STDS = np.array([[0.35, 0.38, 0.17, 0.11], [0.52, 0.31, 0.47, 0.20], [0.64, 0.32, 0.55, 0.27]])


def write_iris(path: str, rng: np.random.Generator) -> None:
    rows = []
    for label in range(3):
        x = np.clip(rng.normal(MEANS[label], STDS[label], (50, 4)), 0.1, None).round(1)
        rows.append(np.c_[x, np.full(50, label)])
    np.savetxt(path, np.vstack(rows), fmt=["%.1f"] * 4 + ["%d"], delimiter=",")


def main() -> None:
    args = _common.parse(__doc__)
    knob = [] if args.knob == "healthy" else list(zip(NORMALISE, AS_READ))
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, FILES, {"mlp.py": PORT_MLP, "iris.py": PORT_IRIS + knob})
    write_iris(os.path.join(src, "iris_proc.data"), np.random.default_rng(0))
    os.chdir(src)  # iris.py reads iris_proc.data from the working directory
    _common.seed(0)  # the script shuffles the rows and mlp draws its weights from numpy's global generator
    printed = _common.Tee(sys.stdout)
    sys.stdout = printed
    try:
        script = runpy.run_path("iris.py", run_name="__main__")
    finally:
        sys.stdout = printed.through
    lines = printed.kept.getvalue().splitlines()
    stopped = [line for line in lines if line.startswith("Stopped")][-1].split()
    reported = float([line for line in lines if line.startswith("Percentage Correct:")][-1].split()[-1]) / 100
    net = script["net"]
    with np.errstate(all="ignore"):
        train = np.concatenate((script["train"], -np.ones((len(script["train"]), 1))), axis=1)
        train_error = 0.5 * float(np.sum((net.mlpfwd(train) - script["traint"]) ** 2))
        test = np.concatenate((script["test"], -np.ones((len(script["test"]), 1))), axis=1)
        test_acc = float(np.mean(np.argmax(net.mlpfwd(test), 1) == np.argmax(script["testt"], 1)))
    errors = [float(line.split()[-1]) for line in lines if line.startswith("Iteration:")]
    rounds = sum(1 for line in lines if line.strip().isdigit())
    _common.result(project=PROJECT, knob=args.knob, first_train_error=errors[0],
                   valid_error=float(stopped[1]), train_error=train_error,
                   test_acc=test_acc, project_reported_test_acc=reported, rounds=rounds,
                   iterations=100 * rounds,
                   max_abs_input=float(np.abs(script["train"]).max()),
                   finite_weights=bool(np.isfinite(net.weights1).all() and np.isfinite(net.weights2).all()))


if __name__ == "__main__":
    main()
