# Pass/reject of machined parts from two float32 gauge readings (already centred), one part per column
# (gauges x parts). Logistic unit trained part by part; the log-loss of each epoch is summed per part.
# Run: python i3_parts_cols_logloss.py
import numpy as np

gen = np.random.RandomState(4)
parts = 160
gauges = gen.normal(0, 1, (2, parts)).astype(np.float32)
ok = (gauges[0] + 0.5 * gauges[1] > 0).astype(np.float32)
gauges[:, ok == 1] += 2.5
gauges[:, ok == 0] -= 2.5

v = np.zeros(2, dtype=np.float32)
c = np.float32(0.0)
pace = np.float32(0.5)
for epoch in range(150):
    epoch_loss = 0.0
    for col in range(parts):
        g = gauges[:, col]
        p = 1.0 / (1.0 + np.exp(-(v @ g + c)))
        epoch_loss += -(ok[col] * np.log(p) + (1 - ok[col]) * np.log(1 - p))
        v = v - pace * (p - ok[col]) * g
        c = c - pace * (p - ok[col])
    if epoch % 30 == 0 or epoch == 149:
        print(f"epoch {epoch:2d}  log-loss {epoch_loss / parts:.5f}  |v| {np.linalg.norm(v):.1f}")
