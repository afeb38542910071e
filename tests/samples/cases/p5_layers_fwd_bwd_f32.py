# Layer objects with forward/backward methods in float32, a Sequential container, minibatch SGD on two moons.
import numpy as np

F32 = np.float32


class Linear:
    def __init__(self, n_in, n_out, gain, rng):
        self.weight = (rng.standard_normal((n_in, n_out)) * gain).astype(F32)
        self.bias = np.zeros(n_out, F32)

    def forward(self, x):
        self.cache = x
        return x @ self.weight + self.bias

    def backward(self, grad):
        self.g_weight = self.cache.T @ grad
        self.g_bias = grad.sum(axis=0)
        return grad @ self.weight.T


class Sigmoid:
    def forward(self, x):
        self.y = F32(1) / (F32(1) + np.exp(-x))
        return self.y

    def backward(self, grad):
        return grad * self.y * (F32(1) - self.y)


class Sequential:
    def __init__(self, *layers):
        self.layers = list(layers)

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, grad):
        for layer in self.layers[::-1]:
            grad = layer.backward(grad)

    def sgd(self, lr):
        for layer in self.layers:
            if isinstance(layer, Linear):
                layer.weight -= F32(lr) * layer.g_weight
                layer.bias -= F32(lr) * layer.g_bias


def moons(rng, n):
    t = rng.uniform(0, np.pi, n)
    upper = np.stack([np.cos(t), np.sin(t)], 1)
    lower = np.stack([1 - np.cos(t), 0.5 - np.sin(t)], 1)
    pts = np.concatenate([upper, lower]) + rng.normal(0, 0.1, (2 * n, 2))
    return ((pts - pts.mean(0)) / pts.std(0)).astype(F32), np.repeat([0.0, 1.0], n).astype(F32)[:, None]


rng = np.random.default_rng(9)
pts, lab = moons(rng, 150)
gain = 20.0
net = Sequential(Linear(2, 16, gain, rng), Sigmoid(), Linear(16, 16, gain, rng), Sigmoid(), Linear(16, 1, gain, rng), Sigmoid())
for epoch in range(60):
    order = rng.permutation(len(pts))
    for lo in range(0, len(pts), 30):
        idx = order[lo:lo + 30]
        p = net.forward(pts[idx])
        net.backward((p - lab[idx]) * F32(2.0 / len(idx)))
        net.sgd(2.0)
    if epoch % 10 == 0 or epoch == 59:
        p = net.forward(pts)
        print(epoch, float(np.mean((p - lab) ** 2)), float(np.mean((p > 0.5) == lab)))
