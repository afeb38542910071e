"""Drives iamtrask/Grokking-Deep-Learning (Chapter 8's three-layer ReLU network on MNIST: module-level code, weight
matrices as globals, mean-squared error, one SGD step per image) with the notebook's train-and-test cell on synthetic
digits; knob: the learning rate alpha."""

import json
import os
import sys

import numpy as np

import _common

PROJECT = "grokking_mnist_3layer"
REPO = "iamtrask/Grokking-Deep-Learning"
COMMIT = "e665168b4aefe3256360951504103cf98827ca51"
NOTEBOOK = "Chapter8 - Intro to Regularization - Learning Signal and Ignoring Noise.ipynb"
# The notebook's cell 3: the "3 Layer Network on MNIST" with its test evaluation every 10 iterations (cell 1 is the
# same training without the test pass; the later cells are the dropout and batch variants).
TRAINING_CELL = 3
# healthy: the chapter's alpha (train error 0.658 -> 0.028 in 40 iterations, train and test accuracy 1.0);
# broken: alpha = 0.2, the rate of the book's Chapter 6 network, 40 times larger: the single-image squared error
# swings between 0.05 and 49 for the first 136 steps, then grows 7 -> 9e294 in eight more; it is inf at the 145th
# SGD step (image 144 of the first iteration), whose update makes the weights nan; accuracy falls to chance (train
# 0.098, test 0.084)
ALPHA = {"healthy": "0.005", "broken": "0.2"}

# Stand-in for keras.datasets.mnist (which downloads): load_data() serves the driver's synthetic digits.
KERAS_STUB = {
    "keras/__init__.py": '"""Stand-in for keras: only datasets.mnist.load_data is used."""\n',
    "keras/datasets/__init__.py": "",
    "keras/datasets/mnist.py": '''"""Stand-in for keras.datasets.mnist: synthetic digits written by the corpus driver."""
import os

import numpy as np


def load_data():
    data = np.load(os.path.join(os.path.dirname(__file__), "mnist.npz"))
    return (data["x_train"], data["y_train"]), (data["x_test"], data["y_test"])
''',
}


def notebook_module(notebook: dict, knob: str) -> str:
    text = "".join(notebook["cells"][TRAINING_CELL]["source"]).rstrip() + "\n"
    # the knob, and the budget: 40 iterations over the 1,000 training images instead of 350
    return _common.patch(
        text, "alpha, iterations, hidden_size, pixels_per_image, num_labels = (0.005, 350, 40, 784, 10)",
        f"alpha, iterations, hidden_size, pixels_per_image, num_labels = ({ALPHA[knob]}, 40, 40, 784, 10)",
        "three_layer_mnist.py")


def main() -> None:
    args = _common.parse(__doc__)
    src, stubs = _common.checkout(PROJECT, REPO, COMMIT, {}, stubs=KERAS_STUB)
    # 1,000 training images (the cell takes the first 1,000) and 500 test images (it evaluates all of them)
    rng = np.random.default_rng(8)
    images, labels = _common.synthetic_digits(1500, rng)
    np.savez(os.path.join(stubs, "keras", "datasets", "mnist.npz"), x_train=images[:1000], y_train=labels[:1000],
             x_test=images[1000:], y_test=labels[1000:])
    notebook = json.loads(_common.read(REPO, COMMIT, NOTEBOOK))
    with open(os.path.join(src, "three_layer_mnist.py"), "w", encoding="utf-8") as f:
        f.write(notebook_module(notebook, args.knob))
    _common.seed(0)
    printed = _common.Tee(sys.stdout)
    sys.stdout = printed
    try:
        _common.load("three_layer_mnist")  # runs the cell, as the notebook does
    finally:
        sys.stdout = printed.through
    # the cell rewrites one progress line with "\r" each iteration and ends it after each test pass
    lines = [line for line in printed.kept.getvalue().replace("\r", "\n").splitlines() if "Train-Err:" in line]

    def field(line, key):
        return line.split(f"{key}:", 1)[1].split(" ")[0]

    tested = [line for line in lines if "Test-Err:" in line]
    _common.result(project=PROJECT, knob=args.knob, first_train_err=field(lines[0], "Train-Err"),
                   last_train_err=field(lines[-1], "Train-Err"), train_acc=field(lines[-1], "Train-Acc"),
                   test_err=field(tested[-1], "Test-Err"), test_acc=field(tested[-1], "Test-Acc"))


if __name__ == "__main__":
    main()
