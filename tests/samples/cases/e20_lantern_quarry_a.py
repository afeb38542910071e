# One-hidden-layer tanh classifier, three classes by ring radius, minibatch SGD with softmax output
import numpy as np

rng = np.random.default_rng(3)
D = 4
n_train, n_test = 1000, 2000
X_all = rng.normal(0, 1, (n_train + n_test, D))
radius = np.sqrt(X_all[:, 0] ** 2 + X_all[:, 1] ** 2)
y_all = np.digitize(radius, [0.9, 1.6])  # class 0, 1, 2
X, y = X_all[:n_train], y_all[:n_train]
X_test, y_test = X_all[n_train:], y_all[n_train:]
K = 3

H = 64
W1 = rng.normal(0, np.sqrt(1.0 / D), (D, H))
W2 = rng.normal(0, np.sqrt(1.0 / H), (H, K))
b1 = np.zeros(H)
b2 = np.zeros(K)

lr = 0.1
batch = 32
epochs = 100


def forward(X):
    a1 = np.tanh(X @ W1 + b1)
    logits = a1 @ W2 + b2
    logits -= logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    p /= p.sum(axis=1, keepdims=True)
    return a1, p


def xent(p, y):
    return -np.mean(np.log(p[np.arange(len(y)), y] + 1e-12))


_, p = forward(X)
print("first_loss=%.6f" % xent(p, y))

for ep in range(epochs):
    idx = rng.permutation(len(y))
    for s in range(0, len(y), batch):
        bi = idx[s:s + batch]
        xb, yb = X[bi], y[bi]
        a1, p = forward(xb)
        dlog = p.copy()
        dlog[np.arange(len(yb)), yb] -= 1
        dlog /= len(yb)
        dW2 = a1.T @ dlog
        db2 = dlog.sum(axis=0)
        da1 = dlog @ W2.T
        dz1 = da1 * (1 - a1 ** 2)
        dW1 = xb.T @ dz1
        db1 = dz1.sum(axis=0)
        W1 -= lr * dW1
        b1 -= lr * db1
        W2 -= lr * dW2
        b2 -= lr * db2
    if ep % 20 == 0:
        _, p = forward(X)
        print("epoch", ep, "loss", round(xent(p, y), 4))

_, p = forward(X)
print("final_loss=%.6f" % xent(p, y))
print("train_accuracy=%.4f" % np.mean(p.argmax(axis=1) == y))
_, p = forward(X_test)
print("accuracy=%.4f" % np.mean(p.argmax(axis=1) == y_test))
