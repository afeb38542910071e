"""Drives echen/restricted-boltzmann-machines (rbm.py: an RBM class whose weights matrix carries the bias unit in
its first row and column, full-batch CD-1 in train(), logistic visible and hidden units, the squared reconstruction
error printed every epoch) as its README uses it, RBM(num_visible, num_hidden) then train(training_data,
max_epochs=5000), on synthetic users' movie preferences; knob: what each visible unit is given, the user's
liked-or-not (0/1) or the star rating itself."""

import contextlib
import sys

import numpy as np

import _common

PROJECT = "echen_rbm_movies"
REPO = "echen/restricted-boltzmann-machines"
COMMIT = "7d69db921636bbac4086d2a017b34d90db01ff0f"
# The README's story: users rate movies, but an RBM models binary units, so each user says only whether they like a
# movie or not. healthy: that 0/1 matrix (a movie liked when rated 4 or 5 stars): the printed error 8,996 at epoch 0
# -> 6,457 at 100 -> 2,719 at 1,000 -> 2,398 at the last, largest |w| 7.8, reconstructions right for 91.6% of the
# training users' (user, movie) likes and 90.8% of 100 held-out users' (always "not liked": 70%); broken: the star
# ratings themselves, 1..5 and 0 for an unseen movie, what a learner feeds in because "the ratings carry more
# information": a logistic visible unit reconstructs a probability in (0, 1), never 3 or 5, so the positive
# associations data.T @ p_h exceed the negative ones at every epoch and the weights grow without bound, about 0.28 an
# epoch (largest |w| 2.9 at epoch 10, 28 at 100, 278 at 1,000, 1,392 at the last); from about epoch 10 every hidden
# and visible probability is exactly 1 and the printed error is stuck at sum((stars - 1) ** 2) = 180,563 to the end;
# the reconstructions say "liked" for every movie (29.8% right on the training users, 30.8% held out)
KNOB = {"healthy": "likes", "broken": "stars"}
N_USERS, N_TEST, N_MOVIES, N_GENRES, N_HIDDEN = 600, 100, 60, 6, 10
EPOCHS = 5000  # the README's "Don't run the training for more than 5000 epochs"


def ratings(rng: np.random.Generator) -> np.ndarray:
    """Star ratings (users x movies): 1..5 where seen, 0 where not. Each movie has one of six genres and a
    quality; each user likes a few genres; a rating is 2.2 stars, plus 2 when the user likes the movie's genre,
    plus the movie's quality and some noise, rounded into 1..5; a user has seen 90% of the movies."""
    genre = np.arange(N_MOVIES) % N_GENRES
    taste = rng.random((N_USERS + N_TEST, N_GENRES)) < 0.35
    quality = rng.normal(0.0, 0.7, N_MOVIES)
    score = 2.2 + 2.0 * taste[:, genre] + quality + rng.normal(0.0, 0.4, (N_USERS + N_TEST, N_MOVIES))
    stars = np.clip(np.rint(score), 1, 5)
    seen = rng.random(stars.shape) < 0.9
    return np.where(seen, stars, 0.0)


def logistic(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-x))


def reconstruction(weights: np.ndarray, likes: np.ndarray) -> np.ndarray:
    """Mean-field reconstruction of 0/1 preferences through the trained weights (bias unit in row and column 0):
    the visible probabilities after one up-down pass of probabilities, without sampling."""
    hidden = logistic(np.insert(likes, 0, 1, axis=1) @ weights)
    hidden[:, 0] = 1
    return logistic(hidden @ weights.T)[:, 1:]


def main() -> None:
    args = _common.parse(__doc__)
    _common.checkout(PROJECT, REPO, COMMIT, {"rbm.py": "rbm.py"})
    stars = ratings(np.random.default_rng(5))
    likes = (stars >= 4).astype(float)
    data = {"likes": likes, "stars": stars}[KNOB[args.knob]]
    training_data, test_likes = data[:N_USERS], likes[N_USERS:]
    _common.seed(0)  # train() samples the hidden states with np.random.rand; the weights come from RandomState(1234)
    rbm = _common.load("rbm")
    printed = _common.Tee(sys.stdout)
    with contextlib.redirect_stdout(printed):
        r = rbm.RBM(num_visible=N_MOVIES, num_hidden=N_HIDDEN)
        r.train(training_data, max_epochs=EPOCHS)  # prints "Epoch %s: error is %s" every epoch
    errors = [float(line.rsplit(" ", 1)[1]) for line in printed.kept.getvalue().splitlines()
              if line.startswith("Epoch ")]
    train_recon = reconstruction(r.weights, likes[:N_USERS])
    test_recon = reconstruction(r.weights, test_likes)
    _common.result(project=PROJECT, knob=args.knob, first_error=errors[0], error=errors[-1],
                   min_error=min(errors), like_mse=np.mean((train_recon - likes[:N_USERS]) ** 2),
                   train_acc=np.mean((train_recon > 0.5) == (likes[:N_USERS] > 0.5)),
                   test_acc=np.mean((test_recon > 0.5) == (test_likes > 0.5)),
                   liked_share=likes.mean(), max_abs_weight=np.abs(r.weights).max(),
                   finite_weights=bool(np.isfinite(r.weights).all()))


if __name__ == "__main__":
    main()
