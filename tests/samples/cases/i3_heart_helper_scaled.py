# Heart-disease risk from cholesterol (mg/dl), resting blood pressure (mmHg) and maximum heart rate.
# A helper standardizes the table; a small class fits a logistic model with momentum on the mean squared error
# of the probability.
# Run: python i3_heart_helper_scaled.py
import numpy as np


def standardize(table):
    centre = table.mean(axis=0)
    spread = table.std(axis=0)
    return (table - centre) / spread


class RiskModel:
    def __init__(self, width, seed):
        self.weights = np.random.RandomState(seed).normal(0, 0.01, width)
        self.shift = 0.0
        self.vel_w = np.zeros(width)
        self.vel_s = 0.0

    def prob(self, table):
        return 1.0 / (1.0 + np.exp(-(table @ self.weights + self.shift)))

    def train(self, table, sick, speed, mu, rounds):
        for r in range(rounds):
            p = self.prob(table)
            delta = (p - sick) * p * (1 - p)
            self.vel_w = mu * self.vel_w - speed * table.T @ delta / len(sick)
            self.vel_s = mu * self.vel_s - speed * delta.mean()
            self.weights = self.weights + self.vel_w
            self.shift = self.shift + self.vel_s
            if r % 50 == 0:
                print(f"round {r:3d}  mse {np.mean((p - sick) ** 2):.4f}  acc {np.mean((p > 0.5) == sick):.3f}")
        p = self.prob(table)
        print(f"final mse {np.mean((p - sick) ** 2):.4f}  acc {np.mean((p > 0.5) == sick):.3f}")


src = np.random.RandomState(8)
patients = 300
chol = src.normal(220, 40, patients)
pressure = src.normal(130, 18, patients)
max_rate = src.normal(150, 22, patients)
score = 0.03 * (chol - 220) + 0.05 * (pressure - 130) - 0.04 * (max_rate - 150) + src.normal(0, 0.8, patients)
sick = (score > 0).astype(float)
table = np.column_stack([chol, pressure, max_rate])

ready = standardize(table)
model = RiskModel(3, seed=1)
model.train(ready, sick, speed=0.5, mu=0.9, rounds=300)
