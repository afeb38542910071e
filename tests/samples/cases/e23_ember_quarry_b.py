# GRU cell unrolled over 20 steps, learns the sum of two flagged values plus the last three inputs
import numpy as np

rng = np.random.default_rng(0)
seq_len = 20

def make_set(n):
    vals = rng.uniform(0, 1, (n, seq_len))
    flags = np.zeros((n, seq_len))
    for i in range(n):
        a, b = rng.choice(seq_len, 2, replace=False)
        flags[i, a] = 1
        flags[i, b] = 1
    X = np.stack([vals, flags], axis=2)
    y = (vals * flags).sum(axis=1) + vals[:, -3:].sum(axis=1)
    return X, y

X_train, y_train = make_set(512)
X_test, y_test = make_set(256)

hidden = 16
n_in = 2
params = {}
for g in "zrn":
    params["W" + g] = rng.normal(0, 1 / np.sqrt(n_in), (n_in, hidden))
    params["U" + g] = rng.normal(0, 1 / np.sqrt(hidden), (hidden, hidden))
    params["b" + g] = np.zeros(hidden)
params["V"] = rng.normal(0, 1 / np.sqrt(hidden), (hidden, 1))
params["c"] = np.zeros(1)

def sigmoid(a):
    return 1 / (1 + np.exp(-a))

def forward(X):
    h = np.zeros((len(X), hidden))
    cache = []
    for t in range(X.shape[1]):
        x = X[:, t]
        z = sigmoid(x @ params["Wz"] + h @ params["Uz"] + params["bz"])
        r = sigmoid(x @ params["Wr"] + h @ params["Ur"] + params["br"])
        n = np.tanh(x @ params["Wn"] + (r * h) @ params["Un"] + params["bn"])
        cache.append((x, h, z, r, n))
        h = (1 - z) * n + z * h
    out = (h @ params["V"] + params["c"])[:, 0]
    return out, h, cache

def backward(y, out, h_last, cache):
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    d_out = (2 * (out - y) / len(y))[:, None]
    grads["V"] = h_last.T @ d_out
    grads["c"] = d_out.sum(axis=0)
    dh = d_out @ params["V"].T
    for x, h_prev, z, r, n in reversed(cache):
        dn = dh * (1 - z)
        dz = dh * (h_prev - n)
        dh_prev = dh * z
        da_n = dn * (1 - n ** 2)
        grads["Wn"] += x.T @ da_n
        grads["Un"] += (r * h_prev).T @ da_n
        grads["bn"] += da_n.sum(axis=0)
        d_rh = da_n @ params["Un"].T
        dr = d_rh * h_prev
        dh_prev += d_rh * r
        da_z = dz * z * (1 - z)
        grads["Wz"] += x.T @ da_z
        grads["Uz"] += h_prev.T @ da_z
        grads["bz"] += da_z.sum(axis=0)
        dh_prev += da_z @ params["Uz"].T
        da_r = dr * r * (1 - r)
        grads["Wr"] += x.T @ da_r
        grads["Ur"] += h_prev.T @ da_r
        grads["br"] += da_r.sum(axis=0)
        dh_prev += da_r @ params["Ur"].T
        dh = dh_prev
    return grads

lr = 0.3
batch = 64
losses = []
for epoch in range(100):
    for s in range(0, len(X_train), batch):
        xb, yb = X_train[s:s + batch], y_train[s:s + batch]
        out, h_last, cache = forward(xb)
        grads = backward(yb, out, h_last, cache)
        for k in params:
            params[k] -= lr * grads[k]
    train_loss = np.mean((forward(X_train)[0] - y_train) ** 2)
    losses.append(train_loss)
    if epoch % 20 == 0:
        print(f"epoch {epoch} loss={train_loss:.4f}")

pred = forward(X_test)[0]
r2 = 1 - np.sum((y_test - pred) ** 2) / np.sum((y_test - y_test.mean()) ** 2)
print(f"first_loss={losses[0]:.4f}")
print(f"final_loss={losses[-1]:.4f}")
print(f"r2={r2:.4f}")
