"""Drives daniellaah/deeplearning.ai-step-by-step-guide (the course's "Initialization" assignment rewritten as a
DeepNeuralNetwork class: dict of parameters, features x samples, full-batch gradient descent) by its main.py
recipe for one initialisation on the two-circles data; knob: the initialisation."""

import os

import numpy as np

import _common

PROJECT = "dlai_initialization"
REPO = "daniellaah/deeplearning.ai-step-by-step-guide"
COMMIT = "08ea7a8a4d41c7302473eb76d17cd1a9fab1bf5c"
FOLDER = "02-Improving-Deep-Neural-Networks/week1/01-initialization"
# healthy: the assignment's He initialisation; broken: its zero initialisation (every unit of a layer computes the
# same thing and receives the same gradient, so the net never leaves its start: accuracy 0.5 on both sets)
INIT = {"healthy": "he", "broken": "zero"}
# main.py's budget: 15,000 full-batch iterations at learning rate 0.01
ITERATIONS = 15000

# utils.py imports h5py (unused by load_dataset) and draws the circles with sklearn.datasets.make_circles, which
# this stand-in reproduces: half the points on the unit circle, half on a circle of radius `factor`, shuffled, then
# Gaussian noise, all from numpy's global random state as sklearn does when random_state is None
SKLEARN_STUB = {
    "h5py/__init__.py": '"""Stand-in for h5py: utils.py imports it but load_dataset never reads a file."""\n',
    "sklearn/__init__.py": '"""Stand-in for scikit-learn: only datasets.make_circles is used."""\n',
    "sklearn/datasets.py": '''"""Stand-in for sklearn.datasets.make_circles."""
import numpy as np


def make_circles(n_samples=100, shuffle=True, noise=None, random_state=None, factor=0.8):
    n_out = n_samples // 2
    n_in = n_samples - n_out
    angle_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    angle_in = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    points = np.vstack([np.append(np.cos(angle_out), np.cos(angle_in) * factor),
                        np.append(np.sin(angle_out), np.sin(angle_in) * factor)]).T
    labels = np.hstack([np.zeros(n_out, dtype=np.intp), np.ones(n_in, dtype=np.intp)])
    if shuffle:
        order = np.random.permutation(n_samples)
        points, labels = points[order], labels[order]
    if noise is not None:
        points = points + np.random.normal(scale=noise, size=points.shape)
    return points, labels
''',
}


def main() -> None:
    args = _common.parse(__doc__)
    files = {f"{FOLDER}/{name}": name for name in ("DeepNeuralNetwork.py", "utils.py")}
    _common.checkout(PROJECT, REPO, COMMIT, files, stubs=SKLEARN_STUB)
    os.environ.setdefault("MPLBACKEND", "Agg")  # utils.py imports pyplot; nothing is drawn
    _common.seed(0)
    utils = _common.load("utils")
    network = _common.load("DeepNeuralNetwork")
    # main.py's recipe (it ignores floating-point warnings), for one initialisation
    np.seterr(all='ignore')
    train_X, train_Y, test_X, test_Y = utils.load_dataset(plot_data=False)
    layers_dims = [train_X.shape[0], 10, 5, 1]
    activations = ['relu', 'relu', 'sigmoid']
    dnn = network.DeepNeuralNetwork(layers_dims, activations, init=INIT[args.knob])
    dnn = dnn.fit(train_X, train_Y, ITERATIONS, 0.01, print_cost=True, print_num=1000)
    train_acc = dnn.accuracy_score(train_X, train_Y)
    test_acc = dnn.accuracy_score(test_X, test_Y)
    print("{} init accuracy on train: {:.2f}".format(INIT[args.knob], train_acc))
    print("{} init accuracy on test: {:.2f}".format(INIT[args.knob], test_acc))
    _common.result(project=PROJECT, knob=args.knob, cost=dnn.cost_function(train_X, train_Y), train_acc=train_acc,
                   test_acc=test_acc, w1_spread=np.ptp(dnn.parameters['W1']))


if __name__ == "__main__":
    main()
