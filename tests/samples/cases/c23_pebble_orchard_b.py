# Small tanh network separating an inner disc from an outer ring, trained one sample at a time
import numpy as np

rng = np.random.default_rng(11)


def make_rings(m):
    r = np.concatenate([rng.uniform(0.0, 1.0, m // 2), rng.uniform(1.5, 2.5, m - m // 2)])
    ang = rng.uniform(0, 2 * np.pi, m)
    pts = np.column_stack([r * np.cos(ang), r * np.sin(ang)])
    pts += rng.normal(0, 0.1, pts.shape)
    lab = np.concatenate([np.zeros(m // 2), np.ones(m - m // 2)])
    return pts, lab


X, y = make_rings(300)
X_test, y_test = make_rings(200)

hidden = 12
W1 = np.full((2, hidden), 0.5)
b1 = np.zeros(hidden)
W2 = np.full(hidden, 0.5)
b2 = 0.0
lr = 0.05


def predict(P):
    h = np.tanh(P @ W1 + b1)
    return 1 / (1 + np.exp(-(h @ W2 + b2)))


def bce(P, t):
    p = np.clip(predict(P), 1e-9, 1 - 1e-9)
    return -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))


print(f"first_loss={bce(X, y):.4f}")

for epoch in range(40):
    order = rng.permutation(len(X))
    for i in order:
        x = X[i]
        h = np.tanh(x @ W1 + b1)
        p = 1 / (1 + np.exp(-(h @ W2 + b2)))
        dz = p - y[i]
        dh = dz * W2 * (1 - h ** 2)
        W2 -= lr * dz * h
        b2 -= lr * dz
        W1 -= lr * np.outer(x, dh)
        b1 -= lr * dh
    if epoch % 10 == 0:
        print(f"epoch={epoch} loss={bce(X, y):.4f}")

acc = np.mean((predict(X_test) > 0.5) == y_test)
print(f"final_loss={bce(X, y):.4f}")
print(f"accuracy={acc:.4f}")
