# Tanh hidden layer with sigmoid output on two interleaved half-moons, minibatch gradient descent
import numpy as np

rng = np.random.default_rng(11)


def make_moons(n, noise):
    t = rng.uniform(0, np.pi, n)
    top = np.c_[np.cos(t), np.sin(t)]
    bottom = np.c_[1 - np.cos(t), 0.5 - np.sin(t)]
    X = np.vstack([top, bottom]) + rng.normal(0, noise, (2 * n, 2))
    y = np.r_[np.zeros(n, dtype=int), np.ones(n, dtype=int)]
    return X, y


X, y = make_moons(300, 0.15)
mu, sd = X.mean(axis=0), X.std(axis=0)
X = (X - mu) / sd
X_val, y_val = make_moons(300, 0.15)
X_val = (X_val - mu) / sd


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def init_params(n_in, n_hidden):
    W1 = rng.normal(0, 1 / np.sqrt(n_in), (n_in, n_hidden))
    b1 = np.zeros(n_hidden)
    w2 = rng.normal(0, 1 / np.sqrt(n_hidden), n_hidden)
    b2 = 0.0
    return W1, b1, w2, b2


def predict(W1, b1, w2, b2, X):
    a = np.tanh(X @ W1 + b1)
    return a, sigmoid(a @ w2 + b2)


def bce(p, y):
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def train_step(W1, b1, w2, b2, xb, yb, lr):
    a, p = predict(W1, b1, w2, b2, xb)
    m = len(yb)
    dz2 = (p - yb) / m
    dw2 = a.T @ dz2
    db2 = dz2.sum()
    da = np.outer(dz2, w2)
    dz1 = da * (1 - a)
    dW1 = xb.T @ dz1
    db1 = dz1.sum(axis=0)
    W1 = W1 - lr * dW1
    b1 = b1 - lr * db1
    w2 = w2 - lr * dw2
    b2 = b2 - lr * db2
    return W1, b1, w2, b2


W1, b1, w2, b2 = init_params(2, 16)
_, p = predict(W1, b1, w2, b2, X)
print("first_loss=%.6f" % bce(p, y))

lr = 0.3
for epoch in range(300):
    order = rng.permutation(len(y))
    for k in range(0, len(y), 50):
        bi = order[k:k + 50]
        W1, b1, w2, b2 = train_step(W1, b1, w2, b2, X[bi], y[bi], lr)
    if epoch % 50 == 0:
        _, p = predict(W1, b1, w2, b2, X)
        print(f"epoch {epoch}: loss {bce(p, y):.4f}")

_, p = predict(W1, b1, w2, b2, X)
print("final_loss=%.6f" % bce(p, y))
_, p_val = predict(W1, b1, w2, b2, X_val)
print("accuracy=%.4f" % np.mean((p_val > 0.5) == y_val))
