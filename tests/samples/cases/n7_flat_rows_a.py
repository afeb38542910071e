# %% Rent estimate from floor area (m2), distance to centre (m) and floor number, plain Python.
import random

random.seed(8)
table = []
for _ in range(90):
    area = random.uniform(25, 140)
    metres = random.uniform(200, 9000)
    floor = random.randint(0, 12)
    rent = 3.0 + 1.5 * (area - 25) / 115 - 1.0 * (metres - 200) / 8800 + 0.2 * floor / 12 + random.gauss(0, 0.05)
    table.append([area, metres, float(floor), rent])

# %% scale every feature to 0..1
lows = [min(r[j] for r in table) for j in range(3)]
highs = [max(r[j] for r in table) for j in range(3)]
for row in table:
    row = [(row[j] - lows[j]) / (highs[j] - lows[j]) for j in range(3)] + [row[3]]

# %% fit, one flat at a time
w = [0.0, 0.0, 0.0]
w0 = 0.0
alpha = 0.05
first = sum(r[3] ** 2 for r in table) / len(table)     # all weights start at 0
for sweep in range(60):
    sq = 0.0
    for row in table:
        guess = w0 + sum(w[j] * row[j] for j in range(3))
        miss = guess - row[3]
        sq += miss * miss
        for j in range(3):
            w[j] -= alpha * miss * row[j]
        w0 -= alpha * miss
    mse = sq / len(table)
    if sweep % 12 == 0:
        print("sweep", sweep, "mse", mse)
print(f"first_loss={first:.5f}")
print(f"final_loss={mse:.5f}")
