# One-hidden-layer tanh classifier for two noisy rings, model in a dataclass, shuffled minibatches from a generator
from dataclasses import dataclass, field

import numpy as np

rng = np.random.default_rng(21)


def make_rings(n):
    radius = np.where(rng.random(n) < 0.5, 1.0, 2.2)
    angle = rng.uniform(0.0, 2.0 * np.pi, n)
    pts = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    pts += rng.normal(0.0, 0.25, size=pts.shape)
    labels = (radius > 1.5).astype(float)
    return pts, labels


def minibatches(X, y, batch_size):
    order = rng.permutation(len(X))
    for start in range(0, len(X), batch_size):
        pick = order[start:start + batch_size]
        yield X[pick], y[pick]


@dataclass
class RingNet:
    n_in: int = 2
    n_hidden: int = 12
    W1: np.ndarray = field(init=False)
    b1: np.ndarray = field(init=False)
    W2: np.ndarray = field(init=False)
    b2: np.ndarray = field(init=False)

    def __post_init__(self):
        self.W1 = np.full((self.n_in, self.n_hidden), 0.1)
        self.b1 = np.zeros(self.n_hidden)
        self.W2 = np.full((self.n_hidden, 1), 0.1)
        self.b2 = np.zeros(1)

    def forward(self, X):
        self.h = np.tanh(X @ self.W1 + self.b1)
        z = self.h @ self.W2 + self.b2
        return 1.0 / (1.0 + np.exp(-z[:, 0]))

    def backward(self, X, p, t, lr):
        dz = ((p - t) / len(t))[:, None]
        dW2 = self.h.T @ dz
        db2 = dz.sum(axis=0)
        dh = dz @ self.W2.T * (1.0 - self.h ** 2)
        dW1 = X.T @ dh
        db1 = dh.sum(axis=0)
        self.W1 -= lr * dW1
        self.b1 -= lr * db1
        self.W2 -= lr * dW2
        self.b2 -= lr * db2


def bce(p, t):
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))


X_train, y_train = make_rings(800)
X_test, y_test = make_rings(400)

net = RingNet()
first_loss = bce(net.forward(X_train), y_train)
for epoch in range(60):
    for xb, yb in minibatches(X_train, y_train, 32):
        p = net.forward(xb)
        net.backward(xb, p, yb, lr=0.5)
    if epoch % 10 == 0:
        print(f"epoch {epoch} train_loss {bce(net.forward(X_train), y_train):.4f}")

final_loss = bce(net.forward(X_train), y_train)
accuracy = np.mean((net.forward(X_test) > 0.5) == y_test)
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={final_loss:.4f}")
print(f"accuracy={accuracy:.4f}")
