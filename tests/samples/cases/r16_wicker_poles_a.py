# which room is the phone in? 2 rooms, wifi signal strength (dBm) from 4 access points
# little layer library: every layer has forward/backward, Dense layers also have step()
import numpy as np

rng = np.random.default_rng(2024)
n = 500
room = rng.integers(0, 2, n)
mean_dbm = np.array([[-45.0, -70.0, -62.0, -80.0],
                     [-68.0, -52.0, -74.0, -57.0]])
dbm = mean_dbm[room] + rng.normal(0, 7.0, (n, 4))
X = (dbm / 100.0).astype(np.float32)          # signal strengths come out between about -1 and -0.2
y = room.reshape(-1, 1).astype(np.float32)


class Layer:
    def forward(self, x):
        raise NotImplementedError

    def backward(self, grad):
        raise NotImplementedError

    def step(self, lr):
        pass


class Dense(Layer):
    def __init__(self, n_in, n_out):
        self.W = (rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / n_in)).astype(np.float32)
        self.b = np.zeros((1, n_out), dtype=np.float32)

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, grad):
        self.dW = self.x.T @ grad
        self.db = grad.sum(axis=0, keepdims=True)
        return grad @ self.W.T

    def step(self, lr):
        self.W -= lr * self.dW
        self.b -= lr * self.db


class ReLU(Layer):
    def forward(self, x):
        self.mask = x > 0
        return x * self.mask

    def backward(self, grad):
        return grad * self.mask


class Sigmoid(Layer):
    def forward(self, x):
        self.out = 1.0 / (1.0 + np.exp(-x))
        return self.out

    def backward(self, grad):
        return grad * self.out * (1.0 - self.out)


def bce(a, t):
    a = np.clip(a, 1e-7, 1 - 1e-7)
    return float(-np.mean(t * np.log(a) + (1 - t) * np.log(1 - a)))


def bce_grad(a, t):
    a = np.clip(a, 1e-7, 1 - 1e-7)
    return (a - t) / (a * (1 - a)) / len(t)


model = [Dense(4, 16), ReLU(), Dense(16, 8), ReLU(), Dense(8, 1), Sigmoid()]


def run(x):
    for layer in model:
        x = layer.forward(x)
    return x


lr = 0.2
print(f"first_loss={bce(run(X), y):.4f}")
for epoch in range(40):
    order = rng.permutation(n)
    for s in range(0, n, 50):
        idx = order[s:s + 50]
        g = bce_grad(run(X[idx]), y[idx])
        for layer in reversed(model):
            g = layer.backward(g)
        for layer in model:
            layer.step(lr)
    if epoch % 8 == 0:
        print(f"epoch {epoch:2d} loss {bce(run(X), y):.4f}")

out = run(X)
print(f"final_loss={bce(out, y):.4f}")
print(f"accuracy={np.mean((out > 0.5) == (y > 0.5)):.3f}")
