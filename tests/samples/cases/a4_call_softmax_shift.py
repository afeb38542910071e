# Three-way classifier over 0..255 sensor counts as a callable object, float32 throughout, integer labels.
import numpy as np

gen = np.random.default_rng(11)
per, dims = 80, 6
centres = gen.uniform(40.0, 215.0, (3, dims)).astype(np.float32)
points = np.concatenate([c + gen.normal(0.0, 20.0, (per, dims)) for c in centres]).astype(np.float32)
labels = np.repeat(np.arange(3), per)


class Scorer:
    def __init__(self):
        self.mat = gen.normal(0.0, 0.01, (dims, 3)).astype(np.float32)
        self.shift = np.zeros(3, dtype=np.float32)

    def __call__(self, rows):
        logits = rows @ self.mat + self.shift
        expd = np.exp(logits - logits.max(axis=1, keepdims=True))
        return expd / expd.sum(axis=1, keepdims=True)


model = Scorer()
pace = np.float32(0.002)
for rnd in range(300):
    probs = model(points)
    nll = -np.mean(np.log(probs[np.arange(len(labels)), labels] + np.float32(1e-7)))
    grad = probs.copy()
    grad[np.arange(len(labels)), labels] -= 1.0
    grad /= len(labels)
    model.mat -= pace * points.T @ grad
    model.shift -= pace * grad.sum(axis=0)
    if rnd % 50 == 0 or rnd == 299:
        print(f"round {rnd} nll {nll:.4f} acc {np.mean(probs.argmax(axis=1) == labels):.3f}")
