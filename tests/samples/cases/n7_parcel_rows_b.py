# Parcel cost model. Each column is one parcel, each row one measurement (distance in km, mass in grams).
import numpy as np

rng = np.random.default_rng(3)
n = 400
dist = rng.uniform(5, 900, n).astype(np.float32)
mass = rng.uniform(100, 20000, n).astype(np.float32)
cost = (4.0 + 0.01 * dist + 0.0003 * mass + rng.normal(0, 0.3, n)).astype(np.float32)
M = np.stack([dist, mass])            # (2, n): features down, parcels across

theta = np.zeros((1, 2), dtype=np.float32)
base = np.float32(0.0)
v_theta = np.zeros_like(theta)
v_base = np.float32(0.0)
rate = np.float32(0.02)
beta = np.float32(0.9)
batch = 50
first = float(np.mean((theta @ M + base - cost) ** 2))
for epoch in range(30):
    order = rng.permutation(n)
    for s in range(0, n, batch):
        cols = order[s:s + batch]
        part = M[:, cols]
        guess = theta @ part + base
        gap = guess - cost[cols]
        g_theta = gap @ part.T / len(cols)
        g_base = gap.mean()
        v_theta = beta * v_theta + g_theta
        v_base = beta * v_base + g_base
        theta = theta - rate * v_theta
        base = base - rate * v_base
    mse = float(np.mean((theta @ M + base - cost) ** 2))
    if epoch % 6 == 0:
        print("epoch", epoch, "mse", mse)
print(f"first_loss={first:.4f}")
print(f"final_loss={mse:.4f}")
