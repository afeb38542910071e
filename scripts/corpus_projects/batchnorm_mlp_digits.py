"""Drives alm4z/mlp-mnist (mlp.py: an MLP class in the CMU 11-785 homework style, weights from weight_init() and
biases from bias_init() in re_init(), a hand-written BatchNorm layer after the first linear layer (batchnorm.py),
sigmoid units, softmax cross-entropy on the sigmoid outputs, gradients averaged over a minibatch of 10 in backward(),
momentum SGD in step(), fit() looping epochs over unshuffled minibatches and printing the validation accuracy) as its
main.py runs it, MLP(784, 10, [64, 32], 3 x Sigmoid, SoftmaxCrossEntropy, 0.004, 0.996, 1).fit(train, val, epochs,
10), on a synthetic mnist.pkl.gz; knob: MLP.weight_init."""

import contextlib
import gzip
import os
import pickle
import sys

import numpy as np

import _common

PROJECT = "batchnorm_mlp_digits"
REPO = "alm4z/mlp-mnist"
COMMIT = "5361029f31e99f3da2e77eef1e592f399947dc71"
FILES = {name: name for name in ("mlp.py", "batchnorm.py", "activations.py", "mnist.py")}
# MLP.weight_init draws every weight matrix from np.random.randn (std 1; the batch norm after the first layer takes
# the scale out of its 784-input sums); the broken knob starts the weights at zero like the biases next to it
# (bias_init: np.zeros), what a learner writes when "the batch norm fixes the scale anyway".
INIT = {"healthy": "        return np.random.randn(x, y)", "broken": "        return np.zeros((x, y))"}
# healthy: the printed validation accuracy 11.8% after epoch 1 -> 17.7% at 2 -> 97.1% at 3 -> 100% from epoch 4 on;
# fit's training_loss (the last minibatch's mean loss of each epoch) 2.23 -> 1.468, at the floor of this loss (softmax
# over sigmoid outputs in (0, 1): log(1 + 9 / e) = 1.461); cross-entropy of the 3,000 training digits 1.467, train and
# test accuracy 100%; the 64 first-layer units all different (largest spread of a W[0] row across units 7.3).
# broken: every weight matrix zero: each layer's units compute the same function of the same input and receive the
# same gradient, so the 64 first-layer units (and the 32 second-layer ones) stay one unit (spread of a W[0] or W[1]
# row across units exactly 0); the first step's batch norm divides a zero variance by sqrt(eps = 1e-8), so the one
# shared column of W[0] jumps to tens (largest |w| 39.8, np.exp overflows in the later sigmoids), but it is still a
# single feature: validation accuracy 8.5% after epoch 1, 18.3% at 2, 8.1% at 10 (chance 10%); training_loss 2.28 ->
# 2.32, cross-entropy of the training digits 2.27 (all outputs equal would give log 10 = 2.30), train accuracy 8.4%,
# test accuracy 7.6%.
SIZES = {"train": 3000, "val": 1000, "test": 1000}
EPOCHS = 10  # main.py: epochs = 40 (the budget)
# mnist.py imports wget to download mnist.pkl.gz when ./data is absent; the folder is written here, so the stand-in
# is never called
STUBS = {"wget.py": '"""Stand-in for wget: mnist.py downloads mnist.pkl.gz only when ./data is missing."""\n\n\n'
                    "def download(url, out=None):\n"
                    "    raise RuntimeError(f'stand-in wget: no download of {url}')\n"}


def write_mnist_pickle(path: str) -> None:
    """data/mnist.pkl.gz as deeplearning.net serves it: (train, validation, test), each (n x 784 float32 pixels in
    [0, 1], integer labels)."""
    rng = np.random.default_rng(7)
    n_train, n_val, n_test = SIZES["train"], SIZES["val"], SIZES["test"]
    images, labels = _common.synthetic_digits(n_train + n_val + n_test, rng)
    flat = images.reshape(len(images), 784).astype(np.float32) / np.float32(255.0)
    cuts = (0, n_train, n_train + n_val, n_train + n_val + n_test)
    parts = tuple((flat[a:b], labels[a:b]) for a, b in zip(cuts[:-1], cuts[1:]))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with gzip.open(path, "wb", compresslevel=1) as f:
        pickle.dump(parts, f)


def main() -> None:
    args = _common.parse(__doc__)
    patches = {"mlp.py": [(INIT["healthy"], INIT[args.knob])]}
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, FILES, patches, stubs=STUBS)
    os.chdir(src)  # mnist.load_mnist reads ./data/mnist.pkl.gz
    write_mnist_pickle(os.path.join(src, "data", "mnist.pkl.gz"))
    _common.seed(0)
    mlp = _common.load("mlp")  # seeds numpy itself (np.random.seed(11785)) at import, as main.py does again
    mnist = _common.load("mnist")
    ac = _common.load("activations")
    tee = _common.Tee(sys.stdout)
    with contextlib.redirect_stdout(tee):
        # main.py's lines without its wall-clock print and its pickle of the model
        np.random.seed(11785)
        learning_rate = 0.004
        momentum = 0.996
        num_bn_layers = 1
        mini_batch_size = 10
        train, val, test = mnist.load_mnist()
        net = mlp.MLP(784, 10, [64, 32], [ac.Sigmoid(), ac.Sigmoid(), ac.Sigmoid()], ac.SoftmaxCrossEntropy(),
                      learning_rate, momentum, num_bn_layers)
        net.fit(train, val, EPOCHS, mini_batch_size)
        accuracy = net.validate(test) * 100.0
        print("Test Accuracy: " + str(accuracy) + "%")
    printed = [float(line.split("accuracy ")[1].split(" %")[0]) for line in tee.kept.getvalue().splitlines()
               if line.startswith("Epoch ")]
    train_x, train_y = train
    net.eval()  # the running statistics of the batch norm, as predict() uses them
    with np.errstate(all="ignore"):
        out = net.forward(train_x)
        train_loss = float(np.mean(ac.SoftmaxCrossEntropy().forward(out, train_y)))
        train_acc = float(np.mean(np.argmax(out, axis=1) == np.argmax(train_y, axis=1)))
    _common.result(project=PROJECT, knob=args.knob, first_loss=net.training_loss[0], loss=net.training_loss[-1],
                   train_loss=train_loss, train_acc=train_acc, first_val_acc=printed[0] / 100.0,
                   val_acc=printed[-1] / 100.0, test_acc=accuracy / 100.0,
                   hidden_unit_spread=float(np.ptp(net.W[0], axis=1).max()),
                   finite_weights=all(bool(np.isfinite(w).all()) for w in net.W))


if __name__ == "__main__":
    main()
