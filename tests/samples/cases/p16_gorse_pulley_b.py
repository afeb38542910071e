# 2-8-1 network for the "same sign" problem (label 1 when x1 and x2 have the same sign)
# I check my backprop against finite differences first, then train with full-batch gradient descent
import numpy as np

np.random.seed(3)
N = 200
X = np.random.uniform(-1, 1, size=(N, 2))
Y = (X[:, 0] * X[:, 1] > 0).astype(float).reshape(N, 1)

params = [np.random.randn(2, 8) * 0.8, np.zeros((1, 8)),
          np.random.randn(8, 1) * 0.8, np.zeros((1, 1))]


def forward(params, X):
    W1, b1, W2, b2 = params
    h = np.tanh(X @ W1 + b1)
    out = 1 / (1 + np.exp(-(h @ W2 + b2)))
    return h, out


def loss_fn(params, X, Y):
    _, out = forward(params, X)
    return -np.mean(Y * np.log(out) + (1 - Y) * np.log(1 - out))


def backprop(params, X, Y):
    W1, b1, W2, b2 = params
    h, out = forward(params, X)
    d_out = -(Y / out - (1 - Y) / (1 - out)) / len(X)
    d_z2 = d_out * out * (1 - out)
    dW2 = h.T @ d_z2
    db2 = d_z2.sum(axis=0, keepdims=True)
    d_z1 = (d_z2 @ W2.T) * (1 - h ** 2)
    dW1 = X.T @ d_z1
    db1 = d_z1.sum(axis=0, keepdims=True)
    return [dW1, db1, dW2, db2]


# ---- gradient check on a few samples ----
Xc, Yc = X[:10], Y[:10]
analytic = backprop(params, Xc, Yc)
eps = 1e-5
worst = 0.0
for p, g in zip(params, analytic):
    for idx in np.ndindex(p.shape):
        keep = p[idx]
        p[idx] = keep + eps
        up = loss_fn(params, Xc, Yc)
        p[idx] = keep - eps
        down = loss_fn(params, Xc, Yc)
        p[idx] = keep
        num = (up - down) / (2 * eps)
        rel = abs(num - g[idx]) / max(1e-8, abs(num) + abs(g[idx]))
        worst = max(worst, rel)
print("grad check, worst relative difference:", worst)

# ---- training ----
lr = 0.5
print("first_loss=%.4f" % loss_fn(params, X, Y))
for epoch in range(3000):
    grads = backprop(params, X, Y)
    for p, g in zip(params, grads):
        p -= lr * g
    if epoch % 500 == 0:
        print("epoch", epoch, "loss", loss_fn(params, X, Y))

print("final_loss=%.4f" % loss_fn(params, X, Y))
_, out = forward(params, X)
print("accuracy=%.3f" % np.mean((out > 0.5) == (Y > 0.5)))
