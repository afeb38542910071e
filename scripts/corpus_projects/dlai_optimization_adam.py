"""Drives Kulbear/deep-learning-coursera (the deeplearning.ai "Optimization methods" assignment: dict parameters,
features x samples, a 3-layer ReLU/sigmoid net on the moons trained by mini-batch gradient descent, momentum or
Adam, written in the cells of its notebook) by the notebook's own training cells with the Adam optimizer; knob: the
learning rate passed to model()."""

import contextlib
import json
import os
import sys

import numpy as np

import _common

PROJECT = "dlai_optimization_adam"
REPO = "Kulbear/deep-learning-coursera"
COMMIT = "997fdb2e2db67acd45d29ae418212463a54be06d"
NOTEBOOK = ("Improving Deep Neural Networks Hyperparameter tuning, Regularization and Optimization/"
            "Optimization methods.ipynb")
# healthy: model()'s own rate, 0.0007 (the printed cost, the last minibatch's, falls 0.6906 after epoch 0 -> 0.1317
# after epoch 2800, mean cost over the 300 points 0.1386, training accuracy 0.933); broken: a hundred times smaller,
# 7e-6, what a user tries to calm the printed cost jumping between 0.03 and 0.19: Adam's steps of ~7e-6 per weight
# leave the net where it started (printed cost 0.6907 -> 0.6688, up to 0.737 in between, mean cost 0.6727, training
# accuracy 0.653 on the balanced moons)
LEARNING_RATE = {"healthy": None, "broken": "0.000007"}
# The notebook's cells that train, by index in its JSON: update_parameters_with_gd (3), random_mini_batches (9),
# initialize_velocity (14), update_parameters_with_momentum (18), initialize_adam (25), update_parameters_with_adam
# (29), the data (34), model (36) and the Adam run (42: model, predict, the decision-boundary plot). Cell 1 is
# replaced by IMPORTS: the same imports without scipy.io, sklearn (only opt_utils draws the moons) and the
# testCases module, whose cases only the graded test cells (left out) use, and without the %matplotlib magic.
TRAINING_CELLS = ("imports", 3, 9, 14, 18, 25, 29, 34, 36, 42)
IMPORTS = '''# (corpus driver) stands in for the notebook's first cell without scipy.io, sklearn, testCases, %matplotlib
import numpy as np
import matplotlib.pyplot as plt
import math

from opt_utils import load_params_and_grads, initialize_parameters, forward_propagation, backward_propagation
from opt_utils import compute_cost, predict, predict_dec, plot_decision_boundary, load_dataset

plt.rcParams['figure.figsize'] = (7.0, 4.0) # set default size of plots
plt.rcParams['image.interpolation'] = 'nearest'
plt.rcParams['image.cmap'] = 'gray'
'''
# budget: 3,000 epochs of the 300 moons (5 minibatches of 64, the last of 44) instead of model()'s 10,000
EPOCHS = 3000

