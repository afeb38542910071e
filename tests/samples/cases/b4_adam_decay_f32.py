# Logistic regression in a class, float32 throughout, Adam with decoupled weight decay (AdamW), full batch.
import numpy as np


class Scorer:
    def __init__(self, width, seed):
        gen = np.random.default_rng(seed)
        self.coef = (gen.standard_normal(width) * 0.01).astype(np.float32)
        self.offset = np.float32(0.0)
        self.moments = {"coef": [np.zeros(width, np.float32), np.zeros(width, np.float32)],
                        "offset": [np.float32(0.0), np.float32(0.0)]}
        self.ticks = 0

    def prob(self, rows):
        return 1.0 / (1.0 + np.exp(-(rows @ self.coef)))

    def update(self, name, grad, alpha=np.float32(0.02), decay=np.float32(1e-3)):
        first, second = self.moments[name]
        first = np.float32(0.9) * first + np.float32(0.1) * grad
        second = np.float32(0.999) * second + np.float32(0.001) * grad * grad
        self.moments[name] = [first, second]
        fix1 = np.float32(1.0 - 0.9 ** self.ticks)
        fix2 = np.float32(1.0 - 0.999 ** self.ticks)
        value = getattr(self, name)
        value = value - alpha * (first / fix1) / (np.sqrt(second / fix2) + np.float32(1e-7)) - alpha * decay * value
        setattr(self, name, value.astype(np.float32))


gen = np.random.default_rng(3)
rows = (gen.normal(0.0, 1.0, (400, 4)) + np.array([3.0, 3.0, -2.0, 1.0])).astype(np.float32)
truth = ((rows - np.array([3.0, 3.0, -2.0, 1.0])) @ np.array([1.0, 1.0, 0.5, 0.0]) > 0.2).astype(np.float32)
model = Scorer(4, seed=8)
for tick in range(1, 801):
    model.ticks = tick
    p = model.prob(rows)
    miss = p - truth
    model.update("coef", rows.T @ miss / np.float32(len(rows)))
    if tick % 200 == 1 or tick == 800:
        q = np.clip(p, 1e-6, 1 - 1e-6)
        nll = -np.mean(truth * np.log(q) + (1 - truth) * np.log(1 - q))
        print(f"tick {tick} nll {nll:.4f} acc {np.mean((p > 0.5) == (truth > 0.5)):.3f}")
