# regression with a small layered net, RMSprop written out by hand
# predicting a (made up) crop yield from 6 standardised field measurements
import numpy as np

rng = np.random.default_rng(11)
n = 512
fields = rng.normal(size=(n, 6))
crop = (np.sin(fields[:, 0]) + 0.5 * fields[:, 1] * fields[:, 2]
        - 0.3 * fields[:, 3] ** 2 + 0.4 * fields[:, 4] + 0.1 * rng.normal(size=n))
crop = ((crop - crop.mean()) / crop.std()).reshape(-1, 1)


class Dense:
    def __init__(self, n_in, n_out):
        self.W = rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out))
        self.b = np.zeros(n_out)
        self.cache = {"W": np.zeros_like(self.W), "b": np.zeros_like(self.b)}

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, grad):
        self.dW = self.x.T @ grad
        self.db = grad.sum(axis=0)
        return grad @ self.W.T

    def rmsprop(self, lr, rho=0.9, eps=1e-8):
        for name, g in (("W", self.dW), ("b", self.db)):
            c = self.cache[name]
            c *= rho
            c += (1 - rho) * g * g
            p = getattr(self, name)
            p -= lr * g / (np.sqrt(c) + eps)


class ReLU:
    def forward(self, x):
        self.mask = x > 0
        return x * self.mask

    def backward(self, grad):
        return grad * self.mask


net = [Dense(6, 32), ReLU(), Dense(32, 32), ReLU(), Dense(32, 1)]


def run(x):
    for layer in net:
        x = layer.forward(x)
    return x


def mse():
    return float(np.mean((run(fields) - crop) ** 2))


LR = 0.2
batch = 32
print(f"first_loss={mse():.4f}")
for epoch in range(40):
    perm = rng.permutation(n)
    for i in range(0, n, batch):
        rows = perm[i:i + batch]
        out = run(fields[rows])
        grad = 2 * (out - crop[rows]) / len(rows)
        for layer in reversed(net):
            grad = layer.backward(grad)
        for layer in net:
            if isinstance(layer, Dense):
                layer.rmsprop(LR)
    if epoch % 5 == 0:
        print(f"epoch {epoch} mse {mse():.4f}")

pred = run(fields)
final = float(np.mean((pred - crop) ** 2))
print(f"final_loss={final:.4f}")
print(f"r2={1 - final / np.var(crop):.3f}")
