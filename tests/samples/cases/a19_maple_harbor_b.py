# Monthly rent from flat features, linear model with a softplus output so rents stay positive
from dataclasses import dataclass

import numpy as np

rng = np.random.default_rng(42)

n = 300
size_m2 = rng.uniform(25, 140, n)
rooms = np.clip(np.round(size_m2 / 30 + rng.normal(0, 0.7, n)), 1, 6)
dist_km = rng.uniform(0.5, 18, n)
age_years = rng.uniform(0, 80, n)

rent = 250 + 14.0 * size_m2 + 60 * rooms - 35 * dist_km - 2.5 * age_years
rent = rent + rng.normal(0, 90, n)
rent = np.maximum(rent, 150)

X = np.column_stack([size_m2, rooms, dist_km, age_years])
X = (X - X.mean(axis=0)) / X.std(axis=0)
y = rent


@dataclass
class Params:
    w: np.ndarray
    b: float


def softplus(z):
    return np.where(z > 20, z, np.log1p(np.exp(np.minimum(z, 20))))


def sigmoid(z):
    return 0.5 * (1 + np.tanh(0.5 * z))


params = Params(w=rng.normal(0, 0.1, X.shape[1]), b=0.0)
lr = 0.05
epochs = 400

first_loss = None
for epoch in range(epochs):
    z = X @ params.w + params.b
    pred = softplus(z)
    loss = np.mean((pred - y) ** 2)
    if first_loss is None:
        first_loss = loss

    dz = 2 * (pred - y) * sigmoid(z) / n
    params.w -= lr * (X.T @ dz)
    params.b -= lr * dz.sum()

    if epoch % 50 == 0:
        print(f"epoch {epoch:3d}  mse {loss:.1f}")

pred = softplus(X @ params.w + params.b)
final_loss = np.mean((pred - y) ** 2)
r2 = 1 - np.sum((y - pred) ** 2) / np.sum((y - y.mean()) ** 2)
print(f"first_loss={first_loss:.1f}")
print(f"final_loss={final_loss:.1f}")
print(f"r2={r2:.4f}")
