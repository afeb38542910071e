# One-hidden-layer tanh net for monthly rent (in thousands) from flat size, floor, distance to centre and build year, early stopping on validation MSE
import numpy as np

rng = np.random.default_rng(31)

n = 1500
area = rng.uniform(25.0, 140.0, size=n)          # m^2
floor = rng.integers(0, 21, size=n).astype(float)
dist = rng.uniform(200.0, 9000.0, size=n)        # metres
year = rng.integers(1950, 2021, size=n).astype(float)
X_raw = np.column_stack([area, floor, dist, year])
rent = (0.4 + 0.012 * area + 0.01 * floor - 0.00008 * dist + 0.004 * (year - 1950)
        + rng.normal(0.0, 0.08, size=n))
y = rent.astype(np.float32).reshape(-1, 1)

n_train, n_val = 1000, 250
feats = ((X_raw - X_raw[:n_train].mean(axis=0)) / X_raw[:n_train].std(axis=0)).astype(np.float32)
X_tr, y_tr = feats[:n_train], y[:n_train]
X_va, y_va = feats[n_train:n_train + n_val], y[n_train:n_train + n_val]
X_te, y_te = feats[n_train + n_val:], y[n_train + n_val:]

H = 16
W1 = (rng.normal(size=(4, H)) / np.sqrt(4)).astype(np.float32)
b1 = np.zeros(H, dtype=np.float32)
W2 = (rng.normal(size=(H, 1)) / np.sqrt(H)).astype(np.float32)
b2 = np.zeros(1, dtype=np.float32)


def forward(X, W1, b1, W2, b2):
    a = np.tanh(X @ W1 + b1)
    return a, a @ W2 + b2


def mse(pred, target):
    return float(np.mean((pred - target) ** 2))


lr = 0.05
batch = 40
patience = 6
best = (np.inf, W1.copy(), b1.copy(), W2.copy(), b2.copy())
wait = 0

first_loss = mse(forward(X_tr, W1, b1, W2, b2)[1], y_tr)
print(f"first_loss={first_loss:.4f}")

for epoch in range(200):
    perm = rng.permutation(n_train)
    for s in range(0, n_train, batch):
        i = perm[s:s + batch]
        a, out = forward(X_tr[i], W1, b1, W2, b2)
        g_out = 2.0 * (out - y_tr[i]) / len(i)
        g_a = (g_out @ W2.T) * (1.0 - a ** 2)
        W2 -= lr * (a.T @ g_out)
        b2 -= lr * g_out.sum(axis=0)
        W1 -= lr * (X_tr[i].T @ g_a)
        b1 -= lr * g_a.sum(axis=0)
    train_loss = mse(forward(X_tr, W1, b1, W2, b2)[1], y_tr)
    if epoch % 4 == 0:
        val_loss = mse(forward(X_va, W1, b1, W2, b2)[1], y_va)
        print(f"epoch {epoch:3d} train {train_loss:.4f} val {val_loss:.4f}")
        if val_loss < best[0]:
            best = (val_loss, W1.copy(), b1.copy(), W2.copy(), b2.copy())
            wait = 0
        else:
            wait += 1
            if wait >= patience:
                print(f"early stop at epoch {epoch}")
                break

print(f"final_loss={train_loss:.4f}")
best_val, W1, b1, W2, b2 = best
pred = forward(X_te, W1, b1, W2, b2)[1]
r2 = 1.0 - np.sum((pred - y_te) ** 2) / np.sum((y_te - y_te.mean()) ** 2)
print(f"best_val_loss={best_val:.4f}")
print(f"r2={r2:.4f}")
