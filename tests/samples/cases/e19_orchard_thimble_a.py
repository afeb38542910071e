# Two-hidden-layer tanh MLP regressing a smooth 8-input function, minibatch SGD
import numpy as np

rng = np.random.default_rng(31)

n, d = 1200, 8
X = rng.uniform(-1, 1, size=(n, d))
y = np.sin(2 * X[:, 0]) + X[:, 1] * X[:, 2] - 0.5 * X[:, 3] ** 2 + 0.3 * X[:, 4]
y = y.reshape(-1, 1) + rng.normal(0, 0.05, size=(n, 1))
X_tr, y_tr = X[:1000], y[:1000]
X_te, y_te = X[1000:], y[1000:]

hidden = 64
lr = 0.02
epochs = 150
batch_size = 50


def init_layer(fan_in, fan_out):
    W = rng.standard_normal((fan_in, fan_out)) / np.sqrt(fan_in)
    return W, np.zeros(fan_out)


params = {}
params["W1"], params["b1"] = init_layer(d, hidden)
params["W2"], params["b2"] = init_layer(hidden, hidden)
params["W3"], params["b3"] = init_layer(hidden, 1)


def forward(x, p):
    h1 = np.tanh(x @ p["W1"] + p["b1"])
    h2 = np.tanh(h1 @ p["W2"] + p["b2"])
    return h1, h2, h2 @ p["W3"] + p["b3"]


def mse(x, t, p):
    return np.mean((forward(x, p)[2] - t) ** 2)


first_loss = mse(X_tr, y_tr, params)
for epoch in range(epochs):
    order = rng.permutation(len(X_tr))
    for start in range(0, len(X_tr), batch_size):
        idx = order[start:start + batch_size]
        x, t = X_tr[idx], y_tr[idx]
        h1, h2, out = forward(x, params)

        g_out = 2 * (out - t) / len(idx)
        grads = {"W3": h2.T @ g_out, "b3": g_out.sum(axis=0)}
        d2 = (g_out @ params["W3"].T) * (1 - h2 ** 2)
        grads["W2"], grads["b2"] = h1.T @ d2, d2.sum(axis=0)
        d1 = (d2 @ params["W2"].T) * (1 - h1 ** 2)
        grads["W1"], grads["b1"] = x.T @ d1, d1.sum(axis=0)

        for name in params:
            params[name] -= lr * grads[name]

    if epoch % 30 == 0:
        print(f"epoch {epoch:3d}  train mse {mse(X_tr, y_tr, params):.4f}")

pred = forward(X_te, params)[2]
r2 = 1 - np.sum((pred - y_te) ** 2) / np.sum((y_te - y_te.mean()) ** 2)
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={mse(X_tr, y_tr, params):.4f}")
print(f"test_mse={np.mean((pred - y_te) ** 2):.4f}")
print(f"r2={r2:.4f}")
