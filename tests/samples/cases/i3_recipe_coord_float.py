# Baking time (minutes) from oven temperature offset, tray load and dough hydration (inputs centred and scaled),
# fitted by cyclic coordinate descent: one weight is moved at a time, starting from a rough guess.
# Run: python i3_recipe_coord_float.py
import numpy as np


def gradient(k, w, b, feats, minutes):
    miss = feats @ w + b - minutes
    return feats[:, k] @ miss / len(minutes), miss


rs = np.random.RandomState(30)
feats = rs.normal(0, 1, (250, 3))
minutes = 35 + feats @ np.array([-4.0, 2.5, 1.2]) + rs.normal(0, 0.5, 250)

w = np.array([1.0, 2.0, 3.0])
b = 35.0
gain = 0.3
for sweep in range(60):
    for k in range(3):
        g_k, miss = gradient(k, w, b, feats, minutes)
        w[k] -= gain * g_k
    b -= gain * miss.mean()
    if sweep % 10 == 0 or sweep == 59:
        print(f"sweep {sweep:2d}  mse {np.mean(miss ** 2):.4f}  w {w}")
