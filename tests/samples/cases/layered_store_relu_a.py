# Four-class classifier on noisy clusters: Dense/Rectifier layer objects share a dict of arrays with the net.
import numpy as np


class Dense:
    def __init__(self, kernel, shift):
        self.kernel = kernel
        self.shift = shift

    def run(self, inp):
        self.inp = inp
        return inp @ self.kernel + self.shift

    def back(self, up):
        self.g_kernel = self.inp.T @ up
        self.g_shift = up.sum(axis=0)
        return up @ self.kernel.T


class Rectifier:
    def run(self, inp):
        self.on = inp > 0
        return inp * self.on

    def back(self, up):
        return up * self.on


class Unused:
    def run(self, inp):
        self.avg = 0.9 * self.avg + 0.1 * inp.mean(axis=0)
        return inp


class Net:
    def __init__(self, sizes, gen):
        self.store = {}
        self.store["A"] = 0.1 * gen.standard_normal((sizes[0], sizes[1]))
        self.store["a"] = np.zeros(sizes[1])
        self.store["B"] = 0.1 * gen.standard_normal((sizes[1], sizes[2]))
        self.store["b"] = np.zeros(sizes[2])
        self.stack = [Dense(self.store["A"], self.store["a"]), Rectifier(), Dense(self.store["B"], self.store["b"])]

    def scores(self, feats):
        h = feats
        for layer in self.stack:
            h = layer.run(h)
        return h

    def objective(self, feats, onehot):
        z = self.scores(feats)
        z = z - z.max(axis=1, keepdims=True)
        p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        self.p, self.onehot = p, onehot
        return -np.mean(np.sum(onehot * np.log(p + 1e-12), axis=1))

    def grads(self, feats, onehot):
        self.objective(feats, onehot)
        up = (self.p - self.onehot) / len(feats)
        for layer in reversed(self.stack):
            up = layer.back(up)
        g = {}
        g["A"], g["a"] = self.stack[0].g_kernel, self.stack[0].g_shift
        g["B"], g["b"] = self.stack[2].g_kernel, self.stack[2].g_shift
        return g


gen = np.random.default_rng(5)
centers = gen.normal(0, 1, (4, 12))
cls = gen.integers(0, 4, 400)
feats_all = centers[cls] + 0.5 * gen.normal(size=(400, 12))
onehot_all = np.eye(4)[cls]
net = Net((12, 16, 4), gen)
rate = 15.0
history = []
for it in range(150):
    pick = gen.choice(400, 40)
    fb, tb = feats_all[pick], onehot_all[pick]
    g = net.grads(fb, tb)
    for name in ("A", "a", "B", "b"):
        net.store[name] -= rate * g[name]
    history.append(net.objective(fb, tb))
print("loss", round(float(history[0]), 3), "->", round(float(np.median(history[-15:])), 3), "live units", float(np.mean(net.stack[1].on)))
