# Two-layer tanh classifier on two interleaved rings, full-batch gradient descent with a one-off gradient check
import numpy as np

rng = np.random.default_rng(3)

def make_rings(n):
    t = rng.uniform(0, 2 * np.pi, n)
    label = rng.integers(0, 2, n)
    radius = np.where(label == 1, 2.0, 1.0) + rng.normal(0, 0.15, n)
    pts = np.column_stack([radius * np.cos(t), radius * np.sin(t)])
    return pts, label.astype(float)

X, y = make_rings(500)
X = (X - X.mean(0)) / X.std(0)

hidden = 10
W1 = rng.normal(0, 0.8, (2, hidden))
b1 = np.zeros(hidden)
W2 = rng.normal(0, 0.8, (hidden, 1))
b2 = np.zeros(1)

def forward(params, X):
    W1, b1, W2, b2 = params
    h = np.tanh(X @ W1 + b1)
    logits = (h @ W2 + b2).ravel()
    p = 1 / (1 + np.exp(-logits))
    return h, p

def loss_fn(params, X, y):
    _, p = forward(params, X)
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

def grads(params, X, y):
    W1, b1, W2, b2 = params
    h, p = forward(params, X)
    dlog = (p - y)[:, None] / len(y)
    gW2 = h.T @ dlog
    gb2 = dlog.sum(0)
    dh = (dlog @ W2.T) * (1 - h * h)
    gW1 = X.T @ dh
    gb1 = dh.sum(0)
    return [gW1, gb1, gW2, gb2]

params = [W1, b1, W2, b2]

# compare analytic gradient with central differences on a few samples
Xs, ys = X[:20], y[:20]
analytic = grads(params, Xs, ys)
eps = 1e-6
worst = 0.0
for P, G in zip(params, analytic):
    it = np.nditer(P, flags=["multi_index"])
    for _ in it:
        ix = it.multi_index
        old = P[ix]
        P[ix] = old + eps
        lp = loss_fn(params, Xs, ys)
        P[ix] = old - eps
        lm = loss_fn(params, Xs, ys)
        P[ix] = old
        num = (lp - lm) / (2 * eps)
        rel = abs(num - G[ix]) / max(1e-8, abs(num) + abs(G[ix]))
        worst = max(worst, rel)
print(f"grad_check_max_rel_err={worst:.2e}")

lr = 0.5
first = loss_fn(params, X, y)
for step in range(1500):
    g = grads(params, X, y)
    for P, G in zip(params, g):
        P -= lr * G
    if step % 300 == 0:
        print(f"step {step} loss={loss_fn(params, X, y):.4f}")

final = loss_fn(params, X, y)
_, p = forward(params, X)
acc = np.mean((p > 0.5) == (y == 1))
print(f"first_loss={first:.6f}")
print(f"final_loss={final:.6f}")
print(f"accuracy={acc:.4f}")
