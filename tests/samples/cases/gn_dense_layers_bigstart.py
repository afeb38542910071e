# Two Dense layer objects trained on the moons-like ring data with momentum; kernels drawn with std 8.
import numpy as np

rng = np.random.default_rng(5)
angle = rng.uniform(0, 2 * np.pi, 400)
radius = np.where(rng.random(400) < 0.5, 1.0, 2.0)
points = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1) + 0.1 * rng.normal(size=(400, 2))
outer = (radius > 1.5).astype(float)[:, None]
INIT_STD = 8.0


class Dense:
    def __init__(self, fan_in, fan_out, squash):
        self.kernel = rng.normal(0.0, INIT_STD, size=(fan_in, fan_out))
        self.shift = np.zeros(fan_out)
        self.squash = squash
        self.v_kernel = np.zeros_like(self.kernel)
        self.v_shift = np.zeros_like(self.shift)

    def __call__(self, inp):
        self.inp = inp
        self.out = self.squash(inp @ self.kernel + self.shift)
        return self.out

    def backward(self, g_out, deriv):
        g_pre = g_out * deriv(self.out)
        self.g_kernel = self.inp.T @ g_pre
        self.g_shift = g_pre.sum(axis=0)
        return g_pre @ self.kernel.T

    def step(self, rate, mom=0.9):
        self.v_kernel = mom * self.v_kernel - rate * self.g_kernel
        self.v_shift = mom * self.v_shift - rate * self.g_shift
        self.kernel += self.v_kernel
        self.shift += self.v_shift


def logistic(z):
    return 1.0 / (1.0 + np.exp(-z))


stack = [Dense(2, 16, np.tanh), Dense(16, 1, logistic)]
for epoch in range(300):
    h = stack[0](points)
    p = stack[1](h)
    p_c = np.clip(p, 1e-7, 1 - 1e-7)
    ce = -np.mean(outer * np.log(p_c) + (1 - outer) * np.log(1 - p_c))
    g = (p - outer) / len(points)
    g = stack[1].backward(g / np.maximum(p * (1 - p), 1e-12), lambda a: a * (1 - a))
    stack[0].backward(g, lambda a: 1 - a ** 2)
    for layer in stack:
        layer.step(0.05)
    if epoch % 50 == 0:
        print(epoch, "loss", ce)
acc = np.mean((p > 0.5) == (outer > 0.5))
print("final", ce, "accuracy", acc)
