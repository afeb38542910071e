"""Drives gamboviol/bpr (bpr.py, Python 2: Bayesian Personalized Ranking for matrix factorization after MyMediaLite's
C# one, a BPR class whose init() draws user and item factors with np.random.random_sample and item biases from zeros,
and whose train() makes one SGD step per sampled (user, positive item, negative item) triple, z = 1 / (1 + exp(x))
with x the difference of the two predicted scores, over as many triples per iteration as the data has nonzeros; a
BPR-OPT style loss over a fixed sample of triples printed after each iteration) run as its __main__ block does (a
Matrix Market file from sys.argv[1], 10 factors, UniformPairWithoutReplacement with negatives drawn empirically, 10
iterations), on a synthetic implicit-feedback matrix of 300 users and 200 items; knob: whether init() draws the
user and item factors at random, as written, or starts them at zeros."""

import contextlib
import os
import re
import runpy
import sys

import numpy as np

import _common

PROJECT = "bpr_implicit_feedback"
REPO = "gamboviol/bpr"
COMMIT = "e4affc07ba795804d0d1149b43675235f1ecac29"
FILES = {"bpr.py": "bpr.py"}
# Python 2 -> 3 on the same lines: the four print statements become calls, the xrange of train() and of the two
# samplers the __main__ block uses (UniformPairWithoutReplacement, and UniformUserUniformItem for the loss triples)
# becomes range, and the index list UniformPairWithoutReplacement shuffles in place is made a list. Its negative-item
# draw hands sample_negative_item the user's sparse row itself, whose `j in row` has no truth value in scipy (it
# raises ValueError); UniformUserUniformItem hands it the row's .indices, the port does the same here.
PORT = [
    ("print 'initial loss = {0}'.format(self.loss())", "print('initial loss = {0}'.format(self.loss()))"),
    ("for it in xrange(num_iters):", "for it in range(num_iters):"),
    ("print 'starting iteration {0}'.format(it)", "print('starting iteration {0}'.format(it))"),
    ("print 'iteration {0}: loss = {1}'.format(it,self.loss())",
     "print('iteration {0}: loss = {1}'.format(it,self.loss()))"),
    ("print 'sampling {0} <user,item i,item j> triples...'.format(num_loss_samples)",
     "print('sampling {0} <user,item i,item j> triples...'.format(num_loss_samples))"),
    ("for _ in xrange(self.num_samples(self.data.nnz)):\n            u = self.uniform_user()\n"
     "            # sample positive item\n",
     "for _ in range(self.num_samples(self.data.nnz)):\n            u = self.uniform_user()\n"
     "            # sample positive item\n"),
    ("idxs = range(self.data.nnz)", "idxs = list(range(self.data.nnz))"),
    ("self.idx = 0\n        for _ in xrange(", "self.idx = 0\n        for _ in range("),
    ("j = self.sample_negative_item(self.data[u])\n            self.idx += 1",
     "j = self.sample_negative_item(self.data[u].indices)\n            self.idx += 1"),
]
# The __main__ block's learning rate. At 0.3 the factors run away on this data with either knob's start: the
# positive-only uniform draws make every user and item vector point the same way, each step grows them along it,
# and within the first iteration a score difference passes 709 and math.exp raises OverflowError. 0.1 (between
# BPRArgs' default 0.05 and the block's 0.3) trains at both knobs' start without overflow.
RATE = ("args.learning_rate = 0.3", "args.learning_rate = 0.1")
# init()'s two factor lines. healthy: np.random.random_sample, uniform on [0, 1), as written. broken: np.zeros, the
# learner's "start everything at zero" as for the item biases on the line above: the gradient of a user's factors is
# (item_i - item_j) * z and that of an item's +-user * z, all zero when every factor is zero, so the factors stay at
# exactly zero throughout and only the item biases learn (a popularity ranking).
INIT = {
    "healthy": [],
    "broken": [("self.user_factors = np.random.random_sample((self.num_users,self.D))",
                "self.user_factors = np.zeros((self.num_users,self.D))"),
               ("self.item_factors = np.random.random_sample((self.num_items,self.D))",
                "self.item_factors = np.zeros((self.num_items,self.D))")],
}
# healthy: the printed loss (the sum over 1,732 fixed triples of 1 / (1 + exp(x)), about 0.5 each at the start, plus
# half the L2 terms) falls from 880 to 224 in ten iterations; the held-out item of each user ranks above 0.86 of
# that user's unseen items (held-out AUC 0.859). broken: the factors stay zero, every x is the difference of two item
# biases: the loss starts at 866 (1,732 x 0.5) and stays between 877 and 888 in every iteration, held-out AUC 0.558,
# the AUC of the item biases alone (popularity). Nothing becomes inf or nan.
# budget: none in the file (its 10 iterations, 6,000 triples each, some 6 s)
USERS, ITEMS, TASTES, PER_USER = 300, 200, 4, 20


