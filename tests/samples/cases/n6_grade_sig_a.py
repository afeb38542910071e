# Fraction of exam questions answered right, from study hours and sleep: sigmoid output, squared error.
import numpy as np


def squash(t):
    return 1.0 / (1.0 + np.exp(-t))


def train(inputs, share, n_rounds=400, rate=2.0):
    w = np.zeros(inputs.shape[1])
    c = 0.0
    losses = []
    for r in range(n_rounds):
        pred = squash(inputs @ w + c)
        err = pred
        err -= share                      # how far off each student is
        losses.append(float(np.mean(err ** 2)))
        slope = err * pred * (1.0 - pred)  # chain rule through the sigmoid
        w -= rate * inputs.T @ slope / len(share)
        c -= rate * slope.mean()
    return w, c, losses


rng = np.random.default_rng(3)
hours = rng.normal(0.0, 1.0, (200, 2))
share = squash(1.5 * hours[:, 0] + 0.8 * hours[:, 1] - 0.3)
w, c, losses = train(hours, share)
print("weights", np.round(w, 3), "bias", round(c, 3))
print(f"first_loss={losses[0]:.5f}")
print(f"final_loss={losses[-1]:.5f}")
