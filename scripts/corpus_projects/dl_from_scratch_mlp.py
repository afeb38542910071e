"""Drives eliaslimmer/dl-from-scratch (a two-layer ReLU/softmax MLP, features x samples, full batch) with the training
cells of its mnist_example.ipynb on synthetic digits; knob: the pixel scaling of the inputs."""

import json
import os
import sys

import numpy as np

import _common

PROJECT = "dl_from_scratch_mlp"
REPO = "eliaslimmer/dl-from-scratch"
COMMIT = "19d1994ef63507f1d944f0b589364295b2c9ff1d"
# The modules import each other as `model.neural_net` and `utils.*` (the layout before the repository moved them
# into 01_mlp_numpy/mlp/): they are copied to those places.
FILES = {"01_mlp_numpy/mlp/neural_net.py": "model/neural_net.py",
         "01_mlp_numpy/mlp/activations.py": "utils/activations.py",
         "01_mlp_numpy/mlp/metrics.py": "utils/metrics.py",
         "01_mlp_numpy/mlp/train.py": "utils/train.py",
         "01_mlp_numpy/mlp/logger.py": "utils/logger.py"}
NOTEBOOK = "01_mlp_numpy/mnist_example.ipynb"
# The notebook's cells that load, prepare and train, by index (plots and the misclassified gallery left out).
# Cell 0 is replaced by IMPORTS: the same imports without matplotlib's pyplot, which only the plots use.
TRAINING_CELLS = ("imports", 2, 6, 8, 10, 11)
IMPORTS = '''# (corpus driver) stands in for the notebook's first cell without `from matplotlib import pyplot as plt`
import numpy as np

import sys
sys.path.append("../")

from model.neural_net import Neural_Network
from utils.logger import TrainingLogger
from utils.train import train'''
# healthy: the notebook's own scaling to [0, 1]; broken: the same line without it, raw 0..255 pixels
SCALING = {"healthy": " / 255.0", "broken": ""}


def notebook_module(notebook: dict, knob: str) -> str:
    cells = notebook["cells"]
    parts = [IMPORTS if index == "imports" else "".join(cells[index]["source"]).rstrip() for index in TRAINING_CELLS]
    text = "\n\n".join(parts) + "\n"
    where = "mnist_example.py"
    # the synthetic set has 1,000 training and 200 test images, not 60,000 and 10,000
    text = _common.patch(text, "X_train = x_train.reshape(60000, -1).T / 255.0",
                         f"X_train = x_train.reshape(len(x_train), -1).T{SCALING[knob]}", where)
    text = _common.patch(text, "X_test = x_test.reshape(10000, -1).T / 255.0",
                         f"X_test = x_test.reshape(len(x_test), -1).T{SCALING[knob]}", where)
    text = _common.patch(text, "epochs=100, log_every=1", "epochs=100, log_every=10", where)  # a line per 10 epochs
    return text


def write_mnist_npz(path: str) -> None:
    """data/mnist.npz with the keys the notebook reads, synthetic digits (no download)."""
    rng = np.random.default_rng(5)
    images, labels = _common.synthetic_digits(1200, rng)
    np.savez(path, x_train=images[:1000], y_train=labels[:1000], x_test=images[1000:], y_test=labels[1000:])


def main() -> None:
    args = _common.parse(__doc__)
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, FILES)
    os.makedirs(os.path.join(src, "data"))
    write_mnist_npz(os.path.join(src, "data", "mnist.npz"))
    notebook = json.loads(_common.read(REPO, COMMIT, NOTEBOOK))
    os.makedirs(os.path.join(src, "nb"))
    with open(os.path.join(src, "nb", "mnist_example.py"), "w", encoding="utf-8") as f:
        f.write(notebook_module(notebook, args.knob))
    os.chdir(os.path.join(src, "nb"))  # the notebook reads ../data/mnist.npz and appends ../ to sys.path
    sys.path.insert(0, os.path.join(src, "nb"))
    _common.seed(0)
    nb = _common.load("mnist_example")  # runs the cells in order, as the notebook does
    log = nb.logger
    _common.result(project=PROJECT, knob=args.knob, loss=log.train_losses[-1], val_loss=log.val_losses[-1],
                   train_acc=log.train_accuracies[-1], val_acc=log.val_accuracies[-1])


if __name__ == "__main__":
    main()
