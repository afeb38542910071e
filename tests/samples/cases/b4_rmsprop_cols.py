# Fit a bumpy curve with one softplus hidden layer; columns are samples; RMSprop with a decaying rate.
import numpy as np

gen = np.random.default_rng(21)
grid = np.linspace(-2.0, 2.0, 64)
inputs = np.vstack([grid, grid ** 2 / 2.0])
target = (np.sin(2.0 * grid) + 0.3 * grid).reshape(1, -1)


def softplus(v):
    return np.logaddexp(0.0, v)


def softplus_slope(v):
    return 1.0 / (1.0 + np.exp(-v))


hid_w = gen.normal(0.0, 0.7, (12, 2))
hid_b = np.zeros((12, 1))
out_w = gen.normal(0.0, 0.3, (1, 12))
out_b = np.zeros((1, 1))
params = [hid_w, hid_b, out_w, out_b]
cache = [np.zeros_like(p) for p in params]
count = inputs.shape[1]
for it in range(1500):
    rate = 0.01 / (1.0 + it / 300.0)
    pre = hid_w @ inputs + hid_b
    act = softplus(pre)
    pred = out_w @ act + out_b
    err = target - pred
    mse = float(np.mean(err ** 2))
    g_out = 2.0 * err / count
    g_pre = (out_w.T @ g_out) * softplus_slope(pre)
    grads = [g_pre @ inputs.T, g_pre.sum(axis=1, keepdims=True), g_out @ act.T, g_out.sum(axis=1, keepdims=True)]
    for slot, (p, g) in enumerate(zip(params, grads)):
        cache[slot] = 0.9 * cache[slot] + 0.1 * g * g
        p -= rate * g / (np.sqrt(cache[slot]) + 1e-8)
    if it % 300 == 0 or it == 1499:
        print(f"iter {it} mse {mse:.5f}")
