# Softplus regression on sensor columns (each column one sample), stops once the weights settle.
import numpy as np


class SoftplusFit:
    def __init__(self, n_feat, pace=0.2, tol=1e-6, max_iter=3000):
        self.w = np.zeros(n_feat)
        self.b = 0.0
        self.pace = pace
        self.tol = tol
        self.max_iter = max_iter

    def predict(self, cols):
        return np.log1p(np.exp(self.w @ cols + self.b))

    def fit(self, cols, target):
        self.history = []
        for it in range(self.max_iter):
            s = self.w @ cols + self.b
            out = np.log1p(np.exp(s))
            resid = out - target
            self.history.append(float(np.mean(resid ** 2)))
            d = 2.0 * resid / (1.0 + np.exp(-s)) / cols.shape[1]
            before = self.w.copy()
            self.w -= self.pace * (cols @ d)
            self.b -= self.pace * d.sum()
            if np.max(np.abs(self.w - before)) < self.tol:
                break
        return it


gen = np.random.default_rng(5)
cols = gen.normal(size=(4, 300))
target = np.log1p(np.exp(np.array([1.0, -0.5, 0.8, 0.0]) @ cols + 0.3)) + 0.02 * gen.normal(size=300)
model = SoftplusFit(4)
stopped = model.fit(cols, target)
print("iterations", stopped + 1)
print(f"first_loss={model.history[0]:.5f}")
print(f"final_loss={np.mean((model.predict(cols) - target) ** 2):.5f}")
