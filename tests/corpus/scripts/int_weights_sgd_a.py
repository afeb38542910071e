import numpy as np

np.random.seed(8)
# per-sample SGD for logistic regression, weights stored in a small array
n = 300
X = np.hstack([np.ones((n, 1)), np.random.randn(n, 2)])
y = (X[:, 1] + X[:, 2] > 0.2).astype(int)

w = np.array([0.0, 0.0, 0.0])
lr = 0.05


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def loss(w):
    p = np.clip(sigmoid(X @ w), 1e-12, 1 - 1e-12)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


first = loss(w)
for epoch in range(20):
    for i in range(n):
        p = sigmoid(X[i] @ w)
        for j in range(3):
            w[j] -= lr * (p - y[i]) * X[i, j]

acc = np.mean((sigmoid(X @ w) > 0.5) == y)
print("w", w)
print(f"first_loss={first}")
print(f"final_loss={loss(w)}")
print(f"accuracy={acc}")
