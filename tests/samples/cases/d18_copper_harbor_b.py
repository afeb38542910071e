# Two-hidden-layer ReLU regressor on a bumpy 3-feature surface, layers stored as a list of dicts
import numpy as np

rng = np.random.default_rng(2024)

n = 800
X = rng.uniform(-2, 2, size=(n, 3))
y = np.sin(1.5 * X[:, 0]) + 0.5 * X[:, 1] ** 2 - 0.8 * X[:, 2] + rng.normal(0, 0.1, n)
y = y.reshape(-1, 1)

X = (X - X.mean(axis=0)) / X.std(axis=0)
y_mean, y_std = y.mean(), y.std()
y = (y - y_mean) / y_std

split = 600
X_tr, y_tr = X[:split], y[:split]
X_te, y_te = X[split:], y[split:]

sizes = [3, 48, 48, 1]
layers = []
for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
    layers.append({
        "W": rng.normal(0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out)),
        "b": np.zeros(fan_out),
    })


def forward(x):
    acts = [x]
    pre = []
    a = x
    for i, layer in enumerate(layers):
        z = a @ layer["W"] + layer["b"]
        pre.append(z)
        a = z if i == len(layers) - 1 else np.maximum(z, 0)
        acts.append(a)
    return pre, acts


def mse(pred, target):
    return float(np.mean((pred - target) ** 2))


lr = 0.05
batch = 50
for epoch in range(150):
    order = rng.permutation(split)
    for start in range(0, split, batch):
        idx = order[start:start + batch]
        xb, yb = X_tr[idx], y_tr[idx]
        pre, acts = forward(xb)
        grad = 2 * (acts[-1] - yb) / len(idx)
        for i in reversed(range(len(layers))):
            layer = layers[i]
            if i < len(layers) - 1:
                grad = grad * (pre[i] > 0)
            dW = acts[i].T @ grad
            db = grad.sum(axis=0)
            grad = grad @ layer["W"].T
            layer["W"] -= lr * dW
            layer["b"] -= lr * db
    _, acts = forward(X_tr)
    loss = mse(acts[-1], y_tr)
    if epoch == 0:
        print(f"first_loss={loss:.4f}")
    if epoch % 30 == 0:
        alive = np.mean(forward(X_tr)[0][0] > 0)
        print(f"epoch {epoch} train_mse {loss:.4f} active_fraction {alive:.3f}")

print(f"final_loss={loss:.4f}")
_, acts = forward(X_te)
pred = acts[-1]
r2 = 1 - np.sum((pred - y_te) ** 2) / np.sum((y_te - y_te.mean()) ** 2)
print(f"r2={r2:.4f}")
