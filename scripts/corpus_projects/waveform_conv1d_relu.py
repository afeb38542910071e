"""Drives octoprakhar/Waveform-Classification (the sinVsSquarewave notebook: a 1-D convolutional network written from
scratch in numpy, WaveDetectorCNN: eight length-4 kernels slid over a 100-step signal in Python loops, ReLU, max
pooling (window 10, stride 10) with a binary mask for the backward pass, a dense layer to two logits, softmax and
cross-entropy; backprop by hand, plain SGD inside backprop_convolution(), minibatches of 32 in its train()) by the
notebook's cells on its own synthetic data, noisy sine waves against noisy square waves (generate_wave_data); knob:
how the convolution kernels are initialised, randn * 0.1 as written or zeros."""

import contextlib
import json
import os
import re
import sys

import numpy as np

import _common

PROJECT = "waveform_conv1d_relu"
REPO = "octoprakhar/Waveform-Classification"
COMMIT = "2e7295b4018f09ebd2971a7c1359262f02f2cb6b"
NOTEBOOK = "sinVsSquarewave.ipynb"
MODULE = "sinVsSquarewave.py"
# The notebook's code cells used, by index in its JSON: the imports (0), generate_wave_data (1), the WaveDetectorCNN
# class (7), and the run (8: data, train_test_split, WaveDetectorCNN(...), model.train(..., epochs=10),
# model.evaluate). Cells 2-6 only look at the data (a 10,000-signal draw shown as an expression, a plot of ten
# signals) and try a forward pass by hand on one signal; cells 9-20 are empty.
CELLS = (0, 1, 7, 8)
# The knob, WaveDetectorCNN.__init__'s kernel initialisation (the dense layer keeps its randn * 0.1 in both).
# broken: np.zeros, as one initialises the biases: every pre-activation of the convolution is exactly 0, the ReLU
# outputs 0 everywhere, its gradient mask (relu_feature_map > 0) is all False, so dk is exactly 0 at every step and the
# kernels never leave zero; the dense layer sees all-zero features, so only its bias moves: the network outputs the
# class prior for every signal.
KERNEL = {"healthy": "self.kernel = np.random.randn(self.F, self.C_in, self.K) * 0.1",
          "broken": "self.kernel = np.zeros((self.F, self.C_in, self.K))"}
# healthy: training loss (mean over an epoch's 32 minibatches) 0.659 in epoch 1 -> 0.515 -> 0.363 -> 0.273 in epoch 4,
# training accuracy 55% -> 92%; held-out accuracy (the driver's forward pass over the 256 test signals) 0.906, largest
# |kernel| 0.99 (the notebook's own evaluate() prints 46.9%: see held_out_accuracy).
# broken: loss 0.694 in every epoch (ln 2 = 0.693), training accuracy 47.6-49.5%, every test signal called a square
# wave (held-out accuracy 0.50), every kernel weight still exactly 0 at the end.
# Budget (both knobs), in cell 8: 1,280 signals instead of 10,000 (train_test_split keeps 1,024 for training, 32 full
# minibatches, and 256 for testing, 8 full batches: predict() needs whole batches of 32), 4 epochs instead of 10, and
# lr=0.1 passed to the constructor instead of its default 0.01 so that 128 steps (the run some 17 s) learn what the notebook's
# 2,500 do.
BUDGET = [
    ("X, y = generate_wave_data(num_samples=10000, seq_len=100)",
     "X, y = generate_wave_data(num_samples=1280, seq_len=100)"),
    ("model = WaveDetectorCNN(batchSize=32, sequence_size=100)",
     "model = WaveDetectorCNN(batchSize=32, sequence_size=100, lr=0.1)"),
    ("model.train(X_train, y_train, epochs=10)", "model.train(X_train, y_train, epochs=4)"),
]

