"""Drives a cs231n assignment-2 solution (FullyConnectedNet + Solver + optim.sgd) on synthetic CIFAR-like data; knob: weight_scale."""

import numpy as np

import _common

PROJECT = "cs231n_solver"
REPO = "AndersonZhangyq/cs231n-2017"
COMMIT = "f548a2f629d1c663d3f144b9773bae3b404c9034"
PACKAGE = ["__init__.py", "classifiers/__init__.py", "classifiers/fc_net.py", "fast_layers.py", "im2col.py",
           "layer_utils.py", "layers.py", "optim.py", "solver.py"]
WEIGHT_SCALE = {"healthy": 1e-2, "broken": 5.0}
# solver.py starts with `from future import standard_library` (the py2/3 `future` package, not installed here);
# on Python 3 its install_aliases() has nothing to do.
FUTURE_STUB = {"future/__init__.py": "", "future/standard_library.py":
               '"""Stand-in for future.standard_library: nothing to alias on Python 3."""\n'
               "def install_aliases():\n    pass\n"}


def cifar_like(rng: np.random.Generator, n: int, dim: int = 3 * 16 * 16, classes: int = 10):
    """Pixel-valued images (0..255) of ten noisy class templates, mean image subtracted as get_CIFAR10_data does."""
    templates = rng.uniform(0, 255, (classes, dim))
    labels = rng.integers(0, classes, n)
    images = np.clip(0.3 * templates[labels] + rng.uniform(0, 255, (n, dim)) * 0.7, 0, 255)
    return images, labels


def main() -> None:
    args = _common.parse(__doc__)
    files = {f"assignment2/cs231n/{f}": f"cs231n/{f}" for f in PACKAGE}
    _common.checkout(PROJECT, REPO, COMMIT, files, stubs=FUTURE_STUB)
    rng = np.random.default_rng(3)
    images, labels = cifar_like(rng, 700)
    mean_image = images[:500].mean(axis=0)
    data = {"X_train": images[:500] - mean_image, "y_train": labels[:500],
            "X_val": images[500:] - mean_image, "y_val": labels[500:]}
    _common.seed(0)
    fc_net = _common.load("cs231n.classifiers.fc_net")
    solver_module = _common.load("cs231n.solver")
    # as in FullyConnectedNets.ipynb: a three-layer net, plain SGD, 1e-3 learning rate
    model = fc_net.FullyConnectedNet([100, 100], input_dim=3 * 16 * 16, weight_scale=WEIGHT_SCALE[args.knob],
                                     dtype=np.float64)
    solver = solver_module.Solver(model, data, print_every=20, num_epochs=8, batch_size=50,
                                  update_rule="sgd", optim_config={"learning_rate": 1e-3})
    solver.train()
    _common.result(project=PROJECT, knob=args.knob, loss=solver.loss_history[-1],
                   train_acc=solver.train_acc_history[-1], val_acc=solver.val_acc_history[-1])


if __name__ == "__main__":
    main()
