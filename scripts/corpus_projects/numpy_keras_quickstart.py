"""Drives XavierSpycy/NumPy-Keras (a Keras-like numpy library: Sequential of Input/Dense layers with params/grads
dicts, softmax cross-entropy, Adam, shuffled minibatch epochs in Sequential.fit) with its
tutorials/code/00_quickstart.py on synthetic digits; knob: the quickstart's pixel scaling (/ 255.0 or raw 0..255)."""

import contextlib
import io
import os
import runpy

import numpy as np

import _common

PROJECT = "numpy_keras_quickstart"
REPO = "XavierSpycy/NumPy-Keras"
COMMIT = "4eb20ad094b13dbbeee8e13ff8553452c74138be"
SCRIPT = "tutorials/code/00_quickstart.py"
# healthy: the quickstart as written (its load_mnist divides the CSV's pixels by 255); broken: that division left
# out, so the net (He-initialised ReLU layer, softmax, Adam at 1e-3) sees raw 0..255 pixels. Measured with one BLAS
# thread: healthy loss 0.964 -> 0.0051 in 5 epochs, train/val/test accuracy 1.0; broken loss 19.8 -> 17.8 (the
# softmax saturated, the clipped cross-entropy stuck high), train accuracy 0.22, val/test accuracy 0.22, no NaN.
SCALING = {"healthy": "for r in rows]) / 255.0", "broken": "for r in rows])"}


def write_csv(path: str, images: np.ndarray, labels: np.ndarray) -> None:
    """The repository's data/*.csv layout: one digit a row, its label first, then 784 pixel values 0..255."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        for image, label in zip(images.reshape(len(images), -1), labels):
            f.write(f"{label}," + ",".join(map(str, image.tolist())) + "\n")


def main() -> None:
    args = _common.parse(__doc__)
    patches = {SCRIPT: [
        ("for r in rows]) / 255.0", SCALING[args.knob]),
        # budget: 2,000 training and 500 test digits instead of 5,000 and 1,000 (its 5 epochs of batches of 64 kept)
        ('"mnist_train_small.csv", n_rows=5000)', '"mnist_train_small.csv", n_rows=2000)'),
        ('"mnist_test.csv", n_rows=1000)', '"mnist_test.csv", n_rows=500)'),
    ]}
    files = {f: f for f in _common.python_files(REPO, COMMIT, "numpy_keras") + [SCRIPT]}
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, files, patches)
    images, labels = _common.synthetic_digits(2500, np.random.default_rng(5))
    write_csv(os.path.join(src, "data", "mnist_train_small.csv"), images[:2000], labels[:2000])
    write_csv(os.path.join(src, "data", "mnist_test.csv"), images[2000:], labels[2000:])
    # pure NumPy mode, as the tutorial measured its numbers (no Cython kernels are built in the scratch folder anyway)
    os.environ["NUMPY_KERAS_DISABLE_CYTHON"] = "1"
    _common.seed(0)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        runpy.run_path(os.path.join(src, SCRIPT), run_name="__main__")  # as `python tutorials/code/00_quickstart.py`
    # its training-time line is a wall time; dropped so that two runs print the same
    lines = [line for line in printed.getvalue().split("\n") if "训练耗时" not in line]
    print("\n".join(lines), flush=True)
    epochs = [line for line in lines if line.startswith("epoch ")]

    def field(line, key):
        return float(line.split(f"{key}=", 1)[1].split(",")[0])

    test = [line for line in lines if "测试集准确率" in line]
    _common.result(project=PROJECT, knob=args.knob, first_loss=field(epochs[0], "loss"),
                   last_loss=field(epochs[-1], "loss"), train_acc=field(epochs[-1], "train_acc"),
                   val_acc=field(epochs[-1], "val_acc"), test_acc=float(test[-1].split(":")[-1]))


if __name__ == "__main__":
    main()
