import numpy as np

rng = np.random.default_rng(2)
x = rng.normal(0, 3.0, 100)
y = 0.7 * x + 2.0 + rng.normal(0, 0.5, 100)

slope = np.float64(0.0)
intercept = np.float64(0.0)
step_size = 0.25

first = np.mean((slope * x + intercept - y) ** 2)
for t in range(100):
    resid = slope * x + intercept - y
    g_slope = 2 * np.mean(resid * x)
    g_intercept = 2 * np.mean(resid)
    slope = slope - step_size * g_slope
    intercept = intercept - step_size * g_intercept

final = np.mean((slope * x + intercept - y) ** 2)
print("slope", slope, "intercept", intercept)
print(f"first_loss={first}")
print(f"final_loss={final}")
