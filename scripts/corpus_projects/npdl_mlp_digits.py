"""Drives chaoming0625/NumpyDL (npdl: a Keras-like library, Model of Dense layers with ReLU/Softmax activation
objects, softmax categorical cross-entropy, SGD over a list of parameter arrays, minibatch epochs in Model.fit) with
its examples/mlp-digits.py on synthetic 8x8 digits; knob: SGD learning rate."""

import contextlib
import os
import runpy
import sys

import numpy as np

import _common

PROJECT = "npdl_mlp_digits"
REPO = "chaoming0625/NumpyDL"
COMMIT = "29c03402500cd3227daadaaf63147856068c9ae7"
EXAMPLE = "examples/mlp-digits.py"
# healthy: the example's own rate, SGD(lr=0.005); broken: a rate 100 times larger. Measured over its own 150
# epochs (no budget patch): healthy train loss 1.98 -> 0.0021, train and validation accuracy 1.0; broken train loss
# 6.55 in the first epoch, then stuck near 2.1 (2.09 at the end) with 494 of the 500 ReLU units dead, train accuracy
# 0.18, validation accuracy 0.12 (chance level), no NaN.
LEARNING_RATE = {"healthy": "0.005", "broken": "0.5"}
# The example loads scikit-learn's digits (8x8 images, values 0..16, 1,797 samples); this stand-in gives it the
# driver's synthetic digits in the same layout.
SKLEARN_STUB = {
    "sklearn/__init__.py": '"""Stand-in for scikit-learn: only datasets.load_digits is used."""\n',
    "sklearn/datasets/__init__.py":
        '"""Stand-in for sklearn.datasets.load_digits: data (n, 64) floats 0..16, target (n,) ints."""\n'
        "import os\nimport types\n\nimport numpy as np\n\n\n"
        "def load_digits():\n"
        "    saved = np.load(os.path.join(os.path.dirname(__file__), 'digits.npz'))\n"
        "    return types.SimpleNamespace(data=saved['data'].copy(), target=saved['target'].copy())\n",
}


def main() -> None:
    args = _common.parse(__doc__)
    patches = {EXAMPLE: [("optimizer=npdl.optimizers.SGD(lr=0.005)",
                          f"optimizer=npdl.optimizers.SGD(lr={LEARNING_RATE[args.knob]})")]}
    files = {f: f for f in _common.python_files(REPO, COMMIT, "npdl") + [EXAMPLE]}
    src, stubs = _common.checkout(PROJECT, REPO, COMMIT, files, patches,
                                  SKLEARN_STUB)
    images, labels = _common.synthetic_digits(1797, np.random.default_rng(7), side=8)
    data = np.round(images.reshape(len(images), 64) / 255.0 * 16.0)  # sklearn's digits: integers 0..16 as floats
    np.savez(os.path.join(stubs, "sklearn", "datasets", "digits.npz"), data=data, target=labels)
    _common.seed(0)
    printed = _common.Tee(sys.stdout)
    with contextlib.redirect_stdout(printed):
        runpy.run_path(os.path.join(src, EXAMPLE), run_name="__main__")  # as `python examples/mlp-digits.py`
    lines = [line for line in printed.kept.getvalue().split("\n") if line.startswith("iter ")]

    def field(line, part, key):
        return float(line.split(f"{part}-[", 1)[1].split(f"{key} ", 1)[1].split(",")[0].split("]")[0])

    _common.result(project=PROJECT, knob=args.knob, first_loss=field(lines[0], "train", "loss"),
                   last_loss=field(lines[-1], "train", "loss"), train_acc=field(lines[-1], "train", "acc"),
                   valid_acc=field(lines[-1], "valid", "acc"),
                   finite=all(np.isfinite(field(line, "train", "loss")) for line in lines))


if __name__ == "__main__":
    main()
