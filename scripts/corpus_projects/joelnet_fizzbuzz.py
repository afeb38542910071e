"""Drives joelgrus/joelnet (a Keras-like numpy library: Tensor, Linear/Tanh layers, NeuralNet, MSE loss, SGD
optimizer, BatchIterator, train) by its fizzbuzz.py example; knob: the SGD learning rate."""

import contextlib
import sys

import numpy as np

import _common

PROJECT = "joelnet_fizzbuzz"
REPO = "joelgrus/joelnet"
COMMIT = "65cbc3ff169855d801416d629d290c44c95d001d"
FILES = ["fizzbuzz.py"] + [f"joelnet/{m}.py" for m in ("__init__", "data", "layers", "loss", "nn", "optim",
                                                        "tensor", "train")]
# healthy: the example's rate; broken: SGD's own default (lr=0.01), what a user gets by leaving the argument out.
# The loss is the total squared error over a batch of 32 and the weights start at unscaled randn: the first
# epoch's loss overflows to 1e84 and every later one is nan.
LEARNING_RATE = {"healthy": "0.001", "broken": "0.01"}


def main() -> None:
    args = _common.parse(__doc__)
    patches = {"fizzbuzz.py": [
        ("optimizer=SGD(lr=0.001))", f"optimizer=SGD(lr={LEARNING_RATE[args.knob]}))"),
        ("num_epochs=5000,", "num_epochs=1000,"),  # the budget: 1,000 epochs of 29 minibatches
    ]}
    _common.checkout(PROJECT, REPO, COMMIT, {f: f for f in FILES}, patches)
    _common.seed(0)
    # trains and prints its 100 predictions at import, as `python fizzbuzz.py` does; the copy kept here is scored
    tee = _common.Tee(sys.stdout)
    with contextlib.redirect_stdout(tee):
        fizzbuzz = _common.load("fizzbuzz")
    lines = tee.kept.getvalue().splitlines()
    epoch_losses = [float(line.split()[1]) for line in lines if len(line.split()) == 2]
    predictions = [line.split() for line in lines if len(line.split()) == 3]
    accuracy = sum(predicted == actual for _, predicted, actual in predictions) / len(predictions)
    weights = [param for param, _ in fizzbuzz.net.params_and_grads()]
    _common.result(project=PROJECT, knob=args.knob, first_epoch_loss=epoch_losses[0], last_epoch_loss=epoch_losses[-1],
                   accuracy_1_to_100=accuracy, finite_weights=all(np.isfinite(w).all() for w in weights))


if __name__ == "__main__":
    main()
