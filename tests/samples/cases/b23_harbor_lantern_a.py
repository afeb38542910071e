# Small MLP classifier on two interleaved half-moons, SGD with momentum over minibatches
import numpy as np


class Dense:
    def __init__(self, n_in, n_out, rng):
        self.W = rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out))
        self.b = np.zeros(n_out)

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, grad):
        self.dW = self.x.T @ grad
        self.db = grad.sum(axis=0)
        return grad @ self.W.T

    def params(self):
        return [(self.W, self.dW), (self.b, self.db)]


class ReLU:
    def forward(self, x):
        self.x = x
        return np.maximum(x, 0.0)

    def backward(self, grad):
        return grad * (self.x > 0)

    def params(self):
        return []


class Sigmoid:
    def forward(self, x):
        self.out = 1.0 / (1.0 + np.exp(-x))
        return self.out

    def backward(self, grad):
        return grad * self.out * (1.0 - self.out)

    def params(self):
        return []


class Sequential:
    def __init__(self, layers):
        self.layers = layers

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, grad):
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
        return grad

    def params(self):
        out = []
        for layer in self.layers:
            out.extend(layer.params())
        return out


class BCELoss:
    def forward(self, p, y):
        self.p = np.clip(p, 1e-7, 1 - 1e-7)
        self.y = y
        return -np.mean(y * np.log(self.p) + (1 - y) * np.log(1 - self.p))

    def backward(self):
        n = self.y.shape[0]
        return (self.p - self.y) / (self.p * (1 - self.p)) / n


class MomentumSGD:
    def __init__(self, lr, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.velocity = {}

    def step(self, model):
        for i, (p, g) in enumerate(model.params()):
            if i not in self.velocity:
                self.velocity[i] = np.zeros_like(p)
            v = self.velocity[i]
            v *= self.momentum
            v -= self.lr * g
            p += v


def make_moons(n, noise, rng):
    half = n // 2
    t1 = rng.uniform(0, np.pi, half)
    t2 = rng.uniform(0, np.pi, n - half)
    top = np.stack([np.cos(t1), np.sin(t1)], axis=1)
    bottom = np.stack([1 - np.cos(t2), 0.5 - np.sin(t2)], axis=1)
    X = np.vstack([top, bottom]) + rng.normal(0, noise, size=(n, 2))
    y = np.concatenate([np.zeros(half), np.ones(n - half)])
    return X, y.reshape(-1, 1)


def batches(X, y, size, rng):
    idx = rng.permutation(len(X))
    for start in range(0, len(X), size):
        sel = idx[start:start + size]
        yield X[sel], y[sel]


rng = np.random.default_rng(7)
X, y = make_moons(400, 0.15, rng)
X = (X - X.mean(axis=0)) / X.std(axis=0)

model = Sequential([
    Dense(2, 32, rng), ReLU(),
    Dense(32, 32, rng), ReLU(),
    Dense(32, 1, rng), Sigmoid(),
])
loss_fn = BCELoss()
opt = MomentumSGD(lr=0.05, momentum=0.9)

first_loss = None
for epoch in range(120):
    total = 0.0
    count = 0
    for xb, yb in batches(X, y, 32, rng):
        pred = model.forward(xb)
        loss = loss_fn.forward(pred, yb)
        model.backward(loss_fn.backward())
        opt.step(model)
        if first_loss is None:
            first_loss = loss
        total += loss * len(xb)
        count += len(xb)
    if epoch % 30 == 0:
        print(f"epoch {epoch}: mean loss {total / count:.4f}")

probs = model.forward(X)
final_loss = loss_fn.forward(probs, y)
accuracy = np.mean((probs > 0.5) == y)
print(f"first_loss={first_loss:.6f}")
print(f"final_loss={final_loss:.6f}")
print(f"accuracy={accuracy:.4f}")
