import numpy as np

rng = np.random.default_rng(3)


class Dense:
    def __init__(self, n_in, n_out):
        self.W = rng.normal(0, 1.0, (n_in, n_out))
        self.b = np.zeros(n_out)

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, grad_out):
        self.dW = self.x.T @ grad_out
        self.db = grad_out.sum(axis=0)
        return grad_out @ self.W.T


class Sigmoid:
    def forward(self, x):
        self.out = 1 / (1 + np.exp(-x))
        return self.out

    def backward(self, grad_out):
        return grad_out * self.out * (1 - self.out)


# points inside the circle of radius 1 are class 1
X = rng.uniform(-1.5, 1.5, (400, 2))
y = (np.sum(X ** 2, axis=1) < 1.0).astype(float).reshape(-1, 1)

layers = [Dense(2, 8), Sigmoid(), Dense(8, 1), Sigmoid()]
lr = 2.0
losses = []
for epoch in range(3000):
    out = X
    for layer in layers:
        out = layer.forward(out)
    loss = np.mean((out - y) ** 2)
    losses.append(loss)
    grad = 2 * (out - y) / len(X)
    for layer in reversed(layers):
        grad = layer.backward(grad)
    for layer in layers:
        if isinstance(layer, Dense):
            layer.W -= lr * layer.dW
            layer.b -= lr * layer.db

acc = np.mean((out > 0.5) == y)
print(f"first_loss={losses[0]}")
print(f"final_loss={losses[-1]}")
print(f"accuracy={acc}")
