"""Drives ShangtongZhang/reinforcement-learning-an-introduction (chapter09/random_walk.py, Sutton and Barto's
1000-state random walk: BasesValueFunction, a linear value function over polynomial or Fourier features of the state
mapped into [0, 1], weights from zeros, trained by gradient Monte Carlo, one update w += alpha (G - v(s)) x(s) per
visited state after each episode) by its figure_9_5: order-5 polynomial (alpha 1e-4) and Fourier (alpha 5e-5)
bases, the root-mean-squared error against the true values after every episode; knob: whether value() and update()
map the state number into [0, 1] before computing the features, as written, or use the raw state 1..1000."""

import math
import os

import numpy as np

import _common

PROJECT = "rlbook_random_walk_bases"
REPO = "ShangtongZhang/reinforcement-learning-an-introduction"
COMMIT = "96bc203617a70eba6b7784a8f876aaf218b2c914"
FILES = {"chapter09/random_walk.py": "random_walk.py"}
# The scaling line, once in value() and once in update(); each patch carries its method's header to be unique. The
# broken knob leaves the line out (an empty line keeps the numbering): the features are computed on the raw state.
SCALE = "        # map the state space into [0, 1]\n        state /= float(N_STATES)\n"
SCALE_SITES = ("    def value(self, state):\n", "    def update(self, delta, state):\n")
# healthy: with the state in [0, 1] the polynomial features are 1, s, ..., s^5 (all at most 1) and the Fourier ones
# cos(i pi s): the RMSE against the true values falls from 0.54 (the zero function's) to 0.27 after 800 episodes
# for both bases (the book's figure 9.5 has them near 0.1 to 0.2 after 5,000). broken: on the raw state 1..1000 the
# polynomial features reach 1000^5 = 1e15; the first update (alpha 1e-4, return 1, state 500) puts 3e9 on the s^5
# weight, the next estimate is 1.8e23 and each further update multiplies the weights by about -1e24 (1e33, 1e57,
# 1e81, ...), so they overflow to inf within the first episode and turn nan at the next inf - inf: the polynomial
# RMSE is nan from episode 0 on. The Fourier features cos(i pi s) of an integer s are (-1)^(i s), all 1 for an even
# state and +-1 alternating for an odd one, so the basis sees two states in all and, the values being symmetric
# about the centre, learns nothing: RMSE 0.544 after 800 episodes, the zero function's 0.543.
# budget: orders [5, 10, 20] -> [5] and 5,000 -> 800 episodes (each episode is one random walk of about 70 steps
# and 1,000 value() calls for the error curve, some 5 ms: 9 s for both bases in place of minutes for the figure)
ORDERS, EPISODES = "[5]", 800
STUBS = {"tqdm.py": '"""Stand-in for tqdm (not installed here): the iterable as it is, no progress bar."""\n\n\n'
                    'def tqdm(iterable=None, *args, **kwargs):\n    return iterable\n'}


def true_values() -> np.ndarray:
    """The true state values that compute_true_value() finds by asynchronous sweeps (200,000 Python steps a sweep
    until the values change by less than 1e-2 in all, 14 s), here by solving the same Bellman equations at once: v(s)
    is the mean of v(s + k) over the 200 moves k = +-1..100, clipped to the terminal states 0 (value -1) and 1001
    (value +1); the terminal entries are then set to 0 as compute_true_value() does. The two agree to 5e-4."""
    n = 1000
    a = np.eye(n + 2)
    rhs = np.zeros(n + 2)
    rhs[0], rhs[n + 1] = -1.0, 1.0
    for s in range(1, n + 1):
        for k in range(1, 101):
            for nxt in (s - k, s + k):
                a[s, min(max(nxt, 0), n + 1)] -= 1.0 / 200
    value = np.linalg.solve(a, rhs)
    value[0] = value[-1] = 0.0
    return value


def main() -> None:
    args = _common.parse(__doc__)
    scale = SCALE if args.knob == "healthy" else "        # map the state space into [0, 1]\n\n"
    patches = {"random_walk.py": [(site + SCALE, site + scale) for site in SCALE_SITES] + [
        ("orders = [5, 10, 20]", f"orders = {ORDERS}"),
        ("    episodes = 5000\n\n    # # of bases", f"    episodes = {EPISODES}\n\n    # # of bases")]}
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, FILES, patches, stubs=STUBS)
    os.makedirs(os.path.join(os.path.dirname(src), "images"))  # figure_9_5 saves ../images/figure_9_5.png
    os.environ.setdefault("MPLBACKEND", "Agg")  # the file selects Agg itself as well
    os.chdir(src)
    _common.seed(0)  # the random walk's moves (np.random.binomial, np.random.randint)
    rw = _common.load("random_walk")
    truth = true_values()
    # figure_9_5 keeps its value functions and error curves to itself: the value functions are handed to
    # gradient_monte_carlo and the curves to plt.plot, both passed on unchanged by the driver's wrappers
    trained, curves = {}, {}
    gradient_monte_carlo, plot = rw.gradient_monte_carlo, rw.plt.plot

    def keep_value_function(value_function, alpha, distribution=None):
        trained[id(value_function)] = value_function
        return gradient_monte_carlo(value_function, alpha, distribution)

    def keep_curve(*curve, **kwargs):
        curves[kwargs.get("label")] = np.array(curve[0], dtype=float)
        return plot(*curve, **kwargs)

    rw.gradient_monte_carlo = keep_value_function
    rw.plt.plot = keep_curve
    rw.figure_9_5(truth)
    poly, fourier = curves["polynomial basis order = 5"], curves["fourier basis order = 5"]
    weights = [vf.weights for vf in trained.values()]
    zero_rmse = float(np.sqrt(np.mean(truth[1:-1] ** 2)))
    first_bad = next((i for i, e in enumerate(poly) if not math.isfinite(e)), "none")
    _common.result(project=PROJECT, knob=args.knob, poly_first_rmse=poly[0], poly_rmse=poly[-1],
                   fourier_first_rmse=fourier[0], fourier_rmse=fourier[-1], zero_rmse=zero_rmse,
                   episodes=len(poly), poly_first_nonfinite_episode=first_bad,
                   finite_weights=all(bool(np.isfinite(w).all()) for w in weights))


if __name__ == "__main__":
    main()