# The assignment ships opt_utils.py next to the notebook (the course's helper file; the repository does not hold
# it): the data (sklearn's make_moons with seed 3), He initialisation, the fixed LINEAR-RELU-LINEAR-RELU-LINEAR-
# SIGMOID forward and backward passes, the mean cross-entropy, predict and the plots. This stand-in is that file
# (the version the notebook's printed costs come from), with make_moons drawn as sklearn does from numpy's global
# random state.
OPT_UTILS = '''"""Stand-in for the course's opt_utils.py (the assignment's helper file, not in the repository)."""
import matplotlib.pyplot as plt
import numpy as np


def sigmoid(x):
    s = 1/(1+np.exp(-x))
    return s


def relu(x):
    s = np.maximum(0,x)
    return s


def load_params_and_grads(seed=1):
    np.random.seed(seed)
    W1 = np.random.randn(2,3)
    b1 = np.random.randn(2,1)
    W2 = np.random.randn(3,3)
    b2 = np.random.randn(3,1)
    dW1 = np.random.randn(2,3)
    db1 = np.random.randn(2,1)
    dW2 = np.random.randn(3,3)
    db2 = np.random.randn(3,1)
    return W1, b1, W2, b2, dW1, db1, dW2, db2


def initialize_parameters(layer_dims):
    np.random.seed(3)
    parameters = {}
    L = len(layer_dims) # number of layers in the network
    for l in range(1, L):
        parameters['W' + str(l)] = np.random.randn(layer_dims[l], layer_dims[l-1])*  np.sqrt(2 / layer_dims[l-1])
        parameters['b' + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def compute_cost(a3, Y):
    m = Y.shape[1]
    logprobs = np.multiply(-np.log(a3),Y) + np.multiply(-np.log(1 - a3), 1 - Y)
    cost = 1./m * np.sum(logprobs)
    return cost


def forward_propagation(X, parameters):
    W1 = parameters["W1"]
    b1 = parameters["b1"]
    W2 = parameters["W2"]
    b2 = parameters["b2"]
    W3 = parameters["W3"]
    b3 = parameters["b3"]
    z1 = np.dot(W1, X) + b1
    a1 = relu(z1)
    z2 = np.dot(W2, a1) + b2
    a2 = relu(z2)
    z3 = np.dot(W3, a2) + b3
    a3 = sigmoid(z3)
    cache = (z1, a1, W1, b1, z2, a2, W2, b2, z3, a3, W3, b3)
    return a3, cache


def backward_propagation(X, Y, cache):
    m = X.shape[1]
    (z1, a1, W1, b1, z2, a2, W2, b2, z3, a3, W3, b3) = cache
    dz3 = 1./m * (a3 - Y)
    dW3 = np.dot(dz3, a2.T)
    db3 = np.sum(dz3, axis=1, keepdims = True)
    da2 = np.dot(W3.T, dz3)
    dz2 = np.multiply(da2, np.int64(a2 > 0))
    dW2 = np.dot(dz2, a1.T)
    db2 = np.sum(dz2, axis=1, keepdims = True)
    da1 = np.dot(W2.T, dz2)
    dz1 = np.multiply(da1, np.int64(a1 > 0))
    dW1 = np.dot(dz1, X.T)
    db1 = np.sum(dz1, axis=1, keepdims = True)
    gradients = {"dz3": dz3, "dW3": dW3, "db3": db3,
                 "da2": da2, "dz2": dz2, "dW2": dW2, "db2": db2,
                 "da1": da1, "dz1": dz1, "dW1": dW1, "db1": db1}
    return gradients


def predict(X, y, parameters):
    m = X.shape[1]
    p = np.zeros((1,m), dtype = np.int64)
    a3, caches = forward_propagation(X, parameters)
    for i in range(0, a3.shape[1]):
        if a3[0,i] > 0.5:
            p[0,i] = 1
        else:
            p[0,i] = 0
    print("Accuracy: "  + str(np.mean((p[0,:] == y[0,:]))))
    return p


def predict_dec(parameters, X):
    a3, cache = forward_propagation(X, parameters)
    predictions = (a3 > 0.5)
    return predictions


def plot_decision_boundary(model, X, y):
    x_min, x_max = X[0, :].min() - 1, X[0, :].max() + 1
    y_min, y_max = X[1, :].min() - 1, X[1, :].max() + 1
    h = 0.01
    xx, yy = np.meshgrid(np.arange(x_min, x_max, h), np.arange(y_min, y_max, h))
    Z = model(np.c_[xx.ravel(), yy.ravel()])
    Z = Z.reshape(xx.shape)
    plt.contourf(xx, yy, Z, cmap=plt.cm.Spectral)
    plt.ylabel('x2')
    plt.xlabel('x1')
    plt.scatter(X[0, :], X[1, :], c=y[0], cmap=plt.cm.Spectral)
    plt.show()


def make_moons(n_samples=100, noise=None):
    """sklearn.datasets.make_moons(shuffle=True, random_state=None): numpy's global random state."""
    n_out = n_samples // 2
    n_in = n_samples - n_out
    outer = np.linspace(0, np.pi, n_out)
    inner = np.linspace(0, np.pi, n_in)
    points = np.vstack([np.append(np.cos(outer), 1 - np.cos(inner)),
                        np.append(np.sin(outer), 1 - np.sin(inner) - 0.5)]).T
    labels = np.hstack([np.zeros(n_out, dtype=np.intp), np.ones(n_in, dtype=np.intp)])
    order = np.arange(n_samples)
    np.random.shuffle(order)
    points, labels = points[order], labels[order]
    if noise is not None:
        points = points + np.random.normal(scale=noise, size=points.shape)
    return points, labels


def load_dataset():
    np.random.seed(3)
    train_X, train_Y = make_moons(n_samples=300, noise=.2) #300 #0.2
    plt.scatter(train_X[:, 0], train_X[:, 1], c=train_Y, s=40, cmap=plt.cm.Spectral);
    train_X = train_X.T
    train_Y = train_Y.reshape((1, train_Y.shape[0]))
    return train_X, train_Y
'''


