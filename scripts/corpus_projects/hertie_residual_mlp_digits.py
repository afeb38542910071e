"""Drives hertie-data-science-lab/assignment-1-ps-1-a (a Hertie School deep-learning problem set, group A's
submission: scratch/network.py's Network, a sigmoid MLP without biases, weights in a params dict from
np.random.rand - 0.5, softmax output, squared-error cost, backprop by hand one sample at a time with np.outer, plain
SGD in fit(), which prints training and validation accuracy after each epoch; scratch/res_network.py's ResNetwork,
the same with a residual connection a2 = sigmoid(W2 a1) + a1 and its second gradient path in _backward_pass) run as
the notebook's cell 17 does, ResNetwork(sizes=[784, 128, 128, 10], learning_rate=0.3, ...).fit(x_train, y_train,
x_val, y_val), on synthetic MNIST-like digits prepared as its cell 11 prepares MNIST (pixels / 255 as float32, one-hot
labels, the first 1,000 rows, 80 / 20 split); knob: the scale of the initial weights, np.random.rand - 0.5 as written
or that times 0.01."""

import contextlib
import re
import sys

import numpy as np

import _common

PROJECT = "hertie_residual_mlp_digits"
REPO = "hertie-data-science-lab/assignment-1-ps-1-a"
COMMIT = "ef8309bc14c19d9c7c3f00ceed4f59f013ab842e"
FILES = {path: path for path in ("scratch/__init__.py", "scratch/network.py", "scratch/res_network.py",
                                 "scratch/utils.py", "scratch/lr_scheduler.py")}
# The knob, the three weight draws of Network._initialize_weights (ResNetwork inherits it). healthy: as written,
# uniform on [-0.5, 0.5). broken: the same draws times 0.01, the learner's "small random weights"
# (randn * 0.01 as in many course notebooks): every hidden pre-activation is near 0, every sigmoid near 0.5, so all
# 128 units of a layer compute nearly the same thing for every image, and the gradients that reach W1 and W2 pass
# through W3's and W2's tiny entries.
# healthy: 78.3% training and 79.0% validation accuracy after the first epoch, 97.0% / 96.0% after the second, 100%
# from the third to the last; mean squared error of the softmax outputs (utils.mse) 0.0023 on the training rows,
# cross-entropy 0.13 (the squared-error cost leaves the softmax soft); largest |W1| 0.61, |W3| 1.5.
# broken: 10.6% / 11.5% after the first epoch and the accuracies stay at the share of one class or another to the last
# (10.6% / 11.5% in most epochs, 8.4% / 9.0% in some, 9.0% / 9.5% at the end): the hidden units stay nearly
# identical, W3 grows (largest |W3| 0.005 -> 9.9) moving the outputs between classes, not between images; squared
# error 0.091, cross-entropy 2.42 (chance is ln 10 = 2.30). The same after cell 17's 50 epochs (11.5% validation
# accuracy, largest |W3| 26). Nothing becomes inf or nan.
SCALE = {
    "healthy": [],
    "broken": [("'W1': np.random.rand(hidden_layer_1, input_layer) - 0.5,",
                "'W1': (np.random.rand(hidden_layer_1, input_layer) - 0.5) * 0.01,"),
               ("'W2': np.random.rand(hidden_layer_2, hidden_layer_1) - 0.5,",
                "'W2': (np.random.rand(hidden_layer_2, hidden_layer_1) - 0.5) * 0.01,"),
               ("'W3': np.random.rand(output_layer, hidden_layer_2) - 0.5,",
                "'W3': (np.random.rand(output_layer, hidden_layer_2) - 0.5) * 0.01,")],
}
# budget: cell 17's epochs=50 -> 20 (an argument of the constructor, no change to the files; 800 per-sample steps and
# two accuracy passes an epoch, some 3 s in all)
EPOCHS, LEARNING_RATE, SIZES, ROWS, GLOBAL_RANDOM_STATE = 20, 0.3, [784, 128, 128, 10], 1000, 42
# fit() prints the seconds since it started in every epoch line; the copy printed here drops them
CLOCK = [(re.compile(r"Training Time: [\d.]+s, "), "")]


def main() -> None:
    args = _common.parse(__doc__)
    _common.checkout(PROJECT, REPO, COMMIT, FILES, {"scratch/network.py": SCALE[args.knob]})
    # cell 11 on synthetic digits: x / 255 as float32, one-hot y, the first 1,000 rows, 20% held out for validation
    images, labels = _common.synthetic_digits(ROWS, np.random.default_rng(0))
    x = (images.reshape(ROWS, -1) / 255).astype("float32")
    y = np.zeros((ROWS, 10))
    for i, val in enumerate(labels):
        y[i, val] = 1
    order = np.random.RandomState(GLOBAL_RANDOM_STATE).permutation(ROWS)
    train, val = order[:ROWS * 4 // 5], order[ROWS * 4 // 5:]
    x_train, y_train, x_val, y_val = x[train], y[train], x[val], y[val]
    _common.seed(GLOBAL_RANDOM_STATE)  # cell 8; _initialize_weights seeds numpy itself with random_state=1
    res_network = _common.load("scratch.res_network")
    utils = _common.load("scratch.utils")
    printed = _common.Tee(sys.stdout, CLOCK)
    with contextlib.redirect_stdout(printed):
        res_nn = res_network.ResNetwork(sizes=SIZES, learning_rate=LEARNING_RATE, epochs=EPOCHS)  # cell 17
        res_nn.fit(x_train, y_train, x_val, y_val)
    epochs = re.findall(r"Training Accuracy: ([\d.]+)%, Validation Accuracy: ([\d.]+)%", printed.kept.getvalue())
    with np.errstate(all="ignore"):
        outputs = [res_nn._forward_pass(row)["final_output"] for row in x_train]
        mse = float(np.mean([utils.mse(target, out) for target, out in zip(y_train, outputs)]))
        cross_entropy = float(-np.mean([np.log(out[target.argmax()]) for target, out in zip(y_train, outputs)]))
        max_w = {name: float(np.abs(w).max()) for name, w in res_nn.params.items()}
    _common.result(project=PROJECT, knob=args.knob, loss=mse, cross_entropy=cross_entropy,
                   first_train_accuracy=float(epochs[0][0]) / 100, first_val_accuracy=float(epochs[0][1]) / 100,
                   train_accuracy=res_nn.compute_accuracy(x_train, y_train),
                   accuracy=res_nn.compute_accuracy(x_val, y_val), epochs=len(epochs),
                   max_abs_w1=max_w["W1"], max_abs_w3=max_w["W3"],
                   finite_weights=bool(all(np.isfinite(w).all() for w in res_nn.params.values())))


if __name__ == "__main__":
    main()
