# Kiln firing time (hours) from temperature (deg C) and load (kg): a float32
# linear model in a class, full-batch gradient descent on the squared error.
# Run: python kiln_hours_b.py
import numpy as np


class KilnModel:
    """Predicts firing time (hours) from kiln temperature (deg C) and load (kg)."""

    def __init__(self, n_features, lr):
        self.coef = np.zeros(n_features, dtype=np.float32)
        self.offset = np.float32(0.0)
        self.lr = np.float32(lr)

    def predict(self, feats):
        return feats @ self.coef + self.offset

    def fit_step(self, feats, hours):
        err = self.predict(feats) - hours
        self.coef -= self.lr * (feats.T @ err) / np.float32(len(hours))
        self.offset -= self.lr * err.mean()
        return float(np.mean(err ** 2))


rng = np.random.default_rng(3)
temp = rng.uniform(900, 1300, 500).astype(np.float32)
load = rng.uniform(20, 120, 500).astype(np.float32)
hours = (0.01 * temp + 0.05 * load + rng.normal(0, 0.3, 500)).astype(np.float32)
feats = np.column_stack([temp, load]).astype(np.float32)

model = KilnModel(2, lr=0.1)
losses = []
for epoch in range(200):
    losses.append(model.fit_step(feats, hours))
    if epoch % 40 == 0:
        print(f"epoch {epoch:3d}  loss {losses[-1]:.6g}")
print(f"final loss {losses[-1]}")
