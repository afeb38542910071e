# Robust linear fit with a clipped (Huber) residual, samples in columns, heavy-ball momentum, one coordinate at a time.
import numpy as np

src = np.random.default_rng(4)
design = np.vstack([np.ones(90), src.uniform(-1.0, 1.0, (2, 90))])
truth = np.array([0.5, 2.0, -1.0])
outcome = truth @ design + src.standard_t(2.0, 90) * 0.1
coords = np.array([0.0, 0.0, 0.0])
push = np.zeros(3)
for sweep in range(200):
    resid = coords @ design - outcome
    clipped = np.clip(resid, -0.3, 0.3)
    huber = np.mean(np.where(np.abs(resid) <= 0.3, 0.5 * resid ** 2, 0.3 * (np.abs(resid) - 0.15)))
    slope = design @ clipped / design.shape[1]
    for j in range(3):
        push[j] = 0.8 * push[j] + slope[j]
        coords[j] = coords[j] - 0.5 * push[j]
    if sweep % 40 == 0 or sweep == 199:
        print(f"sweep {sweep} huber {huber:.5f} coords {np.round(coords, 3)}")
