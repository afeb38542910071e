# Softmax regression on three overlapping Gaussian clusters, full-batch gradient descent
import numpy as np

rng = np.random.default_rng(7)
n_per = 300
centers = np.array([[0.0, 0.0], [2.0, 1.0], [0.5, 2.5]])
X = np.vstack([rng.normal(c, 1.0, size=(n_per, 2)) for c in centers])
y = np.repeat(np.arange(3), n_per)
perm = rng.permutation(len(y))
X, y = X[perm], y[perm]

n, d = X.shape
k = 3
W = np.zeros((d, k))
b = np.zeros(k)
lr = 0.5


def probs(X):
    z = X @ W + b
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def loss(X, y):
    p = probs(X)
    return -np.mean(np.log(p[np.arange(len(y)), y]))


def update(X, y):
    global W, b
    p = probs(X)
    p[np.arange(len(y)), y] -= 1
    gW = X.T @ p / len(y)
    gb = p.mean(axis=0)
    W -= lr * gW
    b -= lr * gb


print("first_loss=%.6f" % loss(X, y))
for it in range(500):
    update(X, y)
    if it % 100 == 0:
        print("iter", it, "loss", round(loss(X, y), 5))

pred = probs(X).argmax(axis=1)
print("final_loss=%.6f" % loss(X, y))
print("accuracy=%.4f" % np.mean(pred == y))
