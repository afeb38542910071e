# One-hidden-layer ReLU regressor on a synthetic five-feature dataset, SGD with momentum
import numpy as np

rng = np.random.default_rng(5)

n, d, h = 800, 5, 32
X = rng.normal(size=(n, d))
true_w = np.array([1.2, -0.7, 0.0, 2.0, 0.4])
y = X @ true_w + 0.8 * np.sin(2 * X[:, 0]) * X[:, 3] + rng.normal(0, 0.1, n)
y = y[:, None]

X_tr, y_tr = X[:640], y[:640]
X_te, y_te = X[640:], y[640:]

params = {
    "W1": rng.normal(0, np.sqrt(2.0 / d), (d, h)),
    "b1": np.zeros(h),
    "W2": rng.normal(0, np.sqrt(1.0 / h), (h, 1)),
    "b2": np.zeros(1),
}
vel = {k: np.zeros_like(v) for k, v in params.items()}

lr = 0.01
beta = 0.9
epochs = 40
batch_size = 64


def predict(p, x):
    a = np.maximum(x @ p["W1"] + p["b1"], 0)
    return a @ p["W2"] + p["b2"]


def grads_for(p, x, t):
    z = x @ p["W1"] + p["b1"]
    a = np.maximum(z, 0)
    out = a @ p["W2"] + p["b2"]
    d_out = 2 * (out - t) / len(x)
    g = {}
    g["W2"] = a.T @ d_out
    g["b2"] = d_out.sum(axis=0)
    d_z = (d_out @ p["W2"].T) * (z > 0)
    g["W1"] = x.T @ d_z
    g["b1"] = d_z.sum(axis=0)
    return g


first_loss = np.mean((predict(params, X_tr) - y_tr) ** 2)
for epoch in range(epochs):
    order = rng.permutation(len(X_tr))
    for i in range(0, len(X_tr), batch_size):
        idx = order[i:i + batch_size]
        g = grads_for(params, X_tr[idx], y_tr[idx])
        for k in params:
            vel[k] = beta * vel[k] - 0.3 * g[k]
            params[k] += vel[k]
    if epoch % 5 == 0:
        train_mse = np.mean((predict(params, X_tr) - y_tr) ** 2)
        print(f"epoch {epoch:2d}  train mse {train_mse:.4f}")

final_loss = np.mean((predict(params, X_tr) - y_tr) ** 2)
pred = predict(params, X_te)
r2 = 1 - np.sum((pred - y_te) ** 2) / np.sum((y_te - y_te.mean()) ** 2)
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={final_loss:.4f}")
print(f"r2={r2:.4f}")
