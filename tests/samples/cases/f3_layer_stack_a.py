# Layer objects (dense, sigmoid) in a list, float32; each dense layer builds its weight gradient in update().
import numpy as np


class Dense:
    def __init__(self, n_in, n_out, gen):
        self.kernel = (gen.normal(size=(n_in, n_out)) / np.sqrt(n_in)).astype(np.float32)
        self.shift = np.zeros(n_out, dtype=np.float32)

    def forward(self, inp):
        self.inp = inp
        return inp @ self.kernel + self.shift

    def backward(self, g_out):
        self.g_out = g_out
        return g_out @ self.kernel.T

    def update(self, rate):
        self.kernel -= rate * (self.inp.T @ self.g_out)
        self.shift -= rate * self.g_out.sum(axis=0)


class Sigmoid:
    def forward(self, inp):
        self.out = 1.0 / (1.0 + np.exp(-inp))
        return self.out

    def backward(self, g_out):
        np.multiply(self.out, 1.0 - self.out, out=self.out)
        return g_out * self.out

    def update(self, rate):
        pass


gen = np.random.default_rng(4)
pts = gen.uniform(-2, 2, size=(400, 2)).astype(np.float32)
wave = (np.sin(pts[:, :1]) + 0.5 * pts[:, 1:]).astype(np.float32)
stack = [Dense(2, 12, gen), Sigmoid(), Dense(12, 1, gen)]
for it in range(1500):
    sig = pts
    for layer in stack:
        sig = layer.forward(sig)
    err = float(np.mean((sig - wave) ** 2))
    back = 2.0 * (sig - wave) / len(pts)
    for layer in reversed(stack):
        back = layer.backward(back)
    for layer in stack:
        layer.update(np.float32(0.25))
    if it % 250 == 0 or it == 1499:
        print(f"it {it} loss {err:.5f}")
