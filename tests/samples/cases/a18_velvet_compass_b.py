# Small tanh network on two interleaved half-moons, parameters kept in one flat vector
import numpy as np

rng = np.random.default_rng(11)


def make_moons(n, noise=0.15):
    t = rng.uniform(0, np.pi, n)
    top = np.column_stack([np.cos(t), np.sin(t)])
    bottom = np.column_stack([1 - np.cos(t), 0.5 - np.sin(t)])
    X = np.vstack([top, bottom]) + rng.normal(0, noise, (2 * n, 2))
    y = np.concatenate([np.zeros(n), np.ones(n)])
    return X, y


X, y = make_moons(200)
X = (X - X.mean(axis=0)) / X.std(axis=0)

n_in, n_hid = 2, 16
shapes = [(n_in, n_hid), (n_hid,), (n_hid, 1), (1,)]
sizes = [int(np.prod(s)) for s in shapes]


def unpack(theta):
    out, i = [], 0
    for s, k in zip(shapes, sizes):
        out.append(theta[i:i + k].reshape(s))
        i += k
    return out


def loss_and_grad(theta, X, y):
    W1, b1, W2, b2 = unpack(theta)
    m = X.shape[0]
    h = np.tanh(X @ W1 + b1)
    z = (h @ W2 + b2).ravel()
    p = 1 / (1 + np.exp(-z))
    loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

    dz = (p - y) / m
    dW2 = h.T @ dz[:, None]
    db2 = np.array([dz.sum()])
    dh = dz[:, None] @ W2.T
    da = dh * (1 - h ** 2)
    dW1 = X.T @ da
    db1 = da.sum(axis=0)
    grad = np.concatenate([g.ravel() for g in (dW1, db1, dW2, db2)])
    return loss, grad


theta = np.concatenate([
    rng.normal(0, 1 / np.sqrt(n_in), sizes[0]),
    np.zeros(sizes[1]),
    rng.normal(0, 1 / np.sqrt(n_hid), sizes[2]),
    np.zeros(sizes[3]),
])

# finite-difference check on a few coordinates
_, g = loss_and_grad(theta, X[:20], y[:20])
eps = 1e-5
worst = 0.0
for j in rng.choice(theta.size, 8, replace=False):
    tp, tm = theta.copy(), theta.copy()
    tp[j] += eps
    tm[j] -= eps
    num = (loss_and_grad(tp, X[:20], y[:20])[0] - loss_and_grad(tm, X[:20], y[:20])[0]) / (2 * eps)
    rel = abs(num - g[j]) / max(1e-8, abs(num) + abs(g[j]))
    worst = max(worst, rel)
print(f"gradcheck_max_rel_err={worst:.3e}")

lr = 0.5
losses = []
for step in range(1500):
    loss, grad = loss_and_grad(theta, X, y)
    losses.append(loss)
    theta -= lr * grad
    if step % 300 == 0:
        print(f"step {step:4d}  loss={loss:.5f}")

W1, b1, W2, b2 = unpack(theta)
prob = 1 / (1 + np.exp(-(np.tanh(X @ W1 + b1) @ W2 + b2).ravel()))
acc = np.mean((prob > 0.5) == y)
print(f"first_loss={losses[0]:.6g}")
print(f"final_loss={losses[-1]:.6g}")
print(f"accuracy={acc:.4f}")
