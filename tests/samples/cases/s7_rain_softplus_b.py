# daily rainfall (mm, never negative) from 6 weather readings, softplus output
import numpy as np

rng = np.random.default_rng(13)
readings = rng.normal(size=(250, 6))
true_k = np.array([0.9, -0.4, 0.0, 1.3, 0.2, -0.7])
rain = np.log1p(np.exp(readings @ true_k + 0.5)) + 0.05 * rng.normal(size=250)

k = rng.normal(scale=0.1, size=6)
k0 = np.zeros(1)
knobs = [k, k0]
rate = 0.1


def softplus(z):
    return np.logaddexp(0.0, z)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


z = readings @ k + k0
print(f"first_loss={np.mean((softplus(z) - rain) ** 2):.4f}")
for it in range(300):
    z = readings @ k + k0
    pred = softplus(z)
    delta = 2 * (pred - rain) * sigmoid(z) / len(rain)
    steps = [readings.T @ delta, np.array([delta.sum()])]
    for knob, g in zip(knobs, steps):
        np.subtract(knob, rate * g, out=knob)
    if it % 100 == 0:
        print(f"it={it} mse={np.mean((pred - rain) ** 2):.4f}")

pred = softplus(readings @ k + k0)
mse = np.mean((pred - rain) ** 2)
print(f"final_loss={mse:.4f}")
print(f"r2={1 - mse / np.var(rain):.3f}")
