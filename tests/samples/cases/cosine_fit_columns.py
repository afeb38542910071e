# Cosine-similarity regression over sensor snapshots stored one per column (features x samples).
# Each snapshot is scaled to unit length inside a per-sample loop before it meets the weights.
# Run: python cosine_fit_columns.py
import numpy as np

rng = np.random.default_rng(7)
d, n = 5, 40
X = rng.normal(size=(d, n))
X[:, 17] = 0.0  # the sensor was switched off for this snapshot
target = np.tanh(np.array([0.5, -1.0, 0.3, 0.0, 0.8]) @ X)

w = rng.normal(scale=0.1, size=d)
lr = 0.05
for epoch in range(30):
    total = 0.0
    for j in range(n):
        col = X[:, j]
        unit = col / np.sqrt(np.sum(col * col))
        pred = np.tanh(unit @ w)
        err = pred - target[j]
        w = w - lr * err * (1 - pred ** 2) * unit
        total += err * err
    if epoch % 10 == 0:
        print(f"epoch {epoch}: loss {total / n:.4f}")
print("weights", np.round(w, 3))
