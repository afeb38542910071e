"""Drives rasbt/python-machine-learning-book (first edition, code/ch02/ch02.ipynb: the AdalineGD class, full-batch
gradient descent on the summed squared error with eta * X.T.dot(errors), weights w_ from zeros, setosa vs versicolor
by sepal and petal length) by the notebook's Adaline gradient-descent cells on iris-like data; knob: whether the
features handed to fit() are the standardized copy X_std the notebook makes or the raw centimetres X."""

import json
import math
import os

import numpy as np

import _common

PROJECT = "pyml1_adaline_iris"
REPO = "rasbt/python-machine-learning-book"
COMMIT = "7d916874374ae94d84bd43b9745ac9789e5b2a18"
NOTEBOOK = "code/ch02/ch02.ipynb"
MODULE = "ch02"
# The notebook's cells for Adaline trained by gradient descent, by index in its JSON: read iris.data (25), take
# setosa and versicolor with their sepal and petal lengths and scatter them (31, its %matplotlib magic commented
# out), plot_decision_regions (37), the AdalineGD class (48), standardize the two features (53), fit AdalineGD(n_iter,
# eta=0.01) and plot its regions and cost curve (54). Left out: the watermark and image-display cells, the
# perceptron (17, 34, 38: another model), the alternative download of the same csv (27), and cell 49, the chapter's
# own demonstration of a diverging fit (eta 0.01 and 0.0001 on the raw features, side by side), which would put a
# deliberately diverging run into the healthy knob as well; the stochastic-gradient Adaline and the logistic
# regression after them (57-67) are other models.
CELLS = (25, 31, 37, 48, 53, 54)
# healthy: the notebook's fit on X_std (summed squared error 50 at epoch 0 -> 2.48 at epoch 15, as in the book's
# plot, -> 2.473 at the last, training accuracy 1.0); broken: the same call on X, the raw centimetres (sepal length
# 4.3..7.3, petal length 1.1..5.1), the learner's slip of passing the array they loaded rather than the standardized
# copy made in the cell before: the chapter's eta = 0.01 is stable on X_std only (eta times the largest eigenvalue
# of the summed gradient's curvature [1, X]^T [1, X] is 1.73 on X_std, under 2, and 40.8 on X), so every epoch
# multiplies the errors by about 40 and the cost by about 1,600: 50 -> 2,392 -> 3.8e6 ..., overflow at epoch 97,
# nan costs and weights from there on, and predict() calls every flower setosa (training accuracy 0.5)
FIT = {"healthy": "ada.fit(X_std, y)", "broken": "ada.fit(X, y)"}
# budget: n_iter=15 -> 5,000 epochs, a learner letting it run longer; the broken fit needs about a hundred epochs to
# overflow (each epoch is two dot products over 100 flowers: a plain run takes well under a second)
N_ITER = 5000

# The notebook reads iris.data from the UCI archive with pandas and plots with matplotlib. The stand-ins: a read_csv
# that reads the local iris.data the driver wrote (whatever the URL) into a DataFrame with tail and iloc[rows, cols]
# .values, as pandas gives them (object array for the species column, floats for the measurements), and a pyplot and
# matplotlib.colors.ListedColormap that draw nothing.
STUBS = {
    "pandas/__init__.py": '''"""Stand-in for pandas: read_csv of the iris.data layout (four numbers and a species
name, no header) from the local copy the driver wrote, and the DataFrame calls the notebook makes."""
import os

import numpy as np

# <scratch>/stubs/pandas/__init__.py -> <scratch>/src/iris.data
LOCAL = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "src",
                     "iris.data")


class _ILoc:
    def __init__(self, frame):
        self.frame = frame

    def __getitem__(self, key):
        rows, cols = key
        block = self.frame.rows[rows]
        if isinstance(cols, int):
            kind = object if isinstance(block[0][cols], str) else float
            return _Values(np.array([row[cols] for row in block], dtype=kind))
        kinds = {type(block[0][c]) for c in cols}
        kind = object if str in kinds else float
        return _Values(np.array([[row[c] for c in cols] for row in block], dtype=kind))


class _Values:
    def __init__(self, values):
        self.values = values


class DataFrame:
    def __init__(self, rows):
        self.rows = rows
        self.iloc = _ILoc(self)

    def tail(self, n=5):
        return DataFrame(self.rows[-n:])

    def __repr__(self):
        return "\\n".join(", ".join(str(v) for v in row) for row in self.rows)


def read_csv(path, header=None):
    rows = []
    with open(LOCAL) as f:
        for line in f:
            parts = line.strip().split(",")
            if len(parts) == 5:
                rows.append([float(v) for v in parts[:4]] + [parts[4]])
    return DataFrame(rows)
''',
    "matplotlib/__init__.py": '"""Stand-in for matplotlib: pyplot and colors, which draw nothing."""\n',
    "matplotlib/colors.py": '''"""Stand-in for matplotlib.colors.ListedColormap: hands back its colours."""


class ListedColormap:
    def __init__(self, colors):
        self.colors = list(colors)

    def __call__(self, index):
        return self.colors[index % len(self.colors)]
''',
    "matplotlib/pyplot.py": '''"""Stand-in for matplotlib.pyplot: the scatter, region and cost plots draw nothing."""


def _nothing(*args, **kwargs):
    return None


scatter = xlabel = ylabel = legend = tight_layout = show = plot = title = contourf = xlim = ylim = _nothing
''',
}