def notebook_module(notebook: dict, knob: str) -> str:
    cells = notebook["cells"]
    parts = [IMPORTS if index == "imports" else "".join(cells[index]["source"]).rstrip() for index in TRAINING_CELLS]
    text = "\n\n".join(parts) + "\n"
    where = "optimization_methods.py"
    text = _common.patch(text, "beta1=0.9, beta2=0.999, epsilon=1e-8, num_epochs=10000, print_cost=True):",
                         f"beta1=0.9, beta2=0.999, epsilon=1e-8, num_epochs={EPOCHS}, print_cost=True):", where)
    # a printed cost every 200 epochs instead of every 1,000 (of 3,000)
    text = _common.patch(text, "if print_cost and i % 1000 == 0:", "if print_cost and i % 200 == 0:", where)
    # the knob: the Adam run's call of model(), which uses model()'s default rate 0.0007 as written
    if LEARNING_RATE[knob] is not None:
        text = _common.patch(text, 'parameters = model(train_X, train_Y, layers_dims, optimizer="adam")',
                             f'parameters = model(train_X, train_Y, layers_dims, optimizer="adam", '
                             f'learning_rate={LEARNING_RATE[knob]})', where)
    return text


def main() -> None:
    args = _common.parse(__doc__)
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, {}, stubs={"opt_utils.py": OPT_UTILS})
    notebook = json.loads(_common.read(REPO, COMMIT, NOTEBOOK))
    with open(os.path.join(src, "optimization_methods.py"), "w", encoding="utf-8") as f:
        f.write(notebook_module(notebook, args.knob))
    os.environ.setdefault("MPLBACKEND", "Agg")  # the cells plot the cost curve and the decision boundary; Agg draws
    os.chdir(src)
    _common.seed(0)
    printed = _common.Tee(sys.stdout)
    with contextlib.redirect_stdout(printed):
        run = _common.load("optimization_methods")  # runs the cells in order, as the notebook does
    lines = printed.kept.getvalue().splitlines()
    costs = [float(line.rsplit(": ", 1)[1]) for line in lines if line.startswith("Cost after epoch")]
    accuracy = [float(line.rsplit(": ", 1)[1]) for line in lines if line.startswith("Accuracy")][-1]
    utils = _common.load("opt_utils")
    with np.errstate(all="ignore"):
        a3, _ = utils.forward_propagation(run.train_X, run.parameters)
        mean_cost = utils.compute_cost(a3, run.train_Y)
    _common.result(project=PROJECT, knob=args.knob, first_printed_cost=costs[0], last_printed_cost=costs[-1],
                   max_printed_cost=max(costs), mean_cost=mean_cost, train_acc=accuracy,
                   finite_weights=all(np.isfinite(w).all() for w in run.parameters.values()))


if __name__ == "__main__":
    main()