# The notebook imports scikit-learn for train_test_split and the metrics evaluate() prints: stand-ins.
SKLEARN_STUB = {
    "sklearn/__init__.py": '"""Stand-in for scikit-learn: only what the notebook imports."""\n',
    "sklearn/model_selection.py": '''"""Stand-in for sklearn.model_selection.train_test_split: ShuffleSplit's permutation
from RandomState(random_state), the first ceil(test_size * n) indices for testing."""
import math

import numpy as np


def train_test_split(*arrays, test_size=0.25, random_state=None):
    n = len(arrays[0])
    n_test = math.ceil(test_size * n)
    permutation = np.random.RandomState(random_state).permutation(n)
    test, train = permutation[:n_test], permutation[n_test:]
    return [part for a in arrays for part in (a[train], a[test])]
''',
    "sklearn/metrics.py": '''"""Stand-in for sklearn.metrics: accuracy, a confusion matrix and a plain-text per-class report."""
import numpy as np


def accuracy_score(y_true, y_pred):
    return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))


def confusion_matrix(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    labels = np.unique(np.concatenate([y_true, y_pred]))
    return np.array([[int(np.sum((y_true == a) & (y_pred == b))) for b in labels] for a in labels])


def classification_report(y_true, y_pred, digits=2):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    lines = []
    for label in np.unique(np.concatenate([y_true, y_pred])):
        predicted, actual = y_pred == label, y_true == label
        precision = np.sum(predicted & actual) / max(np.sum(predicted), 1)
        recall = np.sum(predicted & actual) / max(np.sum(actual), 1)
        lines.append(f"{label}  precision {precision:.{digits}f}  recall {recall:.{digits}f}  support {np.sum(actual)}")
    return "\\n".join(lines)
''',
}


def notebook_module(notebook: dict, knob: str) -> str:
    cells = notebook["cells"]
    text = "\n\n".join("".join(cells[i]["source"]).rstrip() for i in CELLS) + "\n"
    text = _common.patch(text, KERNEL["healthy"], KERNEL[knob], MODULE)
    for old, new in BUDGET:
        text = _common.patch(text, old, new, MODULE)
    return text


def held_out_accuracy(model, X_test: np.ndarray, y_test: np.ndarray) -> float:
    """The notebook's predict() convolves self.input (the last training batch) whatever it is given, so its
    evaluate() scores stale features; this runs the model's own forward() on each whole test batch instead."""
    correct = 0
    B = model.B
    for start in range(0, len(X_test) - B + 1, B):
        model.input = X_test[start:start + B].reshape(B, model.C_in, model.L)
        correct += int(np.sum(np.argmax(model.forward(), axis=1) == y_test[start:start + B]))
    return correct / (len(X_test) // B * B)


def main() -> None:
    args = _common.parse(__doc__)
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, {}, stubs=SKLEARN_STUB)
    notebook = json.loads(_common.read(REPO, COMMIT, NOTEBOOK))
    with open(os.path.join(src, MODULE), "w", encoding="utf-8") as f:
        f.write(notebook_module(notebook, args.knob))
    os.environ.setdefault("MPLBACKEND", "Agg")  # cell 0 imports pyplot; nothing is drawn in the cells run
    os.chdir(src)
    _common.seed(0)  # generate_wave_data, the weights, the per-epoch shuffles: numpy's global generator
    printed = _common.Tee(sys.stdout)
    with contextlib.redirect_stdout(printed):
        run = _common.load(MODULE[:-3])  # runs the cells in order, as the notebook does
    epochs = re.findall(r"Epoch \[(\d+)/\d+\] - Loss: ([0-9.naif]+) - Accuracy: ([0-9.]+)%", printed.kept.getvalue())
    losses = [float(loss) for _, loss, _ in epochs]
    accuracies = [float(acc) / 100 for _, _, acc in epochs]
    model = run.model
    _common.result(project=PROJECT, knob=args.knob, first_loss=losses[0], last_loss=losses[-1],
                   first_train_acc=accuracies[0], last_train_acc=accuracies[-1],
                   test_acc=held_out_accuracy(model, run.X_test, run.y_test), epochs=len(losses),
                   max_abs_kernel=float(np.abs(model.kernel).max()),
                   finite_weights=bool(np.isfinite(model.kernel).all() and np.isfinite(model.W_dense).all()))


if __name__ == "__main__":
    main()
