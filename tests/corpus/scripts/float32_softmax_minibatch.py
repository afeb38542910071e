import numpy as np

rng = np.random.default_rng(12)
# 5-class classifier on 30 features, float32 end to end, minibatches of 32
n, d, k = 1500, 30, 5
centers = rng.standard_normal((k, d)).astype(np.float32) * 2.0
y = rng.integers(0, k, n)
X = (centers[y] + rng.standard_normal((n, d))).astype(np.float32)

W = np.zeros((d, k), dtype=np.float32)
b = np.zeros(k, dtype=np.float32)
lr = np.float32(0.5)


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def cross_entropy(X, y):
    z = X @ W + b
    z = z - z.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(-np.mean(log_p[np.arange(len(y)), y]))


first_loss = cross_entropy(X, y)
for epoch in range(30):
    order = rng.permutation(n)
    for s in range(0, n, 32):
        idx = order[s:s + 32]
        P = softmax(X[idx] @ W + b)
        P[np.arange(len(idx)), y[idx]] -= 1
        W -= lr * X[idx].T @ P / len(idx)
        b -= lr * P.mean(axis=0)

acc = np.mean(softmax(X @ W + b).argmax(axis=1) == y)
print("dtype", W.dtype)
print(f"first_loss={first_loss}")
print(f"final_loss={cross_entropy(X, y)}")
print(f"accuracy={acc}")
