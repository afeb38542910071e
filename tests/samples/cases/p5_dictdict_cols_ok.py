# Two-layer sigmoid net on features x samples columns; weights in a dict of dicts updated in place.
import numpy as np

gen = np.random.default_rng(42)
cols = gen.normal(size=(4, 300))
flag = ((cols[0] * cols[1] + 0.5 * cols[2]) > 0).astype(float)[None, :]

start_scale = 0.5
net = {
    "hid": {"w": gen.normal(0.0, start_scale, (10, 4)), "b": np.zeros((10, 1))},
    "out": {"w": gen.normal(0.0, start_scale, (1, 10)), "b": np.zeros((1, 1))},
}
step = 0.5


def logistic(v):
    return 1.0 / (1.0 + np.exp(-v))


for rnd in range(800):
    a1 = logistic(net["hid"]["w"] @ cols + net["hid"]["b"])
    a2 = logistic(net["out"]["w"] @ a1 + net["out"]["b"])
    a2c = np.clip(a2, 1e-9, 1 - 1e-9)
    bce = -np.mean(flag * np.log(a2c) + (1 - flag) * np.log(1 - a2c))
    d2 = (a2 - flag) / cols.shape[1]
    d1 = (net["out"]["w"].T @ d2) * a1 * (1 - a1)
    grads = {
        "hid": {"w": d1 @ cols.T, "b": d1.sum(axis=1, keepdims=True)},
        "out": {"w": d2 @ a1.T, "b": d2.sum(axis=1, keepdims=True)},
    }
    for part in net:
        for key in net[part]:
            net[part][key] -= step * grads[part][key]
    if rnd % 100 == 0:
        print(f"round {rnd} bce {bce:.4f} acc {np.mean((a2 > 0.5) == flag):.3f}")
print(f"final bce {bce:.4f} acc {np.mean((a2 > 0.5) == flag):.3f}")
