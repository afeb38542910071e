# Predict a product's return rate from 6 review statistics, float32, minibatches of 16.
# The regressor class keeps its training settings as class attributes.
import numpy as np

rng = np.random.default_rng(14)
stats = rng.normal(0, 1.5, (320, 6)).astype(np.float32)
stats[:, 3] = stats[:, 0] * 0.8 + rng.normal(0, 0.5, 320).astype(np.float32)
true_w = np.array([0.5, -0.3, 0.2, 0.7, 0.0, -0.4], np.float32)
returns = (stats @ true_w + 0.1 * rng.normal(0, 1, 320)).astype(np.float32)


class ReturnRegressor:
    learning_rate = 0.02
    batch = 16
    passes = 25

    def __init__(self, n_feat):
        self.coef = np.zeros(n_feat, np.float32)
        self.bias = np.float32(0.0)

    def predict(self, rows):
        return rows @ self.coef + self.bias

    def loss(self, rows, target):
        return float(np.mean((self.predict(rows) - target) ** 2))

    def fit(self, rows, target):
        for p in range(self.passes):
            for lo in range(0, len(rows), self.batch):
                part, want = rows[lo:lo + self.batch], target[lo:lo + self.batch]
                gap = self.predict(part) - want
                self.coef -= np.float32(self.learning_rate) * 2 * part.T @ gap / np.float32(len(part))
                self.bias -= np.float32(self.learning_rate) * 2 * gap.mean()
            if p % 5 == 0:
                print(f"pass={p} loss={self.loss(rows, target):.4f}")
        return self


reg = ReturnRegressor(6)
print(f"first_loss={reg.loss(stats, returns):.4f}")
reg.fit(stats, returns)
print(f"final_loss={reg.loss(stats, returns):.4f}")
