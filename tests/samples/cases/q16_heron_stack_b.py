# deep regression net written with small layer classes (float32 to save memory)
# target is a smooth bumpy function of 6 sensor readings
import numpy as np

rng = np.random.default_rng(1234)

n_samples = 1024
X = rng.random((n_samples, 6), dtype=np.float32) * np.float32(2.0) - np.float32(1.0)
y = (np.sin(2.0 * X[:, 0]) + X[:, 1] * X[:, 2] - 0.5 * X[:, 3] ** 2
     + 0.3 * X[:, 4]).reshape(-1, 1).astype(np.float32)
y_mean = np.array(y.mean(), dtype=np.float32)
y_std = np.array(y.std(), dtype=np.float32)
y = (y - y_mean) / y_std


class Dense:
    def __init__(self, n_in, n_out, scale):
        self.W = (rng.standard_normal((n_in, n_out), dtype=np.float32) * np.float32(scale)).astype(np.float32)
        self.b = np.zeros((1, n_out), dtype=np.float32)
        self.vW = np.zeros_like(self.W, dtype=np.float32)
        self.vb = np.zeros_like(self.b, dtype=np.float32)

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, grad_out):
        self.dW = self.x.T @ grad_out / np.float32(len(self.x))
        self.db = grad_out.mean(axis=0, keepdims=True)
        return grad_out @ self.W.T

    def step(self, lr, mu):
        self.vW = mu * self.vW - lr * self.dW
        self.vb = mu * self.vb - lr * self.db
        self.W += self.vW
        self.b += self.vb


class Sigmoid:
    def forward(self, z):
        self.out = 1.0 / (1.0 + np.exp(-z))
        return self.out

    def backward(self, grad_out):
        return grad_out * self.out * (1.0 - self.out)


class Relu:
    def forward(self, z):
        self.mask = (z > 0).astype(np.float32)
        return z * self.mask

    def backward(self, grad_out):
        return grad_out * self.mask


widths = [6, 32, 32, 32, 32, 32, 32, 32, 32, 32]
net = []
for n_in, n_out in zip(widths[:-1], widths[1:]):
    net.append(Dense(n_in, n_out, np.sqrt(2.0 / n_in)))
    net.append(Relu())
net.append(Dense(widths[-1], 1, np.sqrt(1.0 / widths[-1])))


def predict(x):
    for layer in net:
        x = layer.forward(x)
    return x


def mse(pred, target):
    return float(np.mean((pred - target) ** 2))


print("layers:", len(net), "dtype:", net[0].W.dtype)
print(f"first_loss={mse(predict(X), y):.5f}")

lr, mu, batch = 0.02, 0.9, 64
for epoch in range(40):
    order = rng.permutation(n_samples)
    for start in range(0, n_samples, batch):
        idx = order[start:start + batch]
        out = predict(X[idx])
        g = (np.float32(2.0) * (out - y[idx])).astype(np.float32)
        for layer in reversed(net):
            g = layer.backward(g)
        for layer in net:
            if isinstance(layer, Dense):
                layer.step(lr, mu)
    if epoch % 10 == 0:
        print(f"epoch {epoch:3d}  mse {mse(predict(X), y):.5f}")

pred = predict(X)
final = mse(pred, y)
r2 = 1.0 - final / float(np.var(y))
print(f"final_loss={final:.5f}")
print(f"r2={r2:.4f}")
