# Small layer library (Dense, ReLU, Tanh, Sigmoid, Sequential) trained on two interleaved spirals
import numpy as np

rng = np.random.default_rng(2024)


class Dense:
    def __init__(self, n_in, n_out):
        self.W = rng.normal(0, np.sqrt(1.0 / n_in), size=(n_in, n_out))
        self.b = np.zeros(n_out)

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, grad):
        self.dW = self.x.T @ grad
        self.db = grad.sum(axis=0)
        return grad @ self.W.T

    def step(self, lr):
        self.W -= lr * self.dW
        self.b -= lr * self.db


class ReLU:
    def forward(self, x):
        self.mask = x > 0
        return x * self.mask

    def backward(self, grad):
        return grad * self.mask


class Tanh:
    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, grad):
        return grad * (1 - self.out) ** 2


class Sigmoid:
    def forward(self, x):
        self.out = 1 / (1 + np.exp(-x))
        return self.out

    def backward(self, grad):
        return grad * self.out * (1 - self.out)


class Sequential:
    def __init__(self, *layers):
        self.layers = layers

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, grad):
        for layer in reversed(self.layers):
            grad = layer.backward(grad)

    def step(self, lr):
        for layer in self.layers:
            if isinstance(layer, Dense):
                layer.step(lr)


def spirals(n):
    t = np.sqrt(rng.uniform(0, 1, n)) * 3 * np.pi
    cls = rng.integers(0, 2, n)
    r = t / (3 * np.pi) * 2
    ang = t + cls * np.pi
    X = np.c_[r * np.cos(ang), r * np.sin(ang)] + rng.normal(0, 0.05, (n, 2))
    return X, cls.astype(float).reshape(-1, 1)


def bce_from_logits(z, t):
    return np.mean(np.logaddexp(0, z) - t * z)


X, y = spirals(1000)
X_tr, y_tr = X[:800], y[:800]
X_te, y_te = X[800:], y[800:]

# last layer gives a logit, the sigmoid is applied inside the loss
net = Sequential(
    Dense(2, 32), Tanh(),
    Dense(32, 32), Tanh(),
    Dense(32, 16), Sigmoid(),
    Dense(16, 1),
)

lr = 0.3
epochs = 200
bs = 32

first_loss = bce_from_logits(net.forward(X_tr), y_tr)
for epoch in range(epochs):
    order = rng.permutation(len(X_tr))
    for i in range(0, len(X_tr), bs):
        idx = order[i:i + bs]
        z = net.forward(X_tr[idx])
        p = 1 / (1 + np.exp(-z))
        net.backward((p - y_tr[idx]) / len(idx))
        net.step(lr)
    if epoch % 40 == 0:
        print(f"epoch {epoch:3d} train loss {bce_from_logits(net.forward(X_tr), y_tr):.4f}")

final_loss = bce_from_logits(net.forward(X_tr), y_tr)
accuracy = np.mean((net.forward(X_te) > 0) == (y_te > 0.5))
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={final_loss:.4f}")
print(f"accuracy={accuracy:.4f}")
