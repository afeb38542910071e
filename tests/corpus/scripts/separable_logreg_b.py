import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def binary_cross_entropy(y, p):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def train_logistic(X, y, lr=5.0, epochs=3000):
    Xb = np.c_[np.ones(len(X)), X]
    theta = np.zeros(Xb.shape[1])
    losses = []
    for epoch in range(epochs):
        p = sigmoid(Xb @ theta)
        losses.append(binary_cross_entropy(y, p))
        theta -= lr * Xb.T @ (p - y) / len(y)
    return theta, losses


rng = np.random.default_rng(10)
pos = rng.normal([2.5, 2.5], 0.6, size=(100, 2))
neg = rng.normal([-2.5, -2.5], 0.6, size=(100, 2))
X = np.vstack([pos, neg])
y = np.r_[np.ones(100), np.zeros(100)]

theta, losses = train_logistic(X, y)
p = sigmoid(np.c_[np.ones(len(X)), X] @ theta)
print("theta", theta)
print(f"first_loss={losses[0]}")
print(f"final_loss={losses[-1]}")
print(f"accuracy={np.mean((p > 0.5) == y)}")
