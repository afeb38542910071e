"""Drives vzhou842/cnn-from-scratch (conv 3x3, max-pool, softmax; per-image SGD) on synthetic digits; knob: learning rate."""

import os

import numpy as np

import _common

PROJECT = "cnn_from_scratch"
REPO = "vzhou842/cnn-from-scratch"
COMMIT = "44e75d876b6ed6148e0da65cf8ee9424f55a2179"
FILES = ["cnn.py", "conv.py", "maxpool.py", "softmax.py"]
LEARNING_RATE = {"healthy": ".005", "broken": "1.5"}

# Stand-in for the `mnist` package (which downloads): the four functions cnn.py calls, reading the driver's arrays.
MNIST_STUB = '''"""Stand-in for the mnist package: synthetic digits written by the corpus driver."""
import os
import numpy as np
_data = np.load(os.path.join(os.path.dirname(__file__), "digits.npz"))
def train_images(): return _data["train_images"]
def train_labels(): return _data["train_labels"]
def test_images(): return _data["test_images"]
def test_labels(): return _data["test_labels"]
'''


def main() -> None:
    args = _common.parse(__doc__)
    patches = {"cnn.py": [
        ("for epoch in range(3):", "for epoch in range(1):"),  # the budget: 1 epoch of 80 images
        ("def train(im, label, lr=.005):", f"def train(im, label, lr={LEARNING_RATE[args.knob]}):"),
    ]}
    src, stubs = _common.checkout(PROJECT, REPO, COMMIT, {f: f for f in FILES}, patches, {"mnist.py": MNIST_STUB})
    rng = np.random.default_rng(5)
    images, labels = _common.synthetic_digits(110, rng)
    np.savez(os.path.join(stubs, "digits.npz"), train_images=images[:80], train_labels=labels[:80],
             test_images=images[80:], test_labels=labels[80:])
    _common.seed(0)
    cnn = _common.load("cnn")  # the module trains and tests at import, as `python cnn.py` does
    _common.result(project=PROJECT, knob=args.knob, test_loss=cnn.loss / len(cnn.test_images),
                   test_acc=cnn.num_correct / len(cnn.test_images))


if __name__ == "__main__":
    main()
