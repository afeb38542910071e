# Two-layer regression with samples in columns: a sigmoid hidden layer, a linear output, layers as objects.
import numpy as np

rng = np.random.default_rng(21)
X = rng.uniform(-1.0, 1.0, (3, 150))          # features x samples
Y = (np.sin(2.0 * X[0]) + X[1] * X[2])[None, :]   # 1 x samples


class Dense:
    def __init__(self, n_in, n_out, squash):
        self.W = rng.normal(0.0, 1.0 / np.sqrt(n_in), (n_out, n_in))
        self.b = np.zeros((n_out, 1))
        self.squash = squash

    def forward(self, A):
        self.A_in = A
        self.out = self.W @ A + self.b
        if self.squash:
            self.out = 1.0 / (1.0 + np.exp(-self.out))
        return self.out

    def backward(self, G):
        if self.squash:
            G = G * self.out * (1.0 - self.out)
        m = G.shape[1]
        self.dW = G @ self.A_in.T / m
        self.db = G.sum(axis=1, keepdims=True) / m
        return self.W.T @ G

    def apply(self, lr):
        self.W -= lr * self.dW
        self.b -= lr * self.db


net = [Dense(3, 10, True), Dense(10, 1, False)]
lr = 0.0002
log = []
for it in range(600):
    A = X
    for layer in net:
        A = layer.forward(A)
    log.append(float(np.mean((A - Y) ** 2)))
    G = 2.0 * (A - Y)
    for layer in reversed(net):
        G = layer.backward(G)
    for layer in net:
        layer.apply(lr)
    if it % 150 == 0:
        print(f"it {it}: {log[-1]:.5f}")

print(f"first_loss={log[0]:.4f}")
print(f"final_loss={log[-1]:.4f}")
