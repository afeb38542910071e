# Vanilla RNN reading short noisy waves and predicting the next sample, backprop through time
import numpy as np

rng = np.random.default_rng(11)

T = 20
n_seq = 400
hidden = 24


def make_waves(n):
    freq = rng.uniform(0.15, 0.45, size=(n, 1))
    phase = rng.uniform(0, 2 * np.pi, size=(n, 1))
    t = np.arange(T + 1)[None, :]
    w = np.sin(freq * t + phase) + rng.normal(0, 0.05, size=(n, T + 1))
    return w[:, :T, None], w[:, T:T + 1]


X, y = make_waves(n_seq)
X_val, y_val = make_waves(100)
print("inputs", X.shape, "targets", y.shape)

Wx = rng.normal(0, 1.0, (1, hidden)) * 0.5
Wh = rng.normal(0, 1.0, (hidden, hidden)) * np.sqrt(1.0 / hidden)
bh = np.zeros(hidden)
Wy = rng.normal(0, 1.0, (hidden, 1)) * np.sqrt(1.0 / hidden)
by = np.zeros(1)


def forward(xs):
    n = xs.shape[0]
    h = np.zeros((n, hidden))
    hs = [h]
    for t in range(T):
        h = np.tanh(xs[:, t, :] @ Wx + h @ Wh + bh)
        hs.append(h)
    out = h @ Wy + by
    return out, hs


lr = 0.02
batch = 40
out0, _ = forward(X)
first_loss = np.mean((out0 - y) ** 2)

for epoch in range(60):
    perm = rng.permutation(n_seq)
    for s in range(0, n_seq, batch):
        idx = perm[s:s + batch]
        xb, yb = X[idx], y[idx]
        out, hs = forward(xb)
        d_out = 2 * (out - yb) / len(idx)
        dWy = hs[-1].T @ d_out
        dby = d_out.sum(axis=0)
        dh = d_out @ Wy.T
        dWx = np.zeros_like(Wx)
        dWh = np.zeros_like(Wh)
        dbh = np.zeros_like(bh)
        for t in reversed(range(T)):
            dz = dh * (1 - hs[t + 1] ** 2)
            dWx += xb[:, t, :].T @ dz
            dWh += hs[t].T @ dz
            dbh += dz.sum(axis=0)
            dh = dz @ Wh.T
        Wx -= lr * dWx
        Wh -= lr * dWh
        bh -= lr * dbh
        Wy -= lr * dWy
        by -= lr * dby
    if epoch % 10 == 0:
        out, _ = forward(X)
        print(f"epoch {epoch:2d} mse {np.mean((out - y) ** 2):.4f}")

out, _ = forward(X)
final_loss = np.mean((out - y) ** 2)
pred_val, _ = forward(X_val)
r2 = 1 - np.sum((pred_val - y_val) ** 2) / np.sum((y_val - y_val.mean()) ** 2)
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={final_loss:.4f}")
print(f"r2={r2:.4f}")
