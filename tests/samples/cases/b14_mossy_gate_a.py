# Linear regression of delivery times, minibatch SGD with the weights in a dict.
"""Predict delivery time (minutes) from distance, number of items and traffic level.
Linear model trained with minibatch SGD, weights kept in a dict."""
import numpy as np


def make_data(n=500, seed=3):
    rng = np.random.default_rng(seed)
    distance = rng.uniform(0.5, 12.0, n)        # km
    items = rng.integers(1, 15, n).astype(float)
    traffic = rng.uniform(0.0, 1.0, n)
    minutes = 18.0 + 2.4 * distance + 0.8 * items + 9.0 * traffic + rng.normal(0, 2.0, n)
    X = np.column_stack([distance, items, traffic])
    return X, minutes


def standardize(X):
    return (X - X.mean(axis=0)) / X.std(axis=0)


def predict(params, X):
    return X @ params["w"]


def mse(params, X, y):
    return np.mean((predict(params, X) - y) ** 2)


def train(X, y, lr=0.05, epochs=40, batch_size=32, seed=0):
    rng = np.random.default_rng(seed)
    n, d = X.shape
    params = {"w": rng.normal(0, 0.01, d)}
    history = [mse(params, X, y)]
    for epoch in range(epochs):
        idx = rng.permutation(n)
        for start in range(0, n, batch_size):
            batch = idx[start:start + batch_size]
            xb, yb = X[batch], y[batch]
            err = predict(params, xb) - yb
            grads = {"w": 2 * xb.T @ err / len(batch)}
            for k in params:
                params[k] -= lr * grads[k]
        history.append(mse(params, X, y))
        if epoch % 10 == 0:
            print(f"epoch {epoch:3d}  mse {history[-1]:.3f}")
    return params, history


if __name__ == "__main__":
    X, y = make_data()
    X = standardize(X)
    params, history = train(X, y)
    print(f"first_loss={history[0]:.4f}")
    print(f"final_loss={history[-1]:.4f}")
    r2 = 1 - history[-1] / np.var(y)
    print(f"r2={r2:.4f}")
