# Small ReLU network separating two noisy point clouds, linear lr warmup then constant lr
import numpy as np

rng = np.random.default_rng(7)

# two classes, 6 features, class 1 shifted along a random direction
n = 800
d = 6
direction = rng.normal(size=d)
direction /= np.linalg.norm(direction)
y = (rng.random(n) < 0.5).astype(float)
X = rng.standard_t(df=3, size=(n, d))
X += np.outer(2.0 * y - 1.0, direction) * 3.5

idx = rng.permutation(n)
train, test = idx[:600], idx[600:]
Xtr, ytr = X[train], y[train]
Xte, yte = X[test], y[test]

hidden = 32
W1 = rng.normal(0, np.sqrt(2.0 / d), size=(d, hidden))
b1 = np.zeros(hidden)
W2 = rng.normal(0, np.sqrt(1.0 / hidden), size=(hidden, 1))
b2 = np.zeros(1)

def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))

def forward(Xb):
    z1 = Xb @ W1 + b1
    h = np.maximum(z1, 0)
    z2 = h @ W2 + b2
    a = sigmoid(z2).ravel()
    return z1, h, a

def bce(a, yb):
    eps = 1e-12
    return -np.mean(yb * np.log(a + eps) + (1 - yb) * np.log(1 - a + eps))

base_lr = 0.3
warmup = 100
steps = 1500
batch = 64

_, _, a0 = forward(Xtr)
first_loss = bce(a0, ytr)
print(f"first_loss={first_loss:.6f}")

for step in range(steps):
    lr = base_lr * min(1.0, (step + 1) / warmup)
    bi = rng.integers(0, len(Xtr), size=batch)
    xb, yb = Xtr[bi], ytr[bi]
    z1, h, a = forward(xb)

    # chain rule: dL/da then through the sigmoid
    da = -(yb / a) + (1 - yb) / (1 - a)
    dz2 = (da * a * (1 - a))[:, None] / batch
    dW2 = h.T @ dz2
    db2 = dz2.sum(axis=0)
    dh = dz2 @ W2.T
    dz1 = dh * (z1 > 0)
    dW1 = xb.T @ dz1
    db1 = dz1.sum(axis=0)

    W1 -= lr * dW1
    b1 -= lr * db1
    W2 -= lr * dW2
    b2 -= lr * db2

    if step % 300 == 0:
        _, _, a_all = forward(Xtr)
        print(f"step {step} lr={lr:.3f} loss={bce(a_all, ytr):.4f}")

_, _, a_tr = forward(Xtr)
final_loss = bce(a_tr, ytr)
_, _, a_te = forward(Xte)
accuracy = np.mean((a_te > 0.5) == (yte > 0.5))
print(f"final_loss={final_loss:.6f}")
print(f"accuracy={accuracy:.4f}")
