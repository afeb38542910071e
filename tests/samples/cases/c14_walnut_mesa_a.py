# predicting flat rent from (floor area m2, rooms, age in years, minutes to metro)
# closed form least squares, no gradient descent needed
import numpy as np

rng = np.random.default_rng(2024)
n = 300
area = rng.integers(25, 140, size=n)
rooms = np.clip(area // 30 + rng.integers(-1, 2, size=n), 1, None)
age = rng.integers(0, 80, size=n)
metro = rng.integers(2, 45, size=n)
X = np.column_stack([area, rooms, age, metro])          # ints straight from the listing site
rent = 9.5 * area + 40 * rooms - 3.0 * age - 11.0 * metro + 300 + rng.normal(0, 40, size=n)

# standardise each column before solving
Xs = np.empty_like(X, dtype=float)
for j in range(X.shape[1]):
    col = X[:, j]
    Xs[:, j] = (col - col.mean()) / col.std()

A = np.hstack([np.ones((n, 1)), Xs])
baseline = np.full(n, rent.mean())
print("first_loss=%.2f" % np.mean((rent - baseline) ** 2))

theta = np.linalg.solve(A.T @ A, A.T @ rent)
pred = A @ theta
mse = np.mean((rent - pred) ** 2)
print("theta:", np.round(theta, 2))
print("final_loss=%.2f" % mse)
print("r2=%.4f" % (1 - mse / np.var(rent)))
