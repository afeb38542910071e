# Linear regression of a plant's growth (cm) on daily water and sunlight, from
# 100 greenhouse measurements; full-batch gradient descent on the mean squared
# error with column-vector weights. Plain functions, np.dot throughout.
# Run: python linreg_shapes_functions.py
import numpy as np


def get_data(n=100, seed=21):
    rng = np.random.RandomState(seed)
    water = rng.uniform(0, 2, n)
    sun = rng.uniform(2, 10, n)
    growth = 1.5 * water + 0.8 * sun + 2.0 + rng.randn(n) * 0.5
    X = np.column_stack([water, sun])
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    return X, growth


def init_params(n_features):
    w = np.zeros((n_features, 1))
    b = 0.0
    return w, b


def forward(X, w, b):
    return np.dot(X, w) + b


def compute_loss(y_pred, y):
    return np.mean((y_pred - y) ** 2)


def backward(X, y_pred, y):
    n = X.shape[0]
    diff = y_pred - y
    dw = 2 * np.dot(X.T, diff) / n
    db = 2 * np.mean(diff)
    return dw, db


def fit(X, y, lr=0.1, epochs=300):
    w, b = init_params(X.shape[1])
    for epoch in range(epochs):
        y_pred = forward(X, w, b)
        loss = compute_loss(y_pred, y)
        dw, db = backward(X, y_pred, y)
        w = w - lr * dw
        b = b - lr * db
        if epoch % 30 == 0:
            print("epoch", epoch, "loss", round(float(loss), 5))
    return w, b


X, y = get_data()
w, b = fit(X, y)
print("variance of y", np.var(y))
print("final loss", compute_loss(forward(X, w, b), y))
