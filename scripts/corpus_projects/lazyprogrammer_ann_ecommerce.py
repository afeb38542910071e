"""Drives lazyprogrammer/machine_learning_examples ann_logistic_extra/ann_train.py (a one-hidden-layer tanh/softmax
net written at module level: W1, b1, W2, b2 globals, summed-gradient full-batch descent for 10,000 iterations,
softmax without the max subtracted) on the repository's own ecommerce_data.csv through its process.get_data; knob:
the learning rate."""

import numpy as np

import _common

PROJECT = "lazyprogrammer_ann_ecommerce"
REPO = "lazyprogrammer/machine_learning_examples"
COMMIT = "9c35878543c99be13dd5201a5d1bebf492bcd2b4"
FILES = {f"ann_logistic_extra/{name}": name for name in ("ann_train.py", "process.py", "ecommerce_data.csv")}
# healthy: the script's rate (train cross-entropy 1.47 -> 0.032, train / test accuracy 0.99 / 0.94); broken: a
# hundred times larger, what a user tries when 10,000 iterations feel slow: the gradient is summed over 400 rows,
# so each step overshoots, the weights swing up to |W| 84 and the cost oscillates between ~0.4 and 5 (spikes to 65)
# for the whole run: 1.47 -> 4.10 at the last iteration, mean of the last 1,000 2.92, accuracy 0.91 / 0.89
LEARNING_RATE = {"healthy": "0.001", "broken": "0.1"}

# process.py reads the csv with pandas (read_csv, then to_numpy), ann_train.py imports sklearn.utils.shuffle (unused)
# and plots its cost curves with matplotlib. The stand-ins: a read_csv that returns the file's numeric rows under its
# header, a shuffle that is never called, and a pyplot that draws nothing.
STUBS = {
    "pandas/__init__.py": '''"""Stand-in for pandas: read_csv of an all-numeric csv with one header row."""
import numpy as np


class _Frame:
    def __init__(self, columns, values):
        self.columns = columns
        self._values = values

    def to_numpy(self):
        return self._values.copy()


def read_csv(path):
    with open(path) as f:
        columns = f.readline().strip().split(",")
    return _Frame(columns, np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2))
''',
    "sklearn/__init__.py": '"""Stand-in for scikit-learn: ann_train.py imports utils.shuffle only."""\n',
    "sklearn/utils.py": '''"""Stand-in for sklearn.utils: shuffle is imported by ann_train.py and never called."""


def shuffle(*arrays, **kwargs):
    raise NotImplementedError("stand-in sklearn.utils.shuffle")
''',
    "matplotlib/__init__.py": '"""Stand-in for matplotlib: only pyplot, which draws nothing."""\n',
    "matplotlib/pyplot.py": '''"""Stand-in for matplotlib.pyplot: the script's plot calls draw nothing."""


def plot(*args, **kwargs):
    return None


def legend(*args, **kwargs):
    return None


def show(*args, **kwargs):
    return None
''',
}


def main() -> None:
    args = _common.parse(__doc__)
    patches = {"ann_train.py": [("learning_rate = 0.001", f"learning_rate = {LEARNING_RATE[args.knob]}")]}
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, FILES, patches, stubs=STUBS)
    _common.seed(0)  # get_data shuffles the rows and the script draws W1, W2 from numpy's global generator
    run = _common.load("ann_train")  # trains at import (module level, as `python ann_train.py` does)
    costs = np.asarray(run.train_costs, dtype=float)
    bad = ~np.isfinite(costs)
    _common.result(project=PROJECT, knob=args.knob, first_loss=costs[0], last_loss=costs[-1],
                   min_loss=float(np.nanmin(costs)), mean_last_1000=float(np.nanmean(costs[-1000:])),
                   test_loss=run.test_costs[-1], nonfinite=int(bad.sum()),
                   first_nonfinite=int(np.argmax(bad)) if bad.any() else "none",
                   train_acc=run.classification_rate(run.Ytrain, run.predict(run.pYtrain)),
                   test_acc=run.classification_rate(run.Ytest, run.predict(run.pYtest)),
                   max_abs_w=max(float(np.abs(getattr(run, k)).max()) for k in ("W1", "b1", "W2", "b2")))


if __name__ == "__main__":
    main()
