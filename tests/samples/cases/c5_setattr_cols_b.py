# Linear fit with features in rows (features x samples); the fitter keeps its numbers as attributes named in a list.
import numpy as np


class ColumnFitter:
    names = ("slope", "icpt")

    def __init__(self, n_feat, gen):
        setattr(self, "slope", gen.normal(0.0, 0.1, (1, n_feat)))
        setattr(self, "icpt", np.zeros((1, 1)))

    def predict(self, cols):
        return self.slope @ cols + self.icpt

    def step(self, cols, target, pace):
        resid = self.predict(cols) - target
        grads = {"slope": resid @ cols.T / cols.shape[1], "icpt": resid.mean(axis=1, keepdims=True)}
        for name in self.names:
            setattr(self, name, getattr(self, name) - pace * grads[name])
        return float(np.mean(resid ** 2))


gen = np.random.default_rng(21)
cols = gen.normal(0.0, 1.0, (5, 300))
target = np.array([[1.5, -2.0, 0.7, 0.0, 3.0]]) @ cols + 0.4 + gen.normal(0.0, 0.05, (1, 300))
fitter = ColumnFitter(5, gen)
for rnd in range(400):
    mse = fitter.step(cols, target, 0.1)
    if rnd % 80 == 0 or rnd == 399:
        print("round", rnd, "mse", mse)
