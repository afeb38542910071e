import numpy as np

rng = np.random.default_rng(3)
# wine-style table: class column holds 1 or 2
n = 500
X = rng.standard_normal((n, 2))
labels = np.where(X[:, 0] - 0.5 * X[:, 1] > 0, 2, 1)

W1 = rng.standard_normal((2, 8)) * 0.7
b1 = np.zeros(8)
w2 = rng.standard_normal(8) * 0.35
b2 = 0.0
lr = 0.5


def predict(X):
    h = np.tanh(X @ W1 + b1)
    return h, 1 / (1 + np.exp(-(h @ w2 + b2)))


y = (labels - 1).astype(float)   # classes 1/2 -> targets 0/1 for the sigmoid
history = []
for epoch in range(1000):
    h, p = predict(X)
    history.append(float(np.mean((p - y) ** 2)))
    dz = 2 * (p - y) * p * (1 - p) / n
    grad_w2 = h.T @ dz
    grad_b2 = dz.sum()
    dh = np.outer(dz, w2) * (1 - h ** 2)
    W1 -= lr * X.T @ dh
    b1 -= lr * dh.sum(axis=0)
    w2 -= lr * grad_w2
    b2 -= lr * grad_b2

_, p = predict(X)
pred_class = np.where(p > 0.5, 2, 1)
print(f"first_loss={history[0]}")
print(f"final_loss={history[-1]}")
print(f"accuracy={np.mean(pred_class == labels)}")
