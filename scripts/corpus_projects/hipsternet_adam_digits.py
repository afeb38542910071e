"""Drives wiseodd/hipsternet (the code behind Agustinus Kristiadi's blog series on neural nets: a small numpy library,
hipsternet/, of layer functions (fc, ReLU, batch norm, dropout), losses, L2 regularisation, and solver.py's six
optimisers, each a function that keeps its own state (adam(): the moment dicts M and R) and runs n_iter steps on
minibatches drawn at random from get_minibatch()'s list, updating the FeedForwardNet's model dict in place) as its
run_mnist.py runs it, `python run_mnist.py ff`: hipsternet.input_data reads MNIST from data/MNIST_data/ (pixels as
float32 / 255), prepro() subtracts the training mean, FeedForwardNet(D, C, H=128, lam=1e-5, p_dropout=0.8)
(784-128-128-10, fc -> batch norm -> ReLU -> dropout twice, then fc to softmax cross-entropy) is trained by
adam(..., mb_size=64, alpha=1e-3, n_iter=1000); here on synthetic MNIST-like digits written as the four idx gz
files; knob: the initial weights in FeedForwardNet._init_model, randn / sqrt(fan_in / 2) as written or zeros."""

import contextlib
import gzip
import os
import re
import runpy
import struct
import sys

import numpy as np

import _common

PROJECT = "hipsternet_adam_digits"
REPO = "wiseodd/hipsternet"
COMMIT = "563de653827c460c9c1c7722ae7eecc67fe2f8a4"
FILES = {path: path for path in (
    "run_mnist.py", "hipsternet/constant.py", "hipsternet/im2col.py", "hipsternet/input_data.py",
    "hipsternet/layer.py", "hipsternet/loss.py", "hipsternet/neuralnet.py", "hipsternet/regularization.py",
    "hipsternet/solver.py", "hipsternet/utils.py")}
# The knob, FeedForwardNet._init_model's three weight matrices. healthy: as written, He-style randn / sqrt(fan_in / 2).
# broken: np.zeros, initialised like the biases next to them: every fc output is its (zero) bias, batch norm of a
# constant column gives 0 / sqrt(0 + eps) = 0, so every ReLU input is exactly 0, relu_backward's mask (cache <= 0)
# blocks every gradient, dW3 = h2.T @ grad is 0 and dh2 = grad @ W3.T is 0: only b3 ever gets a gradient, the
# network outputs the class prior for every image (loss ln 10 = 2.30) and the weights stay exactly zero.
# healthy: adam()'s printed minibatch loss 1.04 at step 10 (validation accuracy 0.91), 0.10 at step 50, 0.0035 at
# step 1,000; validation and test accuracy 1.0 from step 20 on (the synthetic digits are easier than MNIST), training
# cross-entropy 0.0028, largest |W1| 0.23.
# broken: loss 2.30 at step 10 and still 2.30 at step 1,000; validation accuracy 0.085-0.107, test accuracy 0.0995
# (one class for every image), largest |W1| and |W3| exactly 0. Nothing becomes inf or nan.
INIT = ("            W1=np.random.randn(D, H) / np.sqrt(D / 2.),\n"
        "            W2=np.random.randn(H, H) / np.sqrt(H / 2.),\n"
        "            W3=np.random.randn(H, C) / np.sqrt(H / 2.),\n",
        "            W1=np.zeros((D, H)),\n"
        "            W2=np.zeros((H, H)),\n"
        "            W3=np.zeros((H, C)),\n")
KNOB = {"healthy": [], "broken": [INIT]}
# Budget, both knobs: print_after 100 -> 10 in run_mnist.py, so that the loss adam() prints is seen from its 10th step
# (the synthetic digits are learnt within 100 steps; run_mnist.py's own 1,000 steps are kept), and input_data.py's
# VALIDATION_SIZE 5000 -> 1000 (adam() scores the whole validation set at every print); the run some 5 s.
BUDGET = ("print_after = 100\n", "print_after = 10\n")
VALIDATION = ("    VALIDATION_SIZE = 5000\n", "    VALIDATION_SIZE = 1000\n")
# Setup, both knobs: input_data.py (TensorFlow's old MNIST reader) reads each header field as a one-element array,
# which current numpy no longer turns into an index, so gzip's read(rows * cols * num_images) raises TypeError;
# TensorFlow's later copy of the reader takes element [0], as here.
READ32 = ("    return numpy.frombuffer(bytestream.read(4), dtype=dt)\n",
          "    return numpy.frombuffer(bytestream.read(4), dtype=dt)[0]\n")
