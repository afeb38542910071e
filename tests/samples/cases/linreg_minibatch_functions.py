# Linear regression of house price on three standardized features, trained with
# minibatch gradient descent (nested epoch / batch loops) on the mean squared
# error. Plain functions; the training loop runs under np.errstate so that any
# overflow or invalid operation would stop it immediately.
# Run: python linreg_minibatch_functions.py
import numpy as np


def make_houses(n=512, seed=42):
    rng = np.random.RandomState(seed)
    sqft = rng.uniform(600, 3500, n)
    bedrooms = rng.randint(1, 6, n).astype(float)
    age = rng.uniform(0, 60, n)
    price = 50 + 0.12 * sqft + 8 * bedrooms - 0.9 * age + rng.randn(n) * 15
    X = np.column_stack([sqft, bedrooms, age])
    return X, price


def standardize(X):
    mu = X.mean(axis=0)
    sigma = X.std(axis=0)
    return (X - mu) / sigma, mu, sigma


def predict(X, w, b):
    return X @ w + b


def mse(y_pred, y):
    return np.mean((y_pred - y) ** 2)


def train(X, y, lr=0.05, epochs=40, batch_size=32, seed=0):
    rng = np.random.RandomState(seed)
    n, d = X.shape
    w = np.zeros(d)
    b = 0.0
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        for epoch in range(epochs):
            order = rng.permutation(n)
            for start in range(0, n, batch_size):
                idx = order[start:start + batch_size]
                xb, yb = X[idx], y[idx]
                err = predict(xb, w, b) - yb
                grad_w = 2 * xb.T @ err / len(idx)
                grad_b = 2 * err.mean()
                w -= lr * grad_w
                b -= lr * grad_b
            if epoch % 5 == 0 or epoch == epochs - 1:
                print(f"epoch {epoch:3d} loss {mse(predict(X, w, b), y):.3f}")
    return w, b


X_raw, y = make_houses()
X, mu, sigma = standardize(X_raw)
w, b = train(X, y)
print("weights", w, "bias", b)
print("final loss", mse(predict(X, w, b), y))