# sepal length, sepal width, petal length, petal width (cm): mean and standard deviation per species of the real
# iris table; flowers are drawn from them and rounded to millimetres, as the table is
MEANS = [(5.006, 3.428, 1.462, 0.246), (5.936, 2.770, 4.260, 1.326), (6.588, 2.974, 5.552, 2.026)]
STDS = [(0.352, 0.379, 0.174, 0.105), (0.516, 0.314, 0.470, 0.198), (0.636, 0.322, 0.552, 0.275)]
SPECIES = ("Iris-setosa", "Iris-versicolor", "Iris-virginica")


def write_iris(path: str) -> None:
    """iris.data's layout: 150 rows (50 per species, in species order) of four measurements and the species name."""
    rng = np.random.default_rng(11)
    with open(path, "w") as f:
        for means, stds, name in zip(MEANS, STDS, SPECIES):
            flowers = np.maximum(np.round(rng.normal(means, stds, (50, 4)), 1), 0.1)
            for flower in flowers:
                f.write(",".join(f"{v:.1f}" for v in flower) + f",{name}\n")
        f.write("\n")  # the real file ends with an empty line


def notebook_module(notebook: dict, knob: str) -> str:
    cells = {index: "".join(notebook["cells"][index]["source"]).rstrip() for index in CELLS}
    where = f"{MODULE}.py"
    cells[31] = _common.patch(cells[31], "%matplotlib inline", "# %matplotlib inline", where)
    cells[54] = _common.patch(cells[54], "ada = AdalineGD(n_iter=15, eta=0.01)\nada.fit(X_std, y)",
                              f"ada = AdalineGD(n_iter={N_ITER}, eta=0.01)\n{FIT[knob]}", where)
    return "\n\n".join(cells[index] for index in CELLS) + "\n"


def main() -> None:
    args = _common.parse(__doc__)
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, {}, stubs=STUBS)
    notebook = json.loads(_common.read(REPO, COMMIT, NOTEBOOK))
    with open(os.path.join(src, f"{MODULE}.py"), "w", encoding="utf-8") as f:
        f.write(notebook_module(notebook, args.knob))
    write_iris(os.path.join(src, "iris.data"))
    os.chdir(src)
    _common.seed(0)
    nb = _common.load(MODULE)  # runs the cells in order, as the notebook does
    costs = [float(c) for c in nb.ada.cost_]
    fed = nb.X_std if args.knob == "healthy" else nb.X  # the features fit() was given
    first_bad = next((i for i, c in enumerate(costs) if not math.isfinite(c)), "none")
    finite = [c for c in costs if math.isfinite(c)]
    _common.result(project=PROJECT, knob=args.knob, first_cost=costs[0], cost=costs[-1],
                   min_cost=min(finite) if finite else float("nan"), max_finite_cost=max(finite) if finite else
                   float("nan"), first_nonfinite_epoch=first_bad,
                   train_acc=float(np.mean(nb.ada.predict(fed) == nb.y)),
                   finite_weights=bool(np.isfinite(nb.ada.w_).all()))


if __name__ == "__main__":
    main()
