# Two-ring classifier with my own little layer classes (float32 to save memory).
import numpy as np

rng = np.random.default_rng(11)


def make_rings(n):
    radius = np.where(rng.random(n) < 0.5, 1.0, 2.2).astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi, n).astype(np.float32)
    pts = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    pts += rng.normal(0, 0.15, pts.shape).astype(np.float32)
    return pts.astype(np.float32), (radius > 1.5).astype(np.float32).reshape(-1, 1)


class Softplus:
    def forward(self, z):
        self.z = z
        return np.log1p(np.exp(z))

    def backward(self, upstream):
        return upstream * np.exp(-self.z) / (1.0 + np.exp(-self.z))


class Dense:
    def __init__(self, n_in, n_out):
        self.w = (rng.standard_normal((n_in, n_out)) * np.sqrt(1.0 / n_in)).astype(np.float32)
        self.b = np.zeros((1, n_out), dtype=np.float32)

    def forward(self, inp):
        self.inp = inp
        return inp @ self.w + self.b

    def backward(self, upstream):
        self.dw = self.inp.T @ upstream
        self.db = upstream.sum(axis=0, keepdims=True)
        return upstream @ self.w.T

    def step(self, rate):
        self.w -= rate * self.dw
        self.b -= rate * self.db


pts, lab = make_rings(600)
stack = [Dense(2, 16), Softplus(), Dense(16, 1)]


def run(batch):
    out = batch
    for layer in stack:
        out = layer.forward(out)
    return 1.0 / (1.0 + np.exp(-out))


def bce(prob, lab):
    prob = np.clip(prob, 1e-6, 1 - 1e-6)
    return float(-np.mean(lab * np.log(prob) + (1 - lab) * np.log(1 - prob)))


print(f"first_loss={bce(run(pts), lab):.6f}")
rate = np.float32(0.5)
for epoch in range(60):
    order = rng.permutation(len(pts))
    for start in range(0, len(pts), 50):
        idx = order[start:start + 50]
        prob = run(pts[idx])
        grad = (prob - lab[idx]) / len(idx)
        for layer in reversed(stack):
            grad = layer.backward(grad)
        for layer in stack:
            if isinstance(layer, Dense):
                layer.step(rate)
    if epoch % 20 == 0:
        print(f"epoch={epoch} bce={bce(run(pts), lab):.6f}")

prob = run(pts)
print(f"final_loss={bce(prob, lab):.6f}")
print(f"accuracy={float(np.mean((prob > 0.5) == (lab > 0.5))):.4f}")
