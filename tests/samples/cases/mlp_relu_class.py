# A two-layer ReLU network class (2 -> 64 -> 3, softmax output) classifying the
# 3-arm spiral data, He initialisation, full-batch gradient descent on the
# softmax cross-entropy. Loss and accuracy printed every 100 epochs.
# Run: python mlp_relu_class.py
import numpy as np


def spiral_data(points_per_class=100, n_classes=3, seed=0):
    rng = np.random.RandomState(seed)
    X = np.zeros((points_per_class * n_classes, 2))
    y = np.zeros(points_per_class * n_classes, dtype=int)
    for c in range(n_classes):
        ix = range(points_per_class * c, points_per_class * (c + 1))
        r = np.linspace(0.0, 1, points_per_class)
        t = np.linspace(c * 4, (c + 1) * 4, points_per_class) + rng.randn(points_per_class) * 0.2
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        y[ix] = c
    return X, y


class TwoLayerNet:
    def __init__(self, n_in, n_hidden, n_out, seed=1):
        rng = np.random.RandomState(seed)
        self.W1 = rng.randn(n_in, n_hidden) * np.sqrt(2.0 / n_in)
        self.b1 = np.zeros((1, n_hidden))
        self.W2 = rng.randn(n_hidden, n_out) * np.sqrt(2.0 / n_hidden)
        self.b2 = np.zeros((1, n_out))

    def forward(self, X):
        self.X = X
        self.z1 = X @ self.W1 + self.b1
        self.h = np.maximum(0, self.z1)
        scores = self.h @ self.W2 + self.b2
        scores = scores - scores.max(axis=1, keepdims=True)
        e = np.exp(scores)
        self.probs = e / e.sum(axis=1, keepdims=True)
        return self.probs

    def loss(self, y):
        n = len(y)
        return -np.mean(np.log(self.probs[np.arange(n), y] + 1e-12))

    def backward(self, y):
        n = len(y)
        delta = self.probs.copy()
        delta[np.arange(n), y] -= 1
        delta /= n
        self.dW2 = self.h.T @ delta
        self.db2 = delta.sum(axis=0, keepdims=True)
        dh = delta @ self.W2.T
        dh[self.z1 <= 0] = 0
        self.dW1 = self.X.T @ dh
        self.db1 = dh.sum(axis=0, keepdims=True)

    def update(self, lr):
        self.W1 -= lr * self.dW1
        self.b1 -= lr * self.db1
        self.W2 -= lr * self.dW2
        self.b2 -= lr * self.db2


X, y = spiral_data()
net = TwoLayerNet(2, 64, 3)
lr = 10.0
for epoch in range(1000):
    probs = net.forward(X)
    loss = net.loss(y)
    net.backward(y)
    net.update(lr)
    if epoch % 100 == 0:
        print(f"epoch {epoch} loss {loss:.4f} acc {np.mean(probs.argmax(axis=1) == y):.3f}")

net.forward(X)
print(f"final loss {net.loss(y):.4f} accuracy {np.mean(net.probs.argmax(axis=1) == y):.3f}")
