# A tiny layer library: Dense and Tanh objects called like functions, kept in a list, trained on three rings.
import numpy as np


class Dense:
    def __init__(self, fan_in, fan_out, spread, gen):
        self.W = gen.normal(0.0, 1.0, (fan_in, fan_out)) / np.sqrt(fan_in)
        self.b = np.zeros(fan_out)

    def __call__(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, g):
        self.dW = self.x.T @ g
        self.db = g.sum(axis=0)
        return g @ self.W.T


class Tanh:
    def __call__(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, g):
        return g * (1.0 - self.out ** 2)


def rings(gen, per_class=80):
    radius = np.repeat([0.5, 1.5, 2.5], per_class) + gen.normal(0.0, 0.15, 3 * per_class)
    angle = gen.uniform(0.0, 2 * np.pi, 3 * per_class)
    pts = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1) / 2.5
    return pts, np.repeat([0, 1, 2], per_class)


gen = np.random.default_rng(21)
pts, label = rings(gen)
spread = None
stack = [Dense(2, 32, spread, gen), Tanh(), Dense(32, 32, spread, gen), Tanh(), Dense(32, 3, spread, gen)]
rate = 0.5

for sweep in range(300):
    h = pts
    for layer in stack:
        h = layer(h)
    h = h - h.max(axis=1, keepdims=True)
    prob = np.exp(h) / np.exp(h).sum(axis=1, keepdims=True)
    nll = -np.mean(np.log(prob[np.arange(len(label)), label] + 1e-12))
    g = prob.copy()
    g[np.arange(len(label)), label] -= 1.0
    g /= len(label)
    for layer in reversed(stack):
        g = layer.backward(g)
    for layer in stack:
        if isinstance(layer, Dense):
            layer.W -= rate * layer.dW
            layer.b -= rate * layer.db
    if sweep % 50 == 0:
        print(f"sweep {sweep} nll {nll:.4f} acc {np.mean(prob.argmax(axis=1) == label):.3f}")
print(f"final nll {nll:.4f} acc {np.mean(prob.argmax(axis=1) == label):.3f}")
