"""Drives rasbt/python-machine-learning-book-3rd-edition chapter 12 (NeuralNetMLP: one sigmoid hidden layer,
sigmoid outputs, summed logistic cost with L2, minibatch gradient descent in its fit method) with the training cells
of ch12.ipynb on synthetic MNIST idx files; knob: the learning rate eta."""

import json
import os
import struct

import numpy as np

import _common

PROJECT = "pyml_neuralnet_mlp"
REPO = "rasbt/python-machine-learning-book-3rd-edition"
COMMIT = "bf62496f44a92a21d23250d5ed13d2d2e617e0e2"
# healthy: the chapter's eta (summed cost 5722 after the first epoch -> 321 after the 50th, train/valid/test accuracy
# 1.0); broken: a hundred times larger, as a user does when 0.0005 looks too timid: the summed minibatch gradients
# throw the sigmoid units into saturation, the cost is 1.6e5 after the first epoch and swings between 8.7e4 and
# 1.6e5 to the end (129645 after the 50th), accuracy at chance (0.11 train, 0.085 valid, 0.105 test), no NaN
ETA = {"healthy": "0.0005", "broken": "0.05"}
# The notebook's cells that train, by index in ch12.ipynb: load_mnist (30), load the training (32) and test (33) idx
# files, the NeuralNetMLP class (43), n_epochs (44), build and fit (45), test accuracy (48). Left out: the gunzip
# cell (the synthetic idx files are written uncompressed), the plots, and the mnist_scaled.npz save/load round trip.
TRAINING_CELLS = (30, 32, 33, 43, 44, 45, 48)
N_TRAIN, N_VALID, N_TEST = 1800, 200, 400


def notebook_module(notebook: dict, knob: str) -> str:
    text = "\n\n".join("".join(notebook["cells"][index]["source"]).rstrip() for index in TRAINING_CELLS) + "\n"
    where = "ch12_train.py"
    patches = [
        ("                  eta=0.0005,", f"                  eta={ETA[knob]},"),
        ("n_epochs = 200", "n_epochs = 50"),  # the budget: 50 epochs of 18 minibatches of 100
        # the synthetic training file holds 2,000 images (the notebook's split: all but the last 5,000 of 60,000)
        ("nn.fit(X_train=X_train[:55000], \n       y_train=y_train[:55000],\n       X_valid=X_train[55000:],\n"
         "       y_valid=y_train[55000:])",
         f"nn.fit(X_train=X_train[:{N_TRAIN}], \n       y_train=y_train[:{N_TRAIN}],\n"
         f"       X_valid=X_train[{N_TRAIN}:],\n       y_valid=y_train[{N_TRAIN}:])"),
        # numpy>=1.24 removed the np.float alias
        ("train_acc = ((np.sum(y_train == y_train_pred)).astype(np.float) /",
         "train_acc = ((np.sum(y_train == y_train_pred)).astype(float) /"),
        ("valid_acc = ((np.sum(y_valid == y_valid_pred)).astype(np.float) /",
         "valid_acc = ((np.sum(y_valid == y_valid_pred)).astype(float) /"),
        ("       .astype(np.float) / X_test.shape[0])", "       .astype(float) / X_test.shape[0])"),
    ]
    for old, new in patches:
        text = _common.patch(text, old, new, where)
    return text


def write_idx(folder: str, rng: np.random.Generator) -> None:
    """The four uncompressed MNIST idx files load_mnist reads from the working folder (big-endian headers)."""
    n_train = N_TRAIN + N_VALID
    images, labels = _common.synthetic_digits(n_train + N_TEST, rng)
    for kind, part in (("train", slice(0, n_train)), ("t10k", slice(n_train, None))):
        count = len(labels[part])
        with open(os.path.join(folder, f"{kind}-labels-idx1-ubyte"), "wb") as f:
            f.write(struct.pack(">II", 2049, count) + labels[part].astype(np.uint8).tobytes())
        with open(os.path.join(folder, f"{kind}-images-idx3-ubyte"), "wb") as f:
            f.write(struct.pack(">IIII", 2051, count, 28, 28) + images[part].tobytes())


def main() -> None:
    args = _common.parse(__doc__)
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, {})
    notebook = json.loads(_common.read(REPO, COMMIT, "ch12/ch12.ipynb"))
    with open(os.path.join(src, "ch12_train.py"), "w", encoding="utf-8") as f:
        f.write(notebook_module(notebook, args.knob))
    write_idx(src, np.random.default_rng(12))
    os.chdir(src)  # load_mnist('', ...) reads the idx files from the working folder, as the notebook's folder
    _common.seed(0)
    train = _common.load("ch12_train")  # runs the cells in order, as the notebook does
    history = train.nn.eval_
    print()  # fit's progress line ends with a carriage return on stderr
    _common.result(project=PROJECT, knob=args.knob, first_cost=history["cost"][0],
                   max_cost=max(history["cost"]), last_cost=history["cost"][-1],
                   train_acc=history["train_acc"][-1], valid_acc=history["valid_acc"][-1], test_acc=train.acc,
                   finite_weights=all(np.isfinite(w).all() for w in (train.nn.w_h, train.nn.b_h, train.nn.w_out,
                                                                       train.nn.b_out)))


if __name__ == "__main__":
    main()
