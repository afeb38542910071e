# Least-squares fit of delivery time from distance and parcel count, solved in one shot
import numpy as np

rng = np.random.default_rng(7)
n = 400

# distances in km (centered around the depot average) and number of parcels relative to a typical load
dist = rng.normal(0.0, 3.0, n)
parcels = rng.normal(0.0, 2.0, n)
minutes = 42.0 + 4.5 * dist + 1.8 * parcels + rng.normal(0.0, 2.5, n)

split = 300
X = np.column_stack([dist, parcels])
X_tr, X_te = X[:split], X[split:]
y_tr, y_te = minutes[:split], minutes[split:]


def mse(coef, A, t):
    r = A @ coef - t
    return float(np.mean(r ** 2))


start = np.zeros(X.shape[1])
print(f"first_loss={mse(start, X_tr, y_tr):.4f}")

# normal equations
coef = np.linalg.solve(X_tr.T @ X_tr, X_tr.T @ y_tr)
print("coef=" + ",".join(f"{c:.3f}" for c in coef))

final = mse(coef, X_tr, y_tr)
pred = X_te @ coef
r2 = 1.0 - np.sum((y_te - pred) ** 2) / np.sum((y_te - y_te.mean()) ** 2)
print(f"final_loss={final:.4f}")
print(f"test_mse={mse(coef, X_te, y_te):.4f}")
print(f"r2={r2:.4f}")
