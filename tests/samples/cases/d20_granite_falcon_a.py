# Cubic polynomial fit of car fuel use against speed, minibatch SGD with train/val/test split
import numpy as np

rng = np.random.default_rng(31)

n = 600
speed = rng.uniform(20, 130, n)                                    # km/h
fuel = 9.5 - 0.11 * speed + 0.0009 * speed ** 2 + 2e-6 * speed ** 3 + rng.normal(0, 0.25, n)   # litres / 100 km

poly = np.column_stack([speed, speed ** 2, speed ** 3])

idx = rng.permutation(n)
tr, va, te = idx[:400], idx[400:500], idx[500:]
X = (poly - poly[tr].mean(axis=0)) / poly[tr].std(axis=0)

w = np.zeros(3)
b = 0.0
lr = 0.05
bs = 20


def mse(rows):
    return np.mean((X[rows] @ w + b - fuel[rows]) ** 2)


print(f"first_loss={mse(tr):.5f}")
for epoch in range(150):
    order = rng.permutation(tr)
    for i in range(0, len(order), bs):
        rows = order[i:i + bs]
        err = X[rows] @ w + b - fuel[rows]
        w -= lr * 2 * X[rows].T @ err / len(rows)
        b -= lr * 2 * err.mean()
    if epoch % 30 == 0:
        print(f"epoch {epoch}: train={mse(tr):.5f} val={mse(va):.5f}")

pred = X[te] @ w + b
r2 = 1 - np.sum((fuel[te] - pred) ** 2) / np.sum((fuel[te] - fuel[tr].mean()) ** 2)
print(f"final_loss={mse(tr):.5f}")
print(f"val_loss={mse(va):.5f}")
print(f"coefs={np.round(w, 3)} intercept={b:.3f}")
print(f"r2={r2:.4f}")
