# One-hidden-layer ReLU regressor on a smooth 3-input function, minibatch SGD
import numpy as np

rng = np.random.default_rng(11)

n = 500
X = rng.uniform(-2, 2, size=(n, 3))
y = np.sin(X[:, 0]) + 0.5 * X[:, 1] ** 2 - X[:, 2] + 0.1 * rng.standard_normal(n)
y = y.reshape(-1, 1)

# standardize inputs
X = (X - X.mean(axis=0)) / X.std(axis=0)

hidden = 32
W1 = rng.standard_normal((3, hidden)) * 0.1
b1 = np.full(hidden, -1.0)  # start units off, let the strong ones switch on
W2 = rng.standard_normal((hidden, 1)) * 0.1
b2 = np.zeros(1)

lr = 0.05
batch_size = 25
epochs = 150


def predict(x):
    z = x @ W1 + b1
    h = np.maximum(z, 0)
    return h @ W2 + b2


def mse(X, y):
    # accumulate squared error one row at a time
    total = 0.0
    for i in range(len(X)):
        out = predict(X[i:i + 1])
        total += float((out[0, 0] - y[i, 0]) ** 2)
    return total / len(X)


first_loss = mse(X, y)
for ep in range(epochs):
    order = rng.permutation(n)
    for start in range(0, n, batch_size):
        rows = order[start:start + batch_size]
        xb, yb = X[rows], y[rows]
        z1 = xb @ W1 + b1
        h1 = np.maximum(z1, 0)
        out = h1 @ W2 + b2
        d_out = 2 * (out - yb) / len(rows)
        gW2 = h1.T @ d_out
        gb2 = d_out.sum(axis=0)
        d_h = d_out @ W2.T
        d_z = d_h * (z1 > 0)
        gW1 = xb.T @ d_z
        gb1 = d_z.sum(axis=0)
        W1 -= lr * gW1
        b1 -= lr * gb1
        W2 -= lr * gW2
        b2 -= lr * gb2
    if ep % 30 == 0:
        print(f"epoch {ep}: mse {mse(X, y):.4f}")

final_loss = mse(X, y)
pred = predict(X)
r2 = 1 - np.sum((pred - y) ** 2) / np.sum((y - y.mean()) ** 2)
print(f"first_loss={first_loss:.6f}")
print(f"final_loss={final_loss:.6f}")
print(f"r2={r2:.4f}")
