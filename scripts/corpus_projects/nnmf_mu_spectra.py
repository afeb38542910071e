"""Drives nikhil1991-cloud/Non-Negative-Matrix-Factorization (NNMF_MU.py: one function, NNMF_MU(A, r, epochs,
initial_W=None, initial_H=None), Lee and Seung's multiplicative updates for ||A - WH||_F, H then W each epoch, no
epsilon in the denominators, starting factors drawn with np.random.rand unless given, the Frobenius norm of the
residual kept every epoch) by its Example.py recipe, W, H, Norm = NNMF_MU(A, r, 1000, initial_W=..., initial_H=...),
on synthetic mixed spectra; knob: the starting factors handed to NNMF_MU."""

import numpy as np

import _common

PROJECT = "nnmf_mu_spectra"
REPO = "nikhil1991-cloud/Non-Negative-Matrix-Factorization"
COMMIT = "82b9aa6b95cd4e5099661b4b314a583f52687b95"
# Example.py imports `from NNMF import NNMF_MU`, a module the repository does not have: the file is NNMF_MU.py, copied
# under its own name and imported as such
FILES = {"NNMF_MU.py": "NNMF_MU.py"}
# healthy: initial_W=None, initial_H=None, as Example.py passes them (the function's uniform [0, 1) draws): the
# residual norm 140 at the start -> 66 after 10 epochs -> 1.55 after 1,000, relative error 0.95% (the noise level),
# the four spectra recovered (cosine 0.9997 or better each with a row of H); broken: all-ones starting factors,
# np.ones((m, r)) and np.ones((r, n)), what a learner passes to make the runs repeatable: every column of W and every
# row of H start equal, and the multiplicative updates (the same products and quotients for every component) keep
# them exactly equal, so the r = 4 components stay one: the residual norm 520 -> 85.3 after the first epoch and
# 84.6 from then on, relative error 52%, W of rank 1, each true spectrum matched at cosine 0.50..0.66 only; no NaN
KNOB = {"healthy": "random", "broken": "ones"}
M, N, R = 200, 120, 4    # mixtures, wavelengths, components
EPOCHS = 1000            # Example.py's
NOISE = 0.01

# four source spectra over 400..700 nm, each a sum of Gaussian peaks (centre nm, width nm, height)
PEAKS = [[(450, 12, 1.0), (520, 20, 0.4)], [(500, 15, 0.9), (610, 10, 0.5)], [(560, 18, 1.0)],
         [(430, 8, 0.5), (650, 25, 1.0)]]


def spectra(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A (M x N): M measured spectra, each a non-negative mixture (gamma-distributed abundances) of the R sources
    plus a little noise, clipped at zero as a detector reads; and the sources (R x N)."""
    wavelengths = np.linspace(400.0, 700.0, N)
    sources = np.array([sum(h * np.exp(-0.5 * ((wavelengths - c) / w) ** 2) for c, w, h in peaks) for peaks in PEAKS])
    abundances = rng.gamma(1.0, 1.0, (M, R))
    measured = np.maximum(abundances @ sources + rng.normal(0.0, NOISE, (M, N)), 0.0)
    return measured, sources


def main() -> None:
    args = _common.parse(__doc__)
    _common.checkout(PROJECT, REPO, COMMIT, FILES)
    A, sources = spectra(np.random.default_rng(4))
    start = {"random": {"initial_W": None, "initial_H": None},
             "ones": {"initial_W": np.ones((M, R)), "initial_H": np.ones((R, N))}}[KNOB[args.knob]]
    _common.seed(0)  # NNMF_MU draws W and H with np.random.rand when they are not given
    nnmf = _common.load("NNMF_MU")
    W, H, Norm = nnmf.NNMF_MU(A, R, EPOCHS, **start)
    print("residual norm: epoch 0 %.4g, 1 %.4g, 10 %.4g, 100 %.4g, %d %.4g"
          % (Norm[0], Norm[1], Norm[10], Norm[100], EPOCHS, Norm[-1]))
    with np.errstate(all="ignore"):
        unit_h = H / np.linalg.norm(H, axis=1, keepdims=True)
        unit_s = sources / np.linalg.norm(sources, axis=1, keepdims=True)
        match = (unit_s @ unit_h.T).max(axis=1)  # each true spectrum against its closest row of H
        rank = int(np.linalg.matrix_rank(W)) if np.isfinite(W).all() else -1
    _common.result(project=PROJECT, knob=args.knob, first_norm=Norm[0], norm_epoch1=Norm[1], norm=Norm[-1],
                   relative_error=Norm[-1] / np.linalg.norm(A), noise_relative=NOISE * np.sqrt(M * N) /
                   np.linalg.norm(A), min_source_cosine=match.min(), mean_source_cosine=match.mean(), rank_W=rank,
                   finite_factors=bool(np.isfinite(W).all() and np.isfinite(H).all()))


if __name__ == "__main__":
    main()
