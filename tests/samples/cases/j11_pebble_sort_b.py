# logistic regression, stochastic gradient descent one pebble at a time
# features: roundness, weight (standardised); label 1 = river pebble, 0 = quarry chip
import numpy as np

rng = np.random.default_rng(42)


def make_data(n=200):
    y = rng.integers(0, 2, n)
    roundness = rng.normal(0, 1, n) + 1.5 * (2 * y - 1)
    weight = rng.normal(0, 1, n) - 0.8 * (2 * y - 1)
    X = np.column_stack([np.ones(n), roundness, weight])   # first column for the bias
    return X, y


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def log_loss(w, X, y):
    p = sigmoid(X @ w)
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def accuracy(w, X, y):
    return np.mean((sigmoid(X @ w) > 0.5) == y)


def train(X, y, w, lr=0.05, epochs=40):
    for epoch in range(epochs):
        for i in rng.permutation(len(y)):
            p = sigmoid(X[i] @ w)
            for j in range(len(w)):
                w[j] -= lr * (p - y[i]) * X[i, j]
        if epoch % 10 == 0:
            print(f"epoch {epoch}: loss {log_loss(w, X, y):.4f}")
    return w


X, y = make_data()
w = np.array([0.0, 0.0, 0.0])
print(f"first_loss={log_loss(w, X, y):.4f}")
w = train(X, y, w)
print("weights:", w)
print(f"final_loss={log_loss(w, X, y):.4f}")
print(f"accuracy={accuracy(w, X, y):.3f}")
