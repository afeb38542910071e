# Sensor traces (batch, time, channel): shared per-step tanh layer, mean over time, binary drift detector
import numpy as np

rng = np.random.default_rng(3)

N, T, D, H = 400, 20, 3, 8
t = np.linspace(0, 1, T)

labels = rng.integers(0, 2, N).astype(float)
slope = np.where(labels == 1, 1.0, -1.0) * rng.uniform(0.3, 1.2, N)
traces = np.empty((N, T, D))
traces[:, :, 0] = slope[:, None] * t[None, :] + rng.normal(0, 0.4, (N, T))
traces[:, :, 1] = np.sin(2 * np.pi * (t[None, :] * rng.uniform(1, 3, (N, 1)))) + rng.normal(0, 0.3, (N, T))
traces[:, :, 2] = rng.normal(0, 1.0, (N, T))

X_tr, y_tr = traces[:300], labels[:300]
X_te, y_te = traces[300:], labels[300:]

W = rng.normal(0, 0.5, (D, H))
U = rng.normal(0, 0.5, (T, H))
b = np.zeros(H)
v = rng.normal(0, 0.5, H)
c = 0.0


def forward(X):
    pre = np.einsum("ntd,dh->nth", X, W) + U[None] + b
    hid = np.tanh(pre)
    pooled = hid.mean(axis=1)
    z = pooled @ v + c
    out = np.tanh(z)
    return hid, pooled, out


lr = 1.0
losses = []
for epoch in range(300):
    hid, pooled, out = forward(X_tr)
    loss = -np.mean(y_tr * np.log(out) + (1 - y_tr) * np.log(1 - out))
    losses.append(loss)

    dz = (out - y_tr) / len(y_tr)
    dv = pooled.T @ dz
    dc = dz.sum()
    dhid = np.repeat(np.outer(dz, v)[:, None, :], T, axis=1) / T
    dpre = dhid * (1 - hid ** 2)
    dW = np.einsum("ntd,nth->dh", X_tr, dpre)
    dU = dpre.sum(axis=0)
    db = dpre.sum(axis=(0, 1))

    W -= lr * dW
    U -= lr * dU
    b -= lr * db
    v -= lr * dv
    c -= lr * dc
    if epoch % 50 == 0:
        print(f"epoch {epoch:3d}  loss={loss:.5f}")

_, _, out_te = forward(X_te)
acc = np.mean((out_te > 0.5) == y_te)
print(f"first_loss={losses[0]:.6g}")
print(f"final_loss={losses[-1]:.6g}")
print(f"accuracy={acc:.4f}")
