"""Drives Bot-Academy/NeuralNetworkFromScratch (nn.py: a 784-20-10 sigmoid net written at module level, globals
w_i_h, w_h_o, b_i_h, b_h_o updated in place after every image, 3 epochs; data.py's get_mnist scales the pixels by
1/255 and one-hot encodes the labels) run as `python nn.py` (its README's usage) on a synthetic data/mnist.npz;
knob: learn_rate."""

import contextlib
import os
import runpy
import sys

import numpy as np

import _common

PROJECT = "botacademy_sigmoid_mnist"
REPO = "Bot-Academy/NeuralNetworkFromScratch"
COMMIT = "9c1b4791ec934176c073ee99511e9cdf7c90c3d1"
FILES = {name: name for name in ("nn.py", "data.py")}
# healthy: the script's rate (its cost 1/10 sum (o - l)^2, averaged over the 10,000 training images, 0.207 ->
# 9.5e-5 after the 3 epochs; training accuracy per epoch 0.87, 1.0, 1.0, final 1.0); broken: a hundred times larger,
# what a user tries when 3 epochs seem slow: the first steps push all 20 hidden sigmoids (and nearly all outputs)
# into saturation, where they stay, and the net barely learns: cost 0.207 -> 0.136, training accuracy per epoch
# 0.19, 0.28, 0.32, final 0.32 (no nan or inf)
LEARN_RATE = {"healthy": "0.01", "broken": "1.0"}
IMAGES = 10000  # the budget: 10,000 synthetic digits instead of MNIST's 60,000 (the repository's data/mnist.npz)
# nn.py imports matplotlib.pyplot for its interactive viewer after training (left out, see the patch below)
STUBS = {
    "matplotlib/__init__.py": '"""Stand-in for matplotlib: only pyplot, which draws nothing."""\n',
    "matplotlib/pyplot.py": '"""Stand-in for matplotlib.pyplot: nn.py imports it for its viewer."""\n\n\n'
                            "def imshow(*args, **kwargs):\n    return None\n\n\n"
                            "def title(*args, **kwargs):\n    return None\n\n\n"
                            "def show(*args, **kwargs):\n    return None\n",
}


def write_mnist_npz(path: str) -> None:
    """data/mnist.npz in the keras layout that get_mnist reads: x_train (n, 28, 28) uint8, y_train (n,) labels."""
    images, labels = _common.synthetic_digits(IMAGES, np.random.default_rng(5))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    np.savez(path, x_train=images, y_train=labels)


def cost(w_i_h, b_i_h, w_h_o, b_h_o, images, labels):
    """nn.py's own cost and accuracy (forward pass as it writes it), over all images at once."""
    with np.errstate(all="ignore"):
        h = 1 / (1 + np.exp(-(b_i_h + w_i_h @ images.T)))
        o = 1 / (1 + np.exp(-(b_h_o + w_h_o @ h)))
    e = np.sum((o - labels.T) ** 2, axis=0) / len(o)
    return float(e.mean()), float(np.mean(np.argmax(o, axis=0) == np.argmax(labels, axis=1)))


def main() -> None:
    args = _common.parse(__doc__)
    patches = {"nn.py": [
        ("learn_rate = 0.01", f"learn_rate = {LEARN_RATE[args.knob]}"),
        # after training the script loops forever on input() and plt.show() to show single images
        ("while True:", "while False:"),
    ]}
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, FILES, patches, stubs=STUBS)
    write_mnist_npz(os.path.join(src, "data", "mnist.npz"))
    _common.seed(0)  # the script draws its weights from numpy's global generator, unseeded
    tee = _common.Tee(sys.stdout)
    with contextlib.redirect_stdout(tee):
        done = runpy.run_path(os.path.join(src, "nn.py"), run_name="__main__")
    images, labels = done["images"], done["labels"]
    # the untrained network: the script's own draws again from the same seed
    np.random.seed(0)
    start = (np.random.uniform(-0.5, 0.5, (20, 784)), np.zeros((20, 1)),
             np.random.uniform(-0.5, 0.5, (10, 20)), np.zeros((10, 1)))
    loss_before, _ = cost(*start, images, labels)
    loss, train_acc = cost(done["w_i_h"], done["b_i_h"], done["w_h_o"], done["b_h_o"], images, labels)
    epoch_acc = [float(line.split()[1].rstrip("%")) / 100 for line in tee.kept.getvalue().splitlines()
                 if line.startswith("Acc: ")]
    _common.result(project=PROJECT, knob=args.knob, loss_before=loss_before, loss=loss,
                   epoch_acc="/".join(f"{a:.4g}" for a in epoch_acc), train_acc=train_acc,
                   finite_weights=all(np.isfinite(done[k]).all() for k in ("w_i_h", "b_i_h", "w_h_o", "b_h_o")))


if __name__ == "__main__":
    main()
