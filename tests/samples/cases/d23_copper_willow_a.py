# Sigmoid hidden layer classifier on noisy rings, float32, stops when validation loss stalls
import numpy as np

rng = np.random.default_rng(11)

n = 600
radius = np.where(rng.random(n) < 0.5, 1.0, 2.2)
angle = rng.uniform(0, 2 * np.pi, n)
X = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
X += rng.normal(0, 0.25, size=X.shape)
y = (radius > 1.5).astype(np.float32).reshape(-1, 1)
X = X.astype(np.float32)

perm = rng.permutation(n)
train_idx, val_idx = perm[:450], perm[450:]
Xtr, ytr = X[train_idx], y[train_idx]
Xva, yva = X[val_idx], y[val_idx]


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def forward(Xin, W1, b1, W2, b2):
    z1 = Xin @ W1 + b1
    a1 = sigmoid(z1)
    z2 = a1 @ W2 + b2
    p = sigmoid(z2)
    return z1, a1, p


def bce(p, t):
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return float(-np.mean(t * np.log(p) + (1 - t) * np.log(1 - p)))


H = 12
W1 = (rng.normal(0, 1, size=(2, H))).astype(np.float32)
b1 = np.zeros(H, dtype=np.float32)
W2 = (rng.normal(0, 1, size=(H, 1)) / np.sqrt(H)).astype(np.float32)
b2 = np.zeros(1, dtype=np.float32)

lr = np.float32(0.5)
patience = 50
best_val = np.inf
best = None
wait = 0
first_loss = None

for epoch in range(3000):
    z1, a1, p = forward(Xtr, W1, b1, W2, b2)
    loss = bce(p, ytr)
    if first_loss is None:
        first_loss = loss

    m = Xtr.shape[0]
    d_z2 = (p - ytr) / m
    gW2 = a1.T @ d_z2
    gb2 = d_z2.sum(axis=0)
    d_a1 = d_z2 @ W2.T
    d_z1 = d_a1 * z1 * (1 - z1)
    gW1 = Xtr.T @ d_z1
    gb1 = d_z1.sum(axis=0)

    W1 -= lr * gW1
    b1 -= lr * gb1
    W2 -= lr * gW2
    b2 -= lr * gb2

    _, _, pv = forward(Xva, W1, b1, W2, b2)
    val_loss = bce(pv, yva)
    if val_loss < best_val - 1e-5:
        best_val = val_loss
        best = (W1.copy(), b1.copy(), W2.copy(), b2.copy())
        wait = 0
    else:
        wait += 1
        if wait >= patience:
            print(f"stopping at epoch {epoch}")
            break
    if epoch % 250 == 0:
        print(f"epoch {epoch} train {loss:.4f} val {val_loss:.4f}")

W1, b1, W2, b2 = best
_, _, p = forward(Xtr, W1, b1, W2, b2)
_, _, pv = forward(Xva, W1, b1, W2, b2)
print(f"first_loss={first_loss:.6f}")
print(f"final_loss={bce(p, ytr):.6f}")
print(f"val_loss={bce(pv, yva):.6f}")
print(f"accuracy={np.mean((pv > 0.5) == (yva > 0.5)):.4f}")
print(f"dtype={W1.dtype}")
