# Plant height after six weeks from growing conditions, linear model fitted with gradient descent
from dataclasses import dataclass, field

import numpy as np

rng = np.random.default_rng(21)

n = 200
temp_c = rng.uniform(12, 32, n)
light_h = rng.uniform(4, 16, n)
water_ml = rng.uniform(50, 400, n)
height_cm = 3.0 + 0.55 * temp_c + 1.3 * light_h + 0.02 * water_ml + rng.normal(0, 1.5, n)

feats = np.column_stack([temp_c, light_h, water_ml])
mu, sd = feats.mean(axis=0), feats.std(axis=0)
X = (feats - mu) / sd
y = height_cm


@dataclass
class LinearModel:
    w: np.ndarray = field(default_factory=lambda: np.zeros(3))
    b: float = 0.0

    def predict(self, X):
        return X @ self.w + self.b


model = LinearModel()
lr = 0.05
tol = 1e-6
max_iter = 3000

pred = model.predict(X)
first_loss = np.mean((pred - y) ** 2)
prev_loss = np.inf
improvement = np.inf
it = 0
while improvement > tol and it < max_iter:
    err = model.predict(X) - y
    loss = np.mean(err ** 2)
    improvement = prev_loss - loss
    prev_loss = loss
    model.w = model.w - lr * 2 * X.T @ err / n
    model.b = model.b - lr * 2 * err.mean()
    it += 1
    if it % 25 == 0:
        print(f"iter {it} mse {loss:.4f}")

pred = model.predict(X)
final_loss = np.mean((pred - y) ** 2)
r2 = 1 - np.sum((y - pred) ** 2) / np.sum((y - y.mean()) ** 2)
print(f"iterations={it}")
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={final_loss:.4f}")
print(f"r2={r2:.4f}")
