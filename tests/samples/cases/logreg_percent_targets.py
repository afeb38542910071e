# Logistic model of the share of seedlings that sprout (in percent) from soil moisture and warmth.
# Class with fit/predict, sigmoid output, squared error, full-batch gradient descent.
# Run: python logreg_percent_targets.py
import numpy as np


class SproutModel:
    def __init__(self, n_features, seed=0):
        rng = np.random.RandomState(seed)
        self.w = rng.randn(n_features) * 0.1
        self.c = 0.0

    def predict(self, X):
        return 1.0 / (1.0 + np.exp(-(X @ self.w + self.c)))

    def fit(self, X, share, rate, rounds):
        for r in range(rounds):
            p = self.predict(X)
            g = (p - share) * p * (1 - p) / len(X)
            self.w -= rate * X.T @ g
            self.c -= rate * g.sum()
            if r % 100 == 0:
                print(f"round {r:3d}  loss {np.mean((p - share) ** 2):.4f}")
        print(f"final loss {np.mean((self.predict(X) - share) ** 2):.4f}")


rng = np.random.RandomState(14)
X = rng.randn(200, 2)
share = 100.0 / (1.0 + np.exp(-(1.5 * X[:, 0] + 0.8 * X[:, 1])))
SproutModel(2).fit(X, share, 2.0, 600)
