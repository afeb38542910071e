"""Drives dennybritz/nn-from-scratch (the blog post's 2-3-2 tanh/softmax network as ann_classification.py: dict
model of W1, b1, W2, b2, full-batch gradient descent with summed gradients and L2) by its main() recipe on the two
moons; knob: the weight initialisation."""

import os
import sys

import numpy as np

import _common

PROJECT = "nn_from_scratch_moons"
REPO = "dennybritz/nn-from-scratch"
COMMIT = "9a2f09a49657ab017da10f83b8f686e5c3dbb0b0"
# healthy: the script's random init scaled by 1/sqrt(fan-in) (printed loss 0.432 after pass 0 -> 0.0708 after pass
# 19000, 0.0713 at the end, training accuracy 0.975); broken: all-zero weights, as the biases are: tanh(0) is 0 and W2
# is 0, so W1, b1 and W2 get exactly zero gradient (b2's is zero too, the two moons being 100 points each), nothing
# ever moves, the loss stays ln 2 = 0.693147 for all 20,000 passes and the accuracy is 0.5
INIT = {
    "healthy": ("np.random.randn(Config.nn_input_dim, nn_hdim) / np.sqrt(Config.nn_input_dim)",
                "np.random.randn(nn_hdim, Config.nn_output_dim) / np.sqrt(nn_hdim)"),
    "broken": ("np.zeros((Config.nn_input_dim, nn_hdim))", "np.zeros((nn_hdim, Config.nn_output_dim))"),
}
# The script imports scikit-learn for make_moons (and linear_model, used only in a commented-out baseline); this
# stand-in draws the moons as sklearn does, from numpy's global random state (generate_data seeds it with 0).
SKLEARN_STUB = {
    "sklearn/__init__.py": '"""Stand-in for scikit-learn: ann_classification imports datasets and linear_model."""\n',
    "sklearn/linear_model.py": '"""Stand-in for sklearn.linear_model: imported, never used by the network."""\n',
    "sklearn/datasets.py": '''"""Stand-in for sklearn.datasets.make_moons."""
import numpy as np


def make_moons(n_samples=100, shuffle=True, noise=None, random_state=None):
    n_out = n_samples // 2
    n_in = n_samples - n_out
    outer = np.linspace(0, np.pi, n_out)
    inner = np.linspace(0, np.pi, n_in)
    points = np.vstack([np.append(np.cos(outer), 1 - np.cos(inner)),
                        np.append(np.sin(outer), 1 - np.sin(inner) - 0.5)]).T
    labels = np.hstack([np.zeros(n_out, dtype=np.intp), np.ones(n_in, dtype=np.intp)])
    if shuffle:
        order = np.arange(n_samples)
        np.random.shuffle(order)
        points, labels = points[order], labels[order]
    if noise is not None:
        points = points + np.random.normal(scale=noise, size=points.shape)
    return points, labels
''',
}


def main() -> None:
    args = _common.parse(__doc__)
    w1, w2 = INIT[args.knob]
    healthy_w1, healthy_w2 = INIT["healthy"]
    patches = {"ann_classification.py": [(f"    W1 = {healthy_w1}", f"    W1 = {w1}"),
                                         (f"    W2 = {healthy_w2}", f"    W2 = {w2}")]}
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, {"ann_classification.py": "ann_classification.py"}, patches,
                              stubs=SKLEARN_STUB)
    os.environ.setdefault("MPLBACKEND", "Agg")  # the script imports pyplot; nothing is drawn
    _common.seed(0)
    ann = _common.load("ann_classification")
    # main()'s recipe without its visualize(X, y, model) plot; a copy of the printed losses is kept
    printed = _common.Tee(sys.stdout)
    sys.stdout = printed
    try:
        X, y = ann.generate_data()
        model = ann.build_model(X, y, 3, print_loss=True)
    finally:
        sys.stdout = printed.through
    losses = [float(line.rsplit(": ", 1)[1]) for line in printed.kept.getvalue().splitlines()
              if line.startswith("Loss after iteration")]
    _common.result(project=PROJECT, knob=args.knob, first_printed_loss=losses[0], last_printed_loss=losses[-1],
                   loss=ann.calculate_loss(model, X, y),
                   train_acc=float(np.mean(ann.predict(model, X) == y)), w1_spread=np.ptp(model["W1"]),
                   w2_spread=np.ptp(model["W2"]))


if __name__ == "__main__":
    main()
