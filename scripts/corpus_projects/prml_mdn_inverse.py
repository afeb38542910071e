"""Drives ctgk/PRML (notebooks/ch05_Neural_Networks.ipynb, section 5.6 "Mixture Density Networks": the notebook's
MixtureDensityNetwork(nn.Network), a 1-5-3 tanh network whose three heads give the mixing coefficients (softmax),
means and standard deviations (exp) of a three-component Gaussian mixture, weights drawn with
nn.random.truncnormal(-2, 2, scale, shape) and biases from zeros, gaussian_mixture_pdf written with the library's
own autodiff functions (prml.nn, numpy arrays with a backward pass), the log-likelihood nn.log(pdf).sum() maximised by
the library's Adam(lr 1e-4), full batch, in the notebook's own loop) on the notebook's toy inverse problem (x = t + 0.3
sin(2 pi t) + noise, predict t from x: up to three branches per x); knob: the scale of the truncated-normal draws of
the four weight matrices."""

import json
import math
import os

import numpy as np

import _common

PROJECT = "prml_mdn_inverse"
REPO = "ctgk/PRML"
COMMIT = "b60a6853962df1ae1f12a9d676cfcd8edfe7fd38"
NOTEBOOK = "notebooks/ch05_Neural_Networks.ipynb"
MODULE = "ch05_mixture_density"
PACKAGE = "prml"  # copied whole (every .py under prml/), as an install of the repository would put it
# The notebook's code cells used, by index in its JSON: the imports and np.random.seed(1234) (1, its %matplotlib
# magic commented out), the toy data for the inverse problem (16: create_toy_data(func) draws 300 t uniform in [0, 1]
# and x = func(t) + uniform(-0.05, 0.05) noise, func(t) = t + 0.3 sin(2 pi t), and returns x, t), the
# MixtureDensityNetwork class and gaussian_mixture_pdf (17), the training cell (18). Left out: the other models of the
# chapter (3-14: regression and classification nets, regularisation, a CNN on MNIST fetched with fetch_openml), the
# MDN plotting cell (19) and the Bayesian network (21-24).
CELLS = (1, 16, 17, 18)
# The knob: the scale argument of the four weight draws in MixtureDensityNetwork.__init__ (the biases are zeros).
WEIGHTS = ("self.w1 = nn.random.truncnormal(-2, 2, {}, (n_input, n_hidden))",
           "self.w2c = nn.random.truncnormal(-2, 2, {}, (n_hidden, n_components))",
           "self.w2m = nn.random.truncnormal(-2, 2, {}, (n_hidden, n_components))",
           "self.w2s = nn.random.truncnormal(-2, 2, {}, (n_hidden, n_components))")
SCALE = {"healthy": "1", "broken": "10"}
# healthy: scale 1, as written (weights up to 2 in size): the log-likelihood of the 300 points rises from -586 at
# iteration 0 through -75 (2,000) and 70 (10,000) to 337 (12,000; the jump after 10,500 is the mixture finding the
# three branches) and 391 at the last of 15,000 iterations, 1.30 nats per point, where the best single Gaussian for t
# (ignoring x) has -50 in all; the most probable component's mean is 0.13 from t on average. broken: scale 10, the
# learner's ten-times-wider weights: w1 up to 17 saturates the five tanh units, the std head exp(h . w2s) spans
# 6e-25 .. 2.6e6 and the means -32 .. 35 while t is in [0, 1]; in float32 (the library's dtype) the Gaussian density
# of 287 of the 300 targets underflows to exactly 0 under all three components, so nn.log(pdf) is -inf at iteration
# 0, Log's backward delta / x divides by zero, and every gradient and, after the first Adam step, every weight is
# nan: the log-likelihood is -inf at iteration 0 and nan from iteration 1 on. No warning is printed: importing prml
# (prml/__init__ imports prml.rv, whose beta.py and gamma.py call np.seterr(all="ignore")) silences numpy's
# floating-point warnings for the whole run.
# budget: the training cell's 30,000 iterations -> 15,000 (0.5 ms each; the healthy fit has found the branches by
# 12,000 and is at 391 by 15,000, where the notebook's run goes on to about 450)
ITERATIONS = 15000
MPL_MAGIC = "%matplotlib inline"

