# Identification of an unknown 7-tap FIR filter (a 1-D convolution) from a recorded
# input/output pair of signals, using the sample-by-sample LMS recursion. Passes over the
# record are repeated until the relative change of the half mean squared error is below a tolerance.
import numpy as np


def record(n, rng):
    t = np.arange(n)
    x = (np.sin(0.07 * t) + 0.6 * np.sin(0.31 * t + 1.0)
         + 0.8 * rng.standard_normal(n))
    h_true = np.array([0.45, 0.30, 0.10, -0.15, -0.05, 0.20, 0.08])
    y = np.convolve(x, h_true)[:n] + 0.05 * rng.standard_normal(n)
    return x, y, h_true


def half_mse(h, x, y):
    k = len(h)
    yhat = np.convolve(x, h)[:len(x)]
    r = y[k - 1:] - yhat[k - 1:]
    return 0.5 * np.mean(r * r)


def lms_pass(h, x, y, mu):
    lags = np.arange(len(h))
    for t in range(len(h) - 1, len(x)):
        window = x[t - lags]                      # x[t], x[t-1], ..., x[t-K+1]
        e = y[t] - h @ window
        for k in range(len(h)):
            h[k] += mu * e * window[k]
    return h


rng = np.random.RandomState(3)
x, y, h_true = record(1000, rng)
n_taps = 7
lags = np.arange(n_taps)
h = np.zeros_like(lags)
mu, rtol, max_passes = 0.001, 1e-3, 25

losses = [half_mse(h, x, y)]
print(f"pass  0  loss {losses[0]:.6f}")
p, change = 0, 1.0
while change > rtol and p < max_passes:
    h = lms_pass(h, x, y, mu)
    p += 1
    losses.append(half_mse(h, x, y))
    change = abs(losses[-2] - losses[-1]) / losses[-2]
    print(f"pass {p:2d}  loss {losses[-1]:.6f}  rel.change {change:.2e}")

print("estimated taps:", np.round(h, 3))
print("true taps:     ", h_true)
print(f"tap error norm {np.linalg.norm(h - h_true):.4f}")
print(f"first_loss={losses[0]:.6f} final_loss={losses[-1]:.6f}")
