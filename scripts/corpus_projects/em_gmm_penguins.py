"""Drives mortza/ML-HW-3 problem 5 (core/EM.py: an EM class fitting a Gaussian mixture, means started at k random data
points and every covariance at the identity, densities computed directly with exp, responsibilities normalised by
their row sums, iterated in fit() until the log-likelihood changes by less than 1e-4 or max_iters passes) by its
main.py recipe, EM(2, max_iters=1e4).fit(points) then predict() for each point, on synthetic penguin measurements;
knob: whether the two features are standardised before fit() or handed over in their raw units."""

import numpy as np

import _common

PROJECT = "em_gmm_penguins"
REPO = "mortza/ML-HW-3"
COMMIT = "c6b9dfe2d0467369bf641b755fbc74a347413f5e"
FILES = {"problem5/core/__init__.py": "core/__init__.py", "problem5/core/EM.py": "core/EM.py"}
# healthy: flipper length and body mass standardised (z-scores), the scale the identity starting covariances fit:
# EM converges after 26 iterations, the two components find the Gentoo penguins and the rest (99.7% of the birds
# assigned as their species says), mean log-likelihood -2.14 a point; broken: the raw millimetres and grams, what a
# learner hands over after loading the table: the starting means are two random birds (195 mm, 4,075 g and 191 mm,
# 3,925 g) and body masses spread over hundreds of grams, so under the identity covariance exp(-0.5 * d^2)
# underflows to 0 under both components for 317 of the 342 birds: the first log-likelihood is log(0) = -inf, the
# row sums of the responsibilities are 0 and w / sum(w) is 0 / 0 = nan, which the M-step spreads to every mean,
# covariance and weight; the convergence test compares nan with nan and never passes, so the loop runs all 10,000
# iterations on nan, and predict() puts every bird in the first component (64.0%, the share of non-Gentoo birds)
KNOB = {"healthy": "standardised", "broken": "raw"}
# flipper_length_mm and body_mass_g: mean and standard deviation per species (Adelie, Chinstrap, Gentoo) of the
# Palmer penguins table, and its counts; drawn and rounded as the table records them (1 mm, 25 g)
MEANS = [(189.95, 3700.7), (195.82, 3733.1), (217.19, 5076.0)]
STDS = [(6.54, 458.6), (7.13, 384.3), (6.48, 504.1)]
COUNTS = (151, 68, 123)


def penguins(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(flipper length in mm, body mass in g) for 342 birds in random order, and 1 for a Gentoo, 0 otherwise."""
    points, gentoo = [], []
    for species, (means, stds, count) in enumerate(zip(MEANS, STDS, COUNTS)):
        birds = rng.normal(means, stds, (count, 2))
        birds[:, 0] = np.round(birds[:, 0])
        birds[:, 1] = np.round(birds[:, 1] / 25) * 25
        points.append(birds)
        gentoo += [int(species == 2)] * count
    order = rng.permutation(sum(COUNTS))
    return np.vstack(points)[order], np.array(gentoo)[order]


def main() -> None:
    args = _common.parse(__doc__)
    _common.checkout(PROJECT, REPO, COMMIT, FILES)
    raw, gentoo = penguins(np.random.default_rng(7))
    points = {"standardised": (raw - raw.mean(axis=0)) / raw.std(axis=0), "raw": raw}[KNOB[args.knob]]
    _common.seed(0)  # initialize_params picks the two starting means with np.random.choice
    em_module = _common.load("core.EM")
    # main.py: em = EM(2, max_iters=1e4); means = em.fit(data[['x', 'y']].values); then em.predict([x, y]) per row
    em = em_module.EM(2, max_iters=1e4)
    means = em.fit(points)
    component = np.array([np.argmax(em.predict(list(point))) for point in points])
    print('iterations : {}'.format(len(means[0])))
    print('class 1 estimated mean : {}'.format(np.array(means[0])[-1]))
    print('class 2 estimated mean : {}'.format(np.array(means[1])[-1]))
    with np.errstate(all="ignore"):
        density = sum(em.phi[k] * em.P(em.mu[k], em.sigma[k], points) for k in range(2))
        mean_log_likelihood = float(np.mean(np.log(density)))
    agreement = float(np.mean(component == gentoo))
    _common.result(project=PROJECT, knob=args.knob, iterations=len(means[0]), mean_log_likelihood=mean_log_likelihood,
                   cluster_acc=max(agreement, 1.0 - agreement),
                   finite_params=bool(np.isfinite(em.mu).all() and all(np.isfinite(s).all() for s in em.sigma)))


if __name__ == "__main__":
    main()
