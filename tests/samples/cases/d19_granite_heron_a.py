# Five-hidden-layer tanh classifier for ring-shaped clusters, shuffled minibatch SGD
import numpy as np

rng = np.random.default_rng(31)
n = 600
radius = np.where(rng.random(n) < 0.5, 1.0, 2.2)
angle = rng.uniform(0.0, 2.0 * np.pi, n)
X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
X += rng.normal(0.0, 0.2, X.shape)
y = (radius > 1.5).astype(float).reshape(-1, 1)

dims = [2, 32, 32, 32, 32, 32, 1]
Ws, bs = [], []
for d_in, d_out in zip(dims[:-1], dims[1:]):
    Ws.append(rng.normal(0.0, 0.01, (d_in, d_out)))
    bs.append(np.zeros(d_out))


def minibatches(X, y, batch_size):
    order = rng.permutation(len(X))
    for k in range(0, len(X), batch_size):
        sel = order[k:k + batch_size]
        yield X[sel], y[sel]


def run(x):
    hs = [x]
    for W, b in zip(Ws[:-1], bs[:-1]):
        hs.append(np.tanh(hs[-1] @ W + b))
    logits = hs[-1] @ Ws[-1] + bs[-1]
    return hs, 1.0 / (1.0 + np.exp(-logits))


def bce(p, t):
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return float(-np.mean(t * np.log(p) + (1 - t) * np.log(1 - p)))


lr = 0.1
print(f"first_loss={bce(run(X)[1], y):.4f}")
for epoch in range(60):
    for xb, yb in minibatches(X, y, 32):
        hs, p = run(xb)
        g = (p - yb) / len(xb)
        for layer in range(len(Ws) - 1, -1, -1):
            gW = hs[layer].T @ g
            gb = g.sum(axis=0)
            if layer > 0:
                g = (g @ Ws[layer].T) * (1.0 - hs[layer] ** 2)
            Ws[layer] -= lr * gW
            bs[layer] -= lr * gb
    if epoch % 15 == 0:
        print(f"epoch {epoch} loss {bce(run(X)[1], y):.4f}")

p = run(X)[1]
print(f"final_loss={bce(p, y):.4f}")
print(f"accuracy={np.mean((p > 0.5) == y):.4f}")
