"""Drives ddbourgin/numpy-ml's BernoulliVAE (neural_nets.models: conv encoder, MLP decoder, layer objects each with
its own RMSProp, reparameterised sampler, VAE loss) by its fit() on synthetic digits; knob: the weight init."""

import contextlib
import io
import re
import subprocess

import numpy as np

import _common

PROJECT = "numpy_ml_vae"
REPO = "ddbourgin/numpy-ml"
COMMIT = "b0359af5285fbf9699d64fd5ec059493228af03e"
# The sub-packages the VAE imports (neural_nets imports all its models, w2v imports preprocessing and utils). The
# package's own __init__.py, which also imports the scipy-based models (lda, linear_models), is left out:
# numpy_ml is then a namespace package and its sub-packages import each other relatively as in the repository.
PACKAGES = ("numpy_ml/neural_nets/", "numpy_ml/utils/", "numpy_ml/preprocessing/")
# healthy: the constructor's default init; broken: 'std_normal', another init its docstring lists (unit-variance
# weights whatever the fan-in). Measured: healthy epoch loss 173 -> 126 in 6 epochs (batch loss 178 -> 119);
# broken epoch loss 1.9e45 -> 8.7e41 (batch loss 8e38 -> 1.5e21; the KL term's exp(t_log_var) is huge), and its
# decoder's sigmoid overflows
INIT = {"healthy": "glorot_uniform", "broken": "std_normal"}
# budget: 16x16 images, 4 and 8 encoder channels (32 and 64 by default), 200 images, batches of 8, 6 epochs; its
# pooling layers loop over every example, position and channel in Python
SIDE, N_IMAGES, EPOCHS, BATCH = 16, 200, 6, 8


def py_files(prefixes) -> list[str]:
    listing = subprocess.run(["git", "--git-dir", _common.git_dir(REPO), "ls-tree", "-r", "--name-only", COMMIT],
                             capture_output=True, text=True)
    if listing.returncode != 0:
        _common.missing(REPO, COMMIT, f"git ls-tree failed: {listing.stderr.strip()}")
    return [f for f in listing.stdout.split() if f.endswith(".py") and f.startswith(prefixes) and "/tests/" not in f]


def main() -> None:
    args = _common.parse(__doc__)
    # utils/data_structures.py imports Hashable from collections, gone since Python 3.10; same line, new home
    patches = {"numpy_ml/utils/data_structures.py": [("from collections import Hashable",
                                                      "from collections.abc import Hashable")]}
    _common.checkout(PROJECT, REPO, COMMIT, {f: f for f in py_files(PACKAGES)}, patches)
    _common.seed(0)
    models = _common.load("numpy_ml.neural_nets.models")
    images, _ = _common.synthetic_digits(N_IMAGES, np.random.default_rng(5), side=SIDE)
    X = (images / 255.0)[..., None]  # (n, rows, cols, channels) in [0, 1], as its Bernoulli units expect
    vae = models.BernoulliVAE(enc_conv1_out_ch=4, enc_conv2_out_ch=8, init=INIT[args.knob])
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        vae.fit(X, n_epochs=EPOCHS, batchsize=BATCH)
    # its lines end with the wall time per batch / per epoch; dropped so that two runs print the same
    lines = [re.sub(r" \([0-9.]+(s/batch|m/epoch)\)$", "", line) for line in printed.getvalue().splitlines()]
    print("\n".join(lines), flush=True)
    batch = [float(line.split("Train loss: ")[1]) for line in lines if "Train loss: " in line]
    epoch = [float(line.split("Avg. loss: ")[1].split()[0]) for line in lines if "Avg. loss: " in line]
    weights = [layer.parameters[k] for part in (vae.encoder, vae.decoder) for layer in part.values()
               for k in ("W", "b") if k in layer.parameters]
    _common.result(project=PROJECT, knob=args.knob, first_batch_loss=batch[0], last_batch_loss=batch[-1],
                   first_epoch_loss=epoch[0], last_epoch_loss=epoch[-1],
                   finite_weights=all(np.isfinite(w).all() for w in weights))


if __name__ == "__main__":
    main()
