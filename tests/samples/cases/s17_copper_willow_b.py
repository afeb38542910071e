# Fuel use from engine size, weight and model year, least-squares fit on the normal equations
import numpy as np

rng = np.random.default_rng(11)
n = 300

engine_cc = rng.integers(900, 3000, n)
weight_kg = rng.integers(800, 2200, n)
year = rng.integers(1995, 2021, n)
raw = np.column_stack([engine_cc, weight_kg, year])

l_per_100km = 2.0 + 0.0021 * engine_cc + 0.0032 * weight_kg - 0.09 * (year - 1995) + rng.normal(0, 0.4, n)

# scale every column to zero mean, unit spread
Z = np.empty_like(raw)
for j in range(raw.shape[1]):
    col = raw[:, j]
    Z[:, j] = (col - col.mean()) / col.std()

A = np.column_stack([np.ones(n), Z])
train, test = np.arange(0, 240), np.arange(240, n)

y = l_per_100km
baseline = np.full(len(train), y[train].mean())
first_loss = np.mean((baseline - y[train]) ** 2)

coef = np.linalg.solve(A[train].T @ A[train], A[train].T @ y[train])
fit = A @ coef
final_loss = np.mean((fit[train] - y[train]) ** 2)
test_mse = np.mean((fit[test] - y[test]) ** 2)
r2 = 1 - np.sum((fit[test] - y[test]) ** 2) / np.sum((y[test] - y[test].mean()) ** 2)

print("coef=" + " ".join(f"{c:.4f}" for c in coef))
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={final_loss:.4f}")
print(f"test_mse={test_mse:.4f}")
print(f"r2={r2:.4f}")
