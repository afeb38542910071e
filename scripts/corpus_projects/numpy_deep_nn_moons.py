"""Drives SkalskiP/ILearnDeepLearning.py ("Let's code a Neural Network in plain NumPy": functions over a dict of
parameters W1..b5, features x samples, five dense ReLU/sigmoid layers, full-batch gradient descent) through its
fully_connected_nn.train, by the recipe of the article's notebook on two moons; knob: the learning rate."""

import numpy as np

import _common

PROJECT = "numpy_deep_nn_moons"
REPO = "SkalskiP/ILearnDeepLearning.py"
COMMIT = "e300c61fc39e480bad8d4d83616e763334b74ec7"
# The article's code as a module (its notebook 03_numpy_neural_net/Numpy deep neural network.ipynb defines the same
# functions in cells; this file adds small eps guards to the cost and its derivative, and train returns the
# (params, cost_history, accuracy_history) tuple that the notebook's `train(...)[0]` indexes).
MODULE = "01_mysteries_of_neural_networks/04_optimizers/fully_connected_nn.py"
# healthy: the notebook's rate (cost 0.692 -> 0.266 in 4,000 iterations, flat for the first 2,000 of them; train
# accuracy 0.88, test 0.84); broken: 0.001, ten times smaller (the rate a user brings from other tutorials): after
# the same 4,000 iterations the cost has moved from 0.692 to 0.691 and every output lies in 0.5036..0.5054, one
# class for all points (train accuracy 0.504, test 0.46)
LEARNING_RATE = {"healthy": 0.01, "broken": 0.001}
# the notebook trains 10,000 iterations; the budget is 4,000
EPOCHS = 4000

# The notebook draws its data with sklearn.datasets.make_moons and splits it with train_test_split; these stand-ins
# follow scikit-learn's recipes (two interleaved half circles, shuffled, Gaussian noise; a shuffled split with
# ceil(test_size * n) test points), drawing from a RandomState(random_state) as it does.
SKLEARN_STUB = {
    "sklearn/__init__.py": '"""Stand-in for scikit-learn: datasets.make_moons and model_selection.train_test_split."""\n',
    "sklearn/datasets.py": '''"""Stand-in for sklearn.datasets.make_moons."""
import numpy as np


def make_moons(n_samples=100, shuffle=True, noise=None, random_state=None):
    generator = np.random.RandomState(random_state)
    n_out = n_samples // 2
    n_in = n_samples - n_out
    outer_x, outer_y = np.cos(np.linspace(0, np.pi, n_out)), np.sin(np.linspace(0, np.pi, n_out))
    inner_x, inner_y = 1 - np.cos(np.linspace(0, np.pi, n_in)), 1 - np.sin(np.linspace(0, np.pi, n_in)) - .5
    X = np.vstack([np.append(outer_x, inner_x), np.append(outer_y, inner_y)]).T
    y = np.hstack([np.zeros(n_out, dtype=np.intp), np.ones(n_in, dtype=np.intp)])
    if shuffle:
        order = generator.permutation(n_samples)
        X, y = X[order], y[order]
    if noise is not None:
        X = X + generator.normal(scale=noise, size=X.shape)
    return X, y
''',
    "sklearn/model_selection.py": '''"""Stand-in for sklearn.model_selection.train_test_split (two arrays, float test_size)."""
import math

import numpy as np


def train_test_split(X, y, test_size=0.25, random_state=None):
    n_test = math.ceil(test_size * len(X))
    order = np.random.RandomState(random_state).permutation(len(X))
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]
''',
}

# the notebook's architecture cell
NN_ARCHITECTURE = [
    {"input_dim": 2, "output_dim": 25, "activation": "relu"},
    {"input_dim": 25, "output_dim": 50, "activation": "relu"},
    {"input_dim": 50, "output_dim": 50, "activation": "relu"},
    {"input_dim": 50, "output_dim": 25, "activation": "relu"},
    {"input_dim": 25, "output_dim": 1, "activation": "sigmoid"},
]


def main() -> None:
    args = _common.parse(__doc__)
    _common.checkout(PROJECT, REPO, COMMIT, {MODULE: "fully_connected_nn.py"}, stubs=SKLEARN_STUB)
    _common.seed(0)
    nn = _common.load("fully_connected_nn")
    from sklearn.datasets import make_moons
    from sklearn.model_selection import train_test_split

    # the notebook's settings, data set, training, prediction and accuracy cells
    N_SAMPLES = 1000
    TEST_SIZE = 0.1
    X, y = make_moons(n_samples=N_SAMPLES, noise=0.2, random_state=100)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=TEST_SIZE, random_state=42)
    params_values, cost_history, accuracy_history = nn.train(
        np.transpose(X_train), np.transpose(y_train.reshape((y_train.shape[0], 1))), NN_ARCHITECTURE, EPOCHS,
        LEARNING_RATE[args.knob])
    Y_test_hat, _ = nn.full_forward_propagation(np.transpose(X_test), params_values, NN_ARCHITECTURE)
    acc_test = nn.get_accuracy_value(Y_test_hat, np.transpose(y_test.reshape((y_test.shape[0], 1))))
    print("Test set accuracy: {:.2f} - David".format(acc_test))
    _common.result(project=PROJECT, knob=args.knob, first_cost=cost_history[0], last_cost=cost_history[-1],
                   train_acc=accuracy_history[-1], test_acc=acc_test)


if __name__ == "__main__":
    main()
