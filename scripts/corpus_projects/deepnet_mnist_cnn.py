"""Drives parasdahal/deepnet (a numpy CNN library: Conv/ReLU/Maxpool/Flatten/FullyConnected layer objects through
im2col, softmax loss with L2, a CNN class, SGD / Nesterov momentum / Adam solvers over minibatches) by its
run_cnn.py mnist recipe on synthetic digits; knob: the learning rate of sgd_momentum."""

import gzip
import os
import pickle
import runpy
import sys

import numpy as np

import _common

PROJECT = "deepnet_mnist_cnn"
REPO = "parasdahal/deepnet"
COMMIT = "51a9e61c351138b7dc637f4b748a0e6ca2e15595"
# healthy: run_cnn.py's rate (the printed loss, the last minibatch's, 2.26 after epoch 1 -> 0.34 after epoch 4,
# training accuracy 0.30 -> 0.92, test accuracy 0.87, loss over the training set 0.78); broken: fifty times larger,
# what a user tries when the first epoch's accuracy looks slow: Nesterov steps that large throw the net about
# (printed loss 1.23 -> 2.18, training accuracy 0.33 -> 0.10, test accuracy 0.07, loss over the training set 6.01,
# above the 2.30 = ln 10 of a net that guesses)
LEARNING_RATE = {"healthy": "0.01", "broken": "0.5"}
FILES = {name: name for name in ("run_cnn.py", "deepnet/im2col.py", "deepnet/layers.py",
                                 "deepnet/loss.py", "deepnet/nnet.py", "deepnet/solver.py", "deepnet/utils.py")}
# budget: 4 epochs of 150 synthetic images (minibatches of 35) and a test set of 100, not 20 epochs of 1,000 and 1,000
TRAINING, TEST, EPOCHS = 150, 100, 4

# solver.py shuffles the minibatches with sklearn.utils.shuffle; this stand-in permutes X and y together as sklearn
# does when random_state is None, from numpy's global random state.
SKLEARN_STUB = {
    "sklearn/__init__.py": '"""Stand-in for scikit-learn: deepnet.solver imports sklearn.utils.shuffle."""\n',
    "sklearn/utils.py": '''"""Stand-in for sklearn.utils.shuffle."""
import numpy as np


def shuffle(*arrays, random_state=None, n_samples=None):
    order = np.arange(arrays[0].shape[0])
    np.random.shuffle(order)
    return [a[order] for a in arrays]
''',
}


def write_mnist_pickle(path: str) -> None:
    """data/mnist.pkl.gz as deeplearning.net serves it (train, validation, test tuples of float32 images flattened to
    784 values in [0, 1] and int64 labels), synthetic digits (no download)."""
    rng = np.random.default_rng(11)
    images, labels = _common.synthetic_digits(TRAINING + 100 + TEST, rng)
    flat = (images.reshape(len(images), -1) / 255.0).astype(np.float32)
    labels = labels.astype(np.int64)
    parts = ((flat[:TRAINING], labels[:TRAINING]), (flat[TRAINING:TRAINING + 100], labels[TRAINING:TRAINING + 100]),
             (flat[TRAINING + 100:], labels[TRAINING + 100:]))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with gzip.open(path, "wb") as f:
        pickle.dump(parts, f)


def main() -> None:
    args = _common.parse(__doc__)
    patches = {
        "run_cnn.py": [
            ("'data/mnist.pkl.gz', num_training=1000, num_test=1000)",
             f"'data/mnist.pkl.gz', num_training={TRAINING}, num_test={TEST})"),
            # the knob, in the mnist branch's call (the cifar10 branch passes the same rate)
            ("cnn = sgd_momentum(cnn, X, y, minibatch_size=35, epoch=20,\n                           "
             "learning_rate=0.01,",
             f"cnn = sgd_momentum(cnn, X, y, minibatch_size=35, epoch={EPOCHS},\n                           "
             f"learning_rate={LEARNING_RATE[args.knob]},"),
        ],
        # Python 3 division makes the output size a float, which np.tile refuses on current numpy: floor division
        # (the size is a whole number for every layer, as the assertions above it check)
        "deepnet/im2col.py": [
            ("  out_height = (H + 2 * padding - field_height) / stride + 1",
             "  out_height = (H + 2 * padding - field_height) // stride + 1"),
            ("  out_width = (W + 2 * padding - field_width) / stride + 1",
             "  out_width = (W + 2 * padding - field_width) // stride + 1"),
        ],
    }
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, FILES, patches, stubs=SKLEARN_STUB)
    write_mnist_pickle(os.path.join(src, "data", "mnist.pkl.gz"))
    os.chdir(src)  # load_mnist reads data/mnist.pkl.gz from the working folder
    _common.seed(0)
    printed = _common.Tee(sys.stdout)
    sys.stdout = printed
    sys.argv = ["run_cnn.py", "mnist"]
    try:
        run = runpy.run_path(os.path.join(src, "run_cnn.py"), run_name="__main__")
    finally:
        sys.stdout = printed.through
    lines = [line for line in printed.kept.getvalue().splitlines() if line.startswith("Loss = ")]

    def field(line, key):
        return float(line.split(f"{key} = ", 1)[1].split(" |")[0])

    cnn = run["cnn"]
    # the softmax loss of the trained net over the whole training set (the printed loss is the last minibatch's)
    with np.errstate(all="ignore"):
        train_loss, _ = _common.load("deepnet.loss").SoftmaxLoss(cnn.forward(run["X"]), run["y"])
    _common.result(project=PROJECT, knob=args.knob, first_epoch_loss=field(lines[0], "Loss"),
                   last_epoch_loss=field(lines[-1], "Loss"), train_loss=train_loss,
                   first_train_acc=field(lines[0], "Training Accuracy"),
                   train_acc=field(lines[-1], "Training Accuracy"), test_acc=field(lines[-1], "Test Accuracy"),
                   finite_weights=all(np.isfinite(p).all() for layer in cnn.params for p in layer))


if __name__ == "__main__":
    main()
