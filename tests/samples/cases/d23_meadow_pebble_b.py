# Small tanh network on two interleaved half-moons, targets are -1 and +1
import numpy as np

rng = np.random.default_rng(3)


def moons(n, noise=0.15):
    t = rng.uniform(0, np.pi, size=n)
    upper = np.stack([np.cos(t), np.sin(t)], axis=1)
    lower = np.stack([1 - np.cos(t), 0.5 - np.sin(t)], axis=1)
    X = np.concatenate([upper, lower]) + rng.normal(0, noise, size=(2 * n, 2))
    y = np.concatenate([np.ones(n), -np.ones(n)])
    return X, y


X, y = moons(200)
X = (X - X.mean(axis=0)) / X.std(axis=0)
y = y.reshape(-1, 1)
n = X.shape[0]

hidden = 16
W1 = rng.normal(0, 1.0 / np.sqrt(2), size=(2, hidden))
b1 = np.zeros(hidden)
W2 = rng.normal(0, 1.0 / np.sqrt(hidden), size=(hidden, 1))
b2 = np.zeros(1)

lr = 0.1
batch = 32
first_loss = None

for epoch in range(300):
    order = rng.permutation(n)
    for start in range(0, n, batch):
        idx = order[start:start + batch]
        xb, yb = X[idx], y[idx]
        m = len(idx)

        # forward
        h = np.tanh(xb @ W1 + b1)
        out = np.tanh(h @ W2 + b2)
        loss = np.mean((out - yb) ** 2)
        if first_loss is None:
            first_loss = loss

        # backward
        d_out = 2 * (out - yb) / m
        d_z2 = d_out * out * (1 - out)
        gW2 = h.T @ d_z2
        gb2 = d_z2.sum(axis=0)
        d_h = d_z2 @ W2.T
        d_z1 = d_h * (1 - h**2)
        gW1 = xb.T @ d_z1
        gb1 = d_z1.sum(axis=0)

        W1 -= lr * gW1
        b1 -= lr * gb1
        W2 -= lr * gW2
        b2 -= lr * gb2

    if epoch % 50 == 0:
        full = np.tanh(np.tanh(X @ W1 + b1) @ W2 + b2)
        print(f"epoch {epoch} loss {np.mean((full - y) ** 2):.4f}")

out = np.tanh(np.tanh(X @ W1 + b1) @ W2 + b2)
pred = np.where(out >= 0, 1, -1)
print(f"first_loss={first_loss:.6f}")
print(f"final_loss={np.mean((out - y) ** 2):.6f}")
print(f"accuracy={np.mean(pred == y):.4f}")
