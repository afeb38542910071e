"""Drives amau457/Generative-Adversarial-Network-GAN-from-scratch (NN.py: a small layer library, Linear with a
Xavier-like normal initialisation, ReLU, Dropout, a model class chaining forward and backward; GAN_sine.py: the
realpython.com sine-wave GAN in numpy, a 2-256-128-64-1 discriminator with dropout and no final sigmoid, a
2-16-32-2 generator, binary cross-entropy on logits with real labels 0.9, one Adam step on D then one on G per
"epoch" over standardised (x, sin x) points) as its __main__ block runs train(); knob: the standard deviation of the
initial weights in Linear.xavier_init."""

import math
import os
import sys

import numpy as np

import _common

PROJECT = "gan_sine_waves"
REPO = "amau457/Generative-Adversarial-Network-GAN-from-scratch"
COMMIT = "14c8ee80d4f85bc06b28ff0f47a39a6324a9ecc3"
FILES = {"NN.py": "NN.py", "GAN_sine.py": "GAN_sine.py"}
# Linear.xavier_init draws W from a normal with std sqrt(2 / (in + out)) (0.087 for the discriminator's 256 x 128);
# the broken knob draws unit-variance weights, np.random.randn as it comes, what a learner writes for "random weights"
STD = {"healthy": "std = np.sqrt(2.0 / (in_dim + out_dim))", "broken": "std = 1.0"}
# healthy: the printed losses start at loss_D 0.686, loss_G 0.678 and hover at the adversarial balance (loss_D 0.58
# to 0.68, loss_G 0.79 to 1.12 over the printed epochs; 0.652 and 0.823 at 1,400); the trained generator's points,
# de-standardised as save_snapshot_plot does, lie on the curve: mean |y - sin x| 0.041 over 2,000 draws, 99% of the x
# in [0, 2 pi], x spread 1.71 (the real points' 1.81). broken: with unit-variance weights each ReLU layer of the
# discriminator multiplies the size of its input by about sqrt(fan_in / 2) (8 to 12 here), so its first logits are
# about 1,000 for the standardised real points and 20,000 for the generator's (whose own unit weights spread its
# points with an rms of 7 where the data's is 1): loss_D 13,247 at epoch 1 (np.exp overflows in
# bce_with_logits_loss_and_grad), loss_G 0.000; Adam moves each weight by about lr = 1e-3 a step, so in 1,500 steps
# the weights stay near where they started (mean |W| of the discriminator's layers about 0.8 before and after) and
# its logits stay in the tens to thousands, its gradients to the generator saturated or wild: loss_D 292 at 200 and
# still 104 at 1,400, and the generator's points miss the curve: mean |y - sin x| 0.35, 94% of the x in range.
# (Numbers with one BLAS thread, as run_all.py runs the drivers; threaded BLAS adds in another order and the
# broken run's numbers move a little, loss_D 98 at 1,400 and mean |y - sin x| 0.40 in one such run.)
N_EVAL = 2000  # generator draws scored after training


def main() -> None:
    args = _common.parse(__doc__)
    patches = {"NN.py": [(STD["healthy"], STD[args.knob])]}
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, FILES, patches)
    os.environ.setdefault("MPLBACKEND", "Agg")  # train() saves snapshot plots and shows a mosaic; Agg draws nothing
    os.chdir(src)  # the snapshots go to ./snapshots
    _common.seed(0)  # GAN_sine.py's own np.random.seed(0) is commented out
    gan = _common.load("GAN_sine")
    # train() keeps D and G to itself; the generator is the first argument of each save_snapshot_plot call, which
    # the driver passes on unchanged and keeps hold of
    seen = {}
    save_snapshot_plot = gan.save_snapshot_plot

    def keep_generator(generator, epoch, batch_noise, **kwargs):
        seen.update(generator=generator, mean=kwargs["data_mean"], std=kwargs["data_std"])
        return save_snapshot_plot(generator, epoch, batch_noise, **kwargs)

    gan.save_snapshot_plot = keep_generator
    printed = _common.Tee(sys.stdout)
    sys.stdout = printed
    try:
        # the __main__ block's call
        gan.train(lrD=1e-3, lrG=1e-3, n_epochs=1500, batch_size=32, print_every=200, snapshot_noise_size=1000,
                  snapshots_dir="snapshots")
    finally:
        sys.stdout = printed.through
    lines = [line for line in printed.kept.getvalue().splitlines() if line.startswith("Epoch ")]
    loss_d = [float(line.split("loss_D=")[1].split()[0]) for line in lines]
    loss_g = [float(line.split("loss_G=")[1].split()[0]) for line in lines]
    generator = seen["generator"]
    gan.set_train_mode(generator.model, training=False)
    z = np.random.default_rng(1).standard_normal((N_EVAL, 2)).astype(np.float32)
    with np.errstate(all="ignore"):
        points = generator.forward(z) * seen["std"] + seen["mean"]
        curve_error = float(np.mean(np.abs(points[:, 1] - np.sin(points[:, 0]))))
    x = points[:, 0]
    _common.result(project=PROJECT, knob=args.knob, first_loss_D=loss_d[0], loss_D=loss_d[-1], first_loss_G=loss_g[0],
                   loss_G=loss_g[-1], curve_error=curve_error,
                   x_in_range=float(np.mean((x >= 0) & (x <= 2 * math.pi))), x_std=float(np.std(x)),
                   real_x_std=2 * math.pi / math.sqrt(12),
                   finite_weights=all(bool(np.isfinite(p).all()) for layer in generator.model.layers
                                      if hasattr(layer, "get_params") for p, _, _ in layer.get_params()))


if __name__ == "__main__":
    main()
