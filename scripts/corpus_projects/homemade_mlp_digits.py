"""Drives trekhleb/homemade-machine-learning (homemade.neural_network.MultilayerPerceptron: thetas dict unrolled
into one vector, per-example backpropagation summed then averaged, full-batch gradient descent, sigmoid layers,
cross-entropy without epsilon plus an L2 term) by the training cells of its multilayer_perceptron_demo.ipynb on
synthetic digits in its mnist-demo.csv layout; knob: the gradient-descent step size alpha."""

import json
import os
import sys

import numpy as np

import _common

PROJECT = "homemade_mlp_digits"
REPO = "trekhleb/homemade-machine-learning"
COMMIT = "7510d8e0648077f4acaac6080804c1f9dd588e91"
NOTEBOOK = "notebooks/neural_network/multilayer_perceptron_demo.ipynb"
MODULE = "multilayer_perceptron_demo"
# The notebook's cells that train, by index in its JSON: the path setup (1, its two autoreload magics commented
# out), imports (3), load ../../data/mnist-demo.csv (5), data.info() (6), the 80/20 split (10), configure and train
# [784, 25, 10] with the cost plot (12), the training and test precision (16). The cells that only draw digits or
# the learned thetas (8, 14, 18) are left out.
TRAINING_CELLS = (1, 3, 5, 6, 10, 12, 16)
# healthy: the notebook's alpha (cost 7.56 -> 1.30 over the 100 steps, falling at every step; training and test
# precision 100%, |theta| at most 1.27); broken: a hundred times larger, what a user tries when the cost creeps down
# by 0.05 a step: the thetas are thrown out to |theta| up to 32, the sigmoid's exp overflows, and the cost jumps
# 7.56 -> 192 -> 1107 in two steps, is inf at steps 4 and 13 (an output sigmoid rounds to 1 and the cost takes
# log(0)), and stays near 1050 to the end (most of it the L2 term of the huge thetas; training precision 100%,
# test 94.7%)
ALPHA = {"healthy": "0.1", "broken": "10"}
# budget: 375 synthetic rows in place of the demo's 10,000 (the notebook's 80/20 split keeps 300 for training, all
# under its num_training_examples = 1700) and 100 gradient steps in place of 300 (its backpropagation loops over the
# examples in Python: 4-7 s of CPU)
N_ROWS = 375

# The notebook loads and splits the csv with pandas (read_csv, head, info, sample(frac=0.8), drop(index), values)
# and plots with matplotlib. The stand-ins: a DataFrame over the csv's integer rows whose sample draws its rows as
# pandas does (numpy's global random state, choice without replacement of round(frac * n) rows), and a pyplot that
# draws nothing.
STUBS = {
    "pandas/__init__.py": '''"""Stand-in for pandas: read_csv of an all-integer csv with one header row, and the
DataFrame methods the notebook calls."""
import numpy as np


class DataFrame:
    def __init__(self, values, columns, index):
        self.values = values
        self.columns = columns
        self.index = index

    def head(self, n=5):
        return DataFrame(self.values[:n], self.columns, self.index[:n])

    def info(self):
        print("<class 'pandas.core.frame.DataFrame'>")
        print(f"RangeIndex: {len(self.index)} entries, 0 to {len(self.index) - 1}")
        print(f"Columns: {len(self.columns)} entries, {self.columns[0]} to {self.columns[-1]}")
        print(f"dtypes: int64({len(self.columns)})")

    def sample(self, frac=None):
        rows = np.random.choice(len(self.index), size=round(frac * len(self.index)), replace=False)
        return DataFrame(self.values[rows], self.columns, self.index[rows])

    def drop(self, labels):
        keep = ~np.isin(self.index, labels)
        return DataFrame(self.values[keep], self.columns, self.index[keep])


def read_csv(path):
    with open(path) as f:
        columns = f.readline().strip().split(",")
    values = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.int64, ndmin=2)
    return DataFrame(values, columns, np.arange(len(values)))
''',
    "matplotlib/__init__.py": '"""Stand-in for matplotlib: pyplot draws nothing, image is only imported."""\n',
    "matplotlib/image.py": '"""Stand-in for matplotlib.image: imported by the notebook, never used."""\n',
    "matplotlib/pyplot.py": '''"""Stand-in for matplotlib.pyplot: the notebook's cost plot draws nothing."""


def plot(*args, **kwargs):
    return None


def xlabel(*args, **kwargs):
    return None


def ylabel(*args, **kwargs):
    return None


def show(*args, **kwargs):
    return None
''',
}


def notebook_module(notebook: dict, knob: str) -> str:
    cells = {index: "".join(notebook["cells"][index]["source"]).rstrip() for index in TRAINING_CELLS}
    where = f"{MODULE}.py"
    cells[1] = _common.patch(cells[1], "%load_ext autoreload", "# %load_ext autoreload", where)
    cells[1] = _common.patch(cells[1], "%autoreload 2", "# %autoreload 2", where)
    cells[12] = _common.patch(cells[12], "alpha = 0.1 ", f"alpha = {ALPHA[knob]} ", where)
    cells[12] = _common.patch(cells[12], "max_iterations = 300 ", "max_iterations = 100 ", where)  # the budget
    return "\n\n".join(cells[index] for index in TRAINING_CELLS) + "\n"


def write_csv(path: str) -> None:
    """data/mnist-demo.csv's layout: a header row (label, 1x1 ... 28x28), then the label and 784 pixels 0..255."""
    images, labels = _common.synthetic_digits(N_ROWS, np.random.default_rng(7))
    with open(path, "w") as f:
        f.write(",".join(["label"] + [f"{r}x{c}" for r in range(1, 29) for c in range(1, 29)]) + "\n")
        for image, label in zip(images, labels):
            f.write(",".join([str(int(label))] + [str(int(v)) for v in image.reshape(-1)]) + "\n")


def main() -> None:
    args = _common.parse(__doc__)
    files = {path: path for path in _common.python_files(REPO, COMMIT, "homemade")}
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, files, stubs=STUBS)
    notebook = json.loads(_common.read(REPO, COMMIT, NOTEBOOK))
    folder = os.path.join(src, "notebooks", "neural_network")
    os.makedirs(folder)
    with open(os.path.join(folder, f"{MODULE}.py"), "w", encoding="utf-8") as f:
        f.write(notebook_module(notebook, args.knob))
    os.makedirs(os.path.join(src, "data"))
    write_csv(os.path.join(src, "data", "mnist-demo.csv"))
    os.chdir(folder)  # the notebook reads ../../data/mnist-demo.csv and appends ../.. to sys.path, from its folder
    sys.path.insert(0, folder)
    _common.seed(0)  # the split (sample) and the thetas' init draw from numpy's global random state
    nb = _common.load(MODULE)  # runs the cells in order, as the notebook does (it prints the two precisions)
    costs = np.asarray(nb.costs, dtype=float)
    thetas = nb.multilayer_perceptron.thetas
    _common.result(project=PROJECT, knob=args.knob, first_cost=costs[0], cost=costs[-1], max_cost=costs.max(),
                   train_precision=float(nb.train_precision), test_precision=float(nb.test_precision),
                   max_abs_theta=max(float(np.abs(t).max()) for t in thetas.values()),
                   finite=bool(np.isfinite(costs).all()))


if __name__ == "__main__":
    main()
