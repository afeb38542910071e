# Three-class softmax classifier as a class; one column per flower (features x samples), float64.
import numpy as np


class PetalSorter:
    def __init__(self, n_feat, n_kinds, seed=5):
        gen = np.random.default_rng(seed)
        self.mix = gen.normal(size=(n_kinds, n_feat)) * 0.01
        self.offset = np.zeros((n_kinds, 1))
        self.pace = 0.1

    def scores(self, cols):
        raw = self.mix @ cols + self.offset
        raw = raw - raw.max(axis=0, keepdims=True)
        ex = np.exp(raw)
        return ex / ex.sum(axis=0, keepdims=True)

    def fit_round(self, cols, onehot):
        probs = self.scores(cols)
        count = cols.shape[1]
        cost = -np.sum(onehot * np.log(probs + 1e-12)) / count
        d_raw = probs - onehot
        self.mix -= self.pace * (d_raw @ cols.T) / count
        self.offset -= self.pace * d_raw.sum(axis=1, keepdims=True) / count
        return cost, probs


gen = np.random.default_rng(2)
centres = np.array([[0.0, 3.0, -3.0], [3.0, -1.5, -1.5]])
labels = gen.integers(0, 3, size=300)
cols = centres[:, labels] + gen.normal(size=(2, 300)) * 1.1
onehot = np.eye(3)[:, labels]
model = PetalSorter(2, 3)
for rnd in range(400):
    cost, probs = model.fit_round(cols, onehot)
    if rnd % 50 == 0 or rnd == 399:
        print(f"round {rnd} cost {cost:.4f} acc {np.mean(probs.argmax(axis=0) == labels):.3f}")
