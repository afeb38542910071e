"""Drives TashfinSami/ML_Specialization-Supervised_ML (feature_engineering_and_polynomial_regression.ipynb, the
Machine Learning Specialization's "Feature engineering and polynomial regression" lab: zscore_normalize_features,
compute_cost_matrix, compute_gradient_matrix, gradient_descent and run_gradient_descent_feng written in the
notebook's own cells; w from zeros, b = 0, full-batch gradient descent on the mean gradient of the halved mean squared
error) by its cells up to the cubic fit y = x**2 on the engineered features x, x**2, x**3 with alpha = 1e-1; knob:
whether that cell z-score normalises the engineered features before gradient descent."""

import json
import math
import os
import re
import sys

import numpy as np

import _common

PROJECT = "mlspec_poly_regression"
REPO = "TashfinSami/ML_Specialization-Supervised_ML"
COMMIT = "925919300b40ef7bd1e3f6dd772ceefee2527db2"
NOTEBOOK = "feature_engineering_and_polynomial_regression.ipynb"
MODULE = "feature_engineering_and_polynomial_regression"
# The notebook's code cells by index: imports (0), zscore_normalize_features (1), compute_cost_matrix (2),
# compute_gradient_matrix (3), gradient_descent (4), run_gradient_descent_feng (5), the cubic fit on normalised
# x, x**2, x**3 with alpha 1e-1 and 100,000 iterations and its plot (6). Left out: cell 7, another model (a degree-13
# polynomial fitted to cos(x / 2) for 1,000,000 iterations, a minute and a half on its own), and the empty cell 8.
CELLS = (0, 1, 2, 3, 4, 5, 6)
# healthy: the cell as written (columns of X z-scored: ranges 19, 361, 6859 -> 3.3, 3.18, 3.28): cost 9.42e3 at
# iteration 0, 0.39 at 10,000, 2.6e-10 at 90,000, w on the x**2 column ~113 (its standard deviation), b = 123.5 (the
# mean of y), as the notebook's own output shows; broken: the normalisation line left out (commented out, same line),
# the learner's slip of engineering x**2 and x**3 and running the lab's alpha = 1e-1 on them raw: the x**3 column
# reaches 6859, the largest curvature of the cost (the top eigenvalue of [X, 1]^T [X, 1] / m) is 7.7e6, so alpha
# times it is 7.7e5 where gradient descent needs under 2 (0.29 on the normalised columns), and each step multiplies
# the error along it by about -7.7e5: the cost is 8.0e15 after the first step (printed at iteration 0), inf from
# iteration 25, w and b inf at iteration 52 and nan from 53 on (every later printed cost nan, w and b returned nan)
NORMALISE = {"healthy": "X = zscore_normalize_features(X)", "broken": "# X = zscore_normalize_features(X)"}

# The notebook plots with matplotlib (not installed here, and nothing to see): a pyplot that draws nothing.
STUBS = {
    "matplotlib/__init__.py": '"""Stand-in for matplotlib: pyplot, which draws nothing."""\n',
    "matplotlib/pyplot.py": '''"""Stand-in for matplotlib.pyplot: the fit's scatter and line plots draw nothing."""


def _nothing(*args, **kwargs):
    return None


scatter = plot = title = xlabel = ylabel = legend = show = _nothing
''',
}

COST_LINE = re.compile(r"Iteration\s+(\d+), Cost: (\S+)")


def notebook_module(notebook: dict, knob: str) -> str:
    cells = {index: "".join(notebook["cells"][index]["source"]).rstrip() for index in CELLS}
    cells[6] = _common.patch(cells[6], "X = np.c_[x, x**2, x**3]\nX = zscore_normalize_features(X)\n",
                             f"X = np.c_[x, x**2, x**3]\n{NORMALISE[knob]}\n", f"{MODULE}.py")
    return "\n\n".join(cells[index] for index in CELLS) + "\n"


def main() -> None:
    args = _common.parse(__doc__)
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, {}, stubs=STUBS)
    notebook = json.loads(_common.read(REPO, COMMIT, NOTEBOOK))
    with open(os.path.join(src, f"{MODULE}.py"), "w", encoding="utf-8") as f:
        f.write(notebook_module(notebook, args.knob))
    os.chdir(src)
    _common.seed(0)  # nothing in the cells draws random numbers; seeded as every driver does
    tee = _common.Tee(sys.stdout)
    sys.stdout = tee
    try:
        nb = _common.load(MODULE)  # runs the cells in order, as the notebook does
    finally:
        sys.stdout = tee.through
    printed = [(int(i), float(c)) for i, c in COST_LINE.findall(tee.kept.getvalue())]
    costs = [c for _, c in printed]
    first_bad = next((i for i, c in printed if not math.isfinite(c)), "none")
    with np.errstate(all="ignore"):
        cost = float(nb.compute_cost_matrix(nb.X, nb.y, nb.model_w, nb.model_b))
        rmse = math.sqrt(2 * cost) if math.isfinite(cost) else float("nan")
    finite = [c for c in costs if math.isfinite(c)]
    _common.result(project=PROJECT, knob=args.knob, first_cost=costs[0], cost=cost, rmse=rmse,
                   target_std=float(np.std(nb.y)), max_finite_printed_cost=max(finite) if finite else float("nan"),
                   first_nonfinite_printed_iteration=first_bad,
                   finite_weights=bool(np.isfinite(nb.model_w).all() and np.isfinite(nb.model_b)))


if __name__ == "__main__":
    main()
