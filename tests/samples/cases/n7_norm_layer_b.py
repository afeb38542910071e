# Regression net with a batch-normalised hidden layer, written as small layer classes.
import numpy as np

rng = np.random.default_rng(2)
n = 161
inp = rng.normal(size=(n, 3))
out_true = np.sin(inp[:, 0]) + 0.5 * inp[:, 1] * inp[:, 2] + 0.05 * rng.normal(size=n)


class Linear:
    def __init__(self, a, b):
        self.m = rng.normal(0, 1 / np.sqrt(a), (a, b))
        self.o = np.zeros(b)

    def fwd(self, x):
        self.x = x
        return x @ self.m + self.o

    def bwd(self, g, step):
        gx = g @ self.m.T
        self.m -= step * self.x.T @ g
        self.o -= step * g.sum(0)
        return gx


class BatchNorm:
    def __init__(self, width):
        self.gain = np.ones(width)
        self.bias = np.zeros(width)

    def fwd(self, x):
        self.mu = x.mean(0)
        self.sd = np.sqrt(x.var(0) + 1e-5)
        self.xhat = (x - self.mu) / self.sd
        return self.gain * self.xhat + self.bias

    def bwd(self, g, step):
        k = len(g)
        dxhat = g * self.gain
        gx = (k * dxhat - dxhat.sum(0) - self.xhat * (dxhat * self.xhat).sum(0)) / (k * self.sd)
        self.gain -= step * (g * self.xhat).sum(0)
        self.bias -= step * g.sum(0)
        return gx


class Tanh:
    def fwd(self, x):
        self.t = np.tanh(x)
        return self.t

    def bwd(self, g, step):
        return g * (1 - self.t ** 2)


stack = [Linear(3, 20), BatchNorm(20), Tanh(), Linear(20, 1)]
step = 0.05
size = 32
h = inp
for layer in stack:
    h = layer.fwd(h)
first = np.mean((h[:, 0] - out_true) ** 2)
for epoch in range(30):
    sq = 0.0
    perm = rng.permutation(n)
    for s in range(0, n, size):
        pick = perm[s:s + size]
        h = inp[pick]
        for layer in stack:
            h = layer.fwd(h)
        e = h[:, 0] - out_true[pick]
        sq += np.sum(e ** 2)
        g = (2 * e / len(pick))[:, None]
        for layer in reversed(stack):
            g = layer.bwd(g, step)
    mse = sq / n
    if epoch % 6 == 0:
        print("epoch", epoch, "mse", mse)
print(f"first_loss={first:.5f}")
print(f"final_loss={mse:.5f}")
