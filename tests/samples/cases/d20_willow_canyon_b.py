# Linear model predicting three weather readings (temp, humidity, pressure) from five station inputs, minibatch SGD
import numpy as np

rng = np.random.default_rng(11)

n, d = 900, 5
inputs = rng.normal(loc=[3.0, -1.0, 0.5, 10.0, 2.0], scale=[1.0, 2.0, 0.5, 3.0, 1.5], size=(n, d))
true_W = rng.normal(size=(d, 3))
targets = inputs @ true_W + np.array([18.0, 55.0, -12.0]) + rng.normal(scale=0.8, size=(n, 3))

order = rng.permutation(n)
tr_idx, va_idx, te_idx = order[:600], order[600:750], order[750:]

x_mean = inputs[tr_idx].mean(axis=0)
x_std = inputs[tr_idx].std(axis=0)
X = np.column_stack([(inputs - x_mean) / x_std, np.ones(n)])
Y = targets

X_tr, Y_tr = X[tr_idx], Y[tr_idx]
X_va, Y_va = X[va_idx], Y[va_idx]
X_te, Y_te = X[te_idx], Y[te_idx]

W = rng.normal(scale=0.1, size=(X.shape[1], 3))
lr = 0.02
batch = 32


def predict(A):
    return A @ W


def mse(A, T):
    return np.mean(np.sum((predict(A) - T) ** 2, axis=1))


print(f"first_loss={mse(X_tr, Y_tr):.4f}")
for epoch in range(40):
    perm = rng.permutation(len(X_tr))
    for start in range(0, len(perm), batch):
        rows = perm[start:start + batch]
        xb, yb = X_tr[rows], Y_tr[rows]
        resid = predict(xb) - yb
        gW = 2 * xb.T @ resid / len(rows)
        W -= lr * gW
    if epoch % 10 == 0:
        print(f"epoch {epoch}: train {mse(X_tr, Y_tr):.4f} val {mse(X_va, Y_va):.4f}")

P = predict(X_te)
r2 = 1 - np.sum((Y_te - P) ** 2) / np.sum((Y_te - Y_tr.mean(axis=0)) ** 2)
print(f"final_loss={mse(X_tr, Y_tr):.4f}")
print(f"val_loss={mse(X_va, Y_va):.4f}")
print(f"r2={r2:.4f}")
