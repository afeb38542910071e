# Small autoencoder compressing 10-D sensor readings to a 3-D code, Adam, sigmoid reconstruction layer
import numpy as np

rng = np.random.default_rng(31)


class Dense:
    def __init__(self, n_in, n_out):
        self.params = {
            "W": rng.normal(0, 1, (n_in, n_out)) * np.sqrt(2 / (n_in + n_out)),
            "b": np.zeros(n_out),
        }
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}

    def forward(self, x):
        self.x = x
        return x @ self.params["W"] + self.params["b"]

    def backward(self, dy):
        self.grads["W"] = self.x.T @ dy
        self.grads["b"] = dy.sum(axis=0)
        return dy @ self.params["W"].T


class Tanh:
    params = {}

    def forward(self, x):
        self.h = np.tanh(x)
        return self.h

    def backward(self, dy):
        return dy * (1 - self.h ** 2)


class Sigmoid:
    params = {}

    def forward(self, x):
        self.s = 1 / (1 + np.exp(-x))
        return self.s

    def backward(self, dy):
        return dy * self.s * (1 - self.s)


class Sequential:
    def __init__(self, layers):
        self.layers = layers

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, dy):
        for layer in self.layers[::-1]:
            dy = layer.backward(dy)
        return dy


class MSELoss:
    def forward(self, out, target):
        self.err = out - target
        return np.mean(self.err ** 2)

    def backward(self):
        return 2 * self.err / self.err.size


class Adam:
    def __init__(self, layers, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        self.layers = [l for l in layers if l.params]
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.m = [{k: np.zeros_like(v) for k, v in l.params.items()} for l in self.layers]
        self.v = [{k: np.zeros_like(v) for k, v in l.params.items()} for l in self.layers]
        self.t = 0

    def step(self):
        self.t += 1
        c1 = 1 - self.beta1 ** self.t
        c2 = 1 - self.beta2 ** self.t
        for layer, m, v in zip(self.layers, self.m, self.v):
            for k in layer.params:
                g = layer.grads[k]
                m[k] = self.beta1 * m[k] + (1 - self.beta1) * g
                v[k] = self.beta2 * v[k] + (1 - self.beta2) * g ** 2
                layer.params[k] -= self.lr * (m[k] / c1) / (np.sqrt(v[k] / c2) + self.eps)


def batch_gen(data, size):
    idx = rng.permutation(data.shape[0])
    for i in range(0, data.shape[0], size):
        chunk = data[idx[i:i + size]]
        yield chunk, chunk


# readings driven by 3 hidden factors, mixed nonlinearly
n = 1500
z = rng.uniform(-1, 1, (n, 3))
mix = rng.normal(0, 1, (3, 10))
X = np.tanh(z @ mix) * 40 + 100 + rng.normal(0, 0.5, (n, 10))

# rescale each reading before training
X = (X - X.min(axis=0)) / (X.max(axis=0) - X.min(axis=0))

model = Sequential([
    Dense(10, 32), Tanh(),
    Dense(32, 3),
    Dense(3, 32), Tanh(),
    Dense(32, 10), Sigmoid(),
])
criterion = MSELoss()
opt = Adam(model.layers, lr=0.005)

first_loss = criterion.forward(model.forward(X), X)
for epoch in range(60):
    for xb, yb in batch_gen(X, 50):
        recon = model.forward(xb)
        criterion.forward(recon, yb)
        model.backward(criterion.backward())
        opt.step()
    if epoch % 20 == 0:
        print("epoch", epoch, "recon mse", criterion.forward(model.forward(X), X))

recon = model.forward(X)
final_loss = criterion.forward(recon, X)
r2 = 1 - np.sum((X - recon) ** 2) / np.sum((X - X.mean(axis=0)) ** 2)
print(f"first_loss={first_loss:.6f}")
print(f"final_loss={final_loss:.6f}")
print(f"r2={r2:.4f}")
