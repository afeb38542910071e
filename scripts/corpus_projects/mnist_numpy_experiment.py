"""Drives nampluskr/mnist-numpy-from-scratch (a torch-like numpy package: Sequential of Linear/Sigmoid modules with
params/grads lists, SGD optimizer stepping them in place, Trainer/Evaluator/Experiment objects, DataLoader of 64) by
its scripts/train.py CLI on synthetic MNIST files; knob: the weight initialisation of nn.layers.Linear."""

import gzip
import os
import runpy
import struct
import sys

import numpy as np

import _common

PROJECT = "mnist_numpy_experiment"
REPO = "nampluskr/mnist-numpy-from-scratch"
COMMIT = "d572d6c3fc17cd1a53513def5afa641cb23c37ec"
FILES = ["scripts/train.py", "src/__init__.py", "src/config.py", "src/task.py",
         "src/core/__init__.py", "src/core/checkpoints.py", "src/core/evaluator.py", "src/core/experiment.py",
         "src/core/optimizers.py", "src/core/predictor.py", "src/core/trainer.py",
         "src/data/__init__.py", "src/data/dataloader.py", "src/data/mnist.py",
         "src/models/__init__.py", "src/models/cnn.py", "src/models/mlp.py",
         "src/nn/__init__.py", "src/nn/activations.py", "src/nn/conv.py", "src/nn/layers.py", "src/nn/losses.py",
         "src/nn/metrics.py"]
# healthy: the package's He initialisation (train loss 2.404 in epoch 1 -> 1.999 in epoch 50, train accuracy
# 0.11 -> 0.90, test accuracy 0.868); broken: every Linear weight matrix starts at zero like its bias, so all
# units of a layer compute the same value and receive the same gradient: the loss stays at ln 10 (2.3025 -> 2.3018)
# and the accuracy at chance (train 0.116, test 0.088) for all 50 epochs
HE_INIT = "self.w = (rng.standard_normal((in_features, out_features)) * scale).astype(np.float32)"
INIT = {"healthy": HE_INIT, "broken": "self.w = np.zeros((in_features, out_features), dtype=np.float32)"}
# the budget: 2,000 training and 500 test digits instead of MNIST's 60,000 and 10,000, so 50 epochs (the CLI's
# --epochs; its default is 10) of its default batch size 64 and learning rate 0.01 (not passed: the CLI defaults)
TRAIN, TEST, EPOCHS = 2000, 500, 50


def write_idx(folder: str) -> None:
    """The four MNIST idx files (gzip, big-endian headers) its src/data/mnist.py reads from --dataset_dir."""
    rng = np.random.default_rng(5)
    images, labels = _common.synthetic_digits(TRAIN + TEST, rng)
    os.makedirs(folder, exist_ok=True)
    for (image_file, label_file), part in ((("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
                                            slice(0, TRAIN)),
                                           (("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
                                            slice(TRAIN, TRAIN + TEST))):
        with gzip.open(os.path.join(folder, image_file), "wb") as f:
            f.write(struct.pack(">IIII", 2051, len(images[part]), 28, 28))
            f.write(images[part].astype(np.uint8).tobytes())
        with gzip.open(os.path.join(folder, label_file), "wb") as f:
            f.write(struct.pack(">II", 2049, len(labels[part])))
            f.write(labels[part].astype(np.uint8).tobytes())


def main() -> None:
    args = _common.parse(__doc__)
    patches = {"src/nn/layers.py": [(HE_INIT, INIT[args.knob])]}
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, {f: f for f in FILES}, patches)
    data = os.path.join(os.path.dirname(src), "data")  # outside the traced folder, like /mnt/d/datasets/mnist
    write_idx(data)
    _common.seed(0)  # the DataLoader shuffles with numpy's global random state; the MLP seeds itself (seed 42)
    # runs the CLI as `python scripts/train.py --dataset_dir ... --epochs 50` does; its printed epochs are scored
    argv = sys.argv
    sys.argv = [os.path.join(src, "scripts", "train.py"), "--dataset_dir", data, "--epochs", str(EPOCHS)]
    tee = _common.Tee(sys.stdout)
    sys.stdout = tee
    try:
        runpy.run_path(sys.argv[0], run_name="__main__")
    finally:
        sys.stdout = tee.through
        sys.argv = argv
    # "Epoch   1 | train loss=2.4187 metric=0.0945 | test loss=2.3254 metric=0.0860"
    epochs = [line for line in tee.kept.getvalue().splitlines() if line.startswith("Epoch")]

    def numbers(line):
        train, test = line.split(" | ")[1:]
        return [float(part.split("=")[1]) for part in train.split()[1:] + test.split()[1:]]

    first, last = numbers(epochs[0]), numbers(epochs[-1])
    _common.result(project=PROJECT, knob=args.knob, first_train_loss=first[0], train_loss=last[0],
                   first_train_acc=first[1], train_acc=last[1], test_loss=last[2], test_acc=last[3])


if __name__ == "__main__":
    main()
