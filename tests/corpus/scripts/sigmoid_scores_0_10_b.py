import numpy as np

np.random.seed(44)
# predict a review score between 0 and 10 from 6 text features, one hidden layer, sigmoid output
n = 500
X = np.random.randn(n, 6)
score = 5 + 2.0 * np.tanh(X[:, 0]) + 1.5 * X[:, 1] - 1.0 * X[:, 2] * X[:, 3]
y = np.clip(score, 0, 10).reshape(-1, 1) / 10.0  # scale the target into the sigmoid range (0, 1)

W1 = np.random.randn(6, 16) * 0.4
b1 = np.zeros(16)
W2 = np.random.randn(16, 1) * 0.25
b2 = np.zeros(1)
lr = 2.0


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


losses = []
for epoch in range(1500):
    h = np.tanh(X @ W1 + b1)
    out = sigmoid(h @ W2 + b2)
    losses.append(np.mean((out - y) ** 2))
    dout = 2 * (out - y) / n
    dz2 = dout * out * (1 - out)
    dW2 = h.T @ dz2
    db2 = dz2.sum(0)
    dz1 = dz2 @ W2.T * (1 - h ** 2)
    W1 -= lr * X.T @ dz1
    b1 -= lr * dz1.sum(0)
    W2 -= lr * dW2
    b2 -= lr * db2

pred = out * 10.0
r2 = 1 - np.mean((pred - y * 10.0) ** 2) / np.var(y * 10.0)
print(f"first_loss={losses[0]}")
print(f"final_loss={losses[-1]}")
print(f"r2={r2}")
