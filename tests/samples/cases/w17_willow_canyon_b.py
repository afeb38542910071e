# Two-layer net on two interleaving half-moons, full-batch gradient descent until the weights settle
import numpy as np

rng = np.random.default_rng(21)

n = 200
t = rng.uniform(0, np.pi, n)
upper = np.stack([np.cos(t), np.sin(t)], axis=1)
lower = np.stack([1 - np.cos(t), 0.5 - np.sin(t)], axis=1)
X = np.vstack([upper, lower]) + rng.normal(0, 0.12, (2 * n, 2))
y = np.concatenate([np.zeros(n), np.ones(n)])[:, None]
X = (X - X.mean(axis=0)) / X.std(axis=0)

params = {
    'W1': rng.normal(0, 1.0, (2, 20)),
    'b1': np.zeros(20),
    'W2': rng.normal(0, 0.1, (20, 1)),
    'b2': np.zeros(1),
}


def forward(X):
    h = np.tanh(X @ params['W1'] + params['b1'])
    p = 1 / (1 + np.exp(-(h @ params['W2'] + params['b2'])))
    return h, p


def log_loss(p):
    return -np.mean(y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12))


lr = 0.3
tol = 3e-4
first_loss = log_loss(forward(X)[1])
for it in range(5000):
    h, p = forward(X)
    d_out = (p - y) / len(X)
    d_hid = (d_out @ params['W2'].T) * (1 - h ** 2)
    grads = {
        'W2': h.T @ d_out,
        'b2': d_out.sum(axis=0),
        'W1': X.T @ d_hid,
        'b1': d_hid.sum(axis=0),
    }
    before = dict(params)
    for k in params:
        params[k] -= lr * grads[k]
    change = max(np.max(np.abs(params[k] - before[k])) for k in params)
    if it % 500 == 0:
        print(f"iter {it} loss {log_loss(p):.4f} change {change:.2e}")
    if change < tol:
        print(f"weights settled after {it + 1} iterations")
        break

h, p = forward(X)
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={log_loss(p):.4f}")
print(f"accuracy={np.mean((p > 0.5) == (y > 0.5)):.4f}")
