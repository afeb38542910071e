# fit water level (m) against hour of the day with a straight line
# slope and intercept are plain numpy scalars, full batch gradient descent
import numpy as np

np.random.seed(3)
hours = np.linspace(0.0, 1.0, 48)                 # scaled time of day
level = 1.8 * hours + 0.4 + np.random.normal(0, 0.05, hours.size)

slope = np.float64(0.0)
intercept = np.float64(0.0)
lr = 0.5
n = hours.size


def mse(s, c):
    return np.mean((s * hours + c - level) ** 2)


print("first_loss=%.5f" % mse(slope, intercept))
for it in range(500):
    pred = slope * hours + intercept
    resid = pred - level
    d_slope = 2.0 / n * np.sum(resid * hours)
    d_intercept = 2.0 / n * np.sum(resid)
    slope = slope + lr * d_slope
    intercept = intercept + lr * d_intercept
    if it % 100 == 0:
        print("iter", it, "loss", mse(slope, intercept))

final = mse(slope, intercept)
r2 = 1.0 - final / np.var(level)
print("slope=%.3f intercept=%.3f" % (slope, intercept))
print("final_loss=%.5f" % final)
print("r2=%.4f" % r2)
