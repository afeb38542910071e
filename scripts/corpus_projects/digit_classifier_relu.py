"""Drives kdexd/digit-classifier (main.py: a NeuralNetwork class with a scikit-learn-like fit/validate API, a
784-30-10 ReLU net with a softmax output written without the max subtracted, per-example backprop summed over
minibatches of 16, plain SGD) run as `python main.py` (its README's usage) on a synthetic mnist.pkl.gz; knob: the
pixel scale of the data."""

import contextlib
import gzip
import os
import pickle
import runpy
import sys

import numpy as np

import _common

PROJECT = "digit_classifier_relu"
REPO = "kdexd/digit-classifier"
COMMIT = "03ba47f1a4d37c19da011f01386d4e990948f625"
FILES = {name: name for name in ("main.py", "network.py", "activations.py")}
# healthy: pixels as floats in [0, 1], the layout of the deeplearning.net mnist.pkl.gz that main.py downloads (mean
# train cross-entropy 2.97 -> 0.0181 in 20 epochs, train / validation / test accuracy 1.0 / 1.0 / 1.0); broken: raw
# 0..255 pixel values, what a user's own export of the digits gives: the output logits reach hundreds after the
# first step, the softmax (exp(z) / sum(exp(z)), no max subtracted) overflows to inf / inf in the second minibatch
# and every weight is nan from then on: cross-entropy 61.7 -> nan, accuracy 0.10 / 0.125 / 0.117 (argmax of nan
# outputs is class 0)
PIXEL_SCALE = {"healthy": 1.0 / 255.0, "broken": 1.0}
SIZES = {"train": 2500, "val": 200, "test": 300}
# main.py imports wget to download the data set when its data folder is absent; the folder is written here, so the
# stand-in is never called
STUBS = {"wget.py": '"""Stand-in for wget: main.py downloads mnist.pkl.gz only when ./data is missing."""\n\n\n'
                    "def download(url, out=None):\n"
                    "    raise RuntimeError(f'stand-in wget: no download of {url}')\n"}


def write_mnist_pickle(path: str, scale: float) -> None:
    """data/mnist.pkl.gz as deeplearning.net serves it: (train, validation, test), each (n x 784 float32, labels)."""
    rng = np.random.default_rng(7)
    n_train, n_val, n_test = SIZES["train"], SIZES["val"], SIZES["test"]
    images, labels = _common.synthetic_digits(n_train + n_val + n_test, rng)
    flat = images.reshape(len(images), 784).astype(np.float32) * np.float32(scale)
    cuts = (0, n_train, n_train + n_val, n_train + n_val + n_test)
    parts = tuple((flat[a:b], labels[a:b]) for a, b in zip(cuts[:-1], cuts[1:]))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with gzip.open(path, "wb", compresslevel=1) as f:  # gzip's default level 9 takes seconds here
        pickle.dump(parts, f)


def cross_entropy(net, data) -> float:
    """Mean -log p(label) of the net's softmax over (x, one-hot y) pairs; the project computes no loss itself."""
    total = 0.0
    with np.errstate(all="ignore"):
        for x, y in data:
            net._forward_prop(x)
            total += float(-np.log(net._activations[-1][int(np.argmax(y)), 0]))
    return total / len(data)


def main() -> None:
    args = _common.parse(__doc__)
    patches = {"main.py": [
        ("    epochs = 100", "    epochs = 20"),  # the budget: 20 epochs of 2,500 digits
        # numpy >= 1.24 refuses to turn the ragged weight list into one array in np.savez_compressed
        ("    nn.save()", "    pass  # nn.save()"),
    ]}
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, FILES, patches, stubs=STUBS)
    os.chdir(src)  # load_mnist reads ./data/mnist.pkl.gz
    write_mnist_pickle(os.path.join(src, "data", "mnist.pkl.gz"), PIXEL_SCALE[args.knob])
    _common.seed(0)  # fit shuffles with the random module; main.py seeds numpy itself (np.random.seed(42))
    tee = _common.Tee(sys.stdout)
    with contextlib.redirect_stdout(tee):
        done = runpy.run_path(os.path.join(src, "main.py"), run_name="__main__")
    net, train, val, test = done["nn"], done["train_data"], done["val_data"], done["test_data"]
    # the untrained network: main.py's own draws again from its seed
    np.random.seed(42)
    start = done["NeuralNetwork"](done["layers"], done["learning_rate"], done["mini_batch_size"], "relu")
    epochs = [line for line in tee.kept.getvalue().splitlines() if line.startswith("Epoch ")]
    _common.result(project=PROJECT, knob=args.knob, loss_before=cross_entropy(start, train),
                   loss=cross_entropy(net, train), train_acc=net.validate([(x, int(np.argmax(y))) for x, y in train])
                   / len(train), val_acc=net.validate(val) / len(val), test_acc=net.validate(test) / len(test),
                   epochs=len(epochs), finite_weights=all(np.isfinite(w).all() for w in net.weights[1:]))


if __name__ == "__main__":
    main()
