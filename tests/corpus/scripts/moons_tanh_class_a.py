import numpy as np


def make_moons(n, noise, rng):
    t = rng.uniform(0, np.pi, n)
    upper = np.column_stack([np.cos(t), np.sin(t)])
    lower = np.column_stack([1 - np.cos(t), 0.5 - np.sin(t)])
    X = np.vstack([upper, lower]) + rng.normal(0, noise, (2 * n, 2))
    y = np.concatenate([np.zeros(n), np.ones(n)])
    return X, y.reshape(-1, 1)


def tanh_grad(a):
    return 1.0 - a ** 2


class TwoLayerNet:
    def __init__(self, n_in, n_hidden, rng):
        self.params = {
            "W1": rng.normal(0, 1 / np.sqrt(n_in), (n_in, n_hidden)),
            "b1": np.zeros(n_hidden),
            "W2": rng.normal(0, 1 / np.sqrt(n_hidden), (n_hidden, 1)),
            "b2": np.zeros(1),
        }

    def forward(self, X):
        p = self.params
        self.z1 = X @ p["W1"] + p["b1"]
        self.a1 = np.tanh(self.z1)
        self.z2 = self.a1 @ p["W2"] + p["b2"]
        self.out = 1 / (1 + np.exp(-self.z2))
        return self.out

    def loss(self, y):
        o = np.clip(self.out, 1e-9, 1 - 1e-9)
        return float(-np.mean(y * np.log(o) + (1 - y) * np.log(1 - o)))

    def backward(self, X, y):
        p = self.params
        n = X.shape[0]
        dz2 = (self.out - y) / n
        grads = {"W2": self.a1.T @ dz2, "b2": dz2.sum(axis=0)}
        da1 = dz2 @ p["W2"].T
        dz1 = da1 * tanh_grad(self.a1)
        grads["W1"] = X.T @ dz1
        grads["b1"] = dz1.sum(axis=0)
        return grads

    def step(self, grads, lr):
        for k in self.params:
            self.params[k] -= lr * grads[k]


rng = np.random.default_rng(0)
X, y = make_moons(200, 0.15, rng)
net = TwoLayerNet(2, 16, rng)
history = []
for epoch in range(1500):
    net.forward(X)
    history.append(net.loss(y))
    net.step(net.backward(X, y), lr=1.0)

acc = np.mean((net.forward(X) > 0.5) == y)
print(f"first_loss={history[0]}")
print(f"final_loss={history[-1]}")
print(f"accuracy={acc}")
