"""Drives albertauyeung/matrix-factorization-in-python (mf.py: an MF class factorising a user-item rating matrix R
into user and item latent factors P and Q plus a global mean and user and item biases, per-rating stochastic
gradient descent in sgd() over the shuffled observed ratings, the training "error" printed every ten iterations) as
its README uses it, MF(R, K, alpha=0.1, beta=0.01, iterations) then train(), on a synthetic ratings matrix; knob: the
scale of the normal draw that initialises P and Q."""

import contextlib
import sys

import numpy as np

import _common

PROJECT = "mf_sgd_ratings"
REPO = "albertauyeung/matrix-factorization-in-python"
COMMIT = "6ae5043a8cda3d0c6e82b676067d98f777c391e5"
# mf.py draws both factor matrices in train() from a normal with standard deviation 1/K; the broken knob drops the
# scale argument, np.random.normal's default of 1, what a learner writes for "random initial factors"
INIT_P = "self.P = np.random.normal({}size=(self.num_users, self.K))"
INIT_Q = "self.Q = np.random.normal({}size=(self.num_items, self.K))"
SCALE = {"healthy": "scale=1./self.K, ", "broken": ""}
# healthy: std 1/K = 0.05 (the printed error, sqrt of the summed squared error over the 3,565 training ratings, 41.7
# after iteration 1 -> 10.4 at 10 -> 2.96 at 100; training RMSE 0.050, held-out RMSE 0.687 against 0.962 for the
# global mean); broken: std 1, with K = 20 factors: a prediction P_i . Q_j starts as a sum of 20 products of unit
# normals (std 4.5, for ratings 1..5) and each per-rating step moves P_i by alpha * e * Q_j and Q_j by alpha * e *
# P_i: with |P_i|^2 + |Q_j|^2 about 40, alpha times that is 4, over the stability limit 2 of such a step, so each
# update overshoots and enlarges the error of the pair; the largest factor is 13 after 100 ratings, 1e23 after 300
# and inf at the 418th of the first pass (overflow in sgd()), every parameter nan from then on (error nan at every
# print, RMSE nan). alpha 0.1, the README's, is the same in both runs.
N_USERS, N_ITEMS, TRUE_RANK = 150, 100, 4
K = 20           # latent factors: the README's example has K=2 for its 5 x 4 matrix; 20 for 150 users x 100 items
ITERATIONS = 100  # the README's 20 iterations take half a second here; 100 (about two seconds) train to a plateau


def ratings(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Star ratings 1..5 for every (user, item) from a rank-4 taste model with user and item offsets and noise; 30%
    of them observed, and a fifth of the observed held out. Returns the stars, the training and the held-out masks."""
    users = rng.normal(0.0, 1.0, (N_USERS, TRUE_RANK))
    items = rng.normal(0.0, 1.0, (N_ITEMS, TRUE_RANK))
    score = (3.2 + 0.5 * rng.normal(0.0, 1.0, (N_USERS, 1)) + 0.5 * rng.normal(0.0, 1.0, (1, N_ITEMS))
             + 0.6 * users @ items.T / np.sqrt(TRUE_RANK) + rng.normal(0.0, 0.3, (N_USERS, N_ITEMS)))
    stars = np.clip(np.rint(score), 1, 5)
    observed = rng.random(stars.shape) < 0.3
    held_out = observed & (rng.random(stars.shape) < 0.2)
    return stars, observed & ~held_out, held_out


def main() -> None:
    args = _common.parse(__doc__)
    patches = {"mf.py": [(INIT_P.format(SCALE["healthy"]), INIT_P.format(SCALE[args.knob])),
                         (INIT_Q.format(SCALE["healthy"]), INIT_Q.format(SCALE[args.knob]))]}
    _common.checkout(PROJECT, REPO, COMMIT, {"mf.py": "mf.py"}, patches)
    stars, train, held_out = ratings(np.random.default_rng(3))
    R = np.where(train, stars, 0.0)  # the README's convention: zero entries are unknown ratings
    _common.seed(0)  # train() draws P and Q and shuffles the samples with np.random
    mf = _common.load("mf")
    printed = _common.Tee(sys.stdout)
    with contextlib.redirect_stdout(printed):
        model = mf.MF(R, K=K, alpha=0.1, beta=0.01, iterations=ITERATIONS)
        training_process = model.train()  # prints "Iteration: %d ; error = %.4f" every 10 iterations
    errors = [float(error) for _, error in training_process]
    finite = [e for e in errors if np.isfinite(e)]
    with np.errstate(all="ignore"):
        full = model.full_matrix()
        train_rmse = np.sqrt(np.mean((full[train] - stars[train]) ** 2))
        test_rmse = np.sqrt(np.mean((full[held_out] - stars[held_out]) ** 2))
    _common.result(project=PROJECT, knob=args.knob, first_error=errors[0], error=errors[-1],
                   min_error=min(finite) if finite else float("nan"),
                   first_nonfinite_iteration=next((i + 1 for i, e in enumerate(errors) if not np.isfinite(e)), "none"),
                   train_rmse=train_rmse, test_rmse=test_rmse,
                   mean_rating_rmse=np.sqrt(np.mean((stars[train].mean() - stars[held_out]) ** 2)),
                   finite_factors=bool(np.isfinite(model.P).all() and np.isfinite(model.Q).all()))


if __name__ == "__main__":
    main()
