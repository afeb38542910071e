# A small network in the style of a textbook: weights and biases kept in Python lists, rebuilt every
# mini-batch by list comprehensions.
import random

import numpy as np


def squash(z):
    return np.tanh(z)


def squash_slope(z):
    return 1.0 - np.tanh(z) ** 2


class Net:
    def __init__(self, sizes, seed=3):
        gen = np.random.default_rng(seed)
        self.sizes = sizes
        self.biases = [gen.standard_normal((n, 1)) * 0.1 for n in sizes[1:]]
        self.weights = [gen.standard_normal((n, m)) / np.sqrt(m) for m, n in zip(sizes[:-1], sizes[1:])]

    def feed(self, a):
        for k, (b, w) in enumerate(zip(self.biases, self.weights)):
            z = w @ a + b
            a = squash(z) if k < len(self.weights) - 1 else z
        return a

    def backprop(self, x, t):
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        act = x
        acts = [x]
        zs = []
        for k, (b, w) in enumerate(zip(self.biases, self.weights)):
            z = w @ act + b
            zs.append(z)
            act = squash(z) if k < len(self.weights) - 1 else z
            acts.append(act)
        delta = acts[-1] - t
        nabla_b[-1] = delta
        nabla_w[-1] = delta @ acts[-2].T
        for back in range(2, len(self.sizes)):
            delta = (self.weights[-back + 1].T @ delta) * squash_slope(zs[-back])
            nabla_b[-back] = delta
            nabla_w[-back] = delta @ acts[-back - 1].T
        return nabla_b, nabla_w

    def update_mini_batch(self, batch, eta):
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        for x, t in batch:
            dnb, dnw = self.backprop(x, t)
            nabla_b = [nb + dnb_k for nb, dnb_k in zip(nabla_b, dnb)]
            nabla_w = [nw + dnw_k for nw, dnw_k in zip(nabla_w, dnw)]
        self.weights = [w - (eta / len(batch)) * nw for w, nw in zip(self.weights, nabla_w)]
        self.biases = [b - (eta / len(batch)) * nb for b, nb in zip(self.biases, nabla_b)]

    def cost(self, pairs):
        return float(np.mean([np.sum((self.feed(x) - t) ** 2) / 2 for x, t in pairs]))

    def train(self, pairs, epochs, size, eta):
        shuffler = random.Random(0)
        for ep in range(epochs):
            shuffler.shuffle(pairs)
            for start in range(0, len(pairs), size):
                self.update_mini_batch(pairs[start:start + size], eta)
            print(f"epoch {ep}: cost {self.cost(pairs):.5g}")


gen = np.random.default_rng(11)
points = gen.uniform(-1.0, 1.0, (120, 3))
heights = np.sin(points @ np.array([1.0, -2.0, 0.5])) + 0.1 * points[:, :1].ravel()
pairs = [(p.reshape(3, 1), np.array([[h]])) for p, h in zip(points, heights)]
net = Net([3, 12, 1])
net.train(pairs, 12, 10, 9.0)
