import numpy as np

rng = np.random.default_rng(30)


def sigmoid(z):
    return 0.5 * (1 + np.tanh(0.5 * z))


# two well separated groups of sensor profiles (20 readings each), kept in float32 like the device sends them
n, d = 1000, 20
labels = rng.integers(0, 2, n)
X = (rng.standard_normal((n, d)) + np.where(labels[:, None] == 1, 3.0, -3.0)).astype(np.float32)
y = labels.astype(np.float32)

w = np.zeros(d, dtype=np.float32)
b = np.float32(0.0)
lr = np.float32(1.0)


def loss(X, y):
    z = X @ w + b
    return float(np.mean(np.logaddexp(0, z) - y * z))


first = loss(X, y)
for epoch in range(200):
    p = sigmoid(X @ w + b)
    w -= lr * X.T @ (p - y) / n
    b -= lr * np.mean(p - y)

p = sigmoid(X @ w + b)
print("max |z|", float(np.abs(X @ w + b).max()))
print(f"first_loss={first}")
print(f"final_loss={loss(X, y)}")
print(f"accuracy={np.mean((p > 0.5) == (y == 1))}")
