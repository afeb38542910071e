# Regression of a smooth 3-input function with a small tanh MLP, minibatch SGD on MSE
import numpy as np

np.random.seed(5)

n = 1200
X = np.random.uniform(-2, 2, size=(n, 3))
y = np.sin(2 * X[:, 0]) + 0.8 * X[:, 1] ** 2 - 0.5 * X[:, 0] * X[:, 2] + np.random.normal(0, 0.1, n)
y = y.reshape(-1, 1)

# standardize everything
X = (X - X.mean(0)) / X.std(0)
y_mean, y_std = y.mean(), y.std()
y = (y - y_mean) / y_std

train, test = slice(0, 1000), slice(1000, None)


def tanh(z):
    return np.tanh(z)


def dtanh(z):
    t = np.tanh(z)
    return 1 - t * t


def linear(z):
    return z


def dlinear(z):
    return np.ones_like(z)


ACT = {"tanh": (tanh, dtanh), "linear": (linear, dlinear)}

dims = [3, 40, 40, 1]
acts = ["tanh", "tanh", "linear"]
layers = [(np.random.randn(i, o) / np.sqrt(i), np.zeros((1, o))) for i, o in zip(dims[:-1], dims[1:])]


def forward(x):
    zs, outs = [], [x]
    for (W, b), a in zip(layers, acts):
        z = outs[-1] @ W + b
        zs.append(z)
        outs.append(ACT[a][0](z))
    return outs[-1], zs, outs


def mse(p, t):
    return float(np.mean((p - t) ** 2))


def r2_score(p, t):
    return 1 - np.sum((p - t) ** 2) / np.sum((t - t.mean()) ** 2)


lr = 0.05
n_epochs = 200
Xtr, ytr = X[train], y[train]

pred, _, _ = forward(Xtr)
print(f"first_loss={mse(pred, ytr):.4f}")

for epoch in range(n_epochs):
    batches = np.array_split(np.random.permutation(len(Xtr)), 32)
    for b_idx in batches:
        xb, yb = Xtr[b_idx], ytr[b_idx]
        out, zs, outs = forward(xb)
        err = 2 * (out - yb) / len(xb)
        new_layers = list(layers)
        for k in range(len(layers) - 1, -1, -1):
            err = err * ACT[acts[k]][1](zs[k])
            W, b = layers[k]
            gW = outs[k].T @ err
            gb = err.sum(axis=0, keepdims=True)
            err = err @ W.T
            new_layers[k] = (W - lr * gW, b - lr * gb)
        layers = new_layers
    if epoch % 40 == 0:
        pred, _, _ = forward(Xtr)
        print(f"epoch {epoch:3d}  mse {mse(pred, ytr):.4f}")

pred, _, _ = forward(Xtr)
print(f"final_loss={mse(pred, ytr):.4f}")
pred_te, _, _ = forward(X[test])
print(f"r2={r2_score(pred_te, y[test]):.4f}")