def write_matrix(path: str, rng: np.random.Generator) -> np.ndarray:
    """A users x items 0/1 Matrix Market file (what mmread(sys.argv[1]).tocsr() expects) of implicit feedback: each
    user's 21 best items under a 4-dimensional taste model (user and item vectors from N(0, 1), score 1.5 u . v plus an
    item popularity N(0, 0.5) plus Gumbel noise), 20 of them written as positives and one held out; returns the held-out
    item of each user."""
    taste_u, taste_i = rng.normal(size=(USERS, TASTES)), rng.normal(size=(ITEMS, TASTES))
    score = 1.5 * taste_u @ taste_i.T + rng.normal(0.0, 0.5, ITEMS) + rng.gumbel(size=(USERS, ITEMS))
    held, lines = [], []
    for u in range(USERS):
        best = rng.permutation(np.argsort(-score[u])[:PER_USER + 1])
        held.append(int(best[0]))
        lines += [f"{u + 1} {i + 1} 1" for i in sorted(best[1:])]
    with open(path, "w") as f:
        f.write("%%MatrixMarket matrix coordinate real general\n%\n")
        f.write(f"{USERS} {ITEMS} {len(lines)}\n" + "\n".join(lines) + "\n")
    return np.array(held)


def held_out_auc(model, data, held: np.ndarray) -> float:
    """Mean over users of the fraction of the user's unseen items the held-out item outscores (predict() per item)."""
    aucs = []
    with np.errstate(all="ignore"):
        for u in range(model.num_users):
            scores = model.item_bias + model.item_factors @ model.user_factors[u]
            unseen = np.setdiff1d(np.arange(model.num_items), np.append(data[u].indices, held[u]))
            aucs.append(np.mean(scores[held[u]] > scores[unseen]))
    return float(np.mean(aucs))


def main() -> None:
    args = _common.parse(__doc__)
    patches = {"bpr.py": PORT + [RATE] + INIT[args.knob]}
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, FILES, patches)
    held = write_matrix(os.path.join(src, "feedback.mtx"), np.random.default_rng(3))
    os.chdir(src)
    _common.seed(0)  # the factors (np.random.random_sample) and the samplers (random.randint, random.choice, shuffle)
    printed = _common.Tee(sys.stdout)
    argv = sys.argv
    sys.argv = ["bpr.py", "feedback.mtx"]
    try:
        with contextlib.redirect_stdout(printed):
            module = runpy.run_path("bpr.py", run_name="__main__")  # builds BPR(10, args) and trains 10 iterations
    finally:
        sys.argv = argv
    losses = [float(v) for v in re.findall(r"iteration \d+: loss = (\S+)", printed.kept.getvalue())]
    initial = float(re.search(r"initial loss = (\S+)", printed.kept.getvalue()).group(1))
    model, data = module["model"], module["data"]
    pop = model.item_bias
    with np.errstate(all="ignore"):
        pop_auc = float(np.mean([np.mean(pop[held[u]] > pop[np.setdiff1d(np.arange(model.num_items),
                                                                         np.append(data[u].indices, held[u]))])
                                 for u in range(model.num_users)]))
    weights = (model.user_factors, model.item_factors, model.item_bias)
    _common.result(project=PROJECT, knob=args.knob, initial_loss=initial, first_loss=losses[0], loss=losses[-1],
                   held_out_auc=held_out_auc(model, data, held), bias_only_auc=pop_auc, iterations=len(losses),
                   max_abs_factor=float(max(np.abs(model.user_factors).max(), np.abs(model.item_factors).max())),
                   finite_weights=all(bool(np.isfinite(w).all()) for w in weights))


if __name__ == "__main__":
    main()
