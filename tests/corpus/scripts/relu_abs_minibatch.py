import numpy as np

rng = np.random.default_rng(20)
n = 512
X = rng.uniform(-3, 3, (n, 1))
y = np.abs(X) - 1.0 + 0.05 * rng.standard_normal((n, 1))


def relu(z):
    return np.maximum(z, 0)


def relu_backward(dout, z):
    return dout * (z > 0)


W1 = rng.standard_normal((1, 32)) * 1.0
b1 = rng.uniform(-1, 1, 32)
W2 = rng.standard_normal((32, 1)) * 0.2
b2 = np.zeros(1)
lr = 0.02
batch = 64

first_loss = float(np.mean((relu(X @ W1 + b1) @ W2 + b2 - y) ** 2))
for epoch in range(200):
    perm = rng.permutation(n)
    for s in range(0, n, batch):
        idx = perm[s:s + batch]
        xb, yb = X[idx], y[idx]
        z1 = xb @ W1 + b1
        h = relu(z1)
        out = h @ W2 + b2
        dout = 2 * (out - yb) / len(idx)
        dW2 = h.T @ dout
        db2 = dout.sum(0)
        dz1 = relu_backward(dout @ W2.T, z1)
        dW1 = xb.T @ dz1
        db1 = dz1.sum(0)
        W1 -= lr * dW1
        b1 -= lr * db1
        W2 -= lr * dW2
        b2 -= lr * db2

final_loss = float(np.mean((relu(X @ W1 + b1) @ W2 + b2 - y) ** 2))
print(f"first_loss={first_loss}")
print(f"final_loss={final_loss}")
