import numpy as np


class MLP:
    def __init__(self, layer_sizes, seed=0):
        rng = np.random.default_rng(seed)
        self.weights = [rng.normal(0, np.sqrt(2 / m), (m, n)) for m, n in zip(layer_sizes[:-1], layer_sizes[1:])]
        self.biases = [np.zeros(n) for n in layer_sizes[1:]]

    def forward(self, X):
        self.cache = [X]
        a = X
        for i, (W, b) in enumerate(zip(self.weights, self.biases)):
            z = a @ W + b
            a = np.maximum(z, 0) if i < len(self.weights) - 1 else z
            self.cache.append(a)
        return a

    def backward(self, grad):
        grads_W, grads_b = [], []
        for i in reversed(range(len(self.weights))):
            grads_W.insert(0, self.cache[i].T @ grad)
            grads_b.insert(0, grad.sum(axis=0))
            if i > 0:
                grad = (grad @ self.weights[i].T) * (self.cache[i] > 0)
        return grads_W, grads_b

    def sgd_step(self, grads_W, grads_b, lr):
        for W, dW in zip(self.weights, grads_W):
            W -= lr * dW
        for b, db in zip(self.biases, grads_b):
            b -= lr * db


rng = np.random.default_rng(1)
X = rng.uniform(-1, 1, (300, 3))
y = (np.sin(3 * X[:, :1]) + X[:, 1:2] * X[:, 2:3])

net = MLP([3, 32, 32, 1])
losses = []
for epoch in range(400):
    out = net.forward(X)
    losses.append(float(np.mean((out - y) ** 2)))
    gW, gb = net.backward(2 * (out - y) / len(X))
    net.sgd_step(gW, gb, lr=0.05)

print(f"first_loss={losses[0]}")
print(f"final_loss={losses[-1]}")
