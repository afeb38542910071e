# Two-layer ReLU net on 2-D points split by a wavy boundary, all weights packed in one vector, full-batch GD
import numpy as np

rng = np.random.default_rng(7)

# points in a square, label = which side of a wavy curve they are on
n = 400
pts = rng.uniform(-6, 6, (3 * n, 2))
side = pts[:, 0] - 2.0 * np.sin(pts[:, 1] / 1.5)
away = np.abs(side) > 0.3  # leave a small gap around the curve
X = pts[away][:n]
y = (side[away][:n] > 0).astype(float)

n_in, n_hid = 2, 24
sizes = [(n_in, n_hid), (n_hid,), (n_hid, 1), (1,)]
total = sum(int(np.prod(s)) for s in sizes)
theta = rng.normal(0, 0.2, total)


def unpack(vec):
    parts = []
    start = 0
    for s in sizes:
        k = int(np.prod(s))
        parts.append(vec[start:start + k].reshape(s))
        start += k
    return parts


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


lr = 0.5
steps = 3000
first_loss = None
for step in range(steps):
    W1, b1, W2, b2 = unpack(theta)
    a = X @ W1 + b1
    h = np.maximum(a, 0)
    z = (h @ W2 + b2).ravel()
    p = sigmoid(z)
    loss = np.mean(np.logaddexp(0, z) - y * z)
    if first_loss is None:
        first_loss = loss

    # chain rule through sigmoid and cross-entropy together
    dz = (p - y) / n

    grad = np.zeros_like(theta)
    gW1, gb1, gW2, gb2 = unpack(grad)
    gW2[:] = h.T @ dz[:, None]
    gb2[:] = dz.sum()
    dh = dz[:, None] @ W2.T * (a > 0)
    gW1[:] = X.T @ dh
    gb1[:] = dh.sum(axis=0)
    theta -= lr * grad

    if step % 500 == 0:
        print(f"step {step} loss {loss:.4f} max_logit {np.abs(z).max():.1f}")

W1, b1, W2, b2 = unpack(theta)
p = sigmoid((np.maximum(X @ W1 + b1, 0) @ W2 + b2).ravel())
acc = np.mean((p > 0.5) == (y == 1))
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={loss:.4f}")
print(f"accuracy={acc:.3f}")
