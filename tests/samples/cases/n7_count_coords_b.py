# Bike rentals per hour from integer counts (bikes docked, staff on shift, open repairs); coordinate steps.
import numpy as np

gen = np.random.default_rng(12)
docked = gen.integers(0, 10, 150)
staff = gen.integers(1, 5, 150)
repairs = gen.integers(0, 4, 150)
counts = np.column_stack([docked, staff, repairs])        # whole numbers, as logged
rentals = 1.2 * docked + 2.5 * staff - 3.0 * repairs + gen.normal(0, 1.0, 150)

mu = counts.mean(axis=0)
sd = counts.std(axis=0)
gain = np.zeros_like(counts[0])
level = 0.0
rate = 0.1
first = None
for rnd in range(80):
    for j in range(3):
        col = (counts[:, j] - mu[j]) / sd[j]
        zs = (counts - mu) / sd
        resid = zs @ gain + level - rentals
        gain[j] -= rate * np.mean(resid * col)
    resid = (counts - mu) / sd @ gain + level - rentals
    level -= np.mean(resid)                 # the offset is just the mean miss
    mse = np.mean(((counts - mu) / sd @ gain + level - rentals) ** 2)
    if first is None:
        first = mse
    if rnd % 16 == 0:
        print("round", rnd, "mse", mse, "gain", gain)
print(f"first_loss={first:.4f}")
print(f"final_loss={mse:.4f}")