# The synthetic data are smaller than MNIST: 7,000 training images of which input_data keeps the first 1,000 for
# validation, and 2,000 test images.
N_TRAIN_FILE, N_TEST = 7000, 2000

# solver.py shuffles with sklearn.utils.shuffle (before splitting the training set into minibatches): a stand-in.
SKLEARN_STUB = {
    "sklearn/__init__.py": '"""Stand-in for scikit-learn: only what hipsternet imports."""\n',
    "sklearn/utils.py": '''"""Stand-in for sklearn.utils.shuffle with random_state=None: one permutation of the rows
drawn from numpy's global generator, applied to every array."""
import numpy as np


def shuffle(*arrays, random_state=None):
    indices = np.arange(len(arrays[0]))
    np.random.shuffle(indices)
    shuffled = [a[indices] for a in arrays]
    return shuffled[0] if len(shuffled) == 1 else shuffled
''',
}


def write_idx(folder: str, images: np.ndarray, labels: np.ndarray, prefix: str) -> None:
    """The MNIST distribution format input_data.extract_images / extract_labels read: big-endian magic and sizes, then
    the bytes, gzipped."""
    n, rows, cols = images.shape
    with gzip.open(os.path.join(folder, f"{prefix}-images-idx3-ubyte.gz"), "wb", compresslevel=1) as f:
        f.write(struct.pack(">IIII", 2051, n, rows, cols) + images.astype(np.uint8).tobytes())
    with gzip.open(os.path.join(folder, f"{prefix}-labels-idx1-ubyte.gz"), "wb", compresslevel=1) as f:
        f.write(struct.pack(">II", 2049, n) + labels.astype(np.uint8).tobytes())


def main() -> None:
    args = _common.parse(__doc__)
    patches = {"run_mnist.py": [BUDGET], "hipsternet/neuralnet.py": KNOB[args.knob],
               "hipsternet/input_data.py": [READ32, VALIDATION]}
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, FILES, patches, stubs=SKLEARN_STUB)
    folder = os.path.join(src, "data", "MNIST_data")
    os.makedirs(folder)
    images, labels = _common.synthetic_digits(N_TRAIN_FILE + N_TEST, np.random.default_rng(0))
    write_idx(folder, images[:N_TRAIN_FILE], labels[:N_TRAIN_FILE], "train")
    write_idx(folder, images[N_TRAIN_FILE:], labels[N_TRAIN_FILE:], "t10k")
    os.chdir(src)
    _common.seed(0)  # weights, sklearn-style shuffle, minibatch draws, dropout masks: numpy's global generator
    sys.argv = ["run_mnist.py", "ff"]
    printed = _common.Tee(sys.stdout)
    with contextlib.redirect_stdout(printed):
        module = runpy.run_path("run_mnist.py", run_name="__main__")
    text = printed.kept.getvalue()
    logged = re.findall(r"Iter-(\d+) loss: (\S+) validation: (\S+)", text)
    losses = [float(loss) for _, loss, _ in logged]
    val_acc = [float(acc) for _, _, acc in logged]
    net = module["net"]
    with np.errstate(all="ignore"):
        train_loss = float(net.loss_funs["cross_ent"](net.model, net.forward(module["X_train"], False)[0],
                                                        module["y_train"], net.lam))
        max_w = {k: float(np.abs(v).max()) for k, v in net.model.items()}
    finite = bool(all(np.isfinite(v).all() for v in net.model.values()))
    _common.result(project=PROJECT, knob=args.knob, first_loss=losses[0], last_loss=losses[-1],
                   train_loss=train_loss, first_val_acc=val_acc[0], last_val_acc=val_acc[-1],
                   test_acc=float(module["accs"].mean()), logs=len(logged), iters=int(logged[-1][0]),
                   max_abs_w1=max_w["W1"], max_abs_w3=max_w["W3"], finite_weights=finite)


if __name__ == "__main__":
    main()
