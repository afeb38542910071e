"""Drives "Deep Learning from Scratch" ch05 (two-layer net, backprop by layers) on synthetic digits; knob: learning rate."""

import os
import pickle
import sys

import numpy as np

import _common

PROJECT = "dlfs_two_layer_net"
REPO = "oreilly-japan/deep-learning-from-scratch"
COMMIT = "07b11618cdb5d5f78ad45464de0730efc07b0a4a"
FILES = ["ch05/train_neuralnet.py", "ch05/two_layer_net.py", "common/__init__.py", "common/functions.py",
         "common/gradient.py", "common/layers.py", "common/util.py", "dataset/__init__.py", "dataset/mnist.py"]
LEARNING_RATE = {"healthy": "0.1", "broken": "6.0"}


def write_mnist_pickle(path: str) -> None:
    """dataset/mnist.pkl in the book's layout, so its own load_mnist finds it and never downloads."""
    rng = np.random.default_rng(11)
    images, labels = _common.synthetic_digits(1200, rng)
    flat = images.reshape(len(images), 784)
    dataset = {"train_img": flat[:1000], "train_label": labels[:1000],
               "test_img": flat[1000:], "test_label": labels[1000:]}
    with open(path, "wb") as f:
        pickle.dump(dataset, f, -1)


def main() -> None:
    args = _common.parse(__doc__)
    patches = {"ch05/train_neuralnet.py": [
        ("iters_num = 10000", "iters_num = 400"),  # the budget: 40 epochs of 1,000 samples
        ("learning_rate = 0.1", f"learning_rate = {LEARNING_RATE[args.knob]}"),
    ]}
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, {f: f for f in FILES}, patches)
    write_mnist_pickle(os.path.join(src, "dataset", "mnist.pkl"))
    os.chdir(os.path.join(src, "ch05"))  # the script appends os.pardir to sys.path, as run from its folder
    sys.path.insert(0, os.path.join(src, "ch05"))
    _common.seed(0)
    train = _common.load("train_neuralnet")
    _common.result(project=PROJECT, knob=args.knob, loss=train.train_loss_list[-1],
                   train_acc=train.train_acc_list[-1], test_acc=train.test_acc_list[-1])


if __name__ == "__main__":
    main()
