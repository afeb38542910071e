# Two-layer sigmoid network on two interleaved half-moons, shuffled minibatches
import numpy as np

rng = np.random.default_rng(3)
n_half = 300
t = rng.uniform(0, np.pi, n_half)
upper = np.column_stack([np.cos(t), np.sin(t)])
lower = np.column_stack([1 - np.cos(t), 0.5 - np.sin(t)])
X = np.vstack([upper, lower]) + rng.normal(0, 0.12, (2 * n_half, 2))
X = (X - X.mean(axis=0)) / X.std(axis=0)
y = np.concatenate([np.zeros(n_half), np.ones(n_half)]).reshape(-1, 1)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


hidden = 16
W1 = rng.normal(0, 1.0, (2, hidden))
b1 = np.zeros(hidden)
W2 = rng.normal(0, 1.0, (hidden, 1))
b2 = np.zeros(1)
lr = 0.5
epochs = 200
n_batches = 20

first_loss = None
for epoch in range(epochs):
    order = rng.permutation(len(X))
    for idx in np.array_split(order, n_batches):
        xb, yb = X[idx], y[idx]
        z1 = xb @ W1 + b1
        a1 = sigmoid(z1)
        z2 = a1 @ W2 + b2
        out = sigmoid(z2)

        # cross-entropy with sigmoid output -> delta is out - y
        d2 = (out - yb) / len(xb)
        gW2 = a1.T @ d2
        gb2 = d2.sum(axis=0)
        d1 = (d2 @ W2.T) * a1 * (1 - a1)
        gW1 = xb.T @ d1
        gb1 = d1.sum(axis=0)

        W1 -= lr * gW1
        b1 -= lr * gb1
        W2 -= lr * gW2
        b2 -= lr * gb2

    p = sigmoid(sigmoid(X @ W1 + b1) @ W2 + b2)
    p = np.clip(p, 1e-12, 1 - 1e-12)
    loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    if first_loss is None:
        first_loss = loss
    if epoch % 50 == 0:
        print(f"epoch {epoch} loss {loss:.4f}")

acc = np.mean((p > 0.5) == (y > 0.5))
print(f"first_loss={first_loss:.6f}")
print(f"final_loss={loss:.6f}")
print(f"accuracy={acc:.4f}")
