"""Drives TheAlgorithms/Python neural_network/back_propagation_neural_network.py (a BP network framework: DenseLayer
objects holding np.matrix weight and bias, sigmoid units, squared error, per-sample SGD inside BPNN.train) by its
example()'s recipe on a table of 10 measured features; knob: the inputs' scale (standardised or raw columns)."""

import numpy as np

import _common

PROJECT = "algorithms_bpnn"
REPO = "TheAlgorithms/Python"
COMMIT = "f5988cc09713315817df6a7e327e258013a94440"
FILE = "neural_network/back_propagation_neural_network.py"
MODULE = "back_propagation_neural_network.py"  # its name in the scratch folder
# healthy: each column standardised, as the example's inputs are (standard-normal draws): the mean squared error per
# row falls 0.145 -> 0.0098 and train stops at round 103 of 300 on reaching the example's accuracy 0.01; broken: the
# raw columns (means 40..400, standard deviations 5..80), what a user feeds when the table goes straight in: every
# first-layer sigmoid sits at exactly 0 or 1 whatever the row, the net can only fit the targets' mean and the error
# settles at the targets' variance (0.117) through all 300 rounds: 0.150 -> 0.126 by round 10 -> 0.121 -> 0.120
INPUTS = {"healthy": "standardised", "broken": "raw"}

# The module plots the loss curve with matplotlib every round (plt.ion, plt.show, plt.pause(0.1)). The stand-in draws
# nothing and does not pause; its Axes keeps the plotted lines in a list, which plot_loss reads and removes from.
STUBS = {
    "matplotlib/__init__.py": '"""Stand-in for matplotlib: nothing is drawn."""\n',
    "matplotlib/pyplot.py": '''"""Stand-in for matplotlib.pyplot: the module's plotting calls draw nothing."""


class Axes:
    def __init__(self):
        self.lines = []

    def hlines(self, *args, **kwargs):
        return None

    def plot(self, *args, **kwargs):
        line = object()
        self.lines.append(line)
        return [line]


class Figure:
    def add_subplot(self, *args, **kwargs):
        return Axes()


def figure(*args, **kwargs):
    return Figure()


def ion():
    return None


def xlabel(*args, **kwargs):
    return None


def ylabel(*args, **kwargs):
    return None


def show(*args, **kwargs):
    return None


def pause(interval):
    return None
''',
}

# The example's target table, extended: two outputs per row in [0.1, 0.9], as in example()'s ten hand-written rows
ROWS = 100


def table(rng: np.random.Generator):
    """ROWS rows of 10 raw measured features (each column its own unit: means 40..400, deviations 5..80) and targets."""
    means = np.linspace(40.0, 400.0, 10)
    spreads = np.linspace(5.0, 80.0, 10)
    raw = np.round(means + spreads * rng.normal(size=(ROWS, 10)), 1)
    targets = np.round(rng.uniform(0.1, 0.9, (ROWS, 2)), 2)
    return raw, targets


def main() -> None:
    args = _common.parse(__doc__)
    patches = {MODULE: [
        # DenseLayer.initializer draws from a fresh unseeded default_rng(); numpy's global state, seeded below,
        # draws the same normal(0, 0.5) weights and biases reproducibly
        ("        rng = np.random.default_rng()\n        self.weight",
         "        rng = np.random  # (corpus driver) seeded\n        self.weight"),
    ]}
    _common.checkout(PROJECT, REPO, COMMIT, {FILE: MODULE}, patches, stubs=STUBS)
    _common.seed(0)
    bp = _common.load("back_propagation_neural_network")
    raw, y = table(np.random.default_rng(5))
    x = (raw - raw.mean(axis=0)) / raw.std(axis=0) if INPUTS[args.knob] == "standardised" else raw
    # example(): four layers of 10, 20, 30 and 2 units at the default learning rate 0.3, trained until the mean squared
    # error reaches accuracy 0.01 (the example's 100 rounds over 10 rows become up to 300 rounds over 100 rows)
    model = bp.BPNN()
    for i in (10, 20, 30, 2):
        model.add_layer(bp.DenseLayer(i))
    model.build()
    model.summary()
    reached = model.train(xdata=x, ydata=y, train_round=300, accuracy=0.01)
    mse = [float(v) for v in model.train_mse]
    _common.result(project=PROJECT, knob=args.knob, first_mse=mse[0], last_mse=mse[-1], min_mse=min(mse),
                   rounds=len(mse), reached_accuracy=reached is not None,
                   finite_weights=all(np.isfinite(layer.weight).all() and np.isfinite(layer.bias).all()
                                      for layer in model.layers[1:]))


if __name__ == "__main__":
    main()
