"""Drives pangolulu/neural-network-from-scratch (a multi-layer net built from MultiplyGate/AddGate/Tanh/Softmax unit
objects, full-batch gradient descent on summed gradients, lists of weight arrays in mlnn.Model) by running its
main.py on the two-moons data; knob: the learning rate (epsilon of Model.train)."""

import os
import runpy
import sys

import numpy as np

import _common

PROJECT = "gate_layer_moons"
REPO = "pangolulu/neural-network-from-scratch"
COMMIT = "a2c7dc6e76d458e52e579496e545e3c658d430de"
FILES = ["main.py", "mlnn.py", "gate.py", "layer.py", "output.py", "utils.py"]
# healthy: main.py's epsilon (loss 0.700 after the first pass -> 0.160 after 20,000, accuracy 0.985); broken: a
# hundred times larger, what a user tries when 20,000 passes feel slow: the gradients are sums over the 200 points,
# so every step slams the tanh units (the output layer is a tanh too) into saturation, their gradients vanish and
# the net freezes at loss ln 2 = 0.693147 with accuracy 0.5 from the first thousand passes on
LEARNING_RATE = {"healthy": "0.01", "broken": "1.0"}

# main.py draws the data with sklearn.datasets.make_moons and plots with matplotlib. The stand-ins: make_moons as
# scikit-learn computes it (two half circles, shuffled, Gaussian noise, from numpy's global random state when
# random_state is None, so main.py's np.random.seed(0) fixes it), and a pyplot whose drawing calls do nothing.
STUBS = {
    "sklearn/__init__.py": '"""Stand-in for scikit-learn: main.py uses datasets.make_moons only."""\n',
    "sklearn/linear_model.py": '"""Stand-in for sklearn.linear_model: main.py imports it and never uses it."""\n',
    "sklearn/datasets.py": '''"""Stand-in for sklearn.datasets.make_moons."""
import numpy as np


def make_moons(n_samples=100, shuffle=True, noise=None, random_state=None):
    n_out = n_samples // 2
    n_in = n_samples - n_out
    generator = np.random.mtrand._rand if random_state is None else np.random.RandomState(random_state)
    outer_x = np.cos(np.linspace(0, np.pi, n_out))
    outer_y = np.sin(np.linspace(0, np.pi, n_out))
    inner_x = 1 - np.cos(np.linspace(0, np.pi, n_in))
    inner_y = 1 - np.sin(np.linspace(0, np.pi, n_in)) - .5
    X = np.vstack([np.append(outer_x, inner_x), np.append(outer_y, inner_y)]).T
    y = np.hstack([np.zeros(n_out, dtype=np.intp), np.ones(n_in, dtype=np.intp)])
    if shuffle:
        order = np.arange(n_samples)
        generator.shuffle(order)
        X, y = X[order], y[order]
    if noise is not None:
        X += generator.normal(scale=noise, size=X.shape)
    return X, y
''',
    "matplotlib/__init__.py": '"""Stand-in for matplotlib: nothing is drawn."""\n',
    "matplotlib/pyplot.py": '''"""Stand-in for matplotlib.pyplot: the calls main.py and utils.py make draw nothing."""
import types

cm = types.SimpleNamespace(Spectral="Spectral")


def scatter(*args, **kwargs):
    return None


def contourf(*args, **kwargs):
    return None


def title(*args, **kwargs):
    return None


def show(*args, **kwargs):
    return None
''',
}


def main() -> None:
    args = _common.parse(__doc__)
    patches = {"main.py": [
        ("epsilon=0.01,", f"epsilon={LEARNING_RATE[args.knob]},"),
    ]}
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, {f: f for f in FILES}, patches, stubs=STUBS)
    _common.seed(0)  # main.py seeds numpy itself (np.random.seed(0)) before drawing the data and the weights
    # runs the file as `python main.py` does; the copy of its output kept here is scored
    tee = _common.Tee(sys.stdout)
    sys.stdout = tee
    try:
        run = runpy.run_path(os.path.join(src, "main.py"), run_name="__main__")
    finally:
        sys.stdout = tee.through
    printed = [float(line.rsplit(": ", 1)[1]) for line in tee.kept.getvalue().splitlines()
               if line.startswith("Loss after iteration")]
    model, X, y = run["model"], run["X"], run["y"]
    _common.result(project=PROJECT, knob=args.knob, first_printed_loss=printed[0], last_printed_loss=printed[-1],
                   loss=model.calculate_loss(X, y), train_acc=float(np.mean(model.predict(X) == y)),
                   finite_weights=all(np.isfinite(w).all() for w in model.W + model.b))


if __name__ == "__main__":
    main()
