# Per-sample SGD in plain Python floats on standardised sensor columns (one channel was unplugged).
import numpy as np

gen = np.random.default_rng(13)
raw = np.column_stack([gen.normal(20.0, 4.0, 200), gen.normal(5.0, 1.0, 200), np.full(200, 4.0)])
target = (0.5 * (raw[:, 0] - 20.0) / 4.0 - 0.8 * (raw[:, 1] - 5.0) + gen.normal(0.0, 0.05, 200)).tolist()
spread = raw.std(axis=0)
spread[spread == 0.0] = 1.0
scaled = ((raw - raw.mean(axis=0)) / spread).tolist()

coefs = [0.0, 0.0, 0.0]
base = 0.0
for pas in range(20):
    sq = 0.0
    for row, want in zip(scaled, target):
        pred = base + sum(c * v for c, v in zip(coefs, row))
        miss = pred - want
        sq += miss * miss
        coefs = [c - 0.01 * miss * v for c, v in zip(coefs, row)]
        base -= 0.01 * miss
    if pas % 5 == 0 or pas == 19:
        print(f"pass {pas} mse {sq / len(target):.5f}")
