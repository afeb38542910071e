import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime(s):
    return s * (1.0 - s)


class Network:
    """2-layer sigmoid network; inputs are columns (n_features, n_samples)."""

    def __init__(self, n_in, n_hidden, n_out, rng):
        self.W1 = rng.standard_normal((n_hidden, n_in)) * 0.5
        self.b1 = np.zeros((n_hidden, 1))
        self.W2 = rng.standard_normal((n_out, n_hidden)) * 0.5
        self.b2 = np.zeros((n_out, 1))

    def feedforward(self, X):
        self.z1 = self.W1 @ X + self.b1
        self.a1 = sigmoid(self.z1)
        self.z2 = self.W2 @ self.a1 + self.b2
        self.a2 = sigmoid(self.z2)
        return self.a2

    def backprop(self, X, Y, eta):
        m = X.shape[1]
        delta2 = (self.a2 - Y) * sigmoid_prime(self.z2)
        delta1 = (self.W2.T @ delta2) * sigmoid_prime(self.z1)
        self.W2 -= eta * delta2 @ self.a1.T / m
        self.b2 -= eta * delta2.sum(axis=1, keepdims=True) / m
        self.W1 -= eta * delta1 @ X.T / m
        self.b1 -= eta * delta1.sum(axis=1, keepdims=True) / m


rng = np.random.default_rng(14)
m = 400
X = rng.uniform(-2, 2, (2, m))
Y = (np.abs(X[0:1]) + np.abs(X[1:2]) < 2).astype(float)
net = Network(2, 12, 1, rng)
costs = []
for epoch in range(3000):
    out = net.feedforward(X)
    costs.append(float(np.mean((out - Y) ** 2) / 2))
    net.backprop(X, Y, eta=3.0)

acc = np.mean((net.feedforward(X) > 0.5) == Y)
print(f"first_loss={costs[0]}")
print(f"final_loss={costs[-1]}")
print(f"accuracy={acc}")