# The first cell imports sklearn (fetch_openml, make_moons, train_test_split, LabelBinarizer, accuracy_score) for the
# chapter's other models; sklearn is not installed here and none of those names is used by the MDN cells. The
# stand-ins raise if called.
_UNUSED = '''

def _unused(name):
    def call(*args, **kwargs):
        raise RuntimeError(f"corpus stand-in: sklearn {name} is not available")
    return call

'''
STUBS = {
    "sklearn/__init__.py": '"""Stand-in for scikit-learn: only the names the notebook\'s first cell imports."""\n',
    "sklearn/datasets.py": '"""Stand-in for sklearn.datasets (unused by the MDN cells)."""' + _UNUSED
                           + 'fetch_openml = _unused("fetch_openml")\nmake_moons = _unused("make_moons")\n',
    "sklearn/model_selection.py": '"""Stand-in for sklearn.model_selection (unused by the MDN cells)."""' + _UNUSED
                                  + 'train_test_split = _unused("train_test_split")\n',
    "sklearn/preprocessing.py": '"""Stand-in for sklearn.preprocessing (unused by the MDN cells)."""' + _UNUSED
                                + 'LabelBinarizer = _unused("LabelBinarizer")\n',
    "sklearn/metrics.py": '"""Stand-in for sklearn.metrics (unused by the MDN cells)."""' + _UNUSED
                          + 'accuracy_score = _unused("accuracy_score")\n',
}


def notebook_module(notebook: dict, knob: str) -> str:
    cells = {index: "".join(notebook["cells"][index]["source"]).rstrip() for index in CELLS}
    where = f"{MODULE}.py"
    cells[1] = _common.patch(cells[1], MPL_MAGIC, "# " + MPL_MAGIC, where)
    for line in WEIGHTS:
        cells[17] = _common.patch(cells[17], line.format("1"), line.format(SCALE[knob]), where)
    cells[18] = _common.patch(cells[18], "for i in range(30000):", f"for i in range({ITERATIONS}):", where)
    return "\n\n".join(cells[index] for index in CELLS) + "\n"


def main() -> None:
    args = _common.parse(__doc__)
    files = {path: path for path in _common.python_files(REPO, COMMIT, PACKAGE)}
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, files, stubs=STUBS)
    notebook = json.loads(_common.read(REPO, COMMIT, NOTEBOOK))
    with open(os.path.join(src, f"{MODULE}.py"), "w", encoding="utf-8") as f:
        f.write(notebook_module(notebook, args.knob))
    os.environ.setdefault("MPLBACKEND", "Agg")  # the first cell imports pyplot (nothing is drawn by these cells)
    os.chdir(src)
    _common.seed(0)  # the first cell seeds numpy itself (1234), which the data, the weights and truncnorm draw from
    # The training cell keeps no history; the optimizer's maximize is wrapped to keep each log-likelihood it is
    # handed (the call goes on unchanged).
    optimizer_module = _common.load("prml.nn.optimizer.optimizer")
    history = []
    maximize = optimizer_module.Optimizer.maximize

    def keep_score(self, score):
        history.append(float(np.asarray(score.value).ravel()[0]))
        return maximize(self, score)

    optimizer_module.Optimizer.maximize = keep_score
    nb = _common.load(MODULE)  # runs the cells in order, as the notebook does
    with np.errstate(all="ignore"):  # the broken run's weights are nan
        coef, mean, std = nb.model(nb.x_train)
        coef, mean, std = coef.value, mean.value, std.value
        t = nb.y_train
        density = (coef * np.exp(-0.5 * ((t - mean) / std) ** 2) / std / np.sqrt(2 * np.pi)).sum(axis=-1)
        log_likelihood = float(np.log(density.astype(np.float64)).sum())
        best = mean[np.arange(len(t)), np.argmax(coef, axis=1)]
        mode_err = float(np.mean(np.abs(best - t.ravel())))
    single = float(-0.5 * len(t) * (np.log(2 * np.pi * np.var(t)) + 1))  # best single Gaussian for t, ignoring x
    first_bad = next((i for i, v in enumerate(history) if not math.isfinite(v)), "none")
    finite = all(bool(np.isfinite(p.value).all()) for p in nb.model.parameter.values())
    _common.result(project=PROJECT, knob=args.knob, first_log_likelihood=history[0],
                   last_step_log_likelihood=history[-1], log_likelihood=log_likelihood,
                   nll_per_point=-log_likelihood / len(t),
                   single_gaussian_log_likelihood=single, best_mode_abs_err=mode_err, iterations=len(history),
                   first_nonfinite_iteration=first_bad, finite_weights=finite)


if __name__ == "__main__":
    main()
