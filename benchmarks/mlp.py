"""A 784-256-10 numpy MLP (ReLU, softmax cross-entropy) on synthetic data: the MLP benchmark workload.

N=2048 samples, batch 64, 3 epochs, plain minibatch SGD written the way tutorials write it.
Run: python benchmarks/mlp.py
"""

import numpy as np


class MLP:
    def __init__(self, n_in=784, n_hidden=256, n_out=10, seed=0):
        rng = np.random.default_rng(seed)
        self.W1 = rng.normal(0.0, np.sqrt(2.0 / n_in), (n_in, n_hidden))
        self.b1 = np.zeros(n_hidden)
        self.W2 = rng.normal(0.0, np.sqrt(2.0 / n_hidden), (n_hidden, n_out))
        self.b2 = np.zeros(n_out)

    def forward(self, x):
        z1 = x @ self.W1 + self.b1
        a1 = np.maximum(z1, 0.0)
        z2 = a1 @ self.W2 + self.b2
        z2 = z2 - z2.max(axis=1, keepdims=True)  # softmax without overflow
        e = np.exp(z2)
        p = e / e.sum(axis=1, keepdims=True)
        return z1, a1, p

    def train(self, X, Y, epochs=3, batch=64, lr=0.1, seed=1):
        rng = np.random.default_rng(seed)
        n = len(X)
        losses = []
        for epoch in range(epochs):
            perm = rng.permutation(n)
            for start in range(0, n, batch):
                idx = perm[start:start + batch]
                xb = X[idx]
                yb = Y[idx]
                z1, a1, p = self.forward(xb)
                rows = np.arange(len(yb))
                loss = -np.log(p[rows, yb] + 1e-12).mean()
                dz2 = p.copy()
                dz2[rows, yb] -= 1.0
                dz2 /= len(yb)
                dW2 = a1.T @ dz2
                db2 = dz2.sum(axis=0)
                da1 = dz2 @ self.W2.T
                dz1 = da1 * (z1 > 0)
                dW1 = xb.T @ dz1
                db1 = dz1.sum(axis=0)
                self.W1 -= lr * dW1
                self.b1 -= lr * db1
                self.W2 -= lr * dW2
                self.b2 -= lr * db2
                losses.append(loss)
        return losses


def make_data(n=2048, n_in=784, n_out=10, seed=2):
    """Synthetic, learnable data: class-dependent means plus noise, inputs scaled like pixels."""
    rng = np.random.default_rng(seed)
    Y = rng.integers(0, n_out, n)
    centers = rng.random((n_out, n_in))
    X = np.clip(centers[Y] + rng.normal(0.0, 0.3, (n, n_in)), 0.0, 1.0)
    return X, Y


def main():
    X, Y = make_data()
    net = MLP()
    losses = net.train(X, Y)
    print(f"loss {losses[0]:.4f} -> {losses[-1]:.4f}")


if __name__ == "__main__":
    main()
