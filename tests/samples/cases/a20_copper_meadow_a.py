# Two-layer net on noisy concentric rings, full-batch gradient descent with L2 weight decay
import numpy as np

rng = np.random.default_rng(11)


def make_rings(n, noise=0.3):
    half = n // 2
    t = rng.uniform(0, 2 * np.pi, n)
    r = np.concatenate([np.full(half, 1.0), np.full(n - half, 2.0)])
    pts = np.column_stack([r * np.cos(t), r * np.sin(t)])
    pts += rng.normal(0, noise, pts.shape)
    lab = np.concatenate([np.zeros(half), np.ones(n - half)])
    return pts, lab


X, y = make_rings(500)
y = y.reshape(-1, 1)
n, d = X.shape
hidden = 16

W1 = rng.normal(0, 1.0 / np.sqrt(d), (d, hidden))
b1 = np.zeros(hidden)
W2 = rng.normal(0, 1.0 / np.sqrt(hidden), (hidden, 1))
b2 = np.zeros(1)

lr = 0.5
lam = 1e-4
steps = 1500
losses = []

for step in range(steps):
    # forward
    h = np.tanh(X @ W1 + b1)
    z2 = h @ W2 + b2
    out = 1.0 / (1.0 + np.exp(-z2))

    data_loss = -np.mean(y * np.log(out) + (1 - y) * np.log(1 - out))
    reg = 0.5 * lam * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    losses.append(data_loss + reg)

    # backward
    dz2 = (out - y) / n
    dW2 = h.T @ dz2 + lam * W2
    db2 = dz2.sum(axis=0)
    dh = dz2 @ W2.T * (1 - h ** 2)
    dW1 = X.T @ dh + lam * W1
    db1 = dh.sum(axis=0)

    W1 -= lr * dW1
    b1 -= lr * db1
    W2 -= lr * dW2
    b2 -= lr * db2

    if step % 300 == 0:
        print(f"step {step} loss {losses[-1]:.4f}")

h = np.tanh(X @ W1 + b1)
out = 1.0 / (1.0 + np.exp(-(h @ W2 + b2)))
acc = np.mean((out > 0.5) == (y > 0.5))
print(f"first_loss={losses[0]:.4f}")
print(f"final_loss={losses[-1]:.4f}")
print(f"accuracy={acc:.4f}")
