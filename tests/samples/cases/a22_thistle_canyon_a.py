# Logistic regression sorting ripe from unripe fruit using two colour-sensor readings
import numpy as np

rng = np.random.default_rng(5)
n_each = 150
unripe = rng.normal([1.2, 1.0], 0.45, size=(n_each, 2))
ripe = rng.normal([2.9, 3.1], 0.45, size=(n_each, 2))
X = np.vstack([unripe, ripe])
y = np.concatenate([np.zeros(n_each), np.ones(n_each)])
idx = rng.permutation(len(y))
X, y = X[idx], y[idx]
X_tr, y_tr, X_te, y_te = X[:220], y[:220], X[220:], y[220:]

params = {"w": np.zeros(2)}


def logits(params, X):
    return X @ params["w"]


def nll(params, X, y):
    z = logits(params, X)
    # log(1 + e^z) - y*z written with logaddexp
    return float(np.mean(np.logaddexp(0.0, z) - y * z))


lr = 0.2
first_loss = nll(params, X_tr, y_tr)
for it in range(500):
    z = logits(params, X_tr)
    p = 1.0 / (1.0 + np.exp(-z))
    diff = p - y_tr
    grads = {"w": X_tr.T @ diff / len(y_tr)}
    for key in params:
        params[key] = params[key] - lr * grads[key]
    if it % 100 == 0:
        print(f"iter {it} loss {nll(params, X_tr, y_tr):.4f}")

final_loss = nll(params, X_tr, y_tr)
accuracy = np.mean((logits(params, X_te) > 0) == (y_te == 1))
print(f"first_loss={first_loss:.6f}")
print(f"final_loss={final_loss:.6f}")
print(f"accuracy={accuracy:.4f}")
