"""Drives eriklindernoren/ML-From-Scratch's deep_learning package (NeuralNetwork of Dense/Activation/Dropout layer objects, Adam, minibatches) as its multilayer_perceptron example does, on synthetic 8x8 digits; knob: Adam learning rate."""

import numpy as np

import _common

PROJECT = "mlfromscratch_mlp"
REPO = "eriklindernoren/ML-From-Scratch"
COMMIT = "a2806c6732eee8d27762edd6d864e0c179d8e9e8"
PACKAGE = ["__init__.py", "deep_learning/__init__.py", "deep_learning/activation_functions.py",
           "deep_learning/layers.py", "deep_learning/loss_functions.py", "deep_learning/neural_network.py",
           "deep_learning/optimizers.py", "utils/__init__.py", "utils/data_manipulation.py",
           "utils/data_operation.py", "utils/misc.py"]
# healthy: Adam's default rate, as the example uses it; broken: a hundred times larger
LEARNING_RATE = {"healthy": 0.001, "broken": 0.1}
# The package's progress bar and summary table come from two small pip packages; these stand-ins hand the
# epochs through unchanged and print nothing.
STUBS = {
    "progressbar/__init__.py": '"""Stand-in for progressbar: ProgressBar(widgets)(iterable) is the iterable."""\n'
                               "class Percentage:\n    pass\n\n\n"
                               "class ETA:\n    pass\n\n\n"
                               "class Bar:\n    def __init__(self, **kwargs):\n        pass\n\n\n"
                               "class ProgressBar:\n    def __init__(self, widgets=None):\n        pass\n\n"
                               "    def __call__(self, iterable):\n        return iterable\n",
    "terminaltables/__init__.py": '"""Stand-in for terminaltables."""\n'
                                  "class AsciiTable:\n    def __init__(self, data, title=None):\n"
                                  "        self.table = str(data)\n",
}


def digits_8x8(rng: np.random.Generator, n: int):
    """load_digits-like data: 8x8 images with values 0..16 (64 features) of ten noisy class patterns."""
    images, labels = _common.synthetic_digits(n, rng, side=8)
    return np.round(images.reshape(n, 64) / 255.0 * 16.0), labels


def main() -> None:
    args = _common.parse(__doc__)
    files = {f"mlfromscratch/{f}": f"mlfromscratch/{f}" for f in PACKAGE}
    _common.checkout(PROJECT, REPO, COMMIT, files, stubs=STUBS)
    _common.seed(0)
    nn_module = _common.load("mlfromscratch.deep_learning")
    layers = _common.load("mlfromscratch.deep_learning.layers")
    optimizers = _common.load("mlfromscratch.deep_learning.optimizers")
    losses = _common.load("mlfromscratch.deep_learning.loss_functions")
    utils = _common.load("mlfromscratch.utils")
    X, y = digits_8x8(np.random.default_rng(1), 1000)
    y = utils.to_categorical(y.astype("int"))
    X_train, X_test, y_train, y_test = utils.train_test_split(X, y, test_size=0.4, seed=1)
    # as in examples/multilayer_perceptron.py, narrower (128 units, not 512) and 25 epochs, not 50
    clf = nn_module.NeuralNetwork(optimizer=optimizers.Adam(learning_rate=LEARNING_RATE[args.knob]),
                                  loss=losses.CrossEntropy, validation_data=(X_test, y_test))
    n_hidden = 128
    clf.add(layers.Dense(n_hidden, input_shape=(64,)))
    clf.add(layers.Activation("leaky_relu"))
    clf.add(layers.Dense(n_hidden))
    clf.add(layers.Activation("leaky_relu"))
    clf.add(layers.Dropout(0.25))
    clf.add(layers.Dense(n_hidden))
    clf.add(layers.Activation("leaky_relu"))
    clf.add(layers.Dropout(0.25))
    clf.add(layers.Dense(10))
    clf.add(layers.Activation("softmax"))
    train_err, val_err = clf.fit(X_train, y_train, n_epochs=25, batch_size=256)
    _, accuracy = clf.test_on_batch(X_test, y_test)
    _common.result(project=PROJECT, knob=args.knob, first_loss=train_err[0], last_loss=train_err[-1],
                   val_loss=val_err[-1], accuracy=accuracy)


if __name__ == "__main__":
    main()
