# Layer objects called like functions, ReLU hidden layer, softmax over one-hot targets, momentum with weight decay.
import numpy as np


class Affine:
    def __init__(self, fan_in, fan_out, rng):
        self.kernel = rng.normal(0.0, np.sqrt(2.0 / fan_in), (fan_in, fan_out))
        self.shift = np.full(fan_out, -8.0)
        self.vel = [np.zeros_like(self.kernel), np.zeros_like(self.shift)]

    def __call__(self, inp):
        self.inp = inp
        return inp @ self.kernel + self.shift

    def back(self, grad_out):
        self.g_kernel = self.inp.T @ grad_out
        self.g_shift = grad_out.sum(0)
        return grad_out @ self.kernel.T

    def step(self, pace, wd):
        self.vel[0] = 0.9 * self.vel[0] - pace * (self.g_kernel + wd * self.kernel)
        self.vel[1] = 0.9 * self.vel[1] - pace * self.g_shift
        self.kernel += self.vel[0]
        self.shift += self.vel[1]


class Rectify:
    def __call__(self, inp):
        self.mask = inp > 0
        return inp * self.mask

    def back(self, grad_out):
        return grad_out * self.mask


rng = np.random.default_rng(17)
angle = rng.uniform(0, 2 * np.pi, 240)
radius = np.repeat([0.5, 1.5, 2.5], 80) + rng.normal(0, 0.15, 240)
coords = np.c_[radius * np.cos(angle), radius * np.sin(angle)]
target = np.eye(3)[np.repeat([0, 1, 2], 80)]
stack = [Affine(2, 16, rng), Rectify(), Affine(16, 3, rng)]
for epoch in range(300):
    out = coords
    for part in stack:
        out = part(out)
    out = out - out.max(1, keepdims=True)
    prob = np.exp(out) / np.exp(out).sum(1, keepdims=True)
    xent = -np.mean(np.sum(target * np.log(prob + 1e-12), 1))
    grad = (prob - target) / len(coords)
    for part in reversed(stack):
        grad = part.back(grad)
    for part in stack:
        if isinstance(part, Affine):
            part.step(0.05, 1e-4)
    if epoch % 60 == 0 or epoch == 299:
        print(f"epoch {epoch} xent {xent:.4f} accuracy {np.mean(prob.argmax(1) == target.argmax(1)):.3f}")
