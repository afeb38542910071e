# Linear model on log-scaled daily rental counts at small bike stations, minibatch SGD with float32 arrays
from types import SimpleNamespace

import numpy as np

rng = np.random.default_rng(5)

# features: temperature, rain, weekend flag, hour-of-peak indicator (centred roughly at 0)
n = 2000
temp = rng.normal(0.0, 1.0, size=n)
rain = rng.normal(0.0, 1.0, size=n)
weekend = rng.integers(0, 2, size=n) - 0.5
peak = rng.integers(0, 2, size=n) - 0.5
X = np.column_stack([temp, rain, weekend, peak]).astype(np.float32)

rate = np.exp(1.2 + 0.9 * temp - 0.7 * rain + 0.4 * weekend + 1.0 * peak)
counts = rng.poisson(rate)

# counts are skewed, model them on a log scale
y = np.log1p(counts).astype(np.float32)

params = SimpleNamespace(
    w=np.zeros(X.shape[1], dtype=np.float32),
    b=np.float32(0.0),
)
lr = np.float32(0.05)


def predict(p, X):
    return X @ p.w + p.b


def loss_fn(p, X, y):
    return float(np.mean((predict(p, X) - y) ** 2))


def sgd_step(p, xb, yb):
    err = predict(p, xb) - yb
    p.w -= lr * (xb.T @ err) / np.float32(len(yb))
    p.b -= lr * err.mean()


n_train = 1600
X_tr, y_tr = X[:n_train], y[:n_train]
X_te, y_te = X[n_train:], y[n_train:]

print(f"first_loss={loss_fn(params, X_tr, y_tr):.4f}")
order = np.arange(n_train)
for epoch in range(30):
    rng.shuffle(order)
    for i in range(0, n_train, 64):
        idx = order[i:i + 64]
        sgd_step(params, X_tr[idx], y_tr[idx])
    if epoch % 10 == 0:
        print(f"epoch {epoch:2d} loss {loss_fn(params, X_tr, y_tr):.4f}")

final_loss = loss_fn(params, X_tr, y_tr)
resid = predict(params, X_te) - y_te
r2 = 1.0 - float(np.sum(resid ** 2) / np.sum((y_te - y_te.mean()) ** 2))
print(f"final_loss={final_loss:.4f}")
print(f"r2={r2:.4f}")
print("weights=" + ",".join(f"{v:.3f}" for v in params.w))
