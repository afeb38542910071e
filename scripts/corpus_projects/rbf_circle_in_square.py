"""Drives wjdghks950/Radial-Basis-Function-Network (rbfn.py: RBFNetCIS, a radial-basis-function classifier for the
course's circle-in-the-square data, 15 Gaussian units centred on training points picked at random with one fixed
width -std 0.2, a 15 x 2 output layer and biases from randn, a softmax over the two outputs, per-point updates of the
weights and biases scaled by each class's cross-entropy, the mean loss printed every 100 epochs) as its README runs
it, `python rbfn.py` answering `cis` and training file `1` at its two prompts, on synthetic cis_train1.txt,
cis_train2.txt and cis_test.txt; knob: the units of the point coordinates."""

import contextlib
import io
import os
import runpy
import sys

import numpy as np

import _common

PROJECT = "rbf_circle_in_square"
REPO = "wjdghks950/Radial-Basis-Function-Network"
COMMIT = "ba6301d928e915368ee205d6f0f71932c1197f72"
FILES = {name: name for name in ("rbfn.py", "kmeans.py", "dataloader.py")}
# The course's files give each point's coordinates in the unit square, which the Gaussian width -std 0.2 (a fifth of
# the square) is made for. healthy: those coordinates; broken: the same points in centimetres on a 1 m board (0..100),
# what a learner's own measurements give, with the width left at its default.
SCALE = {"healthy": 1.0, "broken": 100.0}
# healthy: the printed mean loss 0.805 at epoch 0 -> 0.502 at 100 -> 0.264 at 900; the strongest unit's response to a
# training point 0.74 on average; accuracy 95% on the 100 training points and 93.9% on the 10,000 test points (the
# circle holds half the square). broken: a point 10 cm from a centre gets exp(-100 / 0.08) = 0 from it: every unit is
# silent except at its own centre (strongest response 0.14 on average: the training points that are centres answer
# 1, all others 0), so only the centres' own weights and the biases move: the printed loss 0.690 at epoch 0 (log 2 =
# 0.693 is a coin's) -> 0.639 at 900, training accuracy 60% (the centres remembered, the rest by the biases), test
# accuracy 50.6%.
N_POINTS = {"cis_train1.txt": 100, "cis_train2.txt": 1000, "cis_test.txt": 10000}  # the course's file sizes
RADIUS = np.sqrt(0.5 / np.pi)  # a circle holding half of the unit square, centred in it


def write_cis_files(folder: str, scale: float) -> None:
    """RBFN_train_test_files/cis_*.txt as the course hands them out: one point a line, x, y and 1 inside the circle
    or 0 outside, tab-separated; points uniform in the square (no download)."""
    rng = np.random.default_rng(11)
    os.makedirs(folder, exist_ok=True)
    for name, n in N_POINTS.items():
        xy = rng.random((n, 2))
        inside = (np.sum((xy - 0.5) ** 2, axis=1) < RADIUS ** 2).astype(int)
        with open(os.path.join(folder, name), "w") as f:
            for (x, y), label in zip(xy * scale, inside):
                f.write(f"{x:.8f}\t{y:.8f}\t{label}\n")


def main() -> None:
    args = _common.parse(__doc__)
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, FILES)
    os.chdir(src)  # load_data reads ./RBFN_train_test_files/
    write_cis_files(os.path.join(src, "RBFN_train_test_files"), SCALE[args.knob])
    os.environ.setdefault("MPLBACKEND", "Agg")  # rbfn.plot() draws the test points and calls plt.show()
    _common.seed(0)  # selectCenters picks the centres with np.random.randint; the weights come from np.random.randn
    tee = _common.Tee(sys.stdout)
    argv, stdin = sys.argv, sys.stdin
    sys.argv = ["rbfn.py"]  # rbfn.py parses its options at import: -k 15 -lr 0.001 -epochs 1000 -std 0.2
    sys.stdin = io.StringIO("cis\n1\n")  # the answers to its two prompts: the data set, then the training file
    try:
        with contextlib.redirect_stdout(tee):
            done = runpy.run_path(os.path.join(src, "rbfn.py"), run_name="__main__")
    finally:
        sys.argv, sys.stdin = argv, stdin
    losses = [float(line.split("Loss: ")[1].split()[0]) for line in tee.kept.getvalue().replace("[ Epoch", "\n[ Epoch")
              .splitlines() if "Loss: " in line]
    net, train_x, train_y = done["rbfn"], done["train_x"], done["train_y"]
    with np.errstate(all="ignore"):
        responses = np.array([[net.rbf(x, c, net.std) for c in net.centers] for x in train_x])
        train_acc = float(net.accuracy(net.predict(train_x), train_y))
    _common.result(project=PROJECT, knob=args.knob, first_loss=losses[0], loss=losses[-1], min_loss=min(losses),
                   train_acc=train_acc, test_acc=float(done["accuracy"]),
                   mean_strongest_response=float(responses.max(axis=1).mean()),
                   finite_weights=all(bool(np.isfinite(v).all()) for v in net.params.values()))


if __name__ == "__main__":
    main()
