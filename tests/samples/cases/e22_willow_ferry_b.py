# Matrix factorisation of a sparse user-item rating table, full-batch gradient descent on observed pairs
import numpy as np

rng = np.random.default_rng(11)

n_users, n_items, rank = 60, 45, 3
true_U = rng.normal(0, 1, size=(n_users, rank))
true_V = rng.normal(0, 1, size=(n_items, rank))
full = true_U @ true_V.T + 0.1 * rng.normal(size=(n_users, n_items))

# keep about a third of the entries as observed (user, item) pairs
mask = rng.random((n_users, n_items)) < 0.35
rows, cols = np.nonzero(mask)
vals = full[rows, cols]
perm = rng.permutation(len(vals))
n_hold = len(vals) // 5
hold, tr = perm[:n_hold], perm[n_hold:]
ui, ii, r = rows[tr], cols[tr], vals[tr]
ui_h, ii_h, r_h = rows[hold], cols[hold], vals[hold]
print("observed pairs", len(r), "held out", len(r_h))

k = 3
lr = 0.05
reg = 0.01
tol = 1e-6
U = 0.3 * rng.normal(size=(n_users, k))
V = 0.3 * rng.normal(size=(n_items, k))

def mse(U, V, a, b, t):
    pred = np.sum(U[a] * V[b], axis=1)
    return np.mean((pred - t) ** 2)

first_loss = mse(U, V, ui, ii, r)
for epoch in range(1500):
    U_prev = U.copy()
    pred = np.sum(U[ui] * V[ii], axis=1)
    err = pred - r
    gU = np.zeros_like(U)
    gV = np.zeros_like(V)
    np.add.at(gU, ui, err[:, None] * V[ii])
    np.add.at(gV, ii, err[:, None] * U[ui])
    # per-row averaging so busy users do not dominate
    gU = gU / np.maximum(np.bincount(ui, minlength=n_users), 1)[:, None] + reg * U
    gV = gV / np.maximum(np.bincount(ii, minlength=n_items), 1)[:, None] + reg * V
    U -= lr * gU
    V -= lr * gV
    step = np.abs(U - U_prev).max()
    if epoch % 300 == 0:
        print(f"epoch {epoch} train_mse {mse(U, V, ui, ii, r):.4f} step {step:.2e}")
    if step < tol:
        print(f"stopped at epoch {epoch}")
        break

final_loss = mse(U, V, ui, ii, r)
test_mse = mse(U, V, ui_h, ii_h, r_h)
r2 = 1 - test_mse / np.var(r_h)
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={final_loss:.4f}")
print(f"test_mse={test_mse:.4f}")
print(f"r2={r2:.4f}")
