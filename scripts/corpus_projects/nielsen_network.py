"""Drives the Nielsen book's network.py (Python 3 port) on synthetic MNIST-like digits; knob: pixel scaling."""

import gzip
import os
import pickle

import numpy as np

import _common

PROJECT = "nielsen_network"
REPO = "MichalDanielDobrzanski/DeepLearningPython"
COMMIT = "2da41b6dd19dafae92db1facbc4ed19738e80551"


def write_mnist_pickle(path: str, scale_to_unit: bool) -> None:
    """mnist.pkl.gz in the book's layout: three (images n x 784 float32, labels) tuples."""
    rng = np.random.default_rng(7)
    images, labels = _common.synthetic_digits(1300, rng)
    flat = images.reshape(len(images), 784).astype(np.float32)
    if scale_to_unit:
        flat = flat / np.float32(255.0)
    parts = ((flat[:1000], labels[:1000]), (flat[1000:1150], labels[1000:1150]), (flat[1150:], labels[1150:]))
    with gzip.open(path, "wb") as f:
        pickle.dump(parts, f)


def main() -> None:
    args = _common.parse(__doc__)
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, {"network.py": "network.py", "mnist_loader.py": "mnist_loader.py"})
    os.chdir(src)  # mnist_loader opens mnist.pkl.gz in the working folder
    # healthy: pixels in [0, 1] as in the book's pickle; broken: raw 0..255 pixels, as a learner's own export gives
    write_mnist_pickle(os.path.join(src, "mnist.pkl.gz"), scale_to_unit=args.knob == "healthy")
    _common.seed(0)
    mnist_loader = _common.load("mnist_loader")
    network = _common.load("network")
    # what the repository's test.py does, with 3 epochs instead of 30
    training_data, validation_data, test_data = mnist_loader.load_data_wrapper()
    training_data = list(training_data)
    test_data = list(test_data)
    net = network.Network([784, 30, 10])
    net.SGD(training_data, 3, 10, 3.0, test_data=test_data)
    _common.result(project=PROJECT, knob=args.knob, accuracy=net.evaluate(test_data) / len(test_data))


if __name__ == "__main__":
    main()
