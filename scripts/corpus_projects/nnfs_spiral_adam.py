"""Drives Sentdex/nnfs_book Chapter 18 (Model of Layer_Dense/ReLU/Dropout/Softmax objects, Adam) on spiral data; knob: Adam learning rate."""

import os
import runpy
import sys

import _common

PROJECT = "nnfs_spiral_adam"
REPO = "Sentdex/nnfs_book"
COMMIT = "9cf2fc482985d5bc68c736a49aa0624b6ab13fb1"
# healthy: the chapter's own rate; broken: a rate a hundred times larger
LEARNING_RATE = {"healthy": "0.05", "broken": "5.0"}
# The book's `nnfs` package (pip) seeds numpy and serves the spiral data set; this stand-in does the same with
# the usual spiral generator (the chapter's own data, not downloaded).
NNFS_STUB = {
    "nnfs/__init__.py": '"""Stand-in for the nnfs package: init() seeds numpy."""\n'
                        "import random\nimport numpy as np\n\n\n"
                        "def init():\n    np.random.seed(0)\n    random.seed(0)\n",
    "nnfs/datasets.py": '"""Stand-in for nnfs.datasets: the spiral data set (classes arms, noisy angle)."""\n'
                        "import numpy as np\n\n\n"
                        "def spiral_data(samples, classes):\n"
                        "    X = np.zeros((samples * classes, 2))\n"
                        "    y = np.zeros(samples * classes, dtype='uint8')\n"
                        "    for class_number in range(classes):\n"
                        "        ix = range(samples * class_number, samples * (class_number + 1))\n"
                        "        r = np.linspace(0.0, 1, samples)\n"
                        "        t = np.linspace(class_number * 4, (class_number + 1) * 4, samples) + "
                        "np.random.randn(samples) * 0.2\n"
                        "        X[ix] = np.c_[r * np.sin(t * 2.5), r * np.cos(t * 2.5)]\n"
                        "        y[ix] = class_number\n"
                        "    return X, y\n",
}


def main() -> None:
    args = _common.parse(__doc__)
    name = "Chapter_18/Ch18_Final.py"
    patches = {"Ch18_Final.py": [
        ("optimizer=Optimizer_Adam(learning_rate=0.05, decay=5e-5),",
         f"optimizer=Optimizer_Adam(learning_rate={LEARNING_RATE[args.knob]}, decay=5e-5),"),
        # budget: 300 epochs of 300 samples a class instead of 10000 of 1000
        ("            epochs=10000, print_every=100)", "            epochs=300, print_every=20)"),
        ("X, y = spiral_data(samples=1000, classes=3)", "X, y = spiral_data(samples=300, classes=3)"),
    ]}
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, {name: "Ch18_Final.py"}, patches, stubs=NNFS_STUB)
    _common.seed(0)
    printed = _common.Tee(sys.stdout)
    sys.stdout = printed
    try:
        runpy.run_path(os.path.join(src, "Ch18_Final.py"), run_name="__main__")
    finally:
        sys.stdout = printed.through
    lines = printed.kept.getvalue().splitlines()
    train = [line for line in lines if line.startswith("epoch:")]
    val = [line for line in lines if line.startswith("validation")]

    def field(line, key):
        return float(line.split(f"{key}: ", 1)[1].split(",")[0].split(" ")[0])

    _common.result(project=PROJECT, knob=args.knob, first_printed_loss=field(train[0], "loss"),
                   last_loss=field(train[-1], "loss"), train_acc=field(train[-1], "acc"),
                   val_acc=field(val[-1], "acc") if val else "none")


if __name__ == "__main__":
    main()
