# 1-D conv net (looped windows + max pooling) that labels pulse shapes in short noisy traces
import numpy as np

rng = np.random.default_rng(42)

L = 32
K = 5
F = 6
POOL = 2
C = 3


def make_traces(n):
    x = rng.normal(0, 0.25, size=(n, L))
    y = rng.integers(0, C, size=n)
    for i in range(n):
        s = rng.integers(2, L - 12)
        if y[i] == 0:
            x[i, s:s + 8] += 1.0                                   # flat pulse
        elif y[i] == 1:
            x[i, s:s + 8] += np.array([0, 0, 0.5, 1.5, 1.5, 0.5, 0, 0])
        else:
            x[i, s:s + 8] += np.array([1, -1, 1, -1, 1, -1, 1, -1]) * 0.8
    return x, y


n = 240
x_tr, y_tr = make_traces(n)
x_te, y_te = make_traces(n)
Y_tr = np.eye(C)[y_tr]

n_conv = L - K + 1
n_pool = n_conv // POOL

Wc = rng.normal(0, np.sqrt(2.0 / K), size=(K, F))
bc = np.zeros(F)
W2 = rng.normal(0, np.sqrt(1.0 / (n_pool * F)), size=(n_pool * F, C))
b2 = np.zeros((n, C))


def forward(x):
    m = len(x)
    z = np.zeros((m, n_conv, F))
    for i in range(n_conv):
        z[:, i, :] = x[:, i:i + K] @ Wc + bc
    a = np.maximum(z, 0)
    pooled = np.zeros((m, n_pool, F))
    where = np.zeros((m, n_pool, F), dtype=int)
    for j in range(n_pool):
        win = a[:, j * POOL:(j + 1) * POOL, :]
        pooled[:, j, :] = win.max(axis=1)
        where[:, j, :] = win.argmax(axis=1)
    feats = pooled.reshape(m, -1)
    logits = feats @ W2 + b2
    logits -= logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    p /= p.sum(axis=1, keepdims=True)
    return z, where, feats, p


lr = 0.3
for epoch in range(200):
    z, where, feats, p = forward(x_tr)
    loss = -np.mean(np.log(p[np.arange(n), y_tr] + 1e-12))
    if epoch == 0:
        print(f"first_loss={loss:.4f}")
    if epoch % 40 == 0:
        acc_tr = np.mean(p.argmax(axis=1) == y_tr)
        print(f"epoch {epoch} loss {loss:.4f} train_acc {acc_tr:.3f}")

    d_logits = p - Y_tr
    dW2 = feats.T @ d_logits / n
    db2 = d_logits
    d_pooled = (d_logits @ W2.T / n).reshape(n, n_pool, F)

    d_a = np.zeros_like(z)
    for j in range(n_pool):
        for k in range(POOL):
            d_a[:, j * POOL + k, :] += d_pooled[:, j, :] * (where[:, j, :] == k)
    d_z = d_a * (z > 0)

    dWc = np.zeros_like(Wc)
    dbc = np.zeros_like(bc)
    for i in range(n_conv):
        dWc += x_tr[:, i:i + K].T @ d_z[:, i, :]
        dbc += d_z[:, i, :].sum(axis=0)

    Wc -= lr * dWc
    bc -= lr * dbc
    W2 -= lr * dW2
    b2 -= lr * db2

print(f"final_loss={loss:.4f}")
_, _, _, p_te = forward(x_te)
acc = np.mean(p_te.argmax(axis=1) == y_te)
print(f"train_accuracy={np.mean(p.argmax(axis=1) == y_tr):.4f}")
print(f"accuracy={acc:.4f}")
