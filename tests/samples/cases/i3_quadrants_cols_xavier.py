# Which diagonal quadrant pair a point lies in (an XOR pattern), points stored one per column
# (coordinates x points). A class holds a 2-16-16-16-1 tanh network with a sigmoid output and binary
# cross-entropy, full-batch gradient descent.
# Run: python i3_quadrants_cols_xavier.py
import numpy as np


class DeepNet:
    def __init__(self, sizes, spread, seed):
        gen = np.random.RandomState(seed)
        self.mats = [gen.randn(b, a) * spread(a) for a, b in zip(sizes[:-1], sizes[1:])]
        self.vecs = [np.zeros((b, 1)) for b in sizes[1:]]

    def forward(self, pts):
        self.acts = [pts]
        for k, (m, v) in enumerate(zip(self.mats, self.vecs)):
            z = m @ self.acts[-1] + v
            self.acts.append(1 / (1 + np.exp(-z)) if k == len(self.mats) - 1 else np.tanh(z))
        return self.acts[-1]

    def step(self, label, speed):
        g = (self.acts[-1] - label) / label.shape[1]
        for k in range(len(self.mats) - 1, -1, -1):
            g_m = g @ self.acts[k].T
            g_v = g.sum(axis=1, keepdims=True)
            if k > 0:
                g = (self.mats[k].T @ g) * (1 - self.acts[k] ** 2)
            self.mats[k] -= speed * g_m
            self.vecs[k] -= speed * g_v


gen = np.random.RandomState(2)
pts = gen.uniform(-1, 1, (2, 300))
label = ((pts[0] * pts[1]) > 0).astype(float)[None, :]
net = DeepNet([2, 16, 16, 16, 1], lambda fan_in: 1 / np.sqrt(fan_in), seed=6)
for epoch in range(2000):
    out = net.forward(pts)
    net.step(label, 0.3)
    if epoch % 400 == 0 or epoch == 1999:
        loss = -np.mean(label * np.log(out) + (1 - label) * np.log(1 - out))
        print(f"epoch {epoch:4d}  bce {loss:.4f}  acc {np.mean((out > 0.5) == label):.3f}")
